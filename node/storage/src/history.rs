//! Versioned state in key order (`state_history`), so that a past version
//! can be iterated by prefix like the latest one.
//!
//! Every write of a block adds `(key, version) → value` (`None` for a
//! delete); the encoding ([`HistoryKey`]) puts one key's versions together,
//! newest first, and keys in byte order. The value of `key` at version `v` is
//! the first entry at or after `(key, v)` if it belongs to `key`. When a
//! write supersedes an earlier version of its key, the block's batch also
//! records that in `value_stale`, which tells the pruner which versioned
//! values no retained version can read any more.
//!
//! Point reads at a version keep coming from the tree's own versioned values
//! (`jmt_values`, what proofs are checked against); this family serves
//! iteration, and point reads in the in-memory store.

use crate::codec::{KeyCodec, escape_key, history_key_start};
use crate::db::SchemaBatch;
use crate::error::StorageError;
use crate::kv::{Dir, KvRead};
use crate::schema::{HistoryKey, StateHistorySchema, ValueStaleKey, ValueStaleSchema};
use bayledger_types::WriteSet;

/// A state entry: key and value.
type Entry = (Vec<u8>, Vec<u8>);

/// Adds `version`'s writes to the history and the superseded values to the
/// stale-value index. `reader` sees the committed versions below `version`.
pub(crate) fn stage(
    reader: &impl KvRead,
    batch: &mut SchemaBatch,
    version: u64,
    writes: &WriteSet,
) -> Result<(), StorageError> {
    let starts: Vec<Vec<u8>> = writes.keys().map(|k| history_key_start(k)).collect();
    let newest = reader.kv_first_each::<StateHistorySchema>(&starts)?;
    for ((key, value), newest) in writes.iter().zip(newest) {
        if let Some((k, _)) = newest
            && k.key == *key
            && k.version < version
        {
            let stale =
                ValueStaleKey { stale_since: version, version: k.version, key: key.clone() };
            batch.put::<ValueStaleSchema>(&stale, &());
        }
        batch.put::<StateHistorySchema>(&HistoryKey { key: key.clone(), version }, value);
    }
    Ok(())
}

/// The value of `key` at `version` (`None`: never written, or deleted).
pub(crate) fn value_at(
    reader: &impl KvRead,
    key: &[u8],
    version: u64,
) -> Result<Option<Vec<u8>>, StorageError> {
    let mut found = None;
    let from = HistoryKey { key: key.to_vec(), version }.encode_key();
    reader.kv_walk::<StateHistorySchema>(&from, Dir::Forward, &mut |_, (k, v)| {
        if k.key == key {
            found = v;
        }
        Ok(false)
    })?;
    Ok(found)
}

/// The smallest key with `prefix`, greater than `after` (or at least
/// `prefix` when `after` is `None` or below it), that holds a value at
/// `version`, with that value: `StateReader::next` at a version.
///
/// One forward walk: entries come grouped by key, newest version first, so a
/// key's value at `version` is its first entry at or below `version`. The
/// walk seeks instead of stepping over runs it has no use for: the versions
/// of a key above `version`, and the older versions of a key deleted at
/// `version`.
pub(crate) fn next_at(
    reader: &impl KvRead,
    version: u64,
    prefix: &[u8],
    after: Option<&[u8]>,
) -> Result<Option<Entry>, StorageError> {
    let escaped_prefix = escape_key(prefix);
    // Just past every entry of `key` (its entries all start with
    // `history_key_start(key)`, which is followed by 8 bytes).
    let past = |key: &[u8]| [history_key_start(key).as_slice(), &[0xff; 9]].concat();
    let mut from = match after {
        Some(a) if a >= prefix => past(a),
        _ => escaped_prefix.clone(),
    };
    // The last key found deleted at `version`.
    let mut deleted: Option<Vec<u8>> = None;
    loop {
        let (mut found, mut seek) = (None, None);
        reader.kv_walk::<StateHistorySchema>(&from, Dir::Forward, &mut |raw, (k, value)| {
            if !raw.starts_with(&escaped_prefix) {
                return Ok(false);
            }
            if deleted.as_ref() == Some(&k.key) {
                // An older version of a deleted key.
                seek = Some(past(&k.key));
                return Ok(false);
            }
            if k.version > version {
                seek = Some(HistoryKey { key: k.key, version }.encode_key());
                return Ok(false);
            }
            match value {
                Some(v) => {
                    found = Some((k.key, v));
                    Ok(false)
                }
                None => {
                    deleted = Some(k.key);
                    Ok(true)
                }
            }
        })?;
        match (found, seek) {
            (Some(entry), _) => return Ok(Some(entry)),
            (None, Some(next)) => from = next,
            (None, None) => return Ok(None),
        }
    }
}
