//! Request encoding, answer decoding and error classification, per provider, on real-shaped
//! bodies.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{json, Value};

use super::*;
use crate::provider::{ErrorClass, StreamDecoder, StreamEvent};

fn request() -> Request {
    Request::from_json(
        r#"{"model": "m", "system": "Be terse.",
            "messages": [
              {"role": "user", "content": "Hi"},
              {"role": "assistant", "content": "Hello."},
              {"role": "user", "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image", "mime_type": "image/png", "data": "iVBORw0K"},
                {"type": "image", "url": "https://example.com/cat.jpg"}]}],
            "max_output_tokens": 256, "temperature": 0.5, "stop": ["END"]}"#,
    )
    .unwrap()
}

fn target(kind: Provider) -> Target<'static> {
    Target {
        kind,
        provider: "prov",
        base_url: "http://127.0.0.1:9",
        model_id: "model-x",
    }
}

fn body(kind: Provider, request: &Request, stream: bool, prefill: Option<&str>) -> (String, Value) {
    let encoded = encode(target(kind), request, stream, prefill).unwrap();
    (
        url(target(kind), stream),
        serde_json::from_slice(&encoded.body).unwrap(),
    )
}

#[test]
fn gemini_request() {
    let (url, body) = body(Provider::Gemini, &request(), true, None);
    assert_eq!(
        url,
        "http://127.0.0.1:9/v1beta/models/model-x:streamGenerateContent?alt=sse"
    );
    assert_eq!(
        body,
        json!({
            "contents": [
                {"role": "user", "parts": [{"text": "Hi"}]},
                {"role": "model", "parts": [{"text": "Hello."}]},
                {"role": "user", "parts": [
                    {"text": "What is this?"},
                    {"inlineData": {"mimeType": "image/png", "data": "iVBORw0K"}},
                    {"fileData": {"mimeType": "image/jpeg", "fileUri": "https://example.com/cat.jpg"}}]}],
            "systemInstruction": {"parts": [{"text": "Be terse."}]},
            "generationConfig": {"maxOutputTokens": 256, "temperature": 0.5, "stopSequences": ["END"]}
        })
    );
    let (url, _) = super::tests::body(Provider::Gemini, &request(), false, None);
    assert_eq!(
        url,
        "http://127.0.0.1:9/v1beta/models/model-x:generateContent"
    );
}

#[test]
fn openai_chat_request() {
    let (url, body) = body(Provider::OpenAiChat, &request(), true, None);
    assert_eq!(url, "http://127.0.0.1:9/v1/chat/completions");
    assert_eq!(
        body,
        json!({
            "model": "model-x",
            "messages": [
                {"role": "system", "content": "Be terse."},
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello."},
                {"role": "user", "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0K"}},
                    {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}}]}],
            "stream": true,
            "stream_options": {"include_usage": true},
            "max_completion_tokens": 256,
            "temperature": 0.5,
            "stop": ["END"]
        })
    );
    let (_, plain) = super::tests::body(Provider::OpenAiChat, &request(), false, None);
    assert_eq!(plain["stream"], json!(false));
    assert!(plain.get("stream_options").is_none());
}

#[test]
fn openai_responses_request() {
    let mut request = request();
    request.stop.clear();
    let (url, body) = body(Provider::OpenAiResponses, &request, true, None);
    assert_eq!(url, "http://127.0.0.1:9/v1/responses");
    assert_eq!(
        body,
        json!({
            "model": "model-x",
            "input": [
                {"role": "user", "content": [{"type": "input_text", "text": "Hi"}]},
                {"role": "assistant", "content": [{"type": "output_text", "text": "Hello."}]},
                {"role": "user", "content": [
                    {"type": "input_text", "text": "What is this?"},
                    {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0K"},
                    {"type": "input_image", "image_url": "https://example.com/cat.jpg"}]}],
            "instructions": "Be terse.",
            "max_output_tokens": 256,
            "temperature": 0.5,
            "stream": true
        })
    );
    // No stop sequences in that API: refused rather than ignored.
    let e = encode(
        target(Provider::OpenAiResponses),
        &super::tests::request(),
        true,
        None,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.message().starts_with("stop:"));
}

#[test]
fn anthropic_request() {
    let (url, body) = body(Provider::Anthropic, &request(), true, None);
    assert_eq!(url, "http://127.0.0.1:9/v1/messages");
    assert_eq!(
        body,
        json!({
            "model": "model-x",
            "max_tokens": 256,
            "messages": [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello."},
                {"role": "user", "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0K"}},
                    {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}}]}],
            "system": "Be terse.",
            "temperature": 0.5,
            "stop_sequences": ["END"],
            "stream": true
        })
    );
    let minimal = Request::new("m", "Hi");
    let (_, plain) = super::tests::body(Provider::Anthropic, &minimal, false, None);
    assert_eq!(
        plain,
        json!({"model": "model-x", "max_tokens": 4096,
               "messages": [{"role": "user", "content": "Hi"}]})
    );
}

#[test]
fn a_prefill_is_a_trailing_assistant_turn() {
    let minimal = Request::new("m", "Count");
    let (_, b) = body(Provider::Anthropic, &minimal, true, Some("one two"));
    assert_eq!(
        b["messages"],
        json!([{"role": "user", "content": "Count"}, {"role": "assistant", "content": "one two"}])
    );
    let (_, b) = body(Provider::Gemini, &minimal, true, Some("one two"));
    assert_eq!(
        b["contents"][1],
        json!({"role": "model", "parts": [{"text": "one two"}]})
    );
}

#[test]
fn extra_merges_by_kind_then_by_provider_name() {
    let mut request = Request::new("m", "Hi");
    request.temperature = Some(0.1);
    request.extra.insert(
        "gemini".into(),
        json!({"generationConfig": {"topK": 3, "temperature": 0.9}, "safetySettings": []}),
    );
    request
        .extra
        .insert("prov".into(), json!({"generationConfig": {"topK": 5}}));
    request
        .extra
        .insert("openai".into(), json!({"user": "u-1"}));
    let (_, b) = body(Provider::Gemini, &request, true, None);
    assert_eq!(
        b["generationConfig"],
        json!({"temperature": 0.9, "topK": 5})
    );
    assert_eq!(b["safetySettings"], json!([]));
    assert!(
        b.get("user").is_none(),
        "another provider's extra leaked in"
    );
    let (_, b) = body(Provider::OpenAiChat, &request, true, None);
    assert_eq!(b["user"], json!("u-1"));
}

#[test]
fn auth_headers_per_provider_are_sensitive() {
    let key = Secret::new("k-123");
    for (kind, name, value) in [
        (Provider::Gemini, "x-goog-api-key", "k-123"),
        (Provider::OpenAiChat, "authorization", "Bearer k-123"),
        (Provider::OpenAiResponses, "authorization", "Bearer k-123"),
        (Provider::Anthropic, "x-api-key", "k-123"),
    ] {
        let h = headers(kind, Some(&key), true).unwrap();
        assert_eq!(h[name], value);
        assert!(h[name].is_sensitive());
        assert_eq!(h["accept"], "text/event-stream");
        assert!(!format!("{h:?}").contains("k-123"));
        let plain = headers(kind, None, false).unwrap();
        assert!(plain.get(name).is_none());
        assert_eq!(plain["accept"], "application/json");
    }
    let h = headers(Provider::Anthropic, None, true).unwrap();
    assert_eq!(h["anthropic-version"], "2023-06-01");
    let e = headers(Provider::Gemini, Some(&Secret::new("bad\nkey")), true).unwrap_err();
    assert!(!e.message().contains("bad"));
}

#[test]
fn gemini_answer() {
    let body = br#"{"candidates": [{"content": {"parts": [{"text": "thinking...", "thought": true},
        {"text": "Hello "}, {"text": "world"}], "role": "model"}, "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 2, "totalTokenCount": 31,
        "thoughtsTokenCount": 20, "cachedContentTokenCount": 4}, "modelVersion": "gemini-2.5-pro"}"#;
    let a = decode_answer(Provider::Gemini, body).unwrap();
    assert_eq!(a.text, "Hello world");
    assert_eq!(a.finish_reason, Some(FinishReason::Stop));
    assert_eq!(a.raw_finish_reason.as_deref(), Some("STOP"));
    assert_eq!(
        a.usage,
        Usage {
            input_tokens: Some(9),
            output_tokens: Some(2),
            total_tokens: Some(31),
            cached_tokens: Some(4),
            reasoning_tokens: Some(20)
        }
    );
    let blocked = br#"{"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 5}}"#;
    let a = decode_answer(Provider::Gemini, blocked).unwrap();
    assert_eq!(a.text, "");
    assert_eq!(a.finish_reason, Some(FinishReason::ContentFilter));
    assert_eq!(a.raw_finish_reason.as_deref(), Some("SAFETY"));
}

#[test]
fn openai_chat_answer() {
    let body = br#"{"id": "chatcmpl-1", "object": "chat.completion", "choices": [{"index": 0,
        "message": {"role": "assistant", "content": "Hi there", "refusal": null},
        "finish_reason": "length"}], "usage": {"prompt_tokens": 12, "completion_tokens": 3,
        "total_tokens": 15, "prompt_tokens_details": {"cached_tokens": 2},
        "completion_tokens_details": {"reasoning_tokens": 0}}}"#;
    let a = decode_answer(Provider::OpenAiChat, body).unwrap();
    assert_eq!(a.text, "Hi there");
    assert_eq!(a.finish_reason, Some(FinishReason::Length));
    assert_eq!(a.usage.input_tokens, Some(12));
    assert_eq!(a.usage.output_tokens, Some(3));
    assert_eq!(a.usage.cached_tokens, Some(2));
    assert_eq!(a.usage.reasoning_tokens, Some(0));
    assert_eq!(a.error, None);
}

#[test]
fn openai_responses_answer() {
    let body = br#"{"id": "resp_1", "object": "response", "status": "completed",
        "output": [{"type": "reasoning", "summary": []},
                   {"type": "message", "role": "assistant", "content": [
                       {"type": "output_text", "text": "Hi ", "annotations": []},
                       {"type": "output_text", "text": "there"}]}],
        "usage": {"input_tokens": 7, "output_tokens": 2, "total_tokens": 9,
                  "input_tokens_details": {"cached_tokens": 1},
                  "output_tokens_details": {"reasoning_tokens": 5}}}"#;
    let a = decode_answer(Provider::OpenAiResponses, body).unwrap();
    assert_eq!(a.text, "Hi there");
    assert_eq!(a.finish_reason, Some(FinishReason::Stop));
    assert_eq!(a.raw_finish_reason.as_deref(), Some("completed"));
    assert_eq!(a.usage.reasoning_tokens, Some(5));
    let incomplete = br#"{"status": "incomplete", "incomplete_details": {"reason": "max_output_tokens"}, "output": []}"#;
    let a = decode_answer(Provider::OpenAiResponses, incomplete).unwrap();
    assert_eq!(a.finish_reason, Some(FinishReason::Length));
    assert_eq!(a.raw_finish_reason.as_deref(), Some("max_output_tokens"));
}

#[test]
fn anthropic_answer() {
    let body = br#"{"id": "msg_1", "type": "message", "role": "assistant", "model": "claude",
        "content": [{"type": "thinking", "thinking": "hmm"}, {"type": "text", "text": "Hello"}],
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 10, "cache_read_input_tokens": 5,
                  "cache_creation_input_tokens": 1, "output_tokens": 4}}"#;
    let a = decode_answer(Provider::Anthropic, body).unwrap();
    assert_eq!(a.text, "Hello");
    assert_eq!(a.finish_reason, Some(FinishReason::Stop));
    assert_eq!(
        a.usage,
        Usage {
            input_tokens: Some(16),
            output_tokens: Some(4),
            total_tokens: Some(20),
            cached_tokens: Some(5),
            reasoning_tokens: None
        }
    );
    let overloaded =
        br#"{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}"#;
    let a = decode_answer(Provider::Anthropic, overloaded).unwrap();
    let error = a.error.unwrap();
    assert_eq!(error.kind, ErrorClass::Overloaded);
    assert_eq!(error.code.as_deref(), Some("overloaded_error"));
}

#[test]
fn bad_answers_say_what_is_wrong() {
    for kind in Provider::ALL.iter().copied() {
        assert!(decode_answer(kind, b"{\"choices\": [")
            .unwrap_err()
            .contains("not JSON"));
        assert!(decode_answer(kind, b"[1]")
            .unwrap_err()
            .contains("not a JSON object"));
    }
}

/// The finish reason a stream decoder gives for `raw`, through a real-shaped event.
fn streamed_reason(kind: Provider, raw: &str) -> Option<FinishReason> {
    let chunk = match kind {
        Provider::Gemini => format!(
            "data: {{\"candidates\":[{{\"content\":{{\"parts\":[{{\"text\":\"x\"}}]}},\"finishReason\":\"{raw}\"}}]}}\n\n"
        ),
        Provider::OpenAiChat => format!(
            "data: {{\"choices\":[{{\"delta\":{{}},\"finish_reason\":\"{raw}\"}}]}}\n\n"
        ),
        Provider::OpenAiResponses => format!(
            "event: response.incomplete\ndata: {{\"response\":{{\"incomplete_details\":{{\"reason\":\"{raw}\"}}}}}}\n\n"
        ),
        Provider::Anthropic => format!(
            "event: message_delta\ndata: {{\"delta\":{{\"stop_reason\":\"{raw}\"}}}}\n\n"
        ),
    };
    let mut decoder = StreamDecoder::new(kind);
    let mut events = Vec::new();
    decoder.feed_to_vec(chunk.as_bytes(), &mut events).unwrap();
    events.into_iter().find_map(|e| match e {
        StreamEvent::Finish { reason, .. } => Some(reason),
        _ => None,
    })
}

#[test]
fn non_stream_finish_reasons_match_the_stream_decoders() {
    type Mapping = fn(&str) -> FinishReason;
    let cases: [(Provider, Mapping, &[&str]); 4] = [
        (
            Provider::Gemini,
            gemini::finish_reason,
            &[
                "STOP",
                "MAX_TOKENS",
                "SAFETY",
                "RECITATION",
                "BLOCKLIST",
                "PROHIBITED_CONTENT",
                "SPII",
                "IMAGE_SAFETY",
                "MALFORMED_FUNCTION_CALL",
                "UNEXPECTED_TOOL_CALL",
                "OTHER",
                "NEW",
            ],
        ),
        (
            Provider::OpenAiChat,
            openai_chat::finish_reason,
            &[
                "stop",
                "length",
                "tool_calls",
                "function_call",
                "content_filter",
                "new",
            ],
        ),
        (
            Provider::OpenAiResponses,
            openai_responses::incomplete_reason,
            &["max_output_tokens", "content_filter", "new"],
        ),
        (
            Provider::Anthropic,
            anthropic::finish_reason,
            &[
                "end_turn",
                "stop_sequence",
                "max_tokens",
                "model_context_window_exceeded",
                "tool_use",
                "refusal",
                "pause_turn",
                "new",
            ],
        ),
    ];
    for (kind, map, raws) in cases {
        for raw in raws {
            assert_eq!(Some(map(raw)), streamed_reason(kind, raw), "{kind} {raw}");
        }
    }
}

fn headers_of(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in pairs {
        h.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    h
}

#[test]
fn rate_limits_with_and_without_hints() {
    let gemini_429 = br#"{"error": {"code": 429, "message": "Resource has been exhausted (e.g. check quota).", "status": "RESOURCE_EXHAUSTED",
        "details": [{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests", "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]},
                    {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"}]}}"#;
    let f = classify_http(429, &HeaderMap::new(), gemini_429);
    assert_eq!((f.kind, f.next), (ErrorKind::RateLimited, Next::Retry));
    assert_eq!(f.retry_after, Some(Duration::from_secs(37)));
    assert_eq!(f.provider_code.as_deref(), Some("RESOURCE_EXHAUSTED"));
    assert_eq!(f.http_status, Some(429));
    assert!(f.unhealthy);

    let f = classify_http(429, &headers_of(&[("retry-after", "2")]), b"{}");
    assert_eq!(f.retry_after, Some(Duration::from_secs(2)));
    let f = classify_http(
        429,
        &headers_of(&[("retry-after-ms", "1500"), ("retry-after", "9")]),
        b"",
    );
    assert_eq!(f.retry_after, Some(Duration::from_millis(1500)));
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(30));
    let f = classify_http(429, &headers_of(&[("retry-after", &date)]), b"");
    let wait = f.retry_after.unwrap();
    assert!(
        wait > Duration::from_secs(28) && wait <= Duration::from_secs(30),
        "{wait:?}"
    );
    let past = httpdate::fmt_http_date(std::time::SystemTime::now() - Duration::from_secs(30));
    let f = classify_http(429, &headers_of(&[("retry-after", &past)]), b"");
    assert_eq!(f.retry_after, Some(Duration::ZERO));
    let f = classify_http(429, &headers_of(&[("retry-after", "soon")]), b"");
    assert_eq!((f.next, f.retry_after), (Next::Retry, None));
}

#[test]
fn exhausted_quotas_are_not_retried() {
    let openai = br#"{"error": {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "param": null, "code": "insufficient_quota"}}"#;
    let f = classify_http(429, &HeaderMap::new(), openai);
    assert_eq!((f.kind, f.next), (ErrorKind::RateLimited, Next::FailOver));
    assert_eq!(f.provider_code.as_deref(), Some("insufficient_quota"));
    let gemini_daily = br#"{"error": {"code": 429, "message": "You exceeded your current quota.", "status": "RESOURCE_EXHAUSTED",
        "details": [{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]},
                    {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "20s"}]}}"#;
    let f = classify_http(429, &HeaderMap::new(), gemini_daily);
    assert_eq!((f.kind, f.next), (ErrorKind::RateLimited, Next::FailOver));
}

#[test]
fn payment_context_and_content_policy() {
    let f = classify_http(
        402,
        &HeaderMap::new(),
        br#"{"error": {"message": "Insufficient credits"}}"#,
    );
    assert_eq!(
        (f.kind, f.next),
        (ErrorKind::PaymentRequired, Next::PaymentRequired)
    );
    assert!(!f.unhealthy);

    for body in [
        &br#"{"error": {"message": "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}}"#[..],
        br#"{"type": "error", "error": {"type": "invalid_request_error", "message": "prompt is too long: 210000 tokens > 200000 maximum"}}"#,
        br#"{"error": {"code": 400, "message": "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).", "status": "INVALID_ARGUMENT"}}"#,
    ] {
        let f = classify_http(400, &HeaderMap::new(), body);
        assert_eq!((f.kind, f.next), (ErrorKind::ContextLengthExceeded, Next::LargerContext), "{}", String::from_utf8_lossy(body));
    }
    let f = classify_http(413, &HeaderMap::new(), br#"{"type": "error", "error": {"type": "request_too_large", "message": "Request exceeds the maximum allowed number of bytes."}}"#);
    assert_eq!(f.kind, ErrorKind::ContextLengthExceeded);

    let f = classify_http(400, &HeaderMap::new(), br#"{"error": {"message": "Your request was rejected as a result of our safety system.", "type": "invalid_request_error", "code": "content_policy_violation"}}"#);
    assert_eq!((f.kind, f.next), (ErrorKind::ContentFiltered, Next::Stop));
    assert!(
        f.message
            .contains("rejected as a result of our safety system"),
        "{}",
        f.message
    );
}

#[test]
fn server_errors_retry_and_other_client_errors_fail_over() {
    for status in [500, 502, 503, 504, 529, 408, 409] {
        let f = classify_http(status, &HeaderMap::new(), b"<html>busy</html>");
        assert_eq!(
            (f.kind, f.next),
            (ErrorKind::UpstreamHttp, Next::Retry),
            "{status}"
        );
        assert!(f.unhealthy);
    }
    let f = classify_http(
        529,
        &HeaderMap::new(),
        br#"{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}"#,
    );
    assert_eq!(f.message, "HTTP 529 (overloaded_error): Overloaded");
    for status in [400, 401, 403, 404, 422, 501] {
        let f = classify_http(status, &HeaderMap::new(), b"");
        assert_eq!(
            (f.kind, f.next),
            (ErrorKind::UpstreamHttp, Next::FailOver),
            "{status}"
        );
        assert!(!f.unhealthy);
    }
    let f = classify_http(503, &headers_of(&[("x-should-retry", "false")]), b"");
    assert_eq!(f.next, Next::FailOver);
    let f = classify_http(400, &headers_of(&[("x-should-retry", "true")]), b"");
    assert_eq!(f.next, Next::Retry);
    let f = classify_http(503, &HeaderMap::new(), "é".repeat(400).as_bytes());
    assert!(f.message.len() < 320);
}

#[test]
fn in_band_errors() {
    let e = |kind, code: Option<&str>, message: &str| ProviderError {
        kind,
        message: message.into(),
        code: code.map(str::to_owned),
    };
    let f = classify_in_band(&e(
        ErrorClass::Overloaded,
        Some("overloaded_error"),
        "Overloaded",
    ));
    assert_eq!((f.kind, f.next), (ErrorKind::UpstreamHttp, Next::Retry));
    assert_eq!(
        f.message,
        "error in the stream (overloaded_error): Overloaded"
    );
    let f = classify_in_band(&e(
        ErrorClass::RateLimit,
        Some("insufficient_quota"),
        "quota",
    ));
    assert_eq!((f.kind, f.next), (ErrorKind::RateLimited, Next::FailOver));
    let f = classify_in_band(&e(ErrorClass::ContentFilter, None, "blocked"));
    assert_eq!((f.kind, f.next), (ErrorKind::ContentFiltered, Next::Stop));
    let f = classify_in_band(&e(
        ErrorClass::InvalidRequest,
        Some("context_length_exceeded"),
        "too long",
    ));
    assert_eq!(f.next, Next::LargerContext);
    let f = classify_in_band(&e(ErrorClass::InvalidRequest, None, "bad"));
    assert_eq!(f.next, Next::FailOver);
}
