//! `holds_valid`: whether a subject holds a valid credential of a type at a time, exactly as
//! docs/domain-contracts.md defines it (used by policy contracts such as health-data-policy).

use crate::credentials::{load_no, numbers_of};
use crate::issuers;
use crate::record::{CredentialRecord, IssuerRecord, Status};
use crate::response::HoldsValidResponse;
use crate::validate;
use alloc::collections::BTreeMap;
use alloc::collections::btree_map::Entry;
use alloc::format;
use alloc::string::String;
use bayledger_contract_sdk::Error;

/// `Ok(())` when `c` is valid at `t`, otherwise why not. `issuer` holds the authorisation
/// periods of `c`'s issuer for `c`'s type.
pub fn check(c: &CredentialRecord, issuer: &IssuerRecord, t: u64) -> Result<(), String> {
    let status = c.status_at(t).unwrap_or(Status::Active);
    if status != Status::Active {
        return Err(format!("credential {:?} is {} at {t}", c.id, status.as_str()));
    }
    c.within_validity(t).map_err(|why| format!("credential {:?} is {why}", c.id))?;
    if !issuer.authorized_at(c.issued_at_ms) {
        return Err(format!(
            "issuer {} was not authorised for {:?} when credential {:?} was issued",
            c.issuer, c.credential_type, c.id
        ));
    }
    if !issuer.authorized_at(t) {
        return Err(format!(
            "issuer {} of credential {:?} is not authorised for {:?} at {t}",
            c.issuer, c.id, c.credential_type
        ));
    }
    Ok(())
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
    let mut issuers: BTreeMap<String, IssuerRecord> = BTreeMap::new();
    let mut latest_invalid = None;
    // Newest first, so the first valid one is the answer.
    for no in numbers_of(subject, credential_type) {
        let c = load_no(no?)?;
        if c.issued_at_ms > at_ms {
            continue;
        }
        let issuer = match issuers.entry(c.issuer.clone()) {
            Entry::Occupied(cached) => cached.into_mut(),
            Entry::Vacant(slot) => slot.insert(issuers::load(credential_type, &c.issuer)?),
        };
        match check(&c, issuer, at_ms) {
            Ok(()) => {
                return Ok(HoldsValidResponse {
                    reason: format!(
                        "credential {:?} is active, within its validity window, and from an authorised issuer",
                        c.id
                    ),
                    valid: true,
                    credential_id: Some(c.id),
                });
            }
            Err(why) => {
                latest_invalid.get_or_insert((c.id, why));
            }
        }
    }
    Ok(match latest_invalid {
        Some((id, why)) => {
            HoldsValidResponse { valid: false, credential_id: Some(id), reason: why }
        }
        None => HoldsValidResponse {
            valid: false,
            credential_id: None,
            reason: format!("{subject} holds no {credential_type:?} credential issued by {at_ms}"),
        },
    })
}
