//! Entry points and the rule itself ([`decide`]).

use crate::msg::{
    Answer, CheckTransfer, Config, HoldsValid, HoldsValidAnswer, HoldsValidQuery, QueryMsg,
};
use crate::state;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use bayledger_contract_sdk::{Address, Error, call};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Most health categories one policy lists.
pub const MAX_HEALTH_CATEGORIES: usize = 32;
/// Longest category or credential type name, in bytes.
pub const MAX_NAME_LEN: usize = 64;
/// Longest reason quoted from the credentials contract, in bytes.
const MAX_QUOTED_REASON: usize = 300;

fn parse<T: DeserializeOwned>(msg: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(msg).map_err(|e| Error::new(format!("invalid message: {e}")))
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(|e| Error::new(format!("cannot encode response: {e}")))
}

/// `invalid <field>: <why>` unless `s` is 1–64 bytes of `extra` or `[a-z0-9]`, starting with
/// a letter or digit (the name rules of the consent and credentials contracts).
fn check_name(field: &str, s: &str, extra: &[u8]) -> Result<(), Error> {
    let ok = (1..=MAX_NAME_LEN).contains(&s.len())
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || extra.contains(&c));
    if ok {
        Ok(())
    } else {
        let allowed = core::str::from_utf8(extra).unwrap_or_default();
        Err(Error::new(format!(
            "invalid {field}: {s:?} is not a name (1-{MAX_NAME_LEN} of [a-z0-9{allowed}], starting with a letter or digit)"
        )))
    }
}

fn credentials_address(s: &str) -> Result<Address, Error> {
    if !s.starts_with("0x") {
        return Err(Error::new(format!("invalid credentials: {s:?} does not start with 0x")));
    }
    s.parse().map_err(|e| Error::new(format!("invalid credentials: {s:?}: {e}")))
}

/// Validates and stores the configuration. Runs once.
pub fn instantiate(msg: &[u8]) -> Result<Vec<u8>, Error> {
    let config: Config = parse(msg)?;
    if state::configured() {
        return Err(Error::new("conflict: already instantiated"));
    }
    credentials_address(&config.credentials)?;
    check_name("credential_type", &config.credential_type, b"._-")?;
    let categories = &config.health_categories;
    if categories.is_empty() || categories.len() > MAX_HEALTH_CATEGORIES {
        return Err(Error::new(format!(
            "invalid health_categories: 1 to {MAX_HEALTH_CATEGORIES} names, got {}",
            categories.len()
        )));
    }
    for (i, c) in categories.iter().enumerate() {
        check_name("health_categories", c, b"._:-")?;
        if categories[..i].contains(c) {
            return Err(Error::new(format!("invalid health_categories: {c:?} is listed twice")));
        }
    }
    state::save(&config)?;
    Ok(Vec::new())
}

/// The policy answers queries only; every transaction is refused.
pub fn call(_msg: &[u8]) -> Result<Vec<u8>, Error> {
    Err(Error::new(
        "invalid message: health-data-policy has no transactions; query check_transfer or config",
    ))
}

/// `check_transfer` and `config`.
pub fn query(msg: &[u8]) -> Result<Vec<u8>, Error> {
    match parse(msg)? {
        QueryMsg::CheckTransfer(t) => to_json(&decide(&state::load()?, &t)?),
        QueryMsg::Config {} => to_json(&state::load()?),
    }
}

/// The rule: anything that is not a health category, or does not cross a border, is allowed;
/// a cross-border transfer of a health category is allowed only if the recipient holds a
/// valid credential of the configured type at `at_ms`. A credentials contract that cannot be
/// asked is an error (the consent contract then refuses, quoting it).
pub fn decide(config: &Config, t: &CheckTransfer) -> Result<Answer, Error> {
    if !config.health_categories.contains(&t.category) {
        return Ok(allow(format!("{:?} is not a health category", t.category)));
    }
    if !t.cross_border {
        return Ok(allow(format!("{:?} stays within one jurisdiction", t.category)));
    }
    let held = holds_valid(config, &t.recipient, t.at_ms)?;
    let reason = truncated(&held.reason, MAX_QUOTED_REASON);
    Ok(if held.valid {
        let id = held.credential_id.as_deref().unwrap_or("?");
        allow(format!(
            "recipient {} holds a valid {} credential ({id}) for cross-border health data: {reason}",
            t.recipient, config.credential_type
        ))
    } else {
        Answer {
            allowed: false,
            reason: format!(
                "cross-border transfer of {:?} needs the recipient {} to hold a valid {} credential: {reason}",
                t.category, t.recipient, config.credential_type
            ),
        }
    })
}

fn allow(reason: String) -> Answer {
    Answer { allowed: true, reason }
}

fn holds_valid(config: &Config, recipient: &str, at_ms: u64) -> Result<HoldsValidAnswer, Error> {
    let credentials = credentials_address(&config.credentials)?;
    let query = to_json(&HoldsValidQuery {
        holds_valid: HoldsValid {
            subject: recipient,
            credential_type: &config.credential_type,
            at_ms,
        },
    })?;
    let answer = call::query_contract(&credentials, &query).map_err(|e| {
        Error::new(format!(
            "credentials contract {credentials} failed: {}",
            truncated(&e.reason, MAX_QUOTED_REASON)
        ))
    })?;
    serde_json::from_slice(&answer)
        .map_err(|e| Error::new(format!("credentials contract {credentials} answered badly: {e}")))
}

fn truncated(s: &str, max: usize) -> String {
    if s.len() <= max {
        return String::from(s);
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}
