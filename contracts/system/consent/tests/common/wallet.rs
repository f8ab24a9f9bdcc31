//! The delegation digests as a wallet builds them: written from the documented layout (crate
//! docs, `docs/privacy.md`) with the `sha3` crate, independently of the contract's encoder.
//! Shared by the native and VM tests.

#![allow(dead_code)] // each including test target uses a different subset

use serde_json::Value;
use sha3::{Digest, Sha3_256};

/// `u16be(byte length) ‖ UTF-8 bytes`.
fn put_str(buf: &mut Vec<u8>, s: &str) {
    buf.extend_from_slice(&u16::try_from(s.len()).expect("short string").to_be_bytes());
    buf.extend_from_slice(s.as_bytes());
}

/// `u16be(count) ‖ str(item)…`.
fn put_list(buf: &mut Vec<u8>, v: &Value) {
    let items = v.as_array().expect("a list");
    buf.extend_from_slice(&u16::try_from(items.len()).expect("short list").to_be_bytes());
    for s in items {
        put_str(buf, s.as_str().expect("a string"));
    }
}

/// `0x00` when absent or null, `0x01 ‖ raw bytes` of the `0x…` hex when present.
fn put_opt(buf: &mut Vec<u8>, v: Option<&Value>) {
    match v.and_then(Value::as_str) {
        None => buf.push(0),
        Some(hex) => {
            buf.push(1);
            buf.extend_from_slice(&unhex(hex));
        }
    }
}

pub fn unhex(s: &str) -> Vec<u8> {
    let s = s.strip_prefix("0x").unwrap_or(s);
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `grant` preimage for the JSON terms of a `grant` message (its `delegation` ignored).
pub fn grant_preimage(contract: [u8; 20], nonce: u64, t: &Value) -> Vec<u8> {
    let mut b = b"bayledger/consent-grant/v1\0".to_vec();
    b.extend_from_slice(&contract);
    b.extend_from_slice(&nonce.to_be_bytes());
    for f in ["subject", "provider", "recipient"] {
        put_str(&mut b, t[f].as_str().expect(f));
    }
    put_list(&mut b, &t["data_categories"]);
    put_list(&mut b, &t["purposes"]);
    put_str(&mut b, t["legal_basis"].as_str().expect("legal_basis"));
    put_str(&mut b, t["jurisdictions"]["provider"].as_str().expect("provider jurisdiction"));
    put_str(&mut b, t["jurisdictions"]["recipient"].as_str().expect("recipient jurisdiction"));
    b.extend_from_slice(&t["valid_from_ms"].as_u64().expect("valid_from_ms").to_be_bytes());
    b.extend_from_slice(&t["valid_until_ms"].as_u64().expect("valid_until_ms").to_be_bytes());
    put_opt(&mut b, t.get("policy"));
    put_opt(&mut b, t.get("notice_hash"));
    b
}

/// The digest a subject signs to delegate a `grant`.
pub fn grant_digest(contract: [u8; 20], nonce: u64, terms: &Value) -> [u8; 32] {
    Sha3_256::digest(grant_preimage(contract, nonce, terms)).into()
}

/// The digest a subject signs to delegate a `withdraw`.
pub fn withdraw_digest(contract: [u8; 20], nonce: u64, subject: &str, consent_id: u64) -> [u8; 32] {
    let mut b = b"bayledger/consent-withdraw/v1\0".to_vec();
    b.extend_from_slice(&contract);
    b.extend_from_slice(&nonce.to_be_bytes());
    put_str(&mut b, subject);
    b.extend_from_slice(&consent_id.to_be_bytes());
    Sha3_256::digest(b).into()
}
