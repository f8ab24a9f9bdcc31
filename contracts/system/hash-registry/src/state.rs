//! Storage layout. Keys are relative to the contract (the host prefixes `kv/<address>/`);
//! `Map` keys are `u8(len(namespace)) ‖ namespace ‖ key` (SDK layout).
//!
//! | key | value |
//! |---|---|
//! | `log_head` | the committed tree head: `u64` size ‖ 32-byte root (big-endian size) |
//! | map `node`, key `u8 level ‖ u64 index` | hash of that complete subtree ([`crate::merkle`]) |
//! | map `leaf`, key `u64 index` | the registered hash at that log index |
//! | map `reg`, key 32-byte hash | `u64` log index ‖ the registration's leaf bytes ([`crate::leaf`]) |
//! | map `status`, key 32-byte hash | [`StatusRecord`]: co-signatures and any revocation (absent: none yet) |
//! | map `by_registrant`, key 20-byte address ‖ `u64` log index | the registered hash |
//!
//! `log_head` is written at instantiation (size 0) and after every registering call, so a
//! verifier can read the committed head straight from state.

use crate::binary::{Reader, Writer};
use crate::leaf::Registration;
use crate::merkle::Digest;
use crate::validate::Hash;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use bayledger_contract_sdk::storage::{self, Item, Map};
use bayledger_contract_sdk::{Address, Codec, Error};

/// A 32-byte hash as a storage key or value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bytes32(pub [u8; 32]);

impl Codec for Bytes32 {
    fn encode(&self) -> Vec<u8> {
        self.0.to_vec()
    }
    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        <[u8; 32]>::try_from(bytes)
            .map(Bytes32)
            .map_err(|_| Error::new("corrupt state: a stored hash is not 32 bytes"))
    }
}

/// A Merkle tree head: the number of leaves and the root over them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeHead {
    /// Number of leaves.
    pub size: u64,
    /// `MTH` of those leaves.
    pub root: Digest,
}

impl Codec for TreeHead {
    fn encode(&self) -> Vec<u8> {
        Writer::new().u64(self.size).bytes(&self.root).finish()
    }
    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, "tree head");
        let head = TreeHead { size: r.u64()?, root: r.array()? };
        r.end()?;
        Ok(head)
    }
}

/// A complete subtree of the log: `(level, index)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeId(pub u8, pub u64);

impl Codec for NodeId {
    fn encode(&self) -> Vec<u8> {
        Writer::new().u8(self.0).u64(self.1).finish()
    }
    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, "node key");
        let id = NodeId(r.u8()?, r.u64()?);
        r.end()?;
        Ok(id)
    }
}

/// A registration with its position in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 0-based index of its leaf in the log.
    pub log_index: u64,
    /// The registration (its leaf).
    pub registration: Registration,
}

impl Codec for Entry {
    fn encode(&self) -> Vec<u8> {
        Writer::new().u64(self.log_index).bytes(&self.registration.to_leaf()).finish()
    }
    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, "registration");
        let log_index = r.u64()?;
        let registration = Registration::from_leaf(r.rest())?;
        Ok(Entry { log_index, registration })
    }
}

/// One co-signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosignature {
    /// The co-signer.
    pub address: Address,
    /// Block time, ms.
    pub at_ms: u64,
    /// Block height.
    pub height: u64,
}

/// How a registration stopped being active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// Revoked.
    Revoked,
    /// Superseded by this new hash.
    Superseded(Hash),
}

/// A revocation or supersession.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// Revoked, or superseded by which hash.
    pub kind: ChangeKind,
    /// Block time, ms.
    pub at_ms: u64,
    /// Block height.
    pub height: u64,
    /// Who did it (the registrant).
    pub actor: Address,
    /// Why.
    pub reason: String,
}

/// What happened to a registration after it was made: co-signatures in order, then at most one
/// revocation or supersession (after which nothing more can happen).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusRecord {
    /// Co-signatures, oldest first.
    pub cosigners: Vec<Cosignature>,
    /// The revocation or supersession, if any.
    pub change: Option<StatusChange>,
}

impl Codec for StatusRecord {
    /// `u8 n ‖ n × (address ‖ u64 at_ms ‖ u64 height) ‖ u8 kind` where kind 0 ends the record,
    /// 1 (revoked) or 2 (superseded) is followed by `u64 at_ms ‖ u64 height ‖ actor ‖
    /// u16-length reason` and, for 2, the new hash.
    fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        // At most MAX_COSIGNERS (32) entries, checked before each co-signature is added.
        w.u8(self.cosigners.len().min(usize::from(u8::MAX)) as u8);
        for c in self.cosigners.iter().take(usize::from(u8::MAX)) {
            w.bytes(&c.address.0).u64(c.at_ms).u64(c.height);
        }
        match &self.change {
            None => {
                w.u8(0);
            }
            Some(change) => {
                w.u8(match change.kind {
                    ChangeKind::Revoked => 1,
                    ChangeKind::Superseded(_) => 2,
                })
                .u64(change.at_ms)
                .u64(change.height)
                .bytes(&change.actor.0)
                .str16(&change.reason);
                if let ChangeKind::Superseded(new) = &change.kind {
                    w.bytes(new);
                }
            }
        }
        w.finish()
    }

    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, "status record");
        let count = r.u8()?;
        let cosigners = (0..count)
            .map(|_| Ok(Cosignature { address: r.address()?, at_ms: r.u64()?, height: r.u64()? }))
            .collect::<Result<Vec<_>, Error>>()?;
        let change = match r.u8()? {
            0 => None,
            kind @ (1 | 2) => {
                let (at_ms, height, actor, reason) = (r.u64()?, r.u64()?, r.address()?, r.str16()?);
                let kind = if kind == 1 {
                    ChangeKind::Revoked
                } else {
                    ChangeKind::Superseded(r.array()?)
                };
                Some(StatusChange { kind, at_ms, height, actor, reason })
            }
            _ => return Err(r.corrupt("unknown status kind")),
        };
        r.end()?;
        Ok(StatusRecord { cosigners, change })
    }
}

/// The committed tree head.
pub const LOG_HEAD: Item<TreeHead> = Item::new("log_head");
/// Complete subtrees of the log.
pub const NODES: Map<NodeId, Bytes32> = Map::new("node");
/// Log index → registered hash.
pub const LEAVES: Map<u64, Bytes32> = Map::new("leaf");
/// Hash → registration.
pub const REGISTRATIONS: Map<Bytes32, Entry> = Map::new("reg");
/// Hash → co-signatures and revocation.
pub const STATUS: Map<Bytes32, StatusRecord> = Map::new("status");
/// Registrant ‖ log index → hash (registrations by registrant, in log order). Its keys are
/// compound, so only its prefix is used, with raw storage (the key type is nominal).
const BY_REGISTRANT: Map<Bytes32, Bytes32> = Map::new("by_registrant");

/// Whether `hash` is registered (without decoding its record).
pub fn is_registered(hash: &Hash) -> bool {
    REGISTRATIONS.has(&Bytes32(*hash))
}

/// The registration of `hash`, if any.
pub fn entry(hash: &Hash) -> Result<Option<Entry>, Error> {
    REGISTRATIONS.get(&Bytes32(*hash))
}

/// The registration of `hash`, or `not found: …`.
pub fn existing_entry(hash: &Hash) -> Result<Entry, Error> {
    entry(hash)?.ok_or_else(|| {
        Error::new(format!("not found: hash {} is not registered", crate::hex::encode(hash)))
    })
}

/// The status record of `hash` (empty when nothing happened since registration).
pub fn status(hash: &Hash) -> Result<StatusRecord, Error> {
    Ok(STATUS.get(&Bytes32(*hash))?.unwrap_or_default())
}

/// Stores a new registration and indexes it by registrant.
pub fn save_entry(entry: &Entry) {
    let reg = &entry.registration;
    REGISTRATIONS.set(&Bytes32(reg.hash), entry);
    storage::set(&registrant_key(&reg.registrant, entry.log_index), &reg.hash);
}

/// Registrations of `registrant` after log index `start_after` (or from the first), in log
/// order, at most `limit`: `(log index, hash)`.
pub fn by_registrant(
    registrant: &Address,
    start_after: Option<u64>,
    limit: usize,
) -> Result<Vec<(u64, Hash)>, Error> {
    let prefix = [BY_REGISTRANT.prefix().as_slice(), &registrant.0].concat();
    let iter = match start_after {
        Some(i) => storage::iter_prefix_after(&prefix, &registrant_key(registrant, i)),
        None => storage::iter_prefix(&prefix),
    };
    iter.take(limit)
        .map(|(key, value)| {
            let mut r = Reader::new(&key[prefix.len()..], "registrant index key");
            let index = r.u64()?;
            r.end()?;
            Ok((index, Bytes32::decode(&value)?.0))
        })
        .collect()
}

fn registrant_key(registrant: &Address, log_index: u64) -> Vec<u8> {
    [BY_REGISTRANT.prefix().as_slice(), &registrant.0, &log_index.to_be_bytes()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn records_round_trip() {
        let head = TreeHead { size: 0x0102, root: [7; 32] };
        assert_eq!(head.encode().len(), 40);
        assert_eq!(head.encode()[..8], [0, 0, 0, 0, 0, 0, 1, 2]);
        assert_eq!(TreeHead::decode(&head.encode()), Ok(head));
        assert_eq!(NodeId::decode(&NodeId(3, 9).encode()), Ok(NodeId(3, 9)));

        let cosigners = vec![
            Cosignature { address: Address([1; 20]), at_ms: 5, height: 6 },
            Cosignature { address: Address([2; 20]), at_ms: 7, height: 8 },
        ];
        for change in [
            None,
            Some(StatusChange {
                kind: ChangeKind::Revoked,
                at_ms: 9,
                height: 10,
                actor: Address([3; 20]),
                reason: "withdrawn".into(),
            }),
            Some(StatusChange {
                kind: ChangeKind::Superseded([4; 32]),
                at_ms: 11,
                height: 12,
                actor: Address([3; 20]),
                reason: "amended ✓".into(),
            }),
        ] {
            let record = StatusRecord { cosigners: cosigners.clone(), change };
            assert_eq!(StatusRecord::decode(&record.encode()), Ok(record));
        }
        assert_eq!(StatusRecord::decode(&[0, 0]), Ok(StatusRecord::default()));
    }

    #[test]
    fn corrupt_records_are_refused() {
        let err = |r: Result<StatusRecord, Error>| r.map_err(|e| e.to_string());
        assert_eq!(
            err(StatusRecord::decode(&[0, 3])),
            Err("corrupt status record: unknown status kind".into())
        );
        assert_eq!(
            err(StatusRecord::decode(&[1, 0])),
            Err("corrupt status record: truncated".into())
        );
        assert_eq!(
            err(StatusRecord::decode(&[0, 0, 0])),
            Err("corrupt status record: trailing bytes".into())
        );
        assert!(TreeHead::decode(&[0; 39]).is_err());
        assert!(Entry::decode(&[0; 7]).is_err());
        assert!(Bytes32::decode(&[0; 31]).is_err());
    }
}
