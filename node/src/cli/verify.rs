//! `bayledger verify`: light verification from the command line. Trust
//! starts at a genesis file or a checkpoint; everything the node sends is
//! checked against the validators' signatures (docs/light-verification.md).
//! Prints what was verified; any refusal is an error (non-zero exit).
//!
//! * `verify header [--height N]` — the signed header at `N` (0 = latest),
//!   following validator-set changes from the anchor.
//! * `verify state <KEY> [--height N]` — a state key's value or absence,
//!   proven against that block's verified state root.

use super::client_opts::ClientOpts;
use super::output::{data_text, hex0x, opt_hex, print_value, time_text};
use bayledger_genesis::Genesis;
use bayledger_sdk::light::{LightClient, TrustAnchor, VerifiedHeader};
use clap::{Args, Subcommand};
use eyre::{Result, WrapErr};
use serde_json::{Value, json};
use std::path::PathBuf;

/// `verify`.
#[derive(Debug, Subcommand)]
pub enum VerifyCmd {
    /// Verify a signed header (and the validator-set changes up to it).
    Header(HeaderArgs),
    /// Verify a state key's value, or its absence, at a height.
    State(StateArgs),
}

/// Where trust starts.
#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = false)]
pub struct AnchorOpts {
    /// Trust the chain's genesis file.
    #[arg(long, value_name = "FILE")]
    pub genesis: Option<PathBuf>,
    /// Trust a checkpoint (JSON: chain_id, height, block_hash, validators).
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
}

impl AnchorOpts {
    /// Reads the anchor.
    pub fn load(&self) -> Result<TrustAnchor> {
        match (&self.genesis, &self.checkpoint) {
            (Some(path), _) => {
                let genesis = Genesis::load(path)
                    .wrap_err_with(|| format!("reading genesis {}", path.display()))?;
                Ok(TrustAnchor::from_genesis(&genesis))
            }
            (None, Some(path)) => Ok(TrustAnchor::load(path)?),
            (None, None) => eyre::bail!("give --genesis FILE or --checkpoint FILE"),
        }
    }
}

/// `verify header`.
#[derive(Debug, Args)]
pub struct HeaderArgs {
    /// Height (0 = the node's latest).
    #[arg(long, default_value_t = 0)]
    pub height: u64,
    #[command(flatten)]
    pub anchor: AnchorOpts,
    #[command(flatten)]
    pub client: ClientOpts,
}

/// `verify state`.
#[derive(Debug, Args)]
pub struct StateArgs {
    /// The full state key: `0x` + hex, or text (e.g. `sys/validators`).
    pub key: String,
    /// Height (0 = the node's latest).
    #[arg(long, default_value_t = 0)]
    pub height: u64,
    #[command(flatten)]
    pub anchor: AnchorOpts,
    #[command(flatten)]
    pub client: ClientOpts,
}

impl VerifyCmd {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            VerifyCmd::Header(a) => {
                let mut light = light_client(&a.anchor, &a.client).await?;
                let header = light.header(a.height).await.wrap_err("header verification failed")?;
                let mut out = header_json(&header);
                out["validator_set_changes"] = changes_json(&light);
                print_value(&out, a.client.output);
            }
            VerifyCmd::State(a) => {
                let key = parse_key(&a.key)?;
                let mut light = light_client(&a.anchor, &a.client).await?;
                let entry =
                    light.state(&key, a.height).await.wrap_err("state verification failed")?;
                let out = json!({
                    "key": hex0x(&entry.key),
                    "key_text": std::str::from_utf8(&entry.key).ok(),
                    "exists": entry.value.is_some(),
                    "value": entry.value.as_deref().map(hex0x),
                    "value_text": entry.value.as_deref().map(data_text),
                    "header": header_json(&entry.header),
                    "validator_set_changes": changes_json(&light),
                });
                print_value(&out, a.client.output);
            }
        }
        Ok(())
    }
}

async fn light_client(anchor: &AnchorOpts, client: &ClientOpts) -> Result<LightClient> {
    let anchor = anchor.load()?;
    Ok(LightClient::new(&client.connect().await?, &anchor)?)
}

/// A key given as `0x` + hex, or as text.
fn parse_key(s: &str) -> Result<Vec<u8>> {
    let key = match s.strip_prefix("0x") {
        Some(digits) => {
            hex::decode(digits).wrap_err_with(|| format!("{s:?} is not valid hex after 0x"))?
        }
        None => s.as_bytes().to_vec(),
    };
    eyre::ensure!(!key.is_empty(), "the key must not be empty");
    Ok(key)
}

fn header_json(h: &VerifiedHeader) -> Value {
    json!({
        "chain_id": h.header.chain_id,
        "height": h.height,
        "block_hash": hex0x(&h.hash.0),
        "time": time_text(h.header.time_ms),
        "state_root": hex0x(&h.state_root.0),
        "validator_set_hash": opt_hex(&h.header.validator_set_hash),
        // None: the anchor's own block, trusted by its hash.
        "commit_signatures": h.signatures,
    })
}

fn changes_json(light: &LightClient) -> Value {
    light
        .trusted()
        .epochs()
        .iter()
        .skip(1)
        .map(|e| {
            json!({
                "from_height": e.from_height,
                "validator_set_hash": hex0x(&e.set_hash.0),
                "validators": e.set.validators.len(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::parse_group;

    #[test]
    fn keys_are_hex_or_text() {
        assert_eq!(parse_key("0x6b76").expect("hex"), b"kv");
        assert_eq!(parse_key("sys/validators").expect("text"), b"sys/validators");
        assert!(parse_key("0xzz").is_err());
        assert!(parse_key("").is_err());
    }

    #[test]
    fn exactly_one_anchor_is_required() {
        assert!(parse_group::<VerifyCmd>("verify", &["header"]).is_err());
        assert!(
            parse_group::<VerifyCmd>("verify", &["header", "--genesis", "g", "--checkpoint", "c"])
                .is_err()
        );
        let cmd = parse_group::<VerifyCmd>("verify", &["state", "k", "--checkpoint", "c"])
            .expect("parses");
        assert!(matches!(cmd, VerifyCmd::State(StateArgs { height: 0, .. })));
    }
}
