//! A real 4-validator BFT network of `bayledger` processes on 127.0.0.1 (homes
//! from `bayledger testnet`, free ports): every node commits the same blocks
//! and state roots; a transaction submitted to node0 is committed and visible
//! on node3; with node3 SIGKILLed the other three keep committing; restarted,
//! node3 catches up to the same chain; a full node started late syncs it.
//! Every wait is bounded and driven by a node's block stream or log.

use bayledger_node::config::NodeConfig;
use bayledger_sdk::client::Client;
use bayledger_sdk::tx::{TxBuilder, sign};
use bayledger_types::{Address, Hash, SecretKey};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_bayledger");
const VALIDATORS: usize = 4;
const WAIT: Duration = Duration::from_secs(60);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

struct Node {
    home: PathBuf,
    grpc: String,
    child: Option<Child>,
}

impl Node {
    /// Starts `bayledger start`; returns once it logged "node started". The log
    /// goes to `<home>/node.log` (appended across restarts).
    fn start(&mut self) {
        let mut child = Command::new(BIN)
            .args(["start", "--home"])
            .arg(&self.home)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn bayledger");
        let stderr = child.stderr.take().expect("stderr");
        let mut log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.home.join("node.log"))
            .expect("log file");
        let (started_tx, started) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("node started") {
                    let _ = started_tx.send(());
                }
                let _ = writeln!(log, "{line}");
            }
        });
        if started.recv_timeout(WAIT).is_err() {
            panic!("{} did not start: {:?}", self.home.display(), child.try_wait());
        }
        self.child = Some(child);
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill(); // SIGKILL
            let _ = c.wait();
        }
    }

    async fn client(&self) -> Client {
        Client::connect(&self.grpc).await.expect("connect")
    }

    /// Waits (bounded) until the node has committed `height`; returns its hash.
    async fn wait_height(&self, height: u64) -> Hash {
        let client = self.client().await;
        let mut blocks = client.subscribe_blocks(height).await.expect("subscribe");
        let next = tokio::time::timeout(WAIT, blocks.next()).await;
        let block = next
            .unwrap_or_else(|_| panic!("{} did not reach height {height}", self.home.display()))
            .expect("stream")
            .expect("block");
        assert_eq!(block.block.height(), height);
        block.hash
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `bayledger testnet` with 4 validators and 1 full node, then every node on
/// free ports (p2p listen address and persistent peers rewritten).
fn testnet(dir: &Path) -> Vec<Node> {
    let out = Command::new(BIN)
        .args(["testnet", "--validators", "4", "--full-nodes", "1", "--block-time-ms", "250"])
        .args(["--chain-id", "bft-test", "--out"])
        .arg(dir)
        .output()
        .expect("run testnet");
    assert!(out.status.success(), "testnet: {}", String::from_utf8_lossy(&out.stderr));
    let total = VALIDATORS + 1;
    let p2p: Vec<u16> = (0..total).map(|_| free_port()).collect();
    let mut nodes = Vec::new();
    for i in 0..total {
        let home = dir.join(format!("node{i}"));
        let path = home.join("config/config.toml");
        let mut cfg = NodeConfig::load(&path).expect("config");
        let grpc = free_port();
        cfg.rpc.grpc_addr = ([127, 0, 0, 1], grpc).into();
        cfg.rpc.http_addr = ([127, 0, 0, 1], free_port()).into();
        cfg.p2p.listen_addr = ([127, 0, 0, 1], p2p[i]).into();
        cfg.p2p.gossip_heartbeat_ms = 200;
        cfg.p2p.persistent_peers = cfg
            .p2p
            .persistent_peers
            .iter()
            .map(|p| {
                let (key, addr) = p.split_once('@').expect("key@addr");
                let port: u16 = addr.rsplit(':').next().and_then(|p| p.parse().ok()).expect("port");
                format!("{key}@127.0.0.1:{}", p2p[usize::from(port - 26656)])
            })
            .collect();
        std::fs::write(&path, cfg.to_toml()).expect("write config");
        nodes.push(Node { home, grpc: format!("http://127.0.0.1:{grpc}"), child: None });
    }
    nodes
}

/// Asserts every node has the same block hash and state root at 1..=height.
async fn assert_same_chain(nodes: &[&Node], height: u64) {
    let mut reference = Vec::new();
    for h in 1..=height {
        let b = nodes[0].client().await.block_by_height(h).await.expect("block");
        reference.push((b.hash, b.block.header.state_root()));
    }
    for n in &nodes[1..] {
        let c = n.client().await;
        for h in 1..=height {
            let b = c.block_by_height(h).await.expect("block");
            assert_eq!(
                (b.hash, b.block.header.state_root()),
                reference[h as usize - 1],
                "{} differs at height {h}",
                n.home.display()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_validators_agree_survive_a_crash_and_resync() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut nodes = testnet(dir.path());
    for n in nodes.iter_mut().take(VALIDATORS) {
        n.start();
    }

    // 1. Every validator commits at least 5 blocks, identically.
    for n in &nodes[..VALIDATORS] {
        n.wait_height(5).await;
    }
    let vals: Vec<&Node> = nodes[..VALIDATORS].iter().collect();
    assert_same_chain(&vals, 5).await;

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
    let log = std::fs::read_to_string(nodes[4].home.join("node.log")).expect("log");
    assert!(log.contains("block sync"), "the full node caught up through block sync");
}
