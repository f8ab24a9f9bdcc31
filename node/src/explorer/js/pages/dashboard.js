// Dashboard: the chain at a glance — height, chain id, validators with their
// power, the most recent blocks and the transaction rate over them — refreshed
// every few seconds.

import * as api from "../api.js";
import { addrLink, badge, blockLink, h, link, mono, section, table } from "../dom.js";
import { ago, hex, num, time } from "../format.js";

const RECENT = 20;
const REFRESH_MS = 3000;

/** Transactions per second over a list of block summaries (newest first). */
export function tps(blocks) {
  if (blocks.length < 2) return null;
  const newest = Number(api.u64(blocks[0], "time_ms"));
  const oldest = Number(api.u64(blocks[blocks.length - 1], "time_ms"));
  const txs = blocks.slice(0, -1).reduce((n, b) => n + Number(api.field(b, "tx_count", 0)), 0);
  const seconds = (newest - oldest) / 1000;
  return seconds > 0 ? { tps: txs / seconds, txs, seconds, blocks: blocks.length - 1 } : null;
}

export async function render(ctx) {
  const { main } = ctx;
  const cfg = await api.config();
  const body = h("div");
  main.replaceChildren(h("h1", {}, "Dashboard"), body);
  const draw = async () => {
    const [status, recent, vals] = await Promise.all([
      api.status(),
      api.blocks(RECENT).then((r) => api.field(r, "blocks", [])),
      api.validators().then((v) => api.field(api.field(v, "validator_set", {}), "validators", [])),
    ]);
    if (!ctx.current()) return;
    body.replaceChildren(overview(status, recent, vals), blocksCard(recent), validatorsCard(vals), systemCard(cfg));
  };
  await draw();
  ctx.every(REFRESH_MS, () => draw().catch(() => {}));
}

function overview(status, recent, vals) {
  const rate = tps(recent);
  const height = api.u64(status, "latest_height");
  const total = vals.reduce((n, v) => n + api.u64(v, "power"), 0n);
  const stat = (label, value, id, sub) =>
    h("div", { class: "stat" }, h("div", { class: "stat-label" }, label), h("div", { class: "stat-value", "data-field": id }, value), sub ? h("div", { class: "stat-sub muted" }, sub) : null);
  const latest = api.u64(status, "latest_block_time_ms");
  return h(
    "section",
    { class: "stats", "aria-label": "Chain overview" },
    stat("Height", blockLink(height), "height", latest ? `${ago(latest)} · ${time(latest)}` : null),
    stat("Chain id", api.field(status, "chain_id", "—"), "chain-id", api.field(status, "catching_up") ? "this node is catching up" : "in sync"),
    stat("Validators", String(vals.length), "validators", h("span", { "data-field": "total-power" }, `total power ${num(total)}`)),
    stat("TPS", rate ? rate.tps.toFixed(2) : "—", "tps", rate ? `${rate.txs} txs in ${rate.blocks} blocks, ${rate.seconds.toFixed(1)} s` : "needs two blocks"),
    stat("Mempool", String(api.field(status, "mempool_size", 0)), "mempool", `refreshes every ${REFRESH_MS / 1000} s`),
  );
}

function blocksCard(blocks) {
  const now = Date.now();
  const rows = blocks.map((b) => [
    blockLink(api.u64(b, "height")),
    mono(hex(api.field(b, "block_hash")), `block/${hex(api.field(b, "block_hash"))}`, { shorten: true }),
    h("span", { title: time(api.u64(b, "time_ms")) }, ago(api.u64(b, "time_ms"), now)),
    addrLink(hex(api.field(b, "proposer")), { shorten: true }),
    String(api.field(b, "tx_count", 0)),
    String(api.field(b, "signatures", 0)),
  ]);
  return section("Recent blocks", table("Recent blocks", ["Height", "Hash", "Age", "Proposer", "Txs", "Signatures"], rows, "No blocks yet."));
}

function validatorsCard(vals) {
  const total = vals.reduce((n, v) => n + api.u64(v, "power"), 0n);
  const rows = vals.map((v) => {
    const power = api.u64(v, "power");
    const share = total ? Number((power * 10000n) / total) / 100 : 0;
    return [api.field(v, "name") || "—", addrLink(hex(api.field(v, "address"))), num(power), `${share.toFixed(2)} %`];
  });
  return section("Validators", table("Validators", ["Name", "Address", "Power", "Share"], rows, "No validators."));
}

function systemCard(cfg) {
  const rows = cfg.system_contracts.map((c) => [h("span", {}, c.name), addrLink(c.address), badge("system", "info")]);
  return section(
    "System contracts",
    table("System contracts", ["Contract", "Address", ""], rows),
    h("p", { class: "muted" }, "Check a file against the hash registry on ", link("verify", "Verify a file"), "; resolve a DID on ", link("did", "Resolve a DID"), "."),
  );
}
