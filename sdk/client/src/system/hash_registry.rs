//! Typed client of the data-hash registry (genesis index 0; messages in
//! `contracts/system/hash-registry/schema/`): register (one or a batch), co-sign, revoke,
//! supersede, and every query — status, verify, history, by registrant, tree head, inclusion
//! and consistency proofs — plus what a party does offline:
//!
//! - [`commitment`]: SHA3-256 of a record or a file, and salted commitments
//!   SHA3-256(salt ‖ data) with a fresh 32-byte salt that stays off-chain with the record;
//! - [`rfc9162`]: verification of the log's inclusion and consistency proofs against a tree
//!   head the verifier holds, and [`Leaf`], the registration the log commits to.
//!
//! ```no_run
//! # async fn demo(client: bayledger_sdk::Client, key: bayledger_sdk::SecretKey)
//! # -> Result<(), bayledger_sdk::SdkError> {
//! use bayledger_sdk::system::hash_registry::{Commitment, HashRegistry, LeafRef, RegisterEntry};
//! let registry = HashRegistry::new(client);
//! let record = b"customer record kept off-chain";
//! let commitment = Commitment::new(record); // keep commitment.salt with the record
//! registry.register(&key, &RegisterEntry::salted(&commitment, "kyc-record")).await?;
//! let checked = registry.verified_inclusion(LeafRef::Hash(commitment.hash)).await?;
//! assert_eq!(checked.leaf.registrant, key.address());
//! # Ok(()) }
//! ```

pub mod commitment;
mod hex;
mod leaf;
pub mod rfc9162;
mod types;

pub use commitment::{Commitment, SCHEME_SHA3_SALTED};
pub use hex::hash_text;
pub use leaf::Leaf;
pub use rfc9162::ProofError;
pub use types::{
    Action, BatchResponse, ByRegistrantResponse, ConsistencyProof, Cosigner, HistoryEntry,
    HistoryResponse, InclusionProof, RegisterEntry, RegisterResponse, Registered,
    RegistrationSummary, Status, StatusChange, StatusResponse, TreeHead, VerifyResponse,
};

use super::{Executed, SystemHandle};
use crate::client::Client;
use crate::error::SdkError;
use bayledger_types::{Address, Hash, SecretKey, SystemContract};
use serde_json::{Map, Value, json};

/// Most registrations in one `register_batch`.
pub const MAX_BATCH: usize = 64;

/// A leaf of the log, by registered hash or by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafRef {
    /// The leaf of this registered hash.
    Hash(Hash),
    /// The leaf at this log index.
    Index(u64),
}

/// An inclusion proof fetched and checked offline against the tree head fetched just before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedInclusion {
    /// The tree head the proof was checked against.
    pub head: TreeHead,
    /// The proof.
    pub proof: InclusionProof,
    /// The registration the log commits to at that leaf.
    pub leaf: Leaf,
}

/// The hash registry on one node.
#[derive(Debug, Clone)]
pub struct HashRegistry {
    handle: SystemHandle,
}

fn body(fields: &[(&str, Value)]) -> Map<String, Value> {
    fields.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.to_string(), v.clone())).collect()
}

impl HashRegistry {
    /// The registry through `client`.
    pub fn new(client: Client) -> HashRegistry {
        HashRegistry { handle: SystemHandle::new(client, SystemContract::HashRegistry) }
    }

    /// The underlying handle (address, [`SystemHandle::check`]).
    pub fn handle(&self) -> &SystemHandle {
        &self.handle
    }

    /// Registers one hash; the signer becomes its registrant.
    pub async fn register(
        &self,
        key: &SecretKey,
        entry: &RegisterEntry,
    ) -> Result<Executed<RegisterResponse>, SdkError> {
        self.handle.execute(key, &json!({ "register": entry })).await
    }

    /// Registers 1–64 hashes atomically, appended to the log in this order.
    pub async fn register_batch(
        &self,
        key: &SecretKey,
        entries: &[RegisterEntry],
    ) -> Result<Executed<BatchResponse>, SdkError> {
        if entries.is_empty() || entries.len() > MAX_BATCH {
            return Err(SdkError::Invalid(format!(
                "a batch holds 1-{MAX_BATCH} registrations, got {}",
                entries.len()
            )));
        }
        self.handle.execute(key, &json!({"register_batch": {"entries": entries}})).await
    }

    /// Adds the signer's co-signature to someone else's active registration.
    pub async fn cosign(&self, key: &SecretKey, hash: &Hash) -> Result<Executed<()>, SdkError> {
        self.handle.execute(key, &json!({"cosign": {"hash": hash_text(hash)}})).await
    }

    /// Revokes a registration (registrant only).
    pub async fn revoke(
        &self,
        key: &SecretKey,
        hash: &Hash,
        reason: &str,
    ) -> Result<Executed<()>, SdkError> {
        self.handle
            .execute(key, &json!({"revoke": {"hash": hash_text(hash), "reason": reason}}))
            .await
    }

    /// Replaces a registration by `new` (registrant only); answers for the new hash.
    pub async fn supersede(
        &self,
        key: &SecretKey,
        hash: &Hash,
        reason: &str,
        new: &RegisterEntry,
    ) -> Result<Executed<RegisterResponse>, SdkError> {
        let msg = json!({"supersede": {"hash": hash_text(hash), "reason": reason, "new": new}});
        self.handle.execute(key, &msg).await
    }

    /// A registration's status, now or as of `at_ms`. An unregistered hash is a query error
    /// (`not found: …`); use [`Self::verify`] to test a hash that may not be registered.
    pub async fn status(
        &self,
        hash: &Hash,
        at_ms: Option<u64>,
    ) -> Result<StatusResponse, SdkError> {
        let b = body(&[("hash", hash_text(hash).into()), ("at_ms", json!(at_ms))]);
        self.handle.query(&json!({ "status": b })).await
    }

    /// Whether `hash` was registered (by `registrant`, when given) and is active (as of
    /// `at_ms`). Never an error for an unknown hash: `valid` is false, `registration` `None`.
    pub async fn verify(
        &self,
        hash: &Hash,
        registrant: Option<&Address>,
        at_ms: Option<u64>,
    ) -> Result<VerifyResponse, SdkError> {
        let b = body(&[
            ("hash", hash_text(hash).into()),
            ("registrant", json!(registrant.map(Address::to_string))),
            ("at_ms", json!(at_ms)),
        ]);
        self.handle.query(&json!({ "verify": b })).await
    }

    /// A page of a registration's history, oldest first, after entry `start_after`.
    pub async fn history(
        &self,
        hash: &Hash,
        start_after: Option<u32>,
        limit: Option<u32>,
    ) -> Result<HistoryResponse, SdkError> {
        let b = body(&[
            ("hash", hash_text(hash).into()),
            ("start_after", json!(start_after)),
            ("limit", json!(limit)),
        ]);
        self.handle.query(&json!({ "history": b })).await
    }

    /// A page of `registrant`'s registrations in log order, after log index `start_after`.
    pub async fn by_registrant(
        &self,
        registrant: &Address,
        start_after: Option<u64>,
        limit: Option<u32>,
    ) -> Result<ByRegistrantResponse, SdkError> {
        let b = body(&[
            ("registrant", registrant.to_string().into()),
            ("start_after", json!(start_after)),
            ("limit", json!(limit)),
        ]);
        self.handle.query(&json!({ "by_registrant": b })).await
    }

    /// The committed tree head, or the head of the log at a past size.
    pub async fn tree_head(&self, tree_size: Option<u64>) -> Result<TreeHead, SdkError> {
        self.handle.query(&json!({"tree_head": body(&[("tree_size", json!(tree_size))])})).await
    }

    /// An inclusion proof of one leaf in the tree of `tree_size` leaves (the committed size
    /// when `None`).
    pub async fn inclusion_proof(
        &self,
        leaf: LeafRef,
        tree_size: Option<u64>,
    ) -> Result<InclusionProof, SdkError> {
        let which = match leaf {
            LeafRef::Hash(h) => ("hash", Value::from(hash_text(&h))),
            LeafRef::Index(i) => ("leaf_index", Value::from(i)),
        };
        let b = body(&[which, ("tree_size", json!(tree_size))]);
        self.handle.query(&json!({ "inclusion_proof": b })).await
    }

    /// A consistency proof between the trees of `first` and `second` leaves (the committed
    /// size when `None`).
    pub async fn consistency_proof(
        &self,
        first: u64,
        second: Option<u64>,
    ) -> Result<ConsistencyProof, SdkError> {
        let b = body(&[("first", first.into()), ("second", json!(second))]);
        self.handle.query(&json!({ "consistency_proof": b })).await
    }

    /// Fetches the committed tree head, then an inclusion proof of `leaf` against exactly that
    /// size, and verifies it offline ([`InclusionProof::verify`]): the answer holds even if
    /// registrations are appended in between. A proof that does not verify is
    /// [`SdkError::BadResponse`].
    pub async fn verified_inclusion(&self, leaf: LeafRef) -> Result<VerifiedInclusion, SdkError> {
        let head = self.tree_head(None).await?;
        let proof = self.inclusion_proof(leaf, Some(head.tree_size)).await?;
        let decoded = proof.verify(&head).map_err(|e| {
            SdkError::BadResponse(format!("the node's inclusion proof does not verify: {e}"))
        })?;
        if let LeafRef::Hash(h) = leaf
            && decoded.hash != h
        {
            return Err(SdkError::BadResponse(format!(
                "the node proved the leaf of {}, not of {}",
                hash_text(&decoded.hash),
                hash_text(&h)
            )));
        }
        Ok(VerifiedInclusion { head, proof, leaf: decoded })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_options_are_left_out_of_messages() {
        let b =
            body(&[("hash", "0x00".into()), ("at_ms", json!(None::<u64>)), ("limit", 5.into())]);
        assert_eq!(Value::Object(b), json!({"hash": "0x00", "limit": 5}));
    }
}
