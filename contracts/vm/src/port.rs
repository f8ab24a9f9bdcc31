//! How guest code reaches the state it must not own.
//!
//! A wasmtime `Store` must own its data (`T: 'static`), but the state a contract
//! runs against is a borrowed [`Overlay`](crate::Overlay) over a borrowed
//! `StateReader`. So host functions never touch the state directly: a host function
//! that needs it posts a [`StateOp`] on the [`Port`] and awaits the reply. Guest code
//! runs on a wasmtime fiber; awaiting suspends it, and the executor's [`drive`] loop —
//! which holds the overlay — serves the request and resumes the guest. Everything
//! runs on the calling thread, one request at a time, in program order, so the
//! outcome is exactly that of direct calls.

use crate::cache::LoadedCode;
use crate::error::VmError;
use crate::host::HostError;
use crate::overlay::Checkpoint;
use crate::system::Applied;
use bayledger_types::Address;
use governance::action::SystemAction;
use parking_lot::Mutex;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// A request from a host function to the state holder.
pub(crate) enum StateOp {
    Get(Vec<u8>),
    Next {
        prefix: Vec<u8>,
        after: Option<Vec<u8>>,
    },
    Put(Vec<u8>, Vec<u8>),
    Delete(Vec<u8>),
    Checkpoint,
    Revert(Checkpoint),
    /// The contract at an address: its metadata and compiled code (`Frozen` instead if it is
    /// frozen and `allow_frozen` is false).
    Load {
        contract: Address,
        allow_frozen: bool,
    },
    /// A system action of the governance contract (`system_apply`).
    System {
        action: Box<SystemAction>,
        height: u64,
        caller: Address,
    },
}

/// A contract looked up for execution.
pub(crate) enum Loaded {
    Found(Arc<LoadedCode>),
    /// No contract at that address.
    Unknown,
    /// The code in state no longer passes validation; the message says why.
    Invalid(String),
    /// Governance froze the contract.
    Frozen,
}

/// The answer to a [`StateOp`].
pub(crate) enum StateReply {
    Value(Option<Vec<u8>>),
    Entry(Option<(Vec<u8>, Vec<u8>)>),
    Done,
    Checkpoint(Checkpoint),
    Contract(Loaded),
    /// A system action was applied (or refused, with the reason).
    System(Result<Applied, String>),
}

#[derive(Default)]
struct Slot {
    request: Option<StateOp>,
    reply: Option<Result<StateReply, HostError>>,
}

/// The request/reply slot shared by a store's host functions and the driver.
#[derive(Clone, Default)]
pub(crate) struct Port(Arc<Mutex<Slot>>);

/// Awaits the reply to one request: the first poll posts the request and suspends.
struct Pending {
    port: Port,
    op: Option<StateOp>,
}

impl Future for Pending {
    type Output = Result<StateReply, HostError>;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(op) = self.op.take() {
            self.port.0.lock().request = Some(op);
            return Poll::Pending;
        }
        match self.port.0.lock().reply.take() {
            Some(reply) => Poll::Ready(reply),
            None => Poll::Pending,
        }
    }
}

fn protocol_error() -> HostError {
    HostError::internal("state port answered with a reply of the wrong kind")
}

impl Port {
    async fn request(&self, op: StateOp) -> Result<StateReply, HostError> {
        Pending { port: self.clone(), op: Some(op) }.await
    }

    pub(crate) async fn get(&self, key: Vec<u8>) -> Result<Option<Vec<u8>>, HostError> {
        match self.request(StateOp::Get(key)).await? {
            StateReply::Value(v) => Ok(v),
            _ => Err(protocol_error()),
        }
    }

    pub(crate) async fn next(
        &self,
        prefix: Vec<u8>,
        after: Option<Vec<u8>>,
    ) -> Result<Option<(Vec<u8>, Vec<u8>)>, HostError> {
        match self.request(StateOp::Next { prefix, after }).await? {
            StateReply::Entry(e) => Ok(e),
            _ => Err(protocol_error()),
        }
    }

    pub(crate) async fn put(&self, key: Vec<u8>, value: Vec<u8>) -> Result<(), HostError> {
        self.done(StateOp::Put(key, value)).await
    }

    pub(crate) async fn delete(&self, key: Vec<u8>) -> Result<(), HostError> {
        self.done(StateOp::Delete(key)).await
    }

    pub(crate) async fn revert(&self, checkpoint: Checkpoint) -> Result<(), HostError> {
        self.done(StateOp::Revert(checkpoint)).await
    }

    async fn done(&self, op: StateOp) -> Result<(), HostError> {
        match self.request(op).await? {
            StateReply::Done => Ok(()),
            _ => Err(protocol_error()),
        }
    }

    pub(crate) async fn checkpoint(&self) -> Result<Checkpoint, HostError> {
        match self.request(StateOp::Checkpoint).await? {
            StateReply::Checkpoint(c) => Ok(c),
            _ => Err(protocol_error()),
        }
    }

    pub(crate) async fn load(
        &self,
        contract: Address,
        allow_frozen: bool,
    ) -> Result<Loaded, HostError> {
        match self.request(StateOp::Load { contract, allow_frozen }).await? {
            StateReply::Contract(c) => Ok(c),
            _ => Err(protocol_error()),
        }
    }

    pub(crate) async fn system(
        &self,
        action: SystemAction,
        height: u64,
        caller: Address,
    ) -> Result<Result<Applied, String>, HostError> {
        let op = StateOp::System { action: Box::new(action), height, caller };
        match self.request(op).await? {
            StateReply::System(r) => Ok(r),
            _ => Err(protocol_error()),
        }
    }
}

/// Runs `fut` to completion on this thread, serving every state request it makes
/// with `serve`. An `Err` from `serve` is handed to the waiting host function, which
/// ends the whole execution with it.
pub(crate) fn drive<F: Future>(
    fut: F,
    port: &Port,
    mut serve: impl FnMut(StateOp) -> Result<StateReply, HostError>,
) -> Result<F::Output, VmError> {
    let mut fut = std::pin::pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return Ok(out);
        }
        let op = port.0.lock().request.take().ok_or_else(|| {
            VmError::Internal("guest execution suspended without a state request".into())
        })?;
        let reply = serve(op);
        port.0.lock().reply = Some(reply);
    }
}
