//! [`LightClient`]: light verification over a node's gRPC API. It keeps a
//! [`TrustedState`], fetches the validator-set changes up to a height
//! (`ListValidatorSetChanges`, then each change's header and proven set),
//! and returns only what verified: headers, state entries, proven queries.
//! The checks themselves are the pure functions of [`super::verify`].

use super::verify::{SetChange, TrustedState, VerifiedHeader, verify_entry, verify_entry_for};
use super::{LightError, ProvenReads, TrustAnchor};
use crate::client::{Client, MAX_MESSAGE_BYTES, unary};
use bayledger_proto::node::{
    GetSignedHeaderRequest, GetStateProofRequest, GetValidatorSetRequest,
    ListValidatorSetChangesRequest, ProvenEntry, QueryContractRequest, SignedHeader,
    light_service_client::LightServiceClient, state_service_client::StateServiceClient,
};
use bayledger_types::{Address, Hash};
use tonic::transport::Channel;

/// A state entry proven against a verified header.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedEntry {
    /// The key.
    pub key: Vec<u8>,
    /// Its value, or `None`: proven absent.
    pub value: Option<Vec<u8>>,
    /// The header whose state root the proof is checked against.
    pub header: VerifiedHeader,
    /// The proof as the node sent it (what a bundle carries).
    pub proof: ProvenEntry,
}

/// A query whose every state read is proven against a verified header.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedQuery {
    /// The answer as the node computed it. Only the reads are proven; re-run
    /// the query on [`VerifiedQuery::reads`] to check the answer itself.
    pub data: Vec<u8>,
    /// Fuel the node's run used.
    pub fuel_used: u64,
    /// Every key the query read, with its proven value.
    pub reads: ProvenReads,
    /// The header the reads are proven against.
    pub header: VerifiedHeader,
}

/// A light client of one node.
#[derive(Debug, Clone)]
pub struct LightClient {
    light: LightServiceClient<Channel>,
    state: StateServiceClient<Channel>,
    trusted: TrustedState,
    changes: Vec<SetChange>,
    /// Changes the node listed up to this height are applied.
    synced_to: u64,
}

impl LightClient {
    /// A light client talking to `client`'s node, trusting only `anchor`.
    pub fn new(client: &Client, anchor: &TrustAnchor) -> Result<LightClient, LightError> {
        let channel = client.channel();
        Ok(LightClient {
            light: LightServiceClient::new(channel.clone())
                .max_decoding_message_size(MAX_MESSAGE_BYTES),
            state: StateServiceClient::new(channel).max_decoding_message_size(MAX_MESSAGE_BYTES),
            trusted: TrustedState::new(anchor)?,
            changes: Vec::new(),
            synced_to: anchor.height + 1,
        })
    }

    /// What is trusted so far.
    pub fn trusted(&self) -> &TrustedState {
        &self.trusted
    }

    /// The validator-set changes verified so far, in height order (what a
    /// bundle carries).
    pub fn changes(&self) -> &[SetChange] {
        &self.changes
    }

    /// The signed header at `height` (0 = latest), unverified.
    pub async fn signed_header(&self, height: u64) -> Result<SignedHeader, LightError> {
        let req = GetSignedHeaderRequest { height };
        let signed = self.light.clone().get_signed_header(unary(req)).await?.into_inner();
        Ok(signed)
    }

    /// Applies every validator-set change the node lists up to `height`.
    pub async fn sync_sets(&mut self, height: u64) -> Result<(), LightError> {
        while self.synced_to < height {
            let after = self.synced_to;
            let req = ListValidatorSetChangesRequest { after_height: after, to_height: height };
            let r = self.light.clone().list_validator_set_changes(unary(req)).await?.into_inner();
            if r.to_height <= after || r.to_height > height {
                return Err(LightError::Response(format!(
                    "asked for validator-set changes in ({after}, {height}], the node scanned to {}",
                    r.to_height
                )));
            }
            let mut previous = after;
            for &h in &r.heights {
                if h <= previous || h > r.to_height {
                    return Err(LightError::Response(format!(
                        "validator-set change heights {:?} are not increasing within ({after}, {}]",
                        r.heights, r.to_height
                    )));
                }
                previous = h;
                if h > self.trusted.latest_epoch().from_height {
                    let change = self.fetch_change(h).await?;
                    self.trusted.apply_change(&change)?;
                    self.changes.push(change);
                }
            }
            self.synced_to = r.to_height;
        }
        Ok(())
    }

    /// The evidence of a change at `height`: the signed header of
    /// `height - 1` and `sys/validators` proven after it (unverified).
    pub async fn fetch_change(&self, height: u64) -> Result<SetChange, LightError> {
        let header = self.signed_header(height - 1).await?;
        let req = GetValidatorSetRequest { height };
        let r = self.light.clone().get_validator_set(unary(req)).await?.into_inner();
        let entry = r.proof.ok_or_else(|| {
            LightError::Response(format!("no proof with the validator set of height {height}"))
        })?;
        Ok(SetChange { height, header, entry })
    }

    /// The verified header at `height` (0 = the node's latest).
    pub async fn header(&mut self, height: u64) -> Result<VerifiedHeader, LightError> {
        Ok(self.signed_and_verified(height).await?.1)
    }

    /// [`LightClient::header`], with the signed header it verified (the
    /// exact bytes and the commit a bundle carries).
    pub(crate) async fn signed_and_verified(
        &mut self,
        height: u64,
    ) -> Result<(SignedHeader, VerifiedHeader), LightError> {
        let signed = if height == 0 {
            let signed = self.signed_header(0).await?;
            let latest = bayledger_types::SealedHeader::decode(&signed.header)
                .map_err(LightError::HeaderEncoding)?
                .height();
            self.sync_sets(latest).await?;
            signed
        } else {
            self.sync_sets(height).await?;
            self.signed_header(height).await?
        };
        let verified = self.trusted.verify_header(&signed)?;
        if height != 0 && verified.height != height {
            return Err(LightError::Height { expected: height, got: verified.height });
        }
        Ok((signed, verified))
    }

    /// The value of `key` (or its absence) after block `height` (0 =
    /// latest), proven against that block's verified header.
    pub async fn state(&mut self, key: &[u8], height: u64) -> Result<VerifiedEntry, LightError> {
        let header = self.header(height).await?;
        self.entry_at(&header, key).await
    }

    /// The value of `key` (or its absence) after the block of `header`, an
    /// already verified header (from [`LightClient::header`]), proven
    /// against its state root. The header is not verified again, so many
    /// keys can be proven at one header.
    pub async fn entry_at(
        &self,
        header: &VerifiedHeader,
        key: &[u8],
    ) -> Result<VerifiedEntry, LightError> {
        let req = GetStateProofRequest { key: key.to_vec(), height: header.height };
        let r = self.state.clone().get_state_proof(unary(req)).await?.into_inner();
        check_answer(header, r.height, &r.state_root)?;
        let proof = r.entry.ok_or_else(|| {
            LightError::Response(format!("no entry in the proof of key {}", hex::encode(key)))
        })?;
        let value = verify_entry_for(header.state_root, key, &proof)?;
        Ok(VerifiedEntry { key: key.to_vec(), value, header: header.clone(), proof })
    }

    /// Runs `query` of `contract` at `height` (0 = latest) with `prove`:
    /// every state key it read comes back proven against the verified
    /// header (queries that iterate a prefix cannot be proven and fail).
    pub async fn query(
        &mut self,
        contract: &Address,
        msg: Vec<u8>,
        height: u64,
    ) -> Result<VerifiedQuery, LightError> {
        let header = self.header(height).await?;
        let req = QueryContractRequest {
            contract: contract.0.to_vec(),
            msg,
            fuel_limit: 0,
            height: header.height,
            prove: true,
        };
        let r = self.state.clone().query_contract(unary(req)).await?.into_inner();
        check_answer(&header, r.height, &r.state_root)?;
        let mut reads = ProvenReads::default();
        for entry in &r.reads {
            let value = verify_entry(header.state_root, entry)?;
            if reads.0.insert(entry.key.clone(), value).is_some() {
                return Err(LightError::Response(format!(
                    "key {} proven twice",
                    hex::encode(&entry.key)
                )));
            }
        }
        Ok(VerifiedQuery { data: r.data, fuel_used: r.fuel_used, reads, header })
    }
}

/// Checks that a node answered at the height of `header`, asked for, with
/// that header's state root.
fn check_answer(
    header: &VerifiedHeader,
    answered: u64,
    state_root: &[u8],
) -> Result<(), LightError> {
    if answered != header.height {
        return Err(LightError::Height { expected: header.height, got: answered });
    }
    let claimed = Hash::from_slice(state_root)
        .ok_or_else(|| LightError::Response(format!("state root of {} bytes", state_root.len())))?;
    if claimed != header.state_root {
        return Err(LightError::StateRoot { height: answered, claimed, signed: header.state_root });
    }
    Ok(())
}
