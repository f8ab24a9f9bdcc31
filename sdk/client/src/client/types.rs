//! Typed results of the client's calls, converted from (and checked against)
//! the node's protobuf responses.
//!
//! Whatever the client can recompute it does: a block's hash, transaction root
//! and transaction hashes, a transaction's hash. A response that disagrees with
//! its own contents is an [`SdkError::BadResponse`], never silently accepted.

use crate::error::SdkError;
use bayledger_proto::node as api;
use bayledger_types::block::{self, SealedBlock};
use bayledger_types::{Address, Hash, pb};
use prost::Message;

/// `GetStatus`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeStatus {
    /// Chain id.
    pub chain_id: String,
    /// Node software version.
    pub node_version: String,
    /// Hash of the genesis file, when the node reports it.
    pub genesis_hash: Option<Hash>,
    /// Latest committed height (0 before the first block).
    pub latest_height: u64,
    /// Hash of the latest committed block.
    pub latest_block_hash: Option<Hash>,
    /// Its time, ms since the Unix epoch.
    pub latest_block_time_ms: u64,
    /// State root after the latest block.
    pub latest_state_root: Option<Hash>,
    /// This node's validator address, if it is a validator.
    pub validator_address: Option<Address>,
    /// Transactions waiting in the mempool.
    pub mempool_size: u32,
    /// Whether the node is still syncing.
    pub catching_up: bool,
}

impl TryFrom<api::GetStatusResponse> for NodeStatus {
    type Error = SdkError;
    fn try_from(r: api::GetStatusResponse) -> Result<NodeStatus, SdkError> {
        Ok(NodeStatus {
            genesis_hash: opt_hash("genesis_hash", &r.genesis_hash)?,
            latest_block_hash: opt_hash("latest_block_hash", &r.latest_block_hash)?,
            latest_state_root: opt_hash("latest_state_root", &r.latest_state_root)?,
            validator_address: opt_address("validator_address", &r.validator_address)?,
            chain_id: r.chain_id,
            node_version: r.node_version,
            latest_height: r.latest_height,
            latest_block_time_ms: r.latest_block_time_ms,
            mempool_size: r.mempool_size,
            catching_up: r.catching_up,
        })
    }
}

/// `GetAccount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountInfo {
    /// The account.
    pub address: Address,
    /// Its next nonce.
    pub nonce: u64,
    /// Height of the state read.
    pub height: u64,
}

/// `BroadcastTx`.
#[derive(Debug, Clone, PartialEq)]
pub struct BroadcastResult {
    /// Transaction hash (checked against the hash computed locally).
    pub tx_hash: Hash,
    /// The receipt, when the call waited and the transaction committed.
    pub receipt: Option<pb::Receipt>,
    /// Commit height (0 when not waited for).
    pub height: u64,
}

/// `GetTx`: a committed transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct TxRecord {
    /// Transaction hash (recomputed from the bytes).
    pub tx_hash: Hash,
    /// Exact `SignedTx` bytes.
    pub tx: Vec<u8>,
    /// Decoded body.
    pub body: pb::TxBody,
    /// Execution receipt.
    pub receipt: Option<pb::Receipt>,
    /// Block height.
    pub height: u64,
    /// Index within the block.
    pub index: u32,
    /// Sender.
    pub sender: Address,
}

impl TxRecord {
    pub(crate) fn from_response(
        requested: Hash,
        r: api::GetTxResponse,
    ) -> Result<TxRecord, SdkError> {
        let signed = pb::SignedTx::decode(r.tx.as_slice())
            .map_err(|e| SdkError::BadResponse(format!("transaction bytes do not decode: {e}")))?;
        let tx_hash = bayledger_types::tx::tx_hash(&signed.body);
        if tx_hash != requested {
            return Err(SdkError::BadResponse(format!(
                "asked for transaction {requested}, got {tx_hash}"
            )));
        }
        let body = pb::TxBody::decode(signed.body.as_slice())
            .map_err(|e| SdkError::BadResponse(format!("transaction body does not decode: {e}")))?;
        if r.body.as_ref().is_some_and(|b| *b != body) {
            return Err(SdkError::BadResponse(
                "body field disagrees with the transaction bytes".into(),
            ));
        }
        let sender = Address::from_slice(&body.sender)
            .map_err(|e| SdkError::BadResponse(format!("transaction sender: {e}")))?;
        if !r.sender.is_empty() && r.sender != body.sender {
            return Err(SdkError::BadResponse(
                "sender field disagrees with the transaction body".into(),
            ));
        }
        check_receipt_hash(r.receipt.as_ref(), &tx_hash)?;
        Ok(TxRecord {
            tx_hash,
            tx: r.tx,
            body,
            receipt: r.receipt,
            height: r.height,
            index: r.index,
            sender,
        })
    }
}

/// `GetBlock`: a block, checked for internal consistency.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockInfo {
    /// Block hash (recomputed from the header bytes).
    pub hash: Hash,
    /// The block, with exact header and transaction bytes.
    pub block: SealedBlock,
    /// Transaction hashes, in order (recomputed).
    pub tx_hashes: Vec<Hash>,
    /// The commit that finalised the block, when the node has it.
    pub commit: Option<pb::Commit>,
}

impl BlockInfo {
    pub(crate) fn from_response(r: api::GetBlockResponse) -> Result<BlockInfo, SdkError> {
        let block = SealedBlock::decode(&r.block)
            .map_err(|e| SdkError::BadResponse(format!("block does not decode: {e}")))?;
        let hash = block.hash();
        if r.block_hash != hash.0 {
            return Err(SdkError::BadResponse(format!(
                "node says block hash {}, header hashes to {hash}",
                hex::encode(&r.block_hash)
            )));
        }
        if r.header.as_ref().is_some_and(|h| *h != block.header.header) {
            return Err(SdkError::BadResponse(
                "header field disagrees with the block's header bytes".into(),
            ));
        }
        let tx_hashes = block.tx_hashes();
        if !r.tx_hashes.is_empty()
            && !r.tx_hashes.iter().map(Vec::as_slice).eq(tx_hashes.iter().map(|h| &h.0[..]))
        {
            return Err(SdkError::BadResponse(
                "tx_hashes disagree with the block's transactions".into(),
            ));
        }
        if let Some(c) = &r.commit
            && (c.height != block.height() || c.block_hash != hash.0)
        {
            return Err(SdkError::BadResponse(format!(
                "commit is for height {} block {}, not this block",
                c.height,
                hex::encode(&c.block_hash)
            )));
        }
        Ok(BlockInfo { hash, block, tx_hashes, commit: r.commit })
    }

    /// Height.
    pub fn height(&self) -> u64 {
        self.block.height()
    }

    /// The decoded header.
    pub fn header(&self) -> &pb::BlockHeader {
        &self.block.header.header
    }

    /// Checks that the commit carries valid signatures of more than two thirds
    /// of `validators`' power on this block.
    pub fn verify_commit(&self, validators: &pb::ValidatorSet) -> Result<(), SdkError> {
        let commit = self
            .commit
            .as_ref()
            .ok_or_else(|| SdkError::BadResponse("block has no commit".into()))?;
        block::verify_commit(commit, &self.header().chain_id, self.height(), &self.hash, validators)
            .map_err(|e| SdkError::BadResponse(format!("commit does not verify: {e}")))
    }
}

/// A committed piece of equivocation evidence (`ListEvidence`, `GetEvidence`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceInfo {
    /// Offence id (one per validator, kind, height, round and vote type).
    pub id: Hash,
    /// Height of the block that includes it.
    pub block_height: u64,
    /// Index in that block's evidence list.
    pub index: u32,
    /// `duplicate_vote` or `duplicate_proposal`.
    pub kind: String,
    /// The equivocating validator.
    pub validator: Address,
    /// Height of the conflicting messages.
    pub height: u64,
    /// Their round.
    pub round: u32,
    /// Exact `bayledger.consensus.v1.Evidence` bytes (verify them with
    /// `bayledger_consensus::verify_equivocation`).
    pub evidence: Vec<u8>,
}

impl EvidenceInfo {
    pub(crate) fn from_record(r: api::EvidenceRecord) -> Result<EvidenceInfo, SdkError> {
        let id = Hash::from_slice(&r.id)
            .ok_or_else(|| SdkError::BadResponse("evidence id is not 32 bytes".into()))?;
        let validator = Address::from_slice(&r.validator)
            .map_err(|_| SdkError::BadResponse("evidence validator is not 20 bytes".into()))?;
        Ok(EvidenceInfo {
            id,
            block_height: r.block_height,
            index: r.index,
            kind: r.kind,
            validator,
            height: r.height,
            round: r.round,
            evidence: r.evidence,
        })
    }
}

/// `QueryContract`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryResult {
    /// Data returned by the contract's `query` entry point.
    pub data: Vec<u8>,
    /// Fuel burned.
    pub fuel_used: u64,
    /// Height of the state queried.
    pub height: u64,
}

pub(crate) fn check_receipt_hash(
    receipt: Option<&pb::Receipt>,
    tx_hash: &Hash,
) -> Result<(), SdkError> {
    match receipt {
        Some(r) if !r.tx_hash.is_empty() && r.tx_hash != tx_hash.0 => Err(SdkError::BadResponse(
            format!("receipt is for transaction {}, not {tx_hash}", hex::encode(&r.tx_hash)),
        )),
        _ => Ok(()),
    }
}

pub(crate) fn opt_hash(field: &str, bytes: &[u8]) -> Result<Option<Hash>, SdkError> {
    if bytes.is_empty() {
        return Ok(None);
    }
    Hash::from_slice(bytes).map(Some).ok_or_else(|| {
        SdkError::BadResponse(format!("{field} must be 32 bytes, got {}", bytes.len()))
    })
}

pub(crate) fn opt_address(field: &str, bytes: &[u8]) -> Result<Option<Address>, SdkError> {
    if bytes.is_empty() {
        return Ok(None);
    }
    Address::from_slice(bytes).map(Some).map_err(|e| SdkError::BadResponse(format!("{field}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_types::block::{SealedHeader, sign_vote, tx_root_of};
    use bayledger_types::{SecretKey, tx};

    fn signed_tx(nonce: u64) -> Vec<u8> {
        let k = SecretKey::from_bytes(&[1; 32]).expect("key");
        let body =
            crate::TxBuilder::new("c", k.address(), nonce).call(Address([2; 20]), b"m".to_vec());
        tx::sign(&body, &k)
    }

    fn block_response(txs: Vec<Vec<u8>>) -> (api::GetBlockResponse, SecretKey) {
        let header = pb::BlockHeader {
            chain_id: "c".into(),
            height: 5,
            tx_root: tx_root_of(&txs).0.to_vec(),
            tx_count: txs.len() as u32,
            ..Default::default()
        };
        let block = SealedBlock { header: SealedHeader::seal(header), txs, evidence: vec![] };
        let v = SecretKey::from_bytes(&[7; 32]).expect("key");
        let commit = pb::Commit {
            height: 5,
            round: 0,
            block_hash: block.hash().0.to_vec(),
            signatures: vec![sign_vote(&v, "c", 5, 0, &block.hash())],
        };
        let resp = api::GetBlockResponse {
            block_hash: block.hash().0.to_vec(),
            header: Some(block.header.header.clone()),
            block: block.encode(),
            commit: Some(commit),
            tx_hashes: block.tx_hashes().iter().map(|h| h.0.to_vec()).collect(),
        };
        (resp, v)
    }

    #[test]
    fn consistent_block_is_accepted_and_its_commit_verifies() {
        let (resp, v) = block_response(vec![signed_tx(0), signed_tx(1)]);
        let info = BlockInfo::from_response(resp).expect("consistent");
        assert_eq!(info.height(), 5);
        assert_eq!(info.tx_hashes.len(), 2);
        let set = pb::ValidatorSet {
            validators: vec![pb::Validator {
                address: v.address().0.to_vec(),
                pub_key: v.public_key().to_compressed().to_vec(),
                power: 1,
                name: String::new(),
            }],
        };
        info.verify_commit(&set).expect("commit verifies");
        let other = SecretKey::from_bytes(&[8; 32]).expect("key");
        let wrong_set = pb::ValidatorSet {
            validators: vec![pb::Validator {
                address: other.address().0.to_vec(),
                pub_key: other.public_key().to_compressed().to_vec(),
                power: 1,
                name: String::new(),
            }],
        };
        assert!(matches!(info.verify_commit(&wrong_set), Err(SdkError::BadResponse(_))));
    }

    #[test]
    fn inconsistent_block_responses_are_refused() {
        let (good, _) = block_response(vec![signed_tx(0)]);
        let mut r = good.clone();
        r.block_hash = vec![0; 32];
        assert!(matches!(BlockInfo::from_response(r), Err(SdkError::BadResponse(_))));
        let mut r = good.clone();
        r.tx_hashes = vec![vec![1; 32]];
        assert!(matches!(BlockInfo::from_response(r), Err(SdkError::BadResponse(_))));
        let mut r = good.clone();
        r.header.as_mut().expect("header").height = 6;
        assert!(matches!(BlockInfo::from_response(r), Err(SdkError::BadResponse(_))));
        let mut r = good.clone();
        r.commit.as_mut().expect("commit").height = 4;
        assert!(matches!(BlockInfo::from_response(r), Err(SdkError::BadResponse(_))));
        let mut r = good;
        r.block = vec![];
        assert!(matches!(BlockInfo::from_response(r), Err(SdkError::BadResponse(_))));
    }

    #[test]
    fn tx_record_is_checked_against_the_requested_hash() {
        let bytes = signed_tx(3);
        let hash = bayledger_types::block::signed_tx_hash(&bytes);
        let resp =
            api::GetTxResponse { tx: bytes.clone(), height: 9, index: 1, ..Default::default() };
        let rec = TxRecord::from_response(hash, resp.clone()).expect("ok");
        assert_eq!((rec.body.nonce, rec.height, rec.index), (3, 9, 1));
        assert!(matches!(
            TxRecord::from_response(Hash([1; 32]), resp.clone()),
            Err(SdkError::BadResponse(_))
        ));
        let bad_receipt = api::GetTxResponse {
            receipt: Some(pb::Receipt { tx_hash: vec![5; 32], ..Default::default() }),
            ..resp
        };
        assert!(matches!(
            TxRecord::from_response(hash, bad_receipt),
            Err(SdkError::BadResponse(_))
        ));
    }

    #[test]
    fn status_with_empty_optional_fields_and_bad_lengths() {
        let s = NodeStatus::try_from(api::GetStatusResponse {
            chain_id: "c".into(),
            ..Default::default()
        })
        .expect("empty optional fields are fine");
        assert_eq!((s.latest_block_hash, s.validator_address), (None, None));
        let bad = api::GetStatusResponse { latest_block_hash: vec![1; 31], ..Default::default() };
        assert!(matches!(NodeStatus::try_from(bad), Err(SdkError::BadResponse(_))));
    }
}
