//! Reads at a height for the state RPCs, and proven queries (ADR 0010).
//!
//! * [`state_view`]: the state after a block (0 = the latest), the view the
//!   `StateService` reads and queries run against.
//! * [`RecordingReader`]: wraps the reader given to the VM for
//!   `QueryContract { prove: true }` and records every point read in
//!   first-read order; [`prove_reads`] then proves each against the
//!   height's state root. Prefix iteration cannot be proven — the tree is
//!   keyed by the keys' hashes, so no proof shows that nothing lies between
//!   two keys — and fails at once with [`UNPROVABLE_ITERATION`].

use crate::chain::Chain;
use bayledger_proto::node::ProvenEntry;
use bayledger_storage::{ChainStore, ProvenValue, StateView, StorageError};
use bayledger_types::proof::encode_proof;
use bayledger_types::{Entry, StateError, StateReader};
use parking_lot::Mutex;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

/// Why a proven query that iterates is refused.
pub const UNPROVABLE_ITERATION: &str = "this query iterates over a key prefix, which cannot be \
     proven: state keys are hashed in the Merkle tree, so no proof shows that no other key lies \
     in the range; run it without `prove`, or use a query that reads keys directly";

/// The state after block `height` (0 = the latest committed state).
pub fn state_view(chain: &Chain, height: u64) -> Result<Box<dyn StateView + '_>, StorageError> {
    if height == 0 { chain.store.latest_state() } else { chain.store.state_at(height) }
}

/// A `ProvenEntry` for `key` from the store's proven value.
pub fn proven_entry(key: Vec<u8>, proven: &ProvenValue) -> ProvenEntry {
    ProvenEntry {
        key,
        exists: proven.value.is_some(),
        value: proven.value.clone().unwrap_or_default(),
        proof: encode_proof(&proven.proof),
    }
}

/// A key read and the value it had (`None`: absent).
pub type Read = (Vec<u8>, Option<Vec<u8>>);

/// Reads in first-read order, and the keys among them.
#[derive(Default)]
struct Recorded {
    order: Vec<Read>,
    seen: HashSet<Vec<u8>>,
}

/// A reader that records the point reads passed through it and refuses
/// prefix iteration.
pub struct RecordingReader<'a> {
    inner: &'a dyn StateReader,
    reads: Mutex<Recorded>,
    iterated: AtomicBool,
}

impl<'a> RecordingReader<'a> {
    /// Records reads of `inner`.
    pub fn new(inner: &'a dyn StateReader) -> RecordingReader<'a> {
        RecordingReader {
            inner,
            reads: Mutex::new(Recorded::default()),
            iterated: AtomicBool::new(false),
        }
    }

    /// Whether anything tried to iterate (and was refused).
    pub fn iterated(&self) -> bool {
        self.iterated.load(Ordering::Relaxed)
    }

    /// The keys read and the values returned, in first-read order.
    pub fn into_reads(self) -> Vec<Read> {
        self.reads.into_inner().order
    }
}

impl StateReader for RecordingReader<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        let value = self.inner.get(key)?;
        let mut reads = self.reads.lock();
        if reads.seen.insert(key.to_vec()) {
            reads.order.push((key.to_vec(), value.clone()));
        }
        Ok(value)
    }

    fn next(&self, _prefix: &[u8], _after: Option<&[u8]>) -> Result<Option<Entry>, StateError> {
        self.iterated.store(true, Ordering::Relaxed);
        Err(StateError(UNPROVABLE_ITERATION.into()))
    }
}

/// Proves each recorded read at `version`. A proven value that differs
/// from the one the query saw is a storage fault, reported as such.
pub fn prove_reads(
    store: &dyn ChainStore,
    version: u64,
    reads: Vec<Read>,
) -> Result<Vec<ProvenEntry>, StorageError> {
    reads
        .into_iter()
        .map(|(key, seen)| {
            let proven = store.get_with_proof(&key, version)?;
            if proven.value != seen {
                return Err(StorageError::Proof(format!(
                    "key {} read differently by the query and by the proof at version {version}",
                    hex::encode(&key)
                )));
            }
            Ok(proven_entry(key, &proven))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_types::MemState;

    #[test]
    fn records_point_reads_once_in_order_and_refuses_iteration() {
        let mut state = MemState::default();
        state.0.insert(b"b".to_vec(), b"2".to_vec());
        let rec = RecordingReader::new(&state);
        assert_eq!(rec.get(b"b").expect("read"), Some(b"2".to_vec()));
        assert_eq!(rec.get(b"a").expect("read"), None);
        assert_eq!(rec.get(b"b").expect("read"), Some(b"2".to_vec()));
        assert!(!rec.iterated());
        let err = rec.next(b"", None).expect_err("iteration refused");
        assert!(err.0.contains("cannot be proven"), "{err}");
        assert!(rec.iterated());
        assert_eq!(
            rec.into_reads(),
            vec![(b"b".to_vec(), Some(b"2".to_vec())), (b"a".to_vec(), None)]
        );
    }
}
