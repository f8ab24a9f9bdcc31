//! The contract's incoming JSON messages (instantiate, call, query). Their JSON Schemas are in
//! `schema/instantiate.json`, `schema/call.json` and `schema/query.json`.

use crate::record::HashAlg;
use alloc::string::String;
use serde::{Deserialize, Serialize};

/// Instantiate message: both addresses are required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstantiateMsg {
    /// The committee address (`0x` + 40 lower-case hex).
    pub committee: String,
    /// The DID registry contract (`0x` + 40 lower-case hex).
    pub did_registry: String,
}

/// State-changing messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CallMsg {
    /// Committee only: hands the committee role to another address.
    SetCommittee {
        /// The new committee address.
        committee: String,
    },
    /// Committee only: registers a credential type with its first schema version.
    RegisterType {
        /// 1–64 of `[a-z0-9._-]`, starting with a letter or digit.
        id: String,
        /// 1–128 bytes.
        name: String,
        /// At most 1024 bytes; default empty.
        #[serde(default)]
        description: String,
        /// `0x` + 64 lower-case hex: hash of the JSON Schema.
        schema_hash: String,
        /// Absolute URI of the JSON Schema, at most 256 bytes.
        schema_uri: String,
        /// The address that may publish new schema versions.
        owner: String,
    },
    /// Type owner only: publishes a new schema version (the old ones stay in the history).
    UpdateSchema {
        /// The type id.
        credential_type: String,
        /// `0x` + 64 lower-case hex.
        schema_hash: String,
        /// Absolute URI, at most 256 bytes.
        schema_uri: String,
    },
    /// Committee only: authorises an issuer DID for a type from now on.
    AddIssuer {
        /// The type id.
        credential_type: String,
        /// The issuer's DID.
        issuer: String,
    },
    /// Committee only: ends an issuer's authorisation for a type from now on.
    RemoveIssuer {
        /// The type id.
        credential_type: String,
        /// The issuer's DID.
        issuer: String,
    },
    /// Sender controls `issuer`, which is authorised for the type: anchors a credential.
    Issue(IssueMsg),
    /// Issuer only: revokes a credential (final).
    Revoke(StatusMsg),
    /// Issuer only: suspends an active credential.
    Suspend(StatusMsg),
    /// Issuer only: reinstates a suspended credential.
    Reinstate(StatusMsg),
}

/// `issue` fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueMsg {
    /// The VC's id: an absolute URI of at most 128 bytes (e.g. `urn:uuid:…`).
    pub id: String,
    /// The type id.
    pub credential_type: String,
    /// The issuer's DID (the sender must control it).
    pub issuer: String,
    /// The subject's DID.
    pub subject: String,
    /// Hash of the VC's canonical bytes: `0x` + 64 lower-case hex.
    pub vc_hash: String,
    /// `sha2-256` or `sha3-256` (default).
    #[serde(default)]
    pub vc_hash_alg: HashAlg,
    /// Start of validity (inclusive), ms since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from_ms: Option<u64>,
    /// End of validity (exclusive), ms; must be after the block time and after `valid_from_ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until_ms: Option<u64>,
    /// The position in the issuer's status lists, when the issuer fixed it in the signed VC
    /// (`credentialStatus`); it must be free. Omitted: the issuer's next free index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_index: Option<u64>,
}

/// `revoke` / `suspend` / `reinstate` fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusMsg {
    /// The credential id.
    pub id: String,
    /// 1–256 bytes, no control characters.
    pub reason: String,
}

/// Which bit a status list carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Bit set while the credential is revoked.
    Revocation,
    /// Bit set while the credential is suspended.
    Suspension,
}

/// Read-only messages. `at_ms` omitted means the latest block's time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum QueryMsg {
    /// The committee and DID registry addresses.
    Config {},
    /// One type with its schema history.
    Type {
        /// The type id.
        id: String,
    },
    /// A page of types in id order.
    Types {
        /// Start after this type id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_after: Option<String>,
        /// Page size; default 10, at most 100.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// A page of the issuers ever admitted for a type, in DID order, with their periods.
    Issuers {
        /// The type id.
        credential_type: String,
        /// Start after this issuer DID.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_after: Option<String>,
        /// Page size; default 10, at most 100.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// Whether an issuer was authorised for a type at a time.
    IsAuthorizedIssuer {
        /// The type id.
        credential_type: String,
        /// The issuer's DID.
        issuer: String,
        /// The time asked about.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_ms: Option<u64>,
    },
    /// One credential as of a time.
    Credential {
        /// The credential id.
        id: String,
        /// The time asked about.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_ms: Option<u64>,
    },
    /// Whether a subject holds a valid credential of a type at a time
    /// (docs/domain-contracts.md).
    HoldsValid {
        /// The subject's DID.
        subject: String,
        /// The type id.
        credential_type: String,
        /// The time asked about.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_ms: Option<u64>,
    },
    /// A page of a subject's credentials, by type id, then newest first.
    CredentialsBySubject {
        /// The subject's DID.
        subject: String,
        /// Only this type.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        credential_type: Option<String>,
        /// Start after this credential id (one of this subject's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_after: Option<String>,
        /// Page size; default 10, at most 100.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// A page of an issuer's credentials in status-index (issuance) order.
    CredentialsByIssuer {
        /// The issuer's DID.
        issuer: String,
        /// Start after this credential id (one of this issuer's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_after: Option<String>,
        /// Page size; default 10, at most 100.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// One of an issuer's status lists as of a time.
    StatusList {
        /// The issuer's DID.
        issuer: String,
        /// `revocation` or `suspension`.
        purpose: Purpose,
        /// List number (default 0): status index / 131072.
        #[serde(default)]
        list: u32,
        /// The time asked about.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_ms: Option<u64>,
    },
}
