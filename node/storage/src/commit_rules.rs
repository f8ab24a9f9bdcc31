//! The rules every [`crate::ChainStore`] applies before it writes, shared by
//! the RocksDB [`crate::Store`] and the in-memory [`crate::MemChainStore`] so
//! that both accept and refuse exactly the same genesis, blocks, prepares and
//! reads.
//!
//! A store answers three questions about what it holds ([`CommittedChain`]);
//! the functions here decide. They run under the store's commit lock, so the
//! answers cannot change between the check and the write.

use crate::blocks::BlockCommit;
use crate::error::StorageError;
use crate::state_tree::PreparedState;
use bayledger_types::{Hash, SealedBlock};

/// What the commit rules need to know about a store's committed chain.
pub(crate) trait CommittedChain {
    /// Latest committed height (`None` before genesis).
    fn latest_height(&self) -> Result<Option<u64>, StorageError>;
    /// Chain id recorded at genesis.
    fn chain_id(&self) -> Result<Option<String>, StorageError>;
    /// Hash of the block committed at `height`.
    fn block_hash(&self, height: u64) -> Result<Option<Hash>, StorageError>;
}

/// What to do with an offered genesis.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum GenesisCheck {
    /// The store already holds this genesis: nothing to write.
    AlreadyCommitted,
    /// The store is empty: write it.
    Commit,
}

/// Checks a genesis against the stored genesis hash (if any).
pub(crate) fn check_genesis(
    stored: Option<Hash>,
    genesis_hash: Hash,
    state: &PreparedState,
) -> Result<GenesisCheck, StorageError> {
    match stored {
        Some(stored) if stored == genesis_hash => Ok(GenesisCheck::AlreadyCommitted),
        Some(stored) => Err(StorageError::GenesisMismatch { stored, got: genesis_hash }),
        None if state.version != 0 => {
            Err(StorageError::VersionMismatch { state: state.version, block: 0 })
        }
        None => Ok(GenesisCheck::Commit),
    }
}

/// What to do with an offered block.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BlockCheck {
    /// The same block is already committed at its height: nothing to write.
    AlreadyCommitted,
    /// The block is the next one and everything fits: write it; its
    /// transaction hashes, in block order, pair with the receipts.
    Append {
        /// Hashes of the block's transactions.
        tx_hashes: Vec<Hash>,
    },
}

/// Re-decodes `block` from its encoding, so the checks see exactly what will
/// be stored and read back: canonical block and header, well-formed
/// transactions, a body that matches the header, and the hash of the header
/// bytes (not of a possibly stale struct). Needs no lock.
pub(crate) fn decode_block(block: &SealedBlock) -> Result<SealedBlock, StorageError> {
    Ok(SealedBlock::decode(&block.encode())?)
}

/// Checks `block` (the output of [`decode_block`] for `c.block`) with its
/// commit, receipts and prepared state against the committed chain; see
/// `Store::commit_block` for the rules.
pub(crate) fn check_block(
    chain: &impl CommittedChain,
    block: &SealedBlock,
    c: &BlockCommit<'_>,
) -> Result<BlockCheck, StorageError> {
    let (height, hash) = (block.height(), block.hash());
    let latest = chain.latest_height()?.ok_or(StorageError::NotInitialised)?;

    if (1..=latest).contains(&height) {
        let stored = chain.block_hash(height)?.unwrap_or_default();
        return if stored == hash {
            Ok(BlockCheck::AlreadyCommitted)
        } else {
            Err(StorageError::ConflictingBlock { height, stored, got: hash })
        };
    }
    if Some(height) != latest.checked_add(1) {
        return Err(StorageError::HeightGap { expected: latest.saturating_add(1), got: height });
    }
    let header = &block.header.header;
    let chain_id = chain.chain_id()?.unwrap_or_default();
    if header.chain_id != chain_id {
        return Err(StorageError::ChainIdMismatch {
            expected: chain_id,
            got: header.chain_id.clone(),
        });
    }
    if height >= 2 {
        let expected = chain.block_hash(height - 1)?.unwrap_or_default();
        let got = Hash::from_slice(&header.parent_hash).unwrap_or_default();
        if got != expected {
            return Err(StorageError::ParentMismatch { height, expected, got });
        }
    }
    let commit_hash = Hash::from_slice(&c.commit.block_hash).unwrap_or_default();
    if c.commit.height != height || commit_hash != hash {
        return Err(StorageError::CommitTarget {
            height,
            hash,
            got_height: c.commit.height,
            got_hash: commit_hash,
        });
    }
    let tx_hashes = block.tx_hashes();
    check_receipts(c, &tx_hashes)?;
    if c.state.version != height {
        return Err(StorageError::VersionMismatch { state: c.state.version, block: height });
    }
    if c.state.root != block.header.state_root() {
        return Err(StorageError::StateRootMismatch {
            header: block.header.state_root(),
            prepared: c.state.root,
        });
    }
    Ok(BlockCheck::Append { tx_hashes })
}

/// One receipt per transaction, each naming the transaction at its index.
fn check_receipts(c: &BlockCommit<'_>, tx_hashes: &[Hash]) -> Result<(), StorageError> {
    if c.receipts.len() != tx_hashes.len() {
        return Err(StorageError::ReceiptCount {
            txs: tx_hashes.len(),
            receipts: c.receipts.len(),
        });
    }
    for (index, (receipt, expected)) in c.receipts.iter().zip(tx_hashes).enumerate() {
        if receipt.tx_hash.as_slice() != expected.0.as_slice() {
            let got = receipt.tx_hash.iter().map(|b| format!("{b:02x}")).collect();
            return Err(StorageError::ReceiptTxHash { index, expected: *expected, got });
        }
    }
    Ok(())
}

/// `prepare_state(version)` needs version `version - 1` committed (nothing
/// for version 0): `version <= latest + 1`.
pub(crate) fn check_prepare(version: u64, latest: Option<u64>) -> Result<(), StorageError> {
    if version > latest.map_or(0, |l| l + 1) {
        return Err(StorageError::PrepareGap { version, latest });
    }
    Ok(())
}

/// Historical reads need a committed version: `version <= latest`.
pub(crate) fn check_committed(version: u64, latest: Option<u64>) -> Result<(), StorageError> {
    match latest {
        Some(l) if version <= l => Ok(()),
        _ => Err(StorageError::UnknownVersion { version, latest }),
    }
}
