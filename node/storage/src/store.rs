//! [`Store`]: the node's database handle. Chain metadata, state reads and
//! index lists are here; block commits and block reads are in
//! [`crate::blocks`], the upgrade of a database written before the history
//! and index families existed in module `reindex`.

use crate::commit_rules;
use crate::db::{Compression, SchemaDb, SchemaRead, StoreConfig};
use crate::error::{CodecError, StorageError};
use crate::index::{self, EventQuery, IndexedEvent, Page, PageRequest, TxQuery};
use crate::kv::KvRead;
use crate::prune::{self, Pruner, Pruning};
use crate::schema::{BlockSummary, MetaKey, MetaSchema, MetaValue, Schema, TxSummary};
use crate::state_tree::{self, PreparedState, StateProof, TreeStore};
use crate::state_view::{HistoricalState, LatestState};
use bayledger_types::{Hash, WriteSet};
use parking_lot::Mutex;
use std::path::Path;
use std::sync::Arc;

/// The node's storage: blocks, commits, transactions, receipts and the
/// versioned, authenticated state.
///
/// Reads take `&self` and may run concurrently with each other and with a
/// commit; commits are serialised by an internal lock.
#[derive(Debug)]
pub struct Store {
    /// Stops and joins the pruning thread (before the database closes).
    pub(crate) pruner: Option<Pruner>,
    pub(crate) db: Arc<SchemaDb>,
    /// Held while a commit checks the latest height and writes its batch.
    pub(crate) commit_lock: Mutex<()>,
    pub(crate) pruning: Pruning,
    /// Serialises pruning runs (the thread's and [`Store::prune_now`]), so
    /// the earliest-version marker only moves forwards.
    pub(crate) prune_lock: Arc<Mutex<()>>,
}

/// A value with a Merkle proof against the state root of its version.
#[derive(Debug, Clone)]
pub struct ProvenValue {
    /// The value (`None`: the proof shows absence).
    pub value: Option<Vec<u8>>,
    /// The proof.
    pub proof: StateProof,
    /// State root of `version`.
    pub root: Hash,
    /// Version the proof is for.
    pub version: u64,
}

impl ProvenValue {
    /// Checks the proof for `key` against `self.root`.
    pub fn verify(&self, key: &[u8]) -> Result<(), StorageError> {
        state_tree::verify_proof(self.root, key, self.value.as_deref(), &self.proof)
    }
}

/// A height-valued meta entry (latest height, earliest state, pruned through).
pub(crate) fn meta_u64(reader: &impl KvRead, key: MetaKey) -> Result<Option<u64>, StorageError> {
    match reader.kv_get::<MetaSchema>(&key)? {
        None => Ok(None),
        Some(MetaValue::Height(h)) => Ok(Some(h)),
        Some(_) => Err(meta_corrupt("expected a height")),
    }
}

/// The latest committed height.
pub(crate) fn meta_height(reader: &impl KvRead) -> Result<Option<u64>, StorageError> {
    meta_u64(reader, MetaKey::LatestHeight)
}

pub(crate) fn meta_hash<R: SchemaRead>(db: &R, key: MetaKey) -> Result<Option<Hash>, StorageError> {
    match db.get::<MetaSchema>(&key)? {
        None => Ok(None),
        Some(MetaValue::Hash(h)) => Ok(Some(h)),
        Some(_) => Err(meta_corrupt("expected a hash")),
    }
}

fn meta_corrupt(reason: &'static str) -> StorageError {
    StorageError::Corrupt { cf: MetaSchema::CF, source: CodecError::new("meta value", reason) }
}

impl Store {
    /// Opens (or creates) the store in directory `path` with default tuning.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StorageError> {
        Store::open_with(path, &StoreConfig::default())
    }

    /// Opens (or creates) the store in directory `path`. A database written
    /// before the history and index families existed is brought up to date
    /// first (module `reindex`); with a pruning policy, the pruning
    /// thread starts and catches up.
    pub fn open_with(path: impl AsRef<Path>, config: &StoreConfig) -> Result<Store, StorageError> {
        let pruning = config.pruning.check()?;
        let db = Arc::new(SchemaDb::open(path.as_ref(), config)?);
        crate::reindex::upgrade(&db)?;
        let prune_lock = Arc::new(Mutex::new(()));
        let pruner = match pruning {
            Pruning::Archive => None,
            Pruning::KeepRecent(_) => Some(Pruner::start(db.clone(), pruning, prune_lock.clone())?),
        };
        Ok(Store { pruner, db, commit_lock: Mutex::new(()), pruning, prune_lock })
    }

    /// The pruning policy.
    pub fn pruning(&self) -> Pruning {
        self.pruning
    }

    /// Prunes to the policy's earliest version for the latest height now,
    /// on the calling thread (the pruning thread does this after commits;
    /// tests and tools call it to wait for the result).
    pub fn prune_now(&self) -> Result<(), StorageError> {
        if let Some(latest) = self.latest_height()? {
            let never = std::sync::atomic::AtomicBool::new(false);
            let _guard = self.prune_lock.lock();
            prune::prune_to(&self.db, self.pruning.earliest(latest), &never)?;
        }
        Ok(())
    }

    /// Earliest state version still readable (0 when nothing was pruned).
    pub fn earliest_state(&self) -> Result<u64, StorageError> {
        prune::earliest_state(&*self.db)
    }

    /// The typed database underneath (read-only use: writes go through
    /// `commit_genesis` / `commit_block`).
    pub fn db(&self) -> &SchemaDb {
        &self.db
    }

    /// SST compression in use.
    pub fn compression(&self) -> Compression {
        self.db.compression()
    }

    /// Latest committed height: `None` before genesis, `Some(0)` after genesis.
    pub fn latest_height(&self) -> Result<Option<u64>, StorageError> {
        meta_height(&*self.db)
    }

    /// Hash of the genesis the store was initialised with.
    pub fn genesis_hash(&self) -> Result<Option<Hash>, StorageError> {
        meta_hash(&*self.db, MetaKey::GenesisHash)
    }

    /// Chain id recorded at genesis.
    pub fn chain_id(&self) -> Result<Option<String>, StorageError> {
        match self.db.get::<MetaSchema>(&MetaKey::ChainId)? {
            None => Ok(None),
            Some(MetaValue::Text(s)) => Ok(Some(s)),
            Some(_) => Err(meta_corrupt("chain id is not text")),
        }
    }

    /// State root after `version` (`None` if not committed).
    pub fn state_root(&self, version: u64) -> Result<Option<Hash>, StorageError> {
        meta_hash(&*self.db, MetaKey::StateRoot(version))
    }

    /// Computes state `version` = state `version - 1` + `writes` without
    /// writing anything, returning its root and the tree nodes to commit.
    ///
    /// `version` must be at most latest + 1 (0 before genesis): the parent
    /// version must be committed. Preparing an already committed version
    /// recomputes it from its parent, which lets a node re-run a block after
    /// a crash and get the same root (the commit is then an idempotent
    /// no-op). Keys must be non-empty.
    pub fn prepare_state(
        &self,
        version: u64,
        writes: &WriteSet,
    ) -> Result<PreparedState, StorageError> {
        commit_rules::check_prepare(version, self.latest_height()?)?;
        state_tree::prepare(&TreeStore(&*self.db), version, writes)
    }

    /// A snapshot in which `version` is committed and retained, with its
    /// root: reads through it see the version whole, whatever the pruner
    /// deletes afterwards.
    fn retained_snapshot(
        &self,
        version: u64,
    ) -> Result<(crate::db::DbSnapshot<'_>, Hash), StorageError> {
        let snapshot = self.db.snapshot();
        commit_rules::check_committed(version, meta_height(&snapshot)?)?;
        prune::check_retained(&snapshot, version)?;
        let root = meta_hash(&snapshot, MetaKey::StateRoot(version))?
            .ok_or(StorageError::UnknownVersion { version, latest: Some(version) })?;
        Ok((snapshot, root))
    }

    /// Value of `key` after `version` (from the versioned values of the tree).
    pub fn get_at(&self, key: &[u8], version: u64) -> Result<Option<Vec<u8>>, StorageError> {
        let (snapshot, _) = self.retained_snapshot(version)?;
        state_tree::value_at(&snapshot, state_tree::key_hash(key), version)
    }

    /// Value of `key` after `version` with a proof against that version's
    /// state root; the proof shows absence when the value is `None`.
    pub fn get_with_proof(&self, key: &[u8], version: u64) -> Result<ProvenValue, StorageError> {
        let (snapshot, root) = self.retained_snapshot(version)?;
        let (value, proof) = state_tree::get_with_proof(&TreeStore(&snapshot), key, version)?;
        Ok(ProvenValue { value, proof, root, version })
    }

    /// A consistent view of the latest committed state (a RocksDB snapshot:
    /// a commit landing while it is used is not visible through it).
    pub fn latest_state(&self) -> Result<LatestState<'_>, StorageError> {
        LatestState::new(self.db.snapshot())
    }

    /// A view of the state after committed, retained `version`: point reads
    /// and prefix iteration (a version below the earliest retained one fails
    /// with [`StorageError::Pruned`]).
    pub fn state_at(&self, version: u64) -> Result<HistoricalState<'_>, StorageError> {
        let (snapshot, root) = self.retained_snapshot(version)?;
        Ok(HistoricalState::new(snapshot, version, root))
    }

    /// Up to `limit` block summaries from height `highest` down.
    pub fn list_blocks(
        &self,
        highest: u64,
        limit: usize,
    ) -> Result<Vec<BlockSummary>, StorageError> {
        index::list_blocks(&self.db.snapshot(), highest, limit)
    }

    /// A page of transactions by sender or contract.
    pub fn list_txs(
        &self,
        query: TxQuery,
        page: &PageRequest,
    ) -> Result<Page<TxSummary>, StorageError> {
        index::list_txs(&self.db.snapshot(), query, page)
    }

    /// A page of events.
    pub fn list_events(
        &self,
        query: &EventQuery,
        page: &PageRequest,
    ) -> Result<Page<IndexedEvent>, StorageError> {
        index::list_events(&self.db.snapshot(), query, page)
    }
}
