//! The scenarios: for each fault of issue 4, what the mock injects (a fault script registered
//! for a model), the request sent, and what the client must do — the answering model or the
//! typed error, the exact attempt list, how often the provider saw each model, the resets, the
//! time window, and any extra check. Two scenarios need more than one call and live in
//! `special.rs`: the flapping provider and cancellation.

use genie_core::provider::FinishReason;
use genie_mock_provider::{output_tokens, MockProvider, DELTA_COUNT};

use crate::call::CallRun;
use crate::checks::{first_error_code, message_contains, stream_flags, waited};
use crate::setup::{FIRST_BYTE_MS, FIRST_TOKEN_MS, RETRY_BASE_MS, STALL_GAP_MS};
use crate::special;

/// What the user asks.
#[derive(Clone, Copy, Debug)]
pub enum Prompt {
    Text(&'static str),
    /// A long contract to summarise (a ~150 k-token prompt).
    LongDocument,
}

/// An extra verification of a call, with the mock's records at hand.
pub type Check = fn(&CallRun, &MockProvider) -> Result<(), String>;

/// What a one-call scenario must show.
pub struct Expect {
    /// The model that answers, or `!CODE` for the typed error the call must end with.
    pub outcome: &'static str,
    /// Every attempt, as `model:mode:outcome`.
    pub attempts: &'static [&'static str],
    /// Requests the provider must have seen per model.
    pub provider_saw: &'static [(&'static str, usize)],
    /// `reset` events (partial text discarded).
    pub resets: usize,
    /// The call's wall time must fall in this window (ms).
    pub ms: (u64, u64),
    /// Anything else to verify.
    pub check: Option<Check>,
}

/// What a scenario runs.
pub enum Body {
    Call {
        model: &'static str,
        prompt: Prompt,
        expect: Expect,
    },
    /// Calls over several seconds while the provider flaps; see `special.rs`.
    Flapping,
    /// A stream dropped mid-answer; see `special.rs`.
    Cancel,
}

pub struct Scenario {
    pub name: &'static str,
    /// One line: what it demonstrates.
    pub title: &'static str,
    /// The fault, in words.
    pub inject: &'static str,
    /// The mock's fault scripts, per model.
    pub faults: &'static [(&'static str, &'static str)],
    /// What the client should do, in words.
    pub expect: &'static str,
    pub body: Body,
}

const fn call(model: &'static str, prompt: &'static str, expect: Expect) -> Body {
    Body::Call {
        model,
        prompt: Prompt::Text(prompt),
        expect,
    }
}

const fn healthy(
    model: &'static str,
    key: &'static [&'static str],
    saw: &'static [(&'static str, usize)],
) -> Expect {
    Expect {
        outcome: model,
        attempts: key,
        provider_saw: saw,
        resets: 0,
        // Nine 30 ms gaps between the ten deltas.
        ms: (270, 1_500),
        check: None,
    }
}

const GP: &str = "gemini-2.5-pro";
const GF: &str = "gemini-2.5-flash";
const GL: &str = "gemini-2.5-flash-lite";
const O4: &str = "gpt-4o";
const O41: &str = "gpt-4.1";
const O4M: &str = "gpt-4o-mini";
const G5: &str = "gpt-5";
const G5M: &str = "gpt-5-mini";
const CS: &str = "claude-sonnet-4-5";
const CH: &str = "claude-haiku-4-5";

/// Every scenario, in the order the demo runs them.
pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "healthy-gemini",
        title: "A healthy stream, Gemini wire format",
        inject: "nothing (a healthy stream, 30 ms between deltas)",
        faults: &[(GP, "delay_ms=30")],
        expect: "one attempt; the whole answer",
        body: call(GP, "Summarise our refund policy in two sentences.",
            healthy(GP, &["gemini-2.5-pro:stream:ok"], &[(GP, 1)])),
    },
    Scenario {
        name: "healthy-openai",
        title: "A healthy stream, OpenAI Chat Completions",
        inject: "nothing (a healthy stream, 30 ms between deltas)",
        faults: &[(O4, "delay_ms=30")],
        expect: "one attempt; the whole answer",
        body: call(O4, "Draft a polite reply to a customer asking for an invoice copy.",
            healthy(O4, &["gpt-4o:stream:ok"], &[(O4, 1)])),
    },
    Scenario {
        name: "healthy-responses",
        title: "A healthy stream, OpenAI Responses",
        inject: "nothing (a healthy stream, 30 ms between deltas)",
        faults: &[(G5, "delay_ms=30")],
        expect: "one attempt; the whole answer",
        body: call(G5, "List three risks in this deployment plan.",
            healthy(G5, &["gpt-5:stream:ok"], &[(G5, 1)])),
    },
    Scenario {
        name: "healthy-anthropic",
        title: "A healthy stream, Anthropic Messages",
        inject: "nothing (a healthy stream, 30 ms between deltas)",
        faults: &[(CS, "delay_ms=30")],
        expect: "one attempt; the whole answer",
        body: call(CS, "Explain this stack trace to a junior engineer.",
            healthy(CS, &["claude-sonnet-4-5:stream:ok"], &[(CS, 1)])),
    },
    Scenario {
        name: "retry-after-seconds",
        title: "429 with Retry-After in seconds",
        inject: "gpt-4o answers HTTP 429 `Retry-After: 1`, then is healthy",
        faults: &[(O4, "status=429,retry_after=1|ok")],
        expect: "wait exactly the 1 s asked (it fits the deadline), then the same model answers",
        body: call(O4, "Translate this release note into German.", Expect {
            outcome: O4,
            attempts: &["gpt-4o:stream:RATE_LIMITED", "gpt-4o:stream:ok"],
            provider_saw: &[(O4, 2)],
            resets: 0,
            ms: (1_000, 2_500),
            check: Some(|run, _| waited(run, 1, 1_000, 1_000)),
        }),
    },
    Scenario {
        name: "retry-after-date",
        title: "429 with Retry-After as an HTTP-date",
        inject: "claude-sonnet-4-5 answers 429 `Retry-After: <now + 1 s, rounded up to the second>`",
        faults: &[(CS, "status=429,retry_after_date=1|ok")],
        expect: "wait until that date (1–2 s), then the same model answers",
        body: call(CS, "Write a haiku about on-call rotations.", Expect {
            outcome: CS,
            attempts: &["claude-sonnet-4-5:stream:RATE_LIMITED", "claude-sonnet-4-5:stream:ok"],
            provider_saw: &[(CS, 2)],
            resets: 0,
            ms: (900, 3_500),
            check: Some(|run, _| waited(run, 1, 900, 2_000)),
        }),
    },
    Scenario {
        name: "retry-after-ms",
        title: "429 with retry-after-ms",
        inject: "gpt-5 answers 429 `retry-after-ms: 800`",
        faults: &[(G5, "status=429,retry_after_ms=800|ok")],
        expect: "wait the 800 ms asked, then the same model answers",
        body: call(G5, "Classify this support ticket by urgency.", Expect {
            outcome: G5,
            attempts: &["gpt-5:stream:RATE_LIMITED", "gpt-5:stream:ok"],
            provider_saw: &[(G5, 2)],
            resets: 0,
            ms: (800, 2_300),
            check: Some(|run, _| waited(run, 1, 800, 800)),
        }),
    },
    Scenario {
        name: "gemini-retry-info",
        title: "429 with Gemini's RetryInfo in the error body",
        inject: "gemini-2.5-flash answers 429 RESOURCE_EXHAUSTED with a per-minute quota and RetryInfo retryDelay \"1s\" (no header)",
        faults: &[(GF, "status=429,retry_info=1|ok")],
        expect: "read the delay from the body, wait 1 s, then the same model answers",
        body: call(GF, "Extract the dates from this email.", Expect {
            outcome: GF,
            attempts: &["gemini-2.5-flash:stream:RATE_LIMITED", "gemini-2.5-flash:stream:ok"],
            provider_saw: &[(GF, 2)],
            resets: 0,
            ms: (1_000, 2_500),
            check: Some(|run, _| waited(run, 1, 1_000, 1_000)),
        }),
    },
    Scenario {
        name: "retry-after-too-long",
        title: "429 asking for a wait longer than the call's deadline",
        inject: "gpt-4.1 answers 429 `Retry-After: 120` (the whole call may take 15 s)",
        faults: &[(O41, "status=429,retry_after=120")],
        expect: "do not wait: fail over at once, across providers, to gemini-2.5-flash",
        body: call(O41, "Suggest a title for this blog post.", Expect {
            outcome: GF,
            attempts: &["gpt-4.1:stream:RATE_LIMITED", "gemini-2.5-flash:stream:ok"],
            provider_saw: &[(O41, 1), (GF, 1)],
            resets: 0,
            ms: (0, 1_000),
            check: None,
        }),
    },
    Scenario {
        name: "rate-limited-no-hint",
        title: "429 without any hint",
        inject: "claude-haiku-4-5 answers 429 twice, no Retry-After",
        faults: &[(CH, "status=429|status=429|ok")],
        expect: "full-jitter backoff (never immediate, growing), the third attempt answers",
        body: call(CH, "Rewrite this paragraph in plain English.", Expect {
            outcome: CH,
            attempts: &["claude-haiku-4-5:stream:RATE_LIMITED", "claude-haiku-4-5:stream:RATE_LIMITED",
                        "claude-haiku-4-5:stream:ok"],
            provider_saw: &[(CH, 3)],
            resets: 0,
            ms: (3 * RETRY_BASE_MS / 10, 2_500),
            check: Some(|run, _| {
                waited(run, 1, RETRY_BASE_MS / 10, RETRY_BASE_MS)?;
                waited(run, 2, RETRY_BASE_MS / 5, 2 * RETRY_BASE_MS)
            }),
        }),
    },
    Scenario {
        name: "quota-per-day",
        title: "Quota exhausted (Gemini per-day quota)",
        inject: "gemini-2.5-pro answers 429 RESOURCE_EXHAUSTED, quotaId GenerateRequestsPerDayPerProjectPerModel-FreeTier",
        faults: &[(GP, "quota")],
        expect: "no retry (the quota is gone for the day): fail over to gemini-2.5-flash",
        body: call(GP, "Summarise yesterday's incident report.", Expect {
            outcome: GF,
            attempts: &["gemini-2.5-pro:stream:RATE_LIMITED", "gemini-2.5-flash:stream:ok"],
            provider_saw: &[(GP, 1), (GF, 1)],
            resets: 0,
            ms: (0, 1_000),
            check: Some(|run, _| first_error_code(run, "RESOURCE_EXHAUSTED")),
        }),
    },
    Scenario {
        name: "insufficient-quota",
        title: "Quota exhausted (OpenAI insufficient_quota)",
        inject: "gpt-4o answers 429 with type and code insufficient_quota",
        faults: &[(O4, "quota")],
        expect: "no retry: fail over to gpt-4.1",
        body: call(O4, "Generate five test cases for this function.", Expect {
            outcome: O41,
            attempts: &["gpt-4o:stream:RATE_LIMITED", "gpt-4.1:stream:ok"],
            provider_saw: &[(O4, 1), (O41, 1)],
            resets: 0,
            ms: (0, 1_000),
            check: Some(|run, _| first_error_code(run, "insufficient_quota")),
        }),
    },
    Scenario {
        name: "payment-required",
        title: "402 Payment Required",
        inject: "gpt-5 answers HTTP 402 (credits exhausted)",
        faults: &[(G5, "status=402")],
        expect: "its own error, PAYMENT_REQUIRED (a toast for the user); never retried, no fail-over (the config says so)",
        body: call(G5, "Plan a three-day trip to Lisbon.", Expect {
            outcome: "!PAYMENT_REQUIRED",
            attempts: &["gpt-5:stream:PAYMENT_REQUIRED"],
            provider_saw: &[(G5, 1), (G5M, 0)],
            resets: 0,
            ms: (0, 1_000),
            check: None,
        }),
    },
    Scenario {
        name: "overloaded-529",
        title: "529 Overloaded (Anthropic)",
        inject: "claude-sonnet-4-5 answers 529 overloaded_error once",
        faults: &[(CS, "status=529|ok")],
        expect: "retry after a backoff; the same model answers",
        body: call(CS, "Review this SQL query for injection risks.", Expect {
            outcome: CS,
            attempts: &["claude-sonnet-4-5:stream:UPSTREAM_HTTP", "claude-sonnet-4-5:stream:ok"],
            provider_saw: &[(CS, 2)],
            resets: 0,
            ms: (RETRY_BASE_MS / 10, 1_500),
            check: None,
        }),
    },
    Scenario {
        name: "server-error-fail-over",
        title: "503 that does not go away",
        inject: "gemini-2.5-pro answers 503 UNAVAILABLE (\"The model is overloaded\") every time",
        faults: &[(GP, "status=503")],
        expect: "3 attempts with backoff (bounded), then fail over to gemini-2.5-flash",
        body: call(GP, "What changed between these two contract versions?", Expect {
            outcome: GF,
            attempts: &["gemini-2.5-pro:stream:UPSTREAM_HTTP", "gemini-2.5-pro:stream:UPSTREAM_HTTP",
                        "gemini-2.5-pro:stream:UPSTREAM_HTTP", "gemini-2.5-flash:stream:ok"],
            provider_saw: &[(GP, 3), (GF, 1)],
            resets: 0,
            ms: (3 * RETRY_BASE_MS / 10, 2_500),
            check: None,
        }),
    },
    Scenario {
        name: "all-models-down",
        title: "Every model of the route fails",
        inject: "gemini-2.5-flash answers 503, gemini-2.5-flash-lite answers 500, every time",
        faults: &[(GF, "status=503"), (GL, "status=500")],
        expect: "3 attempts each, then the original error (the primary's 503) with all 6 attempts",
        body: call(GF, "Draft the weekly status update.", Expect {
            outcome: "!UPSTREAM_HTTP",
            attempts: &["gemini-2.5-flash:stream:UPSTREAM_HTTP", "gemini-2.5-flash:stream:UPSTREAM_HTTP",
                        "gemini-2.5-flash:stream:UPSTREAM_HTTP", "gemini-2.5-flash-lite:stream:UPSTREAM_HTTP",
                        "gemini-2.5-flash-lite:stream:UPSTREAM_HTTP", "gemini-2.5-flash-lite:stream:UPSTREAM_HTTP"],
            provider_saw: &[(GF, 3), (GL, 3)],
            resets: 0,
            ms: (6 * RETRY_BASE_MS / 10, 3_500),
            check: Some(|run, _| {
                let e = run.error().ok_or("the call did not fail")?;
                if !e.message().starts_with("gemini-2.5-flash: HTTP 503") {
                    return Err(format!("the surfaced error is not the primary's: {:?}", e.message()));
                }
                match e.details().and_then(|d| d.http_status) {
                    Some(503) => Ok(()),
                    other => Err(format!("http_status {other:?}, expected 503")),
                }
            }),
        }),
    },
    Scenario {
        name: "connection-reset",
        title: "Connection reset before any response header",
        inject: "the mock closes gpt-4o-mini's connection with a TCP RST, once",
        faults: &[(O4M, "reset|ok")],
        expect: "a transport error is retried; the same model answers",
        body: call(O4M, "Convert this CSV header to snake_case.", Expect {
            outcome: O4M,
            attempts: &["gpt-4o-mini:stream:TRANSPORT", "gpt-4o-mini:stream:ok"],
            provider_saw: &[(O4M, 2)],
            resets: 0,
            ms: (RETRY_BASE_MS / 10, 1_500),
            check: None,
        }),
    },
    Scenario {
        name: "silent-provider",
        title: "Silent provider: no response headers, ever",
        inject: "gemini-2.5-pro reads the request and never answers",
        faults: &[(GP, "silent")],
        expect: "give up at the 1.5 s first-byte deadline, do NOT retry the silent route, fail over",
        body: call(GP, "Write the alt text for this product photo.", Expect {
            outcome: GF,
            attempts: &["gemini-2.5-pro:stream:DEADLINE_EXCEEDED", "gemini-2.5-flash:stream:ok"],
            provider_saw: &[(GP, 1), (GF, 1)],
            resets: 0,
            ms: (FIRST_BYTE_MS, FIRST_BYTE_MS + 1_000),
            check: None,
        }),
    },
    Scenario {
        name: "slow-first-token",
        title: "Slow first token (headers at once, keep-alives, no text)",
        inject: "claude-sonnet-4-5 sends headers, then only `: keep-alive` comments every 300 ms for 10 s",
        faults: &[(CS, "slow_first_token=10000,keepalive_ms=300")],
        expect: "keep-alives keep the stall timer quiet, but at the 2.5 s first-token deadline: fail over, no retry",
        body: call(CS, "Summarise this 40-page PDF.", Expect {
            outcome: CH,
            attempts: &["claude-sonnet-4-5:stream:DEADLINE_EXCEEDED", "claude-haiku-4-5:stream:ok"],
            provider_saw: &[(CS, 1), (CH, 1)],
            resets: 0,
            ms: (FIRST_TOKEN_MS, FIRST_TOKEN_MS + 1_000),
            check: None,
        }),
    },
    Scenario {
        name: "stall-then-reconnect",
        title: "A stream stalls mid-answer",
        inject: "gemini-2.5-flash sends 3 deltas, then goes silent for 5 s; the next request is healthy",
        faults: &[(GF, "stall_after=3,stall_ms=5000|ok")],
        expect: "detect the stall after the 1 s gap, reconnect once, reset the partial text, answer in full",
        body: call(GF, "Write release notes from these commit messages.", Expect {
            outcome: GF,
            attempts: &["gemini-2.5-flash:stream:STREAM_STALLED", "gemini-2.5-flash:reconnect:ok"],
            provider_saw: &[(GF, 2)],
            resets: 1,
            ms: (STALL_GAP_MS, STALL_GAP_MS + 1_000),
            check: None,
        }),
    },
    Scenario {
        name: "stall-twice",
        title: "A stream stalls, and stalls again on reconnect",
        inject: "claude-sonnet-4-5 stalls after 3 deltas, then after 2 on the reconnect",
        faults: &[(CS, "stall_after=3|stall_after=2|ok")],
        expect: "reconnect once, then fetch the whole answer without streaming (the runbook's fallback)",
        body: call(CS, "Answer the customer's question about data retention.", Expect {
            outcome: CS,
            attempts: &["claude-sonnet-4-5:stream:STREAM_STALLED", "claude-sonnet-4-5:reconnect:STREAM_STALLED",
                        "claude-sonnet-4-5:non_stream:ok"],
            provider_saw: &[(CS, 3)],
            resets: 2,
            ms: (2 * STALL_GAP_MS, 2 * STALL_GAP_MS + 1_500),
            check: Some(|_, mock| stream_flags(mock, CS, &[true, true, false])),
        }),
    },
    Scenario {
        name: "cut-mid-stream",
        title: "A stream cut mid-answer (clean end of body, no end marker)",
        inject: "gpt-4o's body ends after 4 deltas, without finish_reason or [DONE]",
        faults: &[(O4, "cut_after=4|ok")],
        expect: "never call the partial answer complete: reconnect at once (no stall wait), reset, answer in full",
        body: call(O4, "Write a SQL migration adding a status column.", Expect {
            outcome: O4,
            attempts: &["gpt-4o:stream:STREAM_INCOMPLETE", "gpt-4o:reconnect:ok"],
            provider_saw: &[(O4, 2)],
            resets: 1,
            ms: (0, STALL_GAP_MS),
            check: None,
        }),
    },
    Scenario {
        name: "broken-stream-ladder",
        title: "A model whose answers keep breaking",
        inject: "gpt-5's stream is cut after 4 deltas every time; its plain response is cut in half",
        faults: &[(G5, "cut_after=4")],
        expect: "reconnect, then non-stream, then the next model (gpt-5-mini) answers",
        body: call(G5, "Outline a migration plan from MySQL to Postgres.", Expect {
            outcome: G5M,
            attempts: &["gpt-5:stream:STREAM_INCOMPLETE", "gpt-5:reconnect:STREAM_INCOMPLETE",
                        "gpt-5:non_stream:MALFORMED_RESPONSE", "gpt-5-mini:stream:ok"],
            provider_saw: &[(G5, 3), (G5M, 1)],
            resets: 2,
            ms: (0, 1_500),
            check: None,
        }),
    },
    Scenario {
        name: "resume-last-event-id",
        title: "Generic SSE with event ids, cut mid-stream",
        inject: "gpt-4o-mini's events carry `id:` lines; the body ends after 4 deltas",
        faults: &[(O4M, "ids,cut_after=4|ids")],
        expect: "reconnect with Last-Event-ID and resume where it stopped: no reset, no duplicated text",
        body: call(O4M, "Continue the bedtime story.", Expect {
            outcome: O4M,
            attempts: &["gpt-4o-mini:stream:STREAM_INCOMPLETE", "gpt-4o-mini:reconnect:ok"],
            provider_saw: &[(O4M, 2)],
            resets: 0,
            ms: (0, 1_000),
            check: Some(|_, mock| {
                let log = mock.log(O4M);
                match log.get(1).and_then(|a| a.last_event_id.as_deref()) {
                    Some(id) if id.parse::<u32>().is_ok_and(|n| n >= 4) => Ok(()),
                    other => Err(format!("the reconnect sent Last-Event-ID {other:?}")),
                }
            }),
        }),
    },
    Scenario {
        name: "context-length",
        title: "Context length exceeded",
        inject: "gpt-4o (128 k context) answers 400 context_length_exceeded to a long contract",
        faults: &[(O4, "context_length")],
        expect: "no retry on gpt-4o: move to gpt-4.1, the next model with a larger context window",
        body: Body::Call {
            model: O4,
            prompt: Prompt::LongDocument,
            expect: Expect {
                outcome: O41,
                attempts: &["gpt-4o:stream:CONTEXT_LENGTH_EXCEEDED", "gpt-4.1:stream:ok"],
                provider_saw: &[(O4, 1), (O41, 1), (GF, 0)],
                resets: 0,
                ms: (0, 1_500),
                check: None,
            },
        },
    },
    Scenario {
        name: "content-policy",
        title: "Content-policy rejection",
        inject: "gemini-2.5-flash blocks the prompt (HTTP 200, promptFeedback.blockReason PROHIBITED_CONTENT)",
        faults: &[(GF, "content_filter")],
        expect: "stop at once with CONTENT_FILTERED and the provider's reason; no retry, no fail-over",
        body: call(GF, "Describe the plot of this film.", Expect {
            outcome: "!CONTENT_FILTERED",
            attempts: &["gemini-2.5-flash:stream:CONTENT_FILTERED"],
            provider_saw: &[(GF, 1), (GL, 0)],
            resets: 0,
            ms: (0, 1_000),
            check: Some(|run, _| message_contains(run, "PROHIBITED_CONTENT")),
        }),
    },
    Scenario {
        name: "malformed-event",
        title: "A malformed event mid-stream",
        inject: "gpt-5's stream carries one event with cut-off JSON after delta 3, then continues",
        faults: &[(G5, "malformed_at=3")],
        expect: "skip and count it (strict mode would fail the attempt); the answer is whole",
        body: call(G5, "Propose names for the new billing service.", Expect {
            outcome: G5,
            attempts: &["gpt-5:stream:ok"],
            provider_saw: &[(G5, 1)],
            resets: 0,
            ms: (0, 1_000),
            check: Some(|run, _| match run.summary().map(|s| s.malformed_events) {
                Some(1) => Ok(()),
                other => Err(format!("malformed_events {other:?}, expected 1")),
            }),
        }),
    },
    Scenario {
        name: "finish-without-done",
        title: "Finish reason and usage, then the body ends without [DONE]",
        inject: "gpt-4o sends finish_reason \"stop\" and usage, then closes the body with no `data: [DONE]`",
        faults: &[(O4, "no_done")],
        expect: "complete at once with the usage — no stall wait, no retry",
        body: call(O4, "Give me a regex for ISO dates.", Expect {
            outcome: O4,
            attempts: &["gpt-4o:stream:ok"],
            provider_saw: &[(O4, 1)],
            resets: 0,
            ms: (0, STALL_GAP_MS / 2),
            check: Some(|run, _| {
                let s = run.summary().ok_or("no summary")?;
                if s.finish_reason != Some(FinishReason::Stop) {
                    return Err(format!("finish reason {:?}", s.finish_reason));
                }
                if s.usage.output_tokens != Some(output_tokens(DELTA_COUNT)) {
                    return Err(format!("output tokens {:?}", s.usage.output_tokens));
                }
                Ok(())
            }),
        }),
    },
    Scenario {
        name: "flapping",
        title: "A flapping provider and the circuit breaker",
        inject: "gemini-2.5-flash alternates: 503 for 1.5 s, healthy for 2 s, and again",
        faults: &[(GF, special::FLAP_SCRIPT)],
        expect: "the breaker opens, calls skip to gemini-2.5-flash-lite, a probe closes it once the model is back — twice over",
        body: Body::Flapping,
    },
    Scenario {
        name: "cancel",
        title: "Cancellation: the caller drops the stream mid-answer",
        inject: "claude-opus-4-1 streams slowly (150 ms per delta), through the wire tap",
        faults: &[("claude-opus-4-1", "delay_ms=150")],
        expect: "dropping the stream after 3 text events closes the provider connection at once",
        body: Body::Cancel,
    },
];

/// The scenario named `name`.
pub fn find(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}

/// The text of a prompt.
pub fn prompt_text(prompt: Prompt) -> String {
    match prompt {
        Prompt::Text(text) => text.to_owned(),
        Prompt::LongDocument => {
            let clause = "The Supplier shall indemnify the Customer against all losses arising \
                          from any breach of the warranties set out in this Agreement. ";
            let mut text =
                String::from("Summarise the obligations in this master services agreement:\n\n");
            // ~600 KB: about 150 k tokens, past gpt-4o's 128 k window.
            while text.len() < 600_000 {
                text.push_str(clause);
            }
            text
        }
    }
}
