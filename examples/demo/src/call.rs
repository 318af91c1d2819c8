//! Running one call: its events, printed as they happen with the time each arrived (a run of
//! text events folded into one line), the outcome, and the invariants every call must keep
//! whatever happened on the way.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use genie_core::client::{
    Attempt, CallEvent, CallStream, CallSummary, Client, NoticeKind, Request,
};
use genie_core::Error;

use crate::report::{preview, Style};

/// One call, run to its end (or dropped by the caller: `result` is `None`).
#[derive(Debug)]
pub struct CallRun {
    pub events: Vec<CallEvent>,
    pub result: Option<Result<CallSummary, Error>>,
    pub elapsed: Duration,
}

impl CallRun {
    /// The attempts, from the summary or the error's details.
    pub fn attempts(&self) -> &[Attempt] {
        match &self.result {
            Some(Ok(summary)) => &summary.attempts,
            Some(Err(e)) => e.details().map_or(&[], |d| &d.attempts),
            None => &[],
        }
    }

    /// The attempts as `model:mode:outcome`.
    pub fn attempt_keys(&self) -> Vec<String> {
        self.attempts()
            .iter()
            .map(|a| format!("{}:{}:{}", a.model, a.mode, a.outcome))
            .collect()
    }

    pub fn summary(&self) -> Option<&CallSummary> {
        match &self.result {
            Some(Ok(summary)) => Some(summary),
            _ => None,
        }
    }

    pub fn error(&self) -> Option<&Error> {
        match &self.result {
            Some(Err(e)) => Some(e),
            _ => None,
        }
    }

    pub fn resets(&self) -> usize {
        self.events
            .iter()
            .filter(|e| matches!(e, CallEvent::Reset { .. }))
            .count()
    }

    pub fn notices(&self, kind: NoticeKind) -> usize {
        self.events
            .iter()
            .filter(|e| matches!(e, CallEvent::Notice { kind: k, .. } if *k == kind))
            .count()
    }

    /// The model that answered, or `— CODE` for an error, `— dropped` for a dropped stream.
    pub fn answered_by(&self) -> String {
        match &self.result {
            Some(Ok(summary)) => summary.model.clone(),
            Some(Err(e)) => format!("— {}", e.kind().code()),
            None => "— dropped".into(),
        }
    }

    /// The text the caller was shown since the start or the last reset.
    pub fn shown(&self) -> String {
        let mut shown = String::new();
        for event in &self.events {
            match event {
                CallEvent::Text { text } => shown.push_str(text),
                CallEvent::Reset { .. } => shown.clear(),
                _ => {}
            }
        }
        shown
    }

    /// What every call must keep: a reset only discards text that was shown and is followed by
    /// replacement text; `Done` comes last, complete, after `Usage`, with exactly the text the
    /// caller was shown; a served call's last attempt is the one that answered.
    pub fn invariants(&self) -> Vec<String> {
        let mut broken = Vec::new();
        let mut shown = String::new();
        let mut reset_pending = false;
        for (i, event) in self.events.iter().enumerate() {
            match event {
                CallEvent::Text { text } => {
                    shown.push_str(text);
                    reset_pending = false;
                }
                CallEvent::Reset { .. } => {
                    if shown.is_empty() {
                        broken.push(format!("event {i}: a reset with nothing shown"));
                    }
                    shown.clear();
                    reset_pending = true;
                }
                CallEvent::Done { summary } => {
                    if i + 1 != self.events.len() {
                        broken.push("events after done".into());
                    }
                    if !summary.complete {
                        broken.push("a done that is not complete".into());
                    }
                    if reset_pending {
                        broken.push("a reset without replacement text".into());
                    }
                    if summary.text != shown {
                        broken.push("the summary's text is not what the caller was shown".into());
                    }
                    let before = i.checked_sub(1).map(|j| &self.events[j]);
                    if !matches!(before, Some(CallEvent::Usage { .. })) {
                        broken.push("done not preceded by usage".into());
                    }
                }
                _ => {}
            }
        }
        if let Some(Ok(summary)) = &self.result {
            if summary.attempts.last().map(|a| a.outcome) != Some("ok") {
                broken.push("the answering attempt is not the last one".into());
            }
        }
        broken
    }
}

/// Consecutive text events, printed as one line.
struct TextRun {
    from: Duration,
    to: Duration,
    events: usize,
    text: String,
}

/// Prints a call's events as they arrive under a `timeline` label, folding runs of text.
pub struct Timeline<'a> {
    style: &'a Style,
    /// Off for calls whose events are summarised elsewhere.
    visible: bool,
    printed: bool,
    /// An open run of text events: when it began and ended, how many, the text.
    text: Option<TextRun>,
}

impl<'a> Timeline<'a> {
    pub fn new(style: &'a Style) -> Timeline<'a> {
        Timeline {
            style,
            visible: true,
            printed: false,
            text: None,
        }
    }

    /// A timeline that records nothing on screen.
    pub fn hidden() -> Timeline<'static> {
        const PLAIN: Style = Style::plain();
        Timeline {
            style: &PLAIN,
            visible: false,
            printed: false,
            text: None,
        }
    }

    /// Prints one line of the timeline.
    pub fn note(&mut self, at: Duration, label: &str, text: &str) {
        self.flush();
        self.print(at, label, text);
    }

    fn print(&mut self, at: Duration, label: &str, text: &str) {
        if !self.visible {
            return;
        }
        let stamp = self.style.dim(&format!("+{:>5} ms", at.as_millis()));
        let head = if self.printed { "" } else { "timeline" };
        self.printed = true;
        println!(
            "  {} {stamp}  {label:<8} {text}",
            self.style.dim(&format!("{head:<9}"))
        );
    }

    /// Prints the open text run, if any.
    pub fn flush(&mut self) {
        if let Some(run) = self.text.take() {
            let span = (run.to - run.from).as_secs_f64() * 1e3;
            let over = if span >= 1.0 {
                format!(" over {span:.0} ms")
            } else {
                String::new()
            };
            let line = format!(
                "{} event{}{over}, {} chars · {}",
                run.events,
                if run.events == 1 { "" } else { "s" },
                run.text.chars().count(),
                preview(&run.text, 40)
            );
            self.print(run.from, "text", &line);
        }
    }

    pub fn event(&mut self, at: Duration, event: &CallEvent) {
        let s = self.style;
        match event {
            CallEvent::Text { text } => match &mut self.text {
                Some(run) => {
                    run.to = at;
                    run.events += 1;
                    run.text.push_str(text);
                }
                None => {
                    self.text = Some(TextRun {
                        from: at,
                        to: at,
                        events: 1,
                        text: text.clone(),
                    })
                }
            },
            CallEvent::Started {
                model,
                attempt,
                mode,
                ..
            } => self.note(
                at,
                "started",
                &format!("{model} · attempt {attempt} · {mode}"),
            ),
            CallEvent::Reset { reason, model } => self.note(
                at,
                "reset",
                &s.yellow(&format!("discard {model}'s partial text: {reason}")),
            ),
            CallEvent::Notice {
                kind,
                message,
                delay_ms,
                ..
            } => {
                let wait = delay_ms.map_or(String::new(), |ms| format!(" (waits {ms} ms)"));
                self.note(
                    at,
                    "notice",
                    &s.yellow(&format!("{kind} · {message}{wait}")),
                );
            }
            CallEvent::Usage { usage } => {
                let n = |v: Option<u64>| v.map_or("?".to_owned(), |v| v.to_string());
                self.note(
                    at,
                    "usage",
                    &format!(
                        "input {} · output {} tokens",
                        n(usage.input_tokens),
                        n(usage.output_tokens)
                    ),
                );
            }
            CallEvent::Done { summary } => self.note(
                at,
                "done",
                &s.green(&format!("{} answered, complete", summary.model)),
            ),
        }
    }

    pub fn error(&mut self, at: Duration, error: &Error) {
        let text = self
            .style
            .red(&format!("{}: {}", error.kind().code(), error.message()));
        self.note(at, "error", &text);
    }
}

/// Runs `request` to its end, printing its timeline.
pub async fn run(client: &Client, request: Request, style: &Style) -> CallRun {
    let start = Instant::now();
    let stream = client.stream(request);
    let mut timeline = Timeline::new(style);
    let run = drive(stream, start, &mut timeline, |_| false).await;
    timeline.flush();
    run
}

/// Polls `stream`, recording and printing each event, until it ends or `stop` says to drop it
/// (checked after each event; the stream is dropped at once, cancelling the call).
pub async fn drive(
    mut stream: CallStream,
    start: Instant,
    timeline: &mut Timeline<'_>,
    mut stop: impl FnMut(&[CallEvent]) -> bool,
) -> CallRun {
    let mut events = Vec::new();
    let mut result = None;
    while let Some(item) = stream.next().await {
        let at = start.elapsed();
        match item {
            Ok(event) => {
                timeline.event(at, &event);
                if let CallEvent::Done { summary } = &event {
                    result = Some(Ok((**summary).clone()));
                }
                events.push(event);
                if stop(&events) {
                    break;
                }
            }
            Err(e) => {
                timeline.error(at, &e);
                result = Some(Err(e));
            }
        }
    }
    CallRun {
        events,
        result,
        elapsed: start.elapsed(),
    }
}
