//! The real `bayledger` binary as a process: SIGTERM stops it cleanly, and
//! SIGKILL in the middle of committing under load loses nothing that was
//! reported committed; after either, the restarted node serves the same
//! blocks, hashes and state roots.

mod support;

use bayledger_sdk::client::Client;
use bayledger_sdk::tx::{TxBuilder, sign};
use bayledger_types::{Address, Hash, SecretKey};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;
use support::free_port;
use support::single::{init, start};

fn bench_wasm() -> Vec<u8> {
    let dir = std::env::var_os("BAYLEDGER_CONTRACTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/contracts"));
    let path = dir.join("bench_counter.wasm");
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run scripts/build-contracts.sh first", path.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_cleanly_and_restart_serves_the_same_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    init(dir.path(), "process-test");
    let port = free_port();
    let mut p = start(dir.path(), port);
    let client = Client::connect(&p.grpc).await.expect("connect");
    let k = SecretKey::generate();
    client.upload_code(&k, bench_wasm()).await.expect("upload");
    let before = client.status().await.expect("status");

    let ok =
        Command::new("kill").args(["-TERM", &p.child.id().to_string()]).status().expect("kill");
    assert!(ok.success());
    let status = p.child.wait().expect("wait");
    assert!(status.success(), "SIGTERM must lead to a clean exit, got {status:?}");

    let p2 = start(dir.path(), port);
    let client = Client::connect(&p2.grpc).await.expect("reconnect");
    let b = client.block_by_height(before.latest_height).await.expect("block");
    assert_eq!(Some(b.hash), before.latest_block_hash);
    assert_eq!(Some(b.block.header.state_root()), before.latest_state_root);
    assert_eq!(client.account_nonce(&k.address()).await.expect("nonce"), 1);
    p2.kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_load_loses_no_committed_transaction() {
    let dir = tempfile::tempdir().expect("tempdir");
    init(dir.path(), "process-test");
    let port = free_port();
    let mut p = start(dir.path(), port);
    let client = Client::connect(&p.grpc).await.expect("connect");
    let deployer = SecretKey::generate();
    let (code, _) = client.upload_code(&deployer, bench_wasm()).await.expect("upload");
    let (contract, _) =
        client.instantiate(&deployer, code, b"{}".to_vec(), "bench").await.expect("instantiate");
    let chain_id = client.status().await.expect("status").chain_id;

    // Eight senders, each submitting calls one after another and waiting for
    // the commit; every acknowledged (hash, height) is recorded.
    let acked: Arc<parking_lot::Mutex<Vec<(Hash, u64, Address)>>> = Arc::default();
    let mut senders = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (c, acked, chain_id) = (client.clone(), acked.clone(), chain_id.clone());
        senders.spawn(async move {
            let k = SecretKey::generate();
            for nonce in 0.. {
                let height = match c.status().await {
                    Ok(s) => s.latest_height,
                    Err(_) => return,
                };
                let body = TxBuilder::new(chain_id.clone(), k.address(), nonce)
                    .fuel_limit(2_000_000)
                    .expires_after(height, 1000)
                    .call(contract, vec![nonce as u8]);
                match c.broadcast(sign(&body, &k), true, Duration::from_secs(10)).await {
                    Ok(r) if r.receipt.is_some() => {
                        acked.lock().push((r.tx_hash, r.height, k.address()))
                    }
                    _ => return, // the node died under us
                }
            }
        });
    }
    // Kill once enough commits were acknowledged — while the others are in flight.
    let mut blocks = client.subscribe_blocks(1).await.expect("subscribe");
    while acked.lock().len() < 40 {
        blocks.next().await.expect("stream").expect("block");
    }
    p.child.kill().expect("SIGKILL");
    p.child.wait().expect("reaped");
    while senders.join_next().await.is_some() {}
    let acked = acked.lock().clone();
    assert!(acked.len() >= 40);

    let p2 = start(dir.path(), port);
    let client = Client::connect(&p2.grpc).await.expect("reconnect");
    let max_height = acked.iter().map(|a| a.1).max().expect("acked");
    assert!(client.status().await.expect("status").latest_height >= max_height);
    for (hash, height, sender) in &acked {
        let tx = client
            .get_tx(hash)
            .await
            .unwrap_or_else(|e| panic!("acknowledged tx {hash} lost: {e}"));
        assert_eq!(tx.height, *height, "tx {hash} moved");
        assert_eq!(tx.sender, *sender);
    }
    // Every acknowledged sender's nonce covers its acknowledged transactions.
    let mut per_sender = std::collections::HashMap::<Address, u64>::new();
    for (_, _, s) in &acked {
        *per_sender.entry(*s).or_default() += 1;
    }
    for (s, n) in per_sender {
        assert!(client.account_nonce(&s).await.expect("nonce") >= n);
    }
    // And the chain goes on.
    let k = SecretKey::generate();
    client.call(&k, contract, vec![1]).await.expect("commits after recovery");
    p2.kill();
}
