//! The consent contract's vocabulary and answers, as serde types that read and write exactly
//! the JSON of `contracts/system/consent/schema/consent.json`.

use crate::error::SdkError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A consent id: assigned in order from 1, written as a decimal string on the wire (`"1"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConsentId(pub u64);

impl fmt::Display for ConsentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for ConsentId {
    type Err = SdkError;
    /// A decimal number from 1, without sign or leading zeros (the contract's rule).
    fn from_str(s: &str) -> Result<ConsentId, SdkError> {
        let canonical =
            !s.is_empty() && !s.starts_with('0') && s.bytes().all(|c| c.is_ascii_digit());
        match s.parse::<u64>() {
            Ok(id) if canonical => Ok(ConsentId(id)),
            _ => Err(SdkError::Invalid(format!(
                "{s:?} is not a consent id (a decimal number from 1)"
            ))),
        }
    }
}

impl Serialize for ConsentId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for ConsentId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// PIPL legal bases a consent may be recorded under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LegalBasis {
    /// Consent of the individual (PIPL Art. 13(1)).
    Consent,
    /// Explicit consent, stated as such (Art. 14).
    ExplicitConsent,
    /// Separate consent (单独同意): sharing with another controller, sensitive data, transfers
    /// abroad (Arts. 23, 29, 39).
    SeparateConsent,
    /// Written consent, where a law requires it (Art. 14).
    WrittenConsent,
}

impl LegalBasis {
    /// Every basis, in the contract's order.
    pub const ALL: [LegalBasis; 4] = [
        LegalBasis::Consent,
        LegalBasis::ExplicitConsent,
        LegalBasis::SeparateConsent,
        LegalBasis::WrittenConsent,
    ];

    /// The message spelling, also the bytes of the delegation digest.
    pub fn as_str(self) -> &'static str {
        match self {
            LegalBasis::Consent => "consent",
            LegalBasis::ExplicitConsent => "explicit-consent",
            LegalBasis::SeparateConsent => "separate-consent",
            LegalBasis::WrittenConsent => "written-consent",
        }
    }
}

impl fmt::Display for LegalBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LegalBasis {
    type Err = SdkError;
    fn from_str(s: &str) -> Result<LegalBasis, SdkError> {
        LegalBasis::ALL.into_iter().find(|b| b.as_str() == s).ok_or_else(|| {
            let all: Vec<&str> = LegalBasis::ALL.iter().map(|b| b.as_str()).collect();
            SdkError::Invalid(format!("{s:?} is not a legal basis (one of {})", all.join(", ")))
        })
    }
}

/// Where the provider and the recipient are, as ISO 3166 codes (`CN-GD`, `HK`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jurisdictions {
    /// The provider's jurisdiction.
    pub provider: String,
    /// The recipient's jurisdiction.
    pub recipient: String,
}

/// Status of a consent at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The time is before the consent was given.
    NotYetGiven,
    /// Given, but its window has not started.
    Pending,
    /// Given, in its window, not withdrawn.
    Active,
    /// Withdrawn at or before the time.
    Withdrawn,
    /// The window ended at or before the time.
    Expired,
}

/// How a recorded event came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// Sent by an address that controls the subject DID.
    Direct,
    /// Submitted by anyone with the subject's delegation signature.
    Delegation,
    /// Not a transaction: derived from time (`expired`).
    Derived,
}

/// Kinds of history events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The consent was given.
    Given,
    /// The subject withdrew it.
    Withdrawn,
    /// Its validity window ended (derived from time, never a transaction).
    Expired,
}

/// The wire spelling (`snake_case`) of the unit enums, for messages and displays.
macro_rules! wire_names {
    ($ty:ident { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $ty {
            /// The spelling in the contract's JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)*
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_names!(Status {
    NotYetGiven => "not_yet_given",
    Pending => "pending",
    Active => "active",
    Withdrawn => "withdrawn",
    Expired => "expired",
});
wire_names!(Via { Direct => "direct", Delegation => "delegation", Derived => "derived" });
wire_names!(EventKind { Given => "given", Withdrawn => "withdrawn", Expired => "expired" });

/// `check` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResponse {
    /// Whether the transfer is allowed.
    pub allowed: bool,
    /// Why; starts with a stable token (`allowed:`, `no consent:`, `category not covered:`,
    /// `purpose not covered:`, `withdrawn:`, `not yet valid:`, `expired:`, `policy refused:`).
    pub reason: String,
    /// The consent that allows it, or the one that came closest.
    pub consent_id: Option<ConsentId>,
}

impl CheckResponse {
    /// The stable first token of the reason (`withdrawn`, `category not covered`, …).
    pub fn reason_kind(&self) -> &str {
        self.reason.split_once(':').map_or(self.reason.as_str(), |(kind, _)| kind)
    }
}

/// `grant` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantResponse {
    /// The assigned consent id.
    pub consent_id: ConsentId,
    /// Whether the provider's and the recipient's jurisdictions differ.
    pub cross_border: bool,
}

/// `withdraw` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawResponse {
    /// The consent.
    pub consent_id: ConsentId,
    /// The block time of the withdrawal.
    pub withdrawn_at_ms: u64,
}

/// One entry of a consent's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEvent {
    /// Position in the history, from 0.
    pub seq: u32,
    /// What happened.
    pub event: EventKind,
    /// When (block time; for `expired`, the end of the validity window).
    pub at_ms: u64,
    /// Block height, `None` for derived events.
    pub height: Option<u64>,
    /// The address that controls the subject DID and authorised the action.
    pub actor: Option<String>,
    /// The transaction sender (differs from `actor` for delegations).
    pub submitted_by: Option<String>,
    /// How it came about.
    pub via: Via,
}

/// `consent` answer: the full record as of `status_at_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentView {
    /// The consent id.
    pub id: ConsentId,
    /// Subject DID.
    pub subject: String,
    /// Provider DID.
    pub provider: String,
    /// Recipient DID.
    pub recipient: String,
    /// Data categories.
    pub data_categories: Vec<String>,
    /// Purposes.
    pub purposes: Vec<String>,
    /// Legal basis.
    pub legal_basis: LegalBasis,
    /// Jurisdictions.
    pub jurisdictions: Jurisdictions,
    /// Whether the jurisdictions differ.
    pub cross_border: bool,
    /// Start of validity (inclusive).
    pub valid_from_ms: u64,
    /// End of validity (exclusive).
    pub valid_until_ms: u64,
    /// Policy contract, if any.
    pub policy: Option<String>,
    /// Notice hash, if any.
    pub notice_hash: Option<String>,
    /// Block time the consent was given.
    pub given_at_ms: u64,
    /// Block height the consent was given.
    pub given_height: u64,
    /// Status at `status_at_ms`.
    pub status: Status,
    /// The time the status and history refer to.
    pub status_at_ms: u64,
    /// Events up to `status_at_ms`, including a derived `expired`.
    pub history: Vec<HistoryEvent>,
}

/// One entry of `consents_by_subject` / `consents_by_provider`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentSummary {
    /// The consent id.
    pub id: ConsentId,
    /// Subject DID.
    pub subject: String,
    /// Provider DID.
    pub provider: String,
    /// Recipient DID.
    pub recipient: String,
    /// Whether the jurisdictions differ.
    pub cross_border: bool,
    /// Start of validity (inclusive).
    pub valid_from_ms: u64,
    /// End of validity (exclusive).
    pub valid_until_ms: u64,
    /// Status at the query's `at_ms`.
    pub status: Status,
}

/// `consents_by_subject` / `consents_by_provider` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentsResponse {
    /// The time the statuses refer to.
    pub at_ms: u64,
    /// Consents in id order.
    pub consents: Vec<ConsentSummary>,
}

/// `history` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryResponse {
    /// The consent id.
    pub id: ConsentId,
    /// The time the history refers to.
    pub at_ms: u64,
    /// Events in order.
    pub events: Vec<HistoryEvent>,
}

/// A transfer receipt (`record_transfer` answer, `transfers` entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The consent relied on.
    pub consent_id: ConsentId,
    /// Position among the consent's receipts, from 0.
    pub seq: u64,
    /// Hash (salted commitment) of what was sent.
    pub data_hash: String,
    /// Data category sent.
    pub category: String,
    /// Purpose.
    pub purpose: String,
    /// The sender, an address that controls the provider DID.
    pub recorded_by: String,
    /// Block time.
    pub at_ms: u64,
    /// Block height.
    pub height: u64,
}

/// `transfers` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransfersResponse {
    /// The consent id.
    pub consent_id: ConsentId,
    /// Receipts in `seq` order.
    pub transfers: Vec<Receipt>,
}

/// `delegation_nonce` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonceResponse {
    /// The subject DID.
    pub subject: String,
    /// The nonce the next delegation must carry (0 before the first).
    pub nonce: u64,
}

/// `config` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigResponse {
    /// The DID registry address.
    pub did_registry: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn consent_ids_follow_the_contract_rule_and_travel_as_strings() {
        assert_eq!("1".parse::<ConsentId>().unwrap(), ConsentId(1));
        assert_eq!("18446744073709551615".parse::<ConsentId>().unwrap(), ConsentId(u64::MAX));
        for bad in ["", "0", "01", "+1", "-1", "1a", "18446744073709551616"] {
            let e = bad.parse::<ConsentId>().expect_err(bad).to_string();
            assert!(e.contains("is not a consent id"), "{e}");
        }
        assert_eq!(serde_json::to_value(ConsentId(42)).unwrap(), json!("42"));
        assert_eq!(serde_json::from_value::<ConsentId>(json!("7")).unwrap(), ConsentId(7));
        assert!(serde_json::from_value::<ConsentId>(json!(7)).is_err());
        assert!(serde_json::from_value::<ConsentId>(json!("07")).is_err());
    }

    #[test]
    fn legal_bases_parse_and_print_their_message_spelling() {
        for b in LegalBasis::ALL {
            assert_eq!(b.as_str().parse::<LegalBasis>().unwrap(), b);
            assert_eq!(serde_json::to_value(b).unwrap(), json!(b.as_str()));
        }
        let e = "Separate-Consent".parse::<LegalBasis>().unwrap_err().to_string();
        assert!(e.contains("one of consent, explicit-consent, separate-consent"), "{e}");
    }

    #[test]
    fn displays_use_the_wire_spelling() {
        for s in [
            Status::NotYetGiven,
            Status::Pending,
            Status::Active,
            Status::Withdrawn,
            Status::Expired,
        ] {
            assert_eq!(serde_json::to_value(s).unwrap(), json!(s.to_string()));
        }
        for v in [Via::Direct, Via::Delegation, Via::Derived] {
            assert_eq!(serde_json::to_value(v).unwrap(), json!(v.as_str()));
        }
        for e in [EventKind::Given, EventKind::Withdrawn, EventKind::Expired] {
            assert_eq!(serde_json::to_value(e).unwrap(), json!(e.to_string()));
        }
    }

    #[test]
    fn answers_decode_from_the_contract_json() {
        let check: CheckResponse = serde_json::from_value(json!({
            "allowed": false, "reason": "withdrawn: consent 3 was withdrawn at 5", "consent_id": "3"
        }))
        .unwrap();
        assert_eq!((check.reason_kind(), check.consent_id), ("withdrawn", Some(ConsentId(3))));
        let none: CheckResponse = serde_json::from_value(
            json!({"allowed": false, "reason": "no consent: …", "consent_id": null}),
        )
        .unwrap();
        assert_eq!((none.reason_kind(), none.consent_id), ("no consent", None));

        let history: HistoryResponse = serde_json::from_value(json!({
            "id": "1", "at_ms": 10,
            "events": [
                {"seq": 0, "event": "given", "at_ms": 1, "height": 2, "actor": "0xaa",
                 "submitted_by": "0xbb", "via": "delegation"},
                {"seq": 1, "event": "expired", "at_ms": 9, "height": null, "actor": null,
                 "submitted_by": null, "via": "derived"}
            ]
        }))
        .unwrap();
        assert_eq!(history.events[1].event, EventKind::Expired);
        assert_eq!(history.events[1].via, Via::Derived);
        assert_eq!(history.events[0].height, Some(2));

        let view: ConsentView = serde_json::from_value(json!({
            "id": "1", "subject": "did:x:s", "provider": "did:x:p", "recipient": "did:x:r",
            "data_categories": ["a"], "purposes": ["b"], "legal_basis": "separate-consent",
            "jurisdictions": {"provider": "CN-GD", "recipient": "HK"}, "cross_border": true,
            "valid_from_ms": 1, "valid_until_ms": 2, "policy": null, "notice_hash": null,
            "given_at_ms": 1, "given_height": 3, "status": "not_yet_given", "status_at_ms": 0,
            "history": []
        }))
        .unwrap();
        assert_eq!(
            (view.status, view.legal_basis),
            (Status::NotYetGiven, LegalBasis::SeparateConsent)
        );
    }
}
