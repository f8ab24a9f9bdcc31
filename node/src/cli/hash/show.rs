//! Readable times beside the registry's millisecond fields, for every command's output.

use super::super::output::time_text;
use serde_json::{Map, Value};

/// `value` with, next to every `…_ms` number (`at_ms`, `registered_at_ms`, `time_ms`), the
/// same instant as RFC 3339 under the name without `_ms` (`at`, `registered_at`, `time`).
pub fn with_times(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let time = match (k.strip_suffix("_ms"), v.as_u64()) {
                    (Some(name), Some(ms)) => Some((name.to_string(), time_text(ms))),
                    _ => None,
                };
                out.insert(k, with_times(v));
                if let Some((name, text)) = time {
                    out.entry(name).or_insert(Value::String(text));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(with_times).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn millisecond_fields_get_a_readable_twin() {
        let v = with_times(json!({
            "registered_at_ms": 1_700_000_000_123u64,
            "cosigners": [{"at_ms": 0, "height": 3}],
            "at_ms": null,
            "fuel_ms_like": "x",
        }));
        assert_eq!(v["registered_at"], "2023-11-14T22:13:20.123Z");
        assert_eq!(v["cosigners"][0]["at"], "1970-01-01T00:00:00.000Z");
        assert!(v.get("at").is_none(), "null stays without a twin");
        assert_eq!(v["fuel_ms_like"], "x");
    }
}
