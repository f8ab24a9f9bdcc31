// Byte helpers: hex, base64 (proto3 JSON carries bytes as base64), UTF-8,
// concatenation and comparison. Everything works on Uint8Array.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Lower-case hex without a prefix. */
export function toHex(bytes) {
  let s = "";
  for (const b of bytes) s += HEX[b];
  return s;
}

/** `0x` + lower-case hex. */
export function to0x(bytes) {
  return "0x" + toHex(bytes);
}

/** Hex (with or without `0x`) to bytes; throws on anything else. */
export function fromHex(text) {
  const hex = text.startsWith("0x") || text.startsWith("0X") ? text.slice(2) : text;
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new Error(`not hex: ${JSON.stringify(text)}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** Standard or URL-safe base64 (padding optional) to bytes; throws on anything else. */
export function fromBase64(text) {
  if (typeof text !== "string") return new Uint8Array();
  const std = text.replace(/-/g, "+").replace(/_/g, "/");
  let bin;
  try {
    bin = atob(std + "=".repeat((4 - (std.length % 4)) % 4));
  } catch {
    throw new Error("not base64");
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Bytes to standard base64. */
export function toBase64(bytes) {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** UTF-8 encoding of a string. */
export function utf8(text) {
  return new TextEncoder().encode(text);
}

/** Strict UTF-8 decoding; `null` when the bytes are not UTF-8. */
export function fromUtf8(bytes) {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Concatenation of byte arrays. */
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Whether two byte arrays are equal. */
export function equal(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Big-endian unsigned integer of up to 8 bytes, as a BigInt. */
export function readU64be(bytes, at) {
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(bytes[at + i]);
  return v;
}
