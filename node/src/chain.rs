//! The node's chain state: storage, VM, mempool, and the [`Application`] the
//! consensus engine drives (build → commit). Shared by the block producer and
//! the RPC services behind an `Arc`.
//!
//! Every executed block (built here or re-executed by [`ChainApp::verify_block`])
//! is kept with its receipts and prepared state, keyed by block hash, until a
//! block at its height commits: `commit_block` of a decided block commits
//! exactly what was verified, and re-executes a block it has not seen
//! (restart, replay, block sync). Verification rules live in [`crate::verify`].
//!
//! The validator set of height `h` is `sys/validators` in the state after
//! `h - 1` ([`Chain::validators_at`]; governance changes it at a height).
//!
//! Storage is any [`ChainStore`]: [`Chain::open`] opens the RocksDB [`Store`]
//! in the data directory; [`Chain::open_with_store`] takes another one, such
//! as a [`bayledger_storage::MemChainStore`] for tests and simulations.

use crate::config::NodeConfig;
use crate::evidence::{self, EvidencePool};
use crate::execution::{ExecError, Executor, account_nonce};
use crate::genesis_state::genesis_writes;
use crate::mempool::{self, Mempool, MempoolError, StateAccounts};
use crate::node_status::NodeStatus;
use crate::verify::{self, Executed};
use bayledger_consensus::Application;
use bayledger_genesis::{Genesis, Params};
use bayledger_storage::{BlockCommit, ChainStore, PreparedState, Store};
use bayledger_types::block::{SealedHeader, receipts_root, tx_root_of, validator_set_hash};
use bayledger_types::tx::{TxContext, VerifiedTx};
use bayledger_types::{Address, Hash, MemState, SealedBlock, StateError, pb, state_keys};
use bayledger_vm::{BlockEnv, CodeLimits, Overlay, Vm, VmConfig};
use eyre::{Context, Result, bail};
use parking_lot::Mutex;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, OnceLock};
use tokio::sync::{Notify, broadcast, mpsc, watch};

/// Everything a running node shares.
pub struct Chain {
    /// Block, receipt and state storage.
    pub store: Arc<dyn ChainStore>,
    /// Contract VM.
    pub vm: Vm,
    /// The chain's genesis.
    pub genesis: Genesis,
    /// Its canonical hash.
    pub genesis_hash: Hash,
    /// The genesis validator set (the set of height 1). The set of any
    /// height: [`Chain::validators_at`].
    pub validators: pb::ValidatorSet,
    /// Validator sets by height, read once each ([`Chain::validators_at`]).
    validator_sets: HeightCache<Arc<pb::ValidatorSet>>,
    /// Parameters by height, read once each ([`Chain::params_at`]).
    params: HeightCache<Params>,
    /// Pending transactions.
    pub mempool: Mutex<Mempool>,
    /// Verified equivocation evidence waiting for a block.
    pub evidence: Mutex<EvidencePool>,
    /// What the node reports about itself (validator address, catching up).
    pub status: NodeStatus,
    /// Prometheus metrics (`/metrics`).
    pub metrics: crate::metrics::Metrics,
    /// Heights as they commit.
    pub committed: broadcast::Sender<u64>,
    /// Set once when the node stops: server streams end (see `rpc::stream`).
    closing: watch::Sender<bool>,
    /// Node configuration.
    pub config: NodeConfig,
    /// Executed (built or verified) blocks not yet committed, by block hash.
    executed: Mutex<HashMap<Hash, Executed>>,
    /// Where locally submitted transactions go to be gossiped (BFT network).
    tx_outbox: OnceLock<mpsc::UnboundedSender<Vec<u8>>>,
    /// Signalled whenever transactions enter the mempool.
    tx_admitted: Notify,
    /// Validator-set changes found so far by `ListValidatorSetChanges`.
    pub(crate) set_changes: Mutex<crate::rpc::light::ChangeIndex>,
}

impl std::fmt::Debug for Chain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chain").field("chain_id", &self.genesis.chain_id).finish_non_exhaustive()
    }
}

/// Included transactions, their receipts and the state after them.
pub(crate) type Execution = (Vec<Vec<u8>>, Vec<pb::Receipt>, PreparedState);

/// Why a block could not be built or committed.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// Execution failed.
    #[error(transparent)]
    Exec(#[from] ExecError),
    /// Storage failed.
    #[error("storage: {0}")]
    Storage(#[from] bayledger_storage::StorageError),
    /// State read failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// A proposed or synced block breaks a validity rule.
    #[error("invalid block {hash} at height {height}: {reason}")]
    InvalidBlock {
        /// Block hash.
        hash: Hash,
        /// Its height.
        height: u64,
        /// The broken rule.
        reason: String,
    },
    /// No validator set is known for the height: it is above the next one
    /// (its set is fixed by a block not committed yet), or 0.
    #[error("no validator set for height {height}: the latest committed height is {latest}")]
    NoValidatorSet {
        /// Requested height.
        height: u64,
        /// Latest committed height.
        latest: u64,
    },
    /// The stored validator set does not decode.
    #[error("validator set of height {height}: {reason}")]
    BadValidatorSet {
        /// Height it signs.
        height: u64,
        /// Why.
        reason: String,
    },
    /// Asked to build a block for a height that is not the next one.
    #[error("cannot build height {requested}: the next height is {next}")]
    NotNextHeight {
        /// Requested height.
        requested: u64,
        /// The next height.
        next: u64,
    },
}

impl Chain {
    /// Opens (or initialises from genesis) the chain stored under `data_dir`.
    /// Refuses to start when the database belongs to a different genesis.
    pub fn open(data_dir: &Path, genesis: Genesis, config: NodeConfig) -> Result<Arc<Chain>> {
        check_genesis(&genesis)?;
        let store_config = bayledger_storage::StoreConfig {
            pruning: config.storage.pruning.into(),
            ..Default::default()
        };
        let store = Store::open_with(data_dir, &store_config)
            .with_context(|| format!("opening database {}", data_dir.display()))?;
        Chain::start(Arc::new(store), genesis, config)
    }

    /// Opens (or initialises from genesis) the chain held by `store`, e.g. a
    /// `MemChainStore` shared with a test that restarts the chain on it.
    /// Refuses a store that belongs to a different genesis.
    pub fn open_with_store(
        store: Arc<dyn ChainStore>,
        genesis: Genesis,
        config: NodeConfig,
    ) -> Result<Arc<Chain>> {
        check_genesis(&genesis)?;
        Chain::start(store, genesis, config)
    }

    /// Starts the VM and commits genesis to `store` unless it holds it.
    fn start(
        store: Arc<dyn ChainStore>,
        genesis: Genesis,
        config: NodeConfig,
    ) -> Result<Arc<Chain>> {
        let genesis_hash = genesis.hash();
        let vm_config = VmConfig {
            code_limits: CodeLimits {
                max_code_bytes: genesis.params.max_code_bytes as usize,
                ..CodeLimits::default()
            },
            ..VmConfig::default()
        };
        let vm = Vm::new(vm_config).context("starting the VM")?;
        match store.genesis_hash()? {
            Some(h) if h != genesis_hash => bail!(
                "genesis mismatch: the database was initialised with genesis {h}, but genesis.json hashes to {genesis_hash}; \
                 refusing to start"
            ),
            Some(_) => {}
            None => {
                let writes = genesis_writes(&genesis, &vm, &MemState::default())?;
                let prepared = store.prepare_state(0, &writes)?;
                store.commit_genesis(genesis_hash, &genesis.chain_id, prepared)?;
                tracing::info!(%genesis_hash, chain_id = %genesis.chain_id, "initialised chain from genesis");
            }
        }
        let validators = genesis.validator_set();
        let (committed, _) = broadcast::channel(1024);
        let (closing, _) = watch::channel(false);
        Ok(Arc::new(Chain {
            mempool: Mutex::new(Mempool::new(config.mempool.clone())),
            evidence: Mutex::new(EvidencePool::default()),
            status: NodeStatus::default(),
            metrics: crate::metrics::Metrics::new(),
            store,
            vm,
            genesis,
            genesis_hash,
            validators,
            validator_sets: HeightCache::default(),
            params: HeightCache::default(),
            committed,
            closing,
            config,
            executed: Mutex::new(HashMap::new()),
            tx_outbox: OnceLock::new(),
            tx_admitted: Notify::new(),
            set_changes: Mutex::default(),
        }))
    }

    /// The validator set that signs block `height` (its proposer, its commit):
    /// `sys/validators` in the state after block `height - 1` — the genesis
    /// state for block 1. Known for every height up to the next one; read
    /// from storage once per height, then cached.
    pub fn validators_at(&self, height: u64) -> Result<Arc<pb::ValidatorSet>, ChainError> {
        if let Some(set) = self.validator_sets.get(height) {
            return Ok(set);
        }
        let latest = self.height()?;
        if height == 0 || height > latest + 1 {
            return Err(ChainError::NoValidatorSet { height, latest });
        }
        let bad = |reason: String| ChainError::BadValidatorSet { height, reason };
        let bytes = match self.store.state_at(height - 1) {
            Ok(state) => state
                .get(state_keys::VALIDATORS)?
                .ok_or_else(|| bad("no validator set in the state".into()))?,
            // A pruning node: the header names the set, whose history entry is never deleted.
            Err(bayledger_storage::StorageError::Pruned { .. }) => {
                let header = self
                    .store
                    .block_by_height(height)?
                    .ok_or_else(|| bad("state pruned and no block at that height".into()))?
                    .header
                    .header;
                let set_hash = Hash::from_slice(&header.validator_set_hash)
                    .ok_or_else(|| bad("header validator_set_hash is not 32 bytes".into()))?;
                self.store
                    .latest_state()?
                    .get(&state_keys::validator_set_by_hash(&set_hash))?
                    .ok_or_else(|| bad(format!("no validator set {set_hash} in the history")))?
            }
            Err(e) => return Err(e.into()),
        };
        let set = bayledger_types::canonical::decode_canonical::<pb::ValidatorSet>(
            "ValidatorSet",
            &bytes,
        )
        .map_err(|e| bad(e.to_string()))?;
        if set.validators.is_empty() {
            return Err(bad("the set is empty".into()));
        }
        let set = Arc::new(set);
        self.validator_sets.insert(height, set.clone());
        Ok(set)
    }

    /// The chain parameters in force for block `height` (`sys/params` in the
    /// state after `height - 1`; governance changes them at a height, ADR 0012).
    /// A state without `sys/params` (a chain initialised before it existed)
    /// has the genesis parameters. Heights above the next one read the latest
    /// state (changes scheduled beyond it are not in force yet). Read from
    /// storage once per height up to the next one, then cached (the state
    /// after a committed block never changes).
    pub fn params_at(&self, height: u64) -> Result<Params, ChainError> {
        let height = height.max(1);
        if let Some(params) = self.params.get(height) {
            return Ok(params);
        }
        let latest = self.height()?;
        let state = self.store.state_at((height - 1).min(latest))?;
        let params = bayledger_vm::system::params_in_force(&*state)
            .map_err(ExecError::from)?
            .unwrap_or(self.genesis.params);
        // Above the next height the answer follows the latest state: not cached.
        if height <= latest + 1 {
            self.params.insert(height, params);
        }
        Ok(params)
    }

    /// Ends every open server stream (blocks, events) with UNAVAILABLE, so a
    /// graceful shutdown does not wait on subscribers. Called once on stop.
    pub fn close_streams(&self) {
        self.closing.send_replace(true);
    }

    /// Becomes `true` when the node stops ([`Chain::close_streams`]).
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Latest committed height (0 = only genesis).
    pub fn height(&self) -> Result<u64, ChainError> {
        Ok(self.store.latest_height()?.unwrap_or(0))
    }

    /// The next nonce of `addr` in the latest committed state.
    pub fn nonce(&self, addr: &Address) -> Result<u64, StateError> {
        let state = self.store.latest_state().map_err(|e| StateError(e.to_string()))?;
        account_nonce(|k| state.get(k), addr)
    }

    /// Admits a transaction submitted by a client into the mempool and hands
    /// it to the network for gossip (when one is attached).
    pub fn submit(&self, tx: &[u8]) -> Result<Hash, MempoolError> {
        let hash = self.admit(tx)?;
        if let Some(outbox) = self.tx_outbox.get() {
            let _ = outbox.send(tx.to_vec());
        }
        Ok(hash)
    }

    /// Sends every transaction later admitted by [`Chain::submit`] to
    /// `outbox` (the network task publishes them). Set once.
    pub fn set_tx_outbox(&self, outbox: mpsc::UnboundedSender<Vec<u8>>) {
        let _ = self.tx_outbox.set(outbox);
    }

    /// Admits a transaction into the mempool without gossiping it (it came
    /// from the network, which forwards it once accepted).
    pub fn admit(&self, tx: &[u8]) -> Result<Hash, MempoolError> {
        let mut results = self.admit_batch(&[tx]);
        results.pop().expect("admit_batch returns one result per transaction")
    }

    /// Admits transactions in order ([`mempool::admit_batch`]: cheap checks,
    /// then the signatures on every core, then ordered inserts); one result
    /// per transaction. Wakes a proposer waiting for transactions.
    pub fn admit_batch<T: AsRef<[u8]>>(&self, txs: &[T]) -> Vec<Result<Hash, MempoolError>> {
        let height = match self.height() {
            Ok(h) => h + 1,
            Err(e) => {
                let e = StateError(e.to_string());
                return txs.iter().map(|_| Err(MempoolError::State(e.clone()))).collect();
            }
        };
        let params = match self.params_at(height) {
            Ok(p) => p,
            Err(e) => {
                let e = StateError(e.to_string());
                return txs.iter().map(|_| Err(MempoolError::State(e.clone()))).collect();
            }
        };
        let ctx =
            TxContext { chain_id: &self.genesis.chain_id, height, max_tx_fuel: params.max_tx_fuel };
        let results =
            mempool::admit_batch(&self.mempool, txs, params.max_tx_bytes as usize, &ctx, || {
                let state = self.store.latest_state().map_err(|e| StateError(e.to_string()))?;
                Ok(StateAccounts(state))
            });
        if results.iter().any(Result::is_ok) {
            self.tx_admitted.notify_waiters();
        }
        results
    }

    /// Waits until the mempool holds a transaction or `deadline` passes.
    pub async fn wait_for_txs(&self, deadline: tokio::time::Instant) {
        loop {
            let admitted = self.tx_admitted.notified();
            tokio::pin!(admitted);
            admitted.as_mut().enable();
            if !self.mempool.lock().is_empty() {
                return;
            }
            tokio::select! {
                _ = admitted => {}
                _ = tokio::time::sleep_until(deadline) => return,
            }
        }
    }

    /// Time of the block at `height` (the genesis time for 0).
    pub fn block_time_ms(&self, height: u64) -> Result<u64> {
        Ok(match height {
            0 => self.genesis.genesis_time_ms()?,
            h => {
                self.store
                    .block_by_height(h)?
                    .ok_or_else(|| eyre::eyre!("block {h} missing"))?
                    .header
                    .header
                    .time_ms
            }
        })
    }

    /// Hash of the block at `height` (the genesis hash for 0).
    pub fn block_hash(&self, height: u64) -> Result<Option<Hash>, ChainError> {
        Ok(match height {
            0 => Some(self.genesis_hash),
            h => self.store.block_by_height(h)?.map(|b| b.hash()),
        })
    }

    /// Executes `txs` on the latest state as block `height` at `time_ms`, under
    /// `params` (those in force for `height`, [`Chain::params_at`]). With
    /// `strict`, a transaction that cannot execute (wrong nonce, expired)
    /// fails the whole block; otherwise it is left out. The block's checked
    /// evidence (offence id, bytes) is then indexed under `sys/evidence/`.
    pub(crate) fn execute(
        &self,
        height: u64,
        time_ms: u64,
        params: &Params,
        txs: &[VerifiedTx],
        evidence: &[(Hash, Vec<u8>)],
        strict: bool,
    ) -> Result<Execution, ChainError> {
        let base = self.store.latest_state()?;
        let mut overlay = Overlay::new(&*base);
        let env = BlockEnv { height, time_ms, chain_id: self.genesis.chain_id.clone() };
        let executor = Executor { vm: &self.vm, params };
        let (mut included, mut receipts) = (Vec::new(), Vec::new());
        for tx in txs {
            match executor.execute_tx(&mut overlay, &env, tx) {
                Ok(r) => {
                    included.push(tx.bytes.clone());
                    receipts.push(r);
                }
                Err(ExecError::InvalidTx { hash, reason }) if !strict => {
                    tracing::debug!(%hash, %reason, "left out of block")
                }
                Err(e) => return Err(e.into()),
            }
        }
        for (id, bytes) in evidence {
            overlay.put(evidence::state_key(id), evidence::state_value(height, bytes));
        }
        executor.end_block(&mut overlay, height)?;
        let writes = overlay.into_writes();
        let prepared = self.store.prepare_state(height, &writes)?;
        Ok((included, receipts, prepared))
    }

    /// Keeps an executed block until its height commits.
    pub(crate) fn remember(&self, hash: Hash, executed: Executed) {
        let mut map = self.executed.lock();
        // Bounded: a height sees a handful of proposals (one per round).
        if map.len() >= 64 {
            let newest = map.values().map(|e| e.height).max().unwrap_or(0);
            map.retain(|_, e| e.height >= newest);
        }
        map.insert(hash, executed);
    }

    /// Fully re-executes a block proposed by another validator against the
    /// latest state (rules: [`crate::verify`]), with the future-time bound, and
    /// keeps the result for `commit_block`. Returns how many transaction
    /// signatures it had to check (the others were verified in the mempool).
    pub fn verify_proposal(&self, block: &SealedBlock) -> Result<usize, ChainError> {
        let executed = verify::verify_block(self, block, Some(verify::now_ms()))?;
        let checked = executed.sigs_checked;
        self.remember(block.hash(), executed);
        Ok(checked)
    }

    /// The application view the consensus engine drives.
    pub fn app(&self) -> ChainApp<'_> {
        ChainApp(self)
    }
}

/// Heights a [`HeightCache`] keeps.
const HEIGHT_CACHE: usize = 64;

/// What committed state fixes for a height (its validator set, its
/// parameters), read once per height. Bounded: consensus, sync, evidence and
/// admission look at recent heights; the lowest height goes first.
#[derive(Debug)]
struct HeightCache<T>(Mutex<BTreeMap<u64, T>>);

impl<T> Default for HeightCache<T> {
    fn default() -> Self {
        HeightCache(Mutex::new(BTreeMap::new()))
    }
}

impl<T: Clone> HeightCache<T> {
    fn get(&self, height: u64) -> Option<T> {
        self.0.lock().get(&height).cloned()
    }

    fn insert(&self, height: u64, value: T) {
        let mut cache = self.0.lock();
        while cache.len() >= HEIGHT_CACHE {
            cache.pop_first();
        }
        cache.insert(height, value);
    }
}

/// A genesis this node can start from.
fn check_genesis(genesis: &Genesis) -> Result<()> {
    genesis.validate().context("invalid genesis")?;
    if genesis.initial_height != 1 {
        bail!("initial_height {} is not supported yet (only 1)", genesis.initial_height);
    }
    Ok(())
}

/// [`Application`] over a [`Chain`].
#[derive(Debug)]
pub struct ChainApp<'a>(&'a Chain);

impl Application for ChainApp<'_> {
    type Error = ChainError;

    fn build_block(
        &mut self,
        height: u64,
        time_ms: u64,
        proposer: Address,
        last_commit: Option<pb::Commit>,
    ) -> Result<SealedBlock, ChainError> {
        let chain = self.0;
        let next = chain.height()? + 1;
        if height != next {
            return Err(ChainError::NotNextHeight { requested: height, next });
        }
        let params = chain.params_at(height)?;
        let candidates = chain.mempool.lock().reap(
            params.max_block_txs as usize,
            params.max_block_bytes as usize,
            params.max_block_fuel,
        );
        let pending = evidence::reap(chain, height);
        let (txs, receipts, prepared) =
            chain.execute(height, time_ms, &params, &candidates, &pending, false)?;
        let ev: Vec<Vec<u8>> = pending.iter().map(|(_, b)| b.clone()).collect();
        let evidence_ids: Vec<Hash> = pending.into_iter().map(|(id, _)| id).collect();
        let parent_hash = chain.block_hash(height - 1)?.unwrap_or_default();
        let header = pb::BlockHeader {
            chain_id: chain.genesis.chain_id.clone(),
            height,
            time_ms,
            parent_hash: parent_hash.0.to_vec(),
            proposer: proposer.0.to_vec(),
            tx_root: tx_root_of(&txs).0.to_vec(),
            receipts_root: receipts_root(&receipts).0.to_vec(),
            state_root: prepared.root.0.to_vec(),
            validator_set_hash: validator_set_hash(&*chain.validators_at(height)?).0.to_vec(),
            last_commit,
            tx_count: txs.len() as u32,
            evidence_root: evidence::evidence_root(&ev),
        };
        let block = SealedBlock { header: SealedHeader::seal(header), txs, evidence: ev };
        let executed =
            Executed { height, receipts, state: prepared, evidence_ids, sigs_checked: 0 };
        chain.remember(block.hash(), executed);
        Ok(block)
    }

    /// [`Chain::verify_proposal`].
    fn verify_block(&mut self, block: &SealedBlock) -> Result<(), ChainError> {
        self.0.verify_proposal(block).map(drop)
    }

    /// Commits a decided block: exactly the verified (or built) result when
    /// this node executed it, else after re-executing it (restart, replay,
    /// sync; no future-time bound: the block is already decided). Re-committing
    /// a committed block is a no-op.
    fn commit_block(&mut self, block: &SealedBlock, commit: &pb::Commit) -> Result<(), ChainError> {
        let chain = self.0;
        let (height, hash) = (block.height(), block.hash());
        if height <= chain.height()? && chain.block_hash(height)? == Some(hash) {
            return Ok(());
        }
        verify::check_commit(chain, block, commit)?;
        let cached = chain.executed.lock().remove(&hash);
        let executed = match cached {
            Some(e) => e,
            None => verify::verify_block(chain, block, None)?,
        };
        let executed_ids = executed.evidence_ids.clone();
        chain.store.commit_block(BlockCommit {
            block,
            commit,
            receipts: &executed.receipts,
            state: executed.state,
        })?;
        chain.metrics.block_committed(block, &executed.receipts);
        chain.executed.lock().retain(|_, e| e.height > height);
        if !executed_ids.is_empty() {
            chain.evidence.lock().remove(&executed_ids);
            tracing::info!(height, count = executed_ids.len(), "committed equivocation evidence");
        }
        let state = chain.store.latest_state()?;
        chain
            .mempool
            .lock()
            .update(&block.tx_hashes(), height + 1, |a| account_nonce(|k| state.get(k), a))?;
        let _ = chain.committed.send(height);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::producer::produce_one;
    use bayledger_consensus::SoloEngine;
    use bayledger_storage::MemChainStore;
    use prost::Message;

    use crate::test_utils::{call_tx, key};

    const CHAIN_ID: &str = "mem-chain";

    fn genesis() -> Genesis {
        Genesis::single_validator(CHAIN_ID, &key(1).public_key(), 1_700_000_000_000)
    }

    fn engine(chain: &Chain) -> SoloEngine {
        SoloEngine::new::<ChainError>(CHAIN_ID.into(), key(1), chain.validators.clone())
            .expect("key 1 is the validator")
    }

    /// Submits one call and produces blocks 1 and 2; returns the call's hash.
    fn run_two_blocks(chain: &Chain) -> Hash {
        let tx = chain.submit(&call_tx(CHAIN_ID, &key(2), 0)).expect("admitted");
        let engine = engine(chain);
        assert_eq!(produce_one(chain, &engine).expect("block 1"), 1);
        assert_eq!(produce_one(chain, &engine).expect("block 2"), 2);
        tx
    }

    #[test]
    fn a_chain_runs_and_restarts_on_the_in_memory_store() {
        let store = Arc::new(MemChainStore::new());
        let chain =
            Chain::open_with_store(store.clone(), genesis(), NodeConfig::default()).expect("opens");
        assert_eq!(store.genesis_hash().expect("reads"), Some(genesis().hash()));
        let tx = run_two_blocks(&chain);

        let stored = store.tx(&tx).expect("reads").expect("committed");
        assert_eq!((stored.height, stored.index), (1, 0));
        assert_eq!(stored.receipt.tx_hash, tx.0.to_vec());
        assert_eq!(chain.nonce(&key(2).address()).expect("nonce"), 1);
        let b1 = store.block_by_height(1).expect("reads").expect("block 1");
        let b2 = store.block_by_height(2).expect("reads").expect("block 2");
        assert_eq!(b1.header.header.parent_hash, genesis().hash().0.to_vec());
        assert_eq!(b2.header.header.parent_hash, b1.hash().0.to_vec());
        assert_eq!(store.state_root(2).expect("reads"), Some(b2.header.state_root()));
        let commit = store.commit_at(2).expect("reads").expect("commit 2");
        assert_eq!(commit.block_hash, b2.hash().0.to_vec());
        drop(chain);

        // A restart on the same store continues the chain.
        let chain = Chain::open_with_store(store.clone(), genesis(), NodeConfig::default())
            .expect("reopens");
        assert_eq!(chain.height().expect("height"), 2);
        assert_eq!(produce_one(&chain, &engine(&chain)).expect("block 3"), 3);
        let b3 = store.block_by_height(3).expect("reads").expect("block 3");
        assert_eq!(b3.header.header.parent_hash, b2.hash().0.to_vec());

        let mut other = genesis();
        other.params.max_block_txs += 1;
        let err = Chain::open_with_store(store, other, NodeConfig::default())
            .expect_err("a store of another genesis");
        assert!(err.to_string().contains("genesis mismatch"), "{err}");
    }

    fn set_of(keys: &[u8]) -> pb::ValidatorSet {
        pb::ValidatorSet {
            validators: keys
                .iter()
                .map(|k| pb::Validator::of_key(&key(*k).public_key(), 10, ""))
                .collect(),
        }
    }

    fn commit_by(signer: u8, block: &SealedBlock) -> pb::Commit {
        let hash = block.hash();
        pb::Commit {
            height: block.height(),
            round: 0,
            block_hash: hash.0.to_vec(),
            signatures: vec![bayledger_types::block::sign_vote(
                &key(signer),
                CHAIN_ID,
                block.height(),
                0,
                &hash,
            )],
        }
    }

    /// Commits the next block straight to the store with `writes` as its
    /// whole state change (what governance's end-of-block set change writes),
    /// proposed and signed by validator `signer`.
    fn commit_state_change(
        chain: &Chain,
        writes: bayledger_types::WriteSet,
        signer: u8,
    ) -> SealedBlock {
        let height = chain.height().expect("height") + 1;
        let prepared = chain.store.prepare_state(height, &writes).expect("prepares");
        let header = pb::BlockHeader {
            chain_id: CHAIN_ID.into(),
            height,
            time_ms: chain.block_time_ms(height - 1).expect("parent time") + 1,
            parent_hash: chain.block_hash(height - 1).expect("reads").expect("parent").0.to_vec(),
            proposer: key(signer).address().0.to_vec(),
            tx_root: tx_root_of(&[]).0.to_vec(),
            receipts_root: receipts_root(&[]).0.to_vec(),
            state_root: prepared.root.0.to_vec(),
            validator_set_hash: validator_set_hash(&chain.validators_at(height).expect("set"))
                .0
                .to_vec(),
            last_commit: chain.store.commit_at(height - 1).expect("reads"),
            ..Default::default()
        };
        let block =
            SealedBlock { header: SealedHeader::seal(header), txs: vec![], evidence: vec![] };
        let commit = commit_by(signer, &block);
        chain
            .store
            .commit_block(BlockCommit {
                block: &block,
                commit: &commit,
                receipts: &[],
                state: prepared,
            })
            .expect("commits");
        block
    }

    #[test]
    fn each_height_is_signed_by_the_set_in_the_state_after_its_parent() {
        let chain = Chain::open_with_store(
            Arc::new(MemChainStore::new()),
            genesis(),
            NodeConfig::default(),
        )
        .expect("opens");
        let genesis_set = genesis().validator_set();
        assert_eq!(*chain.validators_at(1).expect("genesis state"), genesis_set);
        for unknown in [0, 2] {
            assert!(
                matches!(
                    chain.validators_at(unknown),
                    Err(ChainError::NoValidatorSet { height, latest: 0 }) if height == unknown
                ),
                "height {unknown}"
            );
        }

        // Block 1 hands the chain to validator 3 from height 2 on.
        let next_set = set_of(&[3]);
        let writes = [(state_keys::VALIDATORS.to_vec(), Some(next_set.encode_to_vec()))].into();
        commit_state_change(&chain, writes, 1);
        assert_eq!(*chain.validators_at(1).expect("cached"), genesis_set);
        assert_eq!(*chain.validators_at(2).expect("state after 1"), next_set);
        assert!(matches!(chain.validators_at(3), Err(ChainError::NoValidatorSet { .. })));

        // Block 2 names the new set; its parent's commit (by validator 1) is
        // checked with the parent's set; its own commit only counts validator 3.
        let block = chain
            .app()
            .build_block(2, chain.block_time_ms(1).expect("time") + 1, key(3).address(), {
                chain.store.commit_at(1).expect("reads")
            })
            .expect("builds");
        assert_eq!(
            block.header.header.validator_set_hash,
            validator_set_hash(&next_set).0.to_vec()
        );
        chain.verify_proposal(&block).expect("valid under the new set");
        let err = chain.app().commit_block(&block, &commit_by(1, &block)).expect_err("old signer");
        assert!(err.to_string().contains("commit"), "{err}");
        chain.app().commit_block(&block, &commit_by(3, &block)).expect("new signer");
        assert_eq!(chain.height().expect("height"), 2);

        // A proposal still naming the old set, or proposed by the old
        // validator, is invalid.
        let stale = chain
            .app()
            .build_block(3, chain.block_time_ms(2).expect("time") + 1, key(1).address(), {
                chain.store.commit_at(2).expect("reads")
            })
            .expect("builds");
        let err = chain.verify_proposal(&stale).expect_err("proposer left");
        assert!(err.to_string().contains("is not a validator"), "{err}");
    }

    #[test]
    fn params_are_those_after_the_parent_and_beyond_the_next_height_follow_the_latest_state() {
        let chain = Chain::open_with_store(
            Arc::new(MemChainStore::new()),
            genesis(),
            NodeConfig::default(),
        )
        .expect("opens");
        let before = genesis().params;
        for h in [0, 1, 2, 5] {
            assert_eq!(chain.params_at(h).expect("params"), before, "height {h}");
        }
        // Block 1 changes the parameters from height 2 on.
        let after = Params { max_block_txs: before.max_block_txs + 1, ..before };
        let json = serde_json::to_vec(&after).expect("encodes");
        commit_state_change(&chain, [(state_keys::PARAMS.to_vec(), Some(json))].into(), 1);
        assert_eq!(chain.params_at(1).expect("cached"), before);
        assert_eq!(chain.params_at(2).expect("state after 1"), after);
        assert_eq!(chain.params_at(5).expect("the latest state, not a cached answer"), after);
    }

    #[test]
    fn a_stored_set_that_does_not_decode_is_named() {
        let chain = Chain::open_with_store(
            Arc::new(MemChainStore::new()),
            genesis(),
            NodeConfig::default(),
        )
        .expect("opens");
        let writes = [(state_keys::VALIDATORS.to_vec(), Some(vec![0xff, 0x01]))].into();
        commit_state_change(&chain, writes, 1);
        let err = chain.validators_at(2).expect_err("garbage");
        assert!(matches!(err, ChainError::BadValidatorSet { height: 2, .. }), "{err}");
    }

    #[test]
    fn a_pruning_node_still_knows_the_set_of_an_old_height() {
        let store =
            MemChainStore::with_pruning(bayledger_storage::Pruning::KeepRecent(2)).expect("policy");
        let chain = Chain::open_with_store(Arc::new(store), genesis(), NodeConfig::default())
            .expect("opens");
        let engine = engine(&chain);
        for h in 1..=6 {
            assert_eq!(produce_one(&chain, &engine).expect("block"), h);
        }
        assert!(
            matches!(chain.store.state_at(1), Err(bayledger_storage::StorageError::Pruned { .. })),
            "state 1 is pruned"
        );
        // Height 2's set comes from the header's hash and the never-deleted history entry.
        assert_eq!(*chain.validators_at(2).expect("set of height 2"), chain.validators);
        assert_eq!(*chain.validators_at(7).expect("set of the next height"), chain.validators);
    }

    #[test]
    fn rocksdb_and_memory_chains_reach_the_same_state_roots() {
        let dir = tempfile::tempdir().expect("tempdir");
        let disk = Chain::open(dir.path(), genesis(), NodeConfig::default()).expect("opens");
        let mem = Chain::open_with_store(
            Arc::new(MemChainStore::new()),
            genesis(),
            NodeConfig::default(),
        )
        .expect("opens");
        assert_eq!(run_two_blocks(&disk), run_two_blocks(&mem));
        let root = |chain: &Chain, v| chain.store.state_root(v).expect("reads").expect("root");
        for v in 0..=2 {
            assert_eq!(root(&disk, v), root(&mem, v), "state root {v}");
        }
        assert_ne!(root(&mem, 1), root(&mem, 0), "block 1 changed the state");
    }
}
