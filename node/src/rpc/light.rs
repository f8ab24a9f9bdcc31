//! `LightService`: signed headers and proven validator sets for light clients
//! (docs/light-verification.md, ADR 0010).
//!
//! `ListValidatorSetChanges` compares consecutive headers'
//! `validator_set_hash`. Committed headers never change, so what was scanned
//! is kept on the chain (`Chain::set_changes`, a [`ChangeIndex`]) and each
//! call scans at most [`MAX_SCAN`] more headers; the response's `to_height`
//! says how far the answer goes, and the client continues from there.

use super::convert::{chain_storage as storage, internal};
use super::grpc::{Api, blocking};
use crate::chain::Chain;
use crate::query_reads::proven_entry;
use bayledger_proto::node::{light_service_server::LightService, *};
use bayledger_types::canonical::decode_canonical;
use bayledger_types::{pb, state_keys};
use tonic::{Request, Response, Status};

/// Most headers one `ListValidatorSetChanges` call reads.
pub const MAX_SCAN: u64 = 10_000;

#[tonic::async_trait]
impl LightService for Api {
    async fn get_signed_header(
        &self,
        req: Request<GetSignedHeaderRequest>,
    ) -> Result<Response<SignedHeader>, Status> {
        let height = req.get_ref().height;
        let chain = self.0.clone();
        blocking(move || {
            let latest = chain.height()?;
            let height = if height == 0 { latest } else { height };
            if height == 0 {
                return Err(Status::not_found(
                    "no block is committed yet (height 0 is the genesis state, which has no header)",
                ));
            }
            let block = block(&chain, height, latest)?;
            let commit = chain
                .store
                .commit_at(height)
                .map_err(|e| storage(&chain, e))?
                .ok_or_else(|| Status::internal(format!("block {height} has no stored commit")))?;
            Ok(Response::new(SignedHeader {
                header: block.header.bytes.clone(),
                decoded: Some(block.header.header.clone()),
                block_hash: block.hash().0.to_vec(),
                commit: Some(commit),
            }))
        })
        .await
    }

    async fn get_validator_set(
        &self,
        req: Request<GetValidatorSetRequest>,
    ) -> Result<Response<GetValidatorSetResponse>, Status> {
        let height = req.get_ref().height;
        let chain = self.0.clone();
        blocking(move || {
            let latest = chain.height()?;
            let height = if height == 0 { latest + 1 } else { height };
            if height > latest + 1 {
                return Err(Status::not_found(format!(
                    "the set signing height {height} is not known yet: the latest block is {latest}, \
                     so the newest known set is that of height {}",
                    latest + 1
                )));
            }
            let proven = chain
                .store
                .get_with_proof(state_keys::VALIDATORS, height - 1)
                .map_err(|e| storage(&chain, e))?;
            let bytes = proven.value.as_deref().ok_or_else(|| {
                Status::internal(format!("no validator set in the state after block {}", height - 1))
            })?;
            let set: pb::ValidatorSet =
                decode_canonical("ValidatorSet", bytes).map_err(internal)?;
            Ok(Response::new(GetValidatorSetResponse {
                height,
                validator_set: Some(set),
                proof: Some(proven_entry(state_keys::VALIDATORS.to_vec(), &proven)),
            }))
        })
        .await
    }

    async fn list_validator_set_changes(
        &self,
        req: Request<ListValidatorSetChangesRequest>,
    ) -> Result<Response<ListValidatorSetChangesResponse>, Status> {
        let ListValidatorSetChangesRequest { after_height, to_height } = req.into_inner();
        let chain = self.0.clone();
        blocking(move || {
            let latest = chain.height()?;
            let to = if to_height == 0 { latest } else { to_height };
            if to > latest {
                return Err(Status::not_found(format!(
                    "height {to} is not committed (latest: {latest})"
                )));
            }
            let mut index = chain.set_changes.lock();
            let (heights, to_height) =
                index.changes(after_height, to, |h| set_hash(&chain, h, latest))?;
            Ok(Response::new(ListValidatorSetChangesResponse { heights, to_height }))
        })
        .await
    }
}

/// The committed block at `height` (NOT_FOUND above the latest).
fn block(chain: &Chain, height: u64, latest: u64) -> Result<bayledger_types::SealedBlock, Status> {
    if height > latest {
        return Err(Status::not_found(format!(
            "height {height} is not committed (latest: {latest})"
        )));
    }
    chain
        .store
        .block_by_height(height)
        .map_err(|e| storage(chain, e))?
        .ok_or_else(|| Status::not_found(format!("block {height} is not stored on this node")))
}

/// The heights (from 2 on) whose header names another validator set than
/// the header before, found by scanning headers in order once.
#[derive(Debug, Default)]
pub struct ChangeIndex {
    /// Headers `1..=scanned_to` have been compared.
    scanned_to: u64,
    /// `validator_set_hash` of header `scanned_to`.
    last_hash: Vec<u8>,
    /// Change heights found, increasing.
    changes: Vec<u64>,
}

impl ChangeIndex {
    /// Change heights in `(after, end]` and `end`: `to`, or less when that
    /// would mean reading more than [`MAX_SCAN`] headers. `set_hash(h)` is
    /// header `h`'s `validator_set_hash` (empty for 0).
    fn changes(
        &mut self,
        after: u64,
        to: u64,
        mut set_hash: impl FnMut(u64) -> Result<Vec<u8>, Status>,
    ) -> Result<(Vec<u64>, u64), Status> {
        if to <= after {
            return Ok((Vec::new(), to));
        }
        if self.scanned_to >= after {
            // Extend the index (from where it stops) and answer from it.
            let end = to.min(self.scanned_to.max(after) + MAX_SCAN);
            self.scan_to(end, &mut set_hash)?;
            let heights =
                self.changes.iter().copied().filter(|h| *h > after && *h <= end).collect();
            return Ok((heights, end));
        }
        // Far beyond the index: scan this window on its own.
        let end = to.min(after + MAX_SCAN);
        let mut previous = set_hash(after)?;
        let mut heights = Vec::new();
        for h in after + 1..=end {
            let hash = set_hash(h)?;
            if hash != previous {
                heights.push(h);
            }
            previous = hash;
        }
        Ok((heights, end))
    }

    fn scan_to(
        &mut self,
        end: u64,
        set_hash: &mut impl FnMut(u64) -> Result<Vec<u8>, Status>,
    ) -> Result<(), Status> {
        while self.scanned_to < end {
            let h = self.scanned_to + 1;
            let hash = set_hash(h)?;
            if h > 1 && hash != self.last_hash {
                self.changes.push(h);
            }
            self.last_hash = hash;
            self.scanned_to = h;
        }
        Ok(())
    }
}

/// `validator_set_hash` of header `height` (empty for 0: no header).
fn set_hash(chain: &Chain, height: u64, latest: u64) -> Result<Vec<u8>, Status> {
    if height == 0 {
        return Ok(Vec::new());
    }
    Ok(block(chain, height, latest)?.header.header.validator_set_hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Headers whose set changes at 5, 9 and 20,007 (and back at 20,010).
    fn hash_at(h: u64) -> Result<Vec<u8>, Status> {
        Ok(match h {
            0 => vec![],
            1..=4 => vec![1],
            5..=8 => vec![2],
            9..=20_006 | 20_010.. => vec![3],
            _ => vec![4],
        })
    }

    #[test]
    fn changes_are_found_once_and_served_in_bounded_windows() {
        let mut index = ChangeIndex::default();
        let mut reads = 0;
        let mut counted = |h| {
            reads += 1;
            hash_at(h)
        };
        assert_eq!(index.changes(0, 12, &mut counted).expect("scan"), (vec![5, 9], 12));
        assert_eq!(index.changes(5, 12, &mut counted).expect("cached"), (vec![9], 12));
        assert_eq!(index.changes(12, 12, &mut counted).expect("empty"), (vec![], 12));
        // At most MAX_SCAN more headers per call; the answer says how far it goes.
        let (heights, end) = index.changes(0, 30_000, &mut counted).expect("window");
        assert_eq!((heights, end), (vec![5, 9], 12 + MAX_SCAN));
        let (heights, end) = index.changes(end, 30_000, &mut counted).expect("next window");
        assert_eq!((heights, end), (vec![20_007, 20_010], 12 + 2 * MAX_SCAN));
        assert_eq!(reads, 12 + 2 * MAX_SCAN, "each header read once");
    }

    #[test]
    fn a_window_beyond_the_index_is_scanned_on_its_own() {
        let mut index = ChangeIndex::default();
        let (heights, end) = index.changes(20_000, 20_020, hash_at).expect("window");
        assert_eq!((heights, end), (vec![20_007, 20_010], 20_020));
        assert_eq!(index.scanned_to, 0, "not indexed: the index stays contiguous from 1");
        let (heights, end) = index.changes(8, 9, hash_at).expect("indexed");
        assert_eq!((heights, end), (vec![9], 9));
    }
}
