//! The credentials contract's answers, as the contract writes them
//! (`contracts/system/credentials/schema/responses.json`, one type per query).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// A credential's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Issued and neither suspended nor revoked.
    Active,
    /// Temporarily not valid; the issuer may reinstate it.
    Suspended,
    /// Permanently not valid.
    Revoked,
}

impl Status {
    /// The contract's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Suspended => "suspended",
            Status::Revoked => "revoked",
        }
    }
}

/// What one status-history entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Anchored.
    Issued,
    /// Revoked (final).
    Revoked,
    /// Suspended.
    Suspended,
    /// Reinstated from suspension.
    Reinstated,
}

/// The algorithm of an anchored `vc_hash`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum HashAlg {
    /// SHA-256.
    #[serde(rename = "sha2-256")]
    Sha2_256,
    /// SHA3-256 of the compact `vc+jwt` ([`crate::vc::vc_hash`]); the default.
    #[default]
    #[serde(rename = "sha3-256")]
    Sha3_256,
}

/// Which status an issuer's status list carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// A bit is set while the credential is revoked.
    Revocation,
    /// A bit is set while the credential is suspended.
    Suspension,
}

/// `config`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The committee address.
    pub committee: String,
    /// The DID registry's address.
    pub did_registry: String,
}

/// A registered credential type with its current schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeRecord {
    /// The type id, e.g. `health-certificate`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Free text (may be empty).
    pub description: String,
    /// The address that may publish schema versions.
    pub owner: String,
    /// Block time of the registration.
    pub registered_at_ms: u64,
    /// Block height of the registration.
    pub registered_height: u64,
    /// Current schema version (the first is 1).
    pub schema_version: u32,
    /// Hash of the current JSON Schema.
    pub schema_hash: String,
    /// Where the current JSON Schema is published.
    pub schema_uri: String,
}

/// One published schema version of a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaVersion {
    /// 1, 2, …
    pub version: u32,
    /// Hash of the JSON Schema.
    pub schema_hash: String,
    /// Where it is published.
    pub schema_uri: String,
    /// Block time of publication.
    pub at_ms: u64,
    /// Block height of publication.
    pub height: u64,
}

/// `type`: a type and its schema history, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeInfo {
    /// The type.
    #[serde(rename = "type")]
    pub credential_type: TypeRecord,
    /// Every schema version, version 1 first.
    pub schemas: Vec<SchemaVersion>,
}

/// `types`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Types {
    /// Types in id order.
    pub types: Vec<TypeRecord>,
}

/// One span during which an issuer was authorised for a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// Block time of the admission.
    pub from_ms: u64,
    /// Block height of the admission.
    pub from_height: u64,
    /// Block time of the removal; `None` while authorised.
    pub until_ms: Option<u64>,
    /// Block height of the removal; `None` while authorised.
    pub until_height: Option<u64>,
}

/// One issuer ever admitted for a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuerInfo {
    /// The issuer's DID.
    pub issuer: String,
    /// Whether it is authorised now.
    pub authorized: bool,
    /// Its admission periods, oldest first.
    pub periods: Vec<Period>,
}

/// `issuers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issuers {
    /// The type id.
    pub credential_type: String,
    /// Issuers in DID order.
    pub issuers: Vec<IssuerInfo>,
}

/// `is_authorized_issuer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuerAuthorization {
    /// The answer.
    pub authorized: bool,
    /// The time it is about.
    pub at_ms: u64,
    /// Why (or why not).
    pub reason: String,
}

/// One entry of a credential's status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// What happened.
    pub action: Action,
    /// The status from then on.
    pub status: Status,
    /// The issuer's reason (`None` for the issuance).
    pub reason: Option<String>,
    /// Block time.
    pub at_ms: u64,
    /// Block height.
    pub height: u64,
    /// The sender's address.
    pub by: String,
}

/// `credential`: an anchored credential as of `at_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnchoredCredential {
    /// The VC's id.
    pub id: String,
    /// Its type id.
    pub credential_type: String,
    /// The type's schema version at issuance.
    pub schema_version: u32,
    /// The issuer's DID.
    pub issuer: String,
    /// The subject's DID.
    pub subject: String,
    /// `0x` + 64 hex digits.
    pub vc_hash: String,
    /// The algorithm of `vc_hash`.
    pub vc_hash_alg: HashAlg,
    /// Block time of the anchoring.
    pub issued_at_ms: u64,
    /// Block height of the anchoring.
    pub issued_height: u64,
    /// Start of validity (inclusive).
    pub valid_from_ms: Option<u64>,
    /// End of validity (exclusive).
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

/// `holds_valid`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldsValid {
    /// The answer.
    pub valid: bool,
    /// The valid credential, or the latest candidate; `None` if there is none.
    pub credential_id: Option<String>,
    /// Why (or why not).
    pub reason: String,
}

/// One credential in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialSummary {
    /// The VC's id.
    pub id: String,
    /// Its type id.
    pub credential_type: String,
    /// The issuer's DID.
    pub issuer: String,
    /// The subject's DID.
    pub subject: String,
    /// Block time of the anchoring.
    pub issued_at_ms: u64,
    /// Start of validity.
    pub valid_from_ms: Option<u64>,
    /// End of validity.
    pub valid_until_ms: Option<u64>,
    /// Status now.
    pub status: Status,
}

/// `credentials_by_subject` and `credentials_by_issuer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialList {
    /// The page.
    pub credentials: Vec<CredentialSummary>,
}

/// `status_list`: one of an issuer's bitstrings as of `at_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusList {
    /// The issuer's DID.
    pub issuer: String,
    /// What a set bit means.
    pub purpose: Purpose,
    /// The list number.
    pub list: u32,
    /// The time it is about.
    pub at_ms: u64,
    /// Number of bits (131072).
    pub size: u32,
    /// The bits, base64url without padding, most significant bit first.
    pub encoded_list: String,
}

impl StatusList {
    /// Whether bit `index` (a credential's `status_list_index`) is set; an error when the
    /// list does not decode or is shorter than `index`.
    pub fn is_set(&self, index: u32) -> Result<bool, crate::SdkError> {
        let bytes = URL_SAFE_NO_PAD.decode(&self.encoded_list).map_err(|e| {
            crate::SdkError::BadResponse(format!("status list is not base64url: {e}"))
        })?;
        let byte = bytes.get((index / 8) as usize).ok_or_else(|| {
            crate::SdkError::Invalid(format!(
                "status list index {index} is beyond the list's {} bits",
                bytes.len() * 8
            ))
        })?;
        Ok(byte >> (7 - index % 8) & 1 == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn credential_answers_decode_as_the_contract_writes_them() {
        let v = json!({
            "id": "urn:uuid:1", "credential_type": "health-certificate", "schema_version": 1,
            "issuer": "did:bayledger:t:gd", "subject": "did:bayledger:t:tr",
            "vc_hash": format!("0x{}", "ab".repeat(32)), "vc_hash_alg": "sha3-256",
            "issued_at_ms": 10, "issued_height": 2, "valid_from_ms": 10, "valid_until_ms": null,
            "at_ms": 20, "status": "revoked", "issuer_authorized": true, "status_list": 0,
            "status_list_index": 3,
            "history": [
                {"action": "issued", "status": "active", "reason": null, "at_ms": 10,
                 "height": 2, "by": "0x01"},
                {"action": "revoked", "status": "revoked", "reason": "error", "at_ms": 15,
                 "height": 3, "by": "0x01"}
            ]
        });
        let c: AnchoredCredential = serde_json::from_value(v).expect("decodes");
        assert_eq!(c.status, Status::Revoked);
        assert_eq!(c.history[1].action, Action::Revoked);
        assert_eq!(c.vc_hash_alg, HashAlg::Sha3_256);
        assert_eq!(c.valid_until_ms, None);
    }

    #[test]
    fn status_list_bits_are_most_significant_first() {
        let mut bits = vec![0u8; 4];
        bits[0] = 0b1000_0001;
        bits[2] = 0b0010_0000;
        let list = StatusList {
            issuer: "did:x:y".into(),
            purpose: Purpose::Revocation,
            list: 0,
            at_ms: 0,
            size: 32,
            encoded_list: URL_SAFE_NO_PAD.encode(&bits),
        };
        let set: Vec<u32> = (0..32).filter(|i| list.is_set(*i).expect("in range")).collect();
        assert_eq!(set, [0, 7, 18]);
        assert!(list.is_set(32).is_err());
        let bad = StatusList { encoded_list: "!!".into(), ..list };
        assert!(bad.is_set(0).is_err());
    }
}
