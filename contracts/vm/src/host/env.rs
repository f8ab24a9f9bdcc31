//! The execution environment: `caller`, `origin`, `self_address`, `block_height`,
//! `block_time_ms`.

use super::guest::{self, charge_call, cost};
use super::{HostCtx, HostError, to_wasm};
use crate::abi::IMPORT_MODULE;
use crate::fuel::HOST_COSTS;
use bayledger_types::Address;
use wasmtime::{Caller, Linker};

fn write_address(
    caller: &mut Caller<'_, HostCtx>,
    func: &str,
    dst: i32,
    pick: fn(&HostCtx) -> Result<Address, HostError>,
) -> Result<(), HostError> {
    charge_call(caller, cost(0, HOST_COSTS.copy_per_byte, 20))?;
    let address = pick(caller.data())?;
    guest::write(caller, func, dst, &address.0)
}

fn clamp(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(super) fn register(linker: &mut Linker<HostCtx>) -> wasmtime::Result<()> {
    linker.func_wrap(IMPORT_MODULE, "caller", |mut c: Caller<'_, HostCtx>, dst: i32| {
        to_wasm(write_address(&mut c, "caller", dst, |h| Ok(h.frame()?.caller)))
    })?;
    linker.func_wrap(IMPORT_MODULE, "origin", |mut c: Caller<'_, HostCtx>, dst: i32| {
        to_wasm(write_address(&mut c, "origin", dst, |h| Ok(h.origin)))
    })?;
    linker.func_wrap(IMPORT_MODULE, "self_address", |mut c: Caller<'_, HostCtx>, dst: i32| {
        to_wasm(write_address(&mut c, "self_address", dst, |h| Ok(h.frame()?.contract)))
    })?;
    linker.func_wrap(IMPORT_MODULE, "block_height", |mut c: Caller<'_, HostCtx>| {
        to_wasm(charge_call(&mut c, 0).map(|()| clamp(c.data().env.height)))
    })?;
    linker.func_wrap(IMPORT_MODULE, "block_time_ms", |mut c: Caller<'_, HostCtx>| {
        to_wasm(charge_call(&mut c, 0).map(|()| clamp(c.data().env.time_ms)))
    })?;
    Ok(())
}
