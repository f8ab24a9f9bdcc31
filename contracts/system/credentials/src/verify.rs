//! `holds_valid`: whether a subject holds a valid credential of a type at a time, exactly as
//! docs/domain-contracts.md defines it (used by policy contracts such as health-data-policy).

use crate::credentials::{load_no, numbers_of};
use crate::issuers::authorized_at;
use crate::record::{CredentialRecord, Status};
use crate::response::HoldsValidResponse;
use crate::validate;
use alloc::format;
use alloc::string::String;
use bayledger_contract_sdk::Error;

/// `Ok(Ok(()))` when `c` is valid at `t`; `Ok(Err(why))` when it is not.
fn check(c: &CredentialRecord, t: u64) -> Result<Result<(), String>, Error> {
    let status = c.status_at(t).unwrap_or(Status::Active);
    if status != Status::Active {
        return Ok(Err(format!("credential {:?} is {} at {t}", c.id, status.as_str())));
    }
    if let Err(why) = c.within_validity(t) {
        return Ok(Err(format!("credential {:?} is {why}", c.id)));
    }
    if !authorized_at(&c.credential_type, &c.issuer, c.issued_at_ms)? {
        return Ok(Err(format!(
            "issuer {} was not authorised for {:?} when credential {:?} was issued",
            c.issuer, c.credential_type, c.id
        )));
    }
    if !authorized_at(&c.credential_type, &c.issuer, t)? {
        return Ok(Err(format!(
            "issuer {} of credential {:?} is not authorised for {:?} at {t}",
            c.issuer, c.id, c.credential_type
        )));
    }
    Ok(Ok(()))
}

/// True when a credential of `credential_type` for `subject` was issued at or before `at_ms`
/// by an issuer authorised for the type at issuance and at `at_ms`, `at_ms` is within its
/// validity window, and its status at `at_ms` is `active`. Names the latest such credential;
/// when there is none, the latest one issued by then and why it is not valid.
pub(crate) fn holds_valid(
    subject: &str,
    credential_type: &str,
    at_ms: u64,
) -> Result<HoldsValidResponse, Error> {
    validate::did("subject", subject)?;
    validate::type_id("credential_type", credential_type)?;
    let mut valid = None;
    let mut latest_invalid = None;
    for no in numbers_of(subject, credential_type) {
        let c = load_no(no?)?;
        // Numbers follow issuance order, so every later one was issued after `at_ms` too.
        if c.issued_at_ms > at_ms {
            break;
        }
        match check(&c, at_ms)? {
            Ok(()) => valid = Some(c.id),
            Err(why) => latest_invalid = Some((c.id, why)),
        }
    }
    Ok(match (valid, latest_invalid) {
        (Some(id), _) => HoldsValidResponse {
            reason: format!(
                "credential {id:?} is active, within its validity window, and from an authorised issuer"
            ),
            valid: true,
            credential_id: Some(id),
        },
        (None, Some((id, why))) => {
            HoldsValidResponse { valid: false, credential_id: Some(id), reason: why }
        }
        (None, None) => HoldsValidResponse {
            valid: false,
            credential_id: None,
            reason: format!("{subject} holds no {credential_type:?} credential issued by {at_ms}"),
        },
    })
}
