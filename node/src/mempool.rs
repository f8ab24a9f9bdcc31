//! The transaction pool.
//!
//! Admission runs the checks cheapest first (ADR 0003, reliability notes §10):
//! size → canonical decoding → chain id / expiry / fuel limit → duplicate →
//! nonce against state and pending transactions → capacity → **signature**
//! (the only expensive step, done once, outside the pool lock) → insert.
//!
//! The pool is bounded by transaction count, bytes and per-sender count. Each
//! sender's pending transactions form a contiguous run of nonces starting at
//! the account's next nonce, so the pool never holds a transaction that cannot
//! execute next; reaping takes senders round-robin in nonce order.
//!
//! With the nonce, admission asks the committed state whether governance allows the
//! sender's transaction at all ([`AccountView::check_allowed`], ADR 0012): a frozen
//! account, or an upload by an account without the upload right, is refused up front
//! with [`MempoolError::Governance`] (execution refuses them too, should one reach a block).

use bayledger_types::pb::{self, action::Kind};
use bayledger_types::tx::{DecodedTx, TxContext, TxError, VerifiedTx};
use bayledger_types::{Address, Hash, StateError, StateReader};
use bayledger_vm::system;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use crate::config::MempoolConfig;

/// Why a transaction was not admitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MempoolError {
    /// Stateless check failed.
    #[error(transparent)]
    Tx(#[from] TxError),
    /// Already in the pool.
    #[error("transaction {0} is already in the mempool")]
    Duplicate(Hash),
    /// Nonce already used (replay) .
    #[error("nonce {got} is too low: account {sender} expects nonce {expected} (already used)")]
    NonceTooLow {
        /// Sender.
        sender: Address,
        /// Next usable nonce.
        expected: u64,
        /// Given.
        got: u64,
    },
    /// Nonce already taken by a pending transaction.
    #[error("nonce {got} of {sender} is already pending; next free nonce is {expected}")]
    NoncePending {
        /// Sender.
        sender: Address,
        /// Next free nonce.
        expected: u64,
        /// Given.
        got: u64,
    },
    /// Nonce leaves a gap.
    #[error("nonce gap: account {sender} expects nonce {expected}, got {got}")]
    NonceGap {
        /// Sender.
        sender: Address,
        /// Next usable nonce.
        expected: u64,
        /// Given.
        got: u64,
    },
    /// The pool is full.
    #[error("mempool is full ({txs} transactions, {bytes} bytes)")]
    Full {
        /// Count held.
        txs: usize,
        /// Bytes held.
        bytes: usize,
    },
    /// The sender has too many pending transactions.
    #[error("sender {0} has too many pending transactions")]
    SenderFull(Address),
    /// Governance does not allow the sender's transaction.
    #[error(transparent)]
    Governance(#[from] Forbidden),
    /// Reading the account failed.
    #[error(transparent)]
    State(#[from] StateError),
}

/// What governance forbids a sender (ADR 0012).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Forbidden {
    /// The sender is frozen: none of its transactions run.
    #[error("account {0} is frozen by governance")]
    Frozen(Address),
    /// Uploads are restricted and the sender holds no upload right.
    #[error(
        "account {0} may not upload code: uploads are restricted to accounts governance allows"
    )]
    Upload(Address),
}

impl Forbidden {
    /// What governance forbids of a transaction from `sender` with `body` in
    /// `state`, if anything: the sender is frozen, or the transaction uploads
    /// code and the sender holds no upload right while uploads are restricted.
    /// Admission refuses such a transaction; execution rejects it.
    pub fn check(
        state: &dyn StateReader,
        sender: &Address,
        body: &pb::TxBody,
    ) -> Result<Option<Forbidden>, StateError> {
        if system::is_frozen(state, sender)? {
            return Ok(Some(Forbidden::Frozen(*sender)));
        }
        let uploads =
            matches!(body.action.as_ref().and_then(|a| a.kind.as_ref()), Some(Kind::UploadCode(_)));
        if uploads && !system::may_upload(state, sender)? {
            return Ok(Some(Forbidden::Upload(*sender)));
        }
        Ok(None)
    }
}

/// Committed account state as admission needs it. Any `Fn(&Address) -> Result<u64, _>`
/// (a nonce reader) is a view that allows every sender.
pub trait AccountView {
    /// The account's next nonce.
    fn nonce(&self, addr: &Address) -> Result<u64, StateError>;

    /// Whether governance allows `tx` from its sender (frozen accounts, the upload right).
    fn check_allowed(&self, _tx: &DecodedTx) -> Result<(), MempoolError> {
        Ok(())
    }
}

impl<F: Fn(&Address) -> Result<u64, StateError>> AccountView for F {
    fn nonce(&self, addr: &Address) -> Result<u64, StateError> {
        self(addr)
    }
}

/// The pool itself (wrap in a mutex; see [`admit`]).
#[derive(Debug)]
pub struct Mempool {
    cfg: MempoolConfig,
    hashes: HashSet<Hash>,
    senders: BTreeMap<Address, VecDeque<VerifiedTx>>,
    /// Senders in order of their oldest pending transaction's arrival.
    order: VecDeque<Address>,
    bytes: usize,
    count: usize,
    /// How many times [`Mempool::update`] pruned the pool (after each commit).
    updates: u64,
}

impl Mempool {
    /// An empty pool.
    pub fn new(cfg: MempoolConfig) -> Mempool {
        Mempool {
            cfg,
            hashes: HashSet::new(),
            senders: BTreeMap::new(),
            order: VecDeque::new(),
            bytes: 0,
            count: 0,
            updates: 0,
        }
    }

    /// How many times the pool was pruned after a commit ([`Mempool::update`]).
    pub fn updates(&self) -> u64 {
        self.updates
    }

    /// Number of pending transactions.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Whether `hash` is pending.
    pub fn contains(&self, hash: &Hash) -> bool {
        self.hashes.contains(hash)
    }

    /// Whether the pool holds exactly these transaction bytes from `sender`
    /// (so their signature was verified on admission).
    pub fn holds_exact(&self, sender: &Address, hash: &Hash, bytes: &[u8]) -> bool {
        self.hashes.contains(hash)
            && self
                .senders
                .get(sender)
                .is_some_and(|q| q.iter().any(|t| t.hash == *hash && t.bytes == bytes))
    }

    /// All checks except the signature; cheap. `account_nonce` reads state.
    pub fn precheck(&self, tx: &DecodedTx, account_nonce: u64) -> Result<(), MempoolError> {
        if self.hashes.contains(&tx.hash) {
            return Err(MempoolError::Duplicate(tx.hash));
        }
        let queue = self.senders.get(&tx.sender);
        let pending = queue.map_or(0, VecDeque::len);
        // The queue may still hold transactions a just-committed block used
        // (pruned right after the commit), so the next nonce is one past the
        // newest pending one only if that one is still unused.
        let expected = match queue.and_then(VecDeque::back) {
            Some(last) if last.body.nonce >= account_nonce => last.body.nonce + 1,
            _ => account_nonce,
        };
        let got = tx.body.nonce;
        let sender = tx.sender;
        if got < account_nonce {
            return Err(MempoolError::NonceTooLow { sender, expected: account_nonce, got });
        }
        if got < expected {
            return Err(MempoolError::NoncePending { sender, expected, got });
        }
        if got > expected {
            return Err(MempoolError::NonceGap { sender, expected, got });
        }
        if pending >= self.cfg.max_per_sender {
            return Err(MempoolError::SenderFull(sender));
        }
        if self.count >= self.cfg.max_txs || self.bytes + tx.bytes.len() > self.cfg.max_bytes {
            return Err(MempoolError::Full { txs: self.count, bytes: self.bytes });
        }
        Ok(())
    }

    /// Inserts a verified transaction, re-running [`Self::precheck`] (the pool
    /// may have changed while the signature was being checked).
    pub fn insert(
        &mut self,
        tx: VerifiedTx,
        decoded_view: &DecodedTx,
        account_nonce: u64,
    ) -> Result<(), MempoolError> {
        self.precheck(decoded_view, account_nonce)?;
        self.hashes.insert(tx.hash);
        self.bytes += tx.bytes.len();
        self.count += 1;
        let queue = self.senders.entry(tx.sender).or_default();
        if queue.is_empty() {
            self.order.push_back(tx.sender);
        }
        queue.push_back(tx);
        Ok(())
    }

    /// Takes transactions for a block without removing them: senders
    /// round-robin, each sender's in nonce order, within the limits.
    pub fn reap(&self, max_txs: usize, max_bytes: usize, max_fuel: u64) -> Vec<VerifiedTx> {
        let mut out = Vec::new();
        let (mut bytes, mut fuel) = (0usize, 0u64);
        let mut cursors: Vec<(&Address, usize)> = self.order.iter().map(|a| (a, 0)).collect();
        let mut progressed = true;
        while progressed && out.len() < max_txs {
            progressed = false;
            for (sender, idx) in cursors.iter_mut() {
                let Some(tx) = self.senders.get(*sender).and_then(|q| q.get(*idx)) else {
                    continue;
                };
                if out.len() >= max_txs
                    || bytes + tx.bytes.len() > max_bytes
                    || fuel.saturating_add(tx.body.fuel_limit) > max_fuel
                {
                    continue;
                }
                bytes += tx.bytes.len();
                fuel += tx.body.fuel_limit;
                out.push(tx.clone());
                *idx += 1;
                progressed = true;
            }
        }
        out
    }

    /// After a block: drops committed transactions and every transaction that
    /// can no longer execute (nonce used, or expired at `next_height` — which
    /// also drops that sender's later nonces, as they would leave a gap).
    pub fn update(
        &mut self,
        committed: &[Hash],
        next_height: u64,
        mut account_nonce: impl FnMut(&Address) -> Result<u64, StateError>,
    ) -> Result<(), StateError> {
        self.updates += 1;
        let committed: HashSet<&Hash> = committed.iter().collect();
        let senders: Vec<Address> = self.senders.keys().copied().collect();
        for sender in senders {
            let nonce = account_nonce(&sender)?;
            let Some(queue) = self.senders.get_mut(&sender) else { continue };
            let mut removed = Vec::new();
            while let Some(front) = queue.front() {
                if front.body.nonce < nonce || committed.contains(&front.hash) {
                    removed.extend(queue.pop_front());
                } else {
                    break;
                }
            }
            if let Some(pos) = queue.iter().position(|t| t.body.expiry_height < next_height) {
                removed.extend(queue.drain(pos..));
            }
            // A queue that no longer starts at the account nonce cannot execute.
            if queue.front().is_some_and(|t| t.body.nonce != nonce) {
                removed.extend(queue.drain(..));
            }
            for t in &removed {
                self.hashes.remove(&t.hash);
                self.bytes -= t.bytes.len();
                self.count -= 1;
            }
            if queue.is_empty() {
                self.senders.remove(&sender);
            }
        }
        self.order.retain(|a| self.senders.contains_key(a));
        Ok(())
    }
}

/// An [`AccountView`] over committed state: nonces from `acct/…`, governance's
/// refusals from `sys/frozen/…` and the upload right.
pub struct StateAccounts<'a>(pub Box<dyn StateReader + 'a>);

impl AccountView for StateAccounts<'_> {
    fn nonce(&self, addr: &Address) -> Result<u64, StateError> {
        crate::execution::account_nonce(|k| self.0.get(k), addr)
    }

    fn check_allowed(&self, tx: &DecodedTx) -> Result<(), MempoolError> {
        match Forbidden::check(&*self.0, &tx.sender, &tx.body)? {
            Some(forbidden) => Err(forbidden.into()),
            None => Ok(()),
        }
    }
}

/// Admits raw transaction bytes into a shared pool: cheap checks under the
/// lock, the signature outside it, then a re-checked insert.
pub fn admit<N: AccountView>(
    pool: &parking_lot::Mutex<Mempool>,
    bytes: &[u8],
    max_tx_bytes: usize,
    ctx: &TxContext<'_>,
    nonces: impl Fn() -> Result<N, StateError>,
) -> Result<Hash, MempoolError> {
    let mut results = admit_batch(pool, &[bytes], max_tx_bytes, ctx, nonces);
    results.pop().expect("admit_batch returns one result per transaction")
}

/// Admits a batch of transactions in order; one result per transaction.
///
/// 1. Cheap checks, transaction by transaction: size, canonical decoding,
///    context, duplicate, nonce and capacity ([`Mempool::precheck`]); a
///    sender's later transactions in the batch must continue its nonces in the
///    batch.
/// 2. Signature recovery of the survivors, outside the lock, on every core
///    ([`crate::sig_verify::verify_all`]).
/// 3. Inserts in batch order, re-checking against the pool as it is now and
///    fresh account nonces.
///
/// `nonces` opens a view of the committed account nonces. Nonces and pool are
/// kept consistent: a view is used under the pool lock only if no block was
/// pruned from the pool ([`Mempool::update`]) since it was opened; otherwise
/// a fresh view is opened. (A block commits its state before the pool is
/// pruned, so such a view is never older than the pool; a newer one is what
/// [`Mempool::precheck`] allows for.) Without this, a block committing
/// between the nonce read and the insert left a sender's next nonce refused
/// as a gap.
pub fn admit_batch<T: AsRef<[u8]>, N: AccountView>(
    pool: &parking_lot::Mutex<Mempool>,
    txs: &[T],
    max_tx_bytes: usize,
    ctx: &TxContext<'_>,
    nonces: impl Fn() -> Result<N, StateError>,
) -> Vec<Result<Hash, MempoolError>> {
    let state_error = |e: &StateError| Err(MempoolError::State(e.clone()));
    let mut view = match NonceView::open(pool, &nonces) {
        Ok(v) => v,
        Err(e) => return txs.iter().map(|_| state_error(&e)).collect(),
    };
    let mut results: Vec<Result<Hash, MempoolError>> = Vec::with_capacity(txs.len());
    let mut candidates: Vec<(usize, DecodedTx)> = Vec::with_capacity(txs.len());
    // The next nonce of each sender already seen in this batch.
    let mut batch_next: HashMap<Address, u64> = HashMap::new();
    for (i, bytes) in txs.iter().enumerate() {
        let checked =
            precheck_one(pool, &nonces, &mut view, &batch_next, bytes.as_ref(), max_tx_bytes, ctx);
        results.push(checked.as_ref().map(|d| d.hash).map_err(Clone::clone));
        if let Ok(decoded) = checked {
            batch_next.insert(decoded.sender, decoded.body.nonce + 1);
            candidates.push((i, decoded));
        }
    }
    if candidates.is_empty() {
        return results;
    }
    let views: Vec<(usize, DecodedTx)> = candidates.clone();
    let verified = crate::sig_verify::verify_all(candidates.into_iter().map(|(_, d)| d).collect());
    // Fresh nonces of every sender, consistent with the pool when locked.
    let consistent = NonceView::open(pool, &nonces).and_then(|mut view| {
        view.read_then_lock(pool, &nonces, |n| {
            let mut fresh: HashMap<Address, Result<u64, StateError>> = HashMap::new();
            for (_, tx) in &views {
                fresh.entry(tx.sender).or_insert_with(|| n.nonce(&tx.sender));
            }
            Ok(fresh)
        })
    });
    let (mut locked, fresh) = match consistent {
        Ok(c) => c,
        Err(e) => {
            for (i, _) in &views {
                results[*i] = state_error(&e);
            }
            return results;
        }
    };
    for ((i, tx), verified) in views.into_iter().zip(verified) {
        let nonce = fresh.get(&tx.sender).cloned().unwrap_or(Ok(0));
        results[i] = verified.map_err(MempoolError::from).and_then(|v| {
            let hash = v.hash;
            locked.insert(v, &tx, nonce?).map(|()| hash)
        });
    }
    results
}

/// A view of committed nonces and the pool's [`Mempool::updates`] count read
/// before it was opened.
struct NonceView<N> {
    updates: u64,
    nonce_of: N,
}

impl<N> NonceView<N> {
    fn open(
        pool: &parking_lot::Mutex<Mempool>,
        nonces: &impl Fn() -> Result<N, StateError>,
    ) -> Result<NonceView<N>, StateError> {
        let updates = pool.lock().updates();
        Ok(NonceView { updates, nonce_of: nonces()? })
    }

    /// Reads `read` from the view, then locks the pool; if a block was pruned
    /// from the pool since the view was opened, reopens the view and reads
    /// again. Returns the pool locked and a read consistent with it.
    fn read_then_lock<'p, R>(
        &mut self,
        pool: &'p parking_lot::Mutex<Mempool>,
        nonces: &impl Fn() -> Result<N, StateError>,
        mut read: impl FnMut(&N) -> Result<R, StateError>,
    ) -> Result<(parking_lot::MutexGuard<'p, Mempool>, R), StateError> {
        loop {
            let value = read(&self.nonce_of)?;
            let locked = pool.lock();
            if locked.updates() == self.updates {
                return Ok((locked, value));
            }
            drop(locked);
            *self = NonceView::open(pool, nonces)?;
        }
    }
}

/// Step 1 of [`admit_batch`] for one transaction.
fn precheck_one<N: AccountView>(
    pool: &parking_lot::Mutex<Mempool>,
    nonces: &impl Fn() -> Result<N, StateError>,
    view: &mut NonceView<N>,
    batch_next: &HashMap<Address, u64>,
    bytes: &[u8],
    max_tx_bytes: usize,
    ctx: &TxContext<'_>,
) -> Result<DecodedTx, MempoolError> {
    let decoded = DecodedTx::decode(bytes, max_tx_bytes)?;
    decoded.check_context(ctx)?;
    view.nonce_of.check_allowed(&decoded)?;
    let (sender, got) = (decoded.sender, decoded.body.nonce);
    match batch_next.get(&sender) {
        Some(&expected) if got < expected => {
            return Err(MempoolError::NoncePending { sender, expected, got });
        }
        Some(&expected) if got > expected => {
            return Err(MempoolError::NonceGap { sender, expected, got });
        }
        Some(_) => return Ok(decoded),
        None => {}
    }
    let (locked, nonce) = view.read_then_lock(pool, nonces, |n| n.nonce(&sender))?;
    locked.precheck(&decoded, nonce)?;
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_types::pb::{self, action::Kind};
    use bayledger_types::{SecretKey, tx::sign};

    fn tx(key: &SecretKey, nonce: u64) -> Vec<u8> {
        tx_with(key, nonce, 100)
    }

    fn tx_with(key: &SecretKey, nonce: u64, expiry: u64) -> Vec<u8> {
        let body = pb::TxBody {
            chain_id: "c".into(),
            sender: key.address().0.to_vec(),
            nonce,
            fuel_limit: 1_000,
            expiry_height: expiry,
            action: Some(pb::Action {
                kind: Some(Kind::Call(pb::Call { contract: vec![1; 20], msg: vec![] })),
            }),
        };
        sign(&body, key)
    }

    fn ctx() -> TxContext<'static> {
        TxContext { chain_id: "c", height: 1, max_tx_fuel: 10_000 }
    }

    fn pool(max_txs: usize, max_per_sender: usize) -> parking_lot::Mutex<Mempool> {
        parking_lot::Mutex::new(Mempool::new(MempoolConfig {
            max_txs,
            max_bytes: 1 << 20,
            max_per_sender,
        }))
    }

    #[test]
    fn nonce_rules_duplicates_and_bounds() {
        let k = SecretKey::from_bytes(&[1; 32]).expect("key");
        let p = pool(3, 2);
        let zero = || Ok(|_: &Address| Ok(0));
        admit(&p, &tx(&k, 0), 4096, &ctx(), zero).expect("first");
        assert!(matches!(
            admit(&p, &tx(&k, 0), 4096, &ctx(), zero),
            Err(MempoolError::Duplicate(_))
        ));
        assert!(matches!(
            admit(&p, &tx(&k, 2), 4096, &ctx(), zero),
            Err(MempoolError::NonceGap { expected: 1, .. })
        ));
        admit(&p, &tx(&k, 1), 4096, &ctx(), zero).expect("second");
        assert!(matches!(
            admit(&p, &tx(&k, 2), 4096, &ctx(), zero),
            Err(MempoolError::SenderFull(_))
        ));
        let one = || Ok(|_: &Address| Ok(1));
        let k2 = SecretKey::from_bytes(&[2; 32]).expect("key");
        assert!(matches!(
            admit(&p, &tx(&k2, 0), 4096, &ctx(), one),
            Err(MempoolError::NonceTooLow { .. })
        ));
        admit(&p, &tx(&k2, 1), 4096, &ctx(), one).expect("third");
        let k3 = SecretKey::from_bytes(&[3; 32]).expect("key");
        assert!(matches!(
            admit(&p, &tx(&k3, 0), 4096, &ctx(), zero),
            Err(MempoolError::Full { .. })
        ));
        assert_eq!(p.lock().len(), 3);
    }

    #[test]
    fn a_bad_signature_is_refused_after_the_cheap_checks() {
        let k = SecretKey::from_bytes(&[1; 32]).expect("key");
        let mut signed: pb::SignedTx =
            prost::Message::decode(tx(&k, 0).as_slice()).expect("decodes");
        signed.signature[10] ^= 1;
        let bytes = prost::Message::encode_to_vec(&signed);
        let p = pool(10, 10);
        let err = admit(&p, &bytes, 4096, &ctx(), || Ok(|_: &Address| Ok(0))).unwrap_err();
        assert!(
            matches!(err, MempoolError::Tx(TxError::Signature(_) | TxError::WrongSigner { .. })),
            "{err}"
        );
        assert!(p.lock().is_empty());
    }

    #[test]
    fn reap_is_round_robin_in_nonce_order_and_update_prunes() {
        let a = SecretKey::from_bytes(&[1; 32]).expect("key");
        let b = SecretKey::from_bytes(&[2; 32]).expect("key");
        let p = pool(100, 100);
        for n in 0..3 {
            admit(&p, &tx(&a, n), 4096, &ctx(), || Ok(|_: &Address| Ok(0))).expect("a");
        }
        admit(&p, &tx(&b, 0), 4096, &ctx(), || Ok(|_: &Address| Ok(0))).expect("b");
        let reaped = p.lock().reap(3, 1 << 20, u64::MAX);
        let order: Vec<(Address, u64)> = reaped.iter().map(|t| (t.sender, t.body.nonce)).collect();
        assert_eq!(order, vec![(a.address(), 0), (b.address(), 0), (a.address(), 1)]);
        let hashes: Vec<Hash> = reaped.iter().map(|t| t.hash).collect();
        let (aa, ba) = (a.address(), b.address());
        p.lock()
            .update(&hashes, 2, |s| {
                Ok(if *s == aa {
                    2
                } else if *s == ba {
                    1
                } else {
                    0
                })
            })
            .expect("update");
        let left = p.lock().reap(10, 1 << 20, u64::MAX);
        assert_eq!(left.iter().map(|t| t.body.nonce).collect::<Vec<_>>(), vec![2]);
    }

    #[test]
    fn expired_transactions_and_their_successors_are_pruned() {
        let a = SecretKey::from_bytes(&[1; 32]).expect("key");
        let p = pool(100, 100);
        admit(&p, &tx_with(&a, 0, 5), 4096, &ctx(), || Ok(|_: &Address| Ok(0))).expect("0");
        admit(&p, &tx_with(&a, 1, 2), 4096, &ctx(), || Ok(|_: &Address| Ok(0))).expect("1");
        admit(&p, &tx_with(&a, 2, 9), 4096, &ctx(), || Ok(|_: &Address| Ok(0))).expect("2");
        p.lock().update(&[], 3, |_| Ok(0)).expect("update");
        assert_eq!(p.lock().len(), 1);
    }

    #[test]
    fn a_block_committing_during_admission_does_not_turn_the_next_nonce_into_a_gap() {
        // a's nonce 0 is pending. Admitting nonce 1, the nonce read returns 0,
        // and right after it (before the pool lock) a block commits nonce 0:
        // state says 1 and the pool drops tx 0. A nonce read from before that
        // commit must not be used against the pruned pool.
        let a = SecretKey::from_bytes(&[1; 32]).expect("key");
        let p = pool(100, 100);
        let first = admit(&p, &tx(&a, 0), 4096, &ctx(), || Ok(|_: &Address| Ok(0))).expect("0");
        let state = std::cell::Cell::new(0u64);
        let committed = std::cell::Cell::new(false);
        let nonces = || {
            Ok(|_: &Address| {
                let read = state.get();
                if !committed.replace(true) {
                    state.set(1);
                    p.lock().update(&[first], 2, |_| Ok(1)).expect("prune");
                }
                Ok(read)
            })
        };
        let hash = admit(&p, &tx(&a, 1), 4096, &ctx(), nonces).expect("1 is the next nonce");
        assert!(committed.get() && p.lock().contains(&hash) && !p.lock().contains(&first));
        assert_eq!(p.lock().updates(), 1);
    }

    #[test]
    fn admission_racing_a_commit_sees_the_next_nonce() {
        // State already says nonce 2 (a block used 0 and 1) while the pool has
        // not been pruned yet: nonce 2 must be accepted, not called pending.
        let a = SecretKey::from_bytes(&[1; 32]).expect("key");
        let p = pool(100, 100);
        admit(&p, &tx(&a, 0), 4096, &ctx(), || Ok(|_: &Address| Ok(0))).expect("0");
        admit(&p, &tx(&a, 1), 4096, &ctx(), || Ok(|_: &Address| Ok(0))).expect("1");
        admit(&p, &tx(&a, 2), 4096, &ctx(), || Ok(|_: &Address| Ok(2)))
            .expect("2 after the commit");
        assert!(matches!(
            admit(&p, &tx(&a, 4), 4096, &ctx(), || Ok(|_: &Address| Ok(2))),
            Err(MempoolError::NonceGap { expected: 3, .. })
        ));
        assert!(matches!(
            admit(&p, &tx_with(&a, 1, 99), 4096, &ctx(), || Ok(|_: &Address| Ok(2))),
            Err(MempoolError::NonceTooLow { .. })
        ));
    }

    #[test]
    fn governance_refusals_come_from_the_committed_state() {
        use bayledger_types::{MemState, state_keys};
        let k = SecretKey::from_bytes(&[7; 32]).expect("key");
        let upload = {
            let body = pb::TxBody {
                chain_id: "c".into(),
                sender: k.address().0.to_vec(),
                nonce: 0,
                fuel_limit: 1_000,
                expiry_height: 100,
                action: Some(pb::Action {
                    kind: Some(Kind::UploadCode(pb::UploadCode { wasm: b"code".to_vec() })),
                }),
            };
            sign(&body, &k)
        };
        let admit_on = |state: &MemState, bytes: &[u8]| {
            let p = pool(10, 10);
            admit(&p, bytes, 4096, &ctx(), || Ok(StateAccounts(Box::new(state.clone()))))
        };
        let mut state = MemState::default();
        admit_on(&state, &upload).expect("unrestricted, not frozen");
        state.0.insert(state_keys::UPLOADS_RESTRICTED.to_vec(), vec![1]);
        assert_eq!(
            admit_on(&state, &upload),
            Err(MempoolError::Governance(Forbidden::Upload(k.address())))
        );
        admit_on(&state, &tx(&k, 0)).expect("a call needs no upload right");
        state.0.insert(state_keys::uploader(&k.address()), vec![0; 8]);
        admit_on(&state, &upload).expect("granted");
        state.0.insert(state_keys::frozen(&k.address()), vec![0; 8]);
        let err = admit_on(&state, &tx(&k, 0)).expect_err("frozen");
        assert_eq!(err.to_string(), format!("account {} is frozen by governance", k.address()));
    }
}
