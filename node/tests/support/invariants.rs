//! The load generator and the invariant checker shared by the fault
//! scenarios (`faults.rs`, processes) and the container scenario
//! (`compose.rs`):
//! - every node has the same block hash and state root at every height it holds;
//! - every transaction acknowledged as committed is present exactly once, at the
//!   acknowledged height, on every node;
//! - every commit verifies (`verify_commit`, the genesis set, or the set of its
//!   height when the set changes) with > 2/3 of the power and no signature from
//!   a non-validator.
//!
//! Its negative control (fabricated forks, thin commits, outsiders, lost
//! transactions) is in `faults.rs`.

use super::WAIT;
use bayledger_sdk::client::{BlockInfo, Client};
use bayledger_sdk::tx::{TxBuilder, sign};
use bayledger_types::block;
use bayledger_types::{Address, Hash, SecretKey, pb};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A transaction acknowledged as committed by a node.
#[derive(Debug, Clone, Copy)]
pub struct Acked {
    /// Its hash.
    pub tx_hash: Hash,
    /// The height it was acknowledged at.
    pub height: u64,
}

pub struct Load {
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<(Vec<Acked>, u64)>>,
}

impl Load {
    /// `per_node` concurrent submitters per URL; each transaction comes from a
    /// fresh account (nonce 0), broadcast with wait-for-commit.
    pub fn start(urls: &[String], per_node: usize, chain_id: &str) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for url in urls {
            for _ in 0..per_node {
                let (url, stop, chain_id) = (url.clone(), stop.clone(), chain_id.to_string());
                tasks.push(tokio::spawn(async move {
                    let mut acked = Vec::new();
                    let mut failed = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        match submit_one(&url, &chain_id).await {
                            Some(a) => acked.push(a),
                            None => {
                                failed += 1;
                                tokio::time::sleep(Duration::from_millis(100)).await;
                            }
                        }
                    }
                    (acked, failed)
                }));
            }
        }
        Load { stop, tasks }
    }

    /// Stops the submitters; returns every acknowledged transaction.
    pub async fn finish(self) -> Vec<Acked> {
        self.stop.store(true, Ordering::Relaxed);
        let mut all = Vec::new();
        let mut failed = 0;
        for t in self.tasks {
            let (a, f) = tokio::time::timeout(WAIT, t).await.expect("load stops").expect("task");
            all.extend(a);
            failed += f;
        }
        eprintln!("load: {} acknowledged, {failed} failed submissions", all.len());
        all
    }
}

async fn submit_one(url: &str, chain_id: &str) -> Option<Acked> {
    let client =
        tokio::time::timeout(Duration::from_secs(2), Client::connect(url)).await.ok()?.ok()?;
    let height = client.status().await.ok()?.latest_height;
    let sender = SecretKey::generate();
    let body = TxBuilder::new(chain_id, sender.address(), 0)
        .fuel_limit(100_000)
        .expires_after(height, 100)
        .call(Address([9; 20]), vec![]);
    let r = client.broadcast(sign(&body, &sender), true, Duration::from_secs(8)).await.ok()?;
    (r.receipt.is_some() && r.height > 0).then_some(Acked { tx_hash: r.tx_hash, height: r.height })
}

// ---------------------------------------------------------------------------
// Invariant checker
// ---------------------------------------------------------------------------

/// The blocks one node holds, heights 1..=tip in order.
#[derive(Debug, Clone)]
pub struct ChainView {
    /// The node's name.
    pub name: String,
    /// Its blocks.
    pub blocks: Vec<BlockInfo>,
    /// Taken earlier (e.g. before a crash): may legitimately end below later
    /// acknowledged transactions.
    pub snapshot: bool,
}

impl ChainView {
    pub fn tip(&self) -> u64 {
        self.blocks.last().map_or(0, BlockInfo::height)
    }

    /// Every block the node at `url` holds, 1..=tip.
    pub async fn of(url: &str, name: &str) -> ChainView {
        let c = Client::connect(url).await.expect("connect");
        let tip = c.status().await.expect("status").latest_height;
        let mut blocks = Vec::new();
        for h in 1..=tip {
            blocks.push(c.block_by_height(h).await.expect("block"));
        }
        ChainView { name: name.to_string(), blocks, snapshot: false }
    }
}

/// Checks the invariants over `views`, every commit against `set`; returns
/// the highest tip.
pub fn check_invariants(
    views: &[ChainView],
    acked: &[Acked],
    chain_id: &str,
    set: &pb::ValidatorSet,
) -> Result<u64, String> {
    check_invariants_by_height(views, acked, chain_id, &|_| set)
}

/// [`check_invariants`] with the validator set of each height (`set_at(h)`
/// signs block `h`).
pub fn check_invariants_by_height<'a>(
    views: &[ChainView],
    acked: &[Acked],
    chain_id: &str,
    set_at: &dyn Fn(u64) -> &'a pb::ValidatorSet,
) -> Result<u64, String> {
    // Height -> (hash, state root, first node that holds it).
    let mut canonical: BTreeMap<u64, (Hash, Hash, &str)> = BTreeMap::new();
    for v in views {
        for (i, b) in v.blocks.iter().enumerate() {
            let h = b.height();
            if h != i as u64 + 1 {
                return Err(format!("{}: block {i} has height {h} (gap)", v.name));
            }
            if b.block.hash() != b.hash || b.header().chain_id != chain_id {
                return Err(format!("{}: block {h} is inconsistent", v.name));
            }
            let root = b.block.header.state_root();
            match canonical.get(&h) {
                Some((hash, r, who)) if (*hash, *r) != (b.hash, root) => {
                    return Err(format!(
                        "fork at height {h}: {who} has {hash} (state {r}), {} has {} (state {root})",
                        v.name, b.hash
                    ));
                }
                Some(_) => {}
                None => {
                    canonical.insert(h, (b.hash, root, &v.name));
                }
            }
            // Commit: > 2/3 of the height's power, only its validators' signatures.
            let set = set_at(h);
            let total: u128 = set.validators.iter().map(|v| u128::from(v.power)).sum();
            let commit =
                b.commit.as_ref().ok_or_else(|| format!("{}: block {h} has no commit", v.name))?;
            let mut power: u128 = 0;
            for sig in &commit.signatures {
                let member = set.validators.iter().find(|m| m.address == sig.validator);
                let member = member.ok_or_else(|| {
                    format!(
                        "{}: commit {h} signed by non-validator {}",
                        v.name,
                        hex::encode(&sig.validator)
                    )
                })?;
                power += u128::from(member.power);
            }
            if power * 3 <= total * 2 {
                return Err(format!("{}: commit {h} carries {power}/{total} power", v.name));
            }
            block::verify_commit(commit, chain_id, h, &b.hash, set)
                .map_err(|e| format!("{}: commit {h} does not verify: {e}", v.name))?;
        }
    }
    let max_acked = acked.iter().map(|a| a.height).max().unwrap_or(0);
    for v in views {
        if !v.snapshot && v.tip() < max_acked {
            return Err(format!(
                "{} holds {} blocks, a tx was acked at {max_acked}",
                v.name,
                v.tip()
            ));
        }
        let mut where_: HashMap<Hash, Vec<u64>> = HashMap::new();
        for b in &v.blocks {
            for t in &b.tx_hashes {
                where_.entry(*t).or_default().push(b.height());
            }
        }
        for a in acked.iter().filter(|a| a.height <= v.tip()) {
            match where_.get(&a.tx_hash).map(Vec::as_slice) {
                Some([h]) if *h == a.height => {}
                found => {
                    return Err(format!(
                        "{}: acked tx {} (height {}) found at {found:?}",
                        v.name, a.tx_hash, a.height
                    ));
                }
            }
        }
    }
    Ok(canonical.keys().next_back().copied().unwrap_or(0))
}
