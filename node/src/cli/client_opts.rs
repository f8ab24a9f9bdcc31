//! Options shared by the client commands: which node to talk to, the output
//! format, the keystore and signing key, transaction limits, and how the
//! keystore passphrase is obtained.

use super::output::OutputFormat;
use crate::home::Home;
use bayledger_sdk::client::Client;
use bayledger_sdk::keystore::Keystore;
use bayledger_sdk::{SecretKey, Zeroizing};
use clap::Args;
use eyre::{Result, WrapErr, bail, eyre};
use std::path::PathBuf;
use std::time::Duration;

/// Environment variable holding the keystore passphrase (for scripts and CI).
pub const PASSPHRASE_ENV: &str = "BAYLEDGER_PASSPHRASE";

/// The node and the output format.
#[derive(Debug, Clone, Args)]
pub struct ClientOpts {
    /// Node gRPC URL.
    #[arg(long, env = "BAYLEDGER_NODE", default_value = "http://127.0.0.1:9090")]
    pub node: String,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value = "text")]
    pub output: OutputFormat,
}

impl ClientOpts {
    /// Connects to the node.
    pub async fn connect(&self) -> Result<Client> {
        Ok(Client::connect(&self.node).await?)
    }
}

/// Where the keystore is.
#[derive(Debug, Clone, Args)]
pub struct KeystoreOpts {
    /// Keystore directory [default: $BAYLEDGER_HOME/keys, else ~/.bayledger/keys].
    #[arg(long, env = "BAYLEDGER_KEYSTORE", value_name = "DIR")]
    pub keystore: Option<PathBuf>,
}

impl KeystoreOpts {
    /// The keystore directory.
    pub fn dir(&self) -> PathBuf {
        self.keystore.clone().unwrap_or_else(|| Home(Home::default_path()).keys())
    }

    /// Opens (creating if needed) the keystore.
    pub fn open(&self) -> Result<Keystore> {
        Ok(Keystore::open(self.dir())?)
    }
}

/// The signing key of a transaction.
#[derive(Debug, Clone, Args)]
pub struct KeyOpts {
    /// Name of the signing key in the keystore.
    #[arg(long, value_name = "NAME")]
    pub from: String,
    #[command(flatten)]
    pub keystore: KeystoreOpts,
}

impl KeyOpts {
    /// Decrypts the `--from` key (passphrase from the environment or a prompt).
    pub fn load(&self) -> Result<SecretKey> {
        let ks = self.keystore.open()?;
        // Fail on a missing key before asking for a passphrase.
        ks.info(&self.from)?;
        let pass = passphrase(&format!("Passphrase for key {:?}: ", self.from))?;
        Ok(ks.load(&self.from, &pass)?)
    }
}

/// Limits of the transactions a command sends.
#[derive(Debug, Clone, Args)]
pub struct TxOpts {
    /// Fuel limit of each transaction.
    #[arg(long, default_value_t = bayledger_sdk::tx::DEFAULT_FUEL_LIMIT)]
    pub fuel: u64,
    /// Seconds to wait for each transaction to commit.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub wait: u64,
}

impl TxOpts {
    /// Applies the limits to a client's transaction helpers.
    pub fn apply(&self, client: Client) -> Client {
        client.with_fuel_limit(self.fuel).with_commit_timeout(Duration::from_secs(self.wait))
    }
}

/// The passphrase of an existing key: `$BAYLEDGER_PASSPHRASE`, else a hidden
/// prompt on the terminal.
pub fn passphrase(prompt: &str) -> Result<Zeroizing<String>> {
    if let Some(p) = passphrase_from_env()? {
        return Ok(p);
    }
    prompt_hidden(prompt)
}

/// A passphrase for a new key: `$BAYLEDGER_PASSPHRASE`, else prompted twice.
/// Must not be empty.
pub fn new_passphrase() -> Result<Zeroizing<String>> {
    let pass = match passphrase_from_env()? {
        Some(p) => p,
        None => {
            let first = prompt_hidden("New passphrase: ")?;
            let second = prompt_hidden("Repeat passphrase: ")?;
            if *first != *second {
                bail!("passphrases do not match");
            }
            first
        }
    };
    if pass.is_empty() {
        bail!("the passphrase must not be empty");
    }
    Ok(pass)
}

fn passphrase_from_env() -> Result<Option<Zeroizing<String>>> {
    match std::env::var(PASSPHRASE_ENV) {
        Ok(p) => Ok(Some(Zeroizing::new(p))),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(eyre!("{PASSPHRASE_ENV} is not valid UTF-8")),
    }
}

/// Reads a line from the terminal without echo.
pub fn prompt_hidden(prompt: &str) -> Result<Zeroizing<String>> {
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .map_err(|e| eyre!("set {PASSPHRASE_ENV} or run in a terminal ({e})"))
}

/// Reads a file, naming it in the error.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).wrap_err_with(|| format!("cannot read {}", path.display()))
}

/// Parses a 32-byte hash given as 64 hex digits (optional `0x`).
pub fn parse_hash(s: &str) -> std::result::Result<bayledger_sdk::Hash, String> {
    bayledger_sdk::Hash::from_hex(s)
        .ok_or_else(|| format!("{s:?} is not a 32-byte hash (64 hex digits)"))
}

/// Parses an address given as `0x` + 40 hex digits.
pub fn parse_address(s: &str) -> std::result::Result<bayledger_sdk::Address, String> {
    s.parse().map_err(|e| format!("{s:?}: {e}"))
}
