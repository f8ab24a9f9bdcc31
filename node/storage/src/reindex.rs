//! Bringing a database written before the state history and the indexes
//! existed up to date, on open: the history and its superseded-value index
//! are rebuilt from the tree's versioned values and key preimages, and the
//! indexes from the stored blocks and receipts. The work is idempotent (plain
//! puts) and marked done only at the end (`IndexVersion`), so an interrupted
//! upgrade simply runs again at the next open. It reads every block once: on
//! a long chain expect the first start after the upgrade to take a while (it
//! logs its progress).

use crate::db::{SchemaBatch, SchemaDb, SchemaRead};
use crate::error::{StorageError, missing};
use crate::index;
use crate::kv::{Dir, KvRead};
use crate::schema::{
    BlockSchema, CommitSchema, HistoryKey, JmtValueSchema, KeyPreimageSchema, MetaKey, MetaSchema,
    MetaValue, ReceiptSchema, StateHistorySchema, ValueStaleKey, ValueStaleSchema,
};
use crate::store::meta_height;

/// Version of the history and index families written by this code.
pub(crate) const INDEX_VERSION: u64 = 1;

/// Writes pending in one batch before it is flushed.
const BATCH_OPS: usize = 20_000;

fn flush(db: &SchemaDb, batch: &mut SchemaBatch) -> Result<(), StorageError> {
    if !batch.is_empty() {
        db.write(std::mem::take(batch))?;
    }
    Ok(())
}

/// Rebuilds history and indexes if the database predates them.
pub(crate) fn upgrade(db: &SchemaDb) -> Result<(), StorageError> {
    if db.get::<MetaSchema>(&MetaKey::IndexVersion)?.is_some() {
        return Ok(());
    }
    let Some(latest) = meta_height(db)? else {
        return Ok(()); // a new database: genesis writes the marker
    };
    tracing::info!(latest, "rebuilding state history and indexes (database predates them)");
    let mut batch = SchemaBatch::new();
    let mut keys = db.iter::<KeyPreimageSchema>()?;
    keys.seek_to_first();
    for entry in keys {
        let (hash, key) = entry?;
        let mut previous = None;
        db.kv_walk::<JmtValueSchema>(&hash.0, Dir::Forward, &mut |_, (k, value)| {
            if k.key_hash != hash {
                return Ok(false);
            }
            let version = k.version;
            batch.put::<StateHistorySchema>(&HistoryKey { key: key.clone(), version }, &value);
            if let Some(prev) = previous.replace(version) {
                let stale = ValueStaleKey { stale_since: version, version: prev, key: key.clone() };
                batch.put::<ValueStaleSchema>(&stale, &());
            }
            Ok(true)
        })?;
        if batch.len() >= BATCH_OPS {
            flush(db, &mut batch)?;
        }
    }
    for height in 1..=latest {
        let gone = |what: &str| format!("{what} {height} is missing");
        let block = db
            .get::<BlockSchema>(&height)?
            .ok_or_else(|| missing::<BlockSchema>("reindex", gone("block")))?;
        let commit = db
            .get::<CommitSchema>(&height)?
            .ok_or_else(|| missing::<CommitSchema>("reindex", gone("commit of block")))?;
        let tx_hashes = block.tx_hashes();
        let receipts = tx_hashes
            .iter()
            .map(|h| {
                db.get::<ReceiptSchema>(h)?
                    .ok_or_else(|| missing::<ReceiptSchema>("reindex", gone("a receipt of block")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        index::stage(&mut batch, &block, &tx_hashes, &commit, &receipts)?;
        if batch.len() >= BATCH_OPS {
            flush(db, &mut batch)?;
            tracing::info!(height, latest, "reindexing blocks");
        }
    }
    batch.put::<MetaSchema>(&MetaKey::IndexVersion, &MetaValue::Height(INDEX_VERSION));
    flush(db, &mut batch)?;
    tracing::info!(latest, "state history and indexes rebuilt");
    Ok(())
}
