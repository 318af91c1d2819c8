//! The happy path of every endpoint, decoded by genie-core, and what the mock records about
//! requests (API key presence, headers with secrets redacted, the body).

mod common;

use common::*;
use genie_core::provider::{FinishReason, StreamEvent};
use genie_mock_provider::{canonical_text, output_tokens, MockProvider, Provider, DELTA_COUNT};

#[tokio::test]
async fn every_stream_decodes_complete_with_the_canonical_answer() {
    let mock = MockProvider::start().await;
    for provider in ALL {
        let model = format!("model-{}", provider.name());
        let reply = send(&mock, &Req::new(provider, &model, true), SHORT).await;
        assert_eq!(reply.status, 200, "{provider:?}");
        assert!(
            reply
                .header("content-type")
                .is_some_and(|c| c.starts_with("text/event-stream")),
            "{provider:?}"
        );
        assert_eq!(reply.body_error, None);
        let (events, summary) = decode(provider, &reply.body());
        assert!(summary.complete, "{provider:?}: {summary:?}");
        assert_eq!(summary.text, canonical_text(), "{provider:?}");
        assert_eq!(
            summary.finish_reason,
            Some(FinishReason::Stop),
            "{provider:?}"
        );
        assert_eq!(summary.malformed_events, 0, "{provider:?}");
        assert_eq!(summary.error, None, "{provider:?}");
        let usage = summary.usage;
        assert_eq!(
            usage.output_tokens,
            Some(output_tokens(DELTA_COUNT)),
            "{provider:?}"
        );
        assert!(
            usage.input_tokens.is_some_and(|n| n > 0),
            "{provider:?}: {usage:?}"
        );
        let deltas = events
            .iter()
            .filter(|e| matches!(e, StreamEvent::Text(_)))
            .count();
        assert_eq!(deltas, DELTA_COUNT, "{provider:?}");
        assert_eq!(mock.attempts(&model), 1);
        let log = mock.log(&model);
        assert_eq!(log[0].provider, provider);
        assert!(log[0].stream && log[0].api_key);
        assert_eq!(
            (log[0].fault.as_str(), log[0].action.as_str()),
            ("ok", "ok")
        );
    }
}

#[tokio::test]
async fn every_non_stream_body_is_the_providers_json() {
    let mock = MockProvider::start().await;
    for provider in ALL {
        let reply = send(&mock, &Req::new(provider, "m", false), SHORT).await;
        assert_eq!(reply.status, 200);
        assert!(reply
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/json")));
        assert!(reply.header("content-length").is_some(), "{provider:?}");
        let v = reply.json();
        assert_eq!(json_text(provider, &v), canonical_text(), "{provider:?}");
        let (input, output) = json_usage(provider, &v);
        assert!(input > 0);
        assert_eq!(output, output_tokens(DELTA_COUNT));
        let echoed = match provider {
            Provider::Gemini => v["modelVersion"].as_str(),
            _ => v["model"].as_str(),
        };
        assert_eq!(echoed, Some("m"), "{provider:?}");
    }
    let log = mock.log("m");
    assert_eq!(log.len(), 4);
    assert!(log.iter().all(|r| !r.stream));
}

#[tokio::test]
async fn usage_follows_the_request_size() {
    let mock = MockProvider::start().await;
    let reply = send(&mock, &Req::new(Provider::OpenAiChat, "m", false), SHORT).await;
    let sent = mock.last_request("m").expect("recorded");
    let body_len = sent.body.to_string().len() as u64;
    let (input, _) = json_usage(Provider::OpenAiChat, &reply.json());
    // The body was sent compact, as serde_json prints it: input = bytes / 4.
    assert_eq!(input, body_len / 4);
}

#[tokio::test]
async fn openai_usage_chunk_only_when_asked() {
    let mock = MockProvider::start().await;
    let plain = client()
        .post(format!("{}/v1/chat/completions", mock.base_url()))
        .body(r#"{"model":"m","stream":true,"messages":[]}"#)
        .send()
        .await
        .unwrap();
    let body = plain.bytes().await.unwrap();
    let (_, summary) = decode(Provider::OpenAiChat, &body);
    assert!(summary.complete);
    assert_eq!(
        summary.usage.output_tokens, None,
        "no usage chunk without include_usage"
    );
    assert!(!String::from_utf8_lossy(&body).contains("\"usage\""));
}

#[tokio::test]
async fn gemini_without_alt_sse_streams_a_json_array() {
    let mock = MockProvider::start().await;
    let response = client()
        .post(format!(
            "{}/v1beta/models/g:streamGenerateContent",
            mock.base_url()
        ))
        .body("{}")
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    let chunks = v.as_array().expect("an array");
    assert_eq!(chunks.len(), DELTA_COUNT + 1);
    let text: String = chunks
        .iter()
        .filter_map(|c| c.pointer("/candidates/0/content/parts/0/text")?.as_str())
        .collect();
    assert_eq!(text, canonical_text());
}

#[tokio::test]
async fn gemini_streams_with_crlf() {
    let mock = MockProvider::start().await;
    let reply = send(&mock, &Req::new(Provider::Gemini, "g", true), SHORT).await;
    let text = reply.text();
    assert!(text.starts_with("data: {"));
    assert_eq!(text.matches("\r\n\r\n").count(), DELTA_COUNT + 1);
}

#[tokio::test]
async fn api_keys_are_detected_where_each_provider_reads_them_and_never_recorded() {
    let mock = MockProvider::start().await;
    for provider in ALL {
        let with = format!("with-{}", provider.name());
        let without = format!("without-{}", provider.name());
        send(&mock, &Req::new(provider, &with, false), SHORT).await;
        send(&mock, &Req::new(provider, &without, false).no_key(), SHORT).await;
        assert!(mock.log(&with)[0].api_key, "{provider:?}");
        assert!(!mock.log(&without)[0].api_key, "{provider:?}");
        let recorded = mock.last_request(&with).unwrap();
        let dump = format!("{recorded:?}");
        assert!(!dump.contains(KEY), "{dump}");
        let key_header = match provider {
            Provider::Gemini => ("x-goog-api-key", "<redacted>"),
            Provider::Anthropic => ("x-api-key", "<redacted>"),
            _ => ("authorization", "Bearer <redacted>"),
        };
        assert_eq!(recorded.header(key_header.0), Some(key_header.1));
    }
    // Gemini also takes `?key=`; the recorded query hides it.
    let response = client()
        .post(format!(
            "{}/v1beta/models/q:generateContent?key={KEY}",
            mock.base_url()
        ))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(mock.log("q")[0].api_key);
    assert_eq!(
        mock.last_request("q").unwrap().query.as_deref(),
        Some("key=<redacted>")
    );
    // The wrong header for the provider is not a key.
    let response = client()
        .post(format!("{}/v1/messages", mock.base_url()))
        .header("authorization", format!("Bearer {KEY}"))
        .body(r#"{"model":"wrong-header"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(!mock.log("wrong-header")[0].api_key);
}

#[tokio::test]
async fn the_last_request_is_recorded_for_encoding_checks() {
    let mock = MockProvider::start().await;
    send(
        &mock,
        &Req::new(Provider::Anthropic, "claude-x", true),
        SHORT,
    )
    .await;
    let r = mock.last_request("claude-x").unwrap();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/messages")
    );
    assert_eq!(r.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(r.body["max_tokens"], 256);
    assert_eq!(r.body["stream"], true);
    assert_eq!(r.body["messages"][0]["role"], "user");
}

#[tokio::test]
async fn bad_bodies_get_the_providers_400() {
    let mock = MockProvider::start().await;
    let response = client()
        .post(format!("{}/v1/chat/completions", mock.base_url()))
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers()["x-mock-error"],
        "the request body is not a JSON object"
    );
    let v: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(v["error"]["type"], "invalid_request_error");
    assert_eq!(mock.log("")[0].action, "bad_request");
    assert_eq!(mock.last_request("").unwrap().body, "not json");
    let missing = client()
        .post(format!("{}/v1/unknown", mock.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
