//! W3C DID documents as the registry accepts and resolves them (docs/did-method.md §3):
//! building one for a key, rotating a key, and finding the public key of a verification
//! method listed under a relationship.

use super::DidError;
use super::keys::{self, Jwk, JwkExt};
use super::syntax::{self, fragment_of};
use bayledger_types::PublicKey;

pub use ::did_registry::document::{
    DID_CONTEXT_V1_1, DidDocument, Service, TYPE_JSON_WEB_KEY, TYPE_MULTIKEY, VerificationMethod,
};
/// A string or a list of strings (`@context`, `controller`, a service's `type`).
pub use ::did_registry::one_or_many::OneOrMany;

/// The fragment [`document_for_key`] gives its key.
pub const DEFAULT_KEY_FRAGMENT: &str = "key-1";

/// A verification relationship (W3C DID Core §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relationship {
    /// Keys that authenticate as the DID (and so control it on this chain).
    Authentication,
    /// Keys that issue assertions, e.g. verifiable credentials.
    AssertionMethod,
    /// Keys for key agreement.
    KeyAgreement,
    /// Keys that invoke capabilities.
    CapabilityInvocation,
    /// Keys that delegate capabilities.
    CapabilityDelegation,
}

impl Relationship {
    /// Every relationship, in document order.
    pub const ALL: [Relationship; 5] = [
        Relationship::Authentication,
        Relationship::AssertionMethod,
        Relationship::KeyAgreement,
        Relationship::CapabilityInvocation,
        Relationship::CapabilityDelegation,
    ];

    /// The property name, e.g. `assertionMethod`.
    pub fn name(self) -> &'static str {
        match self {
            Relationship::Authentication => "authentication",
            Relationship::AssertionMethod => "assertionMethod",
            Relationship::KeyAgreement => "keyAgreement",
            Relationship::CapabilityInvocation => "capabilityInvocation",
            Relationship::CapabilityDelegation => "capabilityDelegation",
        }
    }
}

impl std::fmt::Display for Relationship {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Building a [`VerificationMethod`] (the registry's type) from a key, and reading its key.
pub trait VerificationMethodExt: Sized {
    /// A `JsonWebKey` method with id `#<fragment>`.
    fn json_web_key(fragment: &str, key: &PublicKey) -> Self;

    /// A `Multikey` method with id `#<fragment>`.
    fn multikey(fragment: &str, key: &PublicKey) -> Self;

    /// The method's public key, checked as the registry checks it.
    fn public_key(&self) -> Result<PublicKey, String>;
}

fn new_method(
    fragment: &str,
    kind: &str,
    public_key_jwk: Option<Jwk>,
    public_key_multibase: Option<String>,
) -> VerificationMethod {
    VerificationMethod {
        id: format!("#{fragment}"),
        kind: kind.into(),
        controller: None,
        public_key_jwk,
        public_key_multibase,
        secret_key_multibase: None,
        private_key_multibase: None,
        private_key_jwk: None,
    }
}

/// `method` carrying `key` instead, in the same encoding, with id `#<fragment>`.
fn method_with_key(
    method: &VerificationMethod,
    fragment: &str,
    key: &PublicKey,
) -> VerificationMethod {
    let mut m = match method.kind.as_str() {
        TYPE_MULTIKEY => VerificationMethod::multikey(fragment, key),
        _ => VerificationMethod::json_web_key(fragment, key),
    };
    m.controller = method.controller.clone();
    m
}

impl VerificationMethodExt for VerificationMethod {
    fn json_web_key(fragment: &str, key: &PublicKey) -> VerificationMethod {
        new_method(fragment, TYPE_JSON_WEB_KEY, Some(Jwk::from_key(key)), None)
    }

    fn multikey(fragment: &str, key: &PublicKey) -> VerificationMethod {
        new_method(fragment, TYPE_MULTIKEY, None, Some(keys::multikey_of(key)))
    }

    fn public_key(&self) -> Result<PublicKey, String> {
        if self.secret_key_multibase.is_some()
            || self.private_key_multibase.is_some()
            || self.private_key_jwk.is_some()
        {
            return Err("contains private key material; publish only public keys".into());
        }
        match (self.kind.as_str(), &self.public_key_jwk, &self.public_key_multibase) {
            (TYPE_JSON_WEB_KEY, Some(jwk), None) => jwk.public_key(),
            (TYPE_MULTIKEY, None, Some(text)) => keys::key_of_multikey(text),
            (TYPE_JSON_WEB_KEY, _, _) => {
                Err("a JsonWebKey carries publicKeyJwk and no publicKeyMultibase".into())
            }
            (TYPE_MULTIKEY, _, _) => {
                Err("a Multikey carries publicKeyMultibase and no publicKeyJwk".into())
            }
            (other, _, _) => Err(format!(
                "type must be {TYPE_JSON_WEB_KEY:?} or {TYPE_MULTIKEY:?} (secp256k1), got {other:?}"
            )),
        }
    }
}

/// The document of `did` with one key, `#key-1` as a `JsonWebKey`, in `authentication` (so the
/// key's address controls the DID) and `assertionMethod` (so it may issue credentials).
pub fn document_for_key(did: &str, key: &PublicKey) -> Result<DidDocument, DidError> {
    syntax::parse_did(did)?;
    let reference = format!("#{DEFAULT_KEY_FRAGMENT}");
    Ok(DidDocument {
        context: Some(OneOrMany::One(DID_CONTEXT_V1_1.into())),
        id: Some(did.to_string()),
        controller: None,
        verification_method: vec![VerificationMethod::json_web_key(DEFAULT_KEY_FRAGMENT, key)],
        authentication: vec![reference.clone()],
        assertion_method: vec![reference],
        key_agreement: Vec::new(),
        capability_invocation: Vec::new(),
        capability_delegation: Vec::new(),
        service: Vec::new(),
    })
}

/// Reading and changing a [`DidDocument`] (the registry's type): its keys by relationship,
/// key rotation, the checks before publishing.
pub trait DidDocumentExt {
    /// The references listed under `relationship`.
    fn references(&self, relationship: Relationship) -> &[String];

    /// The document's DID; an error for a document without `id` (resolved documents have one).
    fn did(&self) -> Result<&str, DidError>;

    /// The verification method whose fragment is `fragment`.
    fn method(&self, fragment: &str) -> Option<&VerificationMethod>;

    /// The fragments of the methods referenced from `relationship`.
    fn fragments(&self, relationship: Relationship) -> Vec<&str>;

    /// The public key of the method `did_url` (`<did>#<fragment>`, `<did>` this document's),
    /// provided the method is listed under `relationship`. This is how a verifier finds the
    /// key of a credential's `kid`: `public_key(kid, Relationship::AssertionMethod)`.
    fn public_key(&self, did_url: &str, relationship: Relationship) -> Result<PublicKey, DidError>;

    /// Checks no verification method carries private key material (before publishing).
    fn check_public_only(&self) -> Result<(), DidError>;

    /// Key rotation: the document with method `old_fragment` replaced by `key` under
    /// `new_fragment` (the same encoding and controller), every reference to the old method
    /// now naming the new one. `new_fragment` may equal `old_fragment` (same id, new key).
    fn with_rotated_key(
        &self,
        old_fragment: &str,
        new_fragment: &str,
        key: &PublicKey,
    ) -> Result<DidDocument, DidError>;
}

fn references_mut(doc: &mut DidDocument, relationship: Relationship) -> &mut Vec<String> {
    match relationship {
        Relationship::Authentication => &mut doc.authentication,
        Relationship::AssertionMethod => &mut doc.assertion_method,
        Relationship::KeyAgreement => &mut doc.key_agreement,
        Relationship::CapabilityInvocation => &mut doc.capability_invocation,
        Relationship::CapabilityDelegation => &mut doc.capability_delegation,
    }
}

impl DidDocumentExt for DidDocument {
    fn references(&self, relationship: Relationship) -> &[String] {
        match relationship {
            Relationship::Authentication => &self.authentication,
            Relationship::AssertionMethod => &self.assertion_method,
            Relationship::KeyAgreement => &self.key_agreement,
            Relationship::CapabilityInvocation => &self.capability_invocation,
            Relationship::CapabilityDelegation => &self.capability_delegation,
        }
    }

    fn did(&self) -> Result<&str, DidError> {
        self.id.as_deref().ok_or_else(|| DidError::Document("the document has no id".into()))
    }

    fn method(&self, fragment: &str) -> Option<&VerificationMethod> {
        let did = self.id.as_deref().unwrap_or_default();
        self.verification_method.iter().find(|m| fragment_of(&m.id, did) == Some(fragment))
    }

    fn fragments(&self, relationship: Relationship) -> Vec<&str> {
        let did = self.id.as_deref().unwrap_or_default();
        self.references(relationship).iter().filter_map(|r| fragment_of(r, did)).collect()
    }

    fn public_key(&self, did_url: &str, relationship: Relationship) -> Result<PublicKey, DidError> {
        let (did, fragment) = syntax::split_did_url(did_url)?;
        let own = self.did()?;
        if did != own {
            return Err(DidError::InvalidDidUrl {
                did_url: did_url.into(),
                reason: format!("it names a key of {did}, not of {own}"),
            });
        }
        let method = self
            .method(fragment)
            .ok_or_else(|| DidError::NoSuchMethod { did_url: did_url.into() })?;
        if !self.fragments(relationship).contains(&fragment) {
            return Err(DidError::NotInRelationship { did_url: did_url.into(), relationship });
        }
        method
            .public_key()
            .map_err(|reason| DidError::InvalidKey { did_url: did_url.into(), reason })
    }

    fn check_public_only(&self) -> Result<(), DidError> {
        for m in &self.verification_method {
            let private = m.secret_key_multibase.is_some()
                || m.private_key_multibase.is_some()
                || m.private_key_jwk.is_some()
                || m.public_key_jwk.as_ref().is_some_and(|j| j.d.is_some());
            if private {
                return Err(DidError::Document(format!(
                    "verificationMethod {:?} contains private key material; publish only public keys",
                    m.id
                )));
            }
        }
        Ok(())
    }

    fn with_rotated_key(
        &self,
        old_fragment: &str,
        new_fragment: &str,
        key: &PublicKey,
    ) -> Result<DidDocument, DidError> {
        syntax::check_fragment(new_fragment)
            .map_err(|reason| DidError::Document(format!("new key id: {reason}")))?;
        let did = self.id.clone().unwrap_or_default();
        let position = self
            .verification_method
            .iter()
            .position(|m| fragment_of(&m.id, &did) == Some(old_fragment))
            .ok_or_else(|| {
                DidError::Document(format!(
                    "the document has no verification method #{old_fragment}"
                ))
            })?;
        let taken = |f: &str| {
            self.verification_method
                .iter()
                .map(|m| &m.id)
                .chain(self.service.iter().map(|s| &s.id))
                .any(|id| fragment_of(id, &did) == Some(f))
        };
        if new_fragment != old_fragment && taken(new_fragment) {
            return Err(DidError::Document(format!(
                "#{new_fragment} is already the id of a method or service of the document"
            )));
        }
        let old = &self.verification_method[position];
        if old.public_key().ok().as_ref() == Some(key) {
            return Err(DidError::Document(format!("#{old_fragment} already holds this key")));
        }
        let mut rotated = self.clone();
        rotated.verification_method[position] = method_with_key(old, new_fragment, key);
        for relationship in Relationship::ALL {
            for reference in references_mut(&mut rotated, relationship) {
                if fragment_of(reference, &did) == Some(old_fragment) {
                    *reference = format!("#{new_fragment}");
                }
            }
        }
        Ok(rotated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_types::SecretKey;
    use serde_json::json;

    const DID: &str = "did:bayledger:testnet:bank-a";

    fn key(seed: u8) -> PublicKey {
        SecretKey::from_bytes(&[seed; 32]).expect("scalar").public_key()
    }

    #[test]
    fn document_for_key_is_the_documented_shape() {
        let doc = document_for_key(DID, &key(1)).expect("valid DID");
        let jwk = Jwk::from_key(&key(1));
        assert_eq!(
            serde_json::to_value(&doc).expect("json"),
            json!({
                "@context": DID_CONTEXT_V1_1,
                "id": DID,
                "verificationMethod": [{"id": "#key-1", "type": "JsonWebKey",
                    "publicKeyJwk": {"kty": "EC", "crv": "secp256k1", "x": jwk.x, "y": jwk.y}}],
                "authentication": ["#key-1"],
                "assertionMethod": ["#key-1"],
            })
        );
        let url = format!("{DID}#key-1");
        assert_eq!(doc.public_key(&url, Relationship::Authentication), Ok(key(1)));
        assert_eq!(doc.public_key(&url, Relationship::AssertionMethod), Ok(key(1)));
        assert!(document_for_key("did:bayledger:testnet:", &key(1)).is_err());
        assert!(document_for_key("did:web:bank.example", &key(1)).is_err());
    }

    /// A resolved-style document: absolute references, a Multikey, a key outside assertionMethod.
    fn resolved() -> DidDocument {
        serde_json::from_value(json!({
            "@context": DID_CONTEXT_V1_1,
            "id": DID,
            "verificationMethod": [
                {"id": "#key-1", "type": "JsonWebKey", "controller": DID,
                 "publicKeyJwk": Jwk::from_key(&key(1))},
                {"id": format!("{DID}#key-2"), "type": "Multikey", "controller": DID,
                 "publicKeyMultibase": keys::multikey_of(&key(2))},
                {"id": "#broken", "type": "Multikey", "controller": DID,
                 "publicKeyMultibase": "zNotAKey"}
            ],
            "authentication": ["#key-1"],
            "assertionMethod": [format!("{DID}#key-2"), "#broken"],
        }))
        .expect("a valid document")
    }

    #[test]
    fn keys_are_found_by_did_url_under_a_relationship() {
        let doc = resolved();
        let url = |f: &str| format!("{DID}#{f}");
        assert_eq!(doc.public_key(&url("key-2"), Relationship::AssertionMethod), Ok(key(2)));
        assert_eq!(doc.public_key(&url("key-1"), Relationship::Authentication), Ok(key(1)));
        assert_eq!(
            doc.public_key(&url("key-1"), Relationship::AssertionMethod),
            Err(DidError::NotInRelationship {
                did_url: url("key-1"),
                relationship: Relationship::AssertionMethod
            })
        );
        assert_eq!(
            doc.public_key(&url("key-9"), Relationship::AssertionMethod),
            Err(DidError::NoSuchMethod { did_url: url("key-9") })
        );
        assert!(matches!(
            doc.public_key(&url("broken"), Relationship::AssertionMethod),
            Err(DidError::InvalidKey { .. })
        ));
        let other = "did:bayledger:testnet:bank-b#key-2";
        assert!(matches!(
            doc.public_key(other, Relationship::AssertionMethod),
            Err(DidError::InvalidDidUrl { .. })
        ));
        assert!(matches!(
            doc.public_key("#key-2", Relationship::AssertionMethod),
            Err(DidError::InvalidDidUrl { .. })
        ));
    }

    #[test]
    fn private_material_and_unknown_properties_are_refused() {
        let mut with_d =
            serde_json::to_value(document_for_key(DID, &key(1)).expect("doc")).expect("json");
        with_d["verificationMethod"][0]["publicKeyJwk"]["d"] = json!("c2VjcmV0");
        let doc: DidDocument = serde_json::from_value(with_d).expect("parses");
        assert!(doc.check_public_only().expect_err("private").to_string().contains("private"));
        assert!(
            doc.public_key(&format!("{DID}#key-1"), Relationship::Authentication).is_err(),
            "a key carrying d is not used"
        );
        let secret: DidDocument = serde_json::from_value(json!({"verificationMethod": [
            {"id": "#k", "type": "Multikey", "secretKeyMultibase": "z1"}]}))
        .expect("parses");
        assert!(secret.check_public_only().is_err());
        let unknown = serde_json::from_value::<DidDocument>(json!({"name": "Alice"}));
        assert!(unknown.expect_err("refused").to_string().contains("name"));
        assert!(document_for_key(DID, &key(1)).expect("doc").check_public_only().is_ok());
    }

    #[test]
    fn rotation_replaces_the_key_and_every_reference() {
        let doc = document_for_key(DID, &key(1)).expect("doc");
        let rotated = doc.with_rotated_key("key-1", "key-2", &key(3)).expect("rotates");
        assert_eq!(rotated.authentication, ["#key-2"]);
        assert_eq!(rotated.assertion_method, ["#key-2"]);
        assert_eq!(rotated.verification_method.len(), 1);
        assert_eq!(rotated.verification_method[0].kind, TYPE_JSON_WEB_KEY);
        let url = format!("{DID}#key-2");
        assert_eq!(rotated.public_key(&url, Relationship::Authentication), Ok(key(3)));
        assert!(rotated.public_key(&format!("{DID}#key-1"), Relationship::Authentication).is_err());

        // In place, keeping the Multikey encoding and the absolute references.
        let doc = resolved();
        let rotated = doc.with_rotated_key("key-2", "key-2", &key(4)).expect("rotates");
        assert_eq!(rotated.verification_method[1].kind, TYPE_MULTIKEY);
        assert_eq!(rotated.verification_method[1].controller.as_deref(), Some(DID));
        assert_eq!(
            rotated.public_key(&format!("{DID}#key-2"), Relationship::AssertionMethod),
            Ok(key(4))
        );

        let err = |r: Result<DidDocument, DidError>| r.expect_err("refused").to_string();
        assert!(err(doc.with_rotated_key("key-9", "key-3", &key(4))).contains("no verification"));
        assert!(err(doc.with_rotated_key("key-1", "key-2", &key(4))).contains("already the id"));
        assert!(err(doc.with_rotated_key("key-1", "key 3", &key(4))).contains("new key id"));
        assert!(err(doc.with_rotated_key("key-1", "key-1", &key(1))).contains("already holds"));
    }
}
