//! The Bayledger node: configuration, mempool, execution, chain state, block
//! production, gRPC/HTTP services and the `bayledger` CLI.
//!
//! See `docs/ARCHITECTURE.md` for how a transaction travels from submission to
//! commit through these modules.

pub mod chain;
pub mod cli;
pub mod config;
pub mod consensus_driver;
pub mod evidence;
pub mod execution;
pub mod genesis_state;
pub mod gossip_stats;
pub mod home;
pub mod logging;
pub mod mempool;
pub mod metrics;
pub mod network;
pub mod node_status;
pub mod producer;
pub mod query_reads;
pub mod rpc;
pub mod service;
pub mod sig_verify;
pub mod sync;
#[cfg(test)]
mod test_utils;
pub mod tx_gossip;
pub mod verify;
