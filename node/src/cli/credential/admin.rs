//! The committee's side of `credential`: credential types and the issuers authorised for them.
//!
//! The credentials contract's committee is the governance contract (genesis of `bayledger
//! init|dev|testnet`), so `type-register`, `issuer-add` and `issuer-remove` submit a governance
//! proposal carrying the matching action (`call_contract` of `register_type`, `add_issuer`,
//! `remove_issuer`) from a committee member's key: on a one-member committee it executes at
//! once; otherwise the other members vote it through with `bayledger gov vote ID yes`.

use super::super::client_opts::{
    ClientOpts, KeyOpts, TxOpts, parse_address, parse_hash, read_file,
};
use super::super::gov;
use super::super::output::print_value;
use super::contract;
use bayledger_sdk::system::credentials::{NewType, Page, register_type_action};
use bayledger_sdk::system::governance::ProposalAction;
use bayledger_sdk::{Address, Hash, SecretKey};
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

/// The proposal's title and description (`credential type-register|issuer-add|issuer-remove`).
#[derive(Debug, Args)]
pub struct ProposalOpts {
    /// The proposal's title [default: what it does, e.g. "Admit issuer DID for TYPE"].
    #[arg(long)]
    title: Option<String>,
    /// The proposal's description.
    #[arg(long, value_name = "TEXT", default_value = "")]
    proposal_description: String,
}

/// Proposes `action` to the governance contract as `key` (a committee member), prints the
/// proposal's id and status (with how to vote while it is open) and exits non-zero if it
/// executed and failed.
async fn propose(
    key: &SecretKey,
    tx: &TxOpts,
    client: &ClientOpts,
    proposal: ProposalOpts,
    default_title: String,
    action: ProposalAction,
) -> Result<()> {
    let gov = gov::contract(tx.apply(client.connect().await?)).await?;
    let title = proposal.title.unwrap_or(default_title);
    gov::propose_and_print(
        &gov,
        key,
        &title,
        &proposal.proposal_description,
        vec![action],
        client.output,
    )
    .await
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
    proposal: ProposalOpts,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

impl TypeRegisterArgs {
    /// The governance action registering the type, whose owner defaults to `from`.
    fn action(&self, from: Address) -> Result<ProposalAction> {
        let schema_hash = match (&self.schema_file, self.schema_hash) {
            (Some(path), _) => Hash::sha3(&read_file(path)?),
            (None, Some(hash)) => hash,
            (None, None) => bail!("give the schema with --schema-file FILE or --schema-hash HASH"),
        };
        let t = NewType {
            id: self.id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            schema_hash,
            schema_uri: self.schema_uri.clone(),
            owner: self.owner.unwrap_or(from),
        };
        Ok(register_type_action(&t))
    }

    /// Proposes the registration and prints the proposal's id and status.
    pub async fn run(self) -> Result<()> {
        let key = self.key.load()?;
        let action = self.action(key.address())?;
        let title = format!("Register credential type {}", self.id);
        propose(&key, &self.tx, &self.client, self.proposal, title, action).await
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
    proposal: ProposalOpts,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

impl IssuerArgs {
    /// The governance action admitting (`add`) or removing the issuer, and its default title.
    fn action(&self, add: bool) -> (ProposalAction, String) {
        let (credential_type, issuer) = (self.credential_type.clone(), self.issuer.clone());
        if add {
            let title = format!("Admit issuer {issuer} for {credential_type}");
            (ProposalAction::AddIssuer { credential_type, issuer }, title)
        } else {
            let title = format!("Remove issuer {issuer} for {credential_type}");
            (ProposalAction::RemoveIssuer { credential_type, issuer }, title)
        }
    }

    /// Proposes the admission (`add`) or removal and prints the proposal's id and status.
    pub async fn run(self, add: bool) -> Result<()> {
        let (action, title) = self.action(add);
        propose(&self.key.load()?, &self.tx, &self.client, self.proposal, title, action).await
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

#[cfg(test)]
mod tests {
    use super::super::CredentialCmd;
    use super::*;
    use crate::cli::parse_group;
    use bayledger_sdk::SystemContract;
    use serde_json::{Value, json};

    fn parse(args: &[&str]) -> CredentialCmd {
        parse_group::<CredentialCmd>("credential", args).expect("parses")
    }

    fn as_json(a: &ProposalAction) -> Value {
        serde_json::to_value(a).expect("json")
    }

    #[test]
    fn issuer_commands_propose_the_governance_issuer_actions() {
        let args =
            ["--type", "health-certificate", "--issuer", "did:bayledger:t:gd", "--from", "m"];
        let expected =
            json!({"credential_type": "health-certificate", "issuer": "did:bayledger:t:gd"});
        for (cmd, add, kind, title) in [
            (
                "issuer-add",
                true,
                "add_issuer",
                "Admit issuer did:bayledger:t:gd for health-certificate",
            ),
            (
                "issuer-remove",
                false,
                "remove_issuer",
                "Remove issuer did:bayledger:t:gd for health-certificate",
            ),
        ] {
            let a = match parse(&[&[cmd][..], &args[..]].concat()) {
                CredentialCmd::IssuerAdd(a) | CredentialCmd::IssuerRemove(a) => a,
                other => panic!("{other:?}"),
            };
            let (action, default_title) = a.action(add);
            assert_eq!(as_json(&action), json!({ kind: expected }));
            assert_eq!(default_title, title);
            assert_eq!(a.proposal.title, None);
        }
        let titled = parse(&[&["issuer-add", "--title", "GD health"][..], &args[..]].concat());
        assert!(
            matches!(&titled, CredentialCmd::IssuerAdd(a) if a.proposal.title.as_deref() == Some("GD health")),
            "{titled:?}"
        );
    }

    #[test]
    fn type_register_proposes_a_call_contract_of_register_type() {
        let owner = Address([0xb2; 20]);
        let from = Address([0xa1; 20]);
        let hash = "ab".repeat(32);
        let base = [
            "type-register",
            "--id",
            "health-certificate",
            "--name",
            "Health certificate",
            "--schema-hash",
            &hash,
            "--schema-uri",
            "https://example.org/hc.json",
            "--from",
            "m",
        ];
        let action = |extra: &[&str]| match parse(&[&base[..], extra].concat()) {
            CredentialCmd::TypeRegister(a) => as_json(&a.action(from).expect("action")),
            other => panic!("{other:?}"),
        };
        let register = |owner: Address| {
            json!({"call_contract": {
                "contract": SystemContract::Credentials.address().to_string(),
                "msg": {"register_type": {
                    "id": "health-certificate",
                    "name": "Health certificate",
                    "description": "",
                    "schema_hash": format!("0x{hash}"),
                    "schema_uri": "https://example.org/hc.json",
                    "owner": owner.to_string(),
                }},
            }})
        };
        assert_eq!(action(&[]), register(from), "the owner defaults to the proposer");
        assert_eq!(action(&["--owner", &owner.to_string()]), register(owner));
    }

    #[test]
    fn type_register_needs_a_readable_schema() {
        let missing = [
            "type-register",
            "--id",
            "t",
            "--name",
            "T",
            "--schema-file",
            "/nonexistent/schema.json",
            "--schema-uri",
            "https://example.org/t.json",
            "--from",
            "m",
        ];
        let CredentialCmd::TypeRegister(a) = parse(&missing) else { panic!("type-register") };
        let err = a.action(Address([1; 20])).expect_err("no schema file").to_string();
        assert!(err.contains("/nonexistent/schema.json"), "{err}");
        let neither = parse_group::<CredentialCmd>(
            "credential",
            &["type-register", "--id", "t", "--name", "T", "--schema-uri", "u", "--from", "m"],
        )
        .expect_err("no schema");
        assert!(neither.contains("--schema-file"), "{neither}");
    }
}
