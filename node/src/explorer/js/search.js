// The search box: what a query names — a height, a block or transaction hash,
// an address (account or contract), a DID or a data hash — and where it leads.

import * as api from "./api.js";

/** Classifies a query without asking the node: `{ kind, value }` or `{ kind: "unknown" }`. */
export function classify(q) {
  const s = q.trim();
  if (/^\d{1,20}$/.test(s)) return { kind: "height", value: s };
  if (/^did:/i.test(s)) return { kind: "did", value: s };
  if (/^(0x)?[0-9a-fA-F]{40}$/.test(s)) return { kind: "address", value: norm(s) };
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(s)) return { kind: "hash", value: norm(s) };
  return { kind: "unknown", value: s };
}

const norm = (s) => "0x" + s.replace(/^0x/i, "").toLowerCase();

/**
 * The route a query leads to. A 32-byte hash is a transaction, else a block,
 * else a data hash to look up in the hash registry.
 */
export async function resolve(q) {
  const { kind, value } = classify(q);
  switch (kind) {
    case "height":
      return `block/${value}`;
    case "did":
      return `did/${value}`;
    case "address":
      return `address/${value}`;
    case "hash":
      if (await exists(() => api.tx(value))) return `tx/${value}`;
      if (await exists(() => api.block(value))) return `block/${value}`;
      return `verify/${value}`;
    default:
      return `search/${encodeURIComponent(value)}`;
  }
}

async function exists(fetcher) {
  try {
    await fetcher();
    return true;
  } catch (e) {
    if (e instanceof api.ApiError && (e.notFound || e.status === 400)) return false;
    throw e;
  }
}
