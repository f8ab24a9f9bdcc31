//! Block sync over the p2p request-response protocol (`/bayledger/<chain>/sync/1`).
//!
//! Messages (protobuf, this module only): a [`SyncRequest`] asks for the
//! peer's height (`count = 0`) and optionally for `count` blocks from
//! `from_height`; the [`SyncResponse`] carries the peer's height and the blocks
//! with their commits, in order, within [`MAX_RESPONSE_BYTES`].
//!
//! The [`run`] task catches a lagging or restarted node up: periodically, and
//! shortly after the consensus driver saw a message for a height above its own
//! (a sign it missed a decision), it asks every connected peer for its height,
//! fetches the missing blocks from the highest one, checks each commit with
//! `verify_commit` against the validator set of the block's height (the
//! state after its parent, committed just before), and hands block + commit to the
//! driver, which re-executes the block (state root must match) and commits it
//! (through `BftEngine::sync_decided` on a validator). Progress (height,
//! blocks/s) is logged every few seconds. Each poll records in the chain's
//! [`crate::node_status::NodeStatus`] whether the best peer is more than
//! [`crate::node_status::CATCHING_UP_LAG`] blocks ahead (`GetStatus.catching_up`).

use crate::chain::Chain;
use crate::node_status::lagging;
use bayledger_p2p::{P2pHandle, PeerId};
use bayledger_types::{SealedBlock, pb};
use prost::Message;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, watch};

/// Most blocks asked for in one request.
pub const MAX_BLOCKS_PER_REQUEST: u32 = 64;
/// Responses stop adding blocks past this size (the p2p cap is 16 MiB).
pub const MAX_RESPONSE_BYTES: usize = 12 << 20;
/// How often progress is logged while syncing.
const LOG_EVERY: Duration = Duration::from_secs(2);

/// A sync request.
#[derive(Clone, PartialEq, Message)]
pub struct SyncRequest {
    /// First height wanted (ignored when `count` is 0).
    #[prost(uint64, tag = "1")]
    pub from_height: u64,
    /// Blocks wanted; 0 = only the peer's height.
    #[prost(uint32, tag = "2")]
    pub count: u32,
}

/// A decided block with its commit.
#[derive(Clone, PartialEq, Message)]
pub struct SyncBlock {
    /// The encoded `Block`.
    #[prost(bytes = "vec", tag = "1")]
    pub block: Vec<u8>,
    /// The commit that decided it.
    #[prost(message, optional, tag = "2")]
    pub commit: Option<pb::Commit>,
}

/// A sync response.
#[derive(Clone, PartialEq, Message)]
pub struct SyncResponse {
    /// The responder's latest committed height.
    #[prost(uint64, tag = "1")]
    pub height: u64,
    /// Consecutive blocks from the requested height.
    #[prost(message, repeated, tag = "2")]
    pub blocks: Vec<SyncBlock>,
}

/// Answers a sync request from the local store (blocking: reads storage).
pub fn respond(chain: &Chain, request: &[u8]) -> Vec<u8> {
    let Ok(req) = SyncRequest::decode(request) else { return Vec::new() };
    let height = chain.height().unwrap_or(0);
    let mut resp = SyncResponse { height, blocks: Vec::new() };
    let count = u64::from(req.count.min(MAX_BLOCKS_PER_REQUEST));
    let mut size = 0usize;
    let last = req.from_height.saturating_add(count).saturating_sub(1).min(height);
    for h in req.from_height.max(1)..=last {
        let (Ok(Some(block)), Ok(Some(commit))) =
            (chain.store.block_by_height(h), chain.store.commit_at(h))
        else {
            break;
        };
        let block = block.encode();
        size += block.len() + 1024;
        if size > MAX_RESPONSE_BYTES && !resp.blocks.is_empty() {
            break;
        }
        resp.blocks.push(SyncBlock { block, commit: Some(commit) });
    }
    resp.encode_to_vec()
}

/// A synced block for the driver; `done` reports whether it was committed.
#[derive(Debug)]
pub struct Synced {
    /// The block.
    pub block: SealedBlock,
    /// Its commit (already checked with `verify_commit`).
    pub commit: pb::Commit,
    /// Committed (or already had it), or why not.
    pub done: oneshot::Sender<Result<(), String>>,
}

/// Timing of the sync task.
#[derive(Debug, Clone, Copy)]
pub struct SyncConfig {
    /// Poll peers' heights this often.
    pub interval: Duration,
    /// After seeing a message for a future height, wait this long for
    /// consensus to catch up by itself before syncing.
    pub grace: Duration,
}

/// Runs block sync until `shutdown`. `seen` is the highest consensus height
/// the driver saw on the network; blocks go to the driver on `out`.
pub async fn run(
    chain: Arc<Chain>,
    p2p: P2pHandle,
    cfg: SyncConfig,
    mut seen: watch::Receiver<u64>,
    out: mpsc::Sender<Synced>,
    mut shutdown: watch::Receiver<bool>,
) -> eyre::Result<()> {
    let mut tick = tokio::time::interval(cfg.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let triggered = tokio::select! {
            _ = tick.tick() => false,
            r = seen.changed() => { if r.is_err() { return Ok(()) } true }
            _ = shutdown.changed() => return Ok(()),
        };
        if triggered {
            tokio::select! {
                _ = tokio::time::sleep(cfg.grace) => {}
                _ = shutdown.changed() => return Ok(()),
            }
            let tip = chain.height()?;
            if *seen.borrow_and_update() <= tip + 1 {
                continue; // consensus caught up by itself
            }
        }
        if *shutdown.borrow() {
            return Ok(());
        }
        if let Err(e) = catch_up(&chain, &p2p, &out).await {
            tracing::warn!(error = %e, "block sync round failed");
        }
    }
}

/// The highest connected peer and its height.
async fn best_peer(p2p: &P2pHandle) -> Option<(PeerId, u64)> {
    let peers = p2p.peers().await.ok()?;
    let status = SyncRequest { from_height: 0, count: 0 }.encode_to_vec();
    let asks = peers.iter().map(|p| {
        let (p2p, status, peer) = (p2p.clone(), status.clone(), p.peer_id);
        async move {
            let bytes = p2p.request(peer, status).await.ok()?;
            Some((peer, SyncResponse::decode(bytes.as_slice()).ok()?.height))
        }
    });
    futures::future::join_all(asks).await.into_iter().flatten().max_by_key(|(_, h)| *h)
}

async fn catch_up(
    chain: &Arc<Chain>,
    p2p: &P2pHandle,
    out: &mpsc::Sender<Synced>,
) -> eyre::Result<()> {
    let started = Instant::now();
    let first = chain.height()?;
    let mut last_log = Instant::now();
    loop {
        let tip = chain.height()?;
        let best = best_peer(p2p).await;
        let best_height = best.map_or(0, |(_, h)| h);
        chain.status.set_catching_up(lagging(tip, best_height), tip, best_height);
        let Some((peer, target)) = best.filter(|(_, h)| *h > tip) else { break };
        let count = (target - tip).min(u64::from(MAX_BLOCKS_PER_REQUEST)) as u32;
        let req = SyncRequest { from_height: tip + 1, count }.encode_to_vec();
        let resp = SyncResponse::decode(p2p.request(peer, req).await?.as_slice())?;
        if resp.blocks.is_empty() {
            break;
        }
        for (i, sb) in resp.blocks.into_iter().enumerate() {
            let block = SealedBlock::decode(&sb.block)?;
            let commit =
                sb.commit.ok_or_else(|| eyre::eyre!("peer {peer} sent a block without commit"))?;
            let expected = tip + 1 + i as u64;
            if block.height() != expected {
                eyre::bail!("peer {peer} sent height {} for {expected}", block.height());
            }
            crate::verify::check_commit(chain, &block, &commit)?;
            let (done, result) = oneshot::channel();
            out.send(Synced { block, commit, done }).await?;
            result.await?.map_err(|e| eyre::eyre!("synced block {expected}: {e}"))?;
        }
        if last_log.elapsed() >= LOG_EVERY {
            log_progress(chain, first, target, started);
            last_log = Instant::now();
        }
    }
    if chain.height()? > first {
        let target = chain.height()?;
        log_progress(chain, first, target, started);
    }
    Ok(())
}

fn log_progress(chain: &Chain, first: u64, target: u64, started: Instant) {
    let height = chain.height().unwrap_or(0);
    let rate = (height - first.min(height)) as f64 / started.elapsed().as_secs_f64().max(1e-3);
    tracing::info!(height, target, blocks_per_sec = format!("{rate:.1}"), "block sync");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::ChainError;
    use crate::config::NodeConfig;
    use crate::producer::produce_one;
    use crate::rpc::grpc::Api;
    use crate::test_utils::key;
    use bayledger_consensus::{Application, SoloEngine};
    use bayledger_genesis::Genesis;
    use bayledger_p2p::{Allowlist, P2p, P2pConfig, P2pEvent};
    use bayledger_proto::node::GetStatusRequest;
    use bayledger_proto::node::node_service_server::NodeService;
    use bayledger_storage::MemChainStore;

    const CHAIN_ID: &str = "sync-test";
    const WAIT: Duration = Duration::from_secs(30);

    #[test]
    fn messages_round_trip() {
        let r = SyncRequest { from_height: 5, count: 3 };
        assert_eq!(SyncRequest::decode(r.encode_to_vec().as_slice()).expect("decodes"), r);
        let resp = SyncResponse {
            height: 9,
            blocks: vec![SyncBlock { block: vec![1, 2], commit: Some(pb::Commit::default()) }],
        };
        assert_eq!(SyncResponse::decode(resp.encode_to_vec().as_slice()).expect("decodes"), resp);
    }

    fn chain() -> Arc<Chain> {
        let genesis = Genesis::single_validator(CHAIN_ID, &key(1).public_key(), 1_700_000_000_000);
        Chain::open_with_store(Arc::new(MemChainStore::new()), genesis, NodeConfig::default())
            .expect("opens")
    }

    async fn status(chain: &Arc<Chain>) -> bayledger_proto::node::GetStatusResponse {
        let api = Api(chain.clone());
        api.get_status(tonic::Request::new(GetStatusRequest {})).await.expect("status").into_inner()
    }

    /// A node 5 blocks behind its only peer reports `catching_up` (through
    /// `GetStatus` too) while sync hands it the missing blocks, and stops once
    /// it holds them. The test plays the driver: it commits each synced block.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_lagging_node_reports_catching_up_until_it_has_synced() {
        let ahead = chain();
        let engine =
            SoloEngine::new::<ChainError>(CHAIN_ID.into(), key(1), ahead.validators.clone())
                .expect("validator");
        for h in 1..=5 {
            assert_eq!(produce_one(&ahead, &engine).expect("block"), h);
        }
        let behind = chain();
        assert!(!status(&behind).await.catching_up, "not before sync looked");

        let (ka, kb) = (key(11), key(12));
        let allow = || {
            Allowlist::from_keys(vec![
                ka.public_key().to_compressed(),
                kb.public_key().to_compressed(),
            ])
            .expect("allowlist")
        };
        let config = || {
            let mut c = P2pConfig::new(CHAIN_ID, "127.0.0.1:0".parse().expect("addr"));
            c.gossip_heartbeat = Duration::from_millis(100);
            c
        };
        let (pa, mut events_a) = P2p::spawn(config(), &ka, allow()).await.expect("p2p a");
        let mut cb = config();
        cb.bootstrap = vec![(ka.public_key().to_compressed(), pa.listen_addrs()[0])];
        let (pb, mut events_b) = P2p::spawn(cb, &kb, allow()).await.expect("p2p b");
        let serving = ahead.clone();
        tokio::spawn(async move {
            while let Some(ev) = events_a.recv().await {
                if let P2pEvent::SyncRequest { data, reply, .. } = ev {
                    let _ = reply.send(respond(&serving, &data));
                }
            }
        });
        tokio::spawn(async move { while events_b.recv().await.is_some() {} });

        let (_seen_tx, seen) = watch::channel(0u64);
        let (out, mut synced) = mpsc::channel(1);
        let (stop, shutdown) = watch::channel(false);
        let cfg = SyncConfig { interval: Duration::from_millis(100), grace: Duration::ZERO };
        let task = tokio::spawn(run(behind.clone(), pb.clone(), cfg, seen, out, shutdown));

        let mut caught_up = behind.status.watch_catching_up();
        for h in 1..=5u64 {
            let s = tokio::time::timeout(WAIT, synced.recv())
                .await
                .expect("a synced block in time")
                .expect("sync runs");
            assert_eq!(s.block.height(), h);
            assert!(behind.status.catching_up(), "behind while syncing block {h}");
            let st = status(&behind).await;
            assert!(st.catching_up && st.validator_address.is_empty(), "{st:?}");
            behind.app().commit_block(&s.block, &s.commit).expect("commits");
            let _ = s.done.send(Ok(()));
        }
        tokio::time::timeout(WAIT, caught_up.wait_for(|c| !*c))
            .await
            .expect("caught up in time")
            .expect("status open");
        assert!(!status(&behind).await.catching_up);
        assert_eq!(behind.height().expect("height"), 5);
        assert_eq!(
            behind.store.state_root(5).expect("root"),
            ahead.store.state_root(5).expect("root")
        );
        let _ = stop.send(true);
        task.await.expect("joins").expect("sync ends cleanly");
        pa.shutdown().await;
        pb.shutdown().await;
    }
}
