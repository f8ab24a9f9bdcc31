//! Input checks: every field of every message is parsed or checked here, and a bad one is
//! refused with `invalid <field>: …` (sizes over a bound with `limit: …`).

use crate::hex;
use alloc::format;
use alloc::string::String;
use bayledger_contract_sdk::{Address, Error};

/// Longest `data_type`, in bytes.
pub const MAX_DATA_TYPE_LEN: usize = 64;
/// Longest `commitment_scheme`, in bytes.
pub const MAX_SCHEME_LEN: usize = 64;
/// Longest `metadata_uri`, in bytes.
pub const MAX_URI_LEN: usize = 256;
/// Longest revocation or supersession `reason`, in bytes.
pub const MAX_REASON_LEN: usize = 256;
/// Most registrations in one `register_batch`: one `hash.registered` event each, and a
/// transaction may emit at most this many events (ADR 0006).
pub const MAX_BATCH: usize = bayledger_contract_sdk::limits::MAX_EVENTS;
/// Most co-signers of one registration (keeps the status record and response bounded).
pub const MAX_COSIGNERS: usize = 32;
/// Page size of list queries when no `limit` is given.
pub const DEFAULT_LIMIT: u32 = 10;
/// Largest page of a list query; larger limits are capped to this.
pub const MAX_LIMIT: u32 = 100;

/// A registered hash or commitment: 32 bytes, written `0x` + 64 lower-case hex digits.
pub type Hash = [u8; 32];

/// Parses `field` as `0x` + 64 lower-case hex digits.
pub fn hash(field: &str, text: &str) -> Result<Hash, Error> {
    hex::decode_fixed(text).ok_or_else(|| {
        Error::new(format!(
            "invalid {field}: {text:?} is not 0x followed by 64 lower-case hex digits"
        ))
    })
}

/// Parses `field` as an address: `0x` + 40 lower-case hex digits.
pub fn address(field: &str, text: &str) -> Result<Address, Error> {
    hex::decode_fixed(text).map(Address).ok_or_else(|| {
        Error::new(format!(
            "invalid {field}: {text:?} is not 0x followed by 40 lower-case hex digits"
        ))
    })
}

/// A data type: 1–64 characters of `[A-Za-z0-9._:/+-]`, e.g. `kyc-record`, `fhir:Patient/v4`.
pub fn data_type(field: &str, text: &str) -> Result<(), Error> {
    bounded(field, text, MAX_DATA_TYPE_LEN)?;
    if let Some(c) = text.chars().find(|c| !(c.is_ascii_alphanumeric() || "._:/+-".contains(*c))) {
        return Err(Error::new(format!(
            "invalid {field}: {c:?} is not allowed (use A-Z a-z 0-9 . _ : / + -)"
        )));
    }
    Ok(())
}

/// A commitment scheme: 1–64 printable ASCII characters, e.g. `sha3-256(salt||data)`.
pub fn commitment_scheme(field: &str, text: &str) -> Result<(), Error> {
    bounded(field, text, MAX_SCHEME_LEN)?;
    printable_ascii(field, text, true)
}

/// A metadata URI: 1–256 printable ASCII characters without spaces, starting with a URI
/// scheme (`<letter>[A-Za-z0-9+.-]*:`), e.g. `https://bank.example/records/123`.
pub fn metadata_uri(field: &str, text: &str) -> Result<(), Error> {
    bounded(field, text, MAX_URI_LEN)?;
    printable_ascii(field, text, false)?;
    let has_scheme = text.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if !has_scheme {
        return Err(Error::new(format!(
            "invalid {field}: {text:?} does not start with a URI scheme (e.g. https:)"
        )));
    }
    Ok(())
}

/// `reason`: 1–256 bytes of text without control characters.
pub fn reason(text: &str) -> Result<(), Error> {
    bounded("reason", text, MAX_REASON_LEN)?;
    if text.chars().any(char::is_control) {
        return Err(Error::new("invalid reason: control characters are not allowed"));
    }
    Ok(())
}

/// The page size of a list query: `limit` (at least 1, capped at [`MAX_LIMIT`]) or
/// [`DEFAULT_LIMIT`].
pub fn limit(limit: Option<u32>) -> Result<usize, Error> {
    match limit {
        Some(0) => Err(Error::new("invalid limit: must be at least 1")),
        Some(n) => Ok(n.min(MAX_LIMIT) as usize),
        None => Ok(DEFAULT_LIMIT as usize),
    }
}

fn bounded(field: &str, text: &str, max: usize) -> Result<(), Error> {
    if text.is_empty() {
        return Err(Error::new(format!("invalid {field}: must not be empty")));
    }
    if text.len() > max {
        return Err(Error::new(format!(
            "invalid {field}: {} bytes; at most {max} allowed",
            text.len()
        )));
    }
    Ok(())
}

fn printable_ascii(field: &str, text: &str, spaces: bool) -> Result<(), Error> {
    let bad = |c: char| !(c.is_ascii_graphic() || (spaces && c == ' '));
    match text.chars().find(|c| bad(*c)) {
        Some(c) => Err(Error::new(format!("invalid {field}: {c:?} is not allowed"))),
        None => Ok(()),
    }
}

/// Checks an optional `field` with `check` and returns an owned copy of it.
pub fn optional(
    field: &str,
    value: Option<&str>,
    check: fn(&str, &str) -> Result<(), Error>,
) -> Result<Option<String>, Error> {
    value.map(|v| check(field, v).map(|()| String::from(v))).transpose()
}
