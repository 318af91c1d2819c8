//! What the caller sees of a call (notes/client-api.md): the unified [`CallEvent`] stream, the
//! final [`CallSummary`], and the [`Attempt`] list that both a summary and a failed call's
//! [`crate::ErrorDetails`] carry.

use std::fmt;

use crate::provider::{FinishReason, Usage};

/// One thing that happened during a call, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum CallEvent {
    /// An attempt began.
    Started {
        /// The catalogue name of the model asked.
        model: String,
        /// The provider's name in the config.
        provider: String,
        /// 1-based, counted across the whole call.
        attempt: u32,
        /// `stream` or `non_stream` (a reconnect is a `stream` attempt of mode `reconnect` in
        /// the attempt list).
        mode: AttemptMode,
    },
    /// A piece of the answer, to append to what was shown since the start or the last reset.
    /// The provider's deltas that arrived in one network read come as one event.
    Text {
        /// The delta.
        text: String,
    },
    /// Discard all text shown so far: replacement text follows.
    Reset {
        /// Why (short, user-facing).
        reason: String,
        /// The model whose text is being discarded.
        model: String,
    },
    /// Something the user may want to know (a toast): retrying, reconnecting, failing over.
    Notice {
        /// What kind of notice.
        kind: NoticeKind,
        /// A short user-facing sentence.
        message: String,
        /// The model it is about (the one failed over to, for `failed_over`).
        model: String,
        /// The wait before the next attempt, when there is one.
        delay_ms: Option<u64>,
    },
    /// The answering attempt's final usage, once, right before `Done`.
    Usage {
        /// Token counts as the provider reported them.
        usage: Usage,
    },
    /// The call is over and the answer is whole. Always the last event of a served call.
    Done {
        /// What the call amounted to.
        summary: Box<CallSummary>,
    },
}

/// How an attempt asked the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttemptMode {
    /// A streaming request.
    Stream,
    /// A plain request (the model does not stream, or the non-stream fallback).
    NonStream,
    /// A streaming request reconnecting after a stall or a cut (restart, resume or continue).
    Reconnect,
}

impl AttemptMode {
    /// `"stream"`, `"non_stream"` or `"reconnect"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AttemptMode::Stream => "stream",
            AttemptMode::NonStream => "non_stream",
            AttemptMode::Reconnect => "reconnect",
        }
    }
}

impl fmt::Display for AttemptMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds of [`CallEvent::Notice`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// The same model is asked again after `delay_ms`.
    Retrying,
    /// The stream stalled or was cut; reconnecting.
    Reconnecting,
    /// Reconnecting did not help; asking for the whole answer without streaming.
    NonStreamFallback,
    /// Moving on to the next model of the route.
    FailedOver,
    /// A model's circuit is open; it is skipped.
    CircuitOpen,
}

impl NoticeKind {
    /// `"retrying"`, `"reconnecting"`, `"non_stream_fallback"`, `"failed_over"`,
    /// `"circuit_open"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Retrying => "retrying",
            NoticeKind::Reconnecting => "reconnecting",
            NoticeKind::NonStreamFallback => "non_stream_fallback",
            NoticeKind::FailedOver => "failed_over",
            NoticeKind::CircuitOpen => "circuit_open",
        }
    }
}

impl fmt::Display for NoticeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One attempt of a call, as the summary and a failed call's error list them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// The catalogue name of the model asked.
    pub model: String,
    /// The provider's name in the config.
    pub provider: String,
    /// How it asked.
    pub mode: AttemptMode,
    /// `"ok"`, or the code of the error that ended it (`"STREAM_STALLED"`).
    pub outcome: &'static str,
    /// The response's HTTP status, when headers arrived.
    pub http_status: Option<u16>,
    /// The provider's error code or type, when it sent one.
    pub error_code: Option<String>,
    /// From sending the request to the attempt's end.
    pub duration_ms: u64,
    /// The backoff waited before it.
    pub waited_ms: u64,
}

/// What a served call amounted to.
#[derive(Clone, Debug, PartialEq)]
pub struct CallSummary {
    /// The model that answered.
    pub model: String,
    /// Its provider's name.
    pub provider: String,
    /// The whole answer (what remains after the last reset).
    pub text: String,
    /// The answering attempt's usage only: failed attempts are not billed to it.
    pub usage: Usage,
    /// Why the model stopped.
    pub finish_reason: Option<FinishReason>,
    /// The provider's own finish reason.
    pub raw_finish_reason: Option<String>,
    /// Always `true`: a truncated answer is never summarised as served.
    pub complete: bool,
    /// From the call's start to the response headers of the answering attempt.
    pub ttfb_ms: f64,
    /// From the call's start to the first text of the answer the caller kept (`None` for an
    /// empty answer).
    pub ttft_ms: Option<f64>,
    /// From the call's start to its end.
    pub total_ms: f64,
    /// Output tokens over the time from the first kept text to the end, when both are known.
    pub output_tokens_per_s: Option<f64>,
    /// Every attempt, in order, the answering one last.
    pub attempts: Vec<Attempt>,
    /// Events skipped as malformed across the call's attempts (`strict` fails instead).
    pub malformed_events: u64,
}
