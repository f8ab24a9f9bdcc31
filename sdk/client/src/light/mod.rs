//! Light verification: check what a node says against the validators'
//! signatures, running no node (docs/light-verification.md, ADR 0010).
//!
//! Trust starts at a [`TrustAnchor`] (a genesis file or a checkpoint). A
//! [`TrustedState`] verifies signed headers — exact bytes hashing to the
//! block hash, the chain id, a commit with more than 2/3 of the power of
//! the set trusted for the height — and follows validator-set changes, each
//! carried as a [`SetChange`]: the signed header before the change plus
//! `sys/validators` proven against its state root. [`verify_entry`] checks a
//! proven state entry against a verified state root.
//!
//! These checks are pure (no IO), so bundles verify offline. [`LightClient`]
//! runs them over a node's gRPC API. Every refusal is a [`LightError`].

mod anchor;
mod client;
mod error;
mod reads;
mod verify;

pub use anchor::TrustAnchor;
pub use client::{LightClient, VerifiedEntry, VerifiedQuery};
pub use error::LightError;
pub use reads::ProvenReads;
pub use verify::{Epoch, SetChange, TrustedState, VerifiedHeader, verify_entry, verify_entry_for};

pub use bayledger_proto::node::{ProvenEntry, SignedHeader};

#[cfg(test)]
mod tests;
