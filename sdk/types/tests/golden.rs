//! Golden vectors: `tests/vectors/tx_v1.json` pins the exact bytes, hashes and
//! signatures of transactions, a header, a block, a vote, Merkle roots and
//! address derivations (format: docs/adr/0001). Any change to an encoding, a
//! domain tag, the Merkle shape or the signing rules fails these tests.
//!
//! The file is generated from the fixed inputs below and checked in. To
//! regenerate after a deliberate, ADR-backed format change:
//! `BAYLEDGER_REGEN_VECTORS=1 cargo test -p bayledger-types --test golden`.

use bayledger_types::block::{
    SealedBlock, SealedHeader, header_hash, receipts_root, sign_vote, tx_root_of,
    validator_set_hash, vote_digest,
};
use bayledger_types::hash::domain;
use bayledger_types::pb::{self, action::Kind};
use bayledger_types::tx::{DecodedTx, TxContext, sign, tx_hash};
use bayledger_types::{
    Address, Hash, PublicKey, RecoverableSignature, SecretKey, decode_canonical,
};
use prost::Message;
use serde_json::{Value, json};
use std::path::PathBuf;

const CHAIN_ID: &str = "bayledger-test";
/// The smallest WebAssembly 1.0 module: magic and version.
const TINY_WASM: &[u8] = b"\0asm\x01\0\0\0";

fn vectors_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/tx_v1.json")
}

fn secret(bytes: [u8; 32]) -> SecretKey {
    SecretKey::from_bytes(&bytes).expect("valid scalar")
}

/// Signer 0 = 0x0101…01, signer 1 = 0x0202…02, signer 2 = 1 (public key = generator G).
fn signers() -> [SecretKey; 3] {
    let mut one = [0u8; 32];
    one[31] = 1;
    [secret([1; 32]), secret([2; 32]), secret(one)]
}

fn hx(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

fn unhex(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex string")).expect("valid hex")
}

fn body(sender: &SecretKey, nonce: u64, kind: Kind) -> pb::TxBody {
    pb::TxBody {
        chain_id: CHAIN_ID.into(),
        sender: sender.address().0.to_vec(),
        nonce,
        fuel_limit: 1_000_000,
        expiry_height: 100,
        action: Some(pb::Action { kind: Some(kind) }),
    }
}

/// The three transactions: upload, instantiate, call.
fn bodies() -> Vec<(&'static str, usize, pb::TxBody)> {
    let [a, b, _] = signers();
    let contract = Address::contract(&a.address(), 1);
    vec![
        (
            "upload_code",
            0,
            body(&a, 0, Kind::UploadCode(pb::UploadCode { wasm: TINY_WASM.to_vec() })),
        ),
        (
            "instantiate",
            0,
            body(
                &a,
                1,
                Kind::Instantiate(pb::Instantiate {
                    code_hash: Hash::sha3(TINY_WASM).0.to_vec(),
                    init_msg: br#"{"owner":"a"}"#.to_vec(),
                    label: "kv".into(),
                }),
            ),
        ),
        (
            "call",
            1,
            body(
                &b,
                0,
                Kind::Call(pb::Call {
                    contract: contract.0.to_vec(),
                    msg: br#"{"set":{"k":"v"}}"#.to_vec(),
                }),
            ),
        ),
    ]
}

fn action_json(kind: &Kind) -> Value {
    match kind {
        Kind::UploadCode(u) => json!({ "upload_code": { "wasm": hx(&u.wasm) } }),
        Kind::Instantiate(i) => {
            json!({ "instantiate": { "code_hash": hx(&i.code_hash), "init_msg": hx(&i.init_msg), "label": i.label } })
        }
        Kind::Call(c) => json!({ "call": { "contract": hx(&c.contract), "msg": hx(&c.msg) } }),
    }
}

fn receipts(txs: &[Vec<u8>]) -> Vec<pb::Receipt> {
    let [a, _, _] = signers();
    let contract = Address::contract(&a.address(), 1);
    let hash = |i: usize| bayledger_types::block::signed_tx_hash(&txs[i]).0.to_vec();
    vec![
        pb::Receipt {
            tx_hash: hash(0),
            status: pb::ExecStatus::Ok.into(),
            fuel_used: 1_000,
            code_hash: Hash::sha3(TINY_WASM).0.to_vec(),
            ..Default::default()
        },
        pb::Receipt {
            tx_hash: hash(1),
            status: pb::ExecStatus::Ok.into(),
            fuel_used: 2_000,
            events: vec![pb::Event {
                contract: contract.0.to_vec(),
                topic: "instantiated".into(),
                data: b"kv".to_vec(),
            }],
            contract_address: contract.0.to_vec(),
            ..Default::default()
        },
        pb::Receipt {
            tx_hash: hash(2),
            status: pb::ExecStatus::Aborted.into(),
            error: "contract returned error code 1".into(),
            fuel_used: 1_500,
            ..Default::default()
        },
    ]
}

/// Recomputes the whole vector document from the fixed inputs.
fn build() -> Value {
    let keys = signers();
    let key_json: Vec<Value> = keys
        .iter()
        .map(|k| {
            let p = k.public_key();
            json!({
                "secret_key": hx(&k.to_bytes()[..]),
                "public_key_compressed": hx(&p.to_compressed()),
                "public_key_uncompressed": hx(&p.to_uncompressed()),
                "address": hx(&p.address().0),
            })
        })
        .collect();

    let mut txs = Vec::new();
    let mut tx_json = Vec::new();
    for (name, signer, b) in bodies() {
        let signed = sign(&b, &keys[signer]);
        let env = pb::SignedTx::decode(signed.as_slice()).expect("own encoding");
        let action = b.action.as_ref().and_then(|a| a.kind.as_ref()).expect("action");
        tx_json.push(json!({
            "name": name,
            "signer": signer,
            "body": {
                "chain_id": b.chain_id, "sender": hx(&b.sender), "nonce": b.nonce,
                "fuel_limit": b.fuel_limit, "expiry_height": b.expiry_height, "action": action_json(action),
            },
            "body_bytes": hx(&env.body),
            "tx_hash": tx_hash(&env.body).to_hex(),
            "signature": hx(&env.signature),
            "signed_tx_bytes": hx(&signed),
            "sender": hx(&keys[signer].address().0),
        }));
        txs.push(signed);
    }
    let tx_root = tx_root_of(&txs);

    let receipts = receipts(&txs);
    let receipts_root = receipts_root(&receipts);

    let set = pb::ValidatorSet {
        validators: keys[..2]
            .iter()
            .zip([10u64, 5])
            .zip(["node0", "node1"])
            .map(|((k, power), name)| pb::Validator::of_key(&k.public_key(), power, name))
            .collect(),
    };

    let parent = Hash([0x11; 32]);
    let last_commit = pb::Commit {
        height: 1,
        round: 0,
        block_hash: parent.0.to_vec(),
        signatures: keys[..2].iter().map(|k| sign_vote(k, CHAIN_ID, 1, 0, &parent)).collect(),
    };
    let header = pb::BlockHeader {
        chain_id: CHAIN_ID.into(),
        height: 2,
        time_ms: 1_795_305_601_000,
        parent_hash: parent.0.to_vec(),
        proposer: keys[0].address().0.to_vec(),
        tx_root: tx_root.0.to_vec(),
        receipts_root: receipts_root.0.to_vec(),
        state_root: vec![0x22; 32],
        validator_set_hash: validator_set_hash(&set).0.to_vec(),
        last_commit: Some(last_commit.clone()),
        tx_count: 3,
        evidence_root: Vec::new(),
    };
    let sealed = SealedHeader::seal(header.clone());
    let block = SealedBlock { header: sealed.clone(), txs: txs.clone(), evidence: vec![] };

    let vote = pb::Vote {
        chain_id: CHAIN_ID.into(),
        height: 2,
        round: 0,
        block_hash: sealed.hash.0.to_vec(),
        vote_type: pb::VoteType::Precommit as i32,
    };
    let vote_sig = keys[1].sign_digest(&vote_digest(&vote).0);

    let creator = keys[0].address();
    let contract_addresses: Vec<Value> = [0u64, 1, u64::MAX]
        .iter()
        .map(|&n| json!({ "creator": hx(&creator.0), "nonce": n, "address": hx(&Address::contract(&creator, n).0) }))
        .collect();

    json!({
        "format": "bayledger-types-vectors/v1",
        "encoding": "all byte strings are lower-case hex without 0x; see docs/adr/0001",
        "domain_tags": {
            "tx": String::from_utf8_lossy(domain::TX), "header": String::from_utf8_lossy(domain::HEADER),
            "vote": String::from_utf8_lossy(domain::VOTE), "validator_set": String::from_utf8_lossy(domain::VALIDATOR_SET),
            "contract": String::from_utf8_lossy(domain::CONTRACT), "genesis": String::from_utf8_lossy(domain::GENESIS),
        },
        "keys": key_json,
        "txs": tx_json,
        "tx_root": tx_root.to_hex(),
        "receipts": receipts.iter().map(|r| hx(&r.encode_to_vec())).collect::<Vec<_>>(),
        "receipts_root": receipts_root.to_hex(),
        "validator_set": { "bytes": hx(&set.encode_to_vec()), "hash": validator_set_hash(&set).to_hex() },
        "header": {
            "fields": {
                "chain_id": header.chain_id, "height": header.height, "time_ms": header.time_ms,
                "parent_hash": hx(&header.parent_hash), "proposer": hx(&header.proposer),
                "tx_root": hx(&header.tx_root), "receipts_root": hx(&header.receipts_root),
                "state_root": hx(&header.state_root), "validator_set_hash": hx(&header.validator_set_hash),
                "last_commit": hx(&last_commit.encode_to_vec()), "tx_count": header.tx_count,
                "evidence_root": hx(&header.evidence_root),
            },
            "bytes": hx(&sealed.bytes),
            "block_hash": sealed.hash.to_hex(),
        },
        "block": { "bytes": hx(&block.encode()) },
        "vote": {
            "signer": 1, "chain_id": vote.chain_id, "height": vote.height, "round": vote.round,
            "block_hash": hx(&vote.block_hash),
            "bytes": hx(&vote.encode_to_vec()),
            "digest": vote_digest(&vote).to_hex(),
            "signature": hx(vote_sig.as_bytes()),
        },
        "contract_addresses": contract_addresses,
    })
}

fn load() -> Value {
    let path = vectors_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; regenerate with BAYLEDGER_REGEN_VECTORS=1", path.display())
    });
    serde_json::from_str(&text).expect("vector file is JSON")
}

#[test]
fn vector_file_matches_recomputation() {
    let doc = build();
    if std::env::var("BAYLEDGER_REGEN_VECTORS").as_deref() == Ok("1") {
        let mut text = serde_json::to_string_pretty(&doc).expect("json");
        text.push('\n');
        std::fs::write(vectors_path(), text).expect("write vectors");
        eprintln!("regenerated {}", vectors_path().display());
    }
    let file = load();
    let (Value::Object(want), Value::Object(got)) = (&file, &doc) else {
        panic!("vector file is not an object")
    };
    assert_eq!(want.keys().collect::<Vec<_>>(), got.keys().collect::<Vec<_>>(), "sections differ");
    for (section, expected) in want {
        assert_eq!(
            &got[section], expected,
            "section {section:?} no longer matches tests/vectors/tx_v1.json"
        );
    }
}

#[test]
fn transactions_in_the_file_decode_verify_and_hash_from_their_bytes() {
    let file = load();
    let txs = file["txs"].as_array().expect("txs");
    assert_eq!(txs.len(), 3);
    let ctx = TxContext { chain_id: CHAIN_ID, height: 100, max_tx_fuel: 1_000_000 };
    for t in txs {
        let bytes = unhex(&t["signed_tx_bytes"]);
        let decoded = DecodedTx::decode(&bytes, 1 << 20).expect("canonical SignedTx");
        decoded.check_context(&ctx).expect("context");
        assert_eq!(decoded.hash.to_hex(), t["tx_hash"].as_str().expect("hash"));
        assert_eq!(tx_hash(&unhex(&t["body_bytes"])), decoded.hash);
        assert_eq!(decoded.body.encode_to_vec(), unhex(&t["body_bytes"]));
        let verified = decoded.verify().expect("signature recovers the sender");
        assert_eq!(hx(&verified.sender.0), t["sender"].as_str().expect("sender"));

        let sig = RecoverableSignature::from_slice(&unhex(&t["signature"])).expect("65 bytes");
        assert!(sig.as_bytes()[64] <= 1, "v is 0 or 1");
        let signer = &file["keys"][t["signer"].as_u64().expect("signer") as usize];
        let key = sig.recover(&verified.hash.0).expect("recovers");
        assert_eq!(
            hx(&key.to_compressed()),
            signer["public_key_compressed"].as_str().expect("key")
        );
        key.verify_digest(&verified.hash.0, &sig.as_bytes()[..64]).expect("verifies as r || s");
    }
    let all: Vec<Vec<u8>> = txs.iter().map(|t| unhex(&t["signed_tx_bytes"])).collect();
    assert_eq!(tx_root_of(&all).to_hex(), file["tx_root"].as_str().expect("root"));
}

#[test]
fn header_block_vote_and_roots_recompute_from_the_file() {
    let file = load();
    let header = SealedHeader::decode(&unhex(&file["header"]["bytes"])).expect("canonical header");
    assert_eq!(header.hash.to_hex(), file["header"]["block_hash"].as_str().expect("hash"));
    assert_eq!(header_hash(&header.bytes), header.hash);
    assert_eq!(hx(&header.header.tx_root), file["tx_root"].as_str().expect("tx root"));

    let receipts: Vec<pb::Receipt> = file["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .map(|r| decode_canonical("Receipt", &unhex(r)).expect("canonical receipt"))
        .collect();
    assert_eq!(receipts_root(&receipts).to_hex(), file["receipts_root"].as_str().expect("root"));
    assert_eq!(hx(&header.header.receipts_root), file["receipts_root"].as_str().expect("root"));

    let set: pb::ValidatorSet =
        decode_canonical("ValidatorSet", &unhex(&file["validator_set"]["bytes"]))
            .expect("canonical set");
    assert_eq!(
        validator_set_hash(&set).to_hex(),
        file["validator_set"]["hash"].as_str().expect("hash")
    );
    let commit = header.header.last_commit.as_ref().expect("last commit");
    bayledger_types::block::verify_commit(commit, CHAIN_ID, 1, &Hash([0x11; 32]), &set)
        .expect("commit verifies");

    let block = SealedBlock::decode(&unhex(&file["block"]["bytes"]))
        .expect("block decodes, tx root checks");
    assert_eq!(block.header, header);
    assert_eq!(block.encode(), unhex(&file["block"]["bytes"]));

    let v = &file["vote"];
    let vote: pb::Vote = decode_canonical("Vote", &unhex(&v["bytes"])).expect("canonical vote");
    assert_eq!(vote.block_hash, header.hash.0.to_vec(), "the vote is for the vector's block");
    let digest = vote_digest(&vote);
    assert_eq!(digest.to_hex(), v["digest"].as_str().expect("digest"));
    let sig = RecoverableSignature::from_slice(&unhex(&v["signature"])).expect("65 bytes");
    let signer = &file["keys"][v["signer"].as_u64().expect("signer") as usize];
    assert_eq!(
        hx(&sig.recover(&digest.0).expect("recovers").address().0),
        signer["address"].as_str().expect("addr")
    );
}

#[test]
fn addresses_derive_from_the_file_keys() {
    let file = load();
    for k in file["keys"].as_array().expect("keys") {
        let sk = SecretKey::from_bytes(&unhex(&k["secret_key"])).expect("secret");
        let compressed =
            PublicKey::from_sec1(&unhex(&k["public_key_compressed"])).expect("compressed");
        let uncompressed =
            PublicKey::from_sec1(&unhex(&k["public_key_uncompressed"])).expect("uncompressed");
        assert_eq!(sk.public_key(), compressed);
        assert_eq!(compressed, uncompressed);
        let addr = Hash::sha3(&unhex(&k["public_key_compressed"])).0[12..].to_vec();
        assert_eq!(hx(&addr), k["address"].as_str().expect("address"));
        assert_eq!(hx(&compressed.address().0), k["address"].as_str().expect("address"));
    }
    // Signer 2 has secret key 1, so its public key is the secp256k1 generator G (SEC 2 §2.4.1).
    assert_eq!(
        file["keys"][2]["public_key_compressed"].as_str().expect("key"),
        "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    );
    for c in file["contract_addresses"].as_array().expect("contract addresses") {
        let mut pre = unhex(&c["creator"]);
        pre.extend_from_slice(&c["nonce"].as_u64().expect("nonce").to_be_bytes());
        let addr = Hash::tagged(domain::CONTRACT, &pre).0[12..].to_vec();
        assert_eq!(hx(&addr), c["address"].as_str().expect("address"));
    }
}
