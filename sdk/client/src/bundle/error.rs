//! What can make a bundle fail: each variant names the section and the check.

use crate::error::SdkError;
use crate::light::LightError;

/// Why a bundle could not be built or did not verify.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The bytes are not a bundle (bad JSON, a missing or unknown field, bad hex).
    #[error("not a verification bundle: {0}")]
    Malformed(String),
    /// Another format or version.
    #[error("unsupported bundle format {0:?} (this verifier reads {FORMAT:?})", FORMAT = super::FORMAT)]
    Format(String),
    /// The bytes are a bundle, but not in its one canonical JSON form: something was edited.
    #[error(
        "the bundle is not in canonical form (re-encoding it gives different bytes at offset {offset}): it was edited"
    )]
    NotCanonical {
        /// First byte that differs.
        offset: usize,
    },
    /// The question cannot be asked (bad hash, DID, id or time).
    #[error("invalid query: {0}")]
    Query(String),
    /// The bundle is for another chain than the trust anchor.
    #[error("chain id: the bundle is for {bundle:?}, the trust anchor for {anchor:?}")]
    ChainId {
        /// In the bundle.
        bundle: String,
        /// In the anchor.
        anchor: String,
    },
    /// A validator-set change is after the record's block.
    #[error("validator-set change at height {height}: after the record's block {record_height}")]
    SetChangeAfterRecord {
        /// The change's height.
        height: u64,
        /// The bundle's height.
        record_height: u64,
    },
    /// A validator-set change did not verify.
    #[error("validator-set change at height {height}: {source}")]
    SetChange {
        /// The change's height.
        height: u64,
        /// What the light verifier refused.
        source: Box<LightError>,
    },
    /// The signed header of the record's block did not verify.
    #[error("header at height {height}: {source}")]
    Header {
        /// The bundle's height.
        height: u64,
        /// What the light verifier refused.
        source: Box<LightError>,
    },
    /// Binary evidence that does not decode (a commit that is not a canonical `Commit`).
    #[error("{what} does not decode: {reason}")]
    Encoding {
        /// Which part of the bundle.
        what: String,
        /// The decoder's error.
        reason: String,
    },
    /// A state entry did not verify against the header's state root.
    #[error("entry {index} (key {key}): {source}")]
    Entry {
        /// Position in `entries`.
        index: usize,
        /// The key, readably.
        key: String,
        /// What the proof check refused.
        source: Box<LightError>,
    },
    /// Two entries prove the same key.
    #[error("entries {first} and {second} both prove key {key}")]
    DuplicateEntry {
        /// Position of the first.
        first: usize,
        /// Position of the second.
        second: usize,
        /// The key, readably.
        key: String,
    },
    /// The record needs a state key the bundle does not prove.
    #[error("the bundle carries no proof of key {0}, which the record is read from")]
    MissingEntry(String),
    /// The bundle proves a key the record is not read from.
    #[error("entry {index} (key {key}) is not read by this record")]
    UnusedEntry {
        /// Position in `entries`.
        index: usize,
        /// The key, readably.
        key: String,
    },
    /// A proven value does not decode with the contract's own codec.
    #[error("the value under key {key} does not decode: {reason}")]
    Corrupt {
        /// The key, readably.
        key: String,
        /// The codec's error.
        reason: String,
    },
    /// The record in the bundle is not what the proven state says.
    #[error(
        "the record in the bundle differs from the one recomputed from the proven state\n  bundle: {bundle}\n  proven: {proven}"
    )]
    RecordMismatch {
        /// The bundle's record, as JSON.
        bundle: String,
        /// The recomputed record, as JSON.
        proven: String,
    },
    /// The entries are not in the order the record reads them.
    #[error(
        "the entries are not in the order the record reads them (entry {index} is read {position})"
    )]
    EntryOrder {
        /// Position in `entries`.
        index: usize,
        /// Position in the read order.
        position: usize,
    },
    /// The node's evidence did not verify, or the node could not be asked (fetching only).
    #[error("fetching from the node: {0}")]
    Fetch(Box<LightError>),
    /// Talking to the node failed (fetching only).
    #[error(transparent)]
    Node(#[from] SdkError),
}

impl From<LightError> for BundleError {
    fn from(e: LightError) -> BundleError {
        BundleError::Fetch(Box::new(e))
    }
}
