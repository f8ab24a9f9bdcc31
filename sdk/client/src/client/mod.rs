//! A gRPC client for one Bayledger node.
//!
//! [`Client`] wraps the node's four services over one HTTP/2 channel. The
//! low-level calls map one to one onto RPCs; the helpers in [`submit`] build,
//! sign, broadcast and wait for a transaction in one call.

mod submit;
mod types;

pub use submit::ensure_ok;
pub use types::{
    AccountInfo, BlockInfo, BroadcastResult, EvidenceInfo, NodeStatus, QueryResult, TxRecord,
};

use crate::error::SdkError;
use bayledger_proto::node::{
    self as api, block_service_client::BlockServiceClient, get_block_request::By,
    node_service_client::NodeServiceClient, state_service_client::StateServiceClient,
    tx_service_client::TxServiceClient,
};
use bayledger_types::{Address, Hash, pb};
use prost::Message;
use std::time::Duration;
use tonic::transport::{Channel, Endpoint};

/// Largest gRPC message sent or accepted (blocks and code uploads can be large).
pub const MAX_MESSAGE_BYTES: usize = 16 << 20;
/// How long a unary call may take (broadcasts that wait get their own deadline).
pub const DEFAULT_RPC_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the helpers wait for a transaction to commit.
pub const DEFAULT_COMMIT_TIMEOUT: Duration = Duration::from_secs(60);
/// How many blocks after the current height the helpers' transactions stay valid.
pub const DEFAULT_EXPIRY_BLOCKS: u64 = 100;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Extra client-side deadline beyond the commit timeout given to the node.
const WAIT_MARGIN: Duration = Duration::from_secs(10);

/// A connection to a node.
#[derive(Debug, Clone)]
pub struct Client {
    url: String,
    node: NodeServiceClient<Channel>,
    tx: TxServiceClient<Channel>,
    block: BlockServiceClient<Channel>,
    state: StateServiceClient<Channel>,
    channel: Channel,
    fuel_limit: u64,
    commit_timeout: Duration,
    expiry_blocks: u64,
}

impl Client {
    /// Connects to `url` (`http://host:port`; a bare `host:port` means http).
    pub async fn connect(url: &str) -> Result<Client, SdkError> {
        let url = if url.contains("://") { url.to_string() } else { format!("http://{url}") };
        if !url.starts_with("http://") {
            return Err(SdkError::InvalidUrl { url, reason: "only http:// is supported".into() });
        }
        let endpoint = Endpoint::from_shared(url.clone())
            .map_err(|e| SdkError::InvalidUrl { url: url.clone(), reason: error_chain(&e) })?
            .connect_timeout(CONNECT_TIMEOUT);
        let channel = endpoint
            .connect()
            .await
            .map_err(|e| SdkError::Connect { url: url.clone(), reason: error_chain(&e) })?;
        Ok(Client {
            node: NodeServiceClient::new(channel.clone())
                .max_decoding_message_size(MAX_MESSAGE_BYTES)
                .max_encoding_message_size(MAX_MESSAGE_BYTES),
            tx: TxServiceClient::new(channel.clone())
                .max_decoding_message_size(MAX_MESSAGE_BYTES)
                .max_encoding_message_size(MAX_MESSAGE_BYTES),
            block: BlockServiceClient::new(channel.clone())
                .max_decoding_message_size(MAX_MESSAGE_BYTES)
                .max_encoding_message_size(MAX_MESSAGE_BYTES),
            state: StateServiceClient::new(channel.clone())
                .max_decoding_message_size(MAX_MESSAGE_BYTES)
                .max_encoding_message_size(MAX_MESSAGE_BYTES),
            channel,
            url,
            fuel_limit: crate::tx::DEFAULT_FUEL_LIMIT,
            commit_timeout: DEFAULT_COMMIT_TIMEOUT,
            expiry_blocks: DEFAULT_EXPIRY_BLOCKS,
        })
    }

    /// The node URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The HTTP/2 channel to the node (for other services' clients, e.g. the light client's).
    pub fn channel(&self) -> Channel {
        self.channel.clone()
    }

    /// Fuel limit of the helpers' transactions (default 5,000,000).
    pub fn with_fuel_limit(mut self, fuel_limit: u64) -> Client {
        self.fuel_limit = fuel_limit;
        self
    }

    /// How long the helpers wait for a commit (default 60 s).
    pub fn with_commit_timeout(mut self, timeout: Duration) -> Client {
        self.commit_timeout = timeout;
        self
    }

    /// How many blocks the helpers' transactions stay valid (default 100).
    pub fn with_expiry_blocks(mut self, blocks: u64) -> Client {
        self.expiry_blocks = blocks;
        self
    }

    /// Node identity, chain and sync status.
    pub async fn status(&self) -> Result<NodeStatus, SdkError> {
        let r = self.node.clone().get_status(unary(api::GetStatusRequest {})).await?.into_inner();
        NodeStatus::try_from(r)
    }

    /// An account's next nonce and the height it was read at.
    pub async fn account(&self, address: &Address) -> Result<AccountInfo, SdkError> {
        let req = api::GetAccountRequest { address: address.0.to_vec(), height: 0 };
        let r = self.state.clone().get_account(unary(req)).await?.into_inner();
        if !r.address.is_empty() && r.address != address.0 {
            return Err(SdkError::BadResponse(format!(
                "asked for account {address}, got {}",
                hex::encode(&r.address)
            )));
        }
        Ok(AccountInfo { address: *address, nonce: r.nonce, height: r.height })
    }

    /// An account's next nonce.
    pub async fn account_nonce(&self, address: &Address) -> Result<u64, SdkError> {
        Ok(self.account(address).await?.nonce)
    }

    /// Submits exact `SignedTx` bytes. With `wait`, returns once the
    /// transaction is committed (or the node gives up after `timeout`).
    pub async fn broadcast(
        &self,
        tx: Vec<u8>,
        wait: bool,
        timeout: Duration,
    ) -> Result<BroadcastResult, SdkError> {
        let signed = pb::SignedTx::decode(tx.as_slice())
            .map_err(|e| SdkError::Invalid(format!("not a SignedTx: {e}")))?;
        let local_hash = bayledger_types::tx::tx_hash(&signed.body);
        let timeout_ms =
            if wait { u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX) } else { 0 };
        let mut req =
            tonic::Request::new(api::BroadcastTxRequest { tx, wait_for_commit: wait, timeout_ms });
        req.set_timeout(if wait {
            timeout.saturating_add(WAIT_MARGIN)
        } else {
            DEFAULT_RPC_TIMEOUT
        });
        let r = self.tx.clone().broadcast_tx(req).await?.into_inner();
        if r.tx_hash != local_hash.0 {
            return Err(SdkError::BadResponse(format!(
                "node reports transaction hash {}, expected {local_hash}",
                hex::encode(&r.tx_hash)
            )));
        }
        types::check_receipt_hash(r.receipt.as_ref(), &local_hash)?;
        Ok(BroadcastResult { tx_hash: local_hash, receipt: r.receipt, height: r.height })
    }

    /// A committed transaction and its receipt.
    pub async fn get_tx(&self, hash: &Hash) -> Result<TxRecord, SdkError> {
        let req = api::GetTxRequest { tx_hash: hash.0.to_vec() };
        let r = self.tx.clone().get_tx(unary(req)).await?.into_inner();
        TxRecord::from_response(*hash, r)
    }

    /// The block at `height` (0 = the latest).
    pub async fn block_by_height(&self, height: u64) -> Result<BlockInfo, SdkError> {
        let info = self.get_block(By::Height(height)).await?;
        if height != 0 && info.height() != height {
            return Err(SdkError::BadResponse(format!(
                "asked for block {height}, got block {}",
                info.height()
            )));
        }
        Ok(info)
    }

    /// The block with hash `hash`.
    pub async fn block_by_hash(&self, hash: &Hash) -> Result<BlockInfo, SdkError> {
        let info = self.get_block(By::Hash(hash.0.to_vec())).await?;
        if info.hash != *hash {
            return Err(SdkError::BadResponse(format!(
                "asked for block {hash}, got block {}",
                info.hash
            )));
        }
        Ok(info)
    }

    async fn get_block(&self, by: By) -> Result<BlockInfo, SdkError> {
        let r = self
            .block
            .clone()
            .get_block(unary(api::GetBlockRequest { by: Some(by) }))
            .await?
            .into_inner();
        BlockInfo::from_response(r)
    }

    /// Equivocation evidence committed in blocks `from_height..=to_height`
    /// (0 = the latest; at most 10,000 blocks per call), in block order.
    pub async fn list_evidence(
        &self,
        from_height: u64,
        to_height: u64,
    ) -> Result<Vec<EvidenceInfo>, SdkError> {
        let req = api::ListEvidenceRequest { from_height, to_height };
        let r = self.block.clone().list_evidence(unary(req)).await?.into_inner();
        r.evidence.into_iter().map(EvidenceInfo::from_record).collect()
    }

    /// One committed piece of evidence by offence id.
    pub async fn get_evidence(&self, id: &Hash) -> Result<EvidenceInfo, SdkError> {
        let req = api::GetEvidenceRequest { id: id.0.to_vec() };
        let r = self.block.clone().get_evidence(unary(req)).await?.into_inner();
        let info = EvidenceInfo::from_record(r)?;
        if info.id != *id {
            return Err(SdkError::BadResponse(format!("asked for evidence {id}, got {}", info.id)));
        }
        Ok(info)
    }

    /// Runs a contract's read-only `query` entry point (`fuel_limit` 0 = the
    /// node's default budget).
    pub async fn query_contract(
        &self,
        contract: &Address,
        msg: Vec<u8>,
        fuel_limit: u64,
    ) -> Result<QueryResult, SdkError> {
        let req = api::QueryContractRequest {
            contract: contract.0.to_vec(),
            msg,
            fuel_limit,
            ..Default::default()
        };
        let r = self.state.clone().query_contract(unary(req)).await?.into_inner();
        Ok(QueryResult { data: r.data, fuel_used: r.fuel_used, height: r.height })
    }

    /// A contract's metadata.
    pub async fn contract_info(&self, contract: &Address) -> Result<pb::ContractInfo, SdkError> {
        let req = api::GetContractRequest { address: contract.0.to_vec(), height: 0 };
        let r = self.state.clone().get_contract(unary(req)).await?.into_inner();
        r.info.ok_or_else(|| SdkError::NotFound(format!("no contract at {contract}")))
    }

    /// Every committed block from `from_height` on, then new blocks as they
    /// commit.
    pub async fn subscribe_blocks(&self, from_height: u64) -> Result<BlockSubscription, SdkError> {
        let req = tonic::Request::new(api::SubscribeBlocksRequest { from_height });
        let stream = self.block.clone().subscribe_blocks(req).await?.into_inner();
        Ok(BlockSubscription { stream })
    }
}

/// A stream of committed blocks.
#[derive(Debug)]
pub struct BlockSubscription {
    stream: tonic::Streaming<api::GetBlockResponse>,
}

impl BlockSubscription {
    /// The next block; `None` when the node closes the stream.
    pub async fn next(&mut self) -> Result<Option<BlockInfo>, SdkError> {
        match self.stream.message().await? {
            Some(r) => BlockInfo::from_response(r).map(Some),
            None => Ok(None),
        }
    }
}

pub(crate) fn unary<T>(msg: T) -> tonic::Request<T> {
    let mut req = tonic::Request::new(msg);
    req.set_timeout(DEFAULT_RPC_TIMEOUT);
    req
}

/// An error and its sources, joined with ": " (transport errors say little
/// at the top level).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(cause) = src {
        let c = cause.to_string();
        if !s.contains(&c) {
            s.push_str(": ");
            s.push_str(&c);
        }
        src = cause.source();
    }
    s
}
