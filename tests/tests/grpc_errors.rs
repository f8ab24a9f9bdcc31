//! Malformed gRPC requests get a status with a useful message, the node keeps
//! serving everyone else, and a node refuses a database from another genesis.

mod common;

use bayledger_node::chain::Chain;
use bayledger_proto::node::{
    GetAccountRequest, GetBlockRequest, GetTxRequest, QueryContractRequest,
    block_service_client::BlockServiceClient, get_block_request::By,
    state_service_client::StateServiceClient, tx_service_client::TxServiceClient,
};
use common::{TestNode, test_config};
use tonic::Code;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_clear_statuses() {
    let t = TestNode::start().await;
    let url = format!("http://{}", t.node.as_ref().expect("running").grpc_addr);
    let mut txs = TxServiceClient::connect(url.clone()).await.expect("connect");
    let mut blocks = BlockServiceClient::connect(url.clone()).await.expect("connect");
    let mut state = StateServiceClient::connect(url.clone()).await.expect("connect");

    let s = txs.get_tx(GetTxRequest { tx_hash: vec![1, 2, 3] }).await.unwrap_err();
    assert_eq!(s.code(), Code::InvalidArgument);
    assert!(s.message().contains("32-byte"), "{}", s.message());
    let s = txs.get_tx(GetTxRequest { tx_hash: vec![0; 32] }).await.unwrap_err();
    assert_eq!(s.code(), Code::NotFound);
    let s =
        blocks.get_block(GetBlockRequest { by: Some(By::Height(1_000_000)) }).await.unwrap_err();
    assert_eq!(s.code(), Code::NotFound);
    let s = blocks.get_block(GetBlockRequest { by: Some(By::Hash(vec![7])) }).await.unwrap_err();
    assert_eq!(s.code(), Code::InvalidArgument);
    let s =
        state.get_account(GetAccountRequest { address: vec![1; 19], height: 0 }).await.unwrap_err();
    assert_eq!(s.code(), Code::InvalidArgument);
    assert!(s.message().contains("20-byte"), "{}", s.message());
    let s = state
        .query_contract(QueryContractRequest { contract: vec![1; 20], ..Default::default() })
        .await
        .unwrap_err();
    assert!(s.message().contains("contract"), "{}", s.message());
    // Over the message size cap: refused by the transport layer, with a status.
    let s = txs
        .broadcast_tx(bayledger_proto::node::BroadcastTxRequest {
            tx: vec![0; 5 << 20],
            wait_for_commit: false,
            timeout_ms: 0,
        })
        .await
        .unwrap_err();
    assert!(
        matches!(s.code(), Code::OutOfRange | Code::ResourceExhausted | Code::InvalidArgument),
        "{s:?}"
    );
    // The node still serves the same connection (an answer, not a transport error: before
    // block 1 commits, "latest block" is NOT_FOUND) and new ones.
    if let Err(s) = blocks.get_block(GetBlockRequest { by: Some(By::Height(0)) }).await {
        assert_eq!(s.code(), Code::NotFound, "{s:?}");
        assert!(s.message().contains("genesis"), "{s:?}");
    }
    t.client.status().await.expect("status");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_refuses_a_database_from_another_genesis() {
    let t = TestNode::start().await;
    let home = t.home();
    let dir = t.dir.path().to_path_buf();
    let keep = t.dir;
    if let Some(n) = t.node {
        n.shutdown().await.expect("shutdown");
    }
    let mut g = bayledger_genesis::Genesis::load(home.genesis()).expect("genesis");
    g.params.max_block_txs += 1;
    let err = Chain::open(&dir.join("data"), g, test_config()).expect_err("must refuse");
    assert!(err.to_string().contains("genesis mismatch"), "{err}");
    drop(keep);
}
