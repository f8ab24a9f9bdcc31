//! The engine configuration, the linker and the module cache.

use super::{account, assert_status, cmd, probe, wat};
use crate::config::engine_config;
use crate::testing::TestChain;
use crate::{ExecOutcome, Vm, VmConfig};
use bayledger_types::pb::ExecStatus;
use wasmtime::{Engine, Module};

#[test]
fn vm_and_outcomes_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Vm>();
    send_sync::<ExecOutcome>();
}

#[test]
fn engine_compiles_only_the_allowed_features() {
    let engine = Engine::new(&engine_config(&VmConfig::default())).expect("engine");
    for refused in [
        "(module (func (result v128) (v128.const i32x4 0 0 0 0)))",
        "(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))",
        "(module (func (result i32 i32) (i32.const 0) (i32.const 0)))",
        "(module (func $f (return_call $f)))",
        "(module (func (param externref)))",
    ] {
        assert!(Module::new(&engine, wat(refused)).is_err(), "engine accepted {refused}");
    }
    let allowed = "(module (func (param f64) (result i32) (i32.trunc_sat_f64_s (local.get 0))) \
                   (func (result i32) (i32.extend8_s (i32.const 255))) (global (mut i32) (i32.const 0)))";
    Module::new(&engine, wat(allowed)).expect("allowed features compile");
}

#[test]
fn linker_provides_every_abi_import_with_its_signature() {
    // The probe imports every function of the ABI table with the table's signature;
    // instantiating it links each one.
    let (chain, c) = super::probe_chain();
    assert_status(&chain.query(c, &cmd(b'h', b"")), ExecStatus::Ok);
    // One import with a signature the linker does not have cannot be pre-linked;
    // validation refuses it first, naming the expected signature.
    let e = chain
        .vm()
        .validate(&wat(r#"(module (import "bl" "block_height" (func (result i32))))"#))
        .expect_err("wrong signature");
    assert!(e.to_string().contains("defines it as () -> i64"), "{e}");
}

#[test]
fn every_instantiation_goes_through_the_module_cache() {
    let mut chain = TestChain::new();
    let code = chain.upload(&probe()).expect("valid");
    let a = chain.instantiate(account(1), code, &[]).expect("a");
    let after_first = chain.vm().cache_stats();
    assert_eq!((after_first.misses, after_first.hits, after_first.entries), (1, 0, 1));

    chain.call(account(2), a, &cmd(b'h', b""));
    let b = chain.instantiate(account(1), code, &[]).expect("b");
    chain.query(b, &cmd(b'h', b""));
    // A nested call of the same code is a hit as well.
    chain.call(account(2), a, &super::call_cmd(b, 0, &cmd(b'h', b"")));
    let stats = chain.vm().cache_stats();
    assert_eq!(stats.misses, 1, "compiled once: {stats:?}");
    assert_eq!(stats.hits, 5, "{stats:?}");
}

#[test]
fn cache_is_bounded_and_evicts_the_least_recently_used() {
    let cfg = VmConfig { cache_capacity: 2, ..VmConfig::default() };
    let mut chain = TestChain::with_config(cfg);
    let bodies = [
        r#"(func (export "call") (param i32 i32) (result i32) (i32.const 0))"#,
        r#"(func (export "call") (param i32 i32) (result i32) (i32.const 0)) (func)"#,
        r#"(func (export "call") (param i32 i32) (result i32) (i32.const 0)) (func) (func)"#,
    ];
    let mut contracts = Vec::new();
    for body in bodies {
        let code = chain.upload(&super::contract(body)).expect("valid");
        contracts.push(chain.instantiate(account(1), code, &[]).expect("instantiates"));
    }
    // Instantiation without an `instantiate` export still loads (and caches) the code.
    let stats = chain.vm().cache_stats();
    assert_eq!((stats.misses, stats.entries), (3, 2));
    // Contracts 1 and 2 are cached; 0 was evicted.
    chain.call(account(2), contracts[2], b"");
    chain.call(account(2), contracts[1], b"");
    assert_eq!(chain.vm().cache_stats().misses, 3);
    chain.call(account(2), contracts[0], b"");
    assert_eq!(chain.vm().cache_stats().misses, 4);
    // 0 replaced the least recently used (2), so 1 is still there.
    chain.call(account(2), contracts[1], b"");
    assert_eq!(chain.vm().cache_stats().misses, 4);
    chain.call(account(2), contracts[2], b"");
    assert_eq!(chain.vm().cache_stats().misses, 5);
}

#[test]
fn concurrent_queries_on_one_vm_agree() {
    let (mut chain, c) = super::probe_chain();
    chain.call(account(2), c, &super::write(b"k", b"shared"));
    let chain = &chain;
    let results: Vec<ExecOutcome> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(move || chain.query(c, &super::cmds(&[cmd(b'r', b"k"), cmd(b'3', b"x")])))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("query thread")).collect()
    });
    for r in &results {
        assert_eq!(r, &results[0]);
    }
    assert_status(&results[0], ExecStatus::Ok);
}

/// A state whose read of one key blocks until released, announcing that it blocked.
struct Gate {
    inner: bayledger_types::MemState,
    key: Vec<u8>,
    entered: std::sync::Mutex<std::sync::mpsc::Sender<()>>,
    open: (std::sync::Mutex<bool>, std::sync::Condvar),
}

impl bayledger_types::StateReader for Gate {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, bayledger_types::StateError> {
        if key == self.key {
            self.entered.lock().expect("lock").send(()).expect("test waits");
            let (lock, cvar) = &self.open;
            let mut open = lock.lock().expect("lock");
            while !*open {
                open = cvar.wait(open).expect("lock");
            }
        }
        self.inner.get(key)
    }

    fn next(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
    ) -> Result<Option<crate::KeyValue>, bayledger_types::StateError> {
        self.inner.next(prefix, after)
    }
}

#[test]
fn an_exhausted_instance_pool_is_a_node_error_not_a_contract_failure() {
    // One instance per execution and a pool of two slots: two executions parked in a
    // state read hold both; a third cannot get an instance.
    let cfg = VmConfig { max_instances_per_tx: 1, pool_instances: 1, ..VmConfig::default() };
    let mut chain = TestChain::with_config(cfg);
    let code = chain.upload(&probe()).expect("valid");
    let c = chain.instantiate(account(1), code, &[]).expect("instantiates");
    let (tx, rx) = std::sync::mpsc::channel();
    let gate = Gate {
        inner: chain.state().clone(),
        key: bayledger_types::state_keys::storage(&c, b"gate"),
        entered: std::sync::Mutex::new(tx),
        open: (std::sync::Mutex::new(false), std::sync::Condvar::new()),
    };
    let vm = chain.vm();
    let env = chain.block();
    std::thread::scope(|s| {
        let parked: Vec<_> = (0..2)
            .map(|_| s.spawn(|| vm.query(&gate, env, c, &cmd(b'r', b"gate"), 1_000_000)))
            .collect();
        rx.recv().expect("first parked");
        rx.recv().expect("second parked");
        let third = vm.query(&gate, env, c, &cmd(b'h', b""), 1_000_000);
        assert!(matches!(third, Err(crate::VmError::PoolExhausted(_))), "{third:?}");
        *gate.open.0.lock().expect("lock") = true;
        gate.open.1.notify_all();
        for p in parked {
            let out = p.join().expect("thread").expect("no node failure");
            assert_status(&out, ExecStatus::Ok);
        }
    });
    // With the slots free again, the same query runs.
    assert_status(&chain.query(c, &cmd(b'h', b"")), ExecStatus::Ok);
}
