//! `SseParser` and `SseEvent`: the core's WHATWG event-stream parser, for Python.
//!
//! The parser hands out events that borrow its buffers; this module turns each one straight
//! into Python strings inside the parser's callback (no intermediate Rust `String`), interns the
//! default type `"message"`, and reuses the previous event's `id` and type objects when they
//! repeat, which they almost always do.

use genie_core::sse::{EventRef, Parser};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};

use crate::args;
use crate::errors::{to_py_err, to_py_err_with_events};
use crate::pickle;

/// One event dispatched by :class:`SseParser`. Immutable; compares equal by value.
#[pyclass(module = "genie_core", name = "SseEvent", frozen)]
pub struct PySseEvent {
    /// The event type: the stream's last ``event:`` field for this event, or ``"message"``.
    #[pyo3(get)]
    pub(crate) event: Py<PyString>,
    /// The event's ``data:`` lines joined with ``"\n"``.
    #[pyo3(get)]
    pub(crate) data: Py<PyString>,
    /// The last-event-ID in effect when the event was dispatched (``""`` if none).
    #[pyo3(get)]
    pub(crate) id: Py<PyString>,
}

#[pymethods]
impl PySseEvent {
    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, Self>) -> PyResult<bool> {
        let other = other.get();
        Ok(same(py, &self.event, &other.event)?
            && same(py, &self.data, &other.data)?
            && same(py, &self.id, &other.id)?)
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        PyTuple::new(py, [&self.event, &self.data, &self.id])?.hash()
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let state = PyTuple::new(py, [&self.event, &self.data, &self.id])?;
        pickle::reduce(py, "SseEvent", state)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "SseEvent(event={}, data={}, id={})",
            self.event.bind(py).repr()?,
            self.data.bind(py).repr()?,
            self.id.bind(py).repr()?
        ))
    }
}

/// Python string equality (equal objects, or equal contents).
fn same(py: Python<'_>, a: &Py<PyString>, b: &Py<PyString>) -> PyResult<bool> {
    PyAnyMethods::eq(a.bind(py).as_any(), b.bind(py))
}

/// The last string converted, so a value that repeats from event to event (the id, the type)
/// is one shared Python object instead of a new one per event.
#[derive(Default)]
struct RepeatCache {
    text: String,
    object: Option<Py<PyString>>,
}

impl RepeatCache {
    fn get(&mut self, py: Python<'_>, text: &str) -> Py<PyString> {
        if let Some(object) = &self.object {
            if self.text == text {
                return object.clone_ref(py);
            }
        }
        let object = PyString::new(py, text).unbind();
        self.text.clear();
        self.text.push_str(text);
        self.object = Some(object.clone_ref(py));
        object
    }
}

/// An incremental server-sent events parser (WHATWG HTML §9.2), bytes in, events out.
///
/// Feed it the response body in chunks of any size as they arrive; each :meth:`feed` returns
/// the events that chunk completed. ``max_line_bytes`` and ``max_event_bytes`` bound memory
/// (``None`` = the defaults, 16 MiB and 32 MiB); a line or event over its limit raises
/// :class:`LimitExceededError` from :meth:`feed`, whose ``.events`` holds what the call
/// returned otherwise, and the parser carries on with the next event.
#[pyclass(module = "genie_core", name = "SseParser")]
pub struct PySseParser {
    parser: Parser,
    ids: RepeatCache,
    types: RepeatCache,
}

#[pymethods]
impl PySseParser {
    #[new]
    #[pyo3(signature = (max_line_bytes=None, max_event_bytes=None))]
    fn new(
        py: Python<'_>,
        max_line_bytes: Option<&Bound<'_, PyAny>>,
        max_event_bytes: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let options = args::parser_options(py, max_line_bytes, max_event_bytes)?;
        let parser = Parser::with_options(options).map_err(|e| to_py_err(py, &e))?;
        Ok(PySseParser {
            parser,
            ids: RepeatCache::default(),
            types: RepeatCache::default(),
        })
    }

    /// Parses ``data`` (``bytes``, ``bytearray`` or ``memoryview``) and returns the events it
    /// completed, in order. Raises :class:`LimitExceededError` (with ``.events``) when a line
    /// or event was too large, and :class:`InvalidArgumentError` for any other type of ``data``.
    fn feed<'py>(
        &mut self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let chunk = args::chunk(data)?;
        let mut events = Vec::new();
        let mut failure = None;
        let (ids, types) = (&mut self.ids, &mut self.types);
        let result = self.parser.feed(chunk.as_slice(), |event| {
            if failure.is_none() {
                match new_event(py, event, ids, types) {
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

    /// Ends the current connection's stream. An unfinished event is discarded, as the standard
    /// requires; ``last_event_id`` and ``retry_ms`` persist, ready for a reconnect.
    fn finish(&mut self) {
        self.parser.finish();
    }

    /// The last-event-ID string: send it as ``Last-Event-ID`` on reconnect when non-empty.
    #[getter]
    fn last_event_id(&self) -> &str {
        self.parser.last_event_id()
    }

    /// The reconnection time in milliseconds the stream set with ``retry:``, or ``None``.
    #[getter]
    fn retry_ms(&self) -> Option<u64> {
        self.parser.retry_ms()
    }
}

fn new_event<'py>(
    py: Python<'py>,
    event: EventRef<'_>,
    ids: &mut RepeatCache,
    types: &mut RepeatCache,
) -> PyResult<Bound<'py, PySseEvent>> {
    let kind = if event.event == "message" {
        intern!(py, "message").clone().unbind()
    } else {
        types.get(py, event.event)
    };
    Bound::new(
        py,
        PySseEvent {
            event: kind,
            data: PyString::new(py, event.data).unbind(),
            id: ids.get(py, event.id),
        },
    )
}
