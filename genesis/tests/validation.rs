//! Every validation rule, with the error that names the offending field.

mod common;

use bayledger_genesis::{Base64Bytes, CompressedKey, Genesis, GenesisError, MAX_TOTAL_POWER};
use common::{EMPTY_WASM, key, sample};
use serde_json::json;

fn check(g: &Genesis) -> GenesisError {
    g.validate().expect_err("genesis should be refused")
}

#[test]
fn sample_and_single_validator_chains_are_valid() {
    sample().validate().expect("sample is valid");
    Genesis::single_validator("c", &key(9).public_key(), 0)
        .validate()
        .expect("minimal chain is valid");
}

#[test]
fn chain_id_must_be_1_to_50_of_lowercase_digits_and_dashes() {
    for bad in ["", "Bayledger", "bay_ledger", "bay ledger", "bayledger-é", &"a".repeat(51)] {
        let mut g = sample();
        g.chain_id = bad.to_string();
        assert!(matches!(check(&g), GenesisError::ChainId(ref id) if id == bad), "{bad:?}");
    }
    let mut g = sample();
    g.chain_id = format!("{}-0", "a".repeat(48));
    g.validate().expect("50 characters are allowed");
}

#[test]
fn genesis_time_must_parse_as_utc() {
    let mut g = sample();
    g.genesis_time = "2026-11-22T00:00:00+02:00".into();
    let err = check(&g);
    assert!(matches!(err, GenesisError::GenesisTime { .. }));
    assert!(err.to_string().contains("genesis_time"), "{err}");
    assert_eq!(sample().genesis_time_ms().expect("parses"), 1_795_305_600_000);
}

#[test]
fn initial_height_must_be_positive() {
    let mut g = sample();
    g.initial_height = 0;
    assert!(matches!(check(&g), GenesisError::InitialHeight));
}

#[test]
fn every_param_must_be_positive() {
    let names = [
        "block_time_ms",
        "max_block_bytes",
        "max_block_txs",
        "max_tx_bytes",
        "max_block_fuel",
        "max_tx_fuel",
        "max_code_bytes",
        "query_fuel_limit",
    ];
    for name in names {
        let mut v = serde_json::to_value(sample()).expect("to value");
        v["params"][name] = json!(0);
        let g: Genesis = serde_json::from_value(v).expect("schema");
        let err = check(&g);
        assert!(matches!(err, GenesisError::ZeroParam(n) if n == name), "{name}: {err}");
        assert!(err.to_string().contains(&format!("params.{name}")), "{err}");
    }
}

#[test]
fn params_must_be_consistent() {
    let mut g = sample();
    g.params.max_tx_bytes = g.params.max_block_bytes + 1;
    assert!(matches!(check(&g), GenesisError::InconsistentParams { field: "max_tx_bytes", .. }));

    let mut g = sample();
    g.params.max_tx_fuel = g.params.max_block_fuel + 1;
    assert!(matches!(check(&g), GenesisError::InconsistentParams { field: "max_tx_fuel", .. }));

    let mut g = sample();
    g.params.max_code_bytes = g.params.max_tx_bytes;
    let err = check(&g);
    assert!(matches!(err, GenesisError::InconsistentParams { field: "max_code_bytes", .. }));
    assert!(err.to_string().contains("less than params.max_tx_bytes"), "{err}");

    let mut g = sample();
    g.params.max_block_txs = u64::from(u32::MAX) + 1;
    assert!(matches!(check(&g), GenesisError::InconsistentParams { field: "max_block_txs", .. }));

    let mut g = sample();
    g.params.max_tx_bytes = g.params.max_block_bytes;
    g.params.max_tx_fuel = g.params.max_block_fuel;
    g.validate().expect("equal limits are allowed");
}

#[test]
fn at_least_one_validator() {
    let mut g = sample();
    g.validators.clear();
    assert!(matches!(check(&g), GenesisError::NoValidators));
}

#[test]
fn validator_fields_are_checked_and_named() {
    let mut g = sample();
    g.validators[1].name.clear();
    assert!(matches!(check(&g), GenesisError::Validator { index: 1, field: "name", .. }));

    let mut g = sample();
    g.validators[0].pub_key = CompressedKey([0x05; 33]);
    let err = check(&g);
    assert!(matches!(err, GenesisError::Validator { index: 0, field: "pub_key", .. }), "{err}");
    assert!(err.to_string().starts_with("validators[0].pub_key"), "{err}");

    let mut g = sample();
    g.validators[1].address = key(7).address();
    let err = check(&g);
    assert!(matches!(err, GenesisError::Validator { index: 1, field: "address", .. }), "{err}");
    assert!(
        err.to_string().contains(&key(2).address().to_string()),
        "names the derived address: {err}"
    );

    let mut g = sample();
    g.validators[1].power = 0;
    assert!(matches!(check(&g), GenesisError::Validator { index: 1, field: "power", .. }));
}

#[test]
fn total_power_is_bounded() {
    let mut g = sample();
    g.validators[0].power = MAX_TOTAL_POWER - g.validators[1].power;
    g.validate().expect("exactly the maximum is allowed");
    g.validators[0].power += 1;
    assert!(matches!(check(&g), GenesisError::TotalPower { max: MAX_TOTAL_POWER }));
    g.validators[0].power = u64::MAX;
    assert!(matches!(check(&g), GenesisError::TotalPower { .. }), "u64 overflow is caught");
}

#[test]
fn validators_must_be_distinct() {
    let same_key = sample().with_validator("node2", &key(1).public_key(), 1);
    assert!(matches!(
        check(&same_key),
        GenesisError::DuplicateValidator { field: "pub_key", first: 0, second: 2 }
    ));
    let same_name = sample().with_validator("node1", &key(5).public_key(), 1);
    assert!(matches!(
        check(&same_name),
        GenesisError::DuplicateValidator { field: "name", first: 1, second: 2 }
    ));
}

#[test]
fn members_must_be_named_and_distinct() {
    let mut g = sample();
    g.members[1].name.clear();
    assert!(matches!(check(&g), GenesisError::Member { index: 1, field: "name", .. }));

    let g = sample().with_member("member-c", key(3).address());
    assert!(matches!(
        check(&g),
        GenesisError::DuplicateMember { field: "address", first: 0, second: 2 }
    ));

    let g = sample().with_member("member-a", key(4).address());
    assert!(matches!(
        check(&g),
        GenesisError::DuplicateMember { field: "name", first: 0, second: 2 }
    ));
}

#[test]
fn contract_label_must_be_present_short_and_unique() {
    let mut g = sample();
    g.contracts[0].label.clear();
    assert!(matches!(check(&g), GenesisError::Contract { index: 0, field: "label", .. }));

    let mut g = sample();
    g.contracts[0].label = "x".repeat(129);
    assert!(matches!(check(&g), GenesisError::Contract { index: 0, field: "label", .. }));

    let g = sample().with_contract("kv-registry", EMPTY_WASM.to_vec(), json!({}), None);
    let err = check(&g);
    assert!(
        matches!(err, GenesisError::DuplicateContractLabel { first: 0, second: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("kv-registry"), "{err}");
}

#[test]
fn contract_code_must_be_non_empty_wasm_within_the_limit() {
    let mut g = sample();
    g.contracts[0].code_base64 = Base64Bytes(Vec::new());
    let err = check(&g);
    assert!(matches!(err, GenesisError::Contract { index: 0, field: "code_base64", .. }), "{err}");

    let mut g = sample();
    g.contracts[0].code_base64 = Base64Bytes(b"not wasm at all".to_vec());
    let err = check(&g);
    assert!(err.to_string().contains("WebAssembly"), "{err}");

    let mut g = sample();
    let mut big = EMPTY_WASM.to_vec();
    big.resize(g.params.max_code_bytes as usize + 1, 0);
    g.contracts[0].code_base64 = Base64Bytes(big);
    let err = check(&g);
    assert!(err.to_string().contains("max_code_bytes"), "{err}");
}

#[test]
fn admitted_nodes_are_checked_and_an_empty_list_keeps_the_hash() {
    use bayledger_genesis::NodeRole;
    use bayledger_types::SecretKey;
    let base = common::sample();
    let before = base.hash();
    let json = serde_json::to_string(&base).expect("json");
    assert!(!json.contains("\"nodes\""), "an empty node list is not serialised");
    let k = SecretKey::from_bytes(&[7; 32]).expect("key").public_key();
    let with = base.clone().with_node("node0", &k, NodeRole::Validator);
    with.validate().expect("valid");
    assert_ne!(with.hash(), before, "admitted nodes are part of the genesis hash");
    let round_trip =
        Genesis::from_json(&serde_json::to_string(&with).expect("json")).expect("parses");
    assert_eq!(round_trip, with);
    let dup = with.clone().with_node("node1", &k, NodeRole::Full);
    assert!(
        dup.validate()
            .unwrap_err()
            .to_string()
            .contains("nodes[1].node_key duplicates nodes[0].node_key")
    );
    let mut bad = with.clone();
    bad.nodes[0].name.clear();
    assert!(bad.validate().unwrap_err().to_string().contains("nodes[0].name"));
}
