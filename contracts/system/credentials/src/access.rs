//! Access rules: the committee check, and "does the sender control this DID", which is asked of
//! the DID registry's `authorized` query (docs/domain-contracts.md).

use crate::codec::to_json;
use crate::state::{COMMITTEE, DID_REGISTRY};
use alloc::format;
use alloc::string::{String, ToString};
use bayledger_contract_sdk::{Address, Error, call, env};
use serde::{Deserialize, Serialize};

/// The sender, if it is the committee; otherwise `unauthorized: …` naming the action.
pub(crate) fn require_committee(action: &str) -> Result<Address, Error> {
    let committee = COMMITTEE.load()?;
    let sender = env::caller();
    if sender != committee {
        return Err(Error::new(format!(
            "unauthorized: only the committee {committee} may {action}"
        )));
    }
    Ok(sender)
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum DidRegistryQuery<'a> {
    Authorized { did: &'a str, address: String },
}

#[derive(Deserialize)]
struct AuthorizedAnswer {
    authorized: bool,
    #[serde(default)]
    reason: String,
}

/// The sender, if the DID registry says it controls `did` (the `role` names the DID in
/// refusals, e.g. "issuer"); otherwise `unauthorized: …` with the registry's reason.
pub(crate) fn require_did_control(role: &str, did: &str) -> Result<Address, Error> {
    let registry = DID_REGISTRY.load()?;
    let sender = env::caller();
    let query = to_json(&DidRegistryQuery::Authorized { did, address: sender.to_string() })?;
    let cannot_confirm = |why: String| {
        Error::new(format!(
            "unauthorized: cannot confirm that {sender} controls {role} {did}: {why}"
        ))
    };
    let answer = call::query_contract(&registry, &query)
        .map_err(|e| cannot_confirm(format!("the DID registry failed: {}", e.reason)))?;
    let answer: AuthorizedAnswer = serde_json::from_slice(&answer)
        .map_err(|e| cannot_confirm(format!("unexpected DID registry answer: {e}")))?;
    if !answer.authorized {
        return Err(Error::new(format!(
            "unauthorized: {sender} does not control {role} {did}: {}",
            answer.reason
        )));
    }
    Ok(sender)
}
