//! Process harness shared by the real-network tests (`network.rs`,
//! `evidence.rs`, `faults.rs`; each includes it with `mod support;`): a
//! `bayledger testnet` on 127.0.0.1 with every node moved to free ports, node
//! processes whose log is teed to `<home>/node.log`, bounded waits, and the
//! tail of every node's log on stderr when a test fails; [`chromium`] drives a
//! headless browser for the explorer tests (`explorer.rs`); [`single`] runs one
//! `bayledger init` node (`process.rs`, `verify_bundle.rs`).
//!
//! Not every test file uses every helper.
#![allow(dead_code)]

pub mod chromium;
pub mod governance;
pub mod invariants;
pub mod single;

use bayledger_node::config::NodeConfig;
use bayledger_sdk::client::Client;
use bayledger_types::{Hash, pb};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_bayledger");
/// The default bound of every wait (start, height, log line).
pub const WAIT: Duration = Duration::from_secs(60);

/// One network at a time within a test binary (for files with several
/// scenarios). An async mutex: it is held for a whole test; it does not poison
/// when a test fails.
pub static NETWORK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A free port below the kernel's ephemeral range (32768+), so that the
/// nodes' own outgoing connections can never take it between this call and
/// the node binding it; never the same port twice in this process.
pub fn free_port() -> u16 {
    static HANDED_OUT: Mutex<Vec<u16>> = Mutex::new(Vec::new());
    let mut used = HANDED_OUT.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let port = rand::random_range(20_000..32_000u16);
        if !used.contains(&port) && std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            used.push(port);
            return port;
        }
    }
}

// ---------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------

pub struct Node {
    pub name: String,
    pub home: PathBuf,
    pub grpc: String,
    pub p2p_port: u16,
    pub child: Option<Child>,
}

impl Node {
    pub fn log_path(&self) -> PathBuf {
        self.home.join("node.log")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// Starts `bayledger start`; returns once it logged "node started". The log
    /// goes to `<home>/node.log` (appended across restarts).
    pub fn start(&mut self) {
        let mut child = Command::new(BIN)
            .args(["start", "--home"])
            .arg(&self.home)
            .env("RUST_LOG", "info")
            .env("BAYLEDGER__LOG__FORMAT", "text")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn bayledger");
        let stderr = child.stderr.take().expect("stderr");
        let mut log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .expect("log file");
        let (started_tx, started) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = writeln!(log, "{line}");
                if line.contains("node started") {
                    let _ = started_tx.send(());
                }
            }
        });
        if started.recv_timeout(WAIT).is_err() {
            panic!("{} did not start: {:?}\n{}", self.name, child.try_wait(), self.log());
        }
        self.child = Some(child);
    }

    /// SIGKILL.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Sends `sig` (e.g. `-STOP`) to the running process.
    pub fn signal(&self, sig: &str) {
        let pid = self.child.as_ref().expect("running").id();
        let ok = Command::new("kill").arg(sig).arg(pid.to_string()).status().expect("kill");
        assert!(ok.success(), "kill {sig} {pid}");
    }

    pub async fn client(&self) -> Client {
        Client::connect(&self.grpc).await.expect("connect")
    }

    pub async fn height(&self) -> u64 {
        self.client().await.status().await.expect("status").latest_height
    }

    /// Waits (bounded by `limit`) until the node has committed `height`;
    /// returns its hash.
    pub async fn wait_height_within(&self, height: u64, limit: Duration) -> Hash {
        let client = self.client().await;
        let mut blocks = client.subscribe_blocks(height).await.expect("subscribe");
        let next = tokio::time::timeout(limit, blocks.next()).await;
        let block = next
            .unwrap_or_else(|_| panic!("{} did not reach height {height} in {limit:?}", self.name))
            .expect("stream")
            .expect("block");
        assert_eq!(block.block.height(), height);
        block.hash
    }

    /// Waits (bounded by `WAIT`) until the node has committed `height`.
    pub async fn wait_height(&self, height: u64) -> Hash {
        self.wait_height_within(height, WAIT).await
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Waits (bounded) until the node's log satisfies `pred`.
pub async fn wait_log(node: &Node, what: &str, pred: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + WAIT;
    while !pred(&node.log()) {
        assert!(Instant::now() < deadline, "{}: no log line {what:?}\n{}", node.name, node.log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Asserts every node has the same block hash and state root at 1..=height
/// (waiting, bounded, for each to reach `height`).
pub async fn assert_same_chain(nodes: &[&Node], height: u64) {
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
            assert_eq!(
                got,
                reference[h as usize - 1],
                "{} differs from {} at height {h}",
                n.name,
                nodes[0].name
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Networks
// ---------------------------------------------------------------------------

/// The shape of a `bayledger testnet`.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub chain_id: &'static str,
    pub validators: usize,
    pub full_nodes: usize,
    pub block_time_ms: u64,
}

impl Spec {
    /// 4 validators, 1 full node, 250 ms blocks.
    pub fn new(chain_id: &'static str) -> Spec {
        Spec { chain_id, validators: 4, full_nodes: 1, block_time_ms: 250 }
    }
}

/// The homes of a `bayledger testnet` (in a temporary directory) and its nodes,
/// none started; `node{i}` is `nodes[i]` (validators first).
pub struct Testnet {
    pub dir: tempfile::TempDir,
    pub nodes: Vec<Node>,
    pub chain_id: String,
    pub validators: pb::ValidatorSet,
    pub spec: Spec,
}

impl Drop for Testnet {
    /// On failure (or with `FAULTS_KEEP` set), the homes are copied to
    /// `$TMPDIR/<chain id>-<pid>` and the tail of every node's log goes to stderr.
    fn drop(&mut self) {
        if std::thread::panicking() || std::env::var_os("FAULTS_KEEP").is_some() {
            let keep =
                std::env::temp_dir().join(format!("{}-{}", self.chain_id, std::process::id()));
            let _ = Command::new("cp").arg("-r").arg(self.dir.path()).arg(&keep).status();
            eprintln!("homes copied to {}", keep.display());
            for n in &mut self.nodes {
                n.kill();
                let log = n.log();
                let lines: Vec<&str> = log.lines().collect();
                eprintln!(
                    "---- {} {} ({} bytes, last 40 lines) ----",
                    n.name,
                    n.log_path().display(),
                    log.len()
                );
                for l in &lines[lines.len().saturating_sub(40)..] {
                    eprintln!("{l}");
                }
            }
        }
    }
}

impl Testnet {
    /// `bayledger testnet` per `spec`, every node on free ports (gRPC, HTTP,
    /// p2p listen address; persistent peers rewritten to match).
    pub fn new(spec: Spec) -> Testnet {
        Testnet::with_peer_ports(spec, |_, j, p2p| p2p[j])
    }

    /// As [`Testnet::new`], but `peer_port(i, j, p2p)` is the port node `i`
    /// dials to reach node `j` (`p2p[j]`, node `j`'s own p2p port, unless a
    /// test puts a proxy in between).
    pub fn with_peer_ports(spec: Spec, peer_port: impl Fn(usize, usize, &[u16]) -> u16) -> Testnet {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = Command::new(BIN)
            .arg("testnet")
            .args(["--validators", &spec.validators.to_string()])
            .args(["--full-nodes", &spec.full_nodes.to_string()])
            .args(["--block-time-ms", &spec.block_time_ms.to_string()])
            .args(["--chain-id", spec.chain_id, "--out"])
            .arg(dir.path())
            .output()
            .expect("run testnet");
        assert!(out.status.success(), "testnet: {}", String::from_utf8_lossy(&out.stderr));
        let total = spec.validators + spec.full_nodes;
        let p2p: Vec<u16> = (0..total).map(|_| free_port()).collect();
        let mut nodes = Vec::new();
        for i in 0..total {
            let name = format!("node{i}");
            let home = dir.path().join(&name);
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
                    let port: u16 =
                        addr.rsplit(':').next().and_then(|p| p.parse().ok()).expect("port");
                    let j = usize::from(port - 26656);
                    format!("{key}@127.0.0.1:{}", peer_port(i, j, &p2p))
                })
                .collect();
            std::fs::write(&path, cfg.to_toml()).expect("write config");
            nodes.push(Node {
                name,
                home,
                grpc: format!("http://127.0.0.1:{grpc}"),
                p2p_port: p2p[i],
                child: None,
            });
        }
        let genesis = bayledger_genesis::Genesis::load(nodes[0].home.join("config/genesis.json"))
            .expect("genesis");
        let validators = genesis.validator_set();
        Testnet { dir, nodes, chain_id: spec.chain_id.to_string(), validators, spec }
    }

    /// The network's genesis (node0's copy).
    pub fn genesis(&self) -> bayledger_genesis::Genesis {
        bayledger_genesis::Genesis::load(self.nodes[0].home.join("config/genesis.json"))
            .expect("genesis")
    }

    /// The node keys genesis admits (the p2p allowlist).
    pub fn genesis_node_keys(&self) -> Vec<[u8; 33]> {
        self.genesis().nodes.iter().map(|n| n.node_key.0).collect()
    }

    pub fn start_validators(&mut self) {
        for n in self.nodes.iter_mut().take(self.spec.validators) {
            n.start();
        }
    }

    /// The highest committed height among `which`.
    pub async fn max_height(&self, which: &[usize]) -> u64 {
        let mut max = 0;
        for &i in which {
            max = max.max(self.nodes[i].height().await);
        }
        max
    }

    /// Waits (bounded) until every node in `which` has committed `height`.
    pub async fn wait_all(&self, which: &[usize], height: u64) {
        for &i in which {
            self.nodes[i].wait_height(height).await;
        }
    }
}
