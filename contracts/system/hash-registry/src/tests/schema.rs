//! The schemas themselves: they compile, every definition a test relies on exists, and they
//! accept the documented examples and reject what the contract refuses.

use super::*;

#[test]
fn schemas_compile_and_name_every_response_and_topic() {
    for (name, text) in schemas::FILES {
        let doc: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        jsonschema::validator_for(&doc).unwrap_or_else(|e| panic!("{name} does not compile: {e}"));
    }
    // Compiling the per-definition validators is what these do first.
    schemas::check_response("tree_head", &json!({"tree_size": 0, "root_hash": hash(0)}));
    schemas::check_event(
        "hash.revoked",
        &json!({"hash": hash(1), "actor": BANK_SZ.to_string(), "log_index": 0, "reason": "r"}),
    );
}

#[test]
fn message_schemas_accept_the_documented_examples() {
    for msg in [
        json!({"register": {"hash": hash(1), "data_type": "kyc-record"}}),
        json!({"register": {"hash": hash(1), "data_type": "kyc-record", "commitment_scheme": "sha3-256(salt||data)", "metadata_uri": "https://bank.example/r/1"}}),
        json!({"register_batch": {"entries": [entry(1, "a"), entry(2, "b")]}}),
        json!({"cosign": {"hash": hash(1)}}),
        json!({"revoke": {"hash": hash(1), "reason": "withdrawn"}}),
        json!({"supersede": {"hash": hash(1), "reason": "corrected", "new": entry(2, "kyc-record")}}),
    ] {
        schemas::check_message("call", &msg);
    }
    for msg in [
        json!({"status": {"hash": hash(1), "at_ms": 1_700_000_000_000u64}}),
        json!({"verify": {"hash": hash(1), "registrant": BANK_SZ.to_string(), "at_ms": null}}),
        json!({"history": {"hash": hash(1), "start_after": 2, "limit": 5}}),
        json!({"by_registrant": {"registrant": BANK_SZ.to_string(), "start_after": 41, "limit": 100}}),
        json!({"tree_head": {}}),
        json!({"tree_head": {"tree_size": 3}}),
        json!({"inclusion_proof": {"hash": hash(1)}}),
        json!({"inclusion_proof": {"hash": hash(1), "leaf_index": null, "tree_size": 9}}),
        json!({"inclusion_proof": {"leaf_index": 0, "tree_size": 1}}),
        json!({"consistency_proof": {"first": 1, "second": 2}}),
    ] {
        schemas::check_message("query", &msg);
    }
}

#[test]
fn message_schemas_reject_what_the_contract_refuses() {
    let upper = format!("0x{}", "AB".repeat(32));
    let calls = [
        json!({"register": {"hash": upper, "data_type": "kyc"}}),
        json!({"register": {"hash": hash(1), "data_type": "has space"}}),
        json!({"register": {"hash": hash(1), "data_type": "kyc", "metadata_uri": "no-scheme"}}),
        json!({"register": {"hash": hash(1), "data_type": "kyc", "commitment_scheme": ""}}),
        json!({"register": {"hash": hash(1), "data_type": "kyc", "extra": 1}}),
        json!({"register_batch": {"entries": []}}),
        json!({"revoke": {"hash": hash(1), "reason": ""}}),
        json!({"revoke": {"hash": hash(1), "reason": "tab\there"}}),
        json!({"cosign": {"hash": hash(1)}, "revoke": {"hash": hash(1), "reason": "r"}}),
    ];
    instantiated();
    for msg in calls {
        assert!(!schemas::message_is_valid("call", &msg), "schema accepts {msg}");
        let err = refused(BANK_SZ, msg.clone());
        assert!(err.starts_with("invalid "), "{msg}: {err}");
    }
    let queries = [
        json!({"inclusion_proof": {"hash": hash(1), "leaf_index": 0}}),
        json!({"inclusion_proof": {"tree_size": 1}}),
        json!({"consistency_proof": {"first": 0}}),
        json!({"history": {"hash": hash(1), "limit": 0}}),
        json!({"by_registrant": {"registrant": BANK_SZ.to_string().to_uppercase()}}),
    ];
    register(BANK_SZ, 1);
    for msg in queries {
        assert!(!schemas::message_is_valid("query", &msg), "schema accepts {msg}");
        let err = query_refused(msg.clone());
        assert!(err.starts_with("invalid "), "{msg}: {err}");
    }
}
