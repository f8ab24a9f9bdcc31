//! Byte encodings of keys and values.
//!
//! Integers in keys are big-endian so that RocksDB's bytewise order is their
//! numeric order (heights, versions). Every decoder checks lengths and tags and
//! returns a [`CodecError`] for bytes it does not accept; none of them panics
//! (property-tested in this module).

use crate::error::CodecError;
use crate::schema::{
    BlockSummary, EventPos, HistoryKey, JmtValueKey, MetaKey, MetaValue, Scoped, StaleNodeKey,
    StoredEvent, TxLocation, TxSummary, ValueStaleKey,
};
use bayledger_types::canonical::decode_canonical;
use bayledger_types::{Address, Hash, SealedBlock, pb};
use jmt::KeyHash;
use jmt::storage::{NibblePath, Node, NodeKey};
use prost::Message;

/// Encoding of a column family's keys.
pub trait KeyCodec: Sized {
    /// Key bytes.
    fn encode_key(&self) -> Vec<u8>;
    /// Parses key bytes.
    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError>;
}

/// Encoding of a column family's values.
pub trait ValueCodec: Sized {
    /// Value bytes.
    fn encode_value(&self) -> Vec<u8>;
    /// Parses value bytes.
    fn decode_value(bytes: &[u8]) -> Result<Self, CodecError>;
}

fn fixed<const N: usize>(what: &'static str, bytes: &[u8]) -> Result<[u8; N], CodecError> {
    <[u8; N]>::try_from(bytes)
        .map_err(|_| CodecError::new(what, format!("expected {N} bytes, got {}", bytes.len())))
}

fn split<'a, const N: usize>(
    what: &'static str,
    bytes: &'a [u8],
) -> Result<([u8; N], &'a [u8]), CodecError> {
    if bytes.len() < N {
        return Err(CodecError::new(
            what,
            format!("expected at least {N} bytes, got {}", bytes.len()),
        ));
    }
    let (head, rest) = bytes.split_at(N);
    Ok((fixed(what, head)?, rest))
}

// --- primitives -------------------------------------------------------------

impl KeyCodec for u64 {
    fn encode_key(&self) -> Vec<u8> {
        self.to_be_bytes().to_vec()
    }
    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError> {
        fixed::<8>("u64", bytes).map(u64::from_be_bytes)
    }
}

impl ValueCodec for u64 {
    fn encode_value(&self) -> Vec<u8> {
        self.encode_key()
    }
    fn decode_value(bytes: &[u8]) -> Result<Self, CodecError> {
        u64::decode_key(bytes)
    }
}

impl KeyCodec for Hash {
    fn encode_key(&self) -> Vec<u8> {
        self.0.to_vec()
    }
    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError> {
        fixed::<32>("hash", bytes).map(Hash)
    }
}

impl ValueCodec for Hash {
    fn encode_value(&self) -> Vec<u8> {
        self.encode_key()
    }
    fn decode_value(bytes: &[u8]) -> Result<Self, CodecError> {
        Hash::decode_key(bytes)
    }
}

impl KeyCodec for KeyHash {
    fn encode_key(&self) -> Vec<u8> {
        self.0.to_vec()
    }
    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError> {
        fixed::<32>("key hash", bytes).map(KeyHash)
    }
}

/// Raw bytes (state keys and values).
impl KeyCodec for Vec<u8> {
    fn encode_key(&self) -> Vec<u8> {
        self.clone()
    }
    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError> {
        Ok(bytes.to_vec())
    }
}

/// Raw bytes (state keys and values).
impl ValueCodec for Vec<u8> {
    fn encode_value(&self) -> Vec<u8> {
        self.clone()
    }
    fn decode_value(bytes: &[u8]) -> Result<Self, CodecError> {
        Ok(bytes.to_vec())
    }
}

/// A versioned value: `0x00` = deleted, `0x01 ‖ bytes` = present.
impl ValueCodec for Option<Vec<u8>> {
    fn encode_value(&self) -> Vec<u8> {
        match self {
            None => vec![0],
            Some(v) => [&[1u8][..], v].concat(),
        }
    }
    fn decode_value(bytes: &[u8]) -> Result<Self, CodecError> {
        match bytes.split_first() {
            Some((0, [])) => Ok(None),
            Some((1, rest)) => Ok(Some(rest.to_vec())),
            Some((0, _)) => {
                Err(CodecError::new("versioned value", "deletion marker with trailing bytes"))
            }
            Some((tag, _)) => Err(CodecError::new("versioned value", format!("unknown tag {tag}"))),
            None => Err(CodecError::new("versioned value", "empty")),
        }
    }
}

/// Marker values (index entries whose key is the information).
impl ValueCodec for () {
    fn encode_value(&self) -> Vec<u8> {
        Vec::new()
    }
    fn decode_value(bytes: &[u8]) -> Result<Self, CodecError> {
        if bytes.is_empty() { Ok(()) } else { Err(CodecError::new("unit", "expected no bytes")) }
    }
}

// --- chain records ----------------------------------------------------------

/// `pb::Block` bytes; decoding checks the canonical rule and the body against
/// the header (tx root and count).
impl ValueCodec for SealedBlock {
    fn encode_value(&self) -> Vec<u8> {
        self.encode()
    }
    fn decode_value(bytes: &[u8]) -> Result<Self, CodecError> {
        SealedBlock::decode(bytes).map_err(|e| CodecError::new("block", e.to_string()))
    }
}

impl ValueCodec for pb::Commit {
    fn encode_value(&self) -> Vec<u8> {
        self.encode_to_vec()
    }
    fn decode_value(bytes: &[u8]) -> Result<Self, CodecError> {
        decode_canonical("Commit", bytes).map_err(|e| CodecError::new("commit", e.to_string()))
    }
}

impl ValueCodec for pb::Receipt {
    fn encode_value(&self) -> Vec<u8> {
        self.encode_to_vec()
    }
    fn decode_value(bytes: &[u8]) -> Result<Self, CodecError> {
        decode_canonical("Receipt", bytes).map_err(|e| CodecError::new("receipt", e.to_string()))
    }
}

/// `height BE u64 ‖ index BE u32`.
impl ValueCodec for TxLocation {
    fn encode_value(&self) -> Vec<u8> {
        [self.height.to_be_bytes().as_slice(), &self.index.to_be_bytes()].concat()
    }
    fn decode_value(bytes: &[u8]) -> Result<Self, CodecError> {
        let b = fixed::<12>("tx location", bytes)?;
        let (h, i) = b.split_at(8);
        Ok(TxLocation {
            height: u64::from_be_bytes(fixed("tx location", h)?),
            index: u32::from_be_bytes(fixed("tx location", i)?),
        })
    }
}

const META_LATEST_HEIGHT: u8 = 1;
const META_GENESIS_HASH: u8 = 2;
const META_CHAIN_ID: u8 = 3;
const META_STATE_ROOT: u8 = 4;
const META_EARLIEST_STATE: u8 = 5;
const META_PRUNED_THROUGH: u8 = 6;
const META_INDEX_VERSION: u8 = 7;

/// One tag byte, then (for per-version entries) the version BE.
impl KeyCodec for MetaKey {
    fn encode_key(&self) -> Vec<u8> {
        match self {
            MetaKey::LatestHeight => vec![META_LATEST_HEIGHT],
            MetaKey::GenesisHash => vec![META_GENESIS_HASH],
            MetaKey::ChainId => vec![META_CHAIN_ID],
            MetaKey::StateRoot(v) => [&[META_STATE_ROOT][..], &v.to_be_bytes()].concat(),
            MetaKey::EarliestState => vec![META_EARLIEST_STATE],
            MetaKey::PrunedThrough => vec![META_PRUNED_THROUGH],
            MetaKey::IndexVersion => vec![META_INDEX_VERSION],
        }
    }
    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError> {
        match bytes.split_first() {
            Some((&META_LATEST_HEIGHT, [])) => Ok(MetaKey::LatestHeight),
            Some((&META_GENESIS_HASH, [])) => Ok(MetaKey::GenesisHash),
            Some((&META_CHAIN_ID, [])) => Ok(MetaKey::ChainId),
            Some((&META_STATE_ROOT, rest)) => Ok(MetaKey::StateRoot(u64::decode_key(rest)?)),
            Some((&META_EARLIEST_STATE, [])) => Ok(MetaKey::EarliestState),
            Some((&META_PRUNED_THROUGH, [])) => Ok(MetaKey::PrunedThrough),
            Some((&META_INDEX_VERSION, [])) => Ok(MetaKey::IndexVersion),
            _ => Err(CodecError::new("meta key", "unknown tag or trailing bytes")),
        }
    }
}

const VALUE_HEIGHT: u8 = 1;
const VALUE_HASH: u8 = 2;
const VALUE_TEXT: u8 = 3;

/// One tag byte, then a BE u64, 32 hash bytes or UTF-8 text.
impl ValueCodec for MetaValue {
    fn encode_value(&self) -> Vec<u8> {
        match self {
            MetaValue::Height(h) => [&[VALUE_HEIGHT][..], &h.to_be_bytes()].concat(),
            MetaValue::Hash(h) => [&[VALUE_HASH][..], &h.0].concat(),
            MetaValue::Text(s) => [&[VALUE_TEXT][..], s.as_bytes()].concat(),
        }
    }
    fn decode_value(bytes: &[u8]) -> Result<Self, CodecError> {
        match bytes.split_first() {
            Some((&VALUE_HEIGHT, rest)) => Ok(MetaValue::Height(u64::decode_value(rest)?)),
            Some((&VALUE_HASH, rest)) => Ok(MetaValue::Hash(Hash::decode_value(rest)?)),
            Some((&VALUE_TEXT, rest)) => String::from_utf8(rest.to_vec())
                .map(MetaValue::Text)
                .map_err(|_| CodecError::new("meta value", "text is not UTF-8")),
            _ => Err(CodecError::new("meta value", "unknown tag")),
        }
    }
}

// --- Jellyfish Merkle tree --------------------------------------------------

/// Deepest node path: 64 nibbles (a full 32-byte key hash).
const MAX_NIBBLES: usize = 64;

/// `version BE u64 ‖ nibble count u8 ‖ packed nibbles` (two per byte, high
/// nibble first; an odd count leaves the low half of the last byte zero).
/// Version first, so that all nodes of a version are contiguous (pruning).
impl KeyCodec for NodeKey {
    fn encode_key(&self) -> Vec<u8> {
        let path = self.nibble_path();
        let n = path.num_nibbles();
        let mut out = Vec::with_capacity(9 + n.div_ceil(2));
        out.extend_from_slice(&self.version().to_be_bytes());
        out.push(n as u8); // n <= 64: a jmt invariant
        for i in (0..n).step_by(2) {
            let hi = path.get_nibble(i).as_usize() as u8;
            let lo = if i + 1 < n { path.get_nibble(i + 1).as_usize() as u8 } else { 0 };
            out.push((hi << 4) | lo);
        }
        out
    }

    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError> {
        const WHAT: &str = "jmt node key";
        let (version, rest) = split::<8>(WHAT, bytes)?;
        let (count, packed) = split::<1>(WHAT, rest)?;
        let n = usize::from(count[0]);
        if n > MAX_NIBBLES {
            return Err(CodecError::new(
                WHAT,
                format!("{n} nibbles, at most {MAX_NIBBLES} allowed"),
            ));
        }
        if packed.len() != n.div_ceil(2) {
            return Err(CodecError::new(
                WHAT,
                format!("{n} nibbles need {} bytes, got {}", n.div_ceil(2), packed.len()),
            ));
        }
        if n % 2 == 1 && packed.last().is_some_and(|b| b & 0x0f != 0) {
            return Err(CodecError::new(WHAT, "odd path with a non-zero padding nibble"));
        }
        // NibblePath's constructors are crate-private in jmt; its borsh form is
        // `num_nibbles: u64 LE ‖ bytes: u32 LE length ‖ bytes`, and the checks
        // above establish the invariants its constructors assert.
        let borsh_path =
            [(n as u64).to_le_bytes().as_slice(), &(packed.len() as u32).to_le_bytes(), packed]
                .concat();
        let path: NibblePath =
            borsh::from_slice(&borsh_path).map_err(|e| CodecError::new(WHAT, e.to_string()))?;
        Ok(NodeKey::new(u64::from_be_bytes(version), path))
    }
}

/// jmt's borsh encoding, followed by structural checks, so a corrupt node is
/// refused here instead of tripping an assertion inside jmt later.
impl ValueCodec for Node {
    fn encode_value(&self) -> Vec<u8> {
        borsh::to_vec(self).expect("borsh serialisation into a Vec cannot fail")
    }

    fn decode_value(bytes: &[u8]) -> Result<Self, CodecError> {
        const WHAT: &str = "jmt node";
        let node: Node =
            borsh::from_slice(bytes).map_err(|e| CodecError::new(WHAT, e.to_string()))?;
        if let Node::Internal(internal) = &node {
            let children: Vec<_> = internal.children_sorted().map(|(_, c)| c).collect();
            if children.is_empty() {
                return Err(CodecError::new(WHAT, "internal node without children"));
            }
            if children.len() == 1 && children[0].is_leaf() {
                return Err(CodecError::new(WHAT, "internal node whose only child is a leaf"));
            }
            let sum = children.iter().try_fold(0usize, |acc, c| acc.checked_add(c.leaf_count()));
            if sum != Some(internal.leaf_count()) {
                return Err(CodecError::new(WHAT, "leaf count disagrees with the children"));
            }
        }
        if borsh::to_vec(&node).ok().as_deref() != Some(bytes) {
            return Err(CodecError::new(WHAT, "non-canonical encoding"));
        }
        Ok(node)
    }
}

/// `key hash (32) ‖ version BE u64`: all versions of a key are contiguous and
/// ascending, so "newest version <= v" is one `seek_for_prev`.
impl KeyCodec for JmtValueKey {
    fn encode_key(&self) -> Vec<u8> {
        [self.key_hash.0.as_slice(), &self.version.to_be_bytes()].concat()
    }
    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError> {
        let b = fixed::<40>("jmt value key", bytes)?;
        let (kh, v) = b.split_at(32);
        Ok(JmtValueKey {
            key_hash: KeyHash(fixed("jmt value key", kh)?),
            version: u64::from_be_bytes(fixed("jmt value key", v)?),
        })
    }
}

/// `stale since version BE u64 ‖ node key`.
impl KeyCodec for StaleNodeKey {
    fn encode_key(&self) -> Vec<u8> {
        [self.stale_since.to_be_bytes().as_slice(), &self.node_key.encode_key()].concat()
    }
    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError> {
        let (since, rest) = split::<8>("stale node key", bytes)?;
        Ok(StaleNodeKey {
            stale_since: u64::from_be_bytes(since),
            node_key: NodeKey::decode_key(rest)?,
        })
    }
}

// --- history, pruning and indexes ------------------------------------------

/// Terminator of an escaped key: below every continuation (`0x00 0xff` or a
/// byte `>= 0x01`), so a key sorts before its extensions.
const KEY_END: [u8; 2] = [0x00, 0x01];

/// Escapes `key` (`0x00` → `0x00 0xff`): order- and prefix-preserving, so
/// `escape(p)` is a prefix of `escape(k)` exactly when `p` is a prefix of `k`.
pub(crate) fn escape_key(key: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(key.len() + 2);
    for &b in key {
        out.push(b);
        if b == 0 {
            out.push(0xff);
        }
    }
    out
}

/// `escape(key) ‖ 0x00 0x01`: followed by anything, it sorts after every entry
/// of `key` and before every entry of a longer key.
pub(crate) fn history_key_start(key: &[u8]) -> Vec<u8> {
    [escape_key(key).as_slice(), &KEY_END].concat()
}

/// `escape(key) ‖ 0x00 0x01 ‖ !version BE`.
impl KeyCodec for HistoryKey {
    fn encode_key(&self) -> Vec<u8> {
        [history_key_start(&self.key).as_slice(), &(!self.version).to_be_bytes()].concat()
    }
    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError> {
        const WHAT: &str = "history key";
        let mut key = Vec::new();
        let mut i = 0;
        loop {
            match (bytes.get(i), bytes.get(i + 1)) {
                (None, _) => return Err(CodecError::new(WHAT, "unterminated key")),
                (Some(0), Some(0xff)) => key.push(0),
                (Some(0), Some(1)) => break,
                (Some(0), _) => return Err(CodecError::new(WHAT, "bad escape")),
                (Some(&b), _) => {
                    key.push(b);
                    i += 1;
                    continue;
                }
            }
            i += 2;
        }
        let inverted = fixed::<8>(WHAT, &bytes[i + 2..])?;
        Ok(HistoryKey { key, version: !u64::from_be_bytes(inverted) })
    }
}

/// `stale since BE ‖ version BE ‖ key`.
impl KeyCodec for ValueStaleKey {
    fn encode_key(&self) -> Vec<u8> {
        [self.stale_since.to_be_bytes().as_slice(), &self.version.to_be_bytes(), &self.key].concat()
    }
    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError> {
        let (since, rest) = split::<8>("value stale key", bytes)?;
        let (version, key) = split::<8>("value stale key", rest)?;
        Ok(ValueStaleKey {
            stale_since: u64::from_be_bytes(since),
            version: u64::from_be_bytes(version),
            key: key.to_vec(),
        })
    }
}

/// A fixed-length position at the end of an index key.
pub trait Position: Sized + Copy {
    /// Encoded length.
    const LEN: usize;
    /// Big-endian encoding (byte order = position order).
    fn encode_pos(&self) -> Vec<u8>;
    /// Parses exactly `LEN` bytes.
    fn decode_pos(bytes: &[u8]) -> Result<Self, CodecError>;
}

impl Position for TxLocation {
    const LEN: usize = 12;
    fn encode_pos(&self) -> Vec<u8> {
        self.encode_value()
    }
    fn decode_pos(bytes: &[u8]) -> Result<Self, CodecError> {
        TxLocation::decode_value(bytes)
    }
}

impl Position for EventPos {
    const LEN: usize = 16;
    fn encode_pos(&self) -> Vec<u8> {
        [
            self.height.to_be_bytes().as_slice(),
            &self.tx_index.to_be_bytes(),
            &self.event_index.to_be_bytes(),
        ]
        .concat()
    }
    fn decode_pos(bytes: &[u8]) -> Result<Self, CodecError> {
        let b = fixed::<16>("event position", bytes)?;
        let (h, rest) = split::<8>("event position", &b)?;
        let (t, e) = split::<4>("event position", rest)?;
        Ok(EventPos {
            height: u64::from_be_bytes(h),
            tx_index: u32::from_be_bytes(t),
            event_index: u32::from_be_bytes(fixed("event position", e)?),
        })
    }
}

/// `height BE ‖ index BE`.
impl KeyCodec for TxLocation {
    fn encode_key(&self) -> Vec<u8> {
        self.encode_pos()
    }
    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError> {
        TxLocation::decode_pos(bytes)
    }
}

/// `height BE ‖ tx index BE ‖ event index BE`.
impl KeyCodec for EventPos {
    fn encode_key(&self) -> Vec<u8> {
        self.encode_pos()
    }
    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError> {
        EventPos::decode_pos(bytes)
    }
}

/// `scope ‖ position` (the position is the last `P::LEN` bytes).
impl<P: Position> KeyCodec for Scoped<P> {
    fn encode_key(&self) -> Vec<u8> {
        [self.scope.as_slice(), &self.at.encode_pos()].concat()
    }
    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError> {
        let cut = bytes.len().checked_sub(P::LEN).ok_or_else(|| {
            CodecError::new("index key", format!("{} bytes, shorter than a position", bytes.len()))
        })?;
        let (scope, at) = bytes.split_at(cut);
        Ok(Scoped { scope: scope.to_vec(), at: P::decode_pos(at)? })
    }
}

/// `hash ‖ time BE ‖ tx count BE ‖ signatures BE ‖ proposer` (the height is
/// the key; decoded summaries carry height 0 until the reader sets it).
impl ValueCodec for BlockSummary {
    fn encode_value(&self) -> Vec<u8> {
        [
            self.hash.0.as_slice(),
            &self.time_ms.to_be_bytes(),
            &self.tx_count.to_be_bytes(),
            &self.signatures.to_be_bytes(),
            &self.proposer,
        ]
        .concat()
    }
    fn decode_value(bytes: &[u8]) -> Result<Self, CodecError> {
        const WHAT: &str = "block summary";
        let (hash, rest) = split::<32>(WHAT, bytes)?;
        let (time, rest) = split::<8>(WHAT, rest)?;
        let (txs, rest) = split::<4>(WHAT, rest)?;
        let (sigs, proposer) = split::<4>(WHAT, rest)?;
        Ok(BlockSummary {
            height: 0,
            hash: Hash(hash),
            time_ms: u64::from_be_bytes(time),
            proposer: proposer.to_vec(),
            tx_count: u32::from_be_bytes(txs),
            signatures: u32::from_be_bytes(sigs),
        })
    }
}

/// `tx hash ‖ height BE ‖ index BE ‖ sender ‖ status BE i32 ‖ fuel BE ‖
/// [contract]` (the location is repeated so the value stands alone).
impl ValueCodec for TxSummary {
    fn encode_value(&self) -> Vec<u8> {
        [
            self.tx_hash.0.as_slice(),
            &self.location.encode_pos(),
            &self.sender.0,
            &self.status.to_be_bytes(),
            &self.fuel_used.to_be_bytes(),
            self.contract.as_ref().map_or(&[][..], |c| &c.0[..]),
        ]
        .concat()
    }
    fn decode_value(bytes: &[u8]) -> Result<Self, CodecError> {
        const WHAT: &str = "tx summary";
        let (hash, rest) = split::<32>(WHAT, bytes)?;
        let (location, rest) = split::<12>(WHAT, rest)?;
        let (sender, rest) = split::<20>(WHAT, rest)?;
        let (status, rest) = split::<4>(WHAT, rest)?;
        let (fuel, contract) = split::<8>(WHAT, rest)?;
        let contract = match contract.len() {
            0 => None,
            20 => Some(Address(fixed(WHAT, contract)?)),
            n => return Err(CodecError::new(WHAT, format!("contract of {n} bytes"))),
        };
        Ok(TxSummary {
            tx_hash: Hash(hash),
            location: TxLocation::decode_pos(&location)?,
            sender: Address(sender),
            contract,
            status: i32::from_be_bytes(status),
            fuel_used: u64::from_be_bytes(fuel),
        })
    }
}

/// `tx hash ‖ pb::Event bytes`.
impl ValueCodec for StoredEvent {
    fn encode_value(&self) -> Vec<u8> {
        [self.tx_hash.0.as_slice(), &self.event.encode_to_vec()].concat()
    }
    fn decode_value(bytes: &[u8]) -> Result<Self, CodecError> {
        let (hash, event) = split::<32>("stored event", bytes)?;
        let event =
            pb::Event::decode(event).map_err(|e| CodecError::new("stored event", e.to_string()))?;
        Ok(StoredEvent { tx_hash: Hash(hash), event })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key_round_trip<K: KeyCodec + PartialEq + std::fmt::Debug>(k: &K) {
        assert_eq!(&K::decode_key(&k.encode_key()).expect("round trip"), k);
    }

    fn value_round_trip<V: ValueCodec + PartialEq + std::fmt::Debug>(v: &V) {
        assert_eq!(&V::decode_value(&v.encode_value()).expect("round trip"), v);
    }

    /// A real node key / node pair, produced by jmt itself.
    fn sample_nodes() -> Vec<(NodeKey, Node)> {
        let mut tree = crate::MemStateTree::default();
        let writes = (0u8..40).map(|i| (vec![i + 1], Some(vec![i; 3]))).collect();
        tree.apply(0, &writes).expect("applies");
        tree.nodes().map(|(k, n)| (k.clone(), n.clone())).collect()
    }

    #[test]
    fn node_keys_and_nodes_round_trip_and_sort_by_version() {
        let nodes = sample_nodes();
        assert!(nodes.iter().any(|(_, n)| matches!(n, Node::Internal(_))));
        assert!(
            nodes.iter().any(|(k, _)| k.nibble_path().num_nibbles() % 2 == 1),
            "covers odd paths"
        );
        for (k, n) in &nodes {
            key_round_trip(k);
            value_round_trip(n);
        }
        let a = NodeKey::new(1, nodes[0].0.nibble_path().clone());
        let b = NodeKey::new(256, nodes[0].0.nibble_path().clone());
        assert!(a.encode_key() < b.encode_key(), "version BE orders keys numerically");
    }

    #[test]
    fn odd_node_path_round_trips_and_bad_padding_is_refused() {
        // version 7, 3 nibbles "abc" -> bytes ab c0
        let good = [&7u64.to_be_bytes()[..], &[3, 0xab, 0xc0]].concat();
        let key = NodeKey::decode_key(&good).expect("valid odd path");
        assert_eq!(key.nibble_path().num_nibbles(), 3);
        assert_eq!(key.encode_key(), good);
        let bad = [&7u64.to_be_bytes()[..], &[3, 0xab, 0xc1]].concat();
        assert!(NodeKey::decode_key(&bad).is_err());
        let too_long = [&7u64.to_be_bytes()[..], &[65], &[0u8; 33][..]].concat();
        assert!(NodeKey::decode_key(&too_long).is_err());
    }

    #[test]
    fn meta_and_small_records_round_trip() {
        for k in [
            MetaKey::LatestHeight,
            MetaKey::GenesisHash,
            MetaKey::ChainId,
            MetaKey::StateRoot(u64::MAX),
        ] {
            key_round_trip(&k);
        }
        for v in [
            MetaValue::Height(9),
            MetaValue::Hash(Hash::sha3(b"x")),
            MetaValue::Text("chain-1".into()),
        ] {
            value_round_trip(&v);
        }
        value_round_trip(&TxLocation { height: 3, index: 2 });
        value_round_trip(&Some(vec![]));
        value_round_trip(&None::<Vec<u8>>);
        key_round_trip(&JmtValueKey { key_hash: KeyHash([5; 32]), version: 1 << 40 });
        key_round_trip(&ValueStaleKey { stale_since: 9, version: 3, key: b"k\0".to_vec() });
        let at = EventPos { height: 7, tx_index: 2, event_index: 1 };
        key_round_trip(&Scoped { scope: b"scope".to_vec(), at });
        key_round_trip(&Scoped { scope: vec![], at: TxLocation { height: 1, index: 9 } });
        value_round_trip(&BlockSummary {
            height: 0,
            hash: Hash::sha3(b"b"),
            time_ms: 5,
            proposer: vec![1; 20],
            tx_count: 3,
            signatures: 4,
        });
        for contract in [None, Some(Address([3; 20]))] {
            value_round_trip(&TxSummary {
                tx_hash: Hash::sha3(b"t"),
                location: TxLocation { height: 4, index: 1 },
                sender: Address([2; 20]),
                contract,
                status: 1,
                fuel_used: 99,
            });
        }
        value_round_trip(&StoredEvent {
            tx_hash: Hash::sha3(b"t"),
            event: pb::Event { contract: vec![1; 20], topic: "t".into(), data: b"{}".to_vec() },
        });
        for k in [MetaKey::EarliestState, MetaKey::PrunedThrough, MetaKey::IndexVersion] {
            key_round_trip(&k);
        }
        assert!(3u64.encode_key() < 256u64.encode_key());
    }

    proptest! {
        #[test]
        fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            // Results are irrelevant; only that no decoder panics.
            let _ = u64::decode_key(&bytes);
            let _ = Hash::decode_key(&bytes);
            let _ = KeyHash::decode_key(&bytes);
            let _ = <Option<Vec<u8>>>::decode_value(&bytes);
            let _ = <()>::decode_value(&bytes);
            let _ = SealedBlock::decode_value(&bytes);
            let _ = pb::Commit::decode_value(&bytes);
            let _ = pb::Receipt::decode_value(&bytes);
            let _ = TxLocation::decode_value(&bytes);
            let _ = MetaKey::decode_key(&bytes);
            let _ = MetaValue::decode_value(&bytes);
            let _ = NodeKey::decode_key(&bytes);
            let _ = Node::decode_value(&bytes);
            let _ = JmtValueKey::decode_key(&bytes);
            let _ = StaleNodeKey::decode_key(&bytes);
            let _ = HistoryKey::decode_key(&bytes);
            let _ = ValueStaleKey::decode_key(&bytes);
            let _ = Scoped::<TxLocation>::decode_key(&bytes);
            let _ = Scoped::<EventPos>::decode_key(&bytes);
            let _ = BlockSummary::decode_value(&bytes);
            let _ = TxSummary::decode_value(&bytes);
            let _ = StoredEvent::decode_value(&bytes);
        }

        #[test]
        fn history_keys_round_trip_and_sort_by_key_then_newest_first(
            a in proptest::collection::vec(prop::sample::select(vec![0u8, 1, 2, 0xff]), 0..6),
            b in proptest::collection::vec(prop::sample::select(vec![0u8, 1, 2, 0xff]), 0..6),
            va in any::<u64>(),
            vb in any::<u64>(),
        ) {
            let ka = HistoryKey { key: a.clone(), version: va };
            let kb = HistoryKey { key: b.clone(), version: vb };
            key_round_trip(&ka);
            let expected = a.cmp(&b).then(vb.cmp(&va));
            prop_assert_eq!(ka.encode_key().cmp(&kb.encode_key()), expected);
            prop_assert_eq!(escape_key(&b).starts_with(&escape_key(&a)), b.starts_with(&a));
        }

        #[test]
        fn node_key_decoder_accepts_exactly_its_encodings(version in any::<u64>(), n in 0usize..=64, seed in any::<[u8; 32]>()) {
            let mut packed = seed[..n.div_ceil(2)].to_vec();
            if n % 2 == 1 && let Some(last) = packed.last_mut() {
                *last &= 0xf0;
            }
            let bytes = [&version.to_be_bytes()[..], &[n as u8], &packed].concat();
            let key = NodeKey::decode_key(&bytes).expect("well-formed key");
            prop_assert_eq!(key.version(), version);
            prop_assert_eq!(key.encode_key(), bytes);
        }

        #[test]
        fn mutated_nodes_never_panic(idx in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>()) {
            for (_, node) in sample_nodes().into_iter().take(8) {
                let mut bytes = node.encode_value();
                let i = idx.index(bytes.len());
                bytes[i] = byte;
                if let Ok(decoded) = Node::decode_value(&bytes) {
                    prop_assert_eq!(decoded.encode_value(), bytes.clone());
                }
                let _ = Node::decode_value(&bytes[..cut.index(bytes.len())]);
            }
        }
    }
}
