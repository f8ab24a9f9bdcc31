//! Helpers for the governance scenarios (`governance.rs`): a node home that is
//! not in genesis (its keys unknown to the network until a proposal admits
//! them), the committee's `bayledger gov` commands, and the validator set a
//! node reports for a height (`LightService/GetValidatorSet`).

use super::{BIN, Node, Testnet, free_port};
use bayledger_node::config::NodeConfig;
use bayledger_node::home::{read_key_file, write_key_file};
use bayledger_proto::node::GetValidatorSetRequest;
use bayledger_proto::node::light_service_client::LightServiceClient;
use bayledger_types::{SecretKey, pb};
use std::process::Command;

/// The committee key `bayledger testnet` writes (keystore `<out>/keys`).
pub const COMMITTEE: &str = "committee";
/// Its passphrase when `$BAYLEDGER_PASSPHRASE` is unset at `testnet` time.
pub const COMMITTEE_PASSPHRASE: &str = "testnet";

/// A new node home beside the network's, from genesis alone: fresh node and
/// validator keys (neither admitted nor in the set), free ports, and every
/// genesis node as a persistent peer. Added to `net.nodes` (not started);
/// returns its index.
pub fn outsider(net: &mut Testnet, name: &str) -> usize {
    let home = net.dir.path().join(name);
    std::fs::create_dir_all(home.join("config")).expect("home");
    std::fs::copy(net.nodes[0].home.join("config/genesis.json"), home.join("config/genesis.json"))
        .expect("genesis");
    write_key_file(&home.join("config/node_key.json"), &SecretKey::generate()).expect("node key");
    write_key_file(&home.join("config/validator_key.json"), &SecretKey::generate())
        .expect("validator key");
    let mut cfg = NodeConfig::load(&net.nodes[0].home.join("config/config.toml")).expect("config");
    let grpc = free_port();
    let p2p = free_port();
    cfg.moniker = name.to_string();
    cfg.rpc.grpc_addr = ([127, 0, 0, 1], grpc).into();
    cfg.rpc.http_addr = ([127, 0, 0, 1], free_port()).into();
    cfg.p2p.listen_addr = ([127, 0, 0, 1], p2p).into();
    cfg.p2p.persistent_peers = net
        .nodes
        .iter()
        .map(|n| format!("{}@127.0.0.1:{}", hex::encode(node_key(n)), n.p2p_port))
        .collect();
    std::fs::write(home.join("config/config.toml"), cfg.to_toml()).expect("config");
    net.nodes.push(Node {
        name: name.to_string(),
        home,
        grpc: format!("http://127.0.0.1:{grpc}"),
        p2p_port: p2p,
        child: None,
    });
    net.nodes.len() - 1
}

/// The node's p2p public key (33 bytes, compressed).
pub fn node_key(node: &Node) -> [u8; 33] {
    read_key_file(&node.home.join("config/node_key.json"))
        .expect("node key")
        .public_key()
        .to_compressed()
}

/// The node's validator key.
pub fn validator_key(node: &Node) -> SecretKey {
    read_key_file(&node.home.join("config/validator_key.json")).expect("validator key")
}

/// The committee key's passphrase: `$BAYLEDGER_PASSPHRASE` as `testnet` saw it, else
/// [`COMMITTEE_PASSPHRASE`].
pub fn committee_passphrase() -> String {
    std::env::var("BAYLEDGER_PASSPHRASE").unwrap_or_else(|_| COMMITTEE_PASSPHRASE.into())
}

/// Runs `bayledger <group> <args> -o json` against `node` with the network's keystore and the
/// committee's passphrase (a command that signs names its key: `--from committee`); returns
/// its JSON output (panics, with stderr, on failure).
pub fn cli(net: &Testnet, node: &Node, group: &str, args: &[&str]) -> serde_json::Value {
    let out = Command::new(BIN)
        .arg(group)
        .args(args)
        .args(["--node", &node.grpc, "-o", "json"])
        .env("BAYLEDGER_KEYSTORE", net.dir.path().join("keys"))
        .env("BAYLEDGER_PASSPHRASE", committee_passphrase())
        .output()
        .expect("run bayledger");
    assert!(
        out.status.success(),
        "{group} {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{group} {args:?} output is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Runs `bayledger gov <args>` as the committee (`--from committee`) against `node`: [`cli`].
pub fn gov(net: &Testnet, node: &Node, args: &[&str]) -> serde_json::Value {
    let mut args = args.to_vec();
    args.extend_from_slice(&["--from", COMMITTEE]);
    cli(net, node, "gov", &args)
}

/// Proposes `actions` (flags of `gov propose`) as the committee and makes
/// sure they took effect: the sole member's yes vote passes the proposal,
/// which is executed unless it already was. Returns the proposal id.
pub fn pass(net: &Testnet, node: &Node, title: &str, actions: &[&str]) -> u64 {
    let mut args = vec!["propose", "--title", title];
    args.extend_from_slice(actions);
    let proposed = gov(net, node, &args);
    let id = proposed["id"].as_u64().unwrap_or_else(|| panic!("no id: {proposed}"));
    match proposed["status"].as_str() {
        Some("executed") => {}
        Some("passed") => {
            let done = gov(net, node, &["execute", &id.to_string()]);
            assert_eq!(done["status"], "executed", "{done}");
        }
        other => panic!("proposal {id} is {other:?}: {proposed}"),
    }
    id
}

/// The validator set `node` reports for `height` (the set that signs it).
pub async fn validator_set(node: &Node, height: u64) -> pb::ValidatorSet {
    let mut light = LightServiceClient::connect(node.grpc.clone()).await.expect("connect");
    let resp = light
        .get_validator_set(GetValidatorSetRequest { height })
        .await
        .unwrap_or_else(|e| panic!("{}: validator set of {height}: {e}", node.name))
        .into_inner();
    resp.validator_set.unwrap_or_else(|| panic!("{}: no set for {height}", node.name))
}
