//! Driving a synchronous [`Application`] from [`BftEngine`] outputs.
//!
//! The application half of the edge is the same for every node: build a block
//! when asked, verify proposed blocks, commit decided ones. [`AppHost`] does
//! exactly that and hands back the outputs that need real IO (broadcast, timers,
//! WAL, evidence) plus the decisions, **in the order the engine produced them**
//! (so a `Persist` still precedes the `Broadcast` it protects). The node's async
//! edge (and the simulation tests) use it between the network/timer loop and
//! the engine.

use std::collections::VecDeque;

use bayledger_types::pb;

use crate::Application;
use crate::engine::{BftEngine, EngineError, Output};

/// Why the host stopped.
#[derive(Debug, thiserror::Error)]
pub enum HostError<E: std::error::Error + 'static> {
    /// The application failed to build or commit a block.
    #[error("application: {0}")]
    App(#[source] E),
    /// The engine refused an input.
    #[error("engine: {0}")]
    Engine(#[from] EngineError),
}

/// An [`Application`] wired to a [`BftEngine`].
#[derive(Debug)]
pub struct AppHost<A> {
    /// The application.
    pub app: A,
    last_commit: Option<pb::Commit>,
}

impl<A: Application> AppHost<A> {
    /// Wraps `app`; `last_commit` is the commit of the latest committed block
    /// (`None` at genesis), which the next proposed block carries.
    pub fn new(app: A, last_commit: Option<pb::Commit>) -> AppHost<A> {
        AppHost { app, last_commit }
    }

    /// The commit of the latest committed block.
    pub fn last_commit(&self) -> Option<&pb::Commit> {
        self.last_commit.as_ref()
    }

    /// Carries out the application part of `outputs`:
    /// `BuildProposal` → [`Application::build_block`] → [`BftEngine::proposed_value`];
    /// `ValidateProposal` → [`Application::verify_block`] → [`BftEngine::value_validated`]
    /// (an error means "invalid"); `Decided` → [`Application::commit_block`].
    /// What the engine answers is handled the same way, in place. Returns the
    /// remaining outputs in order, `Decided` included (after its commit) so the
    /// caller starts the next height. `time_ms` stamps a block built now.
    pub fn handle(
        &mut self,
        engine: &mut BftEngine,
        outputs: Vec<Output>,
        time_ms: u64,
    ) -> Result<Vec<Output>, HostError<A::Error>> {
        let mut queue: VecDeque<Output> = outputs.into();
        let mut rest = Vec::new();
        while let Some(output) = queue.pop_front() {
            let more = match output {
                Output::BuildProposal { height, round } => {
                    let block = self
                        .app
                        .build_block(height, time_ms, engine.address(), self.last_commit.clone())
                        .map_err(HostError::App)?;
                    engine.proposed_value(height, round, block)?
                }
                Output::ValidateProposal { block, .. } => {
                    let valid = self.app.verify_block(&block).is_ok();
                    engine.value_validated(block.hash(), valid)?
                }
                Output::Decided { block, commit } => {
                    self.app.commit_block(&block, &commit).map_err(HostError::App)?;
                    self.last_commit = Some(commit.clone());
                    rest.push(Output::Decided { block, commit });
                    Vec::new()
                }
                other => {
                    rest.push(other);
                    Vec::new()
                }
            };
            for o in more.into_iter().rev() {
                queue.push_front(o);
            }
        }
        Ok(rest)
    }
}
