//! The `bayledger` command line: node commands (`init`, `start`, `dev`,
//! `bench`) and client commands (`keys`, `contract`, `query`, `status`).

mod bench;
mod client_opts;
mod contract;
mod dev;
mod init;
mod keys;
mod output;
mod query;
mod start;
mod status;
mod testnet;

use clap::{Parser, Subcommand};

/// Bayledger: a permissioned BFT chain for cross-border data verification.
#[derive(Debug, Parser)]
#[command(name = "bayledger", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a node home: config, validator key and a single-validator genesis.
    Init(init::InitArgs),
    /// Run a node from its home directory.
    Start(start::StartArgs),
    /// Run a fresh single-validator development chain with zero configuration.
    Dev(dev::DevArgs),
    /// Manage encrypted account keys.
    #[command(subcommand)]
    Keys(keys::KeysCmd),
    /// Check, deploy, call and query contracts.
    #[command(subcommand)]
    Contract(contract::ContractCmd),
    /// Query blocks, transactions and accounts.
    #[command(subcommand)]
    Query(query::QueryCmd),
    /// Show a node's status.
    Status(status::StatusArgs),
    /// Drive signed contract calls into a running chain and report TPS and latency.
    Bench(bench::BenchArgs),
    /// Write keys, configs and a shared genesis for a local multi-node network.
    Testnet(testnet::TestnetArgs),
}

impl Cli {
    /// Runs the selected command.
    pub async fn run(self) -> eyre::Result<()> {
        match self.command {
            Command::Init(a) => a.run(),
            Command::Start(a) => a.run().await,
            Command::Dev(a) => a.run().await,
            Command::Keys(c) => c.run().await,
            Command::Contract(c) => c.run().await,
            Command::Query(c) => c.run().await,
            Command::Status(a) => a.run().await,
            Command::Bench(a) => a.run().await,
            Command::Testnet(a) => a.run(),
        }
    }
}
