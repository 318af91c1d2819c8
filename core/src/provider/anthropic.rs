//! Anthropic Messages with `"stream": true`.
//!
//! Typed events: `message_start` (input usage), `content_block_delta` (text, thinking and tool
//! input deltas; only text is answer text), `message_delta` (stop reason, cumulative output
//! usage), `message_stop` (the end marker), `ping` (anywhere, a keep-alive) and `error` (e.g.
//! `overloaded_error` mid-stream).

use std::borrow::Cow;

use super::json::{self, Reader};
use super::{is_blank, provider_error, read_type, Emitter, FinishReason, StreamEventRef};
use crate::sse::EventRef;

/// Anthropic's usage block; every count is optional.
#[derive(Default)]
struct AnthropicUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
}

/// A `message_delta`: the stop reason and the usage so far.
#[derive(Default)]
struct MessageDelta<'a> {
    stop_reason: Option<Cow<'a, str>>,
    usage: Option<AnthropicUsage>,
}

pub(super) fn decode<F: FnMut(StreamEventRef<'_>)>(event: EventRef<'_>, out: &mut Emitter<'_, F>) {
    let kind: Cow<'_, str> = if event.event == "message" {
        // An unnamed event with blank data is a proxy's keep-alive, as for the data-only formats.
        if is_blank(event.data) {
            return out.ping();
        }
        match read_type(event.data) {
            Ok(Some(kind)) => kind,
            Ok(None) => return,
            Err(error) => return out.malformed(&error, event.data),
        }
    } else {
        Cow::Borrowed(event.event)
    };
    match &*kind {
        "ping" => out.ping(),
        "message_stop" => out.complete(),
        "content_block_delta" => match read_block_delta(event.data) {
            Ok(Some(text)) => out.text(&text),
            Ok(None) => {}
            Err(error) => out.malformed(&error, event.data),
        },
        "message_start" => match read_message_start(event.data) {
            Ok(Some(usage)) => merge_usage(usage, out),
            Ok(None) => {}
            Err(error) => out.malformed(&error, event.data),
        },
        "message_delta" => match read_message_delta(event.data) {
            Ok(delta) => {
                if let Some(usage) = delta.usage {
                    merge_usage(usage, out);
                }
                if let Some(raw) = delta.stop_reason {
                    out.finish(finish_reason(&raw), &raw);
                }
            }
            Err(error) => out.malformed(&error, event.data),
        },
        "error" => match read_error(event.data) {
            Ok((kind, message)) => {
                out.error(provider_error(&[kind.as_deref()], message.as_deref()))
            }
            Err(error) => out.malformed(&error, event.data),
        },
        _ => {}
    }
}

/// The text of a `text_delta` (`None` for other deltas, e.g. thinking or tool input).
fn read_block_delta(data: &str) -> Result<Option<Cow<'_, str>>, json::Error> {
    json::read(data, |r| {
        let (mut kind, mut text) = (None, None);
        r.object(|r, key| {
            if key != "delta" {
                return r.skip();
            }
            (kind, text) = (None, None);
            if r.null()? {
                return Ok(());
            }
            r.object(|r, key| match &*key {
                "type" => r.opt_str().map(|s| kind = s),
                "text" => r.opt_str().map(|s| text = s),
                _ => r.skip(),
            })
        })?;
        Ok(text.filter(|_| kind.as_deref() == Some("text_delta")))
    })
}

/// `message.usage` of a `message_start`.
fn read_message_start(data: &str) -> Result<Option<AnthropicUsage>, json::Error> {
    json::read(data, |r| {
        let mut usage = None;
        r.object(|r, key| {
            if key != "message" {
                return r.skip();
            }
            usage = None;
            if r.null()? {
                return Ok(());
            }
            r.object(|r, key| match &*key {
                "usage" => read_usage(r).map(|u| usage = u),
                _ => r.skip(),
            })
        })?;
        Ok(usage)
    })
}

fn read_message_delta(data: &str) -> Result<MessageDelta<'_>, json::Error> {
    json::read(data, |r| {
        let mut delta = MessageDelta::default();
        r.object(|r, key| {
            match &*key {
                "delta" => {
                    delta.stop_reason = None;
                    if !r.null()? {
                        r.object(|r, key| match &*key {
                            "stop_reason" => r.opt_str().map(|s| delta.stop_reason = s),
                            _ => r.skip(),
                        })?;
                    }
                }
                "usage" => delta.usage = read_usage(r)?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(delta)
    })
}

fn read_usage(r: &mut Reader<'_>) -> json::Result<Option<AnthropicUsage>> {
    if r.null()? {
        return Ok(None);
    }
    let mut usage = AnthropicUsage::default();
    r.object(|r, key| {
        match &*key {
            "input_tokens" => usage.input_tokens = r.opt_u64()?,
            "output_tokens" => usage.output_tokens = r.opt_u64()?,
            "cache_read_input_tokens" => usage.cache_read_input_tokens = r.opt_u64()?,
            "cache_creation_input_tokens" => usage.cache_creation_input_tokens = r.opt_u64()?,
            _ => r.skip()?,
        }
        Ok(())
    })?;
    Ok(Some(usage))
}

/// `error.type` and `error.message` of an `error` event.
type ErrorParts<'a> = (Option<Cow<'a, str>>, Option<Cow<'a, str>>);

fn read_error(data: &str) -> Result<ErrorParts<'_>, json::Error> {
    json::read(data, |r| {
        let (mut kind, mut message) = (None, None);
        r.object(|r, key| {
            if key != "error" {
                return r.skip();
            }
            (kind, message) = (None, None);
            if r.null()? {
                return Ok(());
            }
            r.object(|r, key| match &*key {
                "type" => r.opt_str().map(|s| kind = s),
                "message" => r.opt_str().map(|s| message = s),
                _ => r.skip(),
            })
        })?;
        Ok((kind, message))
    })
}

/// Anthropic counts cache reads and writes apart from `input_tokens`; genie's input includes
/// them. Counts are cumulative, so a field present here replaces the one before. Sums saturate:
/// they are the provider's numbers, and absurd ones must not overflow.
fn merge_usage<F: FnMut(StreamEventRef<'_>)>(reported: AnthropicUsage, out: &mut Emitter<'_, F>) {
    let mut usage = out.current_usage();
    if let Some(input) = reported.input_tokens {
        let cache_read = reported.cache_read_input_tokens.unwrap_or(0);
        let cache_write = reported.cache_creation_input_tokens.unwrap_or(0);
        usage.input_tokens = Some(input.saturating_add(cache_read).saturating_add(cache_write));
    }
    if reported.cache_read_input_tokens.is_some() {
        usage.cached_tokens = reported.cache_read_input_tokens;
    }
    if reported.output_tokens.is_some() {
        usage.output_tokens = reported.output_tokens;
    }
    if let (Some(input), Some(output)) = (usage.input_tokens, usage.output_tokens) {
        usage.total_tokens = Some(input.saturating_add(output));
    }
    out.usage(usage);
}

fn finish_reason(raw: &str) -> FinishReason {
    match raw {
        "end_turn" | "stop_sequence" => FinishReason::Stop,
        "max_tokens" | "model_context_window_exceeded" => FinishReason::Length,
        "tool_use" => FinishReason::ToolCalls,
        "refusal" => FinishReason::ContentFilter,
        _ => FinishReason::Other,
    }
}
