//! `genie_stream`: one call's events, pulled by C with `genie_stream_next`, and
//! `genie_stream_cancel` from any thread.
//!
//! The core's [`CallStream`] runs only while polled, so the C thread that pulls drives the
//! call: `genie_stream_next` blocks that thread on genie's runtime until an event, the
//! timeout, or a cancellation. The synchronisation that lets another thread cancel:
//!
//! - the `CallStream` and what C borrows (the last event, the outcome) sit behind a `Mutex`
//!   that `genie_stream_next` holds for as long as it waits;
//! - `genie_stream_cancel` never waits for that lock: it sets a flag and wakes the waiter
//!   through a `Notify` (whose stored permit also covers a waiter that has not started to
//!   wait yet). The waiter drops the `CallStream` — closing its HTTP connection — and returns
//!   `CANCELLED`. When no thread is waiting, `genie_stream_cancel` takes the lock itself and
//!   drops the `CallStream` at once, so a cancelled call never keeps a connection open.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::Duration;

use futures_util::StreamExt;
use genie_core::client::{Attempt, CallEvent, CallStream};
use genie_core::{Error, ErrorKind, Result};
use tokio::runtime::Runtime;
use tokio::sync::Notify;

use super::summary::{genie_attempt, genie_call_summary};
use crate::boundary::{self, Out};
use crate::decoder::genie_usage;
use crate::redact::checked_index;
use crate::status::genie_status;
use crate::text::genie_str;

/// The `timeout_ms` of `genie_stream_next` that waits for the next event however long it
/// takes (the call's own deadline, `timeouts.total_ms` in the configuration, still bounds it).
pub const GENIE_STREAM_WAIT_FOREVER: u32 = u32::MAX;

/// What a `genie_call_event` carries; the fields not listed for a type are absent (strings
/// with ptr NULL, numbers 0 or -1 as documented, `summary` NULL).
/// cbindgen:prefix-with-name=false
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum genie_call_event_type {
    /// An attempt began: `model`, `provider`, `attempt` (1-based, counted across the call),
    /// `mode` ("stream" or "non_stream"; a reconnect is a "stream" attempt).
    GENIE_CALL_EVENT_STARTED = 0,
    /// A piece of the answer (`text`), to append to what was shown since the start or the
    /// last reset.
    GENIE_CALL_EVENT_TEXT = 1,
    /// Discard all the text shown so far: replacement text follows. `reason` (short,
    /// user-facing) and `model` (whose text is discarded).
    GENIE_CALL_EVENT_RESET = 2,
    /// Something the user may want to know, as a toast: `kind` ("retrying", "reconnecting",
    /// "non_stream_fallback", "failed_over", "circuit_open"), `message` (a short user-facing
    /// sentence), `model` (the one it is about: the one failed over to, for "failed_over") and
    /// `delay_ms` (the wait before the next attempt, -1 when there is none).
    GENIE_CALL_EVENT_NOTICE = 3,
    /// The answering attempt's final usage (`usage`), once, right before DONE.
    GENIE_CALL_EVENT_USAGE = 4,
    /// The call is over and the answer is whole (`summary`). Always the last event of a call
    /// that was served; the next `genie_stream_next` returns GENIE_STATUS_STREAM_END.
    GENIE_CALL_EVENT_DONE = 5,
}

/// One thing that happened during a call, filled in by `genie_stream_next` into a struct the
/// caller owns. `type` says which fields are set (see `genie_call_event_type`); the others are
/// absent: strings with ptr NULL, `attempt` 0, `delay_ms` -1, usage counts -1, `summary` NULL.
///
/// The strings borrow from the stream and are valid until the next `genie_stream_next` or
/// `genie_stream_free` on that stream, whichever comes first; copy what you keep. A DONE
/// event's `summary` stays valid until `genie_stream_free`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct genie_call_event {
    /// Which kind of event this is.
    pub r#type: genie_call_event_type,
    /// STARTED, RESET, NOTICE: the catalogue name of the model concerned.
    pub model: genie_str,
    /// STARTED: the provider's name in the configuration.
    pub provider: genie_str,
    /// STARTED: the attempt's number, 1-based across the whole call; 0 for other types.
    pub attempt: u32,
    /// STARTED: "stream" or "non_stream".
    pub mode: genie_str,
    /// TEXT: the delta (the provider's deltas that arrived in one network read).
    pub text: genie_str,
    /// RESET: why the text is discarded.
    pub reason: genie_str,
    /// NOTICE: "retrying", "reconnecting", "non_stream_fallback", "failed_over" or
    /// "circuit_open".
    pub kind: genie_str,
    /// NOTICE: a short user-facing sentence.
    pub message: genie_str,
    /// NOTICE: the wait in milliseconds before the next attempt; -1 when there is none.
    pub delay_ms: i64,
    /// USAGE: token counts as the provider reported them (-1 where it did not).
    pub usage: genie_usage,
    /// DONE: what the call amounted to; read it with the `genie_call_summary_*` functions.
    /// BORROWED from the stream: valid until `genie_stream_free`; do not free it.
    pub summary: *const genie_call_summary,
}

impl genie_call_event {
    fn new(event: &CallEvent) -> Self {
        use genie_call_event_type::*;
        let absent = |kind| genie_call_event {
            r#type: kind,
            model: genie_str::ABSENT,
            provider: genie_str::ABSENT,
            attempt: 0,
            mode: genie_str::ABSENT,
            text: genie_str::ABSENT,
            reason: genie_str::ABSENT,
            kind: genie_str::ABSENT,
            message: genie_str::ABSENT,
            delay_ms: -1,
            usage: genie_core::provider::Usage::default().into(),
            summary: std::ptr::null(),
        };
        match event {
            CallEvent::Started {
                model,
                provider,
                attempt,
                mode,
            } => genie_call_event {
                model: genie_str::new(model),
                provider: genie_str::new(provider),
                attempt: *attempt,
                mode: genie_str::new(mode.as_str()),
                ..absent(GENIE_CALL_EVENT_STARTED)
            },
            CallEvent::Text { text } => genie_call_event {
                text: genie_str::new(text),
                ..absent(GENIE_CALL_EVENT_TEXT)
            },
            CallEvent::Reset { reason, model } => genie_call_event {
                reason: genie_str::new(reason),
                model: genie_str::new(model),
                ..absent(GENIE_CALL_EVENT_RESET)
            },
            CallEvent::Notice {
                kind,
                message,
                model,
                delay_ms,
            } => genie_call_event {
                kind: genie_str::new(kind.as_str()),
                message: genie_str::new(message),
                model: genie_str::new(model),
                delay_ms: delay_ms.map_or(-1, |ms| i64::try_from(ms).unwrap_or(i64::MAX)),
                ..absent(GENIE_CALL_EVENT_NOTICE)
            },
            CallEvent::Usage { usage } => genie_call_event {
                usage: (*usage).into(),
                ..absent(GENIE_CALL_EVENT_USAGE)
            },
            CallEvent::Done { summary } => genie_call_event {
                summary: genie_call_summary::borrow(summary),
                ..absent(GENIE_CALL_EVENT_DONE)
            },
        }
    }
}

/// Why a stream's call failed, filled in by `genie_stream_error` into a struct the caller
/// owns. Its strings borrow from the stream and are valid until `genie_stream_free`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct genie_call_error {
    /// The status `genie_stream_next` returned for the failure; GENIE_STATUS_OK when the
    /// call has not failed (it is running, or it was served).
    pub status: genie_status,
    /// What happened, for a person (never contains an API key); absent when `status` is OK.
    pub message: genie_str,
    /// The HTTP status of the provider response behind the failure; -1 when there was none.
    pub http_status: i32,
    /// The provider's own error code or type ("insufficient_quota", "RESOURCE_EXHAUSTED");
    /// absent when it sent none.
    pub provider_code: genie_str,
    /// How long the provider asked to wait before trying again, in milliseconds; -1 when it
    /// did not say.
    pub retry_after_ms: i64,
}

impl genie_call_error {
    fn new(error: Option<&Error>) -> Self {
        let Some(error) = error else {
            return genie_call_error {
                status: genie_status::Ok,
                message: genie_str::ABSENT,
                http_status: -1,
                provider_code: genie_str::ABSENT,
                retry_after_ms: -1,
            };
        };
        let details = error.details();
        genie_call_error {
            status: genie_status::from(error.kind()),
            message: genie_str::new(error.message()),
            http_status: details.and_then(|d| d.http_status).map_or(-1, i32::from),
            provider_code: genie_str::optional(details.and_then(|d| d.provider_code.as_deref())),
            retry_after_ms: details
                .and_then(|d| d.retry_after_ms)
                .map_or(-1, |ms| i64::try_from(ms).unwrap_or(i64::MAX)),
        }
    }
}

/// One call in progress: its events, in order, through `genie_stream_next`. Opaque: made by
/// `genie_client_stream`, freed with `genie_stream_free`.
///
/// Threads: one thread at a time may call `genie_stream_next`, `genie_stream_error`,
/// `genie_stream_attempts_len`, `genie_stream_attempt` and `genie_stream_free` on a stream
/// (moving it between threads is fine). `genie_stream_cancel` is the exception: any thread
/// may call it at any time while the stream is alive, including while another thread is
/// blocked in `genie_stream_next`. Free the stream only once no other thread uses it.
pub struct genie_stream {
    runtime: &'static Runtime,
    /// Set once by `genie_stream_cancel`; never cleared.
    cancelled: AtomicBool,
    /// Wakes a `genie_stream_next` that is waiting when `genie_stream_cancel` is called.
    wake: Notify,
    state: Mutex<State>,
}

/// What `genie_stream_next` holds while it waits.
struct State {
    /// The call, while it runs; dropped (aborting its HTTP request) as soon as it ends or is
    /// cancelled.
    call: Option<CallStream>,
    outcome: Outcome,
    /// The event last handed out: C borrows its strings. After DONE it is the DONE event,
    /// kept until the stream is freed.
    event: Option<CallEvent>,
}

enum Outcome {
    Running,
    /// DONE was handed out.
    Served,
    /// The call failed or was cancelled; every later `genie_stream_next` returns this again.
    Failed(Error),
}

/// What one wait in `genie_stream_next` ended with.
enum Polled {
    Item(Option<Result<CallEvent>>),
    TimedOut,
    Cancelled,
}

fn cancelled() -> Error {
    Error::new(
        ErrorKind::Cancelled,
        "the call was cancelled with genie_stream_cancel",
    )
}

impl State {
    /// Ends the call with `outcome`, dropping the `CallStream` inside the runtime whose
    /// reactor its sockets and timers belong to.
    fn end(&mut self, runtime: &Runtime, outcome: Outcome) {
        let _inside = runtime.enter();
        self.call = None;
        self.outcome = outcome;
    }

    /// The attempts of the call once it ended: the summary's when served, the error's when it
    /// failed; none while it runs.
    fn attempts(&self) -> &[Attempt] {
        match (&self.outcome, &self.event) {
            (Outcome::Served, Some(CallEvent::Done { summary })) => &summary.attempts,
            (Outcome::Failed(error), _) => error.details().map_or(&[], |d| &d.attempts),
            _ => &[],
        }
    }
}

impl genie_stream {
    pub(super) fn new(runtime: &'static Runtime, call: CallStream) -> Self {
        genie_stream {
            runtime,
            cancelled: AtomicBool::new(false),
            wake: Notify::new(),
            state: Mutex::new(State {
                call: Some(call),
                outcome: Outcome::Running,
                event: None,
            }),
        }
    }

    pub(super) fn into_raw(self) -> *mut genie_stream {
        Box::into_raw(Box::new(self))
    }

    /// The state. A panic while it was held (a bug, reported as GENIE_STATUS_INTERNAL) leaves
    /// it usable: the caller was told to free the stream.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for the call's next item, the timeout or a cancellation.
    async fn wait(&self, call: &mut CallStream, timeout_ms: u32) -> Polled {
        let next = async {
            if timeout_ms == GENIE_STREAM_WAIT_FOREVER {
                return Polled::Item(call.next().await);
            }
            // `timeout` polls the call before looking at the clock: a timeout of 0 polls once.
            let timeout = Duration::from_millis(u64::from(timeout_ms));
            match tokio::time::timeout(timeout, call.next()).await {
                Ok(item) => Polled::Item(item),
                Err(_) => Polled::TimedOut,
            }
        };
        tokio::select! {
            biased;
            () = self.wake.notified() => Polled::Cancelled,
            polled = next => polled,
        }
    }

    fn next(&self, timeout_ms: u32, out: Out<'_, genie_call_event>) -> Result<genie_status> {
        let mut state = self.lock();
        match &state.outcome {
            Outcome::Served => return Ok(genie_status::StreamEnd),
            Outcome::Failed(error) => return Err(error.clone()),
            Outcome::Running => {}
        }
        // The previous event's strings are released here, as documented.
        state.event = None;
        let polled = match state.call.as_mut() {
            Some(call) if !self.cancelled.load(Ordering::Acquire) => {
                super::block_on(self.runtime, self.wait(call, timeout_ms))?
            }
            // Cancelled before this call (genie_stream_cancel may have dropped the call).
            _ => Polled::Cancelled,
        };
        let event = match polled {
            Polled::TimedOut => return Ok(genie_status::WouldBlock),
            Polled::Cancelled => {
                state.end(self.runtime, Outcome::Failed(cancelled()));
                return Err(cancelled());
            }
            Polled::Item(Some(Ok(event))) => event,
            Polled::Item(Some(Err(error))) => {
                state.end(self.runtime, Outcome::Failed(error.clone()));
                return Err(error);
            }
            Polled::Item(None) => {
                let error = Error::new(ErrorKind::Internal, "the call ended without an outcome");
                state.end(self.runtime, Outcome::Failed(error.clone()));
                return Err(error);
            }
        };
        if matches!(event, CallEvent::Done { .. }) {
            // DONE is the last event: the call has nothing left to do.
            state.end(self.runtime, Outcome::Served);
        }
        out.write(genie_call_event::new(state.event.insert(event)));
        Ok(genie_status::Ok)
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
        // Wakes the thread waiting in genie_stream_next, or leaves a permit for the wait
        // about to start.
        self.wake.notify_one();
        let idle = match self.state.try_lock() {
            Ok(state) => Some(state),
            Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            // A thread is in genie_stream_next: the wake-up makes it drop the call.
            Err(TryLockError::WouldBlock) => None,
        };
        if let Some(mut state) = idle {
            // Only the call: the event C may be reading on the owning thread stays.
            let _inside = self.runtime.enter();
            state.call = None;
        }
    }
}

/// Waits up to `timeout_ms` milliseconds for the call's next event and fills the caller-owned
/// `*event_out` with it.
///
/// Returns:
/// - GENIE_STATUS_OK: `*event_out` holds the next event (see `genie_call_event` for its
///   fields and how long its strings stay valid);
/// - GENIE_STATUS_WOULD_BLOCK (not an error): no event within `timeout_ms`; call again. A
///   `timeout_ms` of 0 never waits: it lets the call make what progress it can and returns.
///   GENIE_STREAM_WAIT_FOREVER waits until the next event, bounded by the call's own deadline;
/// - GENIE_STATUS_STREAM_END (not an error): DONE was returned earlier; nothing follows;
/// - GENIE_STATUS_CANCELLED: `genie_stream_cancel` was called (from any thread, also while
///   this function was waiting: it returns promptly); the HTTP request has been aborted;
/// - another error: the call cannot be served (GENIE_STATUS_RATE_LIMITED,
///   GENIE_STATUS_PAYMENT_REQUIRED, GENIE_STATUS_STREAM_STALLED, GENIE_STATUS_NO_ROUTE, an
///   unknown model's GENIE_STATUS_INVALID_ARGUMENT, ...). `genie_last_error_message` says what
///   happened; `genie_stream_error` and `genie_stream_attempt` give the details and every
///   attempt made. A truncated answer always ends this way, never with DONE.
///
/// Once a stream has ended, every later call returns the same STREAM_END or error again.
/// `*event_out` is written only with GENIE_STATUS_OK. The previous event's strings (except a
/// DONE event's) become invalid as soon as this function is called.
///
/// The call makes progress only while a thread is inside this function: the network reads,
/// retries and reconnects happen on the calling thread (driven by genie's runtime), and
/// bytes that arrive in between wait in the socket. Call it again promptly.
///
/// `stream` and `event_out` must not be NULL. One thread at a time (except
/// `genie_stream_cancel`, from any thread). Must not be called from a thread that runs a
/// tokio runtime (GENIE_STATUS_INVALID_ARGUMENT).
///
/// # Safety
/// `stream` is NULL or a live stream; `event_out` is NULL or points to writable storage for a
/// `genie_call_event`.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_next(
    stream: *mut genie_stream,
    timeout_ms: u32,
    event_out: *mut genie_call_event,
) -> genie_status {
    boundary::call_status(|| {
        // SAFETY: the caller guarantees stream is NULL or a live stream; its state is only
        // reached through its Mutex and atomics.
        let stream = unsafe { boundary::arg_ref(stream.cast_const(), "stream") }?;
        // SAFETY: the caller guarantees event_out is NULL or writable.
        let out = unsafe { boundary::arg_out(event_out, "event_out") }?;
        stream.next(timeout_ms, out)
    })
}

/// Cancels the call: a `genie_stream_next` waiting on it in another thread returns
/// GENIE_STATUS_CANCELLED promptly, and so does every later one; the HTTP request is aborted
/// (its connection closed) at once, whether or not a thread is waiting. Cancelling a stream
/// that already ended (DONE or an error) changes nothing; cancelling twice is harmless.
///
/// Returns GENIE_STATUS_OK, or GENIE_STATUS_NULL_ARGUMENT for a NULL `stream`. Thread-safe:
/// callable from any thread at any time while the stream is alive (not after or during
/// `genie_stream_free`). It never blocks for long: it does not wait for the thread in
/// `genie_stream_next`.
///
/// # Safety
/// `stream` is NULL or a live stream.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_cancel(stream: *mut genie_stream) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees stream is NULL or a live stream; cancel only uses its
        // atomics, Notify and Mutex, which are safe to share between threads.
        let stream = unsafe { boundary::arg_ref(stream.cast_const(), "stream") }?;
        stream.cancel();
        Ok(())
    })
}

/// Fills the caller-owned `*error_out` with why the call failed: the status
/// `genie_stream_next` returned for it, the message, and the provider's HTTP status, error
/// code and requested wait when known. A stream that has not failed (still running, or
/// served) gives `status` GENIE_STATUS_OK with every other field absent.
///
/// The strings borrow from the stream and are valid until `genie_stream_free`. Both pointers
/// must not be NULL (GENIE_STATUS_NULL_ARGUMENT; `*error_out` is then untouched). One thread
/// at a time, like `genie_stream_next`.
///
/// # Safety
/// `stream` is NULL or a live stream; `error_out` is NULL or points to writable storage for a
/// `genie_call_error`.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_error(
    stream: *const genie_stream,
    error_out: *mut genie_call_error,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees stream is NULL or a live stream.
        let stream = unsafe { boundary::arg_ref(stream, "stream") }?;
        // SAFETY: the caller guarantees error_out is NULL or writable.
        let out = unsafe { boundary::arg_out(error_out, "error_out") }?;
        let state = stream.lock();
        let error = match &state.outcome {
            Outcome::Failed(error) => Some(error),
            Outcome::Running | Outcome::Served => None,
        };
        // An outcome, once set, never changes until the stream is freed: the strings stay.
        out.write(genie_call_error::new(error));
        Ok(())
    })
}

/// Writes to `*len_out` how many attempts the call made, once it has ended: those of the
/// failure after an error (possibly 0: a request refused before any attempt, a cancelled
/// call), those of the summary after DONE; 0 while it runs. The valid indexes of
/// `genie_stream_attempt` are 0 to len - 1. Both pointers must not be NULL
/// (GENIE_STATUS_NULL_ARGUMENT). One thread at a time, like `genie_stream_next`.
///
/// # Safety
/// `stream` is NULL or a live stream; `len_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_attempts_len(
    stream: *const genie_stream,
    len_out: *mut usize,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees stream is NULL or a live stream.
        let stream = unsafe { boundary::arg_ref(stream, "stream") }?;
        // SAFETY: the caller guarantees len_out is NULL or writable.
        let out = unsafe { boundary::arg_out(len_out, "len_out") }?;
        out.write(stream.lock().attempts().len());
        Ok(())
    })
}

/// Fills the caller-owned `*attempt_out` with attempt number `index` (in the order they were
/// made, the answering one last) of a call that ended; see `genie_stream_attempts_len`.
///
/// Its strings borrow from the stream and are valid until `genie_stream_free`. An `index`
/// past the end gives GENIE_STATUS_INVALID_ARGUMENT; NULL pointers give
/// GENIE_STATUS_NULL_ARGUMENT; `*attempt_out` is untouched on failure. One thread at a time,
/// like `genie_stream_next`.
///
/// # Safety
/// `stream` is NULL or a live stream; `attempt_out` is NULL or points to writable storage for
/// a `genie_attempt`.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_attempt(
    stream: *const genie_stream,
    index: usize,
    attempt_out: *mut genie_attempt,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees stream is NULL or a live stream.
        let stream = unsafe { boundary::arg_ref(stream, "stream") }?;
        // SAFETY: the caller guarantees attempt_out is NULL or writable.
        let out = unsafe { boundary::arg_out(attempt_out, "attempt_out") }?;
        let state = stream.lock();
        let attempts = state.attempts();
        let index = checked_index(index, attempts.len(), "attempts")?;
        out.write(genie_attempt::new(&attempts[index]));
        Ok(())
    })
}

/// Frees a stream: a call still running is cancelled and its HTTP request aborted; the
/// events, summary, error and attempts borrowed from it become invalid. NULL is accepted and
/// does nothing. Do not use the pointer afterwards, and do not free it while another thread
/// is still using it (in `genie_stream_next`, `genie_stream_cancel` or any other function):
/// to stop a stream another thread is reading, call `genie_stream_cancel`, let that thread
/// return from `genie_stream_next`, then free it.
///
/// # Safety
/// `stream` is NULL or a live stream from genie that no other thread uses, not used again
/// afterwards.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_free(stream: *mut genie_stream) {
    boundary::catch(
        || (),
        || {
            if !stream.is_null() {
                // SAFETY: a non-NULL stream came from genie_stream::into_raw and the caller
                // gives up its ownership; no other thread uses it.
                let stream = unsafe { Box::from_raw(stream) };
                let runtime = stream.runtime;
                let _inside = runtime.enter();
                drop(stream);
            }
        },
    );
}
