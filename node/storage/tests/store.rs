//! Tests of what only the RocksDB `Store` has: persistence across reopen and
//! its extra reads (`get_at`, `tx_location`). Everything both `ChainStore`s
//! share is tested against both in `conformance.rs`.

mod common;

use bayledger_storage::{BlockCommit, StorageError, Store, empty_root};
use bayledger_types::{Hash, StateReader, WriteSet};
use common::*;

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("opens");
    (dir, store)
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

#[test]
fn genesis_blocks_and_reads_survive_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut blocks = Vec::new();
    {
        let store = Store::open(dir.path()).expect("opens");
        assert_eq!(store.latest_height().expect("reads"), None);
        assert!(matches!(store.latest_state(), Err(StorageError::NotInitialised)));
        let b = build(1, Hash::ZERO, vec![], empty_root());
        let state = store.prepare_state(0, &WriteSet::new()).expect("prepares");
        let err = store
            .commit_block(BlockCommit { block: &b.block, commit: &b.commit, receipts: &[], state })
            .expect_err("no genesis yet");
        assert!(matches!(err, StorageError::NotInitialised), "{err}");

        init(&store);
        assert_eq!(store.latest_height().expect("reads"), Some(0));
        assert_eq!(store.genesis_hash().expect("reads"), Some(genesis_hash()));
        assert_eq!(store.chain_id().expect("reads").as_deref(), Some(CHAIN_ID));
        assert_eq!(store.block_by_height(0).expect("reads"), None);
        for h in 1..=4 {
            blocks.push(commit_height(&store, h));
        }
    }
    let store = Store::open(dir.path()).expect("reopens");
    assert_eq!(store.latest_height().expect("reads"), Some(4));
    let roots = expected_roots(4);
    for (i, block) in blocks.iter().enumerate() {
        let h = i as u64 + 1;
        assert_eq!(store.block_by_height(h).expect("reads").as_ref(), Some(block));
        assert_eq!(store.block_by_hash(&block.hash()).expect("reads").as_ref(), Some(block));
        let commit = store.commit_at(h).expect("reads").expect("commit stored");
        assert_eq!(commit.block_hash, block.hash().0.to_vec());
        assert_eq!(store.state_root(h).expect("reads"), Some(roots[i + 1]));
        assert_eq!(block.header.state_root(), roots[i + 1]);
        for (index, (tx, tx_hash)) in block.txs.iter().zip(block.tx_hashes()).enumerate() {
            assert_eq!(store.tx_location(&tx_hash).expect("reads"), Some((h, index as u32)));
            let stored = store.tx(&tx_hash).expect("reads").expect("tx stored");
            assert_eq!((&stored.bytes, stored.height, stored.index), (tx, h, index as u32));
            assert_eq!(stored.receipt.tx_hash, tx_hash.0.to_vec());
            assert_eq!(store.receipt(&tx_hash).expect("reads"), Some(stored.receipt));
        }
    }
    assert!(blocks.iter().map(|b| b.txs.len()).sum::<usize>() > 0, "the chain has transactions");
    assert_eq!(store.state_root(0).expect("reads"), Some(roots[0]));
    assert_eq!(store.block_by_hash(&Hash::sha3(b"nope")).expect("reads"), None);
    assert_eq!(store.tx(&Hash::sha3(b"nope")).expect("reads"), None);
    assert_eq!(store.commit_at(5).expect("reads"), None);
    let latest = store.latest_state().expect("latest");
    assert_eq!((latest.version(), latest.root()), (4, roots[4]));
    assert_eq!(scan(&latest, b""), scan(&expected_state(4), b""));
}

#[test]
fn get_at_and_tx_location_agree_with_the_trait_reads() {
    let (_dir, store) = open();
    init(&store);
    let blocks: Vec<_> = (1..=6).map(|h| commit_height(&store, h)).collect();
    let keys: std::collections::BTreeSet<Vec<u8>> = (0..=6)
        .flat_map(|h| writes_for(h).into_keys())
        .chain(genesis_writes().into_keys())
        .collect();
    for v in 0..=6 {
        let (view, model) = (store.state_at(v).expect("view"), expected_state(v));
        for k in &keys {
            let value = store.get_at(k, v).expect("get");
            assert_eq!(value, model.0.get(k).cloned(), "{k:?} at {v}");
            assert_eq!(value, view.get(k).expect("get"));
        }
    }
    assert!(matches!(
        store.get_at(b"acct/01", 7),
        Err(StorageError::UnknownVersion { version: 7, latest: Some(6) })
    ));
    for block in &blocks {
        for tx_hash in block.tx_hashes() {
            let stored = store.tx(&tx_hash).expect("reads").expect("stored");
            let location = store.tx_location(&tx_hash).expect("reads");
            assert_eq!(location, Some((stored.height, stored.index)));
        }
    }
    assert_eq!(store.tx_location(&Hash::sha3(b"nope")).expect("reads"), None);
}

/// Deletes every entry of family `S`.
fn clear<S: bayledger_storage::schema::Schema>(db: &bayledger_storage::SchemaDb) -> usize {
    use bayledger_storage::SchemaRead;
    let mut it = db.iter::<S>().expect("iter");
    it.seek_to_first();
    let keys: Vec<S::Key> = it.map(|e| e.expect("decodes").0).collect();
    let mut batch = bayledger_storage::db::SchemaBatch::new();
    for k in &keys {
        batch.delete::<S>(k);
    }
    db.write(batch).expect("writes");
    keys.len()
}

#[test]
fn a_database_from_before_the_indexes_is_reindexed_on_open() {
    use bayledger_storage::schema::*;
    use bayledger_storage::{EventQuery, PageRequest, TxQuery};
    let dir = tempfile::tempdir().expect("tempdir");
    let all = PageRequest { cursor: None, limit: 1_000, ascending: true };
    let (events, txs, states) = {
        let store = Store::open(dir.path()).expect("opens");
        init(&store);
        for h in 1..=9 {
            commit_with_events(&store, h);
        }
        let events = store.list_events(&EventQuery::default(), &all).expect("lists");
        let txs = store.list_txs(TxQuery::Sender(tx_sender()), &all).expect("lists");
        let states: Vec<_> =
            (0..=9).map(|v| scan(&store.state_at(v).expect("view"), b"")).collect();
        // What an older node wrote: no history, no indexes, no marker.
        let db = store.db();
        let mut removed = clear::<StateHistorySchema>(db) + clear::<ValueStaleSchema>(db);
        removed += clear::<BlockSummarySchema>(db) + clear::<TxSummarySchema>(db);
        removed += clear::<TxBySenderSchema>(db) + clear::<TxByContractSchema>(db);
        removed += clear::<EventSchema>(db) + clear::<EventByContractSchema>(db);
        removed += clear::<EventByTopicSchema>(db) + clear::<EventByAttributeSchema>(db);
        let mut batch = bayledger_storage::db::SchemaBatch::new();
        batch.delete::<MetaSchema>(&MetaKey::IndexVersion);
        db.write(batch).expect("writes");
        assert!(removed > 100, "the chain had history and indexes ({removed})");
        assert!(store.list_events(&EventQuery::default(), &all).expect("lists").items.is_empty());
        (events, txs, states)
    };
    let store = Store::open(dir.path()).expect("reopens and reindexes");
    assert_eq!(store.list_events(&EventQuery::default(), &all).expect("lists"), events);
    assert_eq!(store.list_txs(TxQuery::Sender(tx_sender()), &all).expect("lists"), txs);
    assert_eq!(store.list_blocks(9, 100).expect("lists").len(), 9);
    for (v, state) in states.iter().enumerate() {
        assert_eq!(&scan(&store.state_at(v as u64).expect("view"), b""), state, "state at {v}");
        assert_eq!(state, &scan(&expected_state(v as u64), b""));
    }
    // The rebuilt stale-value index lets a pruning store prune as usual.
    drop(store);
    let config = bayledger_storage::StoreConfig {
        pruning: bayledger_storage::Pruning::KeepRecent(2),
        ..Default::default()
    };
    let store = Store::open_with(dir.path(), &config).expect("reopens");
    store.prune_now().expect("prunes");
    assert_eq!(store.earliest_state().expect("reads"), 8);
    assert_eq!(scan(&store.state_at(8).expect("view"), b""), states[8]);
}
