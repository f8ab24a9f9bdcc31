//! Prometheus metrics of a node (`GET /metrics`, OpenMetrics text via
//! `prometheus-client`).
//!
//! Values that existing state already holds are read at scrape time:
//! height, round of the latest commit, mempool size, catching up, peers (from
//! the p2p handle), size of the data directory, and process metrics
//! ([`process`]). Only what happens at a commit needs a hook, one call in
//! the commit path: [`Metrics::block_committed`] feeds the block-interval and
//! fuel histograms and the committed block/transaction counters.

pub mod process;

use crate::chain::Chain;
use bayledger_p2p::P2pHandle;
use bayledger_types::{SealedBlock, pb};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Content type of [`Metrics::render`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The node's metrics; one per [`Chain`].
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    height: Gauge,
    round: Gauge,
    peers: Gauge,
    mempool_txs: Gauge,
    catching_up: Gauge,
    data_dir_bytes: Gauge,
    blocks: Counter,
    txs: Counter,
    block_interval: Histogram,
    tx_fuel: Histogram,
    /// Header time of the last block seen by [`Metrics::block_committed`].
    last_block_ms: AtomicU64,
    data_dir: OnceLock<PathBuf>,
    p2p: OnceLock<P2pHandle>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let m = Metrics {
            height: Gauge::default(),
            round: Gauge::default(),
            peers: Gauge::default(),
            mempool_txs: Gauge::default(),
            catching_up: Gauge::default(),
            data_dir_bytes: Gauge::default(),
            blocks: Counter::default(),
            txs: Counter::default(),
            // 10 ms .. ~80 s
            block_interval: Histogram::new(exponential_buckets(0.01, 2.0, 14)),
            // 1,000 .. ~500 M fuel
            tx_fuel: Histogram::new(exponential_buckets(1_000.0, 4.0, 15)),
            last_block_ms: AtomicU64::new(0),
            data_dir: OnceLock::new(),
            p2p: OnceLock::new(),
            registry: Registry::default(),
        };
        let r = registry.sub_registry_with_prefix("bayledger");
        r.register("height", "Latest committed block height", m.height.clone());
        r.register(
            "consensus_round",
            "Round in which the latest block was decided",
            m.round.clone(),
        );
        r.register("peers", "Connected p2p peers (0 without a network)", m.peers.clone());
        r.register("mempool_txs", "Transactions waiting in the mempool", m.mempool_txs.clone());
        r.register("catching_up", "1 while block sync is behind its peers", m.catching_up.clone());
        r.register_with_unit(
            "data_dir",
            "Size of the data directory (RocksDB, WAL)",
            Unit::Bytes,
            m.data_dir_bytes.clone(),
        );
        r.register("blocks_committed", "Blocks committed since start", m.blocks.clone());
        r.register("txs_committed", "Transactions committed since start", m.txs.clone());
        r.register_with_unit(
            "block_interval",
            "Time between consecutive committed blocks (header times)",
            Unit::Seconds,
            m.block_interval.clone(),
        );
        r.register("tx_fuel_used", "Fuel used per committed transaction", m.tx_fuel.clone());
        registry.register_collector(Box::new(process::ProcessCollector));
        Metrics { registry, ..m }
    }

    /// Hook of the commit path: a block and its receipts are committed.
    pub fn block_committed(&self, block: &SealedBlock, receipts: &[pb::Receipt]) {
        self.blocks.inc();
        self.txs.inc_by(block.txs.len() as u64);
        for r in receipts {
            self.tx_fuel.observe(r.fuel_used as f64);
        }
        let time = block.header.header.time_ms;
        let previous = self.last_block_ms.swap(time, Ordering::Relaxed);
        if previous != 0 && time > previous {
            self.block_interval.observe((time - previous) as f64 / 1000.0);
        }
    }

    /// Records the data directory whose size `/metrics` reports. Set once.
    pub fn set_data_dir(&self, dir: PathBuf) {
        let _ = self.data_dir.set(dir);
    }

    /// Attaches the p2p service (networked nodes). Set once.
    pub fn set_p2p(&self, p2p: P2pHandle) {
        let _ = self.p2p.set(p2p);
    }

    /// The p2p service, on a networked node.
    pub fn p2p(&self) -> Option<&P2pHandle> {
        self.p2p.get()
    }

    /// Connected peers; `None` on a node without a network (solo validator).
    pub async fn peers(&self) -> Option<usize> {
        let p2p = self.p2p.get()?;
        Some(p2p.peers().await.map(|p| p.len()).unwrap_or(0))
    }

    /// Reads the scrape-time values from `chain` and encodes every metric.
    pub async fn render(chain: &std::sync::Arc<Chain>) -> Result<String, MetricsError> {
        let m = &chain.metrics;
        m.peers.set(m.peers().await.unwrap_or(0) as i64);
        let c = chain.clone();
        tokio::task::spawn_blocking(move || {
            let m = &c.metrics;
            let height = c.height().map_err(|e| MetricsError::Read(e.to_string()))?;
            let round = c
                .store
                .commit_at(height)
                .map_err(|e| MetricsError::Read(e.to_string()))?
                .map_or(0, |commit| commit.round);
            m.height.set(height as i64);
            m.round.set(i64::from(round));
            m.mempool_txs.set(c.mempool.lock().len() as i64);
            m.catching_up.set(i64::from(c.status.catching_up()));
            if let Some(dir) = m.data_dir.get() {
                m.data_dir_bytes.set(dir_size(dir) as i64);
            }
            let mut out = String::new();
            prometheus_client::encoding::text::encode(&mut out, &m.registry)
                .map_err(|_| MetricsError::Encode)?;
            Ok(out)
        })
        .await
        .map_err(|e| MetricsError::Read(e.to_string()))?
    }
}

/// Why `/metrics` could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// Reading chain state failed.
    #[error("reading node state: {0}")]
    Read(String),
    /// The text encoder failed.
    #[error("encoding metrics failed")]
    Encode,
}

/// Total size of the regular files under `dir` (unreadable entries count 0).
pub fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dir_size_counts_nested_files() {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::write(d.path().join("a"), [0u8; 10]).expect("write");
        std::fs::create_dir(d.path().join("sub")).expect("mkdir");
        std::fs::write(d.path().join("sub/b"), [0u8; 32]).expect("write");
        assert_eq!(dir_size(d.path()), 42);
        assert_eq!(dir_size(&d.path().join("missing")), 0);
    }
}
