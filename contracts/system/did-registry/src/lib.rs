//! `did-registry`: the Bayledger system contract for DIDs of method `did:bayledger`
//! (genesis index 1; method specification in `docs/did-method.md`).
//!
//! A DID is `did:bayledger:<network>:<id>`; `<network>` is fixed at instantiation and `<id>` is
//! 1–64 characters of `[A-Za-z0-9._-]`, by default the creator's address as 40 hex digits.
//! DID documents follow W3C DID Core and carry only keys (secp256k1, as `JsonWebKey` or
//! `Multikey`), verification relationships, controllers and service endpoints. Every version
//! is kept, so any past document can be resolved by version id or time.
//!
//! Messages are JSON ([`msg`]; JSON Schemas in `schema/`):
//! - instantiate: `{"network":"<network>"}`;
//! - call: `{"create":{"document":{…}}}`,
//!   `{"update":{"did":"did:…","document":{…},"previous_version_id":"2"}}` (the last field
//!   optional), `{"deactivate":{"did":"did:…"}}` → `{"did":"did:…","version_id":"3"}`;
//! - query: `{"resolve":{"did":"did:…","version_id":null,"version_time":null}}` → a W3C
//!   resolution result ([`resolve`]), `{"history":{"did":"did:…","start_after":null,"limit":10}}`,
//!   `{"authorized":{"did":"did:…","address":"0x…"}}` → `{"authorized":bool,"reason":"…"}`
//!   ([`control`]), `{"config":{}}` → `{"network":"…"}`.
//!
//! Create needs a self-certifying document (the sender controls it); update and deactivate
//! need the sender to control the current document. Deactivation is final. Events
//! `did.created`, `did.updated`, `did.deactivated` carry `{"did","version_id"}`.
//!
//! Built for `wasm32v1-none` by `scripts/build-contracts.sh`; unit-tested natively against the
//! SDK's mock host and, in `tests/wasm.rs`, as the built module in the real VM.

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

pub mod contract;
pub mod control;
mod curve;
pub mod datetime;
pub mod did;
pub mod document;
pub mod history;
pub mod keys;
pub mod msg;
pub mod one_or_many;
pub mod operations;
pub mod resolve;
pub mod state;
#[cfg(test)]
mod tests;
mod uri;

bayledger_contract_sdk::entry_points! {
    instantiate: contract::instantiate,
    call: contract::call,
    query: contract::query,
}
