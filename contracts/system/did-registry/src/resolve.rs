//! DID resolution (W3C DID Resolution): `{"didDocument", "didDocumentMetadata",
//! "didResolutionMetadata"}`, answering for the current version or, from the stored history,
//! for a `version_id` or the version in force at a `version_time`.
//!
//! Resolution failures are answers, not query errors: `didDocument` is `null` and
//! `didResolutionMetadata.error` is `invalidDid` (malformed DID), `methodNotSupported` (another
//! DID method), `notFound` (not registered here, another network, no such version, or not yet
//! created at that time) or `invalidOptions` (bad `version_id` / `version_time`), with a
//! readable `errorMessage`.

use crate::datetime;
use crate::did::{Did, DidError};
use crate::msg::{VersionTime, parse_version_id};
use crate::state::{self, Operation, VersionMeta};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use bayledger_contract_sdk::Error;
use serde::Serialize;
use serde_json::value::RawValue;

/// The media type of the documents.
pub const CONTENT_TYPE: &str = "application/did+json";

/// A resolution result.
#[derive(Debug, Serialize)]
pub struct Resolution {
    /// The document, or `null` on error.
    #[serde(rename = "didDocument")]
    pub document: Option<Box<RawValue>>,
    /// Metadata of the resolved version (empty on error).
    #[serde(rename = "didDocumentMetadata")]
    pub document_metadata: DocumentMetadata,
    /// `contentType`, or `error` and `errorMessage`.
    #[serde(rename = "didResolutionMetadata")]
    pub resolution_metadata: ResolutionMetadata,
}

/// `didDocumentMetadata`.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentMetadata {
    /// When the DID was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// When the resolved version was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// The resolved version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// Whether the resolved version is the deactivation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deactivated: Option<bool>,
    /// When the next version was made (only when an older version was resolved).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_update: Option<String>,
    /// The next version (only when an older version was resolved).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_version_id: Option<String>,
}

/// `didResolutionMetadata`.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolutionMetadata {
    /// `application/did+json` on success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<&'static str>,
    /// The error code on failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
    /// What went wrong, readably.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

fn failure(error: &'static str, message: String) -> Resolution {
    Resolution {
        document: None,
        document_metadata: DocumentMetadata::default(),
        resolution_metadata: ResolutionMetadata {
            content_type: None,
            error: Some(error),
            error_message: Some(message),
        },
    }
}

fn failed(error: &'static str, message: String) -> Result<Resolution, Error> {
    Ok(failure(error, message))
}

/// Resolves `did`, at `version_id` or `version_time` if one is given.
pub fn resolve(
    did: &str,
    version_id: Option<&str>,
    version_time: Option<&VersionTime>,
) -> Result<Resolution, Error> {
    let network = state::network()?;
    let did = match Did::parse(did, &network) {
        Ok(did) => did,
        Err(DidError::Invalid(m)) => return failed("invalidDid", m),
        Err(DidError::OtherMethod(m)) => return failed("methodNotSupported", m),
        Err(DidError::OtherNetwork(m)) => return failed("notFound", m),
    };
    let Some(current) = state::load(did.id())? else {
        return Ok(not_registered(&did));
    };
    let version = match (version_id, version_time) {
        (Some(_), Some(_)) => {
            return failed("invalidOptions", "give version_id or version_time, not both".into());
        }
        (Some(text), None) => match parse_version_id(text) {
            Err(e) => return failed("invalidOptions", format!("version_id: {e}")),
            Ok(v) if v > current.version => return Ok(no_such_version(&did, v, current.version)),
            Ok(v) => v,
        },
        (None, Some(time)) => {
            let ms = match time {
                VersionTime::Millis(ms) => *ms,
                VersionTime::DateTime(text) => match datetime::parse(text) {
                    Ok(ms) => ms,
                    Err(e) => return failed("invalidOptions", format!("version_time: {e}")),
                },
            };
            match state::version_at(did.id(), current.version, ms)? {
                Some(v) => v,
                None => {
                    return failed(
                        "notFound",
                        format!("{did} did not exist at {}", datetime::format_ms(ms)),
                    );
                }
            }
        }
        (None, None) => current.version,
    };

    let meta = state::existing_version(did.id(), version)?;
    let created =
        if version == 1 { meta.time_ms } else { state::existing_version(did.id(), 1)?.time_ms };
    let next = if version < current.version {
        Some(state::existing_version(did.id(), version + 1)?)
    } else {
        None
    };
    resolved(version, &meta, created, next.as_ref(), state::document(did.id(), version)?)
}

/// The `notFound` answer for a DID this registry does not hold.
pub fn not_registered(did: &Did) -> Resolution {
    failure("notFound", format!("{did} is not registered"))
}

/// The `notFound` answer for a version after the latest.
pub fn no_such_version(did: &Did, version: u64, latest: u64) -> Resolution {
    failure("notFound", format!("{did} has no version {version} (the latest is {latest})"))
}

/// The resolution of `version` from its stored records: its metadata, the DID's creation time,
/// the next version's metadata (`None` for the latest) and the stored document. Pure, so a
/// verifier holding proven records reaches the contract's own answer.
pub fn resolved(
    version: u64,
    meta: &VersionMeta,
    created_ms: u64,
    next: Option<&VersionMeta>,
    document: Vec<u8>,
) -> Result<Resolution, Error> {
    let json = String::from_utf8(document)
        .map_err(|_| Error::new("storage: a stored document is not UTF-8"))?;
    let document = RawValue::from_string(json)
        .map_err(|e| Error::new(format!("storage: a stored document is not JSON: {e}")))?;
    Ok(Resolution {
        document: Some(document),
        document_metadata: DocumentMetadata {
            created: Some(datetime::format_ms(created_ms)),
            updated: Some(datetime::format_ms(meta.time_ms)),
            version_id: Some(version.to_string()),
            deactivated: Some(meta.operation == Operation::Deactivate),
            next_update: next.map(|n| datetime::format_ms(n.time_ms)),
            next_version_id: next.map(|_| (version + 1).to_string()),
        },
        resolution_metadata: ResolutionMetadata {
            content_type: Some(CONTENT_TYPE),
            error: None,
            error_message: None,
        },
    })
}
