//! Typed client for the `credentials` system contract (genesis index 2,
//! docs/domain-contracts.md; messages in `contracts/system/credentials/schema/`), and the two
//! operations a credential's life is about:
//!
//! - [`issue_credential`]: build a W3C VC 2.0 document, sign it as an ES256K `vc+jwt` with the
//!   issuer DID's `#key-1`, anchor its id, type, issuer, subject, `vc_hash` (SHA3-256 of the
//!   compact JWS) and validity window on chain, and hand back the JWT (which then travels
//!   off-chain to the holder and verifiers);
//! - [`verify_credential`]: check a JWT against the chain and say, check by check, why it is
//!   or is not valid ([`Verdict`]).
//!
//! [`Credentials`] has one method per contract message: committee actions (register a type,
//! admit or remove issuers, hand over the committee), the type owner's schema versions, issuer
//! actions (anchor, revoke, suspend, reinstate) and every query. Calls fail with
//! [`SdkError::TxFailed`] carrying the contract's error line (`unauthorized: …`,
//! `not found: …`, `conflict: …`); queries decode into the types of [`types`].

mod issue;
mod msg;
pub mod time;
pub mod types;
mod verify;

pub use issue::{IssueRequest, Issued, build_document, issue_credential, vc_type_name};
pub use msg::{Anchor, NewType, Page};
pub use types::{
    Action, AnchoredCredential, Config, CredentialList, CredentialSummary, HashAlg, HoldsValid,
    IssuerAuthorization, IssuerInfo, Issuers, Period, Purpose, SchemaVersion, Status, StatusChange,
    StatusList, StatusListExt, TypeInfo, TypeRecord, Types,
};
pub use verify::{Check, CheckName, Verdict, verify_credential};

use super::governance::ProposalAction;
use super::{Executed, SystemHandle};
use crate::client::Client;
use crate::error::SdkError;
use bayledger_types::{Address, Hash, SecretKey, SystemContract};
use msg::{Call, Query, StatusMsg, hash0x};
use serde::de::DeserializeOwned;

/// The `register_type` call message of `t` (JSON), e.g. for a governance `call_contract`
/// action where the governance contract is the credentials committee.
pub fn register_type_msg(t: &NewType) -> serde_json::Value {
    serde_json::to_value(msg::register_type(t)).expect("a register_type message serialises")
}

/// The governance proposal action registering `t`: a `call_contract` of the credentials
/// contract with [`register_type_msg`], sent by the governance contract as the credentials
/// committee (its genesis committee).
pub fn register_type_action(t: &NewType) -> ProposalAction {
    ProposalAction::CallContract {
        contract: SystemContract::Credentials.address().to_string(),
        msg: register_type_msg(t),
    }
}

/// The credentials contract on one node.
#[derive(Debug, Clone)]
pub struct Credentials {
    handle: SystemHandle,
}

impl Credentials {
    /// The credentials contract through `client`.
    pub fn new(client: Client) -> Credentials {
        Credentials { handle: SystemHandle::new(client, SystemContract::Credentials) }
    }

    /// The underlying handle (address, client, `check`).
    pub fn handle(&self) -> &SystemHandle {
        &self.handle
    }

    async fn call(&self, key: &SecretKey, msg: &Call) -> Result<Executed<()>, SdkError> {
        self.handle.execute(key, msg).await
    }

    async fn query<T: DeserializeOwned>(&self, msg: &Query) -> Result<T, SdkError> {
        self.handle.query(msg).await
    }

    // Committee and type owner.

    /// Committee: hands the committee role to `committee`.
    pub async fn set_committee(
        &self,
        key: &SecretKey,
        committee: &Address,
    ) -> Result<Executed<()>, SdkError> {
        self.call(key, &Call::SetCommittee { committee: committee.to_string() }).await
    }

    /// Committee: registers a credential type with its first schema version.
    pub async fn register_type(
        &self,
        key: &SecretKey,
        t: &NewType,
    ) -> Result<Executed<()>, SdkError> {
        self.call(key, &msg::register_type(t)).await
    }

    /// The type's owner: publishes its next schema version.
    pub async fn update_schema(
        &self,
        key: &SecretKey,
        credential_type: &str,
        schema_hash: &Hash,
        schema_uri: &str,
    ) -> Result<Executed<()>, SdkError> {
        let msg = Call::UpdateSchema {
            credential_type: credential_type.into(),
            schema_hash: hash0x(schema_hash),
            schema_uri: schema_uri.into(),
        };
        self.call(key, &msg).await
    }

    /// Committee: authorises the issuer DID for a type from now on.
    pub async fn add_issuer(
        &self,
        key: &SecretKey,
        credential_type: &str,
        issuer: &str,
    ) -> Result<Executed<()>, SdkError> {
        self.call(
            key,
            &Call::AddIssuer { credential_type: credential_type.into(), issuer: issuer.into() },
        )
        .await
    }

    /// Committee: ends the issuer DID's authorisation for a type from now on.
    pub async fn remove_issuer(
        &self,
        key: &SecretKey,
        credential_type: &str,
        issuer: &str,
    ) -> Result<Executed<()>, SdkError> {
        self.call(
            key,
            &Call::RemoveIssuer { credential_type: credential_type.into(), issuer: issuer.into() },
        )
        .await
    }

    // Issuers (a key that controls the issuer DID).

    /// Anchors a signed credential (see [`issue_credential`] for the whole issuance).
    pub async fn anchor(&self, key: &SecretKey, a: &Anchor) -> Result<Executed<()>, SdkError> {
        self.call(key, &msg::issue(a)).await
    }

    /// Revokes a credential (final).
    pub async fn revoke(
        &self,
        key: &SecretKey,
        id: &str,
        reason: &str,
    ) -> Result<Executed<()>, SdkError> {
        self.change_status(key, Call::Revoke, id, reason).await
    }

    /// Suspends an active credential.
    pub async fn suspend(
        &self,
        key: &SecretKey,
        id: &str,
        reason: &str,
    ) -> Result<Executed<()>, SdkError> {
        self.change_status(key, Call::Suspend, id, reason).await
    }

    /// Reinstates a suspended credential.
    pub async fn reinstate(
        &self,
        key: &SecretKey,
        id: &str,
        reason: &str,
    ) -> Result<Executed<()>, SdkError> {
        self.change_status(key, Call::Reinstate, id, reason).await
    }

    /// One of the issuer's status changes (`revoke`, `suspend`, `reinstate`) of credential `id`.
    async fn change_status(
        &self,
        key: &SecretKey,
        change: fn(StatusMsg) -> Call,
        id: &str,
        reason: &str,
    ) -> Result<Executed<()>, SdkError> {
        self.call(key, &change(StatusMsg { id: id.into(), reason: reason.into() })).await
    }

    // Queries. `at_ms: None` means the latest block's time.

    /// The committee and DID registry addresses.
    pub async fn config(&self) -> Result<Config, SdkError> {
        self.query(&Query::Config {}).await
    }

    /// One credential type and its schema history.
    pub async fn credential_type(&self, id: &str) -> Result<TypeInfo, SdkError> {
        self.query(&Query::Type { id: id.into() }).await
    }

    /// A page of credential types in id order (`start_after` a type id).
    pub async fn types(&self, page: &Page) -> Result<Types, SdkError> {
        let msg = Query::Types { start_after: page.start_after.clone(), limit: page.limit };
        self.query(&msg).await
    }

    /// A page of the issuers ever admitted for a type, in DID order (`start_after` a DID).
    pub async fn issuers(&self, credential_type: &str, page: &Page) -> Result<Issuers, SdkError> {
        let msg = Query::Issuers {
            credential_type: credential_type.into(),
            start_after: page.start_after.clone(),
            limit: page.limit,
        };
        self.query(&msg).await
    }

    /// Whether `issuer` was authorised for the type at `at_ms`.
    pub async fn is_authorized_issuer(
        &self,
        credential_type: &str,
        issuer: &str,
        at_ms: Option<u64>,
    ) -> Result<IssuerAuthorization, SdkError> {
        self.query(&Query::IsAuthorizedIssuer {
            credential_type: credential_type.into(),
            issuer: issuer.into(),
            at_ms,
        })
        .await
    }

    /// An anchored credential as of `at_ms`: `Ok(None)` when no credential has this id (or
    /// it was anchored after `at_ms`).
    pub async fn credential(
        &self,
        id: &str,
        at_ms: Option<u64>,
    ) -> Result<Option<AnchoredCredential>, SdkError> {
        match self.query(&Query::Credential { id: id.into(), at_ms }).await {
            Ok(c) => Ok(Some(c)),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether `subject` holds a valid credential of the type at `at_ms` (the question
    /// policy contracts ask).
    pub async fn holds_valid(
        &self,
        subject: &str,
        credential_type: &str,
        at_ms: Option<u64>,
    ) -> Result<HoldsValid, SdkError> {
        self.query(&Query::HoldsValid {
            subject: subject.into(),
            credential_type: credential_type.into(),
            at_ms,
        })
        .await
    }

    /// A page of a subject's credentials (by type id, then newest first), optionally of one
    /// type; `start_after` is a credential id of that list.
    pub async fn by_subject(
        &self,
        subject: &str,
        credential_type: Option<&str>,
        page: &Page,
    ) -> Result<CredentialList, SdkError> {
        let msg = Query::CredentialsBySubject {
            subject: subject.into(),
            credential_type: credential_type.map(String::from),
            start_after: page.start_after.clone(),
            limit: page.limit,
        };
        self.query(&msg).await
    }

    /// A page of an issuer's credentials in issuance (status index) order.
    pub async fn by_issuer(&self, issuer: &str, page: &Page) -> Result<CredentialList, SdkError> {
        let msg = Query::CredentialsByIssuer {
            issuer: issuer.into(),
            start_after: page.start_after.clone(),
            limit: page.limit,
        };
        self.query(&msg).await
    }

    /// One of an issuer's status lists (`list` = status index / 131072) as of `at_ms`.
    pub async fn status_list(
        &self,
        issuer: &str,
        purpose: Purpose,
        list: u32,
        at_ms: Option<u64>,
    ) -> Result<StatusList, SdkError> {
        self.query(&Query::StatusList { issuer: issuer.into(), purpose, list, at_ms }).await
    }
}

/// Whether a query failed because the contract aborted with `not found: …` (the node reports
/// `query failed (Aborted): aborted: not found: …`).
fn is_not_found(e: &SdkError) -> bool {
    matches!(e, SdkError::Rejected(m) if m.starts_with("query failed (Aborted): aborted: not found: "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_contracts_not_found_counts_as_absent() {
        let absent = SdkError::Rejected(
            "query failed (Aborted): aborted: not found: credential \"urn:x:1\"".into(),
        );
        assert!(is_not_found(&absent));
        let refused = SdkError::Rejected(
            "query failed (Aborted): aborted: invalid id: \"x\" is not a URI".into(),
        );
        assert!(!is_not_found(&refused));
        assert!(!is_not_found(&SdkError::NotFound("no contract at 0x…".into())));
    }
}
