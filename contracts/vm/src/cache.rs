//! The compiled-module cache: code hash → pre-linked module (`InstancePre`), bounded,
//! evicting the least recently used entry. Every instantiation goes through it.
//! Whether an entry is cached never changes a result or a fuel charge.

use crate::host::HostCtx;
use crate::validate::CodeExports;
use bayledger_types::Hash;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use wasmtime::InstancePre;

/// A validated, compiled and linked module.
pub(crate) struct LoadedCode {
    pub(crate) pre: InstancePre<HostCtx>,
    pub(crate) exports: CodeExports,
    pub(crate) size: usize,
}

/// Cache counters, for metrics and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups that found the module compiled.
    pub hits: u64,
    /// Lookups that had to load and compile it.
    pub misses: u64,
    /// Modules currently cached.
    pub entries: usize,
}

struct Entry {
    code: Arc<LoadedCode>,
    last_used: u64,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<Hash, Entry>,
    clock: u64,
    hits: u64,
    misses: u64,
}

/// See the module documentation.
pub(crate) struct ModuleCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

impl ModuleCache {
    pub(crate) fn new(capacity: usize) -> ModuleCache {
        ModuleCache { capacity: capacity.max(1), inner: Mutex::new(Inner::default()) }
    }

    /// The cached module for `hash`, counting a hit or a miss.
    pub(crate) fn get(&self, hash: &Hash) -> Option<Arc<LoadedCode>> {
        let mut inner = self.inner.lock();
        inner.clock += 1;
        let now = inner.clock;
        match inner.entries.get_mut(hash) {
            Some(entry) => {
                entry.last_used = now;
                let code = entry.code.clone();
                inner.hits += 1;
                Some(code)
            }
            None => {
                inner.misses += 1;
                None
            }
        }
    }

    /// Caches `code` under `hash`, evicting the least recently used entry if full.
    pub(crate) fn insert(&self, hash: Hash, code: Arc<LoadedCode>) {
        let mut inner = self.inner.lock();
        inner.clock += 1;
        let now = inner.clock;
        if !inner.entries.contains_key(&hash) && inner.entries.len() >= self.capacity {
            let oldest = inner.entries.iter().min_by_key(|(_, e)| e.last_used).map(|(h, _)| *h);
            if let Some(oldest) = oldest {
                inner.entries.remove(&oldest);
            }
        }
        inner.entries.insert(hash, Entry { code, last_used: now });
    }

    pub(crate) fn stats(&self) -> CacheStats {
        let inner = self.inner.lock();
        CacheStats { hits: inner.hits, misses: inner.misses, entries: inner.entries.len() }
    }
}
