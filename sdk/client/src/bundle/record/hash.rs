//! Hash registry: is a hash registered, by whom and when, and active at a time — the
//! contract's own `verify` verdict over its proven registration and status records.

use super::convert;
use crate::bundle::BundleError;
use crate::bundle::state::ProvenState;
use crate::system::hash_registry::StatusResponse;
use bayledger_types::SystemContract;
use hash_registry::state::{Bytes32, REGISTRATIONS, STATUS};
use serde::{Deserialize, Serialize};

/// A hash registration as it stood at `at_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HashRecord {
    /// The hash asked about.
    pub hash: String,
    /// The time the answer is about.
    pub at_ms: u64,
    /// Registered and active at `at_ms`.
    pub valid: bool,
    /// Why (or why not), in the contract's words.
    pub reason: String,
    /// The registration as of `at_ms`; `null` if not registered then.
    pub registration: Option<StatusResponse>,
}

/// Reads `reg/<hash>` and, when registered, `status/<hash>`.
pub(super) fn answer(
    hash: &str,
    at_ms: u64,
    state: &mut ProvenState,
) -> Result<HashRecord, BundleError> {
    let c = SystemContract::HashRegistry;
    let bytes = hash_registry::validate::hash("hash", hash)
        .map_err(|e| BundleError::Query(e.to_string()))?;
    let found = match state.map(c, &REGISTRATIONS, &Bytes32(bytes))? {
        Some(entry) => Some((entry, state.map(c, &STATUS, &Bytes32(bytes))?.unwrap_or_default())),
        None => None,
    };
    let verdict = hash_registry::queries::verdict(&bytes, found, None, Some(at_ms));
    let verdict: crate::system::hash_registry::VerifyResponse = convert(&verdict)?;
    Ok(HashRecord {
        hash: hash.to_string(),
        at_ms,
        valid: verdict.valid,
        reason: verdict.reason,
        registration: verdict.registration,
    })
}
