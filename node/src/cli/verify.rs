//! `bayledger verify`: light verification from the command line. Trust
//! starts at a genesis file or a checkpoint; everything the node sends is
//! checked against the validators' signatures (docs/light-verification.md).
//! Prints what was verified; any refusal is an error (non-zero exit).
//!
//! * `verify header [--height N]` — the signed header at `N` (0 = latest),
//!   following validator-set changes from the anchor.
//! * `verify state <KEY> [--height N]` — a state key's value or absence,
//!   proven against that block's verified state root.
//! * `verify fetch hash|credential|consent|did … -o FILE` — writes a verification
//!   bundle (docs/verification-bundles.md): one record with its proofs, header,
//!   commit and the validator-set changes since the anchor, checked on arrival.
//! * `verify bundle FILE` — checks a bundle offline against the anchor and prints
//!   the record recomputed from its proven state.

use super::client_opts::ClientOpts;
use super::output::{OutputFormat, hex0x, opt_hex, print_value, time_text};
use bayledger_genesis::Genesis;
use bayledger_sdk::bundle::{self, Bundle, Query};
use bayledger_sdk::client::Client;
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
    /// Fetch a verification bundle of one record into a file (checked on arrival).
    #[command(subcommand)]
    Fetch(FetchCmd),
    /// Verify a bundle file offline and print its record.
    Bundle(BundleArgs),
}

/// `verify fetch`: what to fetch.
#[derive(Debug, Subcommand)]
pub enum FetchCmd {
    /// Is a hash registered, by whom and when, and active (hash registry)?
    Hash {
        /// The hash: `0x` + 64 lower-case hex digits.
        hash: String,
        /// The time asked about, ms since the epoch [default: the block's time].
        #[arg(long)]
        at_ms: Option<u64>,
        #[command(flatten)]
        opts: FetchOpts,
    },
    /// A credential's anchor, status and validity (credentials).
    Credential {
        /// The credential id (e.g. `urn:uuid:…`).
        id: String,
        /// The time asked about, ms since the epoch [default: the block's time].
        #[arg(long)]
        at_ms: Option<u64>,
        #[command(flatten)]
        opts: FetchOpts,
    },
    /// A consent's record and status (consent).
    Consent {
        /// The consent id.
        id: u64,
        /// The time asked about, ms since the epoch [default: the block's time].
        #[arg(long)]
        at_ms: Option<u64>,
        #[command(flatten)]
        opts: FetchOpts,
    },
    /// A DID document version (DID registry).
    Did {
        /// The DID.
        did: String,
        /// The version [default: the latest].
        #[arg(long)]
        version: Option<u64>,
        #[command(flatten)]
        opts: FetchOpts,
    },
}

/// Where a bundle is fetched from and written to.
#[derive(Debug, Clone, Args)]
pub struct FetchOpts {
    /// Node gRPC URL.
    #[arg(long, env = "BAYLEDGER_NODE", default_value = "http://127.0.0.1:9090")]
    pub node: String,
    /// The bundle file to write.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub anchor: AnchorOpts,
}

/// `verify bundle`.
#[derive(Debug, Args)]
pub struct BundleArgs {
    /// The bundle file.
    pub file: PathBuf,
    #[command(flatten)]
    pub anchor: AnchorOpts,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value = "text")]
    pub output: OutputFormat,
}

impl FetchCmd {
    async fn run(self) -> Result<()> {
        let (query, opts) = match self {
            FetchCmd::Hash { hash, at_ms, opts } => (Query::Hash { hash, at_ms }, opts),
            FetchCmd::Credential { id, at_ms, opts } => (Query::Credential { id, at_ms }, opts),
            FetchCmd::Consent { id, at_ms, opts } => (Query::Consent { id, at_ms }, opts),
            FetchCmd::Did { did, version, opts } => (Query::Did { did, version }, opts),
        };
        let anchor = opts.anchor.load()?;
        let client = Client::connect(&opts.node).await?;
        let what = query.to_string();
        let b = bundle::fetch(&client, &anchor, query)
            .await
            .wrap_err_with(|| format!("fetching a bundle of {what}"))?;
        std::fs::write(&opts.out, b.to_json())
            .wrap_err_with(|| format!("writing {}", opts.out.display()))?;
        eprintln!(
            "wrote {}: {what} at height {} ({} proven entries, {} validator-set changes)",
            opts.out.display(),
            b.height,
            b.entries.len(),
            b.validator_set_changes.len()
        );
        Ok(())
    }
}

impl BundleArgs {
    fn run(self) -> Result<()> {
        let anchor = self.anchor.load()?;
        let bytes = std::fs::read(&self.file)
            .wrap_err_with(|| format!("reading {}", self.file.display()))?;
        let checked = Bundle::from_json(&bytes).and_then(|b| bundle::verify(&b, &anchor));
        let v = checked.wrap_err_with(|| {
            format!("bundle {} does not verify: do not rely on it", self.file.display())
        })?;
        let out = json!({
            "verified": true,
            "query": v.query.to_string(),
            "chain_id": v.chain_id,
            "height": v.height,
            "block_hash": hex0x(&v.block_hash.0),
            "time": time_text(v.block_time_ms),
            "state_root": hex0x(&v.state_root.0),
            "validator_set_changes": v.validator_set_changes,
            "record": serde_json::to_value(&v.record)?,
        });
        print_value(&out, self.output);
        Ok(())
    }
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
            VerifyCmd::Fetch(c) => c.run().await?,
            VerifyCmd::Bundle(a) => a.run()?,
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
                    // Text only when the value is UTF-8 (`value` always has the bytes).
                    "value_text": entry.value.as_deref().and_then(|v| std::str::from_utf8(v).ok()),
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
    fn fetch_takes_a_kind_an_anchor_and_an_output_file() {
        let hash = format!("0x{}", "ab".repeat(32));
        let cmd = parse_group::<VerifyCmd>(
            "verify",
            &["fetch", "hash", &hash, "--at-ms", "5", "--genesis", "g", "-o", "b.json"],
        )
        .expect("parses");
        let VerifyCmd::Fetch(FetchCmd::Hash { hash: h, at_ms: Some(5), opts }) = cmd else {
            panic!("a hash fetch");
        };
        assert_eq!((h.as_str(), opts.out), (hash.as_str(), PathBuf::from("b.json")));
        let cmd = parse_group::<VerifyCmd>(
            "verify",
            &[
                "fetch",
                "did",
                "did:bayledger:x:y",
                "--version",
                "2",
                "--checkpoint",
                "c",
                "-o",
                "f",
            ],
        )
        .expect("parses");
        assert!(matches!(cmd, VerifyCmd::Fetch(FetchCmd::Did { version: Some(2), .. })));
        // No output file, no anchor, or a consent id that is not a number: refused.
        assert!(
            parse_group::<VerifyCmd>("verify", &["fetch", "hash", &hash, "--genesis", "g"])
                .is_err()
        );
        assert!(parse_group::<VerifyCmd>("verify", &["fetch", "hash", &hash, "-o", "f"]).is_err());
        assert!(
            parse_group::<VerifyCmd>(
                "verify",
                &["fetch", "consent", "x", "--genesis", "g", "-o", "f"]
            )
            .is_err()
        );
        let cmd = parse_group::<VerifyCmd>(
            "verify",
            &["bundle", "b.json", "--genesis", "g", "-o", "json"],
        )
        .expect("parses");
        assert!(matches!(cmd, VerifyCmd::Bundle(BundleArgs { output: OutputFormat::Json, .. })));
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
