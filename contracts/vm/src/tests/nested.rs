//! Cross-contract calls: context, revert scope, fuel, depth and instance limits.

use super::{account, assert_status, call_cmd, cmd, cmds, nested_result, probe, query_cmd, write};
use crate::testing::TestChain;
use bayledger_types::{Address, pb::ExecStatus};

/// A chain with two probes, A and B.
fn two_probes() -> (TestChain, Address, Address) {
    let mut chain = TestChain::new();
    let code = chain.upload(&probe()).expect("valid");
    let a = chain.instantiate(account(1), code, &[]).expect("A");
    let b = chain.instantiate(account(1), code, &[]).expect("B");
    (chain, a, b)
}

#[test]
fn callee_sees_the_calling_contract_as_caller_and_the_sender_as_origin() {
    let (mut chain, a, b) = two_probes();
    let sender = account(9);
    let out = chain.call(sender, a, &call_cmd(b, 0, &cmd(b'c', b"")));
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(nested_result(&out.return_data), (20, a.0.to_vec()));
    let out = chain.call(sender, a, &call_cmd(b, 0, &cmd(b'o', b"")));
    assert_eq!(nested_result(&out.return_data), (20, sender.0.to_vec()));
    let out = chain.call(sender, a, &call_cmd(b, 0, &cmd(b's', b"")));
    assert_eq!(nested_result(&out.return_data), (20, b.0.to_vec()));
}

#[test]
fn successful_callee_writes_and_events_are_kept() {
    let (mut chain, a, b) = two_probes();
    let out = chain.call(
        account(2),
        a,
        &cmds(&[
            write(b"mine", b"a"),
            call_cmd(b, 0, &cmds(&[write(b"k", b"from b"), cmd(b'e', b"\x01tb")])),
        ]),
    );
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(chain.storage(a, b"mine"), Some(&b"a"[..]));
    assert_eq!(chain.storage(b, b"k"), Some(&b"from b"[..]));
    assert_eq!(chain.storage(a, b"k"), None, "storage is per contract");
    assert_eq!(out.events.len(), 1);
    assert_eq!(out.events[0].contract, b.0.to_vec());

    // ...unless the caller fails afterwards: then everything goes.
    let out =
        chain.call(account(2), a, &cmds(&[call_cmd(b, 0, &write(b"k2", b"x")), cmd(b'u', b"")]));
    assert_status(&out, ExecStatus::Trap);
    assert_eq!(chain.storage(b, b"k2"), None);
}

#[test]
fn failing_callee_is_reverted_and_the_caller_continues() {
    let (mut chain, a, b) = two_probes();
    chain.call(account(2), b, &write(b"k", b"original"));
    let out = chain.call(
        account(2),
        a,
        &cmds(&[
            write(b"before", b"1"),
            cmd(b'e', b"\x01aA"),
            call_cmd(
                b,
                0,
                &cmds(&[write(b"k", b"clobbered"), cmd(b'e', b"\x01bB"), cmd(b'u', b"")]),
            ),
        ]),
    );
    assert_status(&out, ExecStatus::Ok);
    let reason = b"trap: unreachable instruction executed".to_vec();
    assert_eq!(nested_result(&out.return_data), (-(reason.len() as i64) - 1, reason));
    assert_eq!(chain.storage(a, b"before"), Some(&b"1"[..]));
    assert_eq!(chain.storage(b, b"k"), Some(&b"original"[..]));
    assert_eq!(out.events.len(), 1, "the callee's event is dropped: {:?}", out.events);
    assert_eq!(out.events[0].topic, "a");

    // The caller can carry on writing after the failure.
    let out = chain.call(
        account(2),
        a,
        &cmds(&[call_cmd(b, 0, &cmd(b'a', b"no way")), write(b"after", b"2")]),
    );
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(chain.storage(a, b"after"), Some(&b"2"[..]));
    let out = chain.call(account(2), a, &call_cmd(b, 0, &cmd(b'a', b"no way")));
    assert_eq!(nested_result(&out.return_data).1, b"aborted: no way");
}

#[test]
fn calls_to_missing_contracts_or_entry_points_fail_for_the_caller_only() {
    let (mut chain, a, _) = two_probes();
    let nobody = Address([0xee; 20]);
    let out = chain.call(account(2), a, &call_cmd(nobody, 0, b""));
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(
        nested_result(&out.return_data).1,
        format!("unknown contract {nobody}").into_bytes()
    );

    let code = chain
        .upload(&super::contract(
            r#"(func (export "call") (param i32 i32) (result i32) (i32.const 0))"#,
        ))
        .expect("valid");
    let no_query = chain.instantiate(account(1), code, b"").expect("ok");
    let out = chain.call(account(2), a, &query_cmd(no_query, b""));
    assert_eq!(
        nested_result(&out.return_data).1,
        format!("contract {no_query} has no `query` entry point").into_bytes()
    );
}

#[test]
fn nested_queries_are_read_only() {
    let (mut chain, a, b) = two_probes();
    let out = chain.call(account(2), a, &query_cmd(b, &write(b"k", b"v")));
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(
        nested_result(&out.return_data).1,
        b"trap: `storage_write`: state is read-only in a query".to_vec()
    );
    assert_eq!(chain.storage(b, b"k"), None);
    // A query sees the caller's pending writes.
    let out = chain.call(
        account(2),
        a,
        &cmds(&[call_cmd(b, 0, &write(b"k", b"v")), query_cmd(b, &cmd(b'r', b"k"))]),
    );
    assert_eq!(nested_result(&out.return_data), (1, b"v".to_vec()));
}

#[test]
fn callee_gets_at_most_the_fuel_offered() {
    let (mut chain, a, b) = two_probes();
    chain.set_fuel_limit(10_000_000);
    let out = chain.call(account(2), a, &call_cmd(b, 100_000, &cmd(b'l', b"")));
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(nested_result(&out.return_data).1, b"out of fuel");
    // The caller paid the 100,000 the callee burned plus its own costs, no more.
    assert!(out.fuel_used > 100_000 && out.fuel_used < 200_000, "{}", out.fuel_used);

    // Offering more than is left (or 0, "everything") hands over everything left:
    // the callee burns it all and the caller then runs out too.
    for offered in [0, 20_000_000] {
        let out = chain.call(account(2), a, &call_cmd(b, offered, &cmd(b'l', b"")));
        assert_status(&out, ExecStatus::OutOfFuel);
        assert_eq!(out.fuel_used, 10_000_000);
    }
}

#[test]
fn unbounded_recursion_stops_at_depth_eight() {
    let (mut chain, a, _) = two_probes();
    chain.set_fuel_limit(50_000_000);
    let out = chain.call(account(2), a, &cmd(b'D', b""));
    assert_status(&out, ExecStatus::Ok);
    // Eight entry points ran (each bumped the counter), the ninth was refused.
    assert_eq!(chain.storage(a, b"d"), Some(&[8u8][..]));
    let mut data = out.return_data.clone();
    for _ in 0..7 {
        let (n, inner) = nested_result(&data);
        assert!(n >= 0);
        data = inner;
    }
    let (n, reason) = nested_result(&data);
    let reason = String::from_utf8(reason).expect("utf-8");
    assert_eq!(reason, "call depth limit exceeded (at most 8 nested entry points)");
    assert_eq!(n, -(reason.len() as i64) - 1);
}

#[test]
fn instances_per_transaction_are_bounded() {
    let (mut chain, a, b) = two_probes();
    // A plus 8 sequential calls is 9 instances: the limit. The 9th call is refused.
    let eight: Vec<Vec<u8>> = (0..8).map(|_| call_cmd(b, 0, &cmd(b'h', b""))).collect();
    let out = chain.call(account(2), a, &cmds(&eight));
    assert_eq!(nested_result(&out.return_data).0, 8);
    let nine: Vec<Vec<u8>> = (0..9).map(|_| call_cmd(b, 0, &cmd(b'h', b""))).collect();
    let out = chain.call(account(2), a, &cmds(&nine));
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(
        nested_result(&out.return_data).1,
        b"instance limit exceeded: at most 9 contract instances per transaction".to_vec()
    );
}
