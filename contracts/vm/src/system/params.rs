//! Parameter changes at a height. `sys/params` holds the parameters in force (canonical JSON
//! of [`Params`]); `SetParams` merges its change into `sys/params/pending/<effective height>`
//! (later changes win per field), and the end of block `effective height - 1` puts it in force.
//! A change is accepted only if the parameters pass [`Params::validate`] at every pending
//! height from now on, and `max_code_bytes` stays within the VM's own code limit (the limit
//! stored code is re-checked against when it is loaded).

use super::{SystemError, check_effective, pending, slot};
use crate::overlay::Overlay;
use bayledger_genesis::Params;
use bayledger_types::{StateReader, state_keys};
use governance::action::ParamsChange;

/// `sys/params` encoded: serde JSON of [`Params`] (fields in declaration order, no spaces).
pub fn encode(params: &Params) -> Vec<u8> {
    serde_json::to_vec(params).expect("a struct of integers serialises")
}

/// The parameters in force for the next block, or `None` in a state without `sys/params`.
pub fn params_in_force(state: &dyn StateReader) -> Result<Option<Params>, SystemError> {
    let key = state_keys::PARAMS;
    state
        .get(key)?
        .map(|b| serde_json::from_slice(&b).map_err(|e| SystemError::corrupt(key, e)))
        .transpose()
}

fn current(state: &dyn StateReader) -> Result<Params, SystemError> {
    params_in_force(state)?
        .ok_or_else(|| SystemError::corrupt(state_keys::PARAMS, "no parameters in state"))
}

fn decode_change(key: &[u8], bytes: &[u8]) -> Result<ParamsChange, SystemError> {
    serde_json::from_slice(bytes).map_err(|e| SystemError::corrupt(key, e))
}

/// `base` with every field `change` sets.
pub fn with_change(base: &Params, change: &ParamsChange) -> Params {
    Params {
        block_time_ms: change.block_time_ms.unwrap_or(base.block_time_ms),
        max_block_bytes: change.max_block_bytes.unwrap_or(base.max_block_bytes),
        max_block_txs: change.max_block_txs.unwrap_or(base.max_block_txs),
        max_tx_bytes: change.max_tx_bytes.unwrap_or(base.max_tx_bytes),
        max_block_fuel: change.max_block_fuel.unwrap_or(base.max_block_fuel),
        max_tx_fuel: change.max_tx_fuel.unwrap_or(base.max_tx_fuel),
        max_code_bytes: change.max_code_bytes.unwrap_or(base.max_code_bytes),
        query_fuel_limit: change.query_fuel_limit.unwrap_or(base.query_fuel_limit),
    }
}

/// `earlier` overridden by every field `later` sets.
fn merge(earlier: &ParamsChange, later: &ParamsChange) -> ParamsChange {
    ParamsChange {
        block_time_ms: later.block_time_ms.or(earlier.block_time_ms),
        max_block_bytes: later.max_block_bytes.or(earlier.max_block_bytes),
        max_block_txs: later.max_block_txs.or(earlier.max_block_txs),
        max_tx_bytes: later.max_tx_bytes.or(earlier.max_tx_bytes),
        max_block_fuel: later.max_block_fuel.or(earlier.max_block_fuel),
        max_tx_fuel: later.max_tx_fuel.or(earlier.max_tx_fuel),
        max_code_bytes: later.max_code_bytes.or(earlier.max_code_bytes),
        query_fuel_limit: later.query_fuel_limit.or(earlier.query_fuel_limit),
    }
}

/// Merges `change` into the schedule for `effective_height` after checking the result.
pub(super) fn schedule(
    overlay: &mut Overlay<'_>,
    height: u64,
    effective_height: u64,
    change: &ParamsChange,
    vm_max_code_bytes: usize,
) -> Result<(), SystemError> {
    if change.max_code_bytes.is_some_and(|m| m > vm_max_code_bytes as u64) {
        return Err(SystemError::refused(format!(
            "max_code_bytes above {vm_max_code_bytes}, the limit this VM loads code with, is not supported"
        )));
    }
    check_effective(height, effective_height)?;
    if *change == ParamsChange::default() {
        return Err(SystemError::refused("the parameter change sets no field"));
    }
    let mut schedule = pending(overlay, state_keys::PENDING_PARAMS_PREFIX, decode_change)?;
    let at = slot(&mut schedule, effective_height);
    schedule[at].1 = merge(&schedule[at].1, change);
    let mut params = current(overlay)?;
    for (h, pending) in &schedule {
        params = with_change(&params, pending);
        params
            .validate()
            .map_err(|e| SystemError::refused(format!("parameters at height {h}: {e}")))?;
    }
    let bytes = serde_json::to_vec(&schedule[at].1)
        .map_err(|e| SystemError::refused(format!("encoding the change: {e}")))?;
    overlay.put(state_keys::pending_params(effective_height), bytes);
    Ok(())
}

/// Puts the change scheduled for `effective_height`, if any, in force and drops it.
pub(super) fn apply_pending(
    overlay: &mut Overlay<'_>,
    effective_height: u64,
) -> Result<(), SystemError> {
    let key = state_keys::pending_params(effective_height);
    let Some(bytes) = overlay.get(&key)? else { return Ok(()) };
    let change = decode_change(&key, &bytes)?;
    let params = with_change(&current(overlay)?, &change);
    overlay.put(state_keys::PARAMS.to_vec(), encode(&params));
    overlay.delete(key);
    Ok(())
}
