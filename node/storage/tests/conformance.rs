//! Conformance of the two `ChainStore`s. Every body in this file takes a
//! `&dyn ChainStore`; `conformance!` runs each one twice, on a fresh RocksDB
//! `Store` (module `rocksdb`) and on a fresh `MemChainStore` (module
//! `memory`). The property tests at the end drive both stores with the same
//! write sets and require the same roots, reads and proofs. `pruned!` runs
//! the pruning bodies on stores that keep the last [`KEEP`] heights.

mod common;

use bayledger_storage::{
    BlockCommit, ChainStore, EventQuery, MemChainStore, MemStateTree, PageRequest, Pruning,
    StorageError, Store, StoreConfig, TxQuery, empty_root, verify_proof,
};
use bayledger_types::{Hash, MemState, StateReader, WriteSet, pb};
use common::*;
use proptest::prelude::*;

/// Runs each named body on a fresh RocksDB store and on a fresh in-memory one.
macro_rules! conformance {
    ($($body:ident),* $(,)?) => {
        mod rocksdb {
            $(
                #[test]
                fn $body() {
                    let dir = tempfile::tempdir().expect("tempdir");
                    super::$body(&bayledger_storage::Store::open(dir.path()).expect("opens"));
                }
            )*
        }
        mod memory {
            $(
                #[test]
                fn $body() {
                    super::$body(&bayledger_storage::MemChainStore::new());
                }
            )*
        }
    };
}

conformance!(
    genesis_is_committed_once,
    blocks_commit_with_receipts_and_state,
    prepare_state_writes_nothing_and_needs_a_committed_parent,
    a_block_without_writes_keeps_the_root_and_is_provable,
    commit_block_refuses_what_does_not_fit,
    recommits_are_idempotent_and_conflicts_refused,
    proofs_verify_for_inclusion_and_absence_and_fail_when_tampered,
    historical_and_latest_views,
    latest_state_is_a_snapshot,
    readers_never_see_half_a_block,
    index_lists_page_without_gaps_or_duplicates,
    index_refuses_bad_cursors_and_limits,
);

/// Heights the pruning stores keep.
const KEEP: u64 = 3;

/// Runs each named body on a RocksDB store and an in-memory store that keep
/// the last [`KEEP`] heights; the second argument brings the store's pruning
/// up to date (RocksDB prunes on a background thread).
macro_rules! pruned {
    ($($body:ident),* $(,)?) => {
        mod rocksdb_pruned {
            $(
                #[test]
                fn $body() {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let config = super::StoreConfig {
                        pruning: super::Pruning::KeepRecent(super::KEEP),
                        ..Default::default()
                    };
                    let store = super::Store::open_with(dir.path(), &config).expect("opens");
                    super::$body(&store, &|| store.prune_now().expect("prunes"));
                }
            )*
        }
        mod memory_pruned {
            $(
                #[test]
                fn $body() {
                    let store = super::MemChainStore::with_pruning(super::Pruning::KeepRecent(super::KEEP))
                        .expect("valid policy");
                    super::$body(&store, &|| ());
                }
            )*
        }
    };
}

pruned!(pruned_heights_fail_and_retained_heights_prove, pruning_policy_is_checked);

fn ws(entries: &[(&str, Option<&str>)]) -> WriteSet {
    entries.iter().map(|(k, v)| (k.as_bytes().to_vec(), v.map(|v| v.as_bytes().to_vec()))).collect()
}

/// Every entry under `prefix`, walked with `StateReader::next`.
fn scan(reader: &dyn StateReader, prefix: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    let mut after: Option<Vec<u8>> = None;
    while let Some((k, v)) = reader.next(prefix, after.as_deref()).expect("next") {
        after = Some(k.clone());
        out.push((k, v));
    }
    out
}

fn genesis_is_committed_once(store: &dyn ChainStore) {
    assert_eq!(store.latest_height().expect("reads"), None);
    assert_eq!(store.genesis_hash().expect("reads"), None);
    assert_eq!(store.chain_id().expect("reads"), None);
    assert_eq!(store.state_root(0).expect("reads"), None);
    assert!(matches!(store.latest_state(), Err(StorageError::NotInitialised)));
    assert!(matches!(
        store.state_at(0),
        Err(StorageError::UnknownVersion { version: 0, latest: None })
    ));
    let b = build(1, Hash::ZERO, vec![], empty_root());
    let state = store.prepare_state(0, &WriteSet::new()).expect("prepares");
    let err = store
        .commit_block(BlockCommit { block: &b.block, commit: &b.commit, receipts: &[], state })
        .expect_err("no genesis yet");
    assert!(matches!(err, StorageError::NotInitialised), "{err}");
    let mut v1 = store.prepare_state(0, &genesis_writes()).expect("prepares");
    v1.version = 1;
    assert!(matches!(
        store.commit_genesis(genesis_hash(), CHAIN_ID, v1),
        Err(StorageError::VersionMismatch { state: 1, block: 0 })
    ));
    assert_eq!(store.latest_height().expect("reads"), None);

    init(store);
    let root = expected_roots(0)[0];
    assert_eq!(store.latest_height().expect("reads"), Some(0));
    assert_eq!(store.genesis_hash().expect("reads"), Some(genesis_hash()));
    assert_eq!(store.chain_id().expect("reads").as_deref(), Some(CHAIN_ID));
    assert_eq!(store.state_root(0).expect("reads"), Some(root));
    assert_eq!(store.block_by_height(0).expect("reads"), None);
    assert_eq!(store.commit_at(0).expect("reads"), None);
    let latest = store.latest_state().expect("latest");
    assert_eq!((latest.version(), latest.root()), (0, root));
    assert_eq!(scan(&*latest, b""), scan(&expected_state(0), b""));

    let again = store.prepare_state(0, &genesis_writes()).expect("recomputes genesis");
    assert_eq!(again.root, root);
    store.commit_genesis(genesis_hash(), CHAIN_ID, again.clone()).expect("same genesis: no-op");
    let other = Hash::sha3(b"other genesis");
    let err = store.commit_genesis(other, CHAIN_ID, again).expect_err("other genesis");
    assert!(
        matches!(err, StorageError::GenesisMismatch { stored, got } if stored == genesis_hash() && got == other),
        "{err}"
    );
    assert_eq!(store.latest_height().expect("reads"), Some(0));
}

fn blocks_commit_with_receipts_and_state(store: &dyn ChainStore) {
    init(store);
    let blocks: Vec<_> = (1..=6).map(|h| commit_height(store, h)).collect();
    assert_eq!(store.latest_height().expect("reads"), Some(6));
    let roots = expected_roots(6);
    for (i, block) in blocks.iter().enumerate() {
        let h = i as u64 + 1;
        assert_eq!(store.block_by_height(h).expect("reads").as_ref(), Some(block));
        assert_eq!(store.block_by_hash(&block.hash()).expect("reads").as_ref(), Some(block));
        let commit = store.commit_at(h).expect("reads").expect("commit stored");
        assert_eq!((commit.height, commit.block_hash), (h, block.hash().0.to_vec()));
        assert_eq!(store.state_root(h).expect("reads"), Some(roots[i + 1]));
        assert_eq!(block.header.state_root(), roots[i + 1]);
        for (index, (tx, tx_hash)) in block.txs.iter().zip(block.tx_hashes()).enumerate() {
            let stored = store.tx(&tx_hash).expect("reads").expect("tx stored");
            assert_eq!((&stored.bytes, stored.height, stored.index), (tx, h, index as u32));
            assert_eq!(stored.receipt.tx_hash, tx_hash.0.to_vec());
            assert_eq!(stored.receipt.fuel_used, 10 + h);
            assert_eq!(store.receipt(&tx_hash).expect("reads"), Some(stored.receipt));
        }
    }
    assert!(blocks.iter().map(|b| b.txs.len()).sum::<usize>() > 0, "the chain has transactions");
    let nope = Hash::sha3(b"nope");
    assert_eq!(store.block_by_hash(&nope).expect("reads"), None);
    assert_eq!(store.tx(&nope).expect("reads"), None);
    assert_eq!(store.receipt(&nope).expect("reads"), None);
    assert_eq!(store.block_by_height(7).expect("reads"), None);
    assert_eq!(store.commit_at(7).expect("reads"), None);
    assert_eq!(store.state_root(7).expect("reads"), None);
    let latest = store.latest_state().expect("latest");
    assert_eq!((latest.version(), latest.root()), (6, roots[6]));
    assert_eq!(scan(&*latest, b""), scan(&expected_state(6), b""));
}

fn prepare_state_writes_nothing_and_needs_a_committed_parent(store: &dyn ChainStore) {
    assert!(matches!(
        store.prepare_state(1, &WriteSet::new()),
        Err(StorageError::PrepareGap { version: 1, latest: None })
    ));
    init(store);
    let prepared = store.prepare_state(1, &ws(&[("acct/new", Some("1"))])).expect("prepares");
    assert_ne!(prepared.root, store.state_root(0).expect("reads").expect("root"));
    assert_eq!(prepared.version, 1);
    assert_eq!(prepared.writes().len(), 1);
    assert_eq!(store.latest_height().expect("reads"), Some(0));
    assert_eq!(store.state_root(1).expect("reads"), None);
    assert_eq!(store.latest_state().expect("latest").get(b"acct/new").expect("get"), None);
    assert!(matches!(store.state_at(1), Err(StorageError::UnknownVersion { version: 1, .. })));
    assert!(matches!(
        store.get_with_proof(b"acct/new", 1),
        Err(StorageError::UnknownVersion { version: 1, .. })
    ));
    // Preparing twice gives the same root: nothing was written in between.
    assert_eq!(
        store.prepare_state(1, &ws(&[("acct/new", Some("1"))])).expect("prepares").root,
        prepared.root
    );
    assert!(matches!(
        store.prepare_state(2, &WriteSet::new()),
        Err(StorageError::PrepareGap { version: 2, .. })
    ));
    assert!(matches!(store.prepare_state(1, &ws(&[("", Some("x"))])), Err(StorageError::EmptyKey)));
}

fn a_block_without_writes_keeps_the_root_and_is_provable(store: &dyn ChainStore) {
    init(store);
    commit_height(store, 1);
    let before = store.state_root(1).expect("reads").expect("root");
    let state = store.prepare_state(2, &WriteSet::new()).expect("prepares");
    assert_eq!(state.root, before);
    let b = build(2, parent_of(store, 2), vec![], state.root);
    store
        .commit_block(BlockCommit { block: &b.block, commit: &b.commit, receipts: &[], state })
        .expect("commits");
    assert_eq!(store.state_root(2).expect("reads"), Some(before));
    let proven = store.get_with_proof(b"acct/01", 2).expect("proof");
    assert_eq!(proven.value, Some(1u64.to_be_bytes().to_vec()));
    proven.verify(b"acct/01").expect("verifies at the empty block's height");
}

fn commit_block_refuses_what_does_not_fit(store: &dyn ChainStore) {
    init(store);
    commit_height(store, 1);
    let parent = parent_of(store, 2);
    let txs = vec![signed_tx(1000), signed_tx(1001)];
    let prepared = || store.prepare_state(2, &writes_for(2)).expect("prepares");
    let good = build(2, parent, txs.clone(), prepared().root);
    let commit = |b: &Built, receipts: &[pb::Receipt], state| {
        store.commit_block(BlockCommit { block: &b.block, commit: &b.commit, receipts, state })
    };

    let gap = build(3, parent, txs.clone(), prepared().root);
    assert!(matches!(
        commit(&gap, &gap.receipts, prepared()),
        Err(StorageError::HeightGap { expected: 2, got: 3 })
    ));

    let wrong_root = build(2, parent, txs.clone(), Hash::sha3(b"not the root"));
    assert!(matches!(
        commit(&wrong_root, &wrong_root.receipts, prepared()),
        Err(StorageError::StateRootMismatch { .. })
    ));

    let recomputed_1 = store.prepare_state(1, &writes_for(1)).expect("recomputes version 1");
    assert!(matches!(
        commit(&good, &good.receipts, recomputed_1),
        Err(StorageError::VersionMismatch { state: 1, block: 2 })
    ));

    assert!(matches!(
        commit(&good, &good.receipts[..1], prepared()),
        Err(StorageError::ReceiptCount { txs: 2, receipts: 1 })
    ));
    let swapped: Vec<_> = good.receipts.iter().rev().cloned().collect();
    assert!(matches!(
        commit(&good, &swapped, prepared()),
        Err(StorageError::ReceiptTxHash { index: 0, .. })
    ));

    let mut other_commit = good.commit.clone();
    other_commit.block_hash = Hash::sha3(b"other").0.to_vec();
    let err = store
        .commit_block(BlockCommit {
            block: &good.block,
            commit: &other_commit,
            receipts: &good.receipts,
            state: prepared(),
        })
        .expect_err("commit for another block");
    assert!(matches!(err, StorageError::CommitTarget { .. }), "{err}");

    let orphan = build(2, Hash::sha3(b"elsewhere"), txs.clone(), prepared().root);
    assert!(matches!(
        commit(&orphan, &orphan.receipts, prepared()),
        Err(StorageError::ParentMismatch { height: 2, .. })
    ));

    let mut foreign = build(2, parent, txs.clone(), prepared().root);
    let mut header = foreign.block.header.header.clone();
    header.chain_id = "other-chain".into();
    foreign.block.header = bayledger_types::SealedHeader::seal(header);
    foreign.commit.block_hash = foreign.block.hash().0.to_vec();
    assert!(matches!(
        commit(&foreign, &foreign.receipts, prepared()),
        Err(StorageError::ChainIdMismatch { .. })
    ));

    let mut forged = build(2, parent, txs.clone(), prepared().root);
    forged.block.txs.pop();
    assert!(matches!(
        commit(&forged, &forged.receipts[..1], prepared()),
        Err(StorageError::Block(_))
    ));

    let bad_tx = build(2, parent, vec![malformed_tx("not a TxBody")], prepared().root);
    let err = commit(&bad_tx, &bad_tx.receipts, prepared()).expect_err("malformed transaction");
    assert!(
        matches!(err, StorageError::Block(bayledger_types::BlockError::Tx { index: 0, .. })),
        "{err}"
    );

    // None of the refusals wrote anything.
    assert_eq!(store.latest_height().expect("reads"), Some(1));
    assert_eq!(store.state_root(2).expect("reads"), None);
    assert_eq!(store.block_by_height(2).expect("reads"), None);
    assert_eq!(store.tx(&good.block.tx_hashes()[0]).expect("reads"), None);
    assert_eq!(store.latest_state().expect("latest").get(b"kv/002").expect("get"), None);

    commit(&good, &good.receipts, prepared()).expect("the right block commits");
    assert_eq!(store.latest_height().expect("reads"), Some(2));
    assert_eq!(
        store.latest_state().expect("latest").get(b"kv/002").expect("get"),
        Some(b"v2".to_vec())
    );
}

fn recommits_are_idempotent_and_conflicts_refused(store: &dyn ChainStore) {
    init(store);
    let b1 = commit_height(store, 1);
    let b2 = commit_height(store, 2);

    // Crash recovery: the node re-runs block 1 and commits it again.
    let again = store.prepare_state(1, &writes_for(1)).expect("recomputes");
    assert_eq!(again.root, b1.header.state_root());
    let rebuilt = build(1, Hash::ZERO, txs_for(1), again.root);
    assert_eq!(rebuilt.block.hash(), b1.hash());
    store
        .commit_block(BlockCommit {
            block: &rebuilt.block,
            commit: &rebuilt.commit,
            receipts: &rebuilt.receipts,
            state: again,
        })
        .expect("same block again is a no-op");
    assert_eq!(store.latest_height().expect("reads"), Some(2));
    assert_eq!(store.block_by_height(2).expect("reads"), Some(b2));

    let state = store.prepare_state(1, &ws(&[("acct/evil", Some("1"))])).expect("prepares");
    let other = build(1, Hash::ZERO, vec![], state.root);
    let err = store
        .commit_block(BlockCommit {
            block: &other.block,
            commit: &other.commit,
            receipts: &[],
            state,
        })
        .expect_err("another block at a committed height");
    assert!(
        matches!(err, StorageError::ConflictingBlock { height: 1, stored, got } if stored == b1.hash() && got == other.block.hash())
    );
    assert_eq!(store.block_by_height(1).expect("reads"), Some(b1));
    assert_eq!(store.block_by_hash(&other.block.hash()).expect("reads"), None);
    assert_eq!(store.latest_state().expect("latest").get(b"acct/evil").expect("get"), None);
}

fn proofs_verify_for_inclusion_and_absence_and_fail_when_tampered(store: &dyn ChainStore) {
    init(store);
    for h in 1..=3 {
        commit_height(store, h);
    }
    // acct/01 was written at genesis (0x01) and by block 1.
    let now = store.get_with_proof(b"acct/01", 3).expect("proof");
    assert_eq!(now.value, Some(1u64.to_be_bytes().to_vec()));
    assert_eq!((now.root, now.version), (store.state_root(3).expect("reads").expect("root"), 3));
    now.verify(b"acct/01").expect("inclusion verifies");

    let old = store.get_with_proof(b"acct/01", 0).expect("proof");
    assert_eq!(old.value, Some(vec![1]));
    old.verify(b"acct/01").expect("historical inclusion verifies against the genesis root");

    let absent = store.get_with_proof(b"acct/never", 3).expect("proof");
    assert_eq!(absent.value, None);
    absent.verify(b"acct/never").expect("absence verifies");

    // Block 3 deletes acct/08 (written at genesis): present at 2, absent at 3.
    assert!(writes_for(3).get(&b"acct/08"[..]).is_some_and(|v| v.is_none()));
    let was = store.get_with_proof(b"acct/08", 2).expect("proof");
    assert_eq!(was.value, Some(vec![8]));
    was.verify(b"acct/08").expect("inclusion before the delete verifies");
    let deleted = store.get_with_proof(b"acct/08", 3).expect("proof");
    assert_eq!(deleted.value, None);
    deleted.verify(b"acct/08").expect("absence of a deleted key verifies");

    let mut tampered = now.clone();
    tampered.value = Some(b"forged".to_vec());
    assert!(matches!(tampered.verify(b"acct/01"), Err(StorageError::Proof(_))));
    let mut hidden = now.clone();
    hidden.value = None;
    assert!(hidden.verify(b"acct/01").is_err(), "an inclusion proof cannot prove absence");
    assert!(now.verify(b"acct/02").is_err(), "proof is for another key");
    let root_2 = store.state_root(2).expect("reads").expect("root");
    assert_ne!(root_2, now.root);
    assert!(
        verify_proof(root_2, b"acct/01", now.value.as_deref(), &now.proof).is_err(),
        "proof is for another root"
    );
    let mut forged_absence = absent.clone();
    forged_absence.value = Some(b"x".to_vec());
    assert!(forged_absence.verify(b"acct/never").is_err());
    assert!(matches!(
        store.get_with_proof(b"acct/01", 4),
        Err(StorageError::UnknownVersion { version: 4, .. })
    ));
}

fn historical_and_latest_views(store: &dyn ChainStore) {
    init(store);
    for h in 1..=6 {
        commit_height(store, h);
    }
    let keys: std::collections::BTreeSet<Vec<u8>> = (0..=6)
        .flat_map(|h| writes_for(h).into_keys())
        .chain(genesis_writes().into_keys())
        .collect();
    for v in 0..=6 {
        let expected = expected_state(v);
        let view = store.state_at(v).expect("view");
        assert_eq!(view.version(), v);
        assert_eq!(Some(view.root()), store.state_root(v).expect("reads"));
        for k in &keys {
            assert_eq!(view.get(k).expect("get"), expected.get(k).expect("get"), "{k:?} at {v}");
        }
        for prefix in [&b""[..], b"acct/", b"kv/", b"kv/00", b"zzz"] {
            assert_eq!(scan(&*view, prefix), scan(&expected, prefix), "prefix {prefix:?} at {v}");
        }
        for after in [&b"acct/99"[..], b"kv/0015", b"kv/", b"kv/006", b"zzz"] {
            assert_eq!(
                view.next(b"kv/", Some(after)).expect("next"),
                expected.next(b"kv/", Some(after)).expect("next"),
                "after {after:?} at {v}"
            );
        }
    }
    assert!(matches!(
        store.state_at(7),
        Err(StorageError::UnknownVersion { version: 7, latest: Some(6) })
    ));

    let latest = store.latest_state().expect("latest");
    let model = expected_state(6);
    for prefix in [&b""[..], b"acct/", b"kv/", b"kv/00", b"zzz"] {
        assert_eq!(scan(&*latest, prefix), scan(&model, prefix), "prefix {prefix:?}");
    }
    // `after` below the prefix starts at the prefix; `after` inside skips.
    for after in [&b"acct/99"[..], b"kv/0015", b"kv/", b"kv/006", b"zzz"] {
        assert_eq!(
            latest.next(b"kv/", Some(after)).expect("next"),
            model.next(b"kv/", Some(after)).expect("next"),
            "after {after:?}"
        );
    }
}

fn latest_state_is_a_snapshot(store: &dyn ChainStore) {
    init(store);
    commit_height(store, 1);
    let before = store.latest_state().expect("latest");
    let writes = ws(&[("acct/00", Some("changed")), ("acct/zz", Some("new")), ("acct/01", None)]);
    let state = store.prepare_state(2, &writes).expect("prepares");
    let b = build(2, parent_of(store, 2), vec![], state.root);
    store
        .commit_block(BlockCommit { block: &b.block, commit: &b.commit, receipts: &[], state })
        .expect("commits");

    assert_eq!(before.version(), 1);
    assert_eq!(before.get(b"acct/00").expect("get"), Some(vec![0]));
    assert_eq!(before.get(b"acct/zz").expect("get"), None);
    assert!(before.get(b"acct/01").expect("get").is_some());
    assert_eq!(scan(&*before, b"acct/"), scan(&expected_state(1), b"acct/"));

    let after = store.latest_state().expect("latest");
    assert_eq!(after.version(), 2);
    assert_eq!(after.get(b"acct/00").expect("get"), Some(b"changed".to_vec()));
    assert_eq!(after.get(b"acct/01").expect("get"), None);
}

/// A reader racing a committer only ever sees whole blocks: every view it
/// takes holds exactly the model state of its version, with that version's
/// root.
fn readers_never_see_half_a_block(store: &dyn ChainStore) {
    const BLOCKS: u64 = 25;
    init(store);
    std::thread::scope(|s| {
        let writer = s.spawn(|| {
            for h in 1..=BLOCKS {
                commit_height(store, h);
            }
        });
        loop {
            let done = writer.is_finished();
            let view = store.latest_state().expect("latest");
            let v = view.version();
            assert_eq!(scan(&*view, b""), scan(&expected_state(v), b""), "view at {v}");
            assert_eq!(Some(view.root()), store.state_root(v).expect("reads"));
            if done {
                assert_eq!(v, BLOCKS);
                break;
            }
        }
        writer.join().expect("writer finished");
    });
}

/// All pages of a list, following cursors; panics on a page loop.
fn all_pages<T>(
    mut page: impl FnMut(Option<Vec<u8>>) -> bayledger_storage::Page<T>,
) -> (Vec<T>, usize) {
    let (mut items, mut cursor, mut pages) = (Vec::new(), None, 0);
    loop {
        let p = page(cursor.take());
        pages += 1;
        assert!(pages < 1_000, "pages do not end");
        items.extend(p.items);
        match p.next_cursor {
            Some(c) => cursor = Some(c),
            None => return (items, pages),
        }
    }
}

fn index_lists_page_without_gaps_or_duplicates(store: &dyn ChainStore) {
    init(store);
    let mut model = Vec::new();
    for h in 1..=14 {
        let (block, receipts) = commit_with_events(store, h);
        for (i, (hash, receipt)) in block.tx_hashes().into_iter().zip(receipts).enumerate() {
            model.push((h, i as u32, hash, receipt));
        }
    }
    assert!(model.len() > 15, "the chain has enough transactions to page");

    let blocks = store.list_blocks(14, 5).expect("lists");
    assert_eq!(blocks.iter().map(|b| b.height).collect::<Vec<_>>(), vec![14, 13, 12, 11, 10]);
    let b12 = store.block_by_height(12).expect("reads").expect("stored");
    assert_eq!((blocks[2].hash, blocks[2].tx_count), (b12.hash(), b12.txs.len() as u32));
    assert_eq!(blocks[2].time_ms, b12.header.header.time_ms);
    assert_eq!(store.list_blocks(2, 5).expect("lists").len(), 2, "down to height 1");

    let txs_by = |query: TxQuery, ascending: bool| {
        all_pages(|cursor| {
            store.list_txs(query, &PageRequest { cursor, limit: 4, ascending }).expect("lists")
        })
    };
    let expected: Vec<_> = model.iter().map(|(h, i, hash, _)| (*h, *i, *hash)).collect();
    for query in [TxQuery::Sender(tx_sender()), TxQuery::Contract(bayledger_types::Address(CALLED))]
    {
        let (asc, pages) = txs_by(query, true);
        assert!(pages > 3, "several pages");
        let got: Vec<_> =
            asc.iter().map(|t| (t.location.height, t.location.index, t.tx_hash)).collect();
        assert_eq!(got, expected, "{query:?} ascending");
        let (desc, _) = txs_by(query, false);
        let mut got: Vec<_> =
            desc.iter().map(|t| (t.location.height, t.location.index, t.tx_hash)).collect();
        got.reverse();
        assert_eq!(got, expected, "{query:?} newest first");
        assert!(asc.iter().all(|t| t.sender == tx_sender()
            && t.contract == Some(bayledger_types::Address(CALLED))
            && t.status == pb::ExecStatus::Ok as i32));
    }
    let nobody = TxQuery::Sender(bayledger_types::Address([9; 20]));
    assert_eq!(txs_by(nobody, false).0.len(), 0);

    let events = |query: &EventQuery, ascending: bool| {
        all_pages(|cursor| {
            store.list_events(query, &PageRequest { cursor, limit: 3, ascending }).expect("lists")
        })
        .0
    };
    let called = Some(bayledger_types::Address(CALLED));
    let queries = [
        EventQuery::default(),
        EventQuery { contract: called, ..Default::default() },
        EventQuery { contract: called, topic: Some("t1".into()), ..Default::default() },
        EventQuery { topic: Some("other".into()), ..Default::default() },
        EventQuery { attribute: Some(("kind".into(), "even".into())), ..Default::default() },
        EventQuery { attribute: Some(("n".into(), "31".into())), ..Default::default() },
        EventQuery {
            contract: Some(bayledger_types::Address([2; 20])),
            attribute: Some(("n".into(), "31".into())),
            ..Default::default()
        },
        EventQuery { attribute: Some(("deep".into(), "{\"x\":1}".into())), ..Default::default() },
    ];
    for query in &queries {
        let expected: Vec<_> = model
            .iter()
            .flat_map(|(h, i, hash, r)| {
                r.events
                    .iter()
                    .enumerate()
                    .map(move |(e, ev)| (*h, *i, e as u32, *hash, ev.clone()))
            })
            .filter(|(.., ev)| query.matches(ev))
            .collect();
        let got: Vec<_> = events(query, true)
            .into_iter()
            .map(|e| (e.pos.height, e.pos.tx_index, e.pos.event_index, e.tx_hash, e.event))
            .collect();
        assert_eq!(got, expected, "{query:?} ascending");
        let mut got: Vec<_> = events(query, false)
            .into_iter()
            .map(|e| (e.pos.height, e.pos.tx_index, e.pos.event_index, e.tx_hash, e.event))
            .collect();
        got.reverse();
        assert_eq!(got, expected, "{query:?} newest first");
    }
    // The filters select what they should (the model check above would
    // pass for a filter that matches nothing if the model agreed).
    let count = |q: &EventQuery| events(q, true).len();
    assert_eq!(count(&queries[0]), 2 * model.len());
    assert_eq!(count(&queries[1]), model.len());
    assert_eq!(count(&queries[5]), 2, "n = 31 from both contracts");
    assert_eq!(count(&queries[6]), 1);
    assert_eq!(count(&queries[7]), 0, "nested objects are not attributes");
    let time = events(&queries[1], true)[0].time_ms;
    assert_eq!(
        time,
        store.block_by_height(model[0].0).expect("reads").expect("block").header.header.time_ms
    );

    // A cursor taken before new blocks continues into them, once each.
    let first = store
        .list_events(&queries[1], &PageRequest { cursor: None, limit: 1_000, ascending: true })
        .expect("lists");
    assert_eq!(first.next_cursor, None);
    let last = first.items.last().expect("events").cursor();
    commit_with_events(store, 15);
    let more = store
        .list_events(
            &queries[1],
            &PageRequest { cursor: Some(last), limit: 1_000, ascending: true },
        )
        .expect("lists");
    assert_eq!(more.items.len(), 3, "block 15 has three transactions");
    assert!(more.items.iter().all(|e| e.pos.height == 15));
}

fn index_refuses_bad_cursors_and_limits(store: &dyn ChainStore) {
    init(store);
    for h in 1..=3 {
        commit_with_events(store, h);
    }
    let query = TxQuery::Sender(tx_sender());
    let page = |cursor: Option<Vec<u8>>, limit| PageRequest { cursor, limit, ascending: false };
    assert!(matches!(store.list_txs(query, &page(None, 0)), Err(StorageError::BadLimit)));
    for bad in [vec![], vec![9, 9, 9], vec![1, b't', 1, 2]] {
        let err = store.list_txs(query, &page(Some(bad.clone()), 5)).expect_err("bad cursor");
        assert!(matches!(err, StorageError::BadCursor(_)), "{bad:?}: {err}");
    }
    let first = store.list_txs(query, &page(None, 1)).expect("lists");
    let tx_cursor = first.next_cursor.expect("six transactions: a second page");
    // What SubscribeEvents checks up front agrees with what lists refuse.
    for bad in [vec![], vec![9, 9, 9], vec![1, b'e', 1, 2], tx_cursor.clone()] {
        let err = bayledger_storage::index::check_event_cursor(&bad).expect_err("bad cursor");
        assert!(matches!(err, StorageError::BadCursor(_)), "{bad:?}: {err}");
    }
    let events = store
        .list_events(&EventQuery::default(), &page(None, 1))
        .expect("lists")
        .next_cursor
        .expect("events on three blocks: a second page");
    bayledger_storage::index::check_event_cursor(&events).expect("an events cursor");
    let err = store
        .list_events(&EventQuery::default(), &page(Some(tx_cursor), 5))
        .expect_err("a transaction cursor for events");
    assert!(matches!(err, StorageError::BadCursor(_)), "{err}");
    let huge = store.list_txs(query, &page(None, usize::MAX)).expect("capped, not refused");
    assert_eq!((huge.items.len(), huge.next_cursor), (6, None));
}

fn pruned_heights_fail_and_retained_heights_prove(store: &dyn ChainStore, prune: &dyn Fn()) {
    init(store);
    for h in 1..=12 {
        commit_height(store, h);
    }
    prune();
    let earliest = 12 - KEEP + 1;
    assert_eq!(store.earliest_state().expect("reads"), earliest);
    let keys: std::collections::BTreeSet<Vec<u8>> = (0..=12)
        .flat_map(|h| writes_for(h).into_keys())
        .chain(genesis_writes().into_keys())
        .collect();
    for v in 0..earliest {
        let err = store.state_at(v).err().expect("pruned view");
        assert!(
            matches!(err, StorageError::Pruned { height, earliest: e } if height == v && e == earliest),
            "{err}"
        );
        let err = store.get_with_proof(b"acct/01", v).expect_err("pruned proof");
        assert!(matches!(err, StorageError::Pruned { height, .. } if height == v), "{err}");
    }
    for v in earliest..=12 {
        let view = store.state_at(v).expect("retained view");
        let model = expected_state(v);
        assert_eq!(scan(&*view, b""), scan(&model, b""), "state at {v}");
        for k in &keys {
            let proven = store.get_with_proof(k, v).expect("retained proof");
            assert_eq!(proven.value.as_ref(), model.0.get(k), "{k:?} at {v}");
            proven.verify(k).expect("verifies");
        }
    }
    // Blocks, commits and the indexes stay.
    for h in 1..=12 {
        assert!(store.block_by_height(h).expect("reads").is_some(), "block {h}");
        assert!(store.commit_at(h).expect("reads").is_some(), "commit {h}");
    }
    assert_eq!(store.list_blocks(12, 100).expect("lists").len(), 12);
    // The window moves with new blocks, and the next block still builds on
    // the latest state.
    for h in 13..=15 {
        commit_height(store, h);
    }
    prune();
    assert_eq!(store.earliest_state().expect("reads"), 15 - KEEP + 1);
    assert!(matches!(store.state_at(12), Err(StorageError::Pruned { height: 12, .. })));
    assert_eq!(scan(&*store.state_at(13).expect("view"), b""), scan(&expected_state(13), b""));
    assert_eq!(store.state_root(15).expect("reads"), Some(expected_roots(15)[15]));
}

fn pruning_policy_is_checked(store: &dyn ChainStore, prune: &dyn Fn()) {
    assert!(matches!(
        Pruning::KeepRecent(1).check(),
        Err(StorageError::BadPruning { min: 2, got: 1 })
    ));
    assert!(matches!(
        MemChainStore::with_pruning(Pruning::KeepRecent(0)),
        Err(StorageError::BadPruning { .. })
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let config = StoreConfig { pruning: Pruning::KeepRecent(1), ..Default::default() };
    assert!(matches!(Store::open_with(dir.path(), &config), Err(StorageError::BadPruning { .. })));
    // Fewer heights than the window: nothing is pruned.
    init(store);
    commit_height(store, 1);
    prune();
    assert_eq!(store.earliest_state().expect("reads"), 0);
    store.state_at(0).expect("genesis is retained");
}

#[test]
fn pruning_removes_stale_tree_nodes_and_values() {
    let archive = MemChainStore::new();
    let pruned = MemChainStore::with_pruning(Pruning::KeepRecent(KEEP)).expect("policy");
    for store in [&archive, &pruned] {
        init(store);
        for h in 1..=30 {
            commit_height(store, h);
        }
    }
    let (a, p) = (archive.sizes(), pruned.sizes());
    assert!(p.0 < a.0 / 2, "tree nodes: pruned {p:?}, archive {a:?}");
    assert!(p.1 < a.1, "versioned values: pruned {p:?}, archive {a:?}");
    assert!(p.2 < a.2, "history entries: pruned {p:?}, archive {a:?}");
}

#[test]
fn both_stores_commit_the_deterministic_chain_identically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let disk = Store::open(dir.path()).expect("opens");
    let mem = MemChainStore::new();
    init(&disk);
    init(&mem);
    for h in 1..=12 {
        assert_eq!(commit_height(&disk, h), commit_height(&mem, h), "block {h}");
    }
    let roots = expected_roots(12);
    for (v, root) in roots.iter().enumerate() {
        let v = v as u64;
        assert_eq!(disk.state_root(v).expect("reads"), Some(*root));
        assert_eq!(mem.state_root(v).expect("reads"), Some(*root));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Random histories over a small key space, applied to both stores: the
    /// roots equal each other's and the in-memory tree's, every version reads
    /// and iterates back as the model with proofs that verify, and the
    /// latest views iterate like the model.
    #[test]
    fn both_stores_compute_the_same_roots(
        blocks in prop::collection::vec(
            prop::collection::btree_map(
                prop::collection::vec(prop::sample::select(vec![b'a', b'b', b'c']), 1..4),
                prop::option::of(prop::collection::vec(any::<u8>(), 0..4)),
                0..6,
            ),
            1..8,
        )
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let disk = Store::open(dir.path()).expect("opens");
        let mem = MemChainStore::new();
        let stores: [&dyn ChainStore; 2] = [&disk, &mem];
        let mut tree = MemStateTree::default();
        let mut model = MemState::default();
        let mut history = vec![];
        let mut parent = Hash::ZERO;
        for (h, writes) in blocks.iter().enumerate() {
            let h = h as u64;
            let root = tree.apply(h, writes).expect("applies");
            let b = build(h, parent, vec![], root);
            for store in stores {
                let state = store.prepare_state(h, writes).expect("prepares");
                prop_assert_eq!(state.root, root);
                if h == 0 {
                    store.commit_genesis(genesis_hash(), CHAIN_ID, state).expect("genesis");
                } else {
                    store.commit_block(BlockCommit { block: &b.block, commit: &b.commit, receipts: &[], state }).expect("commits");
                }
            }
            if h > 0 {
                parent = b.block.hash();
            }
            model.apply(writes);
            history.push(model.clone());
        }
        let all_keys: std::collections::BTreeSet<_> = blocks.iter().flat_map(|w| w.keys().cloned()).collect();
        for store in stores {
            for (v, expected) in history.iter().enumerate() {
                let v = v as u64;
                let view = store.state_at(v).expect("view");
                for k in &all_keys {
                    prop_assert_eq!(view.get(k).expect("get"), expected.0.get(k).cloned());
                    let proven = store.get_with_proof(k, v).expect("proof");
                    prop_assert_eq!(proven.value.as_ref(), expected.0.get(k));
                    proven.verify(k).expect("verifies");
                }
                for prefix in [&b""[..], b"a", b"ab", b"c"] {
                    prop_assert_eq!(scan(&*view, prefix), scan(expected, prefix));
                }
            }
            let latest = store.latest_state().expect("latest");
            for prefix in [&b""[..], b"a", b"ab", b"c"] {
                prop_assert_eq!(scan(&*latest, prefix), scan(&model, prefix));
            }
        }
    }
}
