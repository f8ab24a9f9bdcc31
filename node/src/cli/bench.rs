//! `bayledger bench`: a load generator for a running chain. Many accounts send
//! pre-signed contract calls (each one WASM call doing two storage writes, the
//! `bench-counter` example contract) as fast as the node admits them, with a
//! bounded number in flight; a block subscription observes each commit. It
//! reports sustained TPS, commit latency p50/p99 and — in the same run — this
//! machine's signature-recovery ceiling on all cores, and the ratio of the two.
//!
//! With several `--node` URLs (a network), accounts are spread over the nodes
//! round-robin — each node admits and gossips its share, as clients of a
//! consortium would spread over its members — and commits are observed on the
//! first node.
//!
//! `bayledger bench reads` measures proof-carrying reads instead ([`reads`]).

pub mod reads;

use super::output::{OutputFormat, print_value};
use bayledger_sdk::client::Client;
use bayledger_sdk::tx::{TxBuilder, sign};
use bayledger_types::crypto::RecoverableSignature;
use bayledger_types::{Address, Hash, SecretKey};
use clap::{Args, Subcommand};
use eyre::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// Arguments of `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Node gRPC URL; several (repeated or comma-separated) spread the
    /// accounts over them, commits are observed on the first.
    #[arg(
        long,
        env = "BAYLEDGER_NODE",
        default_value = "http://127.0.0.1:9090",
        value_delimiter = ','
    )]
    pub node: Vec<String>,
    /// The bench contract (two storage writes per call).
    #[arg(long, default_value = "target/contracts/bench_counter.wasm")]
    pub wasm: PathBuf,
    /// Number of sending accounts.
    #[arg(long, default_value_t = 64)]
    pub accounts: usize,
    /// Total transactions.
    #[arg(long, default_value_t = 10_000)]
    pub txs: usize,
    /// Most transactions admitted but not yet committed.
    #[arg(long, default_value_t = 4_000)]
    pub in_flight: usize,
    /// Offered load in transactions per second over all accounts (0: as fast
    /// as the nodes admit them). Below saturation, latency is the protocol's,
    /// not the queue's.
    #[arg(long, default_value_t = 0)]
    pub rate: u64,
    /// Fuel limit of each call.
    #[arg(long, default_value_t = 2_000_000)]
    pub fuel: u64,
    /// Seconds spent measuring the signature-verification ceiling.
    #[arg(long, default_value_t = 3)]
    pub verify_seconds: u64,
    /// Give up waiting for commits after this many seconds.
    #[arg(long, default_value_t = 300)]
    pub timeout_secs: u64,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value = "text")]
    pub output: OutputFormat,
    /// Another benchmark instead of the transaction load.
    #[command(subcommand)]
    pub other: Option<OtherBench>,
}

/// Benchmarks other than the transaction load.
#[derive(Debug, Subcommand)]
pub enum OtherBench {
    /// Proof-carrying reads (GetStateProof, proven QueryContract) per second
    /// and their latency, every proof verified client-side.
    Reads(reads::ReadsArgs),
}

struct Shared {
    submitted: Mutex<HashMap<Hash, Instant>>,
    latencies: Mutex<Vec<Duration>>,
    committed: AtomicU64,
    failed: AtomicU64,
    errors: Mutex<std::collections::BTreeMap<String, u64>>,
    last_commit: Mutex<Option<Instant>>,
}

impl BenchArgs {
    /// Runs the benchmark.
    pub async fn run(self) -> Result<()> {
        if let Some(OtherBench::Reads(reads)) = self.other {
            return reads.run().await;
        }
        if self.accounts == 0 || self.txs == 0 {
            bail!("--accounts and --txs must be positive");
        }
        let wasm = std::fs::read(&self.wasm).with_context(|| {
            format!("reading {} (build it with scripts/build-contracts.sh)", self.wasm.display())
        })?;
        let mut clients = Vec::with_capacity(self.node.len());
        for url in &self.node {
            clients.push(Client::connect(url).await.with_context(|| format!("connecting {url}"))?);
        }
        let Some(client) = clients.first().cloned() else { bail!("--node is required") };
        let status = client.status().await?;
        let deployer = SecretKey::generate();
        let (code, _) = client.upload_code(&deployer, wasm).await?;
        let (contract, _) = client.instantiate(&deployer, code, b"{}".to_vec(), "bench").await?;
        // Every node has the contract before it gets load.
        let deployed = client.status().await?.latest_height;
        for (url, c) in self.node.iter().zip(&clients).skip(1) {
            let mut blocks = c.subscribe_blocks(deployed).await?;
            tokio::time::timeout(Duration::from_secs(60), blocks.next())
                .await
                .with_context(|| format!("{url} did not reach height {deployed}"))??;
        }

        let txs = self.presign(&status.chain_id, contract, status.latest_height + 100_000);
        let shared = Arc::new(Shared {
            submitted: Mutex::new(HashMap::with_capacity(self.txs)),
            latencies: Mutex::new(Vec::with_capacity(self.txs)),
            committed: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            errors: Mutex::new(Default::default()),
            last_commit: Mutex::new(None),
        });
        let permits = Arc::new(Semaphore::new(self.in_flight));
        let pacer = Arc::new(Pacer::new(self.rate));
        let bar = progress_bar(self.txs as u64, self.output);

        let start_height = client.status().await?.latest_height + 1;
        let mut sub = client.subscribe_blocks(start_height).await?;
        let (s, p, b) = (shared.clone(), permits.clone(), bar.clone());
        let total = self.txs as u64;
        let watcher = tokio::spawn(async move {
            while let Some(block) = sub.next().await? {
                let now = Instant::now();
                let mut subm = s.submitted.lock();
                for h in &block.tx_hashes {
                    if let Some(t0) = subm.remove(h) {
                        s.latencies.lock().push(now - t0);
                        s.committed.fetch_add(1, Ordering::Relaxed);
                        p.add_permits(1);
                        b.inc(1);
                    }
                }
                drop(subm);
                *s.last_commit.lock() = Some(now);
                let done = s.committed.load(Ordering::Relaxed) + s.failed.load(Ordering::Relaxed);
                if done >= total {
                    break;
                }
            }
            Ok::<_, bayledger_sdk::error::SdkError>(())
        });

        let started = Instant::now();
        let mut senders = tokio::task::JoinSet::new();
        for (i, account_txs) in txs.into_iter().enumerate() {
            let c = clients[i % clients.len()].clone();
            let (s, p, pace) = (shared.clone(), permits.clone(), pacer.clone());
            senders.spawn(async move {
                let mut iter = account_txs.into_iter();
                while let Some((hash, bytes)) = iter.next() {
                    let Ok(permit) = p.clone().acquire_owned().await else { return };
                    permit.forget(); // returned by the watcher on commit
                    pace.wait().await;
                    s.submitted.lock().insert(hash, Instant::now());
                    if let Err(e) = c.broadcast(bytes, false, Duration::ZERO).await {
                        // Dropping the account's remaining transactions: they would leave a nonce gap.
                        *s.errors.lock().entry(e.to_string()).or_default() += 1;
                        s.submitted.lock().remove(&hash);
                        let dropped = 1 + iter.len() as u64;
                        s.failed.fetch_add(dropped, Ordering::Relaxed);
                        p.add_permits(1);
                        return;
                    }
                }
            });
        }
        while senders.join_next().await.is_some() {}
        let watch = tokio::time::timeout(Duration::from_secs(self.timeout_secs), watcher).await;
        bar.finish_and_clear();
        match watch {
            Err(_) => bail!("timed out after {} s waiting for commits", self.timeout_secs),
            Ok(r) => r.context("block watcher")??,
        }

        let committed = shared.committed.load(Ordering::Relaxed);
        let failed = shared.failed.load(Ordering::Relaxed);
        let end = shared.last_commit.lock().unwrap_or_else(Instant::now);
        let secs = (end - started).as_secs_f64().max(1e-9);
        let tps = committed as f64 / secs;
        let mut lat = shared.latencies.lock().clone();
        lat.sort();
        let pct = |q: f64| percentile_ms(&lat, q);
        let (ceiling, threads) = verification_ceiling(Duration::from_secs(self.verify_seconds));
        let report = serde_json::json!({
            "nodes": self.node.len(),
            "accounts": self.accounts,
            "offered_rate": self.rate,
            "transactions": self.txs,
            "committed": committed,
            "failed": failed,
            "duration_s": round(secs, 3),
            "tps": round(tps, 1),
            "latency_p50_ms": round(pct(0.50), 1),
            "latency_p99_ms": round(pct(0.99), 1),
            "verify_ceiling_per_s": round(ceiling, 0),
            "verify_threads": threads,
            "tps_over_ceiling": round(tps / ceiling.max(1e-9), 4),
            "errors": shared.errors.lock().clone(),
        });
        print_value(&report, self.output);
        Ok(())
    }

    /// Pre-signs every transaction, accounts round-robin, on all cores.
    fn presign(&self, chain_id: &str, contract: Address, expiry: u64) -> Vec<Vec<(Hash, Vec<u8>)>> {
        let keys: Vec<SecretKey> = (0..self.accounts).map(|_| SecretKey::generate()).collect();
        let per: Vec<usize> = (0..self.accounts)
            .map(|i| self.txs / self.accounts + usize::from(i < self.txs % self.accounts))
            .collect();
        let fuel = self.fuel;
        std::thread::scope(|s| {
            let handles: Vec<_> = keys
                .iter()
                .zip(per)
                .map(|(k, n)| {
                    s.spawn(move || {
                        (0..n as u64)
                            .map(|nonce| {
                                let body = TxBuilder::new(chain_id, k.address(), nonce)
                                    .fuel_limit(fuel)
                                    .expiry_height(expiry)
                                    .call(contract, format!("{{\"n\":{nonce}}}").into_bytes());
                                let bytes = sign(&body, k);
                                (bayledger_sdk::tx::body_hash(&body), bytes)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
        })
    }
}

/// Spaces sends `1/rate` apart across every sender (no limit at rate 0).
struct Pacer {
    interval: Option<Duration>,
    next: Mutex<Option<tokio::time::Instant>>,
}

impl Pacer {
    fn new(rate: u64) -> Pacer {
        let interval = (rate > 0).then(|| Duration::from_secs_f64(1.0 / rate as f64));
        Pacer { interval, next: Mutex::new(None) }
    }

    /// Waits for this send's slot.
    async fn wait(&self) {
        let Some(interval) = self.interval else { return };
        let slot = {
            let mut next = self.next.lock();
            let now = tokio::time::Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

fn progress_bar(len: u64, output: OutputFormat) -> ProgressBar {
    if matches!(output, OutputFormat::Json) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} committed ({per_sec})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// The `q` quantile of sorted durations, in milliseconds (0 when empty).
fn percentile_ms(sorted: &[Duration], q: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 * q).ceil() as usize).saturating_sub(1))
        .map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

fn round(x: f64, digits: i32) -> f64 {
    let m = 10f64.powi(digits);
    (x * m).round() / m
}

/// Signature recoveries per second (what admission does per transaction) on
/// every core for `dur`.
fn verification_ceiling(dur: Duration) -> (f64, usize) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let key = SecretKey::generate();
    let samples: Vec<([u8; 32], RecoverableSignature)> = (0u32..64)
        .map(|i| {
            let d = Hash::sha3(&i.to_be_bytes()).0;
            (d, key.sign_digest(&d))
        })
        .collect();
    let count = AtomicU64::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut n = 0u64;
                while start.elapsed() < dur {
                    for (d, sig) in &samples {
                        if sig.recover(d).is_ok() {
                            n += 1;
                        }
                    }
                }
                count.fetch_add(n, Ordering::Relaxed);
            });
        }
    });
    (count.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64(), threads)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_pacer_never_sends_faster_than_the_rate() {
        let pacer = Pacer::new(1000);
        let start = tokio::time::Instant::now();
        for _ in 0..21 {
            pacer.wait().await;
        }
        assert!(start.elapsed() >= Duration::from_millis(20), "{:?}", start.elapsed());
        assert!(Pacer::new(0).interval.is_none(), "rate 0 is unpaced");
    }
}
