//! A chain for VM tests: the built DID registry and consent modules deployed on
//! `bayledger_vm::testing::TestChain`, wallets (a fresh key and the DID it controls), and
//! consent calls and queries checked against `schema/consent.json`. Shared by the VM tests of
//! `consent` and of `health-data-policy`.

#![allow(dead_code)] // each including test target uses a different subset

use super::schema;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bayledger_types::pb::{Event, ExecStatus};
use bayledger_types::{Address, SecretKey};
use bayledger_vm::ExecOutcome;
use bayledger_vm::testing::TestChain;
use serde_json::{Value, json};

/// The DID network of the registry.
pub const NETWORK: &str = "bayledger-test";
/// Block time of the first block.
pub const T0: u64 = 1_760_000_000_000;
pub const DAY: u64 = 86_400_000;
/// Deploys the contracts.
pub const DEPLOYER: Address = Address([0xde; 20]);

/// The consent schema, wherever the including crate is (both sit two levels below `contracts`).
const CONSENT_SCHEMA: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../system/consent/schema/consent.json");

/// The built module `<name>.wasm` of the contract crate at `contracts/<dir>`.
pub fn module(dir: &str, name: &str) -> Vec<u8> {
    let crate_dir = format!("{}/../../{dir}", env!("CARGO_MANIFEST_DIR"));
    bayledger_vm::testing::built_contract(&crate_dir, name)
}

/// A fresh key and the DID it controls.
pub struct Wallet {
    pub key: SecretKey,
    pub did: String,
}

impl Wallet {
    pub fn address(&self) -> Address {
        self.key.address()
    }
}

pub fn expect_ok(out: &ExecOutcome, what: &str) {
    assert_eq!(out.status, ExecStatus::Ok, "{what} failed: {}", out.error);
}

/// Asserts a transaction aborted with an error containing `expected`, and emitted nothing.
pub fn refused(out: &ExecOutcome, expected: &str) {
    assert_eq!(out.status, ExecStatus::Aborted, "expected a refusal with {expected:?}");
    assert!(out.error.contains(expected), "error {:?} lacks {expected:?}", out.error);
    assert!(out.events.is_empty());
}

pub fn decoded(events: &[Event]) -> Vec<(String, Value)> {
    events
        .iter()
        .map(|e| (e.topic.clone(), serde_json::from_slice(&e.data).expect("event data is JSON")))
        .collect()
}

/// Grant terms: `subject` lets `provider` (CN-GD) send lab results and contact details to
/// `recipient` (HK) for treatment for 30 days from `T0`.
pub fn terms(subject: &Wallet, provider: &Wallet, recipient: &Wallet) -> Value {
    json!({
        "subject": subject.did, "provider": provider.did, "recipient": recipient.did,
        "data_categories": ["health.lab-results", "contact.email"], "purposes": ["treatment"],
        "legal_basis": "separate-consent",
        "jurisdictions": {"provider": "CN-GD", "recipient": "HK"},
        "valid_from_ms": T0, "valid_until_ms": T0 + 30 * DAY
    })
}

/// The chain with the DID registry and the consent contract.
pub struct World {
    pub chain: TestChain,
    pub registry: Address,
    pub consent: Address,
}

impl World {
    pub fn new() -> World {
        let mut chain = TestChain::new();
        chain.set_block(1, T0);
        let registry_code = chain
            .upload(&module("system/did-registry", "did_registry"))
            .expect("did_registry.wasm passes upload validation");
        let consent_code = chain
            .upload(&module("system/consent", "consent"))
            .expect("consent.wasm passes upload validation");
        let registry = chain
            .instantiate(
                DEPLOYER,
                registry_code,
                json!({"network": NETWORK}).to_string().as_bytes(),
            )
            .unwrap_or_else(|o| panic!("did registry: {:?} {}", o.status, o.error));
        let init = json!({"did_registry": registry.to_string()});
        schema::assert_valid_in(CONSENT_SCHEMA, "instantiate", &init);
        let consent = chain
            .instantiate(DEPLOYER, consent_code, init.to_string().as_bytes())
            .unwrap_or_else(|o| panic!("consent: {:?} {}", o.status, o.error));
        World { chain, registry, consent }
    }

    /// Uploads and instantiates another contract.
    pub fn deploy(&mut self, dir: &str, name: &str, init: &Value) -> Address {
        let code = self
            .chain
            .upload(&module(dir, name))
            .unwrap_or_else(|e| panic!("{name}.wasm fails upload validation: {e}"));
        self.chain
            .instantiate(DEPLOYER, code, init.to_string().as_bytes())
            .unwrap_or_else(|o| panic!("{name}: {:?} {}", o.status, o.error))
    }

    /// A fresh random key whose DID `did:bayledger:<network>:<id>` is created in the registry.
    pub fn wallet(&mut self, id: &str) -> Wallet {
        let key = SecretKey::generate();
        let did = format!("did:bayledger:{NETWORK}:{id}");
        let point = key.public_key().to_uncompressed();
        let document = json!({
            "id": did,
            "verificationMethod": [{
                "id": "#key-1",
                "type": "JsonWebKey",
                "publicKeyJwk": {"kty": "EC", "crv": "secp256k1",
                                 "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
                                 "y": URL_SAFE_NO_PAD.encode(&point[33..65])},
            }],
            "authentication": ["#key-1"],
            "assertionMethod": ["#key-1"],
        });
        let out =
            self.call(key.address(), self.registry, &json!({"create": {"document": document}}));
        expect_ok(&out, &format!("creating {did}"));
        Wallet { key, did }
    }

    pub fn call(&mut self, sender: Address, contract: Address, msg: &Value) -> ExecOutcome {
        self.chain.call(sender, contract, msg.to_string().as_bytes())
    }

    pub fn query(&self, contract: Address, msg: &Value) -> Value {
        let out = self.chain.query(contract, msg.to_string().as_bytes());
        expect_ok(&out, &format!("query {msg}"));
        serde_json::from_slice(&out.return_data).expect("query returns JSON")
    }

    /// A consent call; the message, and on success the response and events, are checked
    /// against the consent schema.
    pub fn consent_call(&mut self, sender: Address, msg: &Value) -> ExecOutcome {
        schema::assert_valid_in(CONSENT_SCHEMA, "call", msg);
        let out = self.call(sender, self.consent, msg);
        if out.status == ExecStatus::Ok {
            let variant = msg.as_object().and_then(|o| o.keys().next()).expect("one variant");
            let response: Value = serde_json::from_slice(&out.return_data).expect("JSON response");
            schema::assert_valid_in(CONSENT_SCHEMA, &format!("response.{variant}"), &response);
            for (topic, data) in decoded(&out.events) {
                schema::assert_valid_in(CONSENT_SCHEMA, &format!("event.{topic}"), &data);
            }
        }
        out
    }

    /// A consent query that must succeed; message and answer are checked against the schema.
    pub fn consent_query(&self, msg: &Value) -> Value {
        schema::assert_valid_in(CONSENT_SCHEMA, "query", msg);
        let answer = self.query(self.consent, msg);
        let def = match msg.as_object().and_then(|o| o.keys().next()).map(String::as_str) {
            Some("consents_by_subject" | "consents_by_provider") => "consents",
            Some(v) => v,
            None => panic!("not a one-variant message: {msg}"),
        };
        schema::assert_valid_in(CONSENT_SCHEMA, &format!("response.{def}"), &answer);
        answer
    }

    /// `check` of `category` for `purpose` at the block time.
    pub fn check(
        &self,
        s: &Wallet,
        p: &Wallet,
        r: &Wallet,
        category: &str,
        purpose: &str,
    ) -> Value {
        self.consent_query(&json!({"check": {"subject": s.did, "provider": p.did,
            "recipient": r.did, "category": category, "purpose": purpose}}))
    }
}
