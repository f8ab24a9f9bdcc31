//! Pruning of state history: what a node that keeps only the last N heights
//! may delete, and the background pruner of the RocksDB store.
//!
//! * **What.** A tree node that version `s` made unreachable (`jmt_stale`,
//!   jmt's `stale_node_index_batch`) and a versioned value that version `s`
//!   superseded (`value_stale`: its `jmt_values` and `state_history`
//!   entries) are read by no version `>= s`. With the earliest retained
//!   version `E`, everything stale since a version `<= E` goes. Blocks,
//!   commits, receipts, state roots and the indexes are kept (block sync
//!   serves old blocks to peers; see `docs/storage.md`).
//! * **Order.** The `EarliestState` marker is advanced first, in its own
//!   batch; then one batch per version deletes that version's stale entries
//!   and records it as `PrunedThrough`. Readers of a past version work on a
//!   RocksDB snapshot taken when the marker allowed the read, so a deletion
//!   that lands afterwards is invisible to them.
//! * **Crash safety.** Deleting is idempotent and each batch is atomic; the
//!   WAL replays a prefix of the batches, so after a crash the marker is at
//!   least as far as any deletion, and the pruner resumes after
//!   `PrunedThrough`. These batches are not fsynced: losing some to a power
//!   cut only means doing them again.
//! * **Off the commit path.** `Store` runs a `Pruner` thread that a commit
//!   only notifies; the in-memory store prunes inside its commit (no I/O).

use crate::db::{SchemaBatch, SchemaDb};
use crate::error::StorageError;
use crate::kv::{Dir, KvRead};
use crate::schema::{
    HistoryKey, JmtNodeSchema, JmtStaleSchema, JmtValueKey, JmtValueSchema, MetaKey, MetaSchema,
    MetaValue, StaleNodeKey, StateHistorySchema, ValueStaleSchema,
};
use crate::state_tree::{PreparedState, key_hash};
use crate::store::{meta_height, meta_u64};
use jmt::KeyHash;
use jmt::storage::NodeKey;
use parking_lot::Mutex;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;

/// Smallest `keep_recent`: the latest state and its parent (a block
/// re-executed after a restart is prepared on its parent).
pub const MIN_KEEP_RECENT: u64 = 2;

/// Which state versions the store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pruning {
    /// Every version (the default).
    #[default]
    Archive,
    /// The latest `n` versions (heights `latest - n + 1 ..= latest`).
    KeepRecent(u64),
}

impl Pruning {
    /// Refuses a policy that would not keep what the node needs.
    pub fn check(self) -> Result<Pruning, StorageError> {
        match self {
            Pruning::KeepRecent(got) if got < MIN_KEEP_RECENT => {
                Err(StorageError::BadPruning { min: MIN_KEEP_RECENT, got })
            }
            p => Ok(p),
        }
    }

    /// Earliest version to keep once `latest` is committed.
    pub fn earliest(self, latest: u64) -> u64 {
        match self {
            Pruning::Archive => 0,
            Pruning::KeepRecent(n) => (latest + 1).saturating_sub(n),
        }
    }
}

/// What became stale at one version, for stores that keep the tree
/// elsewhere (the in-memory tree).
#[derive(Debug, Default)]
pub(crate) struct Stale {
    /// Tree nodes.
    pub(crate) nodes: Vec<NodeKey>,
    /// Versioned values (key hash, version).
    pub(crate) values: Vec<(KeyHash, u64)>,
}

/// Adds the prepared state's stale-node index (jmt's
/// `stale_node_index_batch`) to `batch`.
pub(crate) fn stage_stale_nodes(batch: &mut SchemaBatch, state: &PreparedState) {
    for stale in &state.batch.stale_node_index_batch {
        let key = StaleNodeKey {
            stale_since: stale.stale_since_version,
            node_key: stale.node_key.clone(),
        };
        batch.put::<JmtStaleSchema>(&key, &());
    }
}

/// Adds the deletion of everything stale since `since` to `batch`.
pub(crate) fn stage_version(
    reader: &impl KvRead,
    batch: &mut SchemaBatch,
    since: u64,
) -> Result<Stale, StorageError> {
    let mut stale = Stale::default();
    let from = since.to_be_bytes();
    reader.kv_walk::<JmtStaleSchema>(&from, Dir::Forward, &mut |_, (k, ())| {
        if k.stale_since != since {
            return Ok(false);
        }
        batch.delete::<JmtNodeSchema>(&k.node_key);
        stale.nodes.push(k.node_key.clone());
        batch.delete::<JmtStaleSchema>(&k);
        Ok(true)
    })?;
    reader.kv_walk::<ValueStaleSchema>(&from, Dir::Forward, &mut |_, (k, ())| {
        if k.stale_since != since {
            return Ok(false);
        }
        let hash = key_hash(&k.key);
        batch.delete::<JmtValueSchema>(&JmtValueKey { key_hash: hash, version: k.version });
        stale.values.push((hash, k.version));
        batch.delete::<StateHistorySchema>(&HistoryKey { key: k.key.clone(), version: k.version });
        batch.delete::<ValueStaleSchema>(&k);
        Ok(true)
    })?;
    Ok(stale)
}

/// Earliest retained state version (0 if nothing was ever pruned).
pub(crate) fn earliest_state(reader: &impl KvRead) -> Result<u64, StorageError> {
    Ok(meta_u64(reader, MetaKey::EarliestState)?.unwrap_or(0))
}

/// Fails with [`StorageError::Pruned`] if `version` is below the earliest
/// retained version as `reader` sees it.
pub(crate) fn check_retained(reader: &impl KvRead, version: u64) -> Result<(), StorageError> {
    let earliest = earliest_state(reader)?;
    if version < earliest {
        return Err(StorageError::Pruned { height: version, earliest });
    }
    Ok(())
}

/// Brings the RocksDB store to earliest version `target` (never lowers it):
/// marker first, then one batch per stale version. Stops between versions
/// when `stop` is set.
pub(crate) fn prune_to(db: &SchemaDb, target: u64, stop: &AtomicBool) -> Result<(), StorageError> {
    let earliest = earliest_state(db)?;
    if target > earliest {
        let mut batch = SchemaBatch::new();
        batch.put::<MetaSchema>(&MetaKey::EarliestState, &MetaValue::Height(target));
        db.write_unsynced(batch)?;
    }
    let earliest = earliest.max(target);
    let done = meta_u64(db, MetaKey::PrunedThrough)?.unwrap_or(0);
    for since in done + 1..=earliest {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let mut batch = SchemaBatch::new();
        stage_version(db, &mut batch, since)?;
        batch.put::<MetaSchema>(&MetaKey::PrunedThrough, &MetaValue::Height(since));
        db.write_unsynced(batch)?;
    }
    Ok(())
}

/// The RocksDB store's pruning thread: woken by each commit with the new
/// latest height, it prunes to the policy's earliest version.
pub(crate) struct Pruner {
    notify: Mutex<Option<mpsc::Sender<u64>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Pruner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pruner").finish_non_exhaustive()
    }
}

impl Pruner {
    /// Starts the thread; it first catches up with the stored latest height.
    pub(crate) fn start(
        db: Arc<SchemaDb>,
        policy: Pruning,
        lock: Arc<Mutex<()>>,
    ) -> Result<Pruner, StorageError> {
        let (tx, rx) = mpsc::channel::<u64>();
        let stop = Arc::new(AtomicBool::new(false));
        let stop_thread = stop.clone();
        let thread = std::thread::Builder::new()
            .name("bayledger-pruner".into())
            .spawn(move || {
                let mut latest = meta_height(&*db).ok().flatten();
                loop {
                    let result = latest.map(|l| {
                        let _guard = lock.lock();
                        prune_to(&db, policy.earliest(l), &stop_thread)
                    });
                    if let Some(Err(e)) = result {
                        tracing::warn!(error = %e, "pruning failed; retrying at the next commit");
                    }
                    match rx.recv() {
                        Ok(h) => latest = Some(rx.try_iter().last().unwrap_or(h)),
                        Err(_) => return,
                    }
                }
            })
            .map_err(StorageError::PrunerThread)?;
        Ok(Pruner { notify: Mutex::new(Some(tx)), stop, thread: Some(thread) })
    }

    /// Tells the thread that `height` committed.
    pub(crate) fn committed(&self, height: u64) {
        if let Some(tx) = self.notify.lock().as_ref() {
            let _ = tx.send(height);
        }
    }
}

impl Drop for Pruner {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.notify.lock().take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
