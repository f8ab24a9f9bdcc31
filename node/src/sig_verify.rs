//! Signature recovery of many transactions at once, on every core: mempool
//! admission of a gossiped batch and verification of a proposed block's
//! transactions the node has not seen yet. Results keep the input order.

use bayledger_types::tx::{DecodedTx, TxError, VerifiedTx};

/// Below this many transactions per thread, one thread does the work (a
/// scoped thread costs about as much as a few recoveries).
pub const MIN_PER_THREAD: usize = 32;

/// Verifies every transaction (k256 recovery, recovered address = sender),
/// split over the machine's cores when there are enough of them.
pub fn verify_all(txs: Vec<DecodedTx>) -> Vec<Result<VerifiedTx, TxError>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(txs.len() / MIN_PER_THREAD).max(1);
    if threads == 1 {
        return txs.into_iter().map(DecodedTx::verify).collect();
    }
    let per = txs.len().div_ceil(threads);
    let mut chunks: Vec<Vec<DecodedTx>> = Vec::with_capacity(threads);
    let mut rest = txs.into_iter();
    loop {
        let chunk: Vec<DecodedTx> = rest.by_ref().take(per).collect();
        if chunk.is_empty() {
            break;
        }
        chunks.push(chunk);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| s.spawn(move || c.into_iter().map(DecodedTx::verify).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_utils::{call_tx, key};

    #[test]
    fn results_keep_the_input_order_and_catch_forgeries() {
        let mut txs: Vec<Vec<u8>> = (0..200).map(|n| call_tx("c", &key(1), n)).collect();
        let mut forged: bayledger_types::pb::SignedTx =
            prost::Message::decode(txs[137].as_slice()).expect("decodes");
        forged.signature[3] ^= 1;
        txs[137] = prost::Message::encode_to_vec(&forged);
        let decoded: Vec<DecodedTx> =
            txs.iter().map(|b| DecodedTx::decode(b, 4096).expect("decodes")).collect();
        let hashes: Vec<_> = decoded.iter().map(|d| d.hash).collect();
        let results = verify_all(decoded);
        assert_eq!(results.len(), 200);
        for (i, r) in results.iter().enumerate() {
            match r {
                Ok(v) => assert_eq!((i != 137, v.hash), (true, hashes[i]), "tx {i}"),
                Err(_) => assert_eq!(i, 137, "only the forged one fails"),
            }
        }
    }
}
