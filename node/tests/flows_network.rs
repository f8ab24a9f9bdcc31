//! The three cross-border flows (`bayledger-flows`) on a real 4-validator network of
//! `bayledger` processes (homes from `bayledger testnet`, which also writes the key of the
//! governance committee's sole member; the flows admit issuers by its proposals):
//! each party talks to a different node, so every registration, credential and consent is
//! submitted to one validator, agreed by BFT, and read back from another. Afterwards every
//! node holds the same chain.

mod support;

use bayledger_flows::{Network, Transcript};
use bayledger_sdk::keystore::Keystore;
use support::{Node, Spec, Testnet, assert_same_chain};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_flows_across_four_validators() {
    let mut net = Testnet::new(Spec { full_nodes: 0, ..Spec::new("flows-bft") });
    net.start_validators();
    for n in &net.nodes {
        n.wait_height(2).await;
    }
    let passphrase = std::env::var("BAYLEDGER_PASSPHRASE").unwrap_or_else(|_| "testnet".into());
    let committee = Keystore::open(net.dir.path().join("keys"))
        .expect("keystore")
        .load("committee", &passphrase)
        .expect("the committee key written by bayledger testnet");
    let mut nodes = Vec::new();
    for n in &net.nodes {
        nodes.push(n.client().await);
    }
    let flows = Network {
        nodes,
        committee: vec![committee],
        did_network: net.chain_id.clone(),
        contracts_dir: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/contracts"),
    };

    let mut t = Transcript::default();
    let result = async {
        bayledger_flows::hash_verification::run(&flows, &mut t).await?;
        bayledger_flows::health_certificate::run(&flows, &mut t).await?;
        bayledger_flows::data_portability::run(&flows, &mut t).await
    }
    .await;
    if let Err(e) = result {
        for (party, line) in &t.lines {
            eprintln!("[{party}] {line}");
        }
        panic!("flow failed on the 4-validator network: {e:?}");
    }

    let height = flows.nodes[0].status().await.expect("status").latest_height;
    for n in &net.nodes {
        n.wait_height(height).await;
    }
    let all: Vec<&Node> = net.nodes.iter().collect();
    assert_same_chain(&all, height).await;
}
