//! Independent RFC 9162 verification, written from the RFC text and sharing no code with the
//! contract: `MTH` from its definition (§2.1.1), and the verification algorithms for inclusion
//! proofs (§2.1.3.2) and consistency proofs (§2.1.4.2). Used by the native and the VM tests.

#![allow(dead_code)]

use sha2::{Digest as _, Sha256};

/// A SHA-256 digest.
pub type H = [u8; 32];

/// SHA-256 of the concatenated parts.
pub fn sha(parts: &[&[u8]]) -> H {
    let mut hasher = Sha256::new();
    for p in parts {
        hasher.update(p);
    }
    hasher.finalize().into()
}

/// `HASH(0x00 || leaf)`.
pub fn leaf_hash(leaf: &[u8]) -> H {
    sha(&[&[0], leaf])
}

/// `HASH(0x01 || left || right)`.
pub fn node(left: &H, right: &H) -> H {
    sha(&[&[1], left, right])
}

/// RFC 9162 `MTH(D[n])` straight from its definition (§2.1.1).
pub fn mth(leaves: &[Vec<u8>]) -> H {
    match leaves.len() {
        0 => sha(&[]),
        1 => leaf_hash(&leaves[0]),
        n => {
            // k: the largest power of two smaller than n.
            let mut k = 1;
            while k * 2 < n {
                k *= 2;
            }
            node(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

/// RFC 9162 §2.1.3.2: verifying an inclusion proof.
pub fn verify_inclusion(leaf_index: u64, tree_size: u64, hash: H, path: &[H], root: &H) -> bool {
    // 1. leaf_index must be below tree_size.
    if leaf_index >= tree_size {
        return false;
    }
    // 2.-3.
    let (mut fn_, mut sn, mut r) = (leaf_index, tree_size - 1, hash);
    // 4.
    for p in path {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // 5.
    sn == 0 && r == *root
}

/// RFC 9162 §2.1.4.2: verifying consistency between two tree heads (0 < first < second).
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_hash: &H,
    second_hash: &H,
    path: &[H],
) -> bool {
    if first == 0 || first >= second {
        return false;
    }
    // 1.
    if path.is_empty() {
        return false;
    }
    // 2.
    let mut path = path.to_vec();
    if first.is_power_of_two() {
        path.insert(0, *first_hash);
    }
    // 3.-4.
    let (mut fn_, mut sn) = (first - 1, second - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    // 5.
    let (mut fr, mut sr) = (path[0], path[0]);
    // 6.
    for c in &path[1..] {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node(c, &fr);
            sr = node(c, &sr);
            if fn_ & 1 == 0 {
                while !(fn_ & 1 == 1 || fn_ == 0) {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // 7.
    fr == *first_hash && sr == *second_hash && sn == 0
}

/// The bytes of `0x`-prefixed hex (how the contract writes leaves and proof nodes).
pub fn from_hex(text: &str) -> Vec<u8> {
    let digits = text.strip_prefix("0x").unwrap_or_else(|| panic!("no 0x prefix: {text}"));
    assert!(digits.len().is_multiple_of(2), "odd hex length: {text}");
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&digits[i..i + 2], 16).unwrap_or_else(|e| panic!("{text}: {e}"))
        })
        .collect()
}

/// A 32-byte digest from `0x`-prefixed hex.
pub fn digest_from_hex(text: &str) -> H {
    from_hex(text).try_into().unwrap_or_else(|_| panic!("not 32 bytes: {text}"))
}
