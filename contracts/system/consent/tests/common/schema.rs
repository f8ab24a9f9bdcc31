//! Validates JSON against a definition of a contract's schema file: `assert_valid("call", &msg)`
//! checks `msg` against `#/$defs/call` of this crate's `schema/<crate name>.json`. Shared by the
//! native tests (`src/tests`) and VM tests (`tests/wasm.rs`) of `consent` and of
//! `health-data-policy`.

#![allow(dead_code)] // each including test target uses a different subset

use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;

/// The schema file of the crate being tested.
pub const OWN: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/schema/", env!("CARGO_PKG_NAME"), ".json");

thread_local! {
    static VALIDATORS: RefCell<HashMap<String, jsonschema::Validator>> = RefCell::new(HashMap::new());
}

/// Runs `f` with the validator of `#/$defs/<def>` in the schema file `path` (built once per
/// thread).
fn with_validator<R>(path: &str, def: &str, f: impl FnOnce(&jsonschema::Validator) -> R) -> R {
    VALIDATORS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let validator = cache.entry(format!("{path}#{def}")).or_insert_with(|| {
            let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let mut doc: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(doc["$defs"].get(def).is_some(), "{path} has no definition {def:?}");
            doc["$ref"] = Value::String(format!("#/$defs/{def}"));
            jsonschema::validator_for(&doc).unwrap_or_else(|e| panic!("{path} {def}: {e}"))
        });
        f(validator)
    })
}

/// Whether `instance` satisfies definition `def` of this crate's schema.
pub fn is_valid(def: &str, instance: &Value) -> bool {
    with_validator(OWN, def, |v| v.is_valid(instance))
}

/// Panics, listing every violation, unless `instance` satisfies definition `def` of this
/// crate's schema.
pub fn assert_valid(def: &str, instance: &Value) {
    assert_valid_in(OWN, def, instance);
}

/// Panics, listing every violation, unless `instance` satisfies definition `def` of the schema
/// file `path`.
pub fn assert_valid_in(path: &str, def: &str, instance: &Value) {
    with_validator(path, def, |v| {
        let errors: Vec<String> =
            v.iter_errors(instance).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{instance} does not satisfy {def} of {path}: {errors:#?}");
    })
}
