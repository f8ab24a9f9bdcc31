//! `credentials`: the Bayledger system contract for credential types, the issuers authorised
//! per type, anchored W3C Verifiable Credentials and their status (genesis index 2,
//! docs/domain-contracts.md).
//!
//! It serves mutual recognition of credentials such as health certificates: the consortium
//! admits an issuer (a health authority's DID) for a credential type; the issuer signs a VC
//! off-chain and anchors its hash here; a verifier checks the VC's signature with the key from
//! the issuer's DID document, then asks this contract whether the issuer was authorised for the
//! type and whether the credential is active (`credential`, `holds_valid`, or the issuer's
//! status list). Only identifiers, DIDs and hashes are stored: never the VC itself.
//!
//! # Messages
//! JSON, `snake_case` variants, unknown fields refused. JSON Schemas: `schema/instantiate.json`,
//! `schema/call.json`, `schema/query.json`, `schema/responses.json` (one `$defs` entry per
//! query), `schema/events.json` (one `$defs` entry per topic). Times are ms since the Unix
//! epoch; `at_ms` omitted means the latest block's time.
//!
//! Instantiate: `{"committee": "0x…", "did_registry": "0x…"}` (both required).
//!
//! Calls (who may send them):
//! - `{"set_committee": {"committee": "0x…"}}` — committee;
//! - `{"register_type": {"id", "name", "description"?, "schema_hash", "schema_uri", "owner"}}`
//!   — committee; `id` is 1–64 of `[a-z0-9._-]` (e.g. `health-certificate`), `owner` the
//!   address that may publish schema versions;
//! - `{"update_schema": {"credential_type", "schema_hash", "schema_uri"}}` — the type's owner;
//!   adds the next schema version, earlier ones stay in the history;
//! - `{"add_issuer": {"credential_type", "issuer"}}`, `{"remove_issuer": {…same…}}` —
//!   committee; `issuer` is a DID; each admission opens, each removal closes, a dated period;
//! - `{"issue": {"id", "credential_type", "issuer", "subject", "vc_hash", "vc_hash_alg"?,
//!   "valid_from_ms"?, "valid_until_ms"?, "status_index"?}}` — a sender that controls the
//!   `issuer` DID (asked of the DID registry's `authorized` query), which must be authorised for
//!   the type now. `id` is the VC's id (an absolute URI ≤ 128 bytes, e.g. `urn:uuid:…`),
//!   `vc_hash` the hash of the VC's canonical bytes (`0x` + 64 hex, `vc_hash_alg` `sha3-256`
//!   (default) or `sha2-256`), validity is `[valid_from_ms, valid_until_ms)` and
//!   `valid_until_ms` must still be ahead; `status_index` fixes the VC's position in the
//!   issuer's status lists (default: the issuer's next free index);
//! - `{"revoke": {"id", "reason"}}` (final), `{"suspend": {…}}` (active → suspended),
//!   `{"reinstate": {…}}` (suspended → active) — a sender that controls the credential's
//!   issuer DID; `reason` 1–256 bytes.
//!
//! Queries:
//! - `{"config": {}}` → `{"committee", "did_registry"}`;
//! - `{"type": {"id"}}` → `{"type": {…current schema…}, "schemas": [{"version", "schema_hash",
//!   "schema_uri", "at_ms", "height"}…]}`; `{"types": {"start_after"?, "limit"?}}` →
//!   `{"types": […]}`;
//! - `{"issuers": {"credential_type", "start_after"?, "limit"?}}` → `{"credential_type",
//!   "issuers": [{"issuer", "authorized", "periods": [{"from_ms", "from_height", "until_ms",
//!   "until_height"}…]}…]}`;
//! - `{"is_authorized_issuer": {"credential_type", "issuer", "at_ms"?}}` → `{"authorized",
//!   "at_ms", "reason"}`;
//! - `{"credential": {"id", "at_ms"?}}` → `{"id", "credential_type", "schema_version",
//!   "issuer", "subject", "vc_hash", "vc_hash_alg", "issued_at_ms", "issued_height",
//!   "valid_from_ms", "valid_until_ms", "at_ms", "status", "issuer_authorized", "status_list",
//!   "status_list_index", "history": [{"action", "status", "reason", "at_ms", "height",
//!   "by"}…]}` — status, issuer authorisation and history as of `at_ms`;
//! - `{"holds_valid": {"subject", "credential_type", "at_ms"?}}` → `{"valid", "credential_id",
//!   "reason"}` (the cross-contract interface of docs/domain-contracts.md);
//! - `{"credentials_by_subject": {"subject", "credential_type"?, "start_after"?, "limit"?}}`
//!   (by type id, then newest first),
//!   `{"credentials_by_issuer": {"issuer", "start_after"?, "limit"?}}` (by status index) →
//!   `{"credentials": [{"id", "credential_type", "issuer", "subject", "issued_at_ms",
//!   "valid_from_ms", "valid_until_ms", "status"}…]}` (`start_after` is a credential id of
//!   that list; `status` is the current one);
//! - `{"status_list": {"issuer", "purpose": "revocation"|"suspension", "list"?, "at_ms"?}}` →
//!   `{"issuer", "purpose", "list", "at_ms", "size": 131072, "encoded_list"}`; see
//!   [`status_list`] for the bit layout and encoding.
//!
//! Pages hold 10 entries by default, at most 100.
//!
//! # Events
//! `credential.committee_changed` `{"previous", "committee"}` (also at instantiation);
//! `credential.type_registered` `{"id", "name", "description", "owner", "schema_version",
//! "schema_hash", "schema_uri"}`; `credential.schema_updated` `{"credential_type",
//! "schema_version", "schema_hash", "schema_uri"}`; `credential.issuer_added` and
//! `credential.issuer_removed` `{"credential_type", "issuer"}`; `credential.issued` `{"id",
//! "credential_type", "issuer", "subject", "vc_hash", "status_list", "status_list_index"}`;
//! `credential.revoked`, `credential.suspended`, `credential.reinstated` `{"id",
//! "credential_type", "issuer", "subject", "reason", "status_list", "status_list_index"}`.
//!
//! # Errors
//! One line starting with its kind: `invalid message: …` (not JSON, unknown variant or field,
//! missing field), `invalid <field>: …` (a bad id, DID, hash, URI, address, text or validity
//! window), `unauthorized: …` (not the committee, not the type owner, issuer not authorised for
//! the type, sender not controlling the issuer DID — with the DID registry's reason),
//! `not found: …` (unknown type, credential, issuer authorisation, status list, or a
//! credential asked about before its issuance), `already exists: …` (type, credential id,
//! VC hash, status index, issuer already authorised), `conflict: …` (already instantiated,
//! revoked is final, already suspended, not suspended, schema already current),
//! `limit: …` (64 schema versions per type, 32 admission periods per issuer and type, 32
//! status-history entries per credential, the last kept for a revocation).
//!
//! # Time
//! Every answer "at `t`" applies the changes made at block times `<= t`. Validity windows
//! include `valid_from_ms` and exclude `valid_until_ms`.

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

mod access;
mod codec;
pub mod contract;
pub mod credentials;
pub mod event;
mod index;
pub mod issuers;
pub mod msg;
pub mod record;
pub mod response;
pub mod state;
pub mod status_list;
#[cfg(test)]
mod tests;
pub mod types;
pub mod validate;
pub mod verify;

pub use index::{DEFAULT_LIMIT, MAX_LIMIT};

bayledger_contract_sdk::entry_points! {
    instantiate: contract::instantiate,
    call: contract::call,
    query: contract::query,
}
