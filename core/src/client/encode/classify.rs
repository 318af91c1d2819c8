//! What a failed response means and what the call does next (notes/resilience.md).
//!
//! | response | kind | next |
//! |---|---|---|
//! | 429, quota exhausted (`insufficient_quota`, a per-day quota, a spend or usage limit) | RATE_LIMITED | fail over |
//! | 429 otherwise (with `retry-after-ms`, `Retry-After` or Gemini `RetryInfo` when sent) | RATE_LIMITED | retry |
//! | 402 | PAYMENT_REQUIRED | other providers if allowed, else stop |
//! | 4xx saying the prompt is too long | CONTEXT_LENGTH_EXCEEDED | a larger model |
//! | 4xx saying content policy | CONTENT_FILTERED | stop, with the provider's reason |
//! | 408, 409, 5xx (not 501/505), 529 | UPSTREAM_HTTP | retry |
//! | any other status | UPSTREAM_HTTP | fail over |
//!
//! `x-should-retry: true/false` (OpenAI) overrides retry versus fail-over. In-band stream
//! errors are classified the same way from their [`ErrorClass`].

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::provider::{ErrorClass, ProviderError};
use crate::ErrorKind;

/// What the call does after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Ask the same model again after a backoff (or the wait the provider asked for).
    Retry,
    /// The stream broke mid-answer: reconnect, then a non-stream request, then the next model.
    Reconnect,
    /// The route is silent or refuses this request: the next model, no retry.
    FailOver,
    /// The prompt is too long: the next model with a larger context window.
    LargerContext,
    /// HTTP 402: other providers' models if the config allows, else stop.
    PaymentRequired,
    /// Stop the call: no other attempt would do better (a content-policy refusal).
    Stop,
}

/// A failed attempt, classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Failure {
    pub kind: ErrorKind,
    pub message: String,
    pub http_status: Option<u16>,
    pub provider_code: Option<String>,
    pub retry_after: Option<Duration>,
    pub next: Next,
    /// The failure says the model is unhealthy (it counts against its circuit breaker).
    pub unhealthy: bool,
}

impl Failure {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>, next: Next) -> Failure {
        let unhealthy = matches!(next, Next::Retry | Next::Reconnect)
            || matches!(
                kind,
                ErrorKind::DeadlineExceeded | ErrorKind::StreamStalled | ErrorKind::Transport
            );
        Failure {
            kind,
            message: message.into(),
            http_status: None,
            provider_code: None,
            retry_after: None,
            next,
            unhealthy,
        }
    }
}

/// The longest wait a provider's hint is taken at (beyond it, the hint is treated as this).
const MAX_HINT: Duration = Duration::from_secs(3600);

/// What an error body says, whatever the provider.
#[derive(Debug, Default)]
struct ErrorInfo {
    /// `code`, `type`, `status`, in that order of preference.
    tokens: Vec<String>,
    message: Option<String>,
    retry_delay: Option<Duration>,
    per_day_quota: bool,
}

/// Classifies an HTTP error response.
pub(crate) fn classify_http(status: u16, headers: &HeaderMap, body: &[u8]) -> Failure {
    let info = error_info(body);
    let has = |names: &[&str]| {
        info.tokens
            .iter()
            .any(|t| names.iter().any(|n| t.eq_ignore_ascii_case(n)))
    };
    let message = info.message.as_deref().unwrap_or("").to_ascii_lowercase();
    let says = |needles: &[&str]| needles.iter().any(|n| message.contains(n));
    let (kind, mut next) = if status == 402 {
        (ErrorKind::PaymentRequired, Next::PaymentRequired)
    } else if status == 429 {
        let quota = info.per_day_quota
            || has(&["insufficient_quota", "billing_hard_limit_reached"])
            || says(&[
                "per day",
                "perday",
                "daily",
                "spend limit",
                "spending limit",
                "usage limit",
            ]);
        let next = if quota { Next::FailOver } else { Next::Retry };
        (ErrorKind::RateLimited, next)
    } else if (400..500).contains(&status)
        && (has(&["context_length_exceeded", "request_too_large"])
            || says(&[
                "context length",
                "context_length",
                "context window",
                "maximum context",
                "prompt is too long",
                "input is too long",
                "too many tokens",
                "input token count",
                "exceeds the maximum number of tokens",
            ]))
    {
        (ErrorKind::ContextLengthExceeded, Next::LargerContext)
    } else if (400..500).contains(&status)
        && (has(&[
            "content_policy_violation",
            "content_filter",
            "content_filtered",
        ]) || says(&[
            "content policy",
            "content management policy",
            "content filter",
            "safety system",
        ]))
    {
        (ErrorKind::ContentFiltered, Next::Stop)
    } else if matches!(status, 408 | 409 | 529)
        || (500..600).contains(&status) && !matches!(status, 501 | 505)
    {
        (ErrorKind::UpstreamHttp, Next::Retry)
    } else {
        (ErrorKind::UpstreamHttp, Next::FailOver)
    };
    match header(headers, "x-should-retry") {
        Some("false") if next == Next::Retry => next = Next::FailOver,
        Some("true") if next == Next::FailOver && kind == ErrorKind::UpstreamHttp => {
            next = Next::Retry
        }
        _ => {}
    }
    let code = info.tokens.first().cloned();
    let mut text = format!("HTTP {status}");
    if let Some(code) = &code {
        text.push_str(&format!(" ({code})"));
    }
    if let Some(detail) = info.message.as_deref().filter(|m| !m.is_empty()) {
        text.push_str(": ");
        text.push_str(truncate(detail, 300));
    }
    let mut failure = Failure::new(kind, text, next);
    // A rate limit or an overload says the model is unhealthy; a refusal of this request does
    // not (the provider answered promptly and correctly).
    failure.unhealthy = matches!(next, Next::Retry) || kind == ErrorKind::RateLimited;
    failure.http_status = Some(status);
    failure.provider_code = code;
    failure.retry_after = retry_after(headers).or(info.retry_delay);
    failure
}

/// Classifies an error the provider sent inside a stream (or in a 200 body).
pub(crate) fn classify_in_band(error: &ProviderError) -> Failure {
    let code = error.code.as_deref().unwrap_or("");
    let lower = error.message.to_ascii_lowercase();
    let (kind, next) = match error.kind {
        ErrorClass::RateLimit
            if code.eq_ignore_ascii_case("insufficient_quota") || lower.contains("per day") =>
        {
            (ErrorKind::RateLimited, Next::FailOver)
        }
        ErrorClass::RateLimit => (ErrorKind::RateLimited, Next::Retry),
        ErrorClass::Overloaded | ErrorClass::Other => (ErrorKind::UpstreamHttp, Next::Retry),
        ErrorClass::ContentFilter => (ErrorKind::ContentFiltered, Next::Stop),
        ErrorClass::InvalidRequest
            if code.eq_ignore_ascii_case("context_length_exceeded")
                || lower.contains("context length")
                || lower.contains("prompt is too long") =>
        {
            (ErrorKind::ContextLengthExceeded, Next::LargerContext)
        }
        ErrorClass::InvalidRequest => (ErrorKind::UpstreamHttp, Next::FailOver),
    };
    let mut text = String::from("error in the stream");
    if let Some(code) = &error.code {
        text.push_str(&format!(" ({code})"));
    }
    text.push_str(": ");
    text.push_str(truncate(&error.message, 300));
    let mut failure = Failure::new(kind, text, next);
    failure.unhealthy = matches!(next, Next::Retry) || kind == ErrorKind::RateLimited;
    failure.provider_code = error.code.clone();
    failure
}

/// The wait a response asks for: `retry-after-ms` (OpenAI), then `Retry-After` in seconds or
/// as an HTTP-date. A date in the past is no wait.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    if let Some(ms) = header(headers, "retry-after-ms").and_then(|v| v.trim().parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(Duration::from_secs_f64(ms / 1000.0).min(MAX_HINT));
        }
    }
    let value = header(headers, "retry-after")?.trim();
    if let Ok(secs) = value.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs.min(MAX_HINT.as_secs_f64())));
        }
        return None;
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO)
            .min(MAX_HINT),
    )
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn error_info(body: &[u8]) -> ErrorInfo {
    let mut info = ErrorInfo::default();
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        let text = String::from_utf8_lossy(body);
        let text = text.trim();
        if !text.is_empty() {
            info.message = Some(truncate(text, 300).to_owned());
        }
        return info;
    };
    // Some servers wrap the error in a one-element array (Gemini's streaming endpoint without
    // `alt=sse`).
    let value = match &value {
        Value::Array(items) => items.first().unwrap_or(&value),
        _ => &value,
    };
    match value.get("error") {
        Some(Value::String(message)) => info.message = Some(message.clone()),
        Some(error @ Value::Object(_)) => {
            for key in ["code", "type", "status"] {
                match error.get(key) {
                    Some(Value::String(s)) if !s.is_empty() => info.tokens.push(s.clone()),
                    _ => {}
                }
            }
            info.message = error
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned);
            for detail in error
                .get("details")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                read_detail(detail, &mut info);
            }
        }
        _ => {
            info.message = value
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
    }
    info
}

/// A Google `error.details[]` entry: `RetryInfo.retryDelay` ("37s", "1.5s") and
/// `QuotaFailure.violations[].quotaId` (a per-day quota cannot be waited out).
fn read_detail(detail: &Value, info: &mut ErrorInfo) {
    let kind = detail.get("@type").and_then(Value::as_str).unwrap_or("");
    if kind.ends_with("RetryInfo") {
        info.retry_delay = detail
            .get("retryDelay")
            .and_then(Value::as_str)
            .and_then(|d| d.trim().strip_suffix('s'))
            .and_then(|d| d.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| Duration::from_secs_f64(s.min(MAX_HINT.as_secs_f64())));
    } else if kind.ends_with("QuotaFailure") {
        for violation in detail
            .get("violations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let id = violation
                .get("quotaId")
                .and_then(Value::as_str)
                .unwrap_or("");
            if id.contains("PerDay") {
                info.per_day_quota = true;
            }
        }
    }
}

/// `text` cut to at most `max` bytes, on a character boundary.
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
