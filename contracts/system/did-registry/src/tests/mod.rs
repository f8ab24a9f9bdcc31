//! Native tests of the contract on the SDK's mock host, with real secp256k1 keys (k256) so
//! every address is the ADR 0003 address of a key. Every message a test gets accepted, every
//! response and every event is checked against the JSON Schemas in `schema/`.

mod authorized;
mod create;
mod deactivate;
mod history;
mod instantiate;
mod resolve;
mod schema_examples;
pub(crate) mod schemas;
mod update;
mod validation;

use crate::contract;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bayledger_contract_sdk::mock;
use bayledger_contract_sdk::{Address, Error};
use serde_json::{Value, json};

/// The network of the registry under test.
pub const NETWORK: &str = "testnet";
/// Block time of the first block the tests run in.
pub const T0: u64 = 1_796_000_523_000;

/// A secp256k1 key pair made from a seed.
pub struct Key(k256::ecdsa::SigningKey);

impl Key {
    pub fn new(seed: u8) -> Key {
        Key(k256::ecdsa::SigningKey::from_slice(&[seed; 32]).expect("valid scalar"))
    }

    pub fn compressed(&self) -> [u8; 33] {
        let point = self.0.verifying_key().to_sec1_point(true);
        point.as_bytes().try_into().expect("33 bytes")
    }

    /// The ADR 0003 address, computed by `bayledger-types` (independently of the contract).
    pub fn address(&self) -> Address {
        Address(bayledger_types::Address::from_compressed_pubkey(&self.compressed()).0)
    }

    pub fn jwk(&self) -> Value {
        let point = self.0.verifying_key().to_sec1_point(false);
        let b = point.as_bytes();
        json!({
            "kty": "EC",
            "crv": "secp256k1",
            "x": URL_SAFE_NO_PAD.encode(&b[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&b[33..65]),
        })
    }

    pub fn multibase(&self) -> String {
        let bytes = [&crate::keys::MULTICODEC_SECP256K1_PUB[..], &self.compressed()].concat();
        format!("z{}", bs58::encode(bytes).into_string())
    }

    /// A `JsonWebKey` verification method.
    pub fn jwk_method(&self, id: &str) -> Value {
        json!({"id": id, "type": "JsonWebKey", "publicKeyJwk": self.jwk()})
    }

    /// A `Multikey` verification method.
    pub fn multikey_method(&self, id: &str) -> Value {
        json!({"id": id, "type": "Multikey", "publicKeyMultibase": self.multibase()})
    }
}

/// `did:bayledger:testnet:<id>`.
pub fn did_of(id: &str) -> String {
    format!("did:bayledger:{NETWORK}:{id}")
}

/// The default DID of the account of `key`.
pub fn default_did(key: &Key) -> String {
    did_of(&crate::did::address_id(&key.address()))
}

/// A document whose one key (`#key-1`, a Multikey) authenticates and asserts; `id` omitted
/// when `None`.
pub fn doc(id: Option<&str>, key: &Key) -> Value {
    let mut d = json!({
        "verificationMethod": [key.multikey_method("#key-1")],
        "authentication": ["#key-1"],
        "assertionMethod": ["#key-1"],
    });
    if let Some(id) = id {
        d["id"] = json!(id);
    }
    d
}

/// A fresh registry on `testnet` at height 1, time `T0`.
pub fn setup() {
    mock::reset();
    mock::set_block(1, T0);
    let msg = json!({"network": NETWORK});
    schemas::check("instantiate.json", &msg);
    mock::execute(contract::instantiate, msg.to_string().as_bytes()).expect("instantiates");
}

/// Sends `msg` from `sender`. On success the message, the response and the events are
/// checked against the schemas.
pub fn call_as(sender: Address, msg: Value) -> Result<Value, Error> {
    mock::set_sender(sender);
    let out = mock::execute(contract::call, msg.to_string().as_bytes())?;
    schemas::check("call.json", &msg);
    let response: Value = serde_json::from_slice(&out).expect("response is JSON");
    schemas::check("write-response.json", &response);
    for (_, data) in events() {
        schemas::check("event.json", &data);
    }
    Ok(response)
}

/// Creates `document` as `key`'s account; returns the DID.
pub fn create(key: &Key, document: Value) -> String {
    let r = call_as(key.address(), json!({"create": {"document": document}})).expect("creates");
    r["did"].as_str().expect("did").to_string()
}

/// Runs a query that must succeed; message and response are checked against the schemas.
pub fn try_query(msg: Value) -> Result<Value, Error> {
    let out = mock::query(contract::query, msg.to_string().as_bytes())?;
    schemas::check("query.json", &msg);
    let response: Value = serde_json::from_slice(&out).expect("response is JSON");
    schemas::check(schemas::response_schema(&msg), &response);
    Ok(response)
}

pub fn query(msg: Value) -> Value {
    try_query(msg.clone()).unwrap_or_else(|e| panic!("query {msg} failed: {e}"))
}

pub fn resolve(did: &str) -> Value {
    query(json!({"resolve": {"did": did}}))
}

pub fn authorized(did: &str, address: Address) -> (bool, String) {
    let r = query(json!({"authorized": {"did": did, "address": address.to_string()}}));
    (r["authorized"].as_bool().expect("bool"), r["reason"].as_str().expect("reason").into())
}

/// `(topic, data)` of the events of the last execution.
pub fn events() -> Vec<(String, Value)> {
    mock::events()
        .into_iter()
        .map(|e| (e.topic, serde_json::from_slice(&e.data).expect("event data is JSON")))
        .collect()
}

/// The error message of a call that must fail; it must leave no events.
pub fn refused(sender: Address, msg: Value) -> String {
    let err = call_as(sender, msg.clone()).expect_err(&format!("{msg} must be refused"));
    assert!(mock::events().is_empty(), "a refused call emitted events");
    err.message().to_string()
}
