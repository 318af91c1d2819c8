//! The provider stream decoder's C surface: `genie_stream_decoder`, its events and summary.
//!
//! A thin translation of [`genie_core::provider::StreamDecoder`]: which payloads mean text,
//! usage, a finish, an error or the end of the answer is the core's business; this module
//! only converts names, arguments, events and the summary into C structs.

use std::cell::RefCell;
use std::ffi::{c_char, c_void};

use genie_core::provider::{
    Provider, ProviderError, StreamDecoder, StreamEvent, StreamSummary, Usage,
};

use crate::boundary::{self, Object};
use crate::sse::{genie_sse_parser_options, options_arg};
use crate::status::genie_status;
use crate::text::genie_str;

/// What a `genie_decoder_event` carries; the fields not listed for a type are absent
/// (strings NULL, token counts -1).
/// cbindgen:prefix-with-name=false
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum genie_decoder_event_type {
    /// A piece of the answer's text (`text`), to append to what came before.
    GENIE_DECODER_EVENT_TEXT = 0,
    /// The usage so far (`usage`); each replaces the previous one.
    GENIE_DECODER_EVENT_USAGE = 1,
    /// The model stopped (`finish_reason`, normalised: "stop", "length", "tool_calls",
    /// "content_filter", "error", "other"; `raw_finish_reason`: the provider's own value).
    GENIE_DECODER_EVENT_FINISH = 2,
    /// The provider reported an error inside the stream (`error`).
    GENIE_DECODER_EVENT_ERROR = 3,
    /// An event whose payload is not the provider's JSON; it was skipped (`message` says why,
    /// `payload` is the event's data, unmodified).
    GENIE_DECODER_EVENT_MALFORMED = 4,
}

/// Token counts as the provider reported them; -1 where it did not report a count.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct genie_usage {
    /// Prompt tokens, cached ones included.
    pub input_tokens: i64,
    /// Answer tokens.
    pub output_tokens: i64,
    /// What the provider bills as the total.
    pub total_tokens: i64,
    /// Prompt tokens served from the provider's cache.
    pub cached_tokens: i64,
    /// Reasoning ("thinking") tokens.
    pub reasoning_tokens: i64,
}

impl From<Usage> for genie_usage {
    fn from(usage: Usage) -> Self {
        fn count(n: Option<u64>) -> i64 {
            n.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX))
        }
        genie_usage {
            input_tokens: count(usage.input_tokens),
            output_tokens: count(usage.output_tokens),
            total_tokens: count(usage.total_tokens),
            cached_tokens: count(usage.cached_tokens),
            reasoning_tokens: count(usage.reasoning_tokens),
        }
    }
}

/// An error the provider reported inside the stream (a record, not a genie failure). When
/// there is none, every field is absent (`kind.ptr == NULL`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct genie_provider_error {
    /// The normalised class: "rate_limit", "overloaded", "invalid_request",
    /// "content_filter" or "other".
    pub kind: genie_str,
    /// The provider's message.
    pub message: genie_str,
    /// The provider's own type, code or status string; absent if it sent none.
    pub code: genie_str,
}

impl genie_provider_error {
    const ABSENT: genie_provider_error = genie_provider_error {
        kind: genie_str::ABSENT,
        message: genie_str::ABSENT,
        code: genie_str::ABSENT,
    };

    fn new(error: Option<&ProviderError>) -> Self {
        error.map_or(genie_provider_error::ABSENT, |error| genie_provider_error {
            kind: genie_str::new(error.kind.as_str()),
            message: genie_str::new(&error.message),
            code: genie_str::optional(error.code.as_deref()),
        })
    }
}

/// One decoded happening in a provider stream. `type` says which fields are set; the others
/// are absent (strings with ptr NULL, usage counts -1, error fields absent). Strings are
/// borrowed and valid only until the callback that received the event returns.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct genie_decoder_event {
    /// Which kind of event this is.
    pub r#type: genie_decoder_event_type,
    /// GENIE_DECODER_EVENT_TEXT: the text delta.
    pub text: genie_str,
    /// GENIE_DECODER_EVENT_USAGE: the usage so far.
    pub usage: genie_usage,
    /// GENIE_DECODER_EVENT_FINISH: the normalised finish reason.
    pub finish_reason: genie_str,
    /// GENIE_DECODER_EVENT_FINISH: the provider's own finish reason.
    pub raw_finish_reason: genie_str,
    /// GENIE_DECODER_EVENT_ERROR: the provider's error.
    pub error: genie_provider_error,
    /// GENIE_DECODER_EVENT_MALFORMED: what was wrong with the payload.
    pub message: genie_str,
    /// GENIE_DECODER_EVENT_MALFORMED: the payload, unmodified.
    pub payload: genie_str,
}

impl genie_decoder_event {
    fn new(event: &StreamEvent) -> Self {
        let absent = |kind| genie_decoder_event {
            r#type: kind,
            text: genie_str::ABSENT,
            usage: Usage::default().into(),
            finish_reason: genie_str::ABSENT,
            raw_finish_reason: genie_str::ABSENT,
            error: genie_provider_error::ABSENT,
            message: genie_str::ABSENT,
            payload: genie_str::ABSENT,
        };
        use genie_decoder_event_type::*;
        match event {
            StreamEvent::Text(text) => genie_decoder_event {
                text: genie_str::new(text),
                ..absent(GENIE_DECODER_EVENT_TEXT)
            },
            StreamEvent::Usage(usage) => genie_decoder_event {
                usage: (*usage).into(),
                ..absent(GENIE_DECODER_EVENT_USAGE)
            },
            StreamEvent::Finish { reason, raw } => genie_decoder_event {
                finish_reason: genie_str::new(reason.as_str()),
                raw_finish_reason: genie_str::new(raw),
                ..absent(GENIE_DECODER_EVENT_FINISH)
            },
            StreamEvent::Error(error) => genie_decoder_event {
                error: genie_provider_error::new(Some(error)),
                ..absent(GENIE_DECODER_EVENT_ERROR)
            },
            StreamEvent::Malformed { message, payload } => genie_decoder_event {
                message: genie_str::new(message),
                payload: genie_str::new(payload),
                ..absent(GENIE_DECODER_EVENT_MALFORMED)
            },
        }
    }
}

/// Receives each event `genie_stream_decoder_feed` decodes, synchronously, on the thread that
/// called `genie_stream_decoder_feed`, before it returns, in stream order.
///
/// `event` and its strings are valid only until the callback returns (no copy or allocation
/// is made for you, and there is nothing to free); copy what you keep. A callback must return
/// normally (no C++ exception, no longjmp) and must not call `genie_stream_decoder_*` on the
/// decoder feeding it (those calls fail with GENIE_STATUS_INVALID_ARGUMENT). `userdata` is
/// the pointer given to `genie_stream_decoder_feed`, passed through untouched.
pub type genie_decoder_event_cb =
    Option<unsafe extern "C" fn(userdata: *mut c_void, event: *const genie_decoder_event)>;

/// What a whole stream amounted to, filled in by `genie_stream_decoder_finish` into a struct
/// the caller owns. Its strings are borrowed from the decoder and valid until the next feed,
/// finish or free on that decoder.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct genie_decoder_summary {
    /// The provider name: "gemini", "openai", "openai-responses" or "anthropic".
    pub provider: genie_str,
    /// All text deltas, concatenated.
    pub text: genie_str,
    /// The final usage (-1 for counts never reported).
    pub usage: genie_usage,
    /// The normalised finish reason; absent if the provider sent none.
    pub finish_reason: genie_str,
    /// The provider's own finish reason; absent if it sent none.
    pub raw_finish_reason: genie_str,
    /// Whether the provider's end marker arrived. false means the answer may be truncated and
    /// must not be presented as whole.
    pub complete: bool,
    /// The last in-band error; all fields absent if there was none.
    pub error: genie_provider_error,
    /// How many events were skipped as malformed.
    pub malformed_events: u64,
    /// How many keep-alives (SSE comments and ping events) arrived.
    pub keepalives: u64,
}

impl genie_decoder_summary {
    fn new(summary: &StreamSummary) -> Self {
        genie_decoder_summary {
            provider: genie_str::new(summary.provider.name()),
            text: genie_str::new(&summary.text),
            usage: summary.usage.into(),
            finish_reason: genie_str::optional(summary.finish_reason.map(|r| r.as_str())),
            raw_finish_reason: genie_str::optional(summary.raw_finish_reason.as_deref()),
            complete: summary.complete,
            error: genie_provider_error::new(summary.error.as_ref()),
            malformed_events: summary.malformed_events,
            keepalives: summary.keepalives,
        }
    }
}

/// The decoder and the last summary it handed out (its strings borrow from here).
pub(crate) struct DecoderState {
    decoder: StreamDecoder,
    summary: Option<StreamSummary>,
}

/// Decodes one provider's streaming response (SSE bytes) into text, usage, finish and error
/// events. Opaque: make one with `genie_stream_decoder_new`, free it with
/// `genie_stream_decoder_free`.
pub struct genie_stream_decoder {
    state: RefCell<DecoderState>,
}

impl Object for genie_stream_decoder {
    type State = DecoderState;
    const NAME: &'static str = "decoder";

    fn cell(&self) -> &RefCell<DecoderState> {
        &self.state
    }
}

/// Makes a decoder for the provider named by the NUL-terminated string `provider`: "gemini",
/// "openai" (Chat Completions), "openai-responses" or "anthropic". Another name gives
/// GENIE_STATUS_INVALID_ARGUMENT with a message listing these.
///
/// `options` sets the underlying SSE parser's limits; NULL means the defaults. Both inputs
/// are copied, not kept. On success `*decoder_out` is a new decoder that the caller owns and
/// must free with `genie_stream_decoder_free`; on failure it is set to NULL (when
/// `decoder_out` itself is not NULL). `provider` and `decoder_out` must not be NULL.
/// Thread-safe.
///
/// # Safety
/// `provider` is NULL or a NUL-terminated string; `options` is NULL or points to a
/// `genie_sse_parser_options`; `decoder_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_decoder_new(
    provider: *const c_char,
    options: *const genie_sse_parser_options,
    decoder_out: *mut *mut genie_stream_decoder,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees decoder_out is NULL or writable.
        let out = unsafe { boundary::arg_out(decoder_out, "decoder_out") }?;
        // SAFETY: the caller guarantees provider is NULL or NUL-terminated.
        let name = unsafe { boundary::arg_c_str(provider, "provider") };
        // SAFETY: the caller guarantees options is NULL or an options struct.
        let options = unsafe { options_arg(options) };
        let decoder = name.and_then(|name| {
            // A name that is not UTF-8 cannot be a provider's; the core's message lists the
            // valid names either way.
            let provider = Provider::from_name(&name.to_string_lossy())?;
            StreamDecoder::with_options(provider, options)
        });
        out.write_object(decoder.map(|decoder| {
            let state = RefCell::new(DecoderState {
                decoder,
                summary: None,
            });
            genie_stream_decoder { state }.into_raw()
        }))
    })
}

/// Decodes the `len` bytes at `data` (any chunk of the provider's response body, in any
/// size), calling `callback(userdata, &event)` for each event they complete (see
/// `genie_decoder_event_cb` for when and how long the event is valid).
///
/// Malformed payloads are not failures: they arrive as GENIE_DECODER_EVENT_MALFORMED events.
/// `data` may be NULL only when `len` is 0; `callback` must not be NULL; `userdata` may be
/// anything. Returns GENIE_STATUS_LIMIT_EXCEEDED when an SSE line or event in this chunk was
/// larger than the limits: every other event of the chunk was still delivered, only the
/// oversized one was dropped, and the decoder can continue. A summary from an earlier
/// `genie_stream_decoder_finish` becomes invalid. Not thread-safe.
///
/// # Safety
/// `decoder` is NULL or a live decoder; `data` is NULL or points to `len` readable bytes;
/// `callback` is NULL or a function of the `genie_decoder_event_cb` type.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_decoder_feed(
    decoder: *mut genie_stream_decoder,
    data: *const u8,
    len: usize,
    callback: genie_decoder_event_cb,
    userdata: *mut c_void,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees decoder is NULL or live.
        let decoder = unsafe { genie_stream_decoder::from_raw(decoder) }?;
        // SAFETY: the caller guarantees data is NULL or len readable bytes.
        let data = unsafe { boundary::arg_bytes(data, len, "data") }?;
        let callback = boundary::arg_callback(callback, "callback")?;
        let mut state = decoder.state_mut()?;
        state.summary = None;
        state.decoder.feed(data, |event| {
            let event = genie_decoder_event::new(&event);
            // SAFETY: the caller guarantees callback is a genie_decoder_event_cb; event and
            // the strings it borrows live across the call.
            unsafe { callback(userdata, &event) }
        })
    })
}

/// Writes to `*complete_out` whether the provider's end marker has arrived so far.
/// Both pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT). Not thread-safe.
///
/// # Safety
/// `decoder` is NULL or a live decoder; `complete_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_decoder_complete(
    decoder: *const genie_stream_decoder,
    complete_out: *mut bool,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees decoder is NULL or live.
        let decoder = unsafe { genie_stream_decoder::from_raw(decoder) }?;
        // SAFETY: the caller guarantees complete_out is NULL or writable.
        let out = unsafe { boundary::arg_out(complete_out, "complete_out") }?;
        out.write(decoder.state()?.decoder.is_complete());
        Ok(())
    })
}

/// Writes the decoder's provider name ("gemini", "openai", "openai-responses",
/// "anthropic") to `*provider_out`. The string is static: valid for the life of the process.
/// Both pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT). Not thread-safe.
///
/// # Safety
/// `decoder` is NULL or a live decoder; `provider_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_decoder_provider(
    decoder: *const genie_stream_decoder,
    provider_out: *mut genie_str,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees decoder is NULL or live.
        let decoder = unsafe { genie_stream_decoder::from_raw(decoder) }?;
        // SAFETY: the caller guarantees provider_out is NULL or writable.
        let out = unsafe { boundary::arg_out(provider_out, "provider_out") }?;
        out.write(genie_str::new(decoder.state()?.decoder.provider().name()));
        Ok(())
    })
}

/// Ends the stream and fills the caller-owned `*summary_out` with what it amounted to; check
/// `summary_out->complete` before presenting the text as a whole answer. The decoder is reset
/// and can decode another stream of the same provider.
///
/// The summary's strings are borrowed from the decoder and valid until the next feed, finish
/// or free on this decoder. Both pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT; the
/// stream is then not ended and `*summary_out` is untouched). Not thread-safe.
///
/// # Safety
/// `decoder` is NULL or a live decoder; `summary_out` is NULL or points to writable storage
/// for a `genie_decoder_summary`.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_decoder_finish(
    decoder: *mut genie_stream_decoder,
    summary_out: *mut genie_decoder_summary,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees decoder is NULL or live.
        let decoder = unsafe { genie_stream_decoder::from_raw(decoder) }?;
        // SAFETY: the caller guarantees summary_out is NULL or writable.
        let out = unsafe { boundary::arg_out(summary_out, "summary_out") }?;
        let mut state = decoder.state_mut()?;
        let summary = state.decoder.finish();
        out.write(genie_decoder_summary::new(state.summary.insert(summary)));
        Ok(())
    })
}

/// Frees a decoder and everything it owns; strings borrowed from it (a summary's) become
/// invalid. NULL is accepted and does nothing. Do not use the pointer afterwards. Must not be
/// called from inside the decoder's own callback (genie then leaks the decoder instead of
/// freeing memory in use). Not thread-safe.
///
/// # Safety
/// `decoder` is NULL or a live decoder from `genie_stream_decoder_new`, not used again.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_decoder_free(decoder: *mut genie_stream_decoder) {
    // SAFETY: the caller guarantees decoder is NULL or live, and gives it up.
    boundary::catch(|| (), || unsafe { genie_stream_decoder::free_raw(decoder) });
}
