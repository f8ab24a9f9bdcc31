//! JSON in and out: message parsing and response encoding with readable errors.

use alloc::format;
use alloc::vec::Vec;
use bayledger_contract_sdk::Error;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Parses a JSON message; `invalid message: …` when it does not fit.
pub(crate) fn parse<T: DeserializeOwned>(msg: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(msg).map_err(|e| Error::new(format!("invalid message: {e}")))
}

/// Encodes a response or event payload.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(|e| Error::new(format!("cannot encode response: {e}")))
}
