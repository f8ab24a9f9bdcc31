//! The real `bayledger` binary as a process: SIGTERM stops it cleanly, and
//! SIGKILL in the middle of committing under load loses nothing that was
//! reported committed; after either, the restarted node serves the same
//! blocks, hashes and state roots.

use bayledger_sdk::client::Client;
use bayledger_sdk::tx::{TxBuilder, sign};
use bayledger_types::{Address, Hash, SecretKey};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_bayledger");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

struct Proc {
    child: Child,
    grpc: String,
}

/// Starts `bayledger start` and returns once it logged "node started".
fn start(home: &Path, grpc_port: u16) -> Proc {
    let mut child = Command::new(BIN)
        .args(["start", "--home"])
        .arg(home)
        .env("BAYLEDGER__RPC__GRPC_ADDR", format!("127.0.0.1:{grpc_port}"))
        .env("BAYLEDGER__RPC__HTTP_ADDR", format!("127.0.0.1:{}", free_port()))
        .env("BAYLEDGER__LOG__FORMAT", "text")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn bayledger");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    loop {
        match lines.next() {
            Some(Ok(line)) if line.contains("node started") => break,
            Some(Ok(_)) => continue,
            _ => panic!("bayledger exited before starting: {:?}", child.wait()),
        }
    }
    // Keep draining stderr so the node never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Proc { child, grpc: format!("http://127.0.0.1:{grpc_port}") }
}

fn init(home: &Path) {
    let out = Command::new(BIN)
        .args(["init", "--chain-id", "process-test", "--block-time-ms", "150", "--home"])
        .arg(home)
        .output()
        .expect("run init");
    assert!(out.status.success(), "init failed: {}", String::from_utf8_lossy(&out.stderr));
}

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
    init(dir.path());
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
    kill(p2);
}

fn kill(mut p: Proc) {
    let _ = p.child.kill();
    let _ = p.child.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_load_loses_no_committed_transaction() {
    let dir = tempfile::tempdir().expect("tempdir");
    init(dir.path());
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
    kill(p2);
}
