//! `bayledger consent`: consent records (placeholder until its commands land).

use clap::Subcommand;
use eyre::Result;

/// `consent` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConsentCmd {}

impl ConsentCmd {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {}
    }
}
