//! In-process node harness: a real node (RocksDB, wasmtime, gRPC on a loopback
//! port) in a temporary home, driven through the Rust SDK.

#![allow(dead_code)]

use bayledger_node::config::NodeConfig;
use bayledger_node::home::{Home, init_home};
use bayledger_node::service::RunningNode;
use bayledger_sdk::client::Client;
use bayledger_types::SecretKey;
use std::path::PathBuf;

/// Directory holding the compiled example contracts.
pub fn contracts_dir() -> PathBuf {
    match std::env::var_os("BAYLEDGER_CONTRACTS_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/contracts"),
    }
}

/// Reads a compiled example contract; fails loudly if it was not built.
pub fn contract_wasm(name: &str) -> Vec<u8> {
    let path = contracts_dir().join(format!("{name}.wasm"));
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run scripts/build-contracts.sh first", path.display()))
}

/// A running in-process node.
pub struct TestNode {
    pub dir: tempfile::TempDir,
    pub node: Option<RunningNode>,
    pub client: Client,
}

pub fn test_config() -> NodeConfig {
    let mut c = NodeConfig::default();
    c.rpc.grpc_addr = "127.0.0.1:0".parse().expect("addr");
    c.rpc.http_addr = "127.0.0.1:0".parse().expect("addr");
    c.consensus.block_time_ms = 100;
    c.rpc.max_wait_ms = 20_000;
    c
}

impl TestNode {
    /// Initialises a fresh home and starts a node in it.
    pub async fn start() -> TestNode {
        let dir = tempfile::tempdir().expect("tempdir");
        init_home(&Home(dir.path().to_path_buf()), "bayledger-test", "node0", 100, false)
            .expect("init");
        let node = RunningNode::start(&Home(dir.path().to_path_buf()), test_config())
            .await
            .expect("node starts");
        let client =
            Client::connect(&format!("http://{}", node.grpc_addr)).await.expect("connects");
        TestNode { dir, node: Some(node), client }
    }

    pub fn home(&self) -> Home {
        Home(self.dir.path().to_path_buf())
    }

    /// Stops gracefully and starts again on the same home.
    pub async fn restart(&mut self) {
        if let Some(n) = self.node.take() {
            n.shutdown().await.expect("clean shutdown");
        }
        let node = RunningNode::start(&self.home(), test_config()).await.expect("node restarts");
        self.client =
            Client::connect(&format!("http://{}", node.grpc_addr)).await.expect("connects");
        self.node = Some(node);
    }

    pub async fn stop(mut self) {
        if let Some(n) = self.node.take() {
            n.shutdown().await.expect("clean shutdown");
        }
    }
}

/// A fresh account key.
pub fn key() -> SecretKey {
    SecretKey::generate()
}
