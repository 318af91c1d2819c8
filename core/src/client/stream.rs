//! [`CallStream`]: a call's events as a `Stream`, driven by the consumer's polls.
//!
//! The call runs as one future owned by the stream, not as a spawned task: nothing happens
//! unless the consumer polls, events reach it without a channel hop or a cross-thread wake-up,
//! and dropping the stream drops the future, and with it the HTTP response — the connection
//! closes at once. The future hands events over through a queue the two share; after queueing
//! a chunk's worth it yields once ([`Emitter::flush`]), so the queue never holds more than one
//! network chunk's events and a slow consumer slows the reading (TCP backpressure) instead of
//! filling memory.
//!
//! It must be polled inside a tokio runtime (reqwest and the timers need one); bindings use
//! [`super::runtime`](fn@super::runtime).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_util::Stream;

use super::events::CallEvent;
use crate::Result;

type Queue = Arc<Mutex<VecDeque<Result<CallEvent>>>>;

/// The events of one call, ending with `Done` or an error. Dropping it cancels the call and
/// aborts its HTTP request.
#[must_use = "a call does nothing until its stream is polled"]
pub struct CallStream {
    call: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
    queue: Queue,
}

impl std::fmt::Debug for CallStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallStream")
            .field("running", &self.call.is_some())
            .finish_non_exhaustive()
    }
}

/// The call's side of the queue.
pub(crate) struct Emitter {
    queue: Queue,
    /// Only the outcome is wanted (`Client::complete`): intermediate events are not queued.
    quiet: bool,
}

impl CallStream {
    /// A stream running `call`, which reports through the [`Emitter`] it is given.
    pub(crate) fn new<F, Fut>(quiet: bool, call: F) -> CallStream
    where
        F: FnOnce(Emitter) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let queue = Queue::default();
        let emitter = Emitter {
            queue: Arc::clone(&queue),
            quiet,
        };
        CallStream {
            call: Some(Box::pin(call(emitter))),
            queue,
        }
    }

    fn pop(&self) -> Option<Result<CallEvent>> {
        self.queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
    }
}

impl Stream for CallStream {
    type Item = Result<CallEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(event) = self.pop() {
                return Poll::Ready(Some(event));
            }
            let Some(call) = self.call.as_mut() else {
                return Poll::Ready(None);
            };
            match call.as_mut().poll(cx) {
                Poll::Ready(()) => self.call = None,
                // A call that yielded with events queued is polled again by the next
                // `poll_next`, after the consumer took them (see `Emitter::flush`).
                Poll::Pending
                    if self
                        .queue
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .is_empty() =>
                {
                    return Poll::Pending
                }
                Poll::Pending => {}
            }
        }
    }
}

impl Emitter {
    /// Queues an event (dropped when quiet, except the outcome).
    pub(crate) fn emit(&self, event: CallEvent) {
        if self.quiet && !matches!(event, CallEvent::Done { .. }) {
            return;
        }
        self.push(Ok(event));
    }

    /// Queues the call's error (its last item).
    pub(crate) fn fail(&self, error: crate::Error) {
        self.push(Err(error));
    }

    fn push(&self, item: Result<CallEvent>) {
        self.queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(item);
    }

    /// Lets the consumer take what is queued before the call goes on.
    pub(crate) async fn flush(&self) {
        let pending = !self
            .queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty();
        if pending {
            YieldOnce(false).await;
        }
    }
}

/// Returns `Pending` once without arranging a wake-up. Only sound because it is awaited solely
/// by [`Emitter::flush`] with events queued: `CallStream::poll_next` then returns one of them
/// right away, and the consumer's next `poll_next` polls the call again.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            Poll::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[test]
    fn events_flow_in_order_and_the_stream_ends() {
        let stream = CallStream::new(false, |out| async move {
            for i in 0..3 {
                out.emit(CallEvent::Text {
                    text: i.to_string(),
                });
                out.emit(CallEvent::Text {
                    text: format!("{i}b"),
                });
                out.flush().await;
            }
            out.fail(crate::Error::new(crate::ErrorKind::Cancelled, "end"));
        });
        let items: Vec<_> = futures_executor_block_on(stream.collect::<Vec<_>>());
        let texts: Vec<String> = items
            .iter()
            .filter_map(|i| match i {
                Ok(CallEvent::Text { text }) => Some(text.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, ["0", "0b", "1", "1b", "2", "2b"]);
        assert!(items.last().is_some_and(|i| i.is_err()));
    }

    #[test]
    fn quiet_streams_only_carry_the_outcome() {
        let stream = CallStream::new(true, |out| async move {
            out.emit(CallEvent::Text { text: "x".into() });
            out.flush().await;
            out.fail(crate::Error::new(crate::ErrorKind::Cancelled, "end"));
        });
        let items: Vec<_> = futures_executor_block_on(stream.collect::<Vec<_>>());
        assert_eq!(items.len(), 1);
    }

    fn futures_executor_block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
            .block_on(f)
    }
}
