//! Consent: a consent record and its status and history at a time — the contract's own view of
//! its proven record.

use crate::bundle::BundleError;
use crate::bundle::state::{ProvenState, show_key};
use bayledger_types::{SystemContract, state_keys};
use consent::msg::ConsentView;
use consent::state::CONSENTS;
use serde::{Deserialize, Serialize};

/// A consent as it stood at `at_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentRecord {
    /// The consent id asked about.
    pub id: u64,
    /// The time the answer is about.
    pub at_ms: u64,
    /// The contract's `consent` answer as of `at_ms` (status `not_yet_given`, `pending`,
    /// `active`, `withdrawn` or `expired`); `null` if there is no such consent.
    pub consent: Option<ConsentView>,
}

/// Reads `consent/<id>` (the record as JSON).
pub(super) fn answer(
    id: u64,
    at_ms: u64,
    state: &mut ProvenState,
) -> Result<ConsentRecord, BundleError> {
    let c = SystemContract::Consent;
    let consent = match state.map(c, &CONSENTS, &id)? {
        Some(json) => {
            let record: consent::record::ConsentRecord =
                serde_json::from_slice(&json).map_err(|e| BundleError::Corrupt {
                    key: show_key(&state_keys::storage(&c.address(), &CONSENTS.storage_key(&id))),
                    reason: e.to_string(),
                })?;
            if record.id != id {
                return Err(BundleError::Corrupt {
                    key: format!("consent/{id}"),
                    reason: format!("holds consent {}", record.id),
                });
            }
            Some(record.view_at(at_ms))
        }
        None => None,
    };
    Ok(ConsentRecord { id, at_ms, consent })
}
