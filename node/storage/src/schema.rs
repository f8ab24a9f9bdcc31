//! Typed column families, in the style of Aptos' `schemadb`: each column
//! family is a [`Schema`] naming the family and its key and value types, whose
//! byte encodings live in [`crate::codec`]. Reads and writes go through
//! `get::<S>()`, `SchemaBatch::put::<S>()` and `iter::<S>()` (see
//! [`crate::db`]), so a key of one family can never be written to another.
//!
//! | family          | key                          | value                                  |
//! |-----------------|------------------------------|----------------------------------------|
//! | `blocks`        | height (BE u64)              | `pb::Block` bytes ([`SealedBlock`])    |
//! | `block_hashes`  | block hash                   | height                                 |
//! | `commits`       | height                       | `pb::Commit` that finalised the block  |
//! | `txs`           | tx hash                      | [`TxLocation`] (height, index)         |
//! | `receipts`      | tx hash                      | `pb::Receipt`                          |
//! | `jmt_nodes`     | jmt `NodeKey` (version first)| jmt `Node`                             |
//! | `jmt_values`    | key hash ‖ version BE        | `Option<value>` (None = deleted)       |
//! | `jmt_stale`     | stale-since version ‖ node   | `()` (index for future pruning)        |
//! | `key_preimages` | key hash                     | state key                              |
//! | `flat_state`    | state key                    | latest value                           |
//! | `state_history` | [`HistoryKey`] (key, !version)| `Option<value>` (None = deleted)      |
//! | `value_stale`   | [`ValueStaleKey`]            | `()` (superseded versioned values)     |
//! | `block_summaries` | height                     | [`BlockSummary`]                       |
//! | `tx_summaries`  | [`TxLocation`]               | [`TxSummary`]                          |
//! | `idx_tx_sender` | sender ‖ location            | `()`                                   |
//! | `idx_tx_contract` | contract ‖ location        | `()`                                   |
//! | `events`        | [`EventPos`]                 | [`StoredEvent`]                        |
//! | `idx_event_contract` | contract ‖ position     | `()`                                   |
//! | `idx_event_topic` | contract ‖ topic ‖ position | `()`                                  |
//! | `idx_event_attr` | attribute ‖ position        | `()`                                   |
//! | `meta`          | [`MetaKey`]                  | [`MetaValue`]                          |
//!
//! `state_history` gives prefix iteration at any retained version
//! ([`crate::history`]); `value_stale` and `jmt_stale` say what a pruner may
//! delete ([`crate::prune`]); the `idx_*`, `events` and `*_summaries` families
//! are the indexer's ([`crate::index`]). All are written in the block's batch.

use crate::codec::{KeyCodec, ValueCodec};
use bayledger_types::{Address, Hash, SealedBlock, pb};
use jmt::KeyHash;
use jmt::storage::{Node, NodeKey};

/// A column family with typed keys and values.
pub trait Schema {
    /// Column family name.
    const CF: &'static str;
    /// Key type.
    type Key: KeyCodec;
    /// Value type.
    type Value: ValueCodec;
}

macro_rules! define_schema {
    ($(#[$doc:meta])* $name:ident, $cf:literal, $key:ty => $value:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;
        impl Schema for $name {
            const CF: &'static str = $cf;
            type Key = $key;
            type Value = $value;
        }
    };
}

define_schema!(
    /// Height → block.
    BlockSchema, "blocks", u64 => SealedBlock
);
define_schema!(
    /// Block hash → height.
    BlockHashSchema, "block_hashes", Hash => u64
);
define_schema!(
    /// Height → the commit that finalised the block at that height.
    CommitSchema, "commits", u64 => pb::Commit
);
define_schema!(
    /// Transaction hash → where it was included.
    TxIndexSchema, "txs", Hash => TxLocation
);
define_schema!(
    /// Transaction hash → its receipt.
    ReceiptSchema, "receipts", Hash => pb::Receipt
);
define_schema!(
    /// Jellyfish Merkle tree nodes.
    JmtNodeSchema, "jmt_nodes", NodeKey => Node
);
define_schema!(
    /// Every version of every state value, by key hash.
    JmtValueSchema, "jmt_values", JmtValueKey => Option<Vec<u8>>
);
define_schema!(
    /// Nodes made stale by a version (what a pruner may delete once no reader
    /// needs versions below it).
    JmtStaleSchema, "jmt_stale", StaleNodeKey => ()
);
define_schema!(
    /// Key hash → the state key it hashes.
    KeyPreimageSchema, "key_preimages", KeyHash => Vec<u8>
);
define_schema!(
    /// Latest state, by key, for fast reads and ordered prefix iteration.
    FlatStateSchema, "flat_state", Vec<u8> => Vec<u8>
);
define_schema!(
    /// Every version of every state key, in key order (newest version first
    /// within a key): prefix iteration at a past version.
    StateHistorySchema, "state_history", HistoryKey => Option<Vec<u8>>
);
define_schema!(
    /// Versioned values superseded by a later version (what a pruner may
    /// delete once no retained version reads them).
    ValueStaleSchema, "value_stale", ValueStaleKey => ()
);
define_schema!(
    /// Height → block summary (`ListBlocks`).
    BlockSummarySchema, "block_summaries", u64 => BlockSummary
);
define_schema!(
    /// (height, index) → transaction summary.
    TxSummarySchema, "tx_summaries", TxLocation => TxSummary
);
define_schema!(
    /// Transactions by sender.
    TxBySenderSchema, "idx_tx_sender", Scoped<TxLocation> => ()
);
define_schema!(
    /// Transactions by called or instantiated contract.
    TxByContractSchema, "idx_tx_contract", Scoped<TxLocation> => ()
);
define_schema!(
    /// Every event, by position.
    EventSchema, "events", EventPos => StoredEvent
);
define_schema!(
    /// Events by emitting contract.
    EventByContractSchema, "idx_event_contract", Scoped<EventPos> => ()
);
define_schema!(
    /// Events by (emitting contract, topic).
    EventByTopicSchema, "idx_event_topic", Scoped<EventPos> => ()
);
define_schema!(
    /// Events by attribute (a top-level scalar field of the JSON data).
    EventByAttributeSchema, "idx_event_attr", Scoped<EventPos> => ()
);
define_schema!(
    /// Chain metadata: latest height, genesis hash, chain id, state roots,
    /// pruning progress, index version.
    MetaSchema, "meta", MetaKey => MetaValue
);

/// Every column family the store opens.
pub const COLUMN_FAMILIES: &[&str] = &[
    BlockSchema::CF,
    BlockHashSchema::CF,
    CommitSchema::CF,
    TxIndexSchema::CF,
    ReceiptSchema::CF,
    JmtNodeSchema::CF,
    JmtValueSchema::CF,
    JmtStaleSchema::CF,
    KeyPreimageSchema::CF,
    FlatStateSchema::CF,
    StateHistorySchema::CF,
    ValueStaleSchema::CF,
    BlockSummarySchema::CF,
    TxSummarySchema::CF,
    TxBySenderSchema::CF,
    TxByContractSchema::CF,
    EventSchema::CF,
    EventByContractSchema::CF,
    EventByTopicSchema::CF,
    EventByAttributeSchema::CF,
    MetaSchema::CF,
];

/// Where a transaction was included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TxLocation {
    /// Block height.
    pub height: u64,
    /// Index in the block's transactions.
    pub index: u32,
}

/// Key of a versioned state value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JmtValueKey {
    /// SHA3-256 of the state key.
    pub key_hash: KeyHash,
    /// Version (block height) that wrote the value.
    pub version: u64,
}

/// Key of the stale-node index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleNodeKey {
    /// First version at which the node is no longer reachable from the root.
    pub stale_since: u64,
    /// The node.
    pub node_key: NodeKey,
}

/// Key of a state value in `state_history`: the key escaped (order- and
/// prefix-preserving, so one key's entries are contiguous), then the version
/// inverted, so a key's newest version comes first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryKey {
    /// State key.
    pub key: Vec<u8>,
    /// Version that wrote the value.
    pub version: u64,
}

/// A versioned value that version `stale_since` superseded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueStaleKey {
    /// The version that wrote the newer value.
    pub stale_since: u64,
    /// The version of the superseded value.
    pub version: u64,
    /// State key.
    pub key: Vec<u8>,
}

/// Position of an event: block height, transaction index, index in the
/// transaction's receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventPos {
    /// Block height.
    pub height: u64,
    /// Transaction index in the block.
    pub tx_index: u32,
    /// Event index in the receipt.
    pub event_index: u32,
}

/// An index entry: a scope (sender, contract, topic, attribute...) followed
/// by a fixed-length position, so all positions of one scope are contiguous
/// and ordered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scoped<P> {
    /// Encoded scope (prefix-free within its family).
    pub scope: Vec<u8>,
    /// Position.
    pub at: P,
}

/// What `ListBlocks` shows of a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockSummary {
    /// Height.
    pub height: u64,
    /// Block hash.
    pub hash: Hash,
    /// Header time (ms since the epoch).
    pub time_ms: u64,
    /// Proposer address bytes.
    pub proposer: Vec<u8>,
    /// Transactions in the block.
    pub tx_count: u32,
    /// Signatures in the block's commit.
    pub signatures: u32,
}

/// What the transaction lists show of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxSummary {
    /// Transaction hash.
    pub tx_hash: Hash,
    /// Where it was included.
    pub location: TxLocation,
    /// Sender.
    pub sender: Address,
    /// Called or instantiated contract (`None` for an upload, or an
    /// instantiation that failed).
    pub contract: Option<Address>,
    /// `pb::ExecStatus` of the receipt.
    pub status: i32,
    /// Fuel used.
    pub fuel_used: u64,
}

/// An event with the transaction that emitted it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Transaction hash.
    pub tx_hash: Hash,
    /// The event.
    pub event: pb::Event,
}

/// Keys of the `meta` family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaKey {
    /// Latest committed height (0 = genesis only) → [`MetaValue::Height`].
    LatestHeight,
    /// Genesis hash → [`MetaValue::Hash`].
    GenesisHash,
    /// Chain id → [`MetaValue::Text`].
    ChainId,
    /// State root after a version → [`MetaValue::Hash`].
    StateRoot(u64),
    /// Earliest state version still readable → [`MetaValue::Height`]
    /// (absent: 0). Advanced before anything below it is deleted.
    EarliestState,
    /// Highest `stale_since` version whose stale nodes and values are deleted
    /// → [`MetaValue::Height`] (absent: none).
    PrunedThrough,
    /// Version of the history and index families → [`MetaValue::Height`]
    /// (absent on a database written before they existed).
    IndexVersion,
}

/// Values of the `meta` family (self-describing: a tag byte, then the value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetaValue {
    /// A height.
    Height(u64),
    /// A hash.
    Hash(Hash),
    /// UTF-8 text.
    Text(String),
}
