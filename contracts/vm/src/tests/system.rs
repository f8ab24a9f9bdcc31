//! `system_apply` and the governed state (ADR 0012): a small "governance" contract placed at
//! the governance contract's address applies newline-separated `SystemAction` JSON lines.

use super::{PROBE_BODY, account, assert_status, cmd, contract, probe};
use crate::system::{self, governance_address, params};
use crate::testing::{TestChain, system_actions_contract};
use bayledger_genesis::Params;
use bayledger_types::{Address, Hash, SecretKey, pb, pb::ExecStatus, state_keys};
use prost::Message;

/// The probe plus a `migrate` export that stores its message under `m` and fails with code 3
/// when the message is the 6-byte JSON string `"fail"`.
fn probe_with_migrate() -> Vec<u8> {
    contract(&format!(
        r#"{PROBE_BODY}
  (func (export "migrate") (param $p i32) (param $n i32) (result i32)
    (i32.store8 (i32.const 0) (i32.const 109))
    (call $storage_write (i32.const 0) (i32.const 1) (local.get $p) (local.get $n))
    (if (i32.eq (local.get $n) (i32.const 6)) (then (return (i32.const 3))))
    (i32.const 0))"#
    ))
}

const SENDER: Address = Address([0x5e; 20]);

fn key(n: u8) -> [u8; 33] {
    SecretKey::from_bytes(&[n; 32]).expect("valid key").public_key().to_compressed()
}

fn key_hex(n: u8) -> String {
    format!("0x{}", hex::encode(key(n)))
}

/// A chain with the governance test contract at the governance address, one validator
/// (key 1, power 10) and default parameters, at height 5.
fn gov_chain() -> TestChain {
    let mut chain = TestChain::new();
    let gov_code = chain.upload(&system_actions_contract()).expect("gov contract validates");
    chain.deploy_at(governance_address(), gov_code, None);
    let set = pb::ValidatorSet { validators: vec![validator(1, 10, "v1")] };
    let state = chain.state_mut();
    state.0.insert(state_keys::VALIDATORS.to_vec(), set.encode_to_vec());
    state.0.insert(state_keys::PARAMS.to_vec(), params::encode(&Params::default()));
    chain.set_block(5, 1_700_000_005_000);
    chain
}

fn validator(n: u8, power: u64, name: &str) -> pb::Validator {
    pb::Validator {
        address: Address::from_compressed_pubkey(&key(n)).0.to_vec(),
        pub_key: key(n).to_vec(),
        power,
        name: name.into(),
    }
}

fn apply(chain: &mut TestChain, lines: &[String]) -> crate::ExecOutcome {
    chain.call(SENDER, governance_address(), lines.join("\n").as_bytes())
}

fn validators(chain: &TestChain) -> Vec<(Vec<u8>, u64, String)> {
    let bytes = chain.state().0.get(state_keys::VALIDATORS).expect("set in state");
    let set = pb::ValidatorSet::decode(bytes.as_slice()).expect("decodes");
    set.validators.into_iter().map(|v| (v.pub_key, v.power, v.name)).collect()
}

fn has(chain: &TestChain, key: &[u8]) -> bool {
    chain.state().0.contains_key(key)
}

#[test]
fn only_the_governance_contract_may_apply_and_never_in_a_query() {
    let mut chain = gov_chain();
    let code = chain.upload(&system_actions_contract()).expect("validates");
    let impostor = chain.instantiate(account(1), code, &[]).expect("instantiates");
    let grant = format!(r#"{{"grant_upload":{{"account":"{}"}}}}"#, account(9));
    let out = chain.call(SENDER, impostor, grant.as_bytes());
    assert_status(&out, ExecStatus::Trap);
    assert!(
        out.error.contains(&format!(
            "only the governance contract {} may apply system actions, not {impostor}",
            governance_address()
        )),
        "{}",
        out.error
    );
    let out = chain.query(governance_address(), grant.as_bytes());
    assert_status(&out, ExecStatus::Trap);
    assert!(out.error.contains("`system_apply`: state is read-only in a query"), "{}", out.error);
    assert!(!has(&chain, &state_keys::uploader(&account(9))));
    // The same action from the governance address is applied.
    assert_status(&apply(&mut chain, &[grant]), ExecStatus::Ok);
    assert!(has(&chain, &state_keys::uploader(&account(9))));
}

#[test]
fn a_refused_action_comes_back_to_the_contract_and_writes_nothing() {
    let mut chain = gov_chain();
    let cases = [
        (r#"{"freeze":{"address":"nonsense"}}"#, "address \"nonsense\" must start with 0x"),
        (
            r#"{"unfreeze":{"address":"0x0909090909090909090909090909090909090909"}}"#,
            "0x0909090909090909090909090909090909090909 is not frozen",
        ),
        (r#"{"frobnicate":{}}"#, "invalid system action: unknown variant `frobnicate`"),
    ];
    for (line, reason) in cases {
        // `?`: the contract keeps going after a refusal and returns the reason.
        let out = chain.call(SENDER, governance_address(), format!("?{line}").as_bytes());
        assert_status(&out, ExecStatus::Ok);
        assert!(out.return_text().contains(reason), "{line}: {}", out.return_text());
    }
    assert!(!chain.state().0.keys().any(|k| k.starts_with(b"sys/frozen/")));
}

#[test]
fn a_failing_proposal_reverts_every_action_it_applied() {
    let mut chain = gov_chain();
    let target = account(7);
    let freeze = format!(r#"{{"freeze":{{"address":"{target}"}}}}"#);
    let grant = format!(r#"{{"grant_upload":{{"account":"{target}"}}}}"#);
    // Two good actions, then the contract fails: both are undone.
    let out = chain.call(SENDER, governance_address(), format!("!{freeze}\n{grant}").as_bytes());
    assert_status(&out, ExecStatus::Aborted);
    assert!(!has(&chain, &state_keys::frozen(&target)));
    assert!(!has(&chain, &state_keys::uploader(&target)));
    // Two good actions, then a refused one: the refusal fails the proposal, all undone.
    let bad = r#"{"set_params":{"effective_height":3,"params":{"block_time_ms":500}}}"#;
    let out = apply(&mut chain, &[freeze.clone(), grant.clone(), bad.to_string()]);
    assert_status(&out, ExecStatus::Aborted);
    assert!(
        out.error.contains("effective_height 3 must be above the current height 5"),
        "{}",
        out.error
    );
    assert!(!has(&chain, &state_keys::frozen(&target)));
    assert!(!has(&chain, &state_keys::uploader(&target)));
    assert_status(&apply(&mut chain, &[freeze, grant]), ExecStatus::Ok);
    assert!(has(&chain, &state_keys::frozen(&target)));
    assert!(has(&chain, &state_keys::uploader(&target)));
}

#[test]
fn uploads_and_freezes_are_granted_revoked_and_refused_when_they_change_nothing() {
    let mut chain = gov_chain();
    let a = account(3);
    let line = |op: &str, field: &str| format!(r#"{{"{op}":{{"{field}":"{a}"}}}}"#);
    assert!(system::may_upload(chain.state(), &a).expect("reads"));
    chain.state_mut().0.insert(state_keys::UPLOADS_RESTRICTED.to_vec(), vec![1]);
    assert!(!system::may_upload(chain.state(), &a).expect("reads"));
    assert_status(&apply(&mut chain, &[line("grant_upload", "account")]), ExecStatus::Ok);
    assert!(system::may_upload(chain.state(), &a).expect("reads"));
    let again = apply(&mut chain, &[line("grant_upload", "account")]);
    assert!(again.error.contains("may already upload code"), "{}", again.error);
    assert_status(&apply(&mut chain, &[line("revoke_upload", "account")]), ExecStatus::Ok);
    assert!(!system::may_upload(chain.state(), &a).expect("reads"));

    assert_status(&apply(&mut chain, &[line("freeze", "address")]), ExecStatus::Ok);
    assert!(system::is_frozen(chain.state(), &a).expect("reads"));
    let stored = chain.state().0.get(&state_keys::frozen(&a)).expect("mark");
    assert_eq!(stored, &5u64.to_be_bytes().to_vec(), "freezing height");
    assert_status(&apply(&mut chain, &[line("unfreeze", "address")]), ExecStatus::Ok);
    assert!(!system::is_frozen(chain.state(), &a).expect("reads"));
    let gov = format!(r#"{{"freeze":{{"address":"{}"}}}}"#, governance_address());
    let out = apply(&mut chain, &[gov]);
    assert!(out.error.contains("the governance contract cannot be frozen"), "{}", out.error);
}

#[test]
fn calls_to_a_frozen_contract_fail_directly_and_nested_but_queries_answer() {
    let mut chain = gov_chain();
    let code = chain.upload(&probe()).expect("probe");
    let frozen = chain.instantiate(account(1), code, &[]).expect("probe");
    let caller = chain.instantiate(account(1), code, &[]).expect("probe");
    let freeze = format!(r#"{{"freeze":{{"address":"{frozen}"}}}}"#);
    assert_status(&apply(&mut chain, &[freeze]), ExecStatus::Ok);
    let out = chain.call(SENDER, frozen, &cmd(b'h', &[]));
    assert_status(&out, ExecStatus::Rejected);
    assert_eq!(out.error, format!("contract {frozen} is frozen by governance"));
    let out = chain.call(SENDER, caller, &super::call_cmd(frozen, 0, &cmd(b'h', &[])));
    assert_status(&out, ExecStatus::Ok);
    let (rc, reason) = super::nested_result(&out.return_data);
    assert!(rc < 0, "nested call to a frozen contract must fail");
    assert_eq!(
        String::from_utf8_lossy(&reason),
        format!("contract {frozen} is frozen by governance")
    );
    assert_status(&chain.query(frozen, &cmd(b'h', &[])), ExecStatus::Ok);
    let unfreeze = format!(r#"{{"unfreeze":{{"address":"{frozen}"}}}}"#);
    assert_status(&apply(&mut chain, &[unfreeze]), ExecStatus::Ok);
    assert_status(&chain.call(SENDER, frozen, &cmd(b'h', &[])), ExecStatus::Ok);
}

#[test]
fn set_admin_sets_and_clears_the_admin() {
    let mut chain = gov_chain();
    let code = chain.upload(&probe()).expect("probe");
    let c = chain.instantiate(account(1), code, &[]).expect("probe");
    let set = format!(r#"{{"set_admin":{{"contract":"{c}","admin":"{}"}}}}"#, account(4));
    assert_status(&apply(&mut chain, &[set]), ExecStatus::Ok);
    assert_eq!(chain.contract_info(c).expect("info").admin, account(4).0.to_vec());
    assert_status(
        &apply(&mut chain, &[format!(r#"{{"set_admin":{{"contract":"{c}"}}}}"#)]),
        ExecStatus::Ok,
    );
    assert!(chain.contract_info(c).expect("info").admin.is_empty());
    let none = format!(r#"{{"set_admin":{{"contract":"{}"}}}}"#, account(8));
    let out = apply(&mut chain, &[none]);
    assert!(out.error.contains(&format!("no contract at {}", account(8))), "{}", out.error);
}

/// A probe contract administered by governance, with `v` under key `k`.
fn migratable(chain: &mut TestChain) -> (Address, Hash, Hash) {
    let old = chain.upload(&probe()).expect("probe");
    let new = chain.upload(&probe_with_migrate()).expect("probe with migrate");
    let c = Address([0xcc; 20]);
    chain.deploy_at(c, old, Some(governance_address()));
    assert_status(&chain.call(SENDER, c, &super::write(b"k", b"v")), ExecStatus::Ok);
    (c, old, new)
}

fn migrate_line(c: Address, code: Hash, msg: &str) -> String {
    format!(r#"{{"migrate":{{"contract":"{c}","code_hash":"0x{}","msg":{msg}}}}}"#, code.to_hex())
}

#[test]
fn migrate_switches_code_keeps_storage_and_runs_migrate() {
    let mut chain = gov_chain();
    let (c, _, new) = migratable(&mut chain);
    assert_status(&apply(&mut chain, &[migrate_line(c, new, r#"{"v":2}"#)]), ExecStatus::Ok);
    let info = chain.contract_info(c).expect("info");
    assert_eq!(info.code_hash, new.0.to_vec());
    assert_eq!(chain.storage(c, b"k"), Some(&b"v"[..]), "storage kept");
    assert_eq!(chain.storage(c, b"m"), Some(&br#"{"v":2}"#[..]), "migrate ran with msg");
    // Same address, new code: the probe still answers.
    let out = chain.call(SENDER, c, &cmd(b'r', b"k"));
    assert_eq!(out.return_data, b"v");
}

#[test]
fn a_failing_migrate_undoes_the_switch() {
    let mut chain = gov_chain();
    let (c, old, new) = migratable(&mut chain);
    let out = apply(&mut chain, &[format!("?{}", migrate_line(c, new, r#""fail""#))]);
    assert_status(&out, ExecStatus::Ok);
    assert!(
        out.return_text().contains(&format!("migrating {c}: contract returned error code 3")),
        "{}",
        out.return_text()
    );
    assert_eq!(chain.contract_info(c).expect("info").code_hash, old.0.to_vec());
    assert_eq!(chain.storage(c, b"m"), None);
}

#[test]
fn migrate_is_refused_without_admin_and_for_code_without_migrate() {
    let mut chain = gov_chain();
    let (c, old, new) = migratable(&mut chain);
    let out = apply(&mut chain, &[migrate_line(c, old, "null")]);
    assert!(
        out.error.contains(&format!("code {old} has no `migrate` entry point")),
        "{}",
        out.error
    );
    let unknown = Hash([9; 32]);
    let out = apply(&mut chain, &[migrate_line(c, unknown, "null")]);
    assert!(out.error.contains(&format!("no code uploaded with hash {unknown}")), "{}", out.error);
    let other = Address([0xdd; 20]);
    chain.deploy_at(other, old, Some(account(1)));
    let out = apply(&mut chain, &[migrate_line(other, new, "null")]);
    assert!(
        out.error.contains(&format!("only the admin of {other} may migrate it")),
        "{}",
        out.error
    );
    assert_eq!(chain.contract_info(other).expect("info").code_hash, old.0.to_vec());
}

#[test]
fn validator_changes_take_effect_exactly_after_block_effective_height_minus_one() {
    let mut chain = gov_chain();
    let add = format!(
        r#"{{"set_validator":{{"pub_key":"{}","power":5,"name":"v2","effective_height":8}}}}"#,
        key_hex(2)
    );
    assert_status(&apply(&mut chain, &[add]), ExecStatus::Ok);
    let before = validators(&chain);
    for h in 5..7 {
        chain.set_block(h, 1_700_000_000_000 + h);
        chain.end_block();
        assert_eq!(validators(&chain), before, "after block {h}");
    }
    chain.set_block(7, 1_700_000_000_007);
    chain.end_block();
    assert_eq!(
        validators(&chain),
        vec![(key(1).to_vec(), 10, "v1".into()), (key(2).to_vec(), 5, "v2".into())]
    );
    assert!(!has(&chain, &state_keys::pending_validators(8)));
}

#[test]
fn validator_changes_that_would_break_the_set_are_refused() {
    let mut chain = gov_chain();
    let set = |n: u8, power: u64, name: &str, at: u64| {
        format!(
            r#"{{"set_validator":{{"pub_key":"{}","power":{power},"name":"{name}","effective_height":{at}}}}}"#,
            key_hex(n)
        )
    };
    for (line, reason) in [
        (set(1, 0, "", 9), "validator set at height 9: no validator would be left"),
        (set(2, 0, "", 9), "is not a validator, so it cannot be removed"),
        (set(2, 5, "", 9), "needs a name"),
        (set(2, 5, "v1", 9), "two validators would be named \"v1\""),
        (set(2, 5, "v2", 5), "effective_height 5 must be above the current height 5"),
        (set(2, u64::MAX, "v2", 9), "total power would exceed"),
        (
            r#"{"set_validator":{"pub_key":"0x02ff","power":1,"name":"x","effective_height":9}}"#
                .into(),
            "is not a point on secp256k1",
        ),
    ] {
        let out = apply(&mut chain, std::slice::from_ref(&line));
        assert_status(&out, ExecStatus::Aborted);
        assert!(out.error.contains(reason), "{line}: {}", out.error);
    }
    // Adding v2 at 9 and removing v1 at 10 is fine; removing v2 at 8 (before it exists) is not.
    assert_status(&apply(&mut chain, &[set(2, 5, "v2", 9), set(1, 0, "", 10)]), ExecStatus::Ok);
    let out = apply(&mut chain, &[set(2, 0, "", 8)]);
    assert!(out.error.contains("validator set at height 8"), "{}", out.error);
    // Removing v2 at 11 would leave nobody after v1 leaves at 10.
    let out = apply(&mut chain, &[set(2, 0, "", 11)]);
    assert!(
        out.error.contains("validator set at height 11: no validator would be left"),
        "{}",
        out.error
    );
}

#[test]
fn params_change_exactly_at_the_effective_height_and_must_stay_valid() {
    let mut chain = gov_chain();
    let change = r#"{"set_params":{"effective_height":7,"params":{"block_time_ms":250}}}"#;
    let more = r#"{"set_params":{"effective_height":7,"params":{"max_tx_fuel":1000}}}"#;
    assert_status(&apply(&mut chain, &[change.into(), more.into()]), ExecStatus::Ok);
    let in_force = |chain: &TestChain| {
        params::params_in_force(chain.state()).expect("reads").expect("present")
    };
    chain.end_block(); // block 5
    assert_eq!(in_force(&chain), Params::default());
    chain.set_block(6, 1_700_000_000_006);
    chain.end_block();
    let p = in_force(&chain);
    assert_eq!((p.block_time_ms, p.max_tx_fuel), (250, 1000));
    assert_eq!(p.max_block_txs, Params::default().max_block_txs, "untouched fields kept");
    let zero = r#"{"set_params":{"effective_height":9,"params":{"max_block_txs":0}}}"#;
    let out = apply(&mut chain, &[zero.into()]);
    assert!(out.error.contains("parameters at height 9"), "{}", out.error);
    let huge = r#"{"set_params":{"effective_height":9,"params":{"max_code_bytes":1073741824}}}"#;
    let out = apply(&mut chain, &[huge.into()]);
    assert!(out.error.contains("the limit this VM loads code with"), "{}", out.error);
    let empty = r#"{"set_params":{"effective_height":9,"params":{}}}"#;
    let out = apply(&mut chain, &[empty.into()]);
    assert!(out.error.contains("sets no field"), "{}", out.error);
}

#[test]
fn nodes_are_admitted_once_by_key_and_name_and_removed() {
    let mut chain = gov_chain();
    let admit = |n: u8, name: &str| {
        format!(r#"{{"admit_node":{{"node_key":"{}","name":"{name}"}}}}"#, key_hex(n))
    };
    assert_status(&apply(&mut chain, &[admit(4, "node4")]), ExecStatus::Ok);
    let raw = chain.state().0.get(&state_keys::node(&key(4))).expect("admitted").clone();
    let node = system::access::decode_node(b"", &raw).expect("decodes");
    assert_eq!((node.name.as_str(), node.node_key.0), ("node4", key(4)));
    assert!(apply(&mut chain, &[admit(4, "other")]).error.contains("already admitted"));
    assert!(apply(&mut chain, &[admit(5, "node4")]).error.contains("a node named \"node4\""));
    let remove = format!(r#"{{"remove_node":{{"node_key":"{}"}}}}"#, key_hex(4));
    assert_status(&apply(&mut chain, std::slice::from_ref(&remove)), ExecStatus::Ok);
    assert!(!has(&chain, &state_keys::node(&key(4))));
    assert!(apply(&mut chain, &[remove]).error.contains("is not admitted"));
}

#[test]
fn each_system_apply_costs_the_same_and_at_least_its_base_and_copy() {
    // n freezes of equally long lines on a fresh chain: fuel is linear in n, and each step
    // costs at least the call base, the system_apply base and the copy of the line.
    let line = |n: u8| format!(r#"{{"freeze":{{"address":"{}"}}}}"#, account(n));
    let fuel = |n: u8| apply(&mut gov_chain(), &(1..=n).map(line).collect::<Vec<_>>()).fuel_used;
    let (f1, f2, f3) = (fuel(1), fuel(2), fuel(3));
    assert_eq!(f3 - f2, f2 - f1, "fuel {f1}, {f2}, {f3}");
    let costs = crate::fuel::HOST_COSTS;
    let floor =
        costs.call_base + costs.system_apply_base + line(1).len() as u64 * costs.copy_per_byte;
    assert!(f2 - f1 >= floor, "one more action costs {} < {floor}", f2 - f1);
}
