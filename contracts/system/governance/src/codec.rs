//! JSON in and out: message parsing, response encoding and the JSON storage codec.

use alloc::format;
use alloc::vec::Vec;
use bayledger_contract_sdk::Error;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Parses a JSON message; `invalid message: …` when it does not fit.
pub(crate) fn parse<T: DeserializeOwned>(msg: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(msg).map_err(|e| Error::new(format!("invalid message: {e}")))
}

/// Encodes a response, event payload or nested-call message.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(|e| Error::new(format!("cannot encode JSON: {e}")))
}

/// Records stored as their JSON.
macro_rules! json_codec {
    ($($t:ty),* $(,)?) => {$(
        impl bayledger_contract_sdk::Codec for $t {
            fn encode(&self) -> alloc::vec::Vec<u8> {
                serde_json::to_vec(self)
                    .expect("records of strings, integers and enums always serialise")
            }
            fn decode(bytes: &[u8]) -> Result<Self, bayledger_contract_sdk::Error> {
                serde_json::from_slice(bytes).map_err(|e| {
                    bayledger_contract_sdk::Error::new(alloc::format!(
                        "storage: cannot decode {}: {e}",
                        stringify!($t)
                    ))
                })
            }
        }
    )*};
}
pub(crate) use json_codec;
