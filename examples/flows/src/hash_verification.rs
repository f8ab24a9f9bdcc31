//! Flow (a): cross-border verification of a data hash.
//!
//! A Shenzhen bank keeps a customer record off-chain and registers its SHA3-256 hash (and,
//! for records a verifier could guess, a salted commitment) in the hash registry. A Hong Kong
//! bank that receives the record off-chain — through its own node — recomputes the hash and
//! checks on chain that exactly this hash was registered, by the Shenzhen bank's address, when
//! (block time and height, matched against the block itself), and that it is active; it
//! co-signs the registration, and checks an RFC 9162 inclusion proof offline against the tree
//! head it fetched.
//!
//! Then the refusals the chain must make: a tampered record's hash is not registered; the Hong
//! Kong bank cannot revoke the Shenzhen bank's registration (`unauthorized`); and once the
//! Shenzhen bank supersedes the record with a corrected one, the old hash verifies as
//! superseded, pointing to the new one, while the log stays consistent with the head the Hong
//! Kong bank held before.

use crate::{Network, Party, Transcript, caught_up, refused_as};
use bayledger_sdk::system::hash_registry::commitment::{salted_sha3, sha3};
use bayledger_sdk::system::hash_registry::{
    Commitment, HashRegistry, LeafRef, RegisterEntry, SCHEME_SHA3_SALTED, Status, StatusResponse,
    hash_text,
};
use bayledger_types::{Address, Hash};
use eyre::{Result, WrapErr, bail, ensure, eyre};

/// The data type both banks agree on for customer records.
pub const DATA_TYPE: &str = "bank/customer-record";

/// Runs the flow; every check that fails is an error naming what the chain answered.
pub async fn run(net: &Network, t: &mut Transcript) -> Result<()> {
    let sz = net.party("Shenzhen bank", 0);
    let hk = net.party("Hong Kong bank", 1);
    let sz_registry = HashRegistry::new(sz.client.clone());
    let hk_registry = HashRegistry::new(hk.client.clone());
    sz_registry.handle().check().await.wrap_err("the chain has no hash registry")?;
    t.say(&sz.name, format!("account {} on {}", sz.key.address(), sz.client.url()));
    t.say(&hk.name, format!("account {} on {}", hk.key.address(), hk.client.url()));

    // Shenzhen: the record stays here; only its hash and a salted commitment go on chain.
    let record = customer_record(&sz.key.address(), "Room 1201, Futian, Shenzhen");
    let hash = sha3(&record);
    let registered = sz_registry
        .register(&sz.key, &RegisterEntry::plain(hash, DATA_TYPE))
        .await
        .wrap_err("registering the record's hash")?;
    t.say(
        &sz.name,
        format!(
            "registered SHA3-256 {} of a {}-byte customer record ({DATA_TYPE}) at log index {}",
            hash_text(&hash),
            record.len(),
            registered.value.log_index
        ),
    );
    let commitment = Commitment::new(&record);
    sz_registry
        .register(&sz.key, &RegisterEntry::salted(&commitment, DATA_TYPE))
        .await
        .wrap_err("registering the salted commitment")?;
    t.say(
        &sz.name,
        format!(
            "registered the salted commitment {} ({SCHEME_SHA3_SALTED}); the salt stays off-chain",
            hash_text(&commitment.hash)
        ),
    );

    // Off-chain transfer: the record and the salt travel to Hong Kong, never through the chain.
    caught_up(&hk.client, &sz.client).await?;
    let (received, received_salt) = (record.clone(), commitment.salt.clone());
    t.say(&hk.name, format!("received a {}-byte record and its salt off-chain", received.len()));

    let registration = verify_registration(&hk, &hk_registry, &received, &sz.key.address(), t)
        .await
        .wrap_err("the Hong Kong bank's verification")?;
    ensure!(
        registration.log_index == registered.value.log_index,
        "the registration is at log index {}, the Shenzhen bank was told {}",
        registration.log_index,
        registered.value.log_index
    );
    let salted = salted_sha3(&received_salt, &received)?;
    let v = hk_registry.verify(&salted, Some(&sz.key.address()), None).await?;
    let scheme = v.registration.as_ref().and_then(|r| r.commitment_scheme.as_deref());
    ensure!(
        v.valid && scheme == Some(SCHEME_SHA3_SALTED),
        "the salted commitment {} does not verify: {} (scheme {scheme:?})",
        hash_text(&salted),
        v.reason
    );
    t.say(&hk.name, format!("salted commitment {} also verifies", hash_text(&salted)));

    // Both banks attest: the Hong Kong bank co-signs.
    hk_registry.cosign(&hk.key, &hash).await.wrap_err("co-signing")?;
    caught_up(&sz.client, &hk.client).await?;
    let status = sz_registry.status(&hash, None).await?;
    let cosigned = status.cosigners.iter().find(|c| c.address == hk.key.address());
    let Some(cosigner) = cosigned else {
        bail!("the Hong Kong bank's co-signature is missing: {:?}", status.cosigners);
    };
    t.say(&hk.name, format!("co-signed {} at height {}", hash_text(&hash), cosigner.height));
    t.say(&sz.name, format!("sees the co-signature of {} (both banks attest)", cosigner.address));

    // The log: an inclusion proof checked offline against the tree head.
    let inclusion =
        hk_registry.verified_inclusion(LeafRef::Hash(hash)).await.wrap_err("inclusion proof")?;
    let leaf = &inclusion.leaf;
    ensure!(
        leaf.registrant == sz.key.address()
            && leaf.registered_at_ms == registration.registered_at_ms
            && leaf.registered_height == registration.registered_height
            && leaf.data_type == DATA_TYPE,
        "the log leaf does not match the registration: {leaf:?}"
    );
    t.say(
        &hk.name,
        format!(
            "RFC 9162 inclusion proof of leaf {} ({} nodes) verified offline against tree head \
             size {} root {}",
            inclusion.proof.leaf_index,
            inclusion.proof.inclusion_path.len(),
            inclusion.head.tree_size,
            hash_text(&inclusion.head.root_hash)
        ),
    );

    // Refusal 1: a tampered record is not what was registered.
    let mut tampered = received.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 0x01;
    let tampered_hash = sha3(&tampered);
    let v = hk_registry.verify(&tampered_hash, Some(&sz.key.address()), None).await?;
    ensure!(
        !v.valid && v.registration.is_none(),
        "a tampered record's hash {} verified: {}",
        hash_text(&tampered_hash),
        v.reason
    );
    t.say(
        &hk.name,
        format!("a tampered copy hashes to {}: not registered", hash_text(&tampered_hash)),
    );

    // Refusal 2: only the registrant may revoke.
    let error = refused_as(
        "unauthorized: ",
        hk_registry.revoke(&hk.key, &hash, "not ours to revoke").await,
        "the Hong Kong bank revoking the Shenzhen bank's registration",
    )?;
    t.say(&hk.name, format!("revoking the Shenzhen bank's registration is refused: {error}"));

    // Refusal 3: after a correction, the old hash is superseded and points to the new one.
    let corrected = customer_record(&sz.key.address(), "Room 1202, Futian, Shenzhen");
    let corrected_hash = sha3(&corrected);
    sz_registry
        .supersede(
            &sz.key,
            &hash,
            "address corrected",
            &RegisterEntry::plain(corrected_hash, DATA_TYPE),
        )
        .await
        .wrap_err("superseding the record")?;
    caught_up(&hk.client, &sz.client).await?;
    t.say(
        &sz.name,
        format!("superseded it with the corrected record {}", hash_text(&corrected_hash)),
    );
    let old = hk_registry.verify(&hash, Some(&sz.key.address()), None).await?;
    let old_status = old.registration.as_ref().map(|r| (r.status, r.superseded_by));
    ensure!(
        !old.valid && old_status == Some((Status::Superseded, Some(corrected_hash))),
        "the old hash should be superseded by {}, the chain says valid={} {old_status:?}: {}",
        hash_text(&corrected_hash),
        old.valid,
        old.reason
    );
    t.say(
        &hk.name,
        format!(
            "verifying the old record now says superseded, pointing to {}: {}",
            hash_text(&corrected_hash),
            old.reason
        ),
    );
    let new = verify_registration(&hk, &hk_registry, &corrected, &sz.key.address(), t).await?;
    ensure!(
        new.supersedes == Some(hash),
        "the corrected registration does not record what it supersedes: {:?}",
        new.supersedes
    );

    // The log only grew: the head held before is consistent with the current one.
    let head = hk_registry.tree_head(None).await?;
    let proof =
        hk_registry.consistency_proof(inclusion.head.tree_size, Some(head.tree_size)).await?;
    proof.verify(&inclusion.head, &head).map_err(|e| eyre!("the log was rewritten: {e}"))?;
    t.say(
        &hk.name,
        format!(
            "consistency proof from tree size {} to {} verified: the log only grew",
            inclusion.head.tree_size, head.tree_size
        ),
    );
    Ok(())
}

/// What a receiving bank checks: the record's hash is registered by `registrant`, active, of
/// the agreed data type, at the block time of the block it names.
async fn verify_registration(
    verifier: &Party,
    registry: &HashRegistry,
    record: &[u8],
    registrant: &Address,
    t: &mut Transcript,
) -> Result<StatusResponse> {
    let hash: Hash = sha3(record);
    let v = registry.verify(&hash, Some(registrant), None).await?;
    let Some(registration) = v.registration.filter(|_| v.valid) else {
        bail!("{} is not validly registered by {registrant}: {}", hash_text(&hash), v.reason);
    };
    ensure!(
        registration.hash == hash
            && registration.registrant == *registrant
            && registration.status == Status::Active
            && registration.data_type == DATA_TYPE,
        "unexpected registration of {}: {registration:?}",
        hash_text(&hash)
    );
    let block = verifier.client.block_by_height(registration.registered_height).await?;
    ensure!(
        block.header().time_ms == registration.registered_at_ms,
        "registered at {} ms per the registry, but block {} has time {} ms",
        registration.registered_at_ms,
        registration.registered_height,
        block.header().time_ms
    );
    t.say(
        &verifier.name,
        format!(
            "hashed the record: {} is registered by {registrant}, at block {} (time {} ms, \
             matching the block header), status {}, {} co-signer(s)",
            hash_text(&hash),
            registration.registered_height,
            registration.registered_at_ms,
            registration.status,
            registration.cosigners.len()
        ),
    );
    Ok(registration)
}

/// A customer record as the Shenzhen bank keeps it: generated bytes, never on chain.
fn customer_record(account: &Address, address_line: &str) -> Vec<u8> {
    serde_json::json!({
        "record": "customer",
        "customer_id": format!("SZ-{}", &account.to_string()[2..14]),
        "name": "Li Wei",
        "address": address_line,
        "kyc_level": 3,
    })
    .to_string()
    .into_bytes()
}
