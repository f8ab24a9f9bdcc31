//! Golden fuel numbers: fixed modules and inputs burn exactly these amounts. A change
//! in any of them is a consensus change (ADR 0005) — update the ADR and gate it on a
//! block height; never just "fix" the numbers.
//!
//! The modules use numeric indices only, so `wat` emits no name section and the
//! binaries (whose size is charged at instantiation) are stable; their sizes are
//! asserted too.

use super::{account, assert_status, wat};
use crate::testing::TestChain;
use crate::{BlockEnv, ExecOutcome, Overlay, Vm, VmConfig, fuel};
use bayledger_types::{Address, Hash, MemState, pb, pb::ExecStatus, state_keys};
use prost::Message;

/// Arithmetic loop: `input[0]` iterations of a multiply/remainder/add step; returns
/// the accumulator.
const ARITH: &str = r#"(module
  (import "bl" "set_return" (func (param i32 i32)))
  (memory (export "memory") 1)
  (global (mut i32) (i32.const 1024))
  (func (export "bayledger_abi_v1"))
  (func (export "bl_alloc") (param i32) (result i32) global.get 0)
  (func (export "call") (param i32 i32) (result i32) (local i32 i32)
    local.get 0 i32.load8_u local.set 2
    block
      loop
        local.get 2 i32.eqz br_if 1
        local.get 3 local.get 2 i32.mul i32.const 7 i32.rem_u local.get 2 i32.add local.set 3
        local.get 2 i32.const 1 i32.sub local.set 2
        br 0
      end
    end
    i32.const 0 local.get 3 i32.store
    i32.const 0 i32.const 4 call 0
    i32.const 0))"#;

/// Storage and hashing: writes the input under "key", reads it back and returns its
/// SHA3-256.
const STORAGE: &str = r#"(module
  (import "bl" "storage_write" (func (param i32 i32 i32 i32)))
  (import "bl" "storage_read" (func (param i32 i32) (result i64)))
  (import "bl" "result_read" (func (param i32)))
  (import "bl" "sha3_256" (func (param i32 i32 i32)))
  (import "bl" "set_return" (func (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "key")
  (func (export "bayledger_abi_v1"))
  (func (export "bl_alloc") (param i32) (result i32) i32.const 1024)
  (func (export "call") (param i32 i32) (result i32) (local i64)
    i32.const 0 i32.const 3 local.get 0 local.get 1 call 0
    i32.const 0 i32.const 3 call 1 local.set 2
    i32.const 8192 call 2
    i32.const 8192 local.get 2 i32.wrap_i64 i32.const 64 call 3
    i32.const 64 i32.const 32 call 4
    i32.const 0))"#;

/// Runs `call` of a fresh contract of `module` with `input` on a fresh VM.
fn run(module: &str, input: &[u8]) -> ExecOutcome {
    let mut chain = TestChain::new();
    let code = chain.upload(&wat(module)).expect("golden module validates");
    let c = chain.instantiate(account(1), code, &[]).expect("no instantiate export");
    chain.call(account(2), c, input)
}

#[test]
fn golden_module_sizes() {
    assert_eq!(wat(ARITH).len(), 189);
    assert_eq!(wat(STORAGE).len(), 273);
}

#[test]
fn golden_arithmetic_loop() {
    let ten = run(ARITH, &[10]);
    assert_status(&ten, ExecStatus::Ok);
    assert_eq!(ten.fuel_used, 20_591);
    let twenty = run(ARITH, &[20]);
    assert_eq!(twenty.fuel_used, 20_861);
    // Each extra iteration costs the same.
    let thirty = run(ARITH, &[30]);
    assert_eq!(thirty.fuel_used - twenty.fuel_used, twenty.fuel_used - ten.fuel_used);
    let zero = run(ARITH, &[0]);
    assert_eq!(zero.fuel_used, 20_321);
}

#[test]
fn golden_storage_and_hashing() {
    let short = run(STORAGE, b"hello");
    assert_status(&short, ExecStatus::Ok);
    assert_eq!(short.return_data, Hash::sha3(b"hello").0);
    assert_eq!(short.fuel_used, 34_054);
    let long = run(STORAGE, &[7u8; 100]);
    assert_eq!(long.fuel_used, 44_314);
    assert_ne!(short.fuel_used, long.fuel_used);
}

#[test]
fn golden_upload_fuel() {
    assert_eq!(fuel::upload_fuel(0), 100_000);
    assert_eq!(fuel::upload_fuel(wat(ARITH).len()), 109_450);
    let vm = Vm::new(VmConfig::default()).expect("vm");
    assert_eq!(vm.upload_fuel(512 * 1024), 26_314_400);
}

/// Runs `input` against a contract of `wasm` on `vm` over a fixed state.
fn run_on(vm: &Vm, wasm: &[u8], input: &[u8]) -> ExecOutcome {
    let c = Address([0xc0; 20]);
    let hash = Hash::sha3(wasm);
    let mut state = MemState::default();
    state.0.insert(state_keys::code(&hash), wasm.to_vec());
    let info = pb::ContractInfo { code_hash: hash.0.to_vec(), ..Default::default() };
    state.0.insert(state_keys::contract(&c), info.encode_to_vec());
    let mut overlay = Overlay::new(&state);
    let env = BlockEnv { height: 5, time_ms: 5_000, chain_id: "golden".into() };
    vm.call(&mut overlay, &env, account(2), c, input, 1_000_000).expect("no node failure")
}

#[test]
fn same_module_and_input_give_identical_outcomes() {
    let probe = super::probe();
    let input = super::cmds(&[
        super::write(b"a", b"1"),
        super::cmd(b'3', b"abc"),
        super::cmd(b'e', b"\x02evdata"),
        super::cmd(b'r', b"a"),
    ]);
    // Cold and warm cache, separate engines: identical outcomes, fuel included.
    let first = Vm::new(VmConfig::default()).expect("vm");
    let second = Vm::new(VmConfig::default()).expect("vm");
    let a = run_on(&first, &probe, &input);
    let b = run_on(&first, &probe, &input);
    let c = run_on(&second, &probe, &input);
    assert_status(&a, ExecStatus::Ok);
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert_eq!(first.cache_stats().hits, 1);
    assert_eq!(second.cache_stats().hits, 0);

    // Failures are deterministic too.
    let trap = super::cmds(&[super::write(b"a", b"1"), super::cmd(b'Z', b"")]);
    assert_eq!(run_on(&first, &probe, &trap), run_on(&second, &probe, &trap));
    let spin = super::cmd(b'l', b"");
    let out = run_on(&first, &probe, &spin);
    assert_status(&out, ExecStatus::OutOfFuel);
    assert_eq!(out, run_on(&second, &probe, &spin));

    // A different input burns a different amount.
    let other = super::cmds(&[super::write(b"a", b"12"), super::cmd(b'3', b"abc")]);
    assert_ne!(run_on(&first, &probe, &other).fuel_used, a.fuel_used);
}
