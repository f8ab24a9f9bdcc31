//! In-place upgrade: switch a contract to other, already uploaded code, keeping its address
//! and storage. Allowed only for the contract's admin (the caller of `system_apply`, i.e. the
//! governance contract), and only to code that passes upload validation today and exports
//! `migrate` — the VM runs that entry point right after the switch, in the same journal, so a
//! failing `migrate` undoes the switch.

use super::SystemError;
use super::access::contract_info;
use crate::config::CodeLimits;
use crate::overlay::Overlay;
use crate::validate::validate_code;
use bayledger_types::{Address, Hash, state_keys};
use prost::Message;

/// Checks and records the switch of `contract` to `code_hash`.
pub(super) fn switch_code(
    overlay: &mut Overlay<'_>,
    contract: &Address,
    code_hash: &Hash,
    caller: Address,
    limits: &CodeLimits,
) -> Result<(), SystemError> {
    let mut info = contract_info(overlay, contract)?;
    if info.admin.as_slice() != caller.0.as_slice() {
        let admin = match Address::from_slice(&info.admin) {
            Ok(a) => a.to_string(),
            Err(_) => "none".to_string(),
        };
        return Err(SystemError::refused(format!(
            "only the admin of {contract} may migrate it (admin: {admin}, caller: {caller})"
        )));
    }
    let wasm = overlay
        .get(&state_keys::code(code_hash))?
        .ok_or_else(|| SystemError::refused(format!("no code uploaded with hash {code_hash}")))?;
    let facts = validate_code(&wasm, limits)
        .map_err(|e| SystemError::refused(format!("code {code_hash} is invalid: {e}")))?;
    if !facts.exports.migrate {
        return Err(SystemError::refused(format!(
            "code {code_hash} has no `migrate` entry point, so no contract can be migrated to it"
        )));
    }
    info.code_hash = code_hash.0.to_vec();
    overlay.put(state_keys::contract(contract), info.encode_to_vec());
    Ok(())
}
