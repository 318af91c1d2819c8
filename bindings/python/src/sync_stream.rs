//! `SyncCallStream` (`Client.stream_sync`): a call's events for a plain `for` loop.
//!
//! The call runs as a task on genie's runtime, next to the connection task that reads its
//! socket, so a network read wakes a task on the same worker rather than the Python thread.
//! The task ([`pump`]) hands the events over through a [`Feed`]: it takes every event already
//! there before it delivers, so the events of one network read (`text`, then `usage` and
//! `done` at the end) cost the Python thread one wake-up, not one each, and it wakes that
//! thread only when it is waiting. `__next__` takes an event that is there without releasing
//! the GIL; otherwise it waits on the feed with the GIL released, in slices of [`SLICE`],
//! checking for signals between them (Ctrl-C raises `KeyboardInterrupt` promptly; the stream
//! stays readable after a signal).
//!
//! The feed holds at most [`ROOM`] events: a consumer slower than the network stops the task
//! from reading on (TCP backpressure) instead of filling memory. Nothing runs before the first
//! `__next__`; `close()` (from any thread) or dropping the stream aborts the task, which drops
//! the call and closes its connection at once.
//!
//! Measured on the bench_client.py cases, both builds in one process, alternating: a streamed
//! ten-delta call read to `done` went from +0.309 to +0.177 ms p50 over a raw socket (p99
//! +0.608 to +0.394) against polling the call on the Python thread.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use futures_util::{FutureExt, StreamExt};
use genie_core::client::{CallEvent, CallStream};
use genie_core::{Error, ErrorKind, Result};
use pyo3::exceptions::PyStopIteration;
use pyo3::prelude::*;
use tokio::sync::Notify;
use tokio::task::AbortHandle;

use crate::call_events::PyCallEvent;
use crate::client::{discard, runtime, SLICE};
use crate::errors::to_py_err;

/// How many events the feed holds before the task waits for the reader: many network reads'
/// worth, so a reader keeping up never holds the task back.
const ROOM: usize = 64;

/// The call's state, as the stream sees it.
enum Phase {
    /// Not started: the first `__next__` spawns it.
    Idle(CallStream),
    /// Running as a task.
    Running(AbortHandle),
    /// Its task ended, or it was closed.
    Over,
}

/// What the reader and the task share, under one lock.
struct State {
    phase: Phase,
    events: VecDeque<Result<CallEvent>>,
    /// The task gave its last item (the outcome), or is gone.
    ended: bool,
    /// `close()` was called (or the stream dropped).
    closed: bool,
    /// A `__next__` is in progress (one reader at a time).
    reading: bool,
    /// The reader sleeps on `arrived`: the task must wake it.
    reader_asleep: bool,
    /// The task waits on `room`: the reader must wake it.
    task_asleep: bool,
}

/// The hand-over between the task and the reader.
struct Feed {
    state: Mutex<State>,
    /// Signalled when events arrive, the task ends or the stream is closed.
    arrived: Condvar,
    /// Signalled when the reader made room.
    room: Notify,
}

impl Feed {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues the task's `batch` (`last`: the task ends with it) and wakes a sleeping reader;
    /// returns whether the task must wait for room before it reads on.
    fn deliver(&self, batch: &mut Vec<Result<CallEvent>>, last: bool) -> bool {
        let mut state = self.lock();
        state.events.extend(batch.drain(..));
        state.ended |= last;
        let full = !last && state.events.len() >= ROOM;
        state.task_asleep = full;
        let wake = std::mem::take(&mut state.reader_asleep);
        drop(state);
        if wake {
            self.arrived.notify_one();
        }
        full
    }
}

/// Runs the call, delivering its events in batches: each wake-up takes whatever else is ready
/// before it delivers.
async fn pump(mut stream: CallStream, feed: Arc<Feed>) {
    let _ended = Ended(Arc::clone(&feed));
    let mut batch = Vec::new();
    let mut next = stream.next().await;
    loop {
        let more = loop {
            let Some(item) = next else { break false };
            let more = continues(&item);
            batch.push(item);
            if !more {
                break false;
            }
            // Polled with a no-op waker: when nothing is ready, the `.await` below polls again
            // with the task's own.
            match stream.next().now_or_never() {
                Some(item) => next = item,
                None => break true,
            }
        };
        if !more {
            feed.deliver(&mut batch, true);
            return;
        }
        if feed.deliver(&mut batch, false) {
            feed.room.notified().await;
        }
        next = stream.next().await;
    }
}

/// Whether the call goes on after `item` (only `done` and an error end it).
fn continues(item: &Result<CallEvent>) -> bool {
    matches!(item, Ok(event) if !matches!(event, CallEvent::Done { .. }))
}

/// Marks the task's end, however it ended: after the outcome, aborted, or panicked (then the
/// reader gets an error instead of waiting forever).
struct Ended(Arc<Feed>);

impl Drop for Ended {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        if !state.ended && !state.closed {
            state.ended = true;
            state.events.push_back(Err(Error::new(
                ErrorKind::Internal,
                "the call's task ended without an outcome",
            )));
        }
        state.phase = Phase::Over;
        let wake = std::mem::take(&mut state.reader_asleep);
        drop(state);
        if wake {
            self.0.arrived.notify_one();
        }
    }
}

/// What a read gives.
enum Step {
    /// The next item: an event, or the call's error (its last item).
    Item(Result<CallEvent>),
    /// Nothing more: the call ended, or the stream was closed before this read.
    End,
    /// The stream was closed while this read waited.
    Closed,
}

/// Marks the end of a read, however it ends.
struct Reading<'a>(&'a Feed);

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        self.0.lock().reading = false;
    }
}

/// The events of one call, for a plain ``for`` loop (returned by :meth:`Client.stream_sync`).
///
/// ``__next__`` waits with the GIL released (other threads run meanwhile) and checks for
/// signals every 50 ms, so Ctrl-C raises ``KeyboardInterrupt`` promptly. The last event is
/// ``"done"``, or the call's error is raised. Breaking out of the loop and dropping the stream,
/// or :meth:`close` (from any thread), cancels the call and aborts its HTTP request.
#[pyclass(module = "genie_core", name = "SyncCallStream", frozen)]
pub struct PySyncCallStream(Arc<Feed>);

impl PySyncCallStream {
    pub(crate) fn new(stream: CallStream) -> PySyncCallStream {
        PySyncCallStream(Arc::new(Feed {
            state: Mutex::new(State {
                phase: Phase::Idle(stream),
                events: VecDeque::new(),
                ended: false,
                closed: false,
                reading: false,
                reader_asleep: false,
                task_asleep: false,
            }),
            arrived: Condvar::new(),
            room: Notify::new(),
        }))
    }

    /// Takes the next item if one is there (starting the call on the first read), making room
    /// for the task if it waits for some.
    fn take(&self, state: &mut State) -> Option<Step> {
        if state.closed {
            return Some(Step::End);
        }
        if let Some(item) = state.events.pop_front() {
            if state.task_asleep && state.events.len() < ROOM / 2 {
                state.task_asleep = false;
                self.0.room.notify_one();
            }
            return Some(Step::Item(item));
        }
        if state.ended {
            return Some(Step::End);
        }
        None
    }

    fn start(&self, py: Python<'_>, state: &mut State) -> PyResult<()> {
        if let Phase::Idle(_) = state.phase {
            let runtime = runtime(py)?;
            if let Phase::Idle(stream) = std::mem::replace(&mut state.phase, Phase::Over) {
                let task = runtime.spawn(pump(stream, Arc::clone(&self.0)));
                state.phase = Phase::Running(task.abort_handle());
            }
        }
        Ok(())
    }

    /// Waits up to one [`SLICE`] for the next item with the GIL released; `None` when the
    /// slice passed first.
    fn wait(&self, py: Python<'_>) -> Option<Step> {
        py.detach(|| {
            let mut state = self.0.lock();
            loop {
                if state.closed {
                    return Some(Step::Closed);
                }
                if let Some(step) = self.take(&mut state) {
                    return Some(step);
                }
                state.reader_asleep = true;
                let (next, timeout) = self
                    .0
                    .arrived
                    .wait_timeout(state, SLICE)
                    .unwrap_or_else(|e| e.into_inner());
                state = next;
                state.reader_asleep = false;
                if timeout.timed_out() && !state.closed && state.events.is_empty() && !state.ended {
                    return None;
                }
            }
        })
    }

    /// Ends the call: aborts its task (or drops it unstarted) and wakes a waiting read.
    fn stop(&self) {
        let mut state = self.0.lock();
        state.closed = true;
        state.events.clear();
        let phase = std::mem::replace(&mut state.phase, Phase::Over);
        drop(state);
        match phase {
            Phase::Idle(stream) => discard(stream),
            Phase::Running(task) => task.abort(),
            Phase::Over => {}
        }
        self.0.arrived.notify_all();
    }
}

impl Drop for PySyncCallStream {
    fn drop(&mut self) {
        self.stop();
    }
}

#[pymethods]
impl PySyncCallStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCallEvent>> {
        let mut state = self.0.lock();
        if state.reading {
            drop(state);
            return Err(to_py_err(
                py,
                &Error::new(
                    ErrorKind::InvalidArgument,
                    "this stream is already being read by another thread; read a call's \
                     stream from one place at a time",
                ),
            ));
        }
        let ready = self.take(&mut state);
        let step = match ready {
            Some(step) => {
                drop(state);
                step
            }
            None => {
                let started = self.start(py, &mut state);
                state.reading = true;
                drop(state);
                let _reading = Reading(&self.0);
                started?;
                loop {
                    match self.wait(py) {
                        Some(step) => break step,
                        None => py.check_signals()?,
                    }
                }
            }
        };
        match step {
            Step::Item(Ok(event)) => Bound::new(py, PyCallEvent::new(py, event)?),
            Step::Item(Err(error)) => Err(to_py_err(py, &error)),
            Step::End => Err(PyStopIteration::new_err(())),
            Step::Closed => Err(to_py_err(
                py,
                &Error::new(
                    ErrorKind::Cancelled,
                    "the stream was closed while this read waited for its next event",
                ),
            )),
        }
    }

    /// Ends the call now, aborting its HTTP request; the stream then ends. A read waiting in
    /// another thread raises :class:`CancelledError`.
    fn close(&self) {
        self.stop();
    }
}
