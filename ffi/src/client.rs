//! The resilient client's C surface: `genie_client` (config → calls), the pull-based call
//! stream `genie_stream` with its events (`stream`), and the call summary `genie_call_summary`
//! with its attempt list (`summary`).
//!
//! A thin translation of [`genie_core::client`]: retries, reconnects, fail-overs, deadlines
//! and breakers are the core's business. What this module owns is the C side of "no runtime
//! leaks out" (DESIGN.md §4): the core's calls are futures, and C has no executor, so every
//! function that waits blocks the calling thread on genie's own runtime
//! ([`genie_core::client::runtime`]) — `genie_stream_next` for at most its timeout,
//! `genie_client_complete` until the call, run as a task on that runtime, ends (the config's
//! `timeouts.total_ms` bounds both).

use std::ffi::c_char;
use std::future::Future;

use genie_core::client::{BlockingWait, Client, ClientConfig, Request};
use genie_core::{Error, ErrorKind, Result};
use tokio::runtime::Runtime;

use crate::boundary::{self, Out};
use crate::redact::os_path;
use crate::status::genie_status;

mod stream;
mod summary;

pub use stream::*;
pub use summary::*;

/// A resilient LLM client: providers, models, routes, timeouts and policies from one
/// configuration, a pooled HTTP client and per-model circuit breakers. Opaque: make one with
/// `genie_client_new` or `genie_client_new_from_path`, free it with `genie_client_free`.
///
/// A client IS thread-safe: any number of threads may call `genie_client_stream` and
/// `genie_client_complete` on one client at the same time, and they share its connection
/// pool and breakers (a model that fails for one thread is routed around for all). Make one
/// per configuration at start-up and share it; do not free it while another thread is still
/// calling a function on it. Streams and summaries it made stay valid after it is freed.
///
/// The client's work runs on a runtime genie owns (one worker thread named `genie-worker`, or
/// as many as the environment variable `GENIE_WORKER_THREADS` asks for, 1 to 256; started with
/// the first client and kept for the life of the process): nothing to set up, and no callback
/// ever runs on those threads. A thread blocked in `genie_client_complete` busy-waits up to
/// `GENIE_BLOCKING_SPIN_US` microseconds (default 200, 0 = never) before it sleeps, when its
/// recent waits were that short and a core is spare (see the README's "Blocking waits").
pub struct genie_client {
    client: Client,
}

/// genie's runtime, or the error saying why it could not start.
fn runtime() -> Result<&'static Runtime> {
    genie_core::client::runtime()
}

/// Runs `future` to its end on genie's runtime, blocking the calling thread.
fn block_on<F: Future>(runtime: &Runtime, future: F) -> Result<F::Output> {
    ensure_may_block()?;
    Ok(runtime.block_on(future))
}

/// Refuses clearly to block inside a runtime's thread, which would panic (and could deadlock
/// it).
fn ensure_may_block() -> Result<()> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "called from a thread that runs a tokio runtime: genie's blocking functions must be \
             called from an ordinary thread",
        ));
    }
    Ok(())
}

/// Writes a new client made by `make` to `out`, or NULL on failure.
fn write_client(
    out: Out<'_, *mut genie_client>,
    make: impl FnOnce() -> Result<Client>,
) -> Result<()> {
    // The runtime starts here rather than on the first call, so that a machine that cannot
    // start threads fails at construction, with the other configuration problems.
    out.write_object(
        runtime()
            .and_then(|_| make())
            .map(|client| Box::into_raw(Box::new(genie_client { client }))),
    )
}

/// Makes a client from a JSON configuration document (the document genie's Python and Node
/// libraries accept; see notes/client-api.md and the README): the `config_len` bytes at
/// `config_json`, which need not be NUL-terminated. `config_json` NULL or `config_len` 0 means
/// the defaults (the runbook's: Gemini with `GEMINI_API_KEY`, gemini-2.5-flash by default,
/// flash-lite as the downgrade).
///
/// An invalid document gives GENIE_STATUS_INVALID_CONFIG with a message naming the path of
/// the bad value and the reason (`timeouts.stall_gap_ms: must be > 0`); bytes that are not
/// UTF-8 give GENIE_STATUS_INVALID_UTF8; a NULL `config_json` with a non-zero length gives
/// GENIE_STATUS_NULL_ARGUMENT. API keys are read now, once, from the environment variables the
/// document names (`api_key_env`): a variable that is not set is GENIE_STATUS_INVALID_CONFIG
/// naming it. Keys never appear in any message, event or summary. The first client made in
/// the process starts genie's runtime: a `GENIE_WORKER_THREADS` that is not a whole number
/// from 1 to 256 gives GENIE_STATUS_INVALID_CONFIG naming it.
///
/// The document is read, not kept. On success `*client_out` is a new client that the caller
/// owns and must free with `genie_client_free`; on failure it is set to NULL (when
/// `client_out` itself is not NULL). Thread-safe.
///
/// # Safety
/// `config_json` is NULL or points to `config_len` readable bytes; `client_out` is NULL or
/// points to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn genie_client_new(
    config_json: *const c_char,
    config_len: usize,
    client_out: *mut *mut genie_client,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees client_out is NULL or writable.
        let out = unsafe { boundary::arg_out(client_out, "client_out") }?;
        write_client(out, || {
            // SAFETY: the caller guarantees config_json is NULL or config_len readable bytes.
            let json =
                unsafe { boundary::arg_utf8(config_json.cast(), config_len, "config_json") }?;
            let config = if json.is_empty() {
                ClientConfig::default()
            } else {
                ClientConfig::from_json(json)?
            };
            Client::new(config)
        })
    })
}

/// Makes a client from the JSON configuration file at `path` (a NUL-terminated file system
/// path; relative paths are relative to the process's working directory).
///
/// A file that cannot be read or is not a valid configuration gives
/// GENIE_STATUS_INVALID_CONFIG; the message starts with the path and names the bad value's
/// path in the document. Everything else is as `genie_client_new`. `path` and `client_out`
/// must not be NULL. The file is read once, now. On success `*client_out` is a new client
/// that the caller owns and must free with `genie_client_free`; on failure it is set to NULL
/// (when `client_out` itself is not NULL). Thread-safe.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string; `client_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_client_new_from_path(
    path: *const c_char,
    client_out: *mut *mut genie_client,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees client_out is NULL or writable.
        let out = unsafe { boundary::arg_out(client_out, "client_out") }?;
        write_client(out, || {
            // SAFETY: the caller guarantees path is NULL or NUL-terminated.
            let path = os_path(unsafe { boundary::arg_c_str(path, "path") }?.to_bytes())?;
            let config = ClientConfig::from_path(&path)?;
            // The core names the file in read and parse errors; what Client::new checks
            // (API key variables, headers) gets the same prefix so every message names it.
            Client::new(config).map_err(|error| {
                Error::new(
                    error.kind(),
                    format!("{}: {}", path.display(), error.message()),
                )
            })
        })
    })
}

/// The request behind `request_json`: UTF-8 JSON in the shape of notes/client-api.md.
///
/// # Safety
/// `request_json` is NULL or points to `request_len` readable bytes.
unsafe fn request_arg(request_json: *const c_char, request_len: usize) -> Result<Request> {
    // SAFETY: the caller's guarantee.
    let json = unsafe { boundary::arg_utf8(request_json.cast(), request_len, "request_json") }?;
    Request::from_json(json)
}

/// Starts a call: the `request_len` bytes at `request_json` are a JSON request (`model`,
/// optional `fallbacks`, `system`, `messages` with text and image parts, `max_output_tokens`,
/// `temperature`, `stop`, `extra`; see notes/client-api.md), need not be NUL-terminated, and
/// are read now, not kept.
///
/// On success `*stream_out` is a new stream that the caller owns and must free with
/// `genie_stream_free`; read its events with `genie_stream_next`. Nothing is sent until the
/// first `genie_stream_next`: the call makes progress only while a thread is inside
/// `genie_stream_next` on it. A request that is not valid JSON or not a valid request gives
/// GENIE_STATUS_INVALID_ARGUMENT naming the bad value's path (`messages[0].role: unknown
/// variant ...`); bytes that are not UTF-8 give GENIE_STATUS_INVALID_UTF8. A request the
/// client cannot route (an unknown model) is refused by the stream's first
/// `genie_stream_next`. On failure `*stream_out` is set to NULL (when `stream_out` is not
/// NULL). `client`, `request_json` and `stream_out` must not be NULL.
///
/// Thread-safe for the client (many threads may start calls on one client at once). The
/// stream holds its own reference to the client's configuration and connection pool: it
/// stays valid after `genie_client_free`.
///
/// # Safety
/// `client` is NULL or a live client; `request_json` is NULL or points to `request_len`
/// readable bytes; `stream_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_client_stream(
    client: *const genie_client,
    request_json: *const c_char,
    request_len: usize,
    stream_out: *mut *mut genie_stream,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees stream_out is NULL or writable.
        let out = unsafe { boundary::arg_out(stream_out, "stream_out") }?;
        // SAFETY: the caller guarantees client is NULL or a live client (never mutated) and
        // request_json is NULL or request_len readable bytes.
        let made = unsafe { boundary::arg_ref(client, "client") }.and_then(|client| {
            // SAFETY: as above.
            let request = unsafe { request_arg(request_json, request_len) }?;
            Ok(genie_stream::new(runtime()?, client.client.stream(request)))
        });
        out.write_object(made.map(|stream| stream.into_raw()))
    })
}

/// Runs a call to its end and hands back its summary: the same retries, reconnects,
/// fall-backs and fail-overs as a stream, with the whole answer in `genie_call_summary_text`.
/// The request is as for `genie_client_stream`.
///
/// Blocks the calling thread until the call ends, at most about the configuration's
/// `timeouts.total_ms`; it cannot be cancelled (use `genie_client_stream` and
/// `genie_stream_cancel` for that). On success `*summary_out` is a new summary that the caller
/// owns and must free with `genie_call_summary_free`. A call that cannot be served returns its
/// error status (GENIE_STATUS_RATE_LIMITED, GENIE_STATUS_PAYMENT_REQUIRED,
/// GENIE_STATUS_STREAM_INCOMPLETE, ...) with `genie_last_error_message` saying what happened,
/// and sets `*summary_out` to NULL; the attempt list of a failed call is available from the
/// stream API (`genie_stream_error`, `genie_stream_attempt`). A truncated answer is never
/// returned as a summary. `client`, `request_json` and `summary_out` must not be NULL.
///
/// Thread-safe for the client: many threads may run calls on one client at once. Must not be
/// called from a thread that runs a tokio runtime (GENIE_STATUS_INVALID_ARGUMENT).
///
/// # Safety
/// `client` is NULL or a live client; `request_json` is NULL or points to `request_len`
/// readable bytes; `summary_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_client_complete(
    client: *const genie_client,
    request_json: *const c_char,
    request_len: usize,
    summary_out: *mut *mut genie_call_summary,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees summary_out is NULL or writable.
        let out = unsafe { boundary::arg_out(summary_out, "summary_out") }?;
        // SAFETY: the caller guarantees client is NULL or a live client (never mutated) and
        // request_json is NULL or request_len readable bytes.
        let done = unsafe { boundary::arg_ref(client, "client") }.and_then(|client| {
            // SAFETY: as above.
            let request = unsafe { request_arg(request_json, request_len) }?;
            // The call runs as a task (see `Client::spawn_complete`), spawned after the check
            // that this thread may block; the thread spins briefly before it sleeps when its
            // waits are short (`BlockingWait`).
            ensure_may_block()?;
            let task = client.client.spawn_complete(request)?;
            let waiting = BlockingWait::begin();
            waiting.spin(|| task.is_finished().then_some(()));
            block_on(runtime()?, task)?
        });
        out.write_object(done.map(genie_call_summary::into_raw))
    })
}

/// Frees a client. NULL is accepted and does nothing. Streams and summaries made with it
/// stay valid (a running stream keeps the connection pool and breakers alive until it is
/// freed). Do not use the pointer afterwards, and do not free it while another thread is
/// still calling a function on it.
///
/// # Safety
/// `client` is NULL or a live client, not used again afterwards by any thread.
#[no_mangle]
pub unsafe extern "C" fn genie_client_free(client: *mut genie_client) {
    boundary::catch(
        || (),
        || {
            if !client.is_null() {
                // SAFETY: a non-NULL client came from Box::into_raw in write_client and the
                // caller gives up its ownership, on every thread.
                let client = unsafe { Box::from_raw(client) };
                // Idle pooled connections close as the client drops; their sockets belong
                // to the runtime's reactor.
                let _inside = runtime().ok().map(Runtime::enter);
                drop(client);
            }
        },
    );
}
