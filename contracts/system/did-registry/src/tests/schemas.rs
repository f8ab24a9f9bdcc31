//! The JSON Schemas of `schema/`, compiled once with every file registered under its `$id`, to
//! check the messages the tests send and the responses and events they get back.
//!
//! Shared by the native tests and `tests/wasm.rs` (included there by path).

use jsonschema::{Registry, Validator};
use serde_json::Value;
use std::sync::OnceLock;

/// Where the schemas' `$id`s live.
const BASE: &str = "https://schemas.bayledger.invalid/did-registry/";

/// Every schema file, by name.
pub const SCHEMAS: [(&str, &str); 10] = [
    ("instantiate.json", include_str!("../../schema/instantiate.json")),
    ("call.json", include_str!("../../schema/call.json")),
    ("query.json", include_str!("../../schema/query.json")),
    ("did-document.json", include_str!("../../schema/did-document.json")),
    ("write-response.json", include_str!("../../schema/write-response.json")),
    ("event.json", include_str!("../../schema/event.json")),
    ("resolve-response.json", include_str!("../../schema/resolve-response.json")),
    ("history-response.json", include_str!("../../schema/history-response.json")),
    ("authorized-response.json", include_str!("../../schema/authorized-response.json")),
    ("config-response.json", include_str!("../../schema/config-response.json")),
];

fn parsed(name: &str, text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("schema/{name} is not JSON: {e}"))
}

fn validators() -> &'static [(&'static str, Validator)] {
    static VALIDATORS: OnceLock<Vec<(&'static str, Validator)>> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        let resources = SCHEMAS.map(|(name, text)| (format!("{BASE}{name}"), parsed(name, text)));
        let registry: &'static Registry<'static> = Box::leak(Box::new(
            Registry::new()
                .extend(resources)
                .and_then(|r| r.prepare())
                .unwrap_or_else(|e| panic!("schema registry: {e}")),
        ));
        SCHEMAS
            .iter()
            .map(|(name, text)| {
                let validator = jsonschema::options()
                    .with_registry(registry)
                    .build(&parsed(name, text))
                    .unwrap_or_else(|e| panic!("schema/{name} does not compile: {e}"));
                (*name, validator)
            })
            .collect()
    })
}

fn validator(schema: &str) -> &'static Validator {
    validators()
        .iter()
        .find(|(name, _)| *name == schema)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no schema/{schema}"))
}

/// Whether `instance` matches `schema/<schema>`.
pub fn accepts(schema: &str, instance: &Value) -> bool {
    validator(schema).is_valid(instance)
}

/// Panics, naming the failures, unless `instance` matches `schema/<schema>`.
pub fn check(schema: &str, instance: &Value) {
    let errors: Vec<String> = validator(schema)
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{instance}\ndoes not match schema/{schema}:\n{}",
        errors.join("\n")
    );
}

/// The response schema of a query message.
pub fn response_schema(query: &Value) -> &'static str {
    let variant = query.as_object().and_then(|o| o.keys().next()).map(String::as_str);
    match variant {
        Some("resolve") => "resolve-response.json",
        Some("history") => "history-response.json",
        Some("authorized") => "authorized-response.json",
        Some("config") => "config-response.json",
        other => panic!("not a query message: {other:?}"),
    }
}
