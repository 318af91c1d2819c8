//! `StreamDecoder`: the core's provider stream decoders (`genie_core::provider`) for
//! JavaScript, and the plain objects they return.
//!
//! The types here describe the JS objects (and give `index.d.ts` their TypeScript); the objects
//! themselves are made with [`Builder`], after the decoder is done with the caller's buffer.

use genie_core::provider::{
    ErrorClass as CoreErrorClass, FinishReason as CoreFinishReason, Provider,
    ProviderError as CoreProviderError, StreamDecoder as CoreDecoder,
    StreamEvent as CoreStreamEvent, StreamSummary as CoreSummary, Usage as CoreUsage,
};
use napi::bindgen_prelude::{Array, Object, Unknown};
use napi::{sys, Env, JsValue};
use napi_derive::napi;

use crate::objects::Builder;
use crate::{args, errors};

/// Why the model stopped, normalised across providers (the provider's own value is in
/// `rawFinishReason`).
#[napi(string_enum = "snake_case")]
pub enum FinishReason {
    /// A natural end or a stop sequence.
    Stop,
    /// The output token limit.
    Length,
    /// The model is calling tools.
    ToolCalls,
    /// A safety or content policy stopped the answer (or blocked the prompt).
    ContentFilter,
    /// The provider failed while generating.
    Error,
    /// Anything else the provider reports.
    Other,
}

impl FinishReason {
    /// The string JS sees (napi's `snake_case` of the variant, the core's name).
    fn as_str(&self) -> &'static str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::ToolCalls => "tool_calls",
            FinishReason::ContentFilter => "content_filter",
            FinishReason::Error => "error",
            FinishReason::Other => "other",
        }
    }
}

impl From<CoreFinishReason> for FinishReason {
    fn from(reason: CoreFinishReason) -> Self {
        match reason {
            CoreFinishReason::Stop => FinishReason::Stop,
            CoreFinishReason::Length => FinishReason::Length,
            CoreFinishReason::ToolCalls => FinishReason::ToolCalls,
            CoreFinishReason::ContentFilter => FinishReason::ContentFilter,
            CoreFinishReason::Error => FinishReason::Error,
            CoreFinishReason::Other => FinishReason::Other,
        }
    }
}

/// What kind of in-band error a provider sent inside a stream.
#[napi(string_enum = "snake_case")]
pub enum ErrorClass {
    /// Rate or quota limits.
    RateLimit,
    /// The provider is overloaded or failed on its side; retrying later may work.
    Overloaded,
    /// The request is wrong (too long, bad parameter); retrying it unchanged will not work.
    InvalidRequest,
    /// Refused on content policy grounds.
    ContentFilter,
    /// Anything else.
    Other,
}

impl ErrorClass {
    /// The string JS sees (napi's `snake_case` of the variant, the core's name).
    fn as_str(&self) -> &'static str {
        match self {
            ErrorClass::RateLimit => "rate_limit",
            ErrorClass::Overloaded => "overloaded",
            ErrorClass::InvalidRequest => "invalid_request",
            ErrorClass::ContentFilter => "content_filter",
            ErrorClass::Other => "other",
        }
    }
}

impl From<CoreErrorClass> for ErrorClass {
    fn from(class: CoreErrorClass) -> Self {
        match class {
            CoreErrorClass::RateLimit => ErrorClass::RateLimit,
            CoreErrorClass::Overloaded => ErrorClass::Overloaded,
            CoreErrorClass::InvalidRequest => ErrorClass::InvalidRequest,
            CoreErrorClass::ContentFilter => ErrorClass::ContentFilter,
            CoreErrorClass::Other => ErrorClass::Other,
        }
    }
}

/// Token counts as the provider reported them; `null` where it did not report a count.
///
/// `inputTokens` includes cached prompt tokens for every provider, and `cachedTokens` is the
/// part of the input served from the provider's cache. `reasoningTokens` are the thinking
/// tokens, which OpenAI and Gemini count apart from the answer.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    use_nullable = true
)]
pub struct Usage {
    /// Prompt tokens, cached ones included.
    pub input_tokens: Option<f64>,
    /// Answer tokens.
    pub output_tokens: Option<f64>,
    /// What the provider bills as the total.
    pub total_tokens: Option<f64>,
    /// Prompt tokens served from cache.
    pub cached_tokens: Option<f64>,
    /// Reasoning ("thinking") tokens.
    pub reasoning_tokens: Option<f64>,
}

impl From<CoreUsage> for Usage {
    fn from(usage: CoreUsage) -> Self {
        Usage {
            input_tokens: usage.input_tokens.map(count),
            output_tokens: usage.output_tokens.map(count),
            total_tokens: usage.total_tokens.map(count),
            cached_tokens: usage.cached_tokens.map(count),
            reasoning_tokens: usage.reasoning_tokens.map(count),
        }
    }
}

impl Usage {
    fn to_js(&self, js: &mut Builder<'_>) -> napi::Result<sys::napi_value> {
        let input = js.number(self.input_tokens)?;
        let output = js.number(self.output_tokens)?;
        let total = js.number(self.total_tokens)?;
        let cached = js.number(self.cached_tokens)?;
        let reasoning = js.number(self.reasoning_tokens)?;
        js.object(&[
            ("inputTokens", input),
            ("outputTokens", output),
            ("totalTokens", total),
            ("cachedTokens", cached),
            ("reasoningTokens", reasoning),
        ])
    }
}

/// A count as a JS number (napi maps `u64` to BigInt): exact up to 2^53, beyond any real count.
fn count(n: u64) -> f64 {
    n as f64
}

/// An error the provider reported inside the stream (a record, not a thrown error).
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    use_nullable = true
)]
pub struct ProviderError {
    /// The normalised class.
    pub kind: ErrorClass,
    /// The provider's message.
    pub message: String,
    /// The provider's own type, code or status string (`"overloaded_error"`), or `null`.
    pub code: Option<String>,
}

impl ProviderError {
    fn to_js(&self, js: &mut Builder<'_>) -> napi::Result<sys::napi_value> {
        let kind = js.name(self.kind.as_str())?;
        let message = js.string(&self.message)?;
        let code = js.optional_string(self.code.as_deref())?;
        js.object(&[("kind", kind), ("message", message), ("code", code)])
    }
}

impl From<CoreProviderError> for ProviderError {
    fn from(error: CoreProviderError) -> Self {
        ProviderError {
            kind: error.kind.into(),
            message: error.message,
            code: error.code,
        }
    }
}

/// One decoded happening in a provider stream, told apart by `type`. Only the fields of its
/// type are present:
///
/// - `"text"`: `text`, a piece of the answer to append to what came before;
/// - `"usage"`: `usage`, the usage so far (each replaces the previous one);
/// - `"finish"`: `finishReason` (normalised) and `rawFinishReason` (the provider's own value);
/// - `"error"`: `error`, an error the provider reported inside the stream;
/// - `"malformed"`: an event whose payload is not the provider's JSON, skipped: `message`
///   says what was wrong, `payload` is the event's data unmodified.
#[napi(
    discriminant = "type",
    discriminant_case = "lowercase",
    object_from_js = false,
    object_to_js = false
)]
pub enum StreamEvent {
    /// A piece of the answer's text.
    Text { text: String },
    /// The usage so far.
    Usage { usage: Usage },
    /// The model stopped.
    Finish {
        finish_reason: FinishReason,
        raw_finish_reason: String,
    },
    /// The provider reported an error inside the stream.
    Error { error: ProviderError },
    /// A payload that is not the provider's JSON.
    Malformed { message: String, payload: String },
}

impl StreamEvent {
    fn to_js(&self, js: &mut Builder<'_>) -> napi::Result<sys::napi_value> {
        match self {
            StreamEvent::Text { text } => {
                let kind = js.name("text")?;
                let text = js.string(text)?;
                js.object(&[("type", kind), ("text", text)])
            }
            StreamEvent::Usage { usage } => {
                let kind = js.name("usage")?;
                let usage = usage.to_js(js)?;
                js.object(&[("type", kind), ("usage", usage)])
            }
            StreamEvent::Finish {
                finish_reason,
                raw_finish_reason,
            } => {
                let kind = js.name("finish")?;
                let reason = js.name(finish_reason.as_str())?;
                let raw = js.string(raw_finish_reason)?;
                js.object(&[
                    ("type", kind),
                    ("finishReason", reason),
                    ("rawFinishReason", raw),
                ])
            }
            StreamEvent::Error { error } => {
                let kind = js.name("error")?;
                let error = error.to_js(js)?;
                js.object(&[("type", kind), ("error", error)])
            }
            StreamEvent::Malformed { message, payload } => {
                let kind = js.name("malformed")?;
                let message = js.string(message)?;
                let payload = js.string(payload)?;
                js.object(&[("type", kind), ("message", message), ("payload", payload)])
            }
        }
    }
}

impl From<CoreStreamEvent> for StreamEvent {
    fn from(event: CoreStreamEvent) -> Self {
        match event {
            CoreStreamEvent::Text(text) => StreamEvent::Text { text },
            CoreStreamEvent::Usage(usage) => StreamEvent::Usage {
                usage: usage.into(),
            },
            CoreStreamEvent::Finish { reason, raw } => StreamEvent::Finish {
                finish_reason: reason.into(),
                raw_finish_reason: raw,
            },
            CoreStreamEvent::Error(error) => StreamEvent::Error {
                error: error.into(),
            },
            CoreStreamEvent::Malformed { message, payload } => {
                StreamEvent::Malformed { message, payload }
            }
        }
    }
}

/// What a whole stream amounted to, returned by `StreamDecoder.finish()`.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    use_nullable = true
)]
pub struct StreamSummary {
    /// Which wire format was decoded.
    #[napi(ts_type = "'gemini' | 'openai' | 'openai-responses' | 'anthropic'")]
    pub provider: &'static str,
    /// All text pieces, concatenated.
    pub text: String,
    /// The final usage (each count `null` if never reported).
    pub usage: Usage,
    /// The normalised finish reason, or `null` if the provider sent none.
    pub finish_reason: Option<FinishReason>,
    /// The provider's own finish reason, or `null`.
    pub raw_finish_reason: Option<String>,
    /// Whether the provider's end marker arrived. `false` means the answer may be truncated
    /// and must not be presented as whole.
    pub complete: bool,
    /// The last in-band error, or `null`.
    pub error: Option<ProviderError>,
    /// How many events were skipped as malformed.
    pub malformed_events: f64,
    /// How many keep-alives (SSE comments and `ping` events) arrived.
    pub keepalives: f64,
}

impl StreamSummary {
    fn to_js(&self, js: &mut Builder<'_>) -> napi::Result<sys::napi_value> {
        let provider = js.name(self.provider)?;
        let text = js.string(&self.text)?;
        let usage = self.usage.to_js(js)?;
        let finish_reason = match &self.finish_reason {
            Some(reason) => js.name(reason.as_str())?,
            None => js.null()?,
        };
        let raw_finish_reason = js.optional_string(self.raw_finish_reason.as_deref())?;
        let complete = js.boolean(self.complete)?;
        let error = match &self.error {
            Some(error) => error.to_js(js)?,
            None => js.null()?,
        };
        let malformed_events = js.number(Some(self.malformed_events))?;
        let keepalives = js.number(Some(self.keepalives))?;
        js.object(&[
            ("provider", provider),
            ("text", text),
            ("usage", usage),
            ("finishReason", finish_reason),
            ("rawFinishReason", raw_finish_reason),
            ("complete", complete),
            ("error", error),
            ("malformedEvents", malformed_events),
            ("keepalives", keepalives),
        ])
    }
}

impl From<CoreSummary> for StreamSummary {
    fn from(summary: CoreSummary) -> Self {
        StreamSummary {
            provider: summary.provider.name(),
            text: summary.text,
            usage: summary.usage.into(),
            finish_reason: summary.finish_reason.map(Into::into),
            raw_finish_reason: summary.raw_finish_reason,
            complete: summary.complete,
            error: summary.error.map(Into::into),
            malformed_events: count(summary.malformed_events),
            keepalives: count(summary.keepalives),
        }
    }
}

/// Decodes one provider's streaming response (`"gemini"`, `"openai"`, `"openai-responses"` or
/// `"anthropic"`), chunk by chunk, into `StreamEvent`s; `finish()` says whether the answer is
/// complete. It performs no IO.
///
/// A line or event over the SSE limits makes `feed` throw `LIMIT_EXCEEDED` after the whole
/// chunk was decoded, with the chunk's other events in `err.events`; decoding continues.
/// Malformed payloads are not errors: they arrive as `{ type: "malformed" }` events.
#[napi]
pub struct StreamDecoder {
    inner: CoreDecoder,
    /// Reused between `feed` calls so steady-state decoding does not reallocate it.
    pending: Vec<CoreStreamEvent>,
}

#[napi]
impl StreamDecoder {
    /// A decoder for `provider` whose SSE parser enforces `options`.
    ///
    /// @throws {Error} `code` `"INVALID_ARGUMENT"` if `provider` is not one of the names above
    /// (the message lists them) or `options` is invalid.
    #[napi(
        constructor,
        ts_args_type = "provider: 'gemini' | 'openai' | 'openai-responses' | 'anthropic', options?: SseParserOptions | null"
    )]
    pub fn new(
        env: &Env,
        provider: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Self> {
        let name = args::string(env, "provider", provider)?;
        let provider = Provider::from_name(&name).map_err(|e| errors::to_js(env, &e))?;
        let options = args::parser_options(env, options)?;
        let inner =
            CoreDecoder::with_options(provider, options).map_err(|e| errors::to_js(env, &e))?;
        Ok(StreamDecoder {
            inner,
            pending: Vec::new(),
        })
    }

    /// Decodes `chunk` and returns the events it completed, in order.
    ///
    /// @throws {Error} `code` `"INVALID_ARGUMENT"` if `chunk` is not a `Buffer` or
    /// `Uint8Array`; `code` `"LIMIT_EXCEEDED"` (with `err.events`) if a line or an event in it
    /// was too large.
    #[napi(
        ts_args_type = "chunk: Buffer | Uint8Array",
        ts_return_type = "Array<StreamEvent>"
    )]
    pub fn feed<'env>(
        &mut self,
        env: &'env Env,
        chunk: Unknown<'env>,
    ) -> napi::Result<Array<'env>> {
        let bytes = args::chunk(env, chunk)?;
        self.pending.clear();
        let decoded = errors::guard(env, || {
            Ok(self
                .inner
                .feed_to_vec(&bytes.arraybuffer, &mut self.pending))
        })?;
        let mut js = Builder::new(env);
        let mut objects = Vec::with_capacity(self.pending.len());
        for event in self.pending.drain(..) {
            objects.push(StreamEvent::from(event).to_js(&mut js)?);
        }
        let events = js.array(&objects)?;
        match decoded {
            Ok(()) => Ok(events),
            Err(error) => Err(errors::with_events(env, &error, events)),
        }
    }

    /// Ends the stream and returns what it amounted to. The decoder is reset and can decode
    /// another stream of the same provider.
    #[napi(ts_return_type = "StreamSummary")]
    pub fn finish<'env>(&mut self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        let summary = StreamSummary::from(errors::guard(env, || Ok(self.inner.finish()))?);
        let object = summary.to_js(&mut Builder::new(env))?;
        Ok(Object::from_raw(env.raw(), object).to_unknown())
    }

    /// The provider name this decoder reads.
    #[napi(
        getter,
        ts_return_type = "'gemini' | 'openai' | 'openai-responses' | 'anthropic'"
    )]
    pub fn provider(&self) -> &'static str {
        self.inner.provider().name()
    }

    /// Whether the provider's end marker has arrived so far.
    #[napi(getter)]
    pub fn complete(&self) -> bool {
        self.inner.is_complete()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_strings_are_the_core_names() {
        for &reason in CoreFinishReason::ALL {
            assert_eq!(FinishReason::from(reason).as_str(), reason.as_str());
        }
        for &class in CoreErrorClass::ALL {
            assert_eq!(ErrorClass::from(class).as_str(), class.as_str());
        }
    }
}
