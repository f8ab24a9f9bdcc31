//! The consensus write-ahead log (WAL) and its file format.
//!
//! **What is logged.** Every input consensus acts on at the current height that
//! could change what this node signs: votes, proposals and polka certificates
//! (its own and others'),
//! complete proposed blocks with the application's verdict, and the propose /
//! prevote / precommit timeouts that fired ([`WalEntry`], protobuf
//! `bayledger.consensus.v1.WalEntry`). The node's own signed votes and proposals
//! are among the entries. The engine emits [`crate::Output::Persist`] for each,
//! and always *before* the [`crate::Output::Broadcast`] of a message it signed:
//! the edge must make the entry durable before it sends anything that follows.
//!
//! **Double-sign rule.** On restart the engine replays the log of the current
//! height ([`crate::BftEngine::recover`]): Tendermint re-derives the same votes
//! from the same inputs, and the recorded signed message is re-used instead of
//! signing again. Independently of that re-derivation, the engine keeps every
//! `(height, round, type)` it signed and never signs a second, different message
//! for one of them.
//!
//! **File format.** A sequence of records `len: u32 LE ‖ crc32(payload): u32 LE ‖
//! payload`, payload = a `WalEntry` in canonical protobuf. Each append is
//! followed by `fsync` (`File::sync_data`). On open, records are read up to the
//! first incomplete record, CRC mismatch or undecodable payload — a torn write at
//! the tail after a crash — and the file is truncated back to the last good
//! record. The log is emptied when a new height starts (the previous height's
//! block is committed by then, so nothing in it can matter again).

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use bayledger_types::{Address, SealedBlock, decode_canonical};
use malachitebft_core_consensus::{Input, ProposedValue};
use malachitebft_core_types::{self as mc, Round, Timeout, Validity, ValueOrigin};
use prost::Message;

use crate::context::{BayContext, BlockValue, Height, ValidatorAddress};
use crate::cpb;
use crate::msg::{
    MsgError, polka_from_pb, polka_to_pb, signed_proposal_from_pb, signed_proposal_to_pb,
    signed_vote_from_pb, signed_vote_to_pb,
};
use crate::signing::wire_round;

/// Largest record accepted (a proposal carries a whole block).
pub const MAX_RECORD: u32 = 64 << 20;

const HEADER: usize = 8;

/// One WAL record: an input consensus acted on.
#[derive(Clone, Debug, PartialEq)]
pub struct WalEntry(pub(crate) cpb::WalEntry);

/// The kind of a WAL entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalEntryKind {
    /// A signed vote.
    Vote,
    /// A signed proposal (with its block).
    Proposal,
    /// A complete block with the application's verdict.
    ProposedValue,
    /// A timeout that fired.
    Timeout,
    /// A polka certificate.
    PolkaCertificate,
}

impl WalEntry {
    /// Height the entry belongs to.
    pub fn height(&self) -> u64 {
        self.0.height
    }

    /// What the entry records.
    pub fn kind(&self) -> Option<WalEntryKind> {
        Some(match self.0.kind.as_ref()? {
            cpb::wal_entry::Kind::Vote(_) => WalEntryKind::Vote,
            cpb::wal_entry::Kind::Proposal(_) => WalEntryKind::Proposal,
            cpb::wal_entry::Kind::ProposedValue(_) => WalEntryKind::ProposedValue,
            cpb::wal_entry::Kind::Timeout(_) => WalEntryKind::Timeout,
            cpb::wal_entry::Kind::PolkaCertificate(_) => WalEntryKind::PolkaCertificate,
        })
    }

    /// The signer of a vote or proposal entry (20 bytes), if it is one.
    pub fn signer(&self) -> Option<&[u8]> {
        match self.0.kind.as_ref()? {
            cpb::wal_entry::Kind::Vote(v) => Some(&v.validator),
            cpb::wal_entry::Kind::Proposal(p) => p.proposal.as_ref().map(|p| &p.proposer[..]),
            _ => None,
        }
    }

    /// The protocol form.
    pub fn as_pb(&self) -> &cpb::WalEntry {
        &self.0
    }

    /// Canonical bytes (the record payload).
    pub fn encode(&self) -> Vec<u8> {
        self.0.encode_to_vec()
    }

    /// Decodes a record payload.
    pub fn decode(bytes: &[u8]) -> Result<WalEntry, WalError> {
        decode_canonical::<cpb::WalEntry>("WalEntry", bytes)
            .map(WalEntry)
            .map_err(|e| WalError::Corrupt(e.to_string()))
    }
}

/// WAL failures.
#[derive(Debug, thiserror::Error)]
pub enum WalError {
    /// Reading or writing the file failed.
    #[error("wal i/o: {0}")]
    Io(#[from] io::Error),
    /// A record that does not decode.
    #[error("corrupt wal record: {0}")]
    Corrupt(String),
    /// A record larger than [`MAX_RECORD`].
    #[error("wal record of {0} bytes is too large")]
    TooLarge(usize),
}

/// Frames a payload as one record: `len ‖ crc32 ‖ payload`.
pub fn frame(payload: &[u8]) -> Result<Vec<u8>, WalError> {
    let len = u32::try_from(payload.len())
        .ok()
        .filter(|l| *l <= MAX_RECORD)
        .ok_or(WalError::TooLarge(payload.len()))?;
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
    Ok(out)
}

/// Reads the records of a log image: every entry up to the first torn,
/// corrupted or undecodable record, and the byte length of that good prefix.
pub fn read_records(bytes: &[u8]) -> (Vec<WalEntry>, usize) {
    let mut entries = Vec::new();
    let mut pos = 0usize;
    while bytes.len() - pos >= HEADER {
        let len = u32::from_le_bytes([bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]]);
        let crc =
            u32::from_le_bytes([bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]]);
        if len > MAX_RECORD {
            break;
        }
        let end = pos + HEADER + len as usize;
        if end > bytes.len() {
            break;
        }
        let payload = &bytes[pos + HEADER..end];
        if crc32fast::hash(payload) != crc {
            break;
        }
        match WalEntry::decode(payload) {
            Ok(e) => entries.push(e),
            Err(_) => break,
        }
        pos = end;
    }
    (entries, pos)
}

/// An append-only WAL file, fsynced after every append.
#[derive(Debug)]
pub struct FileWal {
    file: File,
    path: PathBuf,
}

impl FileWal {
    /// Opens (creating if needed) the log at `path` and returns it with the
    /// entries it holds. A torn or corrupted tail is cut off (and the cut made
    /// durable) so later appends follow the last good record.
    pub fn open(path: impl AsRef<Path>) -> Result<(FileWal, Vec<WalEntry>), WalError> {
        let path = path.as_ref().to_path_buf();
        let mut file =
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let (entries, good) = read_records(&bytes);
        if good != bytes.len() {
            file.set_len(good as u64)?;
            file.sync_all()?;
        }
        file.seek(SeekFrom::End(0))?;
        Ok((FileWal { file, path }, entries))
    }

    /// Appends one entry and fsyncs. When this returns, the entry survives a crash.
    pub fn append(&mut self, entry: &WalEntry) -> Result<(), WalError> {
        let record = frame(&entry.encode())?;
        self.file.write_all(&record)?;
        self.file.sync_data()?;
        Ok(())
    }

    /// Empties the log (a new height started) and fsyncs.
    pub fn reset(&mut self) -> Result<(), WalError> {
        self.file.set_len(0)?;
        self.file.seek(SeekFrom::Start(0))?;
        self.file.sync_all()?;
        Ok(())
    }

    /// Where the log lives.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The WAL entry recording a core input, if it is one that is logged.
pub(crate) fn entry_of(chain_id: &str, height: u64, input: &Input<BayContext>) -> Option<WalEntry> {
    use cpb::wal_entry::Kind;
    let kind = match input {
        Input::Vote(v) => Kind::Vote(signed_vote_to_pb(chain_id, v)),
        Input::Proposal(p) => Kind::Proposal(signed_proposal_to_pb(chain_id, p, true)),
        Input::ProposedValue(v, _) => Kind::ProposedValue(cpb::ProposedValue {
            round: wire_round(v.round),
            valid_round: v.valid_round.as_u32(),
            proposer: v.proposer.0.0.to_vec(),
            block: v.value.block().encode(),
            valid: v.validity.is_valid(),
        }),
        Input::PolkaCertificate(c) => Kind::PolkaCertificate(polka_to_pb(chain_id, c)),
        Input::TimeoutElapsed(t) => {
            let kind = match t.kind {
                mc::TimeoutKind::Propose => cpb::TimeoutKind::Propose,
                mc::TimeoutKind::Prevote => cpb::TimeoutKind::Prevote,
                mc::TimeoutKind::Precommit => cpb::TimeoutKind::Precommit,
                _ => return None,
            };
            Kind::Timeout(cpb::TimeoutElapsed { round: wire_round(t.round), kind: kind as i32 })
        }
        _ => return None,
    };
    Some(WalEntry(cpb::WalEntry { height, kind: Some(kind) }))
}

/// The core input a WAL entry records.
pub(crate) fn input_of(chain_id: &str, entry: &WalEntry) -> Result<Input<BayContext>, MsgError> {
    use cpb::wal_entry::Kind;
    Ok(match entry.0.kind.as_ref().ok_or(MsgError::Field("kind"))? {
        Kind::Vote(v) => {
            let v = signed_vote_from_pb(chain_id, v)?;
            if v.message.height.0 != entry.height() {
                return Err(MsgError::Field("height"));
            }
            Input::Vote(v)
        }
        Kind::Proposal(p) => {
            let p = signed_proposal_from_pb(chain_id, p)?;
            if p.message.height.0 != entry.height() {
                return Err(MsgError::Field("height"));
            }
            Input::Proposal(p)
        }
        Kind::ProposedValue(v) => {
            let block =
                SealedBlock::decode(&v.block).map_err(|e| MsgError::Malformed(e.to_string()))?;
            if block.height() != entry.height() {
                return Err(MsgError::Field("height"));
            }
            let proposer =
                Address::from_slice(&v.proposer).map_err(|_| MsgError::Field("proposer"))?;
            Input::ProposedValue(
                ProposedValue {
                    height: Height(entry.height()),
                    round: Round::new(v.round),
                    valid_round: v.valid_round.map(Round::new).unwrap_or(Round::Nil),
                    proposer: ValidatorAddress(proposer),
                    value: BlockValue::new(block),
                    validity: Validity::from_bool(v.valid),
                },
                ValueOrigin::Consensus,
            )
        }
        Kind::PolkaCertificate(c) => {
            let c = polka_from_pb(chain_id, c)?;
            if c.height.0 != entry.height() {
                return Err(MsgError::Field("height"));
            }
            Input::PolkaCertificate(c)
        }
        Kind::Timeout(t) => {
            let kind = match cpb::TimeoutKind::try_from(t.kind) {
                Ok(cpb::TimeoutKind::Propose) => mc::TimeoutKind::Propose,
                Ok(cpb::TimeoutKind::Prevote) => mc::TimeoutKind::Prevote,
                Ok(cpb::TimeoutKind::Precommit) => mc::TimeoutKind::Precommit,
                _ => return Err(MsgError::Field("timeout kind")),
            };
            Input::TimeoutElapsed(Timeout::new(Round::new(t.round), kind))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(height: u64, round: u32) -> WalEntry {
        WalEntry(cpb::WalEntry {
            height,
            kind: Some(cpb::wal_entry::Kind::Timeout(cpb::TimeoutElapsed {
                round,
                kind: cpb::TimeoutKind::Prevote as i32,
            })),
        })
    }

    #[test]
    fn entries_survive_reopen_and_reset_empties() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("wal");
        let (mut wal, entries) = FileWal::open(&path).expect("open");
        assert!(entries.is_empty());
        for r in 0..3 {
            wal.append(&entry(7, r)).expect("append");
        }
        drop(wal);
        let (mut wal, entries) = FileWal::open(&path).expect("reopen");
        assert_eq!(entries, vec![entry(7, 0), entry(7, 1), entry(7, 2)]);
        wal.reset().expect("reset");
        wal.append(&entry(8, 0)).expect("append");
        drop(wal);
        let (_, entries) = FileWal::open(&path).expect("reopen");
        assert_eq!(entries, vec![entry(8, 0)]);
    }

    #[test]
    fn torn_or_corrupted_tail_is_ignored_and_cut_off() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("wal");
        let (mut wal, _) = FileWal::open(&path).expect("open");
        for r in 1..=3 {
            wal.append(&entry(7, r)).expect("append");
        }
        drop(wal);
        let full = std::fs::read(&path).expect("read");
        let record = frame(&entry(7, 1).encode()).expect("frame").len();
        assert_eq!(full.len(), 3 * record);

        // Every possible torn length of the last record: the first two survive.
        for cut in 1..record {
            std::fs::write(&path, &full[..full.len() - cut]).expect("write");
            let (_, entries) = FileWal::open(&path).expect("open");
            assert_eq!(entries, vec![entry(7, 1), entry(7, 2)], "cut {cut}");
            assert_eq!(std::fs::metadata(&path).expect("meta").len() as usize, 2 * record);
        }

        // A flipped payload bit in the middle record: only the first survives, and
        // appending after reopening continues after it.
        let mut bad = full.clone();
        bad[record + HEADER + 1] ^= 0x40;
        std::fs::write(&path, &bad).expect("write");
        let (mut wal, entries) = FileWal::open(&path).expect("open");
        assert_eq!(entries, vec![entry(7, 1)]);
        wal.append(&entry(7, 9)).expect("append");
        drop(wal);
        let (_, entries) = FileWal::open(&path).expect("open");
        assert_eq!(entries, vec![entry(7, 1), entry(7, 9)]);

        // A bad CRC with a valid payload is also a cut point; so is a huge length.
        let mut bad_crc = full.clone();
        bad_crc[4] ^= 1;
        assert_eq!(read_records(&bad_crc).0.len(), 0);
        let mut huge = full;
        huge[record..record + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(read_records(&huge), (vec![entry(7, 1)], record));
    }

    #[test]
    fn a_checksummed_record_that_is_not_a_wal_entry_stops_the_replay() {
        let mut img = frame(&entry(1, 0).encode()).expect("frame");
        img.extend(frame(&[0xff, 0xff, 0xff]).expect("frame"));
        img.extend(frame(&entry(1, 1).encode()).expect("frame"));
        let (entries, good) = read_records(&img);
        assert_eq!(entries, vec![entry(1, 0)]);
        assert_eq!(good, frame(&entry(1, 0).encode()).expect("frame").len());
    }
}
