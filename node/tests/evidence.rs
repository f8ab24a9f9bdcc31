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
use bayledger_node::home::read_key_file;
use bayledger_p2p::{Allowlist, P2p, P2pConfig, P2pEvent, Topic};
use bayledger_types::{Hash, SecretKey, block};
use prost::Message;
use std::process::Command;
use std::time::Duration;
use support::{BIN, Node, Spec, Testnet, assert_same_chain, wait_log};

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

/// Two conflicting precommits signed by `key` at `height`, round 0, as
/// canonical `Evidence` bytes.
fn double_precommit(key: &SecretKey, chain_id: &str, height: u64) -> Vec<u8> {
    let signed = |tag: &[u8]| {
        let hash = Hash::sha3(tag);
        let sig = block::sign_vote(key, chain_id, height, 0, &hash);
        cpb::SignedVote {
            vote: Some(block::precommit(chain_id, height, 0, &hash)),
            validator: sig.validator,
            signature: sig.signature,
        }
    };
    let ev = cpb::Evidence {
        kind: Some(cpb::evidence::Kind::DuplicateVote(cpb::DuplicateVoteEvidence {
            first: Some(signed(b"one block")),
            second: Some(signed(b"another block")),
        })),
    };
    ev.encode_to_vec()
}

/// Evidence only node0 receives reaches every validator: the test joins the
/// network as node4 (its node key is on the allowlist) connected to node0
/// alone and publishes on the evidence topic. A forged piece is rejected by
/// node0 and never pooled anywhere; a valid one (node3's double precommit) is
/// verified and pooled by node0, forwarded, verified and pooled by node1..3,
/// and committed in a block.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_gossiped_to_one_validator_is_pooled_by_all_and_committed() {
    let mut net = Testnet::new(Spec::new("evidence-gossip"));
    net.start_validators();
    let nodes = &net.nodes;
    nodes[0].wait_height(2).await;

    // The test's own p2p node: node4's key, dialing node0 only, listening on a
    // port no validator knows (they dial node4's configured one in vain).
    let key4 = read_key_file(&nodes[4].home.join("config/node_key.json")).expect("node4 key");
    let key0 = read_key_file(&nodes[0].home.join("config/node_key.json")).expect("node0 key");
    let allowed = net.genesis_node_keys();
    let mut config = P2pConfig::new(net.chain_id.clone(), "127.0.0.1:0".parse().expect("addr"));
    config.genesis_hash = Some(net.genesis().hash().0);
    config.gossip_heartbeat = Duration::from_millis(200);
    config.limits.max_evidence_bytes = 64 * 1024;
    config.bootstrap =
        vec![(key0.public_key().to_compressed(), ([127, 0, 0, 1], nodes[0].p2p_port).into())];
    let allowlist = Allowlist::from_keys(allowed).expect("allowlist");
    let (p2p, mut events) = P2p::spawn(config, &key4, allowlist).await.expect("p2p");
    let node0 = bayledger_p2p::peer_id_of(&key0.public_key().to_compressed()).expect("peer id");
    tokio::time::timeout(support::WAIT, async {
        while let Some(e) = events.recv().await {
            if matches!(e, P2pEvent::PeerSubscribed { peer, topic: Topic::Evidence } if peer == node0)
            {
                return;
            }
        }
    })
    .await
    .expect("node0 subscribes to the evidence topic");
    tokio::spawn(async move { while events.recv().await.is_some() {} });

    let key3 = read_key_file(&nodes[3].home.join("config/validator_key.json")).expect("node3");
    let valid = double_precommit(&key3, &net.chain_id, 1);
    let mut forged = double_precommit(&key3, &net.chain_id, 2);
    let last = forged.len() - 1;
    forged[last] ^= 1;

    p2p.publish(Topic::Evidence, forged).await.expect("publish forged");
    wait_log(&nodes[0], "gossiped evidence rejected", |l| l.contains("gossiped evidence rejected"))
        .await;
    p2p.publish(Topic::Evidence, valid.clone()).await.expect("publish valid");
    for n in &nodes[..4] {
        wait_log(n, "evidence received and pooled", |l| {
            l.contains("equivocation evidence received; evidence pooled")
        })
        .await;
    }
    let connected = p2p.peers().await.expect("peers");
    let ids: Vec<_> = connected.iter().map(|p| p.peer_id).collect();
    assert_eq!(ids, vec![node0], "only node0 heard it from us; node1..3 got it relayed");

    // A block commits it; the API returns exactly that piece, by node3.
    let c2 = nodes[2].client().await;
    let mut blocks = c2.subscribe_blocks(1).await.expect("subscribe");
    let included = tokio::time::timeout(EVIDENCE_WAIT, async {
        loop {
            let b = blocks.next().await.expect("stream").expect("block");
            if !b.block.evidence.is_empty() {
                return b;
            }
        }
    })
    .await
    .expect("a block with the evidence in time");
    assert_eq!(included.block.evidence, vec![valid.clone()]);
    let listed = c2.list_evidence(1, included.height()).await.expect("list");
    assert_eq!(listed.len(), 1, "the forged piece was never committed");
    assert_eq!(listed[0].validator, key3.address());
    for n in &nodes[..4] {
        let pooled = n.log().lines().filter(|l| l.contains("evidence pooled")).count();
        assert_eq!(pooled, 1, "{} pooled only the valid piece", n.name);
    }
    p2p.shutdown().await;
    let vals: Vec<&Node> = nodes[..4].iter().collect();
    assert_same_chain(&vals, included.height()).await;
}
