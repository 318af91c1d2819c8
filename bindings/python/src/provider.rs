//! `StreamDecoder` and its values (`StreamEvent`, `Usage`, `ProviderError`, `StreamSummary`):
//! the core's provider stream decoders, for Python.
//!
//! `Usage`, `ProviderError` and `StreamSummary` wrap the core's types unchanged (equality is
//! the core's; fields are converted when read). `StreamEvent`, made once per event and read in
//! every consumer's hot loop, holds ready Python objects instead. Enum-like fields (`type`,
//! `finish_reason`, `kind`, `provider`) are the core's stable lowercase strings.

use genie_core::provider::{
    FinishReason, Provider, ProviderError, StreamDecoder, StreamEventRef, StreamSummary, Usage,
};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};

use crate::args;
use crate::errors::{to_py_err, to_py_err_with_events};
use crate::pickle;

/// Python's ``repr`` of an optional string (``'x'`` or ``None``).
fn repr_str(py: Python<'_>, value: Option<&str>) -> PyResult<String> {
    match value {
        Some(text) => Ok(PyString::new(py, text).repr()?.to_string()),
        None => Ok("None".to_owned()),
    }
}

fn repr_int(value: Option<u64>) -> String {
    value.map_or_else(|| "None".to_owned(), |n| n.to_string())
}

/// Token counts as the provider reported them; each is an ``int`` or ``None`` where the
/// provider did not report it. ``input_tokens`` includes cached prompt tokens.
#[pyclass(module = "genie_core", name = "Usage", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash)]
pub struct PyUsage(pub(crate) Usage);

#[pymethods]
impl PyUsage {
    /// Prompt tokens, cached ones included.
    #[getter]
    fn input_tokens(&self) -> Option<u64> {
        self.0.input_tokens
    }

    /// Answer tokens.
    #[getter]
    fn output_tokens(&self) -> Option<u64> {
        self.0.output_tokens
    }

    /// What the provider bills as the total.
    #[getter]
    fn total_tokens(&self) -> Option<u64> {
        self.0.total_tokens
    }

    /// Prompt tokens served from the provider's cache.
    #[getter]
    fn cached_tokens(&self) -> Option<u64> {
        self.0.cached_tokens
    }

    /// Reasoning ("thinking") tokens.
    #[getter]
    fn reasoning_tokens(&self) -> Option<u64> {
        self.0.reasoning_tokens
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let u = &self.0;
        let state = (
            u.input_tokens,
            u.output_tokens,
            u.total_tokens,
            u.cached_tokens,
            u.reasoning_tokens,
        );
        pickle::reduce(py, "Usage", state.into_pyobject(py)?)
    }

    fn __repr__(&self) -> String {
        let u = &self.0;
        format!(
            "Usage(input_tokens={}, output_tokens={}, total_tokens={}, cached_tokens={}, \
             reasoning_tokens={})",
            repr_int(u.input_tokens),
            repr_int(u.output_tokens),
            repr_int(u.total_tokens),
            repr_int(u.cached_tokens),
            repr_int(u.reasoning_tokens)
        )
    }
}

/// An error the provider reported inside the stream. A plain record, not an exception: the
/// stream goes on and the caller decides what it means.
#[pyclass(module = "genie_core", name = "ProviderError", frozen, eq)]
#[derive(PartialEq, Eq)]
pub struct PyProviderError(pub(crate) ProviderError);

#[pymethods]
impl PyProviderError {
    /// The normalised class: ``"rate_limit"``, ``"overloaded"``, ``"invalid_request"``,
    /// ``"content_filter"`` or ``"other"``.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }

    /// The provider's message.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }

    /// The provider's own error type, code or status string, or ``None``.
    #[getter]
    fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let e = &self.0;
        let state = (e.kind.as_str(), e.message.as_str(), e.code.as_deref());
        pickle::reduce(py, "ProviderError", state.into_pyobject(py)?)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "ProviderError(kind={}, message={}, code={})",
            repr_str(py, Some(self.0.kind.as_str()))?,
            repr_str(py, Some(&self.0.message))?,
            repr_str(py, self.0.code.as_deref())?
        ))
    }
}

/// One decoded happening in a provider stream. ``type`` says which fields are set; the others
/// are ``None``:
///
/// - ``"text"``: ``text``, a piece of the answer to append;
/// - ``"usage"``: ``usage``, the usage so far (each replaces the previous one);
/// - ``"finish"``: ``finish_reason`` (normalised) and ``raw_finish_reason`` (the provider's);
/// - ``"error"``: ``error``, an in-band :class:`ProviderError`;
/// - ``"malformed"``: ``message`` (what was wrong) and ``payload`` (the event's data), for an
///   event that is not the provider's JSON and was skipped.
//
// The fields are Python objects built once in `feed`, so reading one is a plain member load
// (no call into Rust): `for ev in decoder.feed(chunk): if ev.type == "text": ev.text` is the
// hot loop of every Python consumer.
#[pyclass(module = "genie_core", name = "StreamEvent", frozen)]
pub struct PyStreamEvent {
    /// ``"text"``, ``"usage"``, ``"finish"``, ``"error"`` or ``"malformed"``.
    #[pyo3(get, name = "type")]
    kind: Py<PyString>,
    /// The text delta of a ``"text"`` event (``str``), else ``None``.
    #[pyo3(get)]
    text: Py<PyAny>,
    /// The :class:`Usage` of a ``"usage"`` event, else ``None``.
    #[pyo3(get)]
    usage: Py<PyAny>,
    /// The normalised reason of a ``"finish"`` event: ``"stop"``, ``"length"``,
    /// ``"tool_calls"``, ``"content_filter"``, ``"error"`` or ``"other"``; else ``None``.
    #[pyo3(get)]
    finish_reason: Py<PyAny>,
    /// The provider's own finish reason of a ``"finish"`` event (``"STOP"``, ``"end_turn"``,
    /// ...), else ``None``.
    #[pyo3(get)]
    raw_finish_reason: Py<PyAny>,
    /// The :class:`ProviderError` of an ``"error"`` event, else ``None``.
    #[pyo3(get)]
    error: Py<PyAny>,
    /// What was wrong with a ``"malformed"`` event (wording not stable), else ``None``.
    #[pyo3(get)]
    message: Py<PyAny>,
    /// The unmodified data of a ``"malformed"`` event, else ``None``.
    #[pyo3(get)]
    payload: Py<PyAny>,
}

impl PyStreamEvent {
    pub(crate) fn new(py: Python<'_>, event: StreamEventRef<'_>) -> PyResult<Self> {
        let none = || py.None();
        let text = |s: &str| PyString::new(py, s).into_any().unbind();
        let mut out = PyStreamEvent {
            kind: intern!(py, "text").clone().unbind(),
            text: none(),
            usage: none(),
            finish_reason: none(),
            raw_finish_reason: none(),
            error: none(),
            message: none(),
            payload: none(),
        };
        match event {
            StreamEventRef::Text(delta) => out.text = text(delta),
            StreamEventRef::Usage(usage) => {
                out.kind = intern!(py, "usage").clone().unbind();
                out.usage = Py::new(py, PyUsage(usage))?.into_any();
            }
            StreamEventRef::Finish { reason, raw } => {
                out.kind = intern!(py, "finish").clone().unbind();
                out.finish_reason = text(reason.as_str());
                out.raw_finish_reason = text(raw);
            }
            StreamEventRef::Error(error) => {
                out.kind = intern!(py, "error").clone().unbind();
                out.error = Py::new(py, PyProviderError(error.clone()))?.into_any();
            }
            StreamEventRef::Malformed { message, payload } => {
                out.kind = intern!(py, "malformed").clone().unbind();
                out.message = text(message);
                out.payload = text(payload);
            }
        }
        Ok(out)
    }

    fn fields(&self) -> [(&'static str, &Py<PyAny>); 7] {
        [
            ("text", &self.text),
            ("usage", &self.usage),
            ("finish_reason", &self.finish_reason),
            ("raw_finish_reason", &self.raw_finish_reason),
            ("error", &self.error),
            ("message", &self.message),
            ("payload", &self.payload),
        ]
    }
}

#[pymethods]
impl PyStreamEvent {
    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, Self>) -> PyResult<bool> {
        let other = other.get();
        if !PyAnyMethods::eq(self.kind.bind(py).as_any(), other.kind.bind(py))? {
            return Ok(false);
        }
        for ((_, mine), (_, theirs)) in self.fields().into_iter().zip(other.fields()) {
            if !PyAnyMethods::eq(mine.bind(py), theirs.bind(py))? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let mut state = vec![self.kind.clone_ref(py).into_any()];
        state.extend(self.fields().map(|(_, value)| value.clone_ref(py)));
        pickle::reduce(py, "StreamEvent", PyTuple::new(py, state)?)
    }

    /// Shows the type and the fields it sets, not the ``None`` ones.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let mut out = format!("StreamEvent(type={}", self.kind.bind(py).repr()?);
        for (name, value) in self.fields() {
            let value = value.bind(py);
            if !value.is_none() {
                out.push_str(&format!(", {name}={}", value.repr()?));
            }
        }
        out.push(')');
        Ok(out)
    }
}

/// What a whole stream amounted to, returned by :meth:`StreamDecoder.finish`.
///
/// ``complete`` is the bit that matters: ``False`` means the provider's end marker never
/// arrived, so the answer may be truncated and must not be presented as whole.
#[pyclass(module = "genie_core", name = "StreamSummary", frozen, eq)]
#[derive(PartialEq, Eq)]
pub struct PyStreamSummary(pub(crate) StreamSummary);

#[pymethods]
impl PyStreamSummary {
    /// The provider name whose wire format was decoded.
    #[getter]
    fn provider(&self) -> &'static str {
        self.0.provider.name()
    }

    /// All text deltas, concatenated.
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }

    /// The final :class:`Usage` (its counts are ``None`` where the provider sent none).
    #[getter]
    fn usage(&self) -> PyUsage {
        PyUsage(self.0.usage)
    }

    /// The normalised finish reason, or ``None`` if the provider sent none.
    #[getter]
    fn finish_reason(&self) -> Option<&'static str> {
        self.0.finish_reason.map(FinishReason::as_str)
    }

    /// The provider's own finish reason, or ``None``.
    #[getter]
    fn raw_finish_reason(&self) -> Option<&str> {
        self.0.raw_finish_reason.as_deref()
    }

    /// Whether the provider's end marker arrived.
    #[getter]
    fn complete(&self) -> bool {
        self.0.complete
    }

    /// The last in-band :class:`ProviderError`, or ``None``.
    #[getter]
    fn error(&self) -> Option<PyProviderError> {
        self.0.error.clone().map(PyProviderError)
    }

    /// How many events were skipped as malformed.
    #[getter]
    fn malformed_events(&self) -> u64 {
        self.0.malformed_events
    }

    /// How many keep-alives (SSE comments and provider pings) arrived.
    #[getter]
    fn keepalives(&self) -> u64 {
        self.0.keepalives
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let s = &self.0;
        let state = (
            s.provider.name(),
            s.text.as_str(),
            PyUsage(s.usage),
            s.finish_reason.map(FinishReason::as_str),
            s.raw_finish_reason.as_deref(),
            s.complete,
            s.error.clone().map(PyProviderError),
            s.malformed_events,
            s.keepalives,
        );
        pickle::reduce(py, "StreamSummary", state.into_pyobject(py)?)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let s = &self.0;
        let error = match &s.error {
            Some(error) => PyProviderError(error.clone()).__repr__(py)?,
            None => "None".to_owned(),
        };
        Ok(format!(
            "StreamSummary(provider={}, text={}, usage={}, finish_reason={}, \
             raw_finish_reason={}, complete={}, error={error}, malformed_events={}, \
             keepalives={})",
            repr_str(py, Some(s.provider.name()))?,
            repr_str(py, Some(&s.text))?,
            PyUsage(s.usage).__repr__(),
            repr_str(py, s.finish_reason.map(FinishReason::as_str))?,
            repr_str(py, s.raw_finish_reason.as_deref())?,
            if s.complete { "True" } else { "False" },
            s.malformed_events,
            s.keepalives
        ))
    }
}

/// Decodes one provider's streaming response body, chunk by chunk.
///
/// ``provider`` is ``"gemini"``, ``"openai"``, ``"openai-responses"`` or ``"anthropic"``.
/// :meth:`feed` returns the :class:`StreamEvent` objects each chunk completed;
/// :meth:`finish` returns the :class:`StreamSummary` and readies the decoder for another
/// stream. The size limits are those of :class:`SseParser`.
#[pyclass(module = "genie_core", name = "StreamDecoder")]
pub struct PyStreamDecoder(StreamDecoder);

#[pymethods]
impl PyStreamDecoder {
    #[new]
    #[pyo3(signature = (provider, *, max_line_bytes=None, max_event_bytes=None))]
    fn new(
        py: Python<'_>,
        provider: &Bound<'_, PyAny>,
        max_line_bytes: Option<&Bound<'_, PyAny>>,
        max_event_bytes: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let name = args::text(py, "provider", provider)?;
        let provider = Provider::from_name(&name).map_err(|e| to_py_err(py, &e))?;
        let options = args::parser_options(py, max_line_bytes, max_event_bytes)?;
        StreamDecoder::with_options(provider, options)
            .map(PyStreamDecoder)
            .map_err(|e| to_py_err(py, &e))
    }

    /// Decodes ``data`` (``bytes``, ``bytearray`` or ``memoryview``) and returns the events it
    /// completed, in order. Malformed payloads are ``"malformed"`` events, not exceptions; the
    /// only error is :class:`LimitExceededError` (with ``.events``) for an oversized SSE line or
    /// event, after which decoding continues.
    fn feed<'py>(
        &mut self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let chunk = args::chunk(data)?;
        let mut events = Vec::new();
        let mut failure = None;
        let result = self.0.feed_ref(chunk.as_slice(), |event| {
            if failure.is_none() {
                match PyStreamEvent::new(py, event).and_then(|event| Bound::new(py, event)) {
                    Ok(event) => events.push(event),
                    Err(error) => failure = Some(error),
                }
            }
        });
        if let Some(error) = failure {
            return Err(error);
        }
        let events = PyList::new(py, events)?;
        match result {
            Ok(()) => Ok(events),
            Err(error) => Err(to_py_err_with_events(py, &error, events)),
        }
    }

    /// Ends the stream and returns its :class:`StreamSummary`; the decoder can then decode
    /// another stream of the same provider.
    fn finish(&mut self) -> PyStreamSummary {
        PyStreamSummary(self.0.finish())
    }

    /// The provider name this decoder reads.
    #[getter]
    fn provider(&self) -> &'static str {
        self.0.provider().name()
    }

    /// Whether the provider's end marker has arrived so far.
    #[getter]
    fn complete(&self) -> bool {
        self.0.is_complete()
    }
}
