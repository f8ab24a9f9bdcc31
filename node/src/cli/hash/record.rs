//! Which record a `hash` command is about, and the registration it makes: a file hashed on
//! this machine (it is never sent), optionally as a salted commitment, or a precomputed hash.

use super::super::client_opts::parse_hash;
use super::super::output::hex0x;
use bayledger_sdk::Hash;
use bayledger_sdk::system::hash_registry::commitment::{MIN_SALT_LEN, salted_sha3_file, sha3_file};
use bayledger_sdk::system::hash_registry::{Commitment, RegisterEntry, SCHEME_SHA3_SALTED};
use clap::Args;
use eyre::{Result, bail};
use serde_json::{Map, Value};
use std::path::PathBuf;

/// A record: a file hashed here, or a precomputed hash.
#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = false)]
pub struct Source {
    /// The record's file: hashed here with SHA3-256; the file never leaves this machine.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// A precomputed hash or commitment (0x + 64 hex digits).
    #[arg(long, value_name = "0x…", value_parser = parse_hash)]
    pub hash: Option<Hash>,
}

/// The record a query or an action names.
#[derive(Debug, Clone, Args)]
pub struct RecordArgs {
    #[command(flatten)]
    pub source: Source,
    /// The salt kept with the file (hex): the record is the commitment SHA3-256(salt ‖ file).
    // `conflicts_with`, not `requires = "file"`: clap waives a requirement on a member of a
    // one-of group when another member is present.
    #[arg(long, value_name = "HEX", conflicts_with = "hash", value_parser = parse_salt)]
    pub salt: Option<Salt>,
}

impl RecordArgs {
    /// The hash the registry knows the record by.
    pub fn hash(&self) -> Result<Hash> {
        record_hash(&self.source, self.salt.as_ref().map(|s| &s.0[..]))
    }
}

/// The hash of `source`, salted when `salt` is given.
pub fn record_hash(source: &Source, salt: Option<&[u8]>) -> Result<Hash> {
    match (&source.file, &source.hash, salt) {
        (Some(path), None, None) => Ok(sha3_file(path)?),
        (Some(path), None, Some(salt)) => Ok(salted_sha3_file(salt, path)?),
        (None, Some(hash), None) => Ok(*hash),
        (None, Some(_), Some(_)) => bail!("--salt applies to --file, not to --hash"),
        _ => bail!("give exactly one of --file PATH and --hash 0x…"),
    }
}

/// A salt given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Salt(pub Vec<u8>);

/// Parses a salt given as hex (optional `0x`), at least 16 bytes.
pub fn parse_salt(s: &str) -> std::result::Result<Salt, String> {
    let bytes = hex::decode(s.strip_prefix("0x").unwrap_or(s))
        .map_err(|e| format!("{s:?} is not hex: {e}"))?;
    if bytes.len() < MIN_SALT_LEN {
        return Err(format!("a salt is at least {MIN_SALT_LEN} bytes, got {}", bytes.len()));
    }
    Ok(Salt(bytes))
}

/// A registration to make (`register`, and the new record of `supersede`).
#[derive(Debug, Clone, Args)]
pub struct NewEntryArgs {
    #[command(flatten)]
    pub record: RecordArgs,
    /// Register a salted commitment SHA3-256(salt ‖ file) with a fresh 32-byte salt (printed:
    /// keep it with the record, off-chain; verifiers need it).
    #[arg(long, conflicts_with_all = ["hash", "salt"])]
    pub salted: bool,
    /// The commitment scheme of a precomputed --hash (e.g. "sha256(salt||data)").
    #[arg(long, value_name = "NAME", conflicts_with = "file")]
    pub scheme: Option<String>,
    /// What kind of record it is (1-64 of [A-Za-z0-9._:/+-]), e.g. bank/customer-record.
    #[arg(long, value_name = "TYPE")]
    pub data_type: String,
    /// Where non-personal metadata about the record is found.
    #[arg(long, value_name = "URI")]
    pub metadata_uri: Option<String>,
}

/// A registration ready to send, and the salt to keep off-chain when one was drawn or given.
#[derive(Debug)]
pub struct Prepared {
    /// The message body.
    pub entry: RegisterEntry,
    /// The salt of a commitment made here.
    pub salt: Option<Vec<u8>>,
}

impl NewEntryArgs {
    /// Hashes the record (drawing a salt with `--salted`) and builds the entry.
    pub fn prepare(&self) -> Result<Prepared> {
        let source = &self.record.source;
        let (hash, salt, scheme) = match (&source.file, self.salted, &self.record.salt) {
            (Some(path), true, _) => {
                let c = Commitment::of_file(path)?;
                (c.hash, Some(c.salt), Some(SCHEME_SHA3_SALTED.to_string()))
            }
            (Some(_), false, Some(salt)) => {
                (self.record.hash()?, Some(salt.0.clone()), Some(SCHEME_SHA3_SALTED.to_string()))
            }
            _ => (self.record.hash()?, None, self.scheme.clone()),
        };
        let entry = RegisterEntry {
            hash,
            data_type: self.data_type.clone(),
            commitment_scheme: scheme,
            metadata_uri: self.metadata_uri.clone(),
        };
        Ok(Prepared { entry, salt })
    }
}

impl Prepared {
    /// What to print about the registration: its hash, scheme, the file and salt if any.
    pub fn describe(&self, file: Option<&PathBuf>) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("hash".into(), hex0x(&self.entry.hash.0).into());
        m.insert("data_type".into(), self.entry.data_type.clone().into());
        m.insert("commitment_scheme".into(), self.entry.commitment_scheme.clone().into());
        if let Some(path) = file {
            m.insert("file".into(), path.display().to_string().into());
        }
        if let Some(salt) = &self.salt {
            m.insert("salt".into(), hex0x(salt).into());
        }
        m
    }
}
