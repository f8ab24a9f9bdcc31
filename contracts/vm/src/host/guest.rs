//! Guest memory access and fuel charging for host functions. Pointers and lengths
//! are `i32`s interpreted as unsigned; any range outside linear memory traps.

use super::{HostCtx, HostError};
use crate::fuel::HOST_COSTS;
use std::ops::Range;
use wasmtime::{AsContextMut, Caller, Memory};

/// Takes `amount` fuel from the store, or fails with `OutOfFuel` (leaving none)
/// if there is not that much left.
pub(crate) fn charge(mut store: impl AsContextMut, amount: u64) -> Result<(), HostError> {
    let mut store = store.as_context_mut();
    let left = store.get_fuel().map_err(|e| HostError::internal(format!("reading fuel: {e}")))?;
    let (rest, result) = match left.checked_sub(amount) {
        Some(rest) => (rest, Ok(())),
        None => (0, Err(HostError::OutOfFuel)),
    };
    store.set_fuel(rest).map_err(|e| HostError::internal(format!("setting fuel: {e}")))?;
    result
}

/// `base + per_byte * bytes`, saturating.
pub(crate) fn cost(base: u64, per_byte: u64, bytes: usize) -> u64 {
    base.saturating_add(per_byte.saturating_mul(bytes as u64))
}

/// Charges the fixed cost every host call pays plus `extra`.
pub(crate) fn charge_call(caller: &mut Caller<'_, HostCtx>, extra: u64) -> Result<(), HostError> {
    charge(caller, HOST_COSTS.call_base.saturating_add(extra))
}

/// A guest length argument.
pub(crate) fn len(len: i32) -> usize {
    len as u32 as usize
}

fn memory(caller: &Caller<'_, HostCtx>) -> Result<Memory, HostError> {
    caller
        .data()
        .frame()?
        .memory
        .ok_or_else(|| HostError::internal("host call before the instance's memory is known"))
}

fn range(func: &str, ptr: i32, len: usize, size: usize) -> Result<Range<usize>, HostError> {
    let start = ptr as u32 as usize;
    match start.checked_add(len) {
        Some(end) if end <= size => Ok(start..end),
        _ => Err(HostError::trap(
            func,
            format!("memory range {start:#x}+{len} is outside linear memory ({size} bytes)"),
        )),
    }
}

/// Copies `len` bytes at `ptr` out of guest memory.
pub(crate) fn read(
    caller: &mut Caller<'_, HostCtx>,
    func: &str,
    ptr: i32,
    len: usize,
) -> Result<Vec<u8>, HostError> {
    let memory = memory(caller)?;
    let data = memory.data(&*caller);
    let r = range(func, ptr, len, data.len())?;
    Ok(data[r].to_vec())
}

/// Copies exactly `N` bytes at `ptr` out of guest memory.
pub(crate) fn read_array<const N: usize>(
    caller: &mut Caller<'_, HostCtx>,
    func: &str,
    ptr: i32,
) -> Result<[u8; N], HostError> {
    let memory = memory(caller)?;
    let data = memory.data(&*caller);
    let r = range(func, ptr, N, data.len())?;
    let mut out = [0u8; N];
    out.copy_from_slice(&data[r]);
    Ok(out)
}

/// Copies `bytes` into guest memory at `ptr`.
pub(crate) fn write(
    caller: &mut Caller<'_, HostCtx>,
    func: &str,
    ptr: i32,
    bytes: &[u8],
) -> Result<(), HostError> {
    let memory = memory(caller)?;
    let data = memory.data_mut(&mut *caller);
    let r = range(func, ptr, bytes.len(), data.len())?;
    data[r].copy_from_slice(bytes);
    Ok(())
}

/// Puts `bytes` in the running instance's result buffer and returns its length.
pub(crate) fn set_result(
    caller: &mut Caller<'_, HostCtx>,
    bytes: Vec<u8>,
) -> Result<i64, HostError> {
    let n = bytes.len() as i64;
    caller.data_mut().frame_mut()?.result = Some(bytes);
    Ok(n)
}

/// Empties the running instance's result buffer (`-1`, "none").
pub(crate) fn clear_result(caller: &mut Caller<'_, HostCtx>) -> Result<i64, HostError> {
    caller.data_mut().frame_mut()?.result = None;
    Ok(-1)
}
