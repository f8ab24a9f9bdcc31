//! The contract's JSON messages, responses and event payloads (documented by the JSON Schemas
//! in `schema/`). Registry messages use `snake_case`; W3C structures keep their camelCase.

use crate::document::DidDocument;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Instantiate message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstantiateMsg {
    /// The `<network>` of every DID: 1–50 characters of `[a-z0-9-]`.
    pub network: String,
}

/// State-changing messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CallMsg {
    /// Registers a new DID. Its DID is the document's `id`, or, if the document has none,
    /// `did:bayledger:<network>:<sender address without 0x>`. The sender must control the
    /// new document.
    Create {
        /// The DID document.
        document: DidDocument,
    },
    /// Replaces the document of `did` (a new version). The sender must control the current one.
    Update {
        /// The DID.
        did: String,
        /// The new document; its `id`, if given, must be `did`.
        document: DidDocument,
        /// If given, the update applies only while this is the current version.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous_version_id: Option<String>,
    },
    /// Deactivates `did` for good (a final version without keys or services). The sender must
    /// control the current document.
    Deactivate {
        /// The DID.
        did: String,
        /// If given, the deactivation applies only while this is the current version.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous_version_id: Option<String>,
    },
}

/// Read-only messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum QueryMsg {
    /// W3C DID resolution: the current document, or the one of `version_id` or in force at
    /// `version_time` (at most one of the two).
    Resolve {
        /// The DID.
        did: String,
        /// A version, as a decimal string.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version_id: Option<String>,
        /// Milliseconds since the epoch, or an XML dateTime string.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version_time: Option<VersionTime>,
    },
    /// A page of the versions of `did`, oldest first.
    History {
        /// The DID.
        did: String,
        /// Start after this version id (exclusive); `null` for the first page.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_after: Option<String>,
        /// Page size; default 10, at most 100.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// Whether `address` controls `did` (the interface other contracts rely on).
    Authorized {
        /// The DID.
        did: String,
        /// `0x` + 40 hex digits.
        address: String,
    },
    /// The registry's configuration.
    Config {},
}

/// `version_time`: milliseconds since the epoch, or an XML dateTime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionTime {
    /// Milliseconds since the epoch.
    Millis(u64),
    /// An XML dateTime string, e.g. `2026-11-30T01:02:03Z`.
    DateTime(String),
}

impl Serialize for VersionTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            VersionTime::Millis(ms) => serializer.serialize_u64(*ms),
            VersionTime::DateTime(s) => serializer.serialize_str(s),
        }
    }
}

impl<'de> Deserialize<'de> for VersionTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct VersionTimeVisitor;

        impl Visitor<'_> for VersionTimeVisitor {
            type Value = VersionTime;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("milliseconds since the epoch or an XML dateTime string")
            }

            fn visit_u64<E: de::Error>(self, ms: u64) -> Result<VersionTime, E> {
                Ok(VersionTime::Millis(ms))
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<VersionTime, E> {
                Ok(VersionTime::DateTime(s.into()))
            }
        }

        deserializer.deserialize_any(VersionTimeVisitor)
    }
}

/// Response of `create`, `update` and `deactivate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteResponse {
    /// The DID.
    pub did: String,
    /// The version just made.
    pub version_id: String,
}

/// Data of the `did.created`, `did.updated` and `did.deactivated` events.
pub type DidEvent = WriteResponse;

/// One entry of a `history` page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The version.
    pub version_id: String,
    /// `create`, `update` or `deactivate`.
    pub operation: String,
    /// Block time, ms since the epoch.
    pub time_ms: u64,
    /// Block height.
    pub height: u64,
    /// The address that made the version.
    pub sender: String,
    /// SHA3-256 of the version's document JSON (`0x` + 64 hex digits).
    pub document_hash: String,
}

/// `history` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryResponse {
    /// The DID.
    pub did: String,
    /// Versions in order.
    pub versions: Vec<HistoryEntry>,
}

/// `authorized` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizedResponse {
    /// Whether the address controls the DID.
    pub authorized: bool,
    /// Which key grants control, or why not (`unknown DID`, `deactivated`, `not a controller`).
    pub reason: String,
}

/// `config` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigResponse {
    /// The network of every DID of this registry.
    pub network: String,
}

/// Parses a version id: the decimal form of a version number ≥ 1, without leading zeros.
pub fn parse_version_id(text: &str) -> Result<u64, alloc::string::String> {
    let canonical =
        !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0');
    text.parse::<u64>()
        .ok()
        .filter(|_| canonical)
        .ok_or_else(|| alloc::format!("{text:?} is not a version id (1, 2, 3, …)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_ids_are_canonical_decimals_from_one() {
        assert_eq!(parse_version_id("1"), Ok(1));
        assert_eq!(parse_version_id("18446744073709551615"), Ok(u64::MAX));
        for bad in ["", "0", "01", "+1", "-1", "1.0", " 1", "18446744073709551616", "v1"] {
            assert!(parse_version_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn version_time_is_milliseconds_or_a_date_time() {
        let t: VersionTime = serde_json::from_str("1700000000000").expect("number");
        assert_eq!(t, VersionTime::Millis(1_700_000_000_000));
        let t: VersionTime = serde_json::from_str("\"2026-11-30T01:02:03Z\"").expect("string");
        assert_eq!(t, VersionTime::DateTime("2026-11-30T01:02:03Z".into()));
        for bad in ["-1", "1.5", "null", "[]"] {
            let err = serde_json::from_str::<VersionTime>(bad).expect_err(bad).to_string();
            assert!(err.contains("XML dateTime"), "{bad}: {err}");
        }
    }
}
