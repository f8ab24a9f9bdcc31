//! Entry-point handlers: JSON in, JSON out, errors as readable messages.

use crate::msg::{
    CallMsg, Entry, InstantiateMsg, ListResponse, OwnerEvent, OwnerResponse, QueryMsg, RemoveEvent,
    SetEvent,
};
use crate::state::{ENTRIES, OWNER};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use bayledger_contract_sdk::{Address, Error, env, events};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Longest key, in bytes.
pub const MAX_KEY_LEN: usize = 128;
/// Longest value, in bytes (keeps every `kv.set` event, JSON-escaped, under the 8 KiB limit).
pub const MAX_VALUE_LEN: usize = 1024;
/// Page size of `list` when no limit is given.
pub const DEFAULT_LIMIT: u32 = 10;
/// Largest page of `list`.
pub const MAX_LIMIT: u32 = 100;

fn parse<T: DeserializeOwned>(msg: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(msg).map_err(|e| Error::new(format!("invalid message: {e}")))
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(|e| Error::new(format!("cannot encode response: {e}")))
}

fn emit<T: Serialize>(topic: &str, data: &T) -> Result<(), Error> {
    events::emit(topic, &to_json(data)?);
    Ok(())
}

fn parse_address(what: &str, s: &str) -> Result<Address, Error> {
    s.parse().map_err(|e| Error::new(format!("invalid {what} address {s:?}: {e}")))
}

/// Sets the owner: `owner` from the message, or the sender. Runs once.
pub fn instantiate(msg: &[u8]) -> Result<Vec<u8>, Error> {
    let msg: InstantiateMsg = if msg.iter().all(u8::is_ascii_whitespace) {
        InstantiateMsg::default()
    } else {
        parse(msg)?
    };
    if OWNER.exists() {
        return Err(Error::new("already instantiated"));
    }
    let owner = match msg.owner {
        Some(s) => parse_address("owner", &s)?,
        None => env::caller(),
    };
    OWNER.set(&owner);
    emit("kv.owner", &OwnerEvent { previous: None, owner: owner.to_string() })?;
    Ok(Vec::new())
}

/// Owner-only writes: `set`, `remove`, `transfer_ownership`.
pub fn call(msg: &[u8]) -> Result<Vec<u8>, Error> {
    let msg: CallMsg = parse(msg)?;
    let owner = OWNER.load()?;
    if env::caller() != owner {
        return Err(Error::new(format!("unauthorized: only the owner {owner} may write")));
    }
    match msg {
        CallMsg::Set { key, value } => {
            check_key(&key)?;
            if value.len() > MAX_VALUE_LEN {
                return Err(Error::new(format!(
                    "value is {} bytes; at most {MAX_VALUE_LEN} allowed",
                    value.len()
                )));
            }
            ENTRIES.set(&key, &value);
            emit("kv.set", &SetEvent { key: &key, value: &value })?;
        }
        CallMsg::Remove { key } => {
            check_key(&key)?;
            if !ENTRIES.has(&key) {
                return Err(Error::new(format!("not found: key {key:?}")));
            }
            ENTRIES.remove(&key);
            emit("kv.remove", &RemoveEvent { key: &key })?;
        }
        CallMsg::TransferOwnership { new_owner } => {
            let new_owner = parse_address("new owner", &new_owner)?;
            OWNER.set(&new_owner);
            emit(
                "kv.owner",
                &OwnerEvent { previous: Some(owner.to_string()), owner: new_owner.to_string() },
            )?;
        }
    }
    Ok(Vec::new())
}

fn check_key(key: &str) -> Result<(), Error> {
    if key.is_empty() {
        return Err(Error::new("key must not be empty"));
    }
    if key.len() > MAX_KEY_LEN {
        return Err(Error::new(format!(
            "key is {} bytes; at most {MAX_KEY_LEN} allowed",
            key.len()
        )));
    }
    Ok(())
}

/// Reads: `get`, `owner`, `list`.
pub fn query(msg: &[u8]) -> Result<Vec<u8>, Error> {
    match parse(msg)? {
        QueryMsg::Get { key } => {
            let value = ENTRIES.get(&key)?;
            to_json(&Entry { key, value })
        }
        QueryMsg::Owner {} => to_json(&OwnerResponse { owner: OWNER.load()?.to_string() }),
        QueryMsg::List { start_after, limit } => {
            let limit = limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize;
            let entries = ENTRIES
                .range(start_after.as_ref())
                .take(limit)
                .map(|e| e.map(|(key, value): (String, String)| Entry { key, value: Some(value) }))
                .collect::<Result<Vec<_>, _>>()?;
            to_json(&ListResponse { entries })
        }
    }
}
