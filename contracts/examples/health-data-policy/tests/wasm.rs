//! Runs the built `health_data_policy.wasm` in the real VM next to the built `did_registry.wasm`,
//! `credentials.wasm` and `consent.wasm`: a consent names the policy, and a cross-border
//! transfer of health data is refused until the recipient holds a valid health certificate
//! from an authorised issuer.
//!
//! The modules come from `scripts/build-contracts.sh` ([`bayledger_vm::testing::built_contract`]):
//! a missing or out-of-date module fails the tests, which must never pass without running it.
//! The VM world and schema checks are shared with the consent contract's VM tests.

#[path = "../../../system/consent/tests/common/mod.rs"]
mod common;

use bayledger_types::Address;
use bayledger_types::pb::ExecStatus;
use common::chain::{DAY, T0, Wallet, World, decoded, expect_ok, refused, terms};
use common::schema;
use serde_json::{Value, json};

const COMMITTEE: Address = Address([0xc1; 20]);
const HEALTH: &str = "health-certificate";

/// Everything deployed: registry and consent (the world), credentials with the
/// `health-certificate` type and the Hong Kong health authority admitted as its issuer, the
/// policy, and the parties' DIDs.
struct Setup {
    w: World,
    credentials: Address,
    policy: Address,
    alice: Wallet,
    hospital: Wallet,
    clinic: Wallet,
    authority: Wallet,
}

fn setup() -> Setup {
    let mut w = World::new();
    let (alice, hospital, clinic) =
        (w.wallet("alice"), w.wallet("hospital-gd"), w.wallet("clinic-hk"));
    let authority = w.wallet("hk-health-authority");
    let credentials = w.deploy(
        "system/credentials",
        "credentials",
        &json!({"committee": COMMITTEE.to_string(), "did_registry": w.registry.to_string()}),
    );
    let register = json!({"register_type": {"id": HEALTH, "name": "Health certificate",
        "schema_hash": format!("0x{}", "11".repeat(32)),
        "schema_uri": "https://schemas.example.org/health-certificate/v1.json",
        "owner": COMMITTEE.to_string()}});
    expect_ok(&w.call(COMMITTEE, credentials, &register), "register_type");
    let admit = json!({"add_issuer": {"credential_type": HEALTH, "issuer": authority.did}});
    expect_ok(&w.call(COMMITTEE, credentials, &admit), "add_issuer");
    let config = json!({"credentials": credentials.to_string(), "credential_type": HEALTH,
                        "health_categories": ["health.lab-results", "health.imaging"]});
    schema::assert_valid("instantiate", &config);
    let policy = w.deploy("examples/health-data-policy", "health_data_policy", &config);
    Setup { w, credentials, policy, alice, hospital, clinic, authority }
}

impl Setup {
    fn check(&self, category: &str, at_ms: Option<u64>) -> Value {
        self.w.consent_query(&json!({"check": {"subject": self.alice.did, "provider": self.hospital.did,
            "recipient": self.clinic.did, "category": category, "purpose": "treatment", "at_ms": at_ms}}))
    }

    fn transfer(&mut self, category: &str) -> bayledger_vm::ExecOutcome {
        let msg = json!({"record_transfer": {"consent_id": "1", "data_hash": format!("0x{}", "ab".repeat(32)),
            "category": category, "purpose": "treatment"}});
        let provider = self.hospital.address();
        self.w.consent_call(provider, &msg)
    }

    /// The health authority issues the clinic a health certificate.
    fn certify_clinic(&mut self) {
        let issue = json!({"issue": {"id": "urn:uuid:5d9c7a52-3f0e-4b8e-9a61-2c4f1e0b7d33",
            "credential_type": HEALTH, "issuer": self.authority.did, "subject": self.clinic.did,
            "vc_hash": format!("0x{}", "c3".repeat(32)), "valid_from_ms": T0, "valid_until_ms": T0 + 365 * DAY}});
        let issuer = self.authority.address();
        expect_ok(&self.w.call(issuer, self.credentials, &issue), "issue");
    }
}

#[test]
fn cross_border_health_data_waits_for_the_recipients_certificate() {
    let mut s = setup();
    let mut t = terms(&s.alice, &s.hospital, &s.clinic);
    t["policy"] = json!(s.policy.to_string());
    expect_ok(&s.w.consent_call(s.alice.address(), &json!({"grant": t})), "grant");

    s.w.chain.set_block(5, T0 + DAY);
    let refused_check = s.check("health.lab-results", None);
    assert_eq!(refused_check["allowed"], false);
    let reason = refused_check["reason"].as_str().expect("reason");
    assert!(
        reason.starts_with(&format!(
            "policy refused: cross-border transfer of \"health.lab-results\" needs the recipient {} to hold a valid health-certificate credential: ",
            s.clinic.did
        )),
        "{reason}"
    );
    assert!(reason.ends_with(&format!("(consent 1, policy {})", s.policy)), "{reason}");
    refused(
        &s.transfer("health.lab-results"),
        "conflict: consent 1: policy refused: cross-border transfer",
    );
    // Contact details are not health data: the policy lets them through.
    let email = s.check("contact.email", None);
    assert_eq!(email["allowed"], true);
    assert!(
        email["reason"]
            .as_str()
            .expect("reason")
            .ends_with("\"contact.email\" is not a health category"),
        "{email}"
    );

    s.w.chain.set_block(6, T0 + 2 * DAY);
    s.certify_clinic();
    s.w.chain.set_block(7, T0 + 3 * DAY);
    let allowed = s.check("health.lab-results", None);
    assert_eq!(allowed["allowed"], true, "{allowed}");
    assert!(
        allowed["reason"].as_str().expect("reason").contains(&format!(
            "; policy {}: recipient {} holds a valid health-certificate credential (urn:uuid:5d9c7a52-3f0e-4b8e-9a61-2c4f1e0b7d33)",
            s.policy, s.clinic.did
        )),
        "{allowed}"
    );
    let out = s.transfer("health.lab-results");
    expect_ok(&out, "record_transfer");
    assert_eq!(decoded(&out.events)[0].0, "consent.transfer_recorded");
    // The policy is asked about the past too: before the certificate, the answer was no.
    assert_eq!(s.check("health.lab-results", Some(T0 + DAY))["allowed"], false);
}

#[test]
fn the_policy_answers_directly_and_refuses_transactions() {
    let mut s = setup();
    let ask = |s: &Setup, category: &str, cross_border: bool| {
        let msg = json!({"check_transfer": {"consent_id": "1", "subject": s.alice.did, "provider": s.hospital.did,
            "recipient": s.clinic.did, "category": category, "purpose": "treatment",
            "cross_border": cross_border, "at_ms": T0}});
        schema::assert_valid("query", &msg);
        let answer = s.w.query(s.policy, &msg);
        schema::assert_valid("response.check_transfer", &answer);
        answer
    };
    assert_eq!(
        ask(&s, "health.imaging", false),
        json!({"allowed": true, "reason": "\"health.imaging\" stays within one jurisdiction"})
    );
    assert_eq!(ask(&s, "health.imaging", true)["allowed"], false);
    s.certify_clinic();
    assert_eq!(ask(&s, "health.imaging", true)["allowed"], true);

    let config = s.w.query(s.policy, &json!({"config": {}}));
    schema::assert_valid("response.config", &config);
    assert_eq!(config["credentials"], s.credentials.to_string());
    assert!(!schema::is_valid("call", &json!({"check_transfer": {}})));
    let out = s.w.call(s.alice.address(), s.policy, &json!({"check_transfer": {}}));
    assert_eq!(out.status, ExecStatus::Aborted);
    assert!(
        out.error.contains("invalid message: health-data-policy has no transactions"),
        "{}",
        out.error
    );
}

/// The most expensive check: 64 consents for the same parties (the consent contract's cap), all
/// in force and all naming this policy, which refuses each after asking the credentials
/// contract. It must stay well inside the genesis query fuel limit (default 50 000 000).
#[test]
fn the_worst_case_check_stays_well_inside_the_query_fuel_limit() {
    let mut s = setup();
    let mut t = terms(&s.alice, &s.hospital, &s.clinic);
    t["policy"] = json!(s.policy.to_string());
    for _ in 0..64 {
        expect_ok(&s.w.consent_call(s.alice.address(), &json!({"grant": t})), "grant");
    }
    refused(&s.w.consent_call(s.alice.address(), &json!({"grant": t})), "limit: ");
    let limit = s.w.chain.fuel_limit();
    for (category, allowed) in
        [("health.lab-results", false), ("health.genome", false), ("contact.email", true)]
    {
        let msg = json!({"check": {"subject": s.alice.did, "provider": s.hospital.did,
            "recipient": s.clinic.did, "category": category, "purpose": "treatment"}});
        let out = s.w.chain.query(s.w.consent, msg.to_string().as_bytes());
        expect_ok(&out, category);
        let answer: Value = serde_json::from_slice(&out.return_data).expect("JSON");
        assert_eq!(answer["allowed"], allowed, "{answer}");
        assert!(out.fuel_used < limit / 2, "{category}: {} fuel of {limit}", out.fuel_used);
    }
}
