//! [`StateReader`]s over committed state.
//!
//! * [`LatestState`] reads the `flat_state` family through a RocksDB
//!   snapshot: point reads and ordered prefix iteration, all at one version.
//!   Because a block is one atomic write batch, the snapshot holds either all
//!   of a block's writes or none of them.
//! * [`HistoricalState`] reads any retained version through a snapshot
//!   taken when the version was known to be retained: point reads from the
//!   tree's versioned values (`jmt_values`), prefix iteration from the
//!   versioned copy of the key order (`state_history`, [`crate::history`]).

use crate::db::{DbSnapshot, SchemaRead};
use crate::error::StorageError;
use crate::history;
use crate::schema::{FlatStateSchema, MetaKey};
use crate::state_tree::{self, key_hash};
use crate::store::{meta_hash, meta_height};
use bayledger_types::{Hash, StateError, StateReader};

/// A state entry: key and value.
type Entry = (Vec<u8>, Vec<u8>);

/// The latest committed state, frozen when created.
#[derive(Debug)]
pub struct LatestState<'a> {
    snapshot: DbSnapshot<'a>,
    version: u64,
    root: Hash,
}

impl<'a> LatestState<'a> {
    pub(crate) fn new(snapshot: DbSnapshot<'a>) -> Result<LatestState<'a>, StorageError> {
        let version = meta_height(&snapshot)?.ok_or(StorageError::NotInitialised)?;
        let root = meta_hash(&snapshot, MetaKey::StateRoot(version))?
            .ok_or(StorageError::UnknownVersion { version, latest: Some(version) })?;
        Ok(LatestState { snapshot, version, root })
    }

    /// Version (height) this view is at.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// State root of this version.
    pub fn root(&self) -> Hash {
        self.root
    }

    fn next_entry(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
    ) -> Result<Option<Entry>, StorageError> {
        let mut it = self.snapshot.iter::<FlatStateSchema>()?;
        let exclude = match after {
            Some(a) if a >= prefix => {
                it.seek_bytes(a);
                Some(a)
            }
            _ => {
                it.seek_bytes(prefix);
                None
            }
        };
        for entry in it {
            let (k, v) = entry?;
            if Some(k.as_slice()) == exclude {
                continue;
            }
            return Ok(k.starts_with(prefix).then_some((k, v)));
        }
        Ok(None)
    }
}

impl StateReader for LatestState<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.snapshot.get::<FlatStateSchema>(&key.to_vec())?)
    }

    fn next(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
    ) -> Result<Option<(Vec<u8>, Vec<u8>)>, StateError> {
        Ok(self.next_entry(prefix, after)?)
    }
}

/// The state after a committed, retained version.
#[derive(Debug)]
pub struct HistoricalState<'a> {
    snapshot: DbSnapshot<'a>,
    version: u64,
    root: Hash,
}

impl<'a> HistoricalState<'a> {
    pub(crate) fn new(snapshot: DbSnapshot<'a>, version: u64, root: Hash) -> HistoricalState<'a> {
        HistoricalState { snapshot, version, root }
    }

    /// Version (height) of this view.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// State root of this version.
    pub fn root(&self) -> Hash {
        self.root
    }
}

impl StateReader for HistoricalState<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(state_tree::value_at(&self.snapshot, key_hash(key), self.version)?)
    }

    fn next(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
    ) -> Result<Option<(Vec<u8>, Vec<u8>)>, StateError> {
        Ok(history::next_at(&self.snapshot, self.version, prefix, after)?)
    }
}
