//! Printing command results: pretty JSON (`-o json`) or aligned `key: value`
//! text, plus the conversions every client command shares (bytes as
//! `0x`-hex, messages as UTF-8 or JSON when they are, receipts, times).

use bayledger_types::pb;
use serde_json::{Map, Value, json};
use std::io::Write;
use std::time::{Duration, UNIX_EPOCH};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// Aligned `key: value` lines.
    #[default]
    Text,
    /// Pretty-printed JSON.
    Json,
}

/// Prints `value` to stdout in `format`. A closed stdout (e.g. `| head`) is not an error.
pub fn print_value(value: &Value, format: OutputFormat) {
    let text = match format {
        OutputFormat::Json => {
            serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
        }
        OutputFormat::Text => render_text(value),
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", text.trim_end_matches('\n'));
}

/// Renders a value as indented, aligned `key: value` lines.
pub fn render_text(value: &Value) -> String {
    let mut lines = Vec::new();
    render(value, 0, &mut lines);
    lines.join("\n")
}

fn render(value: &Value, indent: usize, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => render_object(map, indent, out),
        Value::Array(items) if items.is_empty() => out.push(format!("{pad}(none)")),
        Value::Array(items) => {
            for item in items {
                let mut sub = Vec::new();
                render(item, indent + 2, &mut sub);
                // First line of each item carries the "- " marker.
                if let Some(first) = sub.first_mut() {
                    first.replace_range(indent..indent + 2, "- ");
                }
                out.extend(sub);
            }
        }
        scalar => out.push(format!("{pad}{}", scalar_text(scalar))),
    }
}

fn render_object(map: &Map<String, Value>, indent: usize, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    if map.is_empty() {
        out.push(format!("{pad}(none)"));
        return;
    }
    let width = map.iter().filter(|(_, v)| is_inline(v)).map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in map {
        if is_inline(v) {
            let text = match v {
                Value::Array(_) => "(none)".to_string(),
                Value::Object(_) => "(none)".to_string(),
                s => scalar_text(s),
            };
            out.push(format!("{pad}{k}:{} {text}", " ".repeat(width - k.len())));
        } else {
            out.push(format!("{pad}{k}:"));
            render(v, indent + 2, out);
        }
    }
}

/// Scalars and empty containers go on the key's line.
fn is_inline(v: &Value) -> bool {
    match v {
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => true,
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::Null => "-".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Bytes as `0x`-prefixed lower-case hex (`0x` for none).
pub fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Bytes as `0x`-hex, or `null` when empty (absent optional fields).
pub fn opt_hex(bytes: &[u8]) -> Value {
    if bytes.is_empty() { Value::Null } else { Value::String(hex0x(bytes)) }
}

/// A contract message or return value: text when it is valid UTF-8, else `0x`-hex.
pub fn data_text(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(s) => Value::String(s.to_string()),
        Err(_) => Value::String(hex0x(bytes)),
    }
}

/// Like [`data_text`], but parsed JSON when the bytes are JSON.
pub fn data_json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|_| data_text(bytes))
}

/// Milliseconds since the Unix epoch as RFC 3339 (UTC).
pub fn time_text(ms: u64) -> String {
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(ms)).to_string()
}

pub use bayledger_sdk::error::status_name;

/// A receipt as shown by every command: empty optional fields are left out.
pub fn receipt_json(r: &pb::Receipt) -> Value {
    let mut m = Map::new();
    m.insert("tx_hash".into(), hex0x(&r.tx_hash).into());
    m.insert("status".into(), status_name(r.status()).into());
    m.insert("fuel_used".into(), r.fuel_used.into());
    if !r.error.is_empty() {
        m.insert("error".into(), r.error.clone().into());
    }
    if !r.return_data.is_empty() {
        m.insert("return_data".into(), data_text(&r.return_data));
    }
    if !r.contract_address.is_empty() {
        m.insert("contract_address".into(), hex0x(&r.contract_address).into());
    }
    if !r.code_hash.is_empty() {
        m.insert("code_hash".into(), hex0x(&r.code_hash).into());
    }
    m.insert("events".into(), Value::Array(r.events.iter().map(event_json).collect()));
    Value::Object(m)
}

fn event_json(e: &pb::Event) -> Value {
    json!({ "contract": hex0x(&e.contract), "topic": e.topic, "data": data_text(&e.data) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_aligned_and_nested() {
        // Keys in sorted order, so the test holds with or without serde_json's
        // `preserve_order` feature.
        let v = json!({
            "chain_id": "bay-1",
            "commit": { "round": 0, "signatures": [ { "signature": "0x02", "validator": "0x01" } ] },
            "latest_height": 42,
            "txs": [],
            "validator": null,
        });
        let text = render_text(&v);
        let expected = "\
chain_id:      bay-1
commit:
  round: 0
  signatures:
    - signature: 0x02
      validator: 0x01
latest_height: 42
txs:           (none)
validator:     -";
        assert_eq!(text, expected);
    }

    #[test]
    fn scalar_lists_and_bytes() {
        assert_eq!(render_text(&json!({ "h": ["0xaa", "0xbb"] })), "h:\n  - 0xaa\n  - 0xbb");
        assert_eq!(hex0x(&[0xde, 0xad]), "0xdead");
        assert_eq!(opt_hex(&[]), Value::Null);
        assert_eq!(data_text(b"hi"), json!("hi"));
        assert_eq!(data_text(&[0xff, 0x00]), json!("0xff00"));
        assert_eq!(data_json(br#"{"a":1}"#), json!({ "a": 1 }));
        assert_eq!(data_json(b"plain"), json!("plain"));
        assert_eq!(time_text(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn receipt_shows_status_without_prefix_and_only_present_fields() {
        let r = pb::Receipt {
            tx_hash: vec![1; 32],
            status: pb::ExecStatus::OutOfFuel as i32,
            error: "out of fuel".into(),
            fuel_used: 10,
            events: vec![pb::Event {
                contract: vec![2; 20],
                topic: "set".into(),
                data: b"k".to_vec(),
            }],
            ..Default::default()
        };
        let v = receipt_json(&r);
        assert_eq!(v["status"], "OUT_OF_FUEL");
        assert_eq!(v["error"], "out of fuel");
        assert!(v.get("contract_address").is_none() && v.get("return_data").is_none());
        assert_eq!(v["events"][0]["topic"], "set");
        assert_eq!(v["events"][0]["data"], "k");
    }
}
