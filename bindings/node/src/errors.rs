//! genie's error table rendered for JavaScript: every error the addon throws is a plain `Error`
//! whose `.code` is the core's code string, `.status` the core's number and `.message` the
//! core's message (DESIGN.md §2).
//!
//! napi-rs sets `code` from an error's status string, but has no slot for a numeric `status`,
//! for the `events` a recoverable `LIMIT_EXCEEDED` carries, or for the attempts of a failed
//! client call. So we build the JS `Error` object ourselves and hand it to napi wrapped in a
//! `napi::Error` made `From<Unknown>`: napi keeps a reference to that object and throws (or
//! rejects with) it unchanged.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use genie_core::{Error as CoreError, ErrorKind};
use napi::bindgen_prelude::{Array, FromNapiValue, JsObjectValue, Object};
use napi::{Env, JsError, JsValue, Status};
use napi_derive::napi;

use crate::call_values;
use crate::objects::Builder;
use crate::results::unknown;

/// One row of genie's error table.
#[napi(object, object_from_js = false)]
pub struct ErrorTableEntry {
    /// The stable code string, also thrown errors' `.code` (`"LIMIT_EXCEEDED"`).
    pub code: &'static str,
    /// The stable number, also thrown errors' `.status` (`1004`).
    pub status: u32,
}

/// Every error genie can throw, in table order: `[{ code, status }]`. Thrown errors carry the
/// same `code` and `status`.
#[napi]
pub fn error_table() -> Vec<ErrorTableEntry> {
    ErrorKind::ALL
        .iter()
        .map(|kind| ErrorTableEntry {
            code: kind.code(),
            status: kind.status(),
        })
        .collect()
}

/// The JS error for a core error.
pub(crate) fn to_js(env: &Env, error: &CoreError) -> napi::Error {
    build(env, error.kind(), error.message(), None)
}

/// The JS error for a core error, with `err.events` holding the events the same call produced
/// (a `LIMIT_EXCEEDED` from `feed` loses nothing: the parser continues).
pub(crate) fn with_events(env: &Env, error: &CoreError, events: Array<'_>) -> napi::Error {
    build(env, error.kind(), error.message(), Some(events))
}

/// An `INVALID_ARGUMENT` error whose message says what was given and what is accepted.
pub(crate) fn invalid_argument(env: &Env, message: &str) -> napi::Error {
    build(env, ErrorKind::InvalidArgument, message, None)
}

/// Runs `body`, turning a panic into an `INTERNAL` error instead of letting it unwind into
/// Node (which would abort the process).
pub(crate) fn guard<T>(env: &Env, body: impl FnOnce() -> napi::Result<T>) -> napi::Result<T> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(payload) => Err(to_js(env, &panicked(payload.as_ref()))),
    }
}

/// The `INTERNAL` error for a caught panic (also off the JS thread, where no JS error can be
/// made yet).
pub(crate) fn panicked(payload: &(dyn Any + Send)) -> CoreError {
    CoreError::new(
        ErrorKind::Internal,
        format!(
            "genie panicked (a bug in genie; please report it): {}",
            panic_text(payload)
        ),
    )
}

fn panic_text(payload: &(dyn Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "no message"
    }
}

pub(crate) fn build(
    env: &Env,
    kind: ErrorKind,
    message: &str,
    events: Option<Array<'_>>,
) -> napi::Error {
    build_with(env, kind, message, |object| match events {
        Some(events) => object.set_named_property("events", events),
        None => Ok(()),
    })
}

/// The JS error for a failed call of the client: the core error's `code`, `status` and
/// `message`, plus what the call went through: `attempts` (every attempt, `[]` when the
/// request was refused before any), `httpStatus`, `providerCode` and `retryAfterMs` (`null`
/// when unknown).
pub(crate) fn call_error(env: &Env, error: &CoreError) -> napi::Error {
    build_with(env, error.kind(), error.message(), |object| {
        let details = error.details();
        let mut js = Builder::new(env);
        let attempts = call_values::attempts(&mut js, details.map_or(&[], |d| &d.attempts))?;
        let http_status = js.number(details.and_then(|d| d.http_status).map(f64::from))?;
        let provider_code = js.optional_string(details.and_then(|d| d.provider_code.as_deref()))?;
        let retry_after = js.number(details.and_then(|d| d.retry_after_ms).map(|ms| ms as f64))?;
        object.set_named_property("attempts", unknown(env, attempts.raw()))?;
        object.set_named_property("httpStatus", unknown(env, http_status))?;
        object.set_named_property("providerCode", unknown(env, provider_code))?;
        object.set_named_property("retryAfterMs", unknown(env, retry_after))
    })
}

fn build_with(
    env: &Env,
    kind: ErrorKind,
    message: &str,
    extra: impl FnOnce(&mut Object<'_>) -> napi::Result<()>,
) -> napi::Error {
    decorate(env, kind, message, extra).unwrap_or_else(|failure| {
        // The JS engine could not even build an error object (it is shutting down): a plain
        // napi error with the code in its text is the most that can still be thrown.
        napi::Error::new(
            Status::GenericFailure,
            format!("{}: {message} ({failure})", kind.code()),
        )
    })
}

fn decorate(
    env: &Env,
    kind: ErrorKind,
    message: &str,
    extra: impl FnOnce(&mut Object<'_>) -> napi::Result<()>,
) -> napi::Result<napi::Error> {
    let error = JsError::from(napi::Error::new(kind.code(), message)).into_unknown(*env);
    let mut object = Object::from_unknown(error)?;
    object.set_named_property("status", kind.status())?;
    extra(&mut object)?;
    Ok(napi::Error::from(object.to_unknown()))
}
