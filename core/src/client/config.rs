//! The client's configuration document (DESIGN.md §7, notes/client-api.md): providers, the model
//! catalogue, fallback routes, timeouts, retry, reconnect and circuit-breaker policies; its
//! loaders (JSON string, `serde_json::Value`, file) and its structural validation. Every error
//! is `ErrorKind::InvalidConfig` and names the path and the reason
//! (`timeouts.stall_gap_ms: must be > 0`). API keys are not part of it: a provider names the
//! environment variable holding its key, read when the [`super::Client`] is built.
//!
//! Absent sections take the runbook's defaults: a Gemini provider reading `GEMINI_API_KEY`,
//! the flash / pro / flash-lite catalogue with flash as the default model and flash-lite as the
//! downgrade, a 10 s stall gap, one reconnect then a non-stream request, 402 never retried.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Deserializer};

use crate::provider::Provider;
use crate::{Error, ErrorKind, Result};

/// The whole client configuration. Build it with [`ClientConfig::from_json`] (or `from_value`,
/// `from_path`), or start from [`ClientConfig::default`] (the runbook's) and edit the fields;
/// [`super::Client::new`] validates it either way.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientConfig {
    /// Provider endpoints by name (the name models refer to).
    pub providers: BTreeMap<String, ProviderConfig>,
    /// The model catalogue by name (the name requests and routes use).
    pub models: BTreeMap<String, ModelConfig>,
    /// Per model, the models to try after it, in order (a request may override its route).
    pub fallbacks: BTreeMap<String, Vec<String>>,
    /// The model used when a request names none.
    pub default_model: Option<String>,
    /// Connection, first-byte, first-token, stall and total deadlines.
    pub timeouts: Timeouts,
    /// Retries of a failed attempt on the same model.
    pub retry: RetryPolicy,
    /// What to do when a stream stalls or is cut mid-answer.
    pub reconnect: ReconnectPolicy,
    /// After the reconnects fail, ask the same model once more without streaming.
    pub non_stream_fallback: bool,
    /// On HTTP 402, move on to models of other providers instead of failing the call.
    pub fail_over_on_payment_required: bool,
    /// Per-model circuit breakers.
    pub breaker: BreakerPolicy,
    /// A malformed event fails the attempt instead of being skipped and counted.
    pub strict: bool,
}

/// One provider endpoint.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// The wire format: `"gemini"`, `"openai"`, `"openai-responses"` or `"anthropic"`.
    pub kind: String,
    /// Scheme, host and optional path prefix; the provider's public endpoint when absent.
    #[serde(default)]
    pub base_url: Option<String>,
    /// The environment variable holding the API key; no key is sent when absent.
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// Extra headers sent with every request (values are never printed).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Per-provider overrides of the call-wide timeouts.
    #[serde(default)]
    pub timeouts: ProviderTimeouts,
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may hold credentials someone put there; only their names are shown.
        f.debug_struct("ProviderConfig")
            .field("kind", &self.kind)
            .field("base_url", &self.base_url)
            .field("api_key_env", &self.api_key_env)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("timeouts", &self.timeouts)
            .finish()
    }
}

/// Overrides for one provider: reasoning models may think longer before their first token,
/// and some servers send keep-alives less often than others.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderTimeouts {
    /// Overrides [`Timeouts::first_byte_ms`].
    #[serde(default, deserialize_with = "opt_positive")]
    pub first_byte_ms: Option<u64>,
    /// Overrides [`Timeouts::first_token_ms`].
    #[serde(default, deserialize_with = "opt_positive")]
    pub first_token_ms: Option<u64>,
    /// Overrides [`Timeouts::stall_gap_ms`].
    #[serde(default, deserialize_with = "opt_positive")]
    pub stall_gap_ms: Option<u64>,
}

/// One model of the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// The provider (a key of [`ClientConfig::providers`]).
    pub provider: String,
    /// The provider's model id; the catalogue name when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// The context window in tokens, used to route a too-long prompt to a larger model.
    #[serde(default)]
    pub context_window: Option<u64>,
    /// Whether the model accepts an assistant prefill (the `continue` reconnect strategy).
    #[serde(default)]
    pub prefill: bool,
    /// Whether to stream from this model (otherwise every attempt is a plain request).
    #[serde(default = "yes")]
    pub stream: bool,
}

/// Deadlines, in milliseconds. All must be > 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Timeouts {
    /// TCP (and TLS) connection establishment.
    #[serde(deserialize_with = "positive")]
    pub connect_ms: u64,
    /// From sending a request to its response headers; a route that stays silent this long
    /// is failed over, not retried.
    #[serde(deserialize_with = "positive")]
    pub first_byte_ms: u64,
    /// From sending a streaming request to its first text; exceeded, the route is failed over.
    #[serde(deserialize_with = "positive")]
    pub first_token_ms: u64,
    /// The longest silence allowed inside a streaming body, from the last byte received
    /// (keep-alives count as bytes).
    #[serde(deserialize_with = "positive")]
    pub stall_gap_ms: u64,
    /// The longest a non-streaming request may take, headers and body.
    #[serde(deserialize_with = "positive")]
    pub non_stream_ms: u64,
    /// The one deadline of a whole call, retries, reconnects and fail-overs included.
    #[serde(deserialize_with = "positive")]
    pub total_ms: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect_ms: 5_000,
            first_byte_ms: 15_000,
            first_token_ms: 30_000,
            stall_gap_ms: 10_000,
            non_stream_ms: 60_000,
            total_ms: 90_000,
        }
    }
}

/// Retries on the same model (429 with a wait that fits, 5xx, overloaded, connection reset).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetryPolicy {
    /// Attempts per model, the first included (Google SRE: at most 3).
    pub max_attempts: u32,
    /// Full-jitter backoff: the n-th retry waits up to `min(cap, base · 2^n)`.
    #[serde(deserialize_with = "positive")]
    pub base_ms: u64,
    /// The ceiling of the backoff.
    #[serde(deserialize_with = "positive")]
    pub cap_ms: u64,
    /// Retries allowed per call made, over a 10 s window, on top of the minimum below.
    pub budget_ratio: f64,
    /// Retries always allowed per second, whatever the call volume.
    pub budget_min_retries_per_s: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_ms: 500,
            cap_ms: 8_000,
            budget_ratio: 0.2,
            budget_min_retries_per_s: 10,
        }
    }
}

/// How a stream that stalled or was cut mid-answer is reconnected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReconnectPolicy {
    /// Reconnects before the non-stream fallback (the runbook: once).
    pub attempts: u32,
    /// `restart` or `continue`.
    pub strategy: ReconnectStrategy,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            attempts: 1,
            strategy: ReconnectStrategy::Restart,
        }
    }
}

/// What a reconnect to an LLM endpoint does. A server that sent `id:` lines is always resumed
/// with `Last-Event-ID`, whatever the strategy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReconnectStrategy {
    /// Ask again from scratch; the caller gets a `reset` before the new text.
    #[default]
    Restart,
    /// For models with `prefill: true`, ask for the rest of the answer with the text received so
    /// far as an assistant prefill, appending to it (no reset). Other models restart, and a
    /// rejected prefill falls back to restarting.
    Continue,
}

/// Per-model circuit breakers: open on consecutive failures or a failure rate, route around,
/// probe after `open_ms`, close on a successful probe.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BreakerPolicy {
    /// Opens after this many failed attempts in a row.
    pub consecutive_failures: u32,
    /// Opens when this share of the last `window` attempts failed (and at least `min_calls`
    /// were recorded).
    pub failure_rate: f64,
    /// How many recent attempts the failure rate looks at.
    pub window: u32,
    /// Attempts needed in the window before the rate counts.
    pub min_calls: u32,
    /// How long an open breaker routes around the model before probing it.
    #[serde(deserialize_with = "positive")]
    pub open_ms: u64,
    /// Probe attempts allowed at once while half-open.
    pub half_open_probes: u32,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        BreakerPolicy {
            consecutive_failures: 5,
            failure_rate: 0.5,
            window: 20,
            min_calls: 10,
            open_ms: 5_000,
            half_open_probes: 1,
        }
    }
}

/// The document as written: sections that default together are optional here.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    providers: Option<BTreeMap<String, ProviderConfig>>,
    models: Option<BTreeMap<String, ModelConfig>>,
    fallbacks: Option<BTreeMap<String, Vec<String>>>,
    default_model: Option<String>,
    #[serde(default)]
    timeouts: Timeouts,
    #[serde(default)]
    retry: RetryPolicy,
    #[serde(default)]
    reconnect: ReconnectPolicy,
    #[serde(default = "yes")]
    non_stream_fallback: bool,
    #[serde(default)]
    fail_over_on_payment_required: bool,
    #[serde(default)]
    breaker: BreakerPolicy,
    #[serde(default)]
    strict: bool,
}

impl Default for ClientConfig {
    /// The runbook's configuration: Gemini, flash by default, flash-lite as the downgrade.
    fn default() -> Self {
        let gemini = ProviderConfig {
            kind: "gemini".into(),
            base_url: None,
            api_key_env: Some("GEMINI_API_KEY".into()),
            headers: BTreeMap::new(),
            timeouts: ProviderTimeouts::default(),
        };
        let model = |id: &str| {
            (
                id.to_owned(),
                ModelConfig {
                    provider: "gemini".into(),
                    id: Some(id.to_owned()),
                    context_window: Some(1_048_576),
                    prefill: false,
                    stream: true,
                },
            )
        };
        let route = |from: &str, to: &[&str]| {
            (
                from.to_owned(),
                to.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
            )
        };
        ClientConfig {
            providers: BTreeMap::from([("gemini".to_owned(), gemini)]),
            models: BTreeMap::from([
                model("gemini-2.5-flash"),
                model("gemini-2.5-pro"),
                model("gemini-2.5-flash-lite"),
            ]),
            fallbacks: BTreeMap::from([
                route(
                    "gemini-2.5-pro",
                    &["gemini-2.5-flash", "gemini-2.5-flash-lite"],
                ),
                route("gemini-2.5-flash", &["gemini-2.5-flash-lite"]),
            ]),
            default_model: Some("gemini-2.5-flash".into()),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            reconnect: ReconnectPolicy::default(),
            non_stream_fallback: true,
            fail_over_on_payment_required: false,
            breaker: BreakerPolicy::default(),
            strict: false,
        }
    }
}

impl ClientConfig {
    /// Parses and validates a JSON document.
    pub fn from_json(json: &str) -> Result<ClientConfig> {
        if !json.trim_start().starts_with('{') {
            return Err(invalid("the configuration must be a JSON object"));
        }
        let mut de = serde_json::Deserializer::from_str(json);
        let doc: Document = serde_path_to_error::deserialize(&mut de).map_err(path_error)?;
        de.end()
            .map_err(|e| invalid(format!("trailing characters after the document: {e}")))?;
        ClientConfig::from_document(doc)
    }

    /// Reads and validates a `serde_json::Value` (what the bindings build from a dict or object).
    pub fn from_value(value: serde_json::Value) -> Result<ClientConfig> {
        // serde would also read an array as the fields in order.
        if !value.is_object() {
            return Err(invalid("the configuration must be a JSON object"));
        }
        let doc: Document = serde_path_to_error::deserialize(value).map_err(path_error)?;
        ClientConfig::from_document(doc)
    }

    /// Reads and validates a JSON file.
    pub fn from_path(path: &Path) -> Result<ClientConfig> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| invalid(format!("{}: cannot read: {e}", path.display())))?;
        ClientConfig::from_json(&text)
            .map_err(|e| invalid(format!("{}: {}", path.display(), e.message())))
    }

    fn from_document(doc: Document) -> Result<ClientConfig> {
        let defaults = ClientConfig::default();
        let models_given = doc.models.is_some();
        let config = ClientConfig {
            providers: doc.providers.unwrap_or(defaults.providers),
            models: doc.models.unwrap_or(defaults.models),
            // The runbook's routes name the runbook's models: they only apply with them.
            fallbacks: match doc.fallbacks {
                Some(routes) => routes,
                None if models_given => BTreeMap::new(),
                None => defaults.fallbacks,
            },
            default_model: match doc.default_model {
                Some(model) => Some(model),
                None if models_given => None,
                None => defaults.default_model,
            },
            timeouts: doc.timeouts,
            retry: doc.retry,
            reconnect: doc.reconnect,
            non_stream_fallback: doc.non_stream_fallback,
            fail_over_on_payment_required: doc.fail_over_on_payment_required,
            breaker: doc.breaker,
            strict: doc.strict,
        };
        config.validate()?;
        Ok(config)
    }

    /// Checks everything that does not need the environment; [`super::Client::new`] calls it.
    pub fn validate(&self) -> Result<()> {
        if self.providers.is_empty() {
            return Err(invalid("providers: must name at least one provider"));
        }
        for (name, provider) in &self.providers {
            validate_provider(name, provider)?;
        }
        if self.models.is_empty() {
            return Err(invalid("models: must name at least one model"));
        }
        for (name, model) in &self.models {
            if !self.providers.contains_key(&model.provider) {
                return Err(invalid(format!(
                    "models.{name}.provider: unknown provider {:?}; the providers are {}",
                    model.provider,
                    names(self.providers.keys())
                )));
            }
            if model.id.as_deref() == Some("") {
                return Err(invalid(format!("models.{name}.id: must not be empty")));
            }
            if model.context_window == Some(0) {
                return Err(invalid(format!(
                    "models.{name}.context_window: must be > 0"
                )));
            }
        }
        for (from, route) in &self.fallbacks {
            self.known_model(from, &format!("fallbacks.{from}"))?;
            if route.is_empty() {
                return Err(invalid(format!(
                    "fallbacks.{from}: an empty route; list at least one model or remove the key"
                )));
            }
            for (i, to) in route.iter().enumerate() {
                let path = format!("fallbacks.{from}[{i}]");
                self.known_model(to, &path)?;
                if to == from {
                    return Err(invalid(format!("{path}: {to:?} falls back to itself")));
                }
            }
        }
        if let Some(model) = &self.default_model {
            self.known_model(model, "default_model")?;
        }
        self.validate_policies()
    }

    fn validate_policies(&self) -> Result<()> {
        let t = &self.timeouts;
        for (field, value) in [
            ("connect_ms", t.connect_ms),
            ("first_byte_ms", t.first_byte_ms),
            ("first_token_ms", t.first_token_ms),
            ("stall_gap_ms", t.stall_gap_ms),
            ("non_stream_ms", t.non_stream_ms),
            ("total_ms", t.total_ms),
        ] {
            if value == 0 {
                return Err(invalid(format!("timeouts.{field}: must be > 0")));
            }
        }
        let r = &self.retry;
        if r.max_attempts == 0 {
            return Err(invalid(
                "retry.max_attempts: must be >= 1 (it counts the first attempt)",
            ));
        }
        if r.base_ms == 0 || r.cap_ms == 0 {
            return Err(invalid("retry.base_ms and retry.cap_ms: must be > 0"));
        }
        if r.cap_ms < r.base_ms {
            return Err(invalid(format!(
                "retry.cap_ms: must be >= retry.base_ms ({})",
                r.base_ms
            )));
        }
        if !(r.budget_ratio.is_finite() && r.budget_ratio >= 0.0) {
            return Err(invalid("retry.budget_ratio: must be a number >= 0"));
        }
        let b = &self.breaker;
        if b.consecutive_failures == 0 {
            return Err(invalid("breaker.consecutive_failures: must be >= 1"));
        }
        if !(b.failure_rate > 0.0 && b.failure_rate <= 1.0) {
            return Err(invalid("breaker.failure_rate: must be in (0, 1]"));
        }
        if b.window == 0 {
            return Err(invalid("breaker.window: must be >= 1"));
        }
        if b.min_calls == 0 || b.min_calls > b.window {
            return Err(invalid(format!(
                "breaker.min_calls: must be between 1 and breaker.window ({})",
                b.window
            )));
        }
        if b.open_ms == 0 {
            return Err(invalid("breaker.open_ms: must be > 0"));
        }
        if b.half_open_probes == 0 {
            return Err(invalid("breaker.half_open_probes: must be >= 1"));
        }
        Ok(())
    }

    fn known_model(&self, model: &str, path: &str) -> Result<()> {
        if self.models.contains_key(model) {
            return Ok(());
        }
        Err(invalid(format!(
            "{path}: unknown model {model:?}; the models are {}",
            names(self.models.keys())
        )))
    }
}

fn validate_provider(name: &str, provider: &ProviderConfig) -> Result<()> {
    if Provider::from_name(&provider.kind).is_err() {
        return Err(invalid(format!(
            "providers.{name}.kind: unknown provider kind {:?}; expected one of \"gemini\", \
             \"openai\", \"openai-responses\", \"anthropic\"",
            provider.kind
        )));
    }
    if let Some(url) = &provider.base_url {
        match reqwest::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => {}
            Ok(_) => {
                return Err(invalid(format!(
                    "providers.{name}.base_url: must be an http:// or https:// URL with a host"
                )))
            }
            Err(e) => {
                return Err(invalid(format!(
                    "providers.{name}.base_url: not a URL ({e})"
                )))
            }
        }
    }
    if provider.api_key_env.as_deref() == Some("") {
        return Err(invalid(format!(
            "providers.{name}.api_key_env: must name an environment variable (omit it to send no key)"
        )));
    }
    for (header, value) in &provider.headers {
        if reqwest::header::HeaderName::from_bytes(header.as_bytes()).is_err() {
            return Err(invalid(format!(
                "providers.{name}.headers: {header:?} is not a valid header name"
            )));
        }
        // The value is not echoed: it may be a credential.
        if reqwest::header::HeaderValue::from_str(value).is_err() {
            return Err(invalid(format!(
                "providers.{name}.headers.{header}: the value is not a valid header value"
            )));
        }
    }
    Ok(())
}

fn names<'a>(keys: impl Iterator<Item = &'a String>) -> String {
    keys.map(|k| format!("{k:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn yes() -> bool {
    true
}

fn positive<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<u64, D::Error> {
    let value = i64::deserialize(d)?;
    match u64::try_from(value) {
        Ok(v) if v > 0 => Ok(v),
        _ => Err(serde::de::Error::custom(format!(
            "must be > 0 (got {value})"
        ))),
    }
}

fn opt_positive<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<u64>, D::Error> {
    positive(d).map(Some)
}

pub(crate) fn invalid(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidConfig, msg)
}

fn path_error<E: fmt::Display>(e: serde_path_to_error::Error<E>) -> Error {
    let path = e.path().to_string();
    if path == "." {
        invalid(e.into_inner().to_string())
    } else {
        invalid(format!("{path}: {}", e.into_inner()))
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
