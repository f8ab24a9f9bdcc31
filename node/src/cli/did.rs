//! `bayledger did`: DID documents (placeholder until its commands land).

use clap::Subcommand;
use eyre::Result;

/// `did` subcommands.
#[derive(Debug, Subcommand)]
pub enum DidCmd {}

impl DidCmd {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {}
    }
}
