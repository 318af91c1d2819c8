//! Checking and converting Python arguments: the byte chunks given to `feed`, the size limits
//! given to constructors, and the texts given to the redactor.
//!
//! Wrong types raise `InvalidArgumentError` (a `TypeError` and `ValueError` too) naming the
//! argument, the type received and what is accepted, instead of pyo3's generic conversion
//! errors, so every genie entry point fails the same way.

use genie_core::sse::ParserOptions;
use genie_core::{Error, ErrorKind};
use pyo3::exceptions::PyUnicodeEncodeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyInt, PyMemoryView, PyString};

use crate::errors::{invalid_argument, to_py_err};

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

/// A `str` argument as UTF-8, for the redactor.
///
/// The abi3 wheel targets CPython 3.9, whose limited API has no borrowed UTF-8 view of a `str`
/// (`PyUnicode_AsUTF8AndSize` joined it in 3.10), so the text is encoded once into an immutable
/// `bytes` object that this value owns. pyo3's `to_cow` would copy a second time into a
/// `String`. Owning the `bytes` also lets the GIL be released while Rust reads the text: no
/// Python code can change or free it.
pub struct Utf8Text<'py> {
    utf8: Bound<'py, PyBytes>,
    chars: usize,
}

impl Utf8Text<'_> {
    /// The text.
    pub fn as_str(&self) -> &str {
        // SAFETY: `utf8` is the output of CPython's strict UTF-8 encoder (`str.encode("utf-8")`
        // without error handler), which only produces valid UTF-8 and raises on lone
        // surrogates, and a `bytes` object is immutable.
        unsafe { std::str::from_utf8_unchecked(self.utf8.as_bytes()) }
    }

    /// Whether every character is ASCII, so byte offsets are code point offsets (O(1): the
    /// UTF-8 length equals the number of code points only then).
    pub fn is_ascii(&self) -> bool {
        self.utf8.as_bytes().len() == self.chars
    }
}

/// A `str` argument named `name`, encoded to UTF-8. Other types raise `InvalidArgumentError`; a
/// `str` holding a lone surrogate (which has no UTF-8 form) raises `InvalidUtf8Error`.
pub fn utf8_text<'py>(
    py: Python<'py>,
    name: &str,
    value: &Bound<'py, PyAny>,
) -> PyResult<Utf8Text<'py>> {
    let Ok(text) = value.cast::<PyString>() else {
        let hint = if value.is_instance_of::<PyBytes>() || value.is_instance_of::<PyByteArray>() {
            " (decode bytes first, e.g. data.decode(\"utf-8\", errors=\"replace\"))"
        } else {
            ""
        };
        return Err(invalid_argument(
            py,
            format!("{name}: expected str, got {}{hint}", type_name(value)),
        ));
    };
    let chars = text.len()?;
    match text.encode_utf8() {
        Ok(utf8) => Ok(Utf8Text { utf8, chars }),
        Err(e) if e.is_instance_of::<PyUnicodeEncodeError>(py) => Err(to_py_err(
            py,
            &Error::new(
                ErrorKind::InvalidUtf8,
                format!(
                    "{name}: not valid Unicode text: {} (a lone surrogate, e.g. from bytes \
                     decoded with errors=\"surrogateescape\"; decode with errors=\"replace\" \
                     instead)",
                    e.value(py)
                ),
            ),
        )),
        Err(e) => Err(e),
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
