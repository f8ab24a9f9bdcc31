//! `bayledger verify fetch` and `verify bundle` as processes against a running node: a hash
//! registered through the SDK is fetched into a bundle file, which verifies offline against the
//! genesis file and prints the record; the same file with one byte changed, or checked against
//! another chain's genesis, exits non-zero and says why.

mod support;

use bayledger_sdk::client::Client;
use bayledger_sdk::system::hash_registry::{HashRegistry, RegisterEntry};
use bayledger_types::{Hash, SecretKey};
use std::process::{Command, Output};
use support::single::{init, start};
use support::{BIN, free_port};

fn bayledger(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run bayledger")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetched_bundle_verifies_offline_and_an_edited_one_does_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("node");
    init(&home, "cli-bundle-test");
    let node = start(&home, free_port());
    let url = node.grpc.clone();
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
    node.kill();

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
