// Block page: the header's fields, the transactions (with their status and
// sender), and the commit that finalised the block — each validator's
// signature with its power.

import * as api from "../api.js";
import { addrLink, badge, facts, h, mono, notice, section, table, txLink } from "../dom.js";
import { execStatus, hex, num, time } from "../format.js";
import { fromBase64 } from "../bytes.js";
import { blockHash, verifyCommit } from "../commit.js";
import { decodeHeader } from "../protobuf.js";

const TX_DETAILS = 50;

export async function render({ main, params }) {
  const id = params[0];
  if (!/^\d+$/.test(id) && !/^0x[0-9a-fA-F]{64}$/.test(id)) {
    throw new Error(`${JSON.stringify(id)} is neither a height nor a 0x-prefixed block hash`);
  }
  const b = await api.block(id);
  const header = api.field(b, "header", {});
  const height = api.u64(header, "height");
  const commit = api.field(b, "commit", {});
  const txHashes = api.field(b, "tx_hashes", []).map(hex);
  const [vals, txs, signedHeader] = await Promise.all([
    api.validators(height).then((v) => api.field(api.field(v, "validator_set", {}), "validators", [])).catch(() => null),
    Promise.all(txHashes.slice(0, TX_DETAILS).map((t) => api.tx(t).catch(() => null))),
    api.signedHeader(height).catch(() => null),
  ]);

  main.replaceChildren(
    h("h1", {}, "Block ", h("span", { class: "mono" }, String(height))),
    nav(height),
    section(
      "Header",
      facts([
        ["Block hash", mono(hex(api.field(b, "block_hash"))), "block-hash"],
        ["Height", String(height), "height"],
        ["Time", time(api.u64(header, "time_ms")), "time"],
        ["Chain id", api.field(header, "chain_id", "")],
        ["Proposer", addrLink(hex(api.field(header, "proposer")))],
        ["Parent hash", height > 1n ? mono(hex(api.field(header, "parent_hash")), `block/${height - 1n}`) : mono(hex(api.field(header, "parent_hash")))],
        ["Transactions", String(api.field(header, "tx_count", 0)), "tx-count"],
        ["Tx root", mono(hex(api.field(header, "tx_root")))],
        ["Receipts root", mono(hex(api.field(header, "receipts_root")))],
        ["State root", mono(hex(api.field(header, "state_root"))), "state-root"],
        ["Validator set hash", mono(hex(api.field(header, "validator_set_hash")))],
        ["Evidence root", mono(hex(api.field(header, "evidence_root")))],
      ]),
    ),
    section("Transactions", txTable(txHashes, txs)),
    section("Commit", commitView(commit, vals), commitCheck(signedHeader, vals)),
  );
}

/** The commit checked in the browser against the exact header bytes (js/commit.js). */
function commitCheck(signed, vals) {
  if (!signed || !vals) return notice("warn", "The signed header or the validator set is unavailable: the commit was not checked.");
  try {
    const bytes = fromBase64(api.field(signed, "header", ""));
    const { signed: power, total, signers } = verifyCommit(decodeHeader(bytes), blockHash(bytes), api.field(signed, "commit", {}), vals);
    return notice(
      "ok",
      h("strong", { "data-field": "commit-verdict" }, "Commit verified"),
      ` in your browser: ${signers} signature${signers === 1 ? "" : "s"} recovered to their validators' keys, power ${num(power)} of ${num(total)} (more than 2/3); the validator set hashes to the header's validator_set_hash. Whether that set is the consortium's is for a light client (`,
      h("code", {}, "bayledger verify"),
      ") or a comparison with the published keys.",
    );
  } catch (e) {
    return notice("error", h("strong", { "data-field": "commit-verdict" }, "Commit verification FAILED"), `: ${e.message}`);
  }
}

function nav(height) {
  return h(
    "p",
    { class: "pager" },
    height > 1n ? blockLinkText(height - 1n, "← previous") : null,
    " ",
    blockLinkText(height + 1n, "next →"),
  );
}

function blockLinkText(height, text) {
  return h("a", { href: `#/block/${height}` }, text);
}

function txTable(hashes, txs) {
  const rows = hashes.map((t, i) => {
    const d = txs[i];
    const receipt = api.field(d, "receipt", {});
    const status = d ? execStatus(api.field(receipt, "status")) : "—";
    return [
      String(i),
      txLink(t, { shorten: true }),
      d ? addrLink(hex(api.field(d, "sender")), { shorten: true }) : "—",
      d ? badge(status) : "—",
      d ? num(api.u64(receipt, "fuel_used")) : "—",
    ];
  });
  const more = hashes.length > TX_DETAILS ? h("p", { class: "muted" }, `Details shown for the first ${TX_DETAILS} transactions.`) : null;
  return [table("Transactions", ["#", "Hash", "Sender", "Status", "Fuel"], rows, "No transactions in this block."), more];
}

function commitView(commit, vals) {
  const sigs = api.field(commit, "signatures", []);
  const byAddr = new Map((vals ?? []).map((v) => [hex(api.field(v, "address")), v]));
  const total = (vals ?? []).reduce((n, v) => n + api.u64(v, "power"), 0n);
  let signed = 0n;
  const rows = sigs.map((s) => {
    const addr = hex(api.field(s, "validator"));
    const v = byAddr.get(addr);
    const power = v ? api.u64(v, "power") : null;
    if (power) signed += power;
    return [
      v ? api.field(v, "name") || "—" : "—",
      addrLink(addr, { shorten: true }),
      power === null ? "?" : num(power),
      h("span", { class: "mono sig", title: hex(api.field(s, "signature")) }, hex(api.field(s, "signature"))),
    ];
  });
  return [
    facts([
      ["Round", String(api.field(commit, "round", 0))],
      ["Signed power", vals ? `${num(signed)} of ${num(total)}` : "validator set unavailable", "signed-power"],
    ]),
    table("Commit signatures", ["Validator", "Address", "Power", "Signature (r ‖ s ‖ v)"], rows, "No signatures."),
  ];
}
