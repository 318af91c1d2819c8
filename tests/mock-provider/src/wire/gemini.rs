//! Gemini `generateContent` / `streamGenerateContent?alt=sse`: data-only events, no sentinel
//! (the chunk with `finishReason` ends the answer), `usageMetadata` on every chunk.

use serde_json::{json, Value};

use super::{delta_text, output_tokens, text_upto, Ctx, Ev, Finish, ALNUM};
use crate::fault::ErrorVariant;

/// Gemini's context window for the models the mock pretends to be.
const CONTEXT_WINDOW: u64 = 1_048_576;

fn response_id(ctx: &Ctx) -> String {
    ctx.id("", 23, ALNUM)
}

fn usage(ctx: &Ctx, output: Option<u64>) -> Value {
    let prompt = json!([{"modality": "TEXT", "tokenCount": ctx.input_tokens}]);
    match output {
        Some(out) => json!({
            "promptTokenCount": ctx.input_tokens,
            "candidatesTokenCount": out,
            "totalTokenCount": ctx.input_tokens + out,
            "promptTokensDetails": prompt,
        }),
        None => json!({
            "promptTokenCount": ctx.input_tokens,
            "totalTokenCount": ctx.input_tokens,
            "promptTokensDetails": prompt,
        }),
    }
}

fn chunk(ctx: &Ctx, candidate: Value, usage: Value) -> String {
    json!({
        "candidates": [candidate],
        "usageMetadata": usage,
        "modelVersion": ctx.model,
        "responseId": response_id(ctx),
    })
    .to_string()
}

fn finish_candidate(text: &str, finish: Finish) -> Value {
    let mut c = json!({
        "content": {"parts": [{"text": text}], "role": "model"},
        "index": 0,
    });
    match finish {
        Finish::Stop => c["finishReason"] = json!("STOP"),
        Finish::ContentFilter { .. } => {
            c["finishReason"] = json!("SAFETY");
            c["safetyRatings"] = json!([{
                "category": "HARM_CATEGORY_DANGEROUS_CONTENT",
                "probability": "HIGH",
                "blocked": true,
            }]);
        }
    }
    c
}

pub(super) fn events(ctx: &Ctx, finish: Finish, invalid: Option<usize>) -> Vec<Ev> {
    let n = finish.deltas();
    let mut out: Vec<Ev> = (1..=n)
        .map(|k| {
            let candidate = json!({
                "content": {"parts": [{"text": delta_text(k, invalid)}], "role": "model"},
                "index": 0,
            });
            Ev::data(chunk(ctx, candidate, usage(ctx, None))).delta(k)
        })
        .collect();
    out.push(Ev::data(chunk(
        ctx,
        finish_candidate("", finish),
        usage(ctx, Some(output_tokens(n))),
    )));
    out
}

pub(super) fn body(ctx: &Ctx, finish: Finish, invalid: Option<usize>) -> String {
    let n = finish.deltas();
    chunk(
        ctx,
        finish_candidate(&text_upto(n, invalid), finish),
        usage(ctx, Some(output_tokens(n))),
    )
}

/// The answer to a prompt blocked by policy: HTTP 200, no candidates, `promptFeedback`.
pub(crate) fn blocked_prompt(ctx: &Ctx) -> String {
    json!({
        "promptFeedback": {"blockReason": "PROHIBITED_CONTENT"},
        "usageMetadata": usage(ctx, None),
        "modelVersion": ctx.model,
        "responseId": response_id(ctx),
    })
    .to_string()
}

/// The `?alt=sse`-less stream: one JSON array of the chunks.
pub(crate) fn json_array(events: &[Ev]) -> String {
    let items: Vec<&str> = events.iter().map(|e| e.data.as_str()).collect();
    format!("[{}]", items.join("\r\n,"))
}

pub(super) fn inband_error() -> Ev {
    Ev::data(
        json!({"error": {
            "code": 503,
            "message": "The model is overloaded. Please try again later.",
            "status": "UNAVAILABLE",
        }})
        .to_string(),
    )
}

pub(super) fn padding(ctx: &Ctx) -> Ev {
    let candidate = json!({"content": {"parts": [{"text": ""}], "role": "model"}, "index": 0});
    Ev::data(chunk(ctx, candidate, usage(ctx, None)))
}

fn quota_failure(ctx: &Ctx, quota_id: &str, limit: &str) -> Value {
    json!({
        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
        "violations": [{
            "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            "quotaId": quota_id,
            "quotaDimensions": {"location": "global", "model": ctx.model},
            "quotaValue": limit,
        }],
    })
}

pub(super) fn error(
    ctx: &Ctx,
    status: u16,
    variant: ErrorVariant,
    retry_info: Option<&str>,
) -> String {
    let (grpc, message) = match (status, variant) {
        (400, ErrorVariant::ContextLength) => (
            "INVALID_ARGUMENT",
            format!(
                "The input token count ({}) exceeds the maximum number of tokens allowed \
                 ({CONTEXT_WINDOW}).",
                CONTEXT_WINDOW + ctx.input_tokens
            ),
        ),
        (400, _) => (
            "INVALID_ARGUMENT",
            "Request contains an invalid argument.".to_owned(),
        ),
        (401, _) => (
            "UNAUTHENTICATED",
            "API key not valid. Please pass a valid API key.".to_owned(),
        ),
        (402, _) => (
            "FAILED_PRECONDITION",
            "Billing is not enabled for this project: prepayment credits are depleted.".to_owned(),
        ),
        (403, _) => (
            "PERMISSION_DENIED",
            "Method doesn't allow unregistered callers.".to_owned(),
        ),
        (404, _) => (
            "NOT_FOUND",
            format!(
                "models/{} is not found for API version v1beta, or is not supported for \
                 generateContent.",
                ctx.model
            ),
        ),
        (429, ErrorVariant::Quota) => (
            "RESOURCE_EXHAUSTED",
            "You exceeded your current quota, please check your plan and billing details. \
             Quota exceeded for metric: generate_content_free_tier_requests, limit: 50"
                .to_owned(),
        ),
        (429, _) if retry_info.is_some() => (
            "RESOURCE_EXHAUSTED",
            "You exceeded your current quota, please check your plan and billing details. \
             Quota exceeded for metric: generate_content_free_tier_requests, limit: 10"
                .to_owned(),
        ),
        (429, _) => (
            "RESOURCE_EXHAUSTED",
            "Resource has been exhausted (e.g. check quota).".to_owned(),
        ),
        (500, _) => (
            "INTERNAL",
            "An internal error has occurred. Please retry or report in \
             https://developers.generativeai.google/guide/troubleshooting"
                .to_owned(),
        ),
        (503 | 529, _) => (
            "UNAVAILABLE",
            "The model is overloaded. Please try again later.".to_owned(),
        ),
        (504, _) => (
            "DEADLINE_EXCEEDED",
            "The request timed out. Please try again.".to_owned(),
        ),
        (s, _) if s >= 500 => ("INTERNAL", "Internal error encountered.".to_owned()),
        _ => (
            "FAILED_PRECONDITION",
            "Precondition check failed.".to_owned(),
        ),
    };
    let mut details = Vec::new();
    if status == 429 {
        match variant {
            ErrorVariant::Quota => details.push(quota_failure(
                ctx,
                "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                "50",
            )),
            _ if retry_info.is_some() => details.push(quota_failure(
                ctx,
                "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                "10",
            )),
            _ => {}
        }
        if !details.is_empty() {
            details.push(json!({
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [{"description": "Learn more about Gemini API quotas",
                           "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}],
            }));
        }
    }
    if let Some(delay) = retry_info {
        details.push(json!({
            "@type": "type.googleapis.com/google.rpc.RetryInfo",
            "retryDelay": format!("{delay}s"),
        }));
    }
    let mut error = json!({"code": status, "message": message, "status": grpc});
    if !details.is_empty() {
        error["details"] = Value::Array(details);
    }
    json!({ "error": error }).to_string()
}
