//! Validates JSON against a definition of the crate's schema file: `assert_valid("call", &msg)`
//! checks `msg` against `#/$defs/call`. Shared by the native tests (`src/tests`) and the VM
//! tests (`tests/wasm.rs`).

use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;

/// The crate's schema document.
fn document() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/", env!("CARGO_PKG_NAME"), ".json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

thread_local! {
    static VALIDATORS: RefCell<HashMap<String, jsonschema::Validator>> = RefCell::new(HashMap::new());
}

/// Runs `f` with the validator of `#/$defs/<def>` (built once per thread).
fn with_validator<R>(def: &str, f: impl FnOnce(&jsonschema::Validator) -> R) -> R {
    VALIDATORS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let validator = cache.entry(def.to_owned()).or_insert_with(|| {
            let mut doc = document();
            assert!(doc["$defs"].get(def).is_some(), "the schema has no definition {def:?}");
            doc["$ref"] = Value::String(format!("#/$defs/{def}"));
            jsonschema::validator_for(&doc).unwrap_or_else(|e| panic!("schema {def}: {e}"))
        });
        f(validator)
    })
}

/// Whether `instance` satisfies definition `def`.
pub fn is_valid(def: &str, instance: &Value) -> bool {
    with_validator(def, |v| v.is_valid(instance))
}

/// Panics, listing every violation, unless `instance` satisfies definition `def`.
pub fn assert_valid(def: &str, instance: &Value) {
    with_validator(def, |v| {
        let errors: Vec<String> =
            v.iter_errors(instance).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{instance} does not satisfy schema {def}: {errors:#?}");
    })
}
