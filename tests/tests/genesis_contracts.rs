//! Contracts listed in genesis are uploaded and instantiated before the first
//! block, at `Genesis::contract_address(i)`, with their init message.

mod common;

use bayledger_genesis::Genesis;
use bayledger_node::home::{Home, init_home};
use bayledger_node::service::RunningNode;
use bayledger_sdk::client::Client;
use common::{contract_wasm, key, test_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn genesis_contracts_are_live_at_height_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = Home(dir.path().to_path_buf());
    init_home(&home, "genesis-contracts", "node0", 100, false).expect("init");
    let owner = key();
    let genesis = Genesis::load(home.genesis()).expect("genesis").with_contract(
        "registry",
        contract_wasm("kv_registry"),
        serde_json::json!({ "owner": owner.address().to_string() }),
        Some(owner.address()),
    );
    genesis.save(home.genesis()).expect("save");
    // After the system contracts that `init_home` puts first.
    let registry = Genesis::contract_address(genesis.contracts.len() - 1);

    let node = RunningNode::start(&home, test_config()).await.expect("starts");
    let client = Client::connect(&format!("http://{}", node.grpc_addr)).await.expect("connect");
    let info = client.contract_info(&registry).await.expect("genesis contract exists");
    assert_eq!(info.label, "registry");
    assert_eq!(info.admin, owner.address().0.to_vec());
    assert_eq!(info.created_height, 0);
    let q = client.query_contract(&registry, br#"{"owner":{}}"#.to_vec(), 0).await.expect("query");
    let v: serde_json::Value = serde_json::from_slice(&q.data).expect("json");
    assert_eq!(v["owner"], owner.address().to_string());
    // The init message made `owner` the owner: its writes succeed, others' do not.
    client
        .call(&owner, registry, br#"{"set":{"key":"k","value":"v"}}"#.to_vec())
        .await
        .expect("owner writes");
    let err = client
        .call(&key(), registry, br#"{"set":{"key":"k","value":"x"}}"#.to_vec())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("unauthorized"), "{err}");
    node.shutdown().await.expect("shutdown");
}
