//! The host functions of the SDK, served from the thread-local [`MockHost`](super::MockHost).
//! Where the VM would trap, these panic with the VM's reason.

use super::{Event, Handler, with};
use crate::{Address, Error, limits};
use std::panic::{AssertUnwindSafe, catch_unwind};

pub(crate) use super::crypto::{keccak256, secp256k1_recover, secp256k1_verify, sha3_256};

const READ_ONLY: &str = "state is read-only in a query";

fn check_len(what: &str, len: usize, max: usize) {
    assert!(len <= max, "{what} is {len} bytes; the limit is {max}");
}

fn check_writable() {
    assert!(!with(|h| h.read_only), "{READ_ONLY}");
}

pub(crate) fn storage_read(key: &[u8]) -> Option<Vec<u8>> {
    with(|h| h.storage.get(key).cloned())
}

pub(crate) fn storage_write(key: &[u8], value: &[u8]) {
    check_writable();
    check_len("storage key", key.len(), limits::MAX_KEY_LEN);
    check_len("storage value", value.len(), limits::MAX_VALUE_LEN);
    with(|h| h.storage.insert(key.to_vec(), value.to_vec()));
}

pub(crate) fn storage_remove(key: &[u8]) {
    check_writable();
    check_len("storage key", key.len(), limits::MAX_KEY_LEN);
    with(|h| h.storage.remove(key));
}

pub(crate) fn storage_next(prefix: &[u8], after: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    use std::ops::Bound::{Excluded, Included, Unbounded};
    let lower = if after.is_empty() { Included(prefix) } else { Excluded(after) };
    with(|h| {
        h.storage
            .range::<[u8], _>((lower, Unbounded))
            .find(|(k, _)| k.as_slice() >= prefix)
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
    })
}

pub(crate) fn caller() -> Address {
    with(|h| h.caller)
}

pub(crate) fn origin() -> Address {
    with(|h| h.origin)
}

pub(crate) fn self_address() -> Address {
    with(|h| h.self_address)
}

pub(crate) fn block_height() -> u64 {
    with(|h| h.block_height)
}

pub(crate) fn block_time_ms() -> u64 {
    with(|h| h.block_time_ms)
}

pub(crate) fn emit_event(topic: &[u8], data: &[u8]) {
    check_writable();
    check_len("event topic", topic.len(), limits::MAX_TOPIC_LEN);
    check_len("event data", data.len(), limits::MAX_EVENT_DATA_LEN);
    let count = with(|h| h.events.len());
    assert!(
        count < limits::MAX_EVENTS,
        "more than {} events in one transaction",
        limits::MAX_EVENTS
    );
    with(|h| {
        let contract = h.self_address;
        h.events.push(Event {
            contract,
            topic: String::from_utf8_lossy(topic).into_owned(),
            data: data.to_vec(),
        })
    });
}

pub(crate) fn set_return(data: &[u8]) {
    check_len("return data", data.len(), limits::MAX_RETURN_LEN);
    with(|h| h.return_data = Some(data.to_vec()));
}

pub(crate) fn abort(msg: &str) -> ! {
    panic!("{msg}")
}

pub(crate) fn system_apply(action: &[u8]) -> Result<(), String> {
    const FUNC: &str = "`system_apply`";
    assert!(!with(|h| h.read_only), "{FUNC}: {READ_ONLY}");
    let (me, governance, hook) = with(|h| (h.self_address, h.governance, h.system_hook.clone()));
    if let Some(governance) = governance {
        assert!(
            me == governance,
            "{FUNC}: only the governance contract {governance} may apply system actions, not {me}"
        );
    }
    if let Some(hook) = hook {
        hook(action)?;
    }
    with(|h| h.system_actions.push(action.to_vec()));
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Call,
    Query,
}

pub(crate) fn call_contract(addr: &Address, msg: &[u8], _fuel: i64) -> Result<Vec<u8>, String> {
    check_writable();
    nested(*addr, msg, Kind::Call)
}

pub(crate) fn query_contract(addr: &Address, msg: &[u8]) -> Result<Vec<u8>, String> {
    nested(*addr, msg, Kind::Query)
}

/// Runs a registered mock contract as a nested call: caller becomes this contract, depth grows
/// by one, queries are read-only, and a failure reverts the callee's storage and events.
fn nested(target: Address, msg: &[u8], kind: Kind) -> Result<Vec<u8>, String> {
    let (handler, depth) = with(|h| {
        let contract = h.contracts.get(&target);
        let handler: Option<Option<Handler>> = contract.map(|c| match kind {
            Kind::Call => c.call.clone(),
            Kind::Query => c.query.clone(),
        });
        (handler, h.depth)
    });
    let handler = match handler {
        None => return Err(format!("mock: no contract at {target}")),
        Some(None) => {
            let entry = if kind == Kind::Call { "call" } else { "query" };
            return Err(format!("mock: contract {target} has no `{entry}` entry point"));
        }
        Some(Some(handler)) => handler,
    };
    if depth >= limits::MAX_CALL_DEPTH {
        return Err("call depth limit exceeded".into());
    }
    let saved = with(|h| {
        let saved = (h.caller, h.self_address, h.read_only);
        h.caller = h.self_address;
        h.self_address = target;
        h.read_only |= kind == Kind::Query;
        h.depth += 1;
        saved
    });
    let result = transactional(|| handler(msg));
    with(|h| {
        (h.caller, h.self_address, h.read_only) = saved;
        h.depth -= 1;
    });
    result.map_err(|e| e.message().to_owned())
}

/// Runs `f`, turning a panic (the mock's trap or abort) into an `Err` with its message, and
/// restoring storage and events if the result is an error.
pub(crate) fn transactional(f: impl FnOnce() -> Result<Vec<u8>, Error>) -> Result<Vec<u8>, Error> {
    let snapshot = with(|h| (h.storage.clone(), h.events.len(), h.system_actions.len()));
    let result = catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let msg = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "contract panicked".to_owned());
        Err(Error::new(msg))
    });
    if result.is_err() {
        with(|h| {
            h.storage = snapshot.0;
            h.events.truncate(snapshot.1);
            h.system_actions.truncate(snapshot.2);
        });
    }
    result
}
