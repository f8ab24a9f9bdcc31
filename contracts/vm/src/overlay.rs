//! A journaled write overlay over a read-only [`StateReader`].
//!
//! The block executor keeps one overlay per block (or per transaction) over the
//! committed state; contracts and the node write into it, reads see those writes,
//! and [`Overlay::into_writes`] yields the [`WriteSet`] to commit. Every write is
//! journaled so that [`Overlay::revert`] can undo everything after a
//! [`Checkpoint`] — this is how a failed transaction, or a failed nested call, is
//! rolled back while the rest stays.

use bayledger_types::state::next_in_map;
use bayledger_types::{StateError, StateReader, WriteSet};
use std::collections::BTreeMap;
use std::ops::Bound;

/// A state entry: key and value.
pub type KeyValue = (Vec<u8>, Vec<u8>);

/// A point in an overlay's journal to which it can be reverted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Checkpoint(usize);

/// One journaled write: the key and what the overlay held for it before
/// (`None`: the key was not in the overlay; `Some(None)`: it was deleted).
#[derive(Debug)]
struct Undo {
    key: Vec<u8>,
    previous: Option<Option<Vec<u8>>>,
}

/// Writes (`None` = deleted) layered over a base state, with a journal.
pub struct Overlay<'a> {
    base: &'a dyn StateReader,
    writes: WriteSet,
    journal: Vec<Undo>,
}

impl std::fmt::Debug for Overlay<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Overlay")
            .field("writes", &self.writes.len())
            .field("journal", &self.journal.len())
            .finish_non_exhaustive()
    }
}

impl<'a> Overlay<'a> {
    /// An empty overlay over `base`.
    pub fn new(base: &'a dyn StateReader) -> Overlay<'a> {
        Overlay { base, writes: BTreeMap::new(), journal: Vec::new() }
    }

    /// The value at `key`: the overlay's own write if there is one, else the base's.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        match self.writes.get(key) {
            Some(v) => Ok(v.clone()),
            None => self.base.get(key),
        }
    }

    /// The smallest live entry whose key starts with `prefix` and is greater than
    /// `after` (or at least `prefix` when `after` is `None`), merging the overlay's
    /// writes with the base and skipping keys the overlay deleted.
    pub fn next(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
    ) -> Result<Option<KeyValue>, StateError> {
        // Smallest live overlay entry in range.
        let own = self.own_live_after(prefix, after);
        // Smallest base entry in range that the overlay does not shadow.
        let mut cursor = after.map(<[u8]>::to_vec);
        let base = loop {
            match self.base.next(prefix, cursor.as_deref())? {
                Some((k, _)) if self.writes.contains_key(&k) => {
                    // Shadowed (overwritten or deleted): the overlay decides for this key.
                    if own.as_ref().is_some_and(|(ok, _)| *ok <= &k) {
                        break None;
                    }
                    cursor = Some(k);
                }
                other => break other,
            }
        };
        Ok(match (own, base) {
            (Some((ok, ov)), Some((bk, bv))) => {
                if ok.as_slice() <= bk.as_slice() {
                    Some((ok.clone(), ov.clone()))
                } else {
                    Some((bk, bv))
                }
            }
            (Some((ok, ov)), None) => Some((ok.clone(), ov.clone())),
            (None, base) => base,
        })
    }

    fn own_live_after(&self, prefix: &[u8], after: Option<&[u8]>) -> Option<(&Vec<u8>, &Vec<u8>)> {
        let (first, _) = next_in_map(&self.writes, prefix, after)?;
        self.writes
            .range::<Vec<u8>, _>((Bound::Included(first), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
            .find_map(|(k, v)| v.as_ref().map(|v| (k, v)))
    }

    /// Sets `key` to `value`.
    pub fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.record(key, Some(value));
    }

    /// Deletes `key`.
    pub fn delete(&mut self, key: Vec<u8>) {
        self.record(key, None);
    }

    fn record(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
        let previous = self.writes.insert(key.clone(), value);
        self.journal.push(Undo { key, previous });
    }

    /// The current point of the journal.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.journal.len())
    }

    /// Undoes every write made after `checkpoint`. Reverting to a checkpoint taken
    /// after a later revert is a no-op.
    pub fn revert(&mut self, checkpoint: Checkpoint) {
        while self.journal.len() > checkpoint.0 {
            let Some(undo) = self.journal.pop() else { break };
            match undo.previous {
                Some(previous) => self.writes.insert(undo.key, previous),
                None => self.writes.remove(&undo.key),
            };
        }
    }

    /// The overlay's writes so far.
    pub fn writes(&self) -> &WriteSet {
        &self.writes
    }

    /// The base state the overlay reads through to.
    pub fn base(&self) -> &'a dyn StateReader {
        self.base
    }

    /// The writes to commit.
    pub fn into_writes(self) -> WriteSet {
        self.writes
    }
}

/// An overlay reads like the state it will become once committed.
impl StateReader for Overlay<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Overlay::get(self, key)
    }

    fn next(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
    ) -> Result<Option<(Vec<u8>, Vec<u8>)>, StateError> {
        Overlay::next(self, prefix, after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_types::MemState;
    use proptest::prelude::*;

    fn base(entries: &[(&[u8], &[u8])]) -> MemState {
        let mut s = MemState::default();
        for (k, v) in entries {
            s.0.insert(k.to_vec(), v.to_vec());
        }
        s
    }

    fn keys(o: &Overlay<'_>, prefix: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut after: Option<Vec<u8>> = None;
        while let Some((k, _)) = o.next(prefix, after.as_deref()).expect("mem state") {
            out.push(k.clone());
            after = Some(k);
        }
        out
    }

    #[test]
    fn reads_see_own_writes_and_deletes() {
        let b = base(&[(b"a", b"1"), (b"b", b"2")]);
        let mut o = Overlay::new(&b);
        o.put(b"a".to_vec(), b"x".to_vec());
        o.delete(b"b".to_vec());
        o.put(b"c".to_vec(), b"3".to_vec());
        assert_eq!(o.get(b"a").expect("ok"), Some(b"x".to_vec()));
        assert_eq!(o.get(b"b").expect("ok"), None);
        assert_eq!(o.get(b"c").expect("ok"), Some(b"3".to_vec()));
        assert_eq!(b.get(b"a").expect("ok"), Some(b"1".to_vec()), "base untouched");
    }

    #[test]
    fn next_merges_and_skips_deleted_keys() {
        let b = base(&[(b"p/1", b"b1"), (b"p/2", b"b2"), (b"p/4", b"b4"), (b"q/1", b"q")]);
        let mut o = Overlay::new(&b);
        o.delete(b"p/2".to_vec());
        o.put(b"p/3".to_vec(), b"o3".to_vec());
        o.put(b"p/4".to_vec(), b"o4".to_vec());
        o.delete(b"p/9".to_vec());
        assert_eq!(keys(&o, b"p/"), vec![b"p/1".to_vec(), b"p/3".to_vec(), b"p/4".to_vec()]);
        assert_eq!(
            o.next(b"p/", Some(b"p/3")).expect("ok"),
            Some((b"p/4".to_vec(), b"o4".to_vec()))
        );
        assert_eq!(o.next(b"p/", Some(b"p/4")).expect("ok"), None);
        assert_eq!(keys(&o, b"q/"), vec![b"q/1".to_vec()]);
    }

    #[test]
    fn revert_undoes_writes_after_the_checkpoint_only() {
        let b = base(&[(b"k", b"base")]);
        let mut o = Overlay::new(&b);
        o.put(b"k".to_vec(), b"one".to_vec());
        let cp = o.checkpoint();
        o.put(b"k".to_vec(), b"two".to_vec());
        o.delete(b"k".to_vec());
        o.put(b"new".to_vec(), b"n".to_vec());
        let inner = o.checkpoint();
        o.put(b"inner".to_vec(), b"i".to_vec());
        o.revert(inner);
        assert_eq!(o.get(b"inner").expect("ok"), None);
        assert_eq!(o.get(b"new").expect("ok"), Some(b"n".to_vec()));
        o.revert(cp);
        assert_eq!(o.get(b"k").expect("ok"), Some(b"one".to_vec()));
        assert_eq!(o.get(b"new").expect("ok"), None);
        let writes = o.into_writes();
        assert_eq!(writes.len(), 1);
        assert_eq!(writes.get(b"k".as_slice()), Some(&Some(b"one".to_vec())));
    }

    proptest! {
        /// Against a model: apply the writes to a copy of the base and compare full
        /// iteration and point reads, with a revert in the middle.
        #[test]
        fn overlay_matches_applied_state(
            base_keys in proptest::collection::btree_map(proptest::collection::vec(0u8..4, 0..3), any::<u8>(), 0..12),
            ops in proptest::collection::vec((proptest::collection::vec(0u8..4, 0..3), proptest::option::of(any::<u8>())), 0..16),
            cut in 0usize..16,
        ) {
            let mut b = MemState::default();
            for (k, v) in &base_keys { b.0.insert(k.clone(), vec![*v]); }
            let mut o = Overlay::new(&b);
            let mut model = b.clone();
            let mut cp = None;
            let mut model_at_cp = None;
            for (i, (k, v)) in ops.iter().enumerate() {
                if i == cut { cp = Some(o.checkpoint()); model_at_cp = Some(model.clone()); }
                match v {
                    Some(v) => { o.put(k.clone(), vec![*v]); model.0.insert(k.clone(), vec![*v]); }
                    None => { o.delete(k.clone()); model.0.remove(k); }
                }
            }
            if let (Some(cp), Some(m)) = (cp, model_at_cp) { o.revert(cp); model = m; }
            for prefix in [&[][..], &[0u8][..], &[1u8, 2][..]] {
                let mut expected = Vec::new();
                let mut after: Option<Vec<u8>> = None;
                while let Some((k, _)) = model.next(prefix, after.as_deref()).expect("mem") {
                    expected.push(k.clone());
                    after = Some(k);
                }
                prop_assert_eq!(keys(&o, prefix), expected);
            }
            for k in base_keys.keys().chain(ops.iter().map(|(k, _)| k)) {
                prop_assert_eq!(o.get(k).expect("ok"), model.get(k).expect("ok"));
            }
            let mut applied = b.clone();
            applied.apply(&o.into_writes());
            prop_assert_eq!(applied, model);
        }
    }
}
