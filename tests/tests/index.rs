//! `IndexService` and the resumable streams against an in-process node
//! (RocksDB, real gRPC on loopback): cursor pages over transactions, events
//! and blocks with their filters and refusals; event and block streams that
//! replay, follow live commits and resume after a reconnect with no gap or
//! duplicate; and a subscriber that never reads, which is closed with
//! RESOURCE_EXHAUSTED while the chain and another subscriber go on.

mod common;

use bayledger_node::home::{Home, init_home};
use bayledger_node::service::RunningNode;
use bayledger_proto::node::block_service_client::BlockServiceClient;
use bayledger_proto::node::index_service_client::IndexServiceClient;
use bayledger_proto::node::{
    EventFilter, EventRecord, GetBlockResponse, ListBlocksRequest, ListEventsRequest,
    ListTxsRequest, SubscribeBlocksRequest, SubscribeEventsRequest, list_txs_request::By,
};
use bayledger_types::{Address, SecretKey};
use common::{TestNode, contract_wasm, key, test_config};
use std::time::Duration;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status, Streaming};

/// Longest wait for one stream item before the test fails.
const ITEM_DEADLINE: Duration = Duration::from_secs(30);

async fn channel(url: &str) -> Channel {
    Endpoint::from_shared(url.to_string()).expect("url").connect().await.expect("connects")
}

fn url(t: &TestNode) -> String {
    format!("http://{}", t.node.as_ref().expect("running").grpc_addr)
}

/// The next stream item, failing the test after [`ITEM_DEADLINE`].
async fn next<T>(stream: &mut Streaming<T>) -> Result<Option<T>, Status> {
    tokio::time::timeout(ITEM_DEADLINE, stream.message()).await.expect("a stream item in time")
}

/// Deploys kv-registry.
async fn deploy(t: &TestNode, owner: &SecretKey) -> Address {
    let (code, _) =
        t.client.upload_code(owner, contract_wasm("kv_registry")).await.expect("upload");
    let (contract, _) =
        t.client.instantiate(owner, code, b"{}".to_vec(), "registry").await.expect("instantiate");
    contract
}

/// Sets `doc-{i % 3}` = `v{i}` for `i` in `range`, one transaction each.
async fn set(t: &TestNode, owner: &SecretKey, contract: Address, range: std::ops::Range<u32>) {
    for i in range {
        let msg = format!(r#"{{"set":{{"key":"doc-{}","value":"v{i}"}}}}"#, i % 3);
        t.client.call(owner, contract, msg.into_bytes()).await.expect("set");
    }
}

fn contract_filter(contract: Address) -> EventFilter {
    EventFilter { contract: contract.0.to_vec(), ..Default::default() }
}

/// The `value` of a kv.set event (None for other events).
fn set_value(e: &EventRecord) -> Option<String> {
    let event = e.event.as_ref().expect("event");
    if event.topic != "kv.set" {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&event.data).expect("json");
    Some(v["value"].as_str().expect("value").to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_page_through_txs_events_and_blocks() {
    let t = TestNode::start().await;
    let owner = key();
    let contract = deploy(&t, &owner).await;
    set(&t, &owner, contract, 0..12).await;
    let mut index = IndexServiceClient::new(channel(&url(&t)).await);

    // Transactions by sender: upload, instantiate, 12 calls, in pages of 5.
    let mut pages = 0;
    let mut by_sender = Vec::new();
    let mut cursor = Vec::new();
    loop {
        let r = index
            .list_txs(ListTxsRequest {
                by: Some(By::Sender(owner.address().0.to_vec())),
                limit: 5,
                cursor: cursor.clone(),
                ascending: true,
            })
            .await
            .expect("lists")
            .into_inner();
        pages += 1;
        by_sender.extend(r.txs);
        if r.next_cursor.is_empty() {
            break;
        }
        cursor = r.next_cursor;
    }
    assert_eq!((by_sender.len(), pages), (14, 3));
    let positions: Vec<_> = by_sender.iter().map(|t| (t.height, t.index)).collect();
    let mut sorted = positions.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(positions, sorted, "ascending, no duplicates");
    assert!(by_sender[0].contract.is_empty(), "the upload calls no contract");
    assert!(by_sender[1..].iter().all(|t| t.contract == contract.0.to_vec()));
    for tx in &by_sender {
        let got = t
            .client
            .get_tx(&bayledger_types::Hash::from_slice(&tx.tx_hash).expect("hash"))
            .await
            .expect("the listed transaction exists");
        assert_eq!((got.height, got.index), (tx.height, tx.index));
    }

    // Newest first by contract: instantiate + 12 calls, reversed.
    let newest = index
        .list_txs(ListTxsRequest {
            by: Some(By::Contract(contract.0.to_vec())),
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("lists")
        .into_inner();
    assert!(newest.next_cursor.is_empty());
    let mut reversed: Vec<_> = newest.txs.iter().map(|t| t.tx_hash.clone()).collect();
    reversed.reverse();
    assert_eq!(reversed, by_sender[1..].iter().map(|t| t.tx_hash.clone()).collect::<Vec<_>>());

    // Events: by topic, by attribute (a top-level field of the JSON data).
    let events = |filter: EventFilter| {
        let mut index = index.clone();
        async move {
            index
                .list_events(ListEventsRequest {
                    filter: Some(filter),
                    limit: 100,
                    ..Default::default()
                })
                .await
                .expect("lists")
                .into_inner()
                .events
        }
    };
    let sets = events(EventFilter { topic: "kv.set".into(), ..contract_filter(contract) }).await;
    let values: Vec<_> = sets.iter().filter_map(set_value).collect();
    assert_eq!(values, (0..12).rev().map(|i| format!("v{i}")).collect::<Vec<_>>());
    let doc1 = events(EventFilter {
        attribute_key: "key".into(),
        attribute_value: "doc-1".into(),
        ..Default::default()
    })
    .await;
    let values: Vec<_> = doc1.iter().filter_map(set_value).collect();
    assert_eq!(values, vec!["v10", "v7", "v4", "v1"]);
    assert!(doc1.iter().all(|e| e.time_ms > 0 && e.tx_hash.len() == 32));

    // Blocks: newest first below a height.
    let latest = t.client.status().await.expect("status").latest_height;
    let blocks = index
        .list_blocks(ListBlocksRequest { before_height: latest, limit: 3 })
        .await
        .expect("lists")
        .into_inner()
        .blocks;
    assert_eq!(
        blocks.iter().map(|b| b.height).collect::<Vec<_>>(),
        vec![latest, latest - 1, latest - 2]
    );
    assert!(blocks.iter().all(|b| b.block_hash.len() == 32 && b.signatures == 1));

    // Refusals: INVALID_ARGUMENT with a message that names the problem.
    let err = refused(index.list_txs(ListTxsRequest::default()).await);
    assert_eq!(err.code(), Code::InvalidArgument, "{err}");
    let err = refused(
        index
            .list_txs(ListTxsRequest { by: Some(By::Sender(vec![1, 2, 3])), ..Default::default() })
            .await,
    );
    assert!(err.code() == Code::InvalidArgument && err.message().contains("20-byte"), "{err}");
    let err = refused(
        index
            .list_txs(ListTxsRequest {
                by: Some(By::Sender(owner.address().0.to_vec())),
                cursor: vec![7, 7, 7],
                ..Default::default()
            })
            .await,
    );
    assert!(err.code() == Code::InvalidArgument && err.message().contains("cursor"), "{err}");
    let err = refused(
        index
            .list_events(ListEventsRequest {
                filter: Some(EventFilter { attribute_key: "key".into(), ..Default::default() }),
                ..Default::default()
            })
            .await,
    );
    assert!(err.code() == Code::InvalidArgument && err.message().contains("attribute"), "{err}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_and_block_streams_resume_without_gap_or_duplicate() {
    let t = TestNode::start().await;
    let owner = key();
    let contract = deploy(&t, &owner).await;
    set(&t, &owner, contract, 0..5).await;
    let mut index = IndexServiceClient::new(channel(&url(&t)).await);
    let subscribe = |cursor: Vec<u8>| {
        let mut index = index.clone();
        async move {
            index
                .subscribe_events(SubscribeEventsRequest {
                    filter: Some(contract_filter(contract)),
                    from_height: 1,
                    cursor,
                })
                .await
                .expect("subscribes")
                .into_inner()
        }
    };

    // Replay: kv.owner then the first sets; stop after three events.
    let mut received = Vec::new();
    let mut stream = subscribe(Vec::new()).await;
    while received.len() < 3 {
        received.push(next(&mut stream).await.expect("streams").expect("open"));
    }
    drop(stream);
    // Blocks commit while the client is away.
    set(&t, &owner, contract, 5..9).await;
    let last = received.last().expect("events").cursor.clone();
    let mut stream = subscribe(last).await;
    // Replays the rest, then follows sets made while subscribed.
    let live = tokio::spawn({
        let client = t.client.clone();
        let owner = owner.clone();
        async move {
            for i in 9..12 {
                let msg = format!(r#"{{"set":{{"key":"doc-{}","value":"v{i}"}}}}"#, i % 3);
                client.call(&owner, contract, msg.into_bytes()).await.expect("set");
            }
        }
    });
    while received.len() < 13 {
        received.push(next(&mut stream).await.expect("streams").expect("open"));
    }
    live.await.expect("sets");
    drop(stream);
    assert_eq!(received[0].event.as_ref().expect("event").topic, "kv.owner");
    let values: Vec<_> = received.iter().filter_map(set_value).collect();
    assert_eq!(
        values,
        (0..12).map(|i| format!("v{i}")).collect::<Vec<_>>(),
        "no gap, no duplicate"
    );
    let positions: Vec<_> =
        received.iter().map(|e| (e.height, e.tx_index, e.event_index)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "in order: {positions:?}");
    // The index agrees with the stream.
    let listed = index
        .list_events(ListEventsRequest {
            filter: Some(contract_filter(contract)),
            limit: 100,
            ascending: true,
            ..Default::default()
        })
        .await
        .expect("lists")
        .into_inner()
        .events;
    assert_eq!(listed, received);

    // Blocks: heights 1..=5, reconnect from 6, then past the tip at the time.
    let mut blocks = BlockServiceClient::new(channel(&url(&t)).await);
    let mut heights = Vec::new();
    let mut stream = blocks
        .subscribe_blocks(SubscribeBlocksRequest { from_height: 1 })
        .await
        .expect("subscribes")
        .into_inner();
    while heights.len() < 5 {
        heights.push(
            next(&mut stream).await.expect("streams").expect("open").header.expect("header").height,
        );
    }
    drop(stream);
    let tip = t.client.status().await.expect("status").latest_height;
    let mut stream = blocks
        .subscribe_blocks(SubscribeBlocksRequest { from_height: heights[4] + 1 })
        .await
        .expect("subscribes")
        .into_inner();
    while *heights.last().expect("heights") < tip + 3 {
        let b: GetBlockResponse = next(&mut stream).await.expect("streams").expect("open");
        heights.push(b.header.expect("header").height);
    }
    let expected: Vec<u64> = (1..=tip + 3).collect();
    assert_eq!(heights, expected, "contiguous across the reconnect and the replay→live switch");
    // An open stream does not hold up a graceful shutdown: it ends with UNAVAILABLE and says
    // where to resume.
    tokio::time::timeout(Duration::from_secs(60), t.stop())
        .await
        .expect("the node stops although a subscriber is connected");
    let end = loop {
        match next(&mut stream).await {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("the stream ended without saying why"),
            Err(status) => break status,
        }
    };
    assert_eq!(end.code(), Code::Unavailable, "{end:?}");
    assert!(end.message().contains("shutting down"), "{end:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_that_never_reads_is_closed_while_the_chain_and_others_go_on() {
    // Fast blocks, so that a replay overfills every buffer between the
    // server and a client that reads nothing (h2 send buffer, client window,
    // the stream's own buffer).
    let dir = tempfile::tempdir().expect("tempdir");
    let home = Home(dir.path().to_path_buf());
    init_home(&home, "bayledger-test", "node0", 100, false).expect("init");
    let mut config = test_config();
    config.consensus.block_time_ms = 2;
    let node = RunningNode::start(&home, config).await.expect("node starts");
    let url = format!("http://{}", node.grpc_addr);
    let mut blocks = BlockServiceClient::new(channel(&url).await);
    let status = |url: String| async move {
        bayledger_sdk::client::Client::connect(&url)
            .await
            .expect("connects")
            .status()
            .await
            .expect("status")
            .latest_height
    };
    // Enough history that replaying it cannot fit in the buffers.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while status(url.clone()).await < 1_500 {
        assert!(tokio::time::Instant::now() < deadline, "the chain reaches height 1500");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The slow client: a small receive window, and it does not read.
    let slow_channel = Endpoint::from_shared(url.clone())
        .expect("url")
        .initial_stream_window_size(Some(16 * 1024))
        .initial_connection_window_size(Some(16 * 1024))
        .connect()
        .await
        .expect("connects");
    let mut slow = BlockServiceClient::new(slow_channel)
        .subscribe_blocks(SubscribeBlocksRequest { from_height: 1 })
        .await
        .expect("subscribes")
        .into_inner();

    // Another subscriber keeps receiving every block while the chain goes on.
    let start = status(url.clone()).await;
    let mut other = blocks
        .subscribe_blocks(SubscribeBlocksRequest { from_height: start })
        .await
        .expect("subscribes")
        .into_inner();
    let mut expected = start;
    while expected < start + 4 * stream_lag() {
        let b = next(&mut other).await.expect("the other subscriber is served").expect("open");
        assert_eq!(b.header.expect("header").height, expected, "no gap for the other subscriber");
        expected += 1;
    }

    // Now the slow client reads: what was buffered, then RESOURCE_EXHAUSTED
    // naming the height after the last one it received.
    let mut last = 0;
    let err = loop {
        match next(&mut slow).await {
            Ok(Some(b)) => {
                let h = b.header.expect("header").height;
                assert_eq!(h, last + 1, "in order");
                assert!(h < start, "the slow stream was not closed during the replay (at {h})");
                last = h;
            }
            Ok(None) => panic!("the slow stream ended without an error after height {last}"),
            Err(status) => break status,
        }
    };
    assert_eq!(err.code(), Code::ResourceExhausted, "{err}");
    assert!(err.message().contains(&format!("from_height = {}", last + 1)), "{err}");
    assert!(last < start, "closed during the replay (received up to {last} of {start})");

    // Resuming where it says continues with no gap.
    let mut resumed = blocks
        .subscribe_blocks(SubscribeBlocksRequest { from_height: last + 1 })
        .await
        .expect("subscribes")
        .into_inner();
    let b = next(&mut resumed).await.expect("streams").expect("open");
    assert_eq!(b.header.expect("header").height, last + 1);
    // Graceful shutdown waits for open streams.
    drop((resumed, other, slow));
    node.shutdown().await.expect("clean shutdown");
}

/// The status of a refused call.
fn refused<T>(r: Result<tonic::Response<T>, Status>) -> Status {
    r.map(|_| ()).expect_err("refused")
}

/// Blocks a stream may fall behind while its buffer is full.
fn stream_lag() -> u64 {
    bayledger_node::rpc::stream::MAX_LAG_BLOCKS
}
