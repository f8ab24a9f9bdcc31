//! gRPC services of `bayledger.node.v1`, plus the standard health and
//! reflection services. Message sizes are capped in both directions.

use super::convert::{address, chain_storage as storage, hash, internal, mempool_status, state};
use crate::chain::Chain;
use crate::query_reads;
use bayledger_proto::node::{
    block_service_server::{BlockService, BlockServiceServer},
    get_block_request::By,
    index_service_server::IndexServiceServer,
    light_service_server::LightServiceServer,
    node_service_server::{NodeService, NodeServiceServer},
    state_service_server::{StateService, StateServiceServer},
    tx_service_server::{TxService, TxServiceServer},
    *,
};
use bayledger_types::pb;
use bayledger_types::{SealedBlock, state_keys};
use prost::Message;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

/// Builds the tonic router with every service.
pub fn routes(chain: Arc<Chain>) -> tonic::service::Routes {
    let max = chain.config.rpc.max_message_bytes;
    let svc = Api(chain);
    let (health_reporter, health) = tonic_health::server::health_reporter();
    drop(health_reporter); // every service is SERVING for the node's lifetime
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(bayledger_proto::FILE_DESCRIPTOR_SET)
        .build_v1();
    let mut routes = tonic::service::Routes::new(health);
    routes = routes
        .add_service(
            NodeServiceServer::new(svc.clone())
                .max_decoding_message_size(max)
                .max_encoding_message_size(max),
        )
        .add_service(
            TxServiceServer::new(svc.clone())
                .max_decoding_message_size(max)
                .max_encoding_message_size(max),
        )
        .add_service(
            BlockServiceServer::new(svc.clone())
                .max_decoding_message_size(max)
                .max_encoding_message_size(max),
        )
        .add_service(
            StateServiceServer::new(svc.clone())
                .max_decoding_message_size(max)
                .max_encoding_message_size(max),
        )
        .add_service(
            LightServiceServer::new(svc.clone())
                .max_decoding_message_size(max)
                .max_encoding_message_size(max),
        )
        .add_service(
            IndexServiceServer::new(svc)
                .max_decoding_message_size(max)
                .max_encoding_message_size(max),
        );
    if let Ok(r) = reflection {
        routes = routes.add_service(r);
    }
    routes
}

/// Implementation of every service over the shared chain.
#[derive(Clone, Debug)]
pub struct Api(pub Arc<Chain>);

/// Runs blocking work (RocksDB reads, signature checks, WASM) off the async runtime.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Status> + Send + 'static,
) -> Result<T, Status> {
    tokio::task::spawn_blocking(f).await.map_err(internal)?
}

fn block_response(chain: &Chain, block: &SealedBlock) -> Result<GetBlockResponse, Status> {
    let commit = chain.store.commit_at(block.height()).map_err(internal)?;
    Ok(GetBlockResponse {
        block_hash: block.hash().0.to_vec(),
        header: Some(block.header.header.clone()),
        block: block.encode(),
        commit,
        tx_hashes: block.tx_hashes().iter().map(|h| h.0.to_vec()).collect(),
    })
}

#[tonic::async_trait]
impl NodeService for Api {
    async fn get_status(
        &self,
        _: Request<GetStatusRequest>,
    ) -> Result<Response<GetStatusResponse>, Status> {
        let chain = self.0.clone();
        blocking(move || {
            let height = chain.height()?;
            let latest = chain.store.block_by_height(height).map_err(internal)?;
            let root = chain.store.state_root(height).map_err(internal)?.unwrap_or_default();
            Ok(Response::new(GetStatusResponse {
                chain_id: chain.genesis.chain_id.clone(),
                node_version: env!("CARGO_PKG_VERSION").to_string(),
                genesis_hash: chain.genesis_hash.0.to_vec(),
                latest_height: height,
                latest_block_hash: latest.as_ref().map(|b| b.hash().0.to_vec()).unwrap_or_default(),
                latest_block_time_ms: latest
                    .as_ref()
                    .map(|b| b.header.header.time_ms)
                    .unwrap_or_default(),
                latest_state_root: root.0.to_vec(),
                validator_address: chain
                    .status
                    .validator()
                    .map(|a| a.0.to_vec())
                    .unwrap_or_default(),
                mempool_size: chain.mempool.lock().len() as u32,
                catching_up: chain.status.catching_up(),
            }))
        })
        .await
    }
}

#[tonic::async_trait]
impl TxService for Api {
    async fn broadcast_tx(
        &self,
        req: Request<BroadcastTxRequest>,
    ) -> Result<Response<BroadcastTxResponse>, Status> {
        let req = req.into_inner();
        let chain = self.0.clone();
        // Subscribe before admission so the commit cannot slip past unseen.
        let mut commits = chain.committed.subscribe();
        let tx = req.tx;
        let c = chain.clone();
        let tx_hash = blocking(move || c.submit(&tx).map_err(mempool_status)).await?;
        let mut resp =
            BroadcastTxResponse { tx_hash: tx_hash.0.to_vec(), receipt: None, height: 0 };
        if !req.wait_for_commit {
            return Ok(Response::new(resp));
        }
        let max = chain.config.rpc.max_wait_ms;
        let wait =
            Duration::from_millis(if req.timeout_ms == 0 { max } else { req.timeout_ms.min(max) });
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(stored) = chain.store.tx(&tx_hash).map_err(internal)? {
                resp.receipt = Some(stored.receipt);
                resp.height = stored.height;
                return Ok(Response::new(resp));
            }
            match tokio::time::timeout_at(deadline, commits.recv()).await {
                Err(_) => {
                    return Err(Status::deadline_exceeded(format!(
                        "transaction {tx_hash} was admitted but not committed within {} ms",
                        wait.as_millis()
                    )));
                }
                Ok(Ok(_) | Err(RecvError::Lagged(_))) => {}
                Ok(Err(RecvError::Closed)) => {
                    return Err(Status::unavailable("node is shutting down"));
                }
            }
        }
    }

    async fn get_tx(&self, req: Request<GetTxRequest>) -> Result<Response<GetTxResponse>, Status> {
        let h = hash("tx_hash", &req.get_ref().tx_hash)?;
        let chain = self.0.clone();
        blocking(move || {
            let stored = chain
                .store
                .tx(&h)
                .map_err(internal)?
                .ok_or_else(|| Status::not_found(format!("transaction {h} not found")))?;
            let (bytes, receipt, height, index) =
                (stored.bytes, stored.receipt, stored.height, stored.index);
            let signed = pb::SignedTx::decode(bytes.as_slice()).map_err(internal)?;
            let body = pb::TxBody::decode(signed.body.as_slice()).map_err(internal)?;
            Ok(Response::new(GetTxResponse {
                sender: body.sender.clone(),
                tx: bytes,
                body: Some(body),
                receipt: Some(receipt),
                height,
                index,
            }))
        })
        .await
    }
}

type BlockStream = Pin<Box<dyn Stream<Item = Result<GetBlockResponse, Status>> + Send>>;

#[tonic::async_trait]
impl BlockService for Api {
    async fn get_block(
        &self,
        req: Request<GetBlockRequest>,
    ) -> Result<Response<GetBlockResponse>, Status> {
        let by = req.into_inner().by;
        let chain = self.0.clone();
        blocking(move || {
            let block = match by {
                None | Some(By::Height(0)) => {
                    let h = chain.height()?;
                    if h == 0 {
                        return Err(Status::not_found(
                            "no block committed yet: the chain is at genesis (height 0)",
                        ));
                    }
                    chain.store.block_by_height(h).map_err(internal)?
                }
                Some(By::Height(h)) => chain.store.block_by_height(h).map_err(internal)?,
                Some(By::Hash(bytes)) => {
                    chain.store.block_by_hash(&hash("hash", &bytes)?).map_err(internal)?
                }
            };
            let block = block.ok_or_else(|| Status::not_found("no such block"))?;
            Ok(Response::new(block_response(&chain, &block)?))
        })
        .await
    }

    async fn list_evidence(
        &self,
        req: Request<ListEvidenceRequest>,
    ) -> Result<Response<ListEvidenceResponse>, Status> {
        let req = req.into_inner();
        let chain = self.0.clone();
        blocking(move || {
            let latest = chain.height()?;
            let from = req.from_height.max(1);
            let to = if req.to_height == 0 { latest } else { req.to_height.min(latest) };
            if to >= from && to - from >= MAX_EVIDENCE_SCAN {
                return Err(Status::invalid_argument(format!(
                    "at most {MAX_EVIDENCE_SCAN} blocks per call"
                )));
            }
            let mut evidence = Vec::new();
            for h in from..=to {
                let block = chain
                    .store
                    .block_by_height(h)
                    .map_err(internal)?
                    .ok_or_else(|| Status::not_found(format!("block {h} not stored")))?;
                for (i, bytes) in block.evidence.iter().enumerate() {
                    evidence.push(evidence_record(h, i, bytes)?);
                }
            }
            Ok(Response::new(ListEvidenceResponse { evidence, to_height: to }))
        })
        .await
    }

    async fn get_evidence(
        &self,
        req: Request<GetEvidenceRequest>,
    ) -> Result<Response<EvidenceRecord>, Status> {
        let id = hash("id", &req.get_ref().id)?;
        let chain = self.0.clone();
        blocking(move || {
            let s = chain.store.latest_state().map_err(internal)?;
            let value = s
                .get(&crate::evidence::state_key(&id))
                .map_err(state)?
                .ok_or_else(|| Status::not_found(format!("no committed evidence {id}")))?;
            let (height, bytes) = crate::evidence::parse_state_value(&value)
                .ok_or_else(|| Status::internal("malformed evidence index entry"))?;
            let block = chain
                .store
                .block_by_height(height)
                .map_err(internal)?
                .ok_or_else(|| Status::not_found(format!("block {height} not stored")))?;
            let index = block.evidence.iter().position(|e| e == bytes).unwrap_or_default();
            Ok(Response::new(evidence_record(height, index, bytes)?))
        })
        .await
    }

    type SubscribeBlocksStream = BlockStream;

    async fn subscribe_blocks(
        &self,
        req: Request<SubscribeBlocksRequest>,
    ) -> Result<Response<Self::SubscribeBlocksStream>, Status> {
        let from = req.into_inner().from_height.max(1);
        let mut next = from;
        // Replays stored blocks from `from_height`, then follows commits
        // (super::stream: no gap or duplicate; a client too slow to keep up
        // is closed with RESOURCE_EXHAUSTED naming the height to resume at).
        let read = move |chain: &Chain| {
            let latest = chain.height()?;
            let mut items = Vec::new();
            while next <= latest && items.len() < BLOCKS_PER_READ {
                let block = chain
                    .store
                    .block_by_height(next)
                    .map_err(|e| storage(chain, e))?
                    .ok_or_else(|| Status::internal(format!("block {next} is not stored")))?;
                items.push((next, block_response(chain, &block)?));
                next += 1;
            }
            Ok((items, next <= latest))
        };
        let resume = Box::new(move |last: Option<u64>| {
            format!("resume with from_height = {}", last.map_or(from, |h| h + 1))
        });
        Ok(Response::new(Box::pin(super::stream::follow(self.0.clone(), read, resume))))
    }
}

/// Blocks one read of a block stream takes from the store.
const BLOCKS_PER_READ: usize = 16;

/// Most blocks one `ListEvidence` call scans.
const MAX_EVIDENCE_SCAN: u64 = 10_000;

fn evidence_record(
    block_height: u64,
    index: usize,
    bytes: &[u8],
) -> Result<EvidenceRecord, Status> {
    let o = crate::evidence::describe(bytes)
        .ok_or_else(|| Status::internal(format!("undecodable evidence in block {block_height}")))?;
    Ok(EvidenceRecord {
        id: o.id.0.to_vec(),
        block_height,
        index: index as u32,
        kind: o.kind.to_string(),
        validator: o.validator.0.to_vec(),
        height: o.height,
        round: o.round,
        evidence: bytes.to_vec(),
    })
}

#[tonic::async_trait]
impl StateService for Api {
    async fn get_account(
        &self,
        req: Request<GetAccountRequest>,
    ) -> Result<Response<GetAccountResponse>, Status> {
        let a = address("address", &req.get_ref().address)?;
        let height = req.get_ref().height;
        let chain = self.0.clone();
        blocking(move || {
            let view = query_reads::state_view(&chain, height).map_err(|e| storage(&chain, e))?;
            let nonce = crate::execution::account_nonce(|k| view.get(k), &a).map_err(state)?;
            let height = view.version();
            Ok(Response::new(GetAccountResponse { address: a.0.to_vec(), nonce, height }))
        })
        .await
    }

    async fn get_contract(
        &self,
        req: Request<GetContractRequest>,
    ) -> Result<Response<GetContractResponse>, Status> {
        let a = address("address", &req.get_ref().address)?;
        let height = req.get_ref().height;
        let chain = self.0.clone();
        blocking(move || {
            let view = query_reads::state_view(&chain, height).map_err(|e| storage(&chain, e))?;
            let bytes = view
                .get(&state_keys::contract(&a))
                .map_err(state)?
                .ok_or_else(|| Status::not_found(format!("no contract at {a}")))?;
            let info = pb::ContractInfo::decode(bytes.as_slice()).map_err(internal)?;
            Ok(Response::new(GetContractResponse { info: Some(info) }))
        })
        .await
    }

    async fn query_contract(
        &self,
        req: Request<QueryContractRequest>,
    ) -> Result<Response<QueryContractResponse>, Status> {
        let req = req.into_inner();
        let contract = address("contract", &req.contract)?;
        let chain = self.0.clone();
        blocking(move || {
            let next = chain.height().map_err(internal)? + 1;
            let limit = chain.params_at(next).map_err(internal)?.query_fuel_limit;
            let fuel = if req.fuel_limit == 0 { limit } else { req.fuel_limit.min(limit) };
            let view =
                query_reads::state_view(&chain, req.height).map_err(|e| storage(&chain, e))?;
            let height = view.version();
            let env = bayledger_vm::BlockEnv {
                height,
                time_ms: chain.block_time_ms(height).map_err(internal)?,
                chain_id: chain.genesis.chain_id.clone(),
            };
            let (out, reads) = if req.prove {
                let recorder = query_reads::RecordingReader::new(&*view);
                let out = chain.vm.query(&recorder, &env, contract, &req.msg, fuel);
                if recorder.iterated() {
                    return Err(Status::failed_precondition(query_reads::UNPROVABLE_ITERATION));
                }
                (out, recorder.into_reads())
            } else {
                (chain.vm.query(&*view, &env, contract, &req.msg, fuel), Vec::new())
            };
            let out = out.map_err(internal)?;
            if out.status != pb::ExecStatus::Ok {
                return Err(Status::failed_precondition(format!(
                    "query failed ({:?}): {}",
                    out.status, out.error
                )));
            }
            let reads = query_reads::prove_reads(&*chain.store, height, reads)
                .map_err(|e| storage(&chain, e))?;
            Ok(Response::new(QueryContractResponse {
                data: out.return_data,
                fuel_used: out.fuel_used,
                height,
                state_root: view.root().0.to_vec(),
                reads,
            }))
        })
        .await
    }

    async fn get_state_proof(
        &self,
        req: Request<GetStateProofRequest>,
    ) -> Result<Response<GetStateProofResponse>, Status> {
        let GetStateProofRequest { key, height } = req.into_inner();
        if key.is_empty() {
            return Err(Status::invalid_argument("key must not be empty"));
        }
        let chain = self.0.clone();
        blocking(move || {
            let height = if height == 0 { chain.height()? } else { height };
            let proven =
                chain.store.get_with_proof(&key, height).map_err(|e| storage(&chain, e))?;
            Ok(Response::new(GetStateProofResponse {
                entry: Some(query_reads::proven_entry(key, &proven)),
                height,
                state_root: proven.root.0.to_vec(),
            }))
        })
        .await
    }
}
