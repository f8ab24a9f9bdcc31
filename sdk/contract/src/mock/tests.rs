//! Tests of the mock host's transaction semantics.

use super::*;
use crate::{abort, call, env, events, storage};

fn write_then(msg: &[u8]) -> Result<Vec<u8>, Error> {
    storage::set(b"k", msg);
    events::emit("t.write", msg);
    match msg {
        b"err" => Err(Error::new("refused")),
        b"abort" => abort("gave up"),
        b"panic" => panic!("boom"),
        _ => Ok(b"done".to_vec()),
    }
}

#[test]
fn execute_commits_on_success_and_reverts_on_every_kind_of_failure() {
    reset();
    assert_eq!(execute(write_then, b"v1"), Ok(b"done".to_vec()));
    assert_eq!(return_data(), Some(b"done".to_vec()));
    assert_eq!(events().len(), 1);
    for (msg, reason) in [(&b"err"[..], "refused"), (b"abort", "gave up"), (b"panic", "boom")] {
        assert_eq!(execute(write_then, msg), Err(Error::new(reason)));
        assert_eq!(storage::get(b"k"), Some(b"v1".to_vec()), "{reason}");
        assert!(events().is_empty(), "{reason}");
        assert_eq!(return_data(), None);
    }
}

#[test]
fn query_is_read_only_and_restores_writability() {
    reset();
    storage::set(b"k", b"v");
    assert_eq!(query(|_| Ok(storage::get(b"k").unwrap_or_default()), b""), Ok(b"v".to_vec()));
    assert_eq!(query(write_then, b"x"), Err(Error::new("state is read-only in a query")));
    assert_eq!(storage::get(b"k"), Some(b"v".to_vec()));
    assert!(!with(|h| h.read_only));
    let emit = |_: &[u8]| {
        events::emit("t", b"");
        Ok(Vec::new())
    };
    assert_eq!(query(emit, b""), Err(Error::new("state is read-only in a query")));
}

#[test]
fn failing_callee_is_reverted_but_caller_continues() {
    reset();
    let callee = Address([7; 20]);
    on_call(callee, |msg| {
        storage::set(b"callee", msg);
        if msg == b"fail" { Err(Error::new("no")) } else { Ok(Vec::new()) }
    });
    let result = execute(
        |_| {
            let failed = call::call_contract(&callee, b"fail").expect_err("callee refuses");
            call::call_contract(&callee, b"ok")?;
            Ok(failed.reason.into_bytes())
        },
        b"",
    );
    assert_eq!(result, Ok(b"no".to_vec()));
    assert_eq!(storage::get(b"callee"), Some(b"ok".to_vec()));
}

#[test]
fn calls_nest_at_most_eight_deep() {
    reset();
    let me = Address([9; 20]);
    // A contract that calls itself and reports the depth at which the chain stopped.
    on_call(me, move |msg| {
        let depth = msg[0] + 1;
        match call::call_contract(&me, &[depth]) {
            Ok(deepest) => Ok(deepest),
            Err(e) => {
                assert_eq!(e.reason, "call depth limit exceeded");
                Ok(vec![depth])
            }
        }
    });
    // The test itself is depth 1, so the first callee is depth 2.
    assert_eq!(call::call_contract(&me, &[1]), Ok(vec![8]));
    assert_eq!(with(|h| h.depth), 1);
}

#[test]
fn limits_panic_like_vm_traps() {
    reset();
    let long_key = vec![0u8; crate::limits::MAX_KEY_LEN + 1];
    let write = |_: &[u8]| {
        storage::set(&long_key, b"");
        Ok(Vec::new())
    };
    let err = execute(write, b"").expect_err("trap");
    assert_eq!(err.message(), "storage key is 257 bytes; the limit is 256");
    let too_many = |_: &[u8]| {
        for _ in 0..=crate::limits::MAX_EVENTS {
            events::emit("t", b"");
        }
        Ok(Vec::new())
    };
    assert_eq!(
        execute(too_many, b"").map_err(|e| e.to_string()),
        Err("more than 64 events in one transaction".into())
    );
}

#[test]
fn events_carry_the_emitting_contract() {
    reset();
    let other = Address([3; 20]);
    on_call(other, |_| {
        events::emit("inner", b"");
        Ok(env::caller().0.to_vec())
    });
    events::emit("outer", b"");
    assert_eq!(call::call_contract(&other, b""), Ok(MockHost::CONTRACT.0.to_vec()));
    let got: Vec<(Address, String)> =
        take_events().into_iter().map(|e| (e.contract, e.topic)).collect();
    assert_eq!(got, [(MockHost::CONTRACT, "outer".into()), (other, "inner".into())]);
    assert!(events().is_empty());
}
