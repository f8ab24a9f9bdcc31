//! Documents the registry refuses: bad key encodings, dangling or duplicate references,
//! private keys, personal data, oversized documents and messages.

use super::*;
use crate::contract::MAX_MESSAGE_BYTES;
use crate::document::MAX_DOCUMENT_BYTES;
use serde_json::json;

/// Creating a document with `edit` applied to a valid one (id `did_of("v")`, key `#key-1`).
fn refused_edit(edit: impl FnOnce(&mut Value)) -> String {
    let key = Key::new(1);
    let mut d = doc(Some(&did_of("v")), &key);
    edit(&mut d);
    refused(key.address(), json!({"create": {"document": d}}))
}

fn assert_refused(err: &str, prefix: &str, detail: &str) {
    assert!(
        err.starts_with(prefix) && err.contains(detail),
        "expected {prefix}…{detail}…, got: {err}"
    );
}

#[test]
fn bad_jwk_encodings_are_refused() {
    setup();
    let key = Key::new(1);
    let other = Key::new(2);
    let jwk = |edit: &dyn Fn(&mut Value)| {
        let mut m = key.jwk_method("#key-1");
        edit(&mut m["publicKeyJwk"]);
        m
    };
    let cases: Vec<(Value, &str)> = vec![
        (jwk(&|j| j["kty"] = json!("OKP")), "kty must be \"EC\""),
        (jwk(&|j| j["crv"] = json!("P-256")), "crv must be \"secp256k1\""),
        (jwk(&|j| j["x"] = json!("not-base64url!")), "43 base64url characters"),
        (jwk(&|j| j["x"] = json!(format!("{}=", "A".repeat(42)))), "not base64url"),
        (jwk(&|j| j["y"] = other.jwk()["y"].clone()), "not a point on secp256k1"),
        (jwk(&|j| j["d"] = json!("c2VjcmV0")), "private key member \"d\""),
        (jwk(&|j| j["alg"] = json!("ES256")), "alg must be \"ES256K\""),
        (jwk(&|j| j["use"] = json!("sig")), "unknown field `use`"),
    ];
    for (method, detail) in cases {
        let err = refused_edit(|d| d["verificationMethod"] = json!([method]));
        let prefix = if detail.starts_with("unknown") {
            "invalid message: "
        } else {
            "invalid verificationMethod \"#key-1\": "
        };
        assert_refused(&err, prefix, detail);
    }
}

#[test]
fn bad_multikey_encodings_are_refused() {
    setup();
    let key = Key::new(1);
    let encode = |bytes: &[u8]| format!("z{}", bs58::encode(bytes).into_string());
    let codec = crate::keys::MULTICODEC_SECP256K1_PUB;
    let compressed = key.compressed();
    let mut prefix_04 = compressed;
    prefix_04[0] = 0x04;
    let off_curve = (0u8..)
        .map(|i| [&[0x02, i][..], &[0x42; 31]].concat())
        .find(|k| k256::ecdsa::VerifyingKey::from_sec1_bytes(k).is_err())
        .expect("some x is off the curve");
    let uncompressed = k256::ecdsa::SigningKey::from_slice(&[1; 32])
        .expect("scalar")
        .verifying_key()
        .to_sec1_point(false);
    let cases: Vec<(String, &str)> = vec![
        (format!("u{}", &key.multibase()[1..]), "must start with 'z'"),
        ("z0OIl".into(), "not base58btc"),
        (encode(&[&[0xed, 0x01][..], &compressed[1..]].concat()), "multicodec secp256k1-pub"),
        (encode(&[&codec[..], &compressed[..32]].concat()), "33-byte compressed key"),
        (encode(&[&codec[..], uncompressed.as_bytes()].concat()), "at most 64 characters"),
        (encode(&[&codec[..], &prefix_04[..]].concat()), "0x02 or 0x03"),
        (encode(&[&codec[..], &off_curve[..]].concat()), "not a point on secp256k1"),
    ];
    for (text, detail) in cases {
        let err = refused_edit(|d| d["verificationMethod"][0]["publicKeyMultibase"] = json!(text));
        assert_refused(&err, "invalid verificationMethod \"#key-1\": ", detail);
    }
}

#[test]
fn method_types_and_key_properties_must_match() {
    setup();
    let key = Key::new(1);
    let mut mixed = key.multikey_method("#key-1");
    mixed["publicKeyJwk"] = key.jwk();
    let mut jwk_as_multikey = key.jwk_method("#key-1");
    jwk_as_multikey["type"] = json!("Multikey");
    let mut ed = key.multikey_method("#key-1");
    ed["type"] = json!("Ed25519VerificationKey2020");
    let mut secret = key.multikey_method("#key-1");
    secret["secretKeyMultibase"] = json!("z3u2en7t5LR2WtQH5PfsRmvo");
    let mut bad_controller = key.multikey_method("#key-1");
    bad_controller["controller"] = json!("bank");
    for (method, detail) in [
        (mixed, "a Multikey carries publicKeyMultibase and no publicKeyJwk"),
        (jwk_as_multikey, "a Multikey carries publicKeyMultibase"),
        (ed, "type must be \"JsonWebKey\" or \"Multikey\""),
        (secret, "private key material (secretKeyMultibase)"),
        (bad_controller, "controller: \"bank\" is not a DID"),
    ] {
        let err = refused_edit(|d| d["verificationMethod"] = json!([method]));
        assert_refused(&err, "invalid verificationMethod \"#key-1\": ", detail);
    }
    // A method controlled by a DID of another method is fine.
    let mut foreign = key.multikey_method("#key-1");
    foreign["controller"] = json!("did:web:bank.example");
    let mut d = doc(Some(&did_of("f")), &key);
    d["verificationMethod"] = json!([foreign]);
    call_as(key.address(), json!({"create": {"document": d}})).expect("any DID may control a key");
}

#[test]
fn references_must_resolve_within_the_document() {
    setup();
    let key = Key::new(1);
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!(["#nope"]), "authentication", "does not name a verificationMethod"),
        (json!([format!("{}#key-1", did_of("other"))]), "authentication", "neither #<fragment>"),
        (json!(["key-1"]), "authentication", "neither #<fragment>"),
        (json!(["#key-1", format!("{}#key-1", did_of("v"))]), "authentication", "listed twice"),
        (json!(["#"]), "authentication", "fragment must be 1-64"),
    ];
    for (refs, field, detail) in cases {
        let err = refused_edit(|d| d["authentication"] = refs);
        assert_refused(&err, &format!("invalid {field}: "), detail);
    }
    let err = refused_edit(|d| d["keyAgreement"] = json!(["#key-2"]));
    assert_refused(&err, "invalid keyAgreement: ", "does not name");
    let err = refused_edit(|d| {
        d["authentication"] = json!([{"id": "#key-2", "type": "Multikey"}]);
    });
    assert_refused(&err, "invalid message: ", "expected a string");

    // Method and service ids share one namespace.
    let key2 = Key::new(2);
    let err = refused_edit(|d| {
        d["verificationMethod"] = json!([key.multikey_method("#key-1"), key2.jwk_method("#key-1")])
    });
    assert_refused(&err, "invalid verificationMethod \"#key-1\": ", "duplicates");
    let err = refused_edit(|d| {
        d["service"] =
            json!([{"id": "#key-1", "type": "X", "serviceEndpoint": "https://a.example"}])
    });
    assert_refused(&err, "invalid service \"#key-1\": ", "duplicates");
    let err =
        refused_edit(|d| d["verificationMethod"][0]["id"] = json!(format!("{}#k", did_of("w"))));
    assert_refused(&err, "invalid verificationMethod ", "neither #<fragment>");
}

#[test]
fn services_carry_only_institutional_endpoints() {
    setup();
    let service = |ty: Value, endpoint: &str| json!([{"id": "#svc", "type": ty, "serviceEndpoint": endpoint}]);
    for (services, detail) in [
        (service(json!("Contact"), "mailto:alice@example.com"), "scheme \"mailto\" is not allowed"),
        (service(json!("Contact"), "tel:+441234567"), "not allowed"),
        (service(json!("X"), "https://alice:pw@bank.example/"), "user information"),
        (service(json!("X"), "https://bank.example/a b"), "may not contain"),
        (service(json!([]), "https://bank.example/"), "type must be 1-4 values"),
        (service(json!("has space"), "https://bank.example/"), "[A-Za-z0-9._-]"),
    ] {
        let err = refused_edit(|d| d["service"] = services);
        assert_refused(&err, "invalid service \"#svc\": ", detail);
    }
    let err = refused_edit(|d| d["service"] = json!([{"id": "#svc", "type": "X"}]));
    assert_refused(&err, "invalid message: ", "missing field `serviceEndpoint`");
}

#[test]
fn personal_data_and_unknown_properties_are_refused() {
    setup();
    for (property, value) in [
        ("name", json!("Alice Example")),
        ("alsoKnownAs", json!(["mailto:alice@example.com"])),
        ("birthDate", json!("1990-01-01")),
    ] {
        let err = refused_edit(|d| d[property] = value);
        assert_refused(&err, "invalid message: ", &format!("unknown field `{property}`"));
    }
}

#[test]
fn contexts_are_checked() {
    setup();
    for (context, detail) in [
        (json!("https://w3id.org/security/v2"), "must start with"),
        (json!([]), "must start with"),
        (json!(["https://www.w3.org/ns/did/v1", "http://insecure.example"]), "not an https URL"),
        (
            json!(["https://www.w3.org/ns/did/v1", "https://a.example", "https://a.example"]),
            "listed twice",
        ),
        (
            json!([
                "https://www.w3.org/ns/did/v1",
                "https://a.example",
                "https://b.example",
                "https://c.example",
                "https://d.example"
            ]),
            "at most 4",
        ),
    ] {
        let err = refused_edit(|d| d["@context"] = context);
        assert_refused(&err, "invalid @context: ", detail);
    }
}

/// A document of `methods` keys (all referenced from every relationship, by full DID URL)
/// and `services` services with long endpoints.
fn big_document(did: &str, methods: usize, services: usize) -> Value {
    let keys: Vec<Key> = (0..methods).map(|i| Key::new(10 + i as u8)).collect();
    let vms: Vec<Value> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let mut m = k.jwk_method(&format!("{did}#key-{i:02}"));
            m["publicKeyJwk"]["kid"] = json!(format!("{:0>128}", i));
            m
        })
        .collect();
    let refs: Vec<String> = (0..methods).map(|i| format!("{did}#key-{i:02}")).collect();
    let svcs: Vec<Value> = (0..services)
        .map(|i| {
            json!({
                "id": format!("{did}#svc-{i:02}"),
                "type": ["A".repeat(64), "B".repeat(64), "C".repeat(64), "D".repeat(64)],
                "serviceEndpoint": format!("https://bank.example/{}", "p".repeat(230)),
            })
        })
        .collect();
    json!({
        "id": did,
        "verificationMethod": vms,
        "authentication": refs, "assertionMethod": refs, "keyAgreement": refs,
        "capabilityInvocation": refs, "capabilityDelegation": refs,
        "service": svcs,
    })
}

#[test]
fn oversized_documents_and_messages_are_refused() {
    setup();
    let key = Key::new(10);
    let did = did_of(&"l".repeat(64));
    let err = refused(key.address(), json!({"create": {"document": big_document(&did, 17, 0)}}));
    assert_eq!(err, "limit: at most 16 verification methods, got 17");
    let err = refused(key.address(), json!({"create": {"document": big_document(&did, 1, 17)}}));
    assert_eq!(err, "limit: at most 16 services, got 17");

    let big = json!({"create": {"document": big_document(&did, 16, 16)}});
    let size = big.to_string().len();
    assert!(size < MAX_MESSAGE_BYTES, "the message ({size} bytes) must pass the message limit");
    let err = refused(key.address(), big);
    assert!(
        err.starts_with("limit: the document is ")
            && err.ends_with(&format!("bytes of JSON; at most {MAX_DOCUMENT_BYTES}")),
        "{err}"
    );
    // A smaller document of the same shape is accepted.
    create(&key, big_document(&did, 8, 4));

    let padding = "x".repeat(MAX_MESSAGE_BYTES);
    let err = refused(key.address(), json!({"create": {"document": {"id": padding}}}));
    assert!(err.starts_with("limit: the message is "), "{err}");
}

#[test]
fn malformed_messages_are_refused_with_a_reason() {
    setup();
    let key = Key::new(1);
    mock::set_sender(key.address());
    for (msg, detail) in [
        (&b"not json"[..], "invalid message: "),
        (br#"{"create":{}}"#, "missing field `document`"),
        (br#"{"register":{"document":{}}}"#, "unknown variant `register`"),
        (br#"{"deactivate":{"did":"x","extra":1}}"#, "unknown field `extra`"),
        (br#"{"create":{"document":{"verificationMethod":{}}}}"#, "invalid type"),
    ] {
        let err = mock::execute(contract::call, msg).expect_err("refused");
        assert!(
            err.message().starts_with("invalid message: ") && err.message().contains(detail),
            "{}: {err}",
            String::from_utf8_lossy(msg)
        );
    }
}
