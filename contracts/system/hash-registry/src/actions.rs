//! The state-changing actions: register (one or a batch), co-sign, revoke, supersede.
//! Checks run in this order: message fields (`invalid …`/`limit: …`), existence
//! (`not found: …`), who acts (`unauthorized: …`), then state (`conflict: …`,
//! `already exists: …`).

use crate::contract::{emit, to_json};
use crate::hex;
use crate::leaf::Registration;
use crate::log::Appender;
use crate::msg::{
    BatchResponse, CosignedEvent, RegisterEntry, RegisterResponse, Registered, RegisteredEvent,
    RevokedEvent, SupersededEvent,
};
use crate::state::{self, Bytes32, ChangeKind, Cosignature, STATUS, StatusChange, StatusRecord};
use crate::validate::{self, Hash, MAX_BATCH, MAX_COSIGNERS};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use bayledger_contract_sdk::{Address, Error, env};

/// A registration request whose fields were checked.
struct Checked {
    hash: Hash,
    data_type: String,
    commitment_scheme: Option<String>,
    metadata_uri: Option<String>,
}

/// Checks the fields of `entry`; `prefix` locates it in the message (`""`, `"entries[3]."`,
/// `"new."`) so errors name the exact field.
fn check(entry: &RegisterEntry, prefix: &str) -> Result<Checked, Error> {
    let field = |name: &str| format!("{prefix}{name}");
    let hash = validate::hash(&field("hash"), &entry.hash)?;
    validate::data_type(&field("data_type"), &entry.data_type)?;
    let commitment_scheme = validate::optional(
        &field("commitment_scheme"),
        entry.commitment_scheme.as_deref(),
        validate::commitment_scheme,
    )?;
    let metadata_uri = validate::optional(
        &field("metadata_uri"),
        entry.metadata_uri.as_deref(),
        validate::metadata_uri,
    )?;
    Ok(Checked { hash, data_type: entry.data_type.clone(), commitment_scheme, metadata_uri })
}

/// Registers `new` for the caller at the current block, appends it to the log and emits
/// `hash.registered`; returns its log index.
fn record(
    log: &mut Appender,
    new: Checked,
    supersedes: Option<Hash>,
    at: &str,
) -> Result<u64, Error> {
    let hash_hex = hex::encode(&new.hash);
    if state::is_registered(&new.hash) {
        return Err(Error::new(format!(
            "already exists: hash {hash_hex} is already registered{at}"
        )));
    }
    let registration = Registration {
        hash: new.hash,
        registrant: env::caller(),
        registered_at_ms: env::block_time_ms(),
        registered_height: env::block_height(),
        data_type: new.data_type,
        commitment_scheme: new.commitment_scheme,
        metadata_uri: new.metadata_uri,
        supersedes,
    };
    let log_index = log.append(&registration.hash, &registration.to_leaf())?;
    let actor = registration.registrant.to_string();
    emit(
        "hash.registered",
        &RegisteredEvent {
            hash: &hash_hex,
            actor: &actor,
            data_type: &registration.data_type,
            commitment_scheme: registration.commitment_scheme.as_deref(),
            metadata_uri: registration.metadata_uri.as_deref(),
            supersedes: supersedes.map(|h| hex::encode(&h)).as_deref(),
            log_index,
        },
    )?;
    state::save_entry(&state::Entry { log_index, registration });
    Ok(log_index)
}

/// `register`.
pub fn register(entry: &RegisterEntry) -> Result<Vec<u8>, Error> {
    let new = check(entry, "")?;
    let hash = hex::encode(&new.hash);
    let mut log = Appender::open()?;
    let log_index = record(&mut log, new, None, "")?;
    let head = log.commit()?;
    to_json(&RegisterResponse { hash, log_index, tree_size: head.size })
}

/// `register_batch`: all entries are checked before any is registered; any failure aborts
/// the whole call.
pub fn register_batch(entries: &[RegisterEntry]) -> Result<Vec<u8>, Error> {
    if entries.is_empty() {
        return Err(Error::new("invalid entries: at least one registration is required"));
    }
    if entries.len() > MAX_BATCH {
        return Err(Error::new(format!(
            "limit: at most {MAX_BATCH} registrations per batch, got {}",
            entries.len()
        )));
    }
    let checked = entries
        .iter()
        .enumerate()
        .map(|(i, e)| check(e, &format!("entries[{i}].")))
        .collect::<Result<Vec<_>, _>>()?;
    let mut log = Appender::open()?;
    let mut registered = Vec::with_capacity(checked.len());
    for (i, new) in checked.into_iter().enumerate() {
        let hash = hex::encode(&new.hash);
        let log_index = record(&mut log, new, None, &format!(" (entries[{i}])"))?;
        registered.push(Registered { hash, log_index });
    }
    let head = log.commit()?;
    to_json(&BatchResponse { registered, tree_size: head.size })
}

/// `cosign`: any address but the registrant, once, while the registration is active.
pub fn cosign(hash: &str) -> Result<Vec<u8>, Error> {
    let hash = validate::hash("hash", hash)?;
    let entry = state::existing_entry(&hash)?;
    let hash_hex = hex::encode(&hash);
    let signer = env::caller();
    if signer == entry.registration.registrant {
        return Err(Error::new(format!(
            "unauthorized: the registrant {signer} cannot co-sign its own registration {hash_hex}"
        )));
    }
    let mut status = state::status(&hash)?;
    if let Some(change) = &status.change {
        return Err(Error::new(format!(
            "conflict: hash {hash_hex} is {}; it can no longer be co-signed",
            describe(change)
        )));
    }
    if status.cosigners.iter().any(|c| c.address == signer) {
        return Err(Error::new(format!(
            "already exists: {signer} has already co-signed {hash_hex}"
        )));
    }
    if status.cosigners.len() >= MAX_COSIGNERS {
        return Err(Error::new(format!(
            "limit: hash {hash_hex} already has {MAX_COSIGNERS} co-signers, the most allowed"
        )));
    }
    status.cosigners.push(Cosignature {
        address: signer,
        at_ms: env::block_time_ms(),
        height: env::block_height(),
    });
    STATUS.set(&Bytes32(hash), &status);
    emit(
        "hash.cosigned",
        &CosignedEvent {
            hash: &hash_hex,
            actor: &signer.to_string(),
            log_index: entry.log_index,
            cosigners: status.cosigners.len() as u32,
        },
    )?;
    Ok(Vec::new())
}

/// `revoke`: registrant only, once.
pub fn revoke(hash: &str, reason: &str) -> Result<Vec<u8>, Error> {
    let hash = validate::hash("hash", hash)?;
    validate::reason(reason)?;
    let (entry, mut status) = registrant_change(&hash, "revoke")?;
    let actor = entry.registration.registrant;
    status.change = Some(change(ChangeKind::Revoked, actor, reason));
    STATUS.set(&Bytes32(hash), &status);
    emit(
        "hash.revoked",
        &RevokedEvent {
            hash: &hex::encode(&hash),
            actor: &actor.to_string(),
            log_index: entry.log_index,
            reason,
        },
    )?;
    Ok(Vec::new())
}

/// `supersede`: registrant only, once; registers `new` (which records what it supersedes).
pub fn supersede(hash: &str, reason: &str, new: &RegisterEntry) -> Result<Vec<u8>, Error> {
    let hash = validate::hash("hash", hash)?;
    validate::reason(reason)?;
    let new = check(new, "new.")?;
    let (entry, mut status) = registrant_change(&hash, "supersede")?;
    let new_hash = new.hash;
    let mut log = Appender::open()?;
    let new_log_index = record(&mut log, new, Some(hash), "")?;
    let head = log.commit()?;
    let actor = entry.registration.registrant;
    status.change = Some(change(ChangeKind::Superseded(new_hash), actor, reason));
    STATUS.set(&Bytes32(hash), &status);
    let new_hash = hex::encode(&new_hash);
    emit(
        "hash.superseded",
        &SupersededEvent {
            hash: &hex::encode(&hash),
            actor: &actor.to_string(),
            log_index: entry.log_index,
            reason,
            new_hash: &new_hash,
            new_log_index,
        },
    )?;
    to_json(&RegisterResponse { hash: new_hash, log_index: new_log_index, tree_size: head.size })
}

/// The registration of `hash` and its status, if the caller is its registrant and it is still
/// active (`verb` names the action in errors).
fn registrant_change(hash: &Hash, verb: &str) -> Result<(state::Entry, StatusRecord), Error> {
    let entry = state::existing_entry(hash)?;
    let hash_hex = hex::encode(hash);
    let registrant = entry.registration.registrant;
    if env::caller() != registrant {
        return Err(Error::new(format!(
            "unauthorized: only the registrant {registrant} may {verb} {hash_hex}"
        )));
    }
    let status = state::status(hash)?;
    if let Some(change) = &status.change {
        return Err(Error::new(format!(
            "conflict: hash {hash_hex} is already {}",
            describe(change)
        )));
    }
    Ok((entry, status))
}

fn change(kind: ChangeKind, actor: Address, reason: &str) -> StatusChange {
    StatusChange {
        kind,
        at_ms: env::block_time_ms(),
        height: env::block_height(),
        actor,
        reason: reason.into(),
    }
}

/// `revoked` or `superseded by 0x…`.
pub(crate) fn describe(change: &StatusChange) -> String {
    match &change.kind {
        ChangeKind::Revoked => "revoked".into(),
        ChangeKind::Superseded(new) => format!("superseded by {}", hex::encode(new)),
    }
}
