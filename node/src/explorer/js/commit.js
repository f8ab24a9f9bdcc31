// Block hashes, and a block's commit checked as a light client does (`verify_commit`,
// sdk/types/src/block.rs): the validator set hashes to the header's
// `validator_set_hash`, and distinct members of that set holding more than
// 2/3 of its power signed the precommit for this block — each signature's
// recovered key is the member's key. Whether that set is the consortium's is
// the reader's trust decision (or a light client's, from genesis).

import * as api from "./api.js";
import { equal, fromBase64, to0x, utf8 } from "./bytes.js";
import { bytesField, message, uintField } from "./protobuf.js";
import { recoverCompressed } from "./secp256k1.js";
import { sha3_256 } from "./sha3.js";

const HEADER_TAG = utf8("bayledger/header/v1");
const VOTE_TAG = utf8("bayledger/vote/v1");
const VALSET_TAG = utf8("bayledger/valset/v1");
const PRECOMMIT = 2;

/** The block hash of exact header bytes: SHA3-256("bayledger/header/v1" ‖ 0x00 ‖ bytes). */
export function blockHash(headerBytes) {
  return sha3_256(HEADER_TAG, Uint8Array.of(0), headerBytes);
}

/** SHA3-256 of a validator set as the header commits to it. */
export function validatorSetHash(validators) {
  const encoded = validators.map((v) =>
    message(
      bytesField(1, fromBase64(api.field(v, "address", ""))),
      bytesField(2, fromBase64(api.field(v, "pub_key", ""))),
      uintField(3, api.u64(v, "power")),
      bytesField(4, utf8(api.field(v, "name", ""))),
    ),
  );
  return sha3_256(VALSET_TAG, Uint8Array.of(0), message(...encoded.map((v) => bytesField(1, v, true))));
}

/** The digest a validator signs to precommit `blockHash`. */
export function voteDigest(chainId, height, round, blockHash) {
  const vote = message(bytesField(1, utf8(chainId)), uintField(2, height), uintField(3, round), bytesField(4, blockHash), uintField(5, PRECOMMIT));
  return sha3_256(VOTE_TAG, Uint8Array.of(0), vote);
}

/**
 * Verifies `commit` (proto3 JSON) for the block with hash `blockHash` whose
 * decoded header bytes are `header`, against `validators` (proto3 JSON list).
 * Returns `{ signed, total, signers }`; throws Error naming what failed.
 */
export function verifyCommit(header, blockHash, commit, validators) {
  if (!equal(validatorSetHash(validators), header.validatorSetHash)) {
    throw new Error("the validator set does not hash to the header's validator_set_hash");
  }
  if (api.u64(commit, "height") !== header.height) throw new Error(`the commit is for height ${api.u64(commit, "height")}`);
  if (!equal(fromBase64(api.field(commit, "block_hash", "")), blockHash)) throw new Error("the commit is for another block");
  const digest = voteDigest(header.chainId, header.height, api.field(commit, "round", 0), blockHash);
  const total = validators.reduce((n, v) => n + api.u64(v, "power"), 0n);
  const seen = new Set();
  let signed = 0n;
  for (const s of api.field(commit, "signatures", [])) {
    const addr = to0x(fromBase64(api.field(s, "validator", "")));
    const member = validators.find((v) => to0x(fromBase64(api.field(v, "address", ""))) === addr);
    if (!member) throw new Error(`${addr} is not in the validator set`);
    if (seen.has(addr)) throw new Error(`${addr} signed twice`);
    seen.add(addr);
    let key;
    try {
      key = recoverCompressed(digest, fromBase64(api.field(s, "signature", "")));
    } catch (e) {
      throw new Error(`the signature of ${addr} is unusable: ${e.message}`);
    }
    if (!equal(key, fromBase64(api.field(member, "pub_key", "")))) throw new Error(`the signature of ${addr} is not by its key`);
    signed += api.u64(member, "power");
  }
  if (signed * 3n <= total * 2n) throw new Error(`signed power ${signed} of ${total} is not more than 2/3`);
  return { signed, total, signers: seen.size };
}
