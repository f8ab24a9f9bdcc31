//! Cross-contract calls: `call_contract` and `query_contract`.
//!
//! The callee runs in the caller's store (its cached module is instantiated with the
//! same host context), with the calling contract as `caller` and the transaction
//! sender still as `origin`. It gets at most the fuel the caller offers and what it
//! burns is charged to the caller. A failing callee — trap, abort, out of fuel,
//! unknown contract, depth or instance limit — has its writes and events reverted
//! and is reported to the caller as a negative return; the caller continues.

use super::guest::{self, charge_call, cost};
use super::{HostCtx, HostError, to_wasm};
use crate::abi::IMPORT_MODULE;
use crate::entry::{Entry, EntryCall, Failure, run_entry};
use crate::fuel::HOST_COSTS;
use bayledger_types::Address;
use wasmtime::{AsContextMut, Caller, Linker};

fn fuel_error(e: wasmtime::Error) -> HostError {
    HostError::internal(format!("fuel accounting: {e}"))
}

/// Reports a callee failure: the reason goes to the result buffer, the return is
/// `-(len + 1)`.
pub(super) fn failed(caller: &mut Caller<'_, HostCtx>, reason: String) -> Result<i64, HostError> {
    let n = guest::set_result(caller, reason.into_bytes())?;
    Ok(-n - 1)
}

async fn nested(
    caller: &mut Caller<'_, HostCtx>,
    entry: Entry,
    addr_ptr: i32,
    msg_ptr: i32,
    msg_len: i32,
    fuel: i64,
) -> Result<i64, HostError> {
    let func = if entry == Entry::Query { "query_contract" } else { "call_contract" };
    if entry != Entry::Query {
        caller.data().writable(func)?;
    }
    let msg_len = guest::len(msg_len);
    charge_call(caller, cost(HOST_COSTS.nested_call_base, HOST_COSTS.copy_per_byte, 20 + msg_len))?;
    let target = Address(guest::read_array(caller, func, addr_ptr)?);
    let msg = guest::read(caller, func, msg_ptr, msg_len)?;
    match run_nested(caller, entry, target, msg, fuel).await? {
        Ok(data) => guest::set_result(caller, data),
        Err(reason) => failed(caller, reason),
    }
}

/// Runs `entry` of `target` nested in the running frame (which becomes its caller), with at
/// most `fuel` (0 or less: all that is left). A failing callee's writes and events are
/// reverted and its reason returned as `Ok(Err(reason))`; `Err` is a node failure.
pub(super) async fn run_nested(
    caller: &mut Caller<'_, HostCtx>,
    entry: Entry,
    target: Address,
    msg: Vec<u8>,
    fuel: i64,
) -> Result<Result<Vec<u8>, String>, HostError> {
    let ctx = caller.data();
    let frame = ctx.frame()?;
    let (me, read_only) = (frame.contract, frame.read_only || entry == Entry::Query);
    let max_depth = ctx.limits.max_call_depth;
    if ctx.frames.len() >= max_depth as usize {
        return Ok(Err(format!(
            "call depth limit exceeded (at most {max_depth} nested entry points)"
        )));
    }

    // The callee burns from its own allowance; the caller keeps the rest.
    let remaining = caller.get_fuel().map_err(fuel_error)?;
    let given = match u64::try_from(fuel) {
        Ok(f) if f > 0 => f.min(remaining),
        _ => remaining,
    };
    caller.set_fuel(given).map_err(fuel_error)?;
    let port = caller.data().port.clone();
    let checkpoint = port.checkpoint().await?;
    let events = caller.data().events.len();

    let call = EntryCall { entry, contract: target, caller: me, msg, read_only };
    let result = run_entry(caller.as_context_mut(), call).await;

    let left = caller.get_fuel().map_err(fuel_error)?;
    let burned = given.saturating_sub(left);
    caller.set_fuel(remaining.saturating_sub(burned)).map_err(fuel_error)?;

    match result {
        Ok(data) => Ok(Ok(data)),
        Err(Failure::Contract { message, .. }) => {
            port.revert(checkpoint).await?;
            caller.data_mut().events.truncate(events);
            Ok(Err(message))
        }
        Err(Failure::Node(e)) => Err(HostError::Node(e)),
    }
}

pub(super) fn register(linker: &mut Linker<HostCtx>) -> wasmtime::Result<()> {
    linker.func_wrap_async(
        IMPORT_MODULE,
        "call_contract",
        |mut c: Caller<'_, HostCtx>, (ap, mp, ml, fuel): (i32, i32, i32, i64)| {
            Box::new(async move { to_wasm(nested(&mut c, Entry::Call, ap, mp, ml, fuel).await) })
        },
    )?;
    linker.func_wrap_async(
        IMPORT_MODULE,
        "query_contract",
        |mut c: Caller<'_, HostCtx>, (ap, mp, ml): (i32, i32, i32)| {
            Box::new(async move { to_wasm(nested(&mut c, Entry::Query, ap, mp, ml, 0).await) })
        },
    )?;
    Ok(())
}
