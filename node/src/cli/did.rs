//! `bayledger did`: `did:bayledger` DIDs (docs/did-method.md). `create` registers, by default,
//! the --from key's own DID with a document for that key; `update` replaces the document (from
//! a file, or by rotating one key to another keystore key); `resolve` answers for the current
//! version, a version id or a time; every version stays in `history`.

use super::client_opts::{ClientOpts, KeyOpts, TxOpts, read_file};
use super::hash::with_times;
use super::output::{hex0x, print_value};
use bayledger_sdk::system::Executed;
use bayledger_sdk::system::did::{
    DEFAULT_KEY_FRAGMENT, DidDocument, DidDocumentExt, DidRegistry, ResolveOptions, VersionTime,
    WriteResponse, document_for_key, parse_did,
};
use clap::{ArgGroup, Args, Subcommand};
use eyre::{Result, WrapErr, bail, eyre};
use serde_json::json;
use std::path::{Path, PathBuf};

/// `did` subcommands.
#[derive(Debug, Subcommand)]
pub enum DidCmd {
    /// Register a DID: by default the --from key's own DID, with #key-1 for that key.
    Create(CreateArgs),
    /// Resolve a DID: its current document, or one version (--version-id / --version-time).
    Resolve(ResolveArgs),
    /// Replace a DID's document (--document FILE), or rotate one key (--rotate-to NAME).
    Update(UpdateArgs),
    /// Deactivate a DID for good.
    Deactivate(DeactivateArgs),
    /// Show a DID's versions, oldest first.
    History(HistoryArgs),
}

/// `did create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// A full DID document (JSON) instead of the default one for the --from key.
    #[arg(long, value_name = "FILE", conflicts_with = "id")]
    document: Option<PathBuf>,
    /// The method-specific id of the default document's DID (1-64 of [A-Za-z0-9._-])
    /// [default: the --from address as 40 hex digits].
    #[arg(long)]
    id: Option<String>,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// `did resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The DID.
    did: String,
    /// Resolve this version (1, 2, …).
    #[arg(long, value_name = "N", conflicts_with = "version_time")]
    version_id: Option<u64>,
    /// Resolve the version in force at this time: ms since the Unix epoch, or a dateTime such
    /// as 2026-11-30T01:02:03Z.
    #[arg(long, value_name = "TIME")]
    version_time: Option<String>,
    #[command(flatten)]
    client: ClientOpts,
}

/// `did update`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("change").required(true).args(["document", "rotate_to"])))]
pub struct UpdateArgs {
    /// The DID.
    did: String,
    /// The new document (JSON), replacing the whole current one.
    #[arg(long, value_name = "FILE")]
    document: Option<PathBuf>,
    /// Key rotation: replace the key --key-id by the public key of this keystore key.
    #[arg(long, value_name = "NAME")]
    rotate_to: Option<String>,
    /// The verification method to rotate (fragment) [default: key-1].
    // `conflicts_with`, not `requires = "rotate_to"`: clap waives a requirement on a member of
    // a one-of group when another member is present.
    #[arg(long, value_name = "FRAGMENT", conflicts_with = "document")]
    key_id: Option<String>,
    /// The new key's fragment [default: the same as --key-id].
    #[arg(long, value_name = "FRAGMENT", conflicts_with = "document")]
    new_key_id: Option<String>,
    /// Apply only while this is the current version (protects against concurrent updates).
    #[arg(long, value_name = "N", conflicts_with = "rotate_to")]
    previous_version_id: Option<u64>,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// `did deactivate`.
#[derive(Debug, Args)]
pub struct DeactivateArgs {
    /// The DID.
    did: String,
    /// Apply only while this is the current version.
    #[arg(long, value_name = "N")]
    previous_version_id: Option<u64>,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// `did history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The DID.
    did: String,
    /// Start after this version.
    #[arg(long, value_name = "N")]
    start_after: Option<u64>,
    /// Page size (1-100; default 10).
    #[arg(long)]
    limit: Option<u32>,
    #[command(flatten)]
    client: ClientOpts,
}

impl DidCmd {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            DidCmd::Create(a) => a.run().await,
            DidCmd::Resolve(a) => {
                parse_did(&a.did)?;
                let options = ResolveOptions {
                    version_id: a.version_id,
                    version_time: a.version_time.as_deref().map(version_time),
                };
                let registry = DidRegistry::new(a.client.connect().await?);
                let resolution = registry.resolve(&a.did, &options).await?;
                resolution.document()?;
                print_value(&serde_json::to_value(&resolution)?, a.client.output);
                Ok(())
            }
            DidCmd::Update(a) => a.run().await,
            DidCmd::Deactivate(a) => {
                parse_did(&a.did)?;
                let key = a.key.load()?;
                let registry = DidRegistry::new(a.tx.apply(a.client.connect().await?));
                let done = registry.deactivate(&key, &a.did, a.previous_version_id).await?;
                print_write(&done, &a.client);
                Ok(())
            }
            DidCmd::History(a) => {
                let registry = DidRegistry::new(a.client.connect().await?);
                let page = registry.history(&a.did, a.start_after, a.limit).await?;
                print_value(&with_times(serde_json::to_value(&page)?), a.client.output);
                Ok(())
            }
        }
    }
}

impl CreateArgs {
    async fn run(self) -> Result<()> {
        let key = self.key.load()?;
        let registry = DidRegistry::new(self.tx.apply(self.client.connect().await?));
        let document = match &self.document {
            Some(path) => read_document(path)?,
            None => {
                let did = match &self.id {
                    Some(id) => format!("did:bayledger:{}:{id}", registry.network().await?),
                    None => registry.default_did(&key.address()).await?,
                };
                document_for_key(&did, &key.public_key())?
            }
        };
        let done = registry.create(&key, &document).await?;
        print_write(&done, &self.client);
        Ok(())
    }
}

impl UpdateArgs {
    async fn run(self) -> Result<()> {
        parse_did(&self.did)?;
        let new_key = match &self.rotate_to {
            Some(name) => {
                let info = self.key.keystore.open()?.info(name)?;
                let public = info.public_key.ok_or_else(|| {
                    eyre!("the key file of {name:?} records no public key; re-import it")
                })?;
                Some(public)
            }
            None => None,
        };
        let document = self.document.as_deref().map(read_document).transpose()?;
        let key = self.key.load()?;
        let registry = DidRegistry::new(self.tx.apply(self.client.connect().await?));
        let done = match (document, new_key) {
            (Some(document), None) => {
                registry.update(&key, &self.did, &document, self.previous_version_id).await?
            }
            (None, Some(new_key)) => {
                let old_id = self.key_id.as_deref().unwrap_or(DEFAULT_KEY_FRAGMENT);
                let new_id = self.new_key_id.as_deref().unwrap_or(old_id);
                registry.rotate_key(&key, &self.did, old_id, new_id, &new_key).await?
            }
            _ => bail!("give exactly one of --document FILE and --rotate-to NAME"),
        };
        print_write(&done, &self.client);
        Ok(())
    }
}

/// `--version-time`: digits are ms since the Unix epoch, anything else a dateTime (checked by
/// the registry, which answers `invalidOptions` for a malformed one).
fn version_time(text: &str) -> VersionTime {
    match text.parse::<u64>() {
        Ok(ms) => VersionTime::Millis(ms),
        Err(_) => VersionTime::DateTime(text.to_string()),
    }
}

/// A DID document from a JSON file; unknown properties are refused, naming the file.
fn read_document(path: &Path) -> Result<DidDocument> {
    let bytes = read_file(path)?;
    let document: DidDocument = serde_json::from_slice(&bytes).wrap_err_with(|| {
        format!("{} is not a DID document this registry accepts", path.display())
    })?;
    document.check_public_only().wrap_err_with(|| path.display().to_string())?;
    Ok(document)
}

fn print_write(done: &Executed<WriteResponse>, client: &ClientOpts) {
    let v = json!({
        "did": done.value.did,
        "version_id": done.value.version_id,
        "tx_hash": hex0x(&done.receipt.tx_hash),
    });
    print_value(&v, client.output);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> std::result::Result<DidCmd, String> {
        crate::cli::parse_group("did", args)
    }

    const DID: &str = "did:bayledger:testnet:bank-a";

    #[test]
    fn update_is_a_document_or_a_rotation() {
        assert!(parse(&["update", DID, "--document", "d.json", "--from", "k"]).is_ok());
        assert!(parse(&["update", DID, "--rotate-to", "new", "--from", "k"]).is_ok());
        assert!(parse(&["update", DID, "--from", "k"]).is_err(), "neither");
        let both = ["update", DID, "--document", "d", "--rotate-to", "n", "--from", "k"];
        assert!(parse(&both).is_err());
        assert!(
            parse(&["update", DID, "--document", "d", "--key-id", "k2", "--from", "k"]).is_err()
        );
        let Ok(DidCmd::Update(a)) = parse(&["update", DID, "--rotate-to", "n", "--from", "k"])
        else {
            panic!("parses");
        };
        assert_eq!((a.key_id, a.new_key_id), (None, None));
    }

    #[test]
    fn resolve_takes_one_version_option() {
        assert!(parse(&["resolve", DID, "--version-id", "2"]).is_ok());
        assert!(parse(&["resolve", DID, "--version-time", "2026-11-30T01:02:03Z"]).is_ok());
        assert!(parse(&["resolve", DID, "--version-id", "2", "--version-time", "1"]).is_err());
        assert!(parse(&["resolve", DID, "--version-id", "two"]).is_err());
        assert_eq!(version_time("1700000000000"), VersionTime::Millis(1_700_000_000_000));
        assert_eq!(
            version_time("2026-11-30T01:02:03Z"),
            VersionTime::DateTime("2026-11-30T01:02:03Z".into())
        );
    }

    #[test]
    fn create_takes_a_document_or_an_id() {
        assert!(parse(&["create", "--from", "k"]).is_ok());
        assert!(parse(&["create", "--from", "k", "--id", "bank-a"]).is_ok());
        assert!(parse(&["create", "--from", "k", "--document", "d", "--id", "x"]).is_err());
    }

    #[test]
    fn document_files_are_checked_before_anything_is_sent() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).expect("write");
            path
        };
        let key = bayledger_sdk::SecretKey::generate().public_key();
        let doc = document_for_key(DID, &key).expect("doc");
        let good = file("good.json", &serde_json::to_string(&doc).expect("json"));
        assert_eq!(read_document(&good).expect("reads"), doc);
        let unknown = file("unknown.json", r#"{"id": "did:bayledger:t:x", "name": "Alice"}"#);
        let err = format!("{:#}", read_document(&unknown).expect_err("refused"));
        assert!(err.contains("unknown.json") && err.contains("name"), "{err}");
        let mut with_d = serde_json::to_value(&doc).expect("json");
        with_d["verificationMethod"][0]["publicKeyJwk"]["d"] = json!("c2VjcmV0");
        let private = file("private.json", &with_d.to_string());
        let err = format!("{:#}", read_document(&private).expect_err("refused"));
        assert!(err.contains("private key material"), "{err}");
        let missing = read_document(&dir.path().join("nope.json")).expect_err("missing");
        assert!(missing.to_string().contains("cannot read"), "{missing}");
    }
}
