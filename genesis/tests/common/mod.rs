//! Fixtures shared by the genesis integration tests.

#![allow(dead_code)]

use bayledger_genesis::Genesis;
use bayledger_types::{Address, SecretKey};
use serde_json::json;

/// The smallest WebAssembly 1.0 module: magic and version.
pub const EMPTY_WASM: &[u8] = b"\0asm\x01\0\0\0";

/// The deterministic test key number `n`.
pub fn key(n: u8) -> SecretKey {
    SecretKey::from_bytes(&[n; 32]).expect("valid scalar")
}

/// A valid genesis with two validators, two members and one contract.
pub fn sample() -> Genesis {
    Genesis::single_validator("bayledger-dev", &key(1).public_key(), 1_795_305_600_000)
        .with_validator("node1", &key(2).public_key(), 5)
        .with_member("member-a", key(3).address())
        .with_member("member-b", Address([0xbb; 20]))
        .with_contract(
            "kv-registry",
            EMPTY_WASM.to_vec(),
            json!({"owner": "a", "limits": [1, 2]}),
            None,
        )
}
