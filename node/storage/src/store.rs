//! [`Store`]: the node's database handle. Chain metadata and state reads are
//! here; block commits and block reads are in [`crate::blocks`].

use crate::commit_rules;
use crate::db::{Compression, SchemaDb, SchemaRead, StoreConfig};
use crate::error::{CodecError, StorageError};
use crate::schema::{MetaKey, MetaSchema, MetaValue, Schema};
use crate::state_tree::{self, PreparedState, StateProof, TreeStore};
use crate::state_view::{HistoricalState, LatestState};
use bayledger_types::{Hash, WriteSet};
use parking_lot::Mutex;
use std::path::Path;

/// The node's storage: blocks, commits, transactions, receipts and the
/// versioned, authenticated state.
///
/// Reads take `&self` and may run concurrently with each other and with a
/// commit; commits are serialised by an internal lock.
#[derive(Debug)]
pub struct Store {
    pub(crate) db: SchemaDb,
    /// Held while a commit checks the latest height and writes its batch.
    pub(crate) commit_lock: Mutex<()>,
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

pub(crate) fn meta_height<R: SchemaRead>(db: &R) -> Result<Option<u64>, StorageError> {
    match db.get::<MetaSchema>(&MetaKey::LatestHeight)? {
        None => Ok(None),
        Some(MetaValue::Height(h)) => Ok(Some(h)),
        Some(_) => Err(meta_corrupt("latest height is not a height")),
    }
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

    /// Opens (or creates) the store in directory `path`.
    pub fn open_with(path: impl AsRef<Path>, config: &StoreConfig) -> Result<Store, StorageError> {
        let db = SchemaDb::open(path.as_ref(), config)?;
        Ok(Store { db, commit_lock: Mutex::new(()) })
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
        meta_height(&self.db)
    }

    /// Hash of the genesis the store was initialised with.
    pub fn genesis_hash(&self) -> Result<Option<Hash>, StorageError> {
        meta_hash(&self.db, MetaKey::GenesisHash)
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
        meta_hash(&self.db, MetaKey::StateRoot(version))
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
        state_tree::prepare(&TreeStore(&self.db), version, writes)
    }

    fn check_version(&self, version: u64) -> Result<(), StorageError> {
        commit_rules::check_committed(version, self.latest_height()?)
    }

    /// Value of `key` after `version` (from the versioned values of the tree).
    pub fn get_at(&self, key: &[u8], version: u64) -> Result<Option<Vec<u8>>, StorageError> {
        self.check_version(version)?;
        state_tree::value_at(&self.db, state_tree::key_hash(key), version)
    }

    /// Value of `key` after `version` with a proof against that version's
    /// state root; the proof shows absence when the value is `None`.
    pub fn get_with_proof(&self, key: &[u8], version: u64) -> Result<ProvenValue, StorageError> {
        self.check_version(version)?;
        let root = self
            .state_root(version)?
            .ok_or(StorageError::UnknownVersion { version, latest: Some(version) })?;
        let (value, proof) = state_tree::get_with_proof(&TreeStore(&self.db), key, version)?;
        Ok(ProvenValue { value, proof, root, version })
    }

    /// A consistent view of the latest committed state (a RocksDB snapshot:
    /// a commit landing while it is used is not visible through it).
    pub fn latest_state(&self) -> Result<LatestState<'_>, StorageError> {
        LatestState::new(self.db.snapshot())
    }

    /// A view of the state after committed `version`. Point reads only:
    /// `StateReader::next` fails with "prefix iteration is only supported on
    /// the latest state".
    pub fn state_at(&self, version: u64) -> Result<HistoricalState<'_>, StorageError> {
        self.check_version(version)?;
        let root = self
            .state_root(version)?
            .ok_or(StorageError::UnknownVersion { version, latest: Some(version) })?;
        Ok(HistoricalState::new(&self.db, version, root))
    }
}
