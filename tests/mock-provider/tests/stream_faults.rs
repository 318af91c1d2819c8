//! Connection, timing and mid-stream faults, checked over real sockets and decoded with
//! genie-core. Timings use generous bounds (a loaded 2-core machine must not make them flaky).

mod common;

use std::time::{Duration, Instant};

use common::*;
use genie_core::provider::{FinishReason, StreamDecoder};
use genie_core::sse::{Parser, ParserOptions};
use genie_core::ErrorKind;
use genie_mock_provider::{canonical_text, MockProvider, Provider, DELTA_COUNT};

const MS: fn(u64) -> Duration = Duration::from_millis;

#[tokio::test]
async fn reset_closes_the_connection_before_headers() {
    let mock = MockProvider::start().await;
    for stream in [true, false] {
        let start = Instant::now();
        let req = Req::new(Provider::OpenAiChat, "m", stream).fault("reset");
        let err = send_to(&mock.base_url(), &req, SHORT).await.unwrap_err();
        assert!(start.elapsed() < MS(2000));
        let chain = error_chain(&err).to_lowercase();
        assert!(
            chain.contains("reset") || chain.contains("closed"),
            "{chain}"
        );
    }
    let log = mock.log("m");
    assert_eq!(log.len(), 2);
    assert_eq!((log[0].action.as_str(), log[0].status), ("reset", None));
}

#[tokio::test]
async fn silent_never_sends_headers() {
    let mock = MockProvider::start().await;
    for stream in [true, false] {
        let req = Req::new(Provider::Anthropic, "m", stream).fault("silent");
        let start = Instant::now();
        let outcome = tokio::time::timeout(MS(700), send_to(&mock.base_url(), &req, SHORT)).await;
        assert!(outcome.is_err(), "no headers within 700 ms");
        assert!(start.elapsed() >= MS(650));
    }
    assert_eq!(mock.attempts("m"), 2);
    assert_eq!(mock.log("m")[1].action, "silent");
}

#[tokio::test]
async fn slow_first_byte_delays_the_headers() {
    let mock = MockProvider::start().await;
    let req = Req::new(Provider::Gemini, "m", true).fault("slow_first_byte=800");
    let reply = send(&mock, &req, SHORT).await;
    assert!(reply.headers_at >= MS(700), "{:?}", reply.headers_at);
    assert!(decode(Provider::Gemini, &reply.body()).1.complete);
}

#[tokio::test]
async fn slow_first_token_sends_headers_then_waits_with_keepalives() {
    let mock = MockProvider::start().await;
    let req =
        Req::new(Provider::OpenAiChat, "m", true).fault("slow_first_token=900,keepalive_ms=200");
    let reply = send(&mock, &req, SHORT).await;
    assert!(reply.headers_at < MS(600), "{:?}", reply.headers_at);
    let first_data = reply
        .chunks
        .iter()
        .find(|(_, c)| c.starts_with(b"data:"))
        .map(|(at, _)| *at)
        .unwrap();
    assert!(first_data >= MS(800), "{first_data:?}");
    let (_, summary) = decode(Provider::OpenAiChat, &reply.body());
    assert!(summary.complete);
    assert_eq!(summary.text, canonical_text());
    assert!(summary.keepalives >= 3, "{}", summary.keepalives);
    // Non-stream: headers at once, the body late.
    let req = Req::new(Provider::OpenAiChat, "m", false).fault("slow_first_token=800");
    let reply = send(&mock, &req, SHORT).await;
    assert!(reply.headers_at < MS(600));
    assert!(reply.chunks[0].0 >= MS(700));
    assert_eq!(
        json_text(Provider::OpenAiChat, &reply.json()),
        canonical_text()
    );
}

#[tokio::test]
async fn stall_then_continue() {
    let mock = MockProvider::start().await;
    let req = Req::new(Provider::Anthropic, "m", true).fault("stall_after=3,stall_ms=1500");
    let reply = send(&mock, &req, SHORT).await;
    assert!(reply.max_gap() >= MS(1000), "{:?}", reply.max_gap());
    // Everything before the gap is exactly the first three deltas.
    let gap_at = reply
        .chunks
        .windows(2)
        .position(|w| w[1].0 - w[0].0 >= MS(1000))
        .unwrap();
    let before: Vec<u8> = reply.chunks[..=gap_at]
        .iter()
        .flat_map(|(_, c)| c.clone())
        .collect();
    let mut decoder = StreamDecoder::new(core_provider(Provider::Anthropic));
    decoder.feed(&before, |_| {}).unwrap();
    assert_eq!(decoder.finish().text, prefix(3));
    let (_, summary) = decode(Provider::Anthropic, &reply.body());
    assert!(summary.complete);
    assert_eq!(summary.text, canonical_text());
}

#[tokio::test]
async fn stall_forever_and_non_stream_stall() {
    let mock = MockProvider::start().await;
    let req = Req::new(Provider::Gemini, "m", true).fault("stall_after=2");
    let reply = send(&mock, &req, MS(1000)).await;
    assert_eq!(reply.body_error.as_deref(), Some("read timeout"));
    let (_, summary) = decode(Provider::Gemini, &reply.body());
    assert_eq!(summary.text, prefix(2));
    assert!(!summary.complete);
    let req = Req::new(Provider::OpenAiResponses, "m", false).fault("stall_after=1,stall_ms=1200");
    let reply = send(&mock, &req, SHORT).await;
    assert!(reply.max_gap() >= MS(900), "{:?}", reply.max_gap());
    assert_eq!(
        json_text(Provider::OpenAiResponses, &reply.json()),
        canonical_text()
    );
}

#[tokio::test]
async fn cut_ends_cleanly_without_the_end_marker() {
    let mock = MockProvider::start().await;
    for provider in ALL {
        for n in [0, 4, DELTA_COUNT] {
            let reply = send(
                &mock,
                &Req::new(provider, "m", true).fault(&format!("cut_after={n}")),
                SHORT,
            )
            .await;
            assert_eq!(reply.body_error, None, "{provider:?}: a clean end");
            let (_, summary) = decode(provider, &reply.body());
            assert!(!summary.complete, "{provider:?} cut_after={n}");
            assert_eq!(summary.text, prefix(n), "{provider:?}");
        }
        // Non-stream: a truncated JSON body.
        let reply = send(
            &mock,
            &Req::new(provider, "m", false).fault("cut_after=4"),
            SHORT,
        )
        .await;
        assert_eq!(reply.status, 200);
        assert!(serde_json::from_slice::<serde_json::Value>(&reply.body()).is_err());
    }
}

#[tokio::test]
async fn abort_breaks_the_body() {
    let mock = MockProvider::start().await;
    for stream in [true, false] {
        let req = Req::new(Provider::OpenAiChat, "m", stream).fault("abort_after=4");
        let reply = send(&mock, &req, SHORT).await;
        assert!(
            reply.body_error.is_some_and(|e| e != "read timeout"),
            "stream={stream}"
        );
    }
}

#[tokio::test]
async fn malformed_event_is_one_bad_payload() {
    let mock = MockProvider::start().await;
    for provider in ALL {
        let reply = send(
            &mock,
            &Req::new(provider, "m", true).fault("malformed_at=3"),
            SHORT,
        )
        .await;
        let (_, summary) = decode(provider, &reply.body());
        assert_eq!(summary.malformed_events, 1, "{provider:?}");
        assert!(summary.complete, "{provider:?}");
        assert_eq!(summary.text, canonical_text(), "{provider:?}");
    }
    let reply = send(
        &mock,
        &Req::new(Provider::Gemini, "m", false).fault("malformed_at=3"),
        SHORT,
    )
    .await;
    assert!(serde_json::from_slice::<serde_json::Value>(&reply.body()).is_err());
}

#[tokio::test]
async fn no_done_drops_only_the_sentinel() {
    let mock = MockProvider::start().await;
    let reply = send(
        &mock,
        &Req::new(Provider::OpenAiChat, "m", true).fault("no_done"),
        SHORT,
    )
    .await;
    assert!(!reply.text().contains("[DONE]"));
    let (_, summary) = decode(Provider::OpenAiChat, &reply.body());
    assert_eq!(summary.text, canonical_text());
    assert_eq!(summary.finish_reason, Some(FinishReason::Stop));
    assert!(
        summary.usage.output_tokens.is_some(),
        "the usage chunk still comes"
    );
    assert!(!summary.complete);
    let reply = send(
        &mock,
        &Req::new(Provider::Anthropic, "m", true).fault("no_done"),
        SHORT,
    )
    .await;
    assert!(!reply.text().contains("message_stop"));
    assert!(reply.text().contains("message_delta"));
    // Gemini and Responses have no separate sentinel: their streams are unchanged.
    for provider in [Provider::Gemini, Provider::OpenAiResponses] {
        let reply = send(
            &mock,
            &Req::new(provider, "m", true).fault("no_done"),
            SHORT,
        )
        .await;
        assert!(decode(provider, &reply.body()).1.complete);
    }
}

#[tokio::test]
async fn inband_error_ends_the_stream() {
    let mock = MockProvider::start().await;
    for provider in ALL {
        let reply = send(
            &mock,
            &Req::new(provider, "m", true).fault("inband_error=3"),
            SHORT,
        )
        .await;
        assert_eq!(reply.status, 200);
        let (_, summary) = decode(provider, &reply.body());
        assert_eq!(summary.text, prefix(3), "{provider:?}");
        let error = summary
            .error
            .unwrap_or_else(|| panic!("{provider:?}: no error"));
        assert_eq!(
            error.kind,
            genie_core::provider::ErrorClass::Overloaded,
            "{provider:?}"
        );
    }
}

#[tokio::test]
async fn filter_after_stops_with_the_content_filter_reason() {
    let mock = MockProvider::start().await;
    for provider in ALL {
        let reply = send(
            &mock,
            &Req::new(provider, "m", true).fault("filter_after=4"),
            SHORT,
        )
        .await;
        let (_, summary) = decode(provider, &reply.body());
        assert!(summary.complete, "{provider:?}");
        assert_eq!(summary.text, prefix(4), "{provider:?}");
        assert_eq!(
            summary.finish_reason,
            Some(FinishReason::ContentFilter),
            "{provider:?}"
        );
        let reply = send(
            &mock,
            &Req::new(provider, "m", false).fault("filter_after=4"),
            SHORT,
        )
        .await;
        assert_eq!(json_text(provider, &reply.json()), prefix(4));
    }
}

#[tokio::test]
async fn giant_line_is_one_line_of_that_size_and_carries_no_text() {
    let mock = MockProvider::start().await;
    for provider in ALL {
        let reply = send(
            &mock,
            &Req::new(provider, "m", true).fault("giant_line=1000000"),
            SHORT,
        )
        .await;
        let body = reply.body();
        let longest = body
            .split(|&b| b == b'\n' || b == b'\r')
            .map(<[u8]>::len)
            .max()
            .unwrap();
        assert_eq!(longest, 1_000_000, "{provider:?}");
        let (_, summary) = decode(provider, &body);
        assert!(summary.complete);
        assert_eq!(summary.text, canonical_text(), "{provider:?}");
        // A client with a smaller line limit drops that one event and keeps the answer.
        let options = ParserOptions {
            max_line_bytes: 64 << 10,
            ..ParserOptions::default()
        };
        let mut decoder = StreamDecoder::with_options(core_provider(provider), options).unwrap();
        let err = decoder.feed(&body, |_| {}).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LimitExceeded);
        let summary = decoder.finish();
        assert!(summary.complete, "{provider:?}");
        assert_eq!(summary.text, canonical_text());
    }
    let reply = send(
        &mock,
        &Req::new(Provider::Gemini, "m", false).fault("giant_line=100000"),
        SHORT,
    )
    .await;
    assert!(reply.body().len() >= 100_000);
    assert_eq!(json_text(Provider::Gemini, &reply.json()), canonical_text());
}

#[tokio::test]
async fn invalid_utf8_inside_a_delta() {
    let mock = MockProvider::start().await;
    for provider in ALL {
        let reply = send(
            &mock,
            &Req::new(provider, "m", true).fault("invalid_utf8=2"),
            SHORT,
        )
        .await;
        let body = reply.body();
        assert!(body.windows(2).any(|w| w == [0xFF, 0xFE]), "{provider:?}");
        assert!(std::str::from_utf8(&body).is_err());
        let (_, summary) = decode(provider, &body);
        let expected = format!(
            "{}\u{FFFD}\u{FFFD}{}",
            prefix(2),
            &canonical_text()[prefix(2).len()..]
        );
        assert_eq!(summary.text, expected, "{provider:?}");
    }
    let reply = send(
        &mock,
        &Req::new(Provider::Anthropic, "m", false).fault("invalid_utf8"),
        SHORT,
    )
    .await;
    assert!(reply.body().windows(2).any(|w| w == [0xFF, 0xFE]));
}

#[tokio::test]
async fn delay_paces_the_deltas() {
    let mock = MockProvider::start().await;
    let req = Req::new(Provider::OpenAiResponses, "m", true).fault("delay_ms=60");
    let start = Instant::now();
    let reply = send(&mock, &req, SHORT).await;
    assert!(start.elapsed() >= MS(60 * (DELTA_COUNT as u64 - 1) * 8 / 10));
    assert!(decode(Provider::OpenAiResponses, &reply.body()).1.complete);
}

/// Feeds `body` to an SSE parser and returns the last event id.
fn last_id(body: &[u8]) -> String {
    let mut parser = Parser::new();
    parser.feed(body, |_| {}).unwrap();
    parser.last_event_id().to_owned()
}

#[tokio::test]
async fn ids_and_last_event_id_resume() {
    let mock = MockProvider::start().await;
    for provider in ALL {
        let model = format!("ids-{}", provider.name());
        mock.set_fault(&model, "seq=ids,cut_after=3|ids").unwrap();
        let first = send(&mock, &Req::new(provider, &model, true), SHORT).await;
        assert!(first.text().contains("id: 1"));
        let (_, cut) = decode(provider, &first.body());
        assert!(!cut.complete);
        assert_eq!(cut.text, prefix(3));
        let id = last_id(&first.body());
        assert!(!id.is_empty());
        let second = send(
            &mock,
            &Req::new(provider, &model, true).last_event_id(&id),
            SHORT,
        )
        .await;
        // The resumed body starts after that id: the two halves make the whole stream.
        let mut both = first.body();
        both.extend(second.body());
        let (_, summary) = decode(provider, &both);
        assert!(summary.complete, "{provider:?}");
        assert_eq!(summary.text, canonical_text(), "{provider:?}");
        assert_eq!(
            decode(provider, &second.body()).1.text,
            canonical_text()[prefix(3).len()..]
        );
        let log = mock.log(&model);
        assert_eq!(log[1].last_event_id.as_deref(), Some(id.as_str()));
    }
}
