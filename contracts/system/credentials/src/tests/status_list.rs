//! `status_list`: the issuer's bitstrings, decoded with an independent base64url decoder.

use super::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The set bits of GD's list `list` for `purpose` at `at_ms`.
fn set_bits(purpose: &str, list: u32, at_ms: Option<u64>) -> Vec<usize> {
    let r = query(
        json!({"status_list": {"issuer": GD, "purpose": purpose, "list": list, "at_ms": at_ms}}),
    );
    assert_eq!(
        (&r["issuer"], &r["purpose"], &r["list"], &r["size"]),
        (&json!(GD), &json!(purpose), &json!(list), &json!(131_072))
    );
    let bytes =
        URL_SAFE_NO_PAD.decode(r["encoded_list"].as_str().expect("string")).expect("base64url");
    assert_eq!(bytes.len(), 16_384);
    (0..131_072).filter(|i| bytes[i / 8] >> (7 - i % 8) & 1 == 1).collect()
}

#[test]
fn bits_follow_the_status_of_each_index_over_time() {
    with_type();
    for (i, id) in [
        "urn:s0", "urn:s1", "urn:s2", "urn:s3", "urn:s4", "urn:s5", "urn:s6", "urn:s7", "urn:s8",
        "urn:s9",
    ]
    .into_iter()
    .enumerate()
    {
        issue(id, i as u8);
    }
    at(2, T0 + DAY);
    ok(GD_KEY, json!({"revoke": {"id": "urn:s1", "reason": "r"}}));
    ok(GD_KEY, json!({"suspend": {"id": "urn:s8", "reason": "r"}}));
    ok(GD_KEY, json!({"suspend": {"id": "urn:s9", "reason": "r"}}));
    at(3, T0 + 2 * DAY);
    ok(GD_KEY, json!({"reinstate": {"id": "urn:s9", "reason": "r"}}));
    ok(GD_KEY, json!({"revoke": {"id": "urn:s8", "reason": "r"}}));

    assert_eq!(set_bits("revocation", 0, Some(T0)), Vec::<usize>::new());
    assert_eq!(set_bits("suspension", 0, Some(T0)), Vec::<usize>::new());
    assert_eq!(set_bits("revocation", 0, Some(T0 + DAY)), [1]);
    assert_eq!(set_bits("suspension", 0, Some(T0 + DAY)), [8, 9]);
    assert_eq!(set_bits("revocation", 0, None), [1, 8]);
    assert_eq!(set_bits("suspension", 0, Some(T0 + 2 * DAY)), Vec::<usize>::new());
    // The bit of a credential is found at its status_list_index.
    assert_eq!(credential("urn:s8", None)["status_list_index"], json!(8));
    assert_eq!(
        query(json!({"status_list": {"issuer": GD, "purpose": "revocation"}}))["at_ms"],
        json!(T0 + 2 * DAY)
    );
}

#[test]
fn lists_are_per_issuer_and_131072_bits_each() {
    with_type();
    issue("urn:first", 1);
    let mut far = issue_msg("urn:far", 2);
    far["issue"]["status_index"] = json!(2 * 131_072 + 131_071);
    ok(GD_KEY, far);
    ok(GD_KEY, json!({"revoke": {"id": "urn:far", "reason": "r"}}));
    assert_eq!(set_bits("revocation", 2, None), [131_071]);
    assert_eq!(set_bits("revocation", 0, None), Vec::<usize>::new());
    assert_eq!(
        query_fails(json!({"status_list": {"issuer": GD, "purpose": "revocation", "list": 1}})),
        format!("not found: issuer {GD} has no status list 1")
    );
    assert_eq!(
        query_fails(json!({"status_list": {"issuer": HK, "purpose": "revocation"}})),
        format!("not found: issuer {HK} has no status list 0")
    );
    assert!(
        query_fails_invalid(json!({"status_list": {"issuer": GD, "purpose": "expiry"}}))
            .starts_with("invalid message: unknown variant `expiry`")
    );
}
