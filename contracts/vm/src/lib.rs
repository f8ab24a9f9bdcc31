//! The Bayledger contract VM.
//!
//! Runs WebAssembly contracts that follow the `bayledger_abi_v1` ABI (ADR 0006) on a
//! deterministic wasmtime engine, metered with the fuel schedule of ADR 0005.
//!
//! * [`validate_code`] is the single upload check shared by the node and
//!   `bayledger contract check`.
//! * [`Vm`] executes the `instantiate`, `call` and `query` entry points against a
//!   journaled [`Overlay`] of the global state and reports an [`ExecOutcome`].
//!   Everything a contract or sender can get wrong is an outcome with a status;
//!   [`VmError`] is reserved for failures of the node itself (storage, engine).
//! * [`fuel`] holds the consensus-critical cost tables.
//! * [`system`] applies the governance contract's system actions (`system_apply`, ADR 0012)
//!   and puts scheduled validator and parameter changes in force at the end of a block.
//! * `testing::TestChain` (feature `test-utils`) runs real contracts in memory.
//!
//! Everything that influences results is consensus-critical: the engine configuration
//! ([`config`]), the fuel tables ([`fuel`]), the validation rules ([`validate`]) and
//! the host API. wasmtime is pinned to an exact version for that reason.

#![deny(missing_docs)]

mod abi;
mod cache;
pub mod config;
mod entry;
mod error;
mod exec;
pub mod fuel;
mod host;
mod overlay;
mod port;
pub mod system;
pub mod validate;

#[cfg(any(test, feature = "test-utils"))]
pub mod testing;

#[cfg(test)]
mod tests;

pub use cache::CacheStats;
pub use config::{CodeLimits, VmConfig};
pub use error::VmError;
pub use exec::{BlockEnv, ExecOutcome, Vm};
pub use overlay::{Checkpoint, KeyValue, Overlay};
pub use validate::{CodeExports, CodeInfo, ValidationError, validate_code};
