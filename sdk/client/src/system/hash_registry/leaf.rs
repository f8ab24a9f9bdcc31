//! The registry's log leaf (version 1), decoded so a verifier can check every field the log
//! commits to: the hash, the registrant, block time and height, data type, scheme, metadata
//! URI and the superseded hash. Layout (the contract's `leaf` module documents it):
//!
//! `0x01` ‖ hash (32) ‖ registrant (20) ‖ time ms (u64 BE) ‖ height (u64 BE) ‖
//! `len8` data_type ‖ `len8` scheme ‖ `len16` metadata URI ‖ `0x00` | `0x01` ‖ superseded hash (32).

use super::rfc9162::ProofError;
use bayledger_types::{Address, Hash};
use serde::Serialize;

/// The leaf format version this SDK reads.
pub const LEAF_VERSION: u8 = 1;

/// A registration as committed in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leaf {
    /// The registered hash or commitment.
    #[serde(with = "super::hex::hash")]
    pub hash: Hash,
    /// Who registered it.
    pub registrant: Address,
    /// Block time of the registration, ms since the Unix epoch.
    pub registered_at_ms: u64,
    /// Block height of the registration.
    pub registered_height: u64,
    /// What kind of record was hashed.
    pub data_type: String,
    /// How a salted commitment was computed, if it is one.
    pub commitment_scheme: Option<String>,
    /// Where non-personal metadata is found.
    pub metadata_uri: Option<String>,
    /// The hash this registration superseded.
    #[serde(with = "super::hex::opt_hash")]
    pub supersedes: Option<Hash>,
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ProofError> {
        if self.0.len() < n {
            return Err(malformed("truncated"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, ProofError> {
        Ok(self.take(1)?[0])
    }

    fn u64(&mut self) -> Result<u64, ProofError> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_be_bytes(b))
    }

    fn hash(&mut self) -> Result<Hash, ProofError> {
        Hash::from_slice(self.take(32)?).ok_or_else(|| malformed("truncated"))
    }

    fn text(&mut self, len: usize, what: &str) -> Result<Option<String>, ProofError> {
        let bytes = self.take(len)?;
        if !bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
            return Err(malformed(&format!("{what} is not printable ASCII")));
        }
        let text = String::from_utf8_lossy(bytes).into_owned();
        Ok(Some(text).filter(|t| !t.is_empty()))
    }
}

fn malformed(what: &str) -> ProofError {
    ProofError::MalformedLeaf(what.to_string())
}

impl Leaf {
    /// Decodes leaf bytes; anything but a well-formed version-1 leaf is an error.
    pub fn parse(bytes: &[u8]) -> Result<Leaf, ProofError> {
        let mut r = Reader(bytes);
        let version = r.u8()?;
        if version != LEAF_VERSION {
            return Err(malformed(&format!("unknown leaf version {version}")));
        }
        let hash = r.hash()?;
        let registrant = Address::from_slice(r.take(20)?).map_err(|_| malformed("truncated"))?;
        let registered_at_ms = r.u64()?;
        let registered_height = r.u64()?;
        let n = usize::from(r.u8()?);
        let data_type = r.text(n, "data_type")?.ok_or_else(|| malformed("empty data_type"))?;
        let n = usize::from(r.u8()?);
        let commitment_scheme = r.text(n, "commitment_scheme")?;
        let n = usize::from(u16::from_be_bytes([r.u8()?, r.u8()?]));
        let metadata_uri = r.text(n, "metadata_uri")?;
        let supersedes = match r.u8()? {
            0 => None,
            1 => Some(r.hash()?),
            flag => return Err(malformed(&format!("bad supersedes flag {flag}"))),
        };
        if !r.0.is_empty() {
            return Err(malformed("trailing bytes"));
        }
        Ok(Leaf {
            hash,
            registrant,
            registered_at_ms,
            registered_height,
            data_type,
            commitment_scheme,
            metadata_uri,
            supersedes,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A leaf built by hand from the documented layout.
    pub(crate) fn leaf_bytes(hash: [u8; 32], supersedes: Option<[u8; 32]>) -> Vec<u8> {
        let mut b = vec![1];
        b.extend(hash);
        b.extend([0x11; 20]);
        b.extend(0x0102_0304_0506_0708u64.to_be_bytes());
        b.extend(9u64.to_be_bytes());
        b.extend([3, b'k', b'y', b'c']);
        b.push(20);
        b.extend(b"sha3-256(salt||data)");
        b.extend([0, 0]);
        match supersedes {
            Some(h) => {
                b.push(1);
                b.extend(h);
            }
            None => b.push(0),
        }
        b
    }

    #[test]
    fn parses_the_documented_layout() {
        let leaf = Leaf::parse(&leaf_bytes([0xaa; 32], Some([0xbb; 32]))).expect("valid");
        assert_eq!(
            leaf,
            Leaf {
                hash: Hash([0xaa; 32]),
                registrant: Address([0x11; 20]),
                registered_at_ms: 0x0102_0304_0506_0708,
                registered_height: 9,
                data_type: "kyc".into(),
                commitment_scheme: Some("sha3-256(salt||data)".into()),
                metadata_uri: None,
                supersedes: Some(Hash([0xbb; 32])),
            }
        );
    }

    #[test]
    fn malformed_leaves_are_refused() {
        let good = leaf_bytes([0xaa; 32], None);
        let err = |b: &[u8]| Leaf::parse(b).expect_err("refused").to_string();
        assert!(err(&good[..good.len() - 1]).contains("truncated"));
        let mut v2 = good.clone();
        v2[0] = 2;
        assert!(err(&v2).contains("version 2"));
        let mut flag = good.clone();
        *flag.last_mut().expect("non-empty") = 7;
        assert!(err(&flag).contains("supersedes flag"));
        let mut long = good.clone();
        long.push(0);
        assert!(err(&long).contains("trailing"));
        let mut empty_type = good;
        empty_type[69] = 0;
        assert!(Leaf::parse(&empty_type).is_err());
    }
}
