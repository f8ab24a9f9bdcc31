//! Syntax checks of every identifier the contract accepts. Each failure is an
//! `invalid <field>: …` error naming the field and the rule.

use crate::hexfmt;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use bayledger_contract_sdk::{Address, Error};

/// Longest DID, in bytes.
pub const MAX_DID_LEN: usize = 128;
/// Longest DID method name, in bytes.
pub const MAX_DID_METHOD_LEN: usize = 16;
/// Longest data category or purpose name, in bytes.
pub const MAX_NAME_LEN: usize = 64;
/// Most data categories in one consent.
pub const MAX_CATEGORIES: usize = 16;
/// Most purposes in one consent.
pub const MAX_PURPOSES: usize = 8;

/// `invalid <field>: <why>`.
pub fn invalid(field: &str, why: impl core::fmt::Display) -> Error {
    Error::new(format!("invalid {field}: {why}"))
}

/// A DID: `did:<method>:<method-specific-id>`, at most [`MAX_DID_LEN`] bytes; the method is
/// 1–16 of `[a-z0-9]`, the id 1+ of `[A-Za-z0-9._:%-]` not ending in `:` (W3C DID syntax,
/// without percent-decoding).
pub fn did(field: &str, s: &str) -> Result<(), Error> {
    if s.len() > MAX_DID_LEN {
        return Err(invalid(
            field,
            format!("a DID is at most {MAX_DID_LEN} bytes, got {}", s.len()),
        ));
    }
    let not_a_did = || invalid(field, format!("{s:?} is not a DID (did:<method>:<id>)"));
    let rest = s.strip_prefix("did:").ok_or_else(not_a_did)?;
    let (method, id) = rest.split_once(':').ok_or_else(not_a_did)?;
    let method_ok = !method.is_empty()
        && method.len() <= MAX_DID_METHOD_LEN
        && method.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let id_ok = !id.is_empty()
        && !id.ends_with(':')
        && id.bytes().all(|c| c.is_ascii_alphanumeric() || b"._:%-".contains(&c));
    if method_ok && id_ok { Ok(()) } else { Err(not_a_did()) }
}

/// A data category or purpose name: 1–64 bytes of `[a-z0-9._:-]` starting with a letter or
/// digit. Lower case only, so that `check` compares names exactly without case surprises.
pub fn name(field: &str, s: &str) -> Result<(), Error> {
    let ok = !s.is_empty()
        && s.len() <= MAX_NAME_LEN
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"._:-".contains(&c));
    if ok {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!(
                "{s:?} is not a name (1-{MAX_NAME_LEN} of [a-z0-9._:-], starting with a letter or digit)"
            ),
        ))
    }
}

/// A non-empty list of at most `max` distinct [`name`]s.
pub fn names(field: &str, list: &[String], max: usize) -> Result<(), Error> {
    if list.is_empty() {
        return Err(invalid(field, "the list is empty"));
    }
    if list.len() > max {
        return Err(invalid(field, format!("at most {max} entries, got {}", list.len())));
    }
    for (i, s) in list.iter().enumerate() {
        name(field, s)?;
        if list[..i].contains(s) {
            return Err(invalid(field, format!("{s:?} is listed twice")));
        }
    }
    Ok(())
}

/// A jurisdiction: an ISO 3166-1 alpha-2 country code, optionally followed by `-` and an
/// ISO 3166-2 subdivision of 1–3 upper-case letters or digits (`HK`, `CN-GD`, `DE-BY`).
pub fn jurisdiction(field: &str, s: &str) -> Result<(), Error> {
    let b = s.as_bytes();
    let country = b.len() >= 2 && b[..2].iter().all(u8::is_ascii_uppercase);
    let subdivision = match &b[b.len().min(2)..] {
        [] => true,
        [b'-', rest @ ..] => {
            (1..=3).contains(&rest.len())
                && rest.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        }
        _ => false,
    };
    if country && subdivision {
        Ok(())
    } else {
        Err(invalid(field, format!("{s:?} is not an ISO 3166 code like \"HK\" or \"CN-GD\"")))
    }
}

/// A contract or account address: `0x` + 40 lower-case hex digits.
pub fn address(field: &str, s: &str) -> Result<Address, Error> {
    hexfmt::decode_prefixed::<20>(s)
        .map(Address)
        .map_err(|why| invalid(field, format!("{s:?}: {why}")))
}

/// A hash: `0x` + 64 lower-case hex digits.
pub fn hash(field: &str, s: &str) -> Result<[u8; 32], Error> {
    hexfmt::decode_prefixed::<32>(s).map_err(|why| invalid(field, format!("{s:?}: {why}")))
}

/// A recoverable signature: `0x` + 130 lower-case hex digits (`r ‖ s ‖ v`).
pub fn signature(field: &str, s: &str) -> Result<[u8; 65], Error> {
    hexfmt::decode_prefixed::<65>(s).map_err(|why| invalid(field, why))
}

/// A consent id: a decimal number without sign or leading zeros, at least 1.
pub fn consent_id(field: &str, s: &str) -> Result<u64, Error> {
    let canonical = !s.is_empty() && !s.starts_with('0') && s.bytes().all(|c| c.is_ascii_digit());
    match s.parse::<u64>() {
        Ok(id) if canonical => Ok(id),
        _ => Err(invalid(field, format!("{s:?} is not a consent id (a decimal number from 1)"))),
    }
}

/// `s` cut to at most `max` bytes on a character boundary, with `…` when cut.
pub fn truncated(s: &str, max: usize) -> String {
    if s.len() <= max {
        return String::from(s);
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Joins names for a reason text: `a, b, c`.
pub fn joined(list: &[String]) -> String {
    list.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dids() {
        for ok in ["did:bayledger:main:ab12", "did:web:example.com", "did:key:z6Mk:x%20y"] {
            assert_eq!(did("subject", ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "did:",
            "did:x",
            "did::id",
            "did:Web:x",
            "did:web:",
            "did:web:a:",
            "x:web:a",
            "did:web:a b",
        ] {
            let e = did("subject", bad).expect_err(bad);
            assert!(e.message().starts_with("invalid subject: "), "{e}");
        }
        let long = format!("did:web:{}", "a".repeat(MAX_DID_LEN));
        assert_eq!(
            did("recipient", &long).map_err(|e| e.to_string()),
            Err(format!("invalid recipient: a DID is at most 128 bytes, got {}", long.len()))
        );
    }

    #[test]
    fn names_and_lists() {
        for ok in ["health", "health.lab-results", "a", "x:y_z", "0day"] {
            assert_eq!(name("category", ok), Ok(()), "{ok}");
        }
        for bad in ["", "Health", "-x", ".x", "a b", "é", &"a".repeat(65)] {
            assert!(name("category", bad).is_err(), "{bad}");
        }
        let list = |v: &[&str]| v.iter().map(|s| String::from(*s)).collect::<Vec<_>>();
        assert_eq!(names("purposes", &list(&["a", "b"]), 2), Ok(()));
        assert_eq!(
            names("purposes", &list(&[]), 2).map_err(|e| e.to_string()),
            Err("invalid purposes: the list is empty".into())
        );
        assert_eq!(
            names("purposes", &list(&["a", "b", "c"]), 2).map_err(|e| e.to_string()),
            Err("invalid purposes: at most 2 entries, got 3".into())
        );
        assert_eq!(
            names("purposes", &list(&["a", "a"]), 2).map_err(|e| e.to_string()),
            Err("invalid purposes: \"a\" is listed twice".into())
        );
    }

    #[test]
    fn jurisdictions() {
        for ok in ["HK", "CN-GD", "DE-BY", "GB-ENG", "FR-75"] {
            assert_eq!(jurisdiction("j", ok), Ok(()), "{ok}");
        }
        for bad in ["", "H", "hk", "CN-", "CN-ABCD", "CN_GD", "CNGD", "cn-gd", "CN-gd"] {
            assert!(jurisdiction("j", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn consent_ids() {
        assert_eq!(consent_id("id", "1"), Ok(1));
        assert_eq!(consent_id("id", "18446744073709551615"), Ok(u64::MAX));
        for bad in ["", "0", "01", "+1", "-1", "1a", "18446744073709551616"] {
            assert!(consent_id("id", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn truncation_keeps_char_boundaries() {
        assert_eq!(truncated("abc", 3), "abc");
        assert_eq!(truncated("abcd", 3), "abc…");
        assert_eq!(truncated("aé", 2), "a…");
    }
}
