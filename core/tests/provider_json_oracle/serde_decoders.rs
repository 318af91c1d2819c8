//! The provider decoders as they were before `core/src/provider/json.rs`: payloads deserialized
//! into borrowed serde-derived structs. Kept word for word apart from the emitter, which only
//! records events, as the oracle of `provider_json_oracle.rs`.

use std::borrow::Cow;

use genie_core::provider::{ErrorClass, FinishReason, Provider, ProviderError, StreamEvent, Usage};
use serde::Deserialize;
use serde_json::Value;

/// What the old decoders kept between events, and what they emitted for the last one.
#[derive(Default)]
pub struct Old {
    pub events: Vec<StreamEvent>,
    usage: Usage,
    complete: bool,
    /// The serde error of the last malformed payload, to recognise the known differences.
    pub last_error: Option<String>,
}

impl Old {
    fn text(&mut self, text: Cow<'_, str>) {
        if !text.is_empty() {
            self.events.push(StreamEvent::Text(text.into_owned()));
        }
    }
    fn usage(&mut self, usage: Usage) {
        if usage != Usage::default() {
            self.usage = usage;
            self.events.push(StreamEvent::Usage(usage));
        }
    }
    fn finish(&mut self, reason: FinishReason, raw: &str) {
        self.events.push(StreamEvent::Finish {
            reason,
            raw: raw.to_owned(),
        });
    }
    fn error(&mut self, error: ProviderError) {
        self.events.push(StreamEvent::Error(error));
    }
    fn malformed(&mut self, error: &serde_json::Error, payload: &str) {
        self.last_error = Some(error.to_string());
        self.events.push(StreamEvent::Malformed {
            message: String::new(),
            payload: payload.to_owned(),
        });
    }
}

fn provider_error(tokens: &[Option<&str>], message: Option<&str>) -> ProviderError {
    let kind = tokens
        .iter()
        .flatten()
        .find_map(|t| ErrorClass::from_provider_token(t))
        .unwrap_or(ErrorClass::Other);
    let code = tokens.iter().flatten().next().map(|t| (*t).to_owned());
    ProviderError {
        kind,
        message: message
            .unwrap_or("the provider reported an error")
            .to_owned(),
        code,
    }
}

fn json_code_text(code: Option<&Value>) -> Option<String> {
    match code? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn is_blank(data: &str) -> bool {
    data.bytes().all(|b| b.is_ascii_whitespace())
}

#[derive(Deserialize)]
struct TypeOnly<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Cow<'a, str>>,
}

mod openai {
    use super::*;

    #[derive(Deserialize)]
    struct Chunk<'a> {
        #[serde(borrow)]
        choices: Option<Vec<Choice<'a>>>,
        usage: Option<ChatUsage>,
        error: Option<Value>,
    }
    #[derive(Deserialize)]
    struct Choice<'a> {
        index: Option<u32>,
        #[serde(borrow)]
        delta: Option<Delta<'a>>,
        #[serde(borrow)]
        finish_reason: Option<Cow<'a, str>>,
    }
    #[derive(Deserialize)]
    struct Delta<'a> {
        #[serde(borrow)]
        content: Option<Cow<'a, str>>,
    }
    #[derive(Deserialize)]
    struct ChatUsage {
        prompt_tokens: Option<u64>,
        completion_tokens: Option<u64>,
        total_tokens: Option<u64>,
        prompt_tokens_details: Option<PromptDetails>,
        completion_tokens_details: Option<CompletionDetails>,
    }
    #[derive(Deserialize)]
    struct PromptDetails {
        cached_tokens: Option<u64>,
    }
    #[derive(Deserialize)]
    struct CompletionDetails {
        reasoning_tokens: Option<u64>,
    }

    pub fn decode(data: &str, out: &mut Old) {
        if out.complete {
            return;
        }
        if data == "[DONE]" {
            out.complete = true;
            return;
        }
        if is_blank(data) {
            return;
        }
        let chunk: Chunk<'_> = match serde_json::from_str(data) {
            Ok(chunk) => chunk,
            Err(error) => return out.malformed(&error, data),
        };
        if let Some(error) = &chunk.error {
            out.error(error_from_json(error));
        }
        let first = chunk
            .choices
            .into_iter()
            .flatten()
            .find(|c| c.index.unwrap_or(0) == 0);
        let mut finish = None;
        if let Some(choice) = first {
            if let Some(text) = choice.delta.and_then(|d| d.content) {
                out.text(text);
            }
            finish = choice.finish_reason;
        }
        if let Some(usage) = chunk.usage {
            out.usage(Usage {
                input_tokens: usage.prompt_tokens,
                output_tokens: usage.completion_tokens,
                total_tokens: usage.total_tokens,
                cached_tokens: usage.prompt_tokens_details.and_then(|d| d.cached_tokens),
                reasoning_tokens: usage
                    .completion_tokens_details
                    .and_then(|d| d.reasoning_tokens),
            });
        }
        if let Some(raw) = finish {
            let reason = match &*raw {
                "stop" => FinishReason::Stop,
                "length" => FinishReason::Length,
                "tool_calls" | "function_call" => FinishReason::ToolCalls,
                "content_filter" => FinishReason::ContentFilter,
                _ => FinishReason::Other,
            };
            out.finish(reason, &raw);
        }
    }

    pub fn error_from_json(error: &Value) -> ProviderError {
        error_fields(error, Some("type"))
    }

    pub fn error_event_from_json(event: &Value) -> ProviderError {
        match event.get("error") {
            Some(nested) => error_from_json(nested),
            None => error_fields(event, None),
        }
    }

    fn error_fields(error: &Value, type_key: Option<&str>) -> ProviderError {
        match error {
            Value::Object(fields) => {
                let code = json_code_text(fields.get("code"));
                let kind = type_key.and_then(|key| fields.get(key)?.as_str());
                let message = fields.get("message").and_then(Value::as_str);
                provider_error(&[code.as_deref(), kind], message)
            }
            Value::String(message) => provider_error(&[], Some(message)),
            _ => provider_error(&[], None),
        }
    }
}

mod responses {
    use super::*;

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

    pub fn decode(event: &str, data: &str, out: &mut Old) {
        if out.complete {
            return;
        }
        let kind: Cow<'_, str> = if event == "message" {
            if is_blank(data) {
                return;
            }
            match serde_json::from_str::<TypeOnly<'_>>(data) {
                Ok(TypeOnly { kind: Some(kind) }) => kind,
                Ok(TypeOnly { kind: None }) => return,
                Err(error) => return out.malformed(&error, data),
            }
        } else {
            Cow::Borrowed(event)
        };
        match &*kind {
            "response.output_text.delta" => match serde_json::from_str::<TextDelta<'_>>(data) {
                Ok(delta) => out.text(delta.delta),
                Err(error) => out.malformed(&error, data),
            },
            "response.completed" | "response.incomplete" | "response.failed" => {
                match serde_json::from_str::<Terminal>(data) {
                    Ok(terminal) => terminate(&kind, terminal.response, out),
                    Err(error) => out.malformed(&error, data),
                }
            }
            "error" => match serde_json::from_str::<Value>(data) {
                Ok(value) => out.error(openai::error_event_from_json(&value)),
                Err(error) => out.malformed(&error, data),
            },
            _ => {}
        }
    }

    fn terminate(kind: &str, response: Option<Response>, out: &mut Old) {
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
                    out.error(openai::error_from_json(error));
                }
                out.finish(FinishReason::Error, "failed");
            }
        }
        out.complete = true;
    }
}

mod anthropic {
    use super::*;

    #[derive(Deserialize)]
    struct MessageStart {
        message: Option<StartMessage>,
    }
    #[derive(Deserialize)]
    struct StartMessage {
        usage: Option<AnthropicUsage>,
    }
    #[derive(Deserialize)]
    struct BlockDelta<'a> {
        #[serde(borrow)]
        delta: Option<TextDelta<'a>>,
    }
    #[derive(Deserialize)]
    struct TextDelta<'a> {
        #[serde(borrow, rename = "type")]
        kind: Option<Cow<'a, str>>,
        #[serde(borrow)]
        text: Option<Cow<'a, str>>,
    }
    #[derive(Deserialize)]
    struct MessageDelta<'a> {
        #[serde(borrow)]
        delta: Option<StopDelta<'a>>,
        usage: Option<AnthropicUsage>,
    }
    #[derive(Deserialize)]
    struct StopDelta<'a> {
        #[serde(borrow)]
        stop_reason: Option<Cow<'a, str>>,
    }
    #[derive(Deserialize)]
    struct AnthropicUsage {
        input_tokens: Option<u64>,
        output_tokens: Option<u64>,
        cache_read_input_tokens: Option<u64>,
        cache_creation_input_tokens: Option<u64>,
    }
    #[derive(Deserialize)]
    struct ErrorEvent<'a> {
        #[serde(borrow)]
        error: Option<ErrorBody<'a>>,
    }
    #[derive(Deserialize)]
    struct ErrorBody<'a> {
        #[serde(borrow, rename = "type")]
        kind: Option<Cow<'a, str>>,
        #[serde(borrow)]
        message: Option<Cow<'a, str>>,
    }

    pub fn decode(event: &str, data: &str, out: &mut Old) {
        let kind: Cow<'_, str> = if event == "message" {
            if is_blank(data) {
                return;
            }
            match serde_json::from_str::<TypeOnly<'_>>(data) {
                Ok(TypeOnly { kind: Some(kind) }) => kind,
                Ok(TypeOnly { kind: None }) => return,
                Err(error) => return out.malformed(&error, data),
            }
        } else {
            Cow::Borrowed(event)
        };
        match &*kind {
            "ping" => {}
            "message_stop" => out.complete = true,
            "content_block_delta" => match serde_json::from_str::<BlockDelta<'_>>(data) {
                Ok(BlockDelta { delta: Some(delta) })
                    if delta.kind.as_deref() == Some("text_delta") =>
                {
                    if let Some(text) = delta.text {
                        out.text(text);
                    }
                }
                Ok(_) => {}
                Err(error) => out.malformed(&error, data),
            },
            "message_start" => match serde_json::from_str::<MessageStart>(data) {
                Ok(start) => {
                    if let Some(usage) = start.message.and_then(|m| m.usage) {
                        merge_usage(usage, out);
                    }
                }
                Err(error) => out.malformed(&error, data),
            },
            "message_delta" => match serde_json::from_str::<MessageDelta<'_>>(data) {
                Ok(delta) => {
                    if let Some(usage) = delta.usage {
                        merge_usage(usage, out);
                    }
                    if let Some(raw) = delta.delta.and_then(|d| d.stop_reason) {
                        let reason = match &*raw {
                            "end_turn" | "stop_sequence" => FinishReason::Stop,
                            "max_tokens" | "model_context_window_exceeded" => FinishReason::Length,
                            "tool_use" => FinishReason::ToolCalls,
                            "refusal" => FinishReason::ContentFilter,
                            _ => FinishReason::Other,
                        };
                        out.finish(reason, &raw);
                    }
                }
                Err(error) => out.malformed(&error, data),
            },
            "error" => match serde_json::from_str::<ErrorEvent<'_>>(data) {
                Ok(ErrorEvent { error }) => {
                    let (kind, message) = match &error {
                        Some(body) => (body.kind.as_deref(), body.message.as_deref()),
                        None => (None, None),
                    };
                    out.error(provider_error(&[kind], message));
                }
                Err(error) => out.malformed(&error, data),
            },
            _ => {}
        }
    }

    // Sums saturate as in the new decoder: the old one overflowed (a panic in debug builds).
    fn merge_usage(reported: AnthropicUsage, out: &mut Old) {
        let mut usage = out.usage;
        if let Some(input) = reported.input_tokens {
            let cache_read = reported.cache_read_input_tokens.unwrap_or(0);
            let cache_write = reported.cache_creation_input_tokens.unwrap_or(0);
            usage.input_tokens = Some(input.saturating_add(cache_read).saturating_add(cache_write));
        }
        if reported.cache_read_input_tokens.is_some() {
            usage.cached_tokens = reported.cache_read_input_tokens;
        }
        if reported.output_tokens.is_some() {
            usage.output_tokens = reported.output_tokens;
        }
        if let (Some(input), Some(output)) = (usage.input_tokens, usage.output_tokens) {
            usage.total_tokens = Some(input.saturating_add(output));
        }
        out.usage(usage);
    }
}

mod gemini {
    use super::*;

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

    pub fn decode(data: &str, out: &mut Old) {
        if is_blank(data) {
            return;
        }
        let chunk: Chunk<'_> = match serde_json::from_str(data) {
            Ok(chunk) => chunk,
            Err(error) => return out.malformed(&error, data),
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
            let reason = match &*raw {
                "STOP" => FinishReason::Stop,
                "MAX_TOKENS" => FinishReason::Length,
                "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII"
                | "IMAGE_SAFETY" => FinishReason::ContentFilter,
                "MALFORMED_FUNCTION_CALL" | "UNEXPECTED_TOOL_CALL" => FinishReason::Error,
                _ => FinishReason::Other,
            };
            out.finish(reason, &raw);
            out.complete = true;
        } else if let Some(raw) = chunk.prompt_feedback.and_then(|f| f.block_reason) {
            out.finish(FinishReason::ContentFilter, &raw);
            out.complete = true;
        }
    }
}

/// Decodes one event as the serde implementation did.
pub fn old_decode(provider: Provider, event: &str, data: &str, out: &mut Old) {
    match provider {
        Provider::Gemini => gemini::decode(data, out),
        Provider::OpenAiChat => openai::decode(data, out),
        Provider::OpenAiResponses => responses::decode(event, data, out),
        Provider::Anthropic => anthropic::decode(event, data, out),
    }
}
