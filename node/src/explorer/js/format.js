// Formatting of chain values for people: addresses and hashes from base64,
// times, numbers, statuses, and contract messages and event data decoded from
// their bytes to JSON.

import { fromBase64, fromUtf8, to0x } from "./bytes.js";

/** Base64 bytes (proto3 JSON) to `0x…` hex; "" when empty. */
export function hex(value) {
  const bytes = fromBase64(value || "");
  return bytes.length ? to0x(bytes) : "";
}

/** Milliseconds since the epoch (number, string or BigInt) as an ISO-like UTC time. */
export function time(ms) {
  const n = Number(ms);
  if (!n) return "—";
  return new Date(n).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** How long ago `ms` was, e.g. "12 s ago". */
export function ago(ms, now = Date.now()) {
  const s = Math.max(0, Math.round((now - Number(ms)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** A number with thousands separators. */
export function num(v) {
  return BigInt(v ?? 0).toLocaleString("en-US");
}

/** `EXEC_STATUS_OK` (or 1) → `ok`. */
export function execStatus(s) {
  const names = ["unspecified", "ok", "trap", "out_of_fuel", "aborted", "rejected"];
  if (typeof s === "number") return names[s] ?? String(s);
  return String(s ?? "EXEC_STATUS_UNSPECIFIED").replace(/^EXEC_STATUS_/, "").toLowerCase();
}

/**
 * Bytes (base64) that should hold JSON, decoded: `{ json }` when they parse,
 * `{ text }` when they are UTF-8 but not JSON, `{ hex }` otherwise, `{}` when empty.
 */
export function decodeJsonBytes(value) {
  const bytes = fromBase64(value || "");
  if (!bytes.length) return {};
  const text = fromUtf8(bytes);
  if (text === null) return { hex: to0x(bytes) };
  try {
    return { json: JSON.parse(text) };
  } catch {
    return { text };
  }
}

/** A shortened hash or address for tables: `0x1234…abcd`. */
export function short(h, keep = 8) {
  return h && h.length > 2 * keep + 4 ? `${h.slice(0, keep + 2)}…${h.slice(-keep)}` : h;
}
