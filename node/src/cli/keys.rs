//! `bayledger keys`: create, list, show, import and export encrypted account
//! keys (Web3 Secret Storage v3 files in the keystore directory).

use super::client_opts::{KeystoreOpts, new_passphrase, passphrase, prompt_hidden};
use super::output::{OutputFormat, hex0x, print_value};
use bayledger_sdk::Zeroizing;
use bayledger_sdk::keystore::KeyInfo;
use clap::{Args, Subcommand};
use eyre::{Result, WrapErr, bail};
use serde_json::{Value, json};
use std::io::{IsTerminal, Read};

/// `keys` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeysCmd {
    /// Create a new random key.
    New(NewArgs),
    /// List the keys in the keystore.
    List(Common),
    /// Show a key's address and public key (never the secret).
    Show(NameArgs),
    /// Import a secret key (64 hex digits) under a new name.
    Import(ImportArgs),
    /// Print a key's unencrypted secret key as hex.
    Export(NameArgs),
}

/// Options of every `keys` subcommand.
#[derive(Debug, Args)]
pub struct Common {
    #[command(flatten)]
    keystore: KeystoreOpts,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value = "text")]
    output: OutputFormat,
}

/// `keys new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// Key name (1-64 of A-Z a-z 0-9 _ -).
    name: String,
    /// scrypt cost of the key file: n = 2^N.
    #[arg(long, value_name = "N", default_value_t = 15, value_parser = clap::value_parser!(u8).range(13..=18))]
    scrypt_log_n: u8,
    #[command(flatten)]
    common: Common,
}

/// `keys show` and `keys export`.
#[derive(Debug, Args)]
pub struct NameArgs {
    /// Key name.
    name: String,
    #[command(flatten)]
    common: Common,
}

/// `keys import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Key name (1-64 of A-Z a-z 0-9 _ -).
    name: String,
    /// The secret key as hex; if omitted it is read from stdin (or prompted for).
    #[arg(long, value_name = "HEX")]
    secret_hex: Option<String>,
    /// scrypt cost of the key file: n = 2^N.
    #[arg(long, value_name = "N", default_value_t = 15, value_parser = clap::value_parser!(u8).range(13..=18))]
    scrypt_log_n: u8,
    #[command(flatten)]
    common: Common,
}

impl KeysCmd {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            KeysCmd::New(a) => {
                let ks = a.common.keystore.open()?.with_scrypt_log_n(a.scrypt_log_n)?;
                if ks.contains(&a.name) {
                    bail!("a key named {:?} already exists in {}", a.name, ks.dir().display());
                }
                let pass = new_passphrase()?;
                let info = ks.generate(&a.name, &pass)?;
                print_value(&key_json(&info), a.common.output);
            }
            KeysCmd::List(c) => {
                let ks = c.keystore.open()?;
                let keys = ks.list()?;
                match c.output {
                    OutputFormat::Json => {
                        print_value(&Value::Array(keys.iter().map(key_json).collect()), c.output)
                    }
                    OutputFormat::Text if keys.is_empty() => {
                        println!("no keys in {}", ks.dir().display())
                    }
                    OutputFormat::Text => {
                        let width = keys.iter().map(|k| k.name.len()).max().unwrap_or(0);
                        for k in &keys {
                            println!("{:width$}  {}", k.name, k.address);
                        }
                    }
                }
            }
            KeysCmd::Show(a) => {
                let ks = a.common.keystore.open()?;
                let mut info = ks.info(&a.name)?;
                if info.public_key.is_none() {
                    // Older or foreign files record only the address.
                    let pass = passphrase(&format!("Passphrase for key {:?}: ", a.name))?;
                    info.public_key = Some(ks.load(&a.name, &pass)?.public_key());
                }
                print_value(&key_json(&info), a.common.output);
            }
            KeysCmd::Import(a) => {
                let ks = a.common.keystore.open()?.with_scrypt_log_n(a.scrypt_log_n)?;
                if ks.contains(&a.name) {
                    bail!("a key named {:?} already exists in {}", a.name, ks.dir().display());
                }
                let secret = match a.secret_hex {
                    Some(s) => {
                        eprintln!(
                            "warning: a secret given on the command line can be seen in process lists and shell history; prefer stdin"
                        );
                        Zeroizing::new(s)
                    }
                    None => read_secret()?,
                };
                let pass = new_passphrase()?;
                let info = ks.import(&a.name, &secret, &pass)?;
                print_value(&key_json(&info), a.common.output);
            }
            KeysCmd::Export(a) => {
                let ks = a.common.keystore.open()?;
                let info = ks.info(&a.name)?;
                let pass = passphrase(&format!("Passphrase for key {:?}: ", a.name))?;
                let secret = ks.export(&a.name, &pass)?;
                eprintln!(
                    "WARNING: this is the unencrypted secret key of {}. Anyone who sees it controls the account.",
                    info.address
                );
                match a.common.output {
                    OutputFormat::Text => println!("{}", secret.as_str()),
                    OutputFormat::Json => print_value(
                        &json!({ "name": info.name, "address": info.address.to_string(), "secret_hex": secret.as_str() }),
                        a.common.output,
                    ),
                }
            }
        }
        Ok(())
    }
}

fn key_json(k: &KeyInfo) -> Value {
    json!({
        "name": k.name,
        "address": k.address.to_string(),
        "public_key": k.public_key.map(|p| hex0x(&p.to_compressed())),
    })
}

/// The secret to import: prompted for on a terminal, else the whole of stdin.
fn read_secret() -> Result<Zeroizing<String>> {
    if std::io::stdin().is_terminal() {
        return prompt_hidden("Secret key (hex): ");
    }
    let mut s = Zeroizing::new(String::new());
    std::io::stdin().read_to_string(&mut s).wrap_err("cannot read the secret key from stdin")?;
    if s.trim().is_empty() {
        bail!("no secret key on stdin (pipe it in, or use --secret-hex)");
    }
    Ok(s)
}
