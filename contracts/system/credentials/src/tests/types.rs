//! The credential-type registry: registration, schema versions and the type queries.

use super::*;
use crate::types::MAX_SCHEMA_VERSIONS;

#[test]
fn the_committee_registers_a_type_naming_its_owner() {
    setup();
    at(3, T0 + 5);
    ok(COMMITTEE, register_type_msg(HEALTH, 0x11));
    let uri = "https://schemas.example.org/health-certificate/v1.json";
    assert_eq!(
        events(),
        [(
            "credential.type_registered".into(),
            json!({
                "id": HEALTH,
                "name": "Health certificate",
                "description": "Cross-border health certificate (W3C VC 2.0)",
                "owner": OWNER.to_string(),
                "schema_version": 1,
                "schema_hash": hash(0x11),
                "schema_uri": uri,
            })
        )]
    );
    let record = json!({
        "id": HEALTH,
        "name": "Health certificate",
        "description": "Cross-border health certificate (W3C VC 2.0)",
        "owner": OWNER.to_string(),
        "registered_at_ms": T0 + 5,
        "registered_height": 3,
        "schema_version": 1,
        "schema_hash": hash(0x11),
        "schema_uri": uri,
    });
    assert_eq!(
        query(json!({"type": {"id": HEALTH}})),
        json!({
            "type": record,
            "schemas": [{"version": 1, "schema_hash": hash(0x11), "schema_uri": uri, "at_ms": T0 + 5, "height": 3}],
        })
    );
    assert_eq!(query(json!({"types": {}})), json!({"types": [record]}));
}

#[test]
fn description_is_optional() {
    setup();
    let mut msg = register_type_msg(HEALTH, 1);
    msg["register_type"].as_object_mut().expect("object").remove("description");
    ok(COMMITTEE, msg);
    assert_eq!(query(json!({"type": {"id": HEALTH}}))["type"]["description"], json!(""));
}

#[test]
fn only_the_committee_registers_types_and_each_id_once() {
    setup();
    for sender in [STRANGER, OWNER, GD_KEY] {
        assert_eq!(
            fails(sender, register_type_msg(HEALTH, 1)),
            format!("unauthorized: only the committee {COMMITTEE} may register credential types")
        );
    }
    ok(COMMITTEE, register_type_msg(HEALTH, 1));
    assert_eq!(
        fails(COMMITTEE, register_type_msg(HEALTH, 2)),
        "already exists: credential type \"health-certificate\""
    );
}

#[test]
fn registration_fields_are_checked() {
    setup();
    let with = |field: &str, value: Value| {
        let mut msg = register_type_msg(HEALTH, 1);
        msg["register_type"][field] = value;
        fails_invalid(COMMITTEE, msg)
    };
    assert!(with("id", json!("Health Cert")).starts_with("invalid id: \"Health Cert\" must be"));
    assert_eq!(with("id", json!("x".repeat(65))), "invalid id: 65 bytes; 1 to 64 bytes allowed");
    assert_eq!(with("name", json!("")), "invalid name: 0 bytes; 1 to 128 bytes allowed");
    assert_eq!(with("name", json!("a\tb")), "invalid name: control characters are not allowed");
    assert_eq!(
        with("description", json!("d".repeat(1025))),
        "invalid description: 1025 bytes; at most 1024 bytes allowed"
    );
    assert!(with("schema_hash", json!("0x1234")).starts_with("invalid schema_hash: \"0x1234\""));
    assert!(with("schema_uri", json!("schemas/v1.json")).starts_with("invalid schema_uri:"));
    assert!(
        with("schema_uri", json!(format!("https://{}", "a".repeat(250))))
            .starts_with("invalid schema_uri: 258 bytes")
    );
    assert!(with("owner", json!("nobody")).starts_with("invalid owner:"));
    let mut missing = register_type_msg(HEALTH, 1);
    missing["register_type"].as_object_mut().expect("object").remove("owner");
    assert!(
        fails_invalid(COMMITTEE, missing).starts_with("invalid message: missing field `owner`")
    );
    assert_eq!(query(json!({"types": {}})), json!({"types": []}));
}

fn update(sender: Address, schema: u8) -> Result<(), Error> {
    call_as(
        sender,
        json!({"update_schema": {
            "credential_type": HEALTH,
            "schema_hash": hash(schema),
            "schema_uri": format!("https://schemas.example.org/health/{schema}.json"),
        }}),
    )
}

#[test]
fn the_owner_publishes_schema_versions_and_the_history_is_kept() {
    with_type();
    at(5, T0 + DAY);
    update(OWNER, 0x22).expect("owner updates");
    assert_eq!(
        events(),
        [(
            "credential.schema_updated".into(),
            json!({
                "credential_type": HEALTH,
                "schema_version": 2,
                "schema_hash": hash(0x22),
                "schema_uri": "https://schemas.example.org/health/34.json",
            })
        )]
    );
    at(6, T0 + 2 * DAY);
    update(OWNER, 0x33).expect("owner updates again");
    let t = query(json!({"type": {"id": HEALTH}}));
    assert_eq!(t["type"]["schema_version"], json!(3));
    assert_eq!(t["type"]["schema_hash"], json!(hash(0x33)));
    let history: Vec<(Value, Value, Value)> = t["schemas"]
        .as_array()
        .expect("array")
        .iter()
        .map(|s| (s["version"].clone(), s["schema_hash"].clone(), s["at_ms"].clone()))
        .collect();
    assert_eq!(
        history,
        [
            (json!(1), json!(hash(0x11)), json!(T0)),
            (json!(2), json!(hash(0x22)), json!(T0 + DAY)),
            (json!(3), json!(hash(0x33)), json!(T0 + 2 * DAY)),
        ]
    );
    // A credential records the schema version current when it was issued.
    issue("urn:uuid:after-v3", 0xa1);
    assert_eq!(credential("urn:uuid:after-v3", None)["schema_version"], json!(3));
}

#[test]
fn only_the_owner_publishes_schemas_and_only_new_ones() {
    with_type();
    for sender in [COMMITTEE, STRANGER, GD_KEY] {
        assert_eq!(
            update(sender, 0x22).expect_err("not the owner").message(),
            format!(
                "unauthorized: only the owner {OWNER} of credential type \"health-certificate\" may publish its schema"
            )
        );
    }
    assert_eq!(
        update(OWNER, 0x11).expect_err("same schema").message(),
        format!(
            "conflict: schema {} is already version 1 of credential type \"health-certificate\"",
            hash(0x11)
        )
    );
    let unknown = json!({"update_schema": {
        "credential_type": "unknown-type", "schema_hash": hash(1), "schema_uri": "https://s.example/1"
    }});
    assert_eq!(fails(OWNER, unknown), "not found: credential type \"unknown-type\"");
}

#[test]
fn schema_versions_are_bounded() {
    with_type();
    for v in 2..=MAX_SCHEMA_VERSIONS {
        update(OWNER, v as u8).expect("under the limit");
    }
    assert_eq!(
        update(OWNER, 0xff).expect_err("limit").message(),
        "limit: credential type \"health-certificate\" already has 64 schema versions"
    );
    let t = query(json!({"type": {"id": HEALTH}}));
    assert_eq!(t["schemas"].as_array().map(Vec::len), Some(64));
}

#[test]
fn types_page_in_id_order() {
    setup();
    for id in ["c-type", "a-type", "d-type", "b-type"] {
        ok(COMMITTEE, register_type_msg(id, 1));
    }
    let ids = |msg: Value| -> Vec<String> {
        query(msg)["types"]
            .as_array()
            .expect("array")
            .iter()
            .map(|t| t["id"].as_str().expect("id").to_string())
            .collect()
    };
    assert_eq!(ids(json!({"types": {"limit": 2}})), ["a-type", "b-type"]);
    assert_eq!(ids(json!({"types": {"start_after": "b-type", "limit": 2}})), ["c-type", "d-type"]);
    assert_eq!(ids(json!({"types": {"start_after": "d-type"}})), Vec::<String>::new());
    assert_eq!(
        query_fails(json!({"type": {"id": "e-type"}})),
        "not found: credential type \"e-type\""
    );
}
