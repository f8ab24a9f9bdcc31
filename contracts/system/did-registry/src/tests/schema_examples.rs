//! The schemas themselves: they compile, describe documented examples, and refuse what the
//! contract refuses for its shape.

use super::*;
use serde_json::json;

#[test]
fn every_schema_compiles_and_names_its_file() {
    for (name, text) in schemas::SCHEMAS {
        let schema: Value = serde_json::from_str(text).expect("JSON");
        assert_eq!(
            schema["$id"],
            format!("https://schemas.bayledger.invalid/did-registry/{name}"),
            "{name}"
        );
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "{name}");
        // Compiling happens on first use.
        schemas::accepts(name, &Value::Null);
    }
}

#[test]
fn documented_examples_match() {
    let key = Key::new(1);
    let did = did_of("bank-a");
    let document = json!({
        "@context": ["https://www.w3.org/ns/did/v1.1"],
        "id": did,
        "controller": [did_of("regulator")],
        "verificationMethod": [key.jwk_method("#key-1"), key.multikey_method(&format!("{did}#key-2"))],
        "authentication": ["#key-1"],
        "assertionMethod": ["#key-1", format!("{did}#key-2")],
        "keyAgreement": ["#key-2"],
        "capabilityInvocation": ["#key-1"],
        "capabilityDelegation": ["#key-1"],
        "service": [{"id": "#ld", "type": "LinkedDomains", "serviceEndpoint": "https://bank-a.example"}],
    });
    schemas::check("did-document.json", &document);
    for msg in [
        json!({"create": {"document": document}}),
        json!({"create": {"document": {}}}),
        json!({"update": {"did": did, "document": document, "previous_version_id": "7"}}),
        json!({"update": {"did": did, "document": document, "previous_version_id": null}}),
        json!({"deactivate": {"did": did}}),
    ] {
        schemas::check("call.json", &msg);
    }
    for msg in [
        json!({"resolve": {"did": did}}),
        json!({"resolve": {"did": did, "version_id": "3"}}),
        json!({"resolve": {"did": did, "version_time": 1_796_000_523_000u64}}),
        json!({"resolve": {"did": did, "version_time": "2026-11-30T01:02:03Z"}}),
        json!({"history": {"did": did, "start_after": "10", "limit": 20}}),
        json!({"authorized": {"did": did, "address": key.address().to_string()}}),
        json!({"authorized": {"did": "did:web:bank.example", "address": key.address().to_string()}}),
        json!({"config": {}}),
    ] {
        schemas::check("query.json", &msg);
    }
    schemas::check("write-response.json", &json!({"did": did, "version_id": "1"}));
    schemas::check("event.json", &json!({"did": did, "version_id": "2"}));
    schemas::check(
        "resolve-response.json",
        &json!({
            "didDocument": null,
            "didDocumentMetadata": {},
            "didResolutionMetadata": {"error": "notFound", "errorMessage": "not registered"},
        }),
    );
    schemas::check(
        "authorized-response.json",
        &json!({"authorized": false, "reason": "deactivated: x"}),
    );
}

#[test]
fn schemas_refuse_what_the_contract_refuses_for_its_shape() {
    setup();
    let key = Key::new(1);
    let did = did_of("k");
    let with_method = |method: Value| json!({"create": {"document": {"id": did, "verificationMethod": [method], "authentication": ["#key-1"]}}});
    let mut with_d = key.jwk_method("#key-1");
    with_d["publicKeyJwk"]["d"] = json!("AAAA");
    let mut with_secret = key.multikey_method("#key-1");
    with_secret["secretKeyMultibase"] = json!("z123");
    let mut short_x = key.jwk_method("#key-1");
    short_x["publicKeyJwk"]["x"] = json!("abc");
    let mut bad_type = key.multikey_method("#key-1");
    bad_type["type"] = json!("EcdsaSecp256k1VerificationKey2019");
    let mut both = key.multikey_method("#key-1");
    both["publicKeyJwk"] = key.jwk();
    let cases = [
        with_method(with_d),
        with_method(with_secret),
        with_method(short_x),
        with_method(bad_type),
        with_method(both),
        with_method(
            json!({"id": "key-1", "type": "Multikey", "publicKeyMultibase": key.multibase()}),
        ),
        json!({"create": {"document": {"id": did, "name": "Alice"}}}),
        json!({"create": {"document": {"id": "did:web:x"}}}),
        json!({"create": {"document": {"@context": "https://example.com/ctx"}}}),
        json!({"create": {"document": {"service": [{"id": "#m", "type": "X", "serviceEndpoint": "mailto:a@b.example"}]}}}),
        json!({"create": {"document": {"service": [{"id": "#m", "type": "X", "serviceEndpoint": "https://u@b.example"}]}}}),
        json!({"create": {"document": {"controller": []}}}),
        json!({"create": {}}),
        json!({"update": {"did": did, "document": {}, "previous_version_id": "01"}}),
        json!({"deactivate": {"did": did, "reason": "lost key"}}),
        json!({"create": {"document": {}}, "deactivate": {"did": did}}),
    ];
    for msg in cases {
        assert!(!schemas::accepts("call.json", &msg), "schema accepts {msg}");
        mock::set_sender(key.address());
        let result = mock::execute(contract::call, msg.to_string().as_bytes());
        assert!(result.is_err(), "contract accepts {msg}");
    }
}
