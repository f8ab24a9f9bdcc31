//! `bayledger contract`: check code locally, and upload, instantiate, call and
//! query contracts on a node.

use super::client_opts::{ClientOpts, KeyOpts, TxOpts, parse_address, parse_hash, read_file};
use super::output::{OutputFormat, data_json, hex0x, print_value, receipt_json};
use bayledger_sdk::{Address, Hash};
use clap::{Args, Subcommand};
use eyre::{Result, bail};
use serde_json::{Value, json};
use std::path::PathBuf;

/// `contract` subcommands.
#[derive(Debug, Subcommand)]
pub enum ContractCmd {
    /// Validate a WASM file exactly as the node does at upload (no node needed).
    Check(CheckArgs),
    /// Upload and instantiate a contract in one go.
    Deploy(DeployArgs),
    /// Upload WASM code; prints its code hash.
    Upload(UploadArgs),
    /// Create a contract from uploaded code; prints its address.
    Instantiate(InstantiateArgs),
    /// Call a contract (a signed transaction); prints the receipt.
    Call(CallArgs),
    /// Run a contract's read-only query; prints the returned data.
    Query(QueryArgs),
}

/// `contract check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The .wasm file.
    file: PathBuf,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value = "text")]
    output: OutputFormat,
}

/// `contract deploy`.
#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The .wasm file.
    file: PathBuf,
    /// Message for the contract's `instantiate` entry point.
    #[arg(long, value_name = "JSON", default_value = "{}")]
    init: String,
    /// Label of the instance [default: the file name without extension].
    #[arg(long)]
    label: Option<String>,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// `contract upload`.
#[derive(Debug, Args)]
pub struct UploadArgs {
    /// The .wasm file.
    file: PathBuf,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// `contract instantiate`.
#[derive(Debug, Args)]
pub struct InstantiateArgs {
    /// Code hash printed by `contract upload`.
    #[arg(value_parser = parse_hash)]
    code_hash: Hash,
    /// Message for the contract's `instantiate` entry point.
    #[arg(long, value_name = "JSON", default_value = "{}")]
    init: String,
    /// Label of the instance.
    #[arg(long, default_value = "")]
    label: String,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// `contract call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// Contract address.
    #[arg(value_parser = parse_address)]
    contract: Address,
    /// Message for the contract's `call` entry point.
    msg: String,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// `contract query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// Contract address.
    #[arg(value_parser = parse_address)]
    contract: Address,
    /// Message for the contract's `query` entry point.
    msg: String,
    /// Fuel budget (0: the node's default).
    #[arg(long, default_value_t = 0)]
    fuel: u64,
    #[command(flatten)]
    client: ClientOpts,
}

impl ContractCmd {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            ContractCmd::Check(a) => a.run(),
            ContractCmd::Deploy(a) => a.run().await,
            ContractCmd::Upload(a) => {
                let wasm = read_file(&a.file)?;
                let key = a.key.load()?;
                let client = a.tx.apply(a.client.connect().await?);
                let (code_hash, receipt) = client.upload_code(&key, wasm).await?;
                let v = json!({
                    "code_hash": hex0x(&code_hash.0),
                    "tx_hash": hex0x(&receipt.tx_hash),
                    "fuel_used": receipt.fuel_used,
                });
                print_value(&v, a.client.output);
                Ok(())
            }
            ContractCmd::Instantiate(a) => {
                let key = a.key.load()?;
                let client = a.tx.apply(a.client.connect().await?);
                let (address, receipt) =
                    client.instantiate(&key, a.code_hash, a.init.into_bytes(), &a.label).await?;
                let mut v = receipt_json(&receipt);
                v["contract_address"] = Value::String(address.to_string());
                print_value(&v, a.client.output);
                Ok(())
            }
            ContractCmd::Call(a) => {
                let key = a.key.load()?;
                let client = a.tx.apply(a.client.connect().await?);
                let receipt = client.call(&key, a.contract, a.msg.into_bytes()).await?;
                print_value(&receipt_json(&receipt), a.client.output);
                Ok(())
            }
            ContractCmd::Query(a) => {
                let client = a.client.connect().await?;
                let r = client.query_contract(&a.contract, a.msg.into_bytes(), a.fuel).await?;
                match a.client.output {
                    OutputFormat::Text => print_data(&r.data),
                    OutputFormat::Json => print_value(
                        &json!({ "data": data_json(&r.data), "fuel_used": r.fuel_used, "height": r.height }),
                        a.client.output,
                    ),
                }
                Ok(())
            }
        }
    }
}

impl CheckArgs {
    fn run(self) -> Result<()> {
        let wasm = read_file(&self.file)?;
        let info = match bayledger_vm::validate_code(&wasm, &bayledger_vm::CodeLimits::default()) {
            Ok(info) => info,
            Err(e) => bail!("{}: invalid contract code: {e}", self.file.display()),
        };
        match self.output {
            OutputFormat::Text => println!("ok: {} {} bytes", hex0x(&info.hash.0), info.size),
            OutputFormat::Json => print_value(
                &json!({
                    "ok": true,
                    "code_hash": hex0x(&info.hash.0),
                    "size": info.size,
                    "exports": {
                        "instantiate": info.exports.instantiate,
                        "query": info.exports.query,
                        "migrate": info.exports.migrate,
                    },
                    "imports": info.imports,
                }),
                self.output,
            ),
        }
        Ok(())
    }
}

impl DeployArgs {
    async fn run(self) -> Result<()> {
        let wasm = read_file(&self.file)?;
        let label = match self.label {
            Some(l) => l,
            None => {
                self.file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
            }
        };
        let key = self.key.load()?;
        let client = self.tx.apply(self.client.connect().await?);
        let text = self.client.output == OutputFormat::Text;
        if text {
            eprintln!("uploading {} ({} bytes)...", self.file.display(), wasm.len());
        }
        let (code_hash, upload) = client.upload_code(&key, wasm).await?;
        if text {
            eprintln!("instantiating {}...", hex0x(&code_hash.0));
        }
        let (address, inst) =
            client.instantiate(&key, code_hash, self.init.into_bytes(), &label).await?;
        let v = json!({
            "code_hash": hex0x(&code_hash.0),
            "contract_address": address.to_string(),
            "label": label,
            "upload_tx": hex0x(&upload.tx_hash),
            "upload_fuel_used": upload.fuel_used,
            "instantiate_tx": hex0x(&inst.tx_hash),
            "instantiate_fuel_used": inst.fuel_used,
        });
        print_value(&v, self.client.output);
        Ok(())
    }
}

/// Query data for people: pretty JSON if it is JSON, else UTF-8 text, else hex.
fn print_data(data: &[u8]) {
    match serde_json::from_slice::<Value>(data) {
        Ok(v) => print_value(&v, OutputFormat::Json),
        Err(_) => match std::str::from_utf8(data) {
            Ok(s) => println!("{s}"),
            Err(_) => println!("{}", hex0x(data)),
        },
    }
}
