//! `bayledger status`: a node's chain, height, latest block and mempool.

use super::client_opts::ClientOpts;
use super::output::{hex0x, print_value, time_text};
use bayledger_sdk::NodeStatus;
use clap::Args;
use eyre::Result;
use serde_json::{Value, json};

/// `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    client: ClientOpts,
}

impl StatusArgs {
    /// Prints the node's status.
    pub async fn run(self) -> Result<()> {
        let status = self.client.connect().await?.status().await?;
        print_value(&status_json(&status), self.client.output);
        Ok(())
    }
}

fn status_json(s: &NodeStatus) -> Value {
    let hash = |h: Option<bayledger_sdk::Hash>| h.map(|h| hex0x(&h.0));
    json!({
        "chain_id": s.chain_id,
        "node_version": s.node_version,
        "genesis_hash": hash(s.genesis_hash),
        "latest_height": s.latest_height,
        "latest_block_hash": hash(s.latest_block_hash),
        "latest_block_time": (s.latest_block_time_ms > 0).then(|| time_text(s.latest_block_time_ms)),
        "latest_block_time_ms": s.latest_block_time_ms,
        "latest_state_root": hash(s.latest_state_root),
        "validator_address": s.validator_address.map(|a| a.to_string()),
        "mempool_size": s.mempool_size,
        "catching_up": s.catching_up,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_sdk::{Address, Hash};

    #[test]
    fn status_fields_are_hex_and_readable_time() {
        let s = NodeStatus {
            chain_id: "bay-1".into(),
            node_version: "0.1.0".into(),
            genesis_hash: Some(Hash([1; 32])),
            latest_height: 7,
            latest_block_hash: Some(Hash([2; 32])),
            latest_block_time_ms: 1_700_000_000_000,
            latest_state_root: None,
            validator_address: Some(Address([3; 20])),
            mempool_size: 4,
            catching_up: false,
        };
        let v = status_json(&s);
        assert_eq!(v["latest_block_hash"], format!("0x{}", "02".repeat(32)));
        assert_eq!(v["latest_block_time"], "2023-11-14T22:13:20.000Z");
        assert_eq!(v["latest_state_root"], Value::Null);
        assert_eq!(v["validator_address"], format!("0x{}", "03".repeat(20)));
    }
}
