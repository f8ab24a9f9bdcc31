//! Field checks. Every string a message carries is checked here before it is used or stored;
//! each refusal is `invalid <field>: <why>` (docs/domain-contracts.md, "Errors").

use alloc::format;
use alloc::string::String;
use bayledger_contract_sdk::{Address, Error};
use core::fmt::Display;

/// Longest credential type id, in bytes.
pub const MAX_TYPE_ID_LEN: usize = 64;
/// Longest credential type name, in bytes.
pub const MAX_NAME_LEN: usize = 128;
/// Longest credential type description, in bytes.
pub const MAX_DESCRIPTION_LEN: usize = 1024;
/// Longest schema URI, in bytes.
pub const MAX_URI_LEN: usize = 256;
/// Longest DID, in bytes.
pub const MAX_DID_LEN: usize = 128;
/// Longest credential id, in bytes.
pub const MAX_CREDENTIAL_ID_LEN: usize = 128;
/// Longest status-change reason, in bytes.
pub const MAX_REASON_LEN: usize = 256;

/// Characters of a value echoed back in an error before it is cut short.
const ECHO_LEN: usize = 48;

/// `invalid <field>: <why>`.
pub(crate) fn invalid(field: &str, why: impl Display) -> Error {
    Error::new(format!("invalid {field}: {why}"))
}

/// `s` quoted for an error message, cut to a few dozen characters.
pub(crate) fn shown(s: &str) -> String {
    match s.char_indices().nth(ECHO_LEN) {
        Some((cut, _)) => format!("{:?}…", &s[..cut]),
        None => format!("{s:?}"),
    }
}

fn check_len(field: &str, s: &str, min: usize, max: usize) -> Result<(), Error> {
    if s.len() < min || s.len() > max {
        let want =
            if min == 0 { format!("at most {max} bytes") } else { format!("{min} to {max} bytes") };
        return Err(invalid(field, format!("{} bytes; {want} allowed", s.len())));
    }
    Ok(())
}

/// A credential type id: 1–64 of `[a-z0-9._-]`, starting with a letter or digit
/// (e.g. `health-certificate`).
pub fn type_id(field: &str, s: &str) -> Result<(), Error> {
    check_len(field, s, 1, MAX_TYPE_ID_LEN)?;
    let allowed = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit() || b"._-".contains(&c);
    let starts_well = s.as_bytes().first().is_some_and(|c| c.is_ascii_alphanumeric());
    if !s.bytes().all(allowed) || !starts_well {
        return Err(invalid(
            field,
            format!(
                "{} must be lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
                shown(s)
            ),
        ));
    }
    Ok(())
}

/// Human-readable text: `min..=max` bytes, no control characters.
pub fn text(field: &str, s: &str, min: usize, max: usize) -> Result<(), Error> {
    check_len(field, s, min, max)?;
    if s.chars().any(char::is_control) {
        return Err(invalid(field, "control characters are not allowed"));
    }
    Ok(())
}

/// A DID (W3C DID Core syntax): `did:<method>:<method-specific-id>`, method `[a-z0-9]+`, id of
/// `[A-Za-z0-9._:%-]` (a `%` starts a two-hex-digit escape) not ending in `:`; at most 128 bytes.
pub fn did(field: &str, s: &str) -> Result<(), Error> {
    check_len(field, s, 1, MAX_DID_LEN)?;
    let bad = || invalid(field, format!("{} is not a DID (did:<method>:<id>)", shown(s)));
    let rest = s.strip_prefix("did:").ok_or_else(bad)?;
    let (method, id) = rest.split_once(':').ok_or_else(bad)?;
    if method.is_empty()
        || !method.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        || id.is_empty()
        || id.ends_with(':')
    {
        return Err(bad());
    }
    let bytes = id.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let escape = bytes.get(i + 1..i + 3).ok_or_else(bad)?;
                if !escape.iter().all(u8::is_ascii_hexdigit) {
                    return Err(bad());
                }
                i += 3;
            }
            c if c.is_ascii_alphanumeric() || b"._:-".contains(&c) => i += 1,
            _ => return Err(bad()),
        }
    }
    Ok(())
}

/// An absolute URI: a scheme (`[A-Za-z][A-Za-z0-9+.-]*:`) then visible ASCII without spaces,
/// quotes, `<`, `>`, `\`, `^`, `` ` ``, `{`, `|` or `}`; `min..=max` bytes in all.
pub fn uri(field: &str, s: &str, max: usize) -> Result<(), Error> {
    check_len(field, s, 1, max)?;
    let bad = || invalid(field, format!("{} is not an absolute URI (scheme:…)", shown(s)));
    let (scheme, rest) = s.split_once(':').ok_or_else(bad)?;
    let scheme_ok = scheme.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && scheme.bytes().all(|c| c.is_ascii_alphanumeric() || b"+.-".contains(&c));
    let rest_ok = !rest.is_empty()
        && rest.bytes().all(|c| c.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&c));
    if !scheme_ok || !rest_ok {
        return Err(bad());
    }
    Ok(())
}

/// A credential id: an absolute URI of at most 128 bytes (e.g. `urn:uuid:…`).
pub fn credential_id(field: &str, s: &str) -> Result<(), Error> {
    uri(field, s, MAX_CREDENTIAL_ID_LEN)
}

/// A 32-byte hash written `0x` + 64 lower-case hex digits.
pub fn hash(field: &str, s: &str) -> Result<[u8; 32], Error> {
    let bad = || invalid(field, format!("{} is not 0x + 64 lower-case hex digits", shown(s)));
    let digits = s.strip_prefix("0x").ok_or_else(bad)?.as_bytes();
    if digits.len() != 64 {
        return Err(bad());
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (nibble(pair[0]).ok_or_else(bad)? << 4) | nibble(pair[1]).ok_or_else(bad)?;
    }
    Ok(out)
}

/// An address written canonically: `0x` + 40 lower-case hex digits.
pub fn address(field: &str, s: &str) -> Result<Address, Error> {
    let parsed: Address = s.parse().map_err(|e| invalid(field, format!("{}: {e}", shown(s))))?;
    if format!("{parsed}") != s {
        return Err(invalid(field, format!("{} must be 0x + 40 lower-case hex digits", shown(s))));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_ids() {
        for ok in ["health-certificate", "a", "v1.2_x", &"a".repeat(64)] {
            assert_eq!(type_id("id", ok), Ok(()), "{ok}");
        }
        for bad in ["", "Health", "-x", "a b", "é", &"a".repeat(65)] {
            assert!(type_id("id", bad).is_err(), "{bad}");
        }
        assert_eq!(
            type_id("id", "").map_err(|e| e.to_string()),
            Err("invalid id: 0 bytes; 1 to 64 bytes allowed".into())
        );
    }

    #[test]
    fn dids() {
        for ok in [
            "did:bayledger:main:abc",
            "did:key:z6Mk",
            "did:web:example.com%3A8443",
            "did:bayledger:main:a.b_c-d",
        ] {
            assert_eq!(did("issuer", ok), Ok(()), "{ok}");
        }
        for bad in [
            "did:",
            "did:x",
            "did::id",
            "did:Web:x",
            "did:web:",
            "did:web:x:",
            "did:web:a b",
            "did:web:%zz",
            "did:web:%4",
            "urn:web:x",
            &format!("did:web:{}", "a".repeat(121)),
        ] {
            assert!(did("issuer", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn uris_and_ids() {
        for ok in ["urn:uuid:9c1f", "https://schemas.example/health/v1.json", "ipfs:bafy"] {
            assert_eq!(uri("schema_uri", ok, MAX_URI_LEN), Ok(()), "{ok}");
        }
        for bad in ["", "nocolon", ":x", "1x:y", "https:", "https://a b", "x:\"q\"", "x:é"] {
            assert!(uri("schema_uri", bad, MAX_URI_LEN).is_err(), "{bad}");
        }
        assert!(credential_id("id", &format!("urn:{}", "a".repeat(125))).is_err());
        assert_eq!(credential_id("id", &format!("urn:{}", "a".repeat(124))), Ok(()));
    }

    #[test]
    fn hashes() {
        let good = format!("0x{}", "ab".repeat(32));
        assert_eq!(hash("vc_hash", &good), Ok([0xab; 32]));
        for bad in [
            "ab".repeat(32),
            format!("0x{}", "AB".repeat(32)),
            format!("0x{}", "ab".repeat(31)),
            format!("0x{}zz", "ab".repeat(31)),
        ] {
            assert!(hash("vc_hash", &bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn addresses_must_be_canonical() {
        let a = format!("0x{}", "0a".repeat(20));
        assert_eq!(address("owner", &a), Ok(Address([0x0a; 20])));
        assert!(address("owner", &a.to_uppercase().replace("0X", "0x")).is_err());
        assert!(address("owner", &a[2..]).is_err());
        assert_eq!(
            address("owner", "0x12").map_err(|e| e.to_string()),
            Err("invalid owner: \"0x12\": address must be 40 hex digits, got 2".into())
        );
    }

    #[test]
    fn text_and_echo() {
        assert_eq!(text("name", "ok", 1, 4), Ok(()));
        assert!(text("name", "a\nb", 1, 4).is_err());
        assert!(text("name", "", 1, 4).is_err());
        assert_eq!(
            text("name", "toolong", 0, 4).map_err(|e| e.to_string()),
            Err("invalid name: 7 bytes; at most 4 bytes allowed".into())
        );
        assert_eq!(shown(&"x".repeat(60)), format!("{:?}…", "x".repeat(48)));
    }
}
