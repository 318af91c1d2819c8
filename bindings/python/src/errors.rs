//! Turning genie errors into the Python exception classes of `genie_core._errors`.
//!
//! The classes are plain Python (so they can inherit from `ValueError`, `TimeoutError`, ... and
//! be read by type checkers); this module finds the class for a core error code in that module's
//! `_BY_CODE` table, caching the table on first use, and instantiates it with the core's
//! message. Errors of a client call also get the call's details as attributes (`attempts`,
//! `http_status`, `provider_code`, `retry_after_ms`). `error_table()` exposes `ErrorKind::ALL`
//! so tests can check the two agree.

use genie_core::{Error, ErrorDetails, ErrorKind};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};

use crate::call_events::attempt_list;

/// `genie_core._errors._BY_CODE`, imported once.
static BY_CODE: PyOnceLock<Py<PyDict>> = PyOnceLock::new();

/// Builds the exception instance for `kind` carrying `message`.
fn exception<'py>(py: Python<'py>, kind: ErrorKind, message: &str) -> PyResult<Bound<'py, PyAny>> {
    let by_code = BY_CODE.import(py, "genie_core._errors", "_BY_CODE")?;
    match by_code.get_item(kind.code())? {
        Some(class) => class.call1((message,)),
        // A kind the Python table lacks is a genie bug (the error-table test catches it); still
        // raise something typed that keeps the original code.
        None => match by_code.get_item(ErrorKind::Internal.code())? {
            Some(class) => class.call1((format!("{}: {message}", kind.code()),)),
            None => Err(pyo3::exceptions::PyRuntimeError::new_err(format!(
                "genie_core._errors._BY_CODE lacks {} and INTERNAL",
                kind.code()
            ))),
        },
    }
}

/// The Python exception for a core error, with its details when it has some.
pub fn to_py_err(py: Python<'_>, error: &Error) -> PyErr {
    let built = exception(py, error.kind(), error.message()).and_then(|instance| {
        if let Some(details) = error.details() {
            set_details(&instance, details)?;
        }
        Ok(instance)
    });
    match built {
        Ok(instance) => PyErr::from_value(instance),
        Err(failure) => failure,
    }
}

/// What a failed client call went through, as the attributes `GenieError` declares.
fn set_details(instance: &Bound<'_, PyAny>, details: &ErrorDetails) -> PyResult<()> {
    let py = instance.py();
    instance.setattr("attempts", attempt_list(py, &details.attempts)?)?;
    instance.setattr("http_status", details.http_status)?;
    instance.setattr("provider_code", details.provider_code.as_deref())?;
    instance.setattr("retry_after_ms", details.retry_after_ms)
}

/// A `LimitExceededError` (or whatever `error` is) that also carries the events the failing
/// `feed` call dispatched, as `.events`, so the caller loses nothing.
pub fn to_py_err_with_events(py: Python<'_>, error: &Error, events: Bound<'_, PyList>) -> PyErr {
    let built = exception(py, error.kind(), error.message())
        .and_then(|instance| instance.setattr("events", events).map(|()| instance));
    match built {
        Ok(instance) => PyErr::from_value(instance),
        Err(failure) => failure,
    }
}

/// An `InvalidArgumentError` with `message` (which names the argument and what to fix).
pub fn invalid_argument(py: Python<'_>, message: impl AsRef<str>) -> PyErr {
    to_py_err(
        py,
        &Error::new(ErrorKind::InvalidArgument, message.as_ref()),
    )
}

/// The error table genie was built with: one ``{"code": str, "status": int}`` dict per error
/// kind, in table order. The exception classes of ``genie_core`` render exactly this table.
#[pyfunction]
pub fn error_table(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let rows = ErrorKind::ALL
        .iter()
        .map(|kind| {
            let row = PyDict::new(py);
            row.set_item("code", kind.code())?;
            row.set_item("status", kind.status())?;
            Ok(row)
        })
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, rows)
}
