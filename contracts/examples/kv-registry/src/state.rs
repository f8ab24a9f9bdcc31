//! Storage layout: the owner item and the entries map.

use alloc::string::String;
use bayledger_contract_sdk::Address;
use bayledger_contract_sdk::storage::{Item, Map};

/// The registry's owner, the only address allowed to write.
pub(crate) const OWNER: Item<Address> = Item::new("owner");

/// Key → value. Iterates in byte order of the key.
pub(crate) const ENTRIES: Map<String, String> = Map::new("kv");
