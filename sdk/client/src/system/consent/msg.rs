//! What the client sends: the terms of a grant, a transfer receipt, a check, pages, and the
//! JSON messages built from them — the contract's own message types (`consent::msg`, which
//! `contracts/system/consent/schema/` documents), filled from the typed values here.

use super::types::{ConsentId, Jurisdictions, LegalBasis};
use crate::error::SdkError;
use bayledger_types::{Address, Hash};
use consent::msg::{CallMsg, GrantMsg, QueryMsg, RecordTransferMsg, WithdrawMsg};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A delegation as sent: the subject's nonce and `0x` + 130 hex of `r ‖ s ‖ v`.
pub use consent::msg::Delegation;

/// `check` question: may `provider` transfer `category` of `subject` to `recipient` for
/// `purpose` at `at_ms` (`None`: the latest block time)? The contract's `check` message.
pub use consent::msg::CheckMsg as CheckRequest;

/// Longest DID the contract accepts, in bytes.
pub const MAX_DID_LEN: usize = 128;
/// Longest data category or purpose name, in bytes.
pub const MAX_NAME_LEN: usize = 64;
/// Most data categories in one consent.
pub const MAX_CATEGORIES: usize = 16;
/// Most purposes in one consent.
pub const MAX_PURPOSES: usize = 8;
/// Largest page of a list query.
pub const MAX_LIMIT: u32 = 100;

/// The terms of a consent: everything in a `grant` message but the delegation. This is also
/// what a delegation signature covers (`docs/privacy.md` §6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantTerms {
    /// The data subject's DID.
    pub subject: String,
    /// The provider (personal information handler) DID.
    pub provider: String,
    /// The recipient DID.
    pub recipient: String,
    /// Data categories the provider may transfer (1–16 distinct names, in this order).
    pub data_categories: Vec<String>,
    /// Purposes (1–8 distinct names, in this order).
    pub purposes: Vec<String>,
    /// The legal basis.
    pub legal_basis: LegalBasis,
    /// Provider and recipient jurisdictions.
    pub jurisdictions: Jurisdictions,
    /// Start of validity, ms since the Unix epoch (inclusive).
    pub valid_from_ms: u64,
    /// End of validity, ms since the Unix epoch (exclusive).
    pub valid_until_ms: u64,
    /// A policy contract every check consults.
    #[serde(default)]
    pub policy: Option<Address>,
    /// SHA3-256 of the privacy notice the subject was shown.
    #[serde(default, with = "opt_hash0x")]
    pub notice_hash: Option<Hash>,
}

fn invalid(field: &str, why: impl std::fmt::Display) -> SdkError {
    SdkError::Invalid(format!("invalid {field}: {why}"))
}

fn check_did(field: &str, did: &str) -> Result<(), SdkError> {
    if !did.starts_with("did:") || did.len() > MAX_DID_LEN {
        return Err(invalid(field, format!("{did:?} is not a DID of at most {MAX_DID_LEN} bytes")));
    }
    Ok(())
}

fn check_names(field: &str, names: &[String], max: usize) -> Result<(), SdkError> {
    if names.is_empty() {
        return Err(invalid(field, "the list is empty"));
    }
    if names.len() > max {
        return Err(invalid(field, format!("at most {max} entries, got {}", names.len())));
    }
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() || name.len() > MAX_NAME_LEN {
            return Err(invalid(field, format!("{name:?} is not 1-{MAX_NAME_LEN} bytes")));
        }
        if names[..i].contains(name) {
            return Err(invalid(field, format!("{name:?} is listed twice")));
        }
    }
    Ok(())
}

impl GrantTerms {
    /// Checks what must hold before the terms are signed or sent: DIDs, list sizes and
    /// duplicates, non-empty jurisdictions, and a window that ends after it starts. The
    /// contract applies its full rules (name syntax, ISO codes, block time) on submission.
    pub fn validate(&self) -> Result<(), SdkError> {
        check_did("subject", &self.subject)?;
        check_did("provider", &self.provider)?;
        check_did("recipient", &self.recipient)?;
        check_names("data_categories", &self.data_categories, MAX_CATEGORIES)?;
        check_names("purposes", &self.purposes, MAX_PURPOSES)?;
        for (field, code) in [
            ("jurisdictions.provider", &self.jurisdictions.provider),
            ("jurisdictions.recipient", &self.jurisdictions.recipient),
        ] {
            if code.is_empty() || code.len() > 8 {
                return Err(invalid(field, format!("{code:?} is not an ISO 3166 code")));
            }
        }
        if self.valid_until_ms <= self.valid_from_ms {
            return Err(invalid(
                "valid_until_ms",
                format!(
                    "{} is not after valid_from_ms {}",
                    self.valid_until_ms, self.valid_from_ms
                ),
            ));
        }
        Ok(())
    }

    /// Whether the provider's and the recipient's jurisdictions differ (as the contract
    /// decides `cross_border`).
    pub fn cross_border(&self) -> bool {
        self.jurisdictions.provider != self.jurisdictions.recipient
    }
}

/// A transfer receipt to record under a consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRecord {
    /// The consent relied on.
    pub consent_id: ConsentId,
    /// Salted commitment (or, for large unpredictable payloads, plain hash) of what was sent.
    pub data_hash: Hash,
    /// The data category sent.
    pub category: String,
    /// The purpose it was sent for.
    pub purpose: String,
}

/// One page of a list query: start after `start_after` (exclusive), at most `limit` entries
/// (default 10, at most 100).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// Continue after this key.
    pub start_after: Option<T>,
    /// Page size.
    pub limit: Option<u32>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page { start_after: None, limit: None }
    }
}

impl<T> Page<T> {
    /// The first page of the largest size.
    pub fn largest() -> Page<T> {
        Page { start_after: None, limit: Some(MAX_LIMIT) }
    }
}

/// `0x` + 64 lower-case hex digits, as the contract writes hashes.
pub fn hash0x(h: &Hash) -> String {
    format!("0x{}", hex::encode(h.0))
}

/// Serde for `Option<Hash>` as `0x`-hex or `null`.
mod opt_hash0x {
    use bayledger_types::Hash;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(h: &Option<Hash>, s: S) -> Result<S::Ok, S::Error> {
        match h {
            Some(h) => s.serialize_str(&super::hash0x(h)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Hash>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| {
                s.strip_prefix("0x").and_then(Hash::from_hex).ok_or_else(|| {
                    serde::de::Error::custom(format!("{s:?} is not 0x + 64 hex digits"))
                })
            })
            .transpose()
    }
}

impl GrantTerms {
    /// The contract's `grant` message body: these terms, plus the delegation if any.
    pub fn to_msg(&self, delegation: Option<&Delegation>) -> GrantMsg {
        GrantMsg {
            subject: self.subject.clone(),
            provider: self.provider.clone(),
            recipient: self.recipient.clone(),
            data_categories: self.data_categories.clone(),
            purposes: self.purposes.clone(),
            legal_basis: self.legal_basis,
            jurisdictions: self.jurisdictions.clone(),
            valid_from_ms: self.valid_from_ms,
            valid_until_ms: self.valid_until_ms,
            policy: self.policy.map(|a| a.to_string()),
            notice_hash: self.notice_hash.as_ref().map(hash0x),
            delegation: delegation.cloned(),
        }
    }
}

/// `{"grant": {…terms, "delegation"?}}`.
pub fn grant_msg(terms: &GrantTerms, delegation: Option<&Delegation>) -> Value {
    json!(CallMsg::Grant(terms.to_msg(delegation)))
}

/// `{"withdraw": {"consent_id", "delegation"?}}`.
pub fn withdraw_msg(id: ConsentId, delegation: Option<&Delegation>) -> Value {
    json!(CallMsg::Withdraw(WithdrawMsg {
        consent_id: id.to_string(),
        delegation: delegation.cloned()
    }))
}

/// `{"record_transfer": {…}}`.
pub fn record_transfer_msg(t: &TransferRecord) -> Value {
    json!(CallMsg::RecordTransfer(RecordTransferMsg {
        consent_id: t.consent_id.to_string(),
        data_hash: hash0x(&t.data_hash),
        category: t.category.clone(),
        purpose: t.purpose.clone(),
    }))
}

/// `{"check": {…}}`.
pub fn check_msg(c: &CheckRequest) -> Value {
    json!(QueryMsg::Check(c.clone()))
}

/// `{"consent": {"id", "at_ms"?}}`.
pub fn consent_msg(id: ConsentId, at_ms: Option<u64>) -> Value {
    json!(QueryMsg::Consent { id: id.to_string(), at_ms })
}

/// `{"history": {"id", "at_ms"?, "start_after"?, "limit"?}}`.
pub fn history_msg(id: ConsentId, at_ms: Option<u64>, page: &Page<u32>) -> Value {
    json!(QueryMsg::History {
        id: id.to_string(),
        at_ms,
        start_after: page.start_after,
        limit: page.limit
    })
}

/// Which index a consent list query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListBy {
    /// `consents_by_subject`.
    Subject,
    /// `consents_by_provider`.
    Provider,
}

/// `{"consents_by_subject" | "consents_by_provider": {…}}`.
pub fn consents_msg(by: ListBy, did: &str, at_ms: Option<u64>, page: &Page<ConsentId>) -> Value {
    let start_after = page.start_after.map(|id| id.to_string());
    let (did, limit) = (did.to_string(), page.limit);
    json!(match by {
        ListBy::Subject => QueryMsg::ConsentsBySubject { subject: did, at_ms, start_after, limit },
        ListBy::Provider =>
            QueryMsg::ConsentsByProvider { provider: did, at_ms, start_after, limit },
    })
}

/// `{"transfers": {"consent_id", "start_after"?, "limit"?}}`.
pub fn transfers_msg(id: ConsentId, page: &Page<u64>) -> Value {
    json!(QueryMsg::Transfers {
        consent_id: id.to_string(),
        start_after: page.start_after,
        limit: page.limit
    })
}

/// `{"delegation_nonce": {"subject"}}`.
pub fn delegation_nonce_msg(subject: &str) -> Value {
    json!(QueryMsg::DelegationNonce { subject: subject.to_string() })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn vector_terms() -> GrantTerms {
        GrantTerms {
            subject: "did:bayledger:test:alice".into(),
            provider: "did:bayledger:test:hospital-gd".into(),
            recipient: "did:bayledger:test:clinic-hk".into(),
            data_categories: vec!["health.lab-results".into()],
            purposes: vec!["treatment".into()],
            legal_basis: LegalBasis::SeparateConsent,
            jurisdictions: Jurisdictions { provider: "CN-GD".into(), recipient: "HK".into() },
            valid_from_ms: 1_700_000_000_000,
            valid_until_ms: 1_731_536_000_000,
            policy: Some(Address([0x22; 20])),
            notice_hash: None,
        }
    }

    #[test]
    fn grant_message_is_the_contract_json() {
        let d = Delegation { nonce: 7, signature: format!("0x{}", "ab".repeat(65)) };
        let msg = grant_msg(&vector_terms(), Some(&d));
        assert_eq!(
            msg,
            json!({"grant": {
                "subject": "did:bayledger:test:alice",
                "provider": "did:bayledger:test:hospital-gd",
                "recipient": "did:bayledger:test:clinic-hk",
                "data_categories": ["health.lab-results"], "purposes": ["treatment"],
                "legal_basis": "separate-consent",
                "jurisdictions": {"provider": "CN-GD", "recipient": "HK"},
                "valid_from_ms": 1_700_000_000_000u64, "valid_until_ms": 1_731_536_000_000u64,
                "policy": "0x2222222222222222222222222222222222222222", "notice_hash": null,
                "delegation": {"nonce": 7, "signature": d.signature},
            }})
        );
        assert!(grant_msg(&vector_terms(), None)["grant"].get("delegation").is_none());
        let mut t = vector_terms();
        t.notice_hash = Some(Hash([0xcd; 32]));
        assert_eq!(grant_msg(&t, None)["grant"]["notice_hash"], format!("0x{}", "cd".repeat(32)));
        let back: GrantTerms = serde_json::from_value(serde_json::to_value(&t).unwrap()).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn terms_files_refuse_unknown_fields_and_bad_hashes() {
        let mut v = serde_json::to_value(vector_terms()).unwrap();
        v["notice_hash"] = json!("cd".repeat(32));
        let e = serde_json::from_value::<GrantTerms>(v.clone()).unwrap_err().to_string();
        assert!(e.contains("is not 0x + 64 hex digits"), "{e}");
        v["notice_hash"] = Value::Null;
        v["extra"] = json!(1);
        assert!(serde_json::from_value::<GrantTerms>(v).is_err());
    }

    #[test]
    fn validation_names_the_field() {
        type Case = (fn(&mut GrantTerms), &'static str);
        let cases: Vec<Case> = vec![
            (|t| t.subject = "alice".into(), "invalid subject: "),
            (|t| t.recipient = format!("did:x:{}", "a".repeat(130)), "invalid recipient: "),
            (|t| t.data_categories.clear(), "invalid data_categories: the list is empty"),
            (
                |t| t.purposes = vec!["a".into(), "a".into()],
                "invalid purposes: \"a\" is listed twice",
            ),
            (|t| t.purposes = (0..9).map(|i| i.to_string()).collect(), "at most 8"),
            (|t| t.data_categories = vec!["x".repeat(65)], "is not 1-64 bytes"),
            (|t| t.jurisdictions.recipient.clear(), "invalid jurisdictions.recipient"),
            (
                |t| t.valid_until_ms = t.valid_from_ms,
                "invalid valid_until_ms: 1700000000000 is not after valid_from_ms",
            ),
        ];
        assert!(vector_terms().validate().is_ok());
        for (change, expected) in cases {
            let mut t = vector_terms();
            change(&mut t);
            let e = t.validate().expect_err(expected).to_string();
            assert!(e.contains(expected), "{e} / {expected}");
        }
    }

    #[test]
    fn other_messages_are_the_contract_json() {
        let id = ConsentId(3);
        assert_eq!(withdraw_msg(id, None), json!({"withdraw": {"consent_id": "3"}}));
        let r = TransferRecord {
            consent_id: id,
            data_hash: Hash([1; 32]),
            category: "health.lab-results".into(),
            purpose: "treatment".into(),
        };
        assert_eq!(
            record_transfer_msg(&r),
            json!({"record_transfer": {"consent_id": "3", "data_hash": format!("0x{}", "01".repeat(32)),
                   "category": "health.lab-results", "purpose": "treatment"}})
        );
        assert_eq!(consent_msg(id, None), json!({"consent": {"id": "3"}}));
        assert_eq!(consent_msg(id, Some(5)), json!({"consent": {"id": "3", "at_ms": 5}}));
        assert_eq!(
            history_msg(id, None, &Page { start_after: Some(1), limit: Some(2) }),
            json!({"history": {"id": "3", "start_after": 1, "limit": 2}})
        );
        assert_eq!(
            consents_msg(
                ListBy::Provider,
                "did:x:p",
                Some(9),
                &Page { start_after: Some(id), limit: None }
            ),
            json!({"consents_by_provider": {"provider": "did:x:p", "at_ms": 9, "start_after": "3"}})
        );
        assert_eq!(
            consents_msg(ListBy::Subject, "did:x:s", None, &Page::default()),
            json!({"consents_by_subject": {"subject": "did:x:s"}})
        );
        assert_eq!(
            transfers_msg(id, &Page::largest()),
            json!({"transfers": {"consent_id": "3", "limit": 100}})
        );
        let c = CheckRequest {
            subject: "did:x:s".into(),
            provider: "did:x:p".into(),
            recipient: "did:x:r".into(),
            category: "c".into(),
            purpose: "p".into(),
            at_ms: None,
        };
        assert_eq!(
            check_msg(&c),
            json!({"check": {"subject": "did:x:s", "provider": "did:x:p", "recipient": "did:x:r",
                             "category": "c", "purpose": "p", "at_ms": null}})
        );
    }
}
