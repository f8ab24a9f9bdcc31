//! The committee's side of `credential`: credential types and the issuers authorised for them.

use super::super::client_opts::{
    ClientOpts, KeyOpts, TxOpts, parse_address, parse_hash, read_file,
};
use super::super::output::{print_value, receipt_json};
use super::contract;
use bayledger_sdk::system::credentials::{NewType, Page};
use bayledger_sdk::{Address, Hash};
use clap::Args;
use eyre::{Result, bail};
use std::path::PathBuf;

/// Options of a list query.
#[derive(Debug, Args)]
pub struct PageOpts {
    /// Start after this entry.
    #[arg(long, value_name = "KEY")]
    start_after: Option<String>,
    /// Entries per page (at most 100) [default: 10].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
    limit: Option<u32>,
}

impl PageOpts {
    fn page(&self) -> Page {
        Page { start_after: self.start_after.clone(), limit: self.limit }
    }
}

/// `credential type-register`.
#[derive(Debug, Args)]
pub struct TypeRegisterArgs {
    /// The type id: 1-64 of a-z 0-9 . _ - (e.g. health-certificate).
    #[arg(long)]
    id: String,
    /// Display name.
    #[arg(long)]
    name: String,
    /// Description.
    #[arg(long, default_value = "")]
    description: String,
    /// The type's JSON Schema file (its SHA3-256 is registered).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "schema_hash",
        required_unless_present = "schema_hash"
    )]
    schema_file: Option<PathBuf>,
    /// The JSON Schema's hash, 64 hex digits, instead of --schema-file.
    #[arg(long, value_name = "HASH", value_parser = parse_hash)]
    schema_hash: Option<Hash>,
    /// Where the JSON Schema is published (an absolute URI).
    #[arg(long, value_name = "URI")]
    schema_uri: String,
    /// The address that may publish new schema versions [default: the --from account].
    #[arg(long, value_name = "ADDRESS", value_parser = parse_address)]
    owner: Option<Address>,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

impl TypeRegisterArgs {
    /// Registers the type and prints the receipt.
    pub async fn run(self) -> Result<()> {
        let schema_hash = match (&self.schema_file, self.schema_hash) {
            (Some(path), _) => Hash::sha3(&read_file(path)?),
            (None, Some(hash)) => hash,
            (None, None) => bail!("give the schema with --schema-file FILE or --schema-hash HASH"),
        };
        let key = self.key.load()?;
        let t = NewType {
            id: self.id,
            name: self.name,
            description: self.description,
            schema_hash,
            schema_uri: self.schema_uri,
            owner: self.owner.unwrap_or_else(|| key.address()),
        };
        let credentials = contract(self.tx.apply(self.client.connect().await?)).await?;
        let done = credentials.register_type(&key, &t).await?;
        print_value(&receipt_json(&done.receipt), self.client.output);
        Ok(())
    }
}

/// `credential type-list`.
#[derive(Debug, Args)]
pub struct TypeListArgs {
    #[command(flatten)]
    page: PageOpts,
    #[command(flatten)]
    client: ClientOpts,
}

impl TypeListArgs {
    /// Prints a page of types.
    pub async fn run(self) -> Result<()> {
        let credentials = contract(self.client.connect().await?).await?;
        let types = credentials.types(&self.page.page()).await?;
        print_value(&serde_json::to_value(&types)?, self.client.output);
        Ok(())
    }
}

/// `credential issuer-add|issuer-remove`.
#[derive(Debug, Args)]
pub struct IssuerArgs {
    /// The credential type id.
    #[arg(long = "type", value_name = "TYPE")]
    credential_type: String,
    /// The issuer's DID.
    #[arg(long, value_name = "DID")]
    issuer: String,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

impl IssuerArgs {
    /// Admits (`add`) or removes the issuer and prints the receipt.
    pub async fn run(self, add: bool) -> Result<()> {
        let key = self.key.load()?;
        let credentials = contract(self.tx.apply(self.client.connect().await?)).await?;
        let done = if add {
            credentials.add_issuer(&key, &self.credential_type, &self.issuer).await?
        } else {
            credentials.remove_issuer(&key, &self.credential_type, &self.issuer).await?
        };
        print_value(&receipt_json(&done.receipt), self.client.output);
        Ok(())
    }
}

/// `credential issuers`.
#[derive(Debug, Args)]
pub struct IssuersArgs {
    /// The credential type id.
    #[arg(long = "type", value_name = "TYPE")]
    credential_type: String,
    #[command(flatten)]
    page: PageOpts,
    #[command(flatten)]
    client: ClientOpts,
}

impl IssuersArgs {
    /// Prints a page of the type's issuers.
    pub async fn run(self) -> Result<()> {
        let credentials = contract(self.client.connect().await?).await?;
        let issuers = credentials.issuers(&self.credential_type, &self.page.page()).await?;
        print_value(&serde_json::to_value(&issuers)?, self.client.output);
        Ok(())
    }
}
