//! Gemini `generateContent` / `streamGenerateContent?alt=sse`: request bodies and whole answers.
//!
//! Roles are `user` and `model`; the system prompt is `systemInstruction`; output controls sit in
//! `generationConfig`; inline images are `inlineData`, URLs `fileData`. The answer is one
//! `GenerateContentResponse`, the same document a stream chunk is.

use serde_json::{json, Map, Value};

use super::{at, put, str_at, turns, u64_at, Answer, PartRef};
use crate::client::request::{ImageRef, Request, Role};
use crate::provider::{ErrorClass, FinishReason, ProviderError, Usage};

pub(super) fn body(request: &Request, prefill: Option<&str>) -> Value {
    let contents: Vec<Value> = turns(request, prefill)
        .iter()
        .map(|(role, parts)| {
            let role = match role {
                Role::User => "user",
                Role::Assistant => "model",
            };
            json!({"role": role, "parts": parts.iter().map(part).collect::<Vec<_>>()})
        })
        .collect();
    let mut body = Map::new();
    body.insert("contents".into(), contents.into());
    if let Some(system) = &request.system {
        body.insert(
            "systemInstruction".into(),
            json!({"parts": [{"text": system}]}),
        );
    }
    let mut config = Map::new();
    put(&mut config, "maxOutputTokens", request.max_output_tokens);
    put(&mut config, "temperature", request.temperature);
    if !request.stop.is_empty() {
        config.insert("stopSequences".into(), json!(request.stop));
    }
    if !config.is_empty() {
        body.insert("generationConfig".into(), config.into());
    }
    body.into()
}

fn part(part: &PartRef<'_>) -> Value {
    match part {
        PartRef::Text(text) => json!({"text": text}),
        PartRef::Image(ImageRef::Inline { mime_type, data }) => {
            json!({"inlineData": {"mimeType": mime_type, "data": data}})
        }
        PartRef::Image(ImageRef::Url { url, mime_type }) => {
            let mut file = Map::new();
            put(
                &mut file,
                "mimeType",
                mime_type.or_else(|| guess_mime_type(url)),
            );
            file.insert("fileUri".into(), (*url).into());
            json!({ "fileData": file })
        }
    }
}

/// Gemini wants a media type with `fileData`; a URL's extension is the best guess there is.
fn guess_mime_type(url: &str) -> Option<&'static str> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "heic" => "image/heic",
        "heif" => "image/heif",
        _ => return None,
    })
}

pub(super) fn answer(value: &Value) -> Answer {
    let mut answer = Answer::default();
    if let Some(error) = value.get("error").filter(|e| e.is_object()) {
        let status = str_at(error, &["status"]);
        answer.error = Some(ProviderError {
            kind: status
                .and_then(ErrorClass::from_provider_token)
                .unwrap_or(ErrorClass::Other),
            message: str_at(error, &["message"])
                .unwrap_or("the provider reported an error")
                .to_owned(),
            code: status.map(str::to_owned),
        });
    }
    let candidate = value
        .get("candidates")
        .and_then(Value::as_array)
        .and_then(|all| {
            all.iter()
                .find(|c| c.get("index").and_then(Value::as_u64).unwrap_or(0) == 0)
        });
    if let Some(candidate) = candidate {
        if let Some(parts) = at(candidate, &["content", "parts"]).and_then(Value::as_array) {
            for part in parts {
                if part.get("thought").and_then(Value::as_bool) == Some(true) {
                    continue;
                }
                if let Some(text) = part.get("text").and_then(Value::as_str) {
                    answer.text.push_str(text);
                }
            }
        }
        if let Some(raw) = str_at(candidate, &["finishReason"]) {
            answer.finish_reason = Some(finish_reason(raw));
            answer.raw_finish_reason = Some(raw.to_owned());
        }
    }
    if answer.finish_reason.is_none() {
        if let Some(raw) = str_at(value, &["promptFeedback", "blockReason"]) {
            answer.finish_reason = Some(FinishReason::ContentFilter);
            answer.raw_finish_reason = Some(raw.to_owned());
        }
    }
    if let Some(usage) = value.get("usageMetadata") {
        answer.usage = Usage {
            input_tokens: u64_at(usage, &["promptTokenCount"]),
            output_tokens: u64_at(usage, &["candidatesTokenCount"]),
            total_tokens: u64_at(usage, &["totalTokenCount"]),
            cached_tokens: u64_at(usage, &["cachedContentTokenCount"]),
            reasoning_tokens: u64_at(usage, &["thoughtsTokenCount"]),
        };
    }
    answer
}

/// The stream decoder's mapping (`provider/gemini.rs`); `encode/tests.rs` checks they agree.
pub(super) fn finish_reason(raw: &str) -> FinishReason {
    match raw {
        "STOP" => FinishReason::Stop,
        "MAX_TOKENS" => FinishReason::Length,
        "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII" | "IMAGE_SAFETY" => {
            FinishReason::ContentFilter
        }
        "MALFORMED_FUNCTION_CALL" | "UNEXPECTED_TOOL_CALL" => FinishReason::Error,
        _ => FinishReason::Other,
    }
}
