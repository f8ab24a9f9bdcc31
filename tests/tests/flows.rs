//! The three cross-border flows (`bayledger-flows`) end to end against one in-process node:
//! real RocksDB, the VM and the system contracts from genesis, driven through the SDK. Each
//! flow checks its own happy path and refusals; it fails here if the chain answers wrongly.

mod common;

use bayledger_flows::{Network, Transcript};
use bayledger_node::home::{Committee, Home, init_home_with_committee};
use bayledger_node::service::RunningNode;
use bayledger_sdk::client::Client;
use bayledger_types::SecretKey;
use common::{contracts_dir, test_config};

const CHAIN: &str = "flows-test";

async fn network() -> (tempfile::TempDir, RunningNode, Network) {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = Home(dir.path().to_path_buf());
    // One committee member: its proposals pass and execute as they are made.
    let committee = SecretKey::generate();
    let sole = Committee::sole(committee.address(), "committee");
    init_home_with_committee(&home, CHAIN, "node0", 100, false, Some(sole)).expect("init");
    let node = RunningNode::start(&home, test_config()).await.expect("node starts");
    let client = Client::connect(&format!("http://{}", node.grpc_addr)).await.expect("connects");
    let net = Network {
        nodes: vec![client],
        committee: vec![committee],
        did_network: CHAIN.into(),
        contracts_dir: contracts_dir(),
    };
    (dir, node, net)
}

/// Fails with the transcript if the flow failed.
fn check(transcript: &Transcript, result: eyre::Result<()>) {
    if let Err(e) = result {
        for (party, line) in &transcript.lines {
            eprintln!("[{party}] {line}");
        }
        panic!("flow failed: {e:?}");
    }
    assert!(!transcript.lines.is_empty(), "the flow reported nothing");
}

// One test per flow, each on its own fresh node:
//
// #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
// async fn <flow>() {
//     let (_dir, node, net) = network().await;
//     let mut t = Transcript::default();
//     let result = bayledger_flows::<flow>::run(&net, &mut t).await;
//     check(&t, result);
//     node.shutdown().await.expect("shutdown");
// }

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hash_verification() {
    let (_dir, node, net) = network().await;
    let mut t = Transcript::default();
    let result = bayledger_flows::hash_verification::run(&net, &mut t).await;
    check(&t, result);
    node.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_certificate() {
    let (_dir, node, net) = network().await;
    let mut t = Transcript::default();
    let result = bayledger_flows::health_certificate::run(&net, &mut t).await;
    check(&t, result);
    node.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_portability() {
    let (_dir, node, net) = network().await;
    let mut t = Transcript::default();
    let result = bayledger_flows::data_portability::run(&net, &mut t).await;
    check(&t, result);
    node.shutdown().await.expect("shutdown");
}
