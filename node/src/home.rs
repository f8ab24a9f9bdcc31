//! The node's home directory:
//!
//! ```text
//! <home>/config/config.toml         node configuration (NodeConfig)
//! <home>/config/genesis.json        the chain's genesis
//! <home>/config/validator_key.json  this node's validator key (mode 0600; validators only)
//! <home>/config/node_key.json       this node's p2p identity key (mode 0600)
//! <home>/data/                      RocksDB
//! <home>/keys/                      client keystore (encrypted, see `bayledger keys`)
//! ```

use crate::config::NodeConfig;
use bayledger_genesis::Genesis;
pub use bayledger_system_contracts::{Committee, CommitteeMember};
use bayledger_system_contracts::{SystemConfig, with_system_contracts};
use bayledger_types::{Address, SecretKey};
use eyre::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Paths inside a home directory.
#[derive(Debug, Clone)]
pub struct Home(pub PathBuf);

impl Home {
    /// `BAYLEDGER_HOME`, else `~/.bayledger`.
    pub fn default_path() -> PathBuf {
        if let Some(h) = std::env::var_os("BAYLEDGER_HOME") {
            return PathBuf::from(h);
        }
        let base =
            std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
        base.join(".bayledger")
    }

    /// config.toml
    pub fn config(&self) -> PathBuf {
        self.0.join("config/config.toml")
    }
    /// genesis.json
    pub fn genesis(&self) -> PathBuf {
        self.0.join("config/genesis.json")
    }
    /// validator_key.json
    pub fn validator_key(&self) -> PathBuf {
        self.0.join("config/validator_key.json")
    }
    /// node_key.json
    pub fn node_key(&self) -> PathBuf {
        self.0.join("config/node_key.json")
    }
    /// Database directory.
    pub fn data(&self) -> PathBuf {
        self.0.join("data")
    }
    /// Client keystore directory.
    pub fn keys(&self) -> PathBuf {
        self.0.join("keys")
    }
}

/// On-disk form of a secp256k1 key: the validator key (like CometBFT's
/// priv_validator_key.json) or the node's p2p identity key.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    address: Address,
    pub_key: String,
    secret_key: String,
}

/// Writes a key file with mode 0600, atomically (temp file + rename).
pub fn write_key_file(path: &Path, key: &SecretKey) -> Result<()> {
    let file = KeyFile {
        address: key.address(),
        pub_key: format!("0x{}", hex::encode(key.public_key().to_compressed())),
        secret_key: format!("0x{}", hex::encode(key.to_bytes().as_slice())),
    };
    let json = serde_json::to_vec_pretty(&file)?;
    write_private(path, &json)
}

/// Reads a key file, checking the address matches the key.
pub fn read_key_file(path: &Path) -> Result<SecretKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading key file {}", path.display()))?;
    let file: KeyFile = serde_json::from_str(&text)
        .with_context(|| format!("parsing key file {}", path.display()))?;
    let secret =
        hex::decode(file.secret_key.trim_start_matches("0x")).context("secret_key is not hex")?;
    let key = SecretKey::from_bytes(&secret).context("secret_key is not a valid secp256k1 key")?;
    if key.address() != file.address {
        bail!(
            "key file {}: address {} does not match the key ({})",
            path.display(),
            file.address,
            key.address()
        );
    }
    Ok(key)
}

/// Writes `bytes` to `path` with mode 0600 via a synced temp file and rename.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let dir =
        path.parent().ok_or_else(|| eyre::eyre!("{} has no parent directory", path.display()))?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .with_context(|| format!("creating {}", tmp.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming into {}", path.display()))?;
    Ok(())
}

/// Creates a home with a fresh validator key and a single-validator genesis that carries the
/// system contracts (docs/domain-contracts.md); returns the key.
pub fn init_home(
    home: &Home,
    chain_id: &str,
    moniker: &str,
    block_time_ms: u64,
    force: bool,
) -> Result<SecretKey> {
    init_home_with_committee(home, chain_id, moniker, block_time_ms, force, None)
}

/// [`init_home`] with the genesis governance committee set to `committee` (default: the new
/// validator's address as the sole member, so a one-node chain governs itself;
/// docs/governance.md).
pub fn init_home_with_committee(
    home: &Home,
    chain_id: &str,
    moniker: &str,
    block_time_ms: u64,
    force: bool,
    committee: Option<Committee>,
) -> Result<SecretKey> {
    init_home_with(home, chain_id, moniker, block_time_ms, force, |key| {
        Ok(committee.unwrap_or_else(|| Committee::sole(key.address(), moniker)))
    })
}

/// [`init_home`] with the genesis committee chosen by `committee` from the new validator key.
pub fn init_home_with(
    home: &Home,
    chain_id: &str,
    moniker: &str,
    block_time_ms: u64,
    force: bool,
    committee: impl FnOnce(&SecretKey) -> Result<Committee>,
) -> Result<SecretKey> {
    if home.genesis().exists() && !force {
        bail!("{} already exists; use --force to overwrite", home.genesis().display());
    }
    let key = SecretKey::generate();
    // Refuse a committee the governance contract would refuse before writing anything.
    let committee = committee(&key)?;
    committee.validate()?;
    write_key_file(&home.validator_key(), &key)?;
    write_key_file(&home.node_key(), &SecretKey::generate())?;
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as u64;
    let mut genesis = Genesis::single_validator(chain_id, &key.public_key(), now);
    genesis.validators[0].name = moniker.to_string();
    genesis.params.block_time_ms = block_time_ms;
    let system = SystemConfig { network: chain_id.to_string(), committee };
    let genesis = with_system_contracts(genesis, &system)?;
    genesis.validate()?;
    genesis.save(home.genesis())?;
    let config = NodeConfig { moniker: moniker.to_string(), ..NodeConfig::default() };
    std::fs::write(home.config(), config.to_toml())?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_round_trip_with_private_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config/validator_key.json");
        let key = SecretKey::generate();
        write_key_file(&path, &key).expect("writes");
        assert_eq!(read_key_file(&path).expect("reads").address(), key.address());
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
