//! The Merkle log against independent verifiers: the RFC 9162 §2.1.3.2 and §2.1.4.2
//! verification algorithms written out here, a reference `MTH` computed from all leaves, the
//! documented leaf layout re-encoded here, and the `ct-merkle` crate. Every tree size 1..=70,
//! every leaf index and every pair of sizes; tampered proofs, leaves and roots must fail.

use super::*;
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof, InclusionProof, RootHash};
use rfc9162::{H, leaf_hash, mth, verify_consistency, verify_inclusion};
use sha2::Sha256;

const SIZES: u64 = 70;

fn bytes(v: &Value) -> Vec<u8> {
    rfc9162::from_hex(v.as_str().unwrap_or_else(|| panic!("not a hex string: {v}")))
}

fn digest(v: &Value) -> H {
    bytes(v).try_into().expect("32 bytes")
}

fn digests(v: &Value) -> Vec<H> {
    v.as_array().expect("array").iter().map(digest).collect()
}

/// The documented leaf layout (version 1), written independently of `crate::leaf`.
struct Expected<'a> {
    hash: u32,
    registrant: Address,
    height: u64,
    data_type: &'a str,
    scheme: Option<&'a str>,
    uri: Option<&'a str>,
    supersedes: Option<u32>,
}

impl Expected<'_> {
    fn leaf(&self) -> Vec<u8> {
        let mut out = vec![1u8];
        out.extend(bytes(&json!(hash(self.hash))));
        out.extend(self.registrant.0);
        out.extend(time_at(self.height).to_be_bytes());
        out.extend(self.height.to_be_bytes());
        out.push(self.data_type.len() as u8);
        out.extend(self.data_type.as_bytes());
        let scheme = self.scheme.unwrap_or("");
        out.push(scheme.len() as u8);
        out.extend(scheme.as_bytes());
        let uri = self.uri.unwrap_or("");
        out.extend((uri.len() as u16).to_be_bytes());
        out.extend(uri.as_bytes());
        match self.supersedes {
            Some(old) => {
                out.push(1);
                out.extend(bytes(&json!(hash(old))));
            }
            None => out.push(0),
        }
        out
    }
}

/// Who registers hash `n` in [`populated`].
fn sender_of(n: u32) -> Address {
    if n.is_multiple_of(3) { BANK_HK } else { BANK_SZ }
}

/// Fills the log with `SIZES` registrations made every way the contract appends (single,
/// batch, supersede), with varied fields, senders and blocks; returns the expected leaves.
fn populated() -> Vec<Vec<u8>> {
    instantiated();
    let mut leaves = Vec::new();
    let mut n = 0u32;
    while (leaves.len() as u64) < SIZES {
        let height = 11 + u64::from(n) / 4;
        at_height(height);
        let sender = sender_of(n);
        let base = Expected {
            hash: n,
            registrant: sender,
            height,
            data_type: "kyc-record",
            scheme: None,
            uri: None,
            supersedes: None,
        };
        match n % 10 {
            // A batch of three.
            4 => {
                let entries: Vec<Value> = (n..n + 3).map(|m| entry(m, "kyc-record")).collect();
                call_as(sender, json!({"register_batch": {"entries": entries}})).expect("batch");
                for m in n..n + 3 {
                    leaves.push(Expected { hash: m, ..base }.leaf());
                }
                n += 3;
                continue;
            }
            // Supersede the previous registration (made by the same sender below).
            9 => {
                let old = n - 1;
                let old_sender = sender_of(old);
                let msg = json!({"supersede": {"hash": hash(old), "reason": "amended", "new": entry(n, "kyc-record")}});
                call_as(old_sender, msg).expect("supersedes");
                leaves.push(
                    Expected { registrant: old_sender, supersedes: Some(old), ..base }.leaf(),
                );
            }
            _ => {
                let scheme = n.is_multiple_of(2).then_some("sha3-256(salt||data)");
                let uri = (n % 5 == 1).then_some("urn:bank:record:42");
                let msg = json!({"register": {"hash": hash(n), "data_type": "fhir:Patient", "commitment_scheme": scheme, "metadata_uri": uri}});
                call_as(sender, msg).expect("registers");
                leaves.push(Expected { data_type: "fhir:Patient", scheme, uri, ..base }.leaf());
            }
        }
        n += 1;
    }
    assert_eq!(query(json!({"tree_head": {}}))["tree_size"], json!(leaves.len()));
    leaves
}

fn inclusion(index: u64, size: u64) -> Value {
    query(json!({"inclusion_proof": {"leaf_index": index, "tree_size": size}}))
}

fn concat(nodes: &[H]) -> Vec<u8> {
    nodes.concat()
}

fn ct_root(root: &H, size: u64) -> RootHash<Sha256> {
    RootHash::new((*root).into(), size)
}

#[test]
fn every_head_and_inclusion_proof_verifies_independently() {
    let leaves = populated();
    let mut ct = MemoryBackedTree::<Sha256, Vec<u8>>::new();
    for size in 1..=leaves.len() as u64 {
        ct.push(leaves[size as usize - 1].clone());
        let head = query(json!({"tree_head": {"tree_size": size}}));
        let root = digest(&head["root_hash"]);
        assert_eq!(root, mth(&leaves[..size as usize]), "root of size {size}");
        assert_eq!(
            root.as_slice(),
            ct.root().as_bytes().as_slice(),
            "ct-merkle root of size {size}"
        );
        for index in 0..size {
            let proof = inclusion(index, size);
            let leaf = bytes(&proof["leaf"]);
            assert_eq!(leaf, leaves[index as usize], "leaf {index}");
            assert_eq!(digest(&proof["leaf_hash"]), leaf_hash(&leaf));
            assert_eq!(digest(&proof["root_hash"]), root);
            assert_eq!(
                (proof["leaf_index"].as_u64(), proof["tree_size"].as_u64()),
                (Some(index), Some(size))
            );
            let path = digests(&proof["inclusion_path"]);
            assert!(
                verify_inclusion(index, size, leaf_hash(&leaf), &path, &root),
                "RFC 9162: leaf {index} of {size}"
            );
            let ct_proof = ct.prove_inclusion(index as usize);
            assert_eq!(
                concat(&path),
                ct_proof.as_bytes(),
                "ct-merkle path of leaf {index} of {size}"
            );
            ct_root(&root, size)
                .verify_inclusion(&leaf, index, &InclusionProof::from_bytes(concat(&path)))
                .unwrap_or_else(|e| panic!("ct-merkle rejects leaf {index} of {size}: {e:?}"));
        }
    }
    // By hash it is the same proof.
    let last = leaves.len() as u64;
    for index in [0, 13, last - 1] {
        let by_index = inclusion(index, last);
        let by_hash = query(json!({"inclusion_proof": {"hash": by_index["hash"]}}));
        assert_eq!(by_hash, by_index);
    }
}

#[test]
fn every_consistency_proof_verifies_independently() {
    let leaves = populated();
    let mut ct = MemoryBackedTree::<Sha256, Vec<u8>>::new();
    let roots: Vec<H> = (0..=leaves.len()).map(|n| mth(&leaves[..n])).collect();
    for second in 1..=leaves.len() as u64 {
        ct.push(leaves[second as usize - 1].clone());
        for first in 1..=second {
            let proof = query(json!({"consistency_proof": {"first": first, "second": second}}));
            let (first_root, second_root) =
                (digest(&proof["first_root"]), digest(&proof["second_root"]));
            assert_eq!((first_root, second_root), (roots[first as usize], roots[second as usize]));
            let path = digests(&proof["consistency_path"]);
            if first == second {
                assert!(path.is_empty(), "PROOF(m, D[m]) is empty");
                continue;
            }
            assert!(
                verify_consistency(first, second, &first_root, &second_root, &path),
                "RFC 9162: {first} -> {second}"
            );
            let ct_proof = ct.prove_consistency((second - first) as usize);
            assert_eq!(concat(&path), ct_proof.as_bytes(), "ct-merkle proof {first} -> {second}");
            let parsed =
                ConsistencyProof::try_from_bytes(concat(&path)).expect("well-formed proof");
            ct_root(&second_root, second)
                .verify_consistency(&ct_root(&first_root, first), &parsed)
                .unwrap_or_else(|e| panic!("ct-merkle rejects {first} -> {second}: {e:?}"));
        }
    }
    // Without `second`, the proof is to the committed head.
    let to_head = query(json!({"consistency_proof": {"first": 3}}));
    assert_eq!(to_head["second"], json!(leaves.len()));
    assert_eq!(digest(&to_head["second_root"]), roots[leaves.len()]);
}

/// Every single-bit change to a proof node, the leaf, the root, or the claimed position breaks
/// verification, for both verifiers.
#[test]
fn tampered_proofs_leaves_and_roots_fail() {
    let leaves = populated();
    let flip = |h: &H, bit: usize| {
        let mut h = *h;
        h[bit / 8 % 32] ^= 1 << (bit % 8);
        h
    };
    for (index, size) in [(0, 1), (5, 6), (13, 64), (37, 70), (69, 70), (64, 65)] {
        let proof = inclusion(index, size);
        let (leaf, root) = (bytes(&proof["leaf"]), digest(&proof["root_hash"]));
        let path = digests(&proof["inclusion_path"]);
        let ct_ok = |leaf: &[u8], index: u64, path: &[H], root: &H, size: u64| {
            ct_root(root, size)
                .verify_inclusion(&leaf.to_vec(), index, &InclusionProof::from_bytes(concat(path)))
                .is_ok()
        };
        let both = |leaf: &[u8], index: u64, path: &[H], root: &H, size: u64| {
            let rfc = verify_inclusion(index, size, leaf_hash(leaf), path, root);
            assert_eq!(rfc, ct_ok(leaf, index, path, root, size), "verifiers disagree");
            rfc
        };
        assert!(both(&leaf, index, &path, &root, size), "untampered proof verifies");
        for i in 0..path.len() {
            for bit in [0, 77, 255] {
                let mut bad = path.clone();
                bad[i] = flip(&bad[i], bit);
                assert!(
                    !both(&leaf, index, &bad, &root, size),
                    "tampered node {i} of leaf {index}/{size}"
                );
            }
        }
        for byte in [0, 1, 40, leaf.len() - 1] {
            let mut bad = leaf.clone();
            bad[byte] ^= 0x80;
            assert!(!both(&bad, index, &path, &root, size), "tampered leaf byte {byte}");
        }
        assert!(!both(&leaf, index, &path, &flip(&root, 3), size), "tampered root");
        if size > 1 {
            let other = if index + 1 < size { index + 1 } else { index - 1 };
            assert!(!both(&leaf, other, &path, &root, size), "wrong index");
            assert!(!both(&leaf, index, &path[..path.len() - 1], &root, size), "truncated path");
        }
        let mut longer = path.clone();
        longer.push(root);
        assert!(!both(&leaf, index, &longer, &root, size), "extended path");
    }

    for (first, second) in [(1, 2), (3, 7), (4, 70), (31, 64), (63, 70)] {
        let proof = query(json!({"consistency_proof": {"first": first, "second": second}}));
        let (r1, r2) = (digest(&proof["first_root"]), digest(&proof["second_root"]));
        let path = digests(&proof["consistency_path"]);
        let both = |first: u64, second: u64, r1: &H, r2: &H, path: &[H]| {
            let rfc = verify_consistency(first, second, r1, r2, path);
            let ct = ConsistencyProof::<Sha256>::try_from_bytes(concat(path))
                .map(|p| ct_root(r2, second).verify_consistency(&ct_root(r1, first), &p).is_ok())
                .unwrap_or(false);
            assert_eq!(rfc, ct, "verifiers disagree on {first} -> {second}");
            rfc
        };
        assert!(both(first, second, &r1, &r2, &path));
        for i in 0..path.len() {
            let mut bad = path.clone();
            bad[i] = flip(&bad[i], 100);
            assert!(
                !both(first, second, &r1, &r2, &bad),
                "tampered node {i} of {first} -> {second}"
            );
        }
        assert!(!both(first, second, &flip(&r1, 9), &r2, &path), "tampered first root");
        assert!(!both(first, second, &r1, &flip(&r2, 9), &path), "tampered second root");
        assert!(!both(first, second, &r1, &r2, &path[..path.len() - 1]), "truncated proof");
    }
    // A root from a different log size is not the one the proof leads to.
    let head = digest(&query(json!({"tree_head": {"tree_size": 69}}))["root_hash"]);
    let proof = inclusion(3, 70);
    assert!(!verify_inclusion(
        3,
        70,
        leaf_hash(&bytes(&proof["leaf"])),
        &digests(&proof["inclusion_path"]),
        &head
    ));
    assert_eq!(leaves.len() as u64, SIZES);
}
