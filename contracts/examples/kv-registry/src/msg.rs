//! The contract's JSON messages, responses and event payloads.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// Instantiate message. `owner` defaults to the sender.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstantiateMsg {
    /// `0x` + 40 hex digits.
    #[serde(default)]
    pub owner: Option<String>,
}

/// State-changing messages (owner only).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CallMsg {
    /// Stores `value` under `key`.
    Set {
        /// 1..=128 bytes.
        key: String,
        /// At most 1024 bytes.
        value: String,
    },
    /// Deletes `key` (an error if absent).
    Remove {
        /// The key.
        key: String,
    },
    /// Hands the registry to `new_owner`.
    TransferOwnership {
        /// `0x` + 40 hex digits.
        new_owner: String,
    },
}

/// Read-only messages.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum QueryMsg {
    /// The value under `key`.
    Get {
        /// The key.
        key: String,
    },
    /// The current owner.
    Owner {},
    /// A page of entries in key order.
    List {
        /// Start after this key (exclusive); `null` for the first page.
        #[serde(default)]
        start_after: Option<String>,
        /// Page size; default 10, at most 100.
        #[serde(default)]
        limit: Option<u32>,
    },
}

/// `get` response; also one `list` entry (then `value` is never null).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// The value, or `null` if the key is not set.
    pub value: Option<String>,
}

/// `owner` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerResponse {
    /// `0x` + 40 hex digits.
    pub owner: String,
}

/// `list` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListResponse {
    /// Entries in key order.
    pub entries: Vec<Entry>,
}

/// `kv.set` event data.
#[derive(Serialize)]
pub(crate) struct SetEvent<'a> {
    pub key: &'a str,
    pub value: &'a str,
}

/// `kv.remove` event data.
#[derive(Serialize)]
pub(crate) struct RemoveEvent<'a> {
    pub key: &'a str,
}

/// `kv.owner` event data.
#[derive(Serialize)]
pub(crate) struct OwnerEvent {
    pub previous: Option<String>,
    pub owner: String,
}
