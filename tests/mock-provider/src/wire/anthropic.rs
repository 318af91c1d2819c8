//! Anthropic Messages: `message_start`, `content_block_start`, a `ping`, `content_block_delta`s,
//! `content_block_stop`, `message_delta` (stop reason, cumulative output tokens), `message_stop`
//! (the sentinel). Errors are `{"type":"error","error":{type,message},"request_id"}`.

use serde_json::{json, Value};

use super::{delta_text, output_tokens, text_upto, Ctx, Ev, Finish, ALNUM};
use crate::fault::ErrorVariant;

fn message_id(ctx: &Ctx) -> String {
    ctx.id("msg_01", 22, ALNUM)
}

/// The `request-id` header and error field.
pub(crate) fn request_id(ctx: &Ctx) -> String {
    ctx.id("req_011C", 20, ALNUM)
}

fn stop_reason(finish: Finish) -> &'static str {
    match finish {
        Finish::Stop => "end_turn",
        Finish::ContentFilter { .. } => "refusal",
    }
}

fn usage(ctx: &Ctx, output: u64) -> Value {
    json!({
        "input_tokens": ctx.input_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "output_tokens": output,
        "service_tier": "standard",
    })
}

pub(super) fn events(ctx: &Ctx, finish: Finish, invalid: Option<usize>) -> Vec<Ev> {
    let n = finish.deltas();
    let mut out = vec![
        Ev::named(
            "message_start",
            json!({"type": "message_start", "message": {
                "id": message_id(ctx), "type": "message", "role": "assistant",
                "model": ctx.model, "content": [], "stop_reason": null, "stop_sequence": null,
                "usage": usage(ctx, 1),
            }})
            .to_string(),
        ),
        Ev::named(
            "content_block_start",
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
        ),
        Ev::named("ping", r#"{"type": "ping"}"#),
    ];
    out.extend((1..=n).map(|k| {
        let data = json!({"type": "content_block_delta", "index": 0,
                          "delta": {"type": "text_delta", "text": delta_text(k, invalid)}});
        Ev::named("content_block_delta", data.to_string()).delta(k)
    }));
    out.push(Ev::named(
        "content_block_stop",
        r#"{"type":"content_block_stop","index":0}"#,
    ));
    out.push(Ev::named(
        "message_delta",
        json!({"type": "message_delta",
               "delta": {"stop_reason": stop_reason(finish), "stop_sequence": null},
               "usage": {"output_tokens": output_tokens(n)}})
        .to_string(),
    ));
    out.push(Ev::named("message_stop", r#"{"type":"message_stop"}"#).sentinel());
    out
}

pub(super) fn body(ctx: &Ctx, finish: Finish, invalid: Option<usize>) -> String {
    let n = finish.deltas();
    json!({
        "id": message_id(ctx),
        "type": "message",
        "role": "assistant",
        "model": ctx.model,
        "content": [{"type": "text", "text": text_upto(n, invalid)}],
        "stop_reason": stop_reason(finish),
        "stop_sequence": null,
        "usage": usage(ctx, output_tokens(n)),
    })
    .to_string()
}

pub(super) fn inband_error() -> Ev {
    Ev::named(
        "error",
        r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
    )
}

pub(super) fn error(ctx: &Ctx, status: u16, variant: ErrorVariant) -> String {
    let (kind, message) = match (status, variant) {
        (400, ErrorVariant::ContextLength) => (
            "invalid_request_error",
            format!(
                "prompt is too long: {} tokens > 200000 maximum",
                200_000 + ctx.input_tokens
            ),
        ),
        (400, ErrorVariant::ContentFilter) => (
            "invalid_request_error",
            "Output blocked by content filtering policy".to_owned(),
        ),
        (400, _) => (
            "invalid_request_error",
            "messages: Input should be a valid list".to_owned(),
        ),
        (401, _) => ("authentication_error", "invalid x-api-key".to_owned()),
        (402, _) => (
            "billing_error",
            "Your credit balance is too low to access the Anthropic API. Please go to Plans & \
             Billing to upgrade or purchase credits."
                .to_owned(),
        ),
        (403, _) => (
            "permission_error",
            "Your API key does not have permission to use the specified resource.".to_owned(),
        ),
        (404, _) => ("not_found_error", format!("model: {}", ctx.model)),
        (413, _) => (
            "request_too_large",
            "Request exceeds the maximum allowed number of bytes.".to_owned(),
        ),
        // Anthropic has no machine-readable "spend limit" type: the message is all there is.
        (429, ErrorVariant::Quota) => (
            "rate_limit_error",
            "You have reached your specified workspace API usage limits. You will regain \
             access at the start of next month."
                .to_owned(),
        ),
        (429, _) => (
            "rate_limit_error",
            "This request would exceed the rate limit for your organization of 50 requests \
             per minute. For details, refer to: \
             https://docs.claude.com/en/api/rate-limits."
                .to_owned(),
        ),
        (529, _) => ("overloaded_error", "Overloaded".to_owned()),
        (s, _) if s >= 500 => ("api_error", "Internal server error".to_owned()),
        (s, _) => ("invalid_request_error", format!("Request failed ({s})")),
    };
    json!({
        "type": "error",
        "error": {"type": kind, "message": message},
        "request_id": request_id(ctx),
    })
    .to_string()
}
