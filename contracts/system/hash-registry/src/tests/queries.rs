//! `verify`, `history`, `by_registrant` and the refusals of the log queries.

use super::*;

fn verify(body: Value) -> Value {
    query(json!({"verify": body}))
}

#[test]
fn verify_answers_the_receiving_bank() {
    instantiated();
    at_height(11);
    register(BANK_SZ, 1);
    let valid = verify(json!({"hash": hash(1), "registrant": BANK_SZ.to_string()}));
    assert_eq!(valid["valid"], json!(true));
    assert_eq!(
        valid["reason"],
        json!(format!("registered by {BANK_SZ} at {} and active", time_at(11)))
    );
    assert_eq!(valid["registration"], status(1));

    let unknown = verify(json!({"hash": hash(2)}));
    assert_eq!(
        unknown,
        json!({"hash": hash(2), "valid": false, "reason": "not registered", "registration": null})
    );

    let other = verify(json!({"hash": hash(1), "registrant": BANK_HK.to_string()}));
    assert_eq!(other["valid"], json!(false));
    assert_eq!(other["reason"], json!(format!("registered by {BANK_SZ}, not by {BANK_HK}")));

    let early = verify(json!({"hash": hash(1), "at_ms": time_at(10)}));
    assert_eq!(early["valid"], json!(false));
    assert_eq!(
        early["reason"],
        json!(format!("not registered at {} (registered at {})", time_at(10), time_at(11)))
    );
    assert_eq!(early["registration"], Value::Null);

    at_height(12);
    call_as(
        BANK_SZ,
        json!({"supersede": {"hash": hash(1), "reason": "typo", "new": entry(3, "kyc")}}),
    )
    .expect("supersedes");
    let superseded = verify(json!({"hash": hash(1), "registrant": BANK_SZ.to_string()}));
    assert_eq!(superseded["valid"], json!(false));
    assert_eq!(
        superseded["reason"],
        json!(format!("superseded by {} at {}: typo", hash(3), time_at(12)))
    );
    assert_eq!(superseded["registration"]["superseded_by"], json!(hash(3)));
    // Before the supersession it was valid.
    let then =
        verify(json!({"hash": hash(1), "registrant": BANK_SZ.to_string(), "at_ms": time_at(11)}));
    assert_eq!(then["valid"], json!(true));
    assert_eq!(then["registration"]["status"], json!("active"));

    at_height(13);
    call_as(BANK_SZ, json!({"revoke": {"hash": hash(3), "reason": "closed"}})).expect("revokes");
    let revoked = verify(json!({"hash": hash(3)}));
    assert_eq!(revoked["reason"], json!(format!("revoked at {}: closed", time_at(13))));
    assert_eq!(revoked["valid"], json!(false));

    assert!(
        query_refused(json!({"verify": {"hash": hash(1), "registrant": "0xAB"}}))
            .starts_with("invalid registrant")
    );
    assert!(query_refused(json!({"verify": {"hash": "nope"}})).starts_with("invalid hash"));
}

#[test]
fn history_lists_every_event_with_actor_and_pages() {
    instantiated();
    at_height(11);
    register(BANK_SZ, 1);
    at_height(12);
    call_as(BANK_HK, json!({"cosign": {"hash": hash(1)}})).expect("cosigns");
    at_height(13);
    call_as(AUDITOR, json!({"cosign": {"hash": hash(1)}})).expect("cosigns");
    at_height(14);
    call_as(
        BANK_SZ,
        json!({"supersede": {"hash": hash(1), "reason": "amended", "new": entry(2, "kyc")}}),
    )
    .expect("supersedes");

    let row =
        |seq: u32, action: &str, height: u64, actor: Address, reason: Value, related: Value| {
            json!({
                "seq": seq, "action": action, "at_ms": time_at(height), "height": height,
                "actor": actor.to_string(), "reason": reason, "related_hash": related,
            })
        };
    let all = json!([
        row(0, "registered", 11, BANK_SZ, Value::Null, Value::Null),
        row(1, "cosigned", 12, BANK_HK, Value::Null, Value::Null),
        row(2, "cosigned", 13, AUDITOR, Value::Null, Value::Null),
        row(3, "superseded", 14, BANK_SZ, json!("amended"), json!(hash(2))),
    ]);
    assert_eq!(
        query(json!({"history": {"hash": hash(1)}})),
        json!({"hash": hash(1), "entries": all})
    );
    let page = |start_after: Value, limit: u32| {
        query(json!({"history": {"hash": hash(1), "start_after": start_after, "limit": limit}}))["entries"].clone()
    };
    assert_eq!(page(Value::Null, 2), json!([all[0], all[1]]));
    assert_eq!(page(json!(1), 2), json!([all[2], all[3]]));
    assert_eq!(page(json!(3), 2), json!([]));
    assert_eq!(
        query(json!({"history": {"hash": hash(2)}}))["entries"],
        json!([row(0, "registered", 14, BANK_SZ, Value::Null, json!(hash(1)))])
    );
    assert!(query_refused(json!({"history": {"hash": hash(3)}})).starts_with("not found"));
    assert_eq!(
        query_refused(json!({"history": {"hash": hash(1), "limit": 0}})),
        "invalid limit: must be at least 1"
    );
}

#[test]
fn registrations_by_registrant_page_in_log_order() {
    instantiated();
    // 120 registrations by BANK_SZ interleaved with some by BANK_HK.
    for chunk in 0..3u32 {
        let entries: Vec<Value> = (0..40).map(|i| entry(chunk * 40 + i, "kyc")).collect();
        call_as(BANK_SZ, json!({"register_batch": {"entries": entries}})).expect("batch");
        register(BANK_HK, 1000 + chunk);
    }
    call_as(BANK_SZ, json!({"revoke": {"hash": hash(5), "reason": "r"}})).expect("revokes");

    let page = |start_after: Value, limit: Value| {
        query(
            json!({"by_registrant": {"registrant": BANK_SZ.to_string(), "start_after": start_after, "limit": limit}}),
        )
    };
    let first = page(Value::Null, Value::Null);
    assert_eq!(first["registrant"], json!(BANK_SZ.to_string()));
    let rows = first["registrations"].as_array().expect("list");
    assert_eq!(rows.len(), 10, "default page size");
    assert_eq!(
        rows[5],
        json!({
            "hash": hash(5), "log_index": 5, "data_type": "kyc",
            "registered_at_ms": time_at(10), "registered_height": 10, "status": "revoked",
        })
    );
    let all = page(Value::Null, json!(1000))["registrations"].as_array().expect("list").clone();
    assert_eq!(all.len(), 100, "capped at 100");
    // Log indices skip BANK_HK's registrations (40 and 81).
    let indices = |rows: &[Value]| {
        rows.iter().map(|r| r["log_index"].as_u64().expect("index")).collect::<Vec<_>>()
    };
    assert_eq!(&indices(&all)[38..42], [38, 39, 41, 42]);
    let rest = page(json!(indices(&all)[99]), json!(100))["registrations"]
        .as_array()
        .expect("list")
        .clone();
    assert_eq!(indices(&rest), (102..122).collect::<Vec<u64>>());
    assert_eq!(rest.last().map(|r| r["hash"].clone()), Some(json!(hash(119))));

    let hk = query(json!({"by_registrant": {"registrant": BANK_HK.to_string()}}));
    assert_eq!(indices(hk["registrations"].as_array().expect("list")), [40, 81, 122]);
    let nobody = query(json!({"by_registrant": {"registrant": AUDITOR.to_string()}}));
    assert_eq!(nobody["registrations"], json!([]));
    assert_eq!(
        query_refused(json!({"by_registrant": {"registrant": "0x12"}})),
        "invalid registrant: \"0x12\" is not 0x followed by 40 lower-case hex digits"
    );
    assert_eq!(
        query_refused(json!({"by_registrant": {"registrant": BANK_SZ.to_string(), "limit": 0}})),
        "invalid limit: must be at least 1"
    );
}

#[test]
fn log_queries_refuse_sizes_and_leaves_outside_the_log() {
    instantiated();
    for n in 0..5 {
        register(BANK_SZ, n);
    }
    assert_eq!(
        query_refused(json!({"tree_head": {"tree_size": 6}})),
        "invalid tree_size: 6 exceeds the log size 5"
    );
    assert_eq!(query(json!({"tree_head": {"tree_size": 5}})), query(json!({"tree_head": {}})));

    let proof = |body: Value| query_refused(json!({"inclusion_proof": body}));
    assert_eq!(proof(json!({})), "invalid message: give exactly one of hash and leaf_index");
    assert_eq!(
        proof(json!({"hash": hash(1), "leaf_index": 1})),
        "invalid message: give exactly one of hash and leaf_index"
    );
    assert_eq!(proof(json!({"leaf_index": 5})), "invalid leaf_index: 5 is not in a tree of size 5");
    assert_eq!(
        proof(json!({"leaf_index": 2, "tree_size": 2})),
        "invalid leaf_index: 2 is not in a tree of size 2"
    );
    assert_eq!(
        proof(json!({"hash": hash(3), "tree_size": 3})),
        format!("invalid tree_size: hash {} is leaf 3, not in a tree of size 3", hash(3))
    );
    assert_eq!(
        proof(json!({"hash": hash(9)})),
        format!("not found: hash {} is not registered", hash(9))
    );
    assert_eq!(
        proof(json!({"leaf_index": 0, "tree_size": 0})),
        "invalid leaf_index: 0 is not in a tree of size 0"
    );
    assert_eq!(
        proof(json!({"leaf_index": 0, "tree_size": 6})),
        "invalid tree_size: 6 exceeds the log size 5"
    );
    assert!(proof(json!({"hash": "0x1"})).starts_with("invalid hash"));

    let consistency = |body: Value| query_refused(json!({"consistency_proof": body}));
    assert_eq!(consistency(json!({"first": 0})), "invalid first: must be at least 1");
    assert_eq!(consistency(json!({"first": 4, "second": 3})), "invalid first: 4 exceeds second 3");
    assert_eq!(consistency(json!({"first": 6})), "invalid first: 6 exceeds second 5");
    assert_eq!(
        consistency(json!({"first": 1, "second": 6})),
        "invalid second: 6 exceeds the log size 5"
    );
    assert!(consistency(json!({})).starts_with("invalid message: missing field `first`"));
    let same = query(json!({"consistency_proof": {"first": 5}}));
    assert_eq!(same["consistency_path"], json!([]));
    assert_eq!(same["first_root"], same["second_root"]);
}

#[test]
fn malformed_queries_are_refused() {
    instantiated();
    assert!(
        query_refused(json!({"status": {"hash": hash(1), "extra": 1}}))
            .starts_with("invalid message: unknown field `extra`")
    );
    assert!(query_refused(json!({"tree_head": {}, "status": {}})).starts_with("invalid message"));
    assert!(query_refused(json!({"tree_head": {"tree_size": -1}})).starts_with("invalid message"));
    assert!(query_refused(json!("status")).starts_with("invalid message"));
    assert_eq!(
        query_refused(json!({"status": {"hash": hash(1)}})),
        format!("not found: hash {} is not registered", hash(1))
    );
}
