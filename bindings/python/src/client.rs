//! `Client` and its asyncio call stream: genie's resilient client, for Python
//! (notes/client-api.md). The sync stream is in [`crate::sync_stream`].
//!
//! Every sync call runs as a task on genie's runtime, next to the connection task that reads
//! its socket: each body chunk then wakes a task on the same worker instead of the Python
//! thread, which waits with the GIL released, in slices of [`SLICE`], checking for signals
//! between them so Ctrl-C raises `KeyboardInterrupt` promptly. `complete_sync` waits for the
//! outcome only; `stream_sync` for events handed over in batches ([`crate::sync_stream`]).
//! `stream_sync` used to poll the call on the Python thread, woken once per network read; as a
//! task, a ten-delta streamed call read to `done` went from +0.21–0.31 to +0.12–0.18 ms p50
//! over a raw socket (bench_client.py's cases, old and new build in one process, two runs).
//!
//! `stream` (`CallStream.__anext__`) polls the core's poll-driven [`CallStream`] (the call
//! runs only while someone polls it; dropping it aborts the HTTP request), owned through a
//! shared [`Slot`]: a read takes the stream out of the slot ([`Taken`]) and puts it back with
//! the event it got, so whoever drops a read mid-wait drops the call with it. `__anext__`
//! returns an awaitable: when the next event is already there it is a ready one (no hop
//! through tokio or the event loop); otherwise pyo3-async-runtimes runs the read on genie's
//! runtime and resolves an asyncio future. Cancelling that future (cancelling the task awaiting
//! it) drops the read, hence the `CallStream`, hence the HTTP request; the stream then raises
//! `CancelledError`. `close()` ends the call at once, also while a read waits.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard, Once};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use genie_core::client::{CallEvent, CallStream, CallSummary, Client};
use genie_core::{Error, ErrorKind};
use pyo3::exceptions::{PyRuntimeError, PyStopAsyncIteration, PyStopIteration};
use pyo3::prelude::*;
use pyo3::types::PyList;
use tokio::runtime::Runtime;
use tokio::sync::Notify;

use crate::call_events::{PyCallEvent, PyCallSummary};
use crate::config;
use crate::errors::to_py_err;
use crate::sync_stream::PySyncCallStream;

/// How long a blocking read waits with the GIL released before it checks for signals: short
/// enough that Ctrl-C feels immediate, long enough that the checks cost nothing.
pub(crate) const SLICE: Duration = Duration::from_millis(50);

/// genie's runtime, also made the one pyo3-async-runtimes spawns on.
pub(crate) fn runtime(py: Python<'_>) -> PyResult<&'static Runtime> {
    static ASYNCIO: Once = Once::new();
    let runtime = genie_core::client::runtime().map_err(|e| to_py_err(py, &e))?;
    ASYNCIO.call_once(|| {
        // Only this module sets it, here, once: it cannot be taken already.
        let _ = pyo3_async_runtimes::tokio::init_with_runtime(runtime);
    });
    Ok(runtime)
}

/// Drops a call inside genie's runtime, which its timers and sockets were registered with.
pub(crate) fn discard(stream: CallStream) {
    match genie_core::client::runtime() {
        Ok(runtime) => {
            let _inside = runtime.enter();
            drop(stream);
        }
        Err(_) => drop(stream),
    }
}

/// Where a Python stream keeps its call between reads.
enum Slot {
    /// Between reads.
    Idle(CallStream),
    /// A read holds the call.
    Busy,
    /// The call gave its outcome (`done` or an error).
    Ended,
    /// `close()` was called.
    Closed,
    /// A read was dropped while it waited (its asyncio future was cancelled): so was the call.
    Cancelled,
}

/// What a Python stream and its pending read share.
struct Shared {
    slot: Mutex<Slot>,
    /// Wakes the pending read of a stream closed from elsewhere.
    closing: Notify,
}

impl Shared {
    fn new(stream: CallStream) -> Arc<Shared> {
        Arc::new(Shared {
            slot: Mutex::new(Slot::Idle(stream)),
            closing: Notify::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts a read.
    fn take(self: &Arc<Shared>) -> Step {
        let mut slot = self.lock();
        match std::mem::replace(&mut *slot, Slot::Busy) {
            Slot::Idle(stream) => {
                return Step::Read(Taken {
                    shared: Arc::clone(self),
                    stream: Some(stream),
                })
            }
            // Put back what was there.
            Slot::Busy => *slot = Slot::Busy,
            Slot::Ended => *slot = Slot::Ended,
            Slot::Closed => *slot = Slot::Closed,
            Slot::Cancelled => *slot = Slot::Cancelled,
        }
        match &*slot {
            Slot::Busy => Step::Failed(Error::new(
                ErrorKind::InvalidArgument,
                "this stream is already being read by another thread or task; read a call's \
                 stream from one place at a time",
            )),
            Slot::Cancelled => Step::Failed(Error::new(
                ErrorKind::Cancelled,
                "the call was cancelled: a read of its stream was cancelled while it waited",
            )),
            _ => Step::End,
        }
    }

    fn close(&self) {
        let previous = std::mem::replace(&mut *self.lock(), Slot::Closed);
        match previous {
            Slot::Idle(stream) => discard(stream),
            Slot::Busy => self.closing.notify_one(),
            Slot::Ended | Slot::Closed | Slot::Cancelled => {}
        }
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        let slot = std::mem::replace(&mut *self.lock(), Slot::Closed);
        if let Slot::Idle(stream) = slot {
            discard(stream);
        }
    }
}

/// What a read gives.
enum Step {
    /// The stream was free: read it.
    Read(Taken),
    /// The next event.
    Event(CallEvent),
    /// The call failed (its last item), or the stream cannot be read.
    Failed(Error),
    /// Nothing more: the call ended or the stream was closed.
    End,
    /// The stream was closed by someone else while this read waited.
    Closed,
}

impl Step {
    /// The Python result of a read: the event, or the exception to raise (`end` at the end).
    fn into_py(self, py: Python<'_>, end: fn() -> PyErr) -> PyResult<Bound<'_, PyCallEvent>> {
        match self {
            Step::Event(event) => Bound::new(py, PyCallEvent::new(py, event)?),
            Step::Failed(error) => Err(to_py_err(py, &error)),
            Step::End | Step::Read(_) => Err(end()),
            Step::Closed => Err(to_py_err(
                py,
                &Error::new(
                    ErrorKind::Cancelled,
                    "the stream was closed while this read waited for its next event",
                ),
            )),
        }
    }
}

/// A read in progress: the call, out of its slot. Dropped before it settles (a cancelled
/// asyncio future), it drops the call, aborting the HTTP request.
struct Taken {
    shared: Arc<Shared>,
    stream: Option<CallStream>,
}

impl Taken {
    /// The next item if it is there already, without waiting.
    fn poll_now(&mut self, runtime: &Runtime) -> Option<Step> {
        let _inside = runtime.enter();
        let stream = self.stream.as_mut()?;
        match stream.poll_next_unpin(&mut Context::from_waker(Waker::noop())) {
            // The stream re-registers the waker of each poll: the next one, from a real
            // waiter, replaces this no-op.
            Poll::Ready(item) => Some(self.settle(item)),
            Poll::Pending => None,
        }
    }

    /// Waits for the next item, or for the stream to be closed.
    async fn next(&mut self) -> Step {
        let shared = Arc::clone(&self.shared);
        let item = {
            let Some(stream) = self.stream.as_mut() else {
                return Step::Closed;
            };
            let closing = pin!(shared.closing.notified());
            match select(stream.next(), closing).await {
                Either::Left((item, _)) => Some(item),
                Either::Right(_) => None,
            }
        };
        match item {
            Some(item) => self.settle(item),
            None => {
                if let Some(stream) = self.stream.take() {
                    discard(stream);
                }
                Step::Closed
            }
        }
    }

    /// Puts the call back (or ends it, after its outcome or a close) and reports `item`.
    fn settle(&mut self, item: Option<genie_core::Result<CallEvent>>) -> Step {
        let stream = self.stream.take();
        let (step, more) = match item {
            Some(Ok(event)) => {
                let more = !matches!(event, CallEvent::Done { .. });
                (Step::Event(event), more)
            }
            Some(Err(error)) => (Step::Failed(error), false),
            None => (Step::End, false),
        };
        let mut slot = self.shared.lock();
        let unused = match (&*slot, stream) {
            (Slot::Busy, Some(stream)) if more => {
                *slot = Slot::Idle(stream);
                None
            }
            (Slot::Busy, stream) => {
                *slot = Slot::Ended;
                stream
            }
            (_, stream) => stream,
        };
        drop(slot);
        if let Some(stream) = unused {
            discard(stream);
        }
        step
    }
}

impl Drop for Taken {
    fn drop(&mut self) {
        if let Some(stream) = self.stream.take() {
            let mut slot = self.shared.lock();
            if matches!(*slot, Slot::Busy) {
                *slot = Slot::Cancelled;
            }
            drop(slot);
            discard(stream);
        }
    }
}

/// Runs `future` to its end on genie's runtime with the GIL released, checking for signals
/// every [`SLICE`]; a signal's exception (`KeyboardInterrupt`) is raised and the future left
/// as it was.
fn wait<F>(py: Python<'_>, runtime: &Runtime, future: &mut F) -> PyResult<F::Output>
where
    F: Future + Unpin + Send,
    F::Output: Send,
{
    loop {
        // The timer is made inside `block_on`: tokio timers need the runtime's context.
        let slice = py.detach(|| {
            runtime.block_on(async { tokio::time::timeout(SLICE, &mut *future).await.ok() })
        });
        match slice {
            Some(output) => return Ok(output),
            None => py.check_signals()?,
        }
    }
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
            None => PyRuntimeError::new_err("cannot reuse an already awaited __anext__()"),
        })
    }
}

/// The asyncio side of a read: converted to Python when the future resolves, with the GIL.
struct Next(Step);

impl<'py> IntoPyObject<'py> for Next {
    type Target = PyCallEvent;
    type Output = Bound<'py, PyCallEvent>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyCallEvent>> {
        self.0.into_py(py, || PyStopAsyncIteration::new_err(()))
    }
}

/// The asyncio side of `complete`.
struct Outcome(genie_core::Result<CallSummary>);

impl<'py> IntoPyObject<'py> for Outcome {
    type Target = PyCallSummary;
    type Output = Bound<'py, PyCallSummary>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyCallSummary>> {
        match self.0 {
            Ok(summary) => Bound::new(py, PyCallSummary(summary)),
            Err(error) => Err(to_py_err(py, &error)),
        }
    }
}

/// The events of one call, for ``async for`` (returned by :meth:`Client.stream`).
///
/// Each ``__anext__`` gives the next :class:`CallEvent`; the last is ``"done"``, or the call's
/// error is raised (a :class:`GenieError` subclass with ``.attempts``). Nothing is sent until
/// the first ``__anext__``. Cancelling a task while it awaits an event cancels the call and
/// aborts its HTTP request at once (a later read raises :class:`CancelledError`); so do
/// :meth:`close` and dropping the stream. Read a stream from one task at a time.
#[pyclass(module = "genie_core", name = "CallStream", frozen)]
pub struct PyCallStream(Arc<Shared>);

#[pymethods]
impl PyCallStream {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let stop = || PyStopAsyncIteration::new_err(());
        let mut taken = match self.0.take() {
            Step::Read(taken) => taken,
            step => return step.into_py(py, stop).map(Bound::into_any),
        };
        let runtime = runtime(py)?;
        if let Some(step) = taken.poll_now(runtime) {
            let event = step.into_py(py, stop)?;
            return Ok(Bound::new(py, Ready(Some(event.into_any().unbind())))?.into_any());
        }
        pyo3_async_runtimes::tokio::future_into_py(py, async move { Ok(Next(taken.next().await)) })
    }

    /// Ends the call now, aborting its HTTP request; the stream then ends. A read waiting
    /// elsewhere raises :class:`CancelledError`.
    fn close(&self) {
        self.0.close();
    }
}

/// genie's resilient LLM client: one call asks the request's route (its model, then the
/// fallbacks) and survives rate limits, overloads, stalls, cut streams, silent providers and
/// open circuits, within the config's deadlines.
///
/// ``config`` is a ``dict``, a ``str`` holding JSON (when it starts with ``{``) or a file path,
/// or an ``os.PathLike``: providers, models, fallbacks, timeouts, retry, reconnect, breaker
/// (genie's client docs). A bad config raises :class:`InvalidConfigError` naming the path
/// (``timeouts.stall_gap_ms: must be > 0``), as does a provider whose API-key variable is not
/// set. Keys are read from the environment when the client is built and never appear in
/// errors, events or reprs.
///
/// A ``request`` is a ``dict``: ``model``, ``messages`` (``[{"role": "user", "content":
/// "Hi"}]``), and optionally ``fallbacks``, ``system``, ``max_output_tokens``, ``temperature``,
/// ``stop``, ``extra``. A bad one raises :class:`InvalidArgumentError` naming the path.
///
/// One client is thread-safe and meant to be shared: by every thread and asyncio task, with
/// one connection pool and one set of circuit breakers. Calls run on genie's own runtime,
/// started by the first client: one worker thread, or as many as the environment variable
/// ``GENIE_WORKER_THREADS`` asks for (1 to 256; any other value raises
/// :class:`InvalidConfigError` from that first client).
#[pyclass(module = "genie_core", name = "Client", frozen)]
pub struct PyClient(Client);

#[pymethods]
impl PyClient {
    #[new]
    fn new(py: Python<'_>, config: &Bound<'_, PyAny>) -> PyResult<Self> {
        let config = config::client_config(py, config)?;
        runtime(py)?;
        py.detach(|| Client::new(config))
            .map(PyClient)
            .map_err(|e| to_py_err(py, &e))
    }

    /// Starts a call and returns its :class:`CallStream`, for ``async for ev in
    /// client.stream(request)``. Nothing is sent until the first event is awaited.
    fn stream(&self, py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<PyCallStream> {
        let request = config::request(py, request)?;
        Ok(PyCallStream(Shared::new(self.0.stream(request))))
    }

    /// Starts a call and returns its :class:`SyncCallStream`, for ``for ev in
    /// client.stream_sync(request)``. Nothing is sent until the first ``next``.
    fn stream_sync(
        &self,
        py: Python<'_>,
        request: &Bound<'_, PyAny>,
    ) -> PyResult<PySyncCallStream> {
        let request = config::request(py, request)?;
        Ok(PySyncCallStream::new(self.0.stream(request)))
    }

    /// Runs a call to its end: ``await client.complete(request)`` gives the
    /// :class:`CallSummary` (the whole answer in ``.text``) or raises the call's error.
    /// Cancelling the awaiting task aborts the call.
    fn complete<'py>(
        &self,
        py: Python<'py>,
        request: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = config::request(py, request)?;
        runtime(py)?;
        let client = self.0.clone();
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            Ok(Outcome(client.complete(request).await))
        })
    }

    /// Runs a call to its end with the GIL released and returns its :class:`CallSummary`, or
    /// raises the call's error. Ctrl-C raises ``KeyboardInterrupt`` promptly and aborts it.
    fn complete_sync(&self, py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<PyCallSummary> {
        let request = config::request(py, request)?;
        let runtime = runtime(py)?;
        // The call runs as a task (`Client::spawn_complete`; bench_client.py: a ten-delta
        // streamed call went from +0.26 to +0.16 ms over a raw socket). Ctrl-C drops the task,
        // which aborts the call and closes its connection.
        let mut task = self
            .0
            .spawn_complete(request)
            .map_err(|e| to_py_err(py, &e))?;
        wait(py, runtime, &mut task)?
            .map(PyCallSummary)
            .map_err(|e| to_py_err(py, &e))
    }

    /// Shows the model catalogue, never a key.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let config = self.0.config();
        let models = PyList::new(py, config.models.keys())?;
        Ok(format!("Client(models={})", models.repr()?))
    }
}
