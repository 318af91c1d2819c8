//! OpenAI Chat Completions (`/v1/chat/completions`) and compatible servers: request bodies and
//! whole answers.
//!
//! The system prompt is the first message; images are `image_url` parts (inline ones as `data:`
//! URLs); a stream asks for `stream_options.include_usage` so the last chunk carries the usage.
//! `max_completion_tokens` is the output limit (the reasoning models refuse `max_tokens`).

use std::borrow::Cow;

use serde_json::{json, Map, Value};

use super::{data_url, lenient, provider_error, put, turns, Answer, PartRef};
use crate::client::request::{ImageRef, Request, Role};
use crate::provider::json::{self, Reader};
use crate::provider::{FinishReason, ProviderError, Usage};

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

pub(super) fn answer(r: &mut Reader<'_>) -> json::Result<Answer> {
    let mut answer = Answer::default();
    let mut choice = None;
    r.object(|r, key| {
        match &*key {
            "error" => answer.error = error(r)?,
            "choices" => choice = lenient::first_at_index_zero(r, read_choice)?,
            "usage" => answer.usage = read_usage(r)?,
            _ => r.skip()?,
        }
        Ok(())
    })?;
    if let Some((content, finish)) = choice {
        if let Some(text) = content {
            answer.text.push_str(&text);
        }
        if let Some(raw) = finish {
            answer.finish_reason = Some(finish_reason(&raw));
            answer.raw_finish_reason = Some(raw.into_owned());
        }
    }
    Ok(answer)
}

/// A choice's `message.content` and `finish_reason`, with its `index`.
type Choice<'a> = (Option<Cow<'a, str>>, Option<Cow<'a, str>>);

fn read_choice<'a>(r: &mut Reader<'a>) -> json::Result<(Choice<'a>, Option<u64>)> {
    let (mut content, mut finish, mut index) = (None, None, None);
    lenient::object(r, |r, key| {
        match &*key {
            "index" => index = lenient::count(r)?,
            "message" => content = lenient::strings(r, ["content"])?.and_then(|[c]| c),
            "finish_reason" => finish = lenient::string(r)?,
            _ => r.skip()?,
        }
        Ok(())
    })?;
    Ok(((content, finish), index))
}

fn read_usage(r: &mut Reader<'_>) -> json::Result<Usage> {
    let mut usage = Usage::default();
    lenient::object(r, |r, key| {
        match &*key {
            "prompt_tokens" => usage.input_tokens = lenient::count(r)?,
            "completion_tokens" => usage.output_tokens = lenient::count(r)?,
            "total_tokens" => usage.total_tokens = lenient::count(r)?,
            "prompt_tokens_details" => usage.cached_tokens = detail(r, "cached_tokens")?,
            "completion_tokens_details" => {
                usage.reasoning_tokens = detail(r, "reasoning_tokens")?;
            }
            _ => r.skip()?,
        }
        Ok(())
    })?;
    Ok(usage)
}

/// One count out of a `*_details` object. Shared with Responses.
pub(super) fn detail(r: &mut Reader<'_>, name: &str) -> json::Result<Option<u64>> {
    let mut count = None;
    lenient::object(r, |r, key| {
        if key == name {
            count = lenient::count(r)?;
            Ok(())
        } else {
            r.skip()
        }
    })?;
    Ok(count)
}

/// An OpenAI-style `error` object (shared with Responses): `code` (a string or a number),
/// `type`, `message`; `None` for any other value.
pub(super) fn error(r: &mut Reader<'_>) -> json::Result<Option<ProviderError>> {
    let (mut code, mut kind, mut message) = (None, None, None);
    let was_object = lenient::object(r, |r, key| {
        match &*key {
            "code" => code = error_code(r)?,
            "type" => kind = lenient::string(r)?,
            "message" => message = lenient::string(r)?,
            _ => r.skip()?,
        }
        Ok(())
    })?;
    if was_object.is_none() {
        return Ok(None);
    }
    let kind = kind.map(Cow::into_owned);
    let tokens = [code.as_deref(), kind.as_deref()];
    Ok(Some(provider_error(
        tokens,
        code.clone().or(kind.clone()),
        message,
    )))
}

/// An error `code`: a string, or a number in serde_json's notation (`429`, `1.5`).
fn error_code(r: &mut Reader<'_>) -> json::Result<Option<String>> {
    if r.peek() == Some(b'"') {
        return r.str().map(|code| Some(code.into_owned()));
    }
    let raw = r.raw()?;
    Ok(serde_json::from_str::<serde_json::Number>(raw)
        .ok()
        .map(|n| n.to_string()))
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
