// Transaction page: status, fuel, the action with its contract message decoded
// from bytes to JSON, the events the contract emitted (data decoded to JSON)
// and the receipt's return data.

import * as api from "../api.js";
import { addrLink, badge, blockLink, facts, h, jsonBlock, mono, notice, section } from "../dom.js";
import { decodeJsonBytes, execStatus, hex, num } from "../format.js";
import { fromBase64 } from "../bytes.js";

export async function render({ main, params }) {
  const hash = params[0].toLowerCase();
  if (!/^0x[0-9a-f]{64}$/.test(hash)) throw new Error(`${JSON.stringify(params[0])} is not a 0x-prefixed transaction hash`);
  const t = await api.tx(hash);
  const body = api.field(t, "body", {});
  const receipt = api.field(t, "receipt", {});
  const status = execStatus(api.field(receipt, "status"));
  const error = api.field(receipt, "error", "");
  main.replaceChildren(
    h("h1", {}, "Transaction"),
    h("p", { class: "mono subtitle" }, hash),
    section(
      "Overview",
      facts([
        ["Status", badge(status), "status"],
        error ? ["Error", h("span", { class: "error-text" }, error), "error"] : null,
        ["Block", h("span", {}, blockLink(api.u64(t, "height")), ` · index ${api.field(t, "index", 0)}`), "height"],
        ["Sender", addrLink(hex(api.field(t, "sender"))), "sender"],
        ["Nonce", num(api.u64(body, "nonce"))],
        ["Fuel used / limit", `${num(api.u64(receipt, "fuel_used"))} / ${num(api.u64(body, "fuel_limit"))}`, "fuel"],
        ["Expiry height", num(api.u64(body, "expiry_height"))],
        ["Chain id", api.field(body, "chain_id", "")],
      ]),
    ),
    section("Action", action(api.field(body, "action", {}), receipt)),
    section("Events", events(api.field(receipt, "events", []))),
    ...[returnData(api.field(receipt, "return_data", ""))].filter(Boolean),
  );
}

function message(b64, id) {
  const d = decodeJsonBytes(b64);
  if (d.json !== undefined) return jsonBlock(d.json, { "data-field": id });
  if (d.text !== undefined) return h("pre", { class: "json", "data-field": id }, d.text);
  if (d.hex) return h("pre", { class: "json", "data-field": id }, d.hex);
  return h("span", { class: "muted" }, "(empty)");
}

function action(a, receipt) {
  const call = api.field(a, "call");
  const inst = api.field(a, "instantiate");
  const upload = api.field(a, "upload_code");
  if (call) {
    return [
      facts([["Kind", "call"], ["Contract", addrLink(hex(api.field(call, "contract"))), "contract"]]),
      h("h3", {}, "Message"),
      message(api.field(call, "msg", ""), "msg"),
    ];
  }
  if (inst) {
    return [
      facts([
        ["Kind", "instantiate"],
        ["Label", api.field(inst, "label", "")],
        ["Code hash", mono(hex(api.field(inst, "code_hash")))],
        ["New contract", addrLink(hex(api.field(receipt, "contract_address")))],
      ]),
      h("h3", {}, "Instantiate message"),
      message(api.field(inst, "init_msg", ""), "msg"),
    ];
  }
  if (upload) {
    const size = fromBase64(api.field(upload, "wasm", "")).length;
    return facts([["Kind", "upload code"], ["Module size", `${num(size)} bytes`], ["Code hash", mono(hex(api.field(receipt, "code_hash")))]]);
  }
  return notice("warn", "This transaction's action is of a kind the explorer does not know.");
}

function events(list) {
  if (!list.length) return h("p", { class: "muted" }, "No events.");
  return h(
    "ol",
    { class: "events" },
    list.map((e) =>
      h(
        "li",
        { class: "event" },
        h("div", { class: "event-head" }, badge(api.field(e, "topic", ""), "topic"), " from ", addrLink(hex(api.field(e, "contract")), { shorten: true })),
        message(api.field(e, "data", ""), "event-data"),
      ),
    ),
  );
}

function returnData(b64) {
  if (!b64) return null;
  return section("Return data", message(b64, "return-data"));
}
