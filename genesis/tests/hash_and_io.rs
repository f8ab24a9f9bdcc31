//! The canonical hash, file round trips and the accessors the node uses.

mod common;

use bayledger_genesis::{Base64Bytes, Genesis, GenesisError};
use bayledger_types::hash::domain;
use bayledger_types::{Address, Hash};
use common::{EMPTY_WASM, key, sample};
use serde_json::json;
use std::collections::BTreeSet;

#[test]
fn canonical_bytes_are_compact_sorted_json_and_the_hash_is_tagged() {
    let g = Genesis::single_validator("c", &key(1).public_key(), 0);
    let k = key(1).public_key();
    let expected = format!(
        concat!(
            r#"{{"chain_id":"c","contracts":[],"genesis_time":"1970-01-01T00:00:00Z","initial_height":1,"members":[],"#,
            r#""params":{{"block_time_ms":1000,"max_block_bytes":4194304,"max_block_fuel":2000000000,"max_block_txs":5000,"#,
            r#""max_code_bytes":524288,"max_tx_bytes":1048576,"max_tx_fuel":100000000,"query_fuel_limit":50000000}},"#,
            r#""validators":[{{"address":"{}","name":"node0","power":10,"pub_key":"0x{}"}}]}}"#
        ),
        k.address(),
        hex::encode(k.to_compressed())
    );
    assert_eq!(String::from_utf8(g.canonical_bytes()).expect("utf8"), expected);
    assert_eq!(g.hash(), Hash::tagged(domain::GENESIS, expected.as_bytes()));
    assert_ne!(g.hash(), Hash::sha3(expected.as_bytes()), "the domain tag is part of the hash");
}

#[test]
fn whitespace_key_order_and_hex_spelling_do_not_change_the_hash() {
    let g = sample();
    let pretty = serde_json::to_string_pretty(&g).expect("json");
    let compact = serde_json::to_string(&g).expect("json");
    // Hand-written reordering (serde_json's own output is always in one order).
    let v = &g.validators;
    let mut reordered = String::from(r#"{"validators":["#);
    for (i, val) in v.iter().enumerate() {
        if i > 0 {
            reordered.push(',');
        }
        reordered.push_str(&format!(
            r#"{{ "power": {}, "pub_key": "{}", "name": "{}", "address": "{}" }}"#,
            val.power,
            hex::encode_upper(val.pub_key.0),
            val.name,
            val.address.to_string().to_uppercase().replacen("0X", "0x", 1)
        ));
    }
    reordered.push_str(&format!(
        r#"],
        "contracts": [{{"init_msg": {{"limits":[1,2], "owner":"a"}}, "code_base64": "AGFzbQEAAAA=", "label": "kv-registry"}}],
        "params": {},
        "members": {},
        "initial_height": 1, "genesis_time": "2026-11-22T00:00:00Z", "chain_id": "bayledger-dev" }}"#,
        serde_json::to_string_pretty(&g.params).expect("json"),
        serde_json::to_string(&g.members).expect("json"),
    ));
    for text in [pretty, compact, reordered] {
        let parsed = Genesis::from_json(&text).expect("valid");
        assert_eq!(parsed.hash(), g.hash(), "{text}");
    }
}

#[test]
fn every_value_change_changes_the_hash() {
    let base = sample();
    let mut variants: Vec<Genesis> = vec![base.clone()];
    let mut push = |edit: &dyn Fn(&mut Genesis)| {
        let mut g = base.clone();
        edit(&mut g);
        variants.push(g);
    };
    push(&|g| g.chain_id.push('x'));
    push(&|g| g.genesis_time = "2026-11-22T00:00:01Z".into());
    push(&|g| g.initial_height = 2);
    push(&|g| g.params.block_time_ms += 1);
    push(&|g| g.params.max_block_bytes += 1);
    push(&|g| g.params.max_block_txs += 1);
    push(&|g| g.params.max_tx_bytes += 1);
    push(&|g| g.params.max_block_fuel += 1);
    push(&|g| g.params.max_tx_fuel += 1);
    push(&|g| g.params.max_code_bytes += 1);
    push(&|g| g.params.query_fuel_limit += 1);
    push(&|g| g.validators[0].name.push('x'));
    push(&|g| g.validators[0].power += 1);
    push(&|g| g.validators.swap(0, 1));
    push(&|g| {
        g.validators.pop();
    });
    push(&|g| g.members[0].name.push('x'));
    push(&|g| g.members[1].address = Address([0xbc; 20]));
    push(&|g| g.members.swap(0, 1));
    push(&|g| g.contracts[0].label.push('x'));
    push(&|g| g.contracts[0].code_base64 = Base64Bytes([EMPTY_WASM, &[0]].concat()));
    push(&|g| g.contracts[0].init_msg = json!({"owner": "b", "limits": [1, 2]}));
    push(&|g| g.contracts[0].init_msg = json!({"owner": "a", "limits": [2, 1]}));
    push(&|g| g.contracts[0].admin = Some(Address([1; 20])));
    let hashes: BTreeSet<Hash> = variants.iter().map(Genesis::hash).collect();
    assert_eq!(hashes.len(), variants.len(), "two different genesis files hash alike");
}

#[test]
fn save_then_load_round_trips_pretty_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("genesis.json");
    let g = sample();
    g.save(&path).expect("saves");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("\n  \"chain_id\": \"bayledger-dev\""), "pretty printed: {text}");
    let loaded = Genesis::load(&path).expect("loads");
    assert_eq!(loaded, g);
    assert_eq!(loaded.hash(), g.hash());
}

#[test]
fn load_and_save_report_the_path_and_save_refuses_invalid_genesis() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing.json");
    let err = Genesis::load(&missing).expect_err("missing file");
    assert!(
        matches!(err, GenesisError::Read { .. }) && err.to_string().contains("missing.json"),
        "{err}"
    );

    let mut bad = sample();
    bad.initial_height = 0;
    let path = dir.path().join("bad.json");
    assert!(matches!(bad.save(&path), Err(GenesisError::InitialHeight)));
    assert!(!path.exists(), "nothing written for an invalid genesis");

    let err = sample().save(dir.path().join("no-such-dir/genesis.json")).expect_err("no dir");
    assert!(matches!(err, GenesisError::Write { .. }), "{err}");
}

#[test]
fn validator_set_keeps_file_order_and_carries_keys() {
    let g = sample();
    let set = g.validator_set();
    assert_eq!(set.validators.len(), 2);
    for (v, n) in set.validators.iter().zip([1u8, 2]) {
        assert_eq!(v.pub_key, key(n).public_key().to_compressed().to_vec());
        assert_eq!(v.address, key(n).address().0.to_vec());
    }
    assert_eq!((set.validators[0].name.as_str(), set.validators[0].power), ("node0", 10));
    assert_eq!((set.validators[1].name.as_str(), set.validators[1].power), ("node1", 5));
}

#[test]
fn contract_accessors() {
    let g = sample().with_contract(
        "second",
        [EMPTY_WASM, &[1]].concat(),
        json!({"z": 1, "a": [true]}),
        None,
    );
    assert_eq!(g.contract_code(0), EMPTY_WASM);
    assert_eq!(g.contract_code(1), [EMPTY_WASM, &[1]].concat());
    assert_eq!(g.init_msg_bytes(1), br#"{"a":[true],"z":1}"#);
    assert_eq!(Genesis::contract_address(0), Address::contract(&Address([0; 20]), 0));
    assert_ne!(Genesis::contract_address(0), Genesis::contract_address(1));
}
