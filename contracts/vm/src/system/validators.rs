//! Validator changes at a height. `SetValidator` records an update under
//! `sys/validators/pending/<effective height>`; the end of block `effective height - 1`
//! applies that height's updates, in order, to `sys/validators`. An update is accepted only if
//! the effective height is above the current one and the set stays valid — non-empty, names
//! distinct, total power at most [`MAX_TOTAL_POWER`] — at every pending height from now on.

use super::{SystemError, check_effective, pending, slot};
use crate::overlay::Overlay;
use bayledger_genesis::MAX_TOTAL_POWER;
use bayledger_types::block::validator_set_hash;
use bayledger_types::{Address, StateReader, pb, state_keys};
use prost::Message;

/// One change to the set: `power` 0 removes the validator; an empty `name` keeps the name.
#[derive(Debug, Clone, Copy)]
pub struct Update<'a> {
    /// Compressed consensus key.
    pub pub_key: [u8; 33],
    /// New voting power.
    pub power: u64,
    /// New name (required for a new validator).
    pub name: &'a str,
}

/// The set in force for the next block (`sys/validators`).
pub fn current(state: &dyn StateReader) -> Result<pb::ValidatorSet, SystemError> {
    let key = state_keys::VALIDATORS;
    let bytes =
        state.get(key)?.ok_or_else(|| SystemError::corrupt(key, "no validator set in state"))?;
    pb::ValidatorSet::decode(bytes.as_slice()).map_err(|e| SystemError::corrupt(key, e))
}

fn pending_at(
    state: &dyn StateReader,
    height: u64,
) -> Result<Option<pb::ValidatorSet>, SystemError> {
    let key = state_keys::pending_validators(height);
    state.get(&key)?.map(|b| decode_updates(&key, &b)).transpose()
}

fn decode_updates(key: &[u8], bytes: &[u8]) -> Result<pb::ValidatorSet, SystemError> {
    pb::ValidatorSet::decode(bytes).map_err(|e| SystemError::corrupt(key, e))
}

/// Records `update` for `effective_height` after checking the set it leads to.
pub(super) fn schedule(
    overlay: &mut Overlay<'_>,
    height: u64,
    effective_height: u64,
    update: Update<'_>,
) -> Result<(), SystemError> {
    check_effective(height, effective_height)?;
    let entry = pb::Validator {
        address: Address::from_compressed_pubkey(&update.pub_key).0.to_vec(),
        pub_key: update.pub_key.to_vec(),
        power: update.power,
        name: update.name.to_string(),
    };
    let mut schedule = pending(overlay, state_keys::PENDING_VALIDATORS_PREFIX, decode_updates)?;
    let at = slot(&mut schedule, effective_height);
    schedule[at].1.validators.push(entry);
    let mut set = current(overlay)?;
    for (h, updates) in &schedule {
        apply_updates(&mut set, &updates.validators)
            .map_err(|why| SystemError::refused(format!("validator set at height {h}: {why}")))?;
    }
    let updates = schedule.swap_remove(at).1;
    overlay.put(state_keys::pending_validators(effective_height), updates.encode_to_vec());
    Ok(())
}

/// Applies the updates scheduled for `effective_height`, if any, and drops the schedule.
pub(super) fn apply_pending(
    overlay: &mut Overlay<'_>,
    effective_height: u64,
) -> Result<(), SystemError> {
    let Some(updates) = pending_at(overlay, effective_height)? else { return Ok(()) };
    let mut set = current(overlay)?;
    let key = state_keys::pending_validators(effective_height);
    // Checked against this very sequence when scheduled; failing here means corrupt state.
    apply_updates(&mut set, &updates.validators).map_err(|why| SystemError::corrupt(&key, why))?;
    put_set(overlay, &set);
    overlay.delete(key);
    Ok(())
}

/// Puts `set` in force for the next block: `sys/validators`, and the never-deleted history entry
/// `sys/valsets/<validator_set_hash>` through which pruning nodes find the set of an old height.
pub fn put_set(overlay: &mut Overlay<'_>, set: &pb::ValidatorSet) {
    let bytes = set.encode_to_vec();
    overlay.put(state_keys::validator_set_by_hash(&validator_set_hash(set)), bytes.clone());
    overlay.put(state_keys::VALIDATORS.to_vec(), bytes);
}

/// Applies `updates` in order; the result must be a valid set.
pub fn apply_updates(set: &mut pb::ValidatorSet, updates: &[pb::Validator]) -> Result<(), String> {
    for u in updates {
        let position = set.validators.iter().position(|v| v.pub_key == u.pub_key);
        let key = format!("0x{}", hex::encode(&u.pub_key));
        match (position, u.power) {
            (None, 0) => return Err(format!("{key} is not a validator, so it cannot be removed")),
            (Some(i), 0) => {
                set.validators.remove(i);
            }
            (Some(i), power) => {
                let v = &mut set.validators[i];
                v.power = power;
                if !u.name.is_empty() {
                    v.name = u.name.clone();
                }
            }
            (None, _) if u.name.is_empty() => {
                return Err(format!("new validator {key} needs a name"));
            }
            (None, _) => set.validators.push(u.clone()),
        }
    }
    if set.validators.is_empty() {
        return Err("no validator would be left".into());
    }
    let total = set.validators.iter().try_fold(0u64, |t, v| t.checked_add(v.power));
    if total.is_none_or(|t| t > MAX_TOTAL_POWER) {
        return Err(format!("total power would exceed {MAX_TOTAL_POWER}"));
    }
    for (i, v) in set.validators.iter().enumerate() {
        if set.validators[..i].iter().any(|w| w.name == v.name) {
            return Err(format!("two validators would be named {:?}", v.name));
        }
    }
    Ok(())
}
