//! `bayledger credential`: verifiable credentials (placeholder until its commands land).

use clap::Subcommand;
use eyre::Result;

/// `credential` subcommands.
#[derive(Debug, Subcommand)]
pub enum CredentialCmd {}

impl CredentialCmd {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {}
    }
}
