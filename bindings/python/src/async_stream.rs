//! `CallStream` (`Client.stream`): a call's events for ``async for``.
//!
//! The call runs as a task handing its events over through a [`Feed`] (reading ahead, in
//! batches: see [`crate::feed`]). `__anext__` returns a [`Ready`] awaitable when the next event
//! is there, which gives it without suspending: no hop through the event loop. Otherwise it
//! returns a [`Pending`] read, which registers an asyncio future with the feed and suspends
//! the awaiting task on it, as `await future` would; the call's task resolves it through the
//! loop (`call_soon_threadsafe`) when events arrive, and the read then takes the next one.
//!
//! The call used to run only while a read polled it (through pyo3-async-runtimes), so each of
//! a ten-delta answer's network reads was a hop through the loop: 5.6 hops for 13 events.
//! Reading ahead, there are 2 (the headers, then the rest), and bench_client.py's asyncio case
//! went from 872 to 359–423 µs per answer.
//!
//! Cancelling the task awaiting a read throws `CancelledError` into it: the read stops the
//! call, which aborts the HTTP request at once, and later reads raise genie's
//! `CancelledError`. `close()` also ends the call at once; a read waiting then raises
//! `CancelledError`, later ones end the iteration.

use std::sync::Arc;

use genie_core::client::CallStream;
use pyo3::exceptions::{PyRuntimeError, PyStopAsyncIteration, PyStopIteration};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::errors::to_py_err;
use crate::feed::{already_reading, Feed, Owned, State, Step};

/// The events of one call, for ``async for`` (returned by :meth:`Client.stream`).
///
/// Each ``__anext__`` gives the next :class:`CallEvent`; the last is ``"done"``, or the call's
/// error is raised (a :class:`GenieError` subclass with ``.attempts``). Nothing is sent until
/// the first ``__anext__``. Cancelling a task while it awaits an event cancels the call and
/// aborts its HTTP request at once (a later read raises :class:`CancelledError`); so do
/// :meth:`close` and dropping the stream. Read a stream from one task at a time.
///
/// Once started, the call reads ahead of you: events that arrive while your task is busy wait
/// in the stream (at most 64; beyond that the call stops reading the socket until you catch
/// up), and an ``__anext__`` that finds one returns it without suspending.
#[pyclass(module = "genie_core", name = "CallStream", frozen)]
pub struct PyCallStream(Owned);

impl PyCallStream {
    pub(crate) fn new(stream: CallStream) -> PyCallStream {
        PyCallStream(Owned::new(stream))
    }
}

#[pymethods]
impl PyCallStream {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let feed = &slf.get().0;
        let mut state = feed.lock();
        if state.reading {
            drop(state);
            return Err(to_py_err(py, &already_reading("thread or task")));
        }
        if let Some(step) = feed.take(&mut state) {
            drop(state);
            let event = step.into_py(py, end)?;
            return Ok(Bound::new(py, Ready(Some(event.into_any().unbind())))?.into_any());
        }
        let started = feed.start(py, &mut state);
        state.reading = started.is_ok();
        drop(state);
        started?;
        let pending = Pending {
            stream: slf.clone().unbind(),
            future: None,
            over: false,
            outcome: false,
        };
        Ok(Bound::new(py, pending)?.into_any())
    }

    /// Ends the call now, aborting its HTTP request; the stream then ends. A read waiting
    /// elsewhere raises :class:`CancelledError`.
    fn close(&self) {
        self.0.stop();
    }
}

/// `Client.complete`: starts the call of `stream` (made by `Client::stream_outcome`) now and
/// returns the awaitable of its summary, a [`Pending`] read of the call's only event. A
/// `Pending` is a coroutine to asyncio (it has `send`, `throw` and `close`), so
/// `asyncio.create_task` takes it as well as `await` does.
pub(crate) fn outcome(py: Python<'_>, stream: CallStream) -> PyResult<Bound<'_, PyAny>> {
    let stream = Bound::new(py, PyCallStream::new(stream))?;
    {
        let feed = &stream.get().0;
        let mut state = feed.lock();
        feed.start(py, &mut state)?;
        state.reading = true;
    }
    let pending = Pending {
        stream: stream.unbind(),
        future: None,
        over: false,
        outcome: true,
    };
    Ok(Bound::new(py, pending)?.into_any())
}

/// How an asyncio iteration ends.
fn end() -> PyErr {
    PyStopAsyncIteration::new_err(())
}

/// A ready awaitable: `await` gives its value without suspending. What `CallStream.__anext__`
/// returns when the next event is already there.
#[pyclass(module = "genie_core._genie_core", name = "_Ready")]
struct Ready(Option<Py<PyAny>>);

#[pymethods]
impl Ready {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self) -> PyResult<Py<PyAny>> {
        Err(match self.0.take() {
            Some(value) => PyStopIteration::new_err((value,)),
            None => reused(),
        })
    }
}

fn reused() -> PyErr {
    PyRuntimeError::new_err(
        "cannot reuse an already awaited __anext__() or complete(): each gives its result once",
    )
}

/// A read that waits: the awaitable `CallStream.__anext__` returns when no event is there yet,
/// and the one `Client.complete` returns (its read gives the summary of the `done` event).
///
/// It is its own iterator, driven by the asyncio task awaiting it: each step either finishes
/// the read (`StopIteration` carrying the event, or the read's exception) or yields an asyncio
/// future for the task to wait on, marked `_asyncio_future_blocking` as `await future` does.
/// It holds the stream, so a read outlives a stream object dropped meanwhile.
#[pyclass(module = "genie_core._genie_core", name = "_Pending")]
struct Pending {
    stream: Py<PyCallStream>,
    /// The future yielded last, while the task waits on it.
    future: Option<Py<PyAny>>,
    /// The read finished (or was abandoned): it gives nothing more.
    over: bool,
    /// The stream carries only the call's outcome, and the read gives its summary.
    outcome: bool,
}

impl Pending {
    fn feed(&self) -> &Arc<Feed> {
        &self.stream.get().0
    }

    /// One step of the read: the event when it is there, else a future to wait on.
    fn step(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if self.over {
            return Err(reused());
        }
        let feed = Arc::clone(self.feed());
        let step = match self.try_finish(&feed) {
            Some(step) => step,
            None => {
                // Made without the lock (it runs Python), then registered unless an event
                // arrived meanwhile.
                let (event_loop, future) = new_future(py)?;
                let mut state = feed.lock();
                match try_finish_locked(&feed, &mut state) {
                    Some(step) => step,
                    None => {
                        Feed::wait_with(&mut state, event_loop.unbind(), future.clone().unbind());
                        drop(state);
                        future.setattr(intern!(py, "_asyncio_future_blocking"), true)?;
                        self.future = Some(future.clone().unbind());
                        return Ok(future.unbind());
                    }
                }
            }
        };
        self.over = true;
        self.future = None;
        let value = if self.outcome {
            step.into_outcome(py)?.into_any()
        } else {
            step.into_py(py, end)?.into_any()
        };
        Err(PyStopIteration::new_err((value.unbind(),)))
    }

    fn try_finish(&self, feed: &Feed) -> Option<Step> {
        try_finish_locked(feed, &mut feed.lock())
    }

    /// The read is abandoned: if it was waiting, the call stops with it.
    fn abandon(&mut self) {
        if std::mem::replace(&mut self.over, true) {
            return;
        }
        if self.future.take().is_some() {
            self.feed().cancel();
        } else {
            self.feed().lock().reading = false;
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.abandon();
    }
}

#[pymethods]
impl Pending {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.step(py)
    }

    /// asyncio sends `None` only; so does ``await``.
    fn send(&mut self, py: Python<'_>, _value: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.step(py)
    }

    /// The awaiting task was cancelled (or something else was thrown in): the read is
    /// abandoned, which stops the call, and the exception goes on.
    #[pyo3(signature = (kind, value = None, _traceback = None))]
    fn throw(
        &mut self,
        kind: Bound<'_, PyAny>,
        value: Option<Bound<'_, PyAny>>,
        _traceback: Option<Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        self.abandon();
        Err(PyErr::from_value(
            value.filter(|v| !v.is_none()).unwrap_or(kind),
        ))
    }

    /// The awaiting coroutine was closed: the read is abandoned, which stops the call.
    fn close(&mut self) {
        self.abandon();
    }
}

/// What a waiting read gives now, if anything; the read ends when it gives something.
fn try_finish_locked(feed: &Feed, state: &mut State) -> Option<Step> {
    let step = if state.closed() && !state.cancelled() {
        Step::Closed
    } else {
        feed.take(state)?
    };
    state.reading = false;
    Some(step)
}

/// The running loop and a new future of it.
fn new_future(py: Python<'_>) -> PyResult<(Bound<'_, PyAny>, Bound<'_, PyAny>)> {
    static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let event_loop = GET_RUNNING_LOOP
        .import(py, "asyncio", "get_running_loop")?
        .call0()?;
    let future = event_loop.call_method0(intern!(py, "create_future"))?;
    Ok((event_loop, future))
}
