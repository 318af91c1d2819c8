//! Checking and converting Python arguments: the byte chunks given to `feed` and the size
//! limits given to constructors.
//!
//! Wrong types raise `InvalidArgumentError` (a `TypeError` and `ValueError` too) naming the
//! argument, the type received and what is accepted, instead of pyo3's generic conversion
//! errors, so every genie entry point fails the same way.

use genie_core::sse::ParserOptions;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyInt, PyMemoryView, PyString};

use crate::errors::invalid_argument;

/// The bytes of a chunk given to `feed`: borrowed from a `bytes` object, or a copy.
pub enum Chunk<'py> {
    /// `bytes` (and `memoryview` contents, copied by `tobytes()` into a fresh `bytes`).
    Bytes(Bound<'py, PyBytes>),
    /// A `bytearray` is mutable: it is copied so that Python code run while we parse (a
    /// finalizer, another thread) cannot change or free the bytes under us.
    Copied(Vec<u8>),
}

impl Chunk<'_> {
    /// The chunk's bytes.
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Chunk::Bytes(bytes) => bytes.as_bytes(),
            Chunk::Copied(bytes) => bytes,
        }
    }
}

/// Accepts `bytes` (zero-copy), `bytearray` and `memoryview` (copied: the buffer protocol is
/// not in the limited API of CPython 3.9, which this abi3 wheel targets).
pub fn chunk<'py>(data: &Bound<'py, PyAny>) -> PyResult<Chunk<'py>> {
    let py = data.py();
    if let Ok(bytes) = data.cast::<PyBytes>() {
        return Ok(Chunk::Bytes(bytes.clone()));
    }
    if let Ok(array) = data.cast::<PyByteArray>() {
        return Ok(Chunk::Copied(array.to_vec()));
    }
    if data.is_instance_of::<PyMemoryView>() {
        let copied = data
            .call_method0(intern!(py, "tobytes"))
            .map_err(|e| invalid_argument(py, format!("data: unusable memoryview: {e}")))?;
        return match copied.cast_into::<PyBytes>() {
            Ok(bytes) => Ok(Chunk::Bytes(bytes)),
            Err(_) => Err(invalid_argument(
                py,
                "data: memoryview.tobytes() did not return bytes",
            )),
        };
    }
    let hint = if data.is_instance_of::<PyString>() {
        " (encode text first, e.g. data.encode(\"utf-8\"))"
    } else {
        ""
    };
    Err(invalid_argument(
        py,
        format!(
            "data: expected bytes, bytearray or memoryview, got {}{hint}",
            type_name(data)
        ),
    ))
}

/// The parser limits from the two optional keyword arguments; `None` keeps the core default.
pub fn parser_options(
    py: Python<'_>,
    max_line_bytes: Option<&Bound<'_, PyAny>>,
    max_event_bytes: Option<&Bound<'_, PyAny>>,
) -> PyResult<ParserOptions> {
    let defaults = ParserOptions::default();
    Ok(ParserOptions {
        max_line_bytes: limit(
            py,
            "max_line_bytes",
            max_line_bytes,
            defaults.max_line_bytes,
        )?,
        max_event_bytes: limit(
            py,
            "max_event_bytes",
            max_event_bytes,
            defaults.max_event_bytes,
        )?,
    })
}

fn limit(
    py: Python<'_>,
    name: &str,
    value: Option<&Bound<'_, PyAny>>,
    default: usize,
) -> PyResult<usize> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(default);
    };
    // bool is an int subclass, but `max_line_bytes=True` is a mistake, not a limit of 1.
    if !value.is_instance_of::<PyInt>() || value.is_instance_of::<PyBool>() {
        return Err(invalid_argument(
            py,
            format!(
                "{name}: expected a positive int or None, got {}",
                type_name(value)
            ),
        ));
    }
    match value.extract::<i64>() {
        Ok(n) if n > 0 => usize::try_from(n).map_err(|_| too_large(py, name)),
        Ok(n) => Err(invalid_argument(
            py,
            format!("{name}: must be > 0 (None means the default), got {n}"),
        )),
        Err(_) if value.gt(0)? => Err(too_large(py, name)),
        Err(_) => Err(invalid_argument(
            py,
            format!("{name}: must be > 0 (None means the default), got {value}"),
        )),
    }
}

fn too_large(py: Python<'_>, name: &str) -> PyErr {
    invalid_argument(
        py,
        format!("{name}: too large, must be at most {}", isize::MAX),
    )
}

/// A `str` argument (the provider name of `StreamDecoder`).
pub fn text<'py>(py: Python<'py>, name: &str, value: &Bound<'py, PyAny>) -> PyResult<String> {
    match value.cast::<PyString>() {
        Ok(s) => s.to_cow().map(|c| c.into_owned()).map_err(|_| {
            invalid_argument(
                py,
                format!("{name}: not encodable as UTF-8 (lone surrogate)"),
            )
        }),
        Err(_) => Err(invalid_argument(
            py,
            format!("{name}: expected str, got {}", type_name(value)),
        )),
    }
}

/// The name of `value`'s type, for error messages.
pub fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an unknown type".to_owned())
}
