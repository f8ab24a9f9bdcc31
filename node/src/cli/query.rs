//! `bayledger query`: blocks, transactions, accounts and contracts.

use super::client_opts::{ClientOpts, parse_address, parse_hash};
use super::output::{data_text, hex0x, opt_hex, print_value, receipt_json, time_text};
use bayledger_sdk::{Address, BlockInfo, EvidenceInfo, Hash, TxRecord, pb};
use clap::{Args, Subcommand};
use eyre::Result;
use pb::action::Kind;
use serde_json::{Value, json};

/// `query` subcommands.
#[derive(Debug, Subcommand)]
pub enum QueryCmd {
    /// A block by height (default: the latest) or by hash: header, transactions, commit.
    Block(BlockArgs),
    /// A committed transaction and its receipt.
    Tx(TxArgs),
    /// An account's next nonce.
    Account(AddressArgs),
    /// A contract's metadata (code hash, creator, label).
    Contract(AddressArgs),
    /// Committed equivocation evidence: in a block height range, or one by offence id.
    Evidence(EvidenceArgs),
}

/// `query evidence`.
#[derive(Debug, Args)]
pub struct EvidenceArgs {
    /// First block height (default 1).
    #[arg(long, default_value_t = 1, conflicts_with = "id")]
    from: u64,
    /// Last block height (default: the latest; at most 10,000 blocks per call).
    #[arg(long, default_value_t = 0, conflicts_with = "id")]
    to: u64,
    /// One piece of evidence by offence id instead of a range.
    #[arg(long, value_parser = parse_hash)]
    id: Option<Hash>,
    #[command(flatten)]
    client: ClientOpts,
}

/// `query block`.
#[derive(Debug, Args)]
pub struct BlockArgs {
    /// Block height (0 or omitted: the latest block).
    #[arg(conflicts_with = "hash")]
    height: Option<u64>,
    /// Block hash instead of a height.
    #[arg(long, value_parser = parse_hash)]
    hash: Option<Hash>,
    #[command(flatten)]
    client: ClientOpts,
}

/// `query tx`.
#[derive(Debug, Args)]
pub struct TxArgs {
    /// Transaction hash.
    #[arg(value_parser = parse_hash)]
    hash: Hash,
    #[command(flatten)]
    client: ClientOpts,
}

/// `query account` and `query contract`.
#[derive(Debug, Args)]
pub struct AddressArgs {
    /// Address (0x + 40 hex digits).
    #[arg(value_parser = parse_address)]
    address: Address,
    #[command(flatten)]
    client: ClientOpts,
}

impl QueryCmd {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            QueryCmd::Block(a) => {
                let client = a.client.connect().await?;
                let block = match a.hash {
                    Some(h) => client.block_by_hash(&h).await?,
                    None => client.block_by_height(a.height.unwrap_or(0)).await?,
                };
                print_value(&block_json(&block), a.client.output);
            }
            QueryCmd::Tx(a) => {
                let rec = a.client.connect().await?.get_tx(&a.hash).await?;
                print_value(&tx_json(&rec), a.client.output);
            }
            QueryCmd::Account(a) => {
                let acct = a.client.connect().await?.account(&a.address).await?;
                let v = json!({ "address": acct.address.to_string(), "nonce": acct.nonce, "height": acct.height });
                print_value(&v, a.client.output);
            }
            QueryCmd::Contract(a) => {
                let info = a.client.connect().await?.contract_info(&a.address).await?;
                let v = json!({
                    "address": a.address.to_string(),
                    "code_hash": hex0x(&info.code_hash),
                    "creator": opt_hex(&info.creator),
                    "admin": opt_hex(&info.admin),
                    "label": info.label,
                    "created_height": info.created_height,
                });
                print_value(&v, a.client.output);
            }
            QueryCmd::Evidence(a) => {
                let client = a.client.connect().await?;
                let v = match a.id {
                    Some(id) => evidence_json(&client.get_evidence(&id).await?),
                    None => {
                        let list = client.list_evidence(a.from, a.to).await?;
                        Value::Array(list.iter().map(evidence_json).collect())
                    }
                };
                print_value(&v, a.client.output);
            }
        }
        Ok(())
    }
}

/// A committed piece of evidence.
pub fn evidence_json(e: &EvidenceInfo) -> Value {
    json!({
        "id": hex0x(&e.id.0),
        "block_height": e.block_height,
        "index": e.index,
        "kind": e.kind,
        "validator": e.validator.to_string(),
        "height": e.height,
        "round": e.round,
        "evidence": hex0x(&e.evidence),
    })
}

/// Header fields, transaction hashes and commit signatures.
pub fn block_json(b: &BlockInfo) -> Value {
    let h = b.header();
    json!({
        "height": h.height,
        "hash": hex0x(&b.hash.0),
        "chain_id": h.chain_id,
        "time": time_text(h.time_ms),
        "time_ms": h.time_ms,
        "parent_hash": hex0x(&h.parent_hash),
        "proposer": opt_hex(&h.proposer),
        "tx_count": h.tx_count,
        "tx_root": hex0x(&h.tx_root),
        "receipts_root": hex0x(&h.receipts_root),
        "state_root": hex0x(&h.state_root),
        "validator_set_hash": hex0x(&h.validator_set_hash),
        "evidence_root": opt_hex(&h.evidence_root),
        "txs": b.tx_hashes.iter().map(|t| hex0x(&t.0)).collect::<Vec<_>>(),
        "last_commit": h.last_commit.as_ref().map(commit_json),
        "commit": b.commit.as_ref().map(commit_json),
    })
}

fn commit_json(c: &pb::Commit) -> Value {
    json!({
        "height": c.height,
        "round": c.round,
        "block_hash": hex0x(&c.block_hash),
        "signatures": c.signatures.iter()
            .map(|s| json!({ "validator": hex0x(&s.validator), "signature": hex0x(&s.signature) }))
            .collect::<Vec<_>>(),
    })
}

/// Body fields, the action and the receipt.
pub fn tx_json(r: &TxRecord) -> Value {
    json!({
        "hash": hex0x(&r.tx_hash.0),
        "height": r.height,
        "index": r.index,
        "sender": r.sender.to_string(),
        "chain_id": r.body.chain_id,
        "nonce": r.body.nonce,
        "fuel_limit": r.body.fuel_limit,
        "expiry_height": r.body.expiry_height,
        "action": action_json(r.body.action.as_ref().and_then(|a| a.kind.as_ref())),
        "receipt": r.receipt.as_ref().map(receipt_json),
    })
}

fn action_json(kind: Option<&Kind>) -> Value {
    match kind {
        None => Value::Null,
        Some(Kind::UploadCode(u)) => json!({
            "type": "upload_code",
            "wasm_bytes": u.wasm.len(),
            "code_hash": hex0x(&Hash::sha3(&u.wasm).0),
        }),
        Some(Kind::Instantiate(i)) => json!({
            "type": "instantiate",
            "code_hash": hex0x(&i.code_hash),
            "init_msg": data_text(&i.init_msg),
            "label": i.label,
        }),
        Some(Kind::Call(c)) => json!({
            "type": "call",
            "contract": hex0x(&c.contract),
            "msg": data_text(&c.msg),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_sdk::SecretKey;

    #[test]
    fn tx_json_shows_body_action_and_receipt() {
        let k = SecretKey::from_bytes(&[1; 32]).expect("key");
        let body = bayledger_sdk::TxBuilder::new("bay-1", k.address(), 2)
            .call(Address([9; 20]), b"{\"x\":1}".to_vec());
        let rec = TxRecord {
            tx_hash: Hash([4; 32]),
            tx: vec![],
            body,
            receipt: Some(pb::Receipt {
                status: pb::ExecStatus::Ok as i32,
                fuel_used: 77,
                ..Default::default()
            }),
            height: 3,
            index: 0,
            sender: k.address(),
        };
        let v = tx_json(&rec);
        assert_eq!(v["nonce"], 2);
        assert_eq!(v["action"]["type"], "call");
        assert_eq!(v["action"]["contract"], format!("0x{}", "09".repeat(20)));
        assert_eq!(v["action"]["msg"], "{\"x\":1}");
        assert_eq!(v["receipt"]["status"], "OK");
        assert_eq!(v["receipt"]["fuel_used"], 77);
    }
}
