//! Running a scenario against the mock: register its faults, send the request through the one
//! client, print the block (injected fault, timeline, attempts, what the provider saw, the
//! answer or error, timings), check the expectations, then clear the faults and check that the
//! client serves a healthy request to the same model.

use std::time::Instant;

use genie_core::client::{Client, Request};
use genie_mock_provider::{canonical_text, MockProvider};

use crate::call::{self, CallRun};
use crate::report::{duration, ms, preview, Row, Style};
use crate::scenarios::{self, Body, Expect, Scenario};
use crate::setup::CATALOGUE;
use crate::special;
use crate::tap::Tap;

/// What every scenario runs against.
pub struct Demo {
    pub client: Client,
    pub mock: MockProvider,
    pub tap: Tap,
    pub style: Style,
}

/// The route the client will follow from `model`.
pub fn route(model: &str) -> Vec<&'static str> {
    let mut route = Vec::new();
    if let Some(spec) = CATALOGUE.iter().find(|m| m.name == model) {
        route.push(spec.name);
        route.extend_from_slice(spec.fallbacks);
    }
    route
}

/// Runs one scenario and returns its row of the summary table.
pub async fn run(demo: &Demo, index: usize, total: usize, scenario: &Scenario) -> Row {
    let s = &demo.style;
    s.heading(index, total, scenario.name, scenario.title);
    let scripts: Vec<String> = scenario
        .faults
        .iter()
        .map(|(model, script)| format!("{model}: {script}"))
        .collect();
    s.line("inject", scenario.inject);
    if !scripts.is_empty() {
        s.more(&s.dim(&format!("mock fault script  {}", scripts.join(" · "))));
    }
    s.line("expect", scenario.expect);
    let mut failures = Vec::new();
    for (model, script) in scenario.faults {
        if let Err(e) = demo.mock.set_fault(model, script) {
            failures.push(format!(
                "the mock rejected the fault script {script:?}: {e}"
            ));
        }
    }
    // Attempt counts and the flap clock start now.
    demo.mock.reset();
    let (mut row, primary) = match &scenario.body {
        Body::Call {
            model,
            prompt,
            expect,
        } => {
            let request = Request::new(*model, scenarios::prompt_text(*prompt));
            let row = one_call(demo, scenario.name, model, request, expect).await;
            (row, *model)
        }
        Body::Flapping => (
            special::flapping(demo, scenario.name).await,
            special::FLAP_MODEL,
        ),
        Body::Cancel => (
            special::cancel(demo, scenario.name).await,
            special::CANCEL_MODEL,
        ),
    };
    demo.mock.clear_faults();
    row.failures.splice(0..0, failures);
    let mut recovered = vec![primary];
    for (model, _) in scenario.faults {
        if !recovered.contains(model) {
            recovered.push(model);
        }
    }
    row.failures.extend(healthy_after(demo, &recovered).await);
    demo.mock.reset();
    if row.ok() {
        s.line("verdict", &s.verdict(true));
    } else {
        s.line("verdict", &s.verdict(false));
        for failure in &row.failures {
            s.more(&s.red(failure));
        }
    }
    row
}

async fn one_call(demo: &Demo, name: &str, model: &str, request: Request, expect: &Expect) -> Row {
    let s = &demo.style;
    let question = match &request.messages[0].content {
        genie_core::client::Content::Text(text) if text.len() > 200 => {
            format!("{} ({} KB)", preview(text, 48), text.len() / 1000)
        }
        genie_core::client::Content::Text(text) => preview(text, 70),
        genie_core::client::Content::Parts(_) => "(parts)".into(),
    };
    s.line("ask", &format!("{} · {question}", route(model).join(" → ")));
    let run = call::run(&demo.client, request, s).await;
    print_attempts(s, &run);
    print_provider_view(s, &demo.mock, model, expect);
    print_outcome(s, &run);
    let failures = verify(&run, &demo.mock, expect);
    Row {
        name: name.to_owned(),
        answered_by: run.answered_by(),
        complete: run.summary().is_some_and(|s| s.complete),
        attempts: run.attempts().len(),
        elapsed: run.elapsed,
        failures,
    }
}

/// The attempt list, one line each.
pub fn print_attempts(s: &Style, run: &CallRun) {
    let attempts = run.attempts();
    let model_w = attempts.iter().map(|a| a.model.len()).max().unwrap_or(0);
    let outcome_w = attempts.iter().map(|a| a.outcome.len()).max().unwrap_or(0);
    for (i, a) in attempts.iter().enumerate() {
        let status = a
            .http_status
            .map_or("HTTP   —".to_owned(), |st| format!("HTTP {st}"));
        let outcome = format!("{:<outcome_w$}", a.outcome);
        let mut text = format!(
            "{}. {:<model_w$}  {:<10}  {}  {status}  {:>7}",
            i + 1,
            a.model,
            a.mode.as_str(),
            if a.outcome == "ok" {
                s.green(&outcome)
            } else {
                s.yellow(&outcome)
            },
            ms(a.duration_ms),
        );
        if a.waited_ms > 0 {
            text.push_str(&format!(" · after waiting {}", ms(a.waited_ms)));
        }
        if let Some(code) = &a.error_code {
            text.push_str(&format!(" · provider said {code}"));
        }
        if i == 0 {
            s.line("attempts", &text);
        } else {
            s.more(&text);
        }
    }
}

/// What the mock says it received, per model of the route.
fn print_provider_view(s: &Style, mock: &MockProvider, model: &str, expect: &Expect) {
    let mut models = route(model);
    for (m, _) in expect.provider_saw {
        if !models.contains(m) {
            models.push(m);
        }
    }
    let mut parts = Vec::new();
    for m in models {
        let log = mock.log(m);
        if log.is_empty() {
            continue;
        }
        let seen: Vec<String> = log
            .iter()
            .map(|a| {
                let what = match (a.action.as_str(), a.status) {
                    ("reset", _) => "RST".to_owned(),
                    ("silent", _) => "silent".to_owned(),
                    ("blocked_prompt", _) => "200 blocked".to_owned(),
                    ("flap_down", Some(st)) => format!("{st} (down)"),
                    (_, Some(st)) => st.to_string(),
                    (action, None) => action.to_owned(),
                };
                let mode = if a.stream { "" } else { " non-stream" };
                let resume = a
                    .last_event_id
                    .as_deref()
                    .map_or(String::new(), |id| format!(" Last-Event-ID: {id}"));
                format!("{what}{mode}{resume}")
            })
            .collect();
        parts.push(format!("{m} ×{}: {}", log.len(), seen.join(", ")));
    }
    s.line("provider", &parts.join(" · "));
}

/// The answer (or error) and the timings.
pub fn print_outcome(s: &Style, run: &CallRun) {
    match &run.result {
        Some(Ok(summary)) => {
            let whole = if summary.text == canonical_text() {
                "the provider's whole answer"
            } else {
                "NOT the provider's answer"
            };
            let finish = summary
                .raw_finish_reason
                .as_deref()
                .unwrap_or("no finish reason");
            let tokens = summary
                .usage
                .output_tokens
                .map_or("?".to_owned(), |t| t.to_string());
            s.line(
                "answer",
                &format!(
                    "{} · {} · finish {finish} · {tokens} output tokens · {whole}",
                    s.bold(&summary.model),
                    s.green("complete"),
                ),
            );
            let ttft = summary
                .ttft_ms
                .map_or("—".to_owned(), |t| format!("{t:.0} ms"));
            let rate = summary
                .output_tokens_per_s
                .map_or(String::new(), |r| format!(" · {r:.0} tokens/s"));
            s.line(
                "time",
                &format!(
                    "{} · first byte at {:.0} ms · first kept token at {ttft}{rate}",
                    duration(run.elapsed),
                    summary.ttfb_ms
                ),
            );
        }
        Some(Err(e)) => {
            let d = e.details();
            let status = d
                .and_then(|d| d.http_status)
                .map_or(String::new(), |st| format!(" · HTTP {st}"));
            let code = d
                .and_then(|d| d.provider_code.as_deref())
                .map_or(String::new(), |c| format!(" · provider code {c}"));
            s.line(
                "answer",
                &format!(
                    "{}{status}{code}",
                    s.yellow(&format!("none — {}", e.kind().code()))
                ),
            );
            s.more(&preview(e.message(), 110));
            s.line("time", &duration(run.elapsed));
        }
        None => s.line("answer", "none — the caller dropped the stream"),
    }
}

fn verify(run: &CallRun, mock: &MockProvider, expect: &Expect) -> Vec<String> {
    let mut failures = run.invariants();
    match (expect.outcome.strip_prefix('!'), &run.result) {
        (None, Some(Ok(summary))) => {
            if summary.model != expect.outcome {
                failures.push(format!(
                    "answered by {}, expected {}",
                    summary.model, expect.outcome
                ));
            }
            if summary.text != canonical_text() {
                failures.push(format!(
                    "the answer is not the provider's whole answer: {}",
                    preview(&summary.text, 60)
                ));
            }
        }
        (Some(code), Some(Err(e))) if e.kind().code() == code => {}
        (_, Some(Err(e))) => failures.push(format!(
            "ended with {}: {}, expected {}",
            e.kind().code(),
            e.message(),
            expect.outcome
        )),
        (Some(code), Some(Ok(summary))) => failures.push(format!(
            "answered by {}, expected the error {code}",
            summary.model
        )),
        (_, None) => failures.push("the call ended without an outcome".into()),
    }
    let attempts = run.attempt_keys();
    if attempts != expect.attempts {
        failures.push(format!(
            "attempts {attempts:?}, expected {:?}",
            expect.attempts
        ));
    }
    for (model, n) in expect.provider_saw {
        let seen = mock.attempts(model);
        if seen != *n {
            failures.push(format!(
                "the provider saw {seen} requests for {model}, expected {n}"
            ));
        }
    }
    if run.resets() != expect.resets {
        failures.push(format!(
            "{} resets, expected {}",
            run.resets(),
            expect.resets
        ));
    }
    let elapsed = run.elapsed.as_millis() as u64;
    let (lo, hi) = expect.ms;
    if !(lo..=hi).contains(&elapsed) {
        failures.push(format!("took {elapsed} ms, expected {lo}..={hi} ms"));
    }
    if let Some(check) = expect.check {
        if let Err(e) = check(run, mock) {
            failures.push(e);
        }
    }
    failures
}

/// With the faults cleared, a new request to each of `models` must be answered by it, whole.
async fn healthy_after(demo: &Demo, models: &[&str]) -> Vec<String> {
    let s = &demo.style;
    let mut shown = Vec::new();
    let mut failures = Vec::new();
    for model in models {
        let start = Instant::now();
        let result = demo
            .client
            .complete(Request::new(*model, "Are you back?"))
            .await;
        let took = duration(start.elapsed());
        match result {
            Ok(summary) if summary.model == *model && summary.text == canonical_text() => {
                shown.push(format!("{model} answers in {took}"));
            }
            Ok(summary) => {
                let e = format!(
                    "after the fault, {model} did not answer: {} did",
                    summary.model
                );
                shown.push(s.red(&e));
                failures.push(e);
            }
            Err(e) => {
                let e = format!("after the fault, a request to {model} failed: {e}");
                shown.push(s.red(&e));
                failures.push(e);
            }
        }
    }
    s.line(
        "after",
        &format!("faults cleared, a new request: {}", shown.join(" · ")),
    );
    failures
}
