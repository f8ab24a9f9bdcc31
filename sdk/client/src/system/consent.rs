//! Typed client of the consent contract (`contracts/system/consent`, genesis index 3): a data
//! subject grants a provider consent to transfer named data categories to a recipient for
//! stated purposes until a date — directly, or by a signed delegation anyone may submit —
//! and withdraws it; the provider checks consent and records transfer receipts; anyone reads
//! records, histories and receipts.
//!
//! - [`Consents`]: the calls and queries over one node.
//! - [`delegation`]: the `docs/privacy.md` §6 digests, [`SignedGrant`] and [`SignedWithdraw`]
//!   (signed offline by the subject's wallet, submitted by anyone).
//! - [`msg`]: [`GrantTerms`], [`CheckRequest`], [`TransferRecord`], [`Page`] and the JSON
//!   messages; [`types`]: the answers.
//! - [`policy`]: deploying the example `health-data-policy` a consent may name.
//!
//! ```no_run
//! # async fn demo(client: bayledger_sdk::Client, subject_key: bayledger_sdk::SecretKey,
//! #               provider_key: bayledger_sdk::SecretKey, terms: bayledger_sdk::system::consent::GrantTerms)
//! # -> Result<(), bayledger_sdk::SdkError> {
//! use bayledger_sdk::system::consent::{CheckRequest, Consents};
//! let consents = Consents::new(client);
//! // The subject's wallet signs; the provider submits.
//! let signed = consents.sign_grant(&subject_key, terms.clone()).await?;
//! let id = consents.submit_grant(&provider_key, &signed).await?.value.consent_id;
//! let answer = consents
//!     .check(&CheckRequest {
//!         subject: terms.subject.clone(),
//!         provider: terms.provider.clone(),
//!         recipient: terms.recipient.clone(),
//!         category: terms.data_categories[0].clone(),
//!         purpose: terms.purposes[0].clone(),
//!         at_ms: None,
//!     })
//!     .await?;
//! assert!(answer.allowed, "{}", answer.reason);
//! # let _ = id; Ok(()) }
//! ```

pub mod delegation;
pub mod msg;
pub mod policy;
pub mod types;

pub use delegation::{DelegationExt, SignedGrant, SignedWithdraw, grant_digest, withdraw_digest};
pub use msg::{CheckRequest, Delegation, GrantTerms, ListBy, Page, TransferRecord, hash0x};
pub use policy::{DeployedPolicy, HealthDataPolicy, deploy_health_data_policy};
pub use types::{
    CheckResponse, ConfigResponse, ConsentId, ConsentSummary, ConsentView, ConsentsResponse,
    EventKind, GrantResponse, HistoryEvent, HistoryResponse, InvalidConsentId, InvalidLegalBasis,
    Jurisdictions, LegalBasis, NonceResponse, Receipt, Status, TransfersResponse, Via,
    WithdrawResponse,
};

use super::{Executed, SystemHandle};
use crate::client::Client;
use crate::error::SdkError;
use bayledger_types::{Address, SecretKey, SystemContract};
use serde_json::json;

/// The consent contract on one node.
#[derive(Debug, Clone)]
pub struct Consents {
    handle: SystemHandle,
}

impl Consents {
    /// The genesis consent contract through `client`.
    pub fn new(client: Client) -> Consents {
        Consents { handle: SystemHandle::new(client, SystemContract::Consent) }
    }

    /// The underlying handle (address, client, `check`).
    pub fn handle(&self) -> &SystemHandle {
        &self.handle
    }

    /// The contract's address.
    pub fn address(&self) -> Address {
        self.handle.address()
    }

    // ---- calls -------------------------------------------------------------------------

    /// Grants consent on `terms`; `key` must control the subject DID.
    pub async fn grant(
        &self,
        key: &SecretKey,
        terms: &GrantTerms,
    ) -> Result<Executed<GrantResponse>, SdkError> {
        terms.validate()?;
        self.handle.execute(key, &msg::grant_msg(terms, None)).await
    }

    /// Signs `terms` with the subject's key for the subject's next delegation nonce (read
    /// from the chain). Use [`SignedGrant::sign`] to sign fully offline with a known nonce.
    pub async fn sign_grant(
        &self,
        subject_key: &SecretKey,
        terms: GrantTerms,
    ) -> Result<SignedGrant, SdkError> {
        terms.validate()?;
        let nonce = self.delegation_nonce(&terms.subject).await?;
        SignedGrant::sign(self.address(), nonce, terms, subject_key)
    }

    /// Submits a grant the subject signed; `key` (anyone) pays and sends it. The file is
    /// checked first: made for this contract, and signed by its stated signer.
    pub async fn submit_grant(
        &self,
        key: &SecretKey,
        signed: &SignedGrant,
    ) -> Result<Executed<GrantResponse>, SdkError> {
        self.check_contract(&signed.consent_contract)?;
        signed.verify()?;
        self.handle.execute(key, &msg::grant_msg(&signed.terms, Some(&signed.delegation))).await
    }

    /// Withdraws consent `id`; `key` must control the consent's subject DID.
    pub async fn withdraw(
        &self,
        key: &SecretKey,
        id: ConsentId,
    ) -> Result<Executed<WithdrawResponse>, SdkError> {
        self.handle.execute(key, &msg::withdraw_msg(id, None)).await
    }

    /// Signs the withdrawal of consent `id` with the subject's key for the subject's next
    /// delegation nonce (read from the chain, as is the consent's subject).
    pub async fn sign_withdraw(
        &self,
        subject_key: &SecretKey,
        id: ConsentId,
    ) -> Result<SignedWithdraw, SdkError> {
        let subject = self.consent(id, None).await?.subject;
        let nonce = self.delegation_nonce(&subject).await?;
        SignedWithdraw::sign(self.address(), nonce, &subject, id, subject_key)
    }

    /// Submits a withdrawal the subject signed; `key` (anyone) pays and sends it.
    pub async fn submit_withdraw(
        &self,
        key: &SecretKey,
        signed: &SignedWithdraw,
    ) -> Result<Executed<WithdrawResponse>, SdkError> {
        self.check_contract(&signed.consent_contract)?;
        signed.verify()?;
        self.handle
            .execute(key, &msg::withdraw_msg(signed.consent_id, Some(&signed.delegation)))
            .await
    }

    /// Records a transfer receipt; `key` must control the consent's provider DID, and the
    /// consent must allow the category and purpose at the block time.
    pub async fn record_transfer(
        &self,
        key: &SecretKey,
        transfer: &TransferRecord,
    ) -> Result<Executed<Receipt>, SdkError> {
        self.handle.execute(key, &msg::record_transfer_msg(transfer)).await
    }

    fn check_contract(&self, signed_for: &Address) -> Result<(), SdkError> {
        if *signed_for != self.address() {
            return Err(SdkError::Invalid(format!(
                "the delegation was signed for the consent contract {signed_for}, not this \
                 chain's {}",
                self.address()
            )));
        }
        Ok(())
    }

    // ---- queries -----------------------------------------------------------------------

    /// Whether a transfer is allowed, with the reason.
    pub async fn check(&self, request: &CheckRequest) -> Result<CheckResponse, SdkError> {
        self.handle.query(&msg::check_msg(request)).await
    }

    /// One consent with its status and history at `at_ms` (default: the latest block time).
    pub async fn consent(
        &self,
        id: ConsentId,
        at_ms: Option<u64>,
    ) -> Result<ConsentView, SdkError> {
        self.handle.query(&msg::consent_msg(id, at_ms)).await.map_err(not_found)
    }

    /// One page of a consent's history at `at_ms`.
    pub async fn history(
        &self,
        id: ConsentId,
        at_ms: Option<u64>,
        page: &Page<u32>,
    ) -> Result<HistoryResponse, SdkError> {
        self.handle.query(&msg::history_msg(id, at_ms, page)).await.map_err(not_found)
    }

    /// The whole history of a consent at `at_ms`, every page read at the same time.
    pub async fn full_history(
        &self,
        id: ConsentId,
        at_ms: Option<u64>,
    ) -> Result<HistoryResponse, SdkError> {
        let mut page = Page::largest();
        let mut all = self.history(id, at_ms, &page).await?;
        let mut last = all.events.len();
        while last == msg::MAX_LIMIT as usize {
            page.start_after = all.events.last().map(|e| e.seq);
            let next = self.history(id, Some(all.at_ms), &page).await?;
            last = next.events.len();
            all.events.extend(next.events);
        }
        Ok(all)
    }

    /// One page of the consents of a subject or a provider, with their status at `at_ms`.
    pub async fn consents(
        &self,
        by: ListBy,
        did: &str,
        at_ms: Option<u64>,
        page: &Page<ConsentId>,
    ) -> Result<ConsentsResponse, SdkError> {
        self.handle.query(&msg::consents_msg(by, did, at_ms, page)).await
    }

    /// Every consent of a subject or a provider, with their status at `at_ms` (every page
    /// read at the same time).
    pub async fn all_consents(
        &self,
        by: ListBy,
        did: &str,
        at_ms: Option<u64>,
    ) -> Result<ConsentsResponse, SdkError> {
        let mut page = Page::largest();
        let mut all = self.consents(by, did, at_ms, &page).await?;
        let mut last = all.consents.len();
        while last == msg::MAX_LIMIT as usize {
            page.start_after = all.consents.last().map(|c| c.id);
            let next = self.consents(by, did, Some(all.at_ms), &page).await?;
            last = next.consents.len();
            all.consents.extend(next.consents);
        }
        Ok(all)
    }

    /// One page of a subject's consents.
    pub async fn consents_by_subject(
        &self,
        subject: &str,
        at_ms: Option<u64>,
        page: &Page<ConsentId>,
    ) -> Result<ConsentsResponse, SdkError> {
        self.consents(ListBy::Subject, subject, at_ms, page).await
    }

    /// One page of a provider's consents.
    pub async fn consents_by_provider(
        &self,
        provider: &str,
        at_ms: Option<u64>,
        page: &Page<ConsentId>,
    ) -> Result<ConsentsResponse, SdkError> {
        self.consents(ListBy::Provider, provider, at_ms, page).await
    }

    /// One page of a consent's transfer receipts.
    pub async fn transfers(
        &self,
        id: ConsentId,
        page: &Page<u64>,
    ) -> Result<TransfersResponse, SdkError> {
        self.handle.query(&msg::transfers_msg(id, page)).await.map_err(not_found)
    }

    /// Every transfer receipt of a consent.
    pub async fn all_transfers(&self, id: ConsentId) -> Result<Vec<Receipt>, SdkError> {
        let mut page = Page::largest();
        let mut all = Vec::new();
        loop {
            let got = self.transfers(id, &page).await?.transfers;
            let full = got.len() == msg::MAX_LIMIT as usize;
            page.start_after = got.last().map(|r| r.seq);
            all.extend(got);
            if !full {
                return Ok(all);
            }
        }
    }

    /// The nonce the subject's next delegation must carry.
    pub async fn delegation_nonce(&self, subject: &str) -> Result<u64, SdkError> {
        let r: NonceResponse = self.handle.query(&msg::delegation_nonce_msg(subject)).await?;
        if r.subject != subject {
            return Err(SdkError::BadResponse(format!(
                "asked for the delegation nonce of {subject}, got {}'s",
                r.subject
            )));
        }
        Ok(r.nonce)
    }

    /// The contract's configuration.
    pub async fn config(&self) -> Result<ConfigResponse, SdkError> {
        self.handle.query(&json!({ "config": {} })).await
    }
}

/// How the node reports a query the contract answered with an error.
const QUERY_ABORTED: &str = "query failed (Aborted): aborted: ";

/// A query the contract refused with `not found: …` becomes [`SdkError::NotFound`] with the
/// contract's words (`consent 9`); other errors are kept.
fn not_found(e: SdkError) -> SdkError {
    match e {
        SdkError::Rejected(m) => match m.strip_prefix(QUERY_ABORTED) {
            Some(line) if line.starts_with("not found: ") => {
                SdkError::NotFound(line["not found: ".len()..].to_string())
            }
            _ => SdkError::Rejected(m),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_consent_is_not_found() {
        let e = not_found(SdkError::Rejected(format!("{QUERY_ABORTED}not found: consent 99")));
        assert!(matches!(&e, SdkError::NotFound(what) if what == "consent 99"), "{e:?}");
        assert_eq!(e.to_string(), "not found: consent 99");
        let other = format!("{QUERY_ABORTED}invalid id: \"x\" is not a consent id");
        let e = not_found(SdkError::Rejected(other.clone()));
        assert!(matches!(&e, SdkError::Rejected(m) if *m == other), "{e:?}");
        assert!(matches!(not_found(SdkError::Timeout("t".into())), SdkError::Timeout(_)));
    }
}
