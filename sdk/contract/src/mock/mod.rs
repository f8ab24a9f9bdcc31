//! The native mock host (feature `mock`): the whole SDK API backed by a thread-local,
//! in-memory [`MockHost`], for unit-testing contract logic with plain `cargo test`.
//!
//! Every test thread starts with a fresh host ([`MockHost::new`]); [`reset`] starts over.
//! [`execute`] and [`query`] run a handler the way the VM runs an entry point: a failure
//! (an `Err`, [`crate::abort`] or a panic) reverts storage and events, and `query` makes state
//! read-only. Host limits from ADR 0006 are enforced by panicking where the VM would trap.
//! Other contracts are closures registered with [`on_call`] / [`on_query`]; while one runs,
//! `caller` is the calling contract and `self_address` the callee, but storage is the one shared
//! map of this host (mock callees should keep to their own key space).

pub(crate) mod backend;
mod crypto;

use crate::{Address, Error};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::vec::Vec;

/// An event recorded by the mock host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The contract that emitted it (the mock's `self_address` at the time).
    pub contract: Address,
    /// The topic, decoded lossily as UTF-8.
    pub topic: String,
    /// The data.
    pub data: Vec<u8>,
}

/// A mock contract entry point.
pub type Handler = Rc<dyn Fn(&[u8]) -> Result<Vec<u8>, Error>>;

/// The mock's answer to a system action: `Err(reason)` refuses it.
pub type SystemHook = Rc<dyn Fn(&[u8]) -> Result<(), String>>;

#[derive(Default, Clone)]
struct MockContract {
    call: Option<Handler>,
    query: Option<Handler>,
}

/// The in-memory host state. Fields are public so tests can arrange and inspect anything via
/// [`with`].
pub struct MockHost {
    /// This contract's storage.
    pub storage: BTreeMap<Vec<u8>, Vec<u8>>,
    /// `env::caller()`.
    pub caller: Address,
    /// `env::origin()`.
    pub origin: Address,
    /// `env::self_address()`.
    pub self_address: Address,
    /// `env::block_height()`.
    pub block_height: u64,
    /// `env::block_time_ms()`.
    pub block_time_ms: u64,
    /// Events emitted since the last [`reset`] or [`execute`] began.
    pub events: Vec<Event>,
    /// Data passed to `set_return` (or returned by the last successful [`execute`]/[`query`]).
    pub return_data: Option<Vec<u8>>,
    /// Whether state is read-only (inside a query).
    pub read_only: bool,
    /// System actions applied (`system::apply`), in order; a failed entry point's are removed.
    pub system_actions: Vec<Vec<u8>>,
    /// The only contract allowed to apply system actions (`None`: any, the default).
    pub governance: Option<Address>,
    depth: u32,
    contracts: BTreeMap<Address, MockContract>,
    system_hook: Option<SystemHook>,
}

impl MockHost {
    /// Default transaction sender (`caller` and `origin`).
    pub const SENDER: Address = Address([0x5e; 20]);
    /// Default address of the contract under test.
    pub const CONTRACT: Address = Address([0xc0; 20]);

    /// Empty storage, [`Self::SENDER`] calling [`Self::CONTRACT`] at height 1,
    /// time 1 700 000 000 000 ms.
    pub fn new() -> MockHost {
        MockHost {
            storage: BTreeMap::new(),
            caller: Self::SENDER,
            origin: Self::SENDER,
            self_address: Self::CONTRACT,
            block_height: 1,
            block_time_ms: 1_700_000_000_000,
            events: Vec::new(),
            return_data: None,
            read_only: false,
            system_actions: Vec::new(),
            governance: None,
            depth: 1,
            contracts: BTreeMap::new(),
            system_hook: None,
        }
    }
}

impl Default for MockHost {
    fn default() -> MockHost {
        MockHost::new()
    }
}

impl std::fmt::Debug for MockHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockHost")
            .field("caller", &self.caller)
            .field("origin", &self.origin)
            .field("self_address", &self.self_address)
            .field("block_height", &self.block_height)
            .field("storage_entries", &self.storage.len())
            .field("events", &self.events.len())
            .field("contracts", &self.contracts.keys().collect::<Vec<_>>())
            .field("system_actions", &self.system_actions.len())
            .finish_non_exhaustive()
    }
}

thread_local! {
    static HOST: RefCell<MockHost> = RefCell::new(MockHost::new());
}

/// Runs `f` with this thread's mock host. Do not call SDK functions inside `f`.
pub fn with<R>(f: impl FnOnce(&mut MockHost) -> R) -> R {
    HOST.with(|h| f(&mut h.borrow_mut()))
}

/// Replaces this thread's host with a fresh [`MockHost::new`].
pub fn reset() {
    with(|h| *h = MockHost::new());
}

/// Sets both `caller` and `origin`: a transaction sent by `sender`.
pub fn set_sender(sender: Address) {
    with(|h| {
        h.caller = sender;
        h.origin = sender;
    });
}

/// Sets the immediate caller only (as if called by another contract).
pub fn set_caller(caller: Address) {
    with(|h| h.caller = caller);
}

/// Sets the transaction sender only.
pub fn set_origin(origin: Address) {
    with(|h| h.origin = origin);
}

/// Sets the running contract's address.
pub fn set_self_address(address: Address) {
    with(|h| h.self_address = address);
}

/// Sets the block height and time (ms since the Unix epoch).
pub fn set_block(height: u64, time_ms: u64) {
    with(|h| {
        h.block_height = height;
        h.block_time_ms = time_ms;
    });
}

/// The events recorded so far.
pub fn events() -> Vec<Event> {
    with(|h| h.events.clone())
}

/// The events recorded so far, clearing them.
pub fn take_events() -> Vec<Event> {
    with(|h| std::mem::take(&mut h.events))
}

/// The current return data.
pub fn return_data() -> Option<Vec<u8>> {
    with(|h| h.return_data.clone())
}

/// Registers `f` as the `call` entry point of the mock contract at `address`.
pub fn on_call(address: Address, f: impl Fn(&[u8]) -> Result<Vec<u8>, Error> + 'static) {
    with(|h| h.contracts.entry(address).or_default().call = Some(Rc::new(f)));
}

/// Registers `f` as the `query` entry point of the mock contract at `address`.
pub fn on_query(address: Address, f: impl Fn(&[u8]) -> Result<Vec<u8>, Error> + 'static) {
    with(|h| h.contracts.entry(address).or_default().query = Some(Rc::new(f)));
}

/// The system actions applied so far (JSON bytes, in order).
pub fn system_actions() -> Vec<Vec<u8>> {
    with(|h| h.system_actions.clone())
}

/// Decides every later `system::apply`: `Err(reason)` refuses the action (it is not recorded
/// and the contract gets the reason), `Ok(())` accepts it. Without a hook every action is
/// accepted.
pub fn on_system_apply(f: impl Fn(&[u8]) -> Result<(), String> + 'static) {
    with(|h| h.system_hook = Some(Rc::new(f)));
}

/// Makes `address` the only contract allowed to apply system actions, as the VM allows only
/// the governance contract (another `self_address` traps).
pub fn set_governance(address: Address) {
    with(|h| h.governance = Some(address));
}

/// Runs `handler(msg)` as a state-changing entry point (a new transaction): events are cleared
/// first; on success the result becomes the return data; on failure (`Err`, abort or panic)
/// storage and events are restored and the message is returned as the error.
pub fn execute(
    handler: impl FnOnce(&[u8]) -> Result<Vec<u8>, Error>,
    msg: &[u8],
) -> Result<Vec<u8>, Error> {
    with(|h| {
        h.events.clear();
        h.return_data = None;
    });
    let result = backend::transactional(|| handler(msg));
    if let Ok(data) = &result {
        with(|h| h.return_data = Some(data.clone()));
    }
    result
}

/// Runs `handler(msg)` as a query: state is read-only (writes, events and `call_contract`
/// panic with "state is read-only in a query", like the VM's trap).
pub fn query(
    handler: impl FnOnce(&[u8]) -> Result<Vec<u8>, Error>,
    msg: &[u8],
) -> Result<Vec<u8>, Error> {
    let was = with(|h| std::mem::replace(&mut h.read_only, true));
    let result = backend::transactional(|| handler(msg));
    with(|h| {
        h.read_only = was;
        if let Ok(data) = &result {
            h.return_data = Some(data.clone());
        }
    });
    result
}

#[cfg(test)]
mod tests;
