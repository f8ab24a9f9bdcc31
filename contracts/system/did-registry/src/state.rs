//! Storage layout and its byte encodings.
//!
//! | storage | key | value |
//! |---|---|---|
//! | `network` item | — | the network name |
//! | `did` map | `<id>` | [`DidState`]: latest version, deactivated flag, authentication addresses, controllers |
//! | `ver` map | [`VersionKey`] (`<id>`, version) | [`VersionMeta`]: time, height, operation, sender, document hash |
//! | `doc` map | [`VersionKey`] | the version's document, normalised JSON |
//!
//! Versions are numbered from 1 (the create) and never removed, so every past document stays
//! resolvable. `DidState` caches what authorisation needs (the addresses of the current
//! `authentication` keys and the controller ids), so the `authorized` query other contracts
//! call reads one small record per DID instead of parsing documents.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use bayledger_contract_sdk::storage::{Item, Map};
use bayledger_contract_sdk::{Address, Codec, Error};

/// The network of every DID this registry keeps.
pub const NETWORK: Item<String> = Item::new("network");
/// `<id>` → current state.
pub const DIDS: Map<String, DidState> = Map::new("did");
/// (`<id>`, version) → version metadata.
pub const VERSIONS: Map<VersionKey, VersionMeta> = Map::new("ver");
/// (`<id>`, version) → document JSON.
pub const DOCUMENTS: Map<VersionKey, Vec<u8>> = Map::new("doc");

/// A verification method referenced from `authentication`, and the address of its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthKey {
    /// The method's fragment (`key-1` of `#key-1`).
    pub fragment: String,
    /// ADR 0003 address of the key.
    pub address: Address,
}

/// The current state of a DID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DidState {
    /// The latest version (1 = created).
    pub version: u64,
    /// Deactivated (final).
    pub deactivated: bool,
    /// The current document's authentication keys.
    pub authentication: Vec<AuthKey>,
    /// The ids of the other DIDs listed in the current document's `controller`.
    pub controllers: Vec<String>,
}

/// What a version was made by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// Version 1.
    Create,
    /// A new document.
    Update,
    /// The final version.
    Deactivate,
}

impl Operation {
    /// `create`, `update` or `deactivate`.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Deactivate => "deactivate",
        }
    }

    fn code(self) -> u8 {
        match self {
            Operation::Create => 1,
            Operation::Update => 2,
            Operation::Deactivate => 3,
        }
    }

    fn from_code(code: u8) -> Result<Operation, Error> {
        match code {
            1 => Ok(Operation::Create),
            2 => Ok(Operation::Update),
            3 => Ok(Operation::Deactivate),
            _ => Err(Error::new(format!("storage: unknown operation code {code}"))),
        }
    }
}

/// Metadata of one version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionMeta {
    /// Block time of the version, ms since the epoch.
    pub time_ms: u64,
    /// Block height of the version.
    pub height: u64,
    /// What made it.
    pub operation: Operation,
    /// Who sent it.
    pub sender: Address,
    /// SHA3-256 of the version's document JSON.
    pub document_hash: [u8; 32],
}

/// Storage key of a version: `u8(len(id)) ‖ id ‖ u64be(version)`, so one DID's versions are
/// contiguous and in numeric order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionKey {
    /// The DID's `<id>`.
    pub id: String,
    /// The version.
    pub version: u64,
}

/// Sequential decoding of a stored value; every read names the value on failure.
struct Reader<'a> {
    bytes: &'a [u8],
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if self.bytes.len() < n {
            return Err(Error::new(format!("storage: truncated {}", self.what)));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }

    fn u64(&mut self) -> Result<u64, Error> {
        u64::decode(self.take(8)?)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn string(&mut self) -> Result<String, Error> {
        let len = usize::from(self.u8()?);
        String::decode(self.take(len)?)
    }

    fn finish(self) -> Result<(), Error> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(Error::new(format!("storage: trailing bytes after {}", self.what)))
        }
    }
}

/// Appends a string of at most 255 bytes (ids and fragments are at most 64) with its length.
fn put_string(out: &mut Vec<u8>, s: &str) {
    let len = u8::try_from(s.len()).unwrap_or(u8::MAX);
    out.push(len);
    out.extend_from_slice(&s.as_bytes()[..usize::from(len)]);
}

fn put_count(out: &mut Vec<u8>, n: usize) {
    out.push(u8::try_from(n).unwrap_or(u8::MAX));
}

impl Codec for DidState {
    /// `u64 version ‖ u8 deactivated ‖ u8 n ‖ n × (address ‖ str fragment) ‖ u8 m ‖ m × str id`.
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.authentication.len() * 40);
        out.extend_from_slice(&self.version.to_be_bytes());
        out.push(u8::from(self.deactivated));
        put_count(&mut out, self.authentication.len());
        for key in &self.authentication {
            out.extend_from_slice(&key.address.0);
            put_string(&mut out, &key.fragment);
        }
        put_count(&mut out, self.controllers.len());
        for id in &self.controllers {
            put_string(&mut out, id);
        }
        out
    }

    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader { bytes, what: "DID state" };
        let version = r.u64()?;
        let deactivated = bool::decode(r.take(1)?)?;
        let authentication = (0..r.u8()?)
            .map(|_| Ok(AuthKey { address: Address(r.array()?), fragment: r.string()? }))
            .collect::<Result<Vec<_>, Error>>()?;
        let controllers = (0..r.u8()?).map(|_| r.string()).collect::<Result<Vec<_>, _>>()?;
        r.finish()?;
        Ok(DidState { version, deactivated, authentication, controllers })
    }
}

impl Codec for VersionMeta {
    /// `u64 time_ms ‖ u64 height ‖ u8 operation ‖ sender(20) ‖ document hash(32)`.
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(69);
        out.extend_from_slice(&self.time_ms.to_be_bytes());
        out.extend_from_slice(&self.height.to_be_bytes());
        out.push(self.operation.code());
        out.extend_from_slice(&self.sender.0);
        out.extend_from_slice(&self.document_hash);
        out
    }

    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader { bytes, what: "version metadata" };
        let meta = VersionMeta {
            time_ms: r.u64()?,
            height: r.u64()?,
            operation: Operation::from_code(r.u8()?)?,
            sender: Address(r.array()?),
            document_hash: r.array()?,
        };
        r.finish()?;
        Ok(meta)
    }
}

impl Codec for VersionKey {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(9 + self.id.len());
        put_string(&mut out, &self.id);
        out.extend_from_slice(&self.version.to_be_bytes());
        out
    }

    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader { bytes, what: "version key" };
        let key = VersionKey { id: r.string()?, version: r.u64()? };
        r.finish()?;
        Ok(key)
    }
}

fn key(id: &str, version: u64) -> VersionKey {
    VersionKey { id: id.into(), version }
}

/// The configured network.
pub fn network() -> Result<String, Error> {
    NETWORK.get()?.ok_or_else(|| Error::new("conflict: the registry is not instantiated"))
}

/// The state of DID `<id>`, if it exists.
pub fn load(id: &str) -> Result<Option<DidState>, Error> {
    DIDS.get(&String::from(id))
}

/// Stores a new version of `<id>`: its state, metadata and document.
pub fn record_version(id: &str, state: &DidState, meta: &VersionMeta, document: &[u8]) {
    DIDS.set(&String::from(id), state);
    VERSIONS.set(&key(id, state.version), meta);
    DOCUMENTS.set(&key(id, state.version), &document.to_vec());
}

/// Metadata of version `version` of `<id>`.
pub fn version(id: &str, version: u64) -> Result<Option<VersionMeta>, Error> {
    VERSIONS.get(&key(id, version))
}

/// Metadata of a version known to exist (an error names the gap otherwise).
pub fn existing_version(id: &str, v: u64) -> Result<VersionMeta, Error> {
    version(id, v)?.ok_or_else(|| Error::new(format!("storage: {id} has no version {v}")))
}

/// The document of a version known to exist.
pub fn document(id: &str, version: u64) -> Result<Vec<u8>, Error> {
    DOCUMENTS
        .get(&key(id, version))?
        .ok_or_else(|| Error::new(format!("storage: {id} has no document for version {version}")))
}

/// The latest version of `<id>` (whose versions are `1..=latest`) made at or before `time_ms`,
/// found by binary search over the non-decreasing version times.
pub fn version_at(id: &str, latest: u64, time_ms: u64) -> Result<Option<u64>, Error> {
    let (mut low, mut high, mut found) = (1, latest, None);
    while low <= high {
        let mid = low + (high - low) / 2;
        if existing_version(id, mid)?.time_ms <= time_ms {
            found = Some(mid);
            low = mid + 1;
        } else {
            high = mid - 1;
        }
    }
    Ok(found)
}

/// The versions of `<id>` after `start_after`, in order.
pub fn versions_after(
    id: &str,
    start_after: u64,
) -> impl Iterator<Item = Result<(u64, VersionMeta), Error>> {
    let id = String::from(id);
    VERSIONS
        .range(Some(&key(&id, start_after)))
        .take_while(move |entry| entry.as_ref().map_or(true, |(k, _)| k.id == id))
        .map(|entry| entry.map(|(k, meta)| (k.version, meta)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_contract_sdk::mock;

    fn meta(time_ms: u64) -> VersionMeta {
        VersionMeta {
            time_ms,
            height: time_ms / 1000,
            operation: Operation::Update,
            sender: Address([7; 20]),
            document_hash: [9; 32],
        }
    }

    #[test]
    fn records_round_trip_and_refuse_corruption() {
        let state = DidState {
            version: 3,
            deactivated: false,
            authentication: alloc::vec![AuthKey {
                fragment: "key-1".into(),
                address: Address([1; 20])
            }],
            controllers: alloc::vec!["bank".into(), "regulator".into()],
        };
        assert_eq!(DidState::decode(&state.encode()), Ok(state.clone()));
        let bytes = state.encode();
        assert!(DidState::decode(&bytes[..bytes.len() - 1]).is_err());
        assert!(DidState::decode(&[bytes.as_slice(), &[0]].concat()).is_err());
        let m = meta(5);
        assert_eq!(VersionMeta::decode(&m.encode()), Ok(m.clone()));
        let mut bad = m.encode();
        bad[16] = 9;
        assert!(VersionMeta::decode(&bad).is_err());
        let k = key("abc", 2);
        assert_eq!(VersionKey::decode(&k.encode()), Ok(k));
    }

    #[test]
    fn version_keys_keep_one_dids_versions_together_and_in_order() {
        mock::reset();
        let state = |version| DidState {
            version,
            deactivated: false,
            authentication: Vec::new(),
            controllers: Vec::new(),
        };
        // "a" is a prefix of "ab": the length byte keeps their versions apart.
        for (id, v, t) in [("ab", 1, 10), ("a", 1, 20), ("a", 2, 30), ("a", 256, 40), ("b", 1, 50)]
        {
            record_version(id, &state(v), &meta(t), b"{}");
        }
        let listed: Vec<u64> = versions_after("a", 0).map(|e| e.expect("decodes").0).collect();
        assert_eq!(listed, [1, 2, 256]);
        let rest: Vec<u64> = versions_after("a", 2).map(|e| e.expect("decodes").0).collect();
        assert_eq!(rest, [256]);
        assert_eq!(versions_after("c", 0).count(), 0);
    }

    #[test]
    fn version_at_finds_the_latest_version_not_after_a_time() {
        mock::reset();
        let times = [100, 200, 200, 300, 450];
        for (i, t) in times.iter().enumerate() {
            let v = i as u64 + 1;
            let state = DidState {
                version: v,
                deactivated: false,
                authentication: Vec::new(),
                controllers: Vec::new(),
            };
            record_version("x", &state, &meta(*t), b"{}");
        }
        let at = |t| version_at("x", 5, t).expect("reads");
        assert_eq!(at(99), None);
        assert_eq!(at(100), Some(1));
        assert_eq!(at(199), Some(1));
        assert_eq!(at(200), Some(3), "the last of two versions in one block");
        assert_eq!(at(449), Some(4));
        assert_eq!(at(u64::MAX), Some(5));
        // Every answer matches a linear scan.
        for t in 0..500 {
            let linear = times.iter().rposition(|x| *x <= t).map(|i| i as u64 + 1);
            assert_eq!(at(t), linear, "t = {t}");
        }
    }
}
