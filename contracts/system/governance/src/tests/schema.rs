//! The JSON Schemas in `schema/`, compiled once, and the checks the other tests run through
//! them. `kind` is `instantiate`, `call`, `query`, `response:<query name>` or
//! `event:<topic>`.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::LazyLock;

const BASE: &str = "https://schemas.bayledger.invalid/governance/";

const FILES: [(&str, &str); 6] = [
    ("common.json", include_str!("../../schema/common.json")),
    ("instantiate.json", include_str!("../../schema/instantiate.json")),
    ("call.json", include_str!("../../schema/call.json")),
    ("query.json", include_str!("../../schema/query.json")),
    ("responses.json", include_str!("../../schema/responses.json")),
    ("events.json", include_str!("../../schema/events.json")),
];

static VALIDATORS: LazyLock<BTreeMap<String, jsonschema::Validator>> = LazyLock::new(compile);

fn doc(name: &str) -> Value {
    let (_, text) = FILES.iter().find(|(n, _)| *n == name).expect("known schema file");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("schema/{name}: {e}"))
}

fn def_names(file: &str) -> Vec<String> {
    doc(file)["$defs"].as_object().expect("$defs").keys().cloned().collect()
}

fn compile() -> BTreeMap<String, jsonschema::Validator> {
    let mut builder = jsonschema::Registry::new();
    for (name, _) in FILES {
        let schema = doc(name);
        assert_eq!(schema["$id"], json!(format!("{BASE}{name}")), "schema/{name} $id");
        jsonschema::meta::validate(&schema)
            .unwrap_or_else(|e| panic!("schema/{name} is not a valid JSON Schema: {e}"));
        builder = builder.add(format!("{BASE}{name}"), schema).expect("schema URI");
    }
    let registry = builder.prepare().expect("schemas and their references resolve");
    let mut refs = vec![
        ("instantiate".to_string(), format!("{BASE}instantiate.json")),
        ("call".to_string(), format!("{BASE}call.json")),
        ("query".to_string(), format!("{BASE}query.json")),
    ];
    for def in def_names("responses.json") {
        refs.push((format!("response:{def}"), format!("{BASE}responses.json#/$defs/{def}")));
    }
    for def in def_names("events.json") {
        refs.push((format!("event:{def}"), format!("{BASE}events.json#/$defs/{def}")));
    }
    refs.into_iter()
        .map(|(kind, reference)| {
            let validator = jsonschema::options()
                .with_registry(&registry)
                .build(&json!({"$ref": reference}))
                .unwrap_or_else(|e| panic!("{kind}: {e}"));
            (kind, validator)
        })
        .collect()
}

fn validator(kind: &str) -> &'static jsonschema::Validator {
    VALIDATORS.get(kind).unwrap_or_else(|| panic!("no schema for {kind}"))
}

/// Panics unless `value` fits the schema of `kind`.
pub(crate) fn assert_valid(kind: &str, value: &Value) {
    let errors: Vec<String> = validator(kind)
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{kind} schema refuses {value}: {errors:?}");
}

/// Panics if `value` fits the schema of `kind`.
pub(crate) fn assert_invalid(kind: &str, value: &Value) {
    assert!(!validator(kind).is_valid(value), "{kind} schema accepts {value}");
}

/// Panics unless `answer` fits the response schema of query `name`.
pub(crate) fn assert_response(name: &str, answer: &Value) {
    assert_valid(&format!("response:{name}"), answer);
}

/// Panics unless `data` fits the schema of event `topic`.
pub(crate) fn assert_event(topic: &str, data: &Value) {
    assert_valid(&format!("event:{topic}"), data);
}

#[test]
fn every_variant_and_topic_has_its_schemas() {
    let variants = |file: &str| -> Vec<String> {
        doc(file)["oneOf"]
            .as_array()
            .expect("oneOf")
            .iter()
            .map(|v| v["$ref"].as_str().expect("$ref").trim_start_matches("#/$defs/").to_string())
            .collect()
    };
    let responses = def_names("responses.json");
    for q in variants("query.json") {
        assert!(responses.contains(&q), "query {q} has no response schema");
    }
    for c in ["propose", "vote", "execute"] {
        assert!(responses.contains(&format!("call:{c}")), "call {c} has no answer schema");
    }
    let events = def_names("events.json");
    use crate::event::*;
    for topic in [
        MEMBER_ADDED,
        MEMBER_REMOVED,
        MEMBER_UPDATED,
        RULES_CHANGED,
        PROPOSED,
        VOTED,
        PASSED,
        REJECTED,
        EXECUTED,
        EXECUTION_FAILED,
        SYSTEM_ACTION,
        CONTRACT_CALLED,
    ] {
        assert!(events.contains(&topic.to_string()), "event {topic} has no schema");
    }
    assert_eq!(variants("call.json").len(), 4);
}

#[test]
fn schemas_refuse_what_the_contract_refuses() {
    let m = json!({"address": format!("0x{}", "a1".repeat(20)), "weight": 1});
    assert_invalid("instantiate", &json!({}));
    assert_invalid(
        "instantiate",
        &json!({"members": [], "participation_threshold": 50, "approval_threshold": 50, "voting_period_blocks": 5}),
    );
    assert_invalid(
        "instantiate",
        &json!({"members": [m], "participation_threshold": 0, "approval_threshold": 50, "voting_period_blocks": 5}),
    );
    assert_invalid("call", &json!({"vote": {"id": 1, "vote": "maybe"}}));
    assert_invalid(
        "call",
        &json!({"propose": {"title": "", "actions": [{"remove_member": {"address": "0x12"}}]}}),
    );
    assert_invalid("call", &json!({"propose": {"title": "t", "actions": []}}));
    assert_invalid("call", &json!({"propose": {"title": "t", "actions": [{"set_rules": {}}]}}));
    assert_invalid(
        "call",
        &json!({"propose": {"title": "t", "actions": [{"system": {"freeze": {"address": "0x12"}}}]}}),
    );
    assert_invalid("query", &json!({"proposals": {"status": "pending"}}));
}
