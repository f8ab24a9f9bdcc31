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
//! * [`state_view`] / [`history`]: [`bayledger_types::StateReader`]s over
//!   the latest state (RocksDB snapshot of the flat state) and over any
//!   retained version (point reads from the tree's values, prefix iteration
//!   from the versioned key order).
//! * [`index`]: block summaries, transactions by sender/contract and events
//!   by contract/topic/attribute, written in the block's batch, listed in
//!   pages; `reindex` builds them for a database that predates them.
//! * [`prune`]: the `archive` / `keep_recent` policy and the pruning of
//!   stale tree nodes and superseded values, off the commit path.
//! * [`kv`]: the ordered typed reads the two stores share.
//! * [`chain_store`]: the [`ChainStore`] trait the node programs against,
//!   implemented by [`Store`] and by [`mem_store`]'s [`MemChainStore`] (all in
//!   memory: simulations and tests). Both check commits with the same rules
//!   (`commit_rules`) and compute roots with the same tree code.
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
pub mod chain_store;
pub mod codec;
mod commit_rules;
pub mod db;
pub mod error;
pub mod history;
pub mod index;
pub mod kv;
pub mod mem_store;
pub mod prune;
mod reindex;
pub mod schema;
pub mod state_tree;
pub mod state_view;
pub mod store;

pub use blocks::{BlockCommit, StoredTx};
pub use chain_store::{ChainStore, StateView};
pub use db::{Compression, SchemaDb, SchemaRead, StoreConfig};
pub use error::{CodecError, StorageError};
pub use index::{EventQuery, IndexedEvent, Page, PageRequest, TxQuery};
pub use mem_store::MemChainStore;
pub use prune::Pruning;
pub use schema::{BlockSummary, EventPos, TxLocation, TxSummary};
pub use state_tree::{
    MemStateTree, PreparedState, Sha3Hasher, StateProof, empty_root, key_hash, verify_proof,
};
pub use state_view::{HistoricalState, LatestState};
pub use store::{ProvenValue, Store};
