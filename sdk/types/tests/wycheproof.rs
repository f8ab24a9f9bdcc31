//! Project Wycheproof ECDSA/secp256k1 vectors against our signature rules
//! (ADR 0003): fixed 64-byte `r || s`, scalars in `[1, n)`, low S.
//!
//! The files are read from `<workspace>/../shared/testdata/wycheproof/`. DER
//! files are first parsed as strict DER (k256's `DerSignature`); anything else
//! is "rejected by the DER rule". Every signature is then checked with
//! `PublicKey::verify_digest`. Verdicts:
//! - `valid` vectors are accepted, except those with high S, which must be
//!   rejected with `CryptoError::HighS` (Wycheproof's generic files allow
//!   malleable signatures; we do not);
//! - `invalid` vectors are rejected (the table says by which rule);
//! - the Bitcoin file (low S required) must match exactly: valid ↔ accepted.
//!
//! Run with `cargo test -p bayledger-types --test wycheproof -- --nocapture`
//! to see the per-file tables.

use bayledger_types::{CryptoError, PublicKey, RecoverableSignature};
use k256::ecdsa::DerSignature;
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use sha3::{Digest as _, Sha3_256};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// `(n - 1) / 2` for secp256k1: S above this is "high".
const HALF_ORDER: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

#[derive(Deserialize)]
struct VectorFile {
    #[serde(rename = "numberOfTests")]
    number_of_tests: usize,
    #[serde(rename = "testGroups")]
    groups: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    #[serde(rename = "publicKey")]
    public_key: GroupKey,
    sha: String,
    tests: Vec<Case>,
}

#[derive(Deserialize)]
struct GroupKey {
    uncompressed: String,
}

#[derive(Deserialize)]
struct Case {
    #[serde(rename = "tcId")]
    id: u64,
    comment: String,
    msg: String,
    sig: String,
    result: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    P1363,
    Der,
}

/// The rule that rejected a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rule {
    Der,
    Length,
    ScalarRange,
    HighS,
    BadSignature,
}

impl Rule {
    const ALL: [Rule; 5] =
        [Rule::Der, Rule::Length, Rule::ScalarRange, Rule::HighS, Rule::BadSignature];

    fn of(e: &CryptoError) -> Rule {
        match e {
            CryptoError::RsLength(_) => Rule::Length,
            CryptoError::ScalarRange => Rule::ScalarRange,
            CryptoError::HighS => Rule::HighS,
            CryptoError::BadSignature => Rule::BadSignature,
            other => panic!("verify_digest returned an error outside its rule set: {other:?}"),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Rule::Der => "DER",
            Rule::Length => "length",
            Rule::ScalarRange => "scalar range",
            Rule::HighS => "high-S",
            Rule::BadSignature => "bad signature",
        }
    }
}

fn vectors_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata/wycheproof");
    assert!(
        dir.is_dir(),
        "Wycheproof vectors not found at {} (expected <workspace>/../shared/testdata/wycheproof)",
        dir.display()
    );
    dir
}

fn load(name: &str) -> VectorFile {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file: VectorFile =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let count: usize = file.groups.iter().map(|g| g.tests.len()).sum();
    assert_eq!(count, file.number_of_tests, "{name}: numberOfTests disagrees with the test groups");
    file
}

fn digest(sha: &str, msg: &[u8]) -> [u8; 32] {
    match sha {
        "SHA-256" => Sha256::digest(msg).into(),
        "SHA3-256" => Sha3_256::digest(msg).into(),
        other => panic!("unexpected hash {other}"),
    }
}

/// Strict DER → fixed 64-byte `r || s`. DER validity (minimal lengths and
/// integers, no trailing data, non-negative, at most 32 significant bytes) is
/// k256's check; the layout below is then guaranteed.
fn der_to_rs(der: &[u8]) -> Option<[u8; 64]> {
    let parsed = DerSignature::from_bytes(der).ok()?;
    let bytes = parsed.as_bytes();
    // 0x30 len 0x02 rlen r 0x02 slen s, all lengths short-form (signature <= 72 bytes).
    let rlen = usize::from(bytes[3]);
    let r = &bytes[4..4 + rlen];
    let slen = usize::from(bytes[5 + rlen]);
    let s = &bytes[6 + rlen..6 + rlen + slen];
    let mut out = [0u8; 64];
    let (r_half, s_half) = out.split_at_mut(32);
    for (int, half) in [(r, r_half), (s, s_half)] {
        let int = &int[int.iter().take_while(|b| **b == 0).count()..];
        half[32 - int.len()..].copy_from_slice(int);
    }
    Some(out)
}

fn is_high_s(rs: &[u8]) -> bool {
    rs.len() == 64 && rs[32..] > HALF_ORDER[..]
}

struct Outcome {
    rs: Option<Vec<u8>>,
    verdict: Result<(), Rule>,
    error: Option<CryptoError>,
}

fn judge(enc: Encoding, key: &PublicKey, digest: &[u8; 32], sig: &[u8]) -> Outcome {
    let rs = match enc {
        Encoding::P1363 => sig.to_vec(),
        Encoding::Der => match der_to_rs(sig) {
            Some(rs) => rs.to_vec(),
            None => return Outcome { rs: None, verdict: Err(Rule::Der), error: None },
        },
    };
    let result = key.verify_digest(digest, &rs);
    Outcome {
        verdict: result.as_ref().map_err(Rule::of).copied(),
        error: result.err(),
        rs: Some(rs),
    }
}

#[derive(Default)]
struct Tally {
    total: usize,
    valid_accepted: usize,
    valid_high_s: usize,
    invalid_by: BTreeMap<Rule, usize>,
    acceptable: BTreeMap<&'static str, usize>,
}

fn run(name: &str, enc: Encoding, expected_hash: &str, bitcoin: bool) -> Tally {
    let file = load(name);
    let mut t = Tally::default();
    let mut failures = Vec::new();
    for g in &file.groups {
        assert_eq!(g.sha, expected_hash, "{name}: unexpected hash in a test group");
        let key = PublicKey::from_sec1(&hex::decode(&g.public_key.uncompressed).expect("hex"))
            .unwrap_or_else(|e| {
                panic!("{name}: group key {} refused: {e}", g.public_key.uncompressed)
            });
        for c in &g.tests {
            t.total += 1;
            let d = digest(&g.sha, &hex::decode(&c.msg).expect("msg hex"));
            let o = judge(enc, &key, &d, &hex::decode(&c.sig).expect("sig hex"));
            let label = format!("{name} tcId {} ({}): {}", c.id, c.comment, c.result);
            match c.result.as_str() {
                "valid" => {
                    let high = o.rs.as_deref().is_some_and(is_high_s);
                    if high && o.error == Some(CryptoError::HighS) {
                        t.valid_high_s += 1;
                    } else if !high && o.verdict.is_ok() {
                        t.valid_accepted += 1;
                    } else {
                        failures.push(format!("{label}: got {:?}, high S = {high}", o.verdict));
                    }
                }
                "invalid" => match o.verdict {
                    Err(rule) => *t.invalid_by.entry(rule).or_default() += 1,
                    Ok(()) => failures.push(format!("{label}: accepted")),
                },
                "acceptable" => {
                    let key = match o.verdict {
                        Ok(()) => "accepted",
                        Err(rule) => rule.name(),
                    };
                    *t.acceptable.entry(key).or_default() += 1;
                }
                other => failures.push(format!("{label}: unknown result {other:?}")),
            }
        }
    }
    print_table(name, &t);
    assert!(
        failures.is_empty(),
        "{} vectors disagree with our rules:\n{}",
        failures.len(),
        failures.join("\n")
    );
    if bitcoin {
        assert_eq!(t.valid_high_s, 0, "{name}: Bitcoin's valid vectors are all low-S");
    }
    t
}

fn print_table(name: &str, t: &Tally) {
    let mut s = String::new();
    let mut row = |label: &str, n: usize| {
        let _ = writeln!(s, "  {label:<40}{n:>5}");
    };
    row("valid: accepted", t.valid_accepted);
    row("valid: rejected by the low-S rule", t.valid_high_s);
    row("invalid: rejected", t.invalid_by.values().sum());
    for rule in Rule::ALL {
        row(
            &format!("  by the {} rule", rule.name()),
            t.invalid_by.get(&rule).copied().unwrap_or(0),
        );
    }
    for (verdict, n) in &t.acceptable {
        row(&format!("acceptable: {verdict}"), *n);
    }
    print!(
        "\n== {name}: {} vectors ==\n{s}  {} valid high-S vectors rejected by the low-S rule\n",
        t.total, t.valid_high_s
    );
}

#[test]
fn p1363_sha256() {
    let t = run("ecdsa_secp256k1_sha256_p1363_test.json", Encoding::P1363, "SHA-256", false);
    assert!(
        t.valid_high_s > 0,
        "the file has malleated (high-S) valid vectors; the low-S rule must see them"
    );
    assert!(
        t.invalid_by.get(&Rule::Length).copied().unwrap_or(0) > 0,
        "wrong-size signatures hit the length rule"
    );
}

#[test]
fn der_sha256() {
    let t = run("ecdsa_secp256k1_sha256_test.json", Encoding::Der, "SHA-256", false);
    assert!(
        t.invalid_by.get(&Rule::Der).copied().unwrap_or(0) > 0,
        "BER/malformed encodings hit the DER rule"
    );
}

#[test]
fn der_sha3_256() {
    run("ecdsa_secp256k1_sha3_256_test.json", Encoding::Der, "SHA3-256", false);
}

#[test]
fn der_sha256_bitcoin_matches_exactly() {
    let t = run("ecdsa_secp256k1_sha256_bitcoin_test.json", Encoding::Der, "SHA-256", true);
    assert!(
        t.invalid_by.get(&Rule::HighS).copied().unwrap_or(0) > 0,
        "malleated vectors are refused as high-S"
    );
}

/// Valid low-S P1363 vectors also pass the recoverable path: with v = 0 or
/// v = 1, `RecoverableSignature::recover` yields the vector's key.
#[test]
fn p1363_valid_low_s_vectors_recover_their_key() {
    let name = "ecdsa_secp256k1_sha256_p1363_test.json";
    let file = load(name);
    let (mut recovered, mut unrecoverable) = (0usize, Vec::new());
    for g in &file.groups {
        let key = PublicKey::from_sec1(&hex::decode(&g.public_key.uncompressed).expect("hex"))
            .expect("key");
        for c in g.tests.iter().filter(|c| c.result == "valid") {
            let rs = hex::decode(&c.sig).expect("hex");
            if is_high_s(&rs) {
                continue;
            }
            let d = digest(&g.sha, &hex::decode(&c.msg).expect("hex"));
            let hit = (0u8..=1).any(|v| {
                let mut sig = [0u8; 65];
                sig[..64].copy_from_slice(&rs);
                sig[64] = v;
                RecoverableSignature(sig).recover(&d) == Ok(key)
            });
            if hit {
                recovered += 1;
            } else {
                unrecoverable.push(format!("tcId {} ({})", c.id, c.comment));
            }
        }
    }
    println!(
        "\n== {name}: {recovered} valid low-S vectors recover their key with v in {{0, 1}} =="
    );
    assert!(recovered > 0);
    assert!(
        unrecoverable.is_empty(),
        "no recovery id recovers the key for: {}",
        unrecoverable.join(", ")
    );
}
