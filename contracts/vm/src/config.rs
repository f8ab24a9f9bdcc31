//! VM parameters and the deterministic wasmtime engine configuration.
//!
//! Everything in [`engine_config`] is consensus-critical: it decides which programs
//! compile, how much fuel they burn and when they trap. Validators must run the same
//! (exactly pinned) wasmtime version with this configuration on the same target
//! architecture; changing any of it is a height-gated consensus change (ADR 0005).

use crate::fuel;
use wasmtime::{Config, InstanceAllocationStrategy, PoolingAllocationConfig, WasmFeatures};

/// Size of a WebAssembly page.
pub const WASM_PAGE_BYTES: u64 = 64 * 1024;

/// Static limits checked on uploaded code (ADR 0006, "Static limits").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeLimits {
    /// Largest module, in bytes (genesis parameter `max_code_bytes`).
    pub max_code_bytes: usize,
    /// Largest declared minimum of the (single) linear memory, in 64 KiB pages.
    pub max_memory_pages: u32,
    /// Largest initial size of the (single) table, in elements.
    pub max_table_elements: u32,
    /// Most imports.
    pub max_imports: u32,
    /// Most functions defined by the module.
    pub max_functions: u32,
    /// Most locals of one function, parameters included.
    pub max_locals_per_function: u32,
}

impl Default for CodeLimits {
    fn default() -> Self {
        CodeLimits {
            max_code_bytes: 512 * 1024,
            max_memory_pages: 256,
            max_table_elements: 10_000,
            max_imports: 100,
            max_functions: 10_000,
            max_locals_per_function: 500,
        }
    }
}

/// Parameters of a [`crate::Vm`]. All but `cache_capacity` and `pool_instances`
/// are consensus-critical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmConfig {
    /// Upload limits, also re-checked when code is loaded for execution.
    pub code_limits: CodeLimits,
    /// Deepest nesting of entry points; the outermost one is depth 1.
    pub max_call_depth: u32,
    /// Most contract instances one transaction or query may create (the outermost
    /// entry point counts). Every `call_contract`/`query_contract` creates one.
    pub max_instances_per_tx: u32,
    /// Largest return data of an entry point, in bytes.
    pub max_return_bytes: usize,
    /// Most compiled modules kept in the cache. Not consensus-critical.
    pub cache_capacity: usize,
    /// Instance slots of the pooling allocator, shared by every concurrent execution
    /// of this VM. Not consensus-critical: running out is a node-level error.
    pub pool_instances: u32,
}

impl Default for VmConfig {
    fn default() -> Self {
        VmConfig {
            code_limits: CodeLimits::default(),
            max_call_depth: 8,
            max_instances_per_tx: 9,
            max_return_bytes: 64 * 1024,
            cache_capacity: 64,
            pool_instances: 64,
        }
    }
}

/// Largest native stack wasm code may use. Deep recursion traps with
/// "call stack exhausted" at the same point on every validator of one target.
pub const MAX_WASM_STACK_BYTES: usize = 256 * 1024;

/// Stack of each fiber that runs guest code: the wasm stack plus room for the host
/// functions it calls.
pub const FIBER_STACK_BYTES: usize = 2 * 1024 * 1024;

/// The wasm features accepted at upload and enabled in the engine (ADR 0006): MVP
/// (with floats), `mutable-global`, `saturating-float-to-int` and `sign-extension`.
pub fn allowed_features() -> WasmFeatures {
    WasmFeatures::FLOATS
        | WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
}

/// The deterministic engine configuration for `cfg`.
pub fn engine_config(cfg: &VmConfig) -> Config {
    let mut c = Config::new();

    // Metering: fuel only, from the checked-in table. Epochs are wall-clock and so
    // never decide a consensus outcome.
    c.consume_fuel(true);
    c.operator_cost(fuel::operator_costs());
    c.epoch_interruption(false);

    // Floats are allowed, so every NaN they produce must be canonical.
    c.cranelift_nan_canonicalization(true);
    c.cranelift_opt_level(wasmtime::OptLevel::Speed);

    // Exactly the allowed feature set: everything off, then the few we accept.
    c.wasm_features(WasmFeatures::all(), false);
    c.wasm_features(allowed_features(), true);
    // The named knobs this build of wasmtime has (threads, reference types,
    // exceptions and the component model are compiled out altogether).
    c.wasm_simd(false)
        .wasm_relaxed_simd(false)
        .wasm_bulk_memory(false)
        .wasm_multi_value(false)
        .wasm_multi_memory(false)
        .wasm_tail_call(false)
        .wasm_gc(false)
        .wasm_memory64(false)
        .wasm_extended_const(false)
        .wasm_wide_arithmetic(false)
        .wasm_custom_page_sizes(false);

    // Traps report a fixed code; a backtrace is neither needed nor stable.
    c.wasm_backtrace_max_frames(None);
    c.max_wasm_stack(MAX_WASM_STACK_BYTES);
    c.async_stack_size(FIBER_STACK_BYTES);

    let limits = &cfg.code_limits;
    let mut pool = PoolingAllocationConfig::new();
    let slots = cfg.pool_instances.max(2 * cfg.max_instances_per_tx);
    pool.total_core_instances(slots)
        .total_memories(slots)
        .total_tables(slots)
        .total_stacks(slots)
        .max_memories_per_module(1)
        .max_tables_per_module(1)
        .max_memory_size(memory_limit_bytes(limits))
        .table_elements(limits.max_table_elements as usize)
        // Instance metadata grows with the number of globals and functions, which
        // only the code size bounds; leave room for the largest valid module.
        .max_core_instance_size((1 << 20) + 8 * limits.max_code_bytes);
    c.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    c
}

/// Largest linear memory, in bytes, an instance may reach.
pub(crate) fn memory_limit_bytes(limits: &CodeLimits) -> usize {
    usize::try_from(u64::from(limits.max_memory_pages) * WASM_PAGE_BYTES).unwrap_or(usize::MAX)
}
