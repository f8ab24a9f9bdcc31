//! The credentials contract's answers: the contract's own types (`credentials::record`,
//! `credentials::response`, documented by `contracts/system/credentials/schema/responses.json`),
//! re-exported under the SDK's names, plus [`StatusListExt`] to read a status list's bits.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub use ::credentials::msg::Purpose;
pub use ::credentials::record::{
    Action, HashAlg, Period, SchemaVersion, Status, StatusChange, TypeRecord,
};
pub use ::credentials::response::{
    ConfigResponse as Config, CredentialResponse as AnchoredCredential, CredentialSummary,
    CredentialsResponse as CredentialList, HoldsValidResponse as HoldsValid,
    IsAuthorizedResponse as IssuerAuthorization, IssuerView as IssuerInfo,
    IssuersResponse as Issuers, StatusListResponse as StatusList, TypeResponse as TypeInfo,
    TypesResponse as Types,
};

/// Reading the bits of a [`StatusList`] answer.
pub trait StatusListExt {
    /// Whether bit `index` (a credential's `status_list_index`) is set; an error when the
    /// list does not decode or is shorter than `index`.
    fn is_set(&self, index: u32) -> Result<bool, crate::SdkError>;
}

impl StatusListExt for StatusList {
    fn is_set(&self, index: u32) -> Result<bool, crate::SdkError> {
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
