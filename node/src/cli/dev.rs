//! `bayledger dev`: a fresh single-validator chain with zero configuration. It
//! prints its endpoints and a ready-to-use key stored in the dev keystore.

use crate::config::NodeConfig;
use crate::home::{Home, init_home_with_committee};
use crate::logging;
use crate::service::RunningNode;
use bayledger_sdk::keystore::Keystore;
use bayledger_system_contracts::Committee;
use clap::Args;
use eyre::{Context, Result};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Passphrase of the dev key (the dev chain is for development only).
pub const DEV_PASSPHRASE: &str = "dev";

/// Arguments of `dev`.
#[derive(Debug, Args)]
pub struct DevArgs {
    /// Keep the chain in this directory (default: a temporary directory removed on exit).
    #[arg(long)]
    pub home: Option<PathBuf>,
    /// Block interval in milliseconds.
    #[arg(long, default_value_t = 500)]
    pub block_time_ms: u64,
    /// gRPC listen address.
    #[arg(long, default_value = "127.0.0.1:9090")]
    pub grpc_addr: SocketAddr,
    /// HTTP listen address.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub http_addr: SocketAddr,
    /// Log format: text or json.
    #[arg(long, default_value = "text")]
    pub log_format: String,
}

impl DevArgs {
    /// Runs `dev`.
    pub async fn run(self) -> Result<()> {
        logging::init(&self.log_format, "info");
        let (_tmp, home) = match &self.home {
            Some(h) => (None, Home(h.clone())),
            None => {
                let t = tempfile::tempdir().context("creating a temporary home")?;
                let h = Home(t.path().to_path_buf());
                (Some(t), h)
            }
        };
        let keystore = Keystore::open(home.keys())?;
        if !home.genesis().exists() {
            // The dev key is the governance committee's sole member: its proposals pass and
            // execute as they are made (docs/governance.md), so one transaction admits an
            // issuer, grants upload rights or upgrades a contract on the dev chain.
            let key = bayledger_types::SecretKey::generate();
            init_home_with_committee(
                &home,
                "bayledger-dev",
                "dev",
                self.block_time_ms,
                false,
                Some(Committee::sole(key.address(), "dev")),
            )?;
            keystore.create("dev", &key, DEV_PASSPHRASE)?;
        }
        let dev_key = keystore.load("dev", DEV_PASSPHRASE)?;
        let mut config = NodeConfig::load(&home.config())?;
        config.rpc.grpc_addr = self.grpc_addr;
        config.rpc.http_addr = self.http_addr;
        config.consensus.block_time_ms = self.block_time_ms;
        let node = RunningNode::start(&home, config).await?;
        println!("Bayledger dev chain is running (Ctrl-C to stop)");
        println!("  home:     {}", home.0.display());
        println!("  gRPC:     http://{}", node.grpc_addr);
        println!("  HTTP:     http://{}/health", node.http_addr);
        println!("  dev key:  name=dev address={} passphrase={DEV_PASSPHRASE}", dev_key.address());
        println!(
            "  use it:   export BAYLEDGER_KEYSTORE={} BAYLEDGER_PASSPHRASE={DEV_PASSPHRASE}",
            home.keys().display()
        );
        println!(
            "            bayledger contract deploy target/contracts/kv_registry.wasm --from dev"
        );
        node.run_until_signal().await
    }
}
