//! genie's Python extension module, `genie_core._genie_core`.
//!
//! A private native module behind the pure-Python package `genie_core` (which re-exports it
//! with the exception classes, type stubs and `py.typed`). It only translates: Python
//! arguments to core types ([`args`], [`config`]), core errors to the exception classes
//! ([`errors`]), the core's parser ([`sse`]), decoders ([`provider`]), PII redactor
//! ([`redact`], [`redacted`], [`offsets`], [`restorer`]) and resilient client ([`client`],
//! [`async_stream`], [`sync_stream`], [`feed`], [`call_events`]) to Python classes, and those
//! values to and from pickles ([`pickle`]). All behaviour is in `genie_core`.

mod args;
mod async_stream;
mod call_events;
mod client;
mod config;
mod errors;
mod feed;
mod offsets;
mod pickle;
mod provider;
mod redact;
mod redacted;
mod restorer;
mod sse;
mod sync_stream;

use pyo3::prelude::*;

/// genie's native core: the SSE parser, the provider stream decoders, the PII redactor and the
/// resilient streaming client.
/// Import the public names from ``genie_core``, not from here.
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
    m.add_class::<redact::PyRedactor>()?;
    m.add_class::<redact::PyStreamRedactor>()?;
    m.add_class::<restorer::PyStreamRestorer>()?;
    m.add_class::<redacted::PyFinding>()?;
    m.add_class::<redacted::PyRedacted>()?;
    m.add_class::<redacted::PyMapping>()?;
    m.add_class::<client::PyClient>()?;
    m.add_class::<async_stream::PyCallStream>()?;
    m.add_class::<sync_stream::PySyncCallStream>()?;
    m.add_class::<call_events::PyCallEvent>()?;
    m.add_class::<call_events::PyCallSummary>()?;
    m.add_class::<call_events::PyAttempt>()?;
    Ok(())
}
