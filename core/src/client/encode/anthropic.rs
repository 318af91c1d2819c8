//! Anthropic Messages (`/v1/messages`): request bodies and whole answers.
//!
//! `max_tokens` is required (4096 when the request sets no limit); the system prompt is
//! `system`; images are `image` blocks with a `base64` or `url` source; stop sequences are
//! `stop_sequences`. Usage counts cache reads and writes apart from `input_tokens`; genie's
//! input includes them, as the stream decoder does.

use serde_json::{json, Map, Value};

use super::{put, str_at, turns, u64_at, Answer, PartRef};
use crate::client::request::{ImageRef, Request, Role};
use crate::provider::{ErrorClass, FinishReason, ProviderError, Usage};

/// Anthropic requires an output limit; this is what is sent when the request has none.
const DEFAULT_MAX_TOKENS: u32 = 4096;

pub(super) fn body(
    request: &Request,
    model_id: &str,
    stream: bool,
    prefill: Option<&str>,
) -> Value {
    let messages: Vec<Value> = turns(request, prefill)
        .iter()
        .map(|(role, parts)| {
            let role = match role {
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            let content = match parts.as_slice() {
                [PartRef::Text(text)] => json!(text),
                _ => Value::Array(parts.iter().map(part).collect()),
            };
            json!({"role": role, "content": content})
        })
        .collect();
    let mut body = Map::new();
    body.insert("model".into(), model_id.into());
    body.insert(
        "max_tokens".into(),
        request
            .max_output_tokens
            .unwrap_or(DEFAULT_MAX_TOKENS)
            .into(),
    );
    body.insert("messages".into(), messages.into());
    put(&mut body, "system", request.system.clone());
    put(&mut body, "temperature", request.temperature);
    if !request.stop.is_empty() {
        body.insert("stop_sequences".into(), json!(request.stop));
    }
    if stream {
        body.insert("stream".into(), true.into());
    }
    body.into()
}

fn part(part: &PartRef<'_>) -> Value {
    match part {
        PartRef::Text(text) => json!({"type": "text", "text": text}),
        PartRef::Image(ImageRef::Inline { mime_type, data }) => json!({
            "type": "image",
            "source": {"type": "base64", "media_type": mime_type, "data": data},
        }),
        PartRef::Image(ImageRef::Url { url, .. }) => {
            json!({"type": "image", "source": {"type": "url", "url": url}})
        }
    }
}

pub(super) fn answer(value: &Value) -> Answer {
    let mut answer = Answer::default();
    if str_at(value, &["type"]) == Some("error") {
        let kind = str_at(value, &["error", "type"]);
        answer.error = Some(ProviderError {
            kind: kind
                .and_then(ErrorClass::from_provider_token)
                .unwrap_or(ErrorClass::Other),
            message: str_at(value, &["error", "message"])
                .unwrap_or("the provider reported an error")
                .to_owned(),
            code: kind.map(str::to_owned),
        });
    }
    for block in value
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if str_at(block, &["type"]) == Some("text") {
            answer.text.push_str(str_at(block, &["text"]).unwrap_or(""));
        }
    }
    if let Some(raw) = str_at(value, &["stop_reason"]) {
        answer.finish_reason = Some(finish_reason(raw));
        answer.raw_finish_reason = Some(raw.to_owned());
    }
    if let Some(usage) = value.get("usage").filter(|u| u.is_object()) {
        let input = u64_at(usage, &["input_tokens"]);
        let cache_read = u64_at(usage, &["cache_read_input_tokens"]);
        let cache_write = u64_at(usage, &["cache_creation_input_tokens"]);
        let input = input.map(|i| {
            i.saturating_add(cache_read.unwrap_or(0))
                .saturating_add(cache_write.unwrap_or(0))
        });
        let output = u64_at(usage, &["output_tokens"]);
        answer.usage = Usage {
            input_tokens: input,
            output_tokens: output,
            total_tokens: input.zip(output).map(|(i, o)| i.saturating_add(o)),
            cached_tokens: cache_read,
            reasoning_tokens: None,
        };
    }
    answer
}

/// The stream decoder's mapping (`provider/anthropic.rs`); `encode/tests.rs` checks they
/// agree.
pub(super) fn finish_reason(raw: &str) -> FinishReason {
    match raw {
        "end_turn" | "stop_sequence" => FinishReason::Stop,
        "max_tokens" | "model_context_window_exceeded" => FinishReason::Length,
        "tool_use" => FinishReason::ToolCalls,
        "refusal" => FinishReason::ContentFilter,
        _ => FinishReason::Other,
    }
}
