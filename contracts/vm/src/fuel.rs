//! The fuel schedule (ADR 0005): what every WebAssembly operator and every host call
//! costs. Consensus-critical — a change here changes `fuel_used` in receipts (and
//! which transactions run out of fuel), so it is a height-gated protocol change.
//! The tests pin the whole table with a hash so that no change goes unnoticed.

use wasmtime::OperatorCost;

/// Fuel charged for each byte of an uploaded module.
pub const UPLOAD_PER_BYTE: u64 = 50;
/// Fuel charged for every upload, regardless of size.
pub const UPLOAD_BASE: u64 = 100_000;

/// Fuel an `UploadCode` of `wasm_len` bytes costs.
pub fn upload_fuel(wasm_len: usize) -> u64 {
    UPLOAD_BASE.saturating_add(UPLOAD_PER_BYTE.saturating_mul(wasm_len as u64))
}

/// Host-call and instantiation costs. Every host call pays [`HostCosts::call_base`]
/// plus its own fixed part before doing any work; per-byte parts are charged as soon
/// as the size is known and before the bytes are read, written or hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HostCosts {
    /// Every host call.
    pub call_base: u64,
    /// Creating an instance of a contract (outermost entry point or nested call).
    pub instantiate_base: u64,
    /// Per byte of the contract's code, on every instantiation (loading and, on a
    /// cache miss, compiling the module; charged the same whether or not it is cached).
    pub instantiate_per_code_byte: u64,
    /// Per byte copied between host and guest memory (input, `result_read`,
    /// `set_return`, addresses, hash inputs...).
    pub copy_per_byte: u64,
    /// `storage_read`, fixed part.
    pub storage_read_base: u64,
    /// `storage_read`, per byte of key and of value found.
    pub storage_read_per_byte: u64,
    /// `storage_next`, fixed part.
    pub storage_next_base: u64,
    /// `storage_next`, per byte of prefix, `after` and the entry found.
    pub storage_next_per_byte: u64,
    /// `storage_write`, fixed part.
    pub storage_write_base: u64,
    /// `storage_write`, per byte of key plus value written.
    pub storage_write_per_byte: u64,
    /// `storage_remove`, fixed part.
    pub storage_remove_base: u64,
    /// `storage_remove`, per byte of key.
    pub storage_remove_per_byte: u64,
    /// `emit_event`, fixed part.
    pub event_base: u64,
    /// `emit_event`, per byte of topic plus data.
    pub event_per_byte: u64,
    /// `sha3_256` and `keccak256`, fixed part.
    pub hash_base: u64,
    /// `sha3_256` and `keccak256`, per input byte.
    pub hash_per_byte: u64,
    /// `secp256k1_verify`.
    pub secp256k1_verify: u64,
    /// `secp256k1_recover`.
    pub secp256k1_recover: u64,
    /// `call_contract` and `query_contract`, fixed part (the callee's own
    /// instantiation and execution come out of the fuel it is given).
    pub nested_call_base: u64,
    /// `system_apply`, fixed part (plus `copy_per_byte` of the action; a migration's
    /// `migrate` run is charged like a nested call).
    pub system_apply_base: u64,
}

/// The host costs in force.
pub const HOST_COSTS: HostCosts = HostCosts {
    call_base: 100,
    instantiate_base: 20_000,
    instantiate_per_code_byte: 1,
    copy_per_byte: 1,
    storage_read_base: 2_000,
    storage_read_per_byte: 3,
    storage_next_base: 3_000,
    storage_next_per_byte: 3,
    storage_write_base: 10_000,
    storage_write_per_byte: 100,
    storage_remove_base: 5_000,
    storage_remove_per_byte: 100,
    event_base: 1_000,
    event_per_byte: 20,
    hash_base: 300,
    hash_per_byte: 3,
    secp256k1_verify: 150_000,
    secp256k1_recover: 200_000,
    nested_call_base: 10_000,
    system_apply_base: 50_000,
};

/// The per-operator fuel table given to the engine.
///
/// It starts from wasmtime's `OperatorCost::new()` and then sets every operator that
/// upload validation lets through (MVP, sign-extension, saturating float-to-int)
/// explicitly, so the schedule does not depend on wasmtime's defaults. Operators of
/// refused proposals keep the defaults; they can never execute.
pub fn operator_costs() -> OperatorCost {
    let mut c = OperatorCost::new();

    // Structure: no code of their own (the work is in the operators they contain).
    c.Nop = 0;
    c.Drop = 0;
    c.Block = 0;
    c.Loop = 0;
    c.Else = 0;
    c.End = 0;
    c.Unreachable = 0;
    c.Return = 1;

    // Branches.
    c.If = 1;
    c.Br = 1;
    c.BrIf = 1;
    c.BrTable = 3;
    c.Select = 1;

    // Calls: frame setup, argument moves, indirect calls check the signature.
    c.Call = 10;
    c.CallIndirect = 15;

    // Locals, globals, constants.
    c.LocalGet = 1;
    c.LocalSet = 1;
    c.LocalTee = 1;
    c.GlobalGet = 1;
    c.GlobalSet = 1;
    c.I32Const = 1;
    c.I64Const = 1;
    c.F32Const = 1;
    c.F64Const = 1;

    // Memory: loads and stores touch memory and are bounds-checked.
    c.I32Load = 2;
    c.I64Load = 2;
    c.F32Load = 2;
    c.F64Load = 2;
    c.I32Load8S = 2;
    c.I32Load8U = 2;
    c.I32Load16S = 2;
    c.I32Load16U = 2;
    c.I64Load8S = 2;
    c.I64Load8U = 2;
    c.I64Load16S = 2;
    c.I64Load16U = 2;
    c.I64Load32S = 2;
    c.I64Load32U = 2;
    c.I32Store = 2;
    c.I64Store = 2;
    c.F32Store = 2;
    c.F64Store = 2;
    c.I32Store8 = 2;
    c.I32Store16 = 2;
    c.I64Store8 = 2;
    c.I64Store16 = 2;
    c.I64Store32 = 2;
    c.MemorySize = 1;
    // memory.grow: a host call, plus zeroed pages (see `variable` below).
    c.MemoryGrow = 100;

    // Integer comparisons and cheap arithmetic.
    c.I32Eqz = 1;
    c.I32Eq = 1;
    c.I32Ne = 1;
    c.I32LtS = 1;
    c.I32LtU = 1;
    c.I32GtS = 1;
    c.I32GtU = 1;
    c.I32LeS = 1;
    c.I32LeU = 1;
    c.I32GeS = 1;
    c.I32GeU = 1;
    c.I64Eqz = 1;
    c.I64Eq = 1;
    c.I64Ne = 1;
    c.I64LtS = 1;
    c.I64LtU = 1;
    c.I64GtS = 1;
    c.I64GtU = 1;
    c.I64LeS = 1;
    c.I64LeU = 1;
    c.I64GeS = 1;
    c.I64GeU = 1;
    c.I32Clz = 1;
    c.I32Ctz = 1;
    c.I32Popcnt = 1;
    c.I32Add = 1;
    c.I32Sub = 1;
    c.I32And = 1;
    c.I32Or = 1;
    c.I32Xor = 1;
    c.I32Shl = 1;
    c.I32ShrS = 1;
    c.I32ShrU = 1;
    c.I32Rotl = 1;
    c.I32Rotr = 1;
    c.I64Clz = 1;
    c.I64Ctz = 1;
    c.I64Popcnt = 1;
    c.I64Add = 1;
    c.I64Sub = 1;
    c.I64And = 1;
    c.I64Or = 1;
    c.I64Xor = 1;
    c.I64Shl = 1;
    c.I64ShrS = 1;
    c.I64ShrU = 1;
    c.I64Rotl = 1;
    c.I64Rotr = 1;
    c.I32WrapI64 = 1;
    c.I64ExtendI32S = 1;
    c.I64ExtendI32U = 1;
    c.I32Extend8S = 1;
    c.I32Extend16S = 1;
    c.I64Extend8S = 1;
    c.I64Extend16S = 1;
    c.I64Extend32S = 1;
    c.I32ReinterpretF32 = 1;
    c.I64ReinterpretF64 = 1;
    c.F32ReinterpretI32 = 1;
    c.F64ReinterpretI64 = 1;

    // Multiplication, then division and remainder (tens of cycles, trap checks).
    c.I32Mul = 3;
    c.I64Mul = 3;
    c.I32DivS = 10;
    c.I32DivU = 10;
    c.I32RemS = 10;
    c.I32RemU = 10;
    c.I64DivS = 10;
    c.I64DivU = 10;
    c.I64RemS = 10;
    c.I64RemU = 10;

    // Floats: every result is NaN-canonicalised, which adds a compare and select.
    c.F32Eq = 2;
    c.F32Ne = 2;
    c.F32Lt = 2;
    c.F32Gt = 2;
    c.F32Le = 2;
    c.F32Ge = 2;
    c.F64Eq = 2;
    c.F64Ne = 2;
    c.F64Lt = 2;
    c.F64Gt = 2;
    c.F64Le = 2;
    c.F64Ge = 2;
    c.F32Abs = 2;
    c.F32Neg = 2;
    c.F32Copysign = 2;
    c.F64Abs = 2;
    c.F64Neg = 2;
    c.F64Copysign = 2;
    c.F32Add = 3;
    c.F32Sub = 3;
    c.F32Mul = 3;
    c.F32Min = 3;
    c.F32Max = 3;
    c.F32Ceil = 3;
    c.F32Floor = 3;
    c.F32Trunc = 3;
    c.F32Nearest = 3;
    c.F64Add = 3;
    c.F64Sub = 3;
    c.F64Mul = 3;
    c.F64Min = 3;
    c.F64Max = 3;
    c.F64Ceil = 3;
    c.F64Floor = 3;
    c.F64Trunc = 3;
    c.F64Nearest = 3;
    c.F32Div = 10;
    c.F32Sqrt = 10;
    c.F64Div = 10;
    c.F64Sqrt = 10;

    // Conversions (the trapping float-to-int ones check their range).
    c.I32TruncF32S = 3;
    c.I32TruncF32U = 3;
    c.I32TruncF64S = 3;
    c.I32TruncF64U = 3;
    c.I64TruncF32S = 3;
    c.I64TruncF32U = 3;
    c.I64TruncF64S = 3;
    c.I64TruncF64U = 3;
    c.I32TruncSatF32S = 3;
    c.I32TruncSatF32U = 3;
    c.I32TruncSatF64S = 3;
    c.I32TruncSatF64U = 3;
    c.I64TruncSatF32S = 3;
    c.I64TruncSatF32U = 3;
    c.I64TruncSatF64S = 3;
    c.I64TruncSatF64U = 3;
    c.F32ConvertI32S = 2;
    c.F32ConvertI32U = 2;
    c.F32ConvertI64S = 2;
    c.F32ConvertI64U = 2;
    c.F64ConvertI32S = 2;
    c.F64ConvertI32U = 2;
    c.F64ConvertI64S = 2;
    c.F64ConvertI64U = 2;
    c.F32DemoteF64 = 2;
    c.F64PromoteF32 = 2;

    // Work whose size is an operand. Only memory.grow is reachable from the
    // accepted feature set; the others belong to refused proposals.
    c.variable.memory_grow_per_page = 200;
    c.variable.memory_copy_per_byte = 1;
    c.variable.memory_fill_per_byte = 1;
    c.variable.memory_init_per_byte = 1;
    c.variable.table_copy_per_element = 1;
    c.variable.table_fill_per_element = 1;
    c.variable.table_init_per_element = 1;
    c.variable.table_grow_per_element = 1;
    c
}

/// SHA3-256 (hex) of the `Debug` rendering of the operator table: a fingerprint that
/// changes whenever any cost (or wasmtime's list of operators) changes.
pub fn operator_costs_fingerprint() -> String {
    bayledger_types::Hash::sha3(format!("{:?}", operator_costs()).as_bytes()).to_hex()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_table_is_pinned() {
        // Changing the table (or upgrading wasmtime) changes this fingerprint. That is
        // a consensus change: update ADR 0005 and gate it on a block height.
        assert_eq!(
            operator_costs_fingerprint(),
            "47e721ee61b847e071e09fbdf5dae1968933732a7e8bcc4190e3298f3a774400"
        );
    }

    #[test]
    fn host_costs_are_pinned() {
        let rendered = format!("{HOST_COSTS:?}");
        assert_eq!(
            bayledger_types::Hash::sha3(rendered.as_bytes()).to_hex(),
            "9ea6456a334add618b142eaf1e5b42880ec2fa5c3d1df6edd2988acdccaeb4b4"
        );
    }

    #[test]
    fn table_prices_the_expensive_operators_higher() {
        let c = operator_costs();
        assert!(c.CallIndirect > c.Call && c.Call > c.I32Add);
        assert!(c.I64DivU > c.I64Mul && c.I64Mul > c.I64Add);
        assert!(c.variable.memory_grow_per_page > 0);
    }

    #[test]
    fn upload_fuel_is_linear_in_size() {
        assert_eq!(upload_fuel(0), UPLOAD_BASE);
        assert_eq!(upload_fuel(1000), UPLOAD_BASE + 1000 * UPLOAD_PER_BYTE);
        assert_eq!(upload_fuel(usize::MAX), u64::MAX);
    }
}
