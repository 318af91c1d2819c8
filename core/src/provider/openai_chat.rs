//! OpenAI Chat Completions with `"stream": true` (and the servers compatible with it).
//!
//! Data-only events ending with `data: [DONE]`, which is the only proof of a whole answer: a
//! body that ends after a `finish_reason` but before `[DONE]` is still reported incomplete, and
//! the client decides what that means. With `stream_options.include_usage` the last chunk has
//! empty (or, on some servers, null) `choices` and the usage.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use super::{is_blank, json_code_text, provider_error, Emitter, FinishReason, ProviderError};
use super::{StreamEvent, Usage};
use crate::sse::EventRef;

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(borrow)]
    choices: Option<Vec<Choice<'a>>>,
    usage: Option<ChatUsage>,
    error: Option<Value>,
}

#[derive(Deserialize)]
struct Choice<'a> {
    index: Option<u32>,
    #[serde(borrow)]
    delta: Option<Delta<'a>>,
    #[serde(borrow)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(borrow)]
    content: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct ChatUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    total_tokens: Option<u64>,
    prompt_tokens_details: Option<PromptDetails>,
    completion_tokens_details: Option<CompletionDetails>,
}

#[derive(Deserialize)]
struct PromptDetails {
    cached_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct CompletionDetails {
    reasoning_tokens: Option<u64>,
}

pub(super) fn decode<F: FnMut(StreamEvent)>(event: EventRef<'_>, out: &mut Emitter<'_, F>) {
    if out.is_complete() {
        return; // nothing after [DONE] belongs to the answer
    }
    if event.data == "[DONE]" {
        out.complete();
        return;
    }
    if is_blank(event.data) {
        out.ping();
        return;
    }
    let chunk: Chunk<'_> = match serde_json::from_str(event.data) {
        Ok(chunk) => chunk,
        Err(error) => return out.malformed(&error, event.data),
    };
    if let Some(error) = &chunk.error {
        out.error(error_from_json(error));
    }
    let first = chunk
        .choices
        .into_iter()
        .flatten()
        .find(|c| c.index.unwrap_or(0) == 0);
    let mut finish = None;
    if let Some(choice) = first {
        if let Some(text) = choice.delta.and_then(|d| d.content) {
            out.text(text);
        }
        finish = choice.finish_reason;
    }
    if let Some(usage) = chunk.usage {
        out.usage(Usage {
            input_tokens: usage.prompt_tokens,
            output_tokens: usage.completion_tokens,
            total_tokens: usage.total_tokens,
            cached_tokens: usage.prompt_tokens_details.and_then(|d| d.cached_tokens),
            reasoning_tokens: usage
                .completion_tokens_details
                .and_then(|d| d.reasoning_tokens),
        });
    }
    if let Some(raw) = finish {
        out.finish(finish_reason(&raw), &raw);
    }
}

fn finish_reason(raw: &str) -> FinishReason {
    match raw {
        "stop" => FinishReason::Stop,
        "length" => FinishReason::Length,
        "tool_calls" | "function_call" => FinishReason::ToolCalls,
        "content_filter" => FinishReason::ContentFilter,
        _ => FinishReason::Other,
    }
}

/// An OpenAI-style error value: `{message, type, code, param}`, or a bare string as some
/// compatible servers send. Shared with the Responses decoder, which uses the same shape.
pub(super) fn error_from_json(error: &Value) -> ProviderError {
    error_fields(error, Some("type"))
}

/// A Responses `error` event: the error's fields sit either at the top level, where `type` is
/// the event's own type (`"error"`) and says nothing about the error, or nested under `error`.
pub(super) fn error_event_from_json(event: &Value) -> ProviderError {
    match event.get("error") {
        Some(nested) => error_from_json(nested),
        None => error_fields(event, None),
    }
}

fn error_fields(error: &Value, type_key: Option<&str>) -> ProviderError {
    match error {
        Value::Object(fields) => {
            let code = json_code_text(fields.get("code"));
            let kind = type_key.and_then(|key| fields.get(key)?.as_str());
            let message = fields.get("message").and_then(Value::as_str);
            provider_error(&[code.as_deref(), kind], message)
        }
        Value::String(message) => provider_error(&[], Some(message)),
        _ => provider_error(&[], None),
    }
}
