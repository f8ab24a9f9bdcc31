//! What a bundle answers: one question about one system-contract record, tagged with its kind.

use super::BundleError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One question, as written in the bundle (`"query": {"kind": …}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Query {
    /// Is `hash` registered, by whom and when, and is it active at `at_ms` (hash registry)?
    Hash {
        /// `0x` + 64 lower-case hex digits.
        hash: String,
        /// The time asked about (ms); `null`: the block's time.
        at_ms: Option<u64>,
    },
    /// Credential `id`'s anchor, status and validity at `at_ms` (credentials).
    Credential {
        /// The VC's id, e.g. `urn:uuid:…`.
        id: String,
        /// The time asked about (ms); `null`: the block's time.
        at_ms: Option<u64>,
    },
    /// Consent `id`'s record and status at `at_ms` (consent).
    Consent {
        /// The consent id (1, 2, 3, …).
        id: u64,
        /// The time asked about (ms); `null`: the block's time.
        at_ms: Option<u64>,
    },
    /// DID `did`'s document at `version` (DID registry).
    Did {
        /// `did:bayledger:<network>:<id>`.
        did: String,
        /// The version asked for (1 = the create); `null`: the latest at the block.
        version: Option<u64>,
    },
}

impl Query {
    /// `hash`, `credential`, `consent` or `did`.
    pub fn kind(&self) -> &'static str {
        match self {
            Query::Hash { .. } => "hash",
            Query::Credential { .. } => "credential",
            Query::Consent { .. } => "consent",
            Query::Did { .. } => "did",
        }
    }

    /// The time asked about, if the kind has one and it was given.
    pub fn at_ms(&self) -> Option<u64> {
        match self {
            Query::Hash { at_ms, .. }
            | Query::Credential { at_ms, .. }
            | Query::Consent { at_ms, .. } => *at_ms,
            Query::Did { .. } => None,
        }
    }

    /// Checks the question's own syntax, with the contracts' validators.
    pub fn check(&self) -> Result<(), BundleError> {
        let refused = |e: bayledger_contract_sdk::Error| BundleError::Query(e.to_string());
        match self {
            Query::Hash { hash, .. } => {
                hash_registry::validate::hash("hash", hash).map_err(refused)?;
            }
            Query::Credential { id, .. } => {
                credentials::validate::credential_id("id", id).map_err(refused)?;
            }
            Query::Consent { id: 0, .. } => {
                return Err(BundleError::Query("consent ids start at 1".into()));
            }
            Query::Consent { .. } => {}
            Query::Did { version: Some(0), .. } => {
                return Err(BundleError::Query("DID versions start at 1".into()));
            }
            Query::Did { .. } => {}
        }
        Ok(())
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Query::Hash { hash, .. } => write!(f, "hash {hash}")?,
            Query::Credential { id, .. } => write!(f, "credential {id}")?,
            Query::Consent { id, .. } => write!(f, "consent {id}")?,
            Query::Did { did, version: Some(v) } => write!(f, "DID {did} version {v}")?,
            Query::Did { did, version: None } => write!(f, "DID {did}")?,
        }
        match self.at_ms() {
            Some(at) => write!(f, " at {at} ms"),
            None => Ok(()),
        }
    }
}
