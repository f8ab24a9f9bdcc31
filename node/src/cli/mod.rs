//! The `bayledger` command line: node commands (`init`, `start`, `dev`,
//! `bench`, `testnet`) and client commands (`keys`, `contract`, `hash`, `did`, `credential`,
//! `consent`, `gov`, `query`, `status`).

mod bench;
mod client_opts;
mod consent;
mod contract;
mod credential;
mod dev;
mod did;
mod gov;
mod hash;
mod init;
mod keys;
pub(crate) mod output;
mod query;
mod start;
mod status;
mod testnet;
mod verify;

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
    /// Register data hashes and check registrations (the data-hash registry).
    #[command(subcommand)]
    Hash(hash::HashCmd),
    /// Create, resolve, update and deactivate did:bayledger DIDs.
    #[command(subcommand)]
    Did(did::DidCmd),
    /// Issue, verify and revoke verifiable credentials; manage credential types and issuers.
    #[command(subcommand)]
    Credential(credential::CredentialCmd),
    /// Grant, withdraw and check consent; record and audit transfers.
    #[command(subcommand)]
    Consent(consent::ConsentCmd),
    /// Propose, vote on and execute the consortium committee's decisions.
    #[command(subcommand)]
    Gov(gov::GovCmd),
    /// Query blocks, transactions and accounts.
    #[command(subcommand)]
    Query(query::QueryCmd),
    /// Show a node's status.
    Status(status::StatusArgs),
    /// Drive signed contract calls into a running chain and report TPS and latency.
    Bench(bench::BenchArgs),
    /// Write keys, configs and a shared genesis for a local multi-node network.
    Testnet(testnet::TestnetArgs),
    /// Check headers and state against the validators' signatures (light client).
    #[command(subcommand)]
    Verify(verify::VerifyCmd),
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
            Command::Hash(c) => c.run().await,
            Command::Did(c) => c.run().await,
            Command::Credential(c) => c.run().await,
            Command::Consent(c) => c.run().await,
            Command::Gov(c) => c.run().await,
            Command::Query(c) => c.run().await,
            Command::Status(a) => a.run().await,
            Command::Bench(a) => a.run().await,
            Command::Testnet(a) => a.run(),
            Command::Verify(c) => c.run().await,
        }
    }
}

/// Parses `bayledger <group> <args…>` into the group's subcommand (unit tests of the
/// command groups' argument rules).
#[cfg(test)]
pub(crate) fn parse_group<T: Subcommand + std::fmt::Debug>(
    group: &str,
    args: &[&str],
) -> Result<T, String> {
    #[derive(Debug, Parser)]
    struct Group<T: Subcommand + std::fmt::Debug> {
        #[command(subcommand)]
        cmd: T,
    }
    Group::<T>::try_parse_from([&[group], args].concat()).map(|g| g.cmd).map_err(|e| e.to_string())
}
