//! `Client`: genie's resilient client, for Python (notes/client-api.md). Its streams are in
//! [`crate::async_stream`] (`stream`) and [`crate::sync_stream`] (`stream_sync`), both fed
//! by the call's task ([`crate::feed`]).
//!
//! Every sync call runs as a task on genie's runtime, next to the connection task that reads
//! its socket: each body chunk then wakes a task on the same worker instead of the Python
//! thread, which waits with the GIL released: a brief spin when its waits are short
//! ([`BlockingWait`]), then sleeping in slices of [`SLICE`], checking for signals between them
//! so Ctrl-C raises `KeyboardInterrupt` promptly. `complete` is an asyncio read
//! of a stream that carries only the call's outcome, through the same hand-over as `stream`.

use std::time::Duration;

use genie_core::client::{BlockingWait, CallStream, CallSummary, CallTask, Client};
use genie_core::Result;
use pyo3::prelude::*;
use pyo3::types::PyList;
use tokio::runtime::Runtime;

use crate::async_stream::{self, PyCallStream};
use crate::call_events::PyCallSummary;
use crate::config;
use crate::errors::to_py_err;
use crate::sync_stream::PySyncCallStream;

/// How long a blocking read waits with the GIL released before it checks for signals: short
/// enough that Ctrl-C feels immediate, long enough that the checks cost nothing.
pub(crate) const SLICE: Duration = Duration::from_millis(50);

/// genie's runtime, which every call runs on.
pub(crate) fn runtime(py: Python<'_>) -> PyResult<&'static Runtime> {
    genie_core::client::runtime().map_err(|e| to_py_err(py, &e))
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

/// Waits for the call's `task` on genie's runtime with the GIL released: a brief spin first
/// when this thread's waits are short ([`BlockingWait`]), then sleeping in slices, checking for
/// signals between them; a signal's exception (`KeyboardInterrupt`) is raised and the task left
/// running (dropping it aborts the call).
fn wait(py: Python<'_>, runtime: &Runtime, task: &mut CallTask) -> PyResult<Result<CallSummary>> {
    let waiting = BlockingWait::begin();
    py.detach(|| waiting.spin(|| task.is_finished().then_some(())));
    loop {
        // The timer is made inside `block_on`: tokio timers need the runtime's context.
        let slice = py.detach(|| {
            runtime.block_on(async { tokio::time::timeout(SLICE, &mut *task).await.ok() })
        });
        match slice {
            Some(output) => return Ok(output),
            None => py.check_signals()?,
        }
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
/// :class:`InvalidConfigError` from that first client). A thread blocked in ``complete_sync``
/// or a ``stream_sync`` loop busy-waits up to ``GENIE_BLOCKING_SPIN_US`` microseconds (default
/// 200; 0 never; at most 10000, read with the other) before it sleeps, while its recent waits
/// were that short and a core is spare: a fast provider's answer then costs no wake-up.
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
        Ok(PyCallStream::new(self.0.stream(request)))
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
    /// The call starts at once; the awaitable is a coroutine, so ``asyncio.create_task``,
    /// ``gather`` and ``wait_for`` take it too. Cancelling the awaiting task, or dropping the
    /// awaitable without awaiting it, aborts the call.
    fn complete<'py>(
        &self,
        py: Python<'py>,
        request: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = config::request(py, request)?;
        async_stream::outcome(py, self.0.stream_outcome(request))
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
