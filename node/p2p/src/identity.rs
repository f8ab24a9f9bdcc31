//! Node identities.
//!
//! Every node has a secp256k1 **node key**, distinct from its validator (consensus signing) key:
//! the node key authenticates transport connections (noise) and signs gossip, so it lives on the
//! network-facing host and can be rotated without touching the validator set. Its libp2p identity is
//! the same scalar as a libp2p secp256k1 [`Keypair`]; its [`PeerId`] is the identity multihash of
//! the protobuf-encoded 33-byte compressed public key, so the public key can be read back out of
//! the `PeerId` ([`pubkey_of`]).

use crate::error::P2pError;
use bayledger_types::SecretKey;
use libp2p::identity::{self, Keypair, PeerId};

/// The libp2p keypair of a node key (same 32-byte scalar).
pub fn keypair_from_secret(key: &SecretKey) -> Result<Keypair, P2pError> {
    // `try_from_bytes` zeroes the buffer it is given; `to_bytes` is zeroised on drop as well.
    let mut scalar = key.to_bytes();
    let secret = identity::secp256k1::SecretKey::try_from_bytes(&mut scalar[..])
        .map_err(|_| P2pError::InvalidSecretKey)?;
    Ok(Keypair::from(identity::secp256k1::Keypair::from(secret)))
}

/// The [`PeerId`] of a node whose node key has this 33-byte compressed public key.
pub fn peer_id_of(pubkey: &[u8; 33]) -> Result<PeerId, P2pError> {
    let key = identity::secp256k1::PublicKey::try_from_bytes(pubkey)
        .map_err(|_| P2pError::InvalidPublicKey(hex::encode(pubkey)))?;
    Ok(identity::PublicKey::from(key).to_peer_id())
}

/// The 33-byte compressed node public key inside a secp256k1 [`PeerId`], or `None` if the peer id
/// is not an inlined secp256k1 key (every Bayledger node's is).
pub fn pubkey_of(peer: &PeerId) -> Option<[u8; 33]> {
    let multihash = peer.as_ref();
    // 0x00 = identity multihash: the digest is the protobuf-encoded public key itself.
    if multihash.code() != 0x00 {
        return None;
    }
    let key = identity::PublicKey::try_decode_protobuf(multihash.digest()).ok()?;
    Some(key.try_into_secp256k1().ok()?.to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> SecretKey {
        SecretKey::from_bytes(&[n; 32]).expect("valid scalar")
    }

    #[test]
    fn secret_and_public_mappings_agree() {
        for n in 1..=8u8 {
            let sk = key(n);
            let compressed = sk.public_key().to_compressed();
            let keypair = keypair_from_secret(&sk).expect("keypair");
            let libp2p_public = keypair.public().try_into_secp256k1().expect("secp256k1 key");
            assert_eq!(libp2p_public.to_bytes(), compressed, "same public point, key {n}");
            let from_secret = keypair.public().to_peer_id();
            let from_public = peer_id_of(&compressed).expect("valid point");
            assert_eq!(from_secret, from_public, "key {n}");
            assert_eq!(pubkey_of(&from_public), Some(compressed), "key {n}");
        }
        assert_ne!(
            peer_id_of(&key(1).public_key().to_compressed()).expect("valid"),
            peer_id_of(&key(2).public_key().to_compressed()).expect("valid")
        );
    }

    #[test]
    fn peer_id_format_is_pinned() {
        // Scalar 1: the public key is the generator G. A libp2p upgrade that changed this mapping
        // would split every deployed allowlist, so the string is pinned.
        let g = SecretKey::from_bytes(&{
            let mut b = [0u8; 32];
            b[31] = 1;
            b
        })
        .expect("scalar 1");
        let peer = peer_id_of(&g.public_key().to_compressed()).expect("valid");
        assert_eq!(peer.to_base58(), PINNED_G_PEER_ID);
    }

    // Derived independently: base58btc(0x00 0x25 ‖ protobuf{KeyType=Secp256k1, Data=G compressed}).
    const PINNED_G_PEER_ID: &str = "16Uiu2HAm3cuhhRL2msUuLF62KRSfneFDx94RsuouyW25Ho42cFMq";

    #[test]
    fn invalid_public_keys_are_refused() {
        assert!(matches!(peer_id_of(&[0u8; 33]), Err(P2pError::InvalidPublicKey(_))));
        let mut not_on_curve = [0u8; 33];
        not_on_curve[0] = 0x02;
        not_on_curve[32] = 5; // x = 5 is not the x-coordinate of a point on secp256k1
        assert!(peer_id_of(&not_on_curve).is_err());
        // A peer id that is not an inlined secp256k1 key has no node key.
        assert_eq!(pubkey_of(&PeerId::random()), None);
    }
}
