//! `kv-registry`: an example Bayledger contract — a key-value registry that anyone can read
//! and only its owner can write.
//!
//! Messages are JSON ([`msg`]):
//! - instantiate: `{"owner": "0x…"}` (optional; empty input or `{}` makes the sender owner);
//! - call: `{"set":{"key":"k","value":"v"}}`, `{"remove":{"key":"k"}}`,
//!   `{"transfer_ownership":{"new_owner":"0x…"}}` — owner only;
//! - query: `{"get":{"key":"k"}}` → `{"key":"k","value":"v"|null}`, `{"owner":{}}` →
//!   `{"owner":"0x…"}`, `{"list":{"start_after":null,"limit":10}}` →
//!   `{"entries":[{"key":…,"value":…}…]}` in key order (at most 100 per page).
//!
//! Events (JSON data): `kv.set` `{"key","value"}`, `kv.remove` `{"key"}`, `kv.owner`
//! `{"previous","owner"}` (also at instantiation, with `previous: null`).
//!
//! Built for `wasm32v1-none` by `scripts/build-contracts.sh`; unit-tested natively against the
//! SDK's mock host.

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

pub mod contract;
pub mod msg;
mod state;
#[cfg(test)]
mod tests;

bayledger_contract_sdk::entry_points! {
    instantiate: contract::instantiate,
    call: contract::call,
    query: contract::query,
}
