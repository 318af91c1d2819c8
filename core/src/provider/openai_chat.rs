//! OpenAI Chat Completions with `"stream": true` (and the servers compatible with it).
//!
//! Data-only events ending with `data: [DONE]`, which is the only proof of a whole answer: a
//! body that ends after a `finish_reason` but before `[DONE]` is still reported incomplete, and
//! the client decides what that means. With `stream_options.include_usage` the last chunk has
//! empty (or, on some servers, null) `choices` and the usage.

use std::borrow::Cow;

use super::json::{self, Reader};
use super::{is_blank, json_as_str, json_code_text, provider_error, Emitter, FinishReason};
use super::{ProviderError, StreamEventRef, Usage};
use crate::sse::EventRef;

/// What a chunk carries, once the whole payload has been validated.
#[derive(Default)]
struct Chunk<'a> {
    /// The first choice with index 0 (or no index).
    choice: Option<Choice<'a>>,
    usage: Option<Usage>,
    error: Option<ProviderError>,
}

#[derive(Default)]
struct Choice<'a> {
    index: Option<u32>,
    content: Option<Cow<'a, str>>,
    finish_reason: Option<Cow<'a, str>>,
}

pub(super) fn decode<F: FnMut(StreamEventRef<'_>)>(event: EventRef<'_>, out: &mut Emitter<'_, F>) {
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
    let mut chunk = Chunk::default();
    if let Err(error) = json::read(event.data, |r| read_chunk(r, &mut chunk)) {
        return out.malformed(&error, event.data);
    }
    if let Some(error) = chunk.error {
        out.error(error);
    }
    let mut finish = None;
    if let Some(choice) = chunk.choice {
        if let Some(text) = &choice.content {
            out.text(text);
        }
        finish = choice.finish_reason;
    }
    if let Some(usage) = chunk.usage {
        out.usage(usage);
    }
    if let Some(raw) = finish {
        out.finish(finish_reason(&raw), &raw);
    }
}

/// Fills `chunk` in place: it is large, and moving it out of the reader costs more than
/// reading most of it.
fn read_chunk<'a>(r: &mut Reader<'a>, chunk: &mut Chunk<'a>) -> json::Result<()> {
    r.object(|r, key| {
        match &*key {
            "choices" => chunk.choice = read_choices(r)?,
            "usage" => chunk.usage = read_usage(r)?,
            "error" => chunk.error = read_opt_error(r)?,
            _ => r.skip()?,
        }
        Ok(())
    })
}

fn read_choices<'a>(r: &mut Reader<'a>) -> json::Result<Option<Choice<'a>>> {
    r.first_at_index_zero(read_choice, |choice| choice.index)
}

fn read_choice<'a>(r: &mut Reader<'a>) -> json::Result<Choice<'a>> {
    let mut choice = Choice::default();
    r.object(|r, key| {
        match &*key {
            "index" => choice.index = r.opt_u32()?,
            "delta" => {
                choice.content = None;
                if !r.null()? {
                    r.object(|r, key| match &*key {
                        "content" => r.opt_str().map(|c| choice.content = c),
                        _ => r.skip(),
                    })?;
                }
            }
            "finish_reason" => choice.finish_reason = r.opt_str()?,
            _ => r.skip()?,
        }
        Ok(())
    })?;
    Ok(choice)
}

fn read_usage(r: &mut Reader<'_>) -> json::Result<Option<Usage>> {
    if r.null()? {
        return Ok(None);
    }
    let mut usage = Usage::default();
    r.object(|r, key| {
        match &*key {
            "prompt_tokens" => usage.input_tokens = r.opt_u64()?,
            "completion_tokens" => usage.output_tokens = r.opt_u64()?,
            "total_tokens" => usage.total_tokens = r.opt_u64()?,
            "prompt_tokens_details" => {
                usage.cached_tokens = read_detail(r, "cached_tokens")?;
            }
            "completion_tokens_details" => {
                usage.reasoning_tokens = read_detail(r, "reasoning_tokens")?;
            }
            _ => r.skip()?,
        }
        Ok(())
    })?;
    Ok(Some(usage))
}

/// One count out of a `*_details` object (which may be `null`). Shared with Responses.
pub(super) fn read_detail(r: &mut Reader<'_>, name: &str) -> json::Result<Option<u64>> {
    let mut count = None;
    if !r.null()? {
        r.object(|r, key| {
            if key == name {
                count = r.opt_u64()?;
                Ok(())
            } else {
                r.skip()
            }
        })?;
    }
    Ok(count)
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

/// An optional OpenAI-style error value (`null` is none). Shared with the Responses decoder,
/// which uses the same shape.
pub(super) fn read_opt_error(r: &mut Reader<'_>) -> json::Result<Option<ProviderError>> {
    if r.null()? {
        return Ok(None);
    }
    read_error(r, true).map(Some)
}

/// An OpenAI-style error value: `{message, type, code, param}`, or a bare string as some
/// compatible servers send; any other value is an error without details. `type` is only read
/// when `with_type` (see [`read_error_event`]).
fn read_error(r: &mut Reader<'_>, with_type: bool) -> json::Result<ProviderError> {
    match r.peek() {
        Some(b'{') => {
            let (mut code, mut kind, mut message) = (None, None, None);
            r.object(|r, key| {
                match &*key {
                    "code" => code = json_code_text(r)?,
                    "type" if with_type => kind = json_as_str(r)?,
                    "message" => message = json_as_str(r)?,
                    _ => r.skip()?,
                }
                Ok(())
            })?;
            Ok(provider_error(
                &[code.as_deref(), kind.as_deref()],
                message.as_deref(),
            ))
        }
        Some(b'"') => {
            let message = r.str()?;
            Ok(provider_error(&[], Some(&message)))
        }
        _ => r.skip().map(|()| provider_error(&[], None)),
    }
}

/// A Responses `error` event (any JSON value): the error's fields sit either at the top level,
/// where `type` is the event's own type (`"error"`) and says nothing about the error, or nested
/// under `error`, which then wins.
pub(super) fn read_error_event(data: &str) -> Result<ProviderError, json::Error> {
    json::read(data, |r| {
        let error = if r.peek() == Some(b'{') {
            let mut nested = None;
            let (mut code, mut message) = (None, None);
            r.object(|r, key| {
                match &*key {
                    "error" => nested = Some(read_error(r, true)?),
                    "code" => code = json_code_text(r)?,
                    "message" => message = json_as_str(r)?,
                    _ => r.skip()?,
                }
                Ok(())
            })?;
            nested.unwrap_or_else(|| provider_error(&[code.as_deref()], message.as_deref()))
        } else {
            read_error(r, false)?
        };
        Ok(error)
    })
}
