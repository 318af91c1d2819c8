//! `StreamRestorer`: the core's streaming restore (`genie_core::redact::StreamRestorer`), for
//! Python. It translates only: the mapping argument and the chunks' text.

use genie_core::redact::StreamRestorer;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::args;
use crate::redacted::PyMapping;

/// Puts the original values back into a model's answer as it streams: every placeholder of
/// ``mapping`` (a :class:`Mapping` or a ``dict[str, str]``, as :meth:`Redactor.restore`
/// takes) becomes its value, even when a placeholder is split across chunks (``"[EMA"`` +
/// ``"IL_1]"``).
///
/// :meth:`push` each chunk (``str``) and send on what it returns; :meth:`flush` at the end
/// returns the rest. The concatenated output equals ``redactor.restore(whole_answer,
/// mapping)``. It holds back at most 64 characters, from a ``[`` that may still open a
/// placeholder; text without ``[`` passes through at once. The mapping is copied when the
/// restorer is made. One restorer per answer; not for concurrent use from several threads.
#[pyclass(module = "genie_core", name = "StreamRestorer")]
pub struct PyStreamRestorer(StreamRestorer);

#[pymethods]
impl PyStreamRestorer {
    #[new]
    fn new(py: Python<'_>, mapping: &Bound<'_, PyAny>) -> PyResult<Self> {
        let mapping = PyMapping::argument(py, mapping)?.into_owned();
        Ok(PyStreamRestorer(StreamRestorer::new(mapping)))
    }

    /// Takes the next chunk (``str``) of the answer and returns the restored text that can be
    /// released now (possibly ``""`` while a placeholder may still be arriving).
    fn push<'py>(
        &mut self,
        py: Python<'py>,
        chunk: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyString>> {
        let chunk = args::utf8_text(py, "chunk", chunk)?;
        Ok(PyString::new(py, &self.0.push(chunk.as_str())))
    }

    /// Ends the answer and returns the rest of the restored text. The restorer is then empty
    /// and can restore another answer with the same mapping.
    fn flush<'py>(&mut self, py: Python<'py>) -> Bound<'py, PyString> {
        PyString::new(py, &self.0.flush())
    }
}
