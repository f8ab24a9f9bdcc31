//! A double-signing validator on a real network of `bayledger` processes: a
//! 5th process runs with node3's validator key (its own node key, on the
//! allowlist), so "node3" signs twice whenever the two copies see different
//! things (each builds its own proposal). The honest validators detect the
//! equivocation, a proposer includes the evidence in a block, every node
//! accepts that block, the API (gRPC, SDK, CLI) returns it, and the chain does
//! not fork. Every wait is bounded and driven by a node's block stream.
//!
//! Process helpers are copied from `network.rs` (kept separate so the two tests
//! can change independently).

use bayledger_consensus::{cpb, verify_equivocation};
use bayledger_genesis::Genesis;
use bayledger_node::config::NodeConfig;
use bayledger_sdk::client::Client;
use bayledger_types::Hash;
use prost::Message;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_bayledger");
const WAIT: Duration = Duration::from_secs(60);
/// How long the network gets to catch and commit the equivocation.
const EVIDENCE_WAIT: Duration = Duration::from_secs(120);

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
    /// Starts `bayledger start`; returns once it logged "node started".
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
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// `bayledger testnet` with 4 validators and 1 full node on free ports.
fn testnet(dir: &Path) -> Vec<Node> {
    let out = Command::new(BIN)
        .args(["testnet", "--validators", "4", "--full-nodes", "1", "--block-time-ms", "250"])
        .args(["--chain-id", "evidence-test", "--out"])
        .arg(dir)
        .output()
        .expect("run testnet");
    assert!(out.status.success(), "testnet: {}", String::from_utf8_lossy(&out.stderr));
    let p2p: Vec<u16> = (0..5).map(|_| free_port()).collect();
    let mut nodes = Vec::new();
    for i in 0..5 {
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
async fn assert_same_chain(nodes: &[Node], height: u64) {
    let mut reference = Vec::new();
    let c0 = nodes[0].client().await;
    for h in 1..=height {
        let b = c0.block_by_height(h).await.expect("block");
        reference.push((b.hash, b.block.header.state_root()));
    }
    for n in &nodes[1..] {
        n.wait_height(height).await;
        let c = n.client().await;
        for h in 1..=height {
            let b = c.block_by_height(h).await.expect("block");
            let got = (b.hash, b.block.header.state_root());
            assert_eq!(got, reference[h as usize - 1], "{} forked at {h}", n.home.display());
        }
    }
}

/// Per node: committed blocks and equivocation lines logged (for a failure message).
fn diagnostics(nodes: &[Node]) -> String {
    let mut out = Vec::new();
    for n in nodes {
        let log = std::fs::read_to_string(n.home.join("node.log")).unwrap_or_default();
        let count = |s: &str| log.lines().filter(|l| l.contains(s)).count();
        out.push(format!(
            "{}: {} committed, {} synced, {} equivocations pooled, {} invalid",
            n.home.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
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
    let dir = tempfile::tempdir().expect("tempdir");
    let mut nodes = testnet(dir.path());
    // node4 becomes a second node3: same validator key, its own node key.
    let key3 = nodes[3].home.join("config/validator_key.json");
    std::fs::copy(&key3, nodes[4].home.join("config/validator_key.json")).expect("copy key");
    let genesis = Genesis::load(nodes[0].home.join("config/genesis.json")).expect("genesis");
    let set = genesis.validator_set();
    for n in &mut nodes {
        n.start();
    }

    // 1. Follow node0's blocks until one carries evidence (bounded).
    let c0 = nodes[0].client().await;
    let mut blocks = c0.subscribe_blocks(1).await.expect("subscribe");
    let deadline = tokio::time::Instant::now() + EVIDENCE_WAIT;
    let with_evidence = loop {
        let Ok(next) = tokio::time::timeout_at(deadline, blocks.next()).await else {
            panic!("no block with evidence in time; {}", diagnostics(&nodes));
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
        assert_eq!(verify_equivocation(&ev, &set, &genesis.chain_id), Ok(node3));
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
    assert_same_chain(&nodes, target).await;
}
