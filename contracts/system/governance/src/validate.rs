//! Checks of message fields, each failing with `invalid <field>: …`.

use alloc::format;
use alloc::string::{String, ToString};
use bayledger_contract_sdk::{Address, Error};

/// Largest member weight.
pub const MAX_WEIGHT: u64 = 1_000_000;
/// Most committee members.
pub const MAX_MEMBERS: usize = 64;
/// Longest voting period, in blocks.
pub const MAX_VOTING_PERIOD: u64 = 1_000_000;
/// Longest member name (bytes).
pub const MAX_NAME: usize = 128;
/// Longest proposal title (bytes).
pub const MAX_TITLE: usize = 128;
/// Longest proposal description (bytes).
pub const MAX_DESCRIPTION: usize = 2048;
/// Most actions in one proposal.
pub const MAX_ACTIONS: usize = 16;

fn invalid(field: &str, why: impl core::fmt::Display) -> Error {
    Error::new(format!("invalid {field}: {why}"))
}

/// An address in its canonical form: `0x` + 40 lower-case hex.
pub fn address(field: &str, s: &str) -> Result<Address, Error> {
    let parsed: Address = s.parse().map_err(|e| invalid(field, format!("{s:?}: {e}")))?;
    if parsed.to_string() != s {
        return Err(invalid(field, format!("{s:?} must be 0x + 40 lower-case hex digits")));
    }
    Ok(parsed)
}

/// A member weight: 1–[`MAX_WEIGHT`].
pub fn weight(field: &str, w: u64) -> Result<u64, Error> {
    if w == 0 || w > MAX_WEIGHT {
        return Err(invalid(field, format!("{w} is not in 1..={MAX_WEIGHT}")));
    }
    Ok(w)
}

/// A threshold percentage: 1–100.
pub fn percent(field: &str, p: u8) -> Result<u8, Error> {
    if p == 0 || p > 100 {
        return Err(invalid(field, format!("{p} is not a percentage in 1..=100")));
    }
    Ok(p)
}

/// A voting period: 1–[`MAX_VOTING_PERIOD`] blocks.
pub fn period(field: &str, blocks: u64) -> Result<u64, Error> {
    if blocks == 0 || blocks > MAX_VOTING_PERIOD {
        return Err(invalid(field, format!("{blocks} blocks is not in 1..={MAX_VOTING_PERIOD}")));
    }
    Ok(blocks)
}

/// Text of at most `max` bytes without control characters; `min_one` refuses empty text.
pub fn text(field: &str, s: &str, max: usize, min_one: bool) -> Result<(), Error> {
    if min_one && s.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if s.len() > max {
        return Err(invalid(field, format!("{} bytes, at most {max}", s.len())));
    }
    if s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(invalid(field, "must not contain control characters"));
    }
    Ok(())
}

/// A `0x`-prefixed hex string of exactly `bytes` bytes (lower case).
pub fn hex(field: &str, s: &str, bytes: usize) -> Result<(), Error> {
    let digits = s.strip_prefix("0x").ok_or_else(|| invalid(field, format!("{s:?} lacks 0x")))?;
    if digits.len() != 2 * bytes
        || !digits.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(invalid(
            field,
            format!("{s:?} must be 0x + {} lower-case hex digits", 2 * bytes),
        ));
    }
    Ok(())
}

/// A DID: `did:<method>:<id>`, at most 256 bytes (the credentials contract checks more).
pub fn did(field: &str, s: &str) -> Result<(), Error> {
    let ok = s.len() <= 256
        && s.strip_prefix("did:").is_some_and(|rest| {
            rest.split_once(':').is_some_and(|(m, id)| !m.is_empty() && !id.is_empty())
        })
        && !s.chars().any(char::is_whitespace);
    if !ok {
        return Err(invalid(field, format!("{s:?} is not a DID (did:<method>:<id>)")));
    }
    Ok(())
}

/// The canonical form of an address string already checked by [`address`].
pub fn canonical(field: &str, s: &str) -> Result<String, Error> {
    address(field, s).map(|a| a.to_string())
}
