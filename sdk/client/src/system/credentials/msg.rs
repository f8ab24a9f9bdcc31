//! The messages the client sends to the credentials contract
//! (`contracts/system/credentials/schema/call.json` and `query.json`): `snake_case` variants,
//! optional fields left out when unset.

use bayledger_types::{Address, Hash};

/// `0x` + 64 lower-case hex digits, as the contract writes hashes.
pub(crate) fn hash0x(h: &Hash) -> String {
    format!("0x{}", h.to_hex())
}

/// A credential type to register (committee only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewType {
    /// 1–64 of `[a-z0-9._-]`, e.g. `health-certificate`.
    pub id: String,
    /// Display name, 1–128 bytes.
    pub name: String,
    /// Free text, at most 1024 bytes (may be empty).
    pub description: String,
    /// Hash of the type's JSON Schema.
    pub schema_hash: Hash,
    /// Absolute URI where the JSON Schema is published.
    pub schema_uri: String,
    /// The address that may publish new schema versions.
    pub owner: Address,
}

/// What the issuer anchors for one signed credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The VC's `id` (an absolute URI, ≤ 128 bytes).
    pub id: String,
    /// The credential type id.
    pub credential_type: String,
    /// The issuer's DID (the sender must control it).
    pub issuer: String,
    /// The subject's DID.
    pub subject: String,
    /// SHA3-256 of the compact `vc+jwt` ([`crate::vc::vc_hash`]).
    pub vc_hash: Hash,
    /// Start of validity (inclusive), ms.
    pub valid_from_ms: Option<u64>,
    /// End of validity (exclusive), ms; must still be ahead.
    pub valid_until_ms: Option<u64>,
    /// The position in the issuer's status lists; `None`: the next free one.
    pub status_index: Option<u64>,
}

/// One page of a list query: after `start_after`, at most `limit` (contract default 10, at
/// most 100).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// Start after this key (a type id, an issuer DID or a credential id, per list).
    pub start_after: Option<String>,
    /// Page size.
    pub limit: Option<u32>,
}

use ::credentials::msg::IssueMsg;
pub(crate) use ::credentials::msg::{CallMsg as Call, QueryMsg as Query, StatusMsg};
use ::credentials::record::HashAlg;

/// The `register_type` call of `t`.
pub(crate) fn register_type(t: &NewType) -> Call {
    Call::RegisterType {
        id: t.id.clone(),
        name: t.name.clone(),
        description: t.description.clone(),
        schema_hash: hash0x(&t.schema_hash),
        schema_uri: t.schema_uri.clone(),
        owner: t.owner.to_string(),
    }
}

/// The `issue` call of `a` (its `vc_hash` is SHA3-256).
pub(crate) fn issue(a: &Anchor) -> Call {
    Call::Issue(IssueMsg {
        id: a.id.clone(),
        credential_type: a.credential_type.clone(),
        issuer: a.issuer.clone(),
        subject: a.subject.clone(),
        vc_hash: hash0x(&a.vc_hash),
        vc_hash_alg: HashAlg::Sha3_256,
        valid_from_ms: a.valid_from_ms,
        valid_until_ms: a.valid_until_ms,
        status_index: a.status_index,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn json<T: serde::Serialize>(msg: &T) -> Value {
        serde_json::to_value(msg).expect("messages serialise")
    }

    #[test]
    fn calls_have_the_contract_shapes() {
        let t = NewType {
            id: "health-certificate".into(),
            name: "Health certificate".into(),
            description: String::new(),
            schema_hash: Hash([0x11; 32]),
            schema_uri: "https://schemas.example/hc.json".into(),
            owner: Address([0x0e; 20]),
        };
        assert_eq!(
            json(&register_type(&t)),
            json!({"register_type": {
                "id": "health-certificate", "name": "Health certificate", "description": "",
                "schema_hash": format!("0x{}", "11".repeat(32)),
                "schema_uri": "https://schemas.example/hc.json",
                "owner": format!("0x{}", "0e".repeat(20)),
            }})
        );
        let a = Anchor {
            id: "urn:uuid:1".into(),
            credential_type: "health-certificate".into(),
            issuer: "did:bayledger:t:gd".into(),
            subject: "did:bayledger:t:tr".into(),
            vc_hash: Hash([0xab; 32]),
            valid_from_ms: Some(5),
            valid_until_ms: None,
            status_index: None,
        };
        assert_eq!(
            json(&issue(&a)),
            json!({"issue": {
                "id": "urn:uuid:1", "credential_type": "health-certificate",
                "issuer": "did:bayledger:t:gd", "subject": "did:bayledger:t:tr",
                "vc_hash": format!("0x{}", "ab".repeat(32)), "vc_hash_alg": "sha3-256",
                "valid_from_ms": 5,
            }})
        );
        assert_eq!(
            json(&Call::Revoke(StatusMsg { id: "urn:uuid:1".into(), reason: "lost".into() })),
            json!({"revoke": {"id": "urn:uuid:1", "reason": "lost"}})
        );
        assert_eq!(
            json(&Call::SetCommittee { committee: "0x01".into() }),
            json!({"set_committee": {"committee": "0x01"}})
        );
    }

    #[test]
    fn queries_leave_out_unset_options() {
        assert_eq!(json(&Query::Config {}), json!({"config": {}}));
        assert_eq!(
            json(&Query::Credential { id: "urn:x:1".into(), at_ms: None }),
            json!({"credential": {"id": "urn:x:1"}})
        );
        assert_eq!(
            json(&Query::StatusList {
                issuer: "did:x:y".into(),
                purpose: super::super::types::Purpose::Suspension,
                list: 0,
                at_ms: Some(7)
            }),
            json!({"status_list": {"issuer": "did:x:y", "purpose": "suspension", "list": 0, "at_ms": 7}})
        );
        assert_eq!(
            json(&Query::CredentialsBySubject {
                subject: "did:x:s".into(),
                credential_type: Some("t".into()),
                start_after: None,
                limit: Some(5)
            }),
            json!({"credentials_by_subject": {"subject": "did:x:s", "credential_type": "t", "limit": 5}})
        );
    }
}
