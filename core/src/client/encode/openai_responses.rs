//! OpenAI Responses (`/v1/responses`): request bodies and whole answers.
//!
//! The system prompt is `instructions`; messages are `input` items whose parts are
//! `input_text` / `input_image` (user) or `output_text` (assistant). The API has no stop
//! sequences: a request with some cannot be encoded for it, and the call moves on to the next
//! model rather than silently ignore them.

use serde_json::{json, Map, Value};

use super::{data_url, lenient, openai_chat, put, turns, Answer, PartRef};
use crate::client::request::{ImageRef, Request, Role};
use crate::provider::json::{self, Reader};
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

pub(super) fn answer(r: &mut Reader<'_>) -> json::Result<Answer> {
    let mut answer = Answer::default();
    let (mut calls_tools, mut status, mut incomplete) = (false, None, None);
    r.object(|r, key| {
        match &*key {
            "error" => answer.error = openai_chat::error(r)?,
            "output" => {
                (answer.text, calls_tools) = (String::new(), false);
                lenient::array(r, |r| read_item(r, &mut answer.text, &mut calls_tools))?;
            }
            "status" => status = lenient::string(r)?,
            "incomplete_details" => {
                incomplete = lenient::strings(r, ["reason"])?.and_then(|[reason]| reason);
            }
            "usage" => answer.usage = read_usage(r)?,
            _ => r.skip()?,
        }
        Ok(())
    })?;
    let (reason, raw) = match status.as_deref() {
        Some("completed") if calls_tools => (Some(FinishReason::ToolCalls), "completed"),
        Some("completed") => (Some(FinishReason::Stop), "completed"),
        Some("incomplete") => {
            let raw = incomplete.as_deref().unwrap_or("incomplete");
            (Some(incomplete_reason(raw)), raw)
        }
        Some("failed") => (Some(FinishReason::Error), "failed"),
        _ => (None, ""),
    };
    if let Some(reason) = reason {
        answer.finish_reason = Some(reason);
        answer.raw_finish_reason = Some(raw.to_owned());
    }
    Ok(answer)
}

/// An `output` item: a message's `output_text` parts go to `text`; a function call is noted.
fn read_item(r: &mut Reader<'_>, text: &mut String, calls_tools: &mut bool) -> json::Result<()> {
    let (mut kind, mut parts) = (None, String::new());
    lenient::object(r, |r, key| {
        match &*key {
            "type" => kind = lenient::string(r)?,
            "content" => {
                parts.clear();
                lenient::array(r, |r| lenient::text_of_type(r, "output_text", &mut parts))?;
            }
            _ => r.skip()?,
        }
        Ok(())
    })?;
    match kind.as_deref() {
        Some("message") => text.push_str(&parts),
        Some("function_call") => *calls_tools = true,
        _ => {}
    }
    Ok(())
}

fn read_usage(r: &mut Reader<'_>) -> json::Result<Usage> {
    let mut usage = Usage::default();
    lenient::object(r, |r, key| {
        match &*key {
            "input_tokens" => usage.input_tokens = lenient::count(r)?,
            "output_tokens" => usage.output_tokens = lenient::count(r)?,
            "total_tokens" => usage.total_tokens = lenient::count(r)?,
            "input_tokens_details" => {
                usage.cached_tokens = openai_chat::detail(r, "cached_tokens")?;
            }
            "output_tokens_details" => {
                usage.reasoning_tokens = openai_chat::detail(r, "reasoning_tokens")?;
            }
            _ => r.skip()?,
        }
        Ok(())
    })?;
    Ok(usage)
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
