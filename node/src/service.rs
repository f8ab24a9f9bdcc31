//! Runs a node: opens the chain, serves gRPC and HTTP, runs consensus, and
//! shuts down gracefully on SIGINT/SIGTERM (the block in flight completes, the
//! servers drain, the database closes).
//!
//! Consensus mode follows from genesis and the home: a single-validator genesis
//! whose validator key is here runs the solo producer (no network); otherwise
//! the node joins the p2p network and runs the BFT edge
//! ([`crate::consensus_driver`]) with block sync ([`crate::sync`]) — voting if
//! its `validator_key.json` is in the validator set, else as a full node.

use crate::chain::Chain;
use crate::config::NodeConfig;
use crate::consensus_driver::{Driver, DriverConfig, DriverInputs, block_time_at};
use crate::home::{Home, read_key_file};
use crate::rpc::{grpc, http};
use crate::sync::{self, SyncConfig};
use crate::{network, producer};
use bayledger_consensus::SoloEngine;
use bayledger_genesis::Genesis;
use bayledger_types::SecretKey;
use eyre::{Context, Result};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// A started node: its chain and bound addresses.
#[derive(Debug)]
pub struct RunningNode {
    /// Shared chain state.
    pub chain: Arc<Chain>,
    /// Bound gRPC address.
    pub grpc_addr: SocketAddr,
    /// Bound HTTP address.
    pub http_addr: SocketAddr,
    /// Bound p2p address (BFT and full nodes).
    pub p2p_addr: Option<SocketAddr>,
    shutdown: watch::Sender<bool>,
    tasks: tokio::task::JoinSet<Result<()>>,
}

impl RunningNode {
    /// Starts a node from a home directory.
    pub async fn start(home: &Home, config: NodeConfig) -> Result<RunningNode> {
        let genesis = Genesis::load(home.genesis())
            .with_context(|| format!("loading {}", home.genesis().display()))?;
        let key = match home.validator_key().exists() {
            true => Some(read_key_file(&home.validator_key())?),
            false => None,
        };
        let data = home.data();
        let chain =
            tokio::task::spawn_blocking(move || Chain::open(&data, genesis, config)).await??;
        chain.metrics.set_data_dir(home.data());
        // The configured block time, else the parameter in force for the next height.
        let block_time = block_time_at(&chain, chain.height()? + 1)?;
        let (shutdown, rx) = watch::channel(false);
        let mut tasks = tokio::task::JoinSet::new();

        let grpc_listener = tokio::net::TcpListener::bind(chain.config.rpc.grpc_addr)
            .await
            .with_context(|| format!("binding gRPC on {}", chain.config.rpc.grpc_addr))?;
        let grpc_addr = grpc_listener.local_addr()?;
        let http_listener = tokio::net::TcpListener::bind(chain.config.rpc.http_addr)
            .await
            .with_context(|| format!("binding HTTP on {}", chain.config.rpc.http_addr))?;
        let http_addr = http_listener.local_addr()?;

        let routes = grpc::routes(chain.clone());
        let per_conn = chain.config.rpc.concurrency_per_connection;
        let mut rx_grpc = rx.clone();
        tasks.spawn(async move {
            tonic::transport::Server::builder()
                .concurrency_limit_per_connection(per_conn)
                .add_routes(routes)
                .serve_with_incoming_shutdown(
                    tonic::transport::server::TcpIncoming::from(grpc_listener)
                        .with_nodelay(Some(true)),
                    async move {
                        let _ = rx_grpc.wait_for(|s| *s).await;
                    },
                )
                .await
                .context("gRPC server")
        });
        let mut rx_http = rx.clone();
        let app = http::router(chain.clone())?;
        tasks.spawn(async move {
            axum::serve(http_listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx_http.wait_for(|s| *s).await;
                })
                .await
                .context("HTTP server")
        });
        let member =
            |k: &SecretKey| chain.validators.validators.iter().any(|v| v.address == k.address().0);
        let solo = chain.validators.validators.len() == 1 && key.as_ref().is_some_and(member);
        let mut p2p_addr = None;
        if solo {
            let key = key.ok_or_else(|| eyre::eyre!("solo validator without a key"))?;
            let engine = SoloEngine::new::<crate::chain::ChainError>(
                chain.genesis.chain_id.clone(),
                key,
                chain.validators.clone(),
            )
            .map_err(|e| eyre::eyre!("{e}"))?;
            chain.status.set_validator(engine.address());
            tasks.spawn(producer::run(chain.clone(), Arc::new(engine), block_time, rx));
        } else {
            // The driver votes with the key while it is in the set of the
            // height at hand (governance changes the set), else follows as a
            // full node.
            let node_key = read_key_file(&home.node_key())?;
            let (p2p, events) = network::start(&chain, &node_key).await?;
            p2p_addr = p2p.listen_addrs().first().copied();
            chain.metrics.set_p2p(p2p.clone());
            let (outbox_tx, outbox) = mpsc::unbounded_channel();
            chain.set_tx_outbox(outbox_tx);
            let (seen_tx, seen_rx) = watch::channel(0u64);
            let (synced_tx, synced) = mpsc::channel(4);
            let sync_cfg = SyncConfig {
                interval: Duration::from_secs(1),
                grace: (2 * block_time).max(Duration::from_millis(300)),
            };
            tasks.spawn(sync::run(
                chain.clone(),
                p2p.clone(),
                sync_cfg,
                seen_rx,
                synced_tx,
                rx.clone(),
            ));
            let min_gap = chain.config.consensus.min_block_gap_ms.map(Duration::from_millis);
            let cfg = DriverConfig::new(block_time, min_gap, home.data().join("consensus.wal"));
            tracing::info!(validator = key.is_some(), "joining the BFT network");
            let inputs = DriverInputs { events, synced, outbox, shutdown: rx };
            tasks.spawn(Driver::run(chain.clone(), p2p, key, cfg, seen_tx, inputs));
        }
        tracing::info!(%grpc_addr, %http_addr, p2p = ?p2p_addr, chain_id = %chain.genesis.chain_id, "node started");
        Ok(RunningNode { chain, grpc_addr, http_addr, p2p_addr, shutdown, tasks })
    }

    /// Waits for SIGINT/SIGTERM or a task failure, then shuts down.
    pub async fn run_until_signal(mut self) -> Result<()> {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        let failed = tokio::select! {
            _ = tokio::signal::ctrl_c() => { tracing::info!("SIGINT: shutting down"); None }
            _ = term.recv() => { tracing::info!("SIGTERM: shutting down"); None }
            r = self.tasks.join_next() => r,
        };
        let first = match failed {
            Some(Ok(Err(e))) => Some(e),
            Some(Err(e)) => Some(eyre::eyre!("task panicked: {e}")),
            _ => None,
        };
        let rest = self.shutdown().await;
        match first {
            Some(e) => Err(e),
            None => rest,
        }
    }

    /// Stops producing, drains the servers and waits for every task.
    pub async fn shutdown(mut self) -> Result<()> {
        let _ = self.shutdown.send(true);
        // Open subscriptions would otherwise keep the gRPC server draining forever.
        self.chain.close_streams();
        let mut result = Ok(());
        while let Some(r) = self.tasks.join_next().await {
            match r {
                Ok(Err(e)) if result.is_ok() => result = Err(e),
                Err(e) if result.is_ok() => result = Err(eyre::eyre!("task panicked: {e}")),
                _ => {}
            }
        }
        tracing::info!("node stopped");
        result
    }
}
