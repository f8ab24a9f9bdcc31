//! Bayledger contract SDK: everything a contract needs to run on the Bayledger VM.
//!
//! Contracts are `no_std` + `alloc` crates built for `wasm32v1-none` (ADR 0006). This crate
//! wraps the host imports of module `bl` (ABI `bayledger_abi_v1`) in a small safe API:
//!
//! - [`storage`]: raw byte storage (`get`, `set`, `remove`, `has`, `iter_prefix`) and the
//!   typed [`storage::Item`] / [`storage::Map`] over the [`Codec`] trait;
//! - [`env`]: caller, origin, own address, block height and time;
//! - [`events`]: `emit(topic, data)`;
//! - [`crypto`]: SHA3-256, Keccak-256, secp256k1 verify and recover (run by the host);
//! - [`call`]: `call_contract` and `query_contract`;
//! - [`system`]: `apply`, the governance contract's privileged system actions;
//! - [`abort`], [`Error`], and the [`entry_points!`] macro that generates the wasm exports.
//!
//! On `target_arch = "wasm32"` every function calls the host. Natively, with the `mock`
//! feature, the same API runs against a thread-local in-memory [`mock::MockHost`], so
//! contract logic can be unit-tested with plain `cargo test`. Natively without `mock` the
//! crate still compiles (so contracts can be type-checked with the rest of a workspace), but
//! any host call panics with a message naming the missing feature.
//!
//! ```
//! use bayledger_contract_sdk::{Error, entry_points, storage};
//!
//! fn call(msg: &[u8]) -> Result<Vec<u8>, Error> {
//!     storage::set(b"last", msg);
//!     Ok(Vec::new())
//! }
//! entry_points! { call: call }
//! ```

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod address;
pub mod call;
mod codec;
pub mod crypto;
mod entry;
pub mod env;
mod error;
pub mod events;
mod host;
pub mod limits;
#[cfg(all(feature = "mock", not(target_arch = "wasm32")))]
pub mod mock;
#[doc(hidden)]
pub mod rt;
pub mod storage;
pub mod system;

pub use address::{Address, AddressParseError};
pub use call::CallError;
pub use codec::Codec;
pub use error::Error;

/// Stops the contract with `msg`: the transaction is reverted and its receipt is `ABORTED`
/// with this message (the host keeps at most 1 KiB of it).
///
/// With the mock host this panics with `msg`; [`mock::execute`] turns that back into an
/// `Err` and reverts the mock state, like the VM.
pub fn abort(msg: &str) -> ! {
    host::abort(msg)
}
