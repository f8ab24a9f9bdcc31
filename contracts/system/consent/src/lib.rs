//! `consent`: Bayledger system contract (genesis index 3) for user-authorised personal-data
//! portability under China's PIPL. A data subject gives a provider consent to transfer named
//! data categories to a named recipient for stated purposes until a date; the provider checks
//! consent before transferring and records a receipt (the hash of what it sent); the subject
//! withdraws consent; later checks fail; anyone (the subject, an auditor) reads the full trail.
//!
//! Records follow ISO/IEC TS 27560 (consent record information structure): identifier,
//! subject, controller (provider), recipient, data categories, purposes, legal basis,
//! jurisdictions and cross-border flag, validity, notice, status and event history. Only DIDs,
//! category and purpose names, times and hashes are stored — never personal data
//! (`docs/privacy.md`). Shared conventions: `docs/domain-contracts.md`. JSON Schemas of every
//! message, response and event: `schema/`.
//!
//! # Messages
//!
//! Instantiate: `{"did_registry": "0x…"}` — the DID registry asked who controls a DID.
//!
//! Calls:
//!
//! ```json
//! {"grant": {"subject": "did:bayledger:main:…", "provider": "did:…", "recipient": "did:…",
//!            "data_categories": ["health.lab-results"], "purposes": ["treatment"],
//!            "legal_basis": "separate-consent",
//!            "jurisdictions": {"provider": "CN-GD", "recipient": "HK"},
//!            "valid_from_ms": 1700000000000, "valid_until_ms": 1731536000000,
//!            "policy": "0x…" | null, "notice_hash": "0x…" | null,
//!            "delegation": {"nonce": 0, "signature": "0x…130 hex"} | null}}
//!   → {"consent_id": "1", "cross_border": true}
//! {"withdraw": {"consent_id": "1", "delegation": {…} | null}}
//!   → {"consent_id": "1", "withdrawn_at_ms": 1700000100000}
//! {"record_transfer": {"consent_id": "1", "data_hash": "0x…64 hex",
//!                      "category": "health.lab-results", "purpose": "treatment"}}
//!   → {"consent_id": "1", "seq": 0, "data_hash": "0x…", "category": "…", "purpose": "…",
//!      "recorded_by": "0x…", "at_ms": …, "height": …}
//! ```
//!
//! Queries (`at_ms` optional everywhere, default: the latest block time; lists take
//! `start_after` and `limit`, default 10, at most 100):
//!
//! | query | answer |
//! |---|---|
//! | `{"check": {"subject","provider","recipient","category","purpose","at_ms"}}` | `{"allowed": bool, "reason": "…", "consent_id": "1" \| null}` |
//! | `{"consent": {"id": "1", "at_ms"}}` | the record with `status`, `status_at_ms` and `history` as of `at_ms` |
//! | `{"history": {"id": "1", "at_ms", "start_after": seq, "limit"}}` | `{"id","at_ms","events":[{"seq","event","at_ms","height","actor","submitted_by","via"}]}` |
//! | `{"consents_by_subject": {"subject", "at_ms", "start_after": "id", "limit"}}` | `{"at_ms","consents":[{"id","subject","provider","recipient","cross_border","valid_from_ms","valid_until_ms","status"}]}` |
//! | `{"consents_by_provider": {"provider", …}}` | the same |
//! | `{"transfers": {"consent_id": "1", "start_after": seq, "limit"}}` | `{"consent_id","transfers":[receipt…]}` |
//! | `{"delegation_nonce": {"subject"}}` | `{"subject","nonce"}` |
//! | `{"config": {}}` | `{"did_registry": "0x…"}` |
//!
//! Field rules: DIDs `did:<method>:<id>` (≤ 128 bytes); category and purpose names 1–64 of
//! `[a-z0-9._:-]` (lower case, compared exactly), 1–16 categories and 1–8 purposes, no
//! duplicates; jurisdictions ISO 3166 (`HK`, `CN-GD`); `legal_basis` one of `consent`
//! (PIPL Art. 13(1)), `explicit-consent` (Art. 14), `separate-consent` (Arts. 23, 29, 39 —
//! what a cross-border transfer calls for), `written-consent` (Art. 14, where a law requires
//! it); validity `[valid_from_ms, valid_until_ms)` with `valid_until_ms` after both
//! `valid_from_ms` and the block time; hashes `0x` + 64 lower-case hex.
//!
//! # Status, history and time
//!
//! Consent ids are assigned in order: 1, 2, 3, … Status at time `t` is `not_yet_given`
//! (before the grant's block), `withdrawn` (withdrawn at or before `t`), `expired`
//! (`t ≥ valid_until_ms`), `pending` (`t < valid_from_ms`) or `active`. The history holds
//! `given`, then either `withdrawn` or `expired`. **`expired` is derived, never a
//! transaction**: nothing runs when a window ends, so it appears in the status and the history
//! (with `"via": "derived"`, `height` and `actor` null, `at_ms` = `valid_until_ms`) of any
//! query at or after that time, and **no `consent.expired` event is ever emitted** — indexers
//! derive it from `valid_until_ms` in `consent.given`. `cross_border` is true when the two
//! jurisdiction codes differ as strings (so `CN-GD` → `CN-SH` counts as cross-border too; a
//! deployment that does not want that uses country-level codes). A consent is in force at `t`
//! when it was given at or before `t`, `t` is in its window, and it was not withdrawn at or
//! before `t` (a withdrawal in the same block as a transfer therefore wins in later answers).
//!
//! # Check
//!
//! `check` looks at every consent of the (subject, provider, recipient) and judges each in
//! order: given by `at_ms`, category covered, purpose covered, not withdrawn, within window,
//! then its policy contract (if any) with the `check_transfer` query of
//! `docs/domain-contracts.md` (`cross_border` and `at_ms` passed through). The best fit wins
//! (ties: the newest consent). Reasons start with a stable token:
//! `allowed:` (… `; policy 0x…: <policy's reason>` when a policy agreed), `no consent:`,
//! `category not covered:`, `purpose not covered:`, `withdrawn: consent N was withdrawn at T`,
//! `not yet valid:`, `expired:`, `policy refused: <policy's reason> (consent N, policy 0x…)`.
//! A policy that fails or answers badly refuses (`policy refused: the policy could not be
//! consulted: …`). Each (subject, provider, recipient) may accumulate at most 64 consents, which
//! bounds the cost of a check: the worst case — 64 consents in force, each refused by a policy
//! that asks the credentials contract — burns about 12 M fuel, a quarter of the default genesis
//! query limit (tested in `health-data-policy`'s VM tests).
//!
//! # Access
//!
//! - `grant`, `withdraw`: only the subject — the sender (immediate caller) must control the
//!   subject DID per the registry's `authorized` query, or the message carries the subject's
//!   delegation (below) and anyone may submit it.
//! - `record_transfer`: the sender must control the consent's provider DID; the consent must
//!   allow the category and purpose at the block time (the same judgement as `check`).
//! - Every query is public: subjects and auditors read records, histories and receipts.
//!
//! # Delegation digest
//!
//! A wallet signs, with a key that controls the subject DID, the 32-byte digest (used as the
//! prehash, ADR 0003: 65-byte low-S `r ‖ s ‖ v`, `v` ∈ {0, 1}, sent as `0x` + 130 lower-case
//! hex):
//!
//! ```text
//! grant:    SHA3-256("bayledger/consent-grant/v1" ‖ 0x00 ‖ contract(20) ‖ u64be(nonce)
//!                    ‖ str(subject) ‖ str(provider) ‖ str(recipient)
//!                    ‖ list(data_categories) ‖ list(purposes) ‖ str(legal_basis)
//!                    ‖ str(jurisdictions.provider) ‖ str(jurisdictions.recipient)
//!                    ‖ u64be(valid_from_ms) ‖ u64be(valid_until_ms)
//!                    ‖ opt(policy: 20 bytes) ‖ opt(notice_hash: 32 bytes))
//! withdraw: SHA3-256("bayledger/consent-withdraw/v1" ‖ 0x00 ‖ contract(20) ‖ u64be(nonce)
//!                    ‖ str(subject) ‖ u64be(consent id))
//!
//! str(s)   = u16be(byte length of s) ‖ UTF-8 bytes of s
//! list(xs) = u16be(number of items) ‖ str(x) for each x, in message order
//! opt(x)   = 0x00 when absent, 0x01 ‖ x when present (raw bytes, not hex)
//! ```
//!
//! `contract` is this contract's 20-byte address, `nonce` the subject's next delegation nonce
//! (query `delegation_nonce`; starts at 0, goes up by one with every accepted delegation, so
//! a signature is good for one action only). The recovered key's ADR 0003 address must
//! control the subject DID. The subject DID names the network, so a signature cannot be
//! replayed on another network even where the consent contract has the same genesis address.
//! `docs/privacy.md` carries a test vector.
//!
//! # Events
//!
//! - `consent.given`: `{"consent_id","subject","provider","recipient","data_categories",
//!   "purposes","legal_basis","jurisdictions","cross_border","valid_from_ms","valid_until_ms",
//!   "policy","notice_hash","actor","via"}`
//! - `consent.withdrawn`: `{"consent_id","subject","provider","recipient","at_ms","actor","via"}`
//! - `consent.transfer_recorded`: `{"consent_id","seq","subject","provider","recipient",
//!   "category","purpose","data_hash","recorded_by","at_ms","height"}`
//!
//! # Errors
//!
//! `invalid message: …` (not JSON, unknown field or variant, bad `legal_basis`),
//! `invalid <field>: …` (syntax, window), `unauthorized: …` (sender or delegation signer does
//! not control the DID; stale or reused delegation nonce; registry unreachable),
//! `not found: consent N`, `conflict: …` (already instantiated, already withdrawn, expired,
//! `conflict: consent N: <check reason>` for a refused transfer),
//! `limit: …` (64 consents per parties).
//!
//! # Modules and tests
//!
//! [`contract`] dispatches; [`check`] judges consents; [`delegation`] builds the digests and
//! recovers signers; [`record`] derives status and history at a time; [`validate`] holds the
//! field rules; `state` the storage layout; `auth` the registry's `authorized` query. Native
//! tests (`src/tests/`) run every action and refusal on the SDK's mock host with the registry
//! and policy stubbed; `tests/wasm.rs` runs the built module in the real VM next to the real
//! `did_registry.wasm`. Every message, response and event the tests see is checked against
//! `schema/consent.json`.

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

mod auth;
pub mod check;
pub mod contract;
pub mod delegation;
pub mod digest;
mod hexfmt;
pub mod msg;
pub mod record;
pub mod state;
#[cfg(test)]
mod tests;
pub mod validate;

bayledger_contract_sdk::entry_points! {
    instantiate: contract::instantiate,
    call: contract::call,
    query: contract::query,
}
