//! Pickling (and `copy`) for the value classes, so events, summaries, redaction results and
//! client call values can cross process boundaries (`multiprocessing`, `concurrent.futures`),
//! alone or inside a `LimitExceededError.events` or a client error's `.attempts`.
//!
//! Each value's `__reduce__` returns `(genie_core._genie_core._unpickle, (class name, state))`;
//! `_unpickle` rebuilds the value through the core's types, so an unpickled value is exactly
//! one that `feed`/`finish` could have returned. The classes have no public constructor.

use genie_core::provider::{
    ErrorClass, FinishReason, Provider, ProviderError, StreamEvent, StreamSummary, Usage,
};
use genie_core::redact::Mapping;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyString, PyTuple};
use std::collections::BTreeMap;

use crate::call_events;
use crate::errors::{invalid_argument, to_py_err};
use crate::provider::{PyProviderError, PyStreamEvent, PyStreamSummary, PyUsage};
use crate::redacted::{self, PyFinding, PyMapping, PyRedacted};
use crate::sse::PySseEvent;

static UNPICKLE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The `__reduce__` value for a `class` whose state is `state`.
pub fn reduce<'py>(
    py: Python<'py>,
    class: &'static str,
    state: Bound<'py, PyTuple>,
) -> PyResult<Bound<'py, PyTuple>> {
    let unpickle = UNPICKLE.import(py, "genie_core._genie_core", "_unpickle")?;
    let args = PyTuple::new(py, [PyString::new(py, class).into_any(), state.into_any()])?;
    PyTuple::new(py, [unpickle.clone(), args.into_any()])
}

type UsageState = (
    Option<u64>,
    Option<u64>,
    Option<u64>,
    Option<u64>,
    Option<u64>,
);
type ErrorState = (String, String, Option<String>);
type EventState<'py> = (
    String,
    Option<String>,
    Option<Bound<'py, PyUsage>>,
    Option<String>,
    Option<String>,
    Option<Bound<'py, PyProviderError>>,
    Option<String>,
    Option<String>,
);
type FindingState = (String, usize, usize, Option<String>);
type RedactedState<'py> = (
    String,
    Vec<Bound<'py, PyFinding>>,
    Bound<'py, PyMapping>,
    BTreeMap<String, u64>,
);
type SummaryState<'py> = (
    String,
    String,
    Bound<'py, PyUsage>,
    Option<String>,
    Option<String>,
    bool,
    Option<Bound<'py, PyProviderError>>,
    u64,
    u64,
);

/// Rebuilds a value pickled by its ``__reduce__``. Private: pickle calls it.
#[pyfunction]
#[pyo3(name = "_unpickle")]
pub fn unpickle<'py>(
    py: Python<'py>,
    class: &str,
    state: &Bound<'py, PyTuple>,
) -> PyResult<Bound<'py, PyAny>> {
    let bad = || {
        invalid_argument(
            py,
            format!("cannot unpickle a genie_core.{class} from {state}"),
        )
    };
    match class {
        "SseEvent" => {
            let (event, data, id) = state.extract().map_err(|_| bad())?;
            Ok(Bound::new(py, PySseEvent { event, data, id })?.into_any())
        }
        "Usage" => {
            let usage = usage(state.extract().map_err(|_| bad())?);
            Ok(Bound::new(py, PyUsage(usage))?.into_any())
        }
        "ProviderError" => {
            let error = provider_error(state.extract().map_err(|_| bad())?).ok_or_else(bad)?;
            Ok(Bound::new(py, PyProviderError(error))?.into_any())
        }
        "StreamEvent" => {
            let event = stream_event(state.extract().map_err(|_| bad())?).ok_or_else(bad)?;
            Ok(Bound::new(py, PyStreamEvent::new(py, event.as_event_ref())?)?.into_any())
        }
        "StreamSummary" => {
            let state: SummaryState<'_> = state.extract().map_err(|_| bad())?;
            let summary = stream_summary(py, state)?.ok_or_else(bad)?;
            Ok(Bound::new(py, PyStreamSummary(summary))?.into_any())
        }
        "Finding" => {
            let finding = finding(state.extract().map_err(|_| bad())?).ok_or_else(bad)?;
            Ok(Bound::new(py, finding)?.into_any())
        }
        "Mapping" => {
            let (pairs,): (Vec<(String, String)>,) = state.extract().map_err(|_| bad())?;
            Ok(Bound::new(py, PyMapping(pairs.into_iter().collect::<Mapping>()))?.into_any())
        }
        "Redacted" => {
            let (text, findings, mapping, counts): RedactedState<'_> =
                state.extract().map_err(|_| bad())?;
            let findings = findings.iter().map(|f| f.get().clone()).collect();
            let mapping = mapping.get().0.clone();
            Ok(Bound::new(py, PyRedacted::new(py, &text, findings, mapping, counts)?)?.into_any())
        }
        "CallEvent" | "CallSummary" | "Attempt" => {
            call_events::unpickle(py, class, state)?.ok_or_else(bad)
        }
        _ => Err(bad()),
    }
}

fn finding((kind, start, end, operator): FindingState) -> Option<PyFinding> {
    let operator = match operator {
        Some(name) => Some(redacted::operator(&name)?),
        None => None,
    };
    if start > end {
        return None;
    }
    Some(PyFinding {
        entity: redacted::entity(&kind)?,
        start,
        end,
        operator,
    })
}

fn usage(state: UsageState) -> Usage {
    let (input_tokens, output_tokens, total_tokens, cached_tokens, reasoning_tokens) = state;
    Usage {
        input_tokens,
        output_tokens,
        total_tokens,
        cached_tokens,
        reasoning_tokens,
    }
}

fn provider_error((kind, message, code): ErrorState) -> Option<ProviderError> {
    let kind = *ErrorClass::ALL.iter().find(|k| k.as_str() == kind)?;
    Some(ProviderError {
        kind,
        message,
        code,
    })
}

fn finish_reason(name: &str) -> Option<FinishReason> {
    FinishReason::ALL
        .iter()
        .copied()
        .find(|r| r.as_str() == name)
}

fn stream_event(state: EventState<'_>) -> Option<StreamEvent> {
    let (kind, text, usage, finish, raw, error, message, payload) = state;
    Some(match kind.as_str() {
        "text" => StreamEvent::Text(text?),
        "usage" => StreamEvent::Usage(usage?.get().0),
        "finish" => StreamEvent::Finish {
            reason: finish_reason(&finish?)?,
            raw: raw?,
        },
        "error" => StreamEvent::Error(error?.get().0.clone()),
        "malformed" => StreamEvent::Malformed {
            message: message?,
            payload: payload?,
        },
        _ => return None,
    })
}

fn stream_summary(py: Python<'_>, state: SummaryState<'_>) -> PyResult<Option<StreamSummary>> {
    let (provider, text, usage, finish, raw, complete, error, malformed, keepalives) = state;
    let provider = Provider::from_name(&provider).map_err(|e| to_py_err(py, &e))?;
    let finish_reason = match finish {
        Some(name) => match finish_reason(&name) {
            Some(reason) => Some(reason),
            None => return Ok(None),
        },
        None => None,
    };
    Ok(Some(StreamSummary {
        provider,
        text,
        usage: usage.get().0,
        finish_reason,
        raw_finish_reason: raw,
        complete,
        error: error.map(|e| e.get().0.clone()),
        malformed_events: malformed,
        keepalives,
    }))
}
