//! One call: its route, the ladder each model goes through, the one deadline, and what the
//! caller learns (events, the summary, or the error with the attempt list).
//!
//! Per model, attempts climb a ladder (`serve`):
//!
//! 1. the primary attempt (streaming unless the model does not stream), retried on
//!    [`Next::Retry`] failures with backoff, up to `retry.max_attempts`, while the retry budget
//!    and the deadline allow;
//! 2. when a stream broke mid-answer ([`Next::Reconnect`]): up to `reconnect.attempts`
//!    reconnects (resume with `Last-Event-ID` when the server sent ids; continue from a prefill
//!    with the `continue` strategy on a model that accepts one; else restart);
//! 3. then, if `non_stream_fallback`, one non-streaming request;
//! 4. then the route moves on (`run`): to the next model, or to one with a larger context
//!    window, or to another provider after a 402 when allowed; silent routes and refusals go
//!    straight to this step.
//!
//! A restart discards what the caller was shown: `reset` is emitted right before the first
//! replacement text (never before, so a caller that is shown nothing new keeps what it has
//! until an error tells it the answer is lost).

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::attempt::{Continuation, End, Served};
use super::backoff::backoff;
use super::breaker::{Admission, Permit};
use super::config::ReconnectStrategy;
use super::encode::{self, Encoded, Failure, Next, Target};
use super::events::{Attempt, AttemptMode, CallEvent, CallSummary, NoticeKind};
use super::request::Request;
use super::stream::Emitter;
use super::{Inner, Model};
use crate::{Error, ErrorDetails, ErrorKind, Result};

/// Runs a call to its end, reporting through `out`.
pub(crate) async fn run(inner: Arc<Inner>, request: Request, out: Emitter) {
    let mut call = Call::new(&inner, &out);
    match call.run(request).await {
        Ok(summary) => {
            out.emit(CallEvent::Usage {
                usage: summary.usage,
            });
            out.emit(CallEvent::Done {
                summary: Box::new(summary),
            });
        }
        // Every error of a call carries details, if only the empty attempt list of a request
        // refused before any attempt, so callers can always read them.
        Err(error) if error.details().is_none() => {
            out.fail(error.with_details(ErrorDetails::default()))
        }
        Err(error) => out.fail(error),
    }
}

/// The state of one call.
pub(crate) struct Call<'a> {
    pub inner: &'a Inner,
    pub out: &'a Emitter,
    pub start: Instant,
    pub deadline: Instant,
    attempts: Vec<Attempt>,
    /// The text the caller holds: everything shown since the start or the last reset.
    pub shown: String,
    /// The model that produced `shown`.
    pub shown_model: String,
    /// When the first text of `shown` was emitted.
    pub first_text_at: Option<Instant>,
    pub malformed: u64,
    /// Why the next restart discards `shown` (the `reset` event's reason).
    pub break_reason: String,
}

/// How a model's ladder ended.
enum Verdict {
    Served(Served),
    /// Move on along the route.
    Next(Failure),
    /// End the call with this failure.
    Stop(Failure),
}

/// The rung of the ladder an attempt is on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Primary,
    Reconnect,
    Fallback,
}

impl<'a> Call<'a> {
    fn new(inner: &'a Inner, out: &'a Emitter) -> Call<'a> {
        let start = Instant::now();
        Call {
            inner,
            out,
            start,
            deadline: start + Duration::from_millis(inner.config.timeouts.total_ms),
            attempts: Vec::new(),
            shown: String::new(),
            shown_model: String::new(),
            first_text_at: None,
            malformed: 0,
            break_reason: String::new(),
        }
    }

    async fn run(&mut self, request: Request) -> Result<CallSummary> {
        request.validate()?;
        let route = self.route(&request)?;
        self.inner.budget.deposit();
        // The primary's failure is the one surfaced when nothing answers, unless the route
        // ended on a prompt too long for every model left.
        let mut first: Option<(Arc<Model>, Failure)> = None;
        let mut last: Option<(Arc<Model>, Failure)> = None;
        let mut too_small: Option<Option<u64>> = None;
        let mut unpaid: Vec<String> = Vec::new();
        let mut previous: Option<&str> = None;
        for model in &route {
            if let Some(Some(limit)) = too_small {
                if model.context_window.is_some_and(|w| w <= limit) {
                    continue;
                }
            }
            if unpaid.contains(&model.provider.name) {
                continue;
            }
            let permit = match self.inner.breakers.admit(&model.name) {
                Admission::Allowed(permit) => permit,
                Admission::Open => {
                    self.notice(
                        NoticeKind::CircuitOpen,
                        &model.name,
                        format!("{} is temporarily unavailable; skipping it", model.name),
                        None,
                    );
                    continue;
                }
            };
            if let Some(previous) = previous {
                self.notice(
                    NoticeKind::FailedOver,
                    &model.name,
                    format!("{previous} could not answer; switched to {}", model.name),
                    None,
                );
                self.break_reason = format!("switched to {}", model.name);
            }
            previous = Some(&model.name);
            let failure = match self.serve(model, &request, permit).await {
                Verdict::Served(served) => return Ok(self.summary(model, served)),
                Verdict::Stop(failure) => return Err(self.error(model, failure)),
                Verdict::Next(failure) => failure,
            };
            match failure.next {
                Next::LargerContext => {
                    too_small = Some(model.context_window.max(too_small.flatten()));
                }
                Next::PaymentRequired if !self.inner.config.fail_over_on_payment_required => {
                    return Err(self.error(model, failure));
                }
                Next::PaymentRequired => unpaid.push(model.provider.name.clone()),
                _ => {}
            }
            if first.is_none() {
                first = Some((Arc::clone(model), failure.clone()));
            }
            last = Some((Arc::clone(model), failure));
            if Instant::now() >= self.deadline {
                break;
            }
        }
        let too_long = last.filter(|(_, f)| f.next == Next::LargerContext);
        Err(match (first, too_long) {
            (None, _) => Error::new(
                ErrorKind::NoRoute,
                format!(
                    "no model of the route could be tried (circuits open): {}",
                    route
                        .iter()
                        .map(|m| m.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .with_details(self.details(None)),
            (_, Some((model, mut failure))) => {
                failure.message = format!(
                    "{}; no model of the route has a larger context window",
                    failure.message
                );
                self.error(&model, failure)
            }
            (Some((model, mut failure)), None) => {
                if Instant::now() >= self.deadline {
                    failure.kind = ErrorKind::DeadlineExceeded;
                    failure.message = format!(
                        "the call's deadline of {} ms passed; first failure: {}",
                        self.inner.config.timeouts.total_ms, failure.message
                    );
                } else if self.attempts.iter().any(|a| a.model != model.name) {
                    failure.message =
                        format!("{}; every model of the route failed", failure.message);
                }
                self.error(&model, failure)
            }
        })
    }

    /// The request's route: its model (or the default) and its fallbacks (or the config's).
    fn route(&self, request: &Request) -> Result<Vec<Arc<Model>>> {
        let config = &self.inner.config;
        let primary = request
            .model
            .as_deref()
            .or(config.default_model.as_deref())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidArgument,
                    "model: the request names no model and the config has no default_model",
                )
            })?;
        let fallbacks = match &request.fallbacks {
            Some(list) => list.as_slice(),
            None => config.fallbacks.get(primary).map_or(&[][..], Vec::as_slice),
        };
        let mut route: Vec<Arc<Model>> = Vec::with_capacity(1 + fallbacks.len());
        for (i, name) in std::iter::once(primary)
            .chain(fallbacks.iter().map(String::as_str))
            .enumerate()
        {
            let model = self.inner.models.get(name).ok_or_else(|| {
                let path = if i == 0 {
                    "model".to_owned()
                } else {
                    format!("fallbacks[{}]", i - 1)
                };
                let mut known: Vec<_> = self.inner.models.keys().map(String::as_str).collect();
                known.sort_unstable();
                Error::new(
                    ErrorKind::InvalidArgument,
                    format!(
                        "{path}: unknown model {name:?}; the models are {}",
                        known.join(", ")
                    ),
                )
            })?;
            if !route.iter().any(|m| m.name == model.name) {
                route.push(Arc::clone(model));
            }
        }
        Ok(route)
    }

    /// Climbs one model's ladder (see the module docs).
    async fn serve(&mut self, model: &Arc<Model>, request: &Request, permit: Permit) -> Verdict {
        let config = &self.inner.config;
        let mut permit = Some(permit);
        let mut phase = Phase::Primary;
        let (mut retries, mut reconnects) = (0u32, 0u32);
        let mut waited = Duration::ZERO;
        let mut continuation = Continuation::Fresh;
        let mut prefill_ok = true;
        let mut bodies: [Option<Encoded>; 2] = [None, None];
        let mut last: Option<Failure> = None;
        loop {
            let permit = match permit.take().map_or_else(
                || self.inner.breakers.admit(&model.name),
                Admission::Allowed,
            ) {
                Admission::Allowed(permit) => permit,
                // The breaker opened during the ladder: stop asking, and report what failed.
                Admission::Open => {
                    let message = format!("{} is temporarily unavailable; skipping it", model.name);
                    self.notice(NoticeKind::CircuitOpen, &model.name, message.clone(), None);
                    return Verdict::Next(last.take().unwrap_or_else(|| {
                        Failure::new(ErrorKind::NoRoute, message, Next::FailOver)
                    }));
                }
            };
            let streaming = model.stream && phase != Phase::Fallback;
            let encoded = match self.body(model, request, streaming, &continuation, &mut bodies) {
                Ok(encoded) => encoded,
                Err(error) => {
                    let failure = Failure::new(error.kind(), error.message(), Next::FailOver);
                    let mode = if streaming {
                        AttemptMode::Stream
                    } else {
                        AttemptMode::NonStream
                    };
                    self.record(model, mode, None, Some(&failure), Duration::ZERO, waited);
                    return Verdict::Next(failure);
                }
            };
            let mode = match (phase, streaming) {
                (Phase::Reconnect, _) => AttemptMode::Reconnect,
                (_, true) => AttemptMode::Stream,
                (_, false) => AttemptMode::NonStream,
            };
            self.out.emit(CallEvent::Started {
                model: model.name.clone(),
                provider: model.provider.name.clone(),
                attempt: self.attempts.len() as u32 + 1,
                mode: if streaming {
                    AttemptMode::Stream
                } else {
                    AttemptMode::NonStream
                },
            });
            let end = if streaming {
                self.stream_attempt(model, &encoded, &continuation).await
            } else {
                self.plain_attempt(model, &encoded).await
            };
            let End {
                outcome,
                http_status,
                sent_at,
                resume_id,
            } = end;
            let duration = sent_at.elapsed();
            self.record(
                model,
                mode,
                http_status,
                outcome.as_ref().err(),
                duration,
                waited,
            );
            waited = Duration::ZERO;
            settle(permit, &outcome);
            let failure = match outcome {
                Ok(served) => return Verdict::Served(served),
                Err(failure) if failure.next == Next::Stop => return Verdict::Stop(failure),
                Err(failure) => failure,
            };
            last = Some(failure.clone());
            // This failure may have opened the model's circuit: then there is no retry,
            // reconnect or fallback to announce or wait for — the route moves on now.
            if self.inner.breakers.is_open(&model.name) {
                let message = format!("{} is temporarily unavailable; skipping it", model.name);
                self.notice(NoticeKind::CircuitOpen, &model.name, message, None);
                return Verdict::Next(failure);
            }
            let prefill_rejected = matches!(continuation, Continuation::Prefill(_))
                && matches!(http_status, Some(400 | 422));
            prefill_ok &= !prefill_rejected;
            match (phase, failure.next) {
                _ if prefill_rejected => {}
                (Phase::Primary, Next::Retry) => {
                    let Some(delay) = self.retry_delay(&failure, retries) else {
                        return Verdict::Next(failure);
                    };
                    let message = match failure.kind {
                        ErrorKind::RateLimited => "Rate limited; retrying",
                        _ => "The model had a problem; retrying",
                    };
                    self.notice(
                        NoticeKind::Retrying,
                        &model.name,
                        format!("{message} in {}", spoken(delay)),
                        Some(delay),
                    );
                    self.break_reason = "the model failed mid-answer; retrying".into();
                    tokio::time::sleep(delay).await;
                    (waited, retries, continuation) = (delay, retries + 1, Continuation::Fresh);
                    continue;
                }
                (Phase::Primary, Next::Reconnect)
                | (Phase::Reconnect, Next::Retry | Next::Reconnect) => {}
                _ => return Verdict::Next(failure),
            }
            // The stream broke: reconnect, then a plain request, then the route moves on.
            self.break_reason = match failure.kind {
                ErrorKind::StreamStalled => "the answer stalled; restarting it".into(),
                ErrorKind::StreamIncomplete => "the answer was cut off; restarting it".into(),
                _ => "the answer failed; restarting it".into(),
            };
            if model.stream && reconnects < config.reconnect.attempts && phase != Phase::Fallback {
                reconnects += 1;
                phase = Phase::Reconnect;
                continuation = if !resume_id.is_empty() {
                    Continuation::LastEventId(resume_id)
                } else if config.reconnect.strategy == ReconnectStrategy::Continue
                    && model.prefill
                    && prefill_ok
                    && !self.shown.is_empty()
                {
                    Continuation::Prefill(self.shown.clone())
                } else {
                    Continuation::Fresh
                };
                let what = match failure.kind {
                    ErrorKind::StreamStalled => "The answer stalled",
                    _ => "The connection dropped",
                };
                // At once: the stall gap or the cut already told what there was to wait for.
                self.notice(
                    NoticeKind::Reconnecting,
                    &model.name,
                    format!("{what}; reconnecting"),
                    None,
                );
                continue;
            }
            if config.non_stream_fallback && phase != Phase::Fallback {
                phase = Phase::Fallback;
                continuation = Continuation::Fresh;
                self.notice(
                    NoticeKind::NonStreamFallback,
                    &model.name,
                    "Streaming keeps failing; fetching the whole answer at once".into(),
                    None,
                );
                continue;
            }
            return Verdict::Next(failure);
        }
    }

    /// The body of the next attempt: encoded once per mode and reused by retries, except a
    /// prefill, which carries the text so far.
    fn body(
        &self,
        model: &Model,
        request: &Request,
        streaming: bool,
        continuation: &Continuation,
        bodies: &mut [Option<Encoded>; 2],
    ) -> Result<Encoded> {
        let target = Target {
            kind: model.provider.kind,
            provider: &model.provider.name,
            base_url: &model.provider.base_url,
            model_id: &model.id,
        };
        if let (true, Continuation::Prefill(text)) = (streaming, continuation) {
            return encode::encode(target, request, true, Some(text));
        }
        let slot = &mut bodies[usize::from(streaming)];
        if let Some(encoded) = slot {
            return Ok(encoded.clone());
        }
        let encoded = encode::encode(target, request, streaming, None)?;
        *slot = Some(encoded.clone());
        Ok(encoded)
    }

    /// The wait before retry number `retries`, if one more is allowed: the provider's hint or a
    /// backoff, when it fits the deadline, within `max_attempts`, and with budget left.
    fn retry_delay(&self, failure: &Failure, retries: u32) -> Option<Duration> {
        let policy = &self.inner.config.retry;
        if retries + 1 >= policy.max_attempts {
            return None;
        }
        let delay = failure
            .retry_after
            .unwrap_or_else(|| backoff(policy, retries));
        if Instant::now() + delay >= self.deadline {
            return None;
        }
        self.inner.budget.try_withdraw().then_some(delay)
    }

    pub(crate) fn notice(
        &self,
        kind: NoticeKind,
        model: &str,
        message: String,
        delay: Option<Duration>,
    ) {
        self.out.emit(CallEvent::Notice {
            kind,
            message,
            model: model.to_owned(),
            delay_ms: delay.map(|d| d.as_millis() as u64),
        });
    }

    /// Shows `text` to the caller; `fresh` marks text that starts a new answer, before which
    /// what was shown is reset.
    pub(crate) fn show(&mut self, model: &Model, text: &str, fresh: &mut bool) {
        if text.is_empty() {
            return;
        }
        if std::mem::take(fresh) {
            if !self.shown.is_empty() {
                self.out.emit(CallEvent::Reset {
                    reason: std::mem::take(&mut self.break_reason),
                    model: std::mem::take(&mut self.shown_model),
                });
                self.shown.clear();
            }
            self.first_text_at = None;
        }
        if self.first_text_at.is_none() {
            self.first_text_at = Some(Instant::now());
            if self.shown_model != model.name {
                self.shown_model.clone_from(&model.name);
            }
        }
        self.shown.push_str(text);
        self.out.emit(CallEvent::Text {
            text: text.to_owned(),
        });
    }

    fn record(
        &mut self,
        model: &Model,
        mode: AttemptMode,
        http_status: Option<u16>,
        failure: Option<&Failure>,
        duration: Duration,
        waited: Duration,
    ) {
        self.attempts.push(Attempt {
            model: model.name.clone(),
            provider: model.provider.name.clone(),
            mode,
            outcome: failure.map_or("ok", |f| f.kind.code()),
            http_status,
            error_code: failure.and_then(|f| f.provider_code.clone()),
            duration_ms: duration.as_millis() as u64,
            waited_ms: waited.as_millis() as u64,
        });
    }

    fn summary(&mut self, model: &Model, served: Served) -> CallSummary {
        let end = Instant::now();
        let ms = |since: Instant| since.saturating_duration_since(self.start).as_secs_f64() * 1e3;
        let output_tokens_per_s = match (served.usage.output_tokens, self.first_text_at) {
            (Some(tokens), Some(first)) => {
                let secs = end.saturating_duration_since(first).as_secs_f64();
                (secs >= 1e-3).then(|| tokens as f64 / secs)
            }
            _ => None,
        };
        CallSummary {
            model: model.name.clone(),
            provider: model.provider.name.clone(),
            text: std::mem::take(&mut self.shown),
            usage: served.usage,
            finish_reason: served.finish_reason,
            raw_finish_reason: served.raw_finish_reason,
            complete: true,
            ttfb_ms: ms(served.headers_at),
            ttft_ms: self.first_text_at.map(ms),
            total_ms: ms(end),
            output_tokens_per_s,
            attempts: std::mem::take(&mut self.attempts),
            malformed_events: self.malformed,
        }
    }

    fn details(&mut self, failure: Option<&Failure>) -> ErrorDetails {
        ErrorDetails {
            attempts: std::mem::take(&mut self.attempts),
            http_status: failure.and_then(|f| f.http_status),
            provider_code: failure.and_then(|f| f.provider_code.clone()),
            retry_after_ms: failure
                .and_then(|f| f.retry_after)
                .map(|d| d.as_millis() as u64),
        }
    }

    fn error(&mut self, model: &Model, failure: Failure) -> Error {
        let details = self.details(Some(&failure));
        Error::new(failure.kind, format!("{}: {}", model.name, failure.message))
            .with_details(details)
    }
}

/// Tells the model's breaker how the attempt went: unhealthy failures count against it, answers
/// and refusals for it, and a call that simply ran out of time not at all.
fn settle(permit: Permit, outcome: &std::result::Result<Served, Failure>) {
    match outcome {
        Ok(_) => permit.success(),
        Err(f) if f.next == Next::Stop && f.kind == ErrorKind::DeadlineExceeded => drop(permit),
        Err(f) if f.unhealthy => permit.failure(),
        Err(_) => permit.success(),
    }
}

/// A wait as a person reads it in a toast: "300 ms", "1.5 s".
fn spoken(delay: Duration) -> String {
    if delay < Duration::from_secs(1) {
        format!("{} ms", delay.as_millis())
    } else {
        format!("{:.1} s", delay.as_secs_f64())
    }
}
