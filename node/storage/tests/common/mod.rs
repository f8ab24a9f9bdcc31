//! Deterministic chains for the storage tests: blocks, receipts, commits and
//! write sets that are pure functions of the height, so a test (or a crashed
//! writer process) can rebuild exactly the block stored at any height. The
//! helpers take any `ChainStore` (RocksDB or in memory).

#![allow(dead_code)]

use bayledger_storage::{BlockCommit, ChainStore, MemStateTree};
use bayledger_types::block::{SealedHeader, receipts_root, tx_root_of};
use bayledger_types::{Hash, SealedBlock, WriteSet, pb};
use prost::Message;

pub const CHAIN_ID: &str = "storage-test";

pub fn genesis_hash() -> Hash {
    Hash::sha3(b"storage-test genesis")
}

/// Genesis state: ten accounts.
pub fn genesis_writes() -> WriteSet {
    (0u8..10).map(|i| (format!("acct/{i:02}").into_bytes(), Some(vec![i]))).collect()
}

/// Writes of block `height`: inserts, updates and deletes over a small key
/// space, and every fifth block writes nothing.
pub fn writes_for(height: u64) -> WriteSet {
    let mut w = WriteSet::new();
    if height.is_multiple_of(5) {
        return w;
    }
    w.insert(format!("acct/{:02}", height % 13).into_bytes(), Some(height.to_be_bytes().to_vec()));
    w.insert(format!("kv/{:03}", height % 7).into_bytes(), Some(format!("v{height}").into_bytes()));
    w.insert(format!("kv/{:03}", (height + 3) % 7).into_bytes(), None);
    if height.is_multiple_of(3) {
        w.insert(format!("acct/{:02}", (height * 7) % 13).into_bytes(), None);
    }
    w
}

/// A well-formed, signed transaction; `n` makes it unique.
pub fn signed_tx(n: u64) -> Vec<u8> {
    let key = bayledger_types::SecretKey::from_bytes(&[7; 32]).expect("valid key");
    let body = pb::TxBody {
        chain_id: CHAIN_ID.into(),
        sender: key.address().0.to_vec(),
        nonce: n,
        fuel_limit: 1_000,
        expiry_height: u64::MAX,
        action: Some(pb::Action {
            kind: Some(pb::action::Kind::Call(pb::Call {
                contract: vec![1; 20],
                msg: n.to_be_bytes().to_vec(),
            })),
        }),
    };
    bayledger_types::tx::sign(&body, &key)
}

/// `SignedTx` bytes that are not a valid transaction (the body is no `TxBody`).
pub fn malformed_tx(label: &str) -> Vec<u8> {
    pb::SignedTx { body: label.as_bytes().to_vec(), signature: vec![1; 65] }.encode_to_vec()
}

pub fn txs_for(height: u64) -> Vec<Vec<u8>> {
    (0..height % 3).map(|i| signed_tx(height * 10 + i)).collect()
}

pub struct Built {
    pub block: SealedBlock,
    pub commit: pb::Commit,
    pub receipts: Vec<pb::Receipt>,
}

/// A block at `height` over `txs` claiming `state_root`.
pub fn build(height: u64, parent: Hash, txs: Vec<Vec<u8>>, state_root: Hash) -> Built {
    let receipts: Vec<pb::Receipt> = txs
        .iter()
        .map(|t| pb::Receipt {
            tx_hash: bayledger_types::block::signed_tx_hash(t).0.to_vec(),
            status: pb::ExecStatus::Ok as i32,
            fuel_used: 10 + height,
            ..Default::default()
        })
        .collect();
    let header = pb::BlockHeader {
        chain_id: CHAIN_ID.into(),
        height,
        time_ms: 1_700_000_000_000 + height * 1000,
        parent_hash: parent.0.to_vec(),
        proposer: vec![9; 20],
        tx_root: tx_root_of(&txs).0.to_vec(),
        receipts_root: receipts_root(&receipts).0.to_vec(),
        state_root: state_root.0.to_vec(),
        tx_count: txs.len() as u32,
        ..Default::default()
    };
    let block = SealedBlock { header: SealedHeader::seal(header), txs, evidence: vec![] };
    let commit =
        pb::Commit { height, round: 0, block_hash: block.hash().0.to_vec(), signatures: vec![] };
    Built { block, commit, receipts }
}

pub fn init(store: &dyn ChainStore) {
    let state = store.prepare_state(0, &genesis_writes()).expect("prepares genesis");
    store.commit_genesis(genesis_hash(), CHAIN_ID, state).expect("commits genesis");
}

/// Parent hash for a block at `height` (zero for height 1).
pub fn parent_of(store: &dyn ChainStore, height: u64) -> Hash {
    if height <= 1 {
        return Hash::ZERO;
    }
    store.block_by_height(height - 1).expect("reads").expect("parent exists").hash()
}

/// Prepares the deterministic state of `height`, builds its block and
/// commits it; returns the block.
pub fn commit_height(store: &dyn ChainStore, height: u64) -> SealedBlock {
    let state = store.prepare_state(height, &writes_for(height)).expect("prepares");
    let b = build(height, parent_of(store, height), txs_for(height), state.root);
    store
        .commit_block(BlockCommit {
            block: &b.block,
            commit: &b.commit,
            receipts: &b.receipts,
            state,
        })
        .expect("commits");
    b.block
}

/// Roots of versions 0..=up_to of the deterministic chain, computed in memory.
pub fn expected_roots(up_to: u64) -> Vec<Hash> {
    let mut tree = MemStateTree::default();
    let mut roots = vec![tree.apply(0, &genesis_writes()).expect("genesis")];
    for h in 1..=up_to {
        roots.push(tree.apply(h, &writes_for(h)).expect("applies"));
    }
    roots
}

/// The full state after `height` of the deterministic chain.
pub fn expected_state(height: u64) -> bayledger_types::MemState {
    let mut s = bayledger_types::MemState::default();
    s.apply(&genesis_writes());
    for h in 1..=height {
        s.apply(&writes_for(h));
    }
    s
}

/// The sender of [`signed_tx`].
pub fn tx_sender() -> bayledger_types::Address {
    bayledger_types::SecretKey::from_bytes(&[7; 32]).expect("valid key").address()
}

/// The contract [`signed_tx`] calls.
pub const CALLED: [u8; 20] = [1; 20];

/// Receipts for `txs` in which transaction `n` (its nonce) emits two events:
/// `("t{n % 3}", {"n": n, "kind": "even"|"odd", "deep": {...}})` from the
/// called contract and `("other", {"n": n})` from another one.
pub fn receipts_with_events(txs: &[Vec<u8>]) -> Vec<pb::Receipt> {
    txs.iter()
        .map(|t| {
            let tx = bayledger_types::tx::DecodedTx::decode(t, usize::MAX).expect("decodes");
            let n = tx.body.nonce;
            let kind = if n.is_multiple_of(2) { "even" } else { "odd" };
            pb::Receipt {
                tx_hash: tx.hash.0.to_vec(),
                status: pb::ExecStatus::Ok as i32,
                fuel_used: n,
                events: vec![
                    pb::Event {
                        contract: CALLED.to_vec(),
                        topic: format!("t{}", n % 3),
                        data: format!(r#"{{"n":{n},"kind":"{kind}","deep":{{"x":1}}}}"#)
                            .into_bytes(),
                    },
                    pb::Event {
                        contract: vec![2; 20],
                        topic: "other".into(),
                        data: format!(r#"{{"n":{n}}}"#).into_bytes(),
                    },
                ],
                ..Default::default()
            }
        })
        .collect()
}

/// Commits the deterministic state of `height` in a block whose
/// transactions emit events ([`receipts_with_events`]); returns the block
/// and receipts.
pub fn commit_with_events(store: &dyn ChainStore, height: u64) -> (SealedBlock, Vec<pb::Receipt>) {
    let state = store.prepare_state(height, &writes_for(height)).expect("prepares");
    let txs: Vec<Vec<u8>> = (0..height % 4).map(|i| signed_tx(height * 10 + i)).collect();
    let mut b = build(height, parent_of(store, height), txs, state.root);
    b.receipts = receipts_with_events(&b.block.txs);
    let mut header = b.block.header.header.clone();
    header.receipts_root = receipts_root(&b.receipts).0.to_vec();
    b.block.header = SealedHeader::seal(header);
    b.commit.block_hash = b.block.hash().0.to_vec();
    store
        .commit_block(BlockCommit {
            block: &b.block,
            commit: &b.commit,
            receipts: &b.receipts,
            state,
        })
        .expect("commits");
    (b.block, b.receipts)
}
