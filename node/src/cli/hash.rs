//! `bayledger hash`: the data-hash registry (placeholder until its commands land).

use clap::Subcommand;
use eyre::Result;

/// `hash` subcommands.
#[derive(Debug, Subcommand)]
pub enum HashCmd {}

impl HashCmd {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {}
    }
}
