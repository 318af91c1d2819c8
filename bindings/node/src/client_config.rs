//! The client's documents from JavaScript: its configuration (an object, JSON text or a file
//! path, like the redactor's) and the request of a call (a plain object). Both are the core's
//! JSON shapes (notes/client-api.md), keys in snake_case as in a config file, so the same
//! document works from a file, JS, Python and C. The core checks them and names the path of a
//! bad value (`timeouts.stall_gap_ms: must be > 0`, `messages[0].role: ...`).
//!
//! The structs below only declare the documents' TypeScript shape for `index.d.ts`.

use std::collections::HashMap;
use std::path::Path;

use genie_core::client::{ClientConfig as CoreConfig, Request as CoreRequest};
use genie_core::ErrorKind;
use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use crate::config::{self, Source};
use crate::errors;

/// The client's configuration document (every section optional: absent ones take the
/// runbook's defaults — a Gemini provider reading `GEMINI_API_KEY`, flash by default with
/// flash-lite as the downgrade, a 10 s stall gap, one reconnect then a non-stream request).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ClientConfig {
    /// Provider endpoints by name (the name models refer to).
    pub providers: Option<HashMap<String, ProviderConfig>>,
    /// The model catalogue by name (the name requests and routes use).
    pub models: Option<HashMap<String, ModelConfig>>,
    /// Per model, the models to try after it, in order.
    pub fallbacks: Option<HashMap<String, Vec<String>>>,
    /// The model used when a request names none.
    #[napi(js_name = "default_model", ts_type = "string | null")]
    pub default_model: Option<String>,
    /// Deadlines, in milliseconds.
    pub timeouts: Option<Timeouts>,
    /// Retries on the same model.
    pub retry: Option<RetryPolicy>,
    /// What to do when a stream stalls or is cut mid-answer.
    pub reconnect: Option<ReconnectPolicy>,
    /// After the reconnects fail, ask the same model once more without streaming (default
    /// `true`).
    #[napi(js_name = "non_stream_fallback")]
    pub non_stream_fallback: Option<bool>,
    /// On HTTP 402, move on to models of other providers instead of failing (default `false`).
    #[napi(js_name = "fail_over_on_payment_required")]
    pub fail_over_on_payment_required: Option<bool>,
    /// Per-model circuit breakers.
    pub breaker: Option<BreakerPolicy>,
    /// A malformed event fails the attempt instead of being skipped and counted.
    pub strict: Option<bool>,
}

/// One provider endpoint.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ProviderConfig {
    /// The wire format.
    #[napi(ts_type = "'gemini' | 'openai' | 'openai-responses' | 'anthropic'")]
    pub kind: String,
    /// Scheme, host and optional path prefix; the provider's public endpoint when absent.
    #[napi(js_name = "base_url", ts_type = "string | null")]
    pub base_url: Option<String>,
    /// The environment variable holding the API key (read when the client is made: set
    /// `process.env[name]` before); no key is sent when absent.
    #[napi(js_name = "api_key_env", ts_type = "string | null")]
    pub api_key_env: Option<String>,
    /// Extra headers sent with every request.
    pub headers: Option<HashMap<String, String>>,
    /// Overrides of the call-wide timeouts for this provider.
    pub timeouts: Option<ProviderTimeouts>,
}

/// Per-provider overrides of the call-wide timeouts, in milliseconds.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ProviderTimeouts {
    /// Overrides `timeouts.first_byte_ms`.
    #[napi(js_name = "first_byte_ms")]
    pub first_byte_ms: Option<f64>,
    /// Overrides `timeouts.first_token_ms`.
    #[napi(js_name = "first_token_ms")]
    pub first_token_ms: Option<f64>,
    /// Overrides `timeouts.stall_gap_ms`.
    #[napi(js_name = "stall_gap_ms")]
    pub stall_gap_ms: Option<f64>,
}

/// One model of the catalogue.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ModelConfig {
    /// The provider (a key of `providers`).
    pub provider: String,
    /// The provider's model id; the catalogue name when absent.
    #[napi(ts_type = "string | null")]
    pub id: Option<String>,
    /// The context window in tokens, used to route a too-long prompt to a larger model.
    #[napi(js_name = "context_window", ts_type = "number | null")]
    pub context_window: Option<f64>,
    /// Whether the model accepts an assistant prefill (the `continue` reconnect strategy).
    pub prefill: Option<bool>,
    /// Whether to stream from this model (default `true`).
    pub stream: Option<bool>,
}

/// Deadlines, in milliseconds; every one must be > 0.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct Timeouts {
    /// TCP and TLS connection (default 5000).
    #[napi(js_name = "connect_ms")]
    pub connect_ms: Option<f64>,
    /// From sending a request to its response headers (default 15000); a route silent this
    /// long is failed over, not retried.
    #[napi(js_name = "first_byte_ms")]
    pub first_byte_ms: Option<f64>,
    /// From sending a streaming request to its first text (default 30000).
    #[napi(js_name = "first_token_ms")]
    pub first_token_ms: Option<f64>,
    /// The longest silence inside a streaming body, from the last byte received (default
    /// 10000).
    #[napi(js_name = "stall_gap_ms")]
    pub stall_gap_ms: Option<f64>,
    /// The longest a non-streaming request may take (default 60000).
    #[napi(js_name = "non_stream_ms")]
    pub non_stream_ms: Option<f64>,
    /// The one deadline of a whole call, retries and fail-overs included (default 90000).
    #[napi(js_name = "total_ms")]
    pub total_ms: Option<f64>,
}

/// Retries on the same model.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct RetryPolicy {
    /// Attempts per model, the first included (default 3).
    #[napi(js_name = "max_attempts")]
    pub max_attempts: Option<f64>,
    /// Full-jitter backoff base (default 500).
    #[napi(js_name = "base_ms")]
    pub base_ms: Option<f64>,
    /// The backoff's ceiling (default 8000).
    #[napi(js_name = "cap_ms")]
    pub cap_ms: Option<f64>,
    /// Retries allowed per call made, over a 10 s window (default 0.2).
    #[napi(js_name = "budget_ratio")]
    pub budget_ratio: Option<f64>,
    /// Retries always allowed per second (default 10).
    #[napi(js_name = "budget_min_retries_per_s")]
    pub budget_min_retries_per_s: Option<f64>,
}

/// What a reconnect after a stall or a cut does.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ReconnectPolicy {
    /// Reconnects before the non-stream fallback (default 1).
    pub attempts: Option<f64>,
    /// `"restart"` (default) or `"continue"` (for models with `prefill: true`).
    #[napi(ts_type = "'restart' | 'continue'")]
    pub strategy: Option<String>,
}

/// Per-model circuit breakers.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct BreakerPolicy {
    /// Opens after this many failed attempts in a row (default 5).
    #[napi(js_name = "consecutive_failures")]
    pub consecutive_failures: Option<f64>,
    /// Opens when this share of the last `window` attempts failed (default 0.5).
    #[napi(js_name = "failure_rate")]
    pub failure_rate: Option<f64>,
    /// How many recent attempts the failure rate looks at (default 20).
    pub window: Option<f64>,
    /// Attempts needed in the window before the rate counts (default 10).
    #[napi(js_name = "min_calls")]
    pub min_calls: Option<f64>,
    /// How long an open breaker routes around the model before probing it (default 5000).
    #[napi(js_name = "open_ms")]
    pub open_ms: Option<f64>,
    /// Probe attempts allowed at once while half-open (default 1).
    #[napi(js_name = "half_open_probes")]
    pub half_open_probes: Option<f64>,
}

/// One call's request: the same JSON shape in every language.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CallRequest {
    /// The model to ask first (a catalogue name); the config's `default_model` when absent.
    #[napi(ts_type = "string | null")]
    pub model: Option<String>,
    /// The models to try after it; the config's route for `model` when absent.
    #[napi(ts_type = "Array<string> | null")]
    pub fallbacks: Option<Vec<String>>,
    /// The system prompt.
    #[napi(ts_type = "string | null")]
    pub system: Option<String>,
    /// The conversation, oldest first (at least one message).
    pub messages: Vec<Message>,
    /// The output token limit.
    #[napi(js_name = "max_output_tokens", ts_type = "number | null")]
    pub max_output_tokens: Option<f64>,
    /// Sampling temperature.
    #[napi(ts_type = "number | null")]
    pub temperature: Option<f64>,
    /// Stop sequences.
    pub stop: Option<Vec<String>>,
    /// Fields merged into the body sent to a provider, keyed by provider kind (`"gemini"`,
    /// `"openai"`, `"openai-responses"`, `"anthropic"`) or provider name; objects merge
    /// recursively, anything else replaces.
    #[napi(ts_type = "Record<string, Record<string, unknown>>")]
    pub extra: Option<HashMap<String, String>>,
}

/// One message of the conversation: a string, or text and image parts.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct Message {
    /// Who said it.
    #[napi(ts_type = "'user' | 'assistant'")]
    pub role: String,
    /// What was said.
    #[napi(ts_type = "string | Array<MessagePart>")]
    pub content: String,
}

/// A part of a message: `{ type: "text", text }`, or an image given inline
/// (`{ type: "image", mime_type: "image/png", data: "<base64>" }`) or by `url`.
#[napi(
    discriminant = "type",
    discriminant_case = "lowercase",
    object_from_js = false,
    object_to_js = false
)]
pub enum MessagePart {
    /// Text.
    Text { text: String },
    /// An image.
    Image {
        #[napi(js_name = "mime_type", ts_type = "string | null")]
        mime_type: Option<String>,
        #[napi(ts_type = "string | null")]
        data: Option<String>,
        #[napi(ts_type = "string | null")]
        url: Option<String>,
    },
}

/// The client's configuration from a `config` argument (`undefined`/`null`: the defaults).
pub(crate) fn client_config(env: &Env, value: Option<Unknown<'_>>) -> napi::Result<CoreConfig> {
    let parsed = match config::source(env, value)? {
        Source::Default => return Ok(CoreConfig::default()),
        Source::Json(text) => CoreConfig::from_json(&text),
        Source::Path(path) => CoreConfig::from_path(Path::new(&path)),
        Source::Value(json) => CoreConfig::from_value(json),
    };
    parsed.map_err(|e| errors::to_js(env, &e))
}

/// The request of a call from a `request` argument.
pub(crate) fn request(env: &Env, value: Unknown<'_>) -> napi::Result<CoreRequest> {
    let json = config::plain_object(env, "request", value, ErrorKind::InvalidArgument)?;
    CoreRequest::from_value(json).map_err(|e| errors::to_js(env, &e))
}
