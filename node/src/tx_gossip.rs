//! Transaction gossip in batches (ADR 0008, "Transaction batches").
//!
//! **Out.** Transactions admitted through this node's API (`Chain::submit`)
//! arrive on the outbox. [`run_outbound`] takes the first one, collects what
//! else arrives within [`LINGER`] (up to [`MAX_BATCH_TXS`] transactions or
//! [`TARGET_BATCH_BYTES`]) and publishes one [`TxBatch`] on the tx topic. One
//! gossip message — one node-key signature, one gossipsub signature check per
//! receiving hop, one event — carries hundreds of transactions instead of one
//! each. Batches leave in admission order, so a sender's nonces stay in order.
//!
//! **In.** [`run_inbound`] admits received batches one at a time, in arrival
//! order (a publisher's nonce `n + 1` is never tried before its nonce `n`),
//! each transaction through full mempool admission ([`Chain::admit_batch`]:
//! decoding, context, nonce, and k256 recovery of every signature, on all
//! cores). The verdict that decides forwarding: a batch that does not decode,
//! is over [`MAX_BATCH_TXS`], or holds a malformed or forged transaction is
//! `Reject`ed (an honest publisher admitted every transaction it sends);
//! otherwise `Accept` if anything was new here, else `Ignore`.
//!
//! The topic's payload cap is [`max_batch_bytes`]: a batch of one
//! transaction of the genesis `max_tx_bytes` fits.

use crate::chain::Chain;
use crate::gossip_stats::TxGossipStats;
use crate::mempool::MempoolError;
use bayledger_p2p::{Acceptance, MessageId, P2pHandle, Topic};
use bayledger_types::tx::TxError;
use prost::Message;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::mpsc;

/// Most transactions in one batch.
pub const MAX_BATCH_TXS: usize = 1024;
/// A batch stops growing at this many payload bytes (a single larger
/// transaction travels alone).
pub const TARGET_BATCH_BYTES: usize = 256 * 1024;
/// How long the first transaction of a batch waits for company.
pub const LINGER: Duration = Duration::from_millis(20);
/// Protobuf framing of a batch beyond its transactions' bytes (field tags,
/// length prefixes, the timestamp), with room to spare.
pub const BATCH_FRAMING_BYTES: usize = 64;
/// Framing of one transaction inside a batch (tag + length of up to 2^35).
const PER_TX_FRAMING: usize = 6;
/// Received batches waiting for admission; beyond this they are ignored.
pub const INBOUND_QUEUE: usize = 256;

/// A batch of signed transactions (the tx topic's payload).
#[derive(Clone, PartialEq, Message)]
pub struct TxBatch {
    /// Exact `SignedTx` bytes, in the order the publisher admitted them.
    #[prost(bytes = "vec", repeated, tag = "1")]
    pub txs: Vec<Vec<u8>>,
    /// The publisher's wall clock at publication (ms since the Unix epoch).
    /// Diagnostics only (the gossip delay in the `tx gossip` log); never
    /// used for validity.
    #[prost(uint64, tag = "2")]
    pub sent_ms: u64,
}

/// The tx topic's payload cap for a chain whose largest transaction is
/// `max_tx_bytes`.
pub fn max_batch_bytes(max_tx_bytes: usize) -> usize {
    max_tx_bytes.max(TARGET_BATCH_BYTES) + PER_TX_FRAMING + BATCH_FRAMING_BYTES
}

/// Splits `txs` (in order) into batches within the count and byte targets.
pub fn batches(txs: Vec<Vec<u8>>) -> Vec<Vec<Vec<u8>>> {
    let mut out: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut size = 0usize;
    for tx in txs {
        let len = tx.len() + PER_TX_FRAMING;
        match out.last_mut() {
            Some(b) if b.len() < MAX_BATCH_TXS && size + len <= TARGET_BATCH_BYTES => {
                size += len;
                b.push(tx);
            }
            _ => {
                size = len;
                out.push(vec![tx]);
            }
        }
    }
    out
}

/// Publishes the outbox in batches until it closes.
pub async fn run_outbound(mut outbox: mpsc::UnboundedReceiver<Vec<u8>>, p2p: P2pHandle) {
    while let Some(first) = outbox.recv().await {
        let mut pending = vec![first];
        let deadline = tokio::time::Instant::now() + LINGER;
        let mut size = pending[0].len();
        while pending.len() < MAX_BATCH_TXS && size < TARGET_BATCH_BYTES {
            match tokio::time::timeout_at(deadline, outbox.recv()).await {
                Ok(Some(tx)) => {
                    size += tx.len();
                    pending.push(tx);
                }
                Ok(None) | Err(_) => break,
            }
        }
        for txs in batches(pending) {
            let count = txs.len();
            let batch = TxBatch { txs, sent_ms: crate::verify::now_ms() };
            if let Err(e) = p2p.publish(Topic::Transactions, batch.encode_to_vec()).await {
                tracing::debug!(error = %e, txs = count, "transaction batch not gossiped");
            }
        }
    }
}

/// A received batch awaiting admission.
#[derive(Debug)]
pub struct Received {
    /// Its gossip id (for the verdict).
    pub msg_id: MessageId,
    /// The payload.
    pub data: Vec<u8>,
}

/// Admits received batches one at a time, in arrival order, and reports each
/// verdict to p2p. Runs until `inbound` closes.
pub async fn run_inbound(
    chain: Arc<Chain>,
    p2p: P2pHandle,
    stats: Arc<TxGossipStats>,
    mut inbound: mpsc::Receiver<Received>,
) {
    while let Some(Received { msg_id, data }) = inbound.recv().await {
        let (c, s) = (chain.clone(), stats.clone());
        let verdict = tokio::task::spawn_blocking(move || admit(&c, &data, &s))
            .await
            .unwrap_or(Acceptance::Ignore);
        if let Err(e) = p2p.report(msg_id, verdict).await {
            tracing::debug!(error = %e, "tx gossip verdict not delivered");
        }
    }
}

/// Decodes and admits one received batch; the gossip verdict.
pub fn admit(chain: &Chain, data: &[u8], stats: &TxGossipStats) -> Acceptance {
    stats.messages.fetch_add(1, Ordering::Relaxed);
    let Ok(batch) = TxBatch::decode(data) else { return Acceptance::Reject };
    if batch.txs.is_empty() || batch.txs.len() > MAX_BATCH_TXS {
        return Acceptance::Reject;
    }
    stats.txs.fetch_add(batch.txs.len() as u64, Ordering::Relaxed);
    let results = chain.admit_batch(&batch.txs);
    let now = crate::verify::now_ms();
    stats.record_delay(now.saturating_sub(batch.sent_ms));
    for r in &results {
        stats.record(r);
    }
    verdict(&results)
}

/// The verdict on a batch from its admission results (see the module docs).
pub fn verdict<T>(results: &[Result<T, MempoolError>]) -> Acceptance {
    let forged = results
        .iter()
        .any(|r| matches!(r, Err(MempoolError::Tx(e)) if !matches!(e, TxError::Expired { .. })));
    if forged {
        Acceptance::Reject
    } else if results.iter().any(Result::is_ok) {
        Acceptance::Accept
    } else {
        Acceptance::Ignore
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_types::{Address, Hash};

    #[test]
    fn batches_keep_order_and_respect_the_caps() {
        let txs: Vec<Vec<u8>> = (0..2500u32).map(|i| i.to_be_bytes().to_vec()).collect();
        let out = batches(txs.clone());
        assert_eq!(out.iter().map(Vec::len).collect::<Vec<_>>(), vec![1024, 1024, 452]);
        assert_eq!(out.concat(), txs, "order kept");

        let big = vec![vec![1u8; 200 * 1024], vec![2u8; 100 * 1024], vec![3u8; 10]];
        let out = batches(big);
        assert_eq!(out.iter().map(Vec::len).collect::<Vec<_>>(), vec![1, 2]);
        // A batch of one transaction of the largest size fits the topic cap.
        let max_tx = 1 << 20;
        let one = TxBatch { txs: vec![vec![7; max_tx]], sent_ms: u64::MAX };
        assert!(one.encode_to_vec().len() <= max_batch_bytes(max_tx));
        let full =
            TxBatch { txs: batches(vec![vec![7u8; 1000]; 2000]).swap_remove(0), sent_ms: u64::MAX };
        assert!(full.encode_to_vec().len() <= max_batch_bytes(1000));
    }

    #[test]
    fn verdicts() {
        let a = Address([1; 20]);
        let ok: Result<Hash, MempoolError> = Ok(Hash::default());
        let dup = Err(MempoolError::Duplicate(Hash::default()));
        let gap = Err(MempoolError::NonceGap { sender: a, expected: 0, got: 2 });
        let forged = Err(MempoolError::Tx(TxError::MissingAction));
        let expired = Err(MempoolError::Tx(TxError::Expired { expiry: 1, height: 2 }));
        assert_eq!(verdict(&[ok.clone(), dup.clone()]), Acceptance::Accept);
        assert_eq!(verdict(&[dup.clone(), gap.clone(), expired]), Acceptance::Ignore);
        assert_eq!(verdict(&[ok, forged]), Acceptance::Reject);
        assert_eq!(verdict::<Hash>(&[]), Acceptance::Ignore);
    }
}
