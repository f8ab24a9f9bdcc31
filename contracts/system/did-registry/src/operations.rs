//! The write operations: create, update and deactivate. Each makes a new version, records its
//! metadata and document, emits `did.created` / `did.updated` / `did.deactivated`, and returns
//! the DID and the new version id.
//!
//! The acting address is the immediate caller (`env::caller`): a transaction's sender, or a
//! contract calling the registry as itself.

use crate::contract::to_json;
use crate::control;
use crate::did::{self, Did, DidError};
use crate::document::{DidDocument, Validated};
use crate::msg::{WriteResponse, parse_version_id};
use crate::state::{self, DidState, Operation, VersionMeta};
use alloc::format;
use alloc::string::ToString;
use alloc::vec::Vec;
use bayledger_contract_sdk::{Address, Error, crypto, env, events};

/// Parses a DID of this registry given in message field `field`.
pub fn local_did(field: &str, text: &str, network: &str) -> Result<Did, Error> {
    Did::parse(text, network).map_err(|e| match e {
        DidError::Invalid(m) | DidError::OtherMethod(m) | DidError::OtherNetwork(m) => {
            Error::new(format!("invalid {field}: {m}"))
        }
    })
}

/// Registers a new DID; the sender must control the new document.
pub fn create(document: DidDocument) -> Result<WriteResponse, Error> {
    let network = state::network()?;
    let sender = env::caller();
    let did = match &document.id {
        Some(text) => local_did("id", text, &network)?,
        None => Did::of_address(&network, &sender),
    };
    check_address_id(&did, &sender)?;
    if state::load(did.id())?.is_some() {
        return Err(Error::new(format!("already exists: {did} is already registered")));
    }
    let validated = document.validate(&did)?;
    let new_state = active_state(1, &validated)?;
    if control::grant(&did, &new_state, &sender)?.is_none() {
        return Err(Error::new(format!(
            "unauthorized: {sender} would not control {did}: a new document must list the \
             sender's key in authentication, or a controller whose authentication key is the \
             sender's"
        )));
    }
    commit(&did, new_state, Operation::Create, &validated.json, "did.created")
}

/// Replaces the document of `did`; the sender must control the current document.
pub fn update(
    did: &str,
    document: DidDocument,
    previous_version_id: Option<&str>,
) -> Result<WriteResponse, Error> {
    let network = state::network()?;
    let did = local_did("did", did, &network)?;
    let current = writable(&did, previous_version_id)?;
    let validated = document.validate(&did)?;
    if validated.authentication.is_empty() && validated.controllers.is_empty() {
        return Err(Error::new(
            "invalid document: no authentication method and no other controller, so nobody \
             could act for the DID again (deactivate it instead)",
        ));
    }
    let new_state = active_state(current.version + 1, &validated)?;
    commit(&did, new_state, Operation::Update, &validated.json, "did.updated")
}

/// Deactivates `did` for good; the sender must control the current document.
pub fn deactivate(did: &str, previous_version_id: Option<&str>) -> Result<WriteResponse, Error> {
    let network = state::network()?;
    let did = local_did("did", did, &network)?;
    let current = writable(&did, previous_version_id)?;
    let json = serde_json::to_vec(&DidDocument::tombstone(&did))
        .map_err(|e| Error::new(format!("cannot encode document: {e}")))?;
    let final_state = DidState {
        version: current.version + 1,
        deactivated: true,
        authentication: Vec::new(),
        controllers: Vec::new(),
    };
    commit(&did, final_state, Operation::Deactivate, &json, "did.deactivated")
}

/// Ids of 40 hex digits name accounts: only the account itself may create its DID, and only
/// in lower case, so nobody can squat (or imitate) another account's default DID.
fn check_address_id(did: &Did, sender: &Address) -> Result<(), Error> {
    let own = did::address_id(sender);
    if !did::is_address_like(did.id()) || did.id() == own {
        return Ok(());
    }
    if did.id().eq_ignore_ascii_case(&own) {
        return Err(Error::new(format!(
            "invalid id: {:?} names an account address and must be lower-case hex",
            did.id()
        )));
    }
    Err(Error::new(format!(
        "unauthorized: the id {:?} is the address of account 0x{}; only that account may \
         create {did}",
        did.id(),
        did.id().to_ascii_lowercase()
    )))
}

/// The state of an active DID at `version` with the validated document; every controller it
/// lists must be registered and active.
fn active_state(version: u64, validated: &Validated) -> Result<DidState, Error> {
    for controller in &validated.controllers {
        match state::load(controller.id())? {
            None => {
                return Err(Error::new(format!(
                    "invalid controller: {controller} is not registered"
                )));
            }
            Some(s) if s.deactivated => {
                return Err(Error::new(format!("invalid controller: {controller} is deactivated")));
            }
            Some(_) => {}
        }
    }
    Ok(DidState {
        version,
        deactivated: false,
        authentication: validated.authentication.clone(),
        controllers: validated.controllers.iter().map(|c| c.id().to_string()).collect(),
    })
}

/// The current state of `did` if the caller may change it now.
fn writable(did: &Did, previous_version_id: Option<&str>) -> Result<DidState, Error> {
    let current = state::load(did.id())?
        .ok_or_else(|| Error::new(format!("not found: {did} is not registered")))?;
    if current.deactivated {
        return Err(Error::new(format!(
            "conflict: {did} is deactivated; a deactivated DID cannot change"
        )));
    }
    let sender = env::caller();
    if control::grant(did, &current, &sender)?.is_none() {
        return Err(control::unauthorized(did, &sender));
    }
    if let Some(text) = previous_version_id {
        let expected = parse_version_id(text)
            .map_err(|e| Error::new(format!("invalid previous_version_id: {e}")))?;
        if expected != current.version {
            return Err(Error::new(format!(
                "conflict: {did} is at version {}, not {expected}",
                current.version
            )));
        }
    }
    Ok(current)
}

fn commit(
    did: &Did,
    new_state: DidState,
    operation: Operation,
    document: &[u8],
    topic: &str,
) -> Result<WriteResponse, Error> {
    let meta = VersionMeta {
        time_ms: env::block_time_ms(),
        height: env::block_height(),
        operation,
        sender: env::caller(),
        document_hash: crypto::sha3_256(document),
    };
    state::record_version(did.id(), &new_state, &meta, document);
    let response =
        WriteResponse { did: did.to_string(), version_id: new_state.version.to_string() };
    events::emit(topic, &to_json(&response)?);
    Ok(response)
}
