//! W3C Verifiable Credentials 2.0 secured with JOSE (`vc+jwt`, VC-JOSE-COSE) and ES256K.
//!
//! A credential is the VC 2.0 JSON document itself, used as the JWS payload. The issuer signs
//! it with a secp256k1 key listed in its DID document's `assertionMethod`:
//!
//! - protected header `{"alg":"ES256K","typ":"vc+jwt","cty":"vc","kid":"<DID URL of the key>"}`;
//! - signing input `BASE64URL(header) ‖ "." ‖ BASE64URL(payload)`, digest SHA-256 of it
//!   (RFC 8812 §3.2), signature `r ‖ s` (64 bytes, low S — k256 signers produce it and
//!   Bayledger verifiers require it, ADR 0003);
//! - compact serialisation `header.payload.signature`, all three base64url without padding.
//!
//! What is anchored on chain is the credential's **`vc_hash`**: SHA3-256 of the exact
//! compact-serialisation bytes ([`vc_hash`]). Nothing of the credential's content goes on chain.
//!
//! This module is pure (no I/O): [`sign`] and [`decode`] + [`Decoded::verify_signature`]. Looking
//! up the issuer's key and the credential's status on chain is done by the caller (see the CLI's
//! `credential verify`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bayledger_types::{Hash, PublicKey, SecretKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The VC 2.0 base context, required as the first `@context` entry.
pub const VC_CONTEXT_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// The JOSE `typ` of a credential secured as a JWT.
pub const VC_JWT_TYP: &str = "vc+jwt";
/// Largest compact credential accepted, in bytes.
pub const MAX_VC_JWT_BYTES: usize = 64 * 1024;

/// Why a credential cannot be signed, decoded or verified.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VcError {
    /// The credential document breaks a VC 2.0 rule this module checks.
    #[error("invalid credential: {0}")]
    InvalidCredential(String),
    /// The compact JWS is malformed.
    #[error("malformed vc+jwt: {0}")]
    Malformed(String),
    /// The protected header is not what a Bayledger credential uses.
    #[error("unsupported JWS header: {0}")]
    UnsupportedHeader(String),
    /// The signature does not verify under the given key.
    #[error("signature does not verify with the issuer key {kid}")]
    BadSignature {
        /// The key the header named.
        kid: String,
    },
}

/// The parts of a VC 2.0 document that verification relies on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialInfo {
    /// `id` (e.g. `urn:uuid:…`): the key of its on-chain anchor.
    pub id: String,
    /// `type` entries other than `VerifiableCredential`.
    pub types: Vec<String>,
    /// `issuer` (a DID; `issuer.id` when an object).
    pub issuer: String,
    /// `credentialSubject.id` (a DID).
    pub subject: String,
    /// `validFrom`, as written.
    pub valid_from: Option<String>,
    /// `validUntil`, as written.
    pub valid_until: Option<String>,
}

/// Checks the VC 2.0 rules verification depends on and extracts [`CredentialInfo`].
pub fn credential_info(vc: &Value) -> Result<CredentialInfo, VcError> {
    let bad = |m: &str| VcError::InvalidCredential(m.to_string());
    let obj = vc.as_object().ok_or_else(|| bad("the credential must be a JSON object"))?;
    let contexts = obj
        .get("@context")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("@context must be an array"))?;
    if contexts.first().and_then(Value::as_str) != Some(VC_CONTEXT_V2) {
        return Err(bad(&format!("@context must start with {VC_CONTEXT_V2}")));
    }
    let id = obj
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("id (a URI such as urn:uuid:…) is required"))?;
    let types: Vec<&str> = match obj.get("type") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|t| t.as_str().ok_or_else(|| bad("type entries must be strings")))
            .collect::<Result<_, _>>()?,
        _ => return Err(bad("type must be an array")),
    };
    if !types.contains(&"VerifiableCredential") {
        return Err(bad("type must include VerifiableCredential"));
    }
    let issuer = match obj.get("issuer") {
        Some(Value::String(s)) => s.as_str(),
        Some(Value::Object(o)) => {
            o.get("id").and_then(Value::as_str).ok_or_else(|| bad("issuer.id is required"))?
        }
        _ => return Err(bad("issuer is required")),
    };
    if !issuer.starts_with("did:") {
        return Err(bad("issuer must be a DID"));
    }
    let subject = obj
        .get("credentialSubject")
        .and_then(|s| s.get("id"))
        .and_then(Value::as_str)
        .ok_or_else(|| bad("credentialSubject.id (the holder's DID) is required"))?;
    let text = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_string);
    Ok(CredentialInfo {
        id: id.to_string(),
        types: types
            .into_iter()
            .filter(|t| *t != "VerifiableCredential")
            .map(str::to_string)
            .collect(),
        issuer: issuer.to_string(),
        subject: subject.to_string(),
        valid_from: text("validFrom"),
        valid_until: text("validUntil"),
    })
}

fn signing_digest(signing_input: &str) -> [u8; 32] {
    Sha256::digest(signing_input.as_bytes()).into()
}

/// Signs `vc` with `key` as the issuer key `kid` (a DID URL such as `did:bayledger:net:id#key-1`)
/// and returns the compact `vc+jwt`.
pub fn sign(vc: &Value, key: &SecretKey, kid: &str) -> Result<String, VcError> {
    let info = credential_info(vc)?;
    if !kid.starts_with(&format!("{}#", info.issuer)) {
        return Err(VcError::InvalidCredential(format!(
            "the signing key {kid} is not a key of the issuer {}",
            info.issuer
        )));
    }
    let header = json!({"alg": "ES256K", "typ": VC_JWT_TYP, "cty": "vc", "kid": kid});
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(vc.to_string())
    );
    let sig = key.sign_digest(&signing_digest(&signing_input));
    Ok(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(&sig.as_bytes()[..64])))
}

/// SHA3-256 of the compact credential's bytes: what `credentials` anchors as `vc_hash`.
pub fn vc_hash(vc_jwt: &str) -> Hash {
    Hash::sha3(vc_jwt.trim().as_bytes())
}

/// A decoded, not yet verified, `vc+jwt`.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The `kid` of the protected header: the DID URL of the issuer's key.
    pub kid: String,
    /// The credential document (the payload).
    pub credential: Value,
    /// What verification relies on, checked against VC 2.0 rules.
    pub info: CredentialInfo,
    signing_input: String,
    signature: Vec<u8>,
}

impl Decoded {
    /// Verifies the signature with the issuer's public key (from its DID document).
    pub fn verify_signature(&self, key: &PublicKey) -> Result<(), VcError> {
        key.verify_digest(&signing_digest(&self.signing_input), &self.signature)
            .map_err(|_| VcError::BadSignature { kid: self.kid.clone() })
    }
}

/// Parses a compact `vc+jwt`: structure, header (ES256K, `vc+jwt`, a `kid` of the issuer) and
/// the credential's VC 2.0 shape. The signature is checked by [`Decoded::verify_signature`].
pub fn decode(vc_jwt: &str) -> Result<Decoded, VcError> {
    let vc_jwt = vc_jwt.trim();
    if vc_jwt.len() > MAX_VC_JWT_BYTES {
        return Err(VcError::Malformed(format!(
            "{} bytes; at most {MAX_VC_JWT_BYTES}",
            vc_jwt.len()
        )));
    }
    let parts: Vec<&str> = vc_jwt.split('.').collect();
    let [h, p, s] = parts[..] else {
        return Err(VcError::Malformed(format!(
            "expected 3 dot-separated parts, got {}",
            parts.len()
        )));
    };
    let b64 = |what: &str, part: &str| {
        URL_SAFE_NO_PAD.decode(part).map_err(|e| VcError::Malformed(format!("{what}: {e}")))
    };
    let header: Value = serde_json::from_slice(&b64("header", h)?)
        .map_err(|e| VcError::Malformed(format!("header: {e}")))?;
    let credential: Value = serde_json::from_slice(&b64("payload", p)?)
        .map_err(|e| VcError::Malformed(format!("payload: {e}")))?;
    let signature = b64("signature", s)?;
    if signature.len() != 64 {
        return Err(VcError::Malformed(format!(
            "signature is {} bytes; ES256K uses 64",
            signature.len()
        )));
    }
    let field = |k: &str| header.get(k).and_then(Value::as_str);
    if field("alg") != Some("ES256K") {
        return Err(VcError::UnsupportedHeader(format!(
            "alg must be ES256K, got {:?}",
            header.get("alg")
        )));
    }
    if field("typ") != Some(VC_JWT_TYP) {
        return Err(VcError::UnsupportedHeader(format!(
            "typ must be {VC_JWT_TYP}, got {:?}",
            header.get("typ")
        )));
    }
    if header.get("crit").is_some() {
        return Err(VcError::UnsupportedHeader("crit extensions are not supported".into()));
    }
    let kid = field("kid").ok_or_else(|| VcError::UnsupportedHeader("kid is required".into()))?;
    let info = credential_info(&credential)?;
    if !kid.starts_with(&format!("{}#", info.issuer)) {
        return Err(VcError::UnsupportedHeader(format!(
            "kid {kid} is not a key of the issuer {}",
            info.issuer
        )));
    }
    Ok(Decoded {
        kid: kid.to_string(),
        credential,
        info,
        signing_input: format!("{h}.{p}"),
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISSUER: &str = "did:bayledger:test:gd-health";

    fn credential() -> Value {
        json!({
            "@context": [VC_CONTEXT_V2],
            "id": "urn:uuid:9f1c2d3e-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential", "HealthCertificate"],
            "issuer": ISSUER,
            "validFrom": "2026-11-30T00:00:00Z",
            "credentialSubject": {"id": "did:bayledger:test:traveller", "status": "negative"}
        })
    }

    #[test]
    fn signed_credentials_decode_and_verify_with_the_issuer_key() {
        let key = SecretKey::generate();
        let jwt = sign(&credential(), &key, &format!("{ISSUER}#key-1")).expect("signs");
        let decoded = decode(&jwt).expect("decodes");
        assert_eq!(decoded.credential, credential());
        assert_eq!(decoded.kid, format!("{ISSUER}#key-1"));
        assert_eq!(decoded.info.types, ["HealthCertificate"]);
        assert_eq!(decoded.info.subject, "did:bayledger:test:traveller");
        decoded.verify_signature(&key.public_key()).expect("verifies");
        let other = SecretKey::generate();
        assert!(matches!(
            decoded.verify_signature(&other.public_key()),
            Err(VcError::BadSignature { .. })
        ));
    }

    #[test]
    fn any_changed_byte_of_the_payload_fails_verification() {
        let key = SecretKey::generate();
        let jwt = sign(&credential(), &key, &format!("{ISSUER}#key-1")).expect("signs");
        let mut tampered = credential();
        tampered["credentialSubject"]["status"] = json!("positive");
        let parts: Vec<&str> = jwt.split('.').collect();
        let forged =
            format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(tampered.to_string()), parts[2]);
        let decoded = decode(&forged).expect("still well-formed");
        assert!(decoded.verify_signature(&key.public_key()).is_err());
        assert_ne!(vc_hash(&forged), vc_hash(&jwt));
    }

    #[test]
    fn malformed_and_foreign_tokens_are_refused_with_reasons() {
        let key = SecretKey::generate();
        let jwt = sign(&credential(), &key, &format!("{ISSUER}#key-1")).expect("signs");
        assert!(matches!(decode("a.b"), Err(VcError::Malformed(_))));
        assert!(matches!(decode("!!.b.c"), Err(VcError::Malformed(_))));
        let parts: Vec<&str> = jwt.split('.').collect();
        let es256 = URL_SAFE_NO_PAD
            .encode(json!({"alg":"ES256","typ":"vc+jwt","kid":format!("{ISSUER}#k")}).to_string());
        assert!(matches!(
            decode(&format!("{es256}.{}.{}", parts[1], parts[2])),
            Err(VcError::UnsupportedHeader(_))
        ));
        let foreign_kid = URL_SAFE_NO_PAD.encode(
            json!({"alg":"ES256K","typ":"vc+jwt","kid":"did:bayledger:test:mallory#key-1"})
                .to_string(),
        );
        assert!(matches!(
            decode(&format!("{foreign_kid}.{}.{}", parts[1], parts[2])),
            Err(VcError::UnsupportedHeader(_))
        ));
        assert!(matches!(
            sign(&credential(), &key, "did:bayledger:test:mallory#key-1"),
            Err(VcError::InvalidCredential(_))
        ));
    }

    #[test]
    fn credentials_missing_required_fields_are_refused() {
        for (field, value) in [
            ("@context", json!(["https://www.w3.org/2018/credentials/v1"])),
            ("type", json!(["HealthCertificate"])),
            ("issuer", json!("https://not-a-did.example")),
            ("credentialSubject", json!({"status": "negative"})),
        ] {
            let mut vc = credential();
            vc[field] = value;
            assert!(matches!(credential_info(&vc), Err(VcError::InvalidCredential(_))), "{field}");
        }
        let mut vc = credential();
        vc.as_object_mut().expect("object").remove("id");
        assert!(credential_info(&vc).is_err());
    }
}
