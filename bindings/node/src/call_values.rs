//! What a client call reports to JavaScript: the `CallEvent`s of a stream, the `CallSummary` of
//! a served call and the `Attempt`s both it and a failed call's error list (notes/client-api.md),
//! as plain camelCase objects built straight from the core's values with [`Builder`].
//!
//! The types here only declare the objects' TypeScript shape for `index.d.ts`.

use genie_core::client::{
    Attempt as CoreAttempt, AttemptMode as CoreAttemptMode, CallEvent as CoreEvent,
    CallSummary as CoreSummary, NoticeKind as CoreNoticeKind,
};
use genie_core::provider::Usage as CoreUsage;
use napi::bindgen_prelude::Array;
use napi::{sys, JsValue};
use napi_derive::napi;

use crate::objects::Builder;
use crate::provider::{FinishReason, Usage};

/// How an attempt asked the model: `"stream"`, `"non_stream"` (a plain request: the model does
/// not stream, or the non-stream fallback), or `"reconnect"` (a stream resumed or restarted
/// after a stall or a cut).
#[napi(string_enum = "snake_case")]
pub enum AttemptMode {
    /// A streaming request.
    Stream,
    /// A plain request.
    NonStream,
    /// A streaming request after a stall or a cut.
    Reconnect,
}

/// What a `notice` event is about.
#[napi(string_enum = "snake_case")]
pub enum NoticeKind {
    /// The same model is asked again after `delayMs`.
    Retrying,
    /// The stream stalled or was cut; reconnecting.
    Reconnecting,
    /// Reconnecting did not help; asking for the whole answer without streaming.
    NonStreamFallback,
    /// Moving on to the next model of the route.
    FailedOver,
    /// A model's circuit breaker is open; it is skipped.
    CircuitOpen,
}

/// One attempt of a call, as `CallSummary.attempts` and a failed call's `err.attempts` list
/// them.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    use_nullable = true
)]
pub struct Attempt {
    /// The catalogue name of the model asked.
    pub model: String,
    /// The provider's name in the config.
    pub provider: String,
    /// How it asked.
    pub mode: AttemptMode,
    /// `"ok"`, or the code of the error that ended it (`"STREAM_STALLED"`).
    pub outcome: String,
    /// The response's HTTP status, when headers arrived.
    pub http_status: Option<u32>,
    /// The provider's error code or type, when it sent one.
    pub error_code: Option<String>,
    /// From sending the request to the attempt's end, in milliseconds.
    pub duration_ms: f64,
    /// The backoff waited before it, in milliseconds.
    pub waited_ms: f64,
}

/// What a served call amounted to: the `summary` of the `done` event, and what `complete()`
/// and `streamEach()` resolve with.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    use_nullable = true
)]
pub struct CallSummary {
    /// The model that answered (catalogue name).
    pub model: String,
    /// Its provider's name in the config.
    pub provider: String,
    /// The whole answer: what remains after the last `reset`.
    pub text: String,
    /// The answering attempt's usage only: failed attempts are not billed to it.
    pub usage: Usage,
    /// Why the model stopped, or `null` if it did not say.
    pub finish_reason: Option<FinishReason>,
    /// The provider's own finish reason, or `null`.
    pub raw_finish_reason: Option<String>,
    /// Always `true`: a truncated answer is never summarised as served (it is an error).
    pub complete: bool,
    /// From the call's start to the answering attempt's response headers, in milliseconds.
    pub ttfb_ms: f64,
    /// From the call's start to the first text of the answer kept, in milliseconds (`null` for
    /// an empty answer).
    pub ttft_ms: Option<f64>,
    /// From the call's start to its end, in milliseconds.
    pub total_ms: f64,
    /// Output tokens per second from the first kept text to the end, when both are known.
    pub output_tokens_per_s: Option<f64>,
    /// Every attempt, in order, the answering one last.
    pub attempts: Vec<Attempt>,
    /// Events skipped as malformed across the call's attempts.
    pub malformed_events: f64,
}

/// One thing that happened during a call, told apart by `type`, in order:
///
/// - `"started"`: an attempt began: `model` and `provider` (config names), `attempt` (1-based
///   across the call), `mode` (`"stream"` or `"non_stream"`);
/// - `"text"`: `text`, a piece of the answer to append to what was shown since the start or
///   the last `reset`;
/// - `"reset"`: discard all text shown so far, replacement text follows: `reason` (short,
///   user-facing) and the `model` whose text is discarded;
/// - `"notice"`: something the user may want to know (a toast): `kind`, `message` (a short
///   user-facing sentence), `model` (the one failed over to, for `"failed_over"`), `delayMs`
///   (the wait before the next attempt, or `null`);
/// - `"usage"`: `usage`, the answering attempt's final usage, once, right before `"done"`;
/// - `"done"`: `summary`, the call is over and the answer is whole. Always the last event of a
///   served call; a call that cannot be served ends with an error instead.
#[napi(
    discriminant = "type",
    discriminant_case = "lowercase",
    object_from_js = false,
    object_to_js = false,
    use_nullable = true
)]
pub enum CallEvent {
    /// An attempt began.
    Started {
        model: String,
        provider: String,
        attempt: u32,
        #[napi(ts_type = "'stream' | 'non_stream'")]
        mode: AttemptMode,
    },
    /// A piece of the answer.
    Text { text: String },
    /// Discard the text shown so far.
    Reset { reason: String, model: String },
    /// A toast-worthy happening.
    Notice {
        kind: NoticeKind,
        message: String,
        model: String,
        delay_ms: Option<f64>,
    },
    /// The answering attempt's usage.
    Usage { usage: Usage },
    /// The call is over.
    Done { summary: CallSummary },
}

/// The JS object of an event.
pub(crate) fn event(js: &mut Builder<'_>, event: &CoreEvent) -> napi::Result<sys::napi_value> {
    match event {
        CoreEvent::Started {
            model,
            provider,
            attempt,
            mode,
        } => {
            let kind = js.name("started")?;
            let model = js.string(model)?;
            let provider = js.string(provider)?;
            let attempt = js.number(Some(f64::from(*attempt)))?;
            let mode = js.name(AttemptMode::from(*mode).as_str())?;
            js.object(&[
                ("type", kind),
                ("model", model),
                ("provider", provider),
                ("attempt", attempt),
                ("mode", mode),
            ])
        }
        CoreEvent::Text { text } => {
            let kind = js.name("text")?;
            let text = js.string(text)?;
            js.object(&[("type", kind), ("text", text)])
        }
        CoreEvent::Reset { reason, model } => {
            let kind = js.name("reset")?;
            let reason = js.string(reason)?;
            let model = js.string(model)?;
            js.object(&[("type", kind), ("reason", reason), ("model", model)])
        }
        CoreEvent::Notice {
            kind: notice,
            message,
            model,
            delay_ms,
        } => {
            let kind = js.name("notice")?;
            let notice = js.name(NoticeKind::from(*notice).as_str())?;
            let message = js.string(message)?;
            let model = js.string(model)?;
            let delay = js.number(delay_ms.map(|ms| ms as f64))?;
            js.object(&[
                ("type", kind),
                ("kind", notice),
                ("message", message),
                ("model", model),
                ("delayMs", delay),
            ])
        }
        CoreEvent::Usage { usage: counts } => {
            let kind = js.name("usage")?;
            let counts = usage(js, counts)?;
            js.object(&[("type", kind), ("usage", counts)])
        }
        CoreEvent::Done { summary: s } => {
            let kind = js.name("done")?;
            let s = summary(js, s)?;
            js.object(&[("type", kind), ("summary", s)])
        }
    }
}

/// The JS object of a summary.
pub(crate) fn summary(js: &mut Builder<'_>, s: &CoreSummary) -> napi::Result<sys::napi_value> {
    let model = js.string(&s.model)?;
    let provider = js.string(&s.provider)?;
    let text = js.string(&s.text)?;
    let counts = usage(js, &s.usage)?;
    let finish_reason = match s.finish_reason {
        Some(reason) => js.name(reason.as_str())?,
        None => js.null()?,
    };
    let raw_finish_reason = js.optional_string(s.raw_finish_reason.as_deref())?;
    let complete = js.boolean(s.complete)?;
    let ttfb = js.number(Some(s.ttfb_ms))?;
    let ttft = js.number(s.ttft_ms)?;
    let total = js.number(Some(s.total_ms))?;
    let throughput = js.number(s.output_tokens_per_s)?;
    let attempts = attempts(js, &s.attempts)?.raw();
    let malformed = js.number(Some(s.malformed_events as f64))?;
    js.object(&[
        ("model", model),
        ("provider", provider),
        ("text", text),
        ("usage", counts),
        ("finishReason", finish_reason),
        ("rawFinishReason", raw_finish_reason),
        ("complete", complete),
        ("ttfbMs", ttfb),
        ("ttftMs", ttft),
        ("totalMs", total),
        ("outputTokensPerS", throughput),
        ("attempts", attempts),
        ("malformedEvents", malformed),
    ])
}

/// The JS array of an attempt list.
pub(crate) fn attempts<'env>(
    js: &mut Builder<'env>,
    attempts: &[CoreAttempt],
) -> napi::Result<Array<'env>> {
    let objects = attempts
        .iter()
        .map(|a| attempt(js, a))
        .collect::<napi::Result<Vec<_>>>()?;
    js.array(&objects)
}

fn attempt(js: &mut Builder<'_>, a: &CoreAttempt) -> napi::Result<sys::napi_value> {
    let model = js.string(&a.model)?;
    let provider = js.string(&a.provider)?;
    let mode = js.name(AttemptMode::from(a.mode).as_str())?;
    let outcome = js.name(a.outcome)?;
    let http_status = js.number(a.http_status.map(f64::from))?;
    let error_code = js.optional_string(a.error_code.as_deref())?;
    let duration = js.number(Some(a.duration_ms as f64))?;
    let waited = js.number(Some(a.waited_ms as f64))?;
    js.object(&[
        ("model", model),
        ("provider", provider),
        ("mode", mode),
        ("outcome", outcome),
        ("httpStatus", http_status),
        ("errorCode", error_code),
        ("durationMs", duration),
        ("waitedMs", waited),
    ])
}

/// The same object `StreamDecoder` events carry (`Usage`): counts as numbers, `null` where the
/// provider reported none.
fn usage(js: &mut Builder<'_>, usage: &CoreUsage) -> napi::Result<sys::napi_value> {
    let count = |n: Option<u64>| n.map(|n| n as f64);
    let input = js.number(count(usage.input_tokens))?;
    let output = js.number(count(usage.output_tokens))?;
    let total = js.number(count(usage.total_tokens))?;
    let cached = js.number(count(usage.cached_tokens))?;
    let reasoning = js.number(count(usage.reasoning_tokens))?;
    js.object(&[
        ("inputTokens", input),
        ("outputTokens", output),
        ("totalTokens", total),
        ("cachedTokens", cached),
        ("reasoningTokens", reasoning),
    ])
}

impl AttemptMode {
    /// The string JS sees (napi's `snake_case` of the variant, the core's name).
    fn as_str(&self) -> &'static str {
        match self {
            AttemptMode::Stream => "stream",
            AttemptMode::NonStream => "non_stream",
            AttemptMode::Reconnect => "reconnect",
        }
    }
}

impl NoticeKind {
    /// The string JS sees (napi's `snake_case` of the variant, the core's name).
    fn as_str(&self) -> &'static str {
        match self {
            NoticeKind::Retrying => "retrying",
            NoticeKind::Reconnecting => "reconnecting",
            NoticeKind::NonStreamFallback => "non_stream_fallback",
            NoticeKind::FailedOver => "failed_over",
            NoticeKind::CircuitOpen => "circuit_open",
        }
    }
}

impl From<CoreAttemptMode> for AttemptMode {
    fn from(mode: CoreAttemptMode) -> Self {
        match mode {
            CoreAttemptMode::Stream => AttemptMode::Stream,
            CoreAttemptMode::NonStream => AttemptMode::NonStream,
            CoreAttemptMode::Reconnect => AttemptMode::Reconnect,
        }
    }
}

impl From<CoreNoticeKind> for NoticeKind {
    fn from(kind: CoreNoticeKind) -> Self {
        match kind {
            CoreNoticeKind::Retrying => NoticeKind::Retrying,
            CoreNoticeKind::Reconnecting => NoticeKind::Reconnecting,
            CoreNoticeKind::NonStreamFallback => NoticeKind::NonStreamFallback,
            CoreNoticeKind::FailedOver => NoticeKind::FailedOver,
            CoreNoticeKind::CircuitOpen => NoticeKind::CircuitOpen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_strings_are_the_core_names() {
        for mode in [
            CoreAttemptMode::Stream,
            CoreAttemptMode::NonStream,
            CoreAttemptMode::Reconnect,
        ] {
            assert_eq!(AttemptMode::from(mode).as_str(), mode.as_str());
        }
        for kind in [
            CoreNoticeKind::Retrying,
            CoreNoticeKind::Reconnecting,
            CoreNoticeKind::NonStreamFallback,
            CoreNoticeKind::FailedOver,
            CoreNoticeKind::CircuitOpen,
        ] {
            assert_eq!(NoticeKind::from(kind).as_str(), kind.as_str());
        }
    }
}
