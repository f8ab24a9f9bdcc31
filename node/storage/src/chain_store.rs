//! [`ChainStore`]: the storage operations the node uses, behind one trait with
//! two implementations that behave identically:
//!
//! * [`crate::Store`]: RocksDB, durable (one synced write batch per block);
//! * [`crate::MemChainStore`]: everything in memory, for deterministic
//!   multi-node simulations and node tests without disk.
//!
//! Both compute state roots with the same Jellyfish Merkle tree code
//! ([`crate::state_tree`]) and check commits with the same rules
//! (`commit_rules`); the `conformance` test suite runs one body
//! against both.

use crate::blocks::{BlockCommit, StoredTx};
use crate::error::StorageError;
use crate::index::{EventQuery, IndexedEvent, Page, PageRequest, TxQuery};
use crate::schema::{BlockSummary, TxSummary};
use crate::state_tree::PreparedState;
use crate::state_view::{HistoricalState, LatestState};
use crate::store::{ProvenValue, Store};
use bayledger_types::{Hash, SealedBlock, StateReader, WriteSet, pb};

/// A [`StateReader`] over one committed version, which it names.
pub trait StateView: StateReader {
    /// The version (height) the view reads.
    fn version(&self) -> u64;
    /// The state root of that version.
    fn root(&self) -> Hash;
}

/// Block, commit, transaction, receipt and authenticated-state storage, as
/// the node uses it. Method contracts are those of the same-named
/// [`Store`] methods.
pub trait ChainStore: Send + Sync {
    /// Latest committed height: `None` before genesis, `Some(0)` after it.
    fn latest_height(&self) -> Result<Option<u64>, StorageError>;
    /// Hash of the genesis the store was initialised with.
    fn genesis_hash(&self) -> Result<Option<Hash>, StorageError>;
    /// Chain id recorded at genesis.
    fn chain_id(&self) -> Result<Option<String>, StorageError>;
    /// State root after `version` (`None` if not committed).
    fn state_root(&self, version: u64) -> Result<Option<Hash>, StorageError>;
    /// State `version` = state `version - 1` + `writes`, computed without
    /// writing; `version <= latest + 1`.
    fn prepare_state(&self, version: u64, writes: &WriteSet)
    -> Result<PreparedState, StorageError>;
    /// Initialises the store with the genesis state (same genesis again: no-op).
    fn commit_genesis(
        &self,
        genesis_hash: Hash,
        chain_id: &str,
        state: PreparedState,
    ) -> Result<(), StorageError>;
    /// Commits the next block, its commit, receipts and state atomically
    /// (the block already stored at its height: no-op).
    fn commit_block(&self, c: BlockCommit<'_>) -> Result<(), StorageError>;
    /// The block at `height`.
    fn block_by_height(&self, height: u64) -> Result<Option<SealedBlock>, StorageError>;
    /// The block with hash `hash`.
    fn block_by_hash(&self, hash: &Hash) -> Result<Option<SealedBlock>, StorageError>;
    /// The commit that finalised the block at `height`.
    fn commit_at(&self, height: u64) -> Result<Option<pb::Commit>, StorageError>;
    /// A committed transaction: its bytes, receipt and location.
    fn tx(&self, hash: &Hash) -> Result<Option<StoredTx>, StorageError>;
    /// Receipt of a committed transaction.
    fn receipt(&self, hash: &Hash) -> Result<Option<pb::Receipt>, StorageError>;
    /// Value of `key` after `version` with a proof against that version's
    /// root ([`StorageError::Pruned`] below the earliest retained version).
    fn get_with_proof(&self, key: &[u8], version: u64) -> Result<ProvenValue, StorageError>;
    /// The latest committed state, frozen when created: point reads and
    /// prefix iteration.
    fn latest_state(&self) -> Result<Box<dyn StateView + '_>, StorageError>;
    /// The state after committed `version`: point reads and prefix
    /// iteration ([`StorageError::Pruned`] below the earliest retained
    /// version).
    fn state_at(&self, version: u64) -> Result<Box<dyn StateView + '_>, StorageError>;
    /// Earliest state version still readable (0 unless pruned).
    fn earliest_state(&self) -> Result<u64, StorageError>;
    /// Up to `limit` (at most [`crate::index::MAX_PAGE`]) block summaries,
    /// from height `highest` down.
    fn list_blocks(&self, highest: u64, limit: usize) -> Result<Vec<BlockSummary>, StorageError>;
    /// A page of transactions by sender or contract.
    fn list_txs(&self, query: TxQuery, page: &PageRequest)
    -> Result<Page<TxSummary>, StorageError>;
    /// A page of events matching `query`.
    fn list_events(
        &self,
        query: &EventQuery,
        page: &PageRequest,
    ) -> Result<Page<IndexedEvent>, StorageError>;
}

impl StateView for LatestState<'_> {
    fn version(&self) -> u64 {
        LatestState::version(self)
    }

    fn root(&self) -> Hash {
        LatestState::root(self)
    }
}

impl StateView for HistoricalState<'_> {
    fn version(&self) -> u64 {
        HistoricalState::version(self)
    }

    fn root(&self) -> Hash {
        HistoricalState::root(self)
    }
}

/// Delegates to the inherent methods (inherent items win in `Store::name`).
impl ChainStore for Store {
    fn latest_height(&self) -> Result<Option<u64>, StorageError> {
        Store::latest_height(self)
    }

    fn genesis_hash(&self) -> Result<Option<Hash>, StorageError> {
        Store::genesis_hash(self)
    }

    fn chain_id(&self) -> Result<Option<String>, StorageError> {
        Store::chain_id(self)
    }

    fn state_root(&self, version: u64) -> Result<Option<Hash>, StorageError> {
        Store::state_root(self, version)
    }

    fn prepare_state(
        &self,
        version: u64,
        writes: &WriteSet,
    ) -> Result<PreparedState, StorageError> {
        Store::prepare_state(self, version, writes)
    }

    fn commit_genesis(
        &self,
        genesis_hash: Hash,
        chain_id: &str,
        state: PreparedState,
    ) -> Result<(), StorageError> {
        Store::commit_genesis(self, genesis_hash, chain_id, state)
    }

    fn commit_block(&self, c: BlockCommit<'_>) -> Result<(), StorageError> {
        Store::commit_block(self, c)
    }

    fn block_by_height(&self, height: u64) -> Result<Option<SealedBlock>, StorageError> {
        Store::block_by_height(self, height)
    }

    fn block_by_hash(&self, hash: &Hash) -> Result<Option<SealedBlock>, StorageError> {
        Store::block_by_hash(self, hash)
    }

    fn commit_at(&self, height: u64) -> Result<Option<pb::Commit>, StorageError> {
        Store::commit_at(self, height)
    }

    fn tx(&self, hash: &Hash) -> Result<Option<StoredTx>, StorageError> {
        Store::tx(self, hash)
    }

    fn receipt(&self, hash: &Hash) -> Result<Option<pb::Receipt>, StorageError> {
        Store::receipt(self, hash)
    }

    fn get_with_proof(&self, key: &[u8], version: u64) -> Result<ProvenValue, StorageError> {
        Store::get_with_proof(self, key, version)
    }

    fn latest_state(&self) -> Result<Box<dyn StateView + '_>, StorageError> {
        Ok(Box::new(Store::latest_state(self)?))
    }

    fn state_at(&self, version: u64) -> Result<Box<dyn StateView + '_>, StorageError> {
        Ok(Box::new(Store::state_at(self, version)?))
    }

    fn earliest_state(&self) -> Result<u64, StorageError> {
        Store::earliest_state(self)
    }

    fn list_blocks(&self, highest: u64, limit: usize) -> Result<Vec<BlockSummary>, StorageError> {
        Store::list_blocks(self, highest, limit)
    }

    fn list_txs(
        &self,
        query: TxQuery,
        page: &PageRequest,
    ) -> Result<Page<TxSummary>, StorageError> {
        Store::list_txs(self, query, page)
    }

    fn list_events(
        &self,
        query: &EventQuery,
        page: &PageRequest,
    ) -> Result<Page<IndexedEvent>, StorageError> {
        Store::list_events(self, query, page)
    }
}
