//! [`MemChainStore`]: a [`ChainStore`] entirely in memory, for fast,
//! deterministic multi-node simulations and node tests without disk.
//!
//! It behaves like the RocksDB [`crate::Store`] except for durability:
//!
//! * the state tree is a [`MemStateTree`], so state roots and proofs are the
//!   ones the RocksDB store computes for the same write sets;
//! * commits are checked by the same `commit_rules` and applied
//!   under one write lock, so readers see a block entirely or not at all;
//! * the history, stale-value and index column families are kept in a
//!   [`MemKv`] written through the same staging code as RocksDB's batches,
//!   and read by the same history and index code; state is read from the
//!   history at the view's version, so a view ignores later commits: the
//!   latest view is a snapshot like RocksDB's, without copying the state;
//! * with a [`Pruning`] policy it prunes inside the commit (no I/O), with
//!   the same rule as RocksDB's pruning thread. One difference: a view that
//!   was opened on a version that is pruned afterwards fails its next read
//!   with [`StorageError::Pruned`] (RocksDB's views keep a snapshot).

mod view;

use crate::blocks::{BlockCommit, StoredTx};
use crate::chain_store::{ChainStore, StateView};
use crate::commit_rules::{self, BlockCheck, CommittedChain, GenesisCheck};
use crate::db::SchemaBatch;
use crate::error::StorageError;
use crate::history;
use crate::index::{self, EventQuery, IndexedEvent, Page, PageRequest, TxQuery};
use crate::kv::MemKv;
use crate::prune::{self, Pruning};
use crate::schema::{BlockSummary, TxLocation, TxSummary};
use crate::state_tree::{self, MemStateTree, PreparedState};
use crate::store::ProvenValue;
use bayledger_types::{Hash, SealedBlock, WriteSet, pb};
use parking_lot::RwLock;
use std::collections::BTreeMap;
use view::MemStateView;

/// The in-memory chain store. Reads take a read lock briefly; commits take
/// the write lock for their checks and writes.
#[derive(Default)]
pub struct MemChainStore {
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    genesis_hash: Option<Hash>,
    chain_id: Option<String>,
    latest: Option<u64>,
    roots: BTreeMap<u64, Hash>,
    blocks: BTreeMap<u64, SealedBlock>,
    heights: BTreeMap<Hash, u64>,
    commits: BTreeMap<u64, pb::Commit>,
    txs: BTreeMap<Hash, TxLocation>,
    receipts: BTreeMap<Hash, pb::Receipt>,
    tree: MemStateTree,
    /// History, stale-value and index families.
    kv: MemKv,
    pruning: Pruning,
    /// Earliest retained version.
    earliest: u64,
    /// Highest version whose stale entries are deleted.
    pruned_through: u64,
}

impl std::fmt::Debug for MemChainStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.inner.read();
        f.debug_struct("MemChainStore")
            .field("chain_id", &inner.chain_id)
            .field("latest", &inner.latest)
            .finish_non_exhaustive()
    }
}

impl MemChainStore {
    /// An empty store (no genesis yet) that keeps every version.
    pub fn new() -> MemChainStore {
        MemChainStore::default()
    }

    /// An empty store that prunes by `pruning`.
    pub fn with_pruning(pruning: Pruning) -> Result<MemChainStore, StorageError> {
        let store = MemChainStore::default();
        store.inner.write().pruning = pruning.check()?;
        Ok(store)
    }

    /// Earliest state version still readable.
    pub fn earliest_state(&self) -> u64 {
        self.inner.read().earliest
    }

    /// Stored tree nodes, versioned values and history entries (to observe
    /// what pruning removed).
    pub fn sizes(&self) -> (usize, usize, usize) {
        let inner = self.inner.read();
        let (nodes, values) = inner.tree.size();
        (
            nodes,
            values,
            inner.kv.len(<crate::schema::StateHistorySchema as crate::schema::Schema>::CF),
        )
    }
}

impl Inner {
    /// Writes a checked state: tree nodes and values, history, stale
    /// indexes, root and latest height; then prunes.
    fn apply_state(&mut self, state: &PreparedState) -> Result<(), StorageError> {
        let mut batch = SchemaBatch::new();
        history::stage(&self.kv, &mut batch, state.version, &state.writes)?;
        prune::stage_stale_nodes(&mut batch, state);
        self.kv.apply(batch);
        self.tree.write(state);
        self.roots.insert(state.version, state.root);
        self.latest = Some(state.version);
        self.prune(state.version)
    }

    /// Prunes to the policy's earliest version for `latest`.
    fn prune(&mut self, latest: u64) -> Result<(), StorageError> {
        self.earliest = self.earliest.max(self.pruning.earliest(latest));
        for since in self.pruned_through + 1..=self.earliest {
            let mut batch = SchemaBatch::new();
            let stale = prune::stage_version(&self.kv, &mut batch, since)?;
            self.kv.apply(batch);
            self.tree.remove(&stale);
            self.pruned_through = since;
        }
        Ok(())
    }

    /// Fails unless `version` is committed and retained.
    fn check_readable(&self, version: u64) -> Result<(), StorageError> {
        commit_rules::check_committed(version, self.latest)?;
        if version < self.earliest {
            return Err(StorageError::Pruned { height: version, earliest: self.earliest });
        }
        Ok(())
    }

    /// Root of committed, retained `version`.
    fn committed_root(&self, version: u64) -> Result<Hash, StorageError> {
        self.check_readable(version)?;
        self.roots
            .get(&version)
            .copied()
            .ok_or(StorageError::UnknownVersion { version, latest: Some(version) })
    }
}

impl CommittedChain for Inner {
    fn latest_height(&self) -> Result<Option<u64>, StorageError> {
        Ok(self.latest)
    }

    fn chain_id(&self) -> Result<Option<String>, StorageError> {
        Ok(self.chain_id.clone())
    }

    fn block_hash(&self, height: u64) -> Result<Option<Hash>, StorageError> {
        Ok(self.blocks.get(&height).map(|b| b.hash()))
    }
}

impl ChainStore for MemChainStore {
    fn latest_height(&self) -> Result<Option<u64>, StorageError> {
        Ok(self.inner.read().latest)
    }

    fn genesis_hash(&self) -> Result<Option<Hash>, StorageError> {
        Ok(self.inner.read().genesis_hash)
    }

    fn chain_id(&self) -> Result<Option<String>, StorageError> {
        Ok(self.inner.read().chain_id.clone())
    }

    fn state_root(&self, version: u64) -> Result<Option<Hash>, StorageError> {
        Ok(self.inner.read().roots.get(&version).copied())
    }

    fn prepare_state(
        &self,
        version: u64,
        writes: &WriteSet,
    ) -> Result<PreparedState, StorageError> {
        let inner = self.inner.read();
        commit_rules::check_prepare(version, inner.latest)?;
        state_tree::prepare(&inner.tree, version, writes)
    }

    fn commit_genesis(
        &self,
        genesis_hash: Hash,
        chain_id: &str,
        state: PreparedState,
    ) -> Result<(), StorageError> {
        let mut inner = self.inner.write();
        if commit_rules::check_genesis(inner.genesis_hash, genesis_hash, &state)?
            == GenesisCheck::AlreadyCommitted
        {
            return Ok(());
        }
        inner.apply_state(&state)?;
        inner.genesis_hash = Some(genesis_hash);
        inner.chain_id = Some(chain_id.to_string());
        Ok(())
    }

    fn commit_block(&self, c: BlockCommit<'_>) -> Result<(), StorageError> {
        let block = commit_rules::decode_block(c.block)?;
        let mut inner = self.inner.write();
        let tx_hashes = match commit_rules::check_block(&*inner, &block, &c)? {
            BlockCheck::AlreadyCommitted => return Ok(()),
            BlockCheck::Append { tx_hashes } => tx_hashes,
        };
        let (height, hash) = (block.height(), block.hash());
        let mut batch = SchemaBatch::new();
        index::stage(&mut batch, &block, &tx_hashes, c.commit, c.receipts)?;
        inner.kv.apply(batch);
        for (index, (tx_hash, receipt)) in tx_hashes.iter().zip(c.receipts).enumerate() {
            // The block's body matched its u32 tx_count when it was decoded.
            let index = index as u32;
            inner.txs.insert(*tx_hash, TxLocation { height, index });
            inner.receipts.insert(*tx_hash, receipt.clone());
        }
        inner.heights.insert(hash, height);
        inner.commits.insert(height, c.commit.clone());
        inner.blocks.insert(height, block);
        inner.apply_state(&c.state)
    }

    fn block_by_height(&self, height: u64) -> Result<Option<SealedBlock>, StorageError> {
        Ok(self.inner.read().blocks.get(&height).cloned())
    }

    fn block_by_hash(&self, hash: &Hash) -> Result<Option<SealedBlock>, StorageError> {
        let inner = self.inner.read();
        Ok(inner.heights.get(hash).and_then(|h| inner.blocks.get(h)).cloned())
    }

    fn commit_at(&self, height: u64) -> Result<Option<pb::Commit>, StorageError> {
        Ok(self.inner.read().commits.get(&height).cloned())
    }

    fn tx(&self, hash: &Hash) -> Result<Option<StoredTx>, StorageError> {
        let inner = self.inner.read();
        let Some(&location) = inner.txs.get(hash) else {
            return Ok(None);
        };
        let block = inner.blocks.get(&location.height);
        StoredTx::assemble(hash, location, block, || Ok(inner.receipts.get(hash).cloned()))
            .map(Some)
    }

    fn receipt(&self, hash: &Hash) -> Result<Option<pb::Receipt>, StorageError> {
        Ok(self.inner.read().receipts.get(hash).cloned())
    }

    fn get_with_proof(&self, key: &[u8], version: u64) -> Result<ProvenValue, StorageError> {
        let inner = self.inner.read();
        let root = inner.committed_root(version)?;
        let (value, proof) = state_tree::get_with_proof(&inner.tree, key, version)?;
        Ok(ProvenValue { value, proof, root, version })
    }

    fn latest_state(&self) -> Result<Box<dyn StateView + '_>, StorageError> {
        let inner = self.inner.read();
        let version = inner.latest.ok_or(StorageError::NotInitialised)?;
        let root = inner.committed_root(version)?;
        Ok(Box::new(MemStateView::new(&self.inner, version, root)))
    }

    fn state_at(&self, version: u64) -> Result<Box<dyn StateView + '_>, StorageError> {
        let root = self.inner.read().committed_root(version)?;
        Ok(Box::new(MemStateView::new(&self.inner, version, root)))
    }

    fn earliest_state(&self) -> Result<u64, StorageError> {
        Ok(self.inner.read().earliest)
    }

    fn list_blocks(&self, highest: u64, limit: usize) -> Result<Vec<BlockSummary>, StorageError> {
        index::list_blocks(&self.inner.read().kv, highest, limit)
    }

    fn list_txs(
        &self,
        query: TxQuery,
        page: &PageRequest,
    ) -> Result<Page<TxSummary>, StorageError> {
        index::list_txs(&self.inner.read().kv, query, page)
    }

    fn list_events(
        &self,
        query: &EventQuery,
        page: &PageRequest,
    ) -> Result<Page<IndexedEvent>, StorageError> {
        index::list_events(&self.inner.read().kv, query, page)
    }
}
