//! The contract's JSON messages, responses and event payloads (documented by the schemas in
//! `schema/`).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::str::FromStr;
use serde::{Deserialize, Serialize};

/// A consent id: assigned in order from 1, written as a decimal string on the wire (`"1"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConsentId(pub u64);

/// Why a string is not a [`ConsentId`]; displays as the contract's rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidConsentId(pub String);

impl fmt::Display for InvalidConsentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a consent id (a decimal number from 1)", self.0)
    }
}

impl core::error::Error for InvalidConsentId {}

impl fmt::Display for ConsentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for ConsentId {
    type Err = InvalidConsentId;
    /// A decimal number from 1, without sign or leading zeros.
    fn from_str(s: &str) -> Result<ConsentId, InvalidConsentId> {
        let canonical =
            !s.is_empty() && !s.starts_with('0') && s.bytes().all(|c| c.is_ascii_digit());
        match s.parse::<u64>() {
            Ok(id) if canonical => Ok(ConsentId(id)),
            _ => Err(InvalidConsentId(String::from(s))),
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
        s.parse().map_err(|e| serde::de::Error::custom(format!("{e}")))
    }
}

/// Instantiate message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstantiateMsg {
    /// Address of the DID registry whose `authorized` query decides who acts for a DID.
    pub did_registry: String,
}

/// State-changing messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CallMsg {
    /// The subject gives a consent (directly or by a signed delegation).
    Grant(GrantMsg),
    /// The subject withdraws a consent (directly or by a signed delegation).
    Withdraw(WithdrawMsg),
    /// The provider records that it transferred data under a consent.
    RecordTransfer(RecordTransferMsg),
}

/// PIPL legal bases a consent may be recorded under (a bounded set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LegalBasis {
    /// Consent of the individual (PIPL Art. 13(1)), given voluntarily and explicitly (Art. 14).
    Consent,
    /// Explicit consent, stated as such (Art. 14).
    ExplicitConsent,
    /// Separate consent (单独同意), required for sharing with another controller (Art. 23),
    /// sensitive personal information (Art. 29) and transfers abroad (Art. 39).
    SeparateConsent,
    /// Written consent, where a law requires it (Art. 14).
    WrittenConsent,
}

impl LegalBasis {
    /// Every basis, in this order.
    pub const ALL: [LegalBasis; 4] = [
        LegalBasis::Consent,
        LegalBasis::ExplicitConsent,
        LegalBasis::SeparateConsent,
        LegalBasis::WrittenConsent,
    ];

    /// The message spelling, also used in the delegation digest.
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

/// Why a string is not a [`LegalBasis`]; displays the accepted spellings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidLegalBasis(pub String);

impl fmt::Display for InvalidLegalBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a legal basis (one of ", self.0)?;
        for (i, b) in LegalBasis::ALL.iter().enumerate() {
            f.write_str(if i == 0 { "" } else { ", " })?;
            f.write_str(b.as_str())?;
        }
        f.write_str(")")
    }
}

impl core::error::Error for InvalidLegalBasis {}

impl FromStr for LegalBasis {
    type Err = InvalidLegalBasis;
    /// The message spelling, exactly.
    fn from_str(s: &str) -> Result<LegalBasis, InvalidLegalBasis> {
        LegalBasis::ALL
            .into_iter()
            .find(|b| b.as_str() == s)
            .ok_or_else(|| InvalidLegalBasis(String::from(s)))
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

/// A signature of the subject that lets anyone submit the action for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delegation {
    /// The subject's next delegation nonce (query `delegation_nonce`).
    pub nonce: u64,
    /// `0x` + 130 lower-case hex: `r ‖ s ‖ v` over the action's digest (crate docs).
    pub signature: String,
}

/// `grant`: the consent terms, plus an optional delegation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantMsg {
    /// The data subject's DID.
    pub subject: String,
    /// The provider (the personal information handler / controller) DID.
    pub provider: String,
    /// The recipient DID.
    pub recipient: String,
    /// Data categories the provider may transfer, 1–16 distinct names.
    pub data_categories: Vec<String>,
    /// Purposes of the transfer, 1–8 distinct names.
    pub purposes: Vec<String>,
    /// The legal basis.
    pub legal_basis: LegalBasis,
    /// Provider and recipient jurisdictions.
    pub jurisdictions: Jurisdictions,
    /// Start of validity, ms since the Unix epoch (inclusive).
    pub valid_from_ms: u64,
    /// End of validity, ms since the Unix epoch (exclusive).
    pub valid_until_ms: u64,
    /// A policy contract consulted by every check.
    #[serde(default)]
    pub policy: Option<String>,
    /// SHA3-256 of the privacy notice the subject was shown.
    #[serde(default)]
    pub notice_hash: Option<String>,
    /// Present when submitted on the subject's behalf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegation: Option<Delegation>,
}

/// `withdraw`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawMsg {
    /// The consent.
    pub consent_id: String,
    /// Present when submitted on the subject's behalf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegation: Option<Delegation>,
}

/// `record_transfer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordTransferMsg {
    /// The consent the transfer relies on.
    pub consent_id: String,
    /// Hash of what was sent (`0x` + 64 lower-case hex).
    pub data_hash: String,
    /// The data category sent.
    pub category: String,
    /// The purpose it was sent for.
    pub purpose: String,
}

/// Read-only messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum QueryMsg {
    /// May `provider` transfer `category` of `subject` to `recipient` for `purpose` at `at_ms`?
    Check(CheckMsg),
    /// One consent with its status and history at `at_ms`.
    Consent {
        /// The consent id.
        id: String,
        /// Default: the latest block time.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_ms: Option<u64>,
    },
    /// A page of a consent's history at `at_ms`.
    History {
        /// The consent id.
        id: String,
        /// Default: the latest block time.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_ms: Option<u64>,
        /// Start after this event `seq`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_after: Option<u32>,
        /// Page size; default 10, at most 100.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// A page of a subject's consents, by id.
    ConsentsBySubject {
        /// The subject DID.
        subject: String,
        /// Status as of this time; default: the latest block time.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_ms: Option<u64>,
        /// Start after this consent id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_after: Option<String>,
        /// Page size; default 10, at most 100.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// A page of a provider's consents, by id.
    ConsentsByProvider {
        /// The provider DID.
        provider: String,
        /// Status as of this time; default: the latest block time.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_ms: Option<u64>,
        /// Start after this consent id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_after: Option<String>,
        /// Page size; default 10, at most 100.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// A page of the transfer receipts of a consent.
    Transfers {
        /// The consent id.
        consent_id: String,
        /// Start after this receipt `seq`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_after: Option<u64>,
        /// Page size; default 10, at most 100.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// The nonce the subject's next delegation must carry.
    DelegationNonce {
        /// The subject DID.
        subject: String,
    },
    /// The contract's configuration.
    Config {},
}

/// `check` query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckMsg {
    /// The data subject's DID.
    pub subject: String,
    /// The provider DID.
    pub provider: String,
    /// The recipient DID.
    pub recipient: String,
    /// The data category.
    pub category: String,
    /// The purpose.
    pub purpose: String,
    /// Default: the latest block time.
    #[serde(default)]
    pub at_ms: Option<u64>,
}

/// `check` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResponse {
    /// Whether the transfer is allowed.
    pub allowed: bool,
    /// Why (see the crate docs for the reason prefixes).
    pub reason: String,
    /// The consent that allows it, or the one that came closest; `null` when there is none.
    pub consent_id: Option<ConsentId>,
}

impl CheckResponse {
    /// The stable first token of the reason (`withdrawn`, `category not covered`, …).
    pub fn reason_kind(&self) -> &str {
        self.reason.split_once(':').map_or(self.reason.as_str(), |(kind, _)| kind)
    }
}

/// Response of `grant`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantResponse {
    /// The assigned consent id.
    pub consent_id: ConsentId,
    /// Whether the provider's and the recipient's jurisdictions differ.
    pub cross_border: bool,
}

/// Response of `withdraw`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawResponse {
    /// The consent.
    pub consent_id: ConsentId,
    /// The block time of the withdrawal.
    pub withdrawn_at_ms: u64,
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

/// One entry of a consent's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEvent {
    /// Position in the history, from 0.
    pub seq: u32,
    /// What happened.
    pub event: EventKind,
    /// When (block time; for `expired`, the end of the validity window).
    pub at_ms: u64,
    /// Block height, `null` for derived events.
    pub height: Option<u64>,
    /// The address that controls the subject DID and authorised the action.
    pub actor: Option<String>,
    /// The transaction sender (differs from `actor` for delegations).
    pub submitted_by: Option<String>,
    /// How it came about.
    pub via: Via,
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

/// `consent` response: the full record as of `status_at_ms`.
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

/// `consents_by_subject` / `consents_by_provider` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentsResponse {
    /// The time the statuses refer to.
    pub at_ms: u64,
    /// Consents in id order.
    pub consents: Vec<ConsentSummary>,
}

/// `history` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryResponse {
    /// The consent id.
    pub id: ConsentId,
    /// The time the history refers to.
    pub at_ms: u64,
    /// Events in order.
    pub events: Vec<HistoryEvent>,
}

/// A transfer receipt (`record_transfer` response, `transfers` entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The consent relied on.
    pub consent_id: ConsentId,
    /// Position among the consent's receipts, from 0.
    pub seq: u64,
    /// Hash of what was sent.
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

/// `transfers` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransfersResponse {
    /// The consent id.
    pub consent_id: ConsentId,
    /// Receipts in `seq` order.
    pub transfers: Vec<Receipt>,
}

/// `delegation_nonce` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonceResponse {
    /// The subject DID.
    pub subject: String,
    /// The nonce the next delegation must carry (0 before the first).
    pub nonce: u64,
}

/// `config` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigResponse {
    /// The DID registry address.
    pub did_registry: String,
}

/// `consent.given` event data.
#[derive(Debug, Serialize)]
pub(crate) struct GivenEvent<'a> {
    pub consent_id: String,
    pub subject: &'a str,
    pub provider: &'a str,
    pub recipient: &'a str,
    pub data_categories: &'a [String],
    pub purposes: &'a [String],
    pub legal_basis: LegalBasis,
    pub jurisdictions: &'a Jurisdictions,
    pub cross_border: bool,
    pub valid_from_ms: u64,
    pub valid_until_ms: u64,
    pub policy: Option<&'a str>,
    pub notice_hash: Option<&'a str>,
    pub actor: String,
    pub via: Via,
}

/// `consent.withdrawn` event data.
#[derive(Debug, Serialize)]
pub(crate) struct WithdrawnEvent<'a> {
    pub consent_id: String,
    pub subject: &'a str,
    pub provider: &'a str,
    pub recipient: &'a str,
    pub at_ms: u64,
    pub actor: String,
    pub via: Via,
}

/// `consent.transfer_recorded` event data.
#[derive(Debug, Serialize)]
pub(crate) struct TransferEvent<'a> {
    pub consent_id: String,
    pub seq: u64,
    pub subject: &'a str,
    pub provider: &'a str,
    pub recipient: &'a str,
    pub category: &'a str,
    pub purpose: &'a str,
    pub data_hash: &'a str,
    pub recorded_by: String,
    pub at_ms: u64,
    pub height: u64,
}

/// What a policy contract is asked (docs/domain-contracts.md).
#[derive(Debug, Serialize)]
pub(crate) struct PolicyQuery<'a> {
    pub check_transfer: PolicyCheck<'a>,
}

/// The body of [`PolicyQuery`].
#[derive(Debug, Serialize)]
pub(crate) struct PolicyCheck<'a> {
    pub consent_id: String,
    pub subject: &'a str,
    pub provider: &'a str,
    pub recipient: &'a str,
    pub category: &'a str,
    pub purpose: &'a str,
    pub cross_border: bool,
    pub at_ms: u64,
}

/// A policy contract's answer.
#[derive(Debug, Deserialize)]
pub(crate) struct PolicyAnswer {
    pub allowed: bool,
    pub reason: String,
}
