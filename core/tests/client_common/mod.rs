//! Shared by the `client_*` integration tests: a client pointed at a fresh mock provider with
//! millisecond-scale timeouts, running a call to its end, and the invariants every call must
//! keep (a reset precedes its replacement text, the summary's text is what the caller was
//! shown, a truncated answer is never `Done`).

#![allow(dead_code, unused_imports)] // each test binary uses a different part of it

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use genie_core::client::{CallEvent, CallSummary, Client, ClientConfig, NoticeKind, Request};
use genie_core::Error;
pub use genie_mock_provider::{canonical_text, output_tokens, MockProvider};
use serde_json::{json, Value};

/// Test timeouts: small enough for a fast suite, apart enough that each test can tell which one
/// fired, and a doubled one would fail its bounds.
pub const FIRST_BYTE_MS: u64 = 500;
pub const FIRST_TOKEN_MS: u64 = 1_500;
pub const STALL_MS: u64 = 300;
pub const TOTAL_MS: u64 = 5_000;

/// The base config: the four providers on the mock, test timeouts, fast backoff, and `extra`
/// merged over it (models, fallbacks, policy overrides).
pub fn config(mock: &MockProvider, extra: Value) -> ClientConfig {
    let base = mock.base_url();
    let mut doc = json!({
        "providers": {
            "gemini": {"kind": "gemini", "base_url": base},
            "openai": {"kind": "openai", "base_url": base},
            "responses": {"kind": "openai-responses", "base_url": base},
            "anthropic": {"kind": "anthropic", "base_url": base},
        },
        "timeouts": {"connect_ms": 500, "first_byte_ms": FIRST_BYTE_MS,
                     "first_token_ms": FIRST_TOKEN_MS, "stall_gap_ms": STALL_MS,
                     "non_stream_ms": 2_000, "total_ms": TOTAL_MS},
        "retry": {"max_attempts": 3, "base_ms": 50, "cap_ms": 200},
    });
    merge(&mut doc, extra);
    ClientConfig::from_value(doc).expect("test config")
}

/// `models` as (name, provider) pairs, each model's provider id being its name.
pub fn models(models: &[(&str, &str)]) -> Value {
    let map: serde_json::Map<String, Value> = models
        .iter()
        .map(|(name, provider)| ((*name).to_owned(), json!({"provider": provider})))
        .collect();
    json!({ "models": map })
}

pub fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(into), Value::Object(from)) => {
            for (k, v) in from {
                match into.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        into.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

/// A mock and a client for it.
pub async fn setup(extra: Value) -> (MockProvider, Client) {
    let mock = MockProvider::start().await;
    let client = Client::new(config(&mock, extra)).expect("client");
    (mock, client)
}

/// One call's events and outcome.
#[derive(Debug)]
pub struct Run {
    pub events: Vec<CallEvent>,
    pub result: Result<CallSummary, Error>,
    pub elapsed: Duration,
}

impl Run {
    pub fn summary(&self) -> &CallSummary {
        match &self.result {
            Ok(summary) => summary,
            Err(e) => panic!(
                "the call failed: {e} {:?}\nevents: {:#?}",
                e.details(),
                self.events
            ),
        }
    }

    pub fn error(&self) -> &Error {
        match &self.result {
            Ok(s) => panic!("the call succeeded: {s:#?}"),
            Err(e) => e,
        }
    }

    pub fn notices(&self, kind: NoticeKind) -> Vec<&CallEvent> {
        self.events
            .iter()
            .filter(|e| matches!(e, CallEvent::Notice { kind: k, .. } if *k == kind))
            .collect()
    }

    pub fn resets(&self) -> usize {
        self.events
            .iter()
            .filter(|e| matches!(e, CallEvent::Reset { .. }))
            .count()
    }

    /// The outcomes of the attempts, as `model:mode:outcome`.
    pub fn attempts(&self) -> Vec<String> {
        let attempts = match &self.result {
            Ok(s) => &s.attempts,
            Err(e) => &e.details().expect("client errors carry details").attempts,
        };
        attempts
            .iter()
            .map(|a| format!("{}:{}:{}", a.model, a.mode, a.outcome))
            .collect()
    }
}

/// Runs `request` to its end, checking the invariants every call keeps.
pub async fn run(client: &Client, request: Request) -> Run {
    let started = Instant::now();
    let mut stream = client.stream(request);
    let mut events = Vec::new();
    let mut result = None;
    while let Some(item) = stream.next().await {
        assert!(result.is_none(), "an item after the outcome: {item:?}");
        match item {
            Ok(CallEvent::Done { summary }) => {
                result = Some(Ok(*summary.clone()));
                events.push(CallEvent::Done { summary });
            }
            Ok(event) => events.push(event),
            Err(e) => result = Some(Err(e)),
        }
    }
    let run = Run {
        events,
        result: result.expect("the stream ended without an outcome"),
        elapsed: started.elapsed(),
    };
    check_invariants(&run);
    run
}

/// What every call must keep, whatever happened on the way.
pub fn check_invariants(run: &Run) {
    let mut shown = String::new();
    let mut reset_pending = false;
    let mut saw_done = false;
    for (i, event) in run.events.iter().enumerate() {
        assert!(!saw_done, "an event after Done: {event:?}");
        match event {
            CallEvent::Text { text } => {
                assert!(!text.is_empty(), "an empty text event");
                shown.push_str(text);
                reset_pending = false;
            }
            CallEvent::Reset { reason, .. } => {
                assert!(!shown.is_empty(), "a reset with nothing shown (event {i})");
                assert!(!reason.is_empty(), "a reset without a reason");
                shown.clear();
                reset_pending = true;
            }
            CallEvent::Done { summary } => {
                saw_done = true;
                assert!(summary.complete, "a Done that is not complete");
                assert!(!reset_pending, "a reset not followed by replacement text");
                assert_eq!(
                    summary.text, shown,
                    "the summary's text is not what was shown"
                );
                assert!(
                    matches!(
                        run.events.get(i.wrapping_sub(1)),
                        Some(CallEvent::Usage { .. })
                    ),
                    "Done not preceded by Usage"
                );
            }
            CallEvent::Notice { message, .. } => assert!(!message.is_empty()),
            _ => {}
        }
    }
    match &run.result {
        Ok(summary) => {
            assert!(saw_done);
            assert_eq!(summary.attempts.last().map(|a| a.outcome), Some("ok"));
            assert!(summary
                .attempts
                .iter()
                .rev()
                .skip(1)
                .all(|a| a.outcome != "ok"));
            assert!(summary.total_ms >= summary.ttfb_ms);
        }
        Err(e) => {
            assert!(!saw_done, "an error after Done");
            assert!(e.details().is_some(), "a call error without details: {e}");
        }
    }
}

/// Asserts the call answered completely with the mock's canonical text.
pub fn assert_canonical(run: &Run) {
    let summary = run.summary();
    assert_eq!(summary.text, canonical_text());
    assert!(summary.complete);
}

/// Asserts `elapsed` is within `[lo, hi]` milliseconds.
#[track_caller]
pub fn assert_ms(elapsed: Duration, lo: u64, hi: u64) {
    let ms = elapsed.as_millis() as u64;
    assert!(
        (lo..=hi).contains(&ms),
        "took {ms} ms, expected between {lo} and {hi} ms"
    );
}

/// The client still serves a healthy request on `model` (whose faults are cleared first).
pub async fn assert_healthy_after(mock: &MockProvider, client: &Client, model: &str) {
    mock.clear_faults();
    let run = run(client, Request::new(model, "Are you well?")).await;
    assert_canonical(&run);
    assert_eq!(run.summary().attempts.len(), 1, "{:?}", run.attempts());
}
