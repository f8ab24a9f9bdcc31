//! Cryptography run by the host (cheaper in fuel than guest code, and identical on every node).

use crate::host;

/// SHA3-256 of `data`.
pub fn sha3_256(data: &[u8]) -> [u8; 32] {
    host::sha3_256(data)
}

/// Keccak-256 (the pre-standard SHA-3 padding, as used by Ethereum) of `data`.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    host::keccak256(data)
}

/// Whether `sig` (64 bytes `r ‖ s`, low-S only) is a valid secp256k1 ECDSA signature over the
/// 32-byte `digest` under `pubkey` (33-byte compressed or 65-byte uncompressed SEC1).
pub fn secp256k1_verify(digest: &[u8; 32], sig: &[u8; 64], pubkey: &[u8]) -> bool {
    host::secp256k1_verify(digest, sig, pubkey)
}

/// The 33-byte compressed public key that produced `sig` (65 bytes `r ‖ s ‖ v`, `v` ∈ {0, 1},
/// low-S) over `digest`, or `None` if no key does.
pub fn secp256k1_recover(digest: &[u8; 32], sig: &[u8; 65]) -> Option<[u8; 33]> {
    host::secp256k1_recover(digest, sig)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock;
    use k256::ecdsa::SigningKey;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn hashes_match_known_vectors() {
        mock::reset();
        assert_eq!(
            hex(&sha3_256(b"")),
            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
        );
        assert_eq!(
            hex(&keccak256(b"")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
    }

    #[test]
    fn sign_verify_recover() {
        mock::reset();
        let key = SigningKey::from_slice(&[7u8; 32]).expect("valid scalar");
        let digest = sha3_256(b"message");
        let (sig, recid) = key.sign_prehash_recoverable(&digest);
        let rs: [u8; 64] = sig.to_bytes().into();
        let compressed = key.verifying_key().to_sec1_point(true);
        let uncompressed = key.verifying_key().to_sec1_point(false);
        assert!(secp256k1_verify(&digest, &rs, compressed.as_bytes()));
        assert!(secp256k1_verify(&digest, &rs, uncompressed.as_bytes()));
        assert!(!secp256k1_verify(&sha3_256(b"other"), &rs, compressed.as_bytes()));
        assert!(!secp256k1_verify(&digest, &rs, &compressed.as_bytes()[..32]));

        let mut rsv = [0u8; 65];
        rsv[..64].copy_from_slice(&rs);
        rsv[64] = recid.to_byte();
        assert_eq!(
            secp256k1_recover(&digest, &rsv).map(|k| k.to_vec()),
            Some(compressed.as_bytes().to_vec())
        );
        rsv[64] = 2;
        assert_eq!(secp256k1_recover(&digest, &rsv), None);
    }

    #[test]
    fn high_s_signatures_are_refused() {
        mock::reset();
        let key = SigningKey::from_slice(&[8u8; 32]).expect("valid scalar");
        let digest = sha3_256(b"m");
        let (sig, recid) = key.sign_prehash_recoverable(&digest);
        let (r, s) = sig.split_scalars();
        let high =
            k256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).expect("scalars");
        let rs: [u8; 64] = high.to_bytes().into();
        assert!(!secp256k1_verify(
            &digest,
            &rs,
            key.verifying_key().to_sec1_point(true).as_bytes()
        ));
        let mut rsv = [0u8; 65];
        rsv[..64].copy_from_slice(&rs);
        rsv[64] = recid.to_byte() ^ 1;
        assert_eq!(secp256k1_recover(&digest, &rsv), None);
    }
}
