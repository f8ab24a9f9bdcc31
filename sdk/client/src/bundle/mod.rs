//! Verification bundles: portable evidence of one system-contract record that anyone can check
//! offline with nothing but the bundle and a trust anchor (docs/verification-bundles.md).
//!
//! A bundle answers one [`Query`] — is this hash registered, what is this credential's status,
//! what was this consent's state at a time, what is this DID document version — with
//! everything needed to check the answer: the state entries the answer is read from, each
//! with its Merkle proof; the header of the block whose state root they are proven against
//! and the commit that finalised it; and the validator-set changes between the trust anchor
//! and that block.
//!
//! - [`fetch`] (and [`fetch_hash`], [`fetch_credential`], [`fetch_consent`], [`fetch_did`])
//!   builds a bundle from a node at its latest height.
//! - [`verify`] checks one, without any network: the header chain from the anchor, every
//!   entry against the header's state root, then it **recomputes the answer from the proven
//!   values** with the contracts' own storage layouts, codecs and query logic, and compares it
//!   with the bundle's `record`. The node's word is never taken: an edited value, proof,
//!   header, signature, set change, chain id, query or record fails.
//!
//! ```no_run
//! # async fn demo(client: bayledger_sdk::Client, anchor: bayledger_sdk::light::TrustAnchor)
//! # -> Result<(), bayledger_sdk::bundle::BundleError> {
//! use bayledger_sdk::bundle::{self, Bundle};
//! let hash = "0x8f3c…";
//! let b = bundle::fetch_hash(&client, &anchor, hash, None).await?;
//! std::fs::write("evidence.json", b.to_json()).expect("written");
//! // … elsewhere, offline:
//! let b = Bundle::from_json(&std::fs::read("evidence.json").expect("read"))?;
//! let verified = bundle::verify(&b, &anchor)?;
//! println!("{}", verified.record.to_json());
//! # Ok(()) }
//! ```

mod error;
mod fetch;
mod format;
mod query;
mod record;
mod state;
mod verify;

pub use error::BundleError;
pub use fetch::{fetch, fetch_consent, fetch_credential, fetch_did, fetch_hash};
pub use format::{Bundle, Entry, FORMAT, HexBytes, SetChange};
pub use query::Query;
pub use record::{ConsentRecord, CredentialRecord, DidRecord, HashRecord, Record};
pub use state::show_key;
pub use verify::{VerifiedRecord, verify};
