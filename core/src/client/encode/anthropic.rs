//! Anthropic Messages (`/v1/messages`): request bodies and whole answers.
//!
//! `max_tokens` is required (4096 when the request sets no limit); the system prompt is
//! `system`; images are `image` blocks with a `base64` or `url` source; stop sequences are
//! `stop_sequences`. Usage counts cache reads and writes apart from `input_tokens`; genie's
//! input includes them, as the stream decoder does.

use std::borrow::Cow;

use serde_json::{json, Map, Value};

use super::{lenient, provider_error, put, turns, Answer, PartRef};
use crate::client::request::{ImageRef, Request, Role};
use crate::provider::json::{self, Reader};
use crate::provider::{FinishReason, Usage};

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

pub(super) fn answer(r: &mut Reader<'_>) -> json::Result<Answer> {
    let mut answer = Answer::default();
    let (mut kind, mut error) = (None, None);
    r.object(|r, key| {
        match &*key {
            "type" => kind = lenient::string(r)?,
            "error" => error = lenient::strings(r, ["type", "message"])?,
            "content" => {
                answer.text.clear();
                lenient::array(r, |r| lenient::text_of_type(r, "text", &mut answer.text))?;
            }
            "stop_reason" => {
                let raw = lenient::string(r)?;
                answer.finish_reason = raw.as_deref().map(finish_reason);
                answer.raw_finish_reason = raw.map(Cow::into_owned);
            }
            "usage" => answer.usage = read_usage(r)?,
            _ => r.skip()?,
        }
        Ok(())
    })?;
    if kind.as_deref() == Some("error") {
        let [error_type, message] = error.unwrap_or_default();
        let code = error_type.map(Cow::into_owned);
        answer.error = Some(provider_error(
            [code.as_deref(), None],
            code.clone(),
            message,
        ));
    }
    Ok(answer)
}

/// `usage`, with the cache reads and writes counted in the input, as the stream decoder does.
fn read_usage(r: &mut Reader<'_>) -> json::Result<Usage> {
    let (mut input, mut cache_read, mut cache_write, mut output) = (None, None, None, None);
    let was_object = lenient::object(r, |r, key| {
        let slot = match &*key {
            "input_tokens" => &mut input,
            "cache_read_input_tokens" => &mut cache_read,
            "cache_creation_input_tokens" => &mut cache_write,
            "output_tokens" => &mut output,
            _ => return r.skip(),
        };
        *slot = lenient::count(r)?;
        Ok(())
    })?;
    if was_object.is_none() {
        return Ok(Usage::default());
    }
    let input = input.map(|i: u64| {
        i.saturating_add(cache_read.unwrap_or(0))
            .saturating_add(cache_write.unwrap_or(0))
    });
    Ok(Usage {
        input_tokens: input,
        output_tokens: output,
        total_tokens: input.zip(output).map(|(i, o)| i.saturating_add(o)),
        cached_tokens: cache_read,
        reasoning_tokens: None,
    })
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
