//! Committing genesis and blocks, and reading blocks, commits, transactions
//! and receipts.
//!
//! A commit is ONE RocksDB write batch, written with `sync = true`: the block,
//! its hash index, the commit that finalised it, the transaction index, the
//! receipts, the new tree nodes and versioned values, the key preimages, the
//! flat-state updates, the state history and superseded-value index, the
//! indexer's entries ([`crate::index`]), the state root and the latest
//! height. After a crash the
//! store therefore holds either the whole block or nothing of it, and every
//! block for which `commit_block` returned is there.
//!
//! Re-committing the block already stored at a height is an `Ok` no-op, so a
//! node that crashed between writing a block and recording that it did can
//! simply replay it.
//!
//! What a commit must satisfy is decided in `commit_rules`, which the
//! in-memory store applies too.

use crate::commit_rules::{self, BlockCheck, CommittedChain, GenesisCheck};
use crate::db::{SchemaBatch, SchemaDb, SchemaRead};
use crate::error::StorageError;
use crate::schema::{
    BlockHashSchema, BlockSchema, CommitSchema, FlatStateSchema, JmtNodeSchema, JmtValueKey,
    JmtValueSchema, KeyPreimageSchema, MetaKey, MetaSchema, MetaValue, ReceiptSchema, Schema,
    TxIndexSchema, TxLocation,
};
use crate::state_tree::{PreparedState, key_hash};
use crate::store::Store;
use crate::{history, index, prune};
use bayledger_types::{Hash, SealedBlock, pb};

/// Everything committed with one block.
#[derive(Debug)]
pub struct BlockCommit<'a> {
    /// The block.
    pub block: &'a SealedBlock,
    /// The commit that finalised it.
    pub commit: &'a pb::Commit,
    /// One receipt per transaction, in block order.
    pub receipts: &'a [pb::Receipt],
    /// State after the block, from `Store::prepare_state(height, writes)`.
    pub state: PreparedState,
}

/// A stored transaction with its receipt and location.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTx {
    /// Exact `SignedTx` bytes.
    pub bytes: Vec<u8>,
    /// Receipt.
    pub receipt: pb::Receipt,
    /// Height of the including block.
    pub height: u64,
    /// Index in the block.
    pub index: u32,
}

impl StoredTx {
    /// The transaction indexed at `location` from the block stored there and
    /// its receipt (read only if the block holds the transaction). A missing
    /// piece means the store is corrupt.
    pub(crate) fn assemble(
        hash: &Hash,
        location: TxLocation,
        block: Option<&SealedBlock>,
        receipt: impl FnOnce() -> Result<Option<pb::Receipt>, StorageError>,
    ) -> Result<StoredTx, StorageError> {
        let TxLocation { height, index } = location;
        let missing = |what: &'static str| StorageError::Corrupt {
            cf: TxIndexSchema::CF,
            source: crate::error::CodecError::new(
                "tx location",
                format!("{what} of indexed transaction {hash} is missing"),
            ),
        };
        let block = block.ok_or_else(|| missing("block"))?;
        let bytes = block.txs.get(index as usize).ok_or_else(|| missing("transaction"))?.clone();
        let receipt = receipt()?.ok_or_else(|| missing("receipt"))?;
        Ok(StoredTx { bytes, receipt, height, index })
    }
}

/// Adds the prepared state's tree nodes, values, stale-node index, preimages,
/// flat-state updates, history and stale values, state root and latest
/// height to `batch`.
fn stage_state(
    db: &SchemaDb,
    batch: &mut SchemaBatch,
    state: &PreparedState,
) -> Result<(), StorageError> {
    let nodes = &state.batch.node_batch;
    for (key, node) in nodes.nodes() {
        batch.put::<JmtNodeSchema>(key, node);
    }
    for ((version, key_hash), value) in nodes.values() {
        batch.put::<JmtValueSchema>(&JmtValueKey { key_hash: *key_hash, version: *version }, value);
    }
    prune::stage_stale_nodes(batch, state);
    for (key, value) in &state.writes {
        batch.put::<KeyPreimageSchema>(&key_hash(key), key);
        match value {
            Some(v) => batch.put::<FlatStateSchema>(key, v),
            None => batch.delete::<FlatStateSchema>(key),
        }
    }
    history::stage(db, batch, state.version, &state.writes)?;
    batch.put::<MetaSchema>(&MetaKey::StateRoot(state.version), &MetaValue::Hash(state.root));
    batch.put::<MetaSchema>(&MetaKey::LatestHeight, &MetaValue::Height(state.version));
    Ok(())
}

impl CommittedChain for Store {
    fn latest_height(&self) -> Result<Option<u64>, StorageError> {
        Store::latest_height(self)
    }

    fn chain_id(&self) -> Result<Option<String>, StorageError> {
        Store::chain_id(self)
    }

    fn block_hash(&self, height: u64) -> Result<Option<Hash>, StorageError> {
        Ok(self.block_by_height(height)?.map(|b| b.hash()))
    }
}

impl Store {
    /// Initialises the store with the genesis state (version 0).
    ///
    /// Committing the same genesis hash again is an `Ok` no-op; a store
    /// initialised with another genesis refuses.
    pub fn commit_genesis(
        &self,
        genesis_hash: Hash,
        chain_id: &str,
        state: PreparedState,
    ) -> Result<(), StorageError> {
        let _guard = self.commit_lock.lock();
        if commit_rules::check_genesis(self.genesis_hash()?, genesis_hash, &state)?
            == GenesisCheck::AlreadyCommitted
        {
            return Ok(());
        }
        let mut batch = SchemaBatch::new();
        stage_state(&self.db, &mut batch, &state)?;
        batch.put::<MetaSchema>(
            &MetaKey::IndexVersion,
            &MetaValue::Height(crate::reindex::INDEX_VERSION),
        );
        batch.put::<MetaSchema>(&MetaKey::GenesisHash, &MetaValue::Hash(genesis_hash));
        batch.put::<MetaSchema>(&MetaKey::ChainId, &MetaValue::Text(chain_id.to_string()));
        self.db.write(batch)?;
        tracing::info!(%genesis_hash, chain_id, state_root = %state.root, "committed genesis");
        Ok(())
    }

    /// Commits a finalised block with its receipts and state, atomically and
    /// durably (see the module docs).
    ///
    /// The block must be at latest height + 1, on this store's chain, and
    /// extend the stored block below it (from height 2 on; the parent of
    /// height 1 is whatever genesis convention consensus uses). It must pass
    /// `SealedBlock::decode` (canonical, well-formed transactions, body
    /// matching the header), so every stored block reads back; the commit must
    /// target it, there must be one receipt per transaction naming that
    /// transaction, and the prepared state must be for this height with the
    /// root the header claims. Committing the block
    /// already stored at its height is an `Ok` no-op; another block at a
    /// committed height is refused.
    pub fn commit_block(&self, c: BlockCommit<'_>) -> Result<(), StorageError> {
        let decoded = commit_rules::decode_block(c.block)?;
        let block = &decoded;
        let (height, hash) = (block.height(), block.hash());
        let _guard = self.commit_lock.lock();
        let tx_hashes = match commit_rules::check_block(self, block, &c)? {
            BlockCheck::AlreadyCommitted => return Ok(()),
            BlockCheck::Append { tx_hashes } => tx_hashes,
        };

        let mut batch = SchemaBatch::new();
        batch.put::<BlockSchema>(&height, block);
        batch.put::<BlockHashSchema>(&hash, &height);
        batch.put::<CommitSchema>(&height, c.commit);
        for (index, (tx_hash, receipt)) in tx_hashes.iter().zip(c.receipts).enumerate() {
            // check_body matched the count to the header's u32 tx_count.
            let index = index as u32;
            batch.put::<TxIndexSchema>(tx_hash, &TxLocation { height, index });
            batch.put::<ReceiptSchema>(tx_hash, receipt);
        }
        index::stage(&mut batch, block, &tx_hashes, c.commit, c.receipts)?;
        stage_state(&self.db, &mut batch, &c.state)?;
        self.db.write(batch)?;
        if let Some(pruner) = &self.pruner {
            pruner.committed(height);
        }
        tracing::debug!(height, %hash, txs = tx_hashes.len(), state_root = %c.state.root, "committed block");
        Ok(())
    }

    /// The block at `height`.
    pub fn block_by_height(&self, height: u64) -> Result<Option<SealedBlock>, StorageError> {
        self.db.get::<BlockSchema>(&height)
    }

    /// The block with hash `hash`.
    pub fn block_by_hash(&self, hash: &Hash) -> Result<Option<SealedBlock>, StorageError> {
        match self.db.get::<BlockHashSchema>(hash)? {
            Some(height) => self.block_by_height(height),
            None => Ok(None),
        }
    }

    /// The commit that finalised the block at `height`.
    pub fn commit_at(&self, height: u64) -> Result<Option<pb::Commit>, StorageError> {
        self.db.get::<CommitSchema>(&height)
    }

    /// Height and index of a committed transaction.
    pub fn tx_location(&self, hash: &Hash) -> Result<Option<(u64, u32)>, StorageError> {
        Ok(self.db.get::<TxIndexSchema>(hash)?.map(|l| (l.height, l.index)))
    }

    /// Receipt of a committed transaction.
    pub fn receipt(&self, hash: &Hash) -> Result<Option<pb::Receipt>, StorageError> {
        self.db.get::<ReceiptSchema>(hash)
    }

    /// A committed transaction: its bytes, receipt and location.
    pub fn tx(&self, hash: &Hash) -> Result<Option<StoredTx>, StorageError> {
        let Some(location) = self.db.get::<TxIndexSchema>(hash)? else {
            return Ok(None);
        };
        let block = self.block_by_height(location.height)?;
        StoredTx::assemble(hash, location, block.as_ref(), || self.receipt(hash)).map(Some)
    }
}
