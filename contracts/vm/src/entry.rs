//! Running one entry point of one contract inside a store: instantiate its cached
//! module, hand it the input through `bl_alloc`, call the export, and turn whatever
//! happened into a return value or a [`Failure`]. Shared by the outermost entry
//! point and by nested `call_contract`/`query_contract`.

use crate::abi::{self, EXPORT_ALLOC, EXPORT_MEMORY};
use crate::error::VmError;
use crate::fuel::HOST_COSTS;
use crate::host::{Frame, HostCtx, HostError, charge};
use crate::port::Loaded;
use bayledger_types::{Address, pb::ExecStatus};
use wasmtime::{PoolConcurrencyLimitError, StoreContextMut, Trap};

/// Which export to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entry {
    Instantiate,
    Call,
    Query,
    /// After a governed code switch (`system_apply` `Migrate`).
    Migrate,
}

impl Entry {
    fn export(self) -> &'static str {
        match self {
            Entry::Instantiate => abi::EXPORT_INSTANTIATE,
            Entry::Call => abi::EXPORT_CALL,
            Entry::Query => abi::EXPORT_QUERY,
            Entry::Migrate => abi::EXPORT_MIGRATE,
        }
    }
}

/// One entry-point invocation.
pub(crate) struct EntryCall {
    pub(crate) entry: Entry,
    pub(crate) contract: Address,
    pub(crate) caller: Address,
    pub(crate) msg: Vec<u8>,
    pub(crate) read_only: bool,
}

/// How an entry point failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The contract's (or the sender's) doing: a receipt status and message.
    Contract { status: ExecStatus, message: String },
    /// The node's: abandon the execution.
    Node(VmError),
}

impl Failure {
    fn contract(status: ExecStatus, message: impl Into<String>) -> Failure {
        Failure::Contract { status, message: message.into() }
    }

    fn internal(message: impl Into<String>) -> Failure {
        Failure::Node(VmError::Internal(message.into()))
    }
}

impl From<HostError> for Failure {
    fn from(e: HostError) -> Failure {
        match e {
            HostError::OutOfFuel => Failure::contract(ExecStatus::OutOfFuel, "out of fuel"),
            HostError::Trap(m) => Failure::contract(ExecStatus::Trap, format!("trap: {m}")),
            HostError::Abort(m) => Failure::contract(ExecStatus::Aborted, format!("aborted: {m}")),
            HostError::Node(e) => Failure::Node(e),
        }
    }
}

/// Sorts an error out of wasmtime into contract failures (host rule, abort, trap,
/// fuel) and node failures (everything else).
pub(crate) fn classify(err: wasmtime::Error) -> Failure {
    let err = match err.downcast::<HostError>() {
        Ok(host) => return host.into(),
        Err(err) => err,
    };
    if let Some(trap) = err.downcast_ref::<Trap>() {
        return match trap_message(*trap) {
            None => Failure::contract(ExecStatus::OutOfFuel, "out of fuel"),
            Some(m) => Failure::contract(ExecStatus::Trap, format!("trap: {m}")),
        };
    }
    if err.downcast_ref::<PoolConcurrencyLimitError>().is_some() {
        return Failure::Node(VmError::PoolExhausted(format!("{err:#}")));
    }
    Failure::internal(format!("{err:#}"))
}

/// Receipt text for a wasm trap (`None` for running out of fuel). Spelled out here,
/// not taken from wasmtime, because receipts are consensus data.
fn trap_message(trap: Trap) -> Option<String> {
    Some(
        match trap {
            Trap::OutOfFuel => return None,
            Trap::StackOverflow => "call stack exhausted",
            Trap::MemoryOutOfBounds => "out-of-bounds memory access",
            Trap::TableOutOfBounds => "out-of-bounds table access",
            Trap::IndirectCallToNull => "indirect call to an empty table slot",
            Trap::BadSignature => "indirect call signature mismatch",
            Trap::IntegerOverflow => "integer overflow",
            Trap::IntegerDivisionByZero => "integer division by zero",
            Trap::BadConversionToInteger => "invalid conversion to integer",
            Trap::UnreachableCodeReached => "unreachable instruction executed",
            other => return Some(format!("{other:?}")),
        }
        .to_string(),
    )
}

/// Runs `call` in `store` and returns the entry point's return data.
pub(crate) async fn run_entry(
    mut store: StoreContextMut<'_, HostCtx>,
    call: EntryCall,
) -> Result<Vec<u8>, Failure> {
    let port = store.data().port.clone();
    // A frozen contract still answers queries and can be migrated (to fix it).
    let allow_frozen = matches!(call.entry, Entry::Query | Entry::Migrate);
    let code = match port.load(call.contract, allow_frozen).await? {
        Loaded::Found(code) => code,
        Loaded::Frozen => {
            return Err(Failure::contract(
                ExecStatus::Rejected,
                format!("contract {} is frozen by governance", call.contract),
            ));
        }
        Loaded::Unknown => {
            return Err(Failure::contract(
                ExecStatus::Rejected,
                format!("unknown contract {}", call.contract),
            ));
        }
        Loaded::Invalid(why) => {
            return Err(Failure::contract(
                ExecStatus::Rejected,
                format!("contract {} has invalid code: {why}", call.contract),
            ));
        }
    };
    let present = match call.entry {
        Entry::Call => true,
        Entry::Instantiate => code.exports.instantiate,
        Entry::Query => code.exports.query,
        Entry::Migrate => code.exports.migrate,
    };
    if !present {
        if call.entry == Entry::Instantiate {
            // Nothing to run: instantiation without an `instantiate` export succeeds.
            return Ok(Vec::new());
        }
        return Err(Failure::contract(
            ExecStatus::Rejected,
            format!("contract {} has no `{}` entry point", call.contract, call.entry.export()),
        ));
    }
    let max = store.data().limits.max_instances;
    if store.data().instances >= max {
        return Err(Failure::contract(
            ExecStatus::Trap,
            format!("instance limit exceeded: at most {max} contract instances per transaction"),
        ));
    }
    let per_byte = HOST_COSTS.instantiate_per_code_byte.saturating_mul(code.size as u64);
    charge(&mut store, HOST_COSTS.instantiate_base.saturating_add(per_byte))?;

    let ctx = store.data_mut();
    ctx.instances += 1;
    ctx.frames.push(Frame {
        contract: call.contract,
        caller: call.caller,
        read_only: call.read_only,
        memory: None,
        result: None,
        return_data: Vec::new(),
    });
    let outcome = run_instance(&mut store, &code.pre, call.entry, &call.msg).await;
    let frame =
        store.data_mut().frames.pop().ok_or_else(|| Failure::internal("entry frame vanished"))?;
    match outcome? {
        0 => Ok(frame.return_data),
        code => {
            let mut message = format!("contract returned error code {code}");
            if !frame.return_data.is_empty() {
                message.push_str(": ");
                message.push_str(&String::from_utf8_lossy(&frame.return_data));
            }
            Err(Failure::contract(ExecStatus::Aborted, message))
        }
    }
}

/// Instantiates, passes the input, calls the export; returns its result code.
async fn run_instance(
    store: &mut StoreContextMut<'_, HostCtx>,
    pre: &wasmtime::InstancePre<HostCtx>,
    entry: Entry,
    msg: &[u8],
) -> Result<i32, Failure> {
    let instance = pre.instantiate_async(&mut *store).await.map_err(classify)?;
    let memory = instance
        .get_memory(&mut *store, EXPORT_MEMORY)
        .ok_or_else(|| Failure::internal("validated module has no memory export"))?;
    store.data_mut().frames.last_mut().ok_or_else(|| Failure::internal("no entry frame"))?.memory =
        Some(memory);
    let alloc = instance
        .get_typed_func::<i32, i32>(&mut *store, EXPORT_ALLOC)
        .map_err(|e| Failure::internal(format!("validated module's `bl_alloc`: {e}")))?;
    let export = instance
        .get_typed_func::<(i32, i32), i32>(&mut *store, entry.export())
        .map_err(|e| Failure::internal(format!("validated module's `{}`: {e}", entry.export())))?;

    charge(&mut *store, HOST_COSTS.copy_per_byte.saturating_mul(msg.len() as u64))?;
    let len = i32::try_from(msg.len()).map_err(|_| {
        Failure::contract(
            ExecStatus::Rejected,
            format!("input of {} bytes is too large", msg.len()),
        )
    })?;
    let ptr = alloc.call_async(&mut *store, len).await.map_err(classify)?;
    let data = memory.data_mut(&mut *store);
    let start = ptr as u32 as usize;
    let Some(buffer) = start.checked_add(msg.len()).and_then(|end| data.get_mut(start..end)) else {
        return Err(Failure::contract(
            ExecStatus::Trap,
            format!(
                "trap: `bl_alloc` returned {start:#x}, but {} bytes there are outside linear memory",
                msg.len()
            ),
        ));
    };
    buffer.copy_from_slice(msg);
    export.call_async(&mut *store, (ptr, len)).await.map_err(classify)
}
