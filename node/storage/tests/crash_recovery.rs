//! Crash safety: a writer process commits blocks and is killed with SIGKILL;
//! the reopened store must hold every block the writer reported as committed,
//! each block whole, with the state roots a fresh in-memory recomputation
//! gives.
//!
//! The test binary is its own writer: run with `BAYLEDGER_STORAGE_CRASH_DIR`
//! set, it opens the store there, re-commits its latest block (the
//! crash-recovery path: must be an `Ok` no-op), then commits the
//! deterministic chain from `latest + 1` on, printing `committed N` after each
//! `commit_block` returns. The parent reads those lines, kills the writer
//! after a pseudo-random number of them (usually while it is inside the next
//! commit), drains what the writer printed before dying, and checks the store.
//! Several rounds run on the same directory, so recovery is also checked to
//! continue the chain. Nothing sleeps: the parent is driven by the writer's
//! output.
//!
//! The writer keeps only the last [`KEEP`] heights, so its pruning thread
//! runs while it commits and is killed too, often mid-way. The check then
//! requires every height from the earliest retained one to read, iterate and
//! prove exactly as the model, heights below it to fail with `Pruned`, and a
//! reopened pruning store to finish the interrupted work. Uses its own `main` (harness = false) so that the writer output is
//! not mixed with libtest's.

mod common;

use bayledger_storage::{Pruning, StorageError, Store, StoreConfig};
use bayledger_types::StateReader;
use common::*;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

const WRITER_ENV: &str = "BAYLEDGER_STORAGE_CRASH_DIR";
const ROUNDS: u64 = 4;
/// A writer that is never killed stops here (the parent kills far earlier).
const WRITER_LIMIT: u64 = 100_000;
/// Heights the writer keeps.
const KEEP: u64 = 3;

fn pruning_config() -> StoreConfig {
    StoreConfig { pruning: Pruning::KeepRecent(KEEP), ..Default::default() }
}

fn main() -> ExitCode {
    if let Some(dir) = std::env::var_os(WRITER_ENV) {
        writer(Path::new(&dir));
        return ExitCode::SUCCESS;
    }
    if std::env::args().any(|a| a == "--list") {
        // Not an ignored test: list it only when the normal tests are asked for.
        if !std::env::args().any(|a| a == "--ignored") {
            println!("crash_recovery: test");
        }
        return ExitCode::SUCCESS;
    }
    if !selected("crash_recovery") {
        println!("\nrunning 0 tests (crash_recovery filtered out)\n");
        return ExitCode::SUCCESS;
    }
    println!("\nrunning 1 test");
    crash_recovery();
    println!("test crash_recovery ... ok\n");
    ExitCode::SUCCESS
}

/// Whether libtest-style arguments (`cargo test -p bayledger-storage -- <filter>`,
/// `--skip <filter>`, `--exact`, `--ignored`) select the test `name`.
fn selected(name: &str) -> bool {
    const TAKES_VALUE: &[&str] =
        &["--skip", "--test-threads", "--format", "--color", "--logfile", "-Z"];
    let args: Vec<String> = std::env::args().skip(1).collect();
    let exact = args.iter().any(|a| a == "--exact");
    let matches = |f: &str| if exact { f == name } else { name.contains(f) };
    let mut filters = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--skip" && args.get(i + 1).is_some_and(|f| matches(f)) {
            return false;
        }
        if a == "--ignored" {
            return false;
        }
        if TAKES_VALUE.contains(&a) {
            i += 2;
            continue;
        }
        if !a.starts_with('-') {
            filters.push(a);
        }
        i += 1;
    }
    filters.is_empty() || filters.into_iter().any(matches)
}

fn writer(dir: &Path) {
    let store = Store::open_with(dir, &pruning_config()).expect("writer opens the store");
    let latest = match store.latest_height().expect("reads") {
        None => {
            init(&store);
            0
        }
        Some(latest) => latest,
    };
    if latest >= 1 {
        // What a node does after a crash: replay the last block it knows of.
        let state = store.prepare_state(latest, &writes_for(latest)).expect("recomputes");
        let b = build(latest, parent_of(&store, latest), txs_for(latest), state.root);
        store
            .commit_block(bayledger_storage::BlockCommit {
                block: &b.block,
                commit: &b.commit,
                receipts: &b.receipts,
                state,
            })
            .expect("re-committing the latest block is a no-op");
        assert_eq!(store.latest_height().expect("reads"), Some(latest));
    }
    let mut out = std::io::stdout().lock();
    for height in latest + 1..=WRITER_LIMIT {
        commit_height(&store, height);
        writeln!(out, "committed {height}").expect("parent is reading");
        out.flush().expect("parent is reading");
    }
}

/// A small xorshift generator seeded from the clock, so that kill points
/// differ between runs; the seed is printed to reproduce a failure.
struct Rng(u64);

impl Rng {
    fn from_clock() -> Rng {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9e37_79b9_7f4a_7c15);
        Rng(nanos | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn crash_recovery() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = Rng::from_clock();
    println!("crash_recovery seed {}", rng.0);
    let exe = std::env::current_exe().expect("test binary path");
    let mut reported = 0u64;

    for round in 1..=ROUNDS {
        let kill_after = 3 + rng.below(30);
        let mut child = Command::new(&exe)
            .env(WRITER_ENV, dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawns the writer");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();

        let mut seen = 0;
        let mut killed = false;
        for line in lines.by_ref() {
            let line = line.expect("reads writer output");
            let Some(height) = line.strip_prefix("committed ").and_then(|h| h.parse::<u64>().ok())
            else {
                continue;
            };
            assert_eq!(height, reported + 1, "round {round}: the writer continues the chain");
            reported = height;
            seen += 1;
            if seen == kill_after {
                child.kill().expect("SIGKILLs the writer");
                killed = true;
                break;
            }
        }
        assert!(killed, "round {round}: the writer stopped before being killed");
        // Lines written before the kill landed are reports too.
        for line in lines {
            let Ok(line) = line else { break };
            if let Some(height) =
                line.strip_prefix("committed ").and_then(|h| h.parse::<u64>().ok())
            {
                reported = height;
            }
        }
        let status = child.wait().expect("reaps the writer");
        assert_eq!(
            status.signal(),
            Some(9),
            "round {round}: the writer died of SIGKILL, not {status}"
        );

        let latest = check_store(dir.path(), reported);
        check_pruning(dir.path(), latest);
        println!(
            "round {round}: killed after {seen} commits; reported {reported}, store holds {latest}"
        );
        // The store may hold one block more than was reported: it was
        // written but the writer died before printing.
        reported = latest;
    }
}

/// Checks that the retained heights read, iterate and prove as the model and
/// the pruned ones are refused: first as the crash left the store (opened
/// without pruning), then after a pruning store has caught up.
fn check_pruning(dir: &Path, latest: u64) {
    let model_keys: std::collections::BTreeSet<Vec<u8>> = (0..=latest)
        .flat_map(|h| writes_for(h).into_keys())
        .chain(genesis_writes().into_keys())
        .collect();
    let check = |store: &Store| {
        let earliest = store.earliest_state().expect("reads");
        assert!(
            earliest + KEEP <= latest + 1 || earliest == 0,
            "earliest retained {earliest} prunes a height the last {KEEP} of {latest} need"
        );
        for v in 0..earliest {
            assert!(
                matches!(store.state_at(v), Err(StorageError::Pruned { height, .. }) if height == v),
                "height {v} below {earliest} is refused"
            );
        }
        for v in earliest..=latest {
            let model = expected_state(v);
            let view = store.state_at(v).expect("retained view");
            let mut after: Option<Vec<u8>> = None;
            let mut entries = Vec::new();
            while let Some((k, value)) = view.next(b"", after.as_deref()).expect("next") {
                after = Some(k.clone());
                entries.push((k, value));
            }
            let expected: Vec<_> = model.0.clone().into_iter().collect();
            assert_eq!(entries, expected, "state at retained height {v}");
            for k in &model_keys {
                let proven = store.get_with_proof(k, v).expect("retained proof");
                assert_eq!(proven.value.as_ref(), model.0.get(k), "{k:?} at {v}");
                proven.verify(k).expect("verifies");
            }
        }
        earliest
    };
    let as_left = check(&Store::open(dir).expect("reopens without pruning"));
    let store = Store::open_with(dir, &pruning_config()).expect("reopens with pruning");
    store.prune_now().expect("prunes");
    let caught_up = check(&store);
    assert_eq!(caught_up, (latest + 1).saturating_sub(KEEP), "pruning caught up");
    println!(
        "pruning: earliest retained {as_left} as left by the crash, {caught_up} after catching up"
    );
}

/// Checks the reopened store against the deterministic chain; returns its
/// latest height.
fn check_store(dir: &Path, reported: u64) -> u64 {
    let store = Store::open(dir).expect("reopens after the crash");
    let latest = store.latest_height().expect("reads").expect("genesis survived");
    assert!(
        latest >= reported,
        "store lost committed blocks: latest {latest} < reported {reported}"
    );
    assert!(latest <= reported + 1, "store is ahead of what the writer could have written");
    let roots = expected_roots(latest);
    assert_eq!(store.state_root(0).expect("reads"), Some(roots[0]));
    let mut parent = bayledger_types::Hash::ZERO;
    for h in 1..=latest {
        let block = store
            .block_by_height(h)
            .expect("block decodes")
            .unwrap_or_else(|| panic!("block {h} missing"));
        assert_eq!(block.height(), h);
        assert_eq!(
            block.header.header.parent_hash,
            parent.0.to_vec(),
            "block {h} extends its parent"
        );
        assert_eq!(block.header.state_root(), roots[h as usize], "header root of {h}");
        assert_eq!(
            store.state_root(h).expect("reads"),
            Some(roots[h as usize]),
            "stored root of {h}"
        );
        assert_eq!(store.block_by_hash(&block.hash()).expect("reads").as_ref(), Some(&block));
        let commit =
            store.commit_at(h).expect("reads").unwrap_or_else(|| panic!("commit {h} missing"));
        assert_eq!(commit.block_hash, block.hash().0.to_vec());
        for (index, tx_hash) in block.tx_hashes().iter().enumerate() {
            assert_eq!(store.tx_location(tx_hash).expect("reads"), Some((h, index as u32)));
            assert!(
                store.receipt(tx_hash).expect("reads").is_some(),
                "receipt of {tx_hash} in block {h}"
            );
        }
        parent = block.hash();
    }
    assert_eq!(
        store.block_by_height(latest + 1).expect("reads"),
        None,
        "no block beyond the latest height"
    );
    assert_eq!(
        store.state_root(latest + 1).expect("reads"),
        None,
        "no state beyond the latest height"
    );

    let state = store.latest_state().expect("latest state");
    assert_eq!(state.version(), latest);
    let model = expected_state(latest);
    let mut after: Option<Vec<u8>> = None;
    let mut count = 0;
    while let Some((k, v)) = state.next(b"", after.as_deref()).expect("next") {
        assert_eq!(model.0.get(&k), Some(&v), "flat state entry {k:?}");
        after = Some(k);
        count += 1;
    }
    assert_eq!(count, model.0.len(), "flat state holds exactly the model's keys");
    latest
}
