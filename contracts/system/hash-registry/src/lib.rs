//! `hash-registry`: the Bayledger system contract for data-hash registration (genesis index 0,
//! see `docs/domain-contracts.md`).
//!
//! An institution registers the hash of a record it keeps off-chain; another institution that
//! later receives the record recomputes the hash and checks here that exactly this hash was
//! registered, by whom, when, and that it was not revoked or superseded. Further parties may
//! co-sign a registration (e.g. both banks of a cross-border transfer). Every registration is
//! also appended to an append-only Merkle log in the RFC 9162 (Certificate Transparency v2)
//! format, whose tree head is committed in contract state, so any standard CT proof checker can
//! verify that a registration is in the log and that the log only ever grew.
//!
//! **No personal data on chain.** Only the hash (or salted commitment), a short data type, an
//! optional scheme name and an optional metadata URI are stored; the URI must not carry personal
//! data either.
//!
//! # Hashes and commitment schemes
//!
//! `hash` is always 32 bytes, written `0x` + 64 lower-case hex digits. The registry never sees the
//! record, so it cannot check how the hash was made; `commitment_scheme` tells verifiers:
//!
//! - absent (`null`): `hash` is a plain digest of the record, by the convention of its
//!   `data_type` (e.g. SHA3-256 or SHA-256 of the canonical bytes). Anyone holding a candidate
//!   record can test it, so use this only for records with enough entropy that guessing is
//!   hopeless.
//! - present: `hash` is a *salted commitment*, computed as the scheme's name says, e.g.
//!   `sha3-256(salt||data)` = SHA3-256(salt ‖ data) or `sha256(salt||data)`, where `salt` is at
//!   least 16 random bytes kept off-chain with the record and handed to the verifier together
//!   with it. Without the salt nobody can confirm a guessed record against the chain; with it
//!   the verifier recomputes the commitment and compares. The scheme is free text (1–64
//!   printable ASCII characters) so new schemes need no contract change; the chain stores only
//!   the commitment and the scheme's name, never the salt or the data.
//!
//! # Messages (JSON; schemas in `schema/`)
//!
//! Instantiate: `{}` or empty input (no configuration). Starts the empty log.
//!
//! Call (see [`msg::CallMsg`]):
//! - `{"register":{"hash","data_type","commitment_scheme"?,"metadata_uri"?}}` →
//!   `{"hash","log_index","tree_size"}`. The caller is the registrant.
//! - `{"register_batch":{"entries":[<register body>…]}}` (1–64 entries, all or none) →
//!   `{"registered":[{"hash","log_index"}…],"tree_size"}`. At most 64 because each registration
//!   emits one event and a transaction may emit 64.
//! - `{"cosign":{"hash"}}` → no data.
//! - `{"revoke":{"hash","reason"}}` → no data.
//! - `{"supersede":{"hash","reason","new":<register body>}}` → `{"hash","log_index","tree_size"}`
//!   of the new registration, which records `supersedes`.
//!
//! Query (see [`msg::QueryMsg`]; responses in [`msg`]):
//! - `{"status":{"hash","at_ms"?}}` → `{"hash","registrant","data_type","commitment_scheme",
//!   "metadata_uri","supersedes","registered_at_ms","registered_height","log_index",
//!   "status":"active|revoked|superseded","cosigners":[{"address","at_ms","height"}…],
//!   "status_change":null|{"at_ms","height","actor","reason"},"superseded_by"}`. With `at_ms`,
//!   as it stood at that time (events at or before it).
//! - `{"verify":{"hash","registrant"?,"at_ms"?}}` → `{"hash","valid","reason","registration"}`:
//!   `valid` when the hash was registered (by `registrant`, if given) and active at `at_ms`;
//!   never an error for an unknown hash (`registration` is then `null`). Meant for other
//!   contracts and verifiers.
//! - `{"history":{"hash","start_after"?,"limit"?}}` → `{"hash","entries":[{"seq","action",
//!   "at_ms","height","actor","reason","related_hash"}…]}`, actions `registered`, `cosigned`,
//!   `revoked`, `superseded`, oldest first; `related_hash` is the superseded hash on
//!   `registered` and the new hash on `superseded`.
//! - `{"by_registrant":{"registrant","start_after"?,"limit"?}}` → `{"registrant",
//!   "registrations":[{"hash","log_index","data_type","registered_at_ms","registered_height",
//!   "status"}…]}` in log order; `start_after` is a log index.
//! - `{"tree_head":{"tree_size"?}}` → `{"tree_size","root_hash"}`.
//! - `{"inclusion_proof":{"hash"|"leaf_index","tree_size"?}}` → `{"leaf_index","tree_size",
//!   "hash","leaf","leaf_hash","inclusion_path":[…],"root_hash"}`.
//! - `{"consistency_proof":{"first","second"?}}` → `{"first","second","first_root",
//!   "second_root","consistency_path":[…]}`.
//!
//! Migrate (an in-place upgrade decided by governance, the registry's admin): `{}` or empty
//! input; the state layout is unchanged, so nothing is rewritten. Refused on a registry that
//! was never instantiated. The `v2` cargo feature builds a test variant (`scripts/build-contracts.sh`
//! writes it to `target/contracts/hash_registry_v2.wasm`) that also answers `{"version":{}}`
//! with `{"version":2}`; it is never deployed at genesis.
//!
//! Lists are paginated with `start_after` + `limit` (default 10, capped at 100, 0 refused).
//! Optional fields may be omitted or `null`; unknown fields are refused.
//!
//! # Events
//!
//! | topic | data |
//! |---|---|
//! | `hash.registered` | `{"hash","actor","data_type","commitment_scheme","metadata_uri","supersedes","log_index"}` |
//! | `hash.cosigned` | `{"hash","actor","log_index","cosigners"}` (`cosigners`: count after this one) |
//! | `hash.revoked` | `{"hash","actor","log_index","reason"}` |
//! | `hash.superseded` | `{"hash","actor","log_index","reason","new_hash","new_log_index"}` (after the new hash's `hash.registered`) |
//!
//! `actor` is the caller; `log_index` the leaf of the registration concerned.
//!
//! # Access rules
//!
//! - Anyone may register; the caller (the transaction sender, or a calling contract) becomes the
//!   registrant. A hash is registered once, ever.
//! - Anyone but the registrant may co-sign an active registration, once; at most 32 co-signers.
//! - Only the registrant may revoke or supersede, once: a revoked or superseded registration
//!   stays so (its history and log leaf remain).
//! - Queries are open.
//!
//! # Errors (one line, stable kind first)
//!
//! - `invalid message: …` (malformed JSON, unknown field, both or neither of `hash` and
//!   `leaf_index`); `invalid <field>: …` (e.g. `invalid hash`, `invalid entries[2].data_type`,
//!   `invalid new.metadata_uri`, `invalid reason`, `invalid limit`, `invalid tree_size`,
//!   `invalid leaf_index`, `invalid first`, `invalid second`).
//! - `not found: hash 0x… is not registered`, `not found: no leaf at log index …`.
//! - `already exists: hash 0x… is already registered`, `already exists: 0x… has already
//!   co-signed 0x…`.
//! - `unauthorized: only the registrant 0x… may revoke|supersede 0x…`, `unauthorized: the
//!   registrant 0x… cannot co-sign its own registration 0x…`.
//! - `conflict: hash 0x… is already revoked|superseded by 0x…`, `conflict: hash 0x… is revoked;
//!   it can no longer be co-signed`, `conflict: already instantiated`.
//! - `limit: at most 64 registrations per batch, got …`, `limit: hash 0x… already has 32
//!   co-signers, the most allowed`.
//!
//! # The Merkle log
//!
//! Leaf `i` is the `i`-th registration (0-based, in execution order). Its bytes are the fixed
//! encoding documented in [`leaf`] (version byte, hash, registrant, time, height, data type,
//! scheme, URI, superseded hash), returned as `leaf` by `inclusion_proof` so a verifier can
//! recompute `leaf_hash = SHA-256(0x00 ‖ leaf)` and check every field. Hashing and proofs follow
//! RFC 9162 §2.1 exactly ([`merkle`]); the committed head is stored under the key `log_head` as
//! `u64 size ‖ 32-byte root` (big-endian), see [`state`]. Storage holds the hash of every
//! complete subtree, so appends and proofs take `O(log n)` storage operations.
//!
//! Built for `wasm32v1-none` by `scripts/build-contracts.sh`; unit-tested natively against the
//! SDK's mock host (`src/tests/`) and in the real VM (`tests/wasm.rs`).

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

pub mod actions;
pub mod binary;
pub mod contract;
pub mod hex;
pub mod leaf;
pub mod log;
pub mod merkle;
pub mod msg;
pub mod queries;
pub mod state;
#[cfg(test)]
mod tests;
pub mod validate;

bayledger_contract_sdk::entry_points! {
    instantiate: contract::instantiate,
    call: contract::call,
    query: contract::query,
    migrate: contract::migrate,
}
