//! The three flows the consortium exists for, end to end through the SDK, each told from the
//! point of view of every party (docs/domain-contracts.md):
//!
//! - [`hash_verification`]: a Shenzhen bank registers the hash of a customer's record; a Hong
//!   Kong bank that received the record off-chain checks who registered exactly this hash,
//!   when, and that it was not revoked or superseded.
//! - [`health_certificate`]: a Guangdong health authority, admitted as an issuer of the health
//!   certificate type, issues a W3C credential to a traveller's DID; a Macau checkpoint
//!   verifies it against the chain.
//! - [`data_portability`]: a data subject grants, and withdraws, consent for a provider to
//!   transfer named data to a recipient; transfers leave receipts; an auditor reads the trail.
//!
//! Each flow is self-checking: besides the happy path it attempts the refusals that matter
//! (wrong registrant, wrong issuer, withdrawn consent, …) and returns an error if the chain
//! does not refuse them. The same functions run in the test suite (one in-process node, and a
//! 4-validator process network where each party talks to a different node) and in the
//! `bayledger-flows` binary behind `scripts/demo-*.sh`.

pub mod data_portability;
pub mod hash_verification;
pub mod health_certificate;
mod network;

pub use network::{CATCH_UP, Network, Party, Transcript, caught_up, refused_as};
