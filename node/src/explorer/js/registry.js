// "Was this file registered?": asks the hash registry about a SHA3-256 hash and
// checks the answer in the browser, step by step:
//
//  1. the `verify` query runs with `prove`: every state entry the registry read
//     (its registration record, status record…) comes with a JMT proof, each
//     checked against the state root of the block the answer is for;
//  2. that block's signed header bytes hash (SHA3-256, tagged) to the block
//     hash and hold that state root;
//  3. the registration record proven in state is parsed and matched with the answer;
//  4. the registry's Merkle log head (`log_head` in its storage) is proven in
//     the same state;
//  5. the RFC 9162 inclusion proof of the registration's log leaf leads to that
//     head's root (SHA-256 via WebCrypto), and the leaf is this registration.
//
//  6. the block's commit: more than 2/3 of the power of the validator set the
//     header names signed it (secp256k1 recovery in JS, js/commit.js).
//
// What is not checked here: that this validator set is the consortium's (a
// light client follows it from genesis: `bayledger verify`); the page lists
// the signers' keys so a reader can compare them with published ones.

import * as api from "./api.js";
import { concat, equal, fromBase64, fromHex, readU64be, to0x, toHex, utf8 } from "./bytes.js";
import { verifyStateProof } from "./jmt.js";
import { decodeHeader } from "./protobuf.js";
import { leafHash, verifyInclusion } from "./rfc9162.js";
import { blockHash, verifyCommit } from "./commit.js";

/** The state key of a contract's storage key: `kv/` ‖ address ‖ key. */
export function storageKey(contractHex, key) {
  return concat(utf8("kv/"), fromHex(contractHex), key);
}

/** The storage key of an entry of an SDK `Map`: u8 len(namespace) ‖ namespace ‖ key. */
export function mapKey(namespace, key) {
  return concat(Uint8Array.of(namespace.length), utf8(namespace), key);
}

/** Parses a version-1 log leaf (hash-registry `leaf.rs`). Throws on anything else. */
export function parseLeaf(leaf) {
  let at = 0;
  const take = (n) => {
    if (at + n > leaf.length) throw new Error("the log leaf is truncated");
    const out = leaf.subarray(at, at + n);
    at += n;
    return out;
  };
  const ascii = (n) => new TextDecoder().decode(take(n));
  if (take(1)[0] !== 1) throw new Error("unknown log leaf version");
  const out = {
    hash: to0x(take(32)),
    registrant: to0x(take(20)),
    registeredAtMs: readU64be(take(8), 0),
    registeredHeight: readU64be(take(8), 0),
  };
  out.dataType = ascii(take(1)[0]);
  out.commitmentScheme = ascii(take(1)[0]) || null;
  const u = take(2);
  out.metadataUri = ascii((u[0] << 8) | u[1]) || null;
  const flag = take(1)[0];
  if (flag > 1) throw new Error("bad supersedes flag in the log leaf");
  out.supersedes = flag === 1 ? to0x(take(32)) : null;
  if (at !== leaf.length) throw new Error("trailing bytes in the log leaf");
  return out;
}

/** Runs one step: records ok / fail with its detail; returns its value or undefined. */
async function step(report, id, label, fn) {
  const entry = { id, label, state: "running", detail: "" };
  report.checks.push(entry);
  report.onChange?.(report);
  try {
    const detail = await fn();
    entry.state = "ok";
    entry.detail = detail ?? "";
  } catch (e) {
    entry.state = "fail";
    entry.detail = e.message;
    report.failed = true;
  }
  report.onChange?.(report);
  return entry.state === "ok";
}

function decodeData(resp) {
  return JSON.parse(new TextDecoder().decode(fromBase64(api.field(resp, "data", ""))));
}

/** Checks every proven read of a query answer against its state root. */
function checkReads(resp) {
  const root = fromBase64(api.field(resp, "state_root", ""));
  const reads = api.field(resp, "reads", []);
  if (!reads.length) throw new Error("the node returned no proofs");
  for (const r of reads) {
    const key = fromBase64(api.field(r, "key", ""));
    const value = api.field(r, "exists", false) ? fromBase64(api.field(r, "value", "")) : null;
    try {
      verifyStateProof(root, key, value, fromBase64(api.field(r, "proof", "")));
    } catch (e) {
      throw new Error(`state key ${to0x(key)}: ${e.message}`);
    }
  }
  return reads;
}

function findRead(reads, key) {
  return reads.find((r) => equal(fromBase64(api.field(r, "key", "")), key));
}

/**
 * Asks the registry about `hashHex` and verifies the answer. `onChange(report)`
 * is called as steps complete. Resolves to the report:
 * `{ hash, height, answer, registration, head, inclusion, checks, failed, notVerified }`.
 */
export async function checkHash(hashHex, onChange) {
  const hash = to0x(fromHex(hashHex));
  const registry = await api.systemContract("hash-registry");
  const report = { hash, registry, checks: [], failed: false, onChange, notVerified: [] };

  const resp = await api.query(registry, { verify: { hash } }, { prove: true });
  report.height = api.u64(resp, "height");
  report.stateRoot = to0x(fromBase64(api.field(resp, "state_root", "")));
  report.answer = decodeData(resp);
  report.registration = report.answer.registration;
  onChange?.(report);

  let reads = [];
  await step(report, "reads", "Every state entry the registry read is in the committed state", () => {
    reads = checkReads(resp);
    return `${reads.length} JMT proof${reads.length === 1 ? "" : "s"} against state root ${report.stateRoot} (height ${report.height})`;
  });

  await step(report, "header", `Block ${report.height}'s header commits to that state root`, async () => {
    const signed = await api.signedHeader(report.height);
    const bytes = fromBase64(api.field(signed, "header", ""));
    const computed = blockHash(bytes);
    const claimed = fromBase64(api.field(signed, "block_hash", ""));
    if (!equal(computed, claimed)) throw new Error(`the header bytes hash to ${to0x(computed)}, not the block hash ${to0x(claimed)}`);
    const header = decodeHeader(bytes);
    if (header.height !== report.height) throw new Error(`the header is for height ${header.height}`);
    if (toHex(header.stateRoot) !== report.stateRoot.slice(2)) {
      throw new Error(`the header's state root is ${to0x(header.stateRoot)}`);
    }
    report.blockHash = to0x(computed);
    report.header = header;
    report.commit = api.field(signed, "commit", {});
    return `block hash ${report.blockHash} = SHA3-256 of the header bytes`;
  });

  if (report.header) {
    await step(report, "commit", `Block ${report.height} is signed by more than 2/3 of its validators' power`, async () => {
      const set = await api.validators(report.height);
      const validators = api.field(api.field(set, "validator_set", {}), "validators", []);
      const { signed, total, signers } = verifyCommit(report.header, fromHex(report.blockHash), report.commit, validators);
      const keys = validators.map((v) => `${api.field(v, "name", "") || "?"} ${to0x(fromBase64(api.field(v, "pub_key", "")))}`);
      report.notVerified.push(
        `That the validator set of block ${report.height} is the consortium's: compare its keys (${keys.join(", ")}) with the published ones, or follow the set from genesis with a light client (bayledger verify).`,
      );
      return `${signers} signature${signers === 1 ? "" : "s"}, power ${signed} of ${total}; the set hashes to the header's validator_set_hash`;
    });
  }

  const regKey = storageKey(registry, mapKey("reg", fromHex(hash)));
  const regRead = findRead(reads, regKey);
  if (!report.registration) {
    await step(report, "absent", "The state proves that this hash has no registration", () => {
      if (!regRead) throw new Error("the registration record's key is not among the proven reads");
      if (api.field(regRead, "exists", false)) throw new Error("the state holds a registration, the answer says none");
      return "absence proof of the registration record checked";
    });
    return report;
  }

  const reg = report.registration;
  await step(report, "record", "The registration record in state matches the answer", () => {
    if (!regRead || !api.field(regRead, "exists", false)) throw new Error("the registration record is not among the proven reads");
    const value = fromBase64(api.field(regRead, "value", ""));
    const leaf = parseLeaf(value.subarray(8));
    report.logIndex = readU64be(value, 0);
    const same =
      leaf.hash === hash &&
      leaf.registrant === reg.registrant &&
      leaf.registeredAtMs === BigInt(reg.registered_at_ms) &&
      leaf.registeredHeight === BigInt(reg.registered_height) &&
      leaf.dataType === reg.data_type &&
      report.logIndex === BigInt(reg.log_index);
    if (!same) throw new Error("the proven record differs from the registry's answer");
    return `registrant ${leaf.registrant}, log index ${report.logIndex}`;
  });

  const headKey = storageKey(registry, utf8("log_head"));
  await step(report, "tree-head", "The registry's Merkle log head is in the committed state", async () => {
    const r = await api.query(registry, { tree_head: {} }, { height: report.height, prove: true });
    if (api.u64(r, "height") !== report.height) throw new Error(`answered at height ${api.u64(r, "height")}`);
    if (to0x(fromBase64(api.field(r, "state_root", ""))) !== report.stateRoot) throw new Error("answered against another state root");
    const headReads = checkReads(r);
    const read = findRead(headReads, headKey);
    if (!read || !api.field(read, "exists", false)) throw new Error("the log head is not among the proven reads");
    const value = fromBase64(api.field(read, "value", ""));
    if (value.length !== 40) throw new Error("the stored log head is not 40 bytes");
    report.head = { size: readU64be(value, 0), root: value.subarray(8) };
    const answer = decodeData(r);
    if (BigInt(answer.tree_size) !== report.head.size || answer.root_hash !== to0x(report.head.root)) {
      throw new Error("the registry's answer differs from its stored log head");
    }
    return `size ${report.head.size}, root ${to0x(report.head.root)}`;
  });
  if (!report.head) return report;

  await step(report, "inclusion", "RFC 9162 inclusion proof: the registration is in the log", async () => {
    const msg = { inclusion_proof: { hash, tree_size: Number(report.head.size) } };
    const p = decodeData(await api.query(registry, msg, { height: report.height }));
    const leaf = fromHex(p.leaf);
    const lh = await leafHash(leaf);
    if (to0x(lh) !== p.leaf_hash) throw new Error("the leaf hash is not SHA-256(0x00 ‖ leaf)");
    const parsed = parseLeaf(leaf);
    if (parsed.hash !== hash || parsed.registrant !== reg.registrant) throw new Error("the log leaf is another registration");
    if (BigInt(p.tree_size) !== report.head.size) throw new Error(`the proof is for a tree of ${p.tree_size}`);
    const path = p.inclusion_path.map((x) => fromHex(x));
    await verifyInclusion(BigInt(p.leaf_index), report.head.size, lh, path, report.head.root);
    report.inclusion = p;
    return `leaf ${p.leaf_index} of ${p.tree_size}, ${path.length}-node audit path (SHA-256, WebCrypto)`;
  });
  return report;
}

