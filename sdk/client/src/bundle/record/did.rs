//! DID registry: a DID document version and its metadata — the contract's own W3C resolution
//! result built from its proven records.

use super::convert;
use crate::bundle::BundleError;
use crate::system::did::Resolution;
use bayledger_types::SystemContract;
use did_registry::did::Did;
use did_registry::resolve;
use did_registry::state::{DIDS, DOCUMENTS, NETWORK, VERSIONS, VersionKey};
use serde::{Deserialize, Serialize};
use sha3::{Digest, Sha3_256};

use crate::bundle::state::ProvenState;

/// A DID document version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DidRecord {
    /// The DID asked about.
    pub did: String,
    /// The version resolved (the latest when none was asked for); `null` when the DID is
    /// not registered.
    pub version: Option<u64>,
    /// The contract's W3C DID resolution result for that version (`notFound` when the DID or
    /// the version does not exist).
    pub resolution: Resolution,
}

/// Reads `network`, `did/<id>`, then `ver/<id, v>` (and `ver/<id, 1>`, `ver/<id, v + 1>` for the
/// creation and next-version times) and `doc/<id, v>`.
pub(super) fn answer(
    did: &str,
    version: Option<u64>,
    state: &mut ProvenState,
) -> Result<DidRecord, BundleError> {
    let c = SystemContract::DidRegistry;
    let network = state.item(c, &NETWORK)?.ok_or_else(|| BundleError::Corrupt {
        key: "network".into(),
        reason: "the DID registry is not instantiated".into(),
    })?;
    let parsed = Did::parse(did, &network).map_err(|e| BundleError::Query(e.to_string()))?;
    let id = parsed.id().to_string();
    let record = |version, resolution: resolve::Resolution| -> Result<DidRecord, BundleError> {
        Ok(DidRecord { did: did.to_string(), version, resolution: convert(&resolution)? })
    };
    let Some(current) = state.map(c, &DIDS, &id)? else {
        return record(version, resolve::not_registered(&parsed));
    };
    let v = version.unwrap_or(current.version);
    if v > current.version {
        return record(Some(v), resolve::no_such_version(&parsed, v, current.version));
    }
    let key = |version| VersionKey { id: id.clone(), version };
    let meta = |state: &mut ProvenState, version| {
        state.map(c, &VERSIONS, &key(version))?.ok_or_else(|| BundleError::Corrupt {
            key: format!("ver/{id}/{version}"),
            reason: format!(
                "version {version} of {did} is proven absent (latest {})",
                current.version
            ),
        })
    };
    let this = meta(state, v)?;
    let created = if v == 1 { this.time_ms } else { meta(state, 1)?.time_ms };
    let next = if v < current.version { Some(meta(state, v + 1)?) } else { None };
    let document = state.map(c, &DOCUMENTS, &key(v))?.ok_or_else(|| BundleError::Corrupt {
        key: format!("doc/{id}/{v}"),
        reason: format!("the document of version {v} is proven absent"),
    })?;
    if <[u8; 32]>::from(Sha3_256::digest(&document)) != this.document_hash {
        return Err(BundleError::Corrupt {
            key: format!("doc/{id}/{v}"),
            reason: "the document does not hash to its version's recorded document hash".into(),
        });
    }
    let resolution =
        resolve::resolved(v, &this, created, next.as_ref(), document).map_err(|e| {
            BundleError::Corrupt { key: format!("doc/{id}/{v}"), reason: e.to_string() }
        })?;
    record(Some(v), resolution)
}
