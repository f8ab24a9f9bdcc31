//! `bayledger init`: writes config.toml, a validator key and a single-validator genesis
//! carrying the system contracts.

use super::client_opts::parse_address;
use crate::home::{Home, init_home_with_committee};
use bayledger_types::Address;
use clap::Args;
use eyre::Result;
use std::path::PathBuf;

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Home directory (default: $BAYLEDGER_HOME or ~/.bayledger).
    #[arg(long)]
    pub home: Option<PathBuf>,
    /// Chain id, `[a-z0-9-]{1,50}`.
    #[arg(long, default_value = "bayledger-local")]
    pub chain_id: String,
    /// Node name.
    #[arg(long, default_value = "node0")]
    pub moniker: String,
    /// Block interval in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub block_time_ms: u64,
    /// Committee address of the system contracts (admits credential types and issuers)
    /// [default: the new validator's address].
    #[arg(long, value_parser = parse_address)]
    pub committee: Option<Address>,
    /// Overwrite an existing home.
    #[arg(long)]
    pub force: bool,
}

impl InitArgs {
    /// Runs `init`.
    pub fn run(self) -> Result<()> {
        let home = Home(self.home.clone().unwrap_or_else(Home::default_path));
        let key = init_home_with_committee(
            &home,
            &self.chain_id,
            &self.moniker,
            self.block_time_ms,
            self.force,
            self.committee,
        )?;
        println!("initialised {}", home.0.display());
        println!("chain id:  {}", self.chain_id);
        println!("validator: {}", key.address());
        println!("start it:  bayledger start --home {}", home.0.display());
        Ok(())
    }
}
