//! Everything a contract or sender can get wrong ends in an outcome with a status,
//! a clear message, fuel accounted and the state untouched; node failures are errors.

use super::{account, assert_status, cmd, cmds, contract, probe, probe_chain, query_cmd, write};
use crate::testing::TestChain;
use crate::{BlockEnv, Overlay, Vm, VmConfig, VmError};
use bayledger_types::{
    Address, Hash, MemState, StateError, StateReader, pb, pb::ExecStatus, state_keys,
};
use prost::Message;

#[test]
fn trap_reverts_the_state_and_reports_fuel() {
    let (mut chain, c) = probe_chain();
    chain.call(account(2), c, &write(b"k", b"before"));
    let out = chain.call(
        account(2),
        c,
        &cmds(&[write(b"k", b"after"), cmd(b'e', b"\x01tdata"), cmd(b'u', b"")]),
    );
    assert_status(&out, ExecStatus::Trap);
    assert_eq!(out.error, "trap: unreachable instruction executed");
    assert!(out.fuel_used > 0);
    assert!(out.events.is_empty() && out.return_data.is_empty());
    assert_eq!(chain.storage(c, b"k"), Some(&b"before"[..]));
}

#[test]
fn wasm_traps_have_stable_messages() {
    let (chain, c) = probe_chain();
    assert_eq!(chain.query(c, &cmd(b'Z', b"")).error, "trap: integer division by zero");
    assert_eq!(chain.query(c, &cmd(b'S', b"")).error, "trap: call stack exhausted");
    let out = chain.query(c, &cmd(b'P', b""));
    assert_status(&out, ExecStatus::Trap);
    assert_eq!(
        out.error,
        "trap: `sha3_256`: memory range 0xfffffff0+32 is outside linear memory (262144 bytes)"
    );
}

#[test]
fn infinite_loop_runs_out_of_fuel() {
    let (mut chain, c) = probe_chain();
    chain.set_fuel_limit(1_000_000);
    let out = chain.call(account(2), c, &cmds(&[write(b"k", b"v"), cmd(b'l', b"")]));
    assert_status(&out, ExecStatus::OutOfFuel);
    assert_eq!(out.error, "out of fuel");
    assert_eq!(out.fuel_used, 1_000_000);
    assert_eq!(chain.storage(c, b"k"), None);
}

#[test]
fn running_out_of_fuel_in_a_host_call() {
    let (mut chain, c) = probe_chain();
    let digest = [0u8; 32];
    let msg = cmd(b'v', &[&digest[..], &[0u8; 64], &[2u8; 33]].concat());
    let ok = chain.query(c, &msg);
    assert_status(&ok, ExecStatus::Ok);
    // Everything after the verification costs well under 1,000: the verification's
    // own charge cannot be paid.
    chain.set_fuel_limit(ok.fuel_used - 1_000);
    let out = chain.query(c, &msg);
    assert_status(&out, ExecStatus::OutOfFuel);
    assert_eq!(out.fuel_used, ok.fuel_used - 1_000);
    // fuel_used never exceeds the limit, whatever the outcome.
    for limit in (ok.fuel_used - 300)..(ok.fuel_used + 3) {
        chain.set_fuel_limit(limit);
        assert!(chain.query(c, &msg).fuel_used <= limit);
    }

    // Not even enough to instantiate.
    chain.set_fuel_limit(10);
    let out = chain.call(account(2), c, &write(b"k", b"v"));
    assert_status(&out, ExecStatus::OutOfFuel);
    assert_eq!(out.fuel_used, 10);
}

#[test]
fn queries_are_read_only() {
    let (mut chain, c) = probe_chain();
    chain.call(account(2), c, &write(b"k", b"v"));
    for msg in
        [write(b"k", b"x"), cmd(b'd', b"k"), cmd(b'e', b"\x01tx"), super::call_cmd(c, 0, b"")]
    {
        let out = chain.query(c, &msg);
        assert_status(&out, ExecStatus::Trap);
        assert!(out.error.ends_with("state is read-only in a query"), "{}", out.error);
    }
    // Reads are fine, and so are nested queries.
    assert_eq!(chain.query(c, &cmd(b'r', b"k")).return_data, b"v");
    let out = chain.query(c, &query_cmd(c, &cmd(b'r', b"k")));
    assert_eq!(super::nested_result(&out.return_data), (1, b"v".to_vec()));
    assert_eq!(chain.storage(c, b"k"), Some(&b"v"[..]));
}

#[test]
fn return_data_over_the_limit_is_refused() {
    let (mut chain, c) = probe_chain();
    let out = chain.call(account(2), c, &cmd(b'B', &65_536u32.to_le_bytes()));
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(out.return_data.len(), 65_536);
    let out =
        chain.call(account(2), c, &cmds(&[write(b"k", b"v"), cmd(b'B', &65_537u32.to_le_bytes())]));
    assert_status(&out, ExecStatus::Trap);
    assert_eq!(
        out.error,
        "trap: `set_return`: return data is 65537 bytes; the limit is 65536 bytes"
    );
    assert_eq!(chain.storage(c, b"k"), None);
}

#[test]
fn storage_argument_limits_trap() {
    let (mut chain, c) = probe_chain();
    let long_key = vec![b'k'; 257];
    let out = chain.call(account(2), c, &cmd(b'r', &long_key));
    assert_eq!(out.error, "trap: `storage_read`: key is 257 bytes; the limit is 256 bytes");
    let out = chain.call(account(2), c, &write(&long_key[..255], &vec![0u8; 64 * 1024 + 1]));
    assert_eq!(out.error, "trap: `storage_write`: value is 65537 bytes; the limit is 65536 bytes");
    assert_status(
        &chain.call(account(2), c, &write(&long_key[..255], &vec![0u8; 64 * 1024 - 300])),
        ExecStatus::Ok,
    );
}

#[test]
fn unknown_contracts_and_missing_entry_points_are_rejected() {
    let (mut chain, c) = probe_chain();
    let nobody = Address([9; 20]);
    let out = chain.call(account(2), nobody, b"");
    assert_status(&out, ExecStatus::Rejected);
    assert_eq!(out.error, format!("unknown contract {nobody}"));
    assert_eq!(out.fuel_used, 0);
    assert_status(&chain.query(nobody, b""), ExecStatus::Rejected);

    let code = chain
        .upload(&contract(r#"(func (export "call") (param i32 i32) (result i32) (i32.const 0))"#))
        .expect("valid");
    let plain = chain
        .instantiate(account(1), code, b"ignored")
        .expect("no instantiate export: nothing to run");
    let out = chain.query(plain, b"");
    assert_status(&out, ExecStatus::Rejected);
    assert_eq!(out.error, format!("contract {plain} has no `query` entry point"));
    assert_status(&chain.call(account(2), plain, b""), ExecStatus::Ok);
    assert!(c != plain);
}

#[test]
fn failed_instantiation_stores_nothing() {
    let mut chain = TestChain::new();
    let code = chain.upload(&probe()).expect("valid");
    let sender = account(3);
    let err = chain
        .instantiate(sender, code, &cmds(&[write(b"k", b"v"), cmd(b'a', b"bad init")]))
        .expect_err("aborts");
    assert_status(&err, ExecStatus::Aborted);
    assert_eq!(err.error, "aborted: bad init");
    let failed_address = Address::contract(&sender, 0);
    assert!(chain.contract_info(failed_address).is_none());
    assert_eq!(chain.storage(failed_address, b"k"), None);

    let ok = chain.instantiate(sender, code, &write(b"k", b"v")).expect("instantiates");
    assert_eq!(ok, Address::contract(&sender, 1));
    let info = chain.contract_info(ok).expect("stored");
    assert_eq!(info.code_hash, code.0.to_vec());
    assert_eq!(info.creator, sender.0.to_vec());
    assert_eq!(chain.storage(ok, b"k"), Some(&b"v"[..]));

    let unknown = chain.instantiate(sender, Hash([1; 32]), b"").expect_err("no such code");
    assert_status(&unknown, ExecStatus::Rejected);
}

#[test]
fn bad_allocator_results_trap() {
    let mut chain = TestChain::new();
    let wasm = super::wat(&format!(
        r#"(module {}
        (memory (export "memory") 1)
        (func (export "bayledger_abi_v1"))
        (func (export "bl_alloc") (param i32) (result i32) (i32.const -8))
        (func (export "call") (param i32 i32) (result i32) (i32.const 0)))"#,
        super::imports_wat()
    ));
    let code = chain.upload(&wasm).expect("valid");
    let c = chain.instantiate(account(1), code, b"").expect("no instantiate export");
    let out = chain.call(account(2), c, b"0123456789");
    assert_status(&out, ExecStatus::Trap);
    assert_eq!(
        out.error,
        "trap: `bl_alloc` returned 0xfffffff8, but 10 bytes there are outside linear memory"
    );
}

#[test]
fn data_segment_outside_memory_traps_at_instantiation() {
    let mut chain = TestChain::new();
    let code = chain
        .upload(&contract(
            r#"(data (i32.const 262140) "12345678")
            (func (export "call") (param i32 i32) (result i32) (i32.const 0))"#,
        ))
        .expect("valid at upload");
    let err = chain.instantiate(account(1), code, b"").map(|_| ());
    // No `instantiate` export: nothing runs at creation; the first call traps.
    assert!(err.is_ok());
    let c = Address::contract(&account(1), 0);
    let out = chain.call(account(2), c, b"");
    assert_status(&out, ExecStatus::Trap);
    assert_eq!(out.error, "trap: out-of-bounds memory access");
}

/// Puts a contract record pointing at `code_hash` into a fresh state.
fn state_with_contract(contract: Address, info_bytes: Vec<u8>) -> MemState {
    let mut state = MemState::default();
    state.0.insert(state_keys::contract(&contract), info_bytes);
    state
}

#[test]
fn inconsistent_state_is_a_node_error() {
    let vm = Vm::new(VmConfig::default()).expect("vm");
    let env = BlockEnv::default();
    let c = Address([5; 20]);

    let garbage = state_with_contract(c, vec![0xff, 0xff, 0xff]);
    let mut overlay = Overlay::new(&garbage);
    let e = vm.call(&mut overlay, &env, account(1), c, b"", 1_000_000).expect_err("corrupt record");
    assert!(matches!(e, VmError::CorruptContract { .. }), "{e:?}");

    let info = pb::ContractInfo { code_hash: vec![3; 32], ..Default::default() };
    let no_code = state_with_contract(c, info.encode_to_vec());
    let mut overlay = Overlay::new(&no_code);
    let e = vm.call(&mut overlay, &env, account(1), c, b"", 1_000_000).expect_err("missing code");
    assert!(matches!(e, VmError::MissingCode { .. }), "{e:?}");
    assert!(overlay.writes().is_empty());
}

/// A state whose reads fail for one key.
struct Failing {
    inner: MemState,
    bad_key: Vec<u8>,
}

impl StateReader for Failing {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        if key == self.bad_key {
            return Err(StateError("disk on fire".into()));
        }
        self.inner.get(key)
    }

    fn next(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
    ) -> Result<Option<(Vec<u8>, Vec<u8>)>, StateError> {
        self.inner.next(prefix, after)
    }
}

#[test]
fn storage_failures_abort_execution_as_node_errors() {
    let (chain, c) = probe_chain();
    let failing =
        Failing { inner: chain.state().clone(), bad_key: state_keys::storage(&c, b"bad") };
    let mut overlay = Overlay::new(&failing);
    let before = overlay.checkpoint();
    let result = chain.vm().call(
        &mut overlay,
        chain.block(),
        account(2),
        c,
        &cmds(&[write(b"k", b"v"), cmd(b'r', b"bad")]),
        1_000_000,
    );
    match result {
        Err(VmError::State(e)) => assert_eq!(e, StateError("disk on fire".into())),
        other => panic!("expected a state error, got {other:?}"),
    }
    assert_eq!(overlay.checkpoint(), before);
    assert!(overlay.writes().is_empty(), "the write before the failure is reverted");
}
