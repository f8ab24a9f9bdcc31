//! Runs a node: opens the chain, serves gRPC and HTTP, produces blocks, and
//! shuts down gracefully on SIGINT/SIGTERM (the block in flight completes, the
//! servers drain, the database closes).

use crate::chain::Chain;
use crate::config::NodeConfig;
use crate::home::{Home, read_key_file};
use crate::producer;
use crate::rpc::{grpc, http};
use bayledger_consensus::SoloEngine;
use bayledger_genesis::Genesis;
use eyre::{Context, Result};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// A started node: its chain and bound addresses.
#[derive(Debug)]
pub struct RunningNode {
    /// Shared chain state.
    pub chain: Arc<Chain>,
    /// Bound gRPC address.
    pub grpc_addr: SocketAddr,
    /// Bound HTTP address.
    pub http_addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    tasks: tokio::task::JoinSet<Result<()>>,
}

impl RunningNode {
    /// Starts a node from a home directory.
    pub async fn start(home: &Home, config: NodeConfig) -> Result<RunningNode> {
        let genesis = Genesis::load(home.genesis())
            .with_context(|| format!("loading {}", home.genesis().display()))?;
        let key = read_key_file(&home.validator_key())?;
        let data = home.data();
        let chain =
            tokio::task::spawn_blocking(move || Chain::open(&data, genesis, config)).await??;
        let engine = SoloEngine::new::<crate::chain::ChainError>(
            chain.genesis.chain_id.clone(),
            key,
            chain.validators.clone(),
        )
        .map_err(|e| eyre::eyre!("{e}"))?;
        let block_ms = match chain.config.consensus.block_time_ms {
            0 => chain.genesis.params.block_time_ms,
            ms => ms,
        };
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
                    tokio_stream::wrappers::TcpListenerStream::new(grpc_listener),
                    async move {
                        let _ = rx_grpc.wait_for(|s| *s).await;
                    },
                )
                .await
                .context("gRPC server")
        });
        let mut rx_http = rx.clone();
        let app = http::router(chain.clone());
        tasks.spawn(async move {
            axum::serve(http_listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx_http.wait_for(|s| *s).await;
                })
                .await
                .context("HTTP server")
        });
        tasks.spawn(producer::run(
            chain.clone(),
            Arc::new(engine),
            Duration::from_millis(block_ms),
            rx,
        ));
        tracing::info!(%grpc_addr, %http_addr, chain_id = %chain.genesis.chain_id, "node started");
        Ok(RunningNode { chain, grpc_addr, http_addr, shutdown, tasks })
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
