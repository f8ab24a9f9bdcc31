//! The block production loop: one height per `block_time`, driven by the
//! consensus engine over the chain's [`crate::chain::ChainApp`]. Block time is
//! the wall clock, forced strictly above the parent's.

use crate::chain::Chain;
use bayledger_consensus::SoloEngine;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;

/// Produces blocks until `shutdown` turns true; returns the first fatal error.
pub async fn run(
    chain: Arc<Chain>,
    engine: Arc<SoloEngine>,
    block_time: Duration,
    mut shutdown: watch::Receiver<bool>,
) -> eyre::Result<()> {
    let mut tick = tokio::time::interval(block_time);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return Ok(());
        }
        let (c, e) = (chain.clone(), engine.clone());
        // A block in flight finishes (its commit is atomic) before shutdown proceeds.
        tokio::task::spawn_blocking(move || produce_one(&c, &e)).await??;
    }
}

/// Builds, decides and commits the next block.
pub fn produce_one(chain: &Chain, engine: &SoloEngine) -> eyre::Result<u64> {
    let latest = chain.height()?;
    let height = latest + 1;
    let (parent_time, last_commit) = match latest {
        0 => (chain.genesis.genesis_time_ms()?, None),
        h => {
            let parent =
                chain.store.block_by_height(h)?.ok_or_else(|| eyre::eyre!("block {h} missing"))?;
            (parent.header.header.time_ms, chain.store.commit_at(h)?)
        }
    };
    let now =
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    let time_ms = now.max(parent_time + 1);
    let decision = engine.decide(&mut chain.app(), height, time_ms, last_commit)?;
    tracing::info!(height, hash = %decision.block.hash(), txs = decision.block.txs.len(), "committed block");
    Ok(height)
}
