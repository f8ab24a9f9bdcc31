//! Storage: one item, the configuration as JSON.

use crate::msg::Config;
use alloc::format;
use alloc::vec::Vec;
use bayledger_contract_sdk::Error;
use bayledger_contract_sdk::storage::Item;

const CONFIG: Item<Vec<u8>> = Item::new("config");

/// Whether the contract was instantiated.
pub(crate) fn configured() -> bool {
    CONFIG.exists()
}

/// The configuration.
pub(crate) fn load() -> Result<Config, Error> {
    serde_json::from_slice(&CONFIG.load()?)
        .map_err(|e| Error::new(format!("corrupt stored configuration: {e}")))
}

/// Stores the configuration.
pub(crate) fn save(config: &Config) -> Result<(), Error> {
    let bytes = serde_json::to_vec(config)
        .map_err(|e| Error::new(format!("cannot encode the configuration: {e}")))?;
    CONFIG.set(&bytes);
    Ok(())
}
