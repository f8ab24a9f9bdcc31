//! The system contracts' identities: genesis order, labels and addresses
//! (docs/domain-contracts.md). Their code lives in `bayledger-system-contracts`; clients
//! only need to know where they are.

use crate::Address;

/// One system contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SystemContract {
    /// Data-hash registry with its RFC 9162 Merkle log.
    HashRegistry,
    /// `did:bayledger` DID documents.
    DidRegistry,
    /// Credential types, authorised issuers, anchored credentials and their status.
    Credentials,
    /// ISO/IEC TS 27560 consent records and transfer receipts.
    Consent,
    /// The consortium committee: weighted members, proposals, votes, and the privileged
    /// system actions passed proposals execute (docs/governance.md).
    Governance,
}

impl SystemContract {
    /// Every system contract, in genesis order.
    pub const ALL: [SystemContract; 5] = [
        SystemContract::HashRegistry,
        SystemContract::DidRegistry,
        SystemContract::Credentials,
        SystemContract::Consent,
        SystemContract::Governance,
    ];

    /// Position in the genesis `contracts` list.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The genesis label, `bayledger/<crate name>`.
    pub fn label(self) -> &'static str {
        match self {
            SystemContract::HashRegistry => "bayledger/hash-registry",
            SystemContract::DidRegistry => "bayledger/did-registry",
            SystemContract::Credentials => "bayledger/credentials",
            SystemContract::Consent => "bayledger/consent",
            SystemContract::Governance => "bayledger/governance",
        }
    }

    /// The crate name (folder under `contracts/system/`).
    pub fn crate_name(self) -> &'static str {
        self.label().trim_start_matches("bayledger/")
    }

    /// The module's file name stem (the crate name with `_`).
    pub fn wasm_name(self) -> &'static str {
        match self {
            SystemContract::HashRegistry => "hash_registry",
            SystemContract::DidRegistry => "did_registry",
            SystemContract::Credentials => "credentials",
            SystemContract::Consent => "consent",
            SystemContract::Governance => "governance",
        }
    }

    /// Its address: genesis contract `index` is created by `0x00…00` with nonce `index`
    /// (ADR 0003).
    pub fn address(self) -> Address {
        Address::contract(&Address::default(), self.index() as u64)
    }

    /// The system contract with this genesis label.
    pub fn by_label(label: &str) -> Option<SystemContract> {
        SystemContract::ALL.into_iter().find(|c| c.label() == label)
    }
}
