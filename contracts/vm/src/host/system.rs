//! `system_apply(ptr, len) -> i64`: the governance contract's privileged host function
//! (ADR 0012).
//!
//! Only the governance contract (`system::governance_address()`) may call it, and only in a
//! state-changing entry point; anything else traps. The input is `SystemAction` JSON. The
//! action is validated and applied in the transaction's journal by the executor
//! (`system::apply`); a refusal writes nothing and comes back like a failed nested call:
//! the reason in the result buffer and `-(len + 1)`. `Migrate` then runs the new code's
//! `migrate` entry point nested (caller: the governance contract); if it fails the code
//! switch is undone too and its reason is the refusal. Success returns 0 (empty result).

use super::calls::{failed, run_nested};
use super::guest::{self, charge_call, cost};
use super::{HostCtx, HostError, to_wasm};
use crate::abi::IMPORT_MODULE;
use crate::entry::Entry;
use crate::fuel::HOST_COSTS;
use crate::system::{Applied, governance_address};
use governance::action::SystemAction;
use wasmtime::{Caller, Linker};

const FUNC: &str = "system_apply";

async fn system_apply(
    caller: &mut Caller<'_, HostCtx>,
    ptr: i32,
    len: i32,
) -> Result<i64, HostError> {
    let len = guest::len(len);
    charge_call(caller, cost(HOST_COSTS.system_apply_base, HOST_COSTS.copy_per_byte, len))?;
    caller.data().writable(FUNC)?;
    let me = caller.data().frame()?.contract;
    let governance = governance_address();
    if me != governance {
        return Err(HostError::trap(
            FUNC,
            format!("only the governance contract {governance} may apply system actions, not {me}"),
        ));
    }
    let bytes = guest::read(caller, FUNC, ptr, len)?;
    let action: SystemAction = match serde_json::from_slice(&bytes) {
        Ok(action) => action,
        Err(e) => return failed(caller, format!("invalid system action: {e}")),
    };
    let port = caller.data().port.clone();
    // A refused action writes nothing, so only a migration (whose `migrate` may fail after
    // the code switch) needs a point to return to.
    let checkpoint = match action {
        SystemAction::Migrate { .. } => Some(port.checkpoint().await?),
        _ => None,
    };
    let height = caller.data().env.height;
    match port.system(action, height, me).await? {
        Ok(Applied::Done) => guest::set_result(caller, Vec::new()),
        Ok(Applied::Migrate { contract, msg }) => {
            match run_nested(caller, Entry::Migrate, contract, msg, 0).await? {
                Ok(_) => guest::set_result(caller, Vec::new()),
                Err(reason) => {
                    let checkpoint =
                        checkpoint.expect("only a Migrate action is applied as Applied::Migrate");
                    port.revert(checkpoint).await?;
                    failed(caller, format!("migrating {contract}: {reason}"))
                }
            }
        }
        Err(reason) => failed(caller, reason),
    }
}

pub(super) fn register(linker: &mut Linker<HostCtx>) -> wasmtime::Result<()> {
    linker.func_wrap_async(
        IMPORT_MODULE,
        FUNC,
        |mut c: Caller<'_, HostCtx>, (ptr, len): (i32, i32)| {
            Box::new(async move { to_wasm(system_apply(&mut c, ptr, len).await) })
        },
    )?;
    Ok(())
}
