//! The typed RocksDB layer: opening the database, typed point reads, typed
//! iterators, snapshots and atomic synced write batches.
//!
//! # RocksDB options
//!
//! All tuning is in one place, `rocksdb_options`:
//!
//! * `create_if_missing` and `create_missing_column_families`, so a new data
//!   directory (or one from an older version with fewer families) just opens;
//! * every write is one `WriteBatch` written with `WriteOptions::set_sync(true)`:
//!   the WAL is fsynced before the write returns, so a block reported as
//!   committed survives a crash or power loss, and the batch is atomic across
//!   column families (the WAL record is all-or-nothing);
//! * LZ4 compression on every level. The node links Debian's `librocksdb`
//!   (7.8.3, built with snappy, lz4, zstd, zlib and bz2). RocksDB refuses at
//!   open to use a compression that is not linked in ("... is not linked with
//!   the binary"); [`SchemaDb::open`] then falls back to no compression and
//!   logs a warning, and [`SchemaDb::compression`] reports what is in use;
//! * one LRU block cache shared by all column families
//!   ([`StoreConfig::block_cache_bytes`]), with index and filter blocks charged
//!   to it so memory stays bounded, and a 10-bit bloom filter per key for the
//!   point lookups that dominate (blocks, tx index, tree nodes).

use crate::codec::{KeyCodec, ValueCodec};
use crate::error::StorageError;
use crate::schema::{COLUMN_FAMILIES, Schema};
use rocksdb::{
    BlockBasedOptions, Cache, ColumnFamily, ColumnFamilyDescriptor, DB, DBCompressionType,
    DBRawIteratorWithThreadMode, Options, ReadOptions, SnapshotWithThreadMode, WriteBatch,
    WriteOptions,
};
use std::marker::PhantomData;
use std::path::Path;

/// Tunables of the store.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// Size of the LRU block cache shared by all column families.
    pub block_cache_bytes: usize,
    /// Which state versions to keep.
    pub pruning: crate::prune::Pruning,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig { block_cache_bytes: 64 << 20, pruning: crate::prune::Pruning::Archive }
    }
}

/// Compression of the SST files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// LZ4 (the default).
    Lz4,
    /// None: the linked RocksDB lacks LZ4.
    None,
}

/// Everything needed to open the database.
pub(crate) struct DbOptions {
    pub(crate) db: Options,
    pub(crate) column_families: Vec<ColumnFamilyDescriptor>,
    pub(crate) write: WriteOptions,
}

/// The RocksDB options of the store (see the module docs).
pub(crate) fn rocksdb_options(config: &StoreConfig, compression: Compression) -> DbOptions {
    let compression = match compression {
        Compression::Lz4 => DBCompressionType::Lz4,
        Compression::None => DBCompressionType::None,
    };
    let cache = Cache::new_lru_cache(config.block_cache_bytes);
    let cf_options = || {
        let mut table = BlockBasedOptions::default();
        table.set_block_cache(&cache);
        table.set_cache_index_and_filter_blocks(true);
        table.set_bloom_filter(10.0, false);
        let mut o = Options::default();
        o.set_block_based_table_factory(&table);
        o.set_compression_type(compression);
        o
    };

    let mut db = cf_options();
    db.create_if_missing(true);
    db.create_missing_column_families(true);
    db.set_keep_log_file_num(10);

    // RocksDB's always-present (and unused) "default" family is listed too, or
    // it would be opened with stock options (Snappy, no shared cache).
    let column_families = std::iter::once(rocksdb::DEFAULT_COLUMN_FAMILY_NAME)
        .chain(COLUMN_FAMILIES.iter().copied())
        .map(|cf| ColumnFamilyDescriptor::new(cf, cf_options()))
        .collect();

    let mut write = WriteOptions::default();
    write.set_sync(true);

    DbOptions { db, column_families, write }
}

/// RocksDB with typed column families.
pub struct SchemaDb {
    db: DB,
    write: WriteOptions,
    compression: Compression,
}

impl std::fmt::Debug for SchemaDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaDb")
            .field("path", &self.db.path())
            .field("compression", &self.compression)
            .finish()
    }
}

impl SchemaDb {
    /// Opens (or creates) the database at `path` with every column family.
    pub fn open(path: &Path, config: &StoreConfig) -> Result<SchemaDb, StorageError> {
        match Self::open_with(path, config, Compression::Lz4) {
            Err(StorageError::Db(e)) if e.as_ref().contains("is not linked with the binary") => {
                tracing::warn!(error = %e, "the linked RocksDB lacks LZ4; opening without compression");
                Self::open_with(path, config, Compression::None)
            }
            other => other,
        }
    }

    fn open_with(
        path: &Path,
        config: &StoreConfig,
        compression: Compression,
    ) -> Result<SchemaDb, StorageError> {
        let o = rocksdb_options(config, compression);
        let db = DB::open_cf_descriptors(&o.db, path, o.column_families)?;
        Ok(SchemaDb { db, write: o.write, compression })
    }

    /// The compression in use.
    pub fn compression(&self) -> Compression {
        self.compression
    }

    /// Writes `batch` atomically, fsyncing the WAL before returning.
    pub fn write(&self, batch: SchemaBatch) -> Result<(), StorageError> {
        self.write_with(batch, &self.write)
    }

    /// Writes `batch` atomically without waiting for the fsync: for work that
    /// is idempotent and redone after a crash (pruning). The WAL keeps batch
    /// order, so after a crash what survives is a prefix of the batches.
    pub(crate) fn write_unsynced(&self, batch: SchemaBatch) -> Result<(), StorageError> {
        self.write_with(batch, &WriteOptions::default())
    }

    fn write_with(&self, batch: SchemaBatch, opts: &WriteOptions) -> Result<(), StorageError> {
        let mut wb = WriteBatch::default();
        for op in batch.ops {
            let cf = cf_handle(&self.db, op.cf)?;
            match op.value {
                Some(v) => wb.put_cf(cf, op.key, v),
                None => wb.delete_cf(cf, op.key),
            }
        }
        self.db.write_opt(wb, opts)?;
        Ok(())
    }

    /// A consistent point-in-time view of the whole database.
    pub fn snapshot(&self) -> DbSnapshot<'_> {
        DbSnapshot { db: self, snapshot: self.db.snapshot() }
    }
}

fn cf_handle<'a>(db: &'a DB, name: &'static str) -> Result<&'a ColumnFamily, StorageError> {
    db.cf_handle(name).ok_or(StorageError::MissingColumnFamily(name))
}

fn get_with<S: Schema>(
    db: &DB,
    opts: &ReadOptions,
    key: &S::Key,
) -> Result<Option<S::Value>, StorageError> {
    let cf = cf_handle(db, S::CF)?;
    match db.get_pinned_cf_opt(cf, key.encode_key(), opts)? {
        None => Ok(None),
        Some(bytes) => S::Value::decode_value(&bytes)
            .map(Some)
            .map_err(|source| StorageError::Corrupt { cf: S::CF, source }),
    }
}

fn iter_with<S: Schema>(db: &DB, opts: ReadOptions) -> Result<SchemaIterator<'_, S>, StorageError> {
    let cf = cf_handle(db, S::CF)?;
    Ok(SchemaIterator {
        inner: db.raw_iterator_cf_opt(cf, opts),
        direction: Direction::Forward,
        failed: false,
        _schema: PhantomData,
    })
}

/// Decodes an entry of family `S` (undecodable: [`StorageError::Corrupt`]).
pub(crate) fn decode_entry<S: Schema>(
    key: &[u8],
    value: &[u8],
) -> Result<(S::Key, S::Value), StorageError> {
    let corrupt = |source| StorageError::Corrupt { cf: S::CF, source };
    Ok((S::Key::decode_key(key).map_err(corrupt)?, S::Value::decode_value(value).map_err(corrupt)?))
}

/// Typed reads, from the live database or from a snapshot.
pub trait SchemaRead {
    /// The value at `key`.
    fn get<S: Schema>(&self, key: &S::Key) -> Result<Option<S::Value>, StorageError>;
    /// An unpositioned iterator over `S`; position it with a `seek*` method.
    fn iter<S: Schema>(&self) -> Result<SchemaIterator<'_, S>, StorageError>;
}

impl SchemaRead for SchemaDb {
    fn get<S: Schema>(&self, key: &S::Key) -> Result<Option<S::Value>, StorageError> {
        get_with::<S>(&self.db, &ReadOptions::default(), key)
    }

    fn iter<S: Schema>(&self) -> Result<SchemaIterator<'_, S>, StorageError> {
        iter_with::<S>(&self.db, ReadOptions::default())
    }
}

/// A RocksDB snapshot: every read sees the database as of its creation, so
/// a commit that lands meanwhile is either wholly visible (it was before the
/// snapshot) or not at all.
pub struct DbSnapshot<'a> {
    db: &'a SchemaDb,
    snapshot: SnapshotWithThreadMode<'a, DB>,
}

impl std::fmt::Debug for DbSnapshot<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbSnapshot").field("db", &self.db).finish_non_exhaustive()
    }
}

impl DbSnapshot<'_> {
    fn read_options(&self) -> ReadOptions {
        let mut o = ReadOptions::default();
        o.set_snapshot(&self.snapshot);
        o
    }
}

impl SchemaRead for DbSnapshot<'_> {
    fn get<S: Schema>(&self, key: &S::Key) -> Result<Option<S::Value>, StorageError> {
        get_with::<S>(&self.db.db, &self.read_options(), key)
    }

    fn iter<S: Schema>(&self) -> Result<SchemaIterator<'_, S>, StorageError> {
        // The iterator borrows `self`, so the snapshot outlives it.
        iter_with::<S>(&self.db.db, self.read_options())
    }
}

/// One pending write.
#[derive(Debug)]
struct Op {
    cf: &'static str,
    key: Vec<u8>,
    value: Option<Vec<u8>>,
}

/// Typed writes collected for one atomic [`SchemaDb::write`].
#[derive(Debug, Default)]
pub struct SchemaBatch {
    ops: Vec<Op>,
}

impl SchemaBatch {
    /// An empty batch.
    pub fn new() -> SchemaBatch {
        SchemaBatch::default()
    }

    /// Adds `key → value` to family `S`.
    pub fn put<S: Schema>(&mut self, key: &S::Key, value: &S::Value) {
        self.ops.push(Op { cf: S::CF, key: key.encode_key(), value: Some(value.encode_value()) });
    }

    /// Adds a deletion of `key` from family `S`.
    pub fn delete<S: Schema>(&mut self, key: &S::Key) {
        self.ops.push(Op { cf: S::CF, key: key.encode_key(), value: None });
    }

    /// The writes, in order: family, key, value (`None` = delete).
    pub(crate) fn into_ops(self) -> impl Iterator<Item = (&'static str, Vec<u8>, Option<Vec<u8>>)> {
        self.ops.into_iter().map(|op| (op.cf, op.key, op.value))
    }

    /// Number of writes.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

#[derive(Debug, Clone, Copy)]
enum Direction {
    Forward,
    Backward,
}

/// A typed iterator. After a `seek*` it yields the entry it is positioned
/// on, then moves forwards (`seek`, `seek_to_first`) or backwards
/// (`seek_for_prev`, `seek_to_last`). Undecodable entries yield
/// [`StorageError::Corrupt`]; a RocksDB error ends the iteration after being
/// yielded once.
pub struct SchemaIterator<'a, S> {
    inner: DBRawIteratorWithThreadMode<'a, DB>,
    direction: Direction,
    failed: bool,
    _schema: PhantomData<S>,
}

impl<S> std::fmt::Debug for SchemaIterator<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaIterator").field("direction", &self.direction).finish_non_exhaustive()
    }
}

impl<S: Schema> SchemaIterator<'_, S> {
    /// Positions at the first entry.
    pub fn seek_to_first(&mut self) {
        self.direction = Direction::Forward;
        self.inner.seek_to_first();
    }

    /// Positions at the last entry, iterating backwards.
    pub fn seek_to_last(&mut self) {
        self.direction = Direction::Backward;
        self.inner.seek_to_last();
    }

    /// Positions at the first entry `>= key`, iterating forwards.
    pub fn seek(&mut self, key: &S::Key) {
        self.seek_bytes(&key.encode_key());
    }

    /// Positions at the first entry whose encoded key is `>= bytes` (e.g. a
    /// prefix of encoded keys), iterating forwards.
    pub fn seek_bytes(&mut self, bytes: &[u8]) {
        self.direction = Direction::Forward;
        self.inner.seek(bytes);
    }

    /// Positions at the last entry `<= key`, iterating backwards.
    pub fn seek_for_prev(&mut self, key: &S::Key) {
        self.seek_for_prev_bytes(&key.encode_key());
    }

    /// Positions at the last entry whose encoded key is `<= bytes`,
    /// iterating backwards.
    pub fn seek_for_prev_bytes(&mut self, bytes: &[u8]) {
        self.direction = Direction::Backward;
        self.inner.seek_for_prev(bytes);
    }

    /// Visits the entries from the current position on, each decoded and
    /// with its encoded key as stored, until `visit` returns `false` or the
    /// entries end; an undecodable entry or a RocksDB error ends the walk
    /// with that error.
    pub(crate) fn visit(
        &mut self,
        visit: &mut crate::kv::Visit<'_, S>,
    ) -> Result<(), StorageError> {
        if self.failed {
            return Ok(());
        }
        while let Some((k, v)) = self.inner.item() {
            if !visit(k, decode_entry::<S>(k, v)?)? {
                return Ok(());
            }
            match self.direction {
                Direction::Forward => self.inner.next(),
                Direction::Backward => self.inner.prev(),
            }
        }
        self.inner.status().map_err(|e| {
            self.failed = true;
            e.into()
        })
    }
}

impl<S: Schema> Iterator for SchemaIterator<'_, S> {
    type Item = Result<(S::Key, S::Value), StorageError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let item = match self.inner.item() {
            Some((k, v)) => decode_entry::<S>(k, v),
            None => {
                return match self.inner.status() {
                    Ok(()) => None,
                    Err(e) => {
                        self.failed = true;
                        Some(Err(e.into()))
                    }
                };
            }
        };
        match self.direction {
            Direction::Forward => self.inner.next(),
            Direction::Backward => self.inner.prev(),
        }
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{BlockHashSchema, FlatStateSchema, MetaKey, MetaSchema, MetaValue};
    use bayledger_types::Hash;

    fn open() -> (tempfile::TempDir, SchemaDb) {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = SchemaDb::open(dir.path(), &StoreConfig::default()).expect("opens");
        (dir, db)
    }

    #[test]
    fn linked_rocksdb_supports_lz4() {
        let (dir, db) = open();
        assert_eq!(db.compression(), Compression::Lz4);
        // RocksDB persists the effective options; every family uses LZ4.
        let options = std::fs::read_dir(dir.path())
            .expect("lists")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("OPTIONS-"))
            .map(|e| std::fs::read_to_string(e.path()).expect("reads"))
            .max_by_key(|s| s.len())
            .expect("an OPTIONS file");
        assert_eq!(
            options.matches("compression=kLZ4Compression").count(),
            COLUMN_FAMILIES.len() + 1,
            "{options}"
        );
    }

    #[test]
    fn typed_put_get_iterate_and_reopen() {
        let (dir, db) = open();
        let mut b = SchemaBatch::new();
        for k in [b"b/2".to_vec(), b"a/1".to_vec(), b"b/1".to_vec(), b"c".to_vec()] {
            b.put::<FlatStateSchema>(&k, &[k.clone(), b"!".to_vec()].concat());
        }
        b.put::<BlockHashSchema>(&Hash::sha3(b"h"), &7);
        b.put::<MetaSchema>(&MetaKey::LatestHeight, &MetaValue::Height(7));
        assert_eq!(b.len(), 6);
        db.write(b).expect("writes");

        assert_eq!(db.get::<BlockHashSchema>(&Hash::sha3(b"h")).expect("get"), Some(7));
        assert_eq!(db.get::<BlockHashSchema>(&Hash::sha3(b"other")).expect("get"), None);

        let mut it = db.iter::<FlatStateSchema>().expect("iter");
        it.seek_bytes(b"b/");
        let keys: Vec<Vec<u8>> = it.map(|r| r.expect("decodes").0).collect();
        assert_eq!(keys, vec![b"b/1".to_vec(), b"b/2".to_vec(), b"c".to_vec()]);

        let mut it = db.iter::<FlatStateSchema>().expect("iter");
        it.seek_for_prev(&b"b/15".to_vec());
        let keys: Vec<Vec<u8>> = it.map(|r| r.expect("decodes").0).collect();
        assert_eq!(keys, vec![b"b/1".to_vec(), b"a/1".to_vec()]);

        let mut b = SchemaBatch::new();
        b.delete::<FlatStateSchema>(&b"c".to_vec());
        db.write(b).expect("writes");
        drop(db);
        let db = SchemaDb::open(dir.path(), &StoreConfig::default()).expect("reopens");
        assert_eq!(db.get::<FlatStateSchema>(&b"c".to_vec()).expect("get"), None);
        assert_eq!(
            db.get::<FlatStateSchema>(&b"a/1".to_vec()).expect("get"),
            Some(b"a/1!".to_vec())
        );
        assert_eq!(
            db.get::<MetaSchema>(&MetaKey::LatestHeight).expect("get"),
            Some(MetaValue::Height(7))
        );
    }

    #[test]
    fn snapshot_does_not_see_later_writes() {
        let (_dir, db) = open();
        let mut b = SchemaBatch::new();
        b.put::<FlatStateSchema>(&b"k".to_vec(), &b"old".to_vec());
        db.write(b).expect("writes");
        let snap = db.snapshot();
        let mut b = SchemaBatch::new();
        b.put::<FlatStateSchema>(&b"k".to_vec(), &b"new".to_vec());
        b.put::<FlatStateSchema>(&b"k2".to_vec(), &b"new".to_vec());
        db.write(b).expect("writes");
        assert_eq!(
            snap.get::<FlatStateSchema>(&b"k".to_vec()).expect("get"),
            Some(b"old".to_vec())
        );
        let mut it = snap.iter::<FlatStateSchema>().expect("iter");
        it.seek_to_first();
        assert_eq!(it.count(), 1);
        assert_eq!(db.get::<FlatStateSchema>(&b"k".to_vec()).expect("get"), Some(b"new".to_vec()));
    }

    #[test]
    fn corrupt_values_are_reported_not_panicked() {
        let (_dir, db) = open();
        // A 3-byte value where a height (8 bytes) is expected.
        let cf = cf_handle(&db.db, BlockHashSchema::CF).expect("cf");
        db.db.put_cf(cf, Hash::ZERO.0, [1, 2, 3]).expect("raw put");
        let err = db.get::<BlockHashSchema>(&Hash::ZERO).expect_err("corrupt");
        assert!(matches!(err, StorageError::Corrupt { cf: "block_hashes", .. }), "{err}");
        let mut it = db.iter::<BlockHashSchema>().expect("iter");
        it.seek_to_first();
        assert!(matches!(it.next(), Some(Err(StorageError::Corrupt { .. }))));
    }
}
