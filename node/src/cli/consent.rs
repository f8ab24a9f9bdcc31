//! `bayledger consent`: consent records of the `consent` system contract (ISO/IEC TS 27560,
//! PIPL; docs/domain-contracts.md, docs/privacy.md).
//!
//! - the data subject: `grant`, `withdraw`; or, through anyone, `sign-grant` (offline, writes
//!   a signed delegation) and `submit-grant`;
//! - the provider: `check` (exits non-zero when refused), `transfer` (hashes the sent file
//!   here and records the receipt; the file never leaves this machine);
//! - anyone (the subject, auditors): `show`, `history`, `list`, `transfers`.
//!
//! Every command takes `--node` and `-o text|json`; signed ones take `--from NAME` and the
//! transaction limits. Times are RFC 3339 on the command line and in text output.

mod audit;
mod provider;
mod subject;
mod terms;

use super::output::{OutputFormat, print_value, time_text};
use bayledger_sdk::system::consent::Consents;
use bayledger_sdk::system::credentials::time;
use clap::Subcommand;
use eyre::{Result, WrapErr};
use serde_json::Value;

/// `consent` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConsentCmd {
    /// Give a consent (sent by a key that controls the subject DID).
    Grant(subject::GrantArgs),
    /// Withdraw a consent (sent by a key that controls its subject DID).
    Withdraw(subject::WithdrawArgs),
    /// May the provider transfer this category for this purpose? Exits non-zero when refused.
    Check(provider::CheckArgs),
    /// Record a transfer receipt: hash the sent file here, record the hash (provider).
    Transfer(provider::TransferArgs),
    /// Show a consent: terms, status and history.
    Show(audit::ShowArgs),
    /// A consent's full history (given, withdrawn or expired).
    History(audit::HistoryArgs),
    /// List the consents of a subject or a provider.
    List(audit::ListArgs),
    /// A consent's transfer receipts.
    Transfers(audit::TransfersArgs),
    /// Sign a grant with the subject's key so anyone may submit it (writes a JSON file).
    SignGrant(subject::SignGrantArgs),
    /// Submit a grant the subject signed with `sign-grant` (any key pays).
    SubmitGrant(subject::SubmitGrantArgs),
}

impl ConsentCmd {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            ConsentCmd::Grant(a) => a.run().await,
            ConsentCmd::Withdraw(a) => a.run().await,
            ConsentCmd::Check(a) => a.run().await,
            ConsentCmd::Transfer(a) => a.run().await,
            ConsentCmd::Show(a) => a.run().await,
            ConsentCmd::History(a) => a.run().await,
            ConsentCmd::List(a) => a.run().await,
            ConsentCmd::Transfers(a) => a.run().await,
            ConsentCmd::SignGrant(a) => a.run().await,
            ConsentCmd::SubmitGrant(a) => a.run().await,
        }
    }
}

/// The consent contract through `client`, checked to be at its genesis address.
async fn contract(client: bayledger_sdk::Client) -> Result<Consents> {
    let consents = Consents::new(client);
    consents.handle().check().await?;
    Ok(consents)
}

/// Parses an RFC 3339 `--flag` value into ms since the Unix epoch.
fn parse_time(flag: &str, value: &str) -> Result<u64> {
    time::parse_ms(value).wrap_err_with(|| format!("--{flag}"))
}

/// Parses an optional RFC 3339 `--flag` value.
fn parse_opt_time(flag: &str, value: Option<&str>) -> Result<Option<u64>> {
    value.map(|v| parse_time(flag, v)).transpose()
}

/// Prints `value`; in text, every `…_ms` time also as RFC 3339.
fn show(value: Value, format: OutputFormat) {
    let value = match format {
        OutputFormat::Json => value,
        OutputFormat::Text => readable_times(value),
    };
    print_value(&value, format);
}

/// `"at_ms": 1700000000000` → `"at_ms": "2023-11-14T22:13:20.000Z (1700000000000)"`,
/// recursively.
fn readable_times(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = match (&v, k.ends_with("_ms")) {
                        (Value::Number(n), true) => match n.as_u64() {
                            Some(ms) => Value::String(format!("{} ({ms})", time_text(ms))),
                            None => v,
                        },
                        _ => readable_times(v),
                    };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(readable_times).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_output_spells_out_times() {
        let v = readable_times(json!({
            "at_ms": 1_700_000_000_123u64,
            "seq": 3,
            "events": [{"at_ms": 0, "height": null}],
        }));
        assert_eq!(
            v,
            json!({
                "at_ms": "2023-11-14T22:13:20.123Z (1700000000123)",
                "seq": 3,
                "events": [{"at_ms": "1970-01-01T00:00:00.000Z (0)", "height": null}],
            })
        );
    }

    #[test]
    fn times_name_their_flag() {
        assert_eq!(parse_time("until", "2026-01-01T00:00:00Z").unwrap(), 1_767_225_600_000);
        let e = parse_time("until", "tomorrow").unwrap_err();
        assert!(format!("{e:#}").starts_with("--until: "), "{e:#}");
        assert_eq!(parse_opt_time("at", None).unwrap(), None);
    }
}
