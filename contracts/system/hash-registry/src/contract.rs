//! Entry points: JSON in, JSON out; dispatch to [`crate::actions`] and [`crate::queries`].

use crate::log;
use crate::msg::{CallMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use crate::{actions, queries};
use alloc::format;
use alloc::vec::Vec;
use bayledger_contract_sdk::{Error, events};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Parses a JSON message; a malformed one is `invalid message: …`.
pub(crate) fn parse<T: DeserializeOwned>(msg: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(msg).map_err(|e| Error::new(format!("invalid message: {e}")))
}

/// Encodes a response.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(|e| Error::new(format!("cannot encode response: {e}")))
}

/// Emits an event with JSON data.
pub(crate) fn emit<T: Serialize>(topic: &str, data: &T) -> Result<(), Error> {
    events::emit(topic, &to_json(data)?);
    Ok(())
}

/// Starts the empty log. Accepts `{}` or empty input; runs once.
pub fn instantiate(msg: &[u8]) -> Result<Vec<u8>, Error> {
    if !msg.iter().all(u8::is_ascii_whitespace) {
        let InstantiateMsg {} = parse(msg)?;
    }
    if crate::state::LOG_HEAD.exists() {
        return Err(Error::new("conflict: already instantiated"));
    }
    log::init();
    Ok(Vec::new())
}

/// `register`, `register_batch`, `cosign`, `revoke`, `supersede`.
pub fn call(msg: &[u8]) -> Result<Vec<u8>, Error> {
    match parse(msg)? {
        CallMsg::Register(entry) => actions::register(&entry),
        CallMsg::RegisterBatch { entries } => actions::register_batch(&entries),
        CallMsg::Cosign { hash } => actions::cosign(&hash),
        CallMsg::Revoke { hash, reason } => actions::revoke(&hash, &reason),
        CallMsg::Supersede { hash, reason, new } => actions::supersede(&hash, &reason, &new),
    }
}

/// `status`, `verify`, `history`, `by_registrant`, `tree_head`, `inclusion_proof`,
/// `consistency_proof`.
pub fn query(msg: &[u8]) -> Result<Vec<u8>, Error> {
    match parse(msg)? {
        QueryMsg::Status { hash, at_ms } => to_json(&queries::status(&hash, at_ms)?),
        QueryMsg::Verify { hash, registrant, at_ms } => {
            to_json(&queries::verify(&hash, registrant.as_deref(), at_ms)?)
        }
        QueryMsg::History { hash, start_after, limit } => {
            to_json(&queries::history(&hash, start_after, limit)?)
        }
        QueryMsg::ByRegistrant { registrant, start_after, limit } => {
            to_json(&queries::by_registrant(&registrant, start_after, limit)?)
        }
        QueryMsg::TreeHead { tree_size } => to_json(&queries::tree_head(tree_size)?),
        QueryMsg::InclusionProof { hash, leaf_index, tree_size } => {
            to_json(&queries::inclusion_proof(hash.as_deref(), leaf_index, tree_size)?)
        }
        QueryMsg::ConsistencyProof { first, second } => {
            to_json(&queries::consistency_proof(first, second)?)
        }
        #[cfg(feature = "v2")]
        QueryMsg::Version {} => to_json(&crate::msg::VersionResponse { version: 2 }),
    }
}

/// Upgrades in place (a governance `migrate` system action naming this contract, run by the VM
/// after it switched the contract to the new code). The state layout (registrations, history,
/// Merkle log) is unchanged so far, so the message must be `{}` (or empty input) and nothing is
/// rewritten; only an instantiated registry can be migrated.
pub fn migrate(msg: &[u8]) -> Result<Vec<u8>, Error> {
    if !msg.iter().all(u8::is_ascii_whitespace) {
        let MigrateMsg {} = parse(msg)?;
    }
    if !crate::state::LOG_HEAD.exists() {
        return Err(Error::new(
            "not found: the registry was never instantiated; nothing to migrate",
        ));
    }
    Ok(Vec::new())
}
