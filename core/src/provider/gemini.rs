//! Gemini `streamGenerateContent?alt=sse`.
//!
//! Data-only events, no end sentinel: the body ending closes the stream, so the only proof of a
//! whole answer is a chunk carrying `finishReason` (or a prompt blocked outright). `usageMetadata`
//! repeats on many chunks; the last one wins. Parts marked `"thought": true` are reasoning, not
//! answer text.

use std::borrow::Cow;

use super::json::{self, Reader};
use super::{is_blank, provider_error, Emitter, FinishReason, StreamEventRef, Usage};
use crate::sse::EventRef;

/// What a chunk carries, once the whole payload has been validated.
#[derive(Default)]
struct Chunk<'a> {
    /// The first candidate with index 0 (or no index).
    candidate: Option<Candidate<'a>>,
    usage: Option<Usage>,
    block_reason: Option<Cow<'a, str>>,
    /// `error.status` and `error.message`, when there is an `error`.
    error: Option<ErrorParts<'a>>,
}

/// An error's `status` and `message`.
type ErrorParts<'a> = (Option<Cow<'a, str>>, Option<Cow<'a, str>>);

#[derive(Default)]
struct Candidate<'a> {
    index: Option<u32>,
    texts: Texts<'a>,
    finish_reason: Option<Cow<'a, str>>,
}

/// The answer texts of a candidate's parts, in order. Nearly every chunk has one part, which
/// is kept without allocating.
#[derive(Default)]
struct Texts<'a> {
    first: Option<Cow<'a, str>>,
    more: Vec<Cow<'a, str>>,
}

impl<'a> Texts<'a> {
    fn push(&mut self, text: Cow<'a, str>) {
        if self.first.is_none() {
            self.first = Some(text);
        } else {
            self.more.push(text);
        }
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        self.first.iter().chain(&self.more).map(|text| &**text)
    }
}

pub(super) fn decode<F: FnMut(StreamEventRef<'_>)>(event: EventRef<'_>, out: &mut Emitter<'_, F>) {
    if is_blank(event.data) {
        out.ping();
        return;
    }
    let mut chunk = Chunk::default();
    if let Err(error) = json::read(event.data, |r| read_chunk(r, &mut chunk)) {
        return out.malformed(&error, event.data);
    }
    if let Some((status, message)) = chunk.error {
        out.error(provider_error(&[status.as_deref()], message.as_deref()));
    }
    let mut finish = None;
    if let Some(candidate) = chunk.candidate {
        for text in candidate.texts.iter() {
            out.text(text);
        }
        finish = candidate.finish_reason;
    }
    if let Some(usage) = chunk.usage {
        out.usage(usage);
    }
    if let Some(raw) = finish {
        out.finish(finish_reason(&raw), &raw);
        out.complete();
    } else if let Some(raw) = chunk.block_reason {
        out.finish(FinishReason::ContentFilter, &raw);
        out.complete();
    }
}

/// Fills `chunk` in place: it is large, and moving it out of the reader costs more than
/// reading most of it.
fn read_chunk<'a>(r: &mut Reader<'a>, chunk: &mut Chunk<'a>) -> json::Result<()> {
    r.object(|r, key| {
        match &*key {
            "candidates" => chunk.candidate = read_candidates(r)?,
            "usageMetadata" => chunk.usage = read_usage(r)?,
            "promptFeedback" => {
                chunk.block_reason = None;
                if !r.null()? {
                    r.object(|r, key| match &*key {
                        "blockReason" => r.opt_str().map(|s| chunk.block_reason = s),
                        _ => r.skip(),
                    })?;
                }
            }
            "error" => chunk.error = read_error(r)?,
            _ => r.skip()?,
        }
        Ok(())
    })
}

fn read_candidates<'a>(r: &mut Reader<'a>) -> json::Result<Option<Candidate<'a>>> {
    r.first_at_index_zero(read_candidate, |candidate| candidate.index)
}

fn read_candidate<'a>(r: &mut Reader<'a>) -> json::Result<Candidate<'a>> {
    let mut candidate = Candidate::default();
    r.object(|r, key| {
        match &*key {
            "index" => candidate.index = r.opt_u32()?,
            "content" => {
                candidate.texts = Texts::default();
                if !r.null()? {
                    r.object(|r, key| match &*key {
                        "parts" => read_parts(r).map(|texts| candidate.texts = texts),
                        _ => r.skip(),
                    })?;
                }
            }
            "finishReason" => candidate.finish_reason = r.opt_str()?,
            _ => r.skip()?,
        }
        Ok(())
    })?;
    Ok(candidate)
}

/// The answer texts of `parts` (which may be `null`): every part's `text` unless the part is a
/// thought.
fn read_parts<'a>(r: &mut Reader<'a>) -> json::Result<Texts<'a>> {
    let mut texts = Texts::default();
    if r.null()? {
        return Ok(texts);
    }
    r.array(|r| {
        let (mut text, mut thought) = (None, None);
        r.object(|r, key| match &*key {
            "text" => r.opt_str().map(|s| text = s),
            "thought" => r.opt_bool().map(|b| thought = b),
            _ => r.skip(),
        })?;
        if let Some(text) = text.filter(|_| thought != Some(true)) {
            texts.push(text);
        }
        Ok(())
    })?;
    Ok(texts)
}

fn read_usage(r: &mut Reader<'_>) -> json::Result<Option<Usage>> {
    if r.null()? {
        return Ok(None);
    }
    let mut usage = Usage::default();
    r.object(|r, key| {
        match &*key {
            "promptTokenCount" => usage.input_tokens = r.opt_u64()?,
            "candidatesTokenCount" => usage.output_tokens = r.opt_u64()?,
            "totalTokenCount" => usage.total_tokens = r.opt_u64()?,
            "thoughtsTokenCount" => usage.reasoning_tokens = r.opt_u64()?,
            "cachedContentTokenCount" => usage.cached_tokens = r.opt_u64()?,
            _ => r.skip()?,
        }
        Ok(())
    })?;
    Ok(Some(usage))
}

/// `status` and `message` of an `error` (which may be `null`).
fn read_error<'a>(r: &mut Reader<'a>) -> json::Result<Option<ErrorParts<'a>>> {
    if r.null()? {
        return Ok(None);
    }
    let (mut status, mut message) = (None, None);
    r.object(|r, key| match &*key {
        "status" => r.opt_str().map(|s| status = s),
        "message" => r.opt_str().map(|s| message = s),
        _ => r.skip(),
    })?;
    Ok(Some((status, message)))
}

fn finish_reason(raw: &str) -> FinishReason {
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
