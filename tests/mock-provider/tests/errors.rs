//! HTTP error faults: statuses, each provider's real error bodies, and the retry hints.

mod common;

use std::time::{Duration, SystemTime};

use common::*;
use genie_core::provider::ErrorClass;
use genie_mock_provider::{MockProvider, Provider};
use serde_json::Value;

async fn error(
    mock: &MockProvider,
    provider: Provider,
    stream: bool,
    fault: &str,
) -> (u16, Reply, Value) {
    let reply = send(mock, &Req::new(provider, "m", stream).fault(fault), SHORT).await;
    let v = serde_json::from_slice(&reply.body()).unwrap_or(Value::Null);
    (reply.status, reply, v)
}

/// The provider's own error token (`status` / `error.type` / `error.code`), as clients classify.
fn tokens(provider: Provider, v: &Value) -> Vec<String> {
    let paths: &[&str] = match provider {
        Provider::Gemini => &["/error/status"],
        Provider::Anthropic => &["/error/type"],
        _ => &["/error/type", "/error/code"],
    };
    paths
        .iter()
        .filter_map(|p| v.pointer(p)?.as_str().map(str::to_owned))
        .collect()
}

fn class(provider: Provider, v: &Value) -> Option<ErrorClass> {
    tokens(provider, v)
        .iter()
        .rev()
        .find_map(|t| ErrorClass::from_provider_token(t))
}

#[tokio::test]
async fn statuses_carry_each_providers_error_body() {
    let mock = MockProvider::start().await;
    for provider in ALL {
        for stream in [true, false] {
            for (fault, status, expected) in [
                ("status=429", 429, Some(ErrorClass::RateLimit)),
                ("status=500", 500, Some(ErrorClass::Overloaded)),
                ("status=503", 503, Some(ErrorClass::Overloaded)),
                ("status=529", 529, Some(ErrorClass::Overloaded)),
                (
                    "status=400,context_length",
                    400,
                    Some(ErrorClass::InvalidRequest),
                ),
            ] {
                let (got, reply, v) = error(&mock, provider, stream, fault).await;
                assert_eq!(got, status, "{provider:?} {fault}");
                assert!(reply
                    .header("content-type")
                    .unwrap()
                    .starts_with("application/json"));
                assert_eq!(class(provider, &v), expected, "{provider:?} {fault}: {v}");
            }
        }
    }
}

#[tokio::test]
async fn anthropic_529_is_overloaded_error() {
    let mock = MockProvider::start().await;
    let (status, reply, v) = error(&mock, Provider::Anthropic, true, "status=529").await;
    assert_eq!(status, 529);
    assert_eq!(v["type"], "error");
    assert_eq!(v["error"]["type"], "overloaded_error");
    assert!(v["request_id"].as_str().unwrap().starts_with("req_"));
    assert_eq!(reply.header("request-id"), v["request_id"].as_str());
}

#[tokio::test]
async fn context_length_bodies_say_so() {
    let mock = MockProvider::start().await;
    let expect = [
        (
            Provider::Gemini,
            "/error/message",
            "exceeds the maximum number of tokens",
        ),
        (
            Provider::OpenAiChat,
            "/error/code",
            "context_length_exceeded",
        ),
        (
            Provider::OpenAiResponses,
            "/error/code",
            "context_length_exceeded",
        ),
        (Provider::Anthropic, "/error/message", "prompt is too long"),
    ];
    for (provider, path, needle) in expect {
        let (status, _, v) = error(&mock, provider, false, "context_length").await;
        assert_eq!(status, 400);
        assert!(
            v.pointer(path).unwrap().as_str().unwrap().contains(needle),
            "{v}"
        );
    }
}

#[tokio::test]
async fn content_filter_is_each_providers_policy_rejection() {
    let mock = MockProvider::start().await;
    let (status, _, v) = error(
        &mock,
        Provider::OpenAiChat,
        false,
        "status=400,content_filter",
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["error"]["code"], "content_policy_violation");
    let (status, _, v) = error(&mock, Provider::Anthropic, false, "content_filter").await;
    assert_eq!(status, 400);
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("content filtering"));
    // Gemini blocks a prompt with a 200 and promptFeedback, stream or not.
    let (status, _, v) = error(&mock, Provider::Gemini, false, "content_filter").await;
    assert_eq!(status, 200);
    assert_eq!(v["promptFeedback"]["blockReason"], "PROHIBITED_CONTENT");
    let (status, reply, _) = error(&mock, Provider::Gemini, true, "content_filter").await;
    assert_eq!(status, 200);
    let (_, summary) = decode(Provider::Gemini, &reply.body());
    assert_eq!(summary.text, "");
    assert_eq!(
        summary.finish_reason,
        Some(genie_core::provider::FinishReason::ContentFilter)
    );
    assert_eq!(mock.log("m").last().unwrap().action, "blocked_prompt");
}

#[tokio::test]
async fn quota_429s_are_distinguishable() {
    let mock = MockProvider::start().await;
    let (status, _, v) = error(&mock, Provider::OpenAiChat, false, "status=429,quota").await;
    assert_eq!(status, 429);
    assert_eq!(v["error"]["code"], "insufficient_quota");
    let (_, _, plain) = error(&mock, Provider::OpenAiChat, false, "status=429").await;
    assert_eq!(plain["error"]["code"], "rate_limit_exceeded");
    let (status, _, v) = error(&mock, Provider::Gemini, false, "quota").await;
    assert_eq!(status, 429);
    assert_eq!(v["error"]["status"], "RESOURCE_EXHAUSTED");
    let quota_id = v.pointer("/error/details/0/violations/0/quotaId").unwrap();
    assert!(quota_id.as_str().unwrap().contains("PerDay"), "{v}");
}

#[tokio::test]
async fn retry_hints() {
    let mock = MockProvider::start().await;
    let (_, reply, _) = error(
        &mock,
        Provider::Anthropic,
        false,
        "status=429,retry_after=3",
    )
    .await;
    assert_eq!(reply.header("retry-after"), Some("3"));
    let (_, reply, _) = error(
        &mock,
        Provider::OpenAiChat,
        false,
        "status=429,retry_after_ms=1500",
    )
    .await;
    assert_eq!(reply.header("retry-after-ms"), Some("1500"));
    assert_eq!(reply.header("retry-after"), None);
    let (_, reply, _) = error(
        &mock,
        Provider::OpenAiChat,
        true,
        "status=503,retry_after_date=2",
    )
    .await;
    let date = httpdate::parse_http_date(reply.header("retry-after").unwrap()).unwrap();
    let ahead = date.duration_since(SystemTime::now()).unwrap();
    assert!(
        ahead >= Duration::from_millis(1500) && ahead <= Duration::from_secs(3),
        "{ahead:?}"
    );
    let (status, reply, v) = error(&mock, Provider::Gemini, true, "status=429,retry_info=2").await;
    assert_eq!(status, 429);
    assert_eq!(reply.header("retry-after"), None);
    let details = v["error"]["details"].as_array().unwrap();
    let retry = details
        .iter()
        .find(|d| d["@type"] == "type.googleapis.com/google.rpc.RetryInfo")
        .unwrap();
    assert_eq!(retry["retryDelay"], "2s");
    let quota_id = v.pointer("/error/details/0/violations/0/quotaId").unwrap();
    assert!(quota_id.as_str().unwrap().contains("PerMinute"), "{v}");
}

#[tokio::test]
async fn payment_required_and_bad_gateway() {
    let mock = MockProvider::start().await;
    for provider in ALL {
        let (status, _, v) = error(&mock, provider, true, "status=402").await;
        assert_eq!(status, 402, "{provider:?}");
        assert!(v.get("error").is_some(), "{provider:?}: {v}");
        let (status, reply, _) = error(&mock, provider, true, "status=502").await;
        assert_eq!(status, 502);
        assert!(reply
            .header("content-type")
            .unwrap()
            .starts_with("text/html"));
        assert!(reply.text().contains("502 Bad Gateway"));
    }
    let (_, _, v) = error(&mock, Provider::Anthropic, false, "status=402").await;
    assert_eq!(v["error"]["type"], "billing_error");
}

#[tokio::test]
async fn wrong_content_type_is_an_html_page() {
    let mock = MockProvider::start().await;
    for stream in [true, false] {
        let (status, reply, _) =
            error(&mock, Provider::OpenAiChat, stream, "wrong_content_type").await;
        assert_eq!(status, 200);
        assert_eq!(
            reply.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert!(reply.text().starts_with("<!DOCTYPE html>"));
    }
}

#[tokio::test]
async fn inband_error_on_a_non_stream_request_is_an_http_error() {
    let mock = MockProvider::start().await;
    let expected = [
        (Provider::Gemini, 503),
        (Provider::OpenAiChat, 500),
        (Provider::OpenAiResponses, 500),
        (Provider::Anthropic, 529),
    ];
    for (provider, status) in expected {
        let (got, _, v) = error(&mock, provider, false, "inband_error=3").await;
        assert_eq!(got, status, "{provider:?}");
        assert_eq!(
            class(provider, &v),
            Some(ErrorClass::Overloaded),
            "{provider:?}: {v}"
        );
    }
}
