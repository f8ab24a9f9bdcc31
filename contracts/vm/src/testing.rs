//! `TestChain`: an in-memory chain for contract tests. It runs real `.wasm` in the
//! real [`Vm`] over a [`MemState`], with the node's state layout, so a contract that
//! works here works on the chain (apart from transaction fees and signatures, which
//! the harness skips).

use crate::{BlockEnv, ExecOutcome, Overlay, ValidationError, Vm, VmConfig};
use bayledger_types::{Address, Hash, MemState, pb, state_keys};
use prost::Message;
use std::collections::BTreeMap;

/// Default fuel limit of every harness transaction and query.
pub const DEFAULT_FUEL_LIMIT: u64 = 50_000_000;

/// An in-memory chain running contracts in the real VM.
///
/// Any node-level VM failure ([`crate::VmError`]) panics: in a test it means a bug in
/// the VM, not in the contract.
#[derive(Debug)]
pub struct TestChain {
    vm: Vm,
    state: MemState,
    env: BlockEnv,
    fuel_limit: u64,
    nonces: BTreeMap<Address, u64>,
}

impl Default for TestChain {
    fn default() -> Self {
        TestChain::new()
    }
}

impl TestChain {
    /// A chain at height 1 with the default VM configuration.
    pub fn new() -> TestChain {
        TestChain::with_config(VmConfig::default())
    }

    /// A chain with a custom VM configuration.
    pub fn with_config(cfg: VmConfig) -> TestChain {
        let vm = Vm::new(cfg).unwrap_or_else(|e| panic!("building the VM failed: {e}"));
        TestChain {
            vm,
            state: MemState::default(),
            env: BlockEnv {
                height: 1,
                time_ms: 1_700_000_000_000,
                chain_id: "bayledger-test".into(),
            },
            fuel_limit: DEFAULT_FUEL_LIMIT,
            nonces: BTreeMap::new(),
        }
    }

    /// Validates and stores code; returns its code hash.
    pub fn upload(&mut self, wasm: &[u8]) -> Result<Hash, ValidationError> {
        let info = self.vm.validate(wasm)?;
        self.state.0.insert(state_keys::code(&info.hash), wasm.to_vec());
        Ok(info.hash)
    }

    /// Creates a contract of `code` and runs its `instantiate` with `msg`. The
    /// address is `Address::contract(&sender, n)` where `n` counts `sender`'s
    /// instantiations so far (starting at 0, failed ones included). On failure
    /// nothing is stored.
    pub fn instantiate(
        &mut self,
        sender: Address,
        code: Hash,
        msg: &[u8],
    ) -> Result<Address, ExecOutcome> {
        let nonce = self.nonces.entry(sender).or_default();
        let contract = Address::contract(&sender, *nonce);
        *nonce += 1;
        if !self.state.0.contains_key(&state_keys::code(&code)) {
            return Err(ExecOutcome::rejected(format!("unknown code hash {code}")));
        }
        let info = pb::ContractInfo {
            code_hash: code.0.to_vec(),
            creator: sender.0.to_vec(),
            admin: Vec::new(),
            label: String::new(),
            created_height: self.env.height,
        };
        let mut overlay = Overlay::new(&self.state);
        overlay.put(state_keys::contract(&contract), info.encode_to_vec());
        let outcome = self
            .vm
            .instantiate(&mut overlay, &self.env, sender, contract, msg, self.fuel_limit)
            .unwrap_or_else(|e| panic!("VM failure (not a contract error): {e}"));
        if !outcome.is_ok() {
            return Err(outcome);
        }
        let writes = overlay.into_writes();
        self.state.apply(&writes);
        Ok(contract)
    }

    /// Runs `call` of `contract` as a transaction from `sender`; its writes are
    /// committed if the status is `OK`.
    pub fn call(&mut self, sender: Address, contract: Address, msg: &[u8]) -> ExecOutcome {
        let mut overlay = Overlay::new(&self.state);
        let outcome = self
            .vm
            .call(&mut overlay, &self.env, sender, contract, msg, self.fuel_limit)
            .unwrap_or_else(|e| panic!("VM failure (not a contract error): {e}"));
        let writes = overlay.into_writes();
        if outcome.is_ok() {
            self.state.apply(&writes);
        } else {
            assert!(writes.is_empty(), "a failed call left writes in the overlay");
        }
        outcome
    }

    /// Places a contract of `code` at `address` with `admin`, without running
    /// `instantiate` (e.g. a test contract at the governance contract's address).
    pub fn deploy_at(&mut self, address: Address, code: Hash, admin: Option<Address>) {
        let info = pb::ContractInfo {
            code_hash: code.0.to_vec(),
            creator: Address::default().0.to_vec(),
            admin: admin.map(|a| a.0.to_vec()).unwrap_or_default(),
            label: String::new(),
            created_height: self.env.height,
        };
        self.state.0.insert(state_keys::contract(&address), info.encode_to_vec());
    }

    /// Ends the current block as the node does: puts in force the validator and
    /// parameter changes scheduled for the next height (`system::end_block`).
    pub fn end_block(&mut self) {
        let mut overlay = Overlay::new(&self.state);
        crate::system::end_block(&mut overlay, self.env.height)
            .unwrap_or_else(|e| panic!("end of block {} failed: {e}", self.env.height));
        let writes = overlay.into_writes();
        self.state.apply(&writes);
    }

    /// Runs the read-only `query` of `contract`.
    pub fn query(&self, contract: Address, msg: &[u8]) -> ExecOutcome {
        self.vm
            .query(&self.state, &self.env, contract, msg, self.fuel_limit)
            .unwrap_or_else(|e| panic!("VM failure (not a contract error): {e}"))
    }

    /// Moves to block `height` at `time_ms`.
    pub fn set_block(&mut self, height: u64, time_ms: u64) {
        self.env.height = height;
        self.env.time_ms = time_ms;
    }

    /// Sets the fuel limit of later transactions and queries.
    pub fn set_fuel_limit(&mut self, fuel_limit: u64) {
        self.fuel_limit = fuel_limit;
    }

    /// The fuel limit in force.
    pub fn fuel_limit(&self) -> u64 {
        self.fuel_limit
    }

    /// The current block.
    pub fn block(&self) -> &BlockEnv {
        &self.env
    }

    /// The whole state.
    pub fn state(&self) -> &MemState {
        &self.state
    }

    /// The whole state, for setting up scenarios.
    pub fn state_mut(&mut self) -> &mut MemState {
        &mut self.state
    }

    /// The value `contract` stored under `key`.
    pub fn storage(&self, contract: Address, key: &[u8]) -> Option<&[u8]> {
        self.state.0.get(&state_keys::storage(&contract, key)).map(Vec::as_slice)
    }

    /// The metadata of `contract`.
    pub fn contract_info(&self, contract: Address) -> Option<pb::ContractInfo> {
        let raw = self.state.0.get(&state_keys::contract(&contract))?;
        pb::ContractInfo::decode(raw.as_slice()).ok()
    }

    /// The VM, e.g. for its cache counters.
    pub fn vm(&self) -> &Vm {
        &self.vm
    }
}

/// The module `<wasm_name>.wasm` built by `scripts/build-contracts.sh` for the contract crate
/// at `crate_dir` (pass `env!("CARGO_MANIFEST_DIR")`).
///
/// It is read from `$BAYLEDGER_CONTRACTS_DIR`, or `<workspace>/target/contracts`. A module
/// that is missing, or older than any `.rs` file of the crate or of the contract SDK,
/// panics with what to run: contract tests must never pass without running current code.
pub fn built_contract(crate_dir: &str, wasm_name: &str) -> Vec<u8> {
    use std::path::{Path, PathBuf};
    use std::time::SystemTime;

    fn newest_source(dir: &Path) -> SystemTime {
        let mut newest = SystemTime::UNIX_EPOCH;
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("directory entry").path();
            let time = if path.is_dir() {
                newest_source(&path)
            } else if path.extension().is_some_and(|e| e == "rs") {
                path.metadata().and_then(|m| m.modified()).expect("source mtime")
            } else {
                continue;
            };
            newest = newest.max(time);
        }
        newest
    }

    let workspace_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::var_os("BAYLEDGER_CONTRACTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root.join("target/contracts"));
    let path = dir.join(format!("{wasm_name}.wasm"));
    let built = path.metadata().and_then(|m| m.modified()).unwrap_or_else(|e| {
        panic!("{}: {e}: run scripts/build-contracts.sh first", path.display())
    });
    for src in [Path::new(crate_dir).join("src"), workspace_root.join("sdk/contract/src")] {
        assert!(
            newest_source(&src) <= built,
            "{} is older than the sources in {}: run scripts/build-contracts.sh first",
            path.display(),
            src.display()
        );
    }
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}: run scripts/build-contracts.sh first", path.display()))
}

/// The stand-in's source. `call`: applies each line of the input (`SystemAction` JSON) with `system_apply`. On the
/// first refusal it returns code 1 with the reason (the transaction fails) — unless the input
/// starts with `?`, then it keeps the last reason as return data and goes on. An input starting
/// with `!` applies everything and then fails with code 2.
const SYSTEM_ACTIONS_WAT: &str = r#"(module
  (import "bl" "system_apply" (func $system_apply (param i32 i32) (result i64)))
  (import "bl" "result_read" (func $result_read (param i32)))
  (import "bl" "set_return" (func $set_return (param i32 i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 65536))
  (func (export "bayledger_abi_v1"))
  (func (export "bl_alloc") (param $len i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $len)))
    (local.get $p))
  (func (export "call") (param $ptr i32) (param $len i32) (result i32)
    (local $end i32) (local $start i32) (local $i i32) (local $r i64)
    (local $fail i32) (local $lenient i32) (local $n i32)
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (if (i32.gt_u (local.get $len) (i32.const 0)) (then
      (if (i32.eq (i32.load8_u (local.get $ptr)) (i32.const 33)) (then
        (local.set $fail (i32.const 1)) (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))))
      (if (i32.eq (i32.load8_u (local.get $ptr)) (i32.const 63)) (then
        (local.set $lenient (i32.const 1)) (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))))))
    (local.set $start (local.get $ptr))
    (local.set $i (local.get $ptr))
    (block $done
      (loop $scan
        (if (i32.or (i32.ge_u (local.get $i) (local.get $end))
                    (i32.eq (i32.load8_u (local.get $i)) (i32.const 10)))
          (then
            (if (i32.gt_u (local.get $i) (local.get $start)) (then
              (local.set $r (call $system_apply (local.get $start) (i32.sub (local.get $i) (local.get $start))))
              (if (i64.lt_s (local.get $r) (i64.const 0)) (then
                (local.set $n (i32.wrap_i64 (i64.sub (i64.const -1) (local.get $r))))
                (call $result_read (i32.const 0))
                (call $set_return (i32.const 0) (local.get $n))
                (if (i32.eqz (local.get $lenient)) (then (return (i32.const 1))))))))
            (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $start (i32.add (local.get $i) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    (if (local.get $fail) (then (return (i32.const 2))))
    (i32.const 0))
  (func (export "query") (param $ptr i32) (param $len i32) (result i32)
    (if (i64.lt_s (call $system_apply (local.get $ptr) (local.get $len)) (i64.const 0))
      (then (return (i32.const 1))))
    (i32.const 0))
)"#;

/// A stand-in for the governance contract, to deploy at `system::governance_address()`
/// with [`TestChain::deploy_at`] (or in a genesis at index 4): its `call` applies each line of
/// its input as a `SystemAction` with `system_apply`, failing with code 1 and the host's
/// reason at the first refusal; a leading `?` keeps going after refusals (the last reason is
/// the return data), a leading `!` fails with code 2 after applying everything. Its `query`
/// tries `system_apply` too (which must trap).
pub fn system_actions_contract() -> Vec<u8> {
    wat::parse_str(SYSTEM_ACTIONS_WAT)
        .unwrap_or_else(|e| panic!("the system actions contract does not parse: {e}"))
}
