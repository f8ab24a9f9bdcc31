//! A double-signing validator on a real network of `bayledger` processes: a
//! 5th process runs with node3's validator key (its own node key, on the
//! allowlist), so "node3" signs twice whenever the two copies see different
//! things (each builds its own proposal). The honest validators detect the
//! equivocation, a proposer includes the evidence in a block, every node
//! accepts that block, the API (gRPC, SDK, CLI) returns it, and the chain does
//! not fork. Every wait is bounded and driven by a node's block stream.
//!
//! The process harness (testnet on free ports, node processes, bounded waits,
//! logs dumped on failure) is shared with `network.rs` and `faults.rs` in
//! `support/mod.rs`.

mod support;

use bayledger_consensus::{cpb, verify_equivocation};
use prost::Message;
use std::process::Command;
use std::time::Duration;
use support::{BIN, Node, Spec, Testnet, assert_same_chain};

/// How long the network gets to catch and commit the equivocation.
const EVIDENCE_WAIT: Duration = Duration::from_secs(120);

/// Per node: committed blocks and equivocation lines logged (for a failure message).
fn diagnostics(nodes: &[Node]) -> String {
    let mut out = Vec::new();
    for n in nodes {
        let log = n.log();
        let count = |s: &str| log.lines().filter(|l| l.contains(s)).count();
        out.push(format!(
            "{}: {} committed, {} synced, {} equivocations pooled, {} invalid",
            n.name,
            count("committed block"),
            count("block sync"),
            count("evidence pooled"),
            count("is invalid"),
        ));
    }
    out.join("; ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_signing_validator_is_caught_and_the_evidence_committed() {
    let mut net = Testnet::new(Spec::new("evidence-test"));
    // node4 becomes a second node3: same validator key, its own node key.
    let key3 = net.nodes[3].home.join("config/validator_key.json");
    std::fs::copy(&key3, net.nodes[4].home.join("config/validator_key.json")).expect("copy key");
    for n in &mut net.nodes {
        n.start();
    }
    let nodes = &net.nodes;

    // 1. Follow node0's blocks until one carries evidence (bounded).
    let c0 = nodes[0].client().await;
    let mut blocks = c0.subscribe_blocks(1).await.expect("subscribe");
    let deadline = tokio::time::Instant::now() + EVIDENCE_WAIT;
    let with_evidence = loop {
        let Ok(next) = tokio::time::timeout_at(deadline, blocks.next()).await else {
            panic!("no block with evidence in time; {}", diagnostics(nodes));
        };
        let b = next.expect("stream").expect("block");
        if !b.block.evidence.is_empty() {
            break b;
        }
    };
    let height = with_evidence.height();
    assert_eq!(
        with_evidence.header().evidence_root,
        bayledger_types::merkle::root(&with_evidence.block.evidence).0.to_vec()
    );

    // 2. The API returns it; each piece independently proves node3 equivocated.
    let listed = c0.list_evidence(1, height).await.expect("list evidence");
    assert_eq!(listed.len(), with_evidence.block.evidence.len(), "all in block {height}");
    let node3 = bayledger_node::home::read_key_file(&key3).expect("node3 key").address();
    for (i, e) in listed.iter().enumerate() {
        assert_eq!((e.block_height, e.index as usize), (height, i));
        assert_eq!(e.evidence, with_evidence.block.evidence[i]);
        assert_eq!(e.validator, node3, "only node3 equivocated");
        let ev = cpb::Evidence::decode(e.evidence.as_slice()).expect("decodes");
        assert_eq!(verify_equivocation(&ev, &net.validators, &net.chain_id), Ok(node3));
        assert!(e.height <= height);
    }
    let c1 = nodes[1].client().await;
    nodes[1].wait_height(height).await;
    let one = c1.get_evidence(&listed[0].id).await.expect("get evidence by id on node1");
    assert_eq!(one, listed[0]);
    assert!(c0.list_evidence(1, height - 1).await.expect("list").is_empty(), "none before");

    // 3. The CLI shows the same records.
    let out = Command::new(BIN)
        .args(["query", "evidence", "--to", &height.to_string(), "-o", "json", "--node"])
        .arg(&nodes[2].grpc)
        .output()
        .expect("run query evidence");
    assert!(out.status.success(), "query evidence: {}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let ids: Vec<&str> =
        json.as_array().expect("array").iter().filter_map(|e| e["id"].as_str()).collect();
    let expected: Vec<String> =
        listed.iter().map(|e| format!("0x{}", hex::encode(e.id.0))).collect();
    assert_eq!(ids, expected);

    // 4. No fork: every node, both copies of node3 included, has the same chain.
    let target = height + 2;
    nodes[0].wait_height(target).await;
    let all: Vec<&Node> = nodes.iter().collect();
    assert_same_chain(&all, target).await;
}
