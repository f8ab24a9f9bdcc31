//! Point checks on secp256k1 (`y² = x³ + 7` over the prime field of order
//! `p = 2²⁵⁶ − 2³² − 977`), so a published key is a real curve point and its compressed
//! form — which determines its address — is the one canonical encoding.
//!
//! The host offers signature checks but no key validation, and a full curve library would
//! bloat the contract, so this is the minimum: 256-bit field multiplication for `y² = x³ + 7`,
//! and the Jacobi symbol (binary algorithm: shifts and subtractions only) to tell whether a
//! compressed key's `x³ + 7` has a square root. Numbers are four little-endian `u64` limbs.

type U256 = [u64; 4];

/// The field prime `p`.
const P: U256 = [0xFFFF_FFFE_FFFF_FC2F, u64::MAX, u64::MAX, u64::MAX];
/// `2²⁵⁶ mod p = 2³² + 977`.
const FOLD: u128 = 0x1_0000_03D1;

/// Whether `(x, y)` (32-byte big-endian coordinates) is a point of secp256k1.
pub fn is_on_curve(x: &[u8; 32], y: &[u8; 32]) -> bool {
    let (Some(x), Some(y)) = (field_element(x), field_element(y)) else {
        return false;
    };
    mul(&y, &y) == curve_rhs(&x)
}

/// Whether some point of secp256k1 has this 32-byte big-endian `x`, i.e. whether `x³ + 7` is a
/// square modulo `p` (then both `02 ‖ x` and `03 ‖ x` are valid compressed keys).
pub fn is_valid_x(x: &[u8; 32]) -> bool {
    field_element(x).is_some_and(|x| is_square(curve_rhs(&x)))
}

/// Big-endian bytes as a field element, if below `p`.
fn field_element(bytes: &[u8; 32]) -> Option<U256> {
    let mut limbs = [0u64; 4];
    for (i, chunk) in bytes.rchunks_exact(8).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        limbs[i] = u64::from_be_bytes(word);
    }
    less(&limbs, &P).then_some(limbs)
}

/// `x³ + 7 mod p`.
fn curve_rhs(x: &U256) -> U256 {
    add(&mul(&mul(x, x), x), &[7, 0, 0, 0])
}

fn less(a: &U256, b: &U256) -> bool {
    for i in (0..4).rev() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
    }
    false
}

/// `a − b`, for `a ≥ b`.
fn sub(a: &U256, b: &U256) -> U256 {
    let mut out = [0u64; 4];
    let mut borrow = false;
    for i in 0..4 {
        let (d, b1) = a[i].overflowing_sub(b[i]);
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        out[i] = d;
        borrow = b1 || b2;
    }
    out
}

/// `a + b mod p`, for `a, b < p`.
fn add(a: &U256, b: &U256) -> U256 {
    let mut out = [0u64; 4];
    let mut carry = false;
    for i in 0..4 {
        let (s, c1) = a[i].overflowing_add(b[i]);
        let (s, c2) = s.overflowing_add(u64::from(carry));
        out[i] = s;
        carry = c1 || c2;
    }
    // A wrapped sum is ≥ 2²⁵⁶ > p: subtracting p (mod 2²⁵⁶) gives the right value.
    if carry || !less(&out, &P) { sub(&out, &P) } else { out }
}

/// `a · b mod p`, for `a, b < p`.
fn mul(a: &U256, b: &U256) -> U256 {
    let mut wide = [0u64; 8];
    for i in 0..4 {
        let mut carry = 0u128;
        for j in 0..4 {
            let t = u128::from(a[i]) * u128::from(b[j]) + u128::from(wide[i + j]) + carry;
            wide[i + j] = t as u64;
            carry = t >> 64;
        }
        wide[i + 4] = carry as u64;
    }
    // wide = lo + hi·2²⁵⁶ ≡ lo + hi·FOLD; the result needs one more limb.
    let mut folded = [0u64; 5];
    let mut carry = 0u128;
    for i in 0..4 {
        let t = u128::from(wide[i]) + u128::from(wide[i + 4]) * FOLD + carry;
        folded[i] = t as u64;
        carry = t >> 64;
    }
    folded[4] = carry as u64;
    // Fold the fifth limb (< 2³⁴) the same way.
    let mut out = [0u64; 4];
    let mut carry = u128::from(folded[4]) * FOLD;
    for i in 0..4 {
        let t = u128::from(folded[i]) + carry;
        out[i] = t as u64;
        carry = t >> 64;
    }
    if carry != 0 {
        // Wrapped past 2²⁵⁶, so `out` is tiny: adding 2²⁵⁶ mod p = FOLD cannot wrap again.
        let t = u128::from(out[0]) + FOLD;
        out[0] = t as u64;
        out[1] += (t >> 64) as u64;
    }
    if less(&out, &P) { out } else { sub(&out, &P) }
}

/// Whether `a < p` is a square modulo `p`: the Jacobi symbol `(a/p)` by the binary algorithm.
fn is_square(a: U256) -> bool {
    if a == [0; 4] {
        return true;
    }
    let (mut a, mut n) = (a, P);
    let mut positive = true;
    while a != [0; 4] {
        while a[0] & 1 == 0 {
            // (2/n) = −1 exactly when n ≡ 3 or 5 (mod 8).
            for i in 0..4 {
                a[i] = (a[i] >> 1) | a.get(i + 1).map_or(0, |next| next << 63);
            }
            if matches!(n[0] & 7, 3 | 5) {
                positive = !positive;
            }
        }
        if less(&a, &n) {
            // Quadratic reciprocity for odd a, n: the sign flips when both are 3 (mod 4).
            core::mem::swap(&mut a, &mut n);
            if a[0] & 3 == 3 && n[0] & 3 == 3 {
                positive = !positive;
            }
        }
        a = sub(&a, &n);
    }
    // p is prime and a was non-zero, so gcd(a, p) = n = 1.
    positive
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_x_y(seed: u8) -> ([u8; 32], [u8; 32]) {
        let key = k256::ecdsa::SigningKey::from_slice(&[seed; 32]).expect("scalar");
        let point = key.verifying_key().to_sec1_point(false);
        let bytes = point.as_bytes();
        (bytes[1..33].try_into().expect("x"), bytes[33..65].try_into().expect("y"))
    }

    fn k256_accepts_x(x: &[u8; 32]) -> bool {
        let mut sec1 = [2u8; 33];
        sec1[1..].copy_from_slice(x);
        k256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).is_ok()
    }

    fn be(n: &U256) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, limb) in n.iter().enumerate() {
            out[32 - 8 * (i + 1)..32 - 8 * i].copy_from_slice(&limb.to_be_bytes());
        }
        out
    }

    #[test]
    fn real_keys_are_on_the_curve_and_tampered_ones_are_not() {
        for seed in 1..=40 {
            let (x, mut y) = key_x_y(seed);
            assert!(is_on_curve(&x, &y), "seed {seed}");
            assert!(is_valid_x(&x), "seed {seed}");
            // The mirror point (x, p − y) is on the curve too.
            let neg = sub(&P, &field_element(&y).expect("y < p"));
            assert!(is_on_curve(&x, &be(&neg)), "seed {seed}");
            y[31] ^= 1;
            assert!(!is_on_curve(&x, &y), "seed {seed}");
        }
    }

    #[test]
    fn x_validity_agrees_with_k256() {
        let mut valid = 0;
        for i in 0u32..400 {
            let mut x = [0u8; 32];
            x[28..].copy_from_slice(&i.to_be_bytes());
            // Spread the bits too: a multiplicative pattern over the high limbs.
            x[0] = (i as u8).wrapping_mul(37);
            x[9] = (i >> 3) as u8;
            assert_eq!(is_valid_x(&x), k256_accepts_x(&x), "x = {i}");
            valid += usize::from(is_valid_x(&x));
        }
        // About half of all x are valid; both outcomes must have been exercised.
        assert!((120..280).contains(&valid), "{valid} valid of 400");
    }

    #[test]
    fn coordinates_must_be_below_p() {
        let p = be(&P);
        assert!(!is_valid_x(&p));
        assert!(!is_valid_x(&[0xff; 32]));
        let (x, y) = key_x_y(3);
        assert!(!is_on_curve(&p, &y));
        assert!(!is_on_curve(&x, &[0xff; 32]));
        // Sanity against an independent decoder: p itself is not a valid x.
        let mut sec1 = [3u8; 33];
        sec1[1..].copy_from_slice(&p);
        assert!(k256::PublicKey::from_sec1_bytes(&sec1).is_err());
    }

    #[test]
    fn field_arithmetic_edge_cases() {
        let p_minus_1 = sub(&P, &[1, 0, 0, 0]);
        assert_eq!(mul(&p_minus_1, &p_minus_1), [1, 0, 0, 0]);
        assert_eq!(add(&p_minus_1, &[1, 0, 0, 0]), [0; 4]);
        assert_eq!(add(&p_minus_1, &p_minus_1), sub(&P, &[2, 0, 0, 0]));
        // 2¹²⁸ · 2¹²⁸ = 2²⁵⁶ ≡ 2³² + 977.
        assert_eq!(mul(&[0, 0, 1, 0], &[0, 0, 1, 0]), [0x1_0000_03D1, 0, 0, 0]);
        assert!(is_square([4, 0, 0, 0]));
        assert!(!is_square(p_minus_1), "−1 is a non-residue since p ≡ 3 (mod 4)");
    }
}
