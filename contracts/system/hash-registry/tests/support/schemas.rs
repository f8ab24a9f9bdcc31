//! The contract's JSON Schemas (`schema/*.json`), compiled once, and checks that panic with the
//! schema's complaint. Shared by the native tests (`src/tests`) and the VM tests
//! (`tests/wasm.rs`), so every message either sends, every response and every event is checked.

use jsonschema::Validator;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The schema files, by name.
pub const FILES: [(&str, &str); 5] = [
    ("instantiate", include_str!("../../schema/instantiate.json")),
    ("call", include_str!("../../schema/call.json")),
    ("query", include_str!("../../schema/query.json")),
    ("responses", include_str!("../../schema/responses.json")),
    ("events", include_str!("../../schema/events.json")),
];

/// Definitions of `responses.json` that describe a response (the others are shared parts).
pub const RESPONSES: [&str; 9] = [
    "register",
    "register_batch",
    "status",
    "verify",
    "history",
    "by_registrant",
    "tree_head",
    "inclusion_proof",
    "consistency_proof",
];

/// Event topics, the definitions of `events.json`.
pub const TOPICS: [&str; 4] =
    ["hash.registered", "hash.cosigned", "hash.revoked", "hash.superseded"];

struct Compiled {
    messages: BTreeMap<&'static str, Validator>,
    responses: BTreeMap<&'static str, Validator>,
    events: BTreeMap<&'static str, Validator>,
}

fn document(name: &str) -> Value {
    let text = FILES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).expect("known schema");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("schema/{name}.json is not JSON: {e}"))
}

fn compile(name: &str, schema: &Value) -> Validator {
    jsonschema::validator_for(schema)
        .unwrap_or_else(|e| panic!("schema {name} does not compile: {e}"))
}

/// A validator for definition `def` of a document whose `$defs` hold every part.
fn definition(doc: &Value, def: &str) -> Validator {
    assert!(doc["$defs"].get(def).is_some(), "no definition {def}");
    let pointer = format!("#/$defs/{}", def.replace('~', "~0").replace('/', "~1"));
    compile(def, &json!({ "$defs": doc["$defs"], "$ref": pointer }))
}

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let messages = ["instantiate", "call", "query"]
            .into_iter()
            .map(|name| (name, compile(name, &document(name))))
            .collect();
        let responses = document("responses");
        let events = document("events");
        Compiled {
            messages,
            responses: RESPONSES.into_iter().map(|d| (d, definition(&responses, d))).collect(),
            events: TOPICS.into_iter().map(|t| (t, definition(&events, t))).collect(),
        }
    })
}

fn check(validator: &Validator, what: &str, value: &Value) {
    if let Err(e) = validator.validate(value) {
        panic!("{what} does not match its schema: {e} (at {}):\n{value:#}", e.instance_path());
    }
}

/// Whether `msg` is a valid message of kind `kind` (`instantiate`, `call`, `query`).
pub fn message_is_valid(kind: &str, msg: &Value) -> bool {
    compiled()
        .messages
        .get(kind)
        .unwrap_or_else(|| panic!("no message schema {kind}"))
        .is_valid(msg)
}

/// Panics unless `msg` is a valid message of kind `kind`.
pub fn check_message(kind: &str, msg: &Value) {
    let validator =
        compiled().messages.get(kind).unwrap_or_else(|| panic!("no message schema {kind}"));
    check(validator, &format!("{kind} message"), msg);
}

/// Panics unless `data` is a valid response to the message named `name` (its variant).
pub fn check_response(name: &str, data: &Value) {
    let validator =
        compiled().responses.get(name).unwrap_or_else(|| panic!("no response schema {name}"));
    check(validator, &format!("{name} response"), data);
}

/// Panics unless `data` is valid data of event `topic`.
pub fn check_event(topic: &str, data: &Value) {
    let validator =
        compiled().events.get(topic).unwrap_or_else(|| panic!("unknown event topic {topic}"));
    check(validator, &format!("{topic} event"), data);
}

/// The variant name of a message (`{"register":{…}}` → `register`).
pub fn variant(msg: &Value) -> &str {
    msg.as_object()
        .and_then(|o| o.keys().next())
        .map(String::as_str)
        .unwrap_or_else(|| panic!("not a one-variant message: {msg}"))
}

/// Checks a successful call's return data: `cosign` and `revoke` return none, `supersede`
/// returns a `register` response, the others their own.
pub fn check_call_return(msg: &Value, data: &[u8]) {
    match variant(msg) {
        "cosign" | "revoke" => assert!(data.is_empty(), "{msg} returned data"),
        name => {
            let value: Value = serde_json::from_slice(data).expect("return data is JSON");
            check_response(if name == "supersede" { "register" } else { name }, &value);
        }
    }
}
