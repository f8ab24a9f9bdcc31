//! The bad-input list: every malformed or hostile transaction gets a clear
//! error (an RPC status at admission, or a failed receipt at execution), the
//! state does not change, and the node keeps serving.

mod common;

use bayledger_proto::node::{BroadcastTxRequest, tx_service_client::TxServiceClient};
use bayledger_sdk::client::Client;
use bayledger_sdk::tx::{TxBuilder, sign};
use bayledger_types::pb::{self, ExecStatus};
use bayledger_types::{Address, Hash, SecretKey};
use common::{TestNode, contract_wasm, key};
use prost::Message;
use std::time::Duration;
use tonic::Code;

const WAIT: Duration = Duration::from_secs(20);

/// A contract whose first message byte picks a misbehaviour:
/// 1 trap, 2 endless loop, 3 call itself (unbounded recursion), 4 return 100 KiB.
const MISBEHAVING: &str = r#"
(module
  (import "bl" "set_return" (func $set_return (param i32 i32)))
  (import "bl" "call_contract" (func $call_contract (param i32 i32 i32 i64) (result i64)))
  (import "bl" "self_address" (func $self_address (param i32)))
  (import "bl" "result_read" (func $result_read (param i32)))
  (import "bl" "abort" (func $abort (param i32 i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 1024))
  (func (export "bayledger_abi_v1"))
  (func (export "bl_alloc") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n)))
    (local.get $p))
  (func (export "call") (param $ptr i32) (param $len i32) (result i32)
    (local $mode i32) (local $r i64)
    (local.set $mode (i32.load8_u (local.get $ptr)))
    (if (i32.eq (local.get $mode) (i32.const 1)) (then unreachable))
    (if (i32.eq (local.get $mode) (i32.const 2)) (then (loop $spin (br $spin))))
    (if (i32.eq (local.get $mode) (i32.const 3)) (then
      (call $self_address (i32.const 0))
      (local.set $r (call $call_contract (i32.const 0) (local.get $ptr) (local.get $len) (i64.const 0)))
      (if (i64.lt_s (local.get $r) (i64.const 0)) (then
        (call $result_read (i32.const 64))
        (call $abort (i32.const 64) (i32.wrap_i64 (i64.sub (i64.const -1) (local.get $r))))))))
    (if (i32.eq (local.get $mode) (i32.const 4)) (then
      (call $set_return (i32.const 0) (i32.const 102400))))
    (i32.const 0)))
"#;

struct Ctx {
    chain_id: String,
    height: u64,
}

async fn ctx(c: &Client) -> Ctx {
    let s = c.status().await.expect("status");
    Ctx { chain_id: s.chain_id, height: s.latest_height }
}

fn call_body(ctx: &Ctx, k: &SecretKey, nonce: u64) -> pb::TxBody {
    TxBuilder::new(ctx.chain_id.clone(), k.address(), nonce)
        .fuel_limit(1_000_000)
        .expires_after(ctx.height, 100)
        .call(Address([9; 20]), b"{}".to_vec())
}

type RawTx = TxServiceClient<tonic::transport::Channel>;

/// Sends raw bytes straight to the node (the SDK would refuse some locally).
async fn refused(raw: &mut RawTx, tx: Vec<u8>, expect: &str) {
    let req = BroadcastTxRequest { tx, wait_for_commit: false, timeout_ms: 0 };
    let status = raw.broadcast_tx(req).await.expect_err("must be refused");
    assert!(
        matches!(status.code(), Code::InvalidArgument | Code::FailedPrecondition),
        "unexpected code {:?}: {}",
        status.code(),
        status.message()
    );
    let msg = status.message();
    assert!(msg.to_lowercase().contains(&expect.to_lowercase()), "expected {expect:?} in {msg:?}");
}

async fn receipt(c: &Client, tx: Vec<u8>) -> pb::Receipt {
    c.broadcast(tx, true, WAIT).await.expect("admitted").receipt.expect("committed")
}

fn high_s(tx: &[u8]) -> Vec<u8> {
    use k256::ecdsa::Signature;
    let mut signed = pb::SignedTx::decode(tx).expect("decodes");
    let sig = Signature::from_slice(&signed.signature[..64]).expect("sig");
    let (r, s) = sig.split_scalars();
    let high = Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).expect("scalars");
    signed.signature[..64].copy_from_slice(&high.to_bytes());
    signed.signature[64] ^= 1;
    signed.encode_to_vec()
}

/// Appends a custom section so a valid module exceeds `size` bytes.
fn padded(mut wasm: Vec<u8>, size: usize) -> Vec<u8> {
    let payload = size + 1 - wasm.len();
    let mut section = vec![3u8, b'p', b'a', b'd'];
    section.resize(payload, 0);
    wasm.push(0);
    let mut n = section.len();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            wasm.push(byte);
            break;
        }
        wasm.push(byte | 0x80);
    }
    wasm.extend_from_slice(&section);
    wasm
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admission_refuses_malformed_and_hostile_transactions() {
    let t = TestNode::start().await;
    let c = &t.client;
    let raw = &mut TxServiceClient::connect(format!(
        "http://{}",
        t.node.as_ref().expect("running").grpc_addr
    ))
    .await
    .expect("connect");
    let k = key();
    let x = ctx(c).await;

    refused(raw, vec![0xde, 0xad, 0xbe, 0xef, 0x01], "malformed").await;
    let good = sign(&call_body(&x, &k, 0), &k);
    refused(raw, good[..good.len() - 7].to_vec(), "malformed").await;
    let mut wrong_chain = call_body(&x, &k, 0);
    wrong_chain.chain_id = "another-chain".into();
    refused(raw, sign(&wrong_chain, &k), "wrong chain id").await;
    let mut bad_sig = pb::SignedTx::decode(good.as_slice()).expect("decodes");
    bad_sig.signature[5] ^= 0x40;
    refused(raw, bad_sig.encode_to_vec(), "signature").await;
    refused(raw, high_s(&good), "high S").await;
    refused(raw, sign(&call_body(&x, &k, 0), &key()), "not by the sender").await;
    refused(raw, sign(&call_body(&x, &k, 5), &k), "nonce gap").await;
    let mut expired = call_body(&x, &k, 0);
    expired.expiry_height = x.height.saturating_sub(1);
    refused(raw, sign(&expired, &k), "expired").await;
    let mut greedy = call_body(&x, &k, 0);
    greedy.fuel_limit = u64::MAX / 2;
    refused(raw, sign(&greedy, &k), "exceeds the maximum").await;
    let huge = TxBuilder::new(x.chain_id.clone(), k.address(), 0)
        .fuel_limit(1_000_000)
        .expires_after(x.height, 100)
        .call(Address([9; 20]), vec![7u8; 1_100_000]);
    refused(raw, sign(&huge, &k), "above the limit").await;

    // None of that touched the account; a valid transaction still commits, and
    // replaying it afterwards is refused.
    assert_eq!(c.account_nonce(&k.address()).await.expect("nonce"), 0);
    let r = receipt(c, good.clone()).await;
    assert_eq!(r.status(), ExecStatus::Rejected, "call to a missing contract is a failed receipt");
    assert!(r.error.contains("contract"), "{}", r.error);
    refused(raw, good, "too low").await;
    assert_eq!(c.account_nonce(&k.address()).await.expect("nonce"), 1);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn execution_failures_are_receipts_that_revert_state() {
    let t = TestNode::start().await;
    let c = t.client.clone().with_fuel_limit(50_000_000);
    let k = key();

    let upload = |wasm: Vec<u8>| {
        let c = c.clone();
        let k = k.clone();
        async move { c.upload_code(&k, wasm).await }
    };
    let expect_rejected = |res: Result<(Hash, pb::Receipt), bayledger_sdk::error::SdkError>,
                           what: &str| {
        let msg = res.expect_err("upload must fail").to_string();
        assert!(msg.to_lowercase().contains(&what.to_lowercase()), "expected {what:?} in {msg:?}");
    };
    expect_rejected(upload(b"\0asm\x01\0\0\0garbage".to_vec()).await, "invalid code");
    let forbidden = wat::parse_str(r#"(module (import "env" "fd_write" (func)) (memory (export "memory") 1)
        (func (export "bayledger_abi_v1")) (func (export "bl_alloc") (param i32) (result i32) i32.const 0)
        (func (export "call") (param i32 i32) (result i32) i32.const 0))"#).expect("wat");
    expect_rejected(upload(forbidden).await, "fd_write");
    let no_call = wat::parse_str(
        r#"(module (memory (export "memory") 1) (func (export "bayledger_abi_v1"))
        (func (export "bl_alloc") (param i32) (result i32) i32.const 0))"#,
    )
    .expect("wat");
    expect_rejected(upload(no_call).await, "call");
    let misbehaving = wat::parse_str(MISBEHAVING).expect("wat");
    expect_rejected(upload(padded(misbehaving.clone(), 600 * 1024)).await, "max_code_bytes");

    let (code, _) = upload(misbehaving).await.expect("valid contract uploads");
    let (contract, _) = c.instantiate(&k, code, vec![], "misbehaving").await.expect("instantiates");
    let nonce_before = c.account_nonce(&k.address()).await.expect("nonce");
    let cases: [(u8, ExecStatus, &str); 4] = [
        (1, ExecStatus::Trap, "unreachable"),
        (2, ExecStatus::OutOfFuel, "fuel"),
        (3, ExecStatus::Aborted, "depth"),
        (4, ExecStatus::Aborted, "return"),
    ];
    for (i, (mode, status, what)) in cases.iter().enumerate() {
        let err = c.call(&k, contract, vec![*mode]).await.expect_err("must fail");
        let msg = err.to_string();
        match err {
            bayledger_sdk::error::SdkError::TxFailed { status: got, error, .. } => {
                assert!(
                    got == *status || (*mode == 4 && got != ExecStatus::Ok),
                    "mode {mode}: {got:?} ({error})"
                );
                assert!(
                    error.to_lowercase().contains(what),
                    "mode {mode}: expected {what:?} in {error:?}"
                );
            }
            other => panic!("mode {mode}: unexpected error {other} / {msg}"),
        }
        assert_eq!(
            c.account_nonce(&k.address()).await.expect("nonce"),
            nonce_before + i as u64 + 1,
            "nonce consumed"
        );
    }
    // Still serving: the example registry deploys and works.
    let (code, _) = c.upload_code(&k, contract_wasm("kv_registry")).await.expect("upload");
    let (reg, _) = c.instantiate(&k, code, b"{}".to_vec(), "r").await.expect("instantiate");
    c.call(&k, reg, br#"{"set":{"key":"a","value":"b"}}"#.to_vec()).await.expect("call");
    t.stop().await;
}
