//! Entry points: instantiation, and dispatch of calls and queries to the modules that
//! implement them.

use crate::codec::{parse, to_json};
use crate::msg::{CallMsg, InstantiateMsg, QueryMsg};
use crate::state::CONFIG;
use crate::{committee, proposals, query};
use alloc::vec::Vec;
use bayledger_contract_sdk::Error;

/// The instantiate message (see the crate docs); runs once.
pub fn instantiate(msg: &[u8]) -> Result<Vec<u8>, Error> {
    let msg: InstantiateMsg = parse(msg)?;
    if CONFIG.exists() {
        return Err(Error::new("conflict: already instantiated"));
    }
    committee::init(&committee::from_instantiate(&msg)?)?;
    Ok(Vec::new())
}

/// State-changing messages; see the crate docs for who may send each.
pub fn call(msg: &[u8]) -> Result<Vec<u8>, Error> {
    match parse(msg)? {
        CallMsg::Propose { title, description, actions } => {
            proposals::propose(title, description, actions)
        }
        CallMsg::Vote { id, vote } => proposals::vote(id, vote),
        CallMsg::Execute { id } => proposals::execute(id),
        CallMsg::RunActions { id } => proposals::run_actions(id),
    }
}

/// Read-only messages.
pub fn query(msg: &[u8]) -> Result<Vec<u8>, Error> {
    match parse(msg)? {
        QueryMsg::Config {} => to_json(&query::config()?),
        QueryMsg::Proposal { id } => to_json(&query::proposal(id)?),
        QueryMsg::Proposals { status, start_after, limit } => {
            to_json(&query::proposals(status, start_after, limit)?)
        }
        QueryMsg::Votes { id, start_after, limit } => {
            to_json(&query::votes(id, start_after.as_deref(), limit)?)
        }
        QueryMsg::History { start_after, limit } => to_json(&query::history(start_after, limit)?),
    }
}

/// Upgrades in place (a `migrate` system action naming this contract): the state layout is
/// unchanged so far, so the message must be `{}`.
pub fn migrate(msg: &[u8]) -> Result<Vec<u8>, Error> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct MigrateMsg {}
    let MigrateMsg {} = parse(msg)?;
    CONFIG.load()?;
    Ok(Vec::new())
}
