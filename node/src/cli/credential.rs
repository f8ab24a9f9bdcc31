//! `bayledger credential`: W3C verifiable credentials anchored in the `credentials` system
//! contract (docs/domain-contracts.md).
//!
//! - holders and issuers: `issue` (sign a VC 2.0 `vc+jwt` and anchor it), `verify` (every
//!   check against the chain; exits non-zero when the credential is not valid), `show`;
//! - issuers: `revoke`, `suspend`, `reinstate`;
//! - committee members: `type-register`, `issuer-add`, `issuer-remove` — each a proposal to
//!   the governance contract (the credentials contract's committee) carrying the matching
//!   action; on a one-member committee it executes at once, otherwise members vote with
//!   `bayledger gov vote ID yes`;
//! - anyone: `type-list`, `issuers`.
//!
//! Every command takes `--node` and `-o text|json`; signed ones take `--from NAME` and the
//! transaction limits.

mod admin;
mod holder;
mod status;

use bayledger_sdk::system::credentials::{Credentials, time};
use clap::Subcommand;
use eyre::{Result, WrapErr};

/// `credential` subcommands.
#[derive(Debug, Subcommand)]
pub enum CredentialCmd {
    /// Sign a credential (VC 2.0 as vc+jwt) with the issuer DID's #key-1 and anchor it.
    Issue(holder::IssueArgs),
    /// Verify a vc+jwt against the chain; exits non-zero when it is not valid.
    Verify(holder::VerifyArgs),
    /// Show an anchored credential: status, validity, issuer authorisation and history.
    Show(status::ShowArgs),
    /// Revoke a credential (final). Sent by a controller of the issuer DID.
    Revoke(status::StatusArgs),
    /// Suspend an active credential.
    Suspend(status::StatusArgs),
    /// Reinstate a suspended credential.
    Reinstate(status::StatusArgs),
    /// Propose registering a credential type (a governance proposal; committee members).
    TypeRegister(admin::TypeRegisterArgs),
    /// List the registered credential types.
    TypeList(admin::TypeListArgs),
    /// Propose authorising an issuer DID for a credential type (a governance proposal;
    /// committee members).
    IssuerAdd(admin::IssuerArgs),
    /// Propose ending an issuer DID's authorisation for a credential type (a governance
    /// proposal; committee members).
    IssuerRemove(admin::IssuerArgs),
    /// List the issuers ever admitted for a type, with their periods.
    Issuers(admin::IssuersArgs),
}

impl CredentialCmd {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            CredentialCmd::Issue(a) => a.run().await,
            CredentialCmd::Verify(a) => a.run().await,
            CredentialCmd::Show(a) => a.run().await,
            CredentialCmd::Revoke(a) => a.run(status::Change::Revoke).await,
            CredentialCmd::Suspend(a) => a.run(status::Change::Suspend).await,
            CredentialCmd::Reinstate(a) => a.run(status::Change::Reinstate).await,
            CredentialCmd::TypeRegister(a) => a.run().await,
            CredentialCmd::TypeList(a) => a.run().await,
            CredentialCmd::IssuerAdd(a) => a.run(true).await,
            CredentialCmd::IssuerRemove(a) => a.run(false).await,
            CredentialCmd::Issuers(a) => a.run().await,
        }
    }
}

/// The credentials contract through `client`, checked to be at its genesis address.
async fn contract(client: bayledger_sdk::Client) -> Result<Credentials> {
    let credentials = Credentials::new(client);
    credentials.handle().check().await?;
    Ok(credentials)
}

/// Parses an optional RFC 3339 `--flag` value into ms.
fn parse_time(flag: &str, value: Option<&str>) -> Result<Option<u64>> {
    value.map(|v| time::parse_ms(v).wrap_err_with(|| format!("--{flag}"))).transpose()
}
