//! Bayledger client SDK.
//!
//! - [`keystore`]: encrypted key files (Web3 Secret Storage v3: scrypt + AES-128-CTR).
//! - [`tx`]: building transaction bodies and signing them.
//! - [`system`]: typed clients for the system contracts (hash registry, DIDs, credentials,
//!   consent).
//! - [`vc`]: W3C Verifiable Credentials 2.0 as ES256K `vc+jwt` (sign, decode, verify).
//! - [`bundle`]: verification bundles — one system-contract record with its proofs, header,
//!   commit and validator-set changes, checkable offline against a trust anchor.
//! - [`light`]: light verification — signed headers, validator-set changes and state
//!   proofs checked from a trust anchor, offline or through [`light::LightClient`].
//! - [`client`]: a gRPC client for a node, with helpers that fetch the chain id,
//!   nonce and height, sign, broadcast and wait for the commit.
//!
//! Every fallible call returns [`SdkError`]; errors from the node keep the
//! node's own message.

#![forbid(unsafe_code)]

pub mod bundle;
pub mod client;
pub mod error;
pub mod keystore;
pub mod light;
pub mod system;
pub mod tx;
pub mod vc;

pub use client::{
    AccountInfo, BlockInfo, BlockSubscription, BroadcastResult, Client, EvidenceInfo, NodeStatus,
    QueryResult, TxRecord,
};
pub use error::SdkError;
pub use keystore::{KeyInfo, Keystore, KeystoreError};
pub use tx::TxBuilder;

pub use bayledger_types::{Address, Hash, PublicKey, SecretKey, SystemContract, pb};
pub use zeroize::Zeroizing;
