//! The execution API the block executor calls: [`Vm`].

use crate::cache::{CacheStats, LoadedCode, ModuleCache};
use crate::config::{VmConfig, engine_config};
use crate::entry::{Entry, EntryCall, Failure, run_entry};
use crate::error::VmError;
use crate::fuel;
use crate::host::{self, HostCtx, HostError};
use crate::overlay::Overlay;
use crate::port::{self, Loaded, Port, StateOp, StateReply};
use crate::system::{self, ActionCtx, SystemError};
use crate::validate::{CodeInfo, ValidationError, validate_code};
use bayledger_types::{Address, Hash, StateReader, pb, state_keys};
use prost::Message;
use std::sync::Arc;
use wasmtime::{AsContextMut, Engine, Linker, Module, Store};

/// The block an execution belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockEnv {
    /// Height of the block being executed (queries: the latest committed height).
    pub height: u64,
    /// That block's time, ms since the Unix epoch.
    pub time_ms: u64,
    /// The chain.
    pub chain_id: String,
}

/// What running an entry point produced. Everything here goes into the receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOutcome {
    /// `OK`, or why not: `TRAP`, `OUT_OF_FUEL`, `ABORTED` or `REJECTED`.
    pub status: pb::ExecStatus,
    /// Why it failed; empty on success.
    pub error: String,
    /// Fuel burned, also on failure (0 when rejected before running).
    pub fuel_used: u64,
    /// What the entry point passed to `set_return` (empty on failure).
    pub return_data: Vec<u8>,
    /// Events emitted (none on failure).
    pub events: Vec<pb::Event>,
}

impl ExecOutcome {
    /// Whether the status is `OK`.
    pub fn is_ok(&self) -> bool {
        self.status == pb::ExecStatus::Ok
    }

    /// A refusal before anything ran.
    pub fn rejected(error: impl Into<String>) -> ExecOutcome {
        ExecOutcome {
            status: pb::ExecStatus::Rejected,
            error: error.into(),
            fuel_used: 0,
            return_data: Vec::new(),
            events: Vec::new(),
        }
    }

    /// The return data as UTF-8 (lossy), for logs and tests.
    pub fn return_text(&self) -> String {
        String::from_utf8_lossy(&self.return_data).into_owned()
    }
}

struct Shared {
    cfg: VmConfig,
    engine: Engine,
    linker: Linker<HostCtx>,
    cache: ModuleCache,
}

/// The contract VM: a deterministic engine, the host API and the compiled-module
/// cache. Cheap to clone and safe to share between threads (block execution and
/// queries may run concurrently, each against its own state).
#[derive(Clone)]
pub struct Vm {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Vm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vm").field("config", &self.shared.cfg).finish_non_exhaustive()
    }
}

impl Vm {
    /// Builds the engine and linker for `cfg`.
    pub fn new(cfg: VmConfig) -> Result<Vm, VmError> {
        let engine =
            Engine::new(&engine_config(&cfg)).map_err(|e| VmError::Engine(format!("{e:#}")))?;
        let linker = host::linker(&engine).map_err(|e| VmError::Engine(format!("{e:#}")))?;
        let cache = ModuleCache::new(cfg.cache_capacity);
        Ok(Vm { shared: Arc::new(Shared { cfg, engine, linker, cache }) })
    }

    /// The configuration.
    pub fn config(&self) -> &VmConfig {
        &self.shared.cfg
    }

    /// Fuel an upload of `wasm_len` bytes costs (ADR 0005).
    pub fn upload_fuel(&self, wasm_len: usize) -> u64 {
        fuel::upload_fuel(wasm_len)
    }

    /// Validates code for upload and returns its hash and facts; the caller stores
    /// the bytes under `state_keys::code(&info.hash)`.
    pub fn validate(&self, wasm: &[u8]) -> Result<CodeInfo, ValidationError> {
        validate_code(wasm, &self.shared.cfg.code_limits)
    }

    /// Compiled-module cache counters.
    pub fn cache_stats(&self) -> CacheStats {
        self.shared.cache.stats()
    }

    /// Runs `instantiate` (if the code exports it) of `contract`, whose
    /// `ContractInfo` and code must already be in `overlay`. On any status but `OK`
    /// the overlay is left as it was (the caller decides about the `ContractInfo`).
    pub fn instantiate(
        &self,
        overlay: &mut Overlay<'_>,
        env: &BlockEnv,
        sender: Address,
        contract: Address,
        msg: &[u8],
        fuel_limit: u64,
    ) -> Result<ExecOutcome, VmError> {
        self.execute(overlay, env, sender, Entry::Instantiate, contract, msg, fuel_limit)
    }

    /// Runs `call` of `contract` for a transaction from `sender`. On any status but
    /// `OK` the overlay is left as it was.
    pub fn call(
        &self,
        overlay: &mut Overlay<'_>,
        env: &BlockEnv,
        sender: Address,
        contract: Address,
        msg: &[u8],
        fuel_limit: u64,
    ) -> Result<ExecOutcome, VmError> {
        self.execute(overlay, env, sender, Entry::Call, contract, msg, fuel_limit)
    }

    /// Runs the read-only `query` of `contract` against `state`. There is no sender:
    /// `caller` and `origin` are the zero address.
    pub fn query(
        &self,
        state: &dyn StateReader,
        env: &BlockEnv,
        contract: Address,
        msg: &[u8],
        fuel_limit: u64,
    ) -> Result<ExecOutcome, VmError> {
        let mut overlay = Overlay::new(state);
        self.execute(&mut overlay, env, Address::default(), Entry::Query, contract, msg, fuel_limit)
    }

    /// Runs one outermost entry point. Whatever does not end `OK` — a contract
    /// failure or a node error — leaves `overlay` as it was.
    #[allow(clippy::too_many_arguments)]
    fn execute(
        &self,
        overlay: &mut Overlay<'_>,
        env: &BlockEnv,
        sender: Address,
        entry: Entry,
        contract: Address,
        msg: &[u8],
        fuel_limit: u64,
    ) -> Result<ExecOutcome, VmError> {
        let checkpoint = overlay.checkpoint();
        let call = EntryCall {
            entry,
            contract,
            caller: sender,
            msg: msg.to_vec(),
            read_only: entry == Entry::Query,
        };
        // A panic here is a VM bug (guest input never panics the host); report it as
        // a node error instead of taking the node down mid-block.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.run(overlay, env, sender, call, fuel_limit)
        }))
        .unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(VmError::Internal(format!("VM panicked: {what}")))
        });
        if !matches!(&result, Ok(outcome) if outcome.is_ok()) {
            overlay.revert(checkpoint);
        }
        result
    }

    fn run(
        &self,
        overlay: &mut Overlay<'_>,
        env: &BlockEnv,
        origin: Address,
        call: EntryCall,
        fuel_limit: u64,
    ) -> Result<ExecOutcome, VmError> {
        let shared = &*self.shared;
        let internal = |what: &str, e: wasmtime::Error| VmError::Internal(format!("{what}: {e}"));
        let port = Port::default();
        let ctx = HostCtx::new(port.clone(), env.clone(), origin, &shared.cfg);
        let mut store =
            Store::try_new(&shared.engine, ctx).map_err(|e| internal("creating a store", e))?;
        store.limiter(|ctx| &mut ctx.store_limits);
        store.set_fuel(fuel_limit).map_err(|e| internal("setting fuel", e))?;

        let result = port::drive(run_entry(store.as_context_mut(), call), &port, |op| {
            shared.serve(overlay, op)
        })?;
        let left = store.get_fuel().map_err(|e| internal("reading fuel", e))?;
        let fuel_used = fuel_limit.saturating_sub(left);
        match result {
            Ok(return_data) => Ok(ExecOutcome {
                status: pb::ExecStatus::Ok,
                error: String::new(),
                fuel_used,
                return_data,
                events: std::mem::take(&mut store.data_mut().events),
            }),
            Err(Failure::Contract { status, message }) => Ok(ExecOutcome {
                status,
                error: message,
                fuel_used: if status == pb::ExecStatus::OutOfFuel { fuel_limit } else { fuel_used },
                return_data: Vec::new(),
                events: Vec::new(),
            }),
            Err(Failure::Node(e)) => Err(e),
        }
    }
}

impl Shared {
    /// Serves one state request of a running contract.
    fn serve(&self, overlay: &mut Overlay<'_>, op: StateOp) -> Result<StateReply, HostError> {
        Ok(match op {
            StateOp::Get(key) => StateReply::Value(overlay.get(&key)?),
            StateOp::Next { prefix, after } => {
                StateReply::Entry(overlay.next(&prefix, after.as_deref())?)
            }
            StateOp::Put(key, value) => {
                overlay.put(key, value);
                StateReply::Done
            }
            StateOp::Delete(key) => {
                overlay.delete(key);
                StateReply::Done
            }
            StateOp::Checkpoint => StateReply::Checkpoint(overlay.checkpoint()),
            StateOp::Revert(checkpoint) => {
                overlay.revert(checkpoint);
                StateReply::Done
            }
            StateOp::Load { contract, allow_frozen } => {
                if !allow_frozen && system::is_frozen(overlay, &contract)? {
                    StateReply::Contract(Loaded::Frozen)
                } else {
                    StateReply::Contract(self.load(overlay, contract)?)
                }
            }
            StateOp::System { action, height, caller } => {
                let ctx = ActionCtx { height, caller, code_limits: &self.cfg.code_limits };
                StateReply::System(match system::apply(overlay, &action, ctx) {
                    Ok(applied) => Ok(applied),
                    Err(SystemError::Refused(reason)) => Err(reason),
                    Err(SystemError::State(e)) => return Err(e.into()),
                    Err(corrupt) => return Err(HostError::internal(corrupt.to_string())),
                })
            }
        })
    }

    /// The contract at `contract`, compiled — from the cache when possible.
    fn load(&self, overlay: &Overlay<'_>, contract: Address) -> Result<Loaded, VmError> {
        let Some(raw) = overlay.get(&state_keys::contract(&contract))? else {
            return Ok(Loaded::Unknown);
        };
        let corrupt = |reason: String| VmError::CorruptContract { contract, reason };
        let info = pb::ContractInfo::decode(raw.as_slice()).map_err(|e| corrupt(e.to_string()))?;
        let code_hash = Hash::from_slice(&info.code_hash).ok_or_else(|| {
            corrupt(format!("code hash is {} bytes, not 32", info.code_hash.len()))
        })?;
        if let Some(code) = self.cache.get(&code_hash) {
            return Ok(Loaded::Found(code));
        }
        let wasm = overlay
            .get(&state_keys::code(&code_hash))?
            .ok_or(VmError::MissingCode { contract, code_hash })?;
        let facts = match validate_code(&wasm, &self.cfg.code_limits) {
            Ok(facts) => facts,
            Err(why) => return Ok(Loaded::Invalid(why.to_string())),
        };
        let compile_error =
            |e: wasmtime::Error| VmError::Compile { code_hash, reason: format!("{e:#}") };
        let module = Module::new(&self.engine, &wasm).map_err(compile_error)?;
        let pre = self.linker.instantiate_pre(&module).map_err(compile_error)?;
        tracing::debug!(%code_hash, bytes = wasm.len(), "compiled contract code");
        let code = Arc::new(LoadedCode { pre, exports: facts.exports, size: wasm.len() });
        self.cache.insert(code_hash, code.clone());
        Ok(Loaded::Found(code))
    }
}
