//! `bayledger bench reads`: proof-carrying reads per second against one node.
//!
//! `--kind state` calls `StateService/GetStateProof` over a key set taken
//! from the chain itself (`sys/validators`, the system contracts' `ctr/…`
//! records, the accounts of senders in recent blocks, and a few absent keys
//! for absence proofs); `--kind query` calls `QueryContract` with
//! `prove: true` (by default the DID registry's `{"config":{}}`). `C`
//! concurrent callers on one HTTP/2 channel run for `S` seconds.
//!
//! Every answer is verified on the client as a light client would: each
//! proven entry is checked against the answer's state root
//! (`bayledger_sdk::light::verify_entry`), and, after the run, every state
//! root seen is checked against the header of its block (`GetBlock`).
//! Failures are counted, not fatal. Latency covers the call and the proof
//! check; the header check after the run is not timed.

use super::{percentile_ms, round};
use crate::cli::output::{OutputFormat, print_value};
use bayledger_proto::node::{
    GetBlockRequest, GetStateProofRequest, GetStatusRequest, GetTxRequest, QueryContractRequest,
    block_service_client::BlockServiceClient, get_block_request::By,
    node_service_client::NodeServiceClient, state_service_client::StateServiceClient,
    tx_service_client::TxServiceClient,
};
use bayledger_sdk::light::{verify_entry, verify_entry_for};
use bayledger_types::{Address, Hash, SystemContract, state_keys};
use clap::{Args, ValueEnum};
use eyre::{Context, Result, bail};
use parking_lot::Mutex;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tonic::transport::Channel;

/// Which proof-carrying read to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReadKind {
    /// `GetStateProof` of one key (inclusion or absence).
    State,
    /// `QueryContract` with `prove`: the query's answer and a proof of every key it read.
    Query,
}

/// Arguments of `bench reads`.
#[derive(Debug, Args)]
pub struct ReadsArgs {
    /// Node gRPC URL.
    #[arg(long, env = "BAYLEDGER_NODE", default_value = "http://127.0.0.1:9090")]
    pub node: String,
    /// Concurrent callers.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Seconds to measure.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// What to read.
    #[arg(long, value_enum, default_value = "state")]
    pub kind: ReadKind,
    /// `--kind query`: the contract (default: the DID registry).
    #[arg(long)]
    pub contract: Option<Address>,
    /// `--kind query`: the JSON query message.
    #[arg(long, default_value = r#"{"config":{}}"#)]
    pub msg: String,
    /// Most blocks scanned back from the tip for senders whose account
    /// keys are read (`--kind state`; the scan stops at [`MAX_SENDERS`]).
    #[arg(long, default_value_t = 20_000)]
    pub scan_blocks: u64,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value = "text")]
    pub output: OutputFormat,
}

/// Most distinct senders whose account keys `--kind state` reads.
const MAX_SENDERS: usize = 200;

/// What the callers share.
#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    failed: AtomicU64,
    proofs: AtomicU64,
    latencies: Mutex<Vec<Duration>>,
    errors: Mutex<BTreeMap<String, u64>>,
    /// State roots seen, by height (checked against headers after the run).
    roots: Mutex<BTreeMap<u64, BTreeSet<Hash>>>,
}

impl Tally {
    fn fail(&self, why: String) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        *self.errors.lock().entry(why).or_default() += 1;
    }
}

fn root_of(bytes: &[u8]) -> Result<Hash, String> {
    Hash::from_slice(bytes).ok_or_else(|| format!("state root of {} bytes", bytes.len()))
}

impl ReadsArgs {
    /// Runs the benchmark and prints its figures.
    pub async fn run(self) -> Result<()> {
        if self.concurrency == 0 || self.duration == 0 {
            bail!("--concurrency and --duration must be positive");
        }
        let channel = bayledger_sdk::Client::connect(&self.node).await?.channel();
        let state = StateServiceClient::new(channel.clone()).max_decoding_message_size(16 << 20);
        let keys = Arc::new(match self.kind {
            ReadKind::State => self.key_set(&channel).await?,
            ReadKind::Query => Vec::new(),
        });
        let contract = self.contract.unwrap_or(SystemContract::DidRegistry.address());
        if self.kind == ReadKind::Query {
            serde_json::from_str::<serde_json::Value>(&self.msg).context("--msg must be JSON")?;
        }
        let tally = Arc::new(Tally::default());
        let next = Arc::new(AtomicU64::new(0));
        let started = Instant::now();
        let deadline = started + Duration::from_secs(self.duration);
        let mut callers = tokio::task::JoinSet::new();
        for _ in 0..self.concurrency {
            let (mut state, keys, tally, next) =
                (state.clone(), keys.clone(), tally.clone(), next.clone());
            let (kind, msg) = (self.kind, self.msg.clone().into_bytes());
            callers.spawn(async move {
                while Instant::now() < deadline {
                    let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                    let t = Instant::now();
                    let checked = match kind {
                        ReadKind::State => read_state(&mut state, &keys[i % keys.len()]).await,
                        ReadKind::Query => read_query(&mut state, contract, &msg).await,
                    };
                    let elapsed = t.elapsed();
                    match checked {
                        Ok((height, root, proofs)) => {
                            tally.ok.fetch_add(1, Ordering::Relaxed);
                            tally.proofs.fetch_add(proofs, Ordering::Relaxed);
                            tally.latencies.lock().push(elapsed);
                            tally.roots.lock().entry(height).or_default().insert(root);
                        }
                        Err(why) => tally.fail(why),
                    }
                }
            });
        }
        while let Some(r) = callers.join_next().await {
            r.context("a caller panicked")?;
        }
        let secs = started.elapsed().as_secs_f64();
        let anchored = self.check_roots(&channel, &tally).await;
        let mut lat = tally.latencies.lock().clone();
        lat.sort();
        let ok = tally.ok.load(Ordering::Relaxed);
        let report = serde_json::json!({
            "kind": format!("{:?}", self.kind).to_lowercase(),
            "concurrency": self.concurrency,
            "keys": keys.len(),
            "duration_s": round(secs, 3),
            "reads": ok,
            "proofs_verified": tally.proofs.load(Ordering::Relaxed),
            "failed": tally.failed.load(Ordering::Relaxed),
            "reads_per_s": round(ok as f64 / secs.max(1e-9), 1),
            "latency_p50_ms": round(percentile_ms(&lat, 0.50), 2),
            "latency_p99_ms": round(percentile_ms(&lat, 0.99), 2),
            "heights_anchored": anchored,
            "errors": tally.errors.lock().clone(),
        });
        print_value(&report, self.output);
        Ok(())
    }

    /// The keys read by `--kind state`.
    async fn key_set(&self, channel: &Channel) -> Result<Vec<Vec<u8>>> {
        let mut keys = vec![state_keys::VALIDATORS.to_vec()];
        keys.extend(SystemContract::ALL.iter().map(|c| state_keys::contract(&c.address())));
        let tip = NodeServiceClient::new(channel.clone())
            .get_status(GetStatusRequest {})
            .await?
            .into_inner()
            .latest_height;
        let (mut blocks, mut txs) =
            (BlockServiceClient::new(channel.clone()), TxServiceClient::new(channel.clone()));
        let mut senders = BTreeSet::new();
        for h in (1..=tip).rev().take(self.scan_blocks as usize) {
            let b =
                blocks.get_block(GetBlockRequest { by: Some(By::Height(h)) }).await?.into_inner();
            for tx_hash in b.tx_hashes {
                if senders.len() >= MAX_SENDERS {
                    break;
                }
                let tx = txs.get_tx(GetTxRequest { tx_hash }).await?.into_inner();
                senders.extend(Address::from_slice(&tx.sender).ok());
            }
            if senders.len() >= MAX_SENDERS {
                break;
            }
        }
        keys.extend(senders.iter().map(state_keys::account));
        // A few keys that do not exist: absence proofs.
        keys.extend((0..4u8).map(|i| format!("bench/absent/{i}").into_bytes()));
        Ok(keys)
    }

    /// Checks every state root seen against its block header; the number of
    /// heights that matched (mismatches and failed look-ups count as failures).
    async fn check_roots(&self, channel: &Channel, tally: &Tally) -> usize {
        let mut blocks = BlockServiceClient::new(channel.clone());
        let roots = tally.roots.lock().clone();
        let mut anchored = 0;
        for (height, seen) in roots {
            let header_root = match height {
                // State after genesis: no block header; GetStatus at height 0 has it.
                0 => continue,
                h => blocks
                    .get_block(GetBlockRequest { by: Some(By::Height(h)) })
                    .await
                    .map_err(|s| format!("header {h}: {}", s.message()))
                    .and_then(|b| {
                        b.into_inner().header.ok_or_else(|| format!("header {h} missing"))
                    })
                    .and_then(|h| root_of(&h.state_root)),
            };
            match header_root {
                Ok(r) if seen.len() == 1 && seen.contains(&r) => anchored += 1,
                Ok(r) => tally
                    .fail(format!("height {height}: roots {seen:?} do not match header root {r}")),
                Err(e) => tally.fail(e),
            }
        }
        anchored
    }
}

/// One `GetStateProof` and its check: (height, state root, proofs checked).
async fn read_state(
    state: &mut StateServiceClient<Channel>,
    key: &[u8],
) -> Result<(u64, Hash, u64), String> {
    let r = state
        .get_state_proof(GetStateProofRequest { key: key.to_vec(), height: 0 })
        .await
        .map_err(|s| format!("{:?}: {}", s.code(), s.message()))?
        .into_inner();
    let root = root_of(&r.state_root)?;
    let entry = r.entry.ok_or("no entry in the answer")?;
    verify_entry_for(root, key, &entry).map_err(|e| e.to_string())?;
    Ok((r.height, root, 1))
}

/// One proven `QueryContract` and the check of every read it reports.
async fn read_query(
    state: &mut StateServiceClient<Channel>,
    contract: Address,
    msg: &[u8],
) -> Result<(u64, Hash, u64), String> {
    let req = QueryContractRequest {
        contract: contract.0.to_vec(),
        msg: msg.to_vec(),
        prove: true,
        ..Default::default()
    };
    let r = state
        .query_contract(req)
        .await
        .map_err(|s| format!("{:?}: {}", s.code(), s.message()))?
        .into_inner();
    let root = root_of(&r.state_root)?;
    if r.reads.is_empty() {
        return Err("a proven query reported no reads".into());
    }
    for e in &r.reads {
        verify_entry(root, e).map_err(|e| e.to_string())?;
    }
    Ok((r.height, root, r.reads.len() as u64))
}
