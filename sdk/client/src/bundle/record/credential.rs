//! Credentials: an anchored credential's status, issuer authorisation and validity at a time —
//! the contract's own `credential` view and validity check over its proven records.

use crate::bundle::BundleError;
use crate::bundle::state::ProvenState;
use bayledger_types::SystemContract;
use credentials::issuers::issuer_key;
use credentials::response::CredentialResponse;
use credentials::state::{CREDENTIAL_NOS, CREDENTIALS, ISSUERS};
use serde::{Deserialize, Serialize};

/// A credential as it stood at `at_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialRecord {
    /// The credential id asked about.
    pub id: String,
    /// The time the answer is about.
    pub at_ms: u64,
    /// Issued by then, active, within its validity window, and from an issuer authorised at
    /// issuance and at `at_ms`.
    pub valid: bool,
    /// Why (or why not), in the contract's words.
    pub reason: String,
    /// The contract's `credential` answer as of `at_ms`; `null` if not anchored by then.
    pub credential: Option<CredentialResponse>,
}

/// Reads `credential_nos/<id>`, then `credentials/<number>` and the issuer's authorisation
/// periods `issuers/<type, issuer>`.
pub(super) fn answer(
    id: &str,
    at_ms: u64,
    state: &mut ProvenState,
) -> Result<CredentialRecord, BundleError> {
    let c = SystemContract::Credentials;
    let absent = |reason: String| CredentialRecord {
        id: id.to_string(),
        at_ms,
        valid: false,
        reason,
        credential: None,
    };
    let Some(no) = state.map(c, &CREDENTIAL_NOS, &id.to_string())? else {
        return Ok(absent(format!("not found: credential {id:?}")));
    };
    let record = state.map(c, &CREDENTIALS, &no)?.ok_or_else(|| BundleError::Corrupt {
        key: format!("credentials/{no}"),
        reason: format!("credential {id:?} is number {no}, which is proven absent"),
    })?;
    let issuer = state
        .map(c, &ISSUERS, &issuer_key(&record.credential_type, &record.issuer))?
        .unwrap_or_default();
    let check = credentials::verify::check(&record, &issuer, at_ms);
    let view = match credentials::credentials::view_at(record, &issuer, at_ms) {
        Ok(view) => view,
        Err(not_yet) => return Ok(absent(not_yet.to_string())),
    };
    let (valid, reason) = match check {
        Ok(()) => (
            true,
            format!(
                "credential {id:?} is active, within its validity window, and from an authorised issuer"
            ),
        ),
        Err(why) => (false, why),
    };
    Ok(CredentialRecord { id: id.to_string(), at_ms, valid, reason, credential: Some(view) })
}
