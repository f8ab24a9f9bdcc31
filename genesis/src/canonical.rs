//! Canonical JSON: compact (no whitespace), object keys sorted by their UTF-8
//! bytes, strings and numbers as serde_json writes them. The sort is explicit,
//! so the result does not depend on whether serde_json's `preserve_order`
//! feature is switched on anywhere in the build.

use serde_json::Value;

/// The canonical JSON bytes of `value`.
pub fn to_canonical_bytes(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(k, out);
                out.push(b':');
                write_value(v, out);
            }
            out.push(b'}');
        }
    }
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    // Serialising a &str to JSON cannot fail; serde_json's escaping is fixed.
    out.extend_from_slice(Value::String(s.to_owned()).to_string().as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth_and_whitespace_is_dropped() {
        let v: Value = serde_json::from_str(r#" { "b" : [ {"z":1, "a":null} ], "a" : "x\"y" } "#)
            .expect("json");
        assert_eq!(to_canonical_bytes(&v), br#"{"a":"x\"y","b":[{"a":null,"z":1}]}"#);
    }

    #[test]
    fn arrays_keep_their_order_and_scalars_their_form() {
        let v = json!([3, 1.5, -2, true, false, "é\n"]);
        assert_eq!(to_canonical_bytes(&v), "[3,1.5,-2,true,false,\"é\\n\"]".as_bytes());
    }

    #[test]
    fn keys_sort_by_bytes_not_by_insertion() {
        let mut m = serde_json::Map::new();
        m.insert("b".into(), json!(1));
        m.insert("B".into(), json!(2));
        m.insert("a".into(), json!(3));
        assert_eq!(to_canonical_bytes(&Value::Object(m)), br#"{"B":2,"a":3,"b":1}"#);
    }
}
