//! DID documents (W3C DID Core): the accepted properties, their validation, and the normal
//! form that is stored and resolved.
//!
//! A document may carry only `@context`, `id`, `controller`, `verificationMethod`, the five
//! verification relationships and `service` — keys and service endpoints, nothing about a
//! person. Verification methods are secp256k1 keys (`JsonWebKey` or `Multikey`);
//! relationships reference methods of the same document by id (`#key-1` or the full DID URL).
//! Normalisation fills in what may be omitted: `@context` (DID v1.1), `id` (the DID), and each
//! method's `controller` (the DID). Everything is bounded (see the `MAX_*` constants).

use crate::did::{self, Did, DidError};
use crate::keys::{self, CompressedKey, Jwk};
use crate::one_or_many::OneOrMany;
use crate::state::AuthKey;
use crate::uri;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use bayledger_contract_sdk::Error;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

/// The DID Core 1.0 context.
pub const DID_CONTEXT_V1: &str = "https://www.w3.org/ns/did/v1";
/// The DID 1.1 context (defines `JsonWebKey` and `Multikey`); the default.
pub const DID_CONTEXT_V1_1: &str = "https://www.w3.org/ns/did/v1.1";
/// Most `@context` entries.
pub const MAX_CONTEXTS: usize = 4;
/// Longest `@context` entry.
pub const MAX_CONTEXT_LEN: usize = 128;
/// Most `controller` DIDs.
pub const MAX_CONTROLLERS: usize = 8;
/// Most verification methods (and so most references per relationship).
pub const MAX_METHODS: usize = 16;
/// Most services.
pub const MAX_SERVICES: usize = 16;
/// Most `type` values of a service.
pub const MAX_SERVICE_TYPES: usize = 4;
/// Longest service `type` value.
pub const MAX_SERVICE_TYPE_LEN: usize = 64;
/// Largest normalised document, in bytes of JSON.
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024;
/// Verification method type of a `publicKeyJwk` key.
pub const TYPE_JSON_WEB_KEY: &str = "JsonWebKey";
/// Verification method type of a `publicKeyMultibase` key.
pub const TYPE_MULTIKEY: &str = "Multikey";

/// A DID document. Unknown properties are refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DidDocument {
    /// JSON-LD context: the DID context first (v1 or v1.1), then other `https` contexts.
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<OneOrMany>,
    /// The DID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// DIDs (of this registry) whose controllers may also act for this DID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<OneOrMany>,
    /// The keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verification_method: Vec<VerificationMethod>,
    /// Keys that authenticate as the DID (and so control it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authentication: Vec<String>,
    /// Keys that issue assertions (e.g. credentials) for the DID.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assertion_method: Vec<String>,
    /// Keys for key agreement (ECDH).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_agreement: Vec<String>,
    /// Keys that invoke capabilities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capability_invocation: Vec<String>,
    /// Keys that delegate capabilities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capability_delegation: Vec<String>,
    /// Service endpoints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service: Vec<Service>,
}

/// A verification method: a secp256k1 public key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerificationMethod {
    /// `#fragment` or `<did>#fragment`.
    pub id: String,
    /// `JsonWebKey` or `Multikey`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A DID (any method); defaults to the document's DID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<String>,
    /// The key of a `JsonWebKey` method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_jwk: Option<Jwk>,
    /// The key of a `Multikey` method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_multibase: Option<String>,
    /// Private key members: recognised only to refuse them.
    #[serde(default, skip_serializing)]
    pub secret_key_multibase: Option<IgnoredAny>,
    /// See `secret_key_multibase`.
    #[serde(default, skip_serializing)]
    pub private_key_multibase: Option<IgnoredAny>,
    /// See `secret_key_multibase`.
    #[serde(default, skip_serializing)]
    pub private_key_jwk: Option<IgnoredAny>,
}

/// A service endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Service {
    /// `#fragment` or `<did>#fragment`.
    pub id: String,
    /// One or more service types, e.g. `LinkedDomains`.
    #[serde(rename = "type")]
    pub kind: OneOrMany,
    /// An `https`, `wss` or `did` URI.
    pub service_endpoint: String,
}

/// A validated, normalised document and what the registry keeps about it for authorisation.
#[derive(Debug)]
pub struct Validated {
    /// The normal form.
    pub document: DidDocument,
    /// Its JSON, as stored.
    pub json: Vec<u8>,
    /// The methods referenced from `authentication`, with their addresses.
    pub authentication: Vec<AuthKey>,
    /// The other DIDs listed in `controller` (the document's own DID left out).
    pub controllers: Vec<Did>,
}

fn invalid(field: &str, detail: impl core::fmt::Display) -> Error {
    Error::new(format!("invalid {field}: {detail}"))
}

impl DidDocument {
    /// The minimal document of a deactivated DID: its context and id, no keys or services.
    pub fn tombstone(did: &Did) -> DidDocument {
        DidDocument {
            context: Some(OneOrMany::One(DID_CONTEXT_V1_1.into())),
            id: Some(did.to_string()),
            controller: None,
            verification_method: Vec::new(),
            authentication: Vec::new(),
            assertion_method: Vec::new(),
            key_agreement: Vec::new(),
            capability_invocation: Vec::new(),
            capability_delegation: Vec::new(),
            service: Vec::new(),
        }
    }

    fn relationships(&self) -> [(&'static str, &[String]); 5] {
        [
            ("authentication", &self.authentication),
            ("assertionMethod", &self.assertion_method),
            ("keyAgreement", &self.key_agreement),
            ("capabilityInvocation", &self.capability_invocation),
            ("capabilityDelegation", &self.capability_delegation),
        ]
    }

    /// Validates the document as the document of `did` and returns its normal form.
    pub fn validate(mut self, did: &Did) -> Result<Validated, Error> {
        let did_text = did.to_string();
        check_context(self.context.get_or_insert_with(|| OneOrMany::One(DID_CONTEXT_V1_1.into())))?;
        match &self.id {
            None => self.id = Some(did_text.clone()),
            Some(id) if *id == did_text => {}
            Some(id) => return Err(invalid("id", format!("{id:?} is not the DID {did_text}"))),
        }
        let controllers = match &self.controller {
            Some(c) => check_controllers(c, did)?,
            None => Vec::new(),
        };
        // Fragments of methods and services, which must all differ (DID Core: unique ids).
        let mut fragments = Vec::new();
        let method_keys = self.check_methods(&did_text, &mut fragments)?;
        let authentication = self.check_relationships(&did_text, &method_keys)?;
        self.check_services(&did_text, &mut fragments)?;

        let json = serde_json::to_vec(&self)
            .map_err(|e| Error::new(format!("cannot encode document: {e}")))?;
        if json.len() > MAX_DOCUMENT_BYTES {
            return Err(Error::new(format!(
                "limit: the document is {} bytes of JSON; at most {MAX_DOCUMENT_BYTES}",
                json.len()
            )));
        }
        Ok(Validated { document: self, json, authentication, controllers })
    }

    /// Checks every verification method (filling in controllers); returns `(fragment, key)`s.
    fn check_methods(
        &mut self,
        did: &str,
        fragments: &mut Vec<String>,
    ) -> Result<Vec<(String, CompressedKey)>, Error> {
        if self.verification_method.len() > MAX_METHODS {
            return Err(Error::new(format!(
                "limit: at most {MAX_METHODS} verification methods, got {}",
                self.verification_method.len()
            )));
        }
        let mut method_keys = Vec::new();
        for vm in &mut self.verification_method {
            let field = format!("verificationMethod {:?}", vm.id);
            let fragment =
                unique_fragment(&vm.id, did, fragments).map_err(|e| invalid(&field, e))?;
            let key = vm.check(did).map_err(|e| invalid(&field, e))?;
            method_keys.push((fragment, key));
        }
        Ok(method_keys)
    }

    /// Checks that every relationship references distinct methods of this document; returns
    /// the `authentication` keys with their addresses.
    fn check_relationships(
        &self,
        did: &str,
        method_keys: &[(String, CompressedKey)],
    ) -> Result<Vec<AuthKey>, Error> {
        let mut authentication = Vec::new();
        for (name, references) in self.relationships() {
            if references.len() > MAX_METHODS {
                return Err(Error::new(format!(
                    "limit: {name} has {} references; at most {MAX_METHODS}",
                    references.len()
                )));
            }
            let mut seen: Vec<&str> = Vec::new();
            for reference in references {
                let fragment = did::fragment_of(reference, did).map_err(|e| invalid(name, e))?;
                let Some((_, key)) = method_keys.iter().find(|(f, _)| f == fragment) else {
                    return Err(invalid(
                        name,
                        format!(
                            "{reference:?} does not name a verificationMethod of this document"
                        ),
                    ));
                };
                if seen.contains(&fragment) {
                    return Err(invalid(name, format!("{reference:?} is listed twice")));
                }
                seen.push(fragment);
                if name == "authentication" {
                    let address = keys::address(key);
                    authentication.push(AuthKey { fragment: fragment.to_string(), address });
                }
            }
        }
        Ok(authentication)
    }

    fn check_services(&self, did: &str, fragments: &mut Vec<String>) -> Result<(), Error> {
        if self.service.len() > MAX_SERVICES {
            return Err(Error::new(format!(
                "limit: at most {MAX_SERVICES} services, got {}",
                self.service.len()
            )));
        }
        for service in &self.service {
            let field = format!("service {:?}", service.id);
            unique_fragment(&service.id, did, fragments).map_err(|e| invalid(&field, e))?;
            service.check().map_err(|e| invalid(&field, e))?;
        }
        Ok(())
    }
}

fn check_context(context: &OneOrMany) -> Result<(), Error> {
    let entries = context.as_slice();
    match entries.first().map(String::as_str) {
        Some(DID_CONTEXT_V1 | DID_CONTEXT_V1_1) => {}
        first => {
            return Err(invalid(
                "@context",
                format!(
                    "must start with {DID_CONTEXT_V1_1:?} or {DID_CONTEXT_V1:?}, got {first:?}"
                ),
            ));
        }
    }
    if entries.len() > MAX_CONTEXTS {
        return Err(invalid("@context", format!("at most {MAX_CONTEXTS} entries")));
    }
    for (i, entry) in entries.iter().enumerate() {
        let well_formed = entry.len() <= MAX_CONTEXT_LEN
            && entry.starts_with("https://")
            && entry.len() > "https://".len()
            && entry.bytes().all(|b| b.is_ascii_graphic());
        if !well_formed {
            return Err(invalid(
                "@context",
                format!("{entry:?} is not an https URL of at most {MAX_CONTEXT_LEN} characters"),
            ));
        }
        if entries[..i].contains(entry) {
            return Err(invalid("@context", format!("{entry:?} is listed twice")));
        }
    }
    Ok(())
}

fn check_controllers(controller: &OneOrMany, did: &Did) -> Result<Vec<Did>, Error> {
    let listed = controller.as_slice();
    if listed.is_empty() {
        return Err(invalid("controller", "an empty list; omit the property instead"));
    }
    if listed.len() > MAX_CONTROLLERS {
        return Err(Error::new(format!(
            "limit: at most {MAX_CONTROLLERS} controllers, got {}",
            listed.len()
        )));
    }
    let mut others = Vec::new();
    for (i, text) in listed.iter().enumerate() {
        let c = Did::parse(text, did.network()).map_err(|e| match e {
            DidError::Invalid(m) => invalid("controller", m),
            DidError::OtherMethod(m) | DidError::OtherNetwork(m) => {
                invalid("controller", format!("{m}; controllers must be DIDs of this registry"))
            }
        })?;
        if listed[..i].contains(text) {
            return Err(invalid("controller", format!("{text:?} is listed twice")));
        }
        if c != *did {
            others.push(c);
        }
    }
    Ok(others)
}

/// The fragment of `id`, recorded in `seen`; an error if it is malformed or taken.
fn unique_fragment(id: &str, did: &str, seen: &mut Vec<String>) -> Result<String, String> {
    let fragment = did::fragment_of(id, did)?.to_string();
    if seen.contains(&fragment) {
        return Err("id duplicates another verification method or service id".into());
    }
    seen.push(fragment.clone());
    Ok(fragment)
}

impl VerificationMethod {
    /// Checks type, controller and key; fills in the controller; returns the key.
    fn check(&mut self, did: &str) -> Result<CompressedKey, String> {
        let private = [
            ("secretKeyMultibase", self.secret_key_multibase.is_some()),
            ("privateKeyMultibase", self.private_key_multibase.is_some()),
            ("privateKeyJwk", self.private_key_jwk.is_some()),
        ];
        if let Some((name, _)) = private.iter().find(|(_, present)| *present) {
            return Err(format!(
                "contains private key material ({name}); publish only public keys"
            ));
        }
        match &self.controller {
            None => self.controller = Some(did.to_string()),
            Some(c) => did::check_generic(c).map_err(|e| format!("controller: {e}"))?,
        }
        match (self.kind.as_str(), &self.public_key_jwk, &self.public_key_multibase) {
            (TYPE_JSON_WEB_KEY, Some(jwk), None) => jwk.decode(),
            (TYPE_MULTIKEY, None, Some(text)) => keys::decode_multibase(text),
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

impl Service {
    fn check(&self) -> Result<(), String> {
        let types = self.kind.as_slice();
        if types.is_empty() || types.len() > MAX_SERVICE_TYPES {
            return Err(format!("type must be 1-{MAX_SERVICE_TYPES} values"));
        }
        for t in types {
            let ok = !t.is_empty()
                && t.len() <= MAX_SERVICE_TYPE_LEN
                && t.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
            if !ok {
                return Err(format!(
                    "type {t:?} must be 1-{MAX_SERVICE_TYPE_LEN} characters of [A-Za-z0-9._-]"
                ));
            }
        }
        uri::check_endpoint(&self.service_endpoint).map_err(|e| format!("serviceEndpoint {e}"))
    }
}
