//! genie's Python extension module, `genie_core._genie_core`.
//!
//! A private native module behind the pure-Python package `genie_core` (which re-exports it
//! with the exception classes, type stubs and `py.typed`). It only translates: Python
//! arguments to core types ([`args`]), core errors to the exception classes ([`errors`]), the
//! core's parser ([`sse`]) and decoders ([`provider`]) to Python classes, and those values to
//! and from pickles ([`pickle`]). All behaviour is in `genie_core`.

mod args;
mod errors;
mod pickle;
mod provider;
mod sse;

use pyo3::prelude::*;

/// genie's native core: the SSE parser and the provider stream decoders. Import the public
/// names from ``genie_core``, not from here.
#[pymodule]
#[pyo3(name = "_genie_core")]
fn genie_core_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", genie_core::VERSION)?;
    m.add_function(wrap_pyfunction!(errors::error_table, m)?)?;
    m.add_function(wrap_pyfunction!(pickle::unpickle, m)?)?;
    m.add_class::<sse::PySseParser>()?;
    m.add_class::<sse::PySseEvent>()?;
    m.add_class::<provider::PyStreamDecoder>()?;
    m.add_class::<provider::PyStreamEvent>()?;
    m.add_class::<provider::PyUsage>()?;
    m.add_class::<provider::PyProviderError>()?;
    m.add_class::<provider::PyStreamSummary>()?;
    Ok(())
}
