// Address page: a contract (info, code hash, admin, recent events and
// transactions, a query box) or an account (nonce and its transactions).

import * as api from "../api.js";
import { addrLink, badge, blockLink, explain, facts, h, jsonBlock, mono, notice, section, table, txLink } from "../dom.js";
import { decodeJsonBytes, execStatus, hex, num, time } from "../format.js";

const PAGE = 20;

export async function render({ main, params }) {
  const addr = params[0].toLowerCase();
  if (!/^0x[0-9a-f]{40}$/.test(addr)) throw new Error(`${JSON.stringify(params[0])} is not a 0x-prefixed 20-byte address`);
  let contract = null;
  try {
    contract = await api.contract(addr);
  } catch (e) {
    if (!(e instanceof api.ApiError && e.notFound)) throw e;
  }
  if (contract) return renderContract(main, addr, api.field(contract, "info", {}));
  const acct = await api.account(addr);
  main.replaceChildren(
    h("h1", {}, "Account"),
    h("p", { class: "mono subtitle" }, addr),
    section("Overview", facts([["Next nonce", num(api.u64(acct, "nonce")), "nonce"], ["As of height", blockLink(api.u64(acct, "height"))]])),
    section("Transactions", await txList({ sender: addr })),
  );
}

async function renderContract(main, addr, info) {
  const cfg = await api.config();
  const system = cfg.system_contracts.find((c) => c.address === addr);
  main.replaceChildren(
    h("h1", {}, "Contract ", system ? badge("system", "info") : null),
    h("p", { class: "mono subtitle" }, addr),
    section(
      "Contract",
      facts([
        ["Label", api.field(info, "label", "") || "—", "label"],
        ["Code hash", mono(hex(api.field(info, "code_hash"))), "code-hash"],
        ["Admin", hex(api.field(info, "admin")) ? addrLink(hex(api.field(info, "admin"))) : h("span", { class: "muted" }, "none (immutable)"), "admin"],
        ["Creator", addrLink(hex(api.field(info, "creator")))],
        ["Created at height", blockLink(api.u64(info, "created_height"))],
      ]),
    ),
    section("Query", queryBox(addr)),
    section("Recent events", await eventList(addr)),
    section("Recent transactions", await txList({ contract: addr })),
  );
}

/** A paged list of transactions (ListTxs) with a "More" button. */
async function txList(by) {
  const box = h("div");
  const load = async (cursor) => {
    const r = await api.txs(by, PAGE, cursor);
    const rows = api.field(r, "txs", []).map((t) => [
      txLink(hex(api.field(t, "tx_hash")), { shorten: true }),
      blockLink(api.u64(t, "height")),
      addrLink(hex(api.field(t, "sender")), { shorten: true }),
      hex(api.field(t, "contract")) ? addrLink(hex(api.field(t, "contract")), { shorten: true }) : "upload",
      badge(execStatus(api.field(t, "status"))),
      num(api.u64(t, "fuel_used")),
    ]);
    box.append(table("Transactions", ["Hash", "Block", "Sender", "Contract", "Status", "Fuel"], rows, "No transactions."));
    const next = api.field(r, "next_cursor", "");
    if (next) {
      const more = h("button", { type: "button", class: "secondary", onclick: () => { more.remove(); load(next).catch((e) => box.append(explain(e))); } }, "More");
      box.append(more);
    }
  };
  try {
    await load();
  } catch (e) {
    box.append(explain(e));
  }
  return box;
}

async function eventList(addr) {
  try {
    const r = await api.events({ contract: addr }, PAGE);
    const list = api.field(r, "events", []);
    if (!list.length) return h("p", { class: "muted" }, "No events.");
    return h(
      "ol",
      { class: "events" },
      list.map((rec) => {
        const e = api.field(rec, "event", {});
        const d = decodeJsonBytes(api.field(e, "data", ""));
        return h(
          "li",
          { class: "event" },
          h("div", { class: "event-head" }, badge(api.field(e, "topic", ""), "topic"), " in ", txLink(hex(api.field(rec, "tx_hash")), { shorten: true }), " at block ", blockLink(api.u64(rec, "height")), h("span", { class: "muted" }, ` · ${time(api.u64(rec, "time_ms"))}`)),
          d.json !== undefined ? jsonBlock(d.json) : h("pre", { class: "json" }, d.text ?? d.hex ?? ""),
        );
      }),
    );
  } catch (e) {
    return explain(e);
  }
}

function queryBox(addr) {
  const out = h("div", { class: "query-out", "aria-live": "polite" });
  const input = h("textarea", { id: "query-msg", rows: 3, spellcheck: "false", placeholder: '{"config":{}}' });
  const height = h("input", { id: "query-height", type: "number", min: "0", placeholder: "latest" });
  const run = async (ev) => {
    ev.preventDefault();
    out.replaceChildren(h("p", { class: "muted" }, "Querying…"));
    let msg;
    try {
      msg = JSON.parse(input.value || "{}");
    } catch (e) {
      out.replaceChildren(notice("error", "The message is not JSON: ", e.message));
      return;
    }
    try {
      const r = await api.query(addr, msg, { height: height.value || undefined });
      const d = decodeJsonBytes(api.field(r, "data", ""));
      out.replaceChildren(
        h("p", { class: "muted" }, `At height ${api.u64(r, "height")} · fuel ${num(api.u64(r, "fuel_used"))}`),
        d.json !== undefined ? jsonBlock(d.json, { "data-field": "query-result" }) : h("pre", { class: "json", "data-field": "query-result" }, d.text ?? d.hex ?? "(empty)"),
      );
    } catch (e) {
      out.replaceChildren(explain(e));
    }
  };
  return h(
    "form",
    { class: "query", onsubmit: run },
    h("label", { for: "query-msg" }, "Query message (JSON, as in the contract's schema/query.json)"),
    input,
    h("div", { class: "row" }, h("label", { for: "query-height" }, "Height"), height, h("button", { type: "submit" }, "Run query")),
    out,
  );
}
