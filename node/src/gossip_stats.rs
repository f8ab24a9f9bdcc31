//! Counters of transaction gossip received by this node ([`crate::tx_gossip`]
//! batches), by outcome of mempool admission, and their periodic log line (`tx gossip`, every
//! [`LOG_EVERY`] while anything happened). They show where gossiped
//! transactions go: admitted, already known, refused for a nonce race or gap
//! (the pool takes only a sender's next nonce), a full pool, or rejected as
//! forged or malformed.

use crate::mempool::MempoolError;
use bayledger_p2p::P2pStats;
use bayledger_types::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How often the summary is logged.
pub const LOG_EVERY: Duration = Duration::from_secs(5);

/// Outcome counters (monotonic since start).
#[derive(Debug, Default)]
pub struct TxGossipStats {
    /// Gossip messages on the tx topic.
    pub messages: AtomicU64,
    /// Transactions in them.
    pub txs: AtomicU64,
    /// Admitted into the mempool.
    pub admitted: AtomicU64,
    /// Already pending.
    pub duplicate: AtomicU64,
    /// Nonce already used or already pending (a race with a commit or another copy).
    pub nonce_taken: AtomicU64,
    /// Nonce above the sender's next one (arrived before its predecessor).
    pub nonce_gap: AtomicU64,
    /// Pool or sender quota full.
    pub full: AtomicU64,
    /// Malformed, forged or expired.
    pub invalid: AtomicU64,
    /// Batches ignored because the admission queue was full.
    pub queue_full: AtomicU64,
    /// Summed gossip delay of admitted batches, in milliseconds (publisher's
    /// clock to ours; meaningful when clocks agree, e.g. one machine).
    pub delay_ms_sum: AtomicU64,
    /// Largest such delay seen in the current log window.
    pub delay_ms_max: AtomicU64,
    /// Batches with a delay measurement.
    pub delay_samples: AtomicU64,
}

/// A copy of the counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Snapshot {
    messages: u64,
    txs: u64,
    admitted: u64,
    duplicate: u64,
    nonce_taken: u64,
    nonce_gap: u64,
    full: u64,
    invalid: u64,
    queue_full: u64,
    delay_ms_sum: u64,
    delay_samples: u64,
}

impl TxGossipStats {
    /// Counts one admission result.
    pub fn record(&self, result: &Result<Hash, MempoolError>) {
        let counter = match result {
            Ok(_) => &self.admitted,
            Err(MempoolError::Duplicate(_)) => &self.duplicate,
            Err(MempoolError::NonceTooLow { .. } | MempoolError::NoncePending { .. }) => {
                &self.nonce_taken
            }
            Err(MempoolError::NonceGap { .. }) => &self.nonce_gap,
            Err(MempoolError::Full { .. } | MempoolError::SenderFull(_)) => &self.full,
            Err(MempoolError::Tx(_) | MempoolError::Governance(_) | MempoolError::State(_)) => {
                &self.invalid
            }
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Records how long a message took from its publisher to this node.
    pub fn record_delay(&self, delay_ms: u64) {
        self.delay_ms_sum.fetch_add(delay_ms, Ordering::Relaxed);
        self.delay_samples.fetch_add(1, Ordering::Relaxed);
        self.delay_ms_max.fetch_max(delay_ms, Ordering::Relaxed);
    }

    /// The current values.
    pub fn snapshot(&self) -> Snapshot {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Snapshot {
            messages: get(&self.messages),
            txs: get(&self.txs),
            admitted: get(&self.admitted),
            duplicate: get(&self.duplicate),
            nonce_taken: get(&self.nonce_taken),
            nonce_gap: get(&self.nonce_gap),
            full: get(&self.full),
            invalid: get(&self.invalid),
            queue_full: get(&self.queue_full),
            delay_ms_sum: get(&self.delay_ms_sum),
            delay_samples: get(&self.delay_samples),
        }
    }

    /// Logs what changed since `prev` (nothing when nothing did) with the
    /// mempool size and the p2p counters; returns the new snapshot.
    pub fn log_since(&self, prev: Snapshot, mempool: usize, p2p: P2pStats) -> Snapshot {
        let now = self.snapshot();
        let max_delay = self.delay_ms_max.swap(0, Ordering::Relaxed);
        if now == prev {
            return now;
        }
        let samples = now.delay_samples - prev.delay_samples;
        let mean_delay = (now.delay_ms_sum - prev.delay_ms_sum).checked_div(samples).unwrap_or(0);
        tracing::info!(
            messages = now.messages - prev.messages,
            txs = now.txs - prev.txs,
            admitted = now.admitted - prev.admitted,
            duplicate = now.duplicate - prev.duplicate,
            nonce_taken = now.nonce_taken - prev.nonce_taken,
            nonce_gap = now.nonce_gap - prev.nonce_gap,
            full = now.full - prev.full,
            invalid = now.invalid - prev.invalid,
            queue_full = now.queue_full - prev.queue_full,
            mean_delay_ms = mean_delay,
            max_delay_ms = max_delay,
            mempool,
            p2p_events_dropped = p2p.events_dropped,
            p2p_validation_expired = p2p.validation_expired,
            "tx gossip"
        );
        now
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_types::Address;
    use bayledger_types::tx::TxError;

    #[test]
    fn outcomes_land_in_their_counters() {
        let s = TxGossipStats::default();
        let a = Address([1; 20]);
        s.record(&Ok(Hash::default()));
        s.record(&Err(MempoolError::Duplicate(Hash::default())));
        s.record(&Err(MempoolError::NonceGap { sender: a, expected: 1, got: 3 }));
        s.record(&Err(MempoolError::NoncePending { sender: a, expected: 2, got: 1 }));
        s.record(&Err(MempoolError::SenderFull(a)));
        s.record(&Err(MempoolError::Tx(TxError::MissingAction)));
        let got = s.snapshot();
        assert_eq!(
            (got.admitted, got.duplicate, got.nonce_gap, got.nonce_taken, got.full, got.invalid),
            (1, 1, 1, 1, 1, 1)
        );
        s.record_delay(10);
        s.record_delay(30);
        let after = s.log_since(got, 0, P2pStats::default());
        assert_eq!((after.delay_samples, after.delay_ms_sum), (2, 40));
        assert_eq!(s.delay_ms_max.load(Ordering::Relaxed), 0, "max resets per window");
    }
}
