//! The demo's one client configuration: four provider kinds on the in-process mock provider (plus
//! one Anthropic endpoint reached through the wire tap), a realistic model catalogue with
//! fallback routes, and timeouts small enough for a demo — and the header that prints it.

use genie_core::client::{Client, ClientConfig};
use serde_json::{json, Map, Value};

use crate::report::{secs, thousands, Style};

/// One model of the catalogue.
pub struct ModelSpec {
    pub name: &'static str,
    pub provider: &'static str,
    pub context_window: u64,
    pub prefill: bool,
    pub fallbacks: &'static [&'static str],
}

const fn model(
    name: &'static str,
    provider: &'static str,
    context_window: u64,
    prefill: bool,
    fallbacks: &'static [&'static str],
) -> ModelSpec {
    ModelSpec {
        name,
        provider,
        context_window,
        prefill,
        fallbacks,
    }
}

/// The catalogue, with each model's route.
pub const CATALOGUE: &[ModelSpec] = &[
    model(
        "gemini-2.5-pro",
        "gemini",
        1_048_576,
        false,
        &["gemini-2.5-flash", "gemini-2.5-flash-lite"],
    ),
    model(
        "gemini-2.5-flash",
        "gemini",
        1_048_576,
        false,
        &["gemini-2.5-flash-lite"],
    ),
    model("gemini-2.5-flash-lite", "gemini", 1_048_576, false, &[]),
    model(
        "gpt-4o",
        "openai",
        128_000,
        false,
        &["gpt-4.1", "gemini-2.5-flash"],
    ),
    model("gpt-4.1", "openai", 1_047_576, false, &["gemini-2.5-flash"]),
    model("gpt-4o-mini", "openai", 128_000, false, &[]),
    model(
        "gpt-5",
        "openai-responses",
        400_000,
        false,
        &["gpt-5-mini", "claude-sonnet-4-5"],
    ),
    model("gpt-5-mini", "openai-responses", 400_000, false, &[]),
    model(
        "claude-sonnet-4-5",
        "anthropic",
        200_000,
        true,
        &["claude-haiku-4-5", "gemini-2.5-flash"],
    ),
    model(
        "claude-haiku-4-5",
        "anthropic",
        200_000,
        true,
        &["gemini-2.5-flash-lite"],
    ),
    model("claude-opus-4-1", "anthropic-tapped", 200_000, true, &[]),
];

/// Timeouts (ms): a demo's scale, not production's (the runbook's defaults are 10 s of stall
/// gap and 90 s for the whole call).
pub const CONNECT_MS: u64 = 1_000;
pub const FIRST_BYTE_MS: u64 = 1_500;
pub const FIRST_TOKEN_MS: u64 = 2_500;
pub const STALL_GAP_MS: u64 = 1_000;
pub const NON_STREAM_MS: u64 = 5_000;
pub const TOTAL_MS: u64 = 15_000;
pub const RETRY_BASE_MS: u64 = 250;
pub const RETRY_CAP_MS: u64 = 2_000;
pub const BREAKER_CONSECUTIVE: u32 = 4;
pub const BREAKER_OPEN_MS: u64 = 1_500;

/// The configuration document, as a user would write it.
pub fn config(mock_url: &str, tap_url: &str) -> genie_core::Result<ClientConfig> {
    let provider = |kind: &str, url: &str| json!({"kind": kind, "base_url": url});
    let mut models = Map::new();
    let mut fallbacks = Map::new();
    for m in CATALOGUE {
        models.insert(
            m.name.into(),
            json!({"provider": m.provider, "id": m.name, "context_window": m.context_window,
                   "prefill": m.prefill}),
        );
        if !m.fallbacks.is_empty() {
            fallbacks.insert(m.name.into(), json!(m.fallbacks));
        }
    }
    let doc = json!({
        "providers": {
            "gemini": provider("gemini", mock_url),
            "openai": provider("openai", mock_url),
            "openai-responses": provider("openai-responses", mock_url),
            "anthropic": provider("anthropic", mock_url),
            "anthropic-tapped": provider("anthropic", tap_url),
        },
        "models": Value::Object(models),
        "fallbacks": Value::Object(fallbacks),
        "default_model": "gemini-2.5-flash",
        "timeouts": {"connect_ms": CONNECT_MS, "first_byte_ms": FIRST_BYTE_MS,
                     "first_token_ms": FIRST_TOKEN_MS, "stall_gap_ms": STALL_GAP_MS,
                     "non_stream_ms": NON_STREAM_MS, "total_ms": TOTAL_MS},
        "retry": {"max_attempts": 3, "base_ms": RETRY_BASE_MS, "cap_ms": RETRY_CAP_MS},
        "reconnect": {"attempts": 1, "strategy": "restart"},
        "non_stream_fallback": true,
        "fail_over_on_payment_required": false,
        "breaker": {"consecutive_failures": BREAKER_CONSECUTIVE, "failure_rate": 0.5,
                    "window": 20, "min_calls": 10, "open_ms": BREAKER_OPEN_MS,
                    "half_open_probes": 1},
    });
    ClientConfig::from_value(doc)
}

/// Prints what the client was built with.
pub fn print_header(style: &Style, client: &Client, mock_url: &str, tap_url: &str) {
    let c = client.config();
    let t = &c.timeouts;
    println!(
        "{}",
        style.bold("genie demo — one resilient client, sent through every fault a provider throws")
    );
    println!();
    style.line(
        "provider",
        &format!("mock provider in-process at {mock_url} (Gemini, OpenAI Chat, OpenAI Responses and Anthropic wire formats)"),
    );
    style.more(&format!(
        "anthropic-tapped → wire tap {tap_url} → the same mock (the tap sees when the client closes a connection)"
    ));
    style.more("no API key needed: the mock answers one deterministic 39-word answer in 10 deltas");
    style.line(
        "timeouts",
        &format!(
            "connect {} · first byte {} · first token {} · stall gap {} · non-stream {} · whole call {}",
            secs(t.connect_ms),
            secs(t.first_byte_ms),
            secs(t.first_token_ms),
            secs(t.stall_gap_ms),
            secs(t.non_stream_ms),
            secs(t.total_ms)
        ),
    );
    style.line(
        "retry",
        &format!(
            "{} attempts per model · full-jitter backoff {} ms doubling to {} · budget {}/s + {:.0}% of calls",
            c.retry.max_attempts,
            c.retry.base_ms,
            secs(c.retry.cap_ms),
            c.retry.budget_min_retries_per_s,
            c.retry.budget_ratio * 100.0
        ),
    );
    style.line(
        "streams",
        &format!(
            "a stall or cut reconnects {} time (resuming with Last-Event-ID when the server sent ids), then {}",
            c.reconnect.attempts,
            if c.non_stream_fallback {
                "one non-stream request, then the next model"
            } else {
                "the next model"
            }
        ),
    );
    style.line(
        "breaker",
        &format!(
            "per model: opens after {} failures in a row (or {:.0}% of ≥{} of the last {}), probes after {}",
            c.breaker.consecutive_failures,
            c.breaker.failure_rate * 100.0,
            c.breaker.min_calls,
            c.breaker.window,
            secs(c.breaker.open_ms)
        ),
    );
    let name_w = CATALOGUE.iter().map(|m| m.name.len()).max().unwrap_or(0);
    let provider_w = CATALOGUE
        .iter()
        .map(|m| m.provider.len())
        .max()
        .unwrap_or(0);
    for (i, m) in CATALOGUE.iter().enumerate() {
        let mut route = String::new();
        for next in m.fallbacks {
            route.push_str(" → ");
            route.push_str(next);
        }
        let text = format!(
            "{:<name_w$}  {:<provider_w$}  {:>9} tokens{}{}",
            m.name,
            m.provider,
            thousands(m.context_window),
            if m.prefill { "  prefill" } else { "         " },
            route
        );
        if i == 0 {
            style.line("models", text.trim_end());
        } else {
            style.more(text.trim_end());
        }
    }
}
