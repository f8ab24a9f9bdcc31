//! Who may act for a DID: the DID registry's `authorized` query (docs/domain-contracts.md).

use crate::state::DID_REGISTRY;
use crate::validate::truncated;
use alloc::format;
use alloc::string::String;
use bayledger_contract_sdk::{Address, Error, call};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct AuthorizedQuery<'a> {
    authorized: AuthorizedArgs<'a>,
}

#[derive(Serialize)]
struct AuthorizedArgs<'a> {
    did: &'a str,
    address: String,
}

#[derive(Deserialize)]
struct AuthorizedAnswer {
    authorized: bool,
    #[serde(default)]
    reason: String,
}

/// Ok when `address` controls `did` according to the registry; otherwise an
/// `unauthorized: <address> does not control the <role> <did>: <registry's reason>` error.
/// A registry that cannot be asked also refuses (`… could not be confirmed: …`).
pub fn require_control(address: &Address, role: &str, did: &str) -> Result<(), Error> {
    let registry = DID_REGISTRY.load()?;
    let query = serde_json::to_vec(&AuthorizedQuery {
        authorized: AuthorizedArgs { did, address: format!("{address}") },
    })
    .map_err(|e| Error::new(format!("cannot encode the registry query: {e}")))?;
    let unconfirmed = |why: String| {
        Error::new(format!(
            "unauthorized: control of the {role} {did} by {address} could not be confirmed: {}",
            truncated(&why, 300)
        ))
    };
    let answer = call::query_contract(&registry, &query)
        .map_err(|e| unconfirmed(format!("DID registry {registry} failed: {}", e.reason)))?;
    let answer: AuthorizedAnswer = serde_json::from_slice(&answer)
        .map_err(|e| unconfirmed(format!("DID registry {registry} answered badly: {e}")))?;
    if answer.authorized {
        Ok(())
    } else {
        Err(Error::new(format!(
            "unauthorized: {address} does not control the {role} {did}: {}",
            truncated(&answer.reason, 300)
        )))
    }
}
