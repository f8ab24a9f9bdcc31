//! Hashing records before registration (docs/privacy.md): a plain SHA3-256 of the record, or a
//! salted commitment SHA3-256(salt ‖ data) with a fresh 32-byte salt that stays off-chain with
//! the record. Files are hashed in a stream; they never leave the machine.

use crate::error::SdkError;
use bayledger_types::Hash;
use sha3::{Digest, Sha3_256};
use std::io::Read;
use std::path::Path;

/// The `commitment_scheme` of [`Commitment`]s: SHA3-256 of the salt followed by the data.
pub const SCHEME_SHA3_SALTED: &str = "sha3-256(salt||data)";
/// Length of a fresh salt.
pub const SALT_LEN: usize = 32;
/// Shortest salt accepted when checking a commitment (docs/privacy.md: at least 16 bytes).
pub const MIN_SALT_LEN: usize = 16;

/// A salted commitment to a record: what goes on chain (`hash`) and what stays with the
/// record (`salt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    /// The random salt; hand it to the verifier together with the record, never on chain.
    pub salt: Vec<u8>,
    /// SHA3-256(salt ‖ data).
    pub hash: Hash,
}

impl Commitment {
    /// A commitment to `data` with a fresh random 32-byte salt.
    pub fn new(data: &[u8]) -> Commitment {
        let salt = fresh_salt();
        let hash = salted(&salt, data);
        Commitment { salt, hash }
    }

    /// A commitment to the contents of the file at `path` with a fresh salt.
    pub fn of_file(path: &Path) -> Result<Commitment, SdkError> {
        let salt = fresh_salt();
        let hash = salted_sha3_file(&salt, path)?;
        Ok(Commitment { salt, hash })
    }
}

fn fresh_salt() -> Vec<u8> {
    let mut salt = vec![0u8; SALT_LEN];
    rand::Rng::fill(&mut rand::rng(), &mut salt[..]);
    salt
}

fn check_salt(salt: &[u8]) -> Result<(), SdkError> {
    if salt.len() < MIN_SALT_LEN {
        return Err(SdkError::Invalid(format!(
            "a salt must be at least {MIN_SALT_LEN} bytes, got {}",
            salt.len()
        )));
    }
    Ok(())
}

/// SHA3-256 of `data`: the plain hash of a record.
pub fn sha3(data: &[u8]) -> Hash {
    Hash::sha3(data)
}

/// SHA3-256(salt ‖ data); the salt must be at least 16 bytes.
pub fn salted_sha3(salt: &[u8], data: &[u8]) -> Result<Hash, SdkError> {
    check_salt(salt)?;
    Ok(salted(salt, data))
}

fn salted(salt: &[u8], data: &[u8]) -> Hash {
    Hash(Sha3_256::new().chain_update(salt).chain_update(data).finalize().into())
}

/// SHA3-256 of the contents of the file at `path`, read in a stream.
pub fn sha3_file(path: &Path) -> Result<Hash, SdkError> {
    hash_file(Sha3_256::new(), path)
}

/// SHA3-256(salt ‖ contents of the file at `path`), read in a stream.
pub fn salted_sha3_file(salt: &[u8], path: &Path) -> Result<Hash, SdkError> {
    check_salt(salt)?;
    hash_file(Sha3_256::new().chain_update(salt), path)
}

fn hash_file(mut hasher: Sha3_256, path: &Path) -> Result<Hash, SdkError> {
    let fail =
        |e: std::io::Error| SdkError::Invalid(format!("cannot read {}: {e}", path.display()));
    let mut file = std::fs::File::open(path).map_err(fail)?;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(fail(e)),
        }
    }
    Ok(Hash(hasher.finalize().into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_hash_is_sha3_256() {
        // FIPS 202 SHA3-256("abc").
        assert_eq!(
            sha3(b"abc").to_hex(),
            "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"
        );
    }

    #[test]
    fn commitments_are_salted_and_checkable() {
        let data = b"customer record";
        let a = Commitment::new(data);
        let b = Commitment::new(data);
        assert_eq!(a.salt.len(), SALT_LEN);
        assert_ne!(a.salt, b.salt, "fresh salts");
        assert_ne!(a.hash, b.hash, "so the same record commits differently");
        assert_ne!(a.hash, sha3(data));
        assert_eq!(salted_sha3(&a.salt, data).expect("salt ok"), a.hash);
        assert_eq!(sha3(&[&a.salt[..], data].concat()), a.hash, "SHA3-256(salt || data)");
        assert_ne!(salted_sha3(&a.salt, b"customer recorD").expect("salt ok"), a.hash);
        let short = salted_sha3(&[0u8; 15], data).expect_err("short salt");
        assert!(short.to_string().contains("at least 16"), "{short}");
    }

    #[test]
    fn files_hash_like_their_bytes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("record.bin");
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).expect("write");
        assert_eq!(sha3_file(&path).expect("hash"), sha3(&data));
        let c = Commitment::of_file(&path).expect("commit");
        assert_eq!(salted_sha3(&c.salt, &data).expect("salt ok"), c.hash);
        assert_eq!(salted_sha3_file(&c.salt, &path).expect("hash"), c.hash);
        let missing = sha3_file(&dir.path().join("nope")).expect_err("missing file");
        assert!(missing.to_string().contains("cannot read"), "{missing}");
    }
}
