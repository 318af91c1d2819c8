//! OpenAI Responses with `"stream": true`.
//!
//! Typed events (`event: <type>` plus a JSON `data` with the same `type`). Text arrives in
//! `response.output_text.delta`; the terminal events `response.completed`,
//! `response.incomplete` and `response.failed` carry the usage and end the answer (there is no
//! `[DONE]`). Unknown event types are ignored without being parsed.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use super::openai_chat::{error_event_from_json, error_from_json};
use super::{is_blank, Emitter, FinishReason, StreamEvent, Usage};
use crate::sse::EventRef;

#[derive(Deserialize)]
struct TypeOnly<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct TextDelta<'a> {
    #[serde(borrow)]
    delta: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Terminal {
    response: Option<Response>,
}

#[derive(Deserialize)]
struct Response {
    usage: Option<ResponseUsage>,
    incomplete_details: Option<IncompleteDetails>,
    error: Option<Value>,
    output: Option<Vec<OutputItem>>,
}

#[derive(Deserialize)]
struct ResponseUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    total_tokens: Option<u64>,
    input_tokens_details: Option<InputDetails>,
    output_tokens_details: Option<OutputDetails>,
}

#[derive(Deserialize)]
struct InputDetails {
    cached_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct OutputDetails {
    reasoning_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct IncompleteDetails {
    reason: Option<String>,
}

#[derive(Deserialize)]
struct OutputItem {
    #[serde(rename = "type")]
    kind: Option<String>,
}

pub(super) fn decode<F: FnMut(StreamEvent)>(event: EventRef<'_>, out: &mut Emitter<'_, F>) {
    if out.is_complete() {
        return;
    }
    // Proxies sometimes drop the `event:` lines; the payload's `type` says the same thing.
    let kind: Cow<'_, str> = if event.event == "message" {
        // An unnamed event with blank data is a proxy's keep-alive, as for the data-only formats.
        if is_blank(event.data) {
            return out.ping();
        }
        match serde_json::from_str::<TypeOnly<'_>>(event.data) {
            Ok(TypeOnly { kind: Some(kind) }) => kind,
            Ok(TypeOnly { kind: None }) => return,
            Err(error) => return out.malformed(&error, event.data),
        }
    } else {
        Cow::Borrowed(event.event)
    };
    match &*kind {
        "response.output_text.delta" => match serde_json::from_str::<TextDelta<'_>>(event.data) {
            Ok(delta) => out.text(delta.delta),
            Err(error) => out.malformed(&error, event.data),
        },
        "response.completed" | "response.incomplete" | "response.failed" => {
            match serde_json::from_str::<Terminal>(event.data) {
                Ok(terminal) => terminate(&kind, terminal.response, out),
                Err(error) => out.malformed(&error, event.data),
            }
        }
        "error" => match serde_json::from_str::<Value>(event.data) {
            Ok(value) => out.error(error_event_from_json(&value)),
            Err(error) => out.malformed(&error, event.data),
        },
        _ => {}
    }
}

fn terminate<F: FnMut(StreamEvent)>(
    kind: &str,
    response: Option<Response>,
    out: &mut Emitter<'_, F>,
) {
    let response = response.unwrap_or(Response {
        usage: None,
        incomplete_details: None,
        error: None,
        output: None,
    });
    if let Some(usage) = response.usage {
        out.usage(Usage {
            input_tokens: usage.input_tokens,
            output_tokens: usage.output_tokens,
            total_tokens: usage.total_tokens,
            cached_tokens: usage.input_tokens_details.and_then(|d| d.cached_tokens),
            reasoning_tokens: usage.output_tokens_details.and_then(|d| d.reasoning_tokens),
        });
    }
    match kind {
        "response.completed" => {
            let calls_tools = response
                .output
                .iter()
                .flatten()
                .any(|item| item.kind.as_deref() == Some("function_call"));
            let reason = if calls_tools {
                FinishReason::ToolCalls
            } else {
                FinishReason::Stop
            };
            out.finish(reason, "completed");
        }
        "response.incomplete" => {
            let raw = response
                .incomplete_details
                .and_then(|d| d.reason)
                .unwrap_or_else(|| "incomplete".to_owned());
            let reason = match raw.as_str() {
                "max_output_tokens" => FinishReason::Length,
                "content_filter" => FinishReason::ContentFilter,
                _ => FinishReason::Other,
            };
            out.finish(reason, &raw);
        }
        _ => {
            if let Some(error) = &response.error {
                out.error(error_from_json(error));
            }
            out.finish(FinishReason::Error, "failed");
        }
    }
    out.complete();
}
