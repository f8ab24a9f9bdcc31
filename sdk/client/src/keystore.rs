//! A directory of encrypted key files, one `<name>.json` per key, in the Web3
//! Secret Storage v3 format (see [`v3`]).
//!
//! Files are written with mode 0600 into a temporary file, synced, then linked
//! into place, so a crash never leaves a half-written key file and an existing
//! key is never overwritten (not even by a concurrent writer).

pub mod v3;

use bayledger_types::{Address, PublicKey, SecretKey};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use v3::{KeyFile, V3Error};
use zeroize::Zeroizing;

/// Why a keystore operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeystoreError {
    /// The name is not 1–64 characters of `[A-Za-z0-9_-]`.
    #[error("invalid key name {0:?}: use 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'")]
    InvalidName(String),
    /// A key with this name already exists.
    #[error("a key named {0:?} already exists")]
    AlreadyExists(String),
    /// No key with this name.
    #[error("no key named {name:?} in {dir}")]
    NotFound {
        /// Key name.
        name: String,
        /// Keystore directory.
        dir: PathBuf,
    },
    /// The passphrase does not decrypt the key.
    #[error("wrong passphrase (MAC mismatch)")]
    WrongPassphrase,
    /// The key file is malformed, inconsistent or unsupported.
    #[error("{path}: {reason}")]
    BadFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A secret given for import is not a valid key.
    #[error("invalid secret key: {0}")]
    InvalidSecret(String),
    /// The scrypt cost is outside the supported range.
    #[error("scrypt log2(n) must be between {min} and {max}, got {0}", min = v3::MIN_LOG_N, max = v3::MAX_LOG_N)]
    InvalidCost(u8),
    /// Encrypting a new key failed.
    #[error("cannot encrypt key: {0}")]
    Encrypt(String),
    /// A file system operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
}

/// What can be known about a key without its passphrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// Key name.
    pub name: String,
    /// Account address.
    pub address: Address,
    /// Public key, when the file records it (files written by this SDK do).
    pub public_key: Option<PublicKey>,
}

/// A keystore directory.
#[derive(Debug, Clone)]
pub struct Keystore {
    dir: PathBuf,
    log_n: u8,
}

impl Keystore {
    /// Opens (creating with mode 0700 if needed) the keystore directory. New
    /// keys use scrypt cost n = 2^15.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Keystore, KeystoreError> {
        let dir = dir.into();
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&dir).map_err(|source| KeystoreError::Io { path: dir.clone(), source })?;
        Ok(Keystore { dir, log_n: v3::DEFAULT_LOG_N })
    }

    /// Sets the scrypt cost (`log2 n`, 13..=18) used for keys created from now on.
    pub fn with_scrypt_log_n(mut self, log_n: u8) -> Result<Keystore, KeystoreError> {
        if !(v3::MIN_LOG_N..=v3::MAX_LOG_N).contains(&log_n) {
            return Err(KeystoreError::InvalidCost(log_n));
        }
        self.log_n = log_n;
        Ok(self)
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Encrypts `key` under `passphrase` and stores it as `name`.
    pub fn create(
        &self,
        name: &str,
        key: &SecretKey,
        passphrase: &str,
    ) -> Result<KeyInfo, KeystoreError> {
        let path = self.path_of(name)?;
        if path.exists() {
            return Err(KeystoreError::AlreadyExists(name.to_string()));
        }
        let crypto = v3::encrypt(&key.to_bytes(), passphrase, self.log_n)
            .map_err(|e| KeystoreError::Encrypt(e.to_string()))?;
        let public_key = key.public_key();
        let file = KeyFile {
            version: 3,
            id: v3::random_uuid(),
            address: key.address().to_string(),
            name: name.to_string(),
            public_key: Some(hex::encode(public_key.to_compressed())),
            crypto,
        };
        let mut json =
            serde_json::to_vec_pretty(&file).map_err(|e| self.bad(&path, e.to_string()))?;
        json.push(b'\n');
        self.write_new(name, &path, &json)?;
        Ok(KeyInfo { name: name.to_string(), address: key.address(), public_key: Some(public_key) })
    }

    /// Generates a fresh random key and stores it as `name`.
    pub fn generate(&self, name: &str, passphrase: &str) -> Result<KeyInfo, KeystoreError> {
        self.create(name, &SecretKey::generate(), passphrase)
    }

    /// Decrypts the key `name`.
    pub fn load(&self, name: &str, passphrase: &str) -> Result<SecretKey, KeystoreError> {
        let (path, file, info) = self.read(name)?;
        let secret = v3::decrypt(&file.crypto, passphrase).map_err(|e| match e {
            V3Error::MacMismatch => KeystoreError::WrongPassphrase,
            other => self.bad(&path, other.to_string()),
        })?;
        let key = SecretKey::from_bytes(&secret[..])
            .map_err(|_| self.bad(&path, "decrypted secret is not a valid secp256k1 key".into()))?;
        if key.address() != info.address {
            return Err(self.bad(
                &path,
                format!("key decrypts to {} but the file says {}", key.address(), info.address),
            ));
        }
        if info.public_key.is_some_and(|p| p != key.public_key()) {
            return Err(self.bad(&path, "recorded public key does not match the secret key".into()));
        }
        Ok(key)
    }

    /// Name, address and public key of `name`, without decrypting.
    pub fn info(&self, name: &str) -> Result<KeyInfo, KeystoreError> {
        self.read(name).map(|(_, _, info)| info)
    }

    /// Whether a key named `name` exists.
    pub fn contains(&self, name: &str) -> bool {
        self.path_of(name).map(|p| p.is_file()).unwrap_or(false)
    }

    /// Every key in the directory, sorted by name. Files whose names are not
    /// key names (temporary files, other files) are skipped; a key file that
    /// cannot be read is an error naming it.
    pub fn list(&self) -> Result<Vec<KeyInfo>, KeystoreError> {
        let entries = fs::read_dir(&self.dir).map_err(|source| self.io(&self.dir, source))?;
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| self.io(&self.dir, source))?;
            let file_name = entry.file_name();
            let Some(name) = file_name.to_str().and_then(|n| n.strip_suffix(".json")) else {
                continue;
            };
            if validate_name(name).is_err() || !entry.path().is_file() {
                continue;
            }
            out.push(self.info(name)?);
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Decrypts `name` and returns its secret as 64 hex digits (no `0x`).
    pub fn export(&self, name: &str, passphrase: &str) -> Result<Zeroizing<String>, KeystoreError> {
        let key = self.load(name, passphrase)?;
        Ok(Zeroizing::new(hex::encode(&key.to_bytes()[..])))
    }

    /// Stores a secret given as hex (64 digits, optional `0x`, surrounding
    /// whitespace ignored) under `name`.
    pub fn import(
        &self,
        name: &str,
        secret_hex: &str,
        passphrase: &str,
    ) -> Result<KeyInfo, KeystoreError> {
        validate_name(name)?;
        let trimmed = secret_hex.trim();
        let digits = trimmed.strip_prefix("0x").unwrap_or(trimmed);
        if digits.len() != 64 {
            return Err(KeystoreError::InvalidSecret(format!(
                "expected 64 hex digits, got {}",
                digits.len()
            )));
        }
        let bytes = Zeroizing::new(
            hex::decode(digits)
                .map_err(|_| KeystoreError::InvalidSecret("not hexadecimal".into()))?,
        );
        let key = SecretKey::from_bytes(&bytes).map_err(|_| {
            KeystoreError::InvalidSecret("zero or not below the secp256k1 group order".into())
        })?;
        self.create(name, &key, passphrase)
    }

    fn path_of(&self, name: &str) -> Result<PathBuf, KeystoreError> {
        validate_name(name)?;
        Ok(self.dir.join(format!("{name}.json")))
    }

    fn read(&self, name: &str) -> Result<(PathBuf, KeyFile, KeyInfo), KeystoreError> {
        let path = self.path_of(name)?;
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(KeystoreError::NotFound {
                    name: name.to_string(),
                    dir: self.dir.clone(),
                });
            }
            Err(source) => return Err(self.io(&path, source)),
        };
        let file: KeyFile = serde_json::from_slice(&bytes)
            .map_err(|e| self.bad(&path, format!("not a key file: {e}")))?;
        if file.version != 3 {
            return Err(self.bad(&path, format!("version {} (only 3 is supported)", file.version)));
        }
        if file.name != name {
            return Err(self.bad(
                &path,
                format!("file is named {name:?} but records the name {:?}", file.name),
            ));
        }
        let address: Address =
            file.address.parse().map_err(|e| self.bad(&path, format!("address: {e}")))?;
        let public_key = match &file.public_key {
            None => None,
            Some(h) => {
                let bytes =
                    hex::decode(h).map_err(|_| self.bad(&path, "public_key is not hex".into()))?;
                let pk = PublicKey::from_sec1(&bytes)
                    .map_err(|e| self.bad(&path, format!("public_key: {e}")))?;
                if pk.address() != address {
                    return Err(self.bad(&path, "public_key does not match address".into()));
                }
                Some(pk)
            }
        };
        let info = KeyInfo { name: name.to_string(), address, public_key };
        Ok((path, file, info))
    }

    /// Writes a new file atomically: temp file (0600, synced), hard link to the
    /// final name (fails if it exists), remove the temp name, sync the directory.
    fn write_new(&self, name: &str, path: &Path, contents: &[u8]) -> Result<(), KeystoreError> {
        let mut suffix = [0u8; 8];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut suffix);
        let tmp = self.dir.join(format!(".{name}.json.tmp-{}", hex::encode(suffix)));
        let result =
            self.write_synced(&tmp, contents).and_then(|()| self.link_into_place(name, &tmp, path));
        // The temp name is garbage whether or not the link succeeded.
        let _ = fs::remove_file(&tmp);
        result?;
        sync_dir(&self.dir).map_err(|source| self.io(&self.dir, source))
    }

    fn write_synced(&self, tmp: &Path, contents: &[u8]) -> Result<(), KeystoreError> {
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(tmp).map_err(|source| self.io(tmp, source))?;
        f.write_all(contents).and_then(|()| f.sync_all()).map_err(|source| self.io(tmp, source))
    }

    fn link_into_place(&self, name: &str, tmp: &Path, path: &Path) -> Result<(), KeystoreError> {
        match fs::hard_link(tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                Err(KeystoreError::AlreadyExists(name.to_string()))
            }
            // File systems without hard links: check, then rename.
            Err(_) if path.exists() => Err(KeystoreError::AlreadyExists(name.to_string())),
            Err(_) => fs::rename(tmp, path).map_err(|source| self.io(path, source)),
        }
    }

    fn io(&self, path: &Path, source: io::Error) -> KeystoreError {
        KeystoreError::Io { path: path.to_path_buf(), source }
    }

    fn bad(&self, path: &Path, reason: String) -> KeystoreError {
        KeystoreError::BadFile { path: path.to_path_buf(), reason }
    }
}

/// Checks a key name: 1 to 64 characters of `[A-Za-z0-9_-]`.
pub fn validate_name(name: &str) -> Result<(), KeystoreError> {
    let ok = (1..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok { Ok(()) } else { Err(KeystoreError::InvalidName(name.to_string())) }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
