//! Reading the trail, for the subject and auditors: `show`, `history`, `list`, `transfers`.
//! Every query is public.

use super::super::client_opts::ClientOpts;
use super::subject::parse_consent_id;
use super::{contract, parse_opt_time, show};
use bayledger_sdk::system::consent::{ConsentId, ListBy, Page};
use clap::Args;
use eyre::{Result, bail};
use serde_json::json;

/// `consent show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The consent id.
    #[arg(value_name = "CONSENT_ID", value_parser = parse_consent_id)]
    id: ConsentId,
    /// Status and history as of this time, RFC 3339 [default: the latest block's time].
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    #[command(flatten)]
    client: ClientOpts,
}

/// `consent history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The consent id.
    #[arg(value_name = "CONSENT_ID", value_parser = parse_consent_id)]
    id: ConsentId,
    /// As of this time, RFC 3339 [default: the latest block's time].
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    #[command(flatten)]
    client: ClientOpts,
}

/// `consent list`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("whose").required(true).args(["subject", "provider"]))]
pub struct ListArgs {
    /// The consents this subject DID gave.
    #[arg(long, value_name = "DID")]
    subject: Option<String>,
    /// The consents given to this provider DID.
    #[arg(long, value_name = "DID")]
    provider: Option<String>,
    /// Statuses as of this time, RFC 3339 [default: the latest block's time].
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// One page only: start after this consent id.
    #[arg(long, value_name = "CONSENT_ID", value_parser = parse_consent_id)]
    start_after: Option<ConsentId>,
    /// One page only, of at most this many (1-100) [default: every consent].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100))]
    limit: Option<u32>,
    #[command(flatten)]
    client: ClientOpts,
}

/// `consent transfers`.
#[derive(Debug, Args)]
pub struct TransfersArgs {
    /// The consent id.
    #[arg(value_name = "CONSENT_ID", value_parser = parse_consent_id)]
    id: ConsentId,
    /// One page only: start after this receipt seq.
    #[arg(long, value_name = "SEQ")]
    start_after: Option<u64>,
    /// One page only, of at most this many (1-100) [default: every receipt].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100))]
    limit: Option<u32>,
    #[command(flatten)]
    client: ClientOpts,
}

impl ShowArgs {
    /// Prints the record.
    pub async fn run(self) -> Result<()> {
        let at = parse_opt_time("at", self.at.as_deref())?;
        let consents = contract(self.client.connect().await?).await?;
        show(json!(consents.consent(self.id, at).await?), self.client.output);
        Ok(())
    }
}

impl HistoryArgs {
    /// Prints every event.
    pub async fn run(self) -> Result<()> {
        let at = parse_opt_time("at", self.at.as_deref())?;
        let consents = contract(self.client.connect().await?).await?;
        show(json!(consents.full_history(self.id, at).await?), self.client.output);
        Ok(())
    }
}

impl ListArgs {
    /// Prints the consents (every page unless one is asked for).
    pub async fn run(self) -> Result<()> {
        let at = parse_opt_time("at", self.at.as_deref())?;
        let (by, did) = match (self.subject, self.provider) {
            (Some(s), None) => (ListBy::Subject, s),
            (None, Some(p)) => (ListBy::Provider, p),
            _ => bail!("give exactly one of --subject DID and --provider DID"),
        };
        let consents = contract(self.client.connect().await?).await?;
        let list = if self.start_after.is_none() && self.limit.is_none() {
            consents.all_consents(by, &did, at).await?
        } else {
            let page = Page { start_after: self.start_after, limit: self.limit };
            consents.consents(by, &did, at, &page).await?
        };
        show(json!(list), self.client.output);
        Ok(())
    }
}

impl TransfersArgs {
    /// Prints the receipts (every page unless one is asked for).
    pub async fn run(self) -> Result<()> {
        let consents = contract(self.client.connect().await?).await?;
        let transfers = if self.start_after.is_none() && self.limit.is_none() {
            consents.all_transfers(self.id).await?
        } else {
            let page = Page { start_after: self.start_after, limit: self.limit };
            consents.transfers(self.id, &page).await?.transfers
        };
        show(json!({ "consent_id": self.id, "transfers": transfers }), self.client.output);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cmd {
        #[command(flatten)]
        list: ListArgs,
    }

    #[test]
    fn list_needs_exactly_one_party() {
        assert!(Cmd::try_parse_from(["x", "--subject", "did:a:b"]).is_ok());
        assert!(Cmd::try_parse_from(["x"]).is_err());
        assert!(
            Cmd::try_parse_from(["x", "--subject", "did:a:b", "--provider", "did:a:c"]).is_err()
        );
        assert!(Cmd::try_parse_from(["x", "--provider", "did:a:c", "--limit", "101"]).is_err());
        let e = Cmd::try_parse_from(["x", "--provider", "did:a:c", "--start-after", "0"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("is not a consent id"), "{e}");
    }
}
