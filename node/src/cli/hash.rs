//! `bayledger hash`: the data-hash registry. Files are hashed on this machine (SHA3-256, or a
//! salted commitment SHA3-256(salt ‖ data)); only the hash goes to the chain. `hash verify` is
//! what a receiving institution runs on a record it was sent; `hash proof` checks the log's
//! RFC 9162 inclusion proof locally against a tree head.

mod record;
mod show;

use super::client_opts::{ClientOpts, KeyOpts, TxOpts, parse_address, parse_hash};
use super::output::{OutputFormat, hex0x, print_value};
use bayledger_sdk::system::Executed;
use bayledger_sdk::system::hash_registry::{
    HashRegistry, LeafRef, RegisterEntry, TreeHead, hash_text,
};
use bayledger_sdk::{Address, Hash};
use clap::{ArgGroup, Args, Subcommand};
use eyre::{Result, WrapErr, bail, eyre};
use record::{NewEntryArgs, Prepared, RecordArgs, Source, record_hash};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::path::PathBuf;

pub(super) use show::with_times;

/// `hash` subcommands.
#[derive(Debug, Subcommand)]
pub enum HashCmd {
    /// Register a record's hash: --file is hashed here (never sent), or give --hash.
    Register(RegisterArgs),
    /// Register several records in one transaction (all or none, at most 64).
    RegisterBatch(RegisterBatchArgs),
    /// Co-sign another institution's registration.
    Cosign(ActionArgs),
    /// Revoke one of your registrations.
    Revoke(RevokeArgs),
    /// Replace one of your registrations by a corrected record.
    Supersede(SupersedeArgs),
    /// Show a registration: registrant, time, co-signers, revocation or supersession.
    Status(StatusArgs),
    /// Check that a record was registered (by --registrant) and is active; fails if not.
    Verify(VerifyArgs),
    /// Show a registration's history.
    History(HistoryArgs),
    /// List a registrant's registrations in log order.
    List(ListArgs),
    /// Fetch an RFC 9162 inclusion proof and verify it locally against the tree head.
    Proof(ProofArgs),
}

/// `hash register`.
#[derive(Debug, Args)]
pub struct RegisterArgs {
    #[command(flatten)]
    entry: NewEntryArgs,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// `hash register-batch`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("records").required(true).multiple(true).args(["file", "hash"])))]
pub struct RegisterBatchArgs {
    /// A record's file, hashed here (repeat for several).
    #[arg(long, value_name = "PATH")]
    file: Vec<PathBuf>,
    /// A precomputed hash (repeat for several).
    #[arg(long, value_name = "0x…", value_parser = parse_hash)]
    hash: Vec<Hash>,
    /// Register each file as a salted commitment with its own fresh salt (printed).
    #[arg(long, requires = "file")]
    salted: bool,
    /// What kind of records they are (1-64 of [A-Za-z0-9._:/+-]).
    #[arg(long, value_name = "TYPE")]
    data_type: String,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// `hash cosign`.
#[derive(Debug, Args)]
pub struct ActionArgs {
    #[command(flatten)]
    record: RecordArgs,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// `hash revoke`.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// Why (1-256 bytes).
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    action: ActionArgs,
}

/// `hash supersede`.
#[derive(Debug, Args)]
pub struct SupersedeArgs {
    /// The registered hash to replace.
    #[arg(long, value_name = "0x…", value_parser = parse_hash)]
    old: Hash,
    /// Why (1-256 bytes).
    #[arg(long)]
    reason: String,
    /// The corrected record.
    #[command(flatten)]
    entry: NewEntryArgs,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// `hash status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    record: RecordArgs,
    /// As it stood at this time (ms since the Unix epoch).
    #[arg(long, value_name = "MS")]
    at_ms: Option<u64>,
    #[command(flatten)]
    client: ClientOpts,
}

/// `hash verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    record: RecordArgs,
    /// The institution that must have registered it.
    #[arg(long, value_name = "0x…", value_parser = parse_address)]
    registrant: Option<Address>,
    /// Check as of this time (ms since the Unix epoch).
    #[arg(long, value_name = "MS")]
    at_ms: Option<u64>,
    #[command(flatten)]
    client: ClientOpts,
}

/// `hash history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    record: RecordArgs,
    /// Start after this entry (seq).
    #[arg(long, value_name = "SEQ")]
    start_after: Option<u32>,
    /// Page size (1-100; default 10).
    #[arg(long)]
    limit: Option<u32>,
    #[command(flatten)]
    client: ClientOpts,
}

/// `hash list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The registrant.
    #[arg(long, value_name = "0x…", value_parser = parse_address)]
    registrant: Address,
    /// Start after this log index.
    #[arg(long, value_name = "INDEX")]
    start_after: Option<u64>,
    /// Page size (1-100; default 10).
    #[arg(long)]
    limit: Option<u32>,
    #[command(flatten)]
    client: ClientOpts,
}

/// `hash proof`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("leaf").required(true).args(["file", "hash", "leaf_index"])))]
pub struct ProofArgs {
    /// The record's file, hashed here.
    #[arg(long, value_name = "PATH")]
    file: Option<PathBuf>,
    /// The registered hash.
    #[arg(long, value_name = "0x…", value_parser = parse_hash)]
    hash: Option<Hash>,
    /// The salt kept with the file (hex), for a salted commitment.
    #[arg(long, value_name = "HEX", conflicts_with_all = ["hash", "leaf_index"], value_parser = record::parse_salt)]
    salt: Option<record::Salt>,
    /// The leaf's log index.
    #[arg(long, value_name = "INDEX")]
    leaf_index: Option<u64>,
    /// Prove against this tree size instead of the committed one.
    #[arg(long, value_name = "N")]
    tree_size: Option<u64>,
    /// The root of --tree-size you already hold (e.g. from another node): the proof must lead
    /// to it. Without it, the node's head of that size is used.
    #[arg(long, value_name = "0x…", value_parser = parse_hash, requires = "tree_size")]
    root: Option<Hash>,
    #[command(flatten)]
    client: ClientOpts,
}

impl HashCmd {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            HashCmd::Register(a) => a.run().await,
            HashCmd::RegisterBatch(a) => a.run().await,
            HashCmd::Cosign(a) => {
                let hash = a.record.hash()?;
                let (registry, key) = a.connect().await?;
                let done = registry.cosign(&key, &hash).await?;
                print_write(
                    json!({ "hash": hash_text(&hash), "cosigner": key.address() }),
                    &done,
                    &a.client,
                );
                Ok(())
            }
            HashCmd::Revoke(a) => {
                let hash = a.action.record.hash()?;
                let (registry, key) = a.action.connect().await?;
                let done = registry.revoke(&key, &hash, &a.reason).await?;
                print_write(
                    json!({ "hash": hash_text(&hash), "status": "revoked", "reason": a.reason }),
                    &done,
                    &a.action.client,
                );
                Ok(())
            }
            HashCmd::Supersede(a) => a.run().await,
            HashCmd::Status(a) => {
                let hash = a.record.hash()?;
                let registry = HashRegistry::new(a.client.connect().await?);
                let status = registry.status(&hash, a.at_ms).await?;
                print_value(&with_times(to_json(&status)?), a.client.output);
                Ok(())
            }
            HashCmd::Verify(a) => a.run().await,
            HashCmd::History(a) => {
                let hash = a.record.hash()?;
                let registry = HashRegistry::new(a.client.connect().await?);
                let page = registry.history(&hash, a.start_after, a.limit).await?;
                print_value(&with_times(to_json(&page)?), a.client.output);
                Ok(())
            }
            HashCmd::List(a) => {
                let registry = HashRegistry::new(a.client.connect().await?);
                let page = registry.by_registrant(&a.registrant, a.start_after, a.limit).await?;
                print_value(&with_times(to_json(&page)?), a.client.output);
                Ok(())
            }
            HashCmd::Proof(a) => a.run().await,
        }
    }
}

impl ActionArgs {
    async fn connect(&self) -> Result<(HashRegistry, bayledger_sdk::SecretKey)> {
        let key = self.key.load()?;
        let client = self.tx.apply(self.client.connect().await?);
        Ok((HashRegistry::new(client), key))
    }
}

impl RegisterArgs {
    async fn run(self) -> Result<()> {
        let prepared = self.entry.prepare()?;
        let key = self.key.load()?;
        let registry = HashRegistry::new(self.tx.apply(self.client.connect().await?));
        let done = registry.register(&key, &prepared.entry).await?;
        let mut v = prepared.describe(self.entry.record.source.file.as_ref());
        v.insert("log_index".into(), done.value.log_index.into());
        v.insert("tree_size".into(), done.value.tree_size.into());
        warn_salt(&prepared, &self.client);
        print_write(Value::Object(v), &done, &self.client);
        Ok(())
    }
}

impl RegisterBatchArgs {
    async fn run(self) -> Result<()> {
        let mut prepared = Vec::new();
        for path in &self.file {
            let entry = NewEntryArgs {
                record: RecordArgs {
                    source: Source { file: Some(path.clone()), hash: None },
                    salt: None,
                },
                salted: self.salted,
                scheme: None,
                data_type: self.data_type.clone(),
                metadata_uri: None,
            };
            prepared.push((Some(path), entry.prepare()?));
        }
        for hash in &self.hash {
            let entry = RegisterEntry::plain(*hash, &self.data_type);
            prepared.push((None, Prepared { entry, salt: None }));
        }
        let entries: Vec<_> = prepared.iter().map(|(_, p)| p.entry.clone()).collect();
        let key = self.key.load()?;
        let registry = HashRegistry::new(self.tx.apply(self.client.connect().await?));
        let done = registry.register_batch(&key, &entries).await?;
        let mut items = Vec::new();
        for ((file, p), registered) in prepared.iter().zip(&done.value.registered) {
            let mut v = p.describe(*file);
            v.insert("log_index".into(), registered.log_index.into());
            items.push(Value::Object(v));
        }
        if self.salted && self.client.output == OutputFormat::Text {
            eprintln!("keep each salt with its record, off-chain: verifiers need it");
        }
        print_write(
            json!({ "registered": items, "tree_size": done.value.tree_size }),
            &done,
            &self.client,
        );
        Ok(())
    }
}

impl SupersedeArgs {
    async fn run(self) -> Result<()> {
        let prepared = self.entry.prepare()?;
        let key = self.key.load()?;
        let registry = HashRegistry::new(self.tx.apply(self.client.connect().await?));
        let done = registry.supersede(&key, &self.old, &self.reason, &prepared.entry).await?;
        let mut v = prepared.describe(self.entry.record.source.file.as_ref());
        v.insert("supersedes".into(), hash_text(&self.old).into());
        v.insert("log_index".into(), done.value.log_index.into());
        v.insert("tree_size".into(), done.value.tree_size.into());
        warn_salt(&prepared, &self.client);
        print_write(Value::Object(v), &done, &self.client);
        Ok(())
    }
}

impl VerifyArgs {
    async fn run(self) -> Result<()> {
        let hash = self.record.hash()?;
        let registry = HashRegistry::new(self.client.connect().await?);
        let answer = registry.verify(&hash, self.registrant.as_ref(), self.at_ms).await?;
        print_value(&with_times(to_json(&answer)?), self.client.output);
        if !answer.valid {
            bail!("{} is not valid: {}", hash_text(&hash), answer.reason);
        }
        Ok(())
    }
}

impl ProofArgs {
    async fn run(self) -> Result<()> {
        let leaf = match (self.leaf_index, &self.file, &self.hash) {
            (Some(index), None, None) => LeafRef::Index(index),
            _ => {
                let source = Source { file: self.file.clone(), hash: self.hash };
                LeafRef::Hash(record_hash(&source, self.salt.as_ref().map(|s| &s.0[..]))?)
            }
        };
        let registry = HashRegistry::new(self.client.connect().await?);
        let (head, proof, decoded) = match self.tree_size {
            None => {
                let v = registry.verified_inclusion(leaf).await?;
                (v.head, v.proof, v.leaf)
            }
            Some(size) => {
                let head = match self.root {
                    Some(root_hash) => TreeHead { tree_size: size, root_hash },
                    None => registry.tree_head(Some(size)).await?,
                };
                let proof = registry.inclusion_proof(leaf, Some(size)).await?;
                let decoded = proof.verify(&head).map_err(|e| {
                    eyre!("the inclusion proof does not verify against tree head {size}: {e}")
                })?;
                (head, proof, decoded)
            }
        };
        let v = json!({
            "verified": true,
            "tree_head": to_json(&head)?,
            "leaf_index": proof.leaf_index,
            "leaf_hash": hash_text(&proof.leaf_hash),
            "inclusion_path": to_json(&proof)?["inclusion_path"],
            "registration": to_json(&decoded)?,
        });
        print_value(&with_times(v), self.client.output);
        Ok(())
    }
}

/// JSON of a typed answer (hashes as `0x…`).
fn to_json(value: &impl Serialize) -> Result<Value> {
    serde_json::to_value(value).wrap_err("encoding the answer")
}

/// Reminds, on stderr, to keep a salt drawn or given here.
fn warn_salt(prepared: &Prepared, client: &ClientOpts) {
    if prepared.salt.is_some() && client.output == OutputFormat::Text {
        eprintln!("keep the salt with the record, off-chain: verifiers need it with the record");
    }
}

/// Prints the result of a committed call with its transaction hash.
fn print_write<T>(value: Value, done: &Executed<T>, client: &ClientOpts) {
    let mut m = match value {
        Value::Object(m) => m,
        other => Map::from_iter([("result".to_string(), other)]),
    };
    m.insert("tx_hash".into(), hex0x(&done.receipt.tx_hash).into());
    print_value(&with_times(Value::Object(m)), client.output);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> std::result::Result<HashCmd, String> {
        crate::cli::parse_group("hash", args)
    }

    const H: &str = "0x1111111111111111111111111111111111111111111111111111111111111111";

    #[test]
    fn a_record_is_a_file_or_a_hash_never_both_or_neither() {
        let base = ["register", "--data-type", "kyc", "--from", "k"];
        assert!(parse(&[&base[..], &["--hash", H]].concat()).is_ok());
        assert!(parse(&[&base[..], &["--file", "r.json"]].concat()).is_ok());
        let both = parse(&[&base[..], &["--file", "r", "--hash", H]].concat());
        assert!(both.expect_err("both").contains("cannot be used with"));
        assert!(parse(&base).is_err(), "neither");
        let bad = parse(&[&base[..], &["--hash", "0x12"]].concat());
        assert!(bad.expect_err("short hash").contains("not a 32-byte hash"));
    }

    #[test]
    fn salts_need_a_file() {
        let base = ["register", "--data-type", "kyc", "--from", "k"];
        assert!(parse(&[&base[..], &["--file", "r", "--salted"]].concat()).is_ok());
        assert!(parse(&[&base[..], &["--hash", H, "--salted"]].concat()).is_err());
        let salt = "ab".repeat(16);
        assert!(parse(&["verify", "--file", "r", "--salt", &salt]).is_ok());
        assert!(parse(&["verify", "--hash", H, "--salt", &salt]).is_err());
        let short = parse(&["verify", "--file", "r", "--salt", "abcd"]);
        assert!(short.expect_err("short").contains("at least 16 bytes"));
        let both = parse(&[&base[..], &["--file", "r", "--salted", "--salt", &salt]].concat());
        assert!(both.is_err(), "--salted draws a salt, --salt gives one");
        assert!(parse(&[&base[..], &["--file", "r", "--scheme", "x"]].concat()).is_err());
        let batch = ["register-batch", "--data-type", "kyc", "--from", "k", "--hash", H];
        assert!(parse(&batch).is_ok());
        assert!(parse(&[&batch[..], &["--file", "a", "--file", "b", "--salted"]].concat()).is_ok());
        assert!(parse(&[&batch[..], &["--salted"]].concat()).is_err(), "no file to salt");
        assert!(parse(&["register-batch", "--data-type", "kyc", "--from", "k"]).is_err());
    }

    #[test]
    fn proofs_name_one_leaf_and_a_root_needs_its_size() {
        assert!(parse(&["proof", "--leaf-index", "3"]).is_ok());
        assert!(parse(&["proof", "--hash", H, "--tree-size", "5", "--root", H]).is_ok());
        assert!(parse(&["proof", "--hash", H, "--leaf-index", "3"]).is_err());
        assert!(parse(&["proof"]).is_err());
        assert!(parse(&["proof", "--hash", H, "--root", H]).is_err());
    }

    #[test]
    fn files_are_hashed_here_plain_or_salted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("record.json");
        std::fs::write(&path, b"customer record").expect("write");
        let p = path.to_str().expect("utf-8");
        let Ok(HashCmd::Register(a)) =
            parse(&["register", "--file", p, "--data-type", "kyc", "--from", "k"])
        else {
            panic!("parses");
        };
        let plain = a.entry.prepare().expect("hashes");
        assert_eq!(plain.entry.hash, Hash::sha3(b"customer record"));
        assert_eq!((plain.entry.commitment_scheme, plain.salt), (None, None));
        let Ok(HashCmd::Register(a)) =
            parse(&["register", "--file", p, "--salted", "--data-type", "kyc", "--from", "k"])
        else {
            panic!("parses");
        };
        let salted = a.entry.prepare().expect("hashes");
        let salt = salted.salt.clone().expect("a fresh salt");
        assert_eq!(salted.entry.hash, Hash::sha3(&[&salt[..], b"customer record"].concat()));
        assert_eq!(salted.describe(None)["salt"], hex0x(&salt));
        let salt_hex = hex::encode(&salt);
        let Ok(HashCmd::Verify(v)) = parse(&["verify", "--file", p, "--salt", &salt_hex]) else {
            panic!("parses");
        };
        assert_eq!(v.record.hash().expect("hashes"), salted.entry.hash);
        let Ok(HashCmd::Status(s)) = parse(&["status", "--file", "/nonexistent/r"]) else {
            panic!("parses");
        };
        assert!(s.record.hash().expect_err("missing").to_string().contains("cannot read"));
    }
}
