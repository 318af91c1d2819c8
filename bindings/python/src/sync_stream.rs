//! `SyncCallStream` (`Client.stream_sync`): a call's events for a plain `for` loop.
//!
//! The call runs as a task handing its events over through a [`Feed`] (reading ahead, in
//! batches: see [`crate::feed`]). `__next__` takes an event that is there without releasing
//! the GIL; otherwise it waits on the feed with the GIL released: a brief spin when this
//! thread's waits are short ([`BlockingWait`]), then sleeping in slices of [`SLICE`],
//! checking for signals between them (Ctrl-C raises `KeyboardInterrupt` promptly; the stream
//! stays readable after a signal).
//!
//! Measured on the bench_client.py cases, both builds in one process, alternating: a streamed
//! ten-delta call read to `done` went from +0.309 to +0.177 ms p50 over a raw socket (p99
//! +0.608 to +0.394) against polling the call on the Python thread.

use genie_core::client::{BlockingWait, CallStream};
use pyo3::exceptions::PyStopIteration;
use pyo3::prelude::*;

use crate::call_events::PyCallEvent;
use crate::client::SLICE;
use crate::errors::to_py_err;
use crate::feed::{already_reading, Feed, Owned, State, Step};

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
///
/// Once started, the call reads ahead of you: events that arrive while your loop is busy wait
/// in the stream (at most 64; beyond that the call stops reading the socket until you catch
/// up), and a ``__next__`` that finds one returns it at once.
#[pyclass(module = "genie_core", name = "SyncCallStream", frozen)]
pub struct PySyncCallStream(Owned);

impl PySyncCallStream {
    pub(crate) fn new(stream: CallStream) -> PySyncCallStream {
        PySyncCallStream(Owned::new(stream))
    }

    /// Takes the next item if one is there, or says the stream was closed while this read
    /// waited.
    fn look(&self, state: &mut State) -> Option<Step> {
        if state.closed() {
            return Some(Step::Closed);
        }
        self.0.take(state)
    }

    /// Waits up to one [`SLICE`] for the next item with the GIL released; `None` when the
    /// slice passed first.
    fn wait(&self, py: Python<'_>) -> Option<Step> {
        py.detach(|| {
            let mut state = self.0.lock();
            let mut timed_out = false;
            loop {
                if let Some(step) = self.look(&mut state) {
                    return Some(step);
                }
                if timed_out {
                    return None;
                }
                (state, timed_out) = self.0.sleep(state, SLICE);
            }
        })
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
            return Err(to_py_err(py, &already_reading("thread")));
        }
        let ready = self.0.take(&mut state);
        let step = match ready {
            Some(step) => {
                drop(state);
                step
            }
            None => {
                let started = self.0.start(py, &mut state);
                state.reading = true;
                drop(state);
                let _reading = Reading(&self.0);
                started?;
                let waiting = BlockingWait::begin();
                match py.detach(|| waiting.spin(|| self.look(&mut self.0.lock()))) {
                    Some(step) => step,
                    None => loop {
                        match self.wait(py) {
                            Some(step) => break step,
                            None => py.check_signals()?,
                        }
                    },
                }
            }
        };
        step.into_py(py, || PyStopIteration::new_err(()))
    }

    /// Ends the call now, aborting its HTTP request; the stream then ends. A read waiting in
    /// another thread raises :class:`CancelledError`.
    fn close(&self) {
        self.0.stop();
    }
}
