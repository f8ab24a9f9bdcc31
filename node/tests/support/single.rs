//! One node from `bayledger init`, run as a `bayledger start` process on free ports, for the
//! tests of the binary itself (`process.rs`, `verify_bundle.rs`).

use super::{BIN, free_port};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// `bayledger init` of a one-validator home for `chain_id`, with 150 ms blocks.
pub fn init(home: &Path, chain_id: &str) {
    let out = Command::new(BIN)
        .args(["init", "--chain-id", chain_id, "--block-time-ms", "150", "--home"])
        .arg(home)
        .output()
        .expect("run init");
    assert!(out.status.success(), "init failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// A running `bayledger start`.
pub struct Proc {
    pub child: Child,
    /// Its gRPC URL.
    pub grpc: String,
}

impl Proc {
    /// SIGKILL, then reaps it.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `bayledger start` on `home`, gRPC on `grpc_port` (HTTP on a free port), and returns
/// once it logged "node started".
pub fn start(home: &Path, grpc_port: u16) -> Proc {
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
