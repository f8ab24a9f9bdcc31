//! Contract storage: `storage_read`, `storage_write`, `storage_remove`,
//! `storage_next`, and `result_read`. Keys are relative to the running contract and
//! live under `kv/<contract address>` in the state tree.
//!
//! Order in every function: argument limits (no work), then fuel for everything
//! known up front, then the work; per-byte fuel for data found in the state is
//! charged as soon as its size is known and before the guest can see it.

use super::guest::{self, charge, charge_call, cost};
use super::{HostCtx, HostError, to_wasm};
use crate::abi::{IMPORT_MODULE, MAX_KEY_BYTES, MAX_VALUE_BYTES};
use crate::fuel::HOST_COSTS;
use bayledger_types::state_keys;
use wasmtime::{Caller, Linker};

fn check_len(func: &str, what: &str, len: usize, limit: usize) -> Result<(), HostError> {
    if len > limit {
        return Err(HostError::trap(
            func,
            format!("{what} is {len} bytes; the limit is {limit} bytes"),
        ));
    }
    Ok(())
}

async fn storage_read(
    caller: &mut Caller<'_, HostCtx>,
    key_ptr: i32,
    key_len: i32,
) -> Result<i64, HostError> {
    const F: &str = "storage_read";
    let key_len = guest::len(key_len);
    check_len(F, "key", key_len, MAX_KEY_BYTES)?;
    charge_call(
        caller,
        cost(HOST_COSTS.storage_read_base, HOST_COSTS.storage_read_per_byte, key_len),
    )?;
    let key = guest::read(caller, F, key_ptr, key_len)?;
    let contract = caller.data().frame()?.contract;
    let port = caller.data().port.clone();
    match port.get(state_keys::storage(&contract, &key)).await? {
        None => guest::clear_result(caller),
        Some(value) => {
            charge(&mut *caller, cost(0, HOST_COSTS.storage_read_per_byte, value.len()))?;
            guest::set_result(caller, value)
        }
    }
}

async fn storage_write(
    caller: &mut Caller<'_, HostCtx>,
    key_ptr: i32,
    key_len: i32,
    val_ptr: i32,
    val_len: i32,
) -> Result<(), HostError> {
    const F: &str = "storage_write";
    caller.data().writable(F)?;
    let (key_len, val_len) = (guest::len(key_len), guest::len(val_len));
    check_len(F, "key", key_len, MAX_KEY_BYTES)?;
    check_len(F, "value", val_len, MAX_VALUE_BYTES)?;
    charge_call(
        caller,
        cost(HOST_COSTS.storage_write_base, HOST_COSTS.storage_write_per_byte, key_len + val_len),
    )?;
    let key = guest::read(caller, F, key_ptr, key_len)?;
    let value = guest::read(caller, F, val_ptr, val_len)?;
    let contract = caller.data().frame()?.contract;
    let port = caller.data().port.clone();
    port.put(state_keys::storage(&contract, &key), value).await
}

async fn storage_remove(
    caller: &mut Caller<'_, HostCtx>,
    key_ptr: i32,
    key_len: i32,
) -> Result<(), HostError> {
    const F: &str = "storage_remove";
    caller.data().writable(F)?;
    let key_len = guest::len(key_len);
    check_len(F, "key", key_len, MAX_KEY_BYTES)?;
    charge_call(
        caller,
        cost(HOST_COSTS.storage_remove_base, HOST_COSTS.storage_remove_per_byte, key_len),
    )?;
    let key = guest::read(caller, F, key_ptr, key_len)?;
    let contract = caller.data().frame()?.contract;
    let port = caller.data().port.clone();
    port.delete(state_keys::storage(&contract, &key)).await
}

async fn storage_next(
    caller: &mut Caller<'_, HostCtx>,
    prefix_ptr: i32,
    prefix_len: i32,
    after_ptr: i32,
    after_len: i32,
) -> Result<i64, HostError> {
    const F: &str = "storage_next";
    let (prefix_len, after_len) = (guest::len(prefix_len), guest::len(after_len));
    check_len(F, "prefix", prefix_len, MAX_KEY_BYTES)?;
    check_len(F, "`after` key", after_len, MAX_KEY_BYTES)?;
    charge_call(
        caller,
        cost(
            HOST_COSTS.storage_next_base,
            HOST_COSTS.storage_next_per_byte,
            prefix_len + after_len,
        ),
    )?;
    let prefix = guest::read(caller, F, prefix_ptr, prefix_len)?;
    let after =
        if after_len == 0 { None } else { Some(guest::read(caller, F, after_ptr, after_len)?) };
    let contract = caller.data().frame()?.contract;
    let port = caller.data().port.clone();
    let entry = port
        .next(
            state_keys::storage(&contract, &prefix),
            after.map(|a| state_keys::storage(&contract, &a)),
        )
        .await?;
    let Some((full_key, value)) = entry else {
        return guest::clear_result(caller);
    };
    let own = state_keys::storage_prefix(&contract);
    let key = full_key
        .strip_prefix(own.as_slice())
        .ok_or_else(|| HostError::internal("storage_next left the contract's storage"))?;
    charge(&mut *caller, cost(0, HOST_COSTS.storage_next_per_byte, key.len() + value.len()))?;
    let key_len = u32::try_from(key.len())
        .map_err(|_| HostError::internal("storage key length overflows u32"))?;
    let mut out = Vec::with_capacity(4 + key.len() + value.len());
    out.extend_from_slice(&key_len.to_le_bytes());
    out.extend_from_slice(key);
    out.extend_from_slice(&value);
    guest::set_result(caller, out)
}

fn result_read(caller: &mut Caller<'_, HostCtx>, dst_ptr: i32) -> Result<(), HostError> {
    const F: &str = "result_read";
    let len = caller.data().frame()?.result.as_ref().map_or(0, Vec::len);
    charge_call(caller, cost(0, HOST_COSTS.copy_per_byte, len))?;
    let Some(result) = caller.data_mut().frame_mut()?.result.take() else {
        return Ok(());
    };
    let written = guest::write(caller, F, dst_ptr, &result);
    // The buffer stays readable until the next call that sets it.
    caller.data_mut().frame_mut()?.result = Some(result);
    written
}

pub(super) fn register(linker: &mut Linker<HostCtx>) -> wasmtime::Result<()> {
    linker.func_wrap_async(
        IMPORT_MODULE,
        "storage_read",
        |mut c: Caller<'_, HostCtx>, (p, l): (i32, i32)| {
            Box::new(async move { to_wasm(storage_read(&mut c, p, l).await) })
        },
    )?;
    linker.func_wrap_async(
        IMPORT_MODULE,
        "storage_write",
        |mut c: Caller<'_, HostCtx>, (kp, kl, vp, vl): (i32, i32, i32, i32)| {
            Box::new(async move { to_wasm(storage_write(&mut c, kp, kl, vp, vl).await) })
        },
    )?;
    linker.func_wrap_async(
        IMPORT_MODULE,
        "storage_remove",
        |mut c: Caller<'_, HostCtx>, (p, l): (i32, i32)| {
            Box::new(async move { to_wasm(storage_remove(&mut c, p, l).await) })
        },
    )?;
    linker.func_wrap_async(
        IMPORT_MODULE,
        "storage_next",
        |mut c: Caller<'_, HostCtx>, (pp, pl, ap, al): (i32, i32, i32, i32)| {
            Box::new(async move { to_wasm(storage_next(&mut c, pp, pl, ap, al).await) })
        },
    )?;
    linker.func_wrap(IMPORT_MODULE, "result_read", |mut c: Caller<'_, HostCtx>, dst: i32| {
        to_wasm(result_read(&mut c, dst))
    })?;
    Ok(())
}
