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
//! | `meta`          | [`MetaKey`]                  | [`MetaValue`]                          |

use crate::codec::{KeyCodec, ValueCodec};
use bayledger_types::{Hash, SealedBlock, pb};
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
    /// Chain metadata: latest height, genesis hash, chain id, state roots.
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
    MetaSchema::CF,
];

/// Where a transaction was included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
