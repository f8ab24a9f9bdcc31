//! `health-data-policy`: an example consent policy contract — health data leaves its
//! jurisdiction only for a recipient that holds a valid credential (say, a
//! `health-certificate` showing it is a licensed healthcare institution).
//!
//! A consent (contract `consent`, `docs/domain-contracts.md`) may name a policy contract. Every
//! consent check that the consent's own terms allow — including the one `record_transfer` runs
//! before storing a receipt — then asks that contract, and the transfer goes ahead only if it
//! agrees. The policy's reason is quoted in the consent's answer.
//!
//! # Messages
//!
//! ```json
//! instantiate: {"credentials": "0x…", "credential_type": "health-certificate",
//!               "health_categories": ["health.lab-results", "health.imaging"]}
//! query:       {"check_transfer": {"consent_id": "1", "subject": "did:…", "provider": "did:…",
//!                                  "recipient": "did:…", "category": "health.lab-results",
//!                                  "purpose": "treatment", "cross_border": true,
//!                                  "at_ms": 1700000000000}}
//!              → {"allowed": true|false, "reason": "…"}
//!              {"config": {}} → the instantiate message
//! ```
//!
//! `credentials` is the credentials contract (`0x` + 40 hex), `credential_type` 1–64 of
//! `[a-z0-9._-]`, `health_categories` 1–32 distinct names of `[a-z0-9._:-]`, matched exactly
//! (list `health.lab-results` and `health.imaging`, not a prefix `health`). There are no
//! transactions: `call` always fails with `invalid message: …`. No events. All reads are public.
//!
//! # The rule
//!
//! | category | cross-border | answer |
//! |---|---|---|
//! | not listed | any | allowed: `"x" is not a health category` |
//! | listed | no | allowed: `"x" stays within one jurisdiction` |
//! | listed | yes | the credentials contract's `holds_valid {subject: recipient, credential_type, at_ms}`: allowed when `valid`, else refused: `cross-border transfer of "x" needs the recipient … to hold a valid … credential: <its reason>` |
//!
//! `at_ms` is passed through, so a historical consent check gets a historical credential
//! answer. A credentials contract that fails or answers badly makes the query fail
//! (`credentials contract 0x… failed: …`); the consent contract treats that as a refusal.
//!
//! # Errors
//!
//! `invalid message: …` (not JSON, unknown field or variant, any call), `invalid credentials`,
//! `invalid credential_type`, `invalid health_categories: …` (instantiate),
//! `conflict: already instantiated`.
//!
//! # Writing and testing your own policy
//!
//! A policy is an ordinary contract with one query. This one has three small modules: [`msg`]
//! (the `check_transfer` message and `{allowed, reason}` answer, with `deny_unknown_fields`),
//! a one-item `state`, and [`contract`] whose [`contract::decide`] is the rule — a plain
//! function of the configuration and the request, which makes it easy to read and test. To
//! write another policy (purposes allowed per recipient, a transfer quota, office hours …)
//! keep the message and answer, and replace `decide`.
//!
//! Native tests (`src/tests.rs`) run the entry points on the SDK's mock host, with the other
//! contract stubbed by a closure:
//!
//! ```
//! use bayledger_contract_sdk::{Address, mock};
//! use health_data_policy::contract;
//!
//! const CREDENTIALS: Address = Address([0xc7; 20]);
//! mock::reset();
//! let config = format!(
//!     r#"{{"credentials":"{CREDENTIALS}","credential_type":"health-certificate",
//!         "health_categories":["health.lab-results"]}}"#
//! );
//! mock::execute(contract::instantiate, config.as_bytes()).expect("instantiates");
//! // The credentials contract, stubbed: assert on what it is asked, answer as it would.
//! mock::on_query(CREDENTIALS, |msg| {
//!     assert!(msg.starts_with(br#"{"holds_valid":{"subject":"did:bayledger:test:clinic-hk""#));
//!     Ok(br#"{"valid":true,"credential_id":"7","reason":"active"}"#.to_vec())
//! });
//! let ask = br#"{"check_transfer":{"consent_id":"1","subject":"did:bayledger:test:alice",
//!     "provider":"did:bayledger:test:hospital-gd","recipient":"did:bayledger:test:clinic-hk",
//!     "category":"health.lab-results","purpose":"treatment","cross_border":true,
//!     "at_ms":1700000000000}}"#;
//! let answer = mock::query(contract::query, ask).expect("answers");
//! assert!(answer.starts_with(br#"{"allowed":true,"reason":"recipient did:bayledger:test:clinic-hk holds"#));
//! ```
//!
//! VM tests (`tests/wasm.rs`) deploy the built `health_data_policy.wasm` (from
//! `scripts/build-contracts.sh`) on `bayledger_vm::testing::TestChain` next to the real
//! `credentials.wasm`, `did_registry.wasm` and `consent.wasm`, and drive a consent whose
//! transfer the policy first refuses and then allows once the recipient holds a credential; one
//! more test measures the fuel of the worst-case consent check against the query fuel limit.
//! Every message, answer and configuration the tests use is checked against
//! `schema/health-data-policy.json`.

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
