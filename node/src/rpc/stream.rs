//! Resumable server streams (`SubscribeBlocks`, `SubscribeEvents`): replay
//! from the store, then follow commits, with no gap or duplicate at the
//! switch and a clean close for a client that cannot keep up.
//!
//! * **Replay → live.** A stream is a position (next height, or an event
//!   cursor) and a function that reads what the store holds after it. The
//!   task subscribes to commit notifications *before* its first read and
//!   reads until the store has nothing more, then waits for a notification
//!   and reads again. Everything comes from the store, in order, by
//!   position: a commit landing between a read and the wait is still
//!   notified, so nothing is skipped, and nothing is read twice.
//! * **Reconnect.** Items carry their position (block height, event
//!   cursor); a client that reconnects from the one after the last it saw
//!   gets exactly the rest.
//! * **Slow clients.** Items go through a bounded buffer ([`BUFFER`]). While
//!   the buffer is full the task waits, but it counts the blocks committed
//!   meanwhile (a lagged notification channel counts as many); when
//!   [`MAX_LAG_BLOCKS`] commit before the client makes room, the stream ends
//!   with RESOURCE_EXHAUSTED, after the items already buffered, telling the
//!   client where to resume. Nothing the node does waits for a client: the
//!   notification channel is a broadcast that never blocks the sender, and
//!   each stream reads the store on its own.
//! * **Shutdown.** When the node stops ([`Chain::close_streams`]) every stream
//!   ends with UNAVAILABLE naming where to resume, so open subscriptions never
//!   hold up a graceful shutdown.

use super::grpc::blocking;
use crate::chain::Chain;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;
use tokio_stream::Stream;
use tonic::Status;

/// Items buffered per stream.
pub const BUFFER: usize = 64;
/// Blocks that may commit while a stream's buffer stays full before the
/// stream is closed.
pub const MAX_LAG_BLOCKS: u64 = 64;

/// Why the task ended a stream early (`Followed::ended`).
const ENDED_SLOW: u8 = 1;
const ENDED_SHUTDOWN: u8 = 2;

/// What a stream's reader returns: items with their heights, and whether
/// the store may already hold more (read again without waiting).
pub type Read<T> = Result<(Vec<(u64, T)>, bool), Status>;

/// The message closing a slow stream, given the height of the last item the
/// client was handed (`None`: none yet).
pub type ResumeHint = Box<dyn Fn(Option<u64>) -> String + Send>;

/// Streams what `read` returns, replaying then following commits (see the
/// module docs). `read` runs on a blocking thread and keeps its own position.
pub fn follow<T, R>(chain: Arc<Chain>, mut read: R, resume: ResumeHint) -> Followed<T>
where
    T: Send + 'static,
    R: FnMut(&Chain) -> Read<T> + Send + 'static,
{
    let (tx, rx) = mpsc::channel(BUFFER);
    let ended = Arc::new(AtomicU8::new(0));
    let flag = ended.clone();
    // Subscribed before the first read: no commit after it goes unnoticed.
    let mut commits = chain.committed.subscribe();
    let mut closing = chain.closing();
    tokio::spawn(async move {
        loop {
            let c = chain.clone();
            let result = blocking(move || {
                let r = read(&c);
                Ok((read, r))
            })
            .await;
            let (items, more) = match result {
                Ok((r, Ok(page))) => {
                    read = r;
                    page
                }
                Ok((_, Err(status))) | Err(status) => {
                    let _ = tx.send(Err(status)).await;
                    return;
                }
            };
            for item in items {
                let mut lag = 0u64;
                let permit = loop {
                    tokio::select! {
                        permit = tx.reserve() => match permit {
                            Ok(p) => break p,
                            Err(_) => return, // the client went away
                        },
                        _ = closing.wait_for(|c| *c) => {
                            flag.store(ENDED_SHUTDOWN, Ordering::Release);
                            return;
                        }
                        note = commits.recv() => {
                            lag += match note {
                                Ok(_) => 1,
                                Err(RecvError::Lagged(n)) => n,
                                Err(RecvError::Closed) => return,
                            };
                            if lag >= MAX_LAG_BLOCKS {
                                flag.store(ENDED_SLOW, Ordering::Release);
                                return; // dropping `tx` ends the stream
                            }
                        }
                    }
                };
                permit.send(Ok(item));
            }
            if !more {
                tokio::select! {
                    _ = tx.closed() => return, // the client went away
                    _ = closing.wait_for(|c| *c) => {
                        flag.store(ENDED_SHUTDOWN, Ordering::Release);
                        return;
                    }
                    note = commits.recv() => if let Err(RecvError::Closed) = note {
                        return;
                    },
                }
            }
        }
    });
    Followed { rx, ended, last: None, done: false, resume }
}

/// The client side of [`follow`]: the buffered items, then
/// RESOURCE_EXHAUSTED if the stream was closed for being too slow, or
/// UNAVAILABLE if the node is shutting down.
pub struct Followed<T> {
    rx: mpsc::Receiver<Result<(u64, T), Status>>,
    ended: Arc<AtomicU8>,
    last: Option<u64>,
    done: bool,
    resume: ResumeHint,
}

impl<T> Stream for Followed<T> {
    type Item = Result<T, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match self.rx.poll_recv(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok((height, item)))) => {
                self.last = Some(height);
                Poll::Ready(Some(Ok(item)))
            }
            Poll::Ready(Some(Err(status))) => {
                self.done = true;
                Poll::Ready(Some(Err(status)))
            }
            Poll::Ready(None) => {
                self.done = true;
                let hint = || (self.resume)(self.last);
                match self.ended.load(Ordering::Acquire) {
                    ENDED_SLOW => Poll::Ready(Some(Err(Status::resource_exhausted(format!(
                        "stream closed: the client fell {MAX_LAG_BLOCKS} blocks behind; {}",
                        hint()
                    ))))),
                    ENDED_SHUTDOWN => Poll::Ready(Some(Err(Status::unavailable(format!(
                        "stream closed: the node is shutting down; {}",
                        hint()
                    ))))),
                    _ => Poll::Ready(None),
                }
            }
        }
    }
}
