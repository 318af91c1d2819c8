//! The values a client call gives Python: `CallEvent`, `CallSummary` and `Attempt`
//! (notes/client-api.md), with their reprs, equality and pickling.
//!
//! `CallSummary` and `Attempt` wrap the core's types unchanged (equality is the core's; fields
//! are converted when read). `CallEvent`, made once per event and read in every consumer's hot
//! loop, holds ready Python objects instead, like `StreamEvent`. Enum-like fields (`type`,
//! `mode`, `kind`, `outcome`, `finish_reason`) are the core's stable lowercase strings, or the
//! error code for an attempt's outcome.

use genie_core::client::{Attempt, AttemptMode, CallEvent, CallSummary, NoticeKind};
use genie_core::provider::FinishReason;
use genie_core::ErrorKind;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyList, PyString, PyTuple};
use pyo3::IntoPyObjectExt;

use crate::pickle;
use crate::provider::PyUsage;

/// Python's ``repr`` of `value`.
fn repr(value: impl for<'py> IntoPyObject<'py>, py: Python<'_>) -> PyResult<String> {
    Ok(value.into_bound_py_any(py)?.repr()?.to_string())
}

/// Python's ``repr`` of an optional float (``1.5`` or ``None``), as Python prints floats.
fn repr_float(py: Python<'_>, value: Option<f64>) -> PyResult<String> {
    match value {
        Some(x) => Ok(PyFloat::new(py, x).repr()?.to_string()),
        None => Ok("None".to_owned()),
    }
}

const MODES: [AttemptMode; 3] = [
    AttemptMode::Stream,
    AttemptMode::NonStream,
    AttemptMode::Reconnect,
];

const NOTICES: [NoticeKind; 5] = [
    NoticeKind::Retrying,
    NoticeKind::Reconnecting,
    NoticeKind::NonStreamFallback,
    NoticeKind::FailedOver,
    NoticeKind::CircuitOpen,
];

fn mode(name: &str) -> Option<AttemptMode> {
    MODES.into_iter().find(|m| m.as_str() == name)
}

fn notice_kind(name: &str) -> Option<NoticeKind> {
    NOTICES.into_iter().find(|k| k.as_str() == name)
}

/// One attempt of a call: which model was asked, how, and how it ended.
///
/// ``outcome`` is ``"ok"`` for the attempt that answered, else the code of the error that ended
/// it (``"STREAM_STALLED"``, ``"RATE_LIMITED"``, ...).
#[pyclass(module = "genie_core", name = "Attempt", frozen, eq)]
#[derive(PartialEq, Eq)]
pub struct PyAttempt(pub(crate) Attempt);

#[pymethods]
impl PyAttempt {
    /// The catalogue name of the model asked.
    #[getter]
    fn model(&self) -> &str {
        &self.0.model
    }

    /// The provider's name in the config.
    #[getter]
    fn provider(&self) -> &str {
        &self.0.provider
    }

    /// How it asked: ``"stream"``, ``"non_stream"`` or ``"reconnect"``.
    #[getter]
    fn mode(&self) -> &'static str {
        self.0.mode.as_str()
    }

    /// ``"ok"``, or the code of the error that ended the attempt.
    #[getter]
    fn outcome(&self) -> &'static str {
        self.0.outcome
    }

    /// The response's HTTP status, or ``None`` when no headers arrived.
    #[getter]
    fn http_status(&self) -> Option<u16> {
        self.0.http_status
    }

    /// The provider's error code or type, or ``None``.
    #[getter]
    fn error_code(&self) -> Option<&str> {
        self.0.error_code.as_deref()
    }

    /// Milliseconds from sending the request to the attempt's end.
    #[getter]
    fn duration_ms(&self) -> u64 {
        self.0.duration_ms
    }

    /// Milliseconds of backoff waited before the attempt.
    #[getter]
    fn waited_ms(&self) -> u64 {
        self.0.waited_ms
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let a = &self.0;
        let state = (
            a.model.as_str(),
            a.provider.as_str(),
            a.mode.as_str(),
            a.outcome,
            a.http_status,
            a.error_code.as_deref(),
            a.duration_ms,
            a.waited_ms,
        );
        pickle::reduce(py, "Attempt", state.into_pyobject(py)?)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let a = &self.0;
        Ok(format!(
            "Attempt(model={}, provider={}, mode={}, outcome={}, http_status={}, error_code={}, \
             duration_ms={}, waited_ms={})",
            repr(a.model.as_str(), py)?,
            repr(a.provider.as_str(), py)?,
            repr(a.mode.as_str(), py)?,
            repr(a.outcome, py)?,
            repr(a.http_status, py)?,
            repr(a.error_code.as_deref(), py)?,
            a.duration_ms,
            a.waited_ms
        ))
    }
}

/// The attempts as a list of :class:`Attempt`.
pub fn attempt_list<'py>(py: Python<'py>, attempts: &[Attempt]) -> PyResult<Bound<'py, PyList>> {
    let items = attempts
        .iter()
        .map(|a| Bound::new(py, PyAttempt(a.clone())))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

/// What a served call amounted to: the ``done`` event's ``summary``, and what
/// :meth:`Client.complete` returns.
///
/// ``complete`` is always ``True``: a truncated answer is never summarised as served. ``usage``
/// is the answering attempt's only (failed attempts are not billed to it).
#[pyclass(module = "genie_core", name = "CallSummary", frozen, eq)]
#[derive(PartialEq)]
pub struct PyCallSummary(pub(crate) CallSummary);

#[pymethods]
impl PyCallSummary {
    /// The catalogue name of the model that answered.
    #[getter]
    fn model(&self) -> &str {
        &self.0.model
    }

    /// Its provider's name in the config.
    #[getter]
    fn provider(&self) -> &str {
        &self.0.provider
    }

    /// The whole answer (what remains after the last ``reset``).
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }

    /// The answering attempt's :class:`Usage`.
    #[getter]
    fn usage(&self) -> PyUsage {
        PyUsage(self.0.usage)
    }

    /// Why the model stopped: ``"stop"``, ``"length"``, ``"tool_calls"``,
    /// ``"content_filter"``, ``"error"``, ``"other"``, or ``None``.
    #[getter]
    fn finish_reason(&self) -> Option<&'static str> {
        self.0.finish_reason.map(FinishReason::as_str)
    }

    /// The provider's own finish reason, or ``None``.
    #[getter]
    fn raw_finish_reason(&self) -> Option<&str> {
        self.0.raw_finish_reason.as_deref()
    }

    /// Always ``True``.
    #[getter]
    fn complete(&self) -> bool {
        self.0.complete
    }

    /// Milliseconds from the call's start to the answering attempt's response headers.
    #[getter]
    fn ttfb_ms(&self) -> f64 {
        self.0.ttfb_ms
    }

    /// Milliseconds from the call's start to the first text of the answer kept, or ``None``
    /// for an empty answer.
    #[getter]
    fn ttft_ms(&self) -> Option<f64> {
        self.0.ttft_ms
    }

    /// Milliseconds from the call's start to its end.
    #[getter]
    fn total_ms(&self) -> f64 {
        self.0.total_ms
    }

    /// Output tokens per second from the first kept text to the end, or ``None`` when unknown
    /// (or the answer arrived at once).
    #[getter]
    fn output_tokens_per_s(&self) -> Option<f64> {
        self.0.output_tokens_per_s
    }

    /// Events skipped as malformed across the call's attempts.
    #[getter]
    fn malformed_events(&self) -> u64 {
        self.0.malformed_events
    }

    /// Every :class:`Attempt`, in order, the answering one last.
    #[getter]
    fn attempts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        attempt_list(py, &self.0.attempts)
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let s = &self.0;
        let answer = (
            s.model.as_str(),
            s.provider.as_str(),
            s.text.as_str(),
            PyUsage(s.usage),
            s.finish_reason.map(FinishReason::as_str),
            s.raw_finish_reason.as_deref(),
            s.complete,
        );
        let timing = (s.ttfb_ms, s.ttft_ms, s.total_ms, s.output_tokens_per_s);
        let state = (answer, timing, self.attempts(py)?, s.malformed_events);
        pickle::reduce(py, "CallSummary", state.into_pyobject(py)?)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let s = &self.0;
        Ok(format!(
            "CallSummary(model={}, provider={}, text={}, usage={}, finish_reason={}, \
             raw_finish_reason={}, complete={}, ttfb_ms={}, ttft_ms={}, total_ms={}, \
             output_tokens_per_s={}, malformed_events={}, attempts={})",
            repr(s.model.as_str(), py)?,
            repr(s.provider.as_str(), py)?,
            repr(s.text.as_str(), py)?,
            Bound::new(py, PyUsage(s.usage))?.repr()?,
            repr(s.finish_reason.map(FinishReason::as_str), py)?,
            repr(s.raw_finish_reason.as_deref(), py)?,
            if s.complete { "True" } else { "False" },
            repr_float(py, Some(s.ttfb_ms))?,
            repr_float(py, s.ttft_ms)?,
            repr_float(py, Some(s.total_ms))?,
            repr_float(py, s.output_tokens_per_s)?,
            s.malformed_events,
            self.attempts(py)?.repr()?
        ))
    }
}

/// One thing that happened during a call, in order. ``type`` says which fields are set; the
/// others are ``None``:
///
/// - ``"started"``: an attempt began: ``model``, ``provider``, ``attempt`` (1-based across the
///   call), ``mode`` (``"stream"`` or ``"non_stream"``);
/// - ``"text"``: ``text``, a piece of the answer to append to what was shown since the start or
///   the last ``reset``;
/// - ``"reset"``: discard all text shown so far, replacement text follows: ``reason`` (short,
///   user-facing) and ``model`` (whose text is discarded);
/// - ``"notice"``: something to tell the user (a toast): ``kind`` (``"retrying"``,
///   ``"reconnecting"``, ``"non_stream_fallback"``, ``"failed_over"``, ``"circuit_open"``),
///   ``message``, ``model`` and ``delay_ms`` (the wait before the next attempt, or ``None``);
/// - ``"usage"``: ``usage``, the answering attempt's :class:`Usage`, once, right before ``done``;
/// - ``"done"``: ``summary``, the :class:`CallSummary`; always the last event of a served call.
//
// The fields are Python objects built once, so reading one is a plain member load (no call
// into Rust), as for `StreamEvent`: `if ev.type == "text": ev.text` is every consumer's loop.
#[pyclass(module = "genie_core", name = "CallEvent", frozen)]
pub struct PyCallEvent {
    /// ``"started"``, ``"text"``, ``"reset"``, ``"notice"``, ``"usage"`` or ``"done"``.
    #[pyo3(get, name = "type")]
    kind: Py<PyString>,
    /// The model of a ``"started"``, ``"reset"`` or ``"notice"`` event, else ``None``.
    #[pyo3(get)]
    model: Py<PyAny>,
    /// The provider name of a ``"started"`` event, else ``None``.
    #[pyo3(get)]
    provider: Py<PyAny>,
    /// The 1-based attempt number of a ``"started"`` event, else ``None``.
    #[pyo3(get)]
    attempt: Py<PyAny>,
    /// ``"stream"`` or ``"non_stream"`` for a ``"started"`` event, else ``None``.
    #[pyo3(get)]
    mode: Py<PyAny>,
    /// The text delta of a ``"text"`` event, else ``None``.
    #[pyo3(get)]
    text: Py<PyAny>,
    /// Why the text shown must be discarded, for a ``"reset"`` event, else ``None``.
    #[pyo3(get)]
    reason: Py<PyAny>,
    /// The kind of a ``"notice"`` event, else ``None``.
    #[pyo3(get, name = "kind")]
    notice: Py<PyAny>,
    /// The short user-facing sentence of a ``"notice"`` event, else ``None``.
    #[pyo3(get)]
    message: Py<PyAny>,
    /// The wait in milliseconds before the next attempt, for a ``"notice"`` event that has
    /// one, else ``None``.
    #[pyo3(get)]
    delay_ms: Py<PyAny>,
    /// The :class:`Usage` of a ``"usage"`` event, else ``None``.
    #[pyo3(get)]
    usage: Py<PyAny>,
    /// The :class:`CallSummary` of a ``"done"`` event, else ``None``.
    #[pyo3(get)]
    summary: Py<PyAny>,
}

impl PyCallEvent {
    pub(crate) fn new(py: Python<'_>, event: CallEvent) -> PyResult<Self> {
        let none = || py.None();
        let mut out = PyCallEvent {
            kind: intern!(py, "text").clone().unbind(),
            model: none(),
            provider: none(),
            attempt: none(),
            mode: none(),
            text: none(),
            reason: none(),
            notice: none(),
            message: none(),
            delay_ms: none(),
            usage: none(),
            summary: none(),
        };
        let text = |s: &str| PyString::new(py, s).into_any().unbind();
        match event {
            CallEvent::Text { text: delta } => out.text = text(&delta),
            CallEvent::Started {
                model,
                provider,
                attempt,
                mode,
            } => {
                out.kind = intern!(py, "started").clone().unbind();
                out.model = text(&model);
                out.provider = text(&provider);
                out.attempt = attempt.into_py_any(py)?;
                out.mode = PyString::intern(py, mode.as_str()).into_any().unbind();
            }
            CallEvent::Reset { reason, model } => {
                out.kind = intern!(py, "reset").clone().unbind();
                out.reason = text(&reason);
                out.model = text(&model);
            }
            CallEvent::Notice {
                kind,
                message,
                model,
                delay_ms,
            } => {
                out.kind = intern!(py, "notice").clone().unbind();
                out.notice = PyString::intern(py, kind.as_str()).into_any().unbind();
                out.message = text(&message);
                out.model = text(&model);
                out.delay_ms = delay_ms.into_py_any(py)?;
            }
            CallEvent::Usage { usage } => {
                out.kind = intern!(py, "usage").clone().unbind();
                out.usage = Py::new(py, PyUsage(usage))?.into_any();
            }
            CallEvent::Done { summary } => {
                out.kind = intern!(py, "done").clone().unbind();
                out.summary = Py::new(py, PyCallSummary(*summary))?.into_any();
            }
        }
        Ok(out)
    }

    /// The fields of this event's type, in repr order.
    fn relevant(&self, py: Python<'_>) -> PyResult<Vec<(&'static str, &Py<PyAny>)>> {
        Ok(match self.kind.bind(py).to_cow()?.as_ref() {
            "started" => vec![
                ("model", &self.model),
                ("provider", &self.provider),
                ("attempt", &self.attempt),
                ("mode", &self.mode),
            ],
            "text" => vec![("text", &self.text)],
            "reset" => vec![("reason", &self.reason), ("model", &self.model)],
            "notice" => vec![
                ("kind", &self.notice),
                ("message", &self.message),
                ("model", &self.model),
                ("delay_ms", &self.delay_ms),
            ],
            "usage" => vec![("usage", &self.usage)],
            _ => vec![("summary", &self.summary)],
        })
    }

    fn fields(&self) -> [&Py<PyAny>; 11] {
        [
            &self.model,
            &self.provider,
            &self.attempt,
            &self.mode,
            &self.text,
            &self.reason,
            &self.notice,
            &self.message,
            &self.delay_ms,
            &self.usage,
            &self.summary,
        ]
    }
}

#[pymethods]
impl PyCallEvent {
    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, Self>) -> PyResult<bool> {
        let other = other.get();
        if !PyAnyMethods::eq(self.kind.bind(py).as_any(), other.kind.bind(py))? {
            return Ok(false);
        }
        for (mine, theirs) in self.fields().into_iter().zip(other.fields()) {
            if !PyAnyMethods::eq(mine.bind(py), theirs.bind(py))? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let values = self
            .relevant(py)?
            .into_iter()
            .map(|(_, value)| value.clone_ref(py));
        let state = (self.kind.clone_ref(py), PyTuple::new(py, values)?);
        pickle::reduce(py, "CallEvent", state.into_pyobject(py)?)
    }

    /// Shows the type and the fields of that type.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let mut out = format!("CallEvent(type={}", self.kind.bind(py).repr()?);
        for (name, value) in self.relevant(py)? {
            out.push_str(&format!(", {name}={}", value.bind(py).repr()?));
        }
        out.push(')');
        Ok(out)
    }
}

type AttemptState = (
    String,
    String,
    String,
    String,
    Option<u16>,
    Option<String>,
    u64,
    u64,
);
type SummaryState<'py> = (
    (
        String,
        String,
        String,
        Bound<'py, PyUsage>,
        Option<String>,
        Option<String>,
        bool,
    ),
    (f64, Option<f64>, f64, Option<f64>),
    Vec<Bound<'py, PyAttempt>>,
    u64,
);

/// Rebuilds a `CallEvent`, `CallSummary` or `Attempt` from the state its `__reduce__` gave,
/// through the core's types; `None` when the state is not one.
pub fn unpickle<'py>(
    py: Python<'py>,
    class: &str,
    state: &Bound<'py, PyTuple>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(match class {
        "Attempt" => match state.extract().ok().and_then(attempt) {
            Some(a) => Some(Bound::new(py, PyAttempt(a))?.into_any()),
            None => None,
        },
        "CallSummary" => match state.extract().ok().and_then(summary) {
            Some(s) => Some(Bound::new(py, PyCallSummary(s))?.into_any()),
            None => None,
        },
        "CallEvent" => {
            let Ok((kind, values)) = state.extract::<(String, Bound<'py, PyTuple>)>() else {
                return Ok(None);
            };
            match event(&kind, &values) {
                Some(event) => Some(Bound::new(py, PyCallEvent::new(py, event)?)?.into_any()),
                None => None,
            }
        }
        _ => None,
    })
}

fn attempt(state: AttemptState) -> Option<Attempt> {
    let (model, provider, mode_name, outcome, http_status, error_code, duration_ms, waited_ms) =
        state;
    let outcome = match outcome.as_str() {
        "ok" => "ok",
        code => ErrorKind::from_code(code)?.code(),
    };
    Some(Attempt {
        model,
        provider,
        mode: mode(&mode_name)?,
        outcome,
        http_status,
        error_code,
        duration_ms,
        waited_ms,
    })
}

fn summary(state: SummaryState<'_>) -> Option<CallSummary> {
    let ((model, provider, text, usage, finish, raw, complete), timing, attempts, malformed) =
        state;
    let (ttfb_ms, ttft_ms, total_ms, output_tokens_per_s) = timing;
    let finish_reason = match finish {
        Some(name) => Some(
            FinishReason::ALL
                .iter()
                .copied()
                .find(|r| r.as_str() == name)?,
        ),
        None => None,
    };
    Some(CallSummary {
        model,
        provider,
        text,
        usage: usage.get().0,
        finish_reason,
        raw_finish_reason: raw,
        complete,
        ttfb_ms,
        ttft_ms,
        total_ms,
        output_tokens_per_s,
        attempts: attempts.iter().map(|a| a.get().0.clone()).collect(),
        malformed_events: malformed,
    })
}

fn event(kind: &str, values: &Bound<'_, PyTuple>) -> Option<CallEvent> {
    Some(match kind {
        "started" => {
            let (model, provider, attempt, mode_name): (String, String, u32, String) =
                values.extract().ok()?;
            CallEvent::Started {
                model,
                provider,
                attempt,
                mode: mode(&mode_name)?,
            }
        }
        "text" => {
            let (text,): (String,) = values.extract().ok()?;
            CallEvent::Text { text }
        }
        "reset" => {
            let (reason, model): (String, String) = values.extract().ok()?;
            CallEvent::Reset { reason, model }
        }
        "notice" => {
            let (kind, message, model, delay_ms): (String, String, String, Option<u64>) =
                values.extract().ok()?;
            CallEvent::Notice {
                kind: notice_kind(&kind)?,
                message,
                model,
                delay_ms,
            }
        }
        "usage" => {
            let (usage,): (Bound<'_, PyUsage>,) = values.extract().ok()?;
            CallEvent::Usage {
                usage: usage.get().0,
            }
        }
        "done" => {
            let (summary,): (Bound<'_, PyCallSummary>,) = values.extract().ok()?;
            CallEvent::Done {
                summary: Box::new(summary.get().0.clone()),
            }
        }
        _ => return None,
    })
}
