//! [`LightError`]: what a light verification refused, named so a caller can
//! tell a forged commit from a wrong value or a node that is merely down.

use crate::error::SdkError;
use bayledger_types::proof::ProofError;
use bayledger_types::{BlockError, Hash};

/// Why a header, a validator-set change, a proof or a node's answer was not
/// accepted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LightError {
    /// The trust anchor is unusable (no validators, an address that is not
    /// its key's, unreadable file).
    #[error("trust anchor: {0}")]
    Anchor(String),
    /// The header bytes are not a canonical `BlockHeader`.
    #[error("header bytes do not decode: {0}")]
    HeaderEncoding(BlockError),
    /// The block hash sent with the header is not the hash of its bytes.
    #[error("block hash mismatch: the node says {claimed}, the header bytes hash to {computed}")]
    BlockHash {
        /// As sent.
        claimed: Hash,
        /// Of the header bytes.
        computed: Hash,
    },
    /// The decoded header sent alongside the bytes says something else.
    #[error("the decoded header at height {height} differs from its exact bytes")]
    DecodedHeader {
        /// Height in the bytes.
        height: u64,
    },
    /// The header is for another chain.
    #[error("chain id: expected {expected:?}, the header says {got:?}")]
    ChainId {
        /// The trusted chain.
        expected: String,
        /// The header's.
        got: String,
    },
    /// Another height than the one asked for.
    #[error("asked for height {expected}, got height {got}")]
    Height {
        /// Asked for.
        expected: u64,
        /// Received.
        got: u64,
    },
    /// A header below the trust anchor (verification only runs forward).
    #[error("height {height} is below the trust anchor at height {anchor}")]
    BeforeAnchor {
        /// The header's height.
        height: u64,
        /// The anchor's height.
        anchor: u64,
    },
    /// A header that contradicts the anchor: another block at the anchor's
    /// height, or a first block whose parent is not the anchor's block.
    #[error("header at height {height} contradicts the trust anchor: {reason}")]
    AnchorMismatch {
        /// The header's height.
        height: u64,
        /// Which link is wrong.
        reason: String,
    },
    /// No commit came with the header.
    #[error("no commit for the header at height {0}")]
    MissingCommit(u64),
    /// The commit does not finalise the header with more than 2/3 of the
    /// trusted set's power (bad signature, a signer outside the set, too
    /// little power, another block).
    #[error("bad commit for height {height}: {source}")]
    Commit {
        /// Height of the header.
        height: u64,
        /// What `verify_commit` refused.
        #[source]
        source: BlockError,
    },
    /// The header is signed for a validator set the verifier has not been
    /// shown a proven change to.
    #[error(
        "unknown validator-set change: the header at height {height} names set {header_set}, \
         the trusted set for that height is {trusted_set}"
    )]
    UnknownSetChange {
        /// The header's height.
        height: u64,
        /// `validator_set_hash` in the header.
        header_set: Hash,
        /// Hash of the set trusted for that height.
        trusted_set: Hash,
    },
    /// A validator-set change that does not verify or is out of order.
    #[error("validator-set change at height {height}: {reason}")]
    SetChange {
        /// First height of the new set.
        height: u64,
        /// Why it was refused.
        reason: String,
    },
    /// A proven entry for another key than the one asked for.
    #[error("asked for key {expected}, the entry is for key {got}")]
    WrongKey {
        /// Asked for (hex).
        expected: String,
        /// Received (hex).
        got: String,
    },
    /// An entry that says "absent" but carries a value.
    #[error("entry for key {0} is marked absent but carries a value")]
    MalformedEntry(String),
    /// The node's state root is not the one in the signed header.
    #[error(
        "wrong state root at height {height}: the node says {claimed}, the signed header has {signed}"
    )]
    StateRoot {
        /// Height.
        height: u64,
        /// As the node sent it.
        claimed: Hash,
        /// In the verified header.
        signed: Hash,
    },
    /// The Merkle proof of a key does not hold (wrong value, wrong root,
    /// another key's proof, undecodable bytes).
    #[error("proof of key {key}: {source}")]
    Proof {
        /// The key (hex).
        key: String,
        /// What the proof check refused.
        #[source]
        source: ProofError,
    },
    /// The node's answer lacks a field or is otherwise unusable.
    #[error("unusable answer from the node: {0}")]
    Response(String),
    /// The node could not be asked (connection, status from the node).
    #[error(transparent)]
    Node(#[from] SdkError),
}

impl From<tonic::Status> for LightError {
    fn from(status: tonic::Status) -> LightError {
        LightError::Node(status.into())
    }
}
