//! Query responses. Their JSON Schemas are the `$defs` of `schema/responses.json`, one per
//! query name.

use crate::msg::Purpose;
use crate::record::{HashAlg, Period, SchemaVersion, Status, StatusChange, TypeRecord};
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// `config`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigResponse {
    /// The committee address.
    pub committee: String,
    /// The DID registry address.
    pub did_registry: String,
}

/// `type`: the type and every schema version, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeResponse {
    /// The type, with its current schema.
    #[serde(rename = "type")]
    pub credential_type: TypeRecord,
    /// Schema history, version 1 first.
    pub schemas: Vec<SchemaVersion>,
}

/// `types`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypesResponse {
    /// Types in id order.
    pub types: Vec<TypeRecord>,
}

/// One issuer of a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuerView {
    /// The issuer's DID.
    pub issuer: String,
    /// Whether it is authorised now.
    pub authorized: bool,
    /// Its authorisation periods, oldest first.
    pub periods: Vec<Period>,
}

/// `issuers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuersResponse {
    /// The type id.
    pub credential_type: String,
    /// Issuers in DID order.
    pub issuers: Vec<IssuerView>,
}

/// `is_authorized_issuer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IsAuthorizedResponse {
    /// The answer.
    pub authorized: bool,
    /// The time it is about.
    pub at_ms: u64,
    /// Why (or why not).
    pub reason: String,
}

/// `credential`: the credential as of `at_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialResponse {
    /// The credential id.
    pub id: String,
    /// Its type.
    pub credential_type: String,
    /// The type's schema version current at issuance.
    pub schema_version: u32,
    /// The issuer's DID.
    pub issuer: String,
    /// The subject's DID.
    pub subject: String,
    /// Hash of the VC's canonical bytes.
    pub vc_hash: String,
    /// `sha2-256` or `sha3-256`.
    pub vc_hash_alg: HashAlg,
    /// Block time of issuance.
    pub issued_at_ms: u64,
    /// Block height of issuance.
    pub issued_height: u64,
    /// Start of validity (inclusive), if any.
    pub valid_from_ms: Option<u64>,
    /// End of validity (exclusive), if any.
    pub valid_until_ms: Option<u64>,
    /// The time this answer is about.
    pub at_ms: u64,
    /// Status at `at_ms`.
    pub status: Status,
    /// Whether the issuer was authorised for the type at `at_ms`.
    pub issuer_authorized: bool,
    /// The issuer's status list holding this credential's bits.
    pub status_list: u32,
    /// The bit position in that list.
    pub status_list_index: u32,
    /// Status history up to `at_ms`, oldest first.
    pub history: Vec<StatusChange>,
}

/// `holds_valid` (docs/domain-contracts.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldsValidResponse {
    /// The answer.
    pub valid: bool,
    /// The valid credential (the latest issued one), or when none is valid, the latest
    /// issued candidate; `null` when the subject has no credential of that type.
    pub credential_id: Option<String>,
    /// Why (or why not).
    pub reason: String,
}

/// One credential in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialSummary {
    /// The credential id.
    pub id: String,
    /// Its type.
    pub credential_type: String,
    /// The issuer's DID.
    pub issuer: String,
    /// The subject's DID.
    pub subject: String,
    /// Block time of issuance.
    pub issued_at_ms: u64,
    /// Start of validity, if any.
    pub valid_from_ms: Option<u64>,
    /// End of validity, if any.
    pub valid_until_ms: Option<u64>,
    /// Status now.
    pub status: Status,
}

/// `credentials_by_subject` and `credentials_by_issuer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialsResponse {
    /// The page.
    pub credentials: Vec<CredentialSummary>,
}

/// `status_list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusListResponse {
    /// The issuer's DID.
    pub issuer: String,
    /// Which status the bits mean.
    pub purpose: Purpose,
    /// The list number.
    pub list: u32,
    /// The time it is about.
    pub at_ms: u64,
    /// Number of bits (always 131072).
    pub size: u32,
    /// The bits, base64url without padding; bit `i` is `(byte[i / 8] >> (7 - i % 8)) & 1`.
    pub encoded_list: String,
}
