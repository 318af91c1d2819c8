//! `Redactor` and `StreamRedactor`: the core's PII redactor, for Python.
//!
//! This module translates only: the text to UTF-8 ([`args::utf8_text`]), the config
//! ([`config`]), the core's byte offsets to code points ([`offsets`]), results to the values of
//! [`crate::redacted`]. Work on a large text runs with the GIL released, so other Python
//! threads go on meanwhile; the core's `Redactor` is immutable and `Sync`, so one Python
//! `Redactor` serves any number of threads at once.
//!
//! Fail closed, as in the core: an error returns no text at all. An offset the binding cannot
//! convert (a core bug) is a `RedactionFailedError` too, never text with wrong findings.

use genie_core::redact::{Finding, Redactor, StreamRedactor};
use genie_core::{Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::args::{self, type_name};
use crate::config;
use crate::errors::{invalid_argument, to_py_err};
use crate::offsets::{StreamOffsets, TextOffsets};
use crate::redacted::{counts_dict, PyFinding, PyMapping, PyRedacted};

/// Texts at least this long are redacted with the GIL released. Below it (a typical prompt
/// takes microseconds) releasing and re-acquiring the GIL would cost more than it frees, and
/// re-acquiring can wait for another thread's switch interval.
const DETACH_BYTES: usize = 64 * 1024;

/// Runs `f` with the GIL released when `len` bytes are worth it.
fn run<T: Send>(py: Python<'_>, len: usize, f: impl FnOnce() -> T + Send) -> T {
    if len >= DETACH_BYTES {
        py.detach(f)
    } else {
        f()
    }
}

fn inconsistent_offsets(py: Python<'_>) -> PyErr {
    to_py_err(
        py,
        &Error::new(
            ErrorKind::RedactionFailed,
            "redaction failed (a finding's offsets do not fit the text); no text was returned",
        ),
    )
}

/// `findings` with code point offsets (`at` converts one byte offset), or `None` if one does
/// not fit the text.
fn located(
    findings: &[Finding],
    mut at: impl FnMut(usize) -> Option<usize>,
) -> Option<Vec<PyFinding>> {
    findings
        .iter()
        .map(|f| {
            Some(PyFinding {
                start: at(f.start)?,
                end: at(f.end)?,
                entity: f.entity.clone(),
                operator: f.operator,
            })
        })
        .collect()
}

fn finding_list<'py>(py: Python<'py>, findings: Vec<PyFinding>) -> PyResult<Bound<'py, PyList>> {
    let objects = findings
        .into_iter()
        .map(|f| Bound::new(py, f))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, objects)
}

/// Finds and redacts PII (e-mail addresses, phone numbers, card numbers, SSNs, IBANs, IP
/// addresses, URLs, API keys, birth dates, medical record numbers, street addresses, names, and
/// tenant-defined types) in text.
///
/// ``config`` is ``None`` (the ``general`` profile, every type replaced by ``<TYPE>``), a
/// ``dict``, a ``str`` holding JSON (when it starts with ``{`` after whitespace) or a file path,
/// or an ``os.PathLike`` path of a JSON file; the format is in genie's redaction docs (profile,
/// entities, operators, allowlist, custom, phone_region, hash_key_env, dates). A bad config
/// raises :class:`InvalidConfigError` naming the path of the bad value
/// (``operators.EMAIL: unknown variant ...``); the ``hash`` operator reads its key from the
/// environment variable named by ``hash_key_env`` when the redactor is built.
///
/// Offsets are code points: ``text[f.start:f.end]`` is the value of finding ``f``.
///
/// **Fail closed**: if redaction fails for any internal reason, the call raises
/// :class:`RedactionFailedError` and returns no text at all — never the input, never a partly
/// redacted text. Wrong argument types raise :class:`InvalidArgumentError`; a ``str`` holding a
/// lone surrogate raises :class:`InvalidUtf8Error`.
///
/// Immutable and thread-safe: share one redactor between threads; large texts are processed
/// with the GIL released.
#[pyclass(module = "genie_core", name = "Redactor", frozen)]
pub struct PyRedactor(pub(crate) Redactor);

#[pymethods]
impl PyRedactor {
    #[new]
    #[pyo3(signature = (config=None))]
    fn new(py: Python<'_>, config: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let config = config::redactor_config(py, config)?;
        py.detach(|| Redactor::new(config))
            .map(PyRedactor)
            .map_err(|e| to_py_err(py, &e))
    }

    /// The PII in ``text``, as :class:`Finding` objects (``operator`` is ``None``) sorted by
    /// ``start`` and never overlapping. Raises :class:`RedactionFailedError` on an internal
    /// failure.
    fn find<'py>(&self, py: Python<'py>, text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
        let text = args::utf8_text(py, "text", text)?;
        let (s, ascii, redactor) = (text.as_str(), text.is_ascii(), &self.0);
        let found = run(py, s.len(), || {
            redactor.find(s).map(|f| {
                let mut offsets = TextOffsets::new(s, ascii);
                located(&f, |b| offsets.at(b))
            })
        });
        let found = found.map_err(|e| to_py_err(py, &e))?;
        finding_list(py, found.ok_or_else(|| inconsistent_offsets(py))?)
    }

    /// Redacts ``text`` and returns the :class:`Redacted` text with its findings, placeholder
    /// mapping and counts. Fails closed: on an internal failure it raises
    /// :class:`RedactionFailedError` and no text is returned.
    fn redact(&self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<PyRedacted> {
        let text = args::utf8_text(py, "text", text)?;
        let (s, ascii, redactor) = (text.as_str(), text.is_ascii(), &self.0);
        let out = run(py, s.len(), || {
            redactor.redact(s).map(|r| {
                let mut offsets = TextOffsets::new(s, ascii);
                let findings = located(&r.findings, |b| offsets.at(b));
                (r.text, findings, r.mapping, r.counts)
            })
        });
        let (redacted, findings, mapping, counts) = out.map_err(|e| to_py_err(py, &e))?;
        let findings = findings.ok_or_else(|| inconsistent_offsets(py))?;
        PyRedacted::new(py, &redacted, findings, mapping, counts)
    }

    /// Puts the original values back into ``text`` (typically a model's answer to a redacted
    /// prompt): every placeholder of ``mapping`` (a :class:`Mapping` or a ``dict[str, str]``)
    /// becomes its value. Text that only looks like a placeholder stays as it is.
    fn restore<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        mapping: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyString>> {
        let text = args::utf8_text(py, "text", text)?;
        let mapping = PyMapping::argument(py, mapping)?;
        let mapping = mapping.as_ref();
        let (s, redactor) = (text.as_str(), &self.0);
        let restored = run(py, s.len(), || redactor.restore(s, mapping));
        Ok(PyString::new(py, &restored))
    }
}

/// Redacts a text that arrives in pieces — a model's streamed answer — so that a value split
/// across chunks (``"jane.doe@ex"`` + ``"ample.com"``) is still caught.
///
/// :meth:`push` each chunk (``str``) and send on what it returns (possibly ``""``: the end of
/// the text is held back until it cannot be part of a value, at most about 768 bytes plus the
/// chunk just pushed); :meth:`flush` at the end returns the rest. The concatenated output equals
/// ``redactor.redact(whole_text).text``, and :attr:`findings`, :attr:`mapping` and
/// :attr:`counts` match too (placeholders are numbered across the whole stream), except that a
/// single value longer than 16 KiB is redacted in several findings.
///
/// **Fail closed**: a call that fails returns no text, so no unredacted text is ever returned,
/// and after an internal failure the stream raises :class:`RedactionFailedError` on every later
/// call. One stream per answer; not for concurrent use from several threads.
#[pyclass(module = "genie_core", name = "StreamRedactor")]
pub struct PyStreamRedactor {
    stream: StreamRedactor,
    offsets: StreamOffsets,
    findings: Vec<Py<PyFinding>>,
    failed: bool,
}

impl PyStreamRedactor {
    /// Pushes `chunk` (text, all ASCII) or, for `None`, flushes; returns the released text and
    /// records the new findings with code point offsets.
    fn step<'py>(
        &mut self,
        py: Python<'py>,
        chunk: Option<(&str, bool)>,
    ) -> PyResult<Bound<'py, PyString>> {
        if self.failed {
            return Err(to_py_err(
                py,
                &Error::new(
                    ErrorKind::RedactionFailed,
                    "this stream failed earlier; start a new StreamRedactor",
                ),
            ));
        }
        let seen = self.findings.len();
        let (stream, offsets) = (&mut self.stream, &mut self.offsets);
        let out = run(py, chunk.map_or(0, |(c, _)| c.len()), || {
            let text = match chunk {
                Some((c, ascii)) => {
                    offsets.push(c, ascii);
                    stream.push(c)
                }
                None => stream.flush(),
            }?;
            let new = stream
                .findings()
                .get(seen..)
                .and_then(|f| located(f, |b| offsets.at(b)));
            Ok::<_, Error>((text, new))
        });
        let (text, new) = match out {
            Ok((text, Some(new))) => (text, new),
            Ok((_, None)) => {
                self.failed = true;
                return Err(inconsistent_offsets(py));
            }
            Err(e) => {
                self.failed = true;
                return Err(to_py_err(py, &e));
            }
        };
        for f in new {
            self.findings.push(Py::new(py, f)?);
        }
        Ok(PyString::new(py, &text))
    }
}

#[pymethods]
impl PyStreamRedactor {
    #[new]
    fn new(py: Python<'_>, redactor: &Bound<'_, PyAny>) -> PyResult<Self> {
        let Ok(redactor) = redactor.cast::<PyRedactor>() else {
            return Err(invalid_argument(
                py,
                format!(
                    "redactor: expected a genie_core.Redactor, got {}",
                    type_name(redactor)
                ),
            ));
        };
        Ok(PyStreamRedactor {
            stream: StreamRedactor::new(redactor.get().0.clone()),
            offsets: StreamOffsets::default(),
            findings: Vec::new(),
            failed: false,
        })
    }

    /// Takes the next chunk (``str``) of the text and returns the redacted text that can be
    /// released now (possibly ``""``).
    fn push<'py>(
        &mut self,
        py: Python<'py>,
        chunk: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyString>> {
        let chunk = args::utf8_text(py, "chunk", chunk)?;
        self.step(py, Some((chunk.as_str(), chunk.is_ascii())))
    }

    /// Ends the text and returns the rest of the redacted text.
    fn flush<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        self.step(py, None)
    }

    /// The placeholders given so far, as a :class:`Mapping` (a snapshot: later chunks do not
    /// change it).
    #[getter]
    fn mapping(&self) -> PyMapping {
        PyMapping(self.stream.mapping().clone())
    }

    /// The findings so far, with code point offsets into the whole stream's original text
    /// (every chunk pushed, concatenated). A new list on each access.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.findings.iter().map(|f| f.clone_ref(py)))
    }

    /// Findings per type name so far (a new dict on each access).
    #[getter]
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        counts_dict(py, self.stream.counts())
    }
}
