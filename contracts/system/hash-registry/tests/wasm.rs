//! Runs the built `hash_registry.wasm` on the real VM through `bayledger_vm::testing::TestChain`:
//! the cross-border flow, refusals, batches, and an inclusion proof checked against the tree
//! head read straight from contract state. Messages, responses and events are checked against
//! the schemas.
//!
//! The module comes from `scripts/build-contracts.sh` ([`bayledger_vm::testing::built_contract`]):
//! a missing or out-of-date module fails the tests, which must never pass without running it.

#[path = "support/rfc9162.rs"]
mod rfc9162;
#[path = "support/schemas.rs"]
mod schemas;

use bayledger_types::Address;
use bayledger_types::pb::{Event, ExecStatus};
use bayledger_vm::ExecOutcome;
use bayledger_vm::testing::TestChain;
use serde_json::{Value, json};

const BANK_SZ: Address = Address([0x5a; 20]);
const BANK_HK: Address = Address([0x4b; 20]);
const T0: u64 = 1_700_000_000_000;

fn hash(n: u32) -> String {
    format!("0x{:064x}", u64::from(n) * 0x1_0000_0001 + 7)
}

fn entry(n: u32) -> Value {
    json!({"hash": hash(n), "data_type": "kyc-record"})
}

/// A chain with the registry instantiated (by `BANK_SZ`, which gives it no privilege).
fn deployed() -> (TestChain, Address) {
    let mut chain = TestChain::new();
    chain.set_block(10, T0);
    let wasm = bayledger_vm::testing::built_contract(env!("CARGO_MANIFEST_DIR"), "hash_registry");
    let code = chain.upload(&wasm).expect("hash_registry.wasm passes upload validation");
    schemas::check_message("instantiate", &json!({}));
    let contract = chain
        .instantiate(BANK_SZ, code, b"{}")
        .unwrap_or_else(|o| panic!("instantiate failed: {:?} {}", o.status, o.error));
    (chain, contract)
}

/// Sends `msg`; on success checks return data and events against the schemas.
fn call(chain: &mut TestChain, sender: Address, contract: Address, msg: Value) -> ExecOutcome {
    let out = chain.call(sender, contract, msg.to_string().as_bytes());
    if out.is_ok() {
        schemas::check_message("call", &msg);
        schemas::check_call_return(&msg, &out.return_data);
        for (topic, data) in decoded(&out.events) {
            schemas::check_event(&topic, &data);
        }
    }
    out
}

fn ok(out: ExecOutcome) -> Value {
    assert_eq!(out.status, ExecStatus::Ok, "{}", out.error);
    if out.return_data.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&out.return_data).expect("JSON return data")
    }
}

/// Asserts a refusal whose reason contains `expected`, with no events.
fn refused(out: ExecOutcome, expected: &str) {
    assert_eq!(out.status, ExecStatus::Aborted, "expected a refusal containing {expected:?}");
    assert!(out.error.contains(expected), "error {:?} lacks {expected:?}", out.error);
    assert!(out.events.is_empty());
}

fn query(chain: &TestChain, contract: Address, msg: Value) -> Value {
    schemas::check_message("query", &msg);
    let out = chain.query(contract, msg.to_string().as_bytes());
    assert_eq!(out.status, ExecStatus::Ok, "query {msg} failed: {}", out.error);
    let value: Value = serde_json::from_slice(&out.return_data).expect("query returns JSON");
    schemas::check_response(schemas::variant(&msg), &value);
    value
}

fn decoded(events: &[Event]) -> Vec<(String, Value)> {
    events
        .iter()
        .map(|e| (e.topic.clone(), serde_json::from_slice(&e.data).expect("event data is JSON")))
        .collect()
}

/// The committed tree head, read from contract storage (`log_head`: u64 size ‖ root).
fn head_from_state(chain: &TestChain, contract: Address) -> (u64, rfc9162::H) {
    let raw = chain.storage(contract, b"log_head").expect("log_head is stored");
    assert_eq!(raw.len(), 40, "u64 size ‖ 32-byte root");
    let size = u64::from_be_bytes(raw[..8].try_into().expect("8 bytes"));
    (size, raw[8..].try_into().expect("32 bytes"))
}

#[test]
fn cross_border_verification_flow() {
    let (mut chain, contract) = deployed();
    chain.set_block(11, T0 + 1000);
    let register = json!({"register": {
        "hash": hash(1),
        "data_type": "kyc-record",
        "commitment_scheme": "sha3-256(salt||data)",
        "metadata_uri": "https://bank-sz.example/records/1",
    }});
    let out = call(&mut chain, BANK_SZ, contract, register);
    assert_eq!(decoded(&out.events)[0].0, "hash.registered");
    assert_eq!(out.events[0].contract, contract.0.to_vec());
    assert_eq!(ok(out), json!({"hash": hash(1), "log_index": 0, "tree_size": 1}));

    // The Hong Kong bank received the record, recomputed the commitment, and checks it.
    let verdict = query(
        &chain,
        contract,
        json!({"verify": {"hash": hash(1), "registrant": BANK_SZ.to_string()}}),
    );
    assert_eq!(verdict["valid"], json!(true));
    assert_eq!(verdict["registration"]["registered_at_ms"], json!(T0 + 1000));
    assert_eq!(verdict["registration"]["registered_height"], json!(11));

    chain.set_block(12, T0 + 2000);
    let out = call(&mut chain, BANK_HK, contract, json!({"cosign": {"hash": hash(1)}}));
    assert_eq!(
        decoded(&out.events),
        [(
            "hash.cosigned".to_string(),
            json!({"hash": hash(1), "actor": BANK_HK.to_string(), "log_index": 0, "cosigners": 1})
        )]
    );
    ok(out);
    let status = query(&chain, contract, json!({"status": {"hash": hash(1)}}));
    assert_eq!(
        status["cosigners"],
        json!([{"address": BANK_HK.to_string(), "at_ms": T0 + 2000, "height": 12}])
    );

    chain.set_block(13, T0 + 3000);
    let supersede =
        json!({"supersede": {"hash": hash(1), "reason": "address corrected", "new": entry(2)}});
    let out = call(&mut chain, BANK_SZ, contract, supersede);
    let topics: Vec<String> = decoded(&out.events).into_iter().map(|(t, _)| t).collect();
    assert_eq!(topics, ["hash.registered", "hash.superseded"]);
    assert_eq!(ok(out), json!({"hash": hash(2), "log_index": 1, "tree_size": 2}));

    let old = query(&chain, contract, json!({"verify": {"hash": hash(1)}}));
    assert_eq!(old["valid"], json!(false));
    assert_eq!(old["registration"]["superseded_by"], json!(hash(2)));
    let then = query(&chain, contract, json!({"verify": {"hash": hash(1), "at_ms": T0 + 2500}}));
    assert_eq!(then["valid"], json!(true));
    let history = query(&chain, contract, json!({"history": {"hash": hash(1)}}));
    let actions: Vec<&str> = history["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions, ["registered", "cosigned", "superseded"]);

    chain.set_block(14, T0 + 4000);
    ok(call(
        &mut chain,
        BANK_SZ,
        contract,
        json!({"revoke": {"hash": hash(2), "reason": "closed"}}),
    ));
    let revoked = query(&chain, contract, json!({"status": {"hash": hash(2)}}));
    assert_eq!(revoked["status"], json!("revoked"));
    assert_eq!(revoked["status_change"]["height"], json!(14));
}

#[test]
fn refusals_abort_with_their_reason_and_change_nothing() {
    let (mut chain, contract) = deployed();
    ok(call(&mut chain, BANK_SZ, contract, json!({"register": entry(1)})));
    let state_before = chain.state().clone();

    refused(
        call(&mut chain, BANK_HK, contract, json!({"register": entry(1)})),
        &format!("already exists: hash {} is already registered", hash(1)),
    );
    refused(
        call(&mut chain, BANK_HK, contract, json!({"revoke": {"hash": hash(1), "reason": "r"}})),
        &format!("unauthorized: only the registrant {BANK_SZ} may revoke {}", hash(1)),
    );
    refused(
        call(&mut chain, BANK_SZ, contract, json!({"cosign": {"hash": hash(1)}})),
        "unauthorized: the registrant",
    );
    refused(
        call(&mut chain, BANK_SZ, contract, json!({"cosign": {"hash": hash(9)}})),
        &format!("not found: hash {} is not registered", hash(9)),
    );
    refused(chain.call(BANK_SZ, contract, b"not json"), "invalid message");
    let bad_hash = json!({"register": {"hash": "0xAB", "data_type": "k"}});
    assert!(!schemas::message_is_valid("call", &bad_hash), "the schema refuses it too");
    refused(call(&mut chain, BANK_SZ, contract, bad_hash), "invalid hash");
    assert_eq!(chain.state(), &state_before, "refusals left state untouched");

    ok(call(&mut chain, BANK_SZ, contract, json!({"revoke": {"hash": hash(1), "reason": "r"}})));
    refused(
        call(&mut chain, BANK_SZ, contract, json!({"revoke": {"hash": hash(1), "reason": "r"}})),
        &format!("conflict: hash {} is already revoked", hash(1)),
    );
    let out = chain.query(contract, br#"{"inclusion_proof":{}}"#);
    assert_eq!(out.status, ExecStatus::Aborted);
    assert!(
        out.error.contains("invalid message: give exactly one of hash and leaf_index"),
        "{}",
        out.error
    );
}

#[test]
fn a_full_batch_registers_atomically() {
    let (mut chain, contract) = deployed();
    let max = 64u32;
    let batch = |range: std::ops::Range<u32>| json!({"register_batch": {"entries": range.map(entry).collect::<Vec<_>>()}});
    let out = call(&mut chain, BANK_SZ, contract, batch(0..max));
    assert_eq!(out.events.len(), max as usize);
    let fuel = out.fuel_used;
    let result = ok(out);
    assert_eq!(result["tree_size"], json!(max));
    assert_eq!(result["registered"][63], json!({"hash": hash(63), "log_index": 63}));
    assert!(fuel < chain.fuel_limit() / 2, "a full batch burns {fuel} fuel");

    refused(call(&mut chain, BANK_SZ, contract, batch(max..2 * max + 1)), "limit: at most 64");
    // A duplicate in the last entry undoes the whole batch.
    let mut dup: Vec<Value> = (100..110).map(entry).collect();
    dup.push(entry(5));
    refused(
        call(&mut chain, BANK_HK, contract, json!({"register_batch": {"entries": dup}})),
        &format!("already exists: hash {} is already registered (entries[10])", hash(5)),
    );
    assert_eq!(head_from_state(&chain, contract).0, u64::from(max));
    let page = query(
        &chain,
        contract,
        json!({"by_registrant": {"registrant": BANK_SZ.to_string(), "start_after": 60}}),
    );
    let indices: Vec<u64> = page["registrations"]
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["log_index"].as_u64().expect("index"))
        .collect();
    assert_eq!(indices, [61, 62, 63]);
}

#[test]
fn proofs_verify_against_the_tree_head_in_state() {
    let (mut chain, contract) = deployed();
    let (size, root) = head_from_state(&chain, contract);
    assert_eq!((size, root), (0, rfc9162::sha(&[])), "empty log: SHA-256 of nothing");

    ok(call(
        &mut chain,
        BANK_SZ,
        contract,
        json!({"register_batch": {"entries": (0..11).map(entry).collect::<Vec<_>>()}}),
    ));
    let (old_size, old_root) = head_from_state(&chain, contract);
    assert_eq!(old_size, 11);
    for n in 11..21 {
        chain.set_block(11 + u64::from(n), T0 + u64::from(n) * 1000);
        ok(call(&mut chain, BANK_HK, contract, json!({"register": entry(n)})));
    }
    let (size, root) = head_from_state(&chain, contract);
    assert_eq!(size, 21);
    let head = query(&chain, contract, json!({"tree_head": {}}));
    assert_eq!(head, json!({"tree_size": 21, "root_hash": format!("0x{}", hex(&root))}));

    let mut leaves = Vec::new();
    for index in 0..size {
        let proof = query(&chain, contract, json!({"inclusion_proof": {"leaf_index": index}}));
        let leaf = rfc9162::from_hex(proof["leaf"].as_str().expect("leaf"));
        // The leaf carries the registration: version, hash, registrant, time, height, …
        assert_eq!(leaf[0], 1);
        assert_eq!(leaf[1..33], rfc9162::from_hex(&hash(index as u32))[..]);
        let registrant = if index < 11 { BANK_SZ } else { BANK_HK };
        assert_eq!(leaf[33..53], registrant.0);
        let path: Vec<rfc9162::H> = proof["inclusion_path"]
            .as_array()
            .expect("path")
            .iter()
            .map(|n| rfc9162::digest_from_hex(n.as_str().expect("hex")))
            .collect();
        assert!(
            rfc9162::verify_inclusion(index, size, rfc9162::leaf_hash(&leaf), &path, &root),
            "leaf {index} against the head in state"
        );
        let mut tampered = leaf.clone();
        tampered[60] ^= 1;
        assert!(!rfc9162::verify_inclusion(
            index,
            size,
            rfc9162::leaf_hash(&tampered),
            &path,
            &root
        ));
        leaves.push(leaf);
    }
    assert_eq!(rfc9162::mth(&leaves), root);

    let by_hash =
        query(&chain, contract, json!({"inclusion_proof": {"hash": hash(15), "tree_size": 16}}));
    assert_eq!(by_hash["leaf_index"], json!(15));
    assert_eq!(
        rfc9162::digest_from_hex(by_hash["root_hash"].as_str().expect("root")),
        rfc9162::mth(&leaves[..16])
    );

    // The log only grew: the old head from state is consistent with the new one.
    let proof = query(&chain, contract, json!({"consistency_proof": {"first": old_size}}));
    let path: Vec<rfc9162::H> = proof["consistency_path"]
        .as_array()
        .expect("path")
        .iter()
        .map(|n| rfc9162::digest_from_hex(n.as_str().expect("hex")))
        .collect();
    assert!(rfc9162::verify_consistency(old_size, size, &old_root, &root, &path));
    assert!(!rfc9162::verify_consistency(old_size, size, &rfc9162::sha(&[b"x"]), &root, &path));
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
