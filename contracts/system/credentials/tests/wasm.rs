//! Runs the built `credentials.wasm` in the real VM (`bayledger_vm::testing::TestChain`) next to
//! the built `did_registry.wasm`, so the issuer-control check goes through a real
//! cross-contract query to a real DID document holding a real secp256k1 key.
//!
//! Both modules come from `scripts/build-contracts.sh` ([`bayledger_vm::testing::built_contract`]):
//! a missing or out-of-date module fails the tests, which must never pass without running it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bayledger_types::pb::{Event, ExecStatus};
use bayledger_types::{Address, SecretKey};
use bayledger_vm::ExecOutcome;
use bayledger_vm::testing::TestChain;
use serde_json::{Value, json};

const COMMITTEE: Address = Address([0xc1; 20]);
const OWNER: Address = Address([0x0e; 20]);
const DEPLOYER: Address = Address([0xde; 20]);
const STRANGER: Address = Address([0x5a; 20]);

const NETWORK: &str = "testnet";
const HEALTH: &str = "health-certificate";
const TRAVELLER: &str = "did:bayledger:testnet:traveller-1";
const ID: &str = "urn:uuid:0b6f1d0e-5c2a-4d8e-9f3a-7e1c2b3a4d5e";

const T0: u64 = 1_760_000_000_000;
const DAY: u64 = 86_400_000;

fn built(crate_dir: &str, name: &str) -> Vec<u8> {
    bayledger_vm::testing::built_contract(crate_dir, name)
}

/// A deployed DID registry and credentials contract, and the Guangdong health authority's key
/// and DID (registered in the DID registry).
struct Net {
    chain: TestChain,
    registry: Address,
    credentials: Address,
    gd_key: SecretKey,
    gd: String,
}

fn key(seed: u8) -> SecretKey {
    SecretKey::from_bytes(&[seed; 32]).expect("valid scalar")
}

/// A DID document whose one key (`#key-1`, a JsonWebKey) authenticates and asserts.
fn document(did: &str, key: &SecretKey) -> Value {
    let point = key.public_key().to_uncompressed();
    json!({
        "id": did,
        "verificationMethod": [{
            "id": "#key-1",
            "type": "JsonWebKey",
            "publicKeyJwk": {
                "kty": "EC",
                "crv": "secp256k1",
                "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
                "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
            },
        }],
        "authentication": ["#key-1"],
        "assertionMethod": ["#key-1"],
    })
}

fn expect_ok(out: &ExecOutcome, what: &str) {
    assert_eq!(out.status, ExecStatus::Ok, "{what} failed: {}", out.error);
}

impl Net {
    fn new() -> Net {
        let mut chain = TestChain::new();
        chain.set_block(1, T0);
        let did_code = chain
            .upload(&built(concat!(env!("CARGO_MANIFEST_DIR"), "/../did-registry"), "did_registry"))
            .expect("did_registry.wasm passes upload validation");
        let code = chain
            .upload(&built(env!("CARGO_MANIFEST_DIR"), "credentials"))
            .expect("credentials.wasm passes upload validation");
        let registry = chain
            .instantiate(DEPLOYER, did_code, json!({"network": NETWORK}).to_string().as_bytes())
            .unwrap_or_else(|o| panic!("did registry: {:?} {}", o.status, o.error));
        let init =
            json!({"committee": COMMITTEE.to_string(), "did_registry": registry.to_string()});
        let credentials = chain
            .instantiate(DEPLOYER, code, init.to_string().as_bytes())
            .unwrap_or_else(|o| panic!("credentials: {:?} {}", o.status, o.error));
        let gd_key = key(0x61);
        let gd = format!("did:bayledger:{NETWORK}:guangdong-health");
        let out = chain.call(
            gd_key.address(),
            registry,
            json!({"create": {"document": document(&gd, &gd_key)}}).to_string().as_bytes(),
        );
        expect_ok(&out, "creating the issuer DID");
        Net { chain, registry, credentials, gd_key, gd }
    }

    /// The type registered (owner `OWNER`) and GD admitted for it.
    fn with_type() -> Net {
        let mut net = Net::new();
        let out = net.call(
            COMMITTEE,
            json!({"register_type": {
                "id": HEALTH,
                "name": "Health certificate",
                "schema_hash": format!("0x{}", "11".repeat(32)),
                "schema_uri": "https://schemas.example.org/health-certificate/v1.json",
                "owner": OWNER.to_string(),
            }}),
        );
        expect_ok(&out, "register_type");
        let gd = net.gd.clone();
        expect_ok(
            &net.call(COMMITTEE, json!({"add_issuer": {"credential_type": HEALTH, "issuer": gd}})),
            "add_issuer",
        );
        net
    }

    fn call(&mut self, sender: Address, msg: Value) -> ExecOutcome {
        self.chain.call(sender, self.credentials, msg.to_string().as_bytes())
    }

    fn query(&self, msg: Value) -> Value {
        let out = self.chain.query(self.credentials, msg.to_string().as_bytes());
        expect_ok(&out, &format!("query {msg}"));
        serde_json::from_slice(&out.return_data).expect("query returns JSON")
    }

    fn issue_msg(&self, id: &str, vc: u8) -> Value {
        json!({"issue": {
            "id": id,
            "credential_type": HEALTH,
            "issuer": self.gd,
            "subject": TRAVELLER,
            "vc_hash": format!("0x{}", format!("{vc:02x}").repeat(32)),
            "valid_from_ms": T0,
            "valid_until_ms": T0 + 365 * DAY,
        }})
    }

    fn gd_sends(&mut self, msg: Value) -> ExecOutcome {
        let sender = self.gd_key.address();
        self.call(sender, msg)
    }

    fn holds_valid(&self, at_ms: u64) -> Value {
        self.query(json!({"holds_valid": {"subject": TRAVELLER, "credential_type": HEALTH, "at_ms": at_ms}}))
    }
}

fn decoded(events: &[Event]) -> Vec<(String, Value)> {
    events
        .iter()
        .map(|e| (e.topic.clone(), serde_json::from_slice(&e.data).expect("event data is JSON")))
        .collect()
}

fn refused(out: &ExecOutcome, starts: &str) {
    assert_eq!(out.status, ExecStatus::Aborted, "expected a refusal starting {starts:?}");
    assert!(out.error.contains(starts), "error {:?} lacks {starts:?}", out.error);
    assert!(out.events.is_empty());
}

#[test]
fn health_certificate_issued_verified_and_revoked_in_the_vm() {
    let mut net = Net::with_type();
    assert_eq!(
        net.query(json!({"config": {}})),
        json!({"committee": COMMITTEE.to_string(), "did_registry": net.registry.to_string()})
    );
    net.chain.set_block(2, T0 + DAY);
    let msg = net.issue_msg(ID, 0xa1);
    let out = net.gd_sends(msg);
    expect_ok(&out, "issue");
    assert_eq!(out.events[0].contract, net.credentials.0.to_vec());
    assert_eq!(
        decoded(&out.events),
        [(
            "credential.issued".into(),
            json!({
                "id": ID, "credential_type": HEALTH, "issuer": net.gd, "subject": TRAVELLER,
                "vc_hash": format!("0x{}", "a1".repeat(32)), "status_list": 0, "status_list_index": 0,
            })
        )]
    );

    // The checkpoint's checks: the issuer was authorised, the credential is active.
    let c = net.query(json!({"credential": {"id": ID}}));
    assert_eq!(
        (&c["status"], &c["issuer_authorized"], &c["issued_at_ms"]),
        (&json!("active"), &json!(true), &json!(T0 + DAY))
    );
    assert_eq!(c["history"][0]["by"], json!(net.gd_key.address().to_string()));
    assert_eq!(net.holds_valid(T0 + DAY)["valid"], json!(true));

    net.chain.set_block(3, T0 + 2 * DAY);
    expect_ok(&net.gd_sends(json!({"suspend": {"id": ID, "reason": "under review"}})), "suspend");
    net.chain.set_block(4, T0 + 3 * DAY);
    expect_ok(&net.gd_sends(json!({"reinstate": {"id": ID, "reason": "cleared"}})), "reinstate");
    net.chain.set_block(5, T0 + 4 * DAY);
    let out = net.gd_sends(json!({"revoke": {"id": ID, "reason": "superseded"}}));
    expect_ok(&out, "revoke");
    assert_eq!(decoded(&out.events)[0].0, "credential.revoked");

    let valid = |t: u64| net.holds_valid(t)["valid"].clone();
    assert_eq!(
        [T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY, T0 + 4 * DAY].map(valid),
        [true, false, true, false].map(|b| json!(b))
    );
    let status =
        |t: u64| net.query(json!({"credential": {"id": ID, "at_ms": t}}))["status"].clone();
    assert_eq!(
        [T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY, T0 + 4 * DAY].map(status),
        ["active", "suspended", "active", "revoked"].map(|s| json!(s))
    );

    // The revocation list carries bit 0 from the revocation on.
    let bit0 = |t: u64| {
        let r = net
            .query(json!({"status_list": {"issuer": net.gd, "purpose": "revocation", "at_ms": t}}));
        let bytes =
            URL_SAFE_NO_PAD.decode(r["encoded_list"].as_str().expect("string")).expect("base64url");
        assert_eq!(bytes.len(), 16_384);
        bytes[0] >> 7
    };
    assert_eq!((bit0(T0 + 4 * DAY - 1), bit0(T0 + 4 * DAY)), (0, 1));
}

#[test]
fn refusals_in_the_vm_leave_no_trace() {
    let mut net = Net::with_type();
    // A key that does not control the issuer DID: the real registry's reason comes through.
    let msg = net.issue_msg(ID, 1);
    let out = net.call(STRANGER, msg);
    refused(
        &out,
        &format!("unauthorized: {STRANGER} does not control issuer {}: not a controller", net.gd),
    );

    // An issuer DID the registry does not know.
    let ghost = format!("did:bayledger:{NETWORK}:ghost");
    expect_ok(
        &net.call(COMMITTEE, json!({"add_issuer": {"credential_type": HEALTH, "issuer": ghost}})),
        "add ghost",
    );
    let mut msg = net.issue_msg(ID, 1);
    msg["issue"]["issuer"] = json!(ghost);
    let out = net.gd_sends(msg);
    refused(&out, "unknown DID");

    // Committee-only actions.
    let out =
        net.call(STRANGER, json!({"remove_issuer": {"credential_type": HEALTH, "issuer": net.gd}}));
    refused(&out, &format!("unauthorized: only the committee {COMMITTEE} may remove issuers"));

    // Expired validity.
    net.chain.set_block(2, T0 + 400 * DAY);
    let msg = net.issue_msg(ID, 1);
    refused(&net.gd_sends(msg), "invalid valid_until_ms:");

    // Status rules.
    net.chain.set_block(3, T0 + DAY);
    let msg = net.issue_msg(ID, 1);
    expect_ok(&net.gd_sends(msg), "issue");
    let out = net.call(STRANGER, json!({"revoke": {"id": ID, "reason": "hostile"}}));
    refused(&out, "unauthorized:");
    expect_ok(&net.gd_sends(json!({"revoke": {"id": ID, "reason": "lost"}})), "revoke");
    refused(&net.gd_sends(json!({"revoke": {"id": ID, "reason": "again"}})), "conflict:");
    refused(&net.gd_sends(json!({"reinstate": {"id": ID, "reason": "undo"}})), "conflict:");
    let c = net.query(json!({"credential": {"id": ID}}));
    assert_eq!(c["history"].as_array().map(Vec::len), Some(2));

    // A removed issuer may not issue.
    expect_ok(
        &net.call(
            COMMITTEE,
            json!({"remove_issuer": {"credential_type": HEALTH, "issuer": net.gd}}),
        ),
        "remove_issuer",
    );
    let msg = net.issue_msg("urn:uuid:second", 2);
    refused(&net.gd_sends(msg), "is not authorised to issue");

    // Malformed input.
    let out = net.chain.call(COMMITTEE, net.credentials, b"not json");
    refused(&out, "invalid message:");
    let out = net.chain.query(net.credentials, br#"{"credential":{}}"#);
    assert_eq!(out.status, ExecStatus::Aborted);
    assert!(out.error.contains("missing field `id`"), "{}", out.error);
}

#[test]
fn instantiation_needs_both_addresses() {
    let mut chain = TestChain::new();
    let code = chain.upload(&built(env!("CARGO_MANIFEST_DIR"), "credentials")).expect("valid code");
    for msg in [&b""[..], b"{}", br#"{"committee":"0x12","did_registry":"0x12"}"#] {
        let out = chain.instantiate(DEPLOYER, code, msg).expect_err("refused");
        assert_eq!(out.status, ExecStatus::Aborted);
        assert!(out.error.contains("invalid"), "{}", out.error);
    }
}

#[test]
fn a_busy_status_list_stays_within_the_query_fuel_limit() {
    let mut net = Net::with_type();
    // 200 credentials, every other one revoked and every fourth suspended first: 150 changes.
    for i in 0..200u32 {
        let mut msg = net.issue_msg(&format!("urn:busy:{i}"), 0);
        msg["issue"]["vc_hash"] = json!(format!("0x{i:064x}"));
        expect_ok(&net.gd_sends(msg), "issue");
    }
    for i in (0..200u32).step_by(4) {
        expect_ok(
            &net.gd_sends(json!({"suspend": {"id": format!("urn:busy:{i}"), "reason": "r"}})),
            "suspend",
        );
    }
    for i in (0..200u32).step_by(2) {
        expect_ok(
            &net.gd_sends(json!({"revoke": {"id": format!("urn:busy:{i}"), "reason": "r"}})),
            "revoke",
        );
    }
    let msg = json!({"status_list": {"issuer": net.gd, "purpose": "revocation"}});
    let out = net.chain.query(net.credentials, msg.to_string().as_bytes());
    expect_ok(&out, "status_list");
    assert!(out.fuel_used < net.chain.fuel_limit(), "fuel {}", out.fuel_used);
    let r: Value = serde_json::from_slice(&out.return_data).expect("JSON");
    let bytes =
        URL_SAFE_NO_PAD.decode(r["encoded_list"].as_str().expect("string")).expect("base64url");
    let set: Vec<usize> = (0..200).filter(|i| bytes[i / 8] >> (7 - i % 8) & 1 == 1).collect();
    assert_eq!(set, (0..200).step_by(2).collect::<Vec<_>>());
    // holds_valid walks the subject's 200 credentials of the type.
    let out = net.chain.query(
        net.credentials,
        json!({"holds_valid": {"subject": TRAVELLER, "credential_type": HEALTH}})
            .to_string()
            .as_bytes(),
    );
    expect_ok(&out, "holds_valid");
    let r: Value = serde_json::from_slice(&out.return_data).expect("JSON");
    assert_eq!((&r["valid"], &r["credential_id"]), (&json!(true), &json!("urn:busy:199")));
}
