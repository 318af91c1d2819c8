//! The client against HTTP-level faults on the mock provider, over real sockets: rate limits
//! with and without hints, quotas, 402, 5xx, resets, silent routes, slow first tokens, too-long
//! prompts, content-policy refusals, the one total deadline. Each test checks the attempts the
//! mock saw, the wall time against the configured timeouts, and that the client serves a healthy
//! request afterwards.

mod client_common;

use client_common::*;
use genie_core::client::{AttemptMode, NoticeKind, Request};
use genie_core::provider::FinishReason;
use genie_core::ErrorKind;
use serde_json::json;

fn two(primary: &str, backup: &str) -> serde_json::Value {
    let mut doc = models(&[("p", primary), ("b", backup)]);
    merge(&mut doc, json!({"fallbacks": {"p": ["b"]}}));
    doc
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_provider_answers_streaming_and_not() {
    let mut doc = models(&[
        ("g", "gemini"),
        ("o", "openai"),
        ("r", "responses"),
        ("a", "anthropic"),
    ]);
    for (name, provider) in [
        ("gp", "gemini"),
        ("op", "openai"),
        ("rp", "responses"),
        ("ap", "anthropic"),
    ] {
        merge(
            &mut doc,
            json!({"models": {name: {"provider": provider, "stream": false}}}),
        );
    }
    let (mock, client) = setup(doc).await;
    for model in ["g", "o", "r", "a", "gp", "op", "rp", "ap"] {
        let run = run(&client, Request::new(model, "Say the canonical answer")).await;
        assert_canonical(&run);
        let s = run.summary();
        assert_eq!(s.model, model);
        assert_eq!(s.finish_reason, Some(FinishReason::Stop), "{model}");
        assert_eq!(s.usage.output_tokens, Some(output_tokens(10)), "{model}");
        assert!(s.usage.input_tokens.is_some(), "{model}");
        assert!(s.ttft_ms.is_some() && s.ttfb_ms > 0.0, "{model}");
        assert_eq!(s.attempts.len(), 1);
        let streamed = !model.ends_with('p');
        let mode = if streamed {
            AttemptMode::Stream
        } else {
            AttemptMode::NonStream
        };
        assert_eq!(s.attempts[0].mode, mode, "{model}");
        assert_eq!(s.attempts[0].http_status, Some(200));
        assert_eq!(mock.attempts(model), 1, "{model}");
        let summary = client.complete(Request::new(model, "Again")).await.unwrap();
        assert_eq!(summary.text, canonical_text());
        assert_eq!(mock.attempts(model), 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_in_seconds_is_honoured() {
    let (mock, client) = setup(models(&[("p", "openai")])).await;
    mock.set_fault("p", "status=429,retry_after=1|ok").unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    assert_canonical(&run);
    assert_ms(run.elapsed, 1_000, 1_600);
    assert_eq!(mock.attempts("p"), 2);
    assert_eq!(run.attempts(), ["p:stream:RATE_LIMITED", "p:stream:ok"]);
    let s = run.summary();
    assert_eq!(s.attempts[0].http_status, Some(429));
    assert_eq!(s.attempts[1].waited_ms, 1_000);
    let notices = run.notices(NoticeKind::Retrying);
    assert!(matches!(
        notices[..],
        [genie_core::client::CallEvent::Notice {
            delay_ms: Some(1_000),
            ..
        }]
    ));
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_as_a_date_ms_header_and_gemini_retry_info() {
    let (mock, client) = setup(models(&[
        ("o", "openai"),
        ("d", "anthropic"),
        ("g", "gemini"),
    ]))
    .await;
    mock.set_fault("o", "status=429,retry_after_ms=300|ok")
        .unwrap();
    mock.set_fault("d", "status=429,retry_after_date=1|ok")
        .unwrap();
    mock.set_fault("g", "status=429,retry_info=0.4|ok").unwrap();
    let r = run(&client, Request::new("o", "Hi")).await;
    assert_canonical(&r);
    assert_ms(r.elapsed, 300, 800);
    assert_eq!(r.summary().attempts[1].waited_ms, 300);
    let r = run(&client, Request::new("g", "Hi")).await;
    assert_canonical(&r);
    assert_ms(r.elapsed, 400, 900);
    assert_eq!(r.summary().attempts[1].waited_ms, 400);
    let r = run(&client, Request::new("d", "Hi")).await;
    assert_canonical(&r);
    // An HTTP-date has whole seconds: the wait is up to 2 s.
    assert_ms(r.elapsed, 0, 2_500);
    assert!(r.summary().attempts[1].waited_ms <= 2_000);
    for model in ["o", "g", "d"] {
        assert_eq!(mock.attempts(model), 2, "{model}");
    }
    assert_healthy_after(&mock, &client, "d").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_past_the_deadline_fails_over_at_once() {
    let (mock, client) = setup(two("openai", "anthropic")).await;
    mock.set_fault("p", "status=429,retry_after=30").unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    assert_canonical(&run);
    assert_ms(run.elapsed, 0, 700);
    assert_eq!((mock.attempts("p"), mock.attempts("b")), (1, 1));
    assert_eq!(run.summary().model, "b");
    assert_eq!(run.notices(NoticeKind::FailedOver).len(), 1);
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_without_a_hint_backs_off_with_jitter() {
    let (mock, client) = setup(two("gemini", "openai")).await;
    mock.set_fault("p", "status=429|status=429|ok").unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    assert_canonical(&run);
    assert_eq!(mock.attempts("p"), 3);
    let waits: Vec<u64> = run.summary().attempts.iter().map(|a| a.waited_ms).collect();
    // Full jitter under 50 ms then 100 ms ceilings, never immediate (floor of a tenth).
    assert!(waits[1] >= 5 && waits[1] <= 50, "{waits:?}");
    assert!(waits[2] >= 10 && waits[2] <= 100, "{waits:?}");
    assert_ms(run.elapsed, 15, 700);
    // Exhausted: three attempts, then the fallback.
    mock.set_fault("p", "status=429").unwrap();
    mock.reset();
    let run = client_common::run(&client, Request::new("p", "Hi")).await;
    assert_eq!(run.summary().model, "b");
    assert_eq!((mock.attempts("p"), mock.attempts("b")), (3, 1));
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_retry_budget_fails_over_instead_of_retrying() {
    let mut doc = two("openai", "anthropic");
    merge(
        &mut doc,
        json!({"retry": {"budget_ratio": 0.0, "budget_min_retries_per_s": 0}}),
    );
    let (mock, client) = setup(doc).await;
    mock.set_fault("p", "status=503|ok").unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    assert_eq!(run.summary().model, "b");
    assert_eq!((mock.attempts("p"), mock.attempts("b")), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exhausted_quotas_are_not_retried() {
    for primary in ["openai", "gemini", "anthropic"] {
        let (mock, client) = setup(two(primary, "openai")).await;
        mock.set_fault("p", "quota").unwrap();
        let run = run(&client, Request::new("p", "Hi")).await;
        assert_canonical(&run);
        assert_eq!(
            (mock.attempts("p"), mock.attempts("b")),
            (1, 1),
            "{primary}"
        );
        assert_eq!(run.attempts(), ["p:stream:RATE_LIMITED", "b:stream:ok"]);
        assert_ms(run.elapsed, 0, 600);
        assert_healthy_after(&mock, &client, "p").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_required_is_never_retried() {
    let (mock, client) = setup(two("openai", "anthropic")).await;
    mock.set_fault("p", "status=402").unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    let e = run.error();
    assert_eq!(e.kind(), ErrorKind::PaymentRequired);
    assert_eq!(e.details().unwrap().http_status, Some(402));
    assert_eq!((mock.attempts("p"), mock.attempts("b")), (1, 0));
    assert_healthy_after(&mock, &client, "p").await;

    // When the config allows it: other providers only.
    let mut doc = models(&[("p", "openai"), ("p2", "openai"), ("b", "anthropic")]);
    merge(
        &mut doc,
        json!({"fallbacks": {"p": ["p2", "b"]}, "fail_over_on_payment_required": true}),
    );
    let (mock, client) = setup(doc).await;
    mock.set_fault("p", "status=402").unwrap();
    let run = client_common::run(&client, Request::new("p", "Hi")).await;
    assert_canonical(&run);
    assert_eq!(run.summary().model, "b");
    assert_eq!(
        (mock.attempts("p"), mock.attempts("p2"), mock.attempts("b")),
        (1, 0, 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_retry_then_fail_over_then_surface_the_original() {
    let mut doc = two("anthropic", "gemini");
    // Breakers are another test's subject: keep them out of the attempt counts here.
    merge(&mut doc, json!({"breaker": {"consecutive_failures": 100}}));
    let (mock, client) = setup(doc).await;
    mock.set_fault("p", "status=529|ok").unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    assert_canonical(&run);
    assert_eq!(run.attempts(), ["p:stream:UPSTREAM_HTTP", "p:stream:ok"]);

    mock.reset();
    mock.set_fault("p", "status=503").unwrap();
    let run = client_common::run(&client, Request::new("p", "Hi")).await;
    assert_eq!(run.summary().model, "b");
    assert_eq!((mock.attempts("p"), mock.attempts("b")), (3, 1));

    mock.reset();
    mock.set_fault("b", "status=500").unwrap();
    let run = client_common::run(&client, Request::new("p", "Hi")).await;
    let e = run.error();
    assert_eq!(e.kind(), ErrorKind::UpstreamHttp);
    assert!(e.message().starts_with("p: HTTP 503"), "{}", e.message());
    assert_eq!(e.details().unwrap().http_status, Some(503));
    assert_eq!(e.details().unwrap().attempts.len(), 6);
    assert_eq!((mock.attempts("p"), mock.attempts("b")), (3, 3));
    assert_ms(run.elapsed, 0, 1_500);
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_reset_before_headers_is_retried() {
    let (mock, client) = setup(models(&[("p", "openai")])).await;
    mock.set_fault("p", "reset|ok").unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    assert_canonical(&run);
    assert_eq!(run.attempts(), ["p:stream:TRANSPORT", "p:stream:ok"]);
    assert_eq!(mock.attempts("p"), 2);
    mock.reset();
    mock.set_fault("p", "reset").unwrap();
    let run = client_common::run(&client, Request::new("p", "Hi")).await;
    assert_eq!(run.error().kind(), ErrorKind::Transport);
    assert_eq!(mock.attempts("p"), 3);
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_route_fails_over_after_the_first_byte_deadline_without_retrying() {
    let (mock, client) = setup(two("gemini", "openai")).await;
    for fault in ["silent", "slow_first_byte=3000"] {
        mock.reset();
        mock.set_fault("p", fault).unwrap();
        let run = run(&client, Request::new("p", "Hi")).await;
        assert_canonical(&run);
        assert_eq!(run.summary().model, "b");
        assert_eq!((mock.attempts("p"), mock.attempts("b")), (1, 1), "{fault}");
        assert_eq!(
            run.attempts(),
            ["p:stream:DEADLINE_EXCEEDED", "b:stream:ok"]
        );
        assert_ms(run.elapsed, FIRST_BYTE_MS, FIRST_BYTE_MS + 450);
    }
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_first_token_fails_over_even_with_keep_alives() {
    let (mock, client) = setup(two("openai", "anthropic")).await;
    mock.set_fault("p", "slow_first_token=4000,keepalive_ms=100")
        .unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    assert_canonical(&run);
    assert_eq!((mock.attempts("p"), mock.attempts("b")), (1, 1));
    assert_eq!(
        run.attempts(),
        ["p:stream:DEADLINE_EXCEEDED", "b:stream:ok"]
    );
    assert_ms(run.elapsed, FIRST_TOKEN_MS, FIRST_TOKEN_MS + 500);
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_too_long_prompt_moves_to_a_larger_context_window() {
    let doc = json!({
        "models": {"small": {"provider": "openai", "context_window": 8192},
                   "same": {"provider": "anthropic", "context_window": 8192},
                   "large": {"provider": "gemini", "context_window": 1048576}},
        "fallbacks": {"small": ["same", "large"], "same": ["small"]},
    });
    let (mock, client) = setup(doc).await;
    mock.set_fault("small", "context_length").unwrap();
    let run = run(&client, Request::new("small", "A very long prompt")).await;
    assert_canonical(&run);
    assert_eq!(run.summary().model, "large");
    let seen = (
        mock.attempts("small"),
        mock.attempts("same"),
        mock.attempts("large"),
    );
    assert_eq!(seen, (1, 0, 1));
    // No larger model: a clear error, the other model not tried.
    mock.set_fault("same", "context_length").unwrap();
    let run = client_common::run(&client, Request::new("same", "A very long prompt")).await;
    let e = run.error();
    assert_eq!(e.kind(), ErrorKind::ContextLengthExceeded);
    assert!(
        e.message()
            .contains("no model of the route has a larger context window"),
        "{}",
        e.message()
    );
    assert_eq!(mock.attempts("small"), 1);
    assert_healthy_after(&mock, &client, "small").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_content_policy_refusal_stops_with_the_providers_reason() {
    for provider in ["openai", "gemini", "anthropic", "responses"] {
        let (mock, client) = setup(two(provider, "anthropic")).await;
        mock.set_fault("p", "content_filter").unwrap();
        let run = run(&client, Request::new("p", "Something forbidden")).await;
        let e = run.error();
        assert_eq!(e.kind(), ErrorKind::ContentFiltered, "{provider}: {e}");
        assert!(
            e.message().len() > "p: ".len() + 10,
            "{provider}: {}",
            e.message()
        );
        assert_eq!(
            (mock.attempts("p"), mock.attempts("b")),
            (1, 0),
            "{provider}"
        );
        assert_healthy_after(&mock, &client, "p").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_content_type_fails_over() {
    let (mock, client) = setup(two("openai", "gemini")).await;
    mock.set_fault("p", "wrong_content_type").unwrap();
    let run = run(&client, Request::new("p", "Hi")).await;
    assert_canonical(&run);
    assert_eq!(
        run.attempts(),
        ["p:stream:MALFORMED_RESPONSE", "b:stream:ok"]
    );
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_deadline_bounds_the_whole_call() {
    let mut doc = models(&[
        ("p", "openai"),
        ("q", "gemini"),
        ("r", "anthropic"),
        ("s", "openai"),
    ]);
    merge(
        &mut doc,
        json!({"fallbacks": {"p": ["q", "r", "s"]}, "timeouts": {"total_ms": 1_200}}),
    );
    let (mock, client) = setup(doc).await;
    for model in ["p", "q", "r", "s"] {
        mock.set_fault(model, "silent").unwrap();
    }
    let run = run(&client, Request::new("p", "Hi")).await;
    let e = run.error();
    assert_eq!(e.kind(), ErrorKind::DeadlineExceeded);
    assert_ms(run.elapsed, 1_200, 1_600);
    // Two whole silent routes fit in 1.2 s; the third ran out of time; the fourth never began.
    assert_eq!(
        (mock.attempts("p"), mock.attempts("q"), mock.attempts("r")),
        (1, 1, 1)
    );
    assert_eq!(mock.attempts("s"), 0);
    assert_healthy_after(&mock, &client, "p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_fail_before_any_attempt() {
    let (mock, client) = setup(two("openai", "gemini")).await;
    let cases = [
        (Request::new("nope", "Hi"), "model: unknown model \"nope\""),
        (
            Request {
                fallbacks: Some(vec!["b".into(), "zz".into()]),
                ..Request::new("p", "Hi")
            },
            "fallbacks[1]: unknown model \"zz\"",
        ),
        (
            Request {
                messages: vec![],
                ..Request::new("p", "Hi")
            },
            "messages: must hold at least one message",
        ),
        (
            Request {
                model: None,
                ..Request::new("p", "Hi")
            },
            "model: the request names no model",
        ),
    ];
    for (request, expected) in cases {
        let run = run(&client, request).await;
        let e = run.error();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.message().starts_with(expected), "{}", e.message());
        assert!(e.details().unwrap().attempts.is_empty());
        assert!(run.events.is_empty());
    }
    assert_eq!(mock.attempts("p") + mock.attempts("b"), 0);
}
