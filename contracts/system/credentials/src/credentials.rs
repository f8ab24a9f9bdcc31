//! Anchored credentials: issuance by a controller of an authorised issuer DID, status changes
//! by the issuer (revoke — final —, suspend, reinstate) with their history, and the credential
//! queries (one credential as of a time, pages by subject and by issuer).

use crate::access::require_did_control;
use crate::event::{self, Issued, StatusChanged};
use crate::index::{Key, page_size, scan};
use crate::msg::{IssueMsg, StatusMsg};
use crate::record::{Action, CredentialRecord, IssuerRecord, Status, StatusChange};
use crate::response::{CredentialResponse, CredentialSummary, CredentialsResponse};
use crate::state::{
    BY_ISSUER, BY_SUBJECT, CREDENTIAL_NOS, CREDENTIALS, NEXT_CREDENTIAL_NO, NEXT_STATUS_INDEX,
    VC_HASHES,
};
use crate::validate::{self, MAX_REASON_LEN};
use crate::{issuers, status_list, types};
use alloc::format;
use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;
use bayledger_contract_sdk::storage::Map;
use bayledger_contract_sdk::{Error, env};

/// Most status-history entries of one credential, issuance included (keeps the record and
/// the `credential` response bounded). The last one is reserved for a revocation.
pub const MAX_HISTORY: usize = 32;

/// The credential `id` and its number; `not found: …` if it is not anchored.
pub(crate) fn load(id: &str) -> Result<(u64, CredentialRecord), Error> {
    let no = CREDENTIAL_NOS
        .get(&id.to_string())?
        .ok_or_else(|| Error::new(format!("not found: credential {id:?}")))?;
    Ok((no, load_no(no)?))
}

/// Credential number `no` (an index entry points at it, so it exists).
pub(crate) fn load_no(no: u64) -> Result<CredentialRecord, Error> {
    CREDENTIALS
        .get(&no)?
        .ok_or_else(|| Error::new(format!("storage: credential number {no} is missing")))
}

/// The [`BY_SUBJECT`] key of credential `no`: newest first within a subject and type.
fn subject_key(subject: &str, credential_type: &str, no: u64) -> Vec<u8> {
    Key::new().str(subject).str(credential_type).u64(u64::MAX - no).into_vec()
}

/// The [`BY_ISSUER`] key of `issuer`'s credential at `status_index`.
pub(crate) fn issuer_key(issuer: &str, status_index: u64) -> Vec<u8> {
    Key::new().str(issuer).u64(status_index).into_vec()
}

fn check_validity(from: Option<u64>, until: Option<u64>, now: u64) -> Result<(), Error> {
    if let (Some(from), Some(until)) = (from, until)
        && until <= from
    {
        return Err(validate::invalid(
            "valid_until_ms",
            format!("{until} is not after valid_from_ms {from}"),
        ));
    }
    if let Some(until) = until.filter(|until| *until <= now) {
        return Err(validate::invalid(
            "valid_until_ms",
            format!("{until} has already passed (block time {now})"),
        ));
    }
    Ok(())
}

/// The issuer's status index for a new credential: the one asked for if it is free, else the
/// issuer's next free one.
fn claim_status_index(issuer: &str, wanted: Option<u64>) -> Result<u64, Error> {
    if let Some(index) = wanted {
        status_list::position(index)?;
        if let Some(no) = BY_ISSUER.get(&issuer_key(issuer, index))? {
            return Err(Error::new(format!(
                "already exists: status index {index} of issuer {issuer} belongs to credential {:?}",
                load_no(no)?.id
            )));
        }
        return Ok(index);
    }
    let mut index = NEXT_STATUS_INDEX.get(&issuer.to_string())?.unwrap_or(0);
    while BY_ISSUER.has(&issuer_key(issuer, index)) {
        index += 1;
    }
    status_list::position(index)?;
    NEXT_STATUS_INDEX.set(&issuer.to_string(), &(index + 1));
    Ok(index)
}

/// `issue`: anchors a credential. The issuer must be authorised for the type now and the
/// sender must control the issuer DID.
pub(crate) fn issue(m: IssueMsg) -> Result<(), Error> {
    validate::credential_id("id", &m.id)?;
    validate::type_id("credential_type", &m.credential_type)?;
    validate::did("issuer", &m.issuer)?;
    validate::did("subject", &m.subject)?;
    let hash = validate::hash("vc_hash", &m.vc_hash)?.to_vec();
    let (now, height) = (env::block_time_ms(), env::block_height());
    check_validity(m.valid_from_ms, m.valid_until_ms, now)?;
    if CREDENTIAL_NOS.has(&m.id) {
        return Err(Error::new(format!("already exists: credential {:?}", m.id)));
    }
    if let Some(no) = VC_HASHES.get(&hash)? {
        return Err(Error::new(format!(
            "already exists: vc_hash {} is anchored as credential {:?}",
            m.vc_hash,
            load_no(no)?.id
        )));
    }
    let credential_type = types::load(&m.credential_type)?;
    if !issuers::authorized_at(&m.credential_type, &m.issuer, now)? {
        return Err(Error::new(format!(
            "unauthorized: issuer {} is not authorised to issue {:?}",
            m.issuer, m.credential_type
        )));
    }
    let sender = require_did_control("issuer", &m.issuer)?;
    let status_index = claim_status_index(&m.issuer, m.status_index)?;
    let (status_list, status_list_index) = status_list::position(status_index)?;
    let no = NEXT_CREDENTIAL_NO.get()?.unwrap_or(0);
    let record = CredentialRecord {
        id: m.id,
        credential_type: m.credential_type,
        schema_version: credential_type.schema_version,
        issuer: m.issuer,
        subject: m.subject,
        vc_hash: m.vc_hash,
        vc_hash_alg: m.vc_hash_alg,
        valid_from_ms: m.valid_from_ms,
        valid_until_ms: m.valid_until_ms,
        issued_at_ms: now,
        issued_height: height,
        status_index,
        history: vec![StatusChange {
            action: Action::Issued,
            status: Status::Active,
            reason: None,
            at_ms: now,
            height,
            by: sender.to_string(),
        }],
    };
    CREDENTIALS.set(&no, &record);
    NEXT_CREDENTIAL_NO.set(&(no + 1));
    CREDENTIAL_NOS.set(&record.id, &no);
    VC_HASHES.set(&hash, &no);
    BY_SUBJECT.set(&subject_key(&record.subject, &record.credential_type, no), &no);
    BY_ISSUER.set(&issuer_key(&record.issuer, status_index), &no);
    event::emit(
        event::ISSUED,
        &Issued {
            id: &record.id,
            credential_type: &record.credential_type,
            issuer: &record.issuer,
            subject: &record.subject,
            vc_hash: &record.vc_hash,
            status_list,
            status_list_index,
        },
    )
}

/// The status after `action`, or `conflict: …` if the current status forbids it.
fn transition(id: &str, current: Status, action: Action) -> Result<Status, Error> {
    let conflict = |why: &str| Err(Error::new(format!("conflict: credential {id:?} {why}")));
    match (action, current) {
        (_, Status::Revoked) => conflict("is revoked, and revocation is final"),
        (Action::Revoked, _) => Ok(Status::Revoked),
        (Action::Suspended, Status::Active) => Ok(Status::Suspended),
        (Action::Suspended, _) => conflict("is already suspended"),
        (Action::Reinstated, Status::Suspended) => Ok(Status::Active),
        (Action::Reinstated, _) => conflict("is not suspended"),
        (Action::Issued, _) => conflict("is already issued"),
    }
}

/// `revoke`, `suspend`, `reinstate`: by a controller of the issuer DID, with a reason.
pub(crate) fn change_status(m: StatusMsg, action: Action) -> Result<(), Error> {
    validate::credential_id("id", &m.id)?;
    validate::text("reason", &m.reason, 1, MAX_REASON_LEN)?;
    let (no, mut record) = load(&m.id)?;
    let sender = require_did_control("issuer", &record.issuer)?;
    let status = transition(&m.id, record.current_status(), action)?;
    // The last entry is kept for a revocation, which must always remain possible.
    if action != Action::Revoked && record.history.len() >= MAX_HISTORY - 1 {
        return Err(Error::new(format!(
            "limit: credential {:?} has {} status-history entries; only a revocation may follow",
            m.id,
            record.history.len()
        )));
    }
    let at_ms = env::block_time_ms();
    let seq = record.history.len() as u32;
    record.history.push(StatusChange {
        action,
        status,
        reason: Some(m.reason.clone()),
        at_ms,
        height: env::block_height(),
        by: sender.to_string(),
    });
    CREDENTIALS.set(&no, &record);
    status_list::log_change(&record, no, seq, at_ms, status)?;
    let topic = match action {
        Action::Revoked => event::REVOKED,
        Action::Suspended => event::SUSPENDED,
        _ => event::REINSTATED,
    };
    let (status_list, status_list_index) = status_list::position(record.status_index)?;
    event::emit(
        topic,
        &StatusChanged {
            id: &record.id,
            credential_type: &record.credential_type,
            issuer: &record.issuer,
            subject: &record.subject,
            reason: &m.reason,
            status_list,
            status_list_index,
        },
    )
}

/// `credential`: the credential as of `at_ms`; `not found` before its issuance.
pub(crate) fn get(id: &str, at_ms: u64) -> Result<CredentialResponse, Error> {
    validate::credential_id("id", id)?;
    let (_, r) = load(id)?;
    let issuer = issuers::load(&r.credential_type, &r.issuer)?;
    view_at(r, &issuer, at_ms)
}

/// The `credential` answer from the stored records: credential `r` as of `at_ms`, its issuer's
/// authorisation periods for its type being `issuer`; `not found` before its issuance. Pure,
/// so a verifier holding proven records reaches the contract's own answer.
pub fn view_at(
    r: CredentialRecord,
    issuer: &IssuerRecord,
    at_ms: u64,
) -> Result<CredentialResponse, Error> {
    let status = r.status_at(at_ms).ok_or_else(|| {
        Error::new(format!(
            "not found: credential {:?} was issued at {}, after {at_ms}",
            r.id, r.issued_at_ms
        ))
    })?;
    let issuer_authorized = issuer.authorized_at(at_ms);
    let (status_list, status_list_index) = status_list::position(r.status_index)?;
    let history = r.history_until(at_ms);
    Ok(CredentialResponse {
        id: r.id,
        credential_type: r.credential_type,
        schema_version: r.schema_version,
        issuer: r.issuer,
        subject: r.subject,
        vc_hash: r.vc_hash,
        vc_hash_alg: r.vc_hash_alg,
        issued_at_ms: r.issued_at_ms,
        issued_height: r.issued_height,
        valid_from_ms: r.valid_from_ms,
        valid_until_ms: r.valid_until_ms,
        at_ms,
        status,
        issuer_authorized,
        status_list,
        status_list_index,
        history,
    })
}

fn summary(r: CredentialRecord) -> CredentialSummary {
    CredentialSummary {
        status: r.current_status(),
        id: r.id,
        credential_type: r.credential_type,
        issuer: r.issuer,
        subject: r.subject,
        issued_at_ms: r.issued_at_ms,
        valid_from_ms: r.valid_from_ms,
        valid_until_ms: r.valid_until_ms,
    }
}

fn page(
    index: &Map<Vec<u8>, u64>,
    prefix: &[u8],
    after: Option<Vec<u8>>,
    limit: Option<u32>,
) -> Result<CredentialsResponse, Error> {
    let credentials = scan(index, prefix, after.as_deref())
        .take(page_size(limit))
        .map(|entry| Ok(summary(load_no(entry?.1)?)))
        .collect::<Result<_, Error>>()?;
    Ok(CredentialsResponse { credentials })
}

/// `credentials_by_subject`: by type id, then newest first.
pub(crate) fn by_subject(
    subject: &str,
    credential_type: Option<&str>,
    start_after: Option<&str>,
    limit: Option<u32>,
) -> Result<CredentialsResponse, Error> {
    validate::did("subject", subject)?;
    let mut prefix = Key::new().str(subject);
    if let Some(t) = credential_type {
        validate::type_id("credential_type", t)?;
        prefix = prefix.str(t);
    }
    let after = match start_after {
        Some(id) => {
            validate::credential_id("start_after", id)?;
            let (no, r) = load(id)?;
            if r.subject != subject || credential_type.is_some_and(|t| t != r.credential_type) {
                return Err(validate::invalid(
                    "start_after",
                    format!("credential {id:?} is not in this list"),
                ));
            }
            Some(subject_key(subject, &r.credential_type, no))
        }
        None => None,
    };
    page(&BY_SUBJECT, &prefix.into_vec(), after, limit)
}

/// `credentials_by_issuer`: in status-index order.
pub(crate) fn by_issuer(
    issuer: &str,
    start_after: Option<&str>,
    limit: Option<u32>,
) -> Result<CredentialsResponse, Error> {
    validate::did("issuer", issuer)?;
    let after = match start_after {
        Some(id) => {
            validate::credential_id("start_after", id)?;
            let (_, r) = load(id)?;
            if r.issuer != issuer {
                return Err(validate::invalid(
                    "start_after",
                    format!("credential {id:?} is not in this list"),
                ));
            }
            Some(issuer_key(issuer, r.status_index))
        }
        None => None,
    };
    page(&BY_ISSUER, &Key::new().str(issuer).into_vec(), after, limit)
}

/// The credential numbers of `subject`'s credentials of `credential_type`, newest first.
pub(crate) fn numbers_of(
    subject: &str,
    credential_type: &str,
) -> impl Iterator<Item = Result<u64, Error>> {
    let prefix = Key::new().str(subject).str(credential_type).into_vec();
    scan(&BY_SUBJECT, &prefix, None).map(|e| e.map(|(_, no)| no))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions() {
        use Status::{Active, Revoked, Suspended};
        assert_eq!(transition("c", Active, Action::Revoked), Ok(Revoked));
        assert_eq!(transition("c", Suspended, Action::Revoked), Ok(Revoked));
        assert_eq!(transition("c", Active, Action::Suspended), Ok(Suspended));
        assert_eq!(transition("c", Suspended, Action::Reinstated), Ok(Active));
        for (from, action) in [
            (Revoked, Action::Revoked),
            (Revoked, Action::Suspended),
            (Revoked, Action::Reinstated),
            (Suspended, Action::Suspended),
            (Active, Action::Reinstated),
            (Active, Action::Issued),
        ] {
            let err = transition("c", from, action).expect_err("refused");
            assert!(err.message().starts_with("conflict: credential \"c\" "), "{err}");
        }
    }
}
