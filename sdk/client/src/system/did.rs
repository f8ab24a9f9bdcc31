//! Typed client of the DID registry (`did:bayledger`, docs/did-method.md): create, update
//! (with a key-rotation helper), deactivate, resolve (current, by version id or by time),
//! history and the `authorized` query; plus the pure parts a wallet or verifier needs offline:
//!
//! - [`document_for_key`]: the W3C DID document of one secp256k1 key (`#key-1`, a
//!   `JsonWebKey`, in `authentication` and `assertionMethod`);
//! - [`DidDocument::with_rotated_key`]: the same document with one key replaced;
//! - [`Resolution::public_key`] / [`DidDocument::public_key`]: the key of a DID URL
//!   (`did:…#key-1`), checked to be listed under a relationship — e.g. `assertionMethod` for the
//!   `kid` of a `vc+jwt` credential — and decoded from `JsonWebKey` or `Multikey`.
//!
//! ```no_run
//! # async fn demo(client: bayledger_sdk::Client, key: bayledger_sdk::SecretKey)
//! # -> Result<(), bayledger_sdk::SdkError> {
//! use bayledger_sdk::system::did::{DidRegistry, Relationship, ResolveOptions};
//! let registry = DidRegistry::new(client);
//! let did = registry.create_for_key(&key).await?.value.did;
//! let resolution = registry.resolve(&did, &ResolveOptions::latest()).await?;
//! let issuer_key = resolution.public_key(&format!("{did}#key-1"), Relationship::AssertionMethod)?;
//! # let _ = issuer_key; Ok(()) }
//! ```

mod document;
mod keys;
mod resolution;
mod syntax;

/// The registry's answers and `version_time` (`did_registry::msg`).
pub use ::did_registry::msg::{
    AuthorizedResponse, ConfigResponse, HistoryEntry, HistoryResponse, VersionTime, WriteResponse,
};
pub use document::{
    DEFAULT_KEY_FRAGMENT, DID_CONTEXT_V1_1, DidDocument, DidDocumentExt, OneOrMany, Relationship,
    Service, TYPE_JSON_WEB_KEY, TYPE_MULTIKEY, VerificationMethod, VerificationMethodExt,
    document_for_key,
};
pub use keys::{Jwk, JwkExt, MULTICODEC_SECP256K1_PUB, key_of_multikey, multikey_of};
pub use resolution::{DocumentMetadata, Resolution, ResolutionMetadata};
pub use syntax::{DidParts, default_did, parse_did, split_did_url};

use super::{Executed, SystemHandle};
use crate::client::Client;
use crate::error::SdkError;
use ::did_registry::msg::{CallMsg, QueryMsg};
use bayledger_types::{Address, PublicKey, SecretKey, SystemContract};
use serde_json::{Value, json};

/// Why a DID, DID URL, document or resolution cannot be used (checked locally).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DidError {
    /// Not a well-formed `did:bayledger` DID.
    #[error("invalid DID {did:?}: {reason}")]
    InvalidDid {
        /// The DID as given.
        did: String,
        /// What is wrong.
        reason: String,
    },
    /// Not a well-formed absolute DID URL `<did>#<fragment>`, or one of another DID.
    #[error("invalid DID URL {did_url:?}: {reason}")]
    InvalidDidUrl {
        /// The DID URL as given.
        did_url: String,
        /// What is wrong.
        reason: String,
    },
    /// Resolution failed (`invalidDid`, `methodNotSupported`, `notFound`, `invalidOptions`).
    #[error("DID resolution failed ({error}): {message}")]
    Unresolved {
        /// The registry's error code.
        error: String,
        /// The registry's message.
        message: String,
    },
    /// The resolved version is the deactivation: the DID has no keys any more.
    #[error("{did} is deactivated")]
    Deactivated {
        /// The DID.
        did: String,
    },
    /// The document has no verification method with that id.
    #[error("{did_url} names no verification method of the document")]
    NoSuchMethod {
        /// The DID URL looked up.
        did_url: String,
    },
    /// The method exists but is not listed under the required relationship.
    #[error("{did_url} is not listed under {relationship}")]
    NotInRelationship {
        /// The DID URL looked up.
        did_url: String,
        /// The relationship required.
        relationship: Relationship,
    },
    /// The method's key does not decode to a secp256k1 public key.
    #[error("the key of {did_url} is unusable: {reason}")]
    InvalidKey {
        /// The DID URL looked up.
        did_url: String,
        /// Why.
        reason: String,
    },
    /// A document cannot be built, rotated or published as asked.
    #[error("invalid document: {0}")]
    Document(String),
}

impl From<DidError> for SdkError {
    fn from(e: DidError) -> SdkError {
        match e {
            DidError::Unresolved { ref error, .. } if error == "notFound" => {
                SdkError::NotFound(e.to_string())
            }
            e => SdkError::Invalid(e.to_string()),
        }
    }
}

/// Which version to resolve: the current one, a version id, or the one in force at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolveOptions {
    /// A version number (1, 2, …).
    pub version_id: Option<u64>,
    /// The version in force at this time.
    pub version_time: Option<VersionTime>,
}

impl ResolveOptions {
    /// The current version.
    pub fn latest() -> ResolveOptions {
        ResolveOptions::default()
    }

    /// Version `version_id`.
    pub fn version(version_id: u64) -> ResolveOptions {
        ResolveOptions { version_id: Some(version_id), version_time: None }
    }

    /// The version in force at `ms` (ms since the Unix epoch).
    pub fn at_ms(ms: u64) -> ResolveOptions {
        ResolveOptions { version_id: None, version_time: Some(VersionTime::Millis(ms)) }
    }

    /// The `resolve` query message for `did`; both options at once are refused.
    fn message(&self, did: &str) -> Result<Value, SdkError> {
        if self.version_id.is_some() && self.version_time.is_some() {
            return Err(SdkError::Invalid(
                "resolve: give a version id or a version time, not both".into(),
            ));
        }
        if self.version_id == Some(0) {
            return Err(SdkError::Invalid("resolve: versions are numbered from 1".into()));
        }
        Ok(json!(QueryMsg::Resolve {
            did: did.to_string(),
            version_id: self.version_id.map(|v| v.to_string()),
            version_time: self.version_time.clone(),
        }))
    }
}

/// The DID registry on one node.
#[derive(Debug, Clone)]
pub struct DidRegistry {
    handle: SystemHandle,
}

impl DidRegistry {
    /// The registry through `client`.
    pub fn new(client: Client) -> DidRegistry {
        DidRegistry { handle: SystemHandle::new(client, SystemContract::DidRegistry) }
    }

    /// The underlying handle (address, [`SystemHandle::check`]).
    pub fn handle(&self) -> &SystemHandle {
        &self.handle
    }

    /// The registry's network, the `<network>` of every DID it serves.
    pub async fn network(&self) -> Result<String, SdkError> {
        let config: ConfigResponse = self.handle.query(&json!(QueryMsg::Config {})).await?;
        Ok(config.network)
    }

    /// The default DID of `address` on this registry's network.
    pub async fn default_did(&self, address: &Address) -> Result<String, SdkError> {
        Ok(default_did(&self.network().await?, address)?)
    }

    /// Registers `document` (version 1). Its `id` is the DID, or the sender's default DID when
    /// absent; the sender must control the document.
    pub async fn create(
        &self,
        key: &SecretKey,
        document: &DidDocument,
    ) -> Result<Executed<WriteResponse>, SdkError> {
        document.check_public_only()?;
        self.handle.execute(key, &json!(CallMsg::Create { document: document.clone() })).await
    }

    /// Registers the sender's default DID with [`document_for_key`] of its own key.
    pub async fn create_for_key(
        &self,
        key: &SecretKey,
    ) -> Result<Executed<WriteResponse>, SdkError> {
        let did = self.default_did(&key.address()).await?;
        self.create(key, &document_for_key(&did, &key.public_key())?).await
    }

    /// Replaces the document of `did` (a new version). With `previous_version_id`, only while
    /// that is the current version (`conflict: …` otherwise).
    pub async fn update(
        &self,
        key: &SecretKey,
        did: &str,
        document: &DidDocument,
        previous_version_id: Option<u64>,
    ) -> Result<Executed<WriteResponse>, SdkError> {
        parse_did(did)?;
        document.check_public_only()?;
        let msg = CallMsg::Update {
            did: did.to_string(),
            document: document.clone(),
            previous_version_id: previous_version_id.map(|v| v.to_string()),
        };
        self.handle.execute(key, &json!(msg)).await
    }

    /// Key rotation: resolves the current document of `did`, replaces its method
    /// `old_fragment` by `new_key` under `new_fragment` ([`DidDocument::with_rotated_key`]),
    /// and updates, conditional on the version resolved (so a concurrent change is not lost).
    pub async fn rotate_key(
        &self,
        key: &SecretKey,
        did: &str,
        old_fragment: &str,
        new_fragment: &str,
        new_key: &PublicKey,
    ) -> Result<Executed<WriteResponse>, SdkError> {
        let current = self.resolve(did, &ResolveOptions::latest()).await?;
        if current.is_deactivated() {
            return Err(DidError::Deactivated { did: did.to_string() }.into());
        }
        let rotated = current.document()?.with_rotated_key(old_fragment, new_fragment, new_key)?;
        self.update(key, did, &rotated, current.version()).await
    }

    /// Deactivates `did` for good. With `previous_version_id`, only while that is the current
    /// version.
    pub async fn deactivate(
        &self,
        key: &SecretKey,
        did: &str,
        previous_version_id: Option<u64>,
    ) -> Result<Executed<WriteResponse>, SdkError> {
        parse_did(did)?;
        let msg = CallMsg::Deactivate {
            did: did.to_string(),
            previous_version_id: previous_version_id.map(|v| v.to_string()),
        };
        self.handle.execute(key, &json!(msg)).await
    }

    /// Resolves `did`. A failed resolution (`notFound`, …) is returned as an answer; use
    /// [`Resolution::document`] to turn it into an error.
    pub async fn resolve(
        &self,
        did: &str,
        options: &ResolveOptions,
    ) -> Result<Resolution, SdkError> {
        self.handle.query(&options.message(did)?).await
    }

    /// The public key of `did_url` (`<did>#<fragment>`) listed under `relationship`, in the
    /// version chosen by `options` (e.g. the one in force when a credential was issued).
    pub async fn public_key(
        &self,
        did_url: &str,
        relationship: Relationship,
        options: &ResolveOptions,
    ) -> Result<PublicKey, SdkError> {
        let (did, _) = split_did_url(did_url)?;
        let resolution = self.resolve(did, options).await?;
        Ok(resolution.public_key(did_url, relationship)?)
    }

    /// A page of the versions of `did`, oldest first, after version `start_after`; `limit`
    /// defaults to 10, at most 100.
    pub async fn history(
        &self,
        did: &str,
        start_after: Option<u64>,
        limit: Option<u32>,
    ) -> Result<HistoryResponse, SdkError> {
        parse_did(did)?;
        let msg = QueryMsg::History {
            did: did.to_string(),
            start_after: start_after.map(|v| v.to_string()),
            limit,
        };
        self.handle.query(&json!(msg)).await
    }

    /// Whether `address` controls `did` now (the query other contracts rely on).
    pub async fn authorized(
        &self,
        did: &str,
        address: &Address,
    ) -> Result<AuthorizedResponse, SdkError> {
        parse_did(did)?;
        self.handle
            .query(&json!(QueryMsg::Authorized {
                did: did.to_string(),
                address: address.to_string()
            }))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DID: &str = "did:bayledger:testnet:bank-a";

    #[test]
    fn resolve_messages_carry_at_most_one_option() {
        let msg = |o: ResolveOptions| o.message(DID).map_err(|e| e.to_string());
        assert_eq!(msg(ResolveOptions::latest()), Ok(json!({"resolve": {"did": DID}})));
        assert_eq!(
            msg(ResolveOptions::version(2)),
            Ok(json!({"resolve": {"did": DID, "version_id": "2"}}))
        );
        assert_eq!(
            msg(ResolveOptions::at_ms(1_700_000_000_000)),
            Ok(json!({"resolve": {"did": DID, "version_time": 1_700_000_000_000u64}}))
        );
        let at = ResolveOptions {
            version_time: Some(VersionTime::DateTime("2026-11-30T01:02:03Z".into())),
            ..ResolveOptions::default()
        };
        assert_eq!(
            msg(at),
            Ok(json!({"resolve": {"did": DID, "version_time": "2026-11-30T01:02:03Z"}}))
        );
        let both =
            ResolveOptions { version_id: Some(1), version_time: Some(VersionTime::Millis(1)) };
        assert!(msg(both).expect_err("refused").contains("not both"));
        assert!(msg(ResolveOptions::version(0)).expect_err("refused").contains("from 1"));
    }

    #[test]
    fn did_errors_map_to_sdk_errors() {
        let not_found = DidError::Unresolved { error: "notFound".into(), message: "x".into() };
        assert!(matches!(SdkError::from(not_found), SdkError::NotFound(_)));
        let e = SdkError::from(DidError::Deactivated { did: DID.into() });
        assert!(matches!(&e, SdkError::Invalid(m) if m.contains("deactivated")));
    }
}
