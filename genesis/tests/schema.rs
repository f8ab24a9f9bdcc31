//! Parsing: the schema is strict, and errors in encoded fields say which field.

mod common;

use bayledger_genesis::{Genesis, GenesisError};
use common::sample;
use serde_json::{Value, json};

fn with(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = serde_json::to_value(sample()).expect("to value");
    edit(&mut v);
    v.to_string()
}

fn parse_err(json: &str) -> String {
    match Genesis::from_json(json) {
        Err(GenesisError::Json(e)) => e.to_string(),
        other => panic!("expected a schema error, got {other:?}"),
    }
}

#[test]
fn the_documented_example_parses() {
    let k = common::key(1).public_key();
    let json = format!(
        r#"{{ "chain_id": "bayledger-dev", "genesis_time": "2026-11-22T00:00:00Z", "initial_height": 1,
   "params": {{ "block_time_ms": 1000, "max_block_bytes": 4194304, "max_block_txs": 5000, "max_tx_bytes": 1048576,
               "max_block_fuel": 2000000000, "max_tx_fuel": 100000000, "max_code_bytes": 524288, "query_fuel_limit": 50000000 }},
   "validators": [ {{ "name": "node0", "address": "{}", "pub_key": "0x{}", "power": 10 }} ],
   "members": [ {{ "name": "member-a", "address": "0x{}" }} ],
   "contracts": [ {{ "label": "kv-registry", "code_base64": "AGFzbQEAAAA=", "init_msg": {{ "a": [1, {{}}] }}, "admin": "0x{}" }} ] }}"#,
        k.address(),
        hex::encode(k.to_compressed()),
        "aa".repeat(20),
        "cc".repeat(20),
    );
    let g = Genesis::from_json(&json).expect("example parses and validates");
    assert_eq!(
        g,
        Genesis::single_validator("bayledger-dev", &k, 1_795_305_600_000)
            .with_member("member-a", bayledger_types::Address([0xaa; 20]))
            .with_contract(
                "kv-registry",
                common::EMPTY_WASM.to_vec(),
                json!({"a": [1, {}]}),
                Some(bayledger_types::Address([0xcc; 20]))
            )
    );
}

#[test]
fn unknown_fields_are_refused_at_every_level() {
    assert!(parse_err(&with(|v| v["extra"] = json!(1))).contains("unknown field `extra`"));
    assert!(
        parse_err(&with(|v| v["params"]["max_gas"] = json!(1))).contains("unknown field `max_gas`")
    );
    assert!(
        parse_err(&with(|v| v["validators"][0]["weight"] = json!(1)))
            .contains("unknown field `weight`")
    );
    assert!(
        parse_err(&with(|v| v["members"][0]["role"] = json!(1))).contains("unknown field `role`")
    );
    assert!(
        parse_err(&with(|v| v["contracts"][0]["code"] = json!("")))
            .contains("unknown field `code`")
    );
}

#[test]
fn missing_required_fields_are_refused() {
    let err = parse_err(&with(|v| {
        v.as_object_mut().expect("object").remove("validators");
    }));
    assert!(err.contains("missing field `validators`"), "{err}");
    let err = parse_err(&with(|v| {
        v["params"].as_object_mut().expect("object").remove("max_tx_fuel");
    }));
    assert!(err.contains("missing field `max_tx_fuel`"), "{err}");
}

#[test]
fn optional_sections_default_to_empty() {
    let json = with(|v| {
        let o = v.as_object_mut().expect("object");
        o.remove("members");
        o.remove("contracts");
    });
    let g = Genesis::from_json(&json).expect("valid");
    assert!(g.members.is_empty() && g.contracts.is_empty());
    let json = with(|v| {
        let c = v["contracts"][0].as_object_mut().expect("object");
        c.remove("init_msg");
    });
    assert_eq!(Genesis::from_json(&json).expect("valid").init_msg_bytes(0), b"{}");
}

#[test]
fn malformed_encodings_name_the_field() {
    let err = parse_err(&with(|v| v["validators"][0]["pub_key"] = json!("0x0211")));
    assert!(err.contains("pub_key") && err.contains("33-byte"), "{err}");
    let err = parse_err(&with(|v| v["validators"][0]["address"] = json!("0x1234")));
    assert!(err.contains("address must be 20 bytes"), "{err}");
    let err = parse_err(&with(|v| v["contracts"][0]["code_base64"] = json!("%%%")));
    assert!(err.contains("code_base64"), "{err}");
    let err = parse_err(&with(|v| v["initial_height"] = json!(-1)));
    assert!(err.contains("invalid value"), "{err}");
    assert!(parse_err("{ not json").contains("key must be a string"));
}

#[test]
fn from_json_validates() {
    let json = with(|v| v["chain_id"] = json!("UPPER"));
    assert!(matches!(Genesis::from_json(&json), Err(GenesisError::ChainId(_))));
}
