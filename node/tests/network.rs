//! A real 4-validator BFT network of `bayledger` processes on 127.0.0.1 (homes
//! from `bayledger testnet`, free ports): every node commits the same blocks
//! and state roots; a transaction submitted to node0 is committed and visible
//! on node3; with node3 SIGKILLed the other three keep committing; restarted,
//! node3 catches up to the same chain; a full node started late syncs it.
//! `GetStatus` names each validator's own address (none on the full node)
//! and reports `catching_up = false` once a node is in step. Every wait is
//! bounded and driven by a node's block stream or log.

mod support;

use bayledger_node::home::read_key_file;
use bayledger_sdk::tx::{TxBuilder, sign};
use bayledger_types::{Address, SecretKey};
use support::{Node, Spec, Testnet, WAIT, assert_same_chain};

const VALIDATORS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_validators_agree_survive_a_crash_and_resync() {
    let mut net = Testnet::new(Spec::new("bft-test"));
    net.start_validators();
    let nodes = &mut net.nodes;

    // 1. Every validator commits at least 5 blocks, identically.
    for n in &nodes[..VALIDATORS] {
        n.wait_height(5).await;
    }
    let vals: Vec<&Node> = nodes[..VALIDATORS].iter().collect();
    assert_same_chain(&vals, 5).await;
    for n in &nodes[..VALIDATORS] {
        let own = read_key_file(&n.home.join("config/validator_key.json")).expect("key").address();
        let status = n.client().await.status().await.expect("status");
        assert_eq!(status.validator_address, Some(own), "{} reports its own address", n.name);
        assert!(!status.catching_up, "{} is in step", n.name);
    }

    // 2. A transaction submitted to node0 is committed and visible on node3.
    let c0 = nodes[0].client().await;
    let status = c0.status().await.expect("status");
    let sender = SecretKey::generate();
    let body = TxBuilder::new(status.chain_id.clone(), sender.address(), 0)
        .fuel_limit(100_000)
        .expires_after(status.latest_height, 100)
        .call(Address([9; 20]), vec![]);
    let sent = c0.broadcast(sign(&body, &sender), true, WAIT).await.expect("broadcast");
    assert!(sent.receipt.is_some(), "committed with a receipt");
    let h_tx = nodes[3].wait_height(sent.height).await;
    let c3 = nodes[3].client().await;
    let on3 = c3.get_tx(&sent.tx_hash).await.expect("tx on node3");
    assert_eq!(on3.height, sent.height);
    assert_eq!(c3.account_nonce(&sender.address()).await.expect("nonce"), 1);
    assert_eq!(c0.block_by_height(sent.height).await.expect("block").hash, h_tx);

    // 3. node3 SIGKILLed: the other three keep committing.
    nodes[3].kill();
    let at_kill = c0.status().await.expect("status").latest_height;
    for n in &nodes[..3] {
        n.wait_height(at_kill + 4).await;
    }

    // 4. Restarted, node3 catches up to the same chain and follows it live.
    nodes[3].start();
    let target = c0.status().await.expect("status").latest_height + 2;
    nodes[3].wait_height(target).await;
    for n in &nodes[..3] {
        n.wait_height(target).await;
    }
    let vals: Vec<&Node> = nodes[..VALIDATORS].iter().collect();
    assert_same_chain(&vals, target).await;

    // 5. A full node (no validator key) started late syncs the chain and follows.
    nodes[4].start();
    let target = c0.status().await.expect("status").latest_height + 2;
    nodes[4].wait_height(target).await;
    nodes[0].wait_height(target).await;
    let pair: Vec<&Node> = vec![&nodes[0], &nodes[4]];
    assert_same_chain(&pair, target).await;
    let log = nodes[4].log();
    assert!(log.contains("block sync"), "the full node caught up through block sync");
    let status = nodes[4].client().await.status().await.expect("status");
    assert_eq!(status.validator_address, None, "a full node validates as nobody");
}
