//! W3C DID Resolution results as the registry returns them (docs/did-method.md §7), typed.
//! A failed resolution is an answer, not an error: [`Resolution::document`] turns it into one.

use super::DidError;
use super::document::DidDocumentExt;
use super::document::{DidDocument, Relationship};
use super::syntax;
use bayledger_types::PublicKey;
use serde::{Deserialize, Serialize};

/// A resolution result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    /// The resolved version's document, or `null` when resolution failed.
    #[serde(rename = "didDocument")]
    pub did_document: Option<DidDocument>,
    /// Metadata of the resolved version (empty when resolution failed).
    #[serde(rename = "didDocumentMetadata")]
    pub did_document_metadata: DocumentMetadata,
    /// `contentType`, or `error` and `errorMessage`.
    #[serde(rename = "didResolutionMetadata")]
    pub did_resolution_metadata: ResolutionMetadata,
}

/// `didDocumentMetadata`. Times are XML Schema dateTimes in UTC (block times).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentMetadata {
    /// When version 1 was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// When the resolved version was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// The resolved version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// Whether the resolved version is the deactivation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivated: Option<bool>,
    /// When the next version was made (only for an older version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_update: Option<String>,
    /// The next version (only for an older version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_version_id: Option<String>,
}

/// `didResolutionMetadata`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolutionMetadata {
    /// `application/did+json` on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// `invalidDid`, `methodNotSupported`, `notFound` or `invalidOptions` on failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What went wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

impl Resolution {
    /// The document, or [`DidError::Unresolved`] with the registry's error code and message.
    pub fn document(&self) -> Result<&DidDocument, DidError> {
        match (&self.did_document, &self.did_resolution_metadata.error) {
            (Some(doc), None) => Ok(doc),
            (_, error) => Err(DidError::Unresolved {
                error: error.clone().unwrap_or_else(|| "noDocument".into()),
                message: self
                    .did_resolution_metadata
                    .error_message
                    .clone()
                    .unwrap_or_else(|| "the resolution result carries no document".into()),
            }),
        }
    }

    /// Whether the resolved version is the deactivation.
    pub fn is_deactivated(&self) -> bool {
        self.did_document_metadata.deactivated == Some(true)
    }

    /// The resolved version number.
    pub fn version(&self) -> Option<u64> {
        self.did_document_metadata.version_id.as_deref().and_then(|v| v.parse().ok())
    }

    /// The public key of `did_url` (`<did>#<fragment>`) listed under `relationship` in the
    /// resolved document: [`DidError::Deactivated`] for a deactivated DID, and the errors of
    /// [`DidDocument::public_key`] otherwise. A credential verifier calls it with the JWS
    /// `kid` and [`Relationship::AssertionMethod`].
    pub fn public_key(
        &self,
        did_url: &str,
        relationship: Relationship,
    ) -> Result<PublicKey, DidError> {
        let (did, _) = syntax::split_did_url(did_url)?;
        let document = self.document()?;
        if self.is_deactivated() {
            return Err(DidError::Deactivated { did: did.to_string() });
        }
        document.public_key(did_url, relationship)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::did::document_for_key;
    use bayledger_types::SecretKey;
    use serde_json::json;

    const DID: &str = "did:bayledger:testnet:bank-a";

    fn resolved(deactivated: bool) -> Resolution {
        let key = SecretKey::from_bytes(&[1; 32]).expect("scalar").public_key();
        let mut doc =
            serde_json::to_value(document_for_key(DID, &key).expect("doc")).expect("json");
        doc["verificationMethod"][0]["controller"] = json!(DID);
        if deactivated {
            doc = json!({"@context": "https://www.w3.org/ns/did/v1.1", "id": DID});
        }
        serde_json::from_value(json!({
            "didDocument": doc,
            "didDocumentMetadata": {"created": "2026-11-30T01:02:03Z",
                "updated": "2026-11-30T01:02:04Z", "versionId": "2",
                "deactivated": deactivated, "nextUpdate": "2026-11-30T01:02:05.500Z",
                "nextVersionId": "3"},
            "didResolutionMetadata": {"contentType": "application/did+json"}
        }))
        .expect("a resolution result")
    }

    #[test]
    fn a_resolved_document_yields_its_keys() {
        let r = resolved(false);
        assert_eq!(r.version(), Some(2));
        assert!(!r.is_deactivated());
        let key = SecretKey::from_bytes(&[1; 32]).expect("scalar").public_key();
        assert_eq!(r.public_key(&format!("{DID}#key-1"), Relationship::AssertionMethod), Ok(key));
        assert_eq!(r.did_document_metadata.next_version_id.as_deref(), Some("3"));
        let back = serde_json::to_value(&r).expect("json");
        assert_eq!(back["didDocumentMetadata"]["nextUpdate"], "2026-11-30T01:02:05.500Z");
    }

    #[test]
    fn failures_and_deactivation_are_errors_for_key_lookup() {
        let r = resolved(true);
        assert_eq!(
            r.public_key(&format!("{DID}#key-1"), Relationship::AssertionMethod),
            Err(DidError::Deactivated { did: DID.into() })
        );
        let failed: Resolution = serde_json::from_value(json!({
            "didDocument": null, "didDocumentMetadata": {},
            "didResolutionMetadata": {"error": "notFound",
                "errorMessage": "did:bayledger:testnet:nobody is not registered"}
        }))
        .expect("a failed resolution");
        let err = failed.document().expect_err("no document");
        assert_eq!(
            err,
            DidError::Unresolved {
                error: "notFound".into(),
                message: "did:bayledger:testnet:nobody is not registered".into()
            }
        );
        assert!(err.to_string().contains("notFound"));
        assert!(failed.public_key("not a url", Relationship::AssertionMethod).is_err());
    }
}
