//! The data subject's commands: `grant` and `withdraw` sent with the subject's key, and the
//! delegated path — `sign-grant` (the subject's wallet signs, offline with `--nonce`) and
//! `submit-grant` (anyone sends the signed file).

use super::super::client_opts::{ClientOpts, KeyOpts, TxOpts, read_file};
use super::super::output::{hex0x, print_value};
use super::terms::TermsArgs;
use super::{contract, show};
use bayledger_sdk::SystemContract;
use bayledger_sdk::system::consent::{ConsentId, Consents, GrantTerms, SignedGrant};
use clap::Args;
use eyre::{Result, WrapErr, eyre};
use serde_json::{Value, json};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// `consent grant`.
#[derive(Debug, Args)]
pub struct GrantArgs {
    #[command(flatten)]
    terms: TermsArgs,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// `consent withdraw`.
#[derive(Debug, Args)]
pub struct WithdrawArgs {
    /// The consent id.
    #[arg(value_name = "CONSENT_ID", value_parser = parse_consent_id)]
    id: ConsentId,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// `consent sign-grant`.
#[derive(Debug, Args)]
pub struct SignGrantArgs {
    #[command(flatten)]
    terms: TermsArgs,
    /// The subject's next delegation nonce; given, nothing is asked of a node (and
    /// --valid-from defaults to this machine's clock).
    #[arg(long, value_name = "N")]
    nonce: Option<u64>,
    /// Where to write the signed grant [default: printed].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// `consent submit-grant`.
#[derive(Debug, Args)]
pub struct SubmitGrantArgs {
    /// The signed grant written by `sign-grant` (`-` for stdin).
    file: PathBuf,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// Parses a consent id argument.
pub fn parse_consent_id(s: &str) -> std::result::Result<ConsentId, String> {
    s.parse::<ConsentId>().map_err(|e| e.to_string())
}

impl GrantArgs {
    /// Sends the grant and prints the new consent.
    pub async fn run(self) -> Result<()> {
        let consents = contract(self.tx.apply(self.client.connect().await?)).await?;
        let terms = terms_now(&self.terms, &consents).await?;
        let key = self.key.load()?;
        let done = consents.grant(&key, &terms).await?;
        show(
            json!({
                "consent_id": done.value.consent_id,
                "cross_border": done.value.cross_border,
                "subject": terms.subject,
                "provider": terms.provider,
                "recipient": terms.recipient,
                "valid_from_ms": terms.valid_from_ms,
                "valid_until_ms": terms.valid_until_ms,
                "tx_hash": hex0x(&done.receipt.tx_hash),
            }),
            self.client.output,
        );
        Ok(())
    }
}

impl WithdrawArgs {
    /// Sends the withdrawal.
    pub async fn run(self) -> Result<()> {
        let consents = contract(self.tx.apply(self.client.connect().await?)).await?;
        let key = self.key.load()?;
        let done = consents.withdraw(&key, self.id).await?;
        show(
            json!({
                "consent_id": done.value.consent_id,
                "withdrawn_at_ms": done.value.withdrawn_at_ms,
                "tx_hash": hex0x(&done.receipt.tx_hash),
            }),
            self.client.output,
        );
        Ok(())
    }
}

/// The terms, valid from the latest block's time unless `--valid-from` says otherwise.
async fn terms_now(args: &TermsArgs, consents: &Consents) -> Result<GrantTerms> {
    let default_from = if args.has_valid_from() {
        0
    } else {
        consents.handle().client().status().await?.latest_block_time_ms
    };
    args.terms(default_from)
}

/// This machine's clock, ms since the Unix epoch.
fn local_now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

impl SignGrantArgs {
    /// Signs the terms with the subject's key and writes (or prints) the signed grant.
    pub async fn run(self) -> Result<()> {
        let contract_address = SystemContract::Consent.address();
        let signed = match self.nonce {
            Some(nonce) => {
                let terms = self.terms.terms(local_now_ms())?;
                let key = self.key.load()?;
                SignedGrant::sign(contract_address, nonce, terms, &key)?
            }
            None => {
                let consents = contract(self.client.connect().await?).await?;
                let terms = terms_now(&self.terms, &consents).await?;
                let key = self.key.load()?;
                consents.sign_grant(&key, terms).await?
            }
        };
        let text = serde_json::to_string_pretty(&signed)?;
        match &self.out {
            None => println!("{text}"),
            Some(path) => {
                std::fs::write(path, format!("{text}\n"))
                    .wrap_err_with(|| format!("cannot write {}", path.display()))?;
                print_value(
                    &json!({
                        "out": path.display().to_string(),
                        "subject": signed.terms.subject,
                        "signer": signed.signer,
                        "nonce": signed.delegation.nonce,
                        "consent_contract": signed.consent_contract,
                    }),
                    self.client.output,
                );
            }
        }
        Ok(())
    }
}

/// A signed grant from a file or stdin.
fn read_signed(path: &Path) -> Result<SignedGrant> {
    let bytes = if path.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::stdin().read_to_end(&mut b).wrap_err("cannot read the signed grant from stdin")?;
        b
    } else {
        read_file(path)?
    };
    serde_json::from_slice(&bytes).map_err(|e| {
        eyre!("{} is not a signed grant (written by `consent sign-grant`): {e}", path.display())
    })
}

impl SubmitGrantArgs {
    /// Checks the file and submits it.
    pub async fn run(self) -> Result<()> {
        let signed = read_signed(&self.file)?;
        signed.verify()?;
        let consents = contract(self.tx.apply(self.client.connect().await?)).await?;
        let key = self.key.load()?;
        let done = consents.submit_grant(&key, &signed).await?;
        show(
            json!({
                "consent_id": done.value.consent_id,
                "cross_border": done.value.cross_border,
                "subject": signed.terms.subject,
                "signer": signed.signer,
                "submitted_by": key.address(),
                "nonce": signed.delegation.nonce,
                "tx_hash": Value::String(hex0x(&done.receipt.tx_hash)),
            }),
            self.client.output,
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_ids_are_checked() {
        assert_eq!(parse_consent_id("12"), Ok(ConsentId(12)));
        let e = parse_consent_id("012").unwrap_err();
        assert!(e.contains("is not a consent id"), "{e}");
    }

    #[test]
    fn signed_grant_files_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grant.json");
        std::fs::write(&path, "{}").unwrap();
        let e = read_signed(&path).unwrap_err().to_string();
        assert!(e.contains("is not a signed grant (written by `consent sign-grant`)"), "{e}");
        let e = read_signed(Path::new("/nonexistent/g.json")).unwrap_err().to_string();
        assert!(e.contains("cannot read /nonexistent/g.json"), "{e}");
    }
}
