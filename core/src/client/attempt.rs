//! One attempt: send, wait for the headers, read the body, and say how it ended.
//!
//! A streaming attempt reads chunk by chunk under three clocks: the stall gap from the last byte
//! received (keep-alives are bytes), the first-token deadline until text arrives, and the call's
//! deadline. The decoder decides completeness: the provider's end marker, or a finish reason
//! followed by the end of the body (a stream that closes after `finish_reason` without
//! `[DONE]` is whole; a stream that ends before one is cut). Gemini has no end marker, so its
//! body is read to the end after the finish reason; the others stop reading at the marker.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderValue, CONTENT_TYPE};
use tokio::time::Instant;

use super::call::Call;
use super::encode::{self, classify_http, classify_in_band, Encoded, Failure, Next};
use super::http::{self, Failed};
use super::Model;
use crate::provider::{
    FinishReason, Provider, ProviderError, StreamDecoder, StreamEventRef, Usage,
};
use crate::ErrorKind;

/// Error bodies are read up to this size (the rest is not needed to classify them).
const MAX_ERROR_BODY: usize = 64 << 10;
/// Whole answers are read up to this size.
const MAX_ANSWER_BODY: usize = 32 << 20;

/// How a reconnect continues the answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Continuation {
    /// From scratch: text shown before is reset.
    Fresh,
    /// The server sent `id:` lines: ask it to resume after this one.
    LastEventId(String),
    /// Send the text so far as an assistant prefill and append what comes.
    Prefill(String),
}

/// A successful attempt.
#[derive(Debug)]
pub(crate) struct Served {
    pub usage: Usage,
    pub finish_reason: Option<FinishReason>,
    pub raw_finish_reason: Option<String>,
    pub headers_at: Instant,
}

/// How an attempt ended.
pub(crate) struct End {
    pub outcome: Result<Served, Failure>,
    pub http_status: Option<u16>,
    pub sent_at: Instant,
    /// The last event id the stream set (empty if none): what a reconnect resumes from.
    pub resume_id: String,
}

/// What an attempt learned besides its outcome.
#[derive(Default)]
struct Meta {
    http_status: Option<u16>,
    resume_id: String,
}

impl Meta {
    fn end(self, outcome: Result<Served, Failure>, sent_at: Instant) -> End {
        End {
            outcome,
            http_status: self.http_status,
            sent_at,
            resume_id: self.resume_id,
        }
    }
}

/// What a stream attempt has seen so far.
struct Progress {
    got_text: bool,
    fresh: bool,
    usage: Usage,
    finish: Option<(FinishReason, String)>,
    in_band: Option<ProviderError>,
    strict_violation: Option<String>,
}

impl Call<'_> {
    pub(crate) async fn stream_attempt(
        &mut self,
        model: &Model,
        encoded: &Encoded,
        continuation: &Continuation,
    ) -> End {
        let sent_at = Instant::now();
        let mut meta = Meta::default();
        let outcome = self
            .stream_exchange(model, encoded, continuation, sent_at, &mut meta)
            .await;
        meta.end(outcome, sent_at)
    }

    async fn stream_exchange(
        &mut self,
        model: &Model,
        encoded: &Encoded,
        continuation: &Continuation,
        sent_at: Instant,
        meta: &mut Meta,
    ) -> Result<Served, Failure> {
        let provider = &model.provider;
        let mut headers = provider.stream_headers.clone();
        if let Continuation::LastEventId(id) = continuation {
            if let Ok(value) = HeaderValue::from_bytes(id.as_bytes()) {
                headers.insert("last-event-id", value);
            }
        }
        let until = (sent_at + provider.first_byte).min(self.deadline);
        let sent = http::send(
            &self.inner.http,
            model.url(true),
            headers,
            encoded.body.clone(),
            until,
        );
        let mut response = sent.await.map_err(|failed| {
            let ms = provider.first_byte.as_millis();
            let silent = format!("no response headers within {ms} ms; the route is silent");
            self.unsent(model, failed, until, &silent)
        })?;
        let headers_at = Instant::now();
        let status = response.status().as_u16();
        meta.http_status = Some(status);
        if !(200..300).contains(&status) {
            return Err(self.http_failure(model, &mut response, status).await);
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("text/event-stream")
            .to_ascii_lowercase();
        if content_type.starts_with("application/json") {
            // A server that answered the stream request with a whole answer.
            let until = (headers_at + provider.stall_gap).min(self.deadline);
            return self
                .read_answer(model, &mut response, headers_at, until)
                .await;
        }
        if !content_type.starts_with("text/event-stream") {
            return Err(Failure::new(
                ErrorKind::MalformedResponse,
                format!("expected an event stream, got content type {content_type:?}"),
                Next::FailOver,
            ));
        }
        let fresh = matches!(continuation, Continuation::Fresh);
        let (outcome, resume_id) = self
            .read_stream(model, &mut response, sent_at, headers_at, fresh)
            .await;
        meta.resume_id = resume_id;
        outcome
    }

    async fn read_stream(
        &mut self,
        model: &Model,
        response: &mut reqwest::Response,
        sent_at: Instant,
        headers_at: Instant,
        fresh: bool,
    ) -> (Result<Served, Failure>, String) {
        let provider = &model.provider;
        let mut decoder = StreamDecoder::new(provider.kind);
        let first_token_until = sent_at + provider.first_token;
        let ends_at_marker = provider.kind != Provider::Gemini;
        let mut last_byte = headers_at;
        let mut p = Progress {
            got_text: false,
            fresh,
            usage: Usage::default(),
            finish: None,
            in_band: None,
            strict_violation: None,
        };
        let strict = self.inner.config.strict;
        let mut text = String::new();
        let timer = tokio::time::sleep_until(first_token_until);
        tokio::pin!(timer);
        let outcome = loop {
            let mut until = (last_byte + provider.stall_gap).min(self.deadline);
            if !p.got_text {
                until = until.min(first_token_until);
            }
            timer.as_mut().reset(until);
            let bytes: Bytes = match http::chunk(response, timer.as_mut()).await {
                Ok(Some(bytes)) => bytes,
                Ok(None) if decoder.is_complete() || p.finish.is_some() => break Ok(()),
                Ok(None) => {
                    break Err(Failure::new(
                        ErrorKind::StreamIncomplete,
                        "the stream ended without the provider's end marker: the answer is cut",
                        Next::Reconnect,
                    ))
                }
                Err(_) if decoder.is_complete() || p.finish.is_some() => break Ok(()),
                Err(Failed::Transport(e)) => {
                    let message = self.scrub(
                        model,
                        format!("the connection broke mid-stream ({})", http::describe(&e)),
                    );
                    break Err(Failure::new(
                        ErrorKind::StreamIncomplete,
                        message,
                        Next::Reconnect,
                    ));
                }
                Err(Failed::Timeout) => {
                    break Err(self.stream_timeout(model, &p, first_token_until))
                }
            };
            last_byte = Instant::now();
            // The chunk's deltas go out as one text event: the caller sees the same text with
            // one event (one allocation, one hand-over, one FFI crossing) per network read.
            text.clear();
            let fed = decoder.feed_ref(&bytes, |event| match event {
                StreamEventRef::Text(delta) => text.push_str(delta),
                StreamEventRef::Usage(usage) => p.usage = usage,
                StreamEventRef::Finish { reason, raw } => p.finish = Some((reason, raw.to_owned())),
                StreamEventRef::Error(error) => {
                    p.in_band.get_or_insert_with(|| error.clone());
                }
                StreamEventRef::Malformed { message, .. } => {
                    self.malformed += 1;
                    if strict && p.strict_violation.is_none() {
                        p.strict_violation = Some(message.to_owned());
                    }
                }
            });
            if !text.is_empty() {
                p.got_text = true;
                self.show(model, &text, &mut p.fresh);
            }
            if let Err(error) = fed {
                self.malformed += 1;
                if strict && p.strict_violation.is_none() {
                    p.strict_violation = Some(error.message().to_owned());
                }
            }
            if let Some(error) = p.in_band.take() {
                let mut failure = classify_in_band(&error);
                failure.message = self.scrub(model, failure.message);
                break Err(failure);
            }
            if let Some(violation) = p.strict_violation.take() {
                break Err(Failure::new(
                    ErrorKind::MalformedResponse,
                    format!("strict mode: a malformed event ({violation})"),
                    Next::Reconnect,
                ));
            }
            if ends_at_marker && decoder.is_complete() {
                break Ok(());
            }
            self.out.flush().await;
        };
        decoder.finish();
        let resume_id = decoder.last_event_id().to_owned();
        let outcome = outcome.and_then(|()| {
            let (finish_reason, raw) = p
                .finish
                .map_or((None, None), |(r, raw)| (Some(r), Some(raw)));
            self.served(p.usage, finish_reason, raw, headers_at, !p.got_text)
        });
        (outcome, resume_id)
    }

    /// What a timeout inside a stream means: the call's deadline, a slow first token (fail
    /// over), or a stall (reconnect) — unless the answer was already whole.
    fn stream_timeout(&self, model: &Model, p: &Progress, first_token_until: Instant) -> Failure {
        let now = Instant::now();
        if now >= self.deadline {
            return self.deadline_failure("while streaming");
        }
        if !p.got_text && now >= first_token_until {
            let ms = model.provider.first_token.as_millis();
            return Failure::new(
                ErrorKind::DeadlineExceeded,
                format!("no text within {ms} ms of the request; the model is too slow to start"),
                Next::FailOver,
            );
        }
        let ms = model.provider.stall_gap.as_millis();
        Failure::new(
            ErrorKind::StreamStalled,
            format!("no byte for {ms} ms mid-stream"),
            Next::Reconnect,
        )
    }

    pub(crate) async fn plain_attempt(&mut self, model: &Model, encoded: &Encoded) -> End {
        let sent_at = Instant::now();
        let mut meta = Meta::default();
        let outcome = self
            .plain_exchange(model, encoded, sent_at, &mut meta)
            .await;
        meta.end(outcome, sent_at)
    }

    async fn plain_exchange(
        &mut self,
        model: &Model,
        encoded: &Encoded,
        sent_at: Instant,
        meta: &mut Meta,
    ) -> Result<Served, Failure> {
        let non_stream = Duration::from_millis(self.inner.config.timeouts.non_stream_ms);
        let until = (sent_at + non_stream).min(self.deadline);
        let sent = http::send(
            &self.inner.http,
            model.url(false),
            model.provider.plain_headers.clone(),
            encoded.body.clone(),
            until,
        );
        let mut response = sent.await.map_err(|failed| {
            let ms = non_stream.as_millis();
            self.unsent(model, failed, until, &format!("no answer within {ms} ms"))
        })?;
        let headers_at = Instant::now();
        let status = response.status().as_u16();
        meta.http_status = Some(status);
        if (200..300).contains(&status) {
            self.read_answer(model, &mut response, headers_at, until)
                .await
        } else {
            Err(self.http_failure(model, &mut response, status).await)
        }
    }

    /// Reads and decodes a whole answer, and shows it (after a reset if text was shown).
    async fn read_answer(
        &mut self,
        model: &Model,
        response: &mut reqwest::Response,
        headers_at: Instant,
        until: Instant,
    ) -> Result<Served, Failure> {
        let body = match http::read_body(response, MAX_ANSWER_BODY, until).await {
            Ok(body) if body.truncated => {
                return Err(Failure::new(
                    ErrorKind::MalformedResponse,
                    format!("the answer is larger than {MAX_ANSWER_BODY} bytes"),
                    Next::FailOver,
                ))
            }
            Ok(body) => body.bytes,
            Err(Failed::Timeout) if Instant::now() >= self.deadline => {
                return Err(self.deadline_failure("while reading the answer"))
            }
            Err(Failed::Timeout) => {
                return Err(Failure::new(
                    ErrorKind::DeadlineExceeded,
                    "the answer did not arrive in time",
                    Next::FailOver,
                ))
            }
            Err(Failed::Transport(e)) => {
                let message = self.scrub(
                    model,
                    format!(
                        "the connection broke before the whole answer ({})",
                        http::describe(&e)
                    ),
                );
                return Err(Failure::new(ErrorKind::Transport, message, Next::Retry));
            }
        };
        let answer = encode::decode_answer(model.provider.kind, &body).map_err(|problem| {
            Failure::new(ErrorKind::MalformedResponse, problem, Next::FailOver)
        })?;
        if let Some(error) = &answer.error {
            let mut failure = classify_in_band(error);
            failure.message = self.scrub(model, failure.message);
            return Err(failure);
        }
        let mut fresh = true;
        self.show(model, &answer.text, &mut fresh);
        self.served(
            answer.usage,
            answer.finish_reason,
            answer.raw_finish_reason,
            headers_at,
            answer.text.is_empty(),
        )
    }

    /// A whole answer, unless its finish reason says it is not one: a refusal with no text is
    /// the provider's content filter, a generation that failed is retried.
    fn served(
        &mut self,
        usage: Usage,
        finish_reason: Option<FinishReason>,
        raw_finish_reason: Option<String>,
        headers_at: Instant,
        nothing_new: bool,
    ) -> Result<Served, Failure> {
        match finish_reason {
            Some(FinishReason::ContentFilter) if nothing_new => {
                let raw = raw_finish_reason.as_deref().unwrap_or("content_filter");
                return Err(Failure::new(
                    ErrorKind::ContentFiltered,
                    format!("the provider refused to answer ({raw})"),
                    Next::Stop,
                ));
            }
            Some(FinishReason::Error) => {
                return Err(Failure::new(
                    ErrorKind::UpstreamHttp,
                    "the provider reported that generation failed",
                    Next::Retry,
                ));
            }
            _ => {}
        }
        Ok(Served {
            usage,
            finish_reason,
            raw_finish_reason,
            headers_at,
        })
    }

    /// A request that got no response headers: a timeout (the call's deadline, or a silent
    /// route) or a transport failure.
    fn unsent(&self, model: &Model, failed: Failed, until: Instant, silent: &str) -> Failure {
        match failed {
            Failed::Timeout if until >= self.deadline => {
                self.deadline_failure("waiting for a response")
            }
            Failed::Timeout => Failure::new(ErrorKind::DeadlineExceeded, silent, Next::FailOver),
            Failed::Transport(e) => {
                let description = self.scrub(model, http::describe(&e));
                if e.is_connect() && e.is_timeout() {
                    let ms = self.inner.config.timeouts.connect_ms;
                    Failure::new(
                        ErrorKind::DeadlineExceeded,
                        format!("cannot connect within {ms} ms"),
                        Next::FailOver,
                    )
                } else if e.is_builder() {
                    Failure::new(ErrorKind::InvalidConfig, description, Next::Stop)
                } else {
                    Failure::new(ErrorKind::Transport, description, Next::Retry)
                }
            }
        }
    }

    fn deadline_failure(&self, doing: &str) -> Failure {
        let ms = self.inner.config.timeouts.total_ms;
        let mut failure = Failure::new(
            ErrorKind::DeadlineExceeded,
            format!("the call's deadline of {ms} ms passed {doing}"),
            Next::Stop,
        );
        failure.unhealthy = false;
        failure
    }

    /// Reads and classifies an HTTP error response.
    async fn http_failure(
        &self,
        model: &Model,
        response: &mut reqwest::Response,
        status: u16,
    ) -> Failure {
        let headers = response.headers().clone();
        let until = (Instant::now() + model.provider.stall_gap).min(self.deadline);
        let body = http::read_body(response, MAX_ERROR_BODY, until)
            .await
            .map(|b| b.bytes)
            .unwrap_or_default();
        let mut failure = classify_http(status, &headers, &body);
        failure.message = self.scrub(model, failure.message);
        failure
    }

    /// `message` without the provider's API key, should a provider or a library quote it.
    fn scrub(&self, model: &Model, message: String) -> String {
        match &model.provider.key {
            Some(key) if !key.expose().is_empty() && message.contains(key.expose()) => {
                message.replace(key.expose(), "<redacted>")
            }
            _ => message,
        }
    }
}
