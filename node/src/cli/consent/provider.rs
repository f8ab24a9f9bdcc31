//! The provider's commands: `check` before a transfer (exits non-zero when refused), and
//! `transfer`, which hashes what was sent on this machine — a salted commitment by default
//! (docs/privacy.md §3) — and records the receipt. The data never goes to the chain.

use super::super::client_opts::{ClientOpts, KeyOpts, TxOpts};
use super::super::output::{OutputFormat, hex0x};
use super::subject::parse_consent_id;
use super::{contract, parse_opt_time, show};
use bayledger_sdk::Hash;
use bayledger_sdk::system::consent::{CheckRequest, ConsentId, TransferRecord};
use bayledger_sdk::system::hash_registry::commitment::{Commitment, salted_sha3_file, sha3_file};
use clap::Args;
use eyre::{Result, bail, eyre};
use serde_json::json;
use std::path::{Path, PathBuf};

/// `consent check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The data subject's DID.
    #[arg(long, value_name = "DID")]
    subject: String,
    /// The provider DID.
    #[arg(long, value_name = "DID")]
    provider: String,
    /// The recipient DID.
    #[arg(long, value_name = "DID")]
    recipient: String,
    /// The data category.
    #[arg(long, value_name = "C")]
    category: String,
    /// The purpose.
    #[arg(long, value_name = "P")]
    purpose: String,
    /// As of this time, RFC 3339 [default: the latest block's time].
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    #[command(flatten)]
    client: ClientOpts,
}

/// `consent transfer`.
#[derive(Debug, Args)]
pub struct TransferArgs {
    /// The consent the transfer relies on.
    #[arg(value_name = "CONSENT_ID", value_parser = parse_consent_id)]
    id: ConsentId,
    /// The file sent to the recipient: hashed here, never sent to the chain.
    #[arg(long, value_name = "PATH")]
    file: PathBuf,
    /// The data category sent [default: the consent's only category].
    #[arg(long, value_name = "C")]
    category: Option<String>,
    /// The purpose [default: the consent's only purpose].
    #[arg(long, value_name = "P")]
    purpose: Option<String>,
    /// The salt already handed to the recipient with the file (hex, at least 16 bytes)
    /// [default: a fresh 32-byte salt, printed].
    #[arg(long, value_name = "HEX", conflicts_with = "plain")]
    salt: Option<String>,
    /// Record the plain SHA3-256 of the file (only for large, unpredictable payloads).
    #[arg(long)]
    plain: bool,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

impl CheckArgs {
    /// Prints the answer; fails when the transfer is refused.
    pub async fn run(self) -> Result<()> {
        let at_ms = parse_opt_time("at", self.at.as_deref())?;
        let consents = contract(self.client.connect().await?).await?;
        let answer = consents
            .check(&CheckRequest {
                subject: self.subject,
                provider: self.provider,
                recipient: self.recipient,
                category: self.category,
                purpose: self.purpose,
                at_ms,
            })
            .await?;
        let v = match self.client.output {
            OutputFormat::Json => json!(answer),
            OutputFormat::Text => json!({
                "result": if answer.allowed { "allowed" } else { "refused" },
                "reason": answer.reason,
                "consent_id": answer.consent_id,
            }),
        };
        show(v, self.client.output);
        if !answer.allowed {
            bail!("refused ({})", answer.reason_kind());
        }
        Ok(())
    }
}

/// The hash recorded for `file`, and the salt to hand over with it (none for `--plain`).
fn data_hash(file: &Path, salt: Option<&str>, plain: bool) -> Result<(Hash, Option<Vec<u8>>)> {
    match (salt, plain) {
        (Some(_), true) => bail!("--salt and --plain exclude each other"),
        (None, true) => Ok((sha3_file(file)?, None)),
        (Some(hex_salt), false) => {
            let salt = hex::decode(hex_salt.strip_prefix("0x").unwrap_or(hex_salt))
                .map_err(|e| eyre!("--salt {hex_salt:?} is not hex: {e}"))?;
            Ok((salted_sha3_file(&salt, file)?, Some(salt)))
        }
        (None, false) => {
            let c = Commitment::of_file(file)?;
            Ok((c.hash, Some(c.salt)))
        }
    }
}

/// `given` if set, else the only entry of `list`.
fn only_or_given(
    what: &str,
    given: Option<String>,
    list: &[String],
    id: ConsentId,
) -> Result<String> {
    match (given, list) {
        (Some(g), _) => Ok(g),
        (None, [only]) => Ok(only.clone()),
        (None, _) => {
            bail!("consent {id} covers [{}]: name the {what} with --{what}", list.join(", "))
        }
    }
}

impl TransferArgs {
    /// Hashes the file, records the receipt and prints it with the salt.
    pub async fn run(self) -> Result<()> {
        let (data_hash, salt) = data_hash(&self.file, self.salt.as_deref(), self.plain)?;
        let consents = contract(self.tx.apply(self.client.connect().await?)).await?;
        let consent = consents.consent(self.id, None).await?;
        let category = only_or_given("category", self.category, &consent.data_categories, self.id)?;
        let purpose = only_or_given("purpose", self.purpose, &consent.purposes, self.id)?;
        let key = self.key.load()?;
        let record = TransferRecord { consent_id: self.id, data_hash, category, purpose };
        let done = consents.record_transfer(&key, &record).await?;
        let mut v = json!(done.value);
        v["file"] = json!(self.file.display().to_string());
        v["salt"] = json!(salt.as_deref().map(hex0x));
        v["tx_hash"] = json!(hex0x(&done.receipt.tx_hash));
        if salt.is_some() && self.client.output == OutputFormat::Text {
            eprintln!(
                "hand the salt to the recipient with the file and keep it with your record: \
                 the receipt's data_hash is SHA3-256(salt ‖ file)"
            );
        }
        show(v, self.client.output);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_hashes_are_salted_unless_plain() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("labs.json");
        std::fs::write(&file, br#"{"hb":13.1}"#).unwrap();
        let (plain, none) = data_hash(&file, None, true).unwrap();
        assert_eq!((plain, none), (Hash::sha3(br#"{"hb":13.1}"#), None));
        let (fresh, salt) = data_hash(&file, None, false).unwrap();
        let salt = salt.unwrap();
        assert_eq!(salt.len(), 32);
        assert_eq!(fresh, Hash::sha3(&[&salt[..], br#"{"hb":13.1}"#].concat()));
        let given = format!("0x{}", hex::encode(&salt));
        assert_eq!(data_hash(&file, Some(&given), false).unwrap(), (fresh, Some(salt)));
        let e = data_hash(&file, Some("zz"), false).unwrap_err().to_string();
        assert!(e.contains("--salt \"zz\" is not hex"), "{e}");
        let e = data_hash(&file, Some("00ff"), false).unwrap_err().to_string();
        assert!(e.contains("at least 16"), "{e}");
        let e = data_hash(&dir.path().join("none"), None, false).unwrap_err().to_string();
        assert!(e.contains("cannot read"), "{e}");
    }

    #[test]
    fn category_and_purpose_default_to_the_only_one() {
        let id = ConsentId(4);
        let one = vec!["treatment".to_string()];
        let two = vec!["a".to_string(), "b".to_string()];
        assert_eq!(only_or_given("purpose", None, &one, id).unwrap(), "treatment");
        assert_eq!(only_or_given("purpose", Some("b".into()), &two, id).unwrap(), "b");
        let e = only_or_given("category", None, &two, id).unwrap_err().to_string();
        assert_eq!(e, "consent 4 covers [a, b]: name the category with --category");
    }
}
