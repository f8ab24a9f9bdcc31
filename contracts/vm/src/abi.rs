//! The `bayledger_abi_v1` surface (ADR 0006) as data: the host imports with their
//! signatures, the exports a contract must (or may) provide, and the ABI's size limits.
//! Upload validation checks modules against these tables and the linker registers
//! exactly these functions, so the two cannot drift apart (see the tests).

use wasmtime::wasmparser::ValType;

/// Module name of every host import.
pub(crate) const IMPORT_MODULE: &str = "bl";

/// The ABI version marker export.
pub(crate) const ABI_MARKER: &str = "bayledger_abi_v1";

/// Export through which the host asks the guest for an input buffer.
pub(crate) const EXPORT_ALLOC: &str = "bl_alloc";
/// The exported linear memory.
pub(crate) const EXPORT_MEMORY: &str = "memory";
/// State-changing entry point (required).
pub(crate) const EXPORT_CALL: &str = "call";
/// Run once when an instance is created (optional).
pub(crate) const EXPORT_INSTANTIATE: &str = "instantiate";
/// Read-only entry point (optional).
pub(crate) const EXPORT_QUERY: &str = "query";
/// Run after a governed in-place upgrade (optional; code without it cannot be migrated to).
pub(crate) const EXPORT_MIGRATE: &str = "migrate";

/// Largest storage key a contract may use, in bytes.
pub(crate) const MAX_KEY_BYTES: usize = 256;
/// Largest storage value a contract may write, in bytes.
pub(crate) const MAX_VALUE_BYTES: usize = 64 * 1024;
/// Largest event topic, in bytes.
pub(crate) const MAX_TOPIC_BYTES: usize = 64;
/// Largest event payload, in bytes.
pub(crate) const MAX_EVENT_DATA_BYTES: usize = 8 * 1024;
/// Most events one transaction may emit.
pub(crate) const MAX_EVENTS_PER_TX: usize = 64;
/// Longest `abort` message kept, in bytes.
pub(crate) const MAX_ABORT_MESSAGE_BYTES: usize = 1024;

/// Signature of a host import or an export.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sig {
    pub params: &'static [ValType],
    pub results: &'static [ValType],
}

impl Sig {
    pub(crate) fn matches(&self, params: &[ValType], results: &[ValType]) -> bool {
        self.params == params && self.results == results
    }
}

impl std::fmt::Display for Sig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&render_sig(self.params, self.results))
    }
}

/// `(i32, i32) -> i64`, the way error messages show signatures.
pub(crate) fn render_sig(params: &[ValType], results: &[ValType]) -> String {
    let list = |tys: &[ValType]| tys.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ");
    match results {
        [] => format!("({})", list(params)),
        [one] => format!("({}) -> {one}", list(params)),
        many => format!("({}) -> ({})", list(params), list(many)),
    }
}

const I32: ValType = ValType::I32;
const I64: ValType = ValType::I64;

/// Every host function of module `bl`, in ADR 0006 order.
pub(crate) const IMPORTS: &[(&str, Sig)] = &[
    ("storage_read", Sig { params: &[I32, I32], results: &[I64] }),
    ("storage_write", Sig { params: &[I32, I32, I32, I32], results: &[] }),
    ("storage_remove", Sig { params: &[I32, I32], results: &[] }),
    ("storage_next", Sig { params: &[I32, I32, I32, I32], results: &[I64] }),
    ("result_read", Sig { params: &[I32], results: &[] }),
    ("caller", Sig { params: &[I32], results: &[] }),
    ("origin", Sig { params: &[I32], results: &[] }),
    ("self_address", Sig { params: &[I32], results: &[] }),
    ("block_height", Sig { params: &[], results: &[I64] }),
    ("block_time_ms", Sig { params: &[], results: &[I64] }),
    ("emit_event", Sig { params: &[I32, I32, I32, I32], results: &[] }),
    ("sha3_256", Sig { params: &[I32, I32, I32], results: &[] }),
    ("keccak256", Sig { params: &[I32, I32, I32], results: &[] }),
    ("secp256k1_verify", Sig { params: &[I32, I32, I32, I32], results: &[I32] }),
    ("secp256k1_recover", Sig { params: &[I32, I32, I32], results: &[I32] }),
    ("call_contract", Sig { params: &[I32, I32, I32, I64], results: &[I64] }),
    ("query_contract", Sig { params: &[I32, I32, I32], results: &[I64] }),
    ("system_apply", Sig { params: &[I32, I32], results: &[I64] }),
    ("set_return", Sig { params: &[I32, I32], results: &[] }),
    ("abort", Sig { params: &[I32, I32], results: &[] }),
];

/// The host import called `name`, if the ABI has one.
pub(crate) fn import(name: &str) -> Option<Sig> {
    IMPORTS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// Signature of the entry points `call`, `instantiate`, `query` and `migrate`.
pub(crate) const ENTRY_SIG: Sig = Sig { params: &[I32, I32], results: &[I32] };
/// Signature of `bl_alloc`.
pub(crate) const ALLOC_SIG: Sig = Sig { params: &[I32], results: &[I32] };
/// Signature of the ABI marker.
pub(crate) const MARKER_SIG: Sig = Sig { params: &[], results: &[] };

/// Function exports: name, signature, required.
pub(crate) const FUNC_EXPORTS: &[(&str, Sig, bool)] = &[
    (ABI_MARKER, MARKER_SIG, true),
    (EXPORT_ALLOC, ALLOC_SIG, true),
    (EXPORT_CALL, ENTRY_SIG, true),
    (EXPORT_INSTANTIATE, ENTRY_SIG, false),
    (EXPORT_QUERY, ENTRY_SIG, false),
    (EXPORT_MIGRATE, ENTRY_SIG, false),
];
