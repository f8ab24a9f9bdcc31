//! Issuance: the VC 2.0 document of a credential ([`build_document`], pure), and
//! [`issue_credential`], which signs it as `vc+jwt` with the issuer DID's `#key-1` and
//! anchors it on chain.
//!
//! The document is
//!
//! ```json
//! {"@context": ["https://www.w3.org/ns/credentials/v2"],
//!  "id": "urn:uuid:…",
//!  "type": ["VerifiableCredential", "HealthCertificate"],
//!  "issuer": "did:bayledger:…",
//!  "validFrom": "2026-11-30T01:02:03Z", "validUntil": "…",
//!  "credentialSchema": {"id": "<the type's schema URI>", "type": "JsonSchema"},
//!  "credentialSubject": {"id": "did:bayledger:…", …claims}}
//! ```
//!
//! where the second `type` is [`vc_type_name`] of the on-chain type id. The anchor repeats
//! the id, type id, issuer, subject and validity window (in ms), with `vc_hash` = SHA3-256 of
//! the compact JWS.

use super::msg::Anchor;
use super::{Credentials, is_not_found, time};
use crate::SdkError;
use crate::client::Client;
use crate::keystore::v3::random_uuid;
use crate::system::did::{DidRegistry, Relationship, ResolveOptions};
use crate::vc::{self, VC_CONTEXT_V2};
use bayledger_types::{Hash, SecretKey, pb};
use serde_json::{Map, Value, json};

/// The fragment of the issuer's signing key in its DID document.
pub const ISSUER_KEY_FRAGMENT: &str = "key-1";

/// What to issue.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueRequest {
    /// The on-chain credential type id, e.g. `health-certificate`.
    pub credential_type: String,
    /// The issuer's DID (its `#key-1` signs; the signing account must control it).
    pub issuer: String,
    /// The subject's (holder's) DID.
    pub subject: String,
    /// The claims about the subject: `credentialSubject` besides its `id`.
    pub claims: Map<String, Value>,
    /// The VC's id; default a fresh `urn:uuid:…`.
    pub id: Option<String>,
    /// Start of validity, ms; default the latest block's time.
    pub valid_from_ms: Option<u64>,
    /// End of validity (exclusive), ms; default none.
    pub valid_until_ms: Option<u64>,
}

/// An issued and anchored credential.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The compact `vc+jwt` to hand to the holder.
    pub jwt: String,
    /// The VC's id (the key of its anchor).
    pub id: String,
    /// SHA3-256 of `jwt`, as anchored.
    pub vc_hash: Hash,
    /// The signed VC document.
    pub document: Value,
    /// The anchoring transaction's receipt.
    pub receipt: pb::Receipt,
}

/// The VC `type` entry for an on-chain type id: its `.`/`_`/`-`-separated words capitalised
/// and joined (`health-certificate` → `HealthCertificate`).
pub fn vc_type_name(type_id: &str) -> String {
    type_id
        .split(['-', '_', '.'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The VC 2.0 document of `req` with id `id`, valid from `valid_from_ms`, citing the type's
/// JSON Schema at `schema_uri`. Checked against the VC rules [`vc::credential_info`] applies.
pub fn build_document(
    req: &IssueRequest,
    id: &str,
    valid_from_ms: u64,
    schema_uri: Option<&str>,
) -> Result<Value, SdkError> {
    if req.claims.contains_key("id") {
        return Err(SdkError::Invalid(
            "the claims must not contain \"id\": the subject's id is its DID".into(),
        ));
    }
    if let Some(until) = req.valid_until_ms.filter(|until| *until <= valid_from_ms) {
        return Err(SdkError::Invalid(format!(
            "validUntil {} is not after validFrom {}",
            time::format_ms(until),
            time::format_ms(valid_from_ms)
        )));
    }
    let mut subject = Map::new();
    subject.insert("id".into(), Value::String(req.subject.clone()));
    subject.extend(req.claims.clone());
    let mut vc = json!({
        "@context": [VC_CONTEXT_V2],
        "id": id,
        "type": ["VerifiableCredential", vc_type_name(&req.credential_type)],
        "issuer": req.issuer,
        "validFrom": time::format_ms(valid_from_ms),
    });
    if let Some(until) = req.valid_until_ms {
        vc["validUntil"] = Value::String(time::format_ms(until));
    }
    if let Some(uri) = schema_uri {
        vc["credentialSchema"] = json!({"id": uri, "type": "JsonSchema"});
    }
    vc["credentialSubject"] = Value::Object(subject);
    vc::credential_info(&vc).map_err(|e| SdkError::Invalid(e.to_string()))?;
    Ok(vc)
}

/// Issues a credential: builds the VC document for the registered type, signs it as
/// `vc+jwt` with `key` as `<issuer>#key-1` (which must be that key in the issuer's DID
/// document, under `assertionMethod`), anchors it (the account of `key` must control the
/// issuer DID, which must be authorised for the type), and returns the JWT.
pub async fn issue_credential(
    client: &Client,
    key: &SecretKey,
    req: &IssueRequest,
) -> Result<Issued, SdkError> {
    let credentials = Credentials::new(client.clone());
    let registered = match credentials.credential_type(&req.credential_type).await {
        Ok(t) => t,
        Err(e) if is_not_found(&e) => {
            return Err(SdkError::NotFound(format!(
                "credential type {:?} is not registered",
                req.credential_type
            )));
        }
        Err(e) => return Err(e),
    };
    let valid_from_ms = match req.valid_from_ms {
        Some(ms) => ms,
        None => client.status().await?.latest_block_time_ms,
    };
    let id = req.id.clone().unwrap_or_else(|| format!("urn:uuid:{}", random_uuid()));
    let document =
        build_document(req, &id, valid_from_ms, Some(&registered.credential_type.schema_uri))?;
    let kid = format!("{}#{ISSUER_KEY_FRAGMENT}", req.issuer);
    check_signing_key(client, &kid, key).await?;
    let jwt = vc::sign(&document, key, &kid).map_err(|e| SdkError::Invalid(e.to_string()))?;
    let vc_hash = vc::vc_hash(&jwt);
    let anchor = Anchor {
        id: id.clone(),
        credential_type: req.credential_type.clone(),
        issuer: req.issuer.clone(),
        subject: req.subject.clone(),
        vc_hash,
        valid_from_ms: Some(valid_from_ms),
        valid_until_ms: req.valid_until_ms,
        status_index: None,
    };
    let receipt = credentials.anchor(key, &anchor).await?.receipt;
    Ok(Issued { jwt, id, vc_hash, document, receipt })
}

/// Refuses to sign with a key other than the issuer's current `kid` assertion key, which
/// verifiers would reject after the credential is anchored.
async fn check_signing_key(client: &Client, kid: &str, key: &SecretKey) -> Result<(), SdkError> {
    let registry = DidRegistry::new(client.clone());
    let listed = registry
        .public_key(kid, Relationship::AssertionMethod, &ResolveOptions::latest())
        .await
        .map_err(|e| match e {
            SdkError::Invalid(why) => SdkError::Invalid(format!("cannot sign as {kid}: {why}")),
            other => other,
        })?;
    if listed != key.public_key() {
        return Err(SdkError::Invalid(format!(
            "the signing key (account {}) is not {kid}, the key the issuer's DID document lists \
             under assertionMethod",
            key.address()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> IssueRequest {
        let claims = json!({"name": "Chan Tai Man", "test": "PCR", "result": "negative"});
        IssueRequest {
            credential_type: "health-certificate".into(),
            issuer: "did:bayledger:t:gd-health".into(),
            subject: "did:bayledger:t:traveller".into(),
            claims: claims.as_object().cloned().unwrap_or_default(),
            id: None,
            valid_from_ms: None,
            valid_until_ms: Some(1_800_000_000_000),
        }
    }

    #[test]
    fn type_names_are_capitalised_words() {
        assert_eq!(vc_type_name("health-certificate"), "HealthCertificate");
        assert_eq!(vc_type_name("kyc.v2_basic"), "KycV2Basic");
        assert_eq!(vc_type_name("a--b"), "AB");
    }

    #[test]
    fn documents_carry_the_vc_2_fields_and_the_claims() {
        let req = request();
        let vc =
            build_document(&req, "urn:uuid:1", 1_700_000_000_000, Some("https://s.example/hc"))
                .expect("builds");
        assert_eq!(
            vc,
            json!({
                "@context": [VC_CONTEXT_V2],
                "id": "urn:uuid:1",
                "type": ["VerifiableCredential", "HealthCertificate"],
                "issuer": "did:bayledger:t:gd-health",
                "validFrom": "2023-11-14T22:13:20Z",
                "validUntil": "2027-01-15T08:00:00Z",
                "credentialSchema": {"id": "https://s.example/hc", "type": "JsonSchema"},
                "credentialSubject": {
                    "id": "did:bayledger:t:traveller",
                    "name": "Chan Tai Man", "test": "PCR", "result": "negative"
                }
            })
        );
        let info = vc::credential_info(&vc).expect("a VC 2.0 document");
        assert_eq!(info.subject, req.subject);
    }

    #[test]
    fn bad_requests_are_refused_before_signing() {
        let mut req = request();
        req.claims.insert("id".into(), json!("did:x:someone-else"));
        let e = build_document(&req, "urn:uuid:1", 0, None).expect_err("id in claims");
        assert!(e.to_string().contains("must not contain \"id\""), "{e}");

        let req = IssueRequest { valid_until_ms: Some(1000), ..request() };
        let e = build_document(&req, "urn:uuid:1", 1000, None).expect_err("empty window");
        assert!(e.to_string().contains("is not after validFrom"), "{e}");

        let req = IssueRequest { issuer: "https://gd.example".into(), ..request() };
        let e = build_document(&req, "urn:uuid:1", 0, None).expect_err("issuer not a DID");
        assert!(e.to_string().contains("issuer must be a DID"), "{e}");
    }
}
