//! `genie_call_summary`: what a served call amounted to, with its accessors, and
//! `genie_attempt`, one entry of a call's attempt list (shared with `genie_stream_attempt`).
//!
//! One object type serves both places a summary comes from: `genie_client_complete` hands out
//! an owned one, and a stream's DONE event lends one (the core's summary inside the event,
//! viewed in place). As in rustls-ffi, `genie_call_summary` is only a pointer type: a
//! `*const genie_call_summary` is a `*const CallSummary`, boxed for an owned summary.

use genie_core::client::{Attempt, CallSummary};
use genie_core::Result;

use crate::boundary;
use crate::decoder::genie_usage;
use crate::redact::checked_index;
use crate::status::genie_status;
use crate::text::genie_str;

/// What a served call amounted to: the model that answered, the whole answer, its usage,
/// finish reason, timings and every attempt. Opaque: read it with the `genie_call_summary_*`
/// functions.
///
/// Two kinds exist. `genie_client_complete` hands out an OWNED summary: free it with
/// `genie_call_summary_free`. A stream's DONE event (`genie_call_event.summary`) LENDS one:
/// it belongs to the stream, is valid until `genie_stream_free`, and must not be freed.
///
/// A summary never changes: any number of threads may read it at once (an owned one must be
/// freed once, after the last read).
pub struct genie_call_summary {
    _private: [u8; 0],
}

impl genie_call_summary {
    /// Boxes `summary` for C; `genie_call_summary_free` takes it back.
    pub(super) fn into_raw(summary: CallSummary) -> *mut genie_call_summary {
        Box::into_raw(Box::new(summary)).cast()
    }

    /// `summary` as a borrowed `genie_call_summary`, valid as long as `summary` is.
    pub(super) fn borrow(summary: &CallSummary) -> *const genie_call_summary {
        std::ptr::from_ref(summary).cast()
    }
}

/// The summary behind a pointer C passed in, or `NULL_ARGUMENT`.
///
/// # Safety
/// A non-NULL `summary` must come from [`genie_call_summary::into_raw`] (not yet freed) or
/// [`genie_call_summary::borrow`] (its summary still alive).
unsafe fn summary_arg<'a>(summary: *const genie_call_summary) -> Result<&'a CallSummary> {
    // SAFETY: by the caller's guarantee, a non-NULL pointer is a live, never-mutated
    // CallSummary (both constructors cast one).
    unsafe { boundary::arg_ref(summary.cast::<CallSummary>(), "summary") }
}

/// One attempt of a call, filled in by `genie_call_summary_attempt` or `genie_stream_attempt`
/// into a struct the caller owns. Its strings borrow from the summary or stream it came from
/// (or are static) and stay valid as long as that does.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct genie_attempt {
    /// The catalogue name of the model asked.
    pub model: genie_str,
    /// The provider's name in the configuration.
    pub provider: genie_str,
    /// How it asked: "stream", "non_stream" or "reconnect" (a stream resumed or restarted
    /// after a stall or a cut).
    pub mode: genie_str,
    /// "ok", or the code of the error that ended it ("STREAM_STALLED", "RATE_LIMITED", ...,
    /// the strings of `genie_status_str`).
    pub outcome: genie_str,
    /// The response's HTTP status; -1 when no response headers arrived.
    pub http_status: i32,
    /// The provider's error code or type; absent when it sent none.
    pub error_code: genie_str,
    /// From sending the request to the attempt's end, in milliseconds.
    pub duration_ms: u64,
    /// The backoff waited before it, in milliseconds.
    pub waited_ms: u64,
}

impl genie_attempt {
    pub(super) fn new(attempt: &Attempt) -> Self {
        genie_attempt {
            model: genie_str::new(&attempt.model),
            provider: genie_str::new(&attempt.provider),
            mode: genie_str::new(attempt.mode.as_str()),
            outcome: genie_str::new(attempt.outcome),
            http_status: attempt.http_status.map_or(-1, i32::from),
            error_code: genie_str::optional(attempt.error_code.as_deref()),
            duration_ms: attempt.duration_ms,
            waited_ms: attempt.waited_ms,
        }
    }
}

/// A served call's timings, filled in by `genie_call_summary_timings` into a struct the caller
/// owns. Times are milliseconds from the start of the call (fractions included).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct genie_call_timings {
    /// To the response headers of the answering attempt.
    pub ttfb_ms: f64,
    /// To the first text of the answer kept (after the last reset); -1 for an empty answer.
    pub ttft_ms: f64,
    /// To the end of the call.
    pub total_ms: f64,
    /// Output tokens per second from the first kept text to the end; -1 when unknown (no
    /// token count, or a whole answer that arrived at once).
    pub output_tokens_per_s: f64,
}

/// Writes to `*model_out` the catalogue name of the model that answered and to
/// `*provider_out` its provider's name in the configuration.
///
/// The strings borrow from `summary` (valid as long as it is). No pointer may be NULL
/// (GENIE_STATUS_NULL_ARGUMENT; nothing is then written). Thread-safe.
///
/// # Safety
/// `summary` is NULL or a live summary; the outputs are NULL or point to writable
/// `genie_str`s.
#[no_mangle]
pub unsafe extern "C" fn genie_call_summary_model(
    summary: *const genie_call_summary,
    model_out: *mut genie_str,
    provider_out: *mut genie_str,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees summary is NULL or a live summary from genie.
        let summary = unsafe { summary_arg(summary) }?;
        // SAFETY: the caller guarantees the outputs are NULL or writable.
        let model_out = unsafe { boundary::arg_out(model_out, "model_out") }?;
        // SAFETY: as above.
        let provider_out = unsafe { boundary::arg_out(provider_out, "provider_out") }?;
        model_out.write(genie_str::new(&summary.model));
        provider_out.write(genie_str::new(&summary.provider));
        Ok(())
    })
}

/// Writes to `*text_out` the whole answer (UTF-8, NOT NUL-terminated; what remains after the
/// last reset: exactly what a stream's reader has shown).
///
/// The string borrows from `summary` (valid as long as it is). Both pointers must not be NULL
/// (GENIE_STATUS_NULL_ARGUMENT; `*text_out` is then untouched). Thread-safe.
///
/// # Safety
/// `summary` is NULL or a live summary; `text_out` is NULL or points to a writable
/// `genie_str`.
#[no_mangle]
pub unsafe extern "C" fn genie_call_summary_text(
    summary: *const genie_call_summary,
    text_out: *mut genie_str,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees summary is NULL or a live summary from genie.
        let summary = unsafe { summary_arg(summary) }?;
        // SAFETY: the caller guarantees text_out is NULL or writable.
        let out = unsafe { boundary::arg_out(text_out, "text_out") }?;
        out.write(genie_str::new(&summary.text));
        Ok(())
    })
}

/// Writes to `*usage_out` the answering attempt's usage (failed attempts are not billed to
/// it; -1 for counts the provider did not report). Both pointers must not be NULL
/// (GENIE_STATUS_NULL_ARGUMENT). Thread-safe.
///
/// # Safety
/// `summary` is NULL or a live summary; `usage_out` is NULL or points to a writable
/// `genie_usage`.
#[no_mangle]
pub unsafe extern "C" fn genie_call_summary_usage(
    summary: *const genie_call_summary,
    usage_out: *mut genie_usage,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees summary is NULL or a live summary from genie.
        let summary = unsafe { summary_arg(summary) }?;
        // SAFETY: the caller guarantees usage_out is NULL or writable.
        let out = unsafe { boundary::arg_out(usage_out, "usage_out") }?;
        out.write(summary.usage.into());
        Ok(())
    })
}

/// Writes to `*finish_reason_out` why the model stopped, normalised ("stop", "length",
/// "tool_calls", "content_filter", "error", "other"), and to `*raw_finish_reason_out` the
/// provider's own value; each absent (ptr NULL) when the provider sent none.
///
/// The strings borrow from `summary` (or are static). No pointer may be NULL
/// (GENIE_STATUS_NULL_ARGUMENT; nothing is then written). Thread-safe.
///
/// # Safety
/// `summary` is NULL or a live summary; the outputs are NULL or point to writable
/// `genie_str`s.
#[no_mangle]
pub unsafe extern "C" fn genie_call_summary_finish_reason(
    summary: *const genie_call_summary,
    finish_reason_out: *mut genie_str,
    raw_finish_reason_out: *mut genie_str,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees summary is NULL or a live summary from genie.
        let summary = unsafe { summary_arg(summary) }?;
        // SAFETY: the caller guarantees the outputs are NULL or writable.
        let reason_out = unsafe { boundary::arg_out(finish_reason_out, "finish_reason_out") }?;
        // SAFETY: as above.
        let raw_out = unsafe { boundary::arg_out(raw_finish_reason_out, "raw_finish_reason_out") }?;
        reason_out.write(genie_str::optional(
            summary.finish_reason.map(|r| r.as_str()),
        ));
        raw_out.write(genie_str::optional(summary.raw_finish_reason.as_deref()));
        Ok(())
    })
}

/// Writes to `*complete_out` whether the answer is whole: always true, since a truncated
/// answer never becomes a summary (the call fails instead). Both pointers must not be NULL
/// (GENIE_STATUS_NULL_ARGUMENT). Thread-safe.
///
/// # Safety
/// `summary` is NULL or a live summary; `complete_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_call_summary_complete(
    summary: *const genie_call_summary,
    complete_out: *mut bool,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees summary is NULL or a live summary from genie.
        let summary = unsafe { summary_arg(summary) }?;
        // SAFETY: the caller guarantees complete_out is NULL or writable.
        let out = unsafe { boundary::arg_out(complete_out, "complete_out") }?;
        out.write(summary.complete);
        Ok(())
    })
}

/// Fills the caller-owned `*timings_out` with the call's time to first byte, time to first
/// token, total time and throughput (see `genie_call_timings`). Both pointers must not be
/// NULL (GENIE_STATUS_NULL_ARGUMENT). Thread-safe.
///
/// # Safety
/// `summary` is NULL or a live summary; `timings_out` is NULL or points to a writable
/// `genie_call_timings`.
#[no_mangle]
pub unsafe extern "C" fn genie_call_summary_timings(
    summary: *const genie_call_summary,
    timings_out: *mut genie_call_timings,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees summary is NULL or a live summary from genie.
        let summary = unsafe { summary_arg(summary) }?;
        // SAFETY: the caller guarantees timings_out is NULL or writable.
        let out = unsafe { boundary::arg_out(timings_out, "timings_out") }?;
        out.write(genie_call_timings {
            ttfb_ms: summary.ttfb_ms,
            ttft_ms: summary.ttft_ms.unwrap_or(-1.0),
            total_ms: summary.total_ms,
            output_tokens_per_s: summary.output_tokens_per_s.unwrap_or(-1.0),
        });
        Ok(())
    })
}

/// Writes to `*count_out` how many events were skipped as malformed across the call's
/// attempts (a `strict` configuration fails the attempt instead). Both pointers must not be
/// NULL (GENIE_STATUS_NULL_ARGUMENT). Thread-safe.
///
/// # Safety
/// `summary` is NULL or a live summary; `count_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_call_summary_malformed_events(
    summary: *const genie_call_summary,
    count_out: *mut u64,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees summary is NULL or a live summary from genie.
        let summary = unsafe { summary_arg(summary) }?;
        // SAFETY: the caller guarantees count_out is NULL or writable.
        let out = unsafe { boundary::arg_out(count_out, "count_out") }?;
        out.write(summary.malformed_events);
        Ok(())
    })
}

/// Writes to `*len_out` how many attempts the call made (at least 1: the answering one is
/// last). The valid indexes of `genie_call_summary_attempt` are 0 to len - 1. Both pointers
/// must not be NULL (GENIE_STATUS_NULL_ARGUMENT). Thread-safe.
///
/// # Safety
/// `summary` is NULL or a live summary; `len_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_call_summary_attempts_len(
    summary: *const genie_call_summary,
    len_out: *mut usize,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees summary is NULL or a live summary from genie.
        let summary = unsafe { summary_arg(summary) }?;
        // SAFETY: the caller guarantees len_out is NULL or writable.
        let out = unsafe { boundary::arg_out(len_out, "len_out") }?;
        out.write(summary.attempts.len());
        Ok(())
    })
}

/// Fills the caller-owned `*attempt_out` with attempt number `index`, in the order they were
/// made (the answering one last).
///
/// Its strings borrow from `summary` (or are static) and are valid as long as it is. An
/// `index` past the end gives GENIE_STATUS_INVALID_ARGUMENT; NULL pointers give
/// GENIE_STATUS_NULL_ARGUMENT; `*attempt_out` is untouched on failure. Thread-safe.
///
/// # Safety
/// `summary` is NULL or a live summary; `attempt_out` is NULL or points to writable storage
/// for a `genie_attempt`.
#[no_mangle]
pub unsafe extern "C" fn genie_call_summary_attempt(
    summary: *const genie_call_summary,
    index: usize,
    attempt_out: *mut genie_attempt,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees summary is NULL or a live summary from genie.
        let summary = unsafe { summary_arg(summary) }?;
        // SAFETY: the caller guarantees attempt_out is NULL or writable.
        let out = unsafe { boundary::arg_out(attempt_out, "attempt_out") }?;
        let index = checked_index(index, summary.attempts.len(), "attempts")?;
        out.write(genie_attempt::new(&summary.attempts[index]));
        Ok(())
    })
}

/// Frees a summary from `genie_client_complete`. NULL is accepted and does nothing. Never
/// pass the summary of a DONE event: it belongs to its stream (`genie_stream_free` frees it).
/// Do not use the pointer afterwards, and do not free it while another thread reads it.
///
/// # Safety
/// `summary` is NULL or an owned summary from `genie_client_complete`, not used again
/// afterwards.
#[no_mangle]
pub unsafe extern "C" fn genie_call_summary_free(summary: *mut genie_call_summary) {
    boundary::catch(
        || (),
        || {
            if !summary.is_null() {
                // SAFETY: a non-NULL owned summary came from genie_call_summary::into_raw (a
                // boxed CallSummary) and the caller gives up its ownership.
                drop(unsafe { Box::from_raw(summary.cast::<CallSummary>()) });
            }
        },
    );
}
