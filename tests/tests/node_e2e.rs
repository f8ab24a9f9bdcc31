//! End to end on an in-process node: deploy the example registry, call it,
//! query it, through the Rust SDK over gRPC; restart keeps height and state.

mod common;

use bayledger_types::pb::ExecStatus;
use common::{TestNode, contract_wasm, key};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_call_query_and_restart_keeps_state() {
    let mut t = TestNode::start().await;
    let owner = key();
    let stranger = key();
    let (code, up) =
        t.client.upload_code(&owner, contract_wasm("kv_registry")).await.expect("upload");
    assert_eq!(up.status(), ExecStatus::Ok);
    let (contract, _) =
        t.client.instantiate(&owner, code, b"{}".to_vec(), "registry").await.expect("instantiate");

    let r = t
        .client
        .call(&owner, contract, br#"{"set":{"key":"doc-1","value":"sha3:abc"}}"#.to_vec())
        .await
        .expect("set");
    assert!(r.events.iter().any(|e| e.topic == "kv.set"), "set emits kv.set: {:?}", r.events);
    let q = t
        .client
        .query_contract(&contract, br#"{"get":{"key":"doc-1"}}"#.to_vec(), 0)
        .await
        .expect("query");
    let v: serde_json::Value = serde_json::from_slice(&q.data).expect("json");
    assert_eq!(v["value"], "sha3:abc");

    // Owner-only writes: the stranger's transaction commits as ABORTED, state unchanged.
    let err = t
        .client
        .call(&stranger, contract, br#"{"set":{"key":"doc-1","value":"forged"}}"#.to_vec())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("unauthorized"), "{err}");
    let q = t
        .client
        .query_contract(&contract, br#"{"get":{"key":"doc-1"}}"#.to_vec(), 0)
        .await
        .expect("query");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&q.data).expect("json")["value"],
        "sha3:abc"
    );
    // ...but its nonce was consumed.
    assert_eq!(t.client.account_nonce(&stranger.address()).await.expect("nonce"), 1);

    let before = t.client.status().await.expect("status");
    t.restart().await;
    let block =
        t.client.block_by_height(before.latest_height).await.expect("block survives restart");
    assert_eq!(Some(block.hash), before.latest_block_hash);
    assert_eq!(block.block.header.state_root(), before.latest_state_root.expect("root"));
    let q = t
        .client
        .query_contract(&contract, br#"{"get":{"key":"doc-1"}}"#.to_vec(), 0)
        .await
        .expect("query");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&q.data).expect("json")["value"],
        "sha3:abc"
    );
    // The chain keeps producing after the restart.
    let r = t
        .client
        .call(&owner, contract, br#"{"set":{"key":"doc-2","value":"x"}}"#.to_vec())
        .await
        .expect("set after restart");
    assert_eq!(r.status(), ExecStatus::Ok);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocks_link_and_carry_verifiable_commits() {
    let t = TestNode::start().await;
    let owner = key();
    t.client.upload_code(&owner, contract_wasm("kv_registry")).await.expect("upload");
    let status = t.client.status().await.expect("status");
    let genesis = bayledger_genesis::Genesis::load(t.home().genesis()).expect("genesis");
    let set = genesis.validator_set();
    let mut parent = status.genesis_hash.expect("genesis hash");
    for h in 1..=status.latest_height {
        let b = t.client.block_by_height(h).await.expect("block");
        let header = &b.block.header.header;
        assert_eq!(header.parent_hash, parent.0.to_vec(), "height {h} links to its parent");
        let commit = b.commit.expect("every block has a commit");
        bayledger_types::block::verify_commit(&commit, &genesis.chain_id, h, &b.hash, &set)
            .expect("commit verifies");
        if h > 1 {
            assert!(header.last_commit.is_some(), "height {h} carries its parent's commit");
        }
        parent = b.hash;
    }
    t.stop().await;
}
