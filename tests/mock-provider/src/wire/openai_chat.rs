//! OpenAI Chat Completions: `chat.completion.chunk` events, a usage chunk when
//! `stream_options.include_usage`, then `data: [DONE]`; and the error bodies of both OpenAI
//! APIs (Chat and Responses share them).

use serde_json::{json, Value};

use super::{delta_text, output_tokens, text_upto, Ctx, Ev, Finish, Provider, ALNUM};
use crate::fault::ErrorVariant;

pub(super) fn id(ctx: &Ctx) -> String {
    ctx.id("chatcmpl-", 29, ALNUM)
}

fn usage(ctx: &Ctx, output: u64) -> Value {
    json!({
        "prompt_tokens": ctx.input_tokens,
        "completion_tokens": output,
        "total_tokens": ctx.input_tokens + output,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0, "audio_tokens": 0,
            "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0,
        },
    })
}

fn chunk(ctx: &Ctx, choices: Value, usage: Option<Value>) -> String {
    let mut c = json!({
        "id": id(ctx),
        "object": "chat.completion.chunk",
        "created": ctx.created,
        "model": ctx.model,
        "service_tier": "default",
        "system_fingerprint": "fp_mock0001",
        "choices": choices,
    });
    // With include_usage every chunk carries `"usage": null` until the usage chunk.
    if ctx.include_usage {
        c["usage"] = usage.unwrap_or(Value::Null);
    }
    c.to_string()
}

fn choice(delta: Value, finish_reason: Option<&str>) -> Value {
    json!([{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish_reason}])
}

fn finish_reason(finish: Finish) -> &'static str {
    match finish {
        Finish::Stop => "stop",
        Finish::ContentFilter { .. } => "content_filter",
    }
}

pub(super) fn events(ctx: &Ctx, finish: Finish, invalid: Option<usize>) -> Vec<Ev> {
    let n = finish.deltas();
    let mut out = vec![Ev::data(chunk(
        ctx,
        choice(
            json!({"role": "assistant", "content": "", "refusal": null}),
            None,
        ),
        None,
    ))];
    out.extend((1..=n).map(|k| {
        let delta = json!({"content": delta_text(k, invalid)});
        Ev::data(chunk(ctx, choice(delta, None), None)).delta(k)
    }));
    out.push(Ev::data(chunk(
        ctx,
        choice(json!({}), Some(finish_reason(finish))),
        None,
    )));
    if ctx.include_usage {
        out.push(Ev::data(chunk(
            ctx,
            json!([]),
            Some(usage(ctx, output_tokens(n))),
        )));
    }
    out.push(Ev::data("[DONE]").sentinel());
    out
}

pub(super) fn body(ctx: &Ctx, finish: Finish, invalid: Option<usize>) -> String {
    let n = finish.deltas();
    json!({
        "id": id(ctx),
        "object": "chat.completion",
        "created": ctx.created,
        "model": ctx.model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": text_upto(n, invalid),
                        "refusal": null, "annotations": []},
            "logprobs": null,
            "finish_reason": finish_reason(finish),
        }],
        "usage": usage(ctx, output_tokens(n)),
        "service_tier": "default",
        "system_fingerprint": "fp_mock0001",
    })
    .to_string()
}

pub(super) fn inband_error() -> Ev {
    Ev::data(
        json!({"error": {
            "message": "The server had an error while processing your request. Sorry about that!",
            "type": "server_error",
            "param": null,
            "code": null,
        }})
        .to_string(),
    )
}

pub(super) fn padding(ctx: &Ctx) -> Ev {
    Ev::data(chunk(ctx, choice(json!({}), None), None))
}

/// The error body both OpenAI APIs send (`{"error": {message, type, param, code}}`).
pub(super) fn error(provider: Provider, ctx: &Ctx, status: u16, variant: ErrorVariant) -> String {
    let responses = provider == Provider::OpenAiResponses;
    let (message, kind, param, code): (String, Value, Value, Value) = match (status, variant) {
        (400, ErrorVariant::ContextLength) if responses => (
            "Your input exceeds the context window of this model. Please adjust your input and \
             try again."
                .into(),
            json!("invalid_request_error"),
            json!("input"),
            json!("context_length_exceeded"),
        ),
        (400, ErrorVariant::ContextLength) => (
            format!(
                "This model's maximum context length is 128000 tokens. However, your messages \
                 resulted in {} tokens. Please reduce the length of the messages.",
                128_000 + ctx.input_tokens
            ),
            json!("invalid_request_error"),
            json!("messages"),
            json!("context_length_exceeded"),
        ),
        (400, ErrorVariant::ContentFilter) => (
            "Your request was rejected as a result of our safety system. Your prompt may \
             contain text that is not allowed by our safety system."
                .into(),
            json!("invalid_request_error"),
            Value::Null,
            json!("content_policy_violation"),
        ),
        (400, _) => (
            "Invalid request: the request body could not be processed.".into(),
            json!("invalid_request_error"),
            Value::Null,
            Value::Null,
        ),
        (401, _) => (
            "Incorrect API key provided. You can find your API key at \
             https://platform.openai.com/account/api-keys."
                .into(),
            json!("invalid_request_error"),
            Value::Null,
            json!("invalid_api_key"),
        ),
        // OpenAI itself does not send 402; OpenAI-compatible gateways do, for prepaid credit.
        (402, _) => (
            "Insufficient credits: this account's prepaid balance is exhausted. Add credits to \
             continue."
                .into(),
            json!("insufficient_credits"),
            Value::Null,
            json!("payment_required"),
        ),
        (403, _) => (
            "Project does not have access to this model.".into(),
            json!("invalid_request_error"),
            Value::Null,
            json!("model_not_found"),
        ),
        (404, _) => (
            format!(
                "The model `{}` does not exist or you do not have access to it.",
                ctx.model
            ),
            json!("invalid_request_error"),
            Value::Null,
            json!("model_not_found"),
        ),
        (429, ErrorVariant::Quota) => (
            "You exceeded your current quota, please check your plan and billing details. For \
             more information on this error, read the docs: \
             https://platform.openai.com/docs/guides/error-codes/api-errors."
                .into(),
            json!("insufficient_quota"),
            Value::Null,
            json!("insufficient_quota"),
        ),
        (429, _) => (
            format!(
                "Rate limit reached for {} in organization org-mock on requests per min (RPM): \
                 Limit 500, Used 500, Requested 1. Please try again in 120ms. Visit \
                 https://platform.openai.com/account/rate-limits to learn more.",
                ctx.model
            ),
            json!("requests"),
            Value::Null,
            json!("rate_limit_exceeded"),
        ),
        (503, _) => (
            "The engine is currently overloaded, please try again later".into(),
            json!("server_error"),
            Value::Null,
            Value::Null,
        ),
        (s, _) if s < 500 => (
            format!("Request failed with status {s}."),
            json!("invalid_request_error"),
            Value::Null,
            Value::Null,
        ),
        _ => (
            "The server had an error while processing your request. Sorry about that!".into(),
            json!("server_error"),
            Value::Null,
            Value::Null,
        ),
    };
    json!({"error": {"message": message, "type": kind, "param": param, "code": code}}).to_string()
}
