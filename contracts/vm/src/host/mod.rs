//! The host API of `bayledger_abi_v1` (ADR 0006): the functions of module `bl`.
//!
//! Every function charges its fuel (ADR 0005) before doing the work, validates every
//! guest-provided pointer and length (an out-of-bounds range traps), and never
//! panics on guest input. Functions that touch the state are `async`: they post a
//! request on the store's [`Port`] and the executor serves it (see `port.rs`).

mod calls;
mod crypto;
mod env;
mod guest;
mod output;
mod storage;
mod system;

use crate::config::{VmConfig, memory_limit_bytes};
use crate::error::VmError;
use crate::exec::BlockEnv;
use crate::port::Port;
use bayledger_types::{Address, StateError, pb};
use wasmtime::{Engine, Linker, Memory, StoreLimits, StoreLimitsBuilder};

pub(crate) use guest::charge;

/// Why a host function stopped the guest.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HostError {
    /// Not enough fuel for the host call.
    #[error("out of fuel")]
    OutOfFuel,
    /// The contract broke a rule of the host API (receipt status `TRAP`).
    #[error("{0}")]
    Trap(String),
    /// The contract called `abort` (receipt status `ABORTED`).
    #[error("{0}")]
    Abort(String),
    /// The node failed; the whole execution is abandoned with a [`VmError`].
    #[error(transparent)]
    Node(#[from] VmError),
}

impl From<StateError> for HostError {
    fn from(e: StateError) -> Self {
        HostError::Node(VmError::State(e))
    }
}

impl HostError {
    /// A rule violation inside host function `func`.
    pub(crate) fn trap(func: &str, msg: impl std::fmt::Display) -> HostError {
        HostError::Trap(format!("`{func}`: {msg}"))
    }

    pub(crate) fn internal(msg: impl Into<String>) -> HostError {
        HostError::Node(VmError::Internal(msg.into()))
    }
}

/// A host function's result as wasmtime wants it.
pub(crate) fn to_wasm<T>(r: Result<T, HostError>) -> wasmtime::Result<T> {
    r.map_err(wasmtime::Error::new)
}

/// Consensus-critical execution limits, copied from the `VmConfig`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ExecLimits {
    pub(crate) max_call_depth: u32,
    pub(crate) max_instances: u32,
    pub(crate) max_return_bytes: usize,
}

/// One running entry point (the top of the stack is the code running now).
pub(crate) struct Frame {
    /// The running contract.
    pub(crate) contract: Address,
    /// Its immediate caller: the sender, or the calling contract.
    pub(crate) caller: Address,
    /// Inside a query: no writes, events or state-changing calls.
    pub(crate) read_only: bool,
    /// The instance's exported memory, once instantiated.
    pub(crate) memory: Option<Memory>,
    /// The per-instance result buffer (`None`: nothing there).
    pub(crate) result: Option<Vec<u8>>,
    /// What the entry point passed to `set_return`.
    pub(crate) return_data: Vec<u8>,
}

/// The data of a store: everything host functions know about one execution.
pub(crate) struct HostCtx {
    pub(crate) port: Port,
    pub(crate) env: BlockEnv,
    /// The transaction sender (zero address in queries).
    pub(crate) origin: Address,
    pub(crate) limits: ExecLimits,
    pub(crate) frames: Vec<Frame>,
    /// Events of the transaction so far (a failed nested call's are dropped).
    pub(crate) events: Vec<pb::Event>,
    /// Instances created in this store so far.
    pub(crate) instances: u32,
    pub(crate) store_limits: StoreLimits,
}

impl HostCtx {
    /// The context of one execution for a transaction from `origin` (zero in queries).
    pub(crate) fn new(port: Port, env: BlockEnv, origin: Address, cfg: &VmConfig) -> HostCtx {
        let instances = cfg.max_instances_per_tx as usize;
        HostCtx {
            port,
            env,
            origin,
            limits: ExecLimits {
                max_call_depth: cfg.max_call_depth,
                max_instances: cfg.max_instances_per_tx,
                max_return_bytes: cfg.max_return_bytes,
            },
            frames: Vec::new(),
            events: Vec::new(),
            instances: 0,
            // Backstops: the host enforces the instance limit itself, with a clear
            // message; memory growth past the limit returns -1 (no trap).
            store_limits: StoreLimitsBuilder::new()
                .memory_size(memory_limit_bytes(&cfg.code_limits))
                .table_elements(cfg.code_limits.max_table_elements as usize)
                .instances(instances)
                .memories(instances)
                .tables(instances)
                .trap_on_grow_failure(false)
                .build(),
        }
    }

    /// The running frame.
    pub(crate) fn frame(&self) -> Result<&Frame, HostError> {
        self.frames.last().ok_or_else(|| HostError::internal("host call outside an entry point"))
    }

    /// The running frame, mutably.
    pub(crate) fn frame_mut(&mut self) -> Result<&mut Frame, HostError> {
        self.frames
            .last_mut()
            .ok_or_else(|| HostError::internal("host call outside an entry point"))
    }

    /// Refuses state changes in a read-only frame.
    pub(crate) fn writable(&self, func: &str) -> Result<(), HostError> {
        if self.frame()?.read_only {
            return Err(HostError::trap(func, "state is read-only in a query"));
        }
        Ok(())
    }
}

/// The linker with every `bl` host function.
pub(crate) fn linker(engine: &Engine) -> wasmtime::Result<Linker<HostCtx>> {
    let mut linker = Linker::new(engine);
    storage::register(&mut linker)?;
    env::register(&mut linker)?;
    output::register(&mut linker)?;
    crypto::register(&mut linker)?;
    calls::register(&mut linker)?;
    system::register(&mut linker)?;
    Ok(linker)
}
