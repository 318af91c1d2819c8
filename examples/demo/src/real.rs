//! `--real`: the same client against the real providers whose API key is in the environment —
//! one streaming and one non-streaming request each, with the runbook's production timeouts.
//! Faults cannot be injected there, so this shows the healthy path and the summary a real
//! answer yields. Keys are read by the client from the environment; the demo only checks that a
//! variable is set and prints its name, never its value.

use std::time::Instant;

use genie_core::client::{Client, ClientConfig, Request};
use serde_json::{json, Map, Value};

use crate::call::{self, CallRun};
use crate::report::{duration, secs, Row, Style};
use crate::runner::print_attempts;

/// A real provider the demo can talk to.
pub struct RealProvider {
    pub key_env: &'static str,
    pub name: &'static str,
    pub model: &'static str,
    pub fallbacks: &'static [&'static str],
}

pub const PROVIDERS: &[RealProvider] = &[
    RealProvider {
        key_env: "GEMINI_API_KEY",
        name: "gemini",
        model: "gemini-2.5-flash",
        fallbacks: &["gemini-2.5-flash-lite"],
    },
    RealProvider {
        key_env: "OPENAI_API_KEY",
        name: "openai",
        model: "gpt-4.1-mini",
        fallbacks: &[],
    },
    RealProvider {
        key_env: "ANTHROPIC_API_KEY",
        name: "anthropic",
        model: "claude-haiku-4-5",
        fallbacks: &[],
    },
];

/// The providers whose key variable is set (to something non-empty).
pub fn available() -> Vec<&'static RealProvider> {
    PROVIDERS
        .iter()
        .filter(|p| std::env::var_os(p.key_env).is_some_and(|v| !v.is_empty()))
        .collect()
}

fn config(providers: &[&RealProvider]) -> genie_core::Result<ClientConfig> {
    let mut provider_map = Map::new();
    let mut models = Map::new();
    let mut fallbacks = Map::new();
    for p in providers {
        // No base_url: the provider's public endpoint.
        provider_map.insert(
            p.name.into(),
            json!({"kind": p.name, "api_key_env": p.key_env}),
        );
        for model in std::iter::once(&p.model).chain(p.fallbacks) {
            models.insert((*model).into(), json!({"provider": p.name}));
        }
        if !p.fallbacks.is_empty() {
            fallbacks.insert(p.model.into(), json!(p.fallbacks));
        }
    }
    // Everything else takes the runbook's defaults (10 s stall gap, 90 s per call, ...).
    ClientConfig::from_value(json!({
        "providers": Value::Object(provider_map),
        "models": Value::Object(models),
        "fallbacks": Value::Object(fallbacks),
    }))
}

/// Sends the requests; `None` when no key is set (a usage error for `--real`).
pub async fn run(style: &Style) -> Option<Vec<Row>> {
    let providers = available();
    if providers.is_empty() {
        return None;
    }
    let s = style;
    println!(
        "{}",
        s.bold("genie demo — the same client against real providers")
    );
    println!();
    let names: Vec<String> = providers
        .iter()
        .map(|p| format!("{} ({} is set)", p.name, p.key_env))
        .collect();
    s.line("providers", &names.join(" · "));
    s.more("keys are read by the client from the environment and never printed; faults cannot be injected here");
    let client = match config(&providers).and_then(Client::new) {
        Ok(client) => client,
        Err(e) => {
            eprintln!("genie-demo: cannot build the client: {e}");
            return Some(vec![setup_failure(e.to_string())]);
        }
    };
    let t = &client.config().timeouts;
    s.line(
        "timeouts",
        &format!(
            "the runbook's: first byte {} · first token {} · stall gap {} · whole call {}",
            secs(t.first_byte_ms),
            secs(t.first_token_ms),
            secs(t.stall_gap_ms),
            secs(t.total_ms)
        ),
    );
    let mut rows = Vec::new();
    let total = providers.len() * 2;
    for (i, p) in providers.iter().enumerate() {
        let prompt =
            "In two sentences: why must an LLM client never show a truncated answer as complete?";
        let request = Request {
            max_output_tokens: Some(1024),
            ..Request::new(p.model, prompt)
        };
        s.heading(
            2 * i + 1,
            total,
            &format!("{}-stream", p.name),
            &format!("A streaming request to {}", p.model),
        );
        let run = call::run(&client, request.clone(), s).await;
        rows.push(report(s, &format!("{}-stream", p.name), &run));

        s.heading(
            2 * i + 2,
            total,
            &format!("{}-complete", p.name),
            &format!("complete(): the same machinery, one summary ({})", p.model),
        );
        let start = Instant::now();
        let result = client.complete(request).await;
        let run = CallRun {
            events: Vec::new(),
            result: Some(result),
            elapsed: start.elapsed(),
        };
        rows.push(report(s, &format!("{}-complete", p.name), &run));
    }
    Some(rows)
}

fn report(s: &Style, name: &str, run: &CallRun) -> Row {
    print_attempts(s, run);
    let mut failures = run.invariants();
    match &run.result {
        Some(Ok(summary)) => {
            s.line(
                "answer",
                &format!(
                    "{} · {} · finish {} · input {} · output {} tokens",
                    s.bold(&summary.model),
                    s.green("complete"),
                    summary.raw_finish_reason.as_deref().unwrap_or("—"),
                    summary
                        .usage
                        .input_tokens
                        .map_or("?".into(), |t| t.to_string()),
                    summary
                        .usage
                        .output_tokens
                        .map_or("?".into(), |t| t.to_string()),
                ),
            );
            for line in wrap(summary.text.trim(), 90) {
                s.more(&s.dim(&line));
            }
            let ttft = summary.ttft_ms.map_or("—".into(), |t| format!("{t:.0} ms"));
            s.line(
                "time",
                &format!(
                    "{} · first byte {:.0} ms · first token {ttft}",
                    duration(run.elapsed),
                    summary.ttfb_ms
                ),
            );
            if summary.text.trim().is_empty() {
                failures.push("an empty answer".into());
            }
        }
        Some(Err(e)) => {
            s.line("answer", &s.red(&format!("none — {e}")));
            s.line("time", &duration(run.elapsed));
            failures.push(e.to_string());
        }
        None => failures.push("the call ended without an outcome".into()),
    }
    s.line("verdict", &s.verdict(failures.is_empty()));
    Row {
        name: name.to_owned(),
        answered_by: run.answered_by(),
        complete: run.summary().is_some_and(|s| s.complete),
        attempts: run.attempts().len(),
        elapsed: run.elapsed,
        failures,
    }
}

fn setup_failure(message: String) -> Row {
    Row {
        name: "client".into(),
        answered_by: "— INVALID_CONFIG".into(),
        complete: false,
        attempts: 0,
        elapsed: std::time::Duration::ZERO,
        failures: vec![message],
    }
}

/// Greedy word wrap.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
