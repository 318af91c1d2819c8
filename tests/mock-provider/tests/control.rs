//! Choosing faults (header, registered script, model suffix), sequences per attempt, flapping,
//! the `/_mock/*` control endpoints, the binary, and the threaded server.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use genie_mock_provider::{MockProvider, Provider};
use serde_json::{json, Value};

#[tokio::test]
async fn header_beats_registered_script_beats_model_suffix() {
    let mock = MockProvider::start().await;
    let model = "m@status=418";
    let reply = send(&mock, &Req::new(Provider::OpenAiChat, model, false), SHORT).await;
    assert_eq!(reply.status, 418);
    mock.set_fault(model, "status=503").unwrap();
    let reply = send(&mock, &Req::new(Provider::OpenAiChat, model, false), SHORT).await;
    assert_eq!(reply.status, 503);
    let reply = send(
        &mock,
        &Req::new(Provider::OpenAiChat, model, false).fault("ok"),
        SHORT,
    )
    .await;
    assert_eq!(reply.status, 200);
    mock.clear_fault(model);
    let reply = send(&mock, &Req::new(Provider::OpenAiChat, model, false), SHORT).await;
    assert_eq!(reply.status, 418);
    let faults: Vec<_> = mock.log(model).iter().map(|r| r.fault.clone()).collect();
    assert_eq!(faults, ["status=418", "status=503", "ok", "status=418"]);
    // A suffix on a Gemini model travels in the URL path.
    let reply = send(
        &mock,
        &Req::new(Provider::Gemini, "g@cut_after=2", true),
        SHORT,
    )
    .await;
    assert_eq!(decode(Provider::Gemini, &reply.body()).1.text, prefix(2));
}

#[tokio::test]
async fn a_bad_script_is_a_400_that_names_the_item_and_is_not_counted() {
    let mock = MockProvider::start().await;
    let reply = send(
        &mock,
        &Req::new(Provider::Anthropic, "m", true).fault("stal_after=3"),
        SHORT,
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.header("x-mock-error"), Some("fault-syntax"));
    assert!(reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("stal_after"));
    assert_eq!(mock.attempts("m"), 0);
    assert!(mock.set_fault("m", "cut_after=99").is_err());
}

#[tokio::test]
async fn seq_gives_each_attempt_its_step_and_repeats_the_last() {
    let mock = MockProvider::start().await;
    mock.set_fault("m", "seq=status=503|status=429,retry_after=1|ok")
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let reply = send(&mock, &Req::new(Provider::Gemini, "m", false), SHORT).await;
        statuses.push(reply.status);
        assert_eq!(
            reply.header("x-mock-attempt"),
            Some(statuses.len().to_string().as_str())
        );
    }
    assert_eq!(statuses, [503, 429, 200, 200]);
    assert_eq!(mock.attempts("m"), 4);
    mock.reset();
    assert_eq!(mock.attempts("m"), 0);
    let reply = send(&mock, &Req::new(Provider::Gemini, "m", false), SHORT).await;
    assert_eq!(
        reply.status, 503,
        "reset restarts the sequence and keeps the script"
    );
}

#[tokio::test]
async fn flap_is_down_then_up_from_start_or_reset() {
    let mock = MockProvider::start().await;
    mock.set_fault("m", "flap=1000/1000").unwrap();
    mock.reset();
    let down = send(&mock, &Req::new(Provider::Anthropic, "m", true), SHORT).await;
    assert_eq!(down.status, 503);
    tokio::time::sleep(Duration::from_millis(1400)).await;
    let up = send(&mock, &Req::new(Provider::Anthropic, "m", true), SHORT).await;
    assert_eq!(up.status, 200);
    assert!(decode(Provider::Anthropic, &up.body()).1.complete);
    mock.reset();
    let again = send(
        &mock,
        &Req::new(Provider::Anthropic, "m", true).fault("flap=1000/1000,status=529"),
        SHORT,
    )
    .await;
    assert_eq!(again.status, 529);
    assert_eq!(mock.log("m")[0].action, "flap_down");
}

async fn get(base: &str, path: &str) -> (u16, Value) {
    let r = client().get(format!("{base}{path}")).send().await.unwrap();
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap(),
    )
}

async fn post(base: &str, path: &str, body: Value) -> (u16, Value) {
    let r = client()
        .post(format!("{base}{path}"))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap(),
    )
}

#[tokio::test]
async fn control_endpoints() {
    let mock = MockProvider::start().await;
    let base = mock.base_url();
    assert_eq!(
        get(&base, "/_mock/health").await,
        (200, json!({"ok": true}))
    );
    let (status, _) = post(
        &base,
        "/_mock/fault",
        json!({"model": "p|q", "fault": "status=500"}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, v) = post(
        &base,
        "/_mock/fault",
        json!({"model": "x", "fault": "bogus"}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(v["error"].as_str().unwrap().contains("bogus"));
    assert_eq!(
        get(&base, "/_mock/faults").await.1,
        json!({"p|q": "status=500"})
    );
    send(&mock, &Req::new(Provider::OpenAiChat, "p|q", true), SHORT).await;
    send(&mock, &Req::new(Provider::OpenAiChat, "p|q", true), SHORT).await;
    let (_, one) = get(&base, "/_mock/attempts?model=p%7Cq").await;
    assert_eq!(one["attempts"], 2);
    assert_eq!(one["log"][1]["status"], 500);
    assert_eq!(one["log"][0]["api_key"], true);
    assert_eq!(one["log"][0]["provider"], "openai");
    let (_, all) = get(&base, "/_mock/attempts").await;
    assert_eq!(all["p|q"]["attempts"], 2);
    for provider in ALL {
        send(&mock, &Req::new(provider, provider.name(), false), SHORT).await;
        let (_, one) = get(&base, &format!("/_mock/attempts?model={}", provider.name())).await;
        assert_eq!(one["log"][0]["provider"], provider.name());
    }
    let (status, last) = get(&base, "/_mock/last_request?model=p%7Cq").await;
    assert_eq!(status, 200);
    assert!(!last.to_string().contains(KEY));
    assert_eq!(last["body"]["model"], "p|q");
    assert_eq!(get(&base, "/_mock/last_request?model=none").await.0, 404);
    assert_eq!(post(&base, "/_mock/reset", json!({})).await.0, 200);
    assert_eq!(
        get(&base, "/_mock/attempts?model=p%7Cq").await.1["attempts"],
        0
    );
    let (_, null) = post(
        &base,
        "/_mock/fault",
        json!({"model": "p|q", "fault": null}),
    )
    .await;
    assert_eq!(null, json!({"ok": true}));
    let r = client()
        .delete(format!("{base}/_mock/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(get(&base, "/_mock/faults").await.1, json!({}));
}

#[test]
fn the_binary_prints_its_port_and_exits_when_stdin_closes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_genie-mock-provider"))
        .args(["--exit-on-stdin-eof", "--fault", "m=status=402"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line.trim().strip_prefix("PORT=").unwrap().parse().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let status = runtime.block_on(async {
        send_to(&base, &Req::new(Provider::Anthropic, "m", true), SHORT)
            .await
            .unwrap()
            .status
    });
    assert_eq!(status, 402);
    drop(child.stdin.take());
    let start = Instant::now();
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success());
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "still running after stdin closed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_genie-mock-provider"))
        .args(["--fault", "m=nonsense"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("nonsense"));
}

#[test]
fn the_threaded_server_serves_sync_callers_and_stops_on_drop() {
    let mock = MockProvider::start_on_thread();
    let base = mock.base_url();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let reply = runtime.block_on(send_to(
        &base,
        &Req::new(Provider::OpenAiResponses, "m", true),
        SHORT,
    ));
    assert!(
        decode(Provider::OpenAiResponses, &reply.unwrap().body())
            .1
            .complete
    );
    assert_eq!(mock.attempts("m"), 1);
    drop(mock);
    let after = runtime.block_on(send_to(
        &base,
        &Req::new(Provider::OpenAiResponses, "m", true),
        SHORT,
    ));
    assert!(after.is_err(), "the port is closed after drop");
}
