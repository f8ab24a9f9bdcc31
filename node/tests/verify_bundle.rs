//! `bayledger verify fetch` and `verify bundle` as processes against a running node: a hash
//! registered through the SDK is fetched into a bundle file, which verifies offline against the
//! genesis file and prints the record; the same file with one byte changed, or checked against
//! another chain's genesis, exits non-zero and says why.

use bayledger_sdk::client::Client;
use bayledger_sdk::system::hash_registry::{HashRegistry, RegisterEntry};
use bayledger_types::{Hash, SecretKey};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_bayledger");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn bayledger(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run bayledger")
}

fn init(home: &Path, chain_id: &str) {
    let home = home.to_str().expect("utf-8 path");
    let out =
        bayledger(&["init", "--chain-id", chain_id, "--block-time-ms", "150", "--home", home]);
    assert!(out.status.success(), "init failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// Starts `bayledger start` and returns once it logged "node started".
fn start(home: &Path, grpc_port: u16) -> Child {
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
    std::thread::spawn(move || for _ in lines {});
    child
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetched_bundle_verifies_offline_and_an_edited_one_does_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("node");
    init(&home, "cli-bundle-test");
    let port = free_port();
    let mut node = start(&home, port);
    let url = format!("http://127.0.0.1:{port}");
    let client = Client::connect(&url).await.expect("connect");
    let bank = SecretKey::generate();
    let hash = Hash::sha3(b"remittance 42");
    HashRegistry::new(client)
        .register(&bank, &RegisterEntry::plain(hash, "remittance"))
        .await
        .expect("register");

    let genesis = home.join("config/genesis.json");
    let genesis = genesis.to_str().expect("utf-8 path");
    let file = dir.path().join("bundle.json");
    let file = file.to_str().expect("utf-8 path");
    let hash = format!("0x{hash}");
    let out = bayledger(&[
        "verify",
        "fetch",
        "hash",
        &hash,
        "--node",
        &url,
        "--genesis",
        genesis,
        "-o",
        file,
    ]);
    assert!(out.status.success(), "fetch failed: {}", String::from_utf8_lossy(&out.stderr));
    let _ = node.kill();
    let _ = node.wait();

    // Offline from here on: the node is gone.
    let out = bayledger(&["verify", "bundle", file, "--genesis", genesis, "-o", "json"]);
    assert!(out.status.success(), "verify failed: {}", String::from_utf8_lossy(&out.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(shown["verified"], true);
    assert_eq!(shown["record"]["hash"], hash.as_str());
    assert_eq!(shown["record"]["valid"], true);
    assert_eq!(shown["record"]["registration"]["registrant"], bank.address().to_string().as_str());

    // One changed byte in the record's reason: refused, and said so.
    let text = std::fs::read_to_string(file).expect("read bundle");
    let edited = text.replacen("and active", "and activf", 1);
    assert_ne!(edited, text, "the bundle holds the contract's reason");
    std::fs::write(file, edited).expect("write");
    let out = bayledger(&["verify", "bundle", file, "--genesis", genesis]);
    assert!(!out.status.success(), "an edited bundle verified");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not verify") && err.contains("record"), "{err}");

    // The untouched bundle against another chain's genesis: refused.
    std::fs::write(file, &text).expect("write");
    let other = dir.path().join("other");
    init(&other, "another-chain");
    let other = other.join("config/genesis.json");
    let out = bayledger(&["verify", "bundle", file, "--genesis", other.to_str().expect("utf-8")]);
    assert!(!out.status.success(), "a bundle verified against another chain");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("chain id"), "{err}");
}
