//! Entry points: instantiation, the committee role, and dispatch of calls and queries to the
//! modules that implement them.

use crate::access::require_committee;
use crate::codec::{parse, to_json};
use crate::event::{self, CommitteeChanged};
use crate::msg::{CallMsg, InstantiateMsg, QueryMsg};
use crate::record::Action;
use crate::response::ConfigResponse;
use crate::state::{COMMITTEE, DID_REGISTRY};
use crate::types::NewType;
use crate::{credentials, issuers, status_list, types, validate, verify};
use alloc::string::ToString;
use alloc::vec::Vec;
use bayledger_contract_sdk::{Error, env};

/// The time an `at_ms` query is about: the given time, or the latest block's.
fn at_or_now(at_ms: Option<u64>) -> u64 {
    at_ms.unwrap_or_else(env::block_time_ms)
}

/// `{"committee": "0x…", "did_registry": "0x…"}`; runs once.
pub fn instantiate(msg: &[u8]) -> Result<Vec<u8>, Error> {
    if msg.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::new(
            r#"invalid message: instantiate needs {"committee": "0x…", "did_registry": "0x…"}"#,
        ));
    }
    let msg: InstantiateMsg = parse(msg)?;
    if COMMITTEE.exists() {
        return Err(Error::new("conflict: already instantiated"));
    }
    let committee = validate::address("committee", &msg.committee)?;
    let did_registry = validate::address("did_registry", &msg.did_registry)?;
    COMMITTEE.set(&committee);
    DID_REGISTRY.set(&did_registry);
    event::emit(
        event::COMMITTEE_CHANGED,
        &CommitteeChanged { previous: None, committee: msg.committee },
    )?;
    Ok(Vec::new())
}

/// State-changing messages; see the crate docs for who may send each.
pub fn call(msg: &[u8]) -> Result<Vec<u8>, Error> {
    match parse(msg)? {
        CallMsg::SetCommittee { committee } => {
            let previous = require_committee("hand over the committee role")?;
            let next = validate::address("committee", &committee)?;
            COMMITTEE.set(&next);
            event::emit(
                event::COMMITTEE_CHANGED,
                &CommitteeChanged { previous: Some(previous.to_string()), committee },
            )?;
        }
        CallMsg::RegisterType { id, name, description, schema_hash, schema_uri, owner } => {
            types::register(NewType { id, name, description, schema_hash, schema_uri, owner })?;
        }
        CallMsg::UpdateSchema { credential_type, schema_hash, schema_uri } => {
            types::update_schema(&credential_type, schema_hash, schema_uri)?;
        }
        CallMsg::AddIssuer { credential_type, issuer } => issuers::add(&credential_type, &issuer)?,
        CallMsg::RemoveIssuer { credential_type, issuer } => {
            issuers::remove(&credential_type, &issuer)?;
        }
        CallMsg::Issue(m) => credentials::issue(m)?,
        CallMsg::Revoke(m) => credentials::change_status(m, Action::Revoked)?,
        CallMsg::Suspend(m) => credentials::change_status(m, Action::Suspended)?,
        CallMsg::Reinstate(m) => credentials::change_status(m, Action::Reinstated)?,
    }
    Ok(Vec::new())
}

/// Read-only messages.
pub fn query(msg: &[u8]) -> Result<Vec<u8>, Error> {
    match parse(msg)? {
        QueryMsg::Config {} => to_json(&ConfigResponse {
            committee: COMMITTEE.load()?.to_string(),
            did_registry: DID_REGISTRY.load()?.to_string(),
        }),
        QueryMsg::Type { id } => to_json(&types::get(&id)?),
        QueryMsg::Types { start_after, limit } => to_json(&types::list(start_after, limit)?),
        QueryMsg::Issuers { credential_type, start_after, limit } => {
            to_json(&issuers::list(&credential_type, start_after.as_deref(), limit)?)
        }
        QueryMsg::IsAuthorizedIssuer { credential_type, issuer, at_ms } => {
            to_json(&issuers::is_authorized(&credential_type, &issuer, at_or_now(at_ms))?)
        }
        QueryMsg::Credential { id, at_ms } => to_json(&credentials::get(&id, at_or_now(at_ms))?),
        QueryMsg::HoldsValid { subject, credential_type, at_ms } => {
            to_json(&verify::holds_valid(&subject, &credential_type, at_or_now(at_ms))?)
        }
        QueryMsg::CredentialsBySubject { subject, credential_type, start_after, limit } => {
            to_json(&credentials::by_subject(
                &subject,
                credential_type.as_deref(),
                start_after.as_deref(),
                limit,
            )?)
        }
        QueryMsg::CredentialsByIssuer { issuer, start_after, limit } => {
            to_json(&credentials::by_issuer(&issuer, start_after.as_deref(), limit)?)
        }
        QueryMsg::StatusList { issuer, purpose, list, at_ms } => {
            to_json(&status_list::query(&issuer, purpose, list, at_or_now(at_ms))?)
        }
    }
}
