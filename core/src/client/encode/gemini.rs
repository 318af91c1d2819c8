//! Gemini `generateContent` / `streamGenerateContent?alt=sse`: request bodies and whole answers.
//!
//! Roles are `user` and `model`; the system prompt is `systemInstruction`; output controls sit in
//! `generationConfig`; inline images are `inlineData`, URLs `fileData`. The answer is one
//! `GenerateContentResponse`, the same document a stream chunk is.

use std::borrow::Cow;

use serde_json::{json, Map, Value};

use super::{lenient, provider_error, put, turns, Answer, PartRef};
use crate::client::request::{ImageRef, Request, Role};
use crate::provider::json::{self, Reader};
use crate::provider::{FinishReason, ProviderError, Usage};

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

pub(super) fn answer(r: &mut Reader<'_>) -> json::Result<Answer> {
    let mut answer = Answer::default();
    let (mut candidate, mut block_reason) = (None, None);
    r.object(|r, key| {
        match &*key {
            "error" => answer.error = error(r)?,
            "candidates" => candidate = lenient::first_at_index_zero(r, read_candidate)?,
            "promptFeedback" => {
                block_reason = lenient::strings(r, ["blockReason"])?.and_then(|[b]| b);
            }
            "usageMetadata" => answer.usage = read_usage(r)?,
            _ => r.skip()?,
        }
        Ok(())
    })?;
    if let Some((text, finish)) = candidate {
        answer.text = text;
        if let Some(raw) = finish {
            answer.finish_reason = Some(finish_reason(&raw));
            answer.raw_finish_reason = Some(raw.into_owned());
        }
    }
    if answer.finish_reason.is_none() {
        if let Some(raw) = block_reason {
            answer.finish_reason = Some(FinishReason::ContentFilter);
            answer.raw_finish_reason = Some(raw.into_owned());
        }
    }
    Ok(answer)
}

/// `error`: `status` and `message`; `None` for any other value.
fn error(r: &mut Reader<'_>) -> json::Result<Option<ProviderError>> {
    Ok(
        lenient::strings(r, ["status", "message"])?.map(|[status, message]| {
            let code = status.map(Cow::into_owned);
            provider_error([code.as_deref(), None], code.clone(), message)
        }),
    )
}

/// A candidate's text (its parts' that are not thoughts) and `finishReason`.
type Candidate<'a> = (String, Option<Cow<'a, str>>);

/// A candidate, with its `index`.
fn read_candidate<'a>(r: &mut Reader<'a>) -> json::Result<(Candidate<'a>, Option<u64>)> {
    let (mut text, mut finish, mut index) = (String::new(), None, None);
    lenient::object(r, |r, key| {
        match &*key {
            "index" => index = lenient::count(r)?,
            "content" => {
                text.clear();
                lenient::object(r, |r, key| match &*key {
                    "parts" => {
                        text.clear();
                        lenient::array(r, |r| read_part(r, &mut text))
                    }
                    _ => r.skip(),
                })?;
            }
            "finishReason" => finish = lenient::string(r)?,
            _ => r.skip()?,
        }
        Ok(())
    })?;
    Ok(((text, finish), index))
}

/// Appends a part's `text` to `out` unless the part is a thought.
fn read_part(r: &mut Reader<'_>, out: &mut String) -> json::Result<()> {
    let (mut text, mut thought) = (None, None);
    lenient::object(r, |r, key| {
        match &*key {
            "text" => text = lenient::string(r)?,
            "thought" => thought = lenient::boolean(r)?,
            _ => r.skip()?,
        }
        Ok(())
    })?;
    if thought != Some(true) {
        if let Some(text) = text {
            out.push_str(&text);
        }
    }
    Ok(())
}

/// `usageMetadata`'s counts (all absent for a value that is no object).
fn read_usage(r: &mut Reader<'_>) -> json::Result<Usage> {
    let mut usage = Usage::default();
    lenient::object(r, |r, key| {
        let slot = match &*key {
            "promptTokenCount" => &mut usage.input_tokens,
            "candidatesTokenCount" => &mut usage.output_tokens,
            "totalTokenCount" => &mut usage.total_tokens,
            "cachedContentTokenCount" => &mut usage.cached_tokens,
            "thoughtsTokenCount" => &mut usage.reasoning_tokens,
            _ => return r.skip(),
        };
        *slot = lenient::count(r)?;
        Ok(())
    })?;
    Ok(usage)
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
