//! The two scenarios that are more than one call: a flapping provider (calls over several
//! seconds while the circuit breaker opens, routes around, probes and closes, twice) and
//! cancellation (a stream dropped mid-answer, with the wire tap showing the provider's
//! connection closing).

use std::time::{Duration, Instant};

use genie_core::client::{Attempt, CallEvent, NoticeKind, Request};
use genie_mock_provider::canonical_text;

use crate::call::{self, CallRun, Timeline};
use crate::report::{duration, preview, Row};
use crate::runner::{self, Demo};
use crate::setup::BREAKER_OPEN_MS;

pub const FLAP_MODEL: &str = "gemini-2.5-flash";
const FLAP_FALLBACK: &str = "gemini-2.5-flash-lite";
/// The mock's flap script: down (503) for 1.5 s, then up for 2 s, over and over from the
/// mock's reset; the two constants below must match it.
pub const FLAP_SCRIPT: &str = "flap=1500/2000";
const FLAP_DOWN_MS: u64 = 1_500;
const FLAP_UP_MS: u64 = 2_000;
/// Calls are this far apart, like steady traffic.
const CALL_GAP_MS: u64 = 200;
/// The scenario stops after this many open → probe → closed cycles, or at this time.
const CYCLES: usize = 2;
const FLAP_LIMIT_MS: u64 = 10_000;

/// What one call of the flapping scenario shows.
struct FlapCall {
    at: Duration,
    what: String,
    answered_by: String,
    took: Duration,
    attempts: usize,
}

/// Calls the flapping model every 200 ms until the breaker has opened and closed twice.
pub async fn flapping(demo: &Demo, name: &str) -> Row {
    let s = &demo.style;
    s.line(
        "ask",
        &format!(
            "a call every {CALL_GAP_MS} ms to {}",
            runner::route(FLAP_MODEL).join(" → ")
        ),
    );
    let start = Instant::now();
    let mut calls: Vec<FlapCall> = Vec::new();
    let mut failures = Vec::new();
    let mut open = false;
    let mut cycles = 0;
    let mut opens = 0;
    let mut recoveries = Vec::new();
    let mut primary_attempts = 0;
    let mut served_whole = 0;
    while cycles < CYCLES && start.elapsed() < Duration::from_millis(FLAP_LIMIT_MS) {
        let at = start.elapsed();
        let run = quiet_call(
            demo,
            Request::new(FLAP_MODEL, "What is our SLA for P1 incidents?"),
        )
        .await;
        failures.extend(run.invariants());
        let tried: Vec<&Attempt> = run
            .attempts()
            .iter()
            .filter(|a| a.model == FLAP_MODEL)
            .collect();
        primary_attempts += tried.len();
        let skipped = first_is_circuit_open(&run);
        let opened_mid = !skipped && run.notices(NoticeKind::CircuitOpen) > 0;
        let answered = run.summary().map(|s| s.model.clone());
        if run.summary().is_some_and(|s| s.text == canonical_text()) {
            served_whole += 1;
        } else {
            failures.push(format!(
                "call at {}: not served whole: {}",
                duration(at),
                run.answered_by()
            ));
        }
        if skipped && !tried.is_empty() {
            failures.push(format!(
                "call at {}: the open circuit did not keep it off {FLAP_MODEL}",
                duration(at)
            ));
        }
        let primary_ok = answered.as_deref() == Some(FLAP_MODEL);
        let was_open = open;
        let what = if skipped {
            "circuit open: skipped, not sent".to_owned()
        } else if was_open && primary_ok {
            "probe answered → circuit closed".to_owned()
        } else if was_open {
            format!("probe failed ({}) → open again", failed_statuses(&tried))
        } else if opened_mid {
            format!("{} → circuit opened", failed_statuses(&tried))
        } else if primary_ok && tried.len() == 1 {
            "answered".to_owned()
        } else if primary_ok {
            format!("{}, retried → answered", failed_statuses(&tried))
        } else {
            format!("{}, retried → failed over", failed_statuses(&tried))
        };
        open = if skipped {
            true
        } else if was_open {
            !primary_ok
        } else {
            opened_mid
        };
        if open && !was_open {
            opens += 1;
        }
        if was_open && !open {
            cycles += 1;
            recoveries.push(at + run.elapsed);
        }
        calls.push(FlapCall {
            at,
            what,
            answered_by: answered.unwrap_or_else(|| run.answered_by()),
            took: run.elapsed,
            attempts: run.attempts().len(),
        });
        tokio::time::sleep(Duration::from_millis(CALL_GAP_MS)).await;
    }
    print_flap_calls(demo, &calls);
    let seen = demo.mock.attempts(FLAP_MODEL);
    s.line(
        "provider",
        &format!(
            "{FLAP_MODEL} ×{seen} · {FLAP_FALLBACK} ×{} (the client counted {primary_attempts} attempts on {FLAP_MODEL})",
            demo.mock.attempts(FLAP_FALLBACK)
        ),
    );
    if seen != primary_attempts {
        failures.push(format!("the provider saw {seen} requests for {FLAP_MODEL}, the client reports {primary_attempts}"));
    }
    if cycles < CYCLES || opens < CYCLES {
        failures.push(format!(
            "{opens} openings and {cycles} closings in {} (expected {CYCLES} of each)",
            duration(start.elapsed())
        ));
    }
    // Recovery starts at each up phase; a probe closes the breaker at most one open period (plus
    // a call gap and a call) later.
    for done in &recoveries {
        let t = done.as_millis() as u64;
        let period = FLAP_DOWN_MS + FLAP_UP_MS;
        let up_since = t.saturating_sub(FLAP_DOWN_MS) / period * period + FLAP_DOWN_MS;
        let lag = t.saturating_sub(up_since);
        if lag > BREAKER_OPEN_MS + 1_000 {
            failures.push(format!("closed {lag} ms after the provider recovered"));
        }
    }
    let by_primary = calls.iter().filter(|c| c.answered_by == FLAP_MODEL).count();
    s.line(
        "answer",
        &format!(
            "{} calls, {served_whole} served whole: {by_primary} by {FLAP_MODEL}, {} by {FLAP_FALLBACK}; {opens} openings, {cycles} closings",
            calls.len(),
            calls.len() - by_primary
        ),
    );
    s.line("time", &duration(start.elapsed()));
    Row {
        name: name.to_owned(),
        answered_by: format!("flash ×{by_primary}, -lite ×{}", calls.len() - by_primary),
        complete: served_whole == calls.len(),
        attempts: calls.iter().map(|c| c.attempts).sum(),
        elapsed: start.elapsed(),
        failures,
    }
}

/// Runs a call without printing its timeline.
async fn quiet_call(demo: &Demo, request: Request) -> CallRun {
    let start = Instant::now();
    let stream = demo.client.stream(request);
    let mut timeline = Timeline::hidden();
    call::drive(stream, start, &mut timeline, |_| false).await
}

/// Whether the call's first event says the model was skipped (its circuit was open).
fn first_is_circuit_open(run: &CallRun) -> bool {
    matches!(
        run.events.first(),
        Some(CallEvent::Notice { kind: NoticeKind::CircuitOpen, model, .. }) if model == FLAP_MODEL
    )
}

/// `503 ×3` from the failed attempts' statuses.
fn failed_statuses(attempts: &[&Attempt]) -> String {
    let failed: Vec<String> = attempts
        .iter()
        .filter(|a| a.outcome != "ok")
        .map(|a| {
            a.http_status
                .map_or(a.outcome.to_owned(), |s| s.to_string())
        })
        .collect();
    match failed.as_slice() {
        [] => "no failure".into(),
        [one] => one.clone(),
        [first, ..] if failed.iter().all(|f| f == first) => format!("{first} ×{}", failed.len()),
        _ => failed.join(", "),
    }
}

/// One line per run of calls that did the same thing.
fn print_flap_calls(demo: &Demo, calls: &[FlapCall]) {
    let s = &demo.style;
    let mut i = 0;
    let mut first = true;
    while i < calls.len() {
        let mut j = i + 1;
        while j < calls.len()
            && calls[j].what == calls[i].what
            && calls[j].answered_by == calls[i].answered_by
        {
            j += 1;
        }
        let numbers = if j - i == 1 {
            format!("call {}", i + 1)
        } else {
            format!("calls {}–{}", i + 1, j)
        };
        let took: Vec<Duration> = calls[i..j].iter().map(|c| c.took).collect();
        let fastest = took.iter().min().copied().unwrap_or_default();
        let slowest = took.iter().max().copied().unwrap_or_default();
        let text = format!(
            "{numbers:<11} {} {:<34} → {:<21} {}",
            s.dim(&format!("+{:>4.1} s", calls[i].at.as_secs_f64())),
            calls[i].what,
            calls[i].answered_by,
            if duration(fastest) == duration(slowest) {
                duration(slowest)
            } else {
                let fastest = (fastest.as_secs_f64() * 1e3).round();
                format!("{fastest:.0}–{}", duration(slowest))
            }
        );
        s.line(if first { "calls" } else { "" }, &text);
        first = false;
        i = j;
    }
}

pub const CANCEL_MODEL: &str = "claude-opus-4-1";
const CANCEL_AFTER_TEXTS: usize = 3;
/// How soon after the drop the provider's connection must close.
const CANCEL_WITHIN: Duration = Duration::from_millis(100);

/// Streams from the slow model, drops the stream after 3 text events, and watches the tap.
pub async fn cancel(demo: &Demo, name: &str) -> Row {
    let s = &demo.style;
    s.line(
        "ask",
        &format!("{CANCEL_MODEL} · drop the stream after {CANCEL_AFTER_TEXTS} text events"),
    );
    let start = Instant::now();
    let mut timeline = Timeline::new(s);
    let mut dropped_at = None;
    let stream = demo
        .client
        .stream(Request::new(CANCEL_MODEL, "Tell me a long story."));
    let run = call::drive(stream, start, &mut timeline, |events| {
        let texts = events
            .iter()
            .filter(|e| matches!(e, CallEvent::Text { .. }))
            .count();
        let stop = texts >= CANCEL_AFTER_TEXTS;
        if stop {
            dropped_at = Some(Instant::now());
        }
        stop
    })
    .await;
    let mut failures = run.invariants();
    let Some(dropped_at) = dropped_at else {
        timeline.flush();
        failures.push("the stream ended before it could be dropped".into());
        return cancel_row(name, &run, failures);
    };
    timeline.note(
        dropped_at - start,
        "drop",
        "the caller drops the stream (the call is cancelled)",
    );
    let waited = Instant::now();
    let close = loop {
        if let Some(close) = demo.tap.closes_since(dropped_at).into_iter().next() {
            break Some(close);
        }
        if waited.elapsed() > Duration::from_secs(2) {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    };
    match close {
        Some(close) => {
            let after = close.at.saturating_duration_since(dropped_at);
            timeline.note(
                close.at - start,
                "wire",
                &format!(
                    "{} closed the provider connection {:.1} ms after the drop ({} bytes had reached the client)",
                    if close.by_client { "the client" } else { "the provider" },
                    after.as_secs_f64() * 1e3,
                    close.bytes_to_client
                ),
            );
            if !close.by_client {
                failures.push("the provider closed the connection, not the client".into());
            }
            if after > CANCEL_WITHIN {
                failures.push(format!("the connection closed {after:?} after the drop"));
            }
        }
        None => {
            timeline.note(
                waited - start + Duration::from_secs(2),
                "wire",
                &s.red("the connection is still open 2 s after the drop"),
            );
            failures.push(
                "dropping the stream did not close the provider connection within 2 s".into(),
            );
        }
    }
    let shown = run.shown();
    s.line(
        "provider",
        &format!(
            "{CANCEL_MODEL} ×{}: answering (HTTP 200, streaming) when the client hung up — seen at the tap",
            demo.mock.attempts(CANCEL_MODEL)
        ),
    );
    s.line(
        "answer",
        &format!(
            "none — dropped by the caller after {} chars: {}",
            shown.chars().count(),
            preview(&shown, 48)
        ),
    );
    if demo.mock.attempts(CANCEL_MODEL) != 1 {
        failures.push(format!(
            "the provider saw {} requests, expected 1",
            demo.mock.attempts(CANCEL_MODEL)
        ));
    }
    if run.result.is_some() {
        failures.push("the dropped call still produced an outcome".into());
    }
    if shown.is_empty() || !canonical_text().starts_with(&shown) || shown == canonical_text() {
        failures.push(format!(
            "the text shown before the drop is not a strict prefix of the answer: {}",
            preview(&shown, 40)
        ));
    }
    s.line("time", &duration(dropped_at - start));
    cancel_row(name, &run, failures)
}

fn cancel_row(name: &str, run: &CallRun, failures: Vec<String>) -> Row {
    Row {
        name: name.to_owned(),
        answered_by: "— dropped".into(),
        complete: false,
        attempts: demo_attempts(run),
        elapsed: run.elapsed,
        failures,
    }
}

/// Attempts started (a dropped call has no attempt list: count the `started` events).
fn demo_attempts(run: &CallRun) -> usize {
    run.events
        .iter()
        .filter(|e| matches!(e, CallEvent::Started { .. }))
        .count()
}
