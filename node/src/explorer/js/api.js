// The node's REST API (proto3 JSON of the gRPC responses: bytes as base64,
// 64-bit integers as strings). `field(obj, "snake_name")` reads a field under
// its JSON name (lowerCamelCase) or its proto name, so the pages accept both.

/** An API answer that is not a success: HTTP status and the node's message. */
export class ApiError extends Error {
  constructor(status, message, path, code = "") {
    super(message);
    this.status = status;
    this.path = path;
    this.code = code;
  }

  /** The node has no such object. */
  get notFound() {
    return this.status === 404;
  }

  /** The node no longer keeps the state or block at that height. */
  get pruned() {
    return /prun/i.test(this.message);
  }

  /** The node does not offer this API. */
  get unimplemented() {
    return this.status === 501 || this.code === "unimplemented";
  }
}

const camel = (name) => name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/** A field of a proto3-JSON object by its proto (snake_case) name. */
export function field(obj, name, dflt = undefined) {
  if (obj == null) return dflt;
  const c = camel(name);
  if (obj[c] !== undefined) return obj[c];
  if (obj[name] !== undefined) return obj[name];
  return dflt;
}

/** A 64-bit integer field (proto3 JSON sends it as a string) as a BigInt; 0 when absent. */
export function u64(obj, name) {
  const v = field(obj, name);
  return v === undefined || v === null || v === "" ? 0n : BigInt(v);
}

/** The node's error body (`{"code", "message"}`, Connect style) or its text. */
async function errorOf(res) {
  const text = await res.text();
  try {
    const body = JSON.parse(text);
    return { message: body.message || body.error || text, code: body.code ?? "" };
  } catch {
    return { message: text || res.statusText, code: "" };
  }
}

/** GET `path` (under the origin) with query `params` (absent values dropped); parsed JSON. */
export async function get(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, String(v));
  }
  let res;
  try {
    res = await fetch(url, { headers: { accept: "application/json" } });
  } catch (e) {
    throw new ApiError(0, `the node did not answer (${e.message})`, path);
  }
  if (!res.ok) {
    const { message, code } = await errorOf(res);
    throw new ApiError(res.status, message, path, code);
  }
  return res.json();
}

/** The explorer's own configuration (system contract addresses). */
let configPromise = null;
export function config() {
  configPromise ??= get("/explorer/config.json");
  return configPromise;
}

/** The address of a system contract by crate name (`hash-registry`, `did-registry`, …). */
export async function systemContract(name) {
  const c = (await config()).system_contracts.find((s) => s.name === name);
  if (!c) throw new Error(`no system contract ${name}`);
  return c.address;
}

export const status = () => get("/v1/status");
export const block = (id) => get(`/v1/blocks/${encodeURIComponent(id)}`);
export const blocks = (limit, before) => get("/v1/blocks", { limit, before });
export const tx = (hash) => get(`/v1/txs/${hash}`);
export const txs = (by, limit, cursor) => get("/v1/txs", { ...by, limit, cursor });
export const events = (filter, limit, cursor) => get("/v1/events", { ...filter, limit, cursor });
export const account = (addr) => get(`/v1/accounts/${addr}`);
export const contract = (addr) => get(`/v1/contracts/${addr}`);
export const validators = (height) => get("/v1/validators", { height: height || undefined });
export const signedHeader = (height) => get(`/v1/headers/${height}`);

/**
 * Runs a contract query: `msg` is a JSON value; `height` 0 or absent means the
 * latest; with `prove` the answer carries every state entry read, with proofs.
 */
export function query(addr, msg, { height, prove } = {}) {
  return get(`/v1/contracts/${addr}/query`, {
    msg: JSON.stringify(msg),
    height: height ? String(height) : undefined,
    prove: prove ? "true" : undefined,
  });
}
