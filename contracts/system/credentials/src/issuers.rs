//! Issuers authorised per credential type: admitted and removed by the committee, each change
//! kept as a period with its times, so "was this issuer authorised at `t`" is answerable.

use crate::access::require_committee;
use crate::event::{self, IssuerChanged};
use crate::index::{Key, page_size, read_str, scan};
use crate::record::{IssuerRecord, Period};
use crate::response::{IsAuthorizedResponse, IssuerView, IssuersResponse};
use crate::state::{ISSUERS, TYPES};
use crate::{types, validate};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use bayledger_contract_sdk::{Error, env};

/// Most admission periods one issuer may have per type (keeps its record bounded).
pub const MAX_PERIODS: usize = 32;

/// The [`ISSUERS`] key of `issuer`'s authorisation periods for `credential_type`.
pub fn issuer_key(credential_type: &str, issuer: &str) -> Vec<u8> {
    Key::new().str(credential_type).str(issuer).into_vec()
}

/// The authorisation periods of `issuer` for `credential_type` (none if never admitted).
pub(crate) fn load(credential_type: &str, issuer: &str) -> Result<IssuerRecord, Error> {
    Ok(ISSUERS.get(&issuer_key(credential_type, issuer))?.unwrap_or_default())
}

fn check_ids(credential_type: &str, issuer: &str) -> Result<(), Error> {
    validate::type_id("credential_type", credential_type)?;
    validate::did("issuer", issuer)
}

/// Committee only: authorises `issuer` for `credential_type` from now on.
pub(crate) fn add(credential_type: &str, issuer: &str) -> Result<(), Error> {
    require_committee("admit issuers")?;
    check_ids(credential_type, issuer)?;
    types::load(credential_type)?;
    let mut record = load(credential_type, issuer)?;
    if record.is_current() {
        return Err(Error::new(format!(
            "already exists: issuer {issuer} is already authorised for {credential_type:?}"
        )));
    }
    if record.periods.len() >= MAX_PERIODS {
        return Err(Error::new(format!(
            "limit: issuer {issuer} has been admitted for {credential_type:?} {MAX_PERIODS} times"
        )));
    }
    record.periods.push(Period {
        from_ms: env::block_time_ms(),
        from_height: env::block_height(),
        until_ms: None,
        until_height: None,
    });
    ISSUERS.set(&issuer_key(credential_type, issuer), &record);
    event::emit(event::ISSUER_ADDED, &IssuerChanged { credential_type, issuer })
}

/// Committee only: ends `issuer`'s authorisation for `credential_type` from now on.
pub(crate) fn remove(credential_type: &str, issuer: &str) -> Result<(), Error> {
    require_committee("remove issuers")?;
    check_ids(credential_type, issuer)?;
    types::load(credential_type)?;
    let mut record = load(credential_type, issuer)?;
    let open = record.periods.last_mut().filter(|p| p.until_ms.is_none()).ok_or_else(|| {
        Error::new(format!("not found: issuer {issuer} is not authorised for {credential_type:?}"))
    })?;
    open.until_ms = Some(env::block_time_ms());
    open.until_height = Some(env::block_height());
    ISSUERS.set(&issuer_key(credential_type, issuer), &record);
    event::emit(event::ISSUER_REMOVED, &IssuerChanged { credential_type, issuer })
}

/// Whether `issuer` was authorised for `credential_type` at `t` (false for unknown pairs).
pub(crate) fn authorized_at(credential_type: &str, issuer: &str, t: u64) -> Result<bool, Error> {
    Ok(load(credential_type, issuer)?.authorized_at(t))
}

/// `is_authorized_issuer`.
pub(crate) fn is_authorized(
    credential_type: &str,
    issuer: &str,
    at_ms: u64,
) -> Result<IsAuthorizedResponse, Error> {
    check_ids(credential_type, issuer)?;
    let authorized = authorized_at(credential_type, issuer, at_ms)?;
    let reason = if !TYPES.has(&String::from(credential_type)) {
        format!("credential type {credential_type:?} is not registered")
    } else if authorized {
        format!("{issuer} was authorised for {credential_type:?} at {at_ms}")
    } else {
        format!("{issuer} was not authorised for {credential_type:?} at {at_ms}")
    };
    Ok(IsAuthorizedResponse { authorized, at_ms, reason })
}

/// `issuers`: a page of the issuers ever admitted for a type, in DID order.
pub(crate) fn list(
    credential_type: &str,
    start_after: Option<&str>,
    limit: Option<u32>,
) -> Result<IssuersResponse, Error> {
    validate::type_id("credential_type", credential_type)?;
    types::load(credential_type)?;
    let prefix = Key::new().str(credential_type).into_vec();
    let after = match start_after {
        Some(did) => {
            validate::did("start_after", did)?;
            Some(issuer_key(credential_type, did))
        }
        None => None,
    };
    let issuers = scan(&ISSUERS, &prefix, after.as_deref())
        .take(page_size(limit))
        .map(|entry| {
            let (rest, record) = entry?;
            let (issuer, _) = read_str(&rest)?;
            Ok(IssuerView { issuer, authorized: record.is_current(), periods: record.periods })
        })
        .collect::<Result<_, Error>>()?;
    Ok(IssuersResponse { credential_type: String::from(credential_type), issuers })
}
