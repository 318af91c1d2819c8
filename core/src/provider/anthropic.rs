//! Anthropic Messages with `"stream": true`.
//!
//! Typed events: `message_start` (input usage), `content_block_delta` (text, thinking and tool
//! input deltas; only text is answer text), `message_delta` (stop reason, cumulative output
//! usage), `message_stop` (the end marker), `ping` (anywhere, a keep-alive) and `error` (e.g.
//! `overloaded_error` mid-stream).

use std::borrow::Cow;

use serde::Deserialize;

use super::{is_blank, provider_error, Emitter, FinishReason, StreamEvent};
use crate::sse::EventRef;

#[derive(Deserialize)]
struct TypeOnly<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct MessageStart {
    message: Option<StartMessage>,
}

#[derive(Deserialize)]
struct StartMessage {
    usage: Option<AnthropicUsage>,
}

#[derive(Deserialize)]
struct BlockDelta<'a> {
    #[serde(borrow)]
    delta: Option<TextDelta<'a>>,
}

#[derive(Deserialize)]
struct TextDelta<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    text: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct MessageDelta<'a> {
    #[serde(borrow)]
    delta: Option<StopDelta<'a>>,
    usage: Option<AnthropicUsage>,
}

#[derive(Deserialize)]
struct StopDelta<'a> {
    #[serde(borrow)]
    stop_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct AnthropicUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct ErrorEvent<'a> {
    #[serde(borrow)]
    error: Option<ErrorBody<'a>>,
}

#[derive(Deserialize)]
struct ErrorBody<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
}

pub(super) fn decode<F: FnMut(StreamEvent)>(event: EventRef<'_>, out: &mut Emitter<'_, F>) {
    let kind: Cow<'_, str> = if event.event == "message" {
        // An unnamed event with blank data is a proxy's keep-alive, as for the data-only formats.
        if is_blank(event.data) {
            return out.ping();
        }
        match serde_json::from_str::<TypeOnly<'_>>(event.data) {
            Ok(TypeOnly { kind: Some(kind) }) => kind,
            Ok(TypeOnly { kind: None }) => return,
            Err(error) => return out.malformed(&error, event.data),
        }
    } else {
        Cow::Borrowed(event.event)
    };
    match &*kind {
        "ping" => out.ping(),
        "message_stop" => out.complete(),
        "content_block_delta" => match serde_json::from_str::<BlockDelta<'_>>(event.data) {
            Ok(BlockDelta { delta: Some(delta) })
                if delta.kind.as_deref() == Some("text_delta") =>
            {
                if let Some(text) = delta.text {
                    out.text(text);
                }
            }
            Ok(_) => {}
            Err(error) => out.malformed(&error, event.data),
        },
        "message_start" => match serde_json::from_str::<MessageStart>(event.data) {
            Ok(start) => {
                if let Some(usage) = start.message.and_then(|m| m.usage) {
                    merge_usage(usage, out);
                }
            }
            Err(error) => out.malformed(&error, event.data),
        },
        "message_delta" => match serde_json::from_str::<MessageDelta<'_>>(event.data) {
            Ok(delta) => {
                if let Some(usage) = delta.usage {
                    merge_usage(usage, out);
                }
                if let Some(raw) = delta.delta.and_then(|d| d.stop_reason) {
                    out.finish(finish_reason(&raw), &raw);
                }
            }
            Err(error) => out.malformed(&error, event.data),
        },
        "error" => match serde_json::from_str::<ErrorEvent<'_>>(event.data) {
            Ok(ErrorEvent { error }) => {
                let (kind, message) = match &error {
                    Some(body) => (body.kind.as_deref(), body.message.as_deref()),
                    None => (None, None),
                };
                out.error(provider_error(&[kind], message));
            }
            Err(error) => out.malformed(&error, event.data),
        },
        _ => {}
    }
}

/// Anthropic counts cache reads and writes apart from `input_tokens`; genie's input includes
/// them. Counts are cumulative, so a field present here replaces the one before.
fn merge_usage<F: FnMut(StreamEvent)>(reported: AnthropicUsage, out: &mut Emitter<'_, F>) {
    let mut usage = out.current_usage();
    if let Some(input) = reported.input_tokens {
        let cache_read = reported.cache_read_input_tokens.unwrap_or(0);
        let cache_write = reported.cache_creation_input_tokens.unwrap_or(0);
        usage.input_tokens = Some(input + cache_read + cache_write);
    }
    if reported.cache_read_input_tokens.is_some() {
        usage.cached_tokens = reported.cache_read_input_tokens;
    }
    if reported.output_tokens.is_some() {
        usage.output_tokens = reported.output_tokens;
    }
    if let (Some(input), Some(output)) = (usage.input_tokens, usage.output_tokens) {
        usage.total_tokens = Some(input + output);
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
