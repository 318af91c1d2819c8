//! The client against faults inside a stream, over real sockets: stalls and cuts (reconnect
//! once, then a non-stream request, then the next model, with a reset before any replacement
//! text), resuming with `Last-Event-ID`, the `continue` strategy's prefill, malformed events
//! (strict or not), a missing `[DONE]`, in-band errors, keep-alives, giant lines, invalid UTF-8,
//! and cancellation.

mod client_common;

use std::time::{Duration, Instant};

use client_common::*;
use futures_util::StreamExt;
use genie_core::client::{CallEvent, Client, NoticeKind, Request};
use genie_core::provider::FinishReason;
use genie_core::ErrorKind;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PROVIDERS: [&str; 4] = ["openai", "gemini", "anthropic", "responses"];

fn one(provider: &str) -> serde_json::Value {
    models(&[("p", provider)])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_reconnects_once_with_a_reset_before_the_new_text() {
    for provider in PROVIDERS {
        let (mock, client) = setup(one(provider)).await;
        mock.set_fault("p", "stall_after=3|ok").unwrap();
        let run = run(&client, Request::new("p", "Hi")).await;
        assert_canonical(&run);
        assert_eq!(
            run.attempts(),
            ["p:stream:STREAM_STALLED", "p:reconnect:ok"],
            "{provider}"
        );
        assert_eq!(mock.attempts("p"), 2);
        assert_eq!(run.resets(), 1, "{provider}");
        assert_eq!(run.notices(NoticeKind::Reconnecting).len(), 1);
        assert_ms(run.elapsed, STALL_MS, STALL_MS + 450);
        // Three deltas were shown, then reset, then the whole answer.
        let reset_at = run
            .events
            .iter()
            .position(|e| matches!(e, CallEvent::Reset { .. }))
            .unwrap();
        let before: String = texts(&run.events[..reset_at]);
        assert!(
            canonical_text().starts_with(&before) && !before.is_empty(),
            "{provider}: {before:?}"
        );
        assert_healthy_after(&mock, &client, "p").await;
    }
}

fn texts(events: &[CallEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            CallEvent::Text { text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_stall_falls_back_to_a_non_stream_request() {
    let (mock, client) = setup(one("anthropic")).await;
    // A stall that would resume after a second is still a stall.
    mock.set_fault("p", "stall_after=3,stall_ms=1000|stall_after=2|ok")
        .unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    assert_canonical(&run);
    assert_eq!(
        run.attempts(),
        [
            "p:stream:STREAM_STALLED",
            "p:reconnect:STREAM_STALLED",
            "p:non_stream:ok"
        ]
    );
    let log = mock.log("p");
    assert_eq!(
        log.iter().map(|a| a.stream).collect::<Vec<_>>(),
        [true, true, false]
    );
    assert_eq!(run.resets(), 2);
    assert_eq!(run.notices(NoticeKind::NonStreamFallback).len(), 1);
    assert_ms(run.elapsed, 2 * STALL_MS, 2 * STALL_MS + 500);
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn then_the_next_model_answers() {
    let mut doc = models(&[("p", "openai"), ("b", "gemini")]);
    merge(&mut doc, json!({"fallbacks": {"p": ["b"]}}));
    let (mock, client) = setup(doc).await;
    mock.set_fault("p", "stall_after=3|cut_after=5|status=503")
        .unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    assert_canonical(&run);
    assert_eq!(
        run.attempts(),
        [
            "p:stream:STREAM_STALLED",
            "p:reconnect:STREAM_INCOMPLETE",
            "p:non_stream:UPSTREAM_HTTP",
            "b:stream:ok"
        ]
    );
    assert_eq!((mock.attempts("p"), mock.attempts("b")), (3, 1));
    assert_eq!(run.resets(), 2);
    assert_eq!(run.summary().model, "b");
    let Some(CallEvent::Reset { model, .. }) = run
        .events
        .iter()
        .rev()
        .find(|e| matches!(e, CallEvent::Reset { .. }))
    else {
        unreachable!()
    };
    assert_eq!(model, "p");
    assert_ms(run.elapsed, STALL_MS, STALL_MS + 600);
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_stream_reconnects_at_once() {
    for provider in PROVIDERS {
        for fault in ["cut_after=4|ok", "abort_after=4|ok"] {
            let (mock, client) = setup(one(provider)).await;
            mock.set_fault("p", fault).unwrap();
            let run = run(&client, Request::new("p", "Hi")).await;
            assert_canonical(&run);
            assert_eq!(
                run.attempts(),
                ["p:stream:STREAM_INCOMPLETE", "p:reconnect:ok"],
                "{provider} {fault}"
            );
            // An abort (RST) may discard what the client had not read yet: a reset is due
            // exactly when the first attempt showed text.
            let second = run
                .events
                .iter()
                .rposition(|e| matches!(e, CallEvent::Started { .. }))
                .unwrap();
            let shown_before = !texts(&run.events[..second]).is_empty();
            assert!(
                shown_before || fault.starts_with("abort"),
                "{provider} {fault}"
            );
            assert_eq!(
                run.resets(),
                usize::from(shown_before),
                "{provider} {fault}"
            );
            // No waiting for a stall: the end of the body says it all.
            assert_ms(run.elapsed, 0, STALL_MS);
            assert_healthy_after(&mock, &client, "p").await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_answer_is_never_reported_complete() {
    let mut doc = one("openai");
    merge(&mut doc, json!({"non_stream_fallback": false}));
    let (mock, client) = setup(doc).await;
    mock.set_fault("p", "cut_after=4").unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    let e = run.error();
    assert_eq!(e.kind(), ErrorKind::StreamIncomplete);
    assert_eq!(
        run.attempts(),
        [
            "p:stream:STREAM_INCOMPLETE",
            "p:reconnect:STREAM_INCOMPLETE"
        ]
    );
    assert!(!texts(&run.events).is_empty(), "partial text was shown");
    assert!(!run
        .events
        .iter()
        .any(|e| matches!(e, CallEvent::Done { .. })));
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_with_event_ids_are_resumed_without_a_reset() {
    for fault in ["ids,cut_after=4|ids", "ids,stall_after=5|ids"] {
        let (mock, client) = setup(one("openai")).await;
        mock.set_fault("p", fault).unwrap();
        let run = run(&client, Request::new("p", "Hi")).await;
        assert_canonical(&run);
        assert_eq!(run.resets(), 0, "{fault}");
        assert_eq!(run.summary().attempts.len(), 2);
        let log = mock.log("p");
        assert_eq!(log[0].last_event_id, None);
        let resumed = log[1]
            .last_event_id
            .as_deref()
            .expect("Last-Event-ID was sent");
        assert!(
            resumed.parse::<u32>().is_ok_and(|id| id >= 4),
            "{fault}: {resumed}"
        );
        assert_healthy_after(&mock, &client, "p").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_continue_strategy_prefills_and_survives_a_rejected_prefill() {
    let doc = json!({
        "models": {"p": {"provider": "anthropic", "prefill": true}, "b": {"provider": "openai"}},
        "fallbacks": {"p": ["b"]},
        "reconnect": {"attempts": 1, "strategy": "continue"},
    });
    let (mock, client) = setup(doc).await;
    // The reconnect carries the text so far as an assistant prefill.
    mock.set_fault("p", "stall_after=3|silent").unwrap();
    let run = run(&client, Request::new("p", "Count")).await;
    assert_canonical(&run);
    let shown: String = genie_mock_provider::DELTAS[..3].concat();
    let body = mock.last_request("p").unwrap().body;
    assert_eq!(
        body["messages"][1],
        json!({"role": "assistant", "content": shown})
    );
    // A model that rejects the prefill: the ladder goes on, the rejection is not the outcome.
    mock.reset();
    mock.set_fault("p", "stall_after=3|status=400|ok").unwrap();
    let run = client_common::run(&client, Request::new("p", "Count")).await;
    assert_canonical(&run);
    assert_eq!(
        run.attempts(),
        [
            "p:stream:STREAM_STALLED",
            "p:reconnect:UPSTREAM_HTTP",
            "p:non_stream:ok"
        ]
    );
    assert_eq!(run.resets(), 1);
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_events_are_skipped_and_counted_or_fail_in_strict_mode() {
    let (mock, client) = setup(one("openai")).await;
    mock.set_fault("p", "malformed_at=3").unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    assert_canonical(&run);
    assert_eq!(run.summary().malformed_events, 1);
    assert_eq!(mock.attempts("p"), 1);

    let mut doc = one("openai");
    merge(&mut doc, json!({"strict": true}));
    let (mock, client) = setup(doc).await;
    mock.set_fault("p", "malformed_at=3|ok").unwrap();
    let run = client_common::run(&client, Request::new("p", "Hi")).await;
    assert_canonical(&run);
    assert_eq!(
        run.attempts(),
        ["p:stream:MALFORMED_RESPONSE", "p:reconnect:ok"]
    );
    assert_eq!(run.resets(), 1);
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_without_its_end_marker_after_a_finish_reason_completes_promptly() {
    for provider in ["openai", "anthropic"] {
        let (mock, client) = setup(one(provider)).await;
        mock.set_fault("p", "no_done").unwrap();
        let run = run(&client, Request::new("p", "Hi")).await;
        assert_canonical(&run);
        let s = run.summary();
        assert_eq!(s.finish_reason, Some(FinishReason::Stop), "{provider}");
        assert_eq!(s.usage.output_tokens, Some(output_tokens(10)), "{provider}");
        assert_eq!(mock.attempts("p"), 1);
        assert_ms(run.elapsed, 0, STALL_MS - 50);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_in_band_error_is_retried() {
    for provider in ["anthropic", "openai", "gemini", "responses"] {
        let (mock, client) = setup(one(provider)).await;
        mock.set_fault("p", "inband_error=3|ok").unwrap();
        let run = run(&client, Request::new("p", "Hi")).await;
        assert_canonical(&run);
        assert_eq!(
            run.summary().attempts.len(),
            2,
            "{provider}: {:?}",
            run.attempts()
        );
        assert_eq!(
            run.summary().attempts[1].mode,
            genie_core::client::AttemptMode::Stream
        );
        assert_eq!(run.resets(), 1, "{provider}");
        assert_healthy_after(&mock, &client, "p").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alives_count_as_liveness() {
    let (mock, client) = setup(one("openai")).await;
    mock.set_fault("p", "slow_first_token=1000,keepalive_ms=100")
        .unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    assert_canonical(&run);
    assert_eq!(mock.attempts("p"), 1);
    assert_ms(run.elapsed, 1_000, 1_400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_content_filter_mid_answer_ends_it_with_that_reason() {
    let (mock, client) = setup(one("openai")).await;
    mock.set_fault("p", "filter_after=3").unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    let s = run.summary();
    assert_eq!(s.finish_reason, Some(FinishReason::ContentFilter));
    assert_eq!(s.text, genie_mock_provider::DELTAS[..3].concat());
    assert_eq!(mock.attempts("p"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn giant_lines_and_invalid_utf8_are_survived() {
    let (mock, client) = setup(one("gemini")).await;
    // Past the parser's 16 MiB line limit: the event is dropped and counted, the answer whole.
    mock.set_fault("p", "giant_line=17000000").unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    assert_canonical(&run);
    assert_eq!(run.summary().malformed_events, 1);
    mock.set_fault("p", "invalid_utf8=2").unwrap();
    let run = client_common::run(&client, Request::new("p", "Hi")).await;
    let text = &run.summary().text;
    assert!(text.contains('\u{FFFD}'), "{text:?}");
    assert_eq!(
        text.chars().filter(|c| *c == '\u{FFFD}').count(),
        2,
        "{text:?}"
    );
    assert_healthy_after(&mock, &client, "p").await;
}

/// A raw HTTP server that streams two events, then records when the client closed the socket.
async fn observer() -> (String, tokio::sync::oneshot::Receiver<Instant>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 64 << 10];
        let mut seen = Vec::new();
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            seen.extend_from_slice(&buf[..n]);
        }
        let events = "data: {\"choices\":[{\"delta\":{\"content\":\"one \"}}]}\n\n\
                      data: {\"choices\":[{\"delta\":{\"content\":\"two \"}}]}\n\n";
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{events}\r\n",
            events.len()
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        // Read until the client closes: it must, once its stream is dropped.
        loop {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let _ = tx.send(Instant::now());
    });
    (base, rx)
}

/// A client whose model `m` is the [`observer`], with deadlines far beyond the test.
async fn observed_client() -> (Client, tokio::sync::oneshot::Receiver<Instant>) {
    let (base, closed) = observer().await;
    let config = genie_core::client::ClientConfig::from_value(json!({
        "providers": {"raw": {"kind": "openai", "base_url": base}},
        "models": {"m": {"provider": "raw"}},
        "timeouts": {"stall_gap_ms": 60_000, "first_token_ms": 60_000, "total_ms": 120_000},
    }))
    .unwrap();
    (Client::new(config).unwrap(), closed)
}

/// Asserts that the observer saw its connection closed less than 100 ms after `dropped`.
async fn closes_soon(closed: tokio::sync::oneshot::Receiver<Instant>, dropped: Instant) {
    let closed = tokio::time::timeout(Duration::from_secs(2), closed)
        .await
        .expect("the connection was not closed within 2 s")
        .unwrap();
    let after = closed.saturating_duration_since(dropped);
    assert!(
        after < Duration::from_millis(100),
        "closed {after:?} after the drop"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_stream_aborts_the_http_request_at_once() {
    let (client, closed) = observed_client().await;
    let mut stream = client.stream(Request::new("m", "Hi"));
    let mut seen = String::new();
    while let Some(event) = stream.next().await {
        if let CallEvent::Text { text } = event.unwrap() {
            seen.push_str(&text);
            if seen == "one two " {
                break;
            }
        }
    }
    let dropped = Instant::now();
    drop(stream);
    closes_soon(closed, dropped).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spawned_call_gives_its_outcome_and_dropping_it_aborts_the_request() {
    let (mock, client) = setup(one("openai")).await;
    let summary = client
        .spawn_complete(Request::new("p", "Hi"))
        .unwrap()
        .await;
    assert_eq!(summary.unwrap().text, canonical_text());

    let (raw, closed) = observed_client().await;
    let task = raw.spawn_complete(Request::new("m", "Hi")).unwrap();
    // The observer answers two deltas, then holds the stream open until the client closes it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let dropped = Instant::now();
    drop(task);
    closes_soon(closed, dropped).await;
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_call_leaves_the_client_healthy() {
    let (mock, client) = setup(one("openai")).await;
    mock.set_fault("p", "delay_ms=100").unwrap();
    let mut stream = client.stream(Request::new("p", "Hi"));
    let mut texts = 0;
    while let Some(event) = stream.next().await {
        if let CallEvent::Text { .. } = event.unwrap() {
            texts += 1;
            if texts == 2 {
                break;
            }
        }
    }
    drop(stream);
    // Cancelled from another task, mid-wait.
    let task = tokio::spawn({
        let client = client.clone();
        async move { client.complete(Request::new("p", "Hi")).await }
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outcome_stream_carries_only_done_even_through_a_reconnect() {
    let (mock, client) = setup(one("openai")).await;
    mock.set_fault("p", "stall_after=3|ok").unwrap();
    let items: Vec<_> = client
        .stream_outcome(Request::new("p", "Hi"))
        .collect()
        .await;
    assert_eq!(items.len(), 1, "{items:?}");
    let Ok(CallEvent::Done { summary }) = &items[0] else {
        panic!("not done: {items:?}");
    };
    assert_eq!(summary.text, canonical_text());
    assert!(summary.complete);
    assert_eq!(mock.attempts("p"), 2);
}
