//! Who acts for a DID (docs/domain-contracts.md): an address *controls* a DID when the DID
//! exists, is not deactivated, and the address is the ADR 0003 address of a method referenced
//! from its `authentication`, or of an `authentication` method of an active DID listed in its
//! `controller` — one level only, so control never chains through controllers of controllers.

use crate::did::{Did, DidError};
use crate::msg::AuthorizedResponse;
use crate::state::{self, DidState};
use alloc::format;
use alloc::string::{String, ToString};
use bayledger_contract_sdk::{Address, AddressParseError, Error};
use core::fmt;

/// Why an address controls a DID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
    /// It is the address of one of the DID's authentication methods.
    Key {
        /// The DID URL of the method.
        method: String,
    },
    /// It is the address of an authentication method of one of the DID's controllers.
    Controller {
        /// The controller DID.
        controller: String,
        /// The DID URL of the controller's method.
        method: String,
    },
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grant::Key { method } => write!(f, "authentication method {method}"),
            Grant::Controller { controller, method } => {
                write!(f, "controller {controller}: authentication method {method}")
            }
        }
    }
}

/// How `address` controls the DID `did` whose current (or proposed) state is `state`, if it
/// does. `state` must not be deactivated; controllers are read from storage.
pub fn grant(did: &Did, state: &DidState, address: &Address) -> Result<Option<Grant>, Error> {
    if let Some(key) = state.authentication.iter().find(|k| k.address == *address) {
        return Ok(Some(Grant::Key { method: format!("{did}#{}", key.fragment) }));
    }
    for id in &state.controllers {
        let Some(controller) = state::load(id)? else { continue };
        if controller.deactivated {
            continue;
        }
        if let Some(key) = controller.authentication.iter().find(|k| k.address == *address) {
            let controller = Did::new(did.network(), id).to_string();
            let method = format!("{controller}#{}", key.fragment);
            return Ok(Some(Grant::Controller { controller, method }));
        }
    }
    Ok(None)
}

/// The `unauthorized: …` error of a sender that does not control `did`.
pub fn unauthorized(did: &Did, sender: &Address) -> Error {
    Error::new(format!(
        "unauthorized: {sender} does not control {did} (it is not the address of an \
         authentication method of the DID or of one of its controllers)"
    ))
}

/// The `authorized` query.
pub fn authorized(did: &str, address: &str) -> Result<AuthorizedResponse, Error> {
    let address: Address = address
        .strip_prefix("0x")
        .ok_or_else(|| String::from("address must start with 0x"))
        .and_then(|hex| hex.parse().map_err(|e: AddressParseError| e.to_string()))
        .map_err(|e| Error::new(format!("invalid address {address:?}: {e}")))?;
    let network = state::network()?;
    let answer = |authorized: bool, reason: String| Ok(AuthorizedResponse { authorized, reason });
    let did = match Did::parse(did, &network) {
        Ok(did) => did,
        Err(DidError::Invalid(m)) => return Err(Error::new(format!("invalid did: {m}"))),
        Err(DidError::OtherMethod(m) | DidError::OtherNetwork(m)) => {
            return answer(false, format!("unknown DID: {m}"));
        }
    };
    let Some(current) = state::load(did.id())? else {
        return answer(false, format!("unknown DID: {did} is not registered"));
    };
    if current.deactivated {
        return answer(false, format!("deactivated: {did} is deactivated"));
    }
    match grant(&did, &current, &address)? {
        Some(g) => answer(true, g.to_string()),
        None => answer(
            false,
            format!(
                "not a controller: {address} is not the address of an authentication method \
                 of {did} or of one of its controllers"
            ),
        ),
    }
}
