//! Errors of the storage layer.
//!
//! [`CodecError`] is what a decoder returns for bytes it cannot accept; the
//! store wraps it in [`StorageError::Corrupt`] together with the column family
//! it came from. Every other [`StorageError`] variant names one rule a caller
//! broke (wrong height, wrong state root...) or one failure of RocksDB.

use bayledger_types::{BlockError, Hash};

/// Bytes that a codec refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot decode {what}: {reason}")]
pub struct CodecError {
    /// What was being decoded.
    pub what: &'static str,
    /// Why it was refused.
    pub reason: String,
}

impl CodecError {
    /// A codec error for `what`.
    pub fn new(what: &'static str, reason: impl Into<String>) -> CodecError {
        CodecError { what, reason: reason.into() }
    }
}

/// A record that other stored entries refer to is missing from family `S`:
/// the store is corrupt.
pub(crate) fn missing<S: crate::schema::Schema>(
    what: &'static str,
    reason: impl Into<String>,
) -> StorageError {
    StorageError::Corrupt { cf: S::CF, source: CodecError::new(what, reason) }
}

/// A storage failure or a refused write.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// RocksDB failed.
    #[error("rocksdb: {0}")]
    Db(#[from] rocksdb::Error),
    /// A stored record does not decode.
    #[error("corrupt record in column family {cf}: {source}")]
    Corrupt {
        /// Column family.
        cf: &'static str,
        /// Decoder's reason.
        #[source]
        source: CodecError,
    },
    /// The database lacks a column family it was opened with (a bug).
    #[error("column family {0} is missing")]
    MissingColumnFamily(&'static str),
    /// The Jellyfish Merkle tree failed (missing node, inconsistent tree).
    #[error("state tree: {0}")]
    Tree(String),
    /// No genesis has been committed yet.
    #[error("the store holds no genesis yet")]
    NotInitialised,
    /// The store already holds another chain.
    #[error("the store was initialised with genesis {stored}; refusing genesis {got}")]
    GenesisMismatch {
        /// Stored genesis hash.
        stored: Hash,
        /// Offered genesis hash.
        got: Hash,
    },
    /// A block that is not the next one.
    #[error("expected a block at height {expected}, got one at height {got}")]
    HeightGap {
        /// latest + 1.
        expected: u64,
        /// Offered height.
        got: u64,
    },
    /// Another block is already committed at this height.
    #[error("height {height} already holds block {stored}; refusing block {got}")]
    ConflictingBlock {
        /// Height.
        height: u64,
        /// Committed block hash.
        stored: Hash,
        /// Offered block hash.
        got: Hash,
    },
    /// The prepared state is for another version than the block's height.
    #[error("prepared state is for version {state}, but the block is at height {block}")]
    VersionMismatch {
        /// Version of the prepared state.
        state: u64,
        /// Block height (or 0 for genesis).
        block: u64,
    },
    /// The header's state root is not the root of the prepared state.
    #[error("state root mismatch: header says {header}, the prepared state has {prepared}")]
    StateRootMismatch {
        /// Root in the header.
        header: Hash,
        /// Root computed by `prepare_state`.
        prepared: Hash,
    },
    /// Receipts and transactions do not pair up.
    #[error("block has {txs} transactions but {receipts} receipts")]
    ReceiptCount {
        /// Transactions in the block.
        txs: usize,
        /// Receipts offered.
        receipts: usize,
    },
    /// A receipt names another transaction than the one at its index.
    #[error("receipt {index} is for transaction {got}, but transaction {index} is {expected}")]
    ReceiptTxHash {
        /// Index in the block.
        index: usize,
        /// Hash of the block's transaction.
        expected: Hash,
        /// `tx_hash` of the receipt, as hex.
        got: String,
    },
    /// The commit is for another block.
    #[error(
        "commit is for height {got_height} block {got_hash}, the block is height {height} hash {hash}"
    )]
    CommitTarget {
        /// Block height.
        height: u64,
        /// Block hash.
        hash: Hash,
        /// Commit's height.
        got_height: u64,
        /// Commit's block hash (zero if malformed).
        got_hash: Hash,
    },
    /// The block does not extend the committed chain.
    #[error(
        "block at height {height} names parent {got}, but the committed block below it is {expected}"
    )]
    ParentMismatch {
        /// Height of the offered block.
        height: u64,
        /// Hash of the committed block at height - 1.
        expected: Hash,
        /// Parent hash in the header.
        got: Hash,
    },
    /// The block belongs to another chain.
    #[error("block is for chain {got:?}, the store holds chain {expected:?}")]
    ChainIdMismatch {
        /// Stored chain id.
        expected: String,
        /// Header's chain id.
        got: String,
    },
    /// The block's body does not match its header.
    #[error(transparent)]
    Block(#[from] BlockError),
    /// A write set holds the empty key (the tree and its absence proofs need
    /// non-empty keys).
    #[error("state keys must not be empty")]
    EmptyKey,
    /// A state version that is not committed.
    #[error("state version {version} is not committed (latest committed version: {latest:?})")]
    UnknownVersion {
        /// Requested version.
        version: u64,
        /// Latest committed version.
        latest: Option<u64>,
    },
    /// `prepare_state` for a version whose parent is not committed.
    #[error("cannot prepare state version {version}: the latest committed version is {latest:?}")]
    PrepareGap {
        /// Requested version.
        version: u64,
        /// Latest committed version.
        latest: Option<u64>,
    },
    /// A state version below the earliest one the store keeps.
    #[error("state at height {height} is pruned; the earliest retained height is {earliest}")]
    Pruned {
        /// Requested height (version).
        height: u64,
        /// Earliest retained version.
        earliest: u64,
    },
    /// The pruning thread could not be started.
    #[error("cannot start the pruning thread: {0}")]
    PrunerThread(#[source] std::io::Error),
    /// A list cursor that this store did not issue for this list.
    #[error("invalid cursor: {0}")]
    BadCursor(String),
    /// A list page of zero items.
    #[error("limit must be at least 1")]
    BadLimit,
    /// A pruning policy that would not keep what the node needs.
    #[error("keep_recent must be at least {min}, got {got}")]
    BadPruning {
        /// Smallest allowed value.
        min: u64,
        /// Configured value.
        got: u64,
    },
    /// A Merkle proof that does not verify.
    #[error("proof does not verify: {0}")]
    Proof(String),
}

impl StorageError {
    pub(crate) fn tree(err: anyhow::Error) -> StorageError {
        StorageError::Tree(format!("{err:#}"))
    }
}

impl From<StorageError> for bayledger_types::StateError {
    fn from(err: StorageError) -> Self {
        bayledger_types::StateError(err.to_string())
    }
}
