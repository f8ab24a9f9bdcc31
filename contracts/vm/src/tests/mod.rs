//! In-crate tests of the VM, driven by small WAT contracts.
//!
//! Most tests use the *probe*: a contract whose input is a list of commands
//! (`op: u8, len: u32 le, payload`) that each exercise one host function, so a test
//! can script exactly the host calls it wants to observe.

mod engine;
mod failures;
mod fuel_golden;
mod host_api;
mod nested;
mod system;
mod validation;

use crate::abi;
use crate::testing::TestChain;
use bayledger_types::{Address, pb::ExecStatus};

/// `(import "bl" "name" (func $name ...))` for every host function.
pub(crate) fn imports_wat() -> String {
    let mut out = String::new();
    for (name, sig) in abi::IMPORTS {
        out.push_str(&format!("(import \"bl\" \"{name}\" (func ${name}"));
        if !sig.params.is_empty() {
            out.push_str(" (param");
            for p in sig.params {
                out.push_str(&format!(" {p}"));
            }
            out.push(')');
        }
        for r in sig.results {
            out.push_str(&format!(" (result {r})"));
        }
        out.push_str("))\n");
    }
    out
}

/// Compiles WAT text, panicking with the parse error (a bug in the test).
pub(crate) fn wat(text: &str) -> Vec<u8> {
    wat::parse_str(text).unwrap_or_else(|e| panic!("test WAT does not parse: {e}\n{text}"))
}

/// A contract: all host imports, 4 pages of memory, the ABI marker, a bump
/// allocator starting at 64 KiB, and `body` (which must export `call`).
pub(crate) fn contract(body: &str) -> Vec<u8> {
    wat(&format!(
        r#"(module
{imports}
  (memory (export "memory") 4)
  (global $heap (mut i32) (i32.const 65536))
  (func (export "bayledger_abi_v1"))
  (func (export "bl_alloc") (param $len i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $len)))
    (local.get $p))
{body}
)"#,
        imports = imports_wat()
    ))
}

/// The probe's command interpreter. Memory: 0..64K scratch, 64K.. input (bump
/// allocated), 128K result copies, 192K nested-call results.
pub(crate) const PROBE_BODY: &str = r#"
  (global $in_ptr (mut i32) (i32.const 0))
  (global $in_len (mut i32) (i32.const 0))
  (data (i32.const 1000) "<none>")

  ;; Makes the result buffer (length $n, or -1) the return data.
  (func $return_result (param $n i64)
    (if (i64.lt_s (local.get $n) (i64.const 0))
      (then (call $set_return (i32.const 1000) (i32.const 6)))
      (else
        (call $result_read (i32.const 131072))
        (call $set_return (i32.const 131072) (i32.wrap_i64 (local.get $n))))))

  ;; Returns `i64 le result || result buffer` of a nested call.
  (func $return_nested (param $r i64)
    (local $len i32)
    (i64.store (i32.const 196608) (local.get $r))
    (local.set $len (i32.wrap_i64
      (if (result i64) (i64.lt_s (local.get $r) (i64.const 0))
        (then (i64.sub (i64.const -1) (local.get $r)))
        (else (local.get $r)))))
    (call $result_read (i32.const 196616))
    (call $set_return (i32.const 196608) (i32.add (i32.const 8) (local.get $len))))

  (func $recurse (param $n i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get $n) (i32.const 1))) (i32.const 1)))

  (func $run (param $op i32) (param $p i32) (param $n i32) (result i32)
    (local $k i32) (local $r i64)
    ;; w: key_len u8, key, value
    (if (i32.eq (local.get $op) (i32.const 119)) (then
      (local.set $k (i32.load8_u (local.get $p)))
      (call $storage_write
        (i32.add (local.get $p) (i32.const 1)) (local.get $k)
        (i32.add (i32.add (local.get $p) (i32.const 1)) (local.get $k))
        (i32.sub (i32.sub (local.get $n) (i32.const 1)) (local.get $k)))
      (return (i32.const 0))))
    ;; r: key
    (if (i32.eq (local.get $op) (i32.const 114)) (then
      (call $return_result (call $storage_read (local.get $p) (local.get $n)))
      (return (i32.const 0))))
    ;; d: key
    (if (i32.eq (local.get $op) (i32.const 100)) (then
      (call $storage_remove (local.get $p) (local.get $n))
      (return (i32.const 0))))
    ;; n: prefix_len u8, prefix, after
    (if (i32.eq (local.get $op) (i32.const 110)) (then
      (local.set $k (i32.load8_u (local.get $p)))
      (call $return_result (call $storage_next
        (i32.add (local.get $p) (i32.const 1)) (local.get $k)
        (i32.add (i32.add (local.get $p) (i32.const 1)) (local.get $k))
        (i32.sub (i32.sub (local.get $n) (i32.const 1)) (local.get $k))))
      (return (i32.const 0))))
    ;; c / o / s: caller, origin, self_address
    (if (i32.eq (local.get $op) (i32.const 99)) (then
      (call $caller (i32.const 0)) (call $set_return (i32.const 0) (i32.const 20)) (return (i32.const 0))))
    (if (i32.eq (local.get $op) (i32.const 111)) (then
      (call $origin (i32.const 0)) (call $set_return (i32.const 0) (i32.const 20)) (return (i32.const 0))))
    (if (i32.eq (local.get $op) (i32.const 115)) (then
      (call $self_address (i32.const 0)) (call $set_return (i32.const 0) (i32.const 20)) (return (i32.const 0))))
    ;; h / t: block height, time
    (if (i32.eq (local.get $op) (i32.const 104)) (then
      (i64.store (i32.const 0) (call $block_height)) (call $set_return (i32.const 0) (i32.const 8)) (return (i32.const 0))))
    (if (i32.eq (local.get $op) (i32.const 116)) (then
      (i64.store (i32.const 0) (call $block_time_ms)) (call $set_return (i32.const 0) (i32.const 8)) (return (i32.const 0))))
    ;; e: topic_len u8, topic, data
    (if (i32.eq (local.get $op) (i32.const 101)) (then
      (local.set $k (i32.load8_u (local.get $p)))
      (call $emit_event
        (i32.add (local.get $p) (i32.const 1)) (local.get $k)
        (i32.add (i32.add (local.get $p) (i32.const 1)) (local.get $k))
        (i32.sub (i32.sub (local.get $n) (i32.const 1)) (local.get $k)))
      (return (i32.const 0))))
    ;; 3 / k: sha3-256, keccak-256 of the payload
    (if (i32.eq (local.get $op) (i32.const 51)) (then
      (call $sha3_256 (local.get $p) (local.get $n) (i32.const 0)) (call $set_return (i32.const 0) (i32.const 32)) (return (i32.const 0))))
    (if (i32.eq (local.get $op) (i32.const 107)) (then
      (call $keccak256 (local.get $p) (local.get $n) (i32.const 0)) (call $set_return (i32.const 0) (i32.const 32)) (return (i32.const 0))))
    ;; v: digest(32) sig(64) key(rest) -> [valid]
    (if (i32.eq (local.get $op) (i32.const 118)) (then
      (i32.store8 (i32.const 0) (call $secp256k1_verify
        (local.get $p) (i32.add (local.get $p) (i32.const 32))
        (i32.add (local.get $p) (i32.const 96)) (i32.sub (local.get $n) (i32.const 96))))
      (call $set_return (i32.const 0) (i32.const 1)) (return (i32.const 0))))
    ;; R: digest(32) sig(65) -> [ok] key(33)
    (if (i32.eq (local.get $op) (i32.const 82)) (then
      (i32.store8 (i32.const 0) (call $secp256k1_recover
        (local.get $p) (i32.add (local.get $p) (i32.const 32)) (i32.const 1)))
      (call $set_return (i32.const 0) (i32.const 34)) (return (i32.const 0))))
    ;; a: abort with the payload
    (if (i32.eq (local.get $op) (i32.const 97)) (then
      (call $abort (local.get $p) (local.get $n)) (return (i32.const 0))))
    ;; u: unreachable
    (if (i32.eq (local.get $op) (i32.const 117)) (then unreachable))
    ;; l: loop forever
    (if (i32.eq (local.get $op) (i32.const 108)) (then (loop $forever (br $forever))))
    ;; S: unbounded wasm recursion
    (if (i32.eq (local.get $op) (i32.const 83)) (then (return (call $recurse (i32.const 0)))))
    ;; Z: divide by zero
    (if (i32.eq (local.get $op) (i32.const 90)) (then (return (i32.div_u (i32.const 1) (local.get $n)))))
    ;; x: addr(20) fuel(i64 le) msg -> call_contract
    (if (i32.eq (local.get $op) (i32.const 120)) (then
      (call $return_nested (call $call_contract
        (local.get $p) (i32.add (local.get $p) (i32.const 28)) (i32.sub (local.get $n) (i32.const 28))
        (i64.load (i32.add (local.get $p) (i32.const 20)))))
      (return (i32.const 0))))
    ;; q: addr(20) msg -> query_contract
    (if (i32.eq (local.get $op) (i32.const 113)) (then
      (call $return_nested (call $query_contract
        (local.get $p) (i32.add (local.get $p) (i32.const 20)) (i32.sub (local.get $n) (i32.const 20))))
      (return (i32.const 0))))
    ;; D: bump storage "depth", then call itself with the whole input
    (if (i32.eq (local.get $op) (i32.const 68)) (then
      (i32.store8 (i32.const 100) (i32.const 100)) ;; key "d" at 100
      (i32.store8 (i32.const 101) (i32.const 0))
      (if (i64.ge_s (call $storage_read (i32.const 100) (i32.const 1)) (i64.const 0))
        (then (call $result_read (i32.const 101))))
      (i32.store8 (i32.const 101) (i32.add (i32.load8_u (i32.const 101)) (i32.const 1)))
      (call $storage_write (i32.const 100) (i32.const 1) (i32.const 101) (i32.const 1))
      (call $self_address (i32.const 200))
      (local.set $r (call $call_contract (i32.const 200) (global.get $in_ptr) (global.get $in_len) (i64.const 0)))
      (call $return_nested (local.get $r))
      (return (i32.const 0))))
    ;; E: code u8, message -> return the code with the message as return data
    (if (i32.eq (local.get $op) (i32.const 69)) (then
      (call $set_return (i32.add (local.get $p) (i32.const 1)) (i32.sub (local.get $n) (i32.const 1)))
      (return (i32.load8_u (local.get $p)))))
    ;; B: size u32 -> return that many bytes of memory from 0
    (if (i32.eq (local.get $op) (i32.const 66)) (then
      (call $set_return (i32.const 0) (i32.load (local.get $p))) (return (i32.const 0))))
    ;; g: pages u32 -> memory.grow, returns the i32 result
    (if (i32.eq (local.get $op) (i32.const 103)) (then
      (i32.store (i32.const 0) (memory.grow (i32.load (local.get $p))))
      (call $set_return (i32.const 0) (i32.const 4)) (return (i32.const 0))))
    ;; f: 0.0 / 0.0 as f64 bits
    (if (i32.eq (local.get $op) (i32.const 102)) (then
      (f64.store (i32.const 0) (f64.div (f64.load (local.get $p)) (f64.load (local.get $p))))
      (call $set_return (i32.const 0) (i32.const 8)) (return (i32.const 0))))
    ;; P: read from a guest pointer far outside memory
    (if (i32.eq (local.get $op) (i32.const 80)) (then
      (call $sha3_256 (i32.const -16) (i32.const 32) (i32.const 0)) (return (i32.const 0))))
    (i32.const 255))

  (func $interp (param $ptr i32) (param $len i32) (result i32)
    (local $end i32) (local $n i32) (local $rc i32)
    (global.set $in_ptr (local.get $ptr))
    (global.set $in_len (local.get $len))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $n (i32.load offset=1 (local.get $ptr)))
        (local.set $rc (call $run
          (i32.load8_u (local.get $ptr)) (i32.add (local.get $ptr) (i32.const 5)) (local.get $n)))
        (br_if $done (local.get $rc))
        (local.set $ptr (i32.add (local.get $ptr) (i32.add (i32.const 5) (local.get $n))))
        (br $next)))
    (local.get $rc))

  (func (export "instantiate") (param i32 i32) (result i32) (call $interp (local.get 0) (local.get 1)))
  (func (export "call") (param i32 i32) (result i32) (call $interp (local.get 0) (local.get 1)))
  (func (export "query") (param i32 i32) (result i32) (call $interp (local.get 0) (local.get 1)))
"#;

/// The probe contract.
pub(crate) fn probe() -> Vec<u8> {
    contract(PROBE_BODY)
}

/// One probe command.
pub(crate) fn cmd(op: u8, payload: &[u8]) -> Vec<u8> {
    let len = u32::try_from(payload.len()).expect("test payload fits u32");
    let mut out = vec![op];
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// Several probe commands in one message.
pub(crate) fn cmds(list: &[Vec<u8>]) -> Vec<u8> {
    list.concat()
}

/// Probe command `w`: write `value` under `key`.
pub(crate) fn write(key: &[u8], value: &[u8]) -> Vec<u8> {
    let mut p = vec![u8::try_from(key.len()).expect("short key")];
    p.extend_from_slice(key);
    p.extend_from_slice(value);
    cmd(b'w', &p)
}

/// Probe command `x`: call `target` with `fuel` and `msg`.
pub(crate) fn call_cmd(target: Address, fuel: i64, msg: &[u8]) -> Vec<u8> {
    let mut p = target.0.to_vec();
    p.extend_from_slice(&fuel.to_le_bytes());
    p.extend_from_slice(msg);
    cmd(b'x', &p)
}

/// Probe command `q`: query `target` with `msg`.
pub(crate) fn query_cmd(target: Address, msg: &[u8]) -> Vec<u8> {
    let mut p = target.0.to_vec();
    p.extend_from_slice(msg);
    cmd(b'q', &p)
}

/// Splits a nested-call return (`i64 le || buffer`).
pub(crate) fn nested_result(data: &[u8]) -> (i64, Vec<u8>) {
    assert!(data.len() >= 8, "nested result too short: {data:?}");
    let mut n = [0u8; 8];
    n.copy_from_slice(&data[..8]);
    (i64::from_le_bytes(n), data[8..].to_vec())
}

/// A distinct test account.
pub(crate) fn account(n: u8) -> Address {
    Address([n; 20])
}

/// A chain with one probe contract instantiated by `account(1)`.
pub(crate) fn probe_chain() -> (TestChain, Address) {
    let mut chain = TestChain::new();
    let code = chain.upload(&probe()).expect("probe validates");
    let contract = chain.instantiate(account(1), code, &[]).expect("probe instantiates");
    (chain, contract)
}

/// Asserts a status, showing the whole outcome on failure.
#[track_caller]
pub(crate) fn assert_status(outcome: &crate::ExecOutcome, status: ExecStatus) {
    assert_eq!(outcome.status, status, "unexpected outcome: {outcome:#?}");
}
