//! OpenAI Responses (`/v1/responses`): request bodies and whole answers.
//!
//! The system prompt is `instructions`; messages are `input` items whose parts are
//! `input_text` / `input_image` (user) or `output_text` (assistant). The API has no stop
//! sequences: a request with some cannot be encoded for it, and the call moves on to the next
//! model rather than silently ignore them.

use serde_json::{json, Map, Value};

use super::openai_chat::error;
use super::{data_url, put, str_at, turns, u64_at, Answer, PartRef};
use crate::client::request::{ImageRef, Request, Role};
use crate::provider::{FinishReason, Usage};
use crate::{Error, ErrorKind, Result};

pub(super) fn body(
    request: &Request,
    model_id: &str,
    stream: bool,
    prefill: Option<&str>,
) -> Result<Value> {
    if !request.stop.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "stop: OpenAI Responses has no stop sequences; route this request to another model",
        ));
    }
    let input: Vec<Value> = turns(request, prefill)
        .iter()
        .map(|(role, parts)| {
            let (role, text_type) = match role {
                Role::User => ("user", "input_text"),
                Role::Assistant => ("assistant", "output_text"),
            };
            let content: Vec<Value> = parts
                .iter()
                .map(|part| match part {
                    PartRef::Text(text) => json!({"type": text_type, "text": text}),
                    PartRef::Image(ImageRef::Inline { mime_type, data }) => {
                        json!({"type": "input_image", "image_url": data_url(mime_type, data)})
                    }
                    PartRef::Image(ImageRef::Url { url, .. }) => {
                        json!({"type": "input_image", "image_url": url})
                    }
                })
                .collect();
            json!({"role": role, "content": content})
        })
        .collect();
    let mut body = Map::new();
    body.insert("model".into(), model_id.into());
    body.insert("input".into(), input.into());
    put(&mut body, "instructions", request.system.clone());
    put(&mut body, "max_output_tokens", request.max_output_tokens);
    put(&mut body, "temperature", request.temperature);
    body.insert("stream".into(), stream.into());
    Ok(body.into())
}

pub(super) fn answer(value: &Value) -> Answer {
    let mut answer = Answer {
        error: value.get("error").and_then(error),
        ..Answer::default()
    };
    let mut calls_tools = false;
    for item in value
        .get("output")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match str_at(item, &["type"]) {
            Some("message") => {
                for part in item
                    .get("content")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if str_at(part, &["type"]) == Some("output_text") {
                        answer.text.push_str(str_at(part, &["text"]).unwrap_or(""));
                    }
                }
            }
            Some("function_call") => calls_tools = true,
            _ => {}
        }
    }
    let (reason, raw) = match str_at(value, &["status"]) {
        Some("completed") if calls_tools => (Some(FinishReason::ToolCalls), "completed"),
        Some("completed") => (Some(FinishReason::Stop), "completed"),
        Some("incomplete") => {
            let raw = str_at(value, &["incomplete_details", "reason"]).unwrap_or("incomplete");
            (Some(incomplete_reason(raw)), raw)
        }
        Some("failed") => (Some(FinishReason::Error), "failed"),
        _ => (None, ""),
    };
    if let Some(reason) = reason {
        answer.finish_reason = Some(reason);
        answer.raw_finish_reason = Some(raw.to_owned());
    }
    if let Some(usage) = value.get("usage").filter(|u| u.is_object()) {
        answer.usage = Usage {
            input_tokens: u64_at(usage, &["input_tokens"]),
            output_tokens: u64_at(usage, &["output_tokens"]),
            total_tokens: u64_at(usage, &["total_tokens"]),
            cached_tokens: u64_at(usage, &["input_tokens_details", "cached_tokens"]),
            reasoning_tokens: u64_at(usage, &["output_tokens_details", "reasoning_tokens"]),
        };
    }
    answer
}

/// The stream decoder's mapping of `incomplete_details.reason`
/// (`provider/openai_responses.rs`); `encode/tests.rs` checks they agree.
pub(super) fn incomplete_reason(raw: &str) -> FinishReason {
    match raw {
        "max_output_tokens" => FinishReason::Length,
        "content_filter" => FinishReason::ContentFilter,
        _ => FinishReason::Other,
    }
}
