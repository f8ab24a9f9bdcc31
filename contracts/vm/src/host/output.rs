//! What a contract hands back: `emit_event`, `set_return`, `abort`.

use super::guest::{self, charge_call, cost};
use super::{HostCtx, HostError, to_wasm};
use crate::abi::{
    IMPORT_MODULE, MAX_ABORT_MESSAGE_BYTES, MAX_EVENT_DATA_BYTES, MAX_EVENTS_PER_TX,
    MAX_TOPIC_BYTES,
};
use crate::fuel::HOST_COSTS;
use bayledger_types::pb;
use wasmtime::{Caller, Linker};

fn emit_event(
    caller: &mut Caller<'_, HostCtx>,
    topic_ptr: i32,
    topic_len: i32,
    data_ptr: i32,
    data_len: i32,
) -> Result<(), HostError> {
    const F: &str = "emit_event";
    caller.data().writable(F)?;
    let (topic_len, data_len) = (guest::len(topic_len), guest::len(data_len));
    if topic_len > MAX_TOPIC_BYTES {
        return Err(HostError::trap(
            F,
            format!("topic is {topic_len} bytes; the limit is {MAX_TOPIC_BYTES} bytes"),
        ));
    }
    if data_len > MAX_EVENT_DATA_BYTES {
        return Err(HostError::trap(
            F,
            format!("event data is {data_len} bytes; the limit is {MAX_EVENT_DATA_BYTES} bytes"),
        ));
    }
    if caller.data().events.len() >= MAX_EVENTS_PER_TX {
        return Err(HostError::trap(
            F,
            format!("at most {MAX_EVENTS_PER_TX} events per transaction"),
        ));
    }
    charge_call(
        caller,
        cost(HOST_COSTS.event_base, HOST_COSTS.event_per_byte, topic_len + data_len),
    )?;
    let topic = guest::read(caller, F, topic_ptr, topic_len)?;
    let topic =
        String::from_utf8(topic).map_err(|_| HostError::trap(F, "topic is not valid UTF-8"))?;
    let data = guest::read(caller, F, data_ptr, data_len)?;
    let contract = caller.data().frame()?.contract;
    caller.data_mut().events.push(pb::Event { contract: contract.0.to_vec(), topic, data });
    Ok(())
}

fn set_return(caller: &mut Caller<'_, HostCtx>, ptr: i32, len: i32) -> Result<(), HostError> {
    const F: &str = "set_return";
    let len = guest::len(len);
    let limit = caller.data().limits.max_return_bytes;
    if len > limit {
        return Err(HostError::trap(
            F,
            format!("return data is {len} bytes; the limit is {limit} bytes"),
        ));
    }
    charge_call(caller, cost(0, HOST_COSTS.copy_per_byte, len))?;
    let data = guest::read(caller, F, ptr, len)?;
    caller.data_mut().frame_mut()?.return_data = data;
    Ok(())
}

fn abort(caller: &mut Caller<'_, HostCtx>, ptr: i32, len: i32) -> Result<(), HostError> {
    // Only the first KiB of the message is kept (and read).
    let keep = guest::len(len).min(MAX_ABORT_MESSAGE_BYTES);
    charge_call(caller, cost(0, HOST_COSTS.copy_per_byte, keep))?;
    let msg = guest::read(caller, "abort", ptr, keep)?;
    Err(HostError::Abort(String::from_utf8_lossy(&msg).into_owned()))
}

pub(super) fn register(linker: &mut Linker<HostCtx>) -> wasmtime::Result<()> {
    linker.func_wrap(
        IMPORT_MODULE,
        "emit_event",
        |mut c: Caller<'_, HostCtx>, tp: i32, tl: i32, dp: i32, dl: i32| {
            to_wasm(emit_event(&mut c, tp, tl, dp, dl))
        },
    )?;
    linker.func_wrap(
        IMPORT_MODULE,
        "set_return",
        |mut c: Caller<'_, HostCtx>, p: i32, l: i32| to_wasm(set_return(&mut c, p, l)),
    )?;
    linker.func_wrap(IMPORT_MODULE, "abort", |mut c: Caller<'_, HostCtx>, p: i32, l: i32| {
        to_wasm(abort(&mut c, p, l))
    })?;
    Ok(())
}
