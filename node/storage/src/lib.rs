//! Bayledger storage: typed RocksDB column families, the authenticated and
//! versioned state tree, and atomic, durable block commits.
//!
//! * [`schema`] / [`codec`] / [`db`]: typed column families in the style of
//!   Aptos' schemadb, the byte encodings, and the RocksDB options.
//! * [`state_tree`]: the Jellyfish Merkle tree (jmt 0.12, SHA3-256) whose
//!   versions are block heights; [`Store::prepare_state`] computes a block's
//!   state root before anything is written (ADR 0004).
//! * [`blocks`]: [`Store::commit_genesis`] and [`Store::commit_block`] write
//!   everything about a block in one synced write batch; block, commit,
//!   transaction and receipt reads.
//! * [`state_view`]: [`bayledger_types::StateReader`]s over the latest state
//!   (RocksDB snapshot of the flat state) and over historical versions.
//!
//! Typical block flow:
//!
//! ```text
//! let state = store.prepare_state(height, &writes)?;   // nothing written yet
//! header.state_root = state.root;                        // seal the block
//! store.commit_block(BlockCommit { block, commit, receipts, state })?;
//! ```

#![forbid(unsafe_code)]

pub mod blocks;
pub mod codec;
pub mod db;
pub mod error;
pub mod schema;
pub mod state_tree;
pub mod state_view;
pub mod store;

pub use blocks::{BlockCommit, StoredTx};
pub use db::{Compression, SchemaDb, SchemaRead, StoreConfig};
pub use error::{CodecError, StorageError};
pub use state_tree::{
    MemStateTree, PreparedState, Sha3Hasher, StateProof, empty_root, key_hash, verify_proof,
};
pub use state_view::{HistoricalState, LatestState};
pub use store::{ProvenValue, Store};
