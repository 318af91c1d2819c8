//! OpenAI Chat Completions (`/v1/chat/completions`) and compatible servers: request bodies and
//! whole answers.
//!
//! The system prompt is the first message; images are `image_url` parts (inline ones as `data:`
//! URLs); a stream asks for `stream_options.include_usage` so the last chunk carries the usage.
//! `max_completion_tokens` is the output limit (the reasoning models refuse `max_tokens`).

use serde_json::{json, Map, Value};

use super::{at, data_url, put, str_at, turns, u64_at, Answer, PartRef};
use crate::client::request::{ImageRef, Request, Role};
use crate::provider::{ErrorClass, FinishReason, ProviderError, Usage};

pub(super) fn body(
    request: &Request,
    model_id: &str,
    stream: bool,
    prefill: Option<&str>,
) -> Value {
    let mut messages = Vec::with_capacity(request.messages.len() + 2);
    if let Some(system) = &request.system {
        messages.push(json!({"role": "system", "content": system}));
    }
    for (role, parts) in turns(request, prefill) {
        let role = match role {
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        let content = match parts.as_slice() {
            [PartRef::Text(text)] => json!(text),
            _ if role == "assistant" => json!(text_of(&parts)),
            _ => Value::Array(parts.iter().map(part).collect()),
        };
        messages.push(json!({"role": role, "content": content}));
    }
    let mut body = Map::new();
    body.insert("model".into(), model_id.into());
    body.insert("messages".into(), messages.into());
    body.insert("stream".into(), stream.into());
    if stream {
        body.insert("stream_options".into(), json!({"include_usage": true}));
    }
    put(
        &mut body,
        "max_completion_tokens",
        request.max_output_tokens,
    );
    put(&mut body, "temperature", request.temperature);
    if !request.stop.is_empty() {
        body.insert("stop".into(), json!(request.stop));
    }
    body.into()
}

fn text_of(parts: &[PartRef<'_>]) -> String {
    parts
        .iter()
        .filter_map(|p| match p {
            PartRef::Text(text) => Some(*text),
            PartRef::Image(_) => None,
        })
        .collect()
}

fn part(part: &PartRef<'_>) -> Value {
    match part {
        PartRef::Text(text) => json!({"type": "text", "text": text}),
        PartRef::Image(ImageRef::Inline { mime_type, data }) => {
            json!({"type": "image_url", "image_url": {"url": data_url(mime_type, data)}})
        }
        PartRef::Image(ImageRef::Url { url, .. }) => {
            json!({"type": "image_url", "image_url": {"url": url}})
        }
    }
}

pub(super) fn answer(value: &Value) -> Answer {
    let mut answer = Answer {
        error: value.get("error").and_then(error),
        ..Answer::default()
    };
    let choice = value
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|all| {
            all.iter()
                .find(|c| c.get("index").and_then(Value::as_u64).unwrap_or(0) == 0)
        });
    if let Some(choice) = choice {
        if let Some(text) = str_at(choice, &["message", "content"]) {
            answer.text.push_str(text);
        }
        if let Some(raw) = str_at(choice, &["finish_reason"]) {
            answer.finish_reason = Some(finish_reason(raw));
            answer.raw_finish_reason = Some(raw.to_owned());
        }
    }
    if let Some(usage) = value.get("usage").filter(|u| u.is_object()) {
        answer.usage = Usage {
            input_tokens: u64_at(usage, &["prompt_tokens"]),
            output_tokens: u64_at(usage, &["completion_tokens"]),
            total_tokens: u64_at(usage, &["total_tokens"]),
            cached_tokens: u64_at(usage, &["prompt_tokens_details", "cached_tokens"]),
            reasoning_tokens: u64_at(usage, &["completion_tokens_details", "reasoning_tokens"]),
        };
    }
    answer
}

/// An OpenAI-style `error` object (shared with Responses): `code`, `type`, `message`.
pub(super) fn error(value: &Value) -> Option<ProviderError> {
    if !value.is_object() {
        return None;
    }
    let code = match value.get("code") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let kind = str_at(value, &["type"]);
    let class = [code.as_deref(), kind]
        .into_iter()
        .flatten()
        .find_map(ErrorClass::from_provider_token)
        .unwrap_or(ErrorClass::Other);
    Some(ProviderError {
        kind: class,
        message: at(value, &["message"])
            .and_then(Value::as_str)
            .unwrap_or("the provider reported an error")
            .to_owned(),
        code: code.or_else(|| kind.map(str::to_owned)),
    })
}

/// The stream decoder's mapping (`provider/openai_chat.rs`); `encode/tests.rs` checks they
/// agree.
pub(super) fn finish_reason(raw: &str) -> FinishReason {
    match raw {
        "stop" => FinishReason::Stop,
        "length" => FinishReason::Length,
        "tool_calls" | "function_call" => FinishReason::ToolCalls,
        "content_filter" => FinishReason::ContentFilter,
        _ => FinishReason::Other,
    }
}
