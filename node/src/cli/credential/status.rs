//! `credential show` and the issuer's status changes: `revoke`, `suspend`, `reinstate`.

use super::super::client_opts::{ClientOpts, KeyOpts, TxOpts};
use super::super::output::{print_value, receipt_json};
use super::{contract, parse_time};
use clap::Args;
use eyre::{Result, bail};

/// `credential show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The credential id (e.g. urn:uuid:…).
    id: String,
    /// As of this time, RFC 3339 [default: the latest block's time].
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    #[command(flatten)]
    client: ClientOpts,
}

impl ShowArgs {
    /// Prints the anchored credential.
    pub async fn run(self) -> Result<()> {
        let at = parse_time("at", self.at.as_deref())?;
        let credentials = contract(self.client.connect().await?).await?;
        match credentials.credential(&self.id, at).await? {
            Some(c) => print_value(&serde_json::to_value(&c)?, self.client.output),
            None => match at {
                Some(_) => bail!("credential {:?} was not anchored by then", self.id),
                None => bail!("credential {:?} is not anchored", self.id),
            },
        }
        Ok(())
    }
}

/// `credential revoke|suspend|reinstate`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The credential id.
    id: String,
    /// Why (1-256 bytes, recorded on chain: no personal data).
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// Which status change.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    /// Revoke (final).
    Revoke,
    /// Suspend.
    Suspend,
    /// Reinstate.
    Reinstate,
}

impl StatusArgs {
    /// Sends the change and prints the receipt.
    pub async fn run(self, change: Change) -> Result<()> {
        if self.reason.trim().is_empty() {
            bail!("--reason must not be empty");
        }
        let key = self.key.load()?;
        let credentials = contract(self.tx.apply(self.client.connect().await?)).await?;
        let done = match change {
            Change::Revoke => credentials.revoke(&key, &self.id, &self.reason).await?,
            Change::Suspend => credentials.suspend(&key, &self.id, &self.reason).await?,
            Change::Reinstate => credentials.reinstate(&key, &self.id, &self.reason).await?,
        };
        print_value(&receipt_json(&done.receipt), self.client.output);
        Ok(())
    }
}
