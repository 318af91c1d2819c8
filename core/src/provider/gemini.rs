//! Gemini `streamGenerateContent?alt=sse`.
//!
//! Data-only events, no end sentinel: the body ending closes the stream, so the only proof of a
//! whole answer is a chunk carrying `finishReason` (or a prompt blocked outright). `usageMetadata`
//! repeats on many chunks; the last one wins. Parts marked `"thought": true` are reasoning, not
//! answer text.

use std::borrow::Cow;

use serde::Deserialize;

use super::{is_blank, provider_error, Emitter, FinishReason, StreamEvent, Usage};
use crate::sse::EventRef;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Chunk<'a> {
    #[serde(borrow)]
    candidates: Option<Vec<Candidate<'a>>>,
    usage_metadata: Option<UsageMetadata>,
    #[serde(borrow)]
    prompt_feedback: Option<PromptFeedback<'a>>,
    #[serde(borrow)]
    error: Option<ApiError<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Candidate<'a> {
    index: Option<u32>,
    #[serde(borrow)]
    content: Option<Content<'a>>,
    #[serde(borrow)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Content<'a> {
    #[serde(borrow)]
    parts: Option<Vec<Part<'a>>>,
}

#[derive(Deserialize)]
struct Part<'a> {
    #[serde(borrow)]
    text: Option<Cow<'a, str>>,
    thought: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UsageMetadata {
    prompt_token_count: Option<u64>,
    candidates_token_count: Option<u64>,
    total_token_count: Option<u64>,
    thoughts_token_count: Option<u64>,
    cached_content_token_count: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PromptFeedback<'a> {
    #[serde(borrow)]
    block_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct ApiError<'a> {
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
}

pub(super) fn decode<F: FnMut(StreamEvent)>(event: EventRef<'_>, out: &mut Emitter<'_, F>) {
    if is_blank(event.data) {
        out.ping();
        return;
    }
    let chunk: Chunk<'_> = match serde_json::from_str(event.data) {
        Ok(chunk) => chunk,
        Err(error) => return out.malformed(&error, event.data),
    };
    if let Some(error) = chunk.error {
        out.error(provider_error(
            &[error.status.as_deref()],
            error.message.as_deref(),
        ));
    }
    let first = chunk
        .candidates
        .into_iter()
        .flatten()
        .find(|c| c.index.unwrap_or(0) == 0);
    let mut finish = None;
    if let Some(candidate) = first {
        let parts = candidate
            .content
            .and_then(|c| c.parts)
            .into_iter()
            .flatten();
        for part in parts.filter(|p| p.thought != Some(true)) {
            if let Some(text) = part.text {
                out.text(text);
            }
        }
        finish = candidate.finish_reason;
    }
    if let Some(usage) = chunk.usage_metadata {
        out.usage(Usage {
            input_tokens: usage.prompt_token_count,
            output_tokens: usage.candidates_token_count,
            total_tokens: usage.total_token_count,
            cached_tokens: usage.cached_content_token_count,
            reasoning_tokens: usage.thoughts_token_count,
        });
    }
    if let Some(raw) = finish {
        out.finish(finish_reason(&raw), &raw);
        out.complete();
    } else if let Some(raw) = chunk.prompt_feedback.and_then(|f| f.block_reason) {
        out.finish(FinishReason::ContentFilter, &raw);
        out.complete();
    }
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
