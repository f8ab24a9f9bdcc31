//! Entry-point handlers: JSON in, JSON out, errors as one readable line with a stable kind.

use crate::did;
use crate::msg::{CallMsg, ConfigResponse, InstantiateMsg, QueryMsg};
use crate::state::{self, NETWORK};
use crate::{control, history, operations, resolve};
use alloc::format;
use alloc::vec::Vec;
use bayledger_contract_sdk::Error;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Largest message accepted, in bytes (a maximal document and its envelope fit).
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024;

fn parse<T: DeserializeOwned>(msg: &[u8]) -> Result<T, Error> {
    if msg.len() > MAX_MESSAGE_BYTES {
        return Err(Error::new(format!(
            "limit: the message is {} bytes; at most {MAX_MESSAGE_BYTES}",
            msg.len()
        )));
    }
    serde_json::from_slice(msg).map_err(|e| Error::new(format!("invalid message: {e}")))
}

/// `value` as JSON.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(|e| Error::new(format!("cannot encode response: {e}")))
}

/// `{"network": "<network>"}`: fixes the network of every DID. Runs once.
pub fn instantiate(msg: &[u8]) -> Result<Vec<u8>, Error> {
    let msg: InstantiateMsg = parse(msg)?;
    if NETWORK.exists() {
        return Err(Error::new("conflict: already instantiated"));
    }
    did::check_network(&msg.network).map_err(|e| Error::new(format!("invalid network: {e}")))?;
    NETWORK.set(&msg.network);
    Ok(Vec::new())
}

/// `create`, `update`, `deactivate`.
pub fn call(msg: &[u8]) -> Result<Vec<u8>, Error> {
    let response = match parse(msg)? {
        CallMsg::Create { document } => operations::create(document)?,
        CallMsg::Update { did, document, previous_version_id } => {
            operations::update(&did, document, previous_version_id.as_deref())?
        }
        CallMsg::Deactivate { did, previous_version_id } => {
            operations::deactivate(&did, previous_version_id.as_deref())?
        }
    };
    to_json(&response)
}

/// `resolve`, `history`, `authorized`, `config`.
pub fn query(msg: &[u8]) -> Result<Vec<u8>, Error> {
    match parse(msg)? {
        QueryMsg::Resolve { did, version_id, version_time } => {
            to_json(&resolve::resolve(&did, version_id.as_deref(), version_time.as_ref())?)
        }
        QueryMsg::History { did, start_after, limit } => {
            to_json(&history::history(&did, start_after.as_deref(), limit)?)
        }
        QueryMsg::Authorized { did, address } => to_json(&control::authorized(&did, &address)?),
        QueryMsg::Config {} => to_json(&ConfigResponse { network: state::network()? }),
    }
}
