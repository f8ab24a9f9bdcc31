//! The one path to the VM's privileged `system_apply` host function.

use crate::action::SystemAction;
use crate::codec::to_json;
use bayledger_contract_sdk::Error;

/// Applies `action` to the chain state (in this transaction's journal); the host's refusal
/// comes back as `system action refused: <reason>`.
pub(crate) fn apply(action: &SystemAction) -> Result<(), Error> {
    bayledger_contract_sdk::system::apply(&to_json(action)?).map_err(Error::from)
}
