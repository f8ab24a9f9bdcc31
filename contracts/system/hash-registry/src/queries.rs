//! The read-only queries: registration status, verification, history, registrations by
//! registrant, and the log's tree heads and RFC 9162 proofs.

use crate::actions::describe;
use crate::hex;
use crate::log;
use crate::msg::{
    Action, ByRegistrantResponse, ConsistencyProofResponse, CosignerInfo, HistoryEntry,
    HistoryResponse, InclusionProofResponse, RegistrationSummary, Status, StatusChangeInfo,
    StatusResponse, TreeHeadResponse, VerifyResponse,
};
use crate::state::{self, ChangeKind, Entry, StatusRecord};
use crate::validate::{self, Hash};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use bayledger_contract_sdk::{Address, Error};

/// What was true of a registration at a time: its record filtered to events at or before
/// `at_ms` (everything when `None`).
fn as_of(record: StatusRecord, at_ms: Option<u64>) -> StatusRecord {
    let Some(at) = at_ms else { return record };
    StatusRecord {
        cosigners: record.cosigners.into_iter().filter(|c| c.at_ms <= at).collect(),
        change: record.change.filter(|c| c.at_ms <= at),
    }
}

fn status_of(record: &StatusRecord) -> Status {
    match record.change.as_ref().map(|c| &c.kind) {
        None => Status::Active,
        Some(ChangeKind::Revoked) => Status::Revoked,
        Some(ChangeKind::Superseded(_)) => Status::Superseded,
    }
}

fn view(entry: Entry, record: StatusRecord) -> StatusResponse {
    let status = status_of(&record);
    let reg = entry.registration;
    let superseded_by = match record.change.as_ref().map(|c| &c.kind) {
        Some(ChangeKind::Superseded(new)) => Some(hex::encode(new)),
        _ => None,
    };
    StatusResponse {
        hash: hex::encode(&reg.hash),
        registrant: reg.registrant.to_string(),
        data_type: reg.data_type,
        commitment_scheme: reg.commitment_scheme,
        metadata_uri: reg.metadata_uri,
        supersedes: reg.supersedes.map(|h| hex::encode(&h)),
        registered_at_ms: reg.registered_at_ms,
        registered_height: reg.registered_height,
        log_index: entry.log_index,
        status,
        cosigners: record
            .cosigners
            .into_iter()
            .map(|c| CosignerInfo {
                address: c.address.to_string(),
                at_ms: c.at_ms,
                height: c.height,
            })
            .collect(),
        status_change: record.change.map(|c| StatusChangeInfo {
            at_ms: c.at_ms,
            height: c.height,
            actor: c.actor.to_string(),
            reason: c.reason,
        }),
        superseded_by,
    }
}

/// `status`: `not found: …` when the hash is unknown or was registered after `at_ms`.
pub fn status(hash: &str, at_ms: Option<u64>) -> Result<StatusResponse, Error> {
    let hash = validate::hash("hash", hash)?;
    let entry = state::existing_entry(&hash)?;
    if let Some(at) = at_ms.filter(|at| *at < entry.registration.registered_at_ms) {
        return Err(Error::new(format!(
            "not found: hash {} was not registered at {at} (registered at {})",
            hex::encode(&hash),
            entry.registration.registered_at_ms
        )));
    }
    let record = as_of(state::status(&hash)?, at_ms);
    Ok(view(entry, record))
}

/// `verify`: never an error for an unknown hash; `valid` and `reason` say what holds.
pub fn verify(
    hash: &str,
    registrant: Option<&str>,
    at_ms: Option<u64>,
) -> Result<VerifyResponse, Error> {
    let hash_bytes = validate::hash("hash", hash)?;
    let expected = registrant.map(|r| validate::address("registrant", r)).transpose()?;
    let found = match state::entry(&hash_bytes)? {
        Some(entry) => Some((entry, state::status(&hash_bytes)?)),
        None => None,
    };
    Ok(verdict(&hash_bytes, found, expected, at_ms))
}

/// The `verify` answer from the stored records of `hash` (its registration and status record,
/// `None` when unregistered): whether it was registered (by `expected`, if given) and active at
/// `at_ms` (everything recorded when `None`). Pure, so a verifier holding proven records
/// reaches the contract's own answer.
pub fn verdict(
    hash: &Hash,
    found: Option<(Entry, StatusRecord)>,
    expected: Option<Address>,
    at_ms: Option<u64>,
) -> VerifyResponse {
    let answer = |valid: bool, reason: String, registration| VerifyResponse {
        hash: hex::encode(hash),
        valid,
        reason,
        registration,
    };
    let Some((entry, record)) = found else {
        return answer(false, "not registered".into(), None);
    };
    let reg = &entry.registration;
    if let Some(at) = at_ms.filter(|at| *at < reg.registered_at_ms) {
        let reason = format!("not registered at {at} (registered at {})", reg.registered_at_ms);
        return answer(false, reason, None);
    }
    let (registrant, registered_at) = (reg.registrant, reg.registered_at_ms);
    let record = as_of(record, at_ms);
    let reason = match (&record.change, expected) {
        (_, Some(expected)) if expected != registrant => {
            format!("registered by {registrant}, not by {expected}")
        }
        (Some(change), _) => format!("{} at {}: {}", describe(change), change.at_ms, change.reason),
        (None, _) => format!("registered by {registrant} at {registered_at} and active"),
    };
    let valid = record.change.is_none() && expected.is_none_or(|e| e == registrant);
    answer(valid, reason, Some(view(entry, record)))
}

/// `history`: registered, each co-signature, then any revocation or supersession.
pub fn history(
    hash: &str,
    start_after: Option<u32>,
    limit: Option<u32>,
) -> Result<HistoryResponse, Error> {
    let hash = validate::hash("hash", hash)?;
    let limit = validate::limit(limit)?;
    let entry = state::existing_entry(&hash)?;
    let record = state::status(&hash)?;
    let reg = &entry.registration;
    let mut all = Vec::with_capacity(record.cosigners.len() + 2);
    all.push((
        Action::Registered,
        reg.registered_at_ms,
        reg.registered_height,
        reg.registrant,
        None,
        reg.supersedes.map(|h| hex::encode(&h)),
    ));
    for c in &record.cosigners {
        all.push((Action::Cosigned, c.at_ms, c.height, c.address, None, None));
    }
    if let Some(change) = record.change {
        let (action, related) = match change.kind {
            ChangeKind::Revoked => (Action::Revoked, None),
            ChangeKind::Superseded(new) => (Action::Superseded, Some(hex::encode(&new))),
        };
        all.push((action, change.at_ms, change.height, change.actor, Some(change.reason), related));
    }
    let first = start_after.map_or(0, |s| s as usize + 1);
    let entries = all
        .into_iter()
        .enumerate()
        .skip(first)
        .take(limit)
        .map(|(seq, (action, at_ms, height, actor, reason, related_hash))| HistoryEntry {
            seq: seq as u32,
            action,
            at_ms,
            height,
            actor: actor.to_string(),
            reason,
            related_hash,
        })
        .collect();
    Ok(HistoryResponse { hash: hex::encode(&hash), entries })
}

/// `by_registrant`: a page of the registrant's registrations in log order.
pub fn by_registrant(
    registrant: &str,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<ByRegistrantResponse, Error> {
    let address = validate::address("registrant", registrant)?;
    let limit = validate::limit(limit)?;
    let registrations = state::by_registrant(&address, start_after, limit)?
        .into_iter()
        .map(|(log_index, hash)| {
            let reg = state::existing_entry(&hash)?.registration;
            Ok(RegistrationSummary {
                hash: hex::encode(&hash),
                log_index,
                data_type: reg.data_type,
                registered_at_ms: reg.registered_at_ms,
                registered_height: reg.registered_height,
                status: status_of(&state::status(&hash)?),
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(ByRegistrantResponse { registrant: address.to_string(), registrations })
}

/// `tree_head`.
pub fn tree_head(tree_size: Option<u64>) -> Result<TreeHeadResponse, Error> {
    let head = log::head_at("tree_size", tree_size)?;
    Ok(TreeHeadResponse { tree_size: head.size, root_hash: hex::encode(&head.root) })
}

/// `inclusion_proof`, of a leaf given by `hash` or `leaf_index` (exactly one).
pub fn inclusion_proof(
    hash: Option<&str>,
    leaf_index: Option<u64>,
    tree_size: Option<u64>,
) -> Result<InclusionProofResponse, Error> {
    let head = log::head_at("tree_size", tree_size)?;
    let size = head.size;
    let entry = match (hash, leaf_index) {
        (Some(hash), None) => {
            let entry = state::existing_entry(&validate::hash("hash", hash)?)?;
            if entry.log_index >= size {
                return Err(Error::new(format!(
                    "invalid tree_size: hash {hash} is leaf {}, not in a tree of size {size}",
                    entry.log_index
                )));
            }
            entry
        }
        (None, Some(index)) => {
            if index >= size {
                return Err(Error::new(format!(
                    "invalid leaf_index: {index} is not in a tree of size {size}"
                )));
            }
            state::existing_entry(&log::hash_at(index)?)?
        }
        _ => return Err(Error::new("invalid message: give exactly one of hash and leaf_index")),
    };
    let leaf = entry.registration.to_leaf();
    Ok(InclusionProofResponse {
        leaf_index: entry.log_index,
        tree_size: size,
        hash: hex::encode(&entry.registration.hash),
        leaf_hash: hex::encode(&crate::merkle::leaf_hash(&leaf)),
        leaf: hex::encode(&leaf),
        inclusion_path: hex_list(log::inclusion_path(entry.log_index, size)?),
        root_hash: hex::encode(&head.root),
    })
}

/// `consistency_proof` between `first` and `second` (the committed size when absent).
pub fn consistency_proof(
    first: u64,
    second: Option<u64>,
) -> Result<ConsistencyProofResponse, Error> {
    let second = log::head_at("second", second)?;
    if first == 0 {
        return Err(Error::new("invalid first: must be at least 1"));
    }
    if first > second.size {
        return Err(Error::new(format!("invalid first: {first} exceeds second {}", second.size)));
    }
    let first_head = log::head_at("first", Some(first))?;
    Ok(ConsistencyProofResponse {
        first,
        second: second.size,
        first_root: hex::encode(&first_head.root),
        second_root: hex::encode(&second.root),
        consistency_path: hex_list(log::consistency_path(first, second.size)?),
    })
}

fn hex_list(nodes: Vec<crate::merkle::Digest>) -> Vec<String> {
    nodes.iter().map(|n| hex::encode(n)).collect()
}
