//! Host API behaviour, one host function (or group) at a time, through the probe.

use super::{account, assert_status, cmd, cmds, probe_chain, write};
use bayledger_types::{Hash, SecretKey, pb::ExecStatus, state_keys};

#[test]
fn storage_round_trip_in_the_contracts_own_key_space() {
    let (mut chain, c) = probe_chain();
    let out = chain.call(account(2), c, &write(b"name", b"alice"));
    assert_status(&out, ExecStatus::Ok);
    // Stored under kv/<contract><key> in the global state.
    assert_eq!(chain.state().0.get(&state_keys::storage(&c, b"name")), Some(&b"alice".to_vec()));

    let out = chain.call(account(2), c, &cmd(b'r', b"name"));
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(out.return_data, b"alice");
    let out = chain.query(c, &cmd(b'r', b"missing"));
    assert_eq!(out.return_data, b"<none>");

    let out = chain.call(account(2), c, &cmd(b'd', b"name"));
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(chain.storage(c, b"name"), None);
    assert_eq!(chain.query(c, &cmd(b'r', b"name")).return_data, b"<none>");
}

#[test]
fn reads_see_writes_of_the_same_transaction() {
    let (mut chain, c) = probe_chain();
    chain.call(account(2), c, &write(b"k", b"old"));
    let out = chain.call(account(2), c, &cmds(&[write(b"k", b"new"), cmd(b'r', b"k")]));
    assert_eq!(out.return_data, b"new");
    let out = chain.call(account(2), c, &cmds(&[cmd(b'd', b"k"), cmd(b'r', b"k")]));
    assert_eq!(out.return_data, b"<none>");
}

/// `storage_next` payload: prefix length, prefix, after.
fn next(prefix: &[u8], after: &[u8]) -> Vec<u8> {
    let mut p = vec![prefix.len() as u8];
    p.extend_from_slice(prefix);
    p.extend_from_slice(after);
    cmd(b'n', &p)
}

fn entry(key: &[u8], value: &[u8]) -> Vec<u8> {
    let mut out = (key.len() as u32).to_le_bytes().to_vec();
    out.extend_from_slice(key);
    out.extend_from_slice(value);
    out
}

#[test]
fn storage_next_iterates_merging_committed_and_pending_writes() {
    let (mut chain, c) = probe_chain();
    chain.call(
        account(2),
        c,
        &cmds(&[write(b"p/1", b"a"), write(b"p/2", b"b"), write(b"p/4", b"d"), write(b"q", b"x")]),
    );

    assert_eq!(chain.query(c, &next(b"p/", b"")).return_data, entry(b"p/1", b"a"));
    assert_eq!(chain.query(c, &next(b"p/", b"p/1")).return_data, entry(b"p/2", b"b"));
    assert_eq!(chain.query(c, &next(b"p/", b"p/4")).return_data, b"<none>");
    assert_eq!(chain.query(c, &next(b"z", b"")).return_data, b"<none>");

    // Within one transaction: a deleted key is skipped, a new key is seen.
    let out = chain.call(
        account(2),
        c,
        &cmds(&[cmd(b'd', b"p/2"), write(b"p/3", b"c"), next(b"p/", b"p/1")]),
    );
    assert_eq!(out.return_data, entry(b"p/3", b"c"));

    // Another contract's storage is invisible.
    let code = Hash::sha3(&super::probe());
    let other = chain.instantiate(account(1), code, &[]).expect("second probe");
    chain.call(account(2), other, &write(b"p/0", b"other"));
    assert_eq!(chain.query(c, &next(b"p/", b"")).return_data, entry(b"p/1", b"a"));
}

#[test]
fn caller_origin_and_self_address() {
    let (mut chain, c) = probe_chain();
    let sender = account(7);
    assert_eq!(chain.call(sender, c, &cmd(b'c', b"")).return_data, sender.0);
    assert_eq!(chain.call(sender, c, &cmd(b'o', b"")).return_data, sender.0);
    assert_eq!(chain.call(sender, c, &cmd(b's', b"")).return_data, c.0);
    // Queries have no sender.
    assert_eq!(chain.query(c, &cmd(b'c', b"")).return_data, [0u8; 20]);
    assert_eq!(chain.query(c, &cmd(b'o', b"")).return_data, [0u8; 20]);
}

#[test]
fn block_height_and_time() {
    let (mut chain, c) = probe_chain();
    chain.set_block(1234, 1_720_000_000_123);
    assert_eq!(chain.call(account(2), c, &cmd(b'h', b"")).return_data, 1234u64.to_le_bytes());
    assert_eq!(
        chain.call(account(2), c, &cmd(b't', b"")).return_data,
        1_720_000_000_123u64.to_le_bytes()
    );
    assert_eq!(chain.query(c, &cmd(b'h', b"")).return_data, 1234u64.to_le_bytes());
}

fn event(topic: &[u8], data: &[u8]) -> Vec<u8> {
    let mut p = vec![topic.len() as u8];
    p.extend_from_slice(topic);
    p.extend_from_slice(data);
    cmd(b'e', &p)
}

#[test]
fn events_are_reported_in_order_with_the_emitting_contract() {
    let (mut chain, c) = probe_chain();
    let out =
        chain.call(account(2), c, &cmds(&[event(b"transfer", b"\x01\x02"), event(b"memo", b"")]));
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(out.events.len(), 2);
    assert_eq!(out.events[0].contract, c.0.to_vec());
    assert_eq!(out.events[0].topic, "transfer");
    assert_eq!(out.events[0].data, vec![1, 2]);
    assert_eq!(out.events[1].topic, "memo");
}

#[test]
fn event_limits_trap() {
    let (mut chain, c) = probe_chain();
    let long_topic = vec![b't'; 65];
    let out = chain.call(account(2), c, &event(&long_topic, b""));
    assert_status(&out, ExecStatus::Trap);
    assert!(out.error.contains("topic is 65 bytes; the limit is 64 bytes"), "{}", out.error);

    let out = chain.call(account(2), c, &event(b"t", &vec![0u8; 8 * 1024 + 1]));
    assert!(out.error.contains("event data is 8193 bytes"), "{}", out.error);

    let out = chain.call(account(2), c, &event(&[0xff, 0xfe], b""));
    assert!(out.error.contains("topic is not valid UTF-8"), "{}", out.error);

    let many: Vec<Vec<u8>> = (0..65).map(|_| event(b"e", b"")).collect();
    let out = chain.call(account(2), c, &cmds(&many));
    assert_status(&out, ExecStatus::Trap);
    assert!(out.error.contains("at most 64 events per transaction"), "{}", out.error);
    assert!(out.events.is_empty());
    let out = chain.call(account(2), c, &cmds(&many[..64]));
    assert_eq!(out.events.len(), 64);
}

#[test]
fn sha3_and_keccak_match_known_vectors() {
    let (chain, c) = probe_chain();
    assert_eq!(
        hex::encode(chain.query(c, &cmd(b'3', b"")).return_data),
        "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
    );
    assert_eq!(
        hex::encode(chain.query(c, &cmd(b'3', b"abc")).return_data),
        "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"
    );
    assert_eq!(
        hex::encode(chain.query(c, &cmd(b'k', b"")).return_data),
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    );
    assert_eq!(
        hex::encode(chain.query(c, &cmd(b'k', b"abc")).return_data),
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    );
}

fn verify_cmd(digest: &[u8; 32], rs: &[u8], key: &[u8]) -> Vec<u8> {
    cmd(b'v', &[&digest[..], rs, key].concat())
}

#[test]
fn secp256k1_verify_follows_the_chain_rules() {
    let (chain, c) = probe_chain();
    let key = SecretKey::from_bytes(&[42u8; 32]).expect("valid scalar");
    let digest = Hash::sha3(b"pay 10 to bob").0;
    let sig = key.sign_digest(&digest);
    let compressed = key.public_key().to_compressed();
    let uncompressed = key.public_key().to_uncompressed();

    assert_eq!(chain.query(c, &verify_cmd(&digest, &sig.0[..64], &compressed)).return_data, [1]);
    assert_eq!(chain.query(c, &verify_cmd(&digest, &sig.0[..64], &uncompressed)).return_data, [1]);
    let other = Hash::sha3(b"pay 1000 to bob").0;
    assert_eq!(chain.query(c, &verify_cmd(&other, &sig.0[..64], &compressed)).return_data, [0]);
    // Not a key length the ABI accepts, and a malformed key.
    assert_eq!(
        chain.query(c, &verify_cmd(&digest, &sig.0[..64], &compressed[..32])).return_data,
        [0]
    );
    assert_eq!(chain.query(c, &verify_cmd(&digest, &sig.0[..64], &[0u8; 33])).return_data, [0]);

    // High-S (the malleable twin) is refused, as for transactions.
    let n = hex::decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
        .expect("hex");
    let mut high = sig.0[..64].to_vec();
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(n[i]) - i16::from(sig.0[32 + i]) - borrow;
        borrow = i16::from(d < 0);
        high[32 + i] = d.rem_euclid(256) as u8;
    }
    assert_eq!(chain.query(c, &verify_cmd(&digest, &high, &compressed)).return_data, [0]);
}

#[test]
fn secp256k1_recover_returns_the_signer() {
    let (chain, c) = probe_chain();
    let key = SecretKey::from_bytes(&[7u8; 32]).expect("valid scalar");
    let digest = Hash::sha3(b"message").0;
    let sig = key.sign_digest(&digest);
    let out = chain.query(c, &cmd(b'R', &[&digest[..], &sig.0[..]].concat()));
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(out.return_data[0], 1);
    assert_eq!(out.return_data[1..], key.public_key().to_compressed());

    let mut bad = sig.0;
    bad[64] = 2; // recovery id must be 0 or 1
    let out = chain.query(c, &cmd(b'R', &[&digest[..], &bad[..]].concat()));
    assert_eq!(out.return_data[0], 0);
}

#[test]
fn set_return_and_abort_messages() {
    let (mut chain, c) = probe_chain();
    let out = chain.call(account(2), c, &cmd(b'E', b"\x00all good"));
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(out.return_text(), "all good");

    let out = chain.call(
        account(2),
        c,
        &cmds(&[write(b"k", b"v"), cmd(b'E', b"\x07insufficient balance")]),
    );
    assert_status(&out, ExecStatus::Aborted);
    assert_eq!(out.error, "contract returned error code 7: insufficient balance");
    assert!(out.return_data.is_empty());
    assert_eq!(chain.storage(c, b"k"), None, "reverted");

    let out = chain.call(account(2), c, &cmds(&[write(b"k", b"v"), cmd(b'a', b"nope \xff")]));
    assert_status(&out, ExecStatus::Aborted);
    assert_eq!(out.error, "aborted: nope \u{fffd}");
    assert_eq!(chain.storage(c, b"k"), None, "reverted");

    // Only the first KiB of an abort message is kept.
    let long = vec![b'x'; 3000];
    let out = chain.call(account(2), c, &cmd(b'a', &long));
    assert_eq!(out.error.len(), "aborted: ".len() + 1024);
}

#[test]
fn float_nans_are_canonical() {
    let (chain, c) = probe_chain();
    let out = chain.query(c, &cmd(b'f', &0f64.to_le_bytes()));
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(
        u64::from_le_bytes(out.return_data.try_into().expect("8 bytes")),
        0x7ff8_0000_0000_0000
    );
}

#[test]
fn memory_grows_up_to_the_limit_and_no_further() {
    let (mut chain, c) = probe_chain();
    // 4 pages declared; up to 256 in total.
    let out = chain.call(account(2), c, &cmd(b'g', &252u32.to_le_bytes()));
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(out.return_data, 4i32.to_le_bytes());
    let out = chain.call(account(2), c, &cmd(b'g', &253u32.to_le_bytes()));
    assert_status(&out, ExecStatus::Ok);
    assert_eq!(out.return_data, (-1i32).to_le_bytes(), "growth past 16 MiB fails with -1");
}
