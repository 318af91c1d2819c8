//! Provider wire formats, decoded into one vocabulary.
//!
//! This module owns knowing what Gemini, OpenAI Chat Completions, OpenAI Responses and
//! Anthropic Messages put on the wire, and turning their streams into [`StreamEvent`]s: text
//! deltas, usage, the finish reason, in-band errors, and, at the end, whether the provider's end
//! marker arrived ([`StreamSummary::complete`]). It is sans-IO: bytes in, events out, on top of
//! [`crate::sse::Parser`]. Telling a complete answer from a truncated one is its most important
//! job, because everything above it (reconnects, fallbacks, "never report a truncated answer as
//! complete") decides on that bit.
//!
//! Payloads are read with the `json` module, a strict JSON reader made for this (its docs say
//! why), not deserialized: each decoder walks the document once, picks its fields and validates
//! the rest, and only then reports, so a payload that is not valid JSON, or has a picked field of
//! the wrong type, is one [`StreamEvent::Malformed`] and nothing else. A key that appears twice
//! is read twice and the last occurrence wins, as in serde_json's `Value` (serde's derived
//! structs rejected repeated known fields); a document must be an object where the decoder
//! expects one (serde's derived structs also took an array of the fields in order); and invalid
//! JSON in a field the decoder ignores is malformed too (serde let unpaired `\u` surrogates and
//! nesting deeper than 127 pass there).

mod anthropic;
mod event;
mod gemini;
pub(crate) mod json;
mod openai_chat;
mod openai_responses;

use std::borrow::Cow;

pub use event::{
    ErrorClass, FinishReason, Provider, ProviderError, StreamEvent, StreamEventRef, StreamSummary,
    Usage,
};

use crate::error::Result;
use crate::sse::{EventRef, Parser, ParserOptions};

/// Decodes one provider's streaming response, chunk by chunk.
///
/// ```
/// use genie_core::provider::{Provider, StreamDecoder, StreamEvent};
///
/// let mut decoder = StreamDecoder::new(Provider::OpenAiChat);
/// let mut events = Vec::new();
/// decoder.feed_to_vec(b"data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n", &mut events)?;
/// decoder.feed_to_vec(b"data: [DONE]\n\n", &mut events)?;
/// assert_eq!(events, vec![StreamEvent::Text("Hi".into())]);
/// let summary = decoder.finish();
/// assert!(summary.complete);
/// assert_eq!(summary.text, "Hi");
/// # Ok::<(), genie_core::Error>(())
/// ```
#[derive(Debug)]
pub struct StreamDecoder {
    provider: Provider,
    parser: Parser,
    acc: Accumulator,
    /// The parser's comment count when the current stream began.
    comments_before: u64,
}

impl StreamDecoder {
    /// A decoder for `provider` with the SSE parser's default limits.
    pub fn new(provider: Provider) -> Self {
        StreamDecoder {
            provider,
            parser: Parser::new(),
            acc: Accumulator::default(),
            comments_before: 0,
        }
    }

    /// A decoder whose SSE parser enforces `options`.
    pub fn with_options(provider: Provider, options: ParserOptions) -> Result<Self> {
        Ok(StreamDecoder {
            parser: Parser::with_options(options)?,
            ..StreamDecoder::new(provider)
        })
    }

    /// The wire format this decoder reads.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// Decodes `chunk`, calling `emit` for each event it completes.
    ///
    /// The only error is the SSE parser's [`crate::ErrorKind::LimitExceeded`], returned after
    /// the whole chunk was decoded; the oversized event was dropped and decoding can continue.
    /// Malformed payloads are not errors: they arrive as [`StreamEvent::Malformed`].
    pub fn feed<F>(&mut self, chunk: &[u8], mut emit: F) -> Result<()>
    where
        F: FnMut(StreamEvent),
    {
        self.feed_ref(chunk, |event| emit(event.into()))
    }

    /// [`StreamDecoder::feed`], handing out events that borrow the decoder's buffers instead of
    /// owned ones: the text of a delta is a view into the payload, not a new `String`. For
    /// callers that convert each event at once (the bindings); the events and the summary are
    /// exactly those of `feed`.
    pub fn feed_ref<F>(&mut self, chunk: &[u8], mut emit: F) -> Result<()>
    where
        F: FnMut(StreamEventRef<'_>),
    {
        let provider = self.provider;
        let acc = &mut self.acc;
        self.parser
            .feed(chunk, |event| decode(provider, event, acc, &mut emit))
    }

    /// [`StreamDecoder::feed`], appending the events to `out`.
    pub fn feed_to_vec(&mut self, chunk: &[u8], out: &mut Vec<StreamEvent>) -> Result<()> {
        self.feed(chunk, |e| out.push(e))
    }

    /// The SSE last-event-ID string: what a reconnect sends as `Last-Event-ID` to resume this
    /// stream (`""` when the server sent no ids, as LLM providers never do). It survives
    /// [`StreamDecoder::finish`], like the parser's.
    pub fn last_event_id(&self) -> &str {
        self.parser.last_event_id()
    }

    /// Whether the provider's end marker has arrived.
    pub fn is_complete(&self) -> bool {
        self.acc.complete
    }

    /// Ends the stream and returns what it amounted to. The decoder is reset and can decode
    /// another stream of the same provider.
    pub fn finish(&mut self) -> StreamSummary {
        self.parser.finish();
        let comments = self.parser.comment_count() - self.comments_before;
        self.comments_before = self.parser.comment_count();
        let acc = std::mem::take(&mut self.acc);
        StreamSummary {
            provider: self.provider,
            text: acc.text,
            usage: acc.usage,
            finish_reason: acc.finish_reason,
            raw_finish_reason: acc.raw_finish_reason,
            complete: acc.complete,
            error: acc.error,
            malformed_events: acc.malformed,
            keepalives: comments + acc.pings,
        }
    }
}

fn decode<F: FnMut(StreamEventRef<'_>)>(
    provider: Provider,
    event: EventRef<'_>,
    acc: &mut Accumulator,
    emit: &mut F,
) {
    let mut out = Emitter { acc, emit };
    match provider {
        Provider::Gemini => gemini::decode(event, &mut out),
        Provider::OpenAiChat => openai_chat::decode(event, &mut out),
        Provider::OpenAiResponses => openai_responses::decode(event, &mut out),
        Provider::Anthropic => anthropic::decode(event, &mut out),
    }
}

/// What one stream has produced so far.
#[derive(Debug, Default)]
struct Accumulator {
    text: String,
    usage: Usage,
    finish_reason: Option<FinishReason>,
    raw_finish_reason: Option<String>,
    complete: bool,
    error: Option<ProviderError>,
    malformed: u64,
    pings: u64,
}

/// The one way wire decoders report: every event is recorded in the accumulator and emitted
/// together, so the summary can never disagree with the events.
struct Emitter<'a, F> {
    acc: &'a mut Accumulator,
    emit: &'a mut F,
}

impl<F: FnMut(StreamEventRef<'_>)> Emitter<'_, F> {
    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.acc.text.push_str(text);
        (self.emit)(StreamEventRef::Text(text));
    }

    fn usage(&mut self, usage: Usage) {
        // A usage block without a single count (Vertex sends `{"trafficType":"ON_DEMAND"}` on
        // every chunk before the last) says nothing, and must not erase earlier counts.
        if usage == Usage::default() {
            return;
        }
        self.acc.usage = usage;
        (self.emit)(StreamEventRef::Usage(usage));
    }

    fn current_usage(&self) -> Usage {
        self.acc.usage
    }

    fn finish(&mut self, reason: FinishReason, raw: &str) {
        self.acc.finish_reason = Some(reason);
        self.acc.raw_finish_reason = Some(raw.to_owned());
        (self.emit)(StreamEventRef::Finish { reason, raw });
    }

    fn error(&mut self, error: ProviderError) {
        let error = self.acc.error.insert(error);
        (self.emit)(StreamEventRef::Error(error));
    }

    fn malformed(&mut self, error: &json::Error, payload: &str) {
        self.acc.malformed += 1;
        let message = format!("payload is not valid JSON for this provider: {error}");
        (self.emit)(StreamEventRef::Malformed {
            message: &message,
            payload,
        });
    }

    fn ping(&mut self) {
        self.acc.pings += 1;
    }

    fn complete(&mut self) {
        self.acc.complete = true;
    }

    fn is_complete(&self) -> bool {
        self.acc.complete
    }
}

/// Builds a [`ProviderError`] from the provider's type/code/status strings, classifying by the
/// first one the table knows.
fn provider_error(tokens: &[Option<&str>], message: Option<&str>) -> ProviderError {
    let kind = tokens
        .iter()
        .flatten()
        .find_map(|t| ErrorClass::from_provider_token(t))
        .unwrap_or(ErrorClass::Other);
    let code = tokens.iter().flatten().next().map(|t| (*t).to_owned());
    ProviderError {
        kind,
        message: message
            .unwrap_or("the provider reported an error")
            .to_owned(),
        code,
    }
}

/// Reads an error `code` (a string for OpenAI, a number for some compatible servers) as text.
/// Anything but a string is rendered as serde_json renders the value, as it always was (rare
/// enough that reparsing it costs nothing); `null` is no code.
fn json_code_text(r: &mut json::Reader<'_>) -> json::Result<Option<String>> {
    match r.peek() {
        Some(b'"') => Ok(Some(r.str()?.into_owned())),
        Some(b'n') => r.null().map(|_| None),
        _ => {
            let raw = r.raw()?;
            // Only a number beyond f64 (`1e999`), valid JSON but not a serde_json `Value`,
            // fails to reparse; its text is the best rendering left.
            Ok(Some(match serde_json::from_str::<serde_json::Value>(raw) {
                Ok(value) => value.to_string(),
                Err(_) => raw.to_owned(),
            }))
        }
    }
}

/// Reads a value as `serde_json::Value::as_str` would see it: the string, or `None` for any
/// other type.
fn json_as_str<'a>(r: &mut json::Reader<'a>) -> json::Result<Option<Cow<'a, str>>> {
    if r.peek() == Some(b'"') {
        return r.str().map(Some);
    }
    r.skip().map(|()| None)
}

/// The `type` of a payload whose SSE event has no name (`None` when absent or `null`), for the
/// typed formats behind proxies that drop `event:` lines.
fn read_type(data: &str) -> Result<Option<Cow<'_, str>>, json::Error> {
    json::read(data, |r| {
        let mut kind = None;
        r.object(|r, key| {
            if key == "type" {
                kind = r.opt_str()?;
                Ok(())
            } else {
                r.skip()
            }
        })?;
        Ok(kind)
    })
}

/// Whether an event's data carries nothing (some servers and proxies send empty keep-alives).
fn is_blank(data: &str) -> bool {
    data.bytes().all(|b| b.is_ascii_whitespace())
}
