//! The policy's JSON messages and answers, and the credentials query it makes.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// Instantiate message; also the `config` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address of the credentials contract asked `holds_valid`.
    pub credentials: String,
    /// The credential type a recipient abroad must hold, e.g. `health-certificate`.
    pub credential_type: String,
    /// The data categories this policy treats as health data (exact names).
    pub health_categories: Vec<String>,
}

/// Read-only messages.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum QueryMsg {
    /// The policy interface every consent policy answers (docs/domain-contracts.md).
    CheckTransfer(CheckTransfer),
    /// The configuration.
    Config {},
}

/// What the consent contract asks before a transfer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckTransfer {
    /// The consent relied on.
    pub consent_id: String,
    /// Data subject DID.
    pub subject: String,
    /// Provider DID.
    pub provider: String,
    /// Recipient DID.
    pub recipient: String,
    /// Data category.
    pub category: String,
    /// Purpose.
    pub purpose: String,
    /// Whether provider and recipient are in different jurisdictions.
    pub cross_border: bool,
    /// The time of the transfer (or of the check).
    pub at_ms: u64,
}

/// The policy's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// Whether the transfer may go ahead.
    pub allowed: bool,
    /// Why, in one line.
    pub reason: String,
}

/// The credentials contract's `holds_valid` query.
#[derive(Debug, Serialize)]
pub(crate) struct HoldsValidQuery<'a> {
    pub holds_valid: HoldsValid<'a>,
}

/// The body of [`HoldsValidQuery`].
#[derive(Debug, Serialize)]
pub(crate) struct HoldsValid<'a> {
    pub subject: &'a str,
    pub credential_type: &'a str,
    pub at_ms: u64,
}

/// Its answer (extra fields are ignored).
#[derive(Debug, Deserialize)]
pub(crate) struct HoldsValidAnswer {
    pub valid: bool,
    #[serde(default)]
    pub credential_id: Option<String>,
    #[serde(default)]
    pub reason: String,
}
