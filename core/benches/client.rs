//! The client's overhead against raw reqwest on the same streams: time added to the first text,
//! and throughput.
//!
//! "Raw" is the least a caller must do to get text out of a provider stream: reqwest (same
//! `TCP_NODELAY`, same pool) plus a `StreamDecoder`. "genie" is `Client::stream`, with
//! everything it does on top: deadlines and the stall timer, event-id tracking, the breaker,
//! the attempt record, the events. Both run on one current-thread runtime.
//!
//! - `ttft/*`: the mock provider's canonical OpenAI stream (a real HTTP server on its own
//!   thread); the time from starting the call to the first text, the rest of the stream drained
//!   outside the measurement so connections are pooled as in real use.
//! - `stream/*`: a long answer (20,000 OpenAI chunks, ~3 MB) from a raw local server, whole.
//!
//! After criterion's runs (`cargo bench --bench client`), an interleaved comparison prints the
//! two headline numbers: the added time to first text (median of paired runs; target ≤ 50 µs)
//! and genie's throughput as a share of raw (target ≥ 95 %).

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{criterion_group, Criterion, Throughput};
use futures_util::StreamExt;
use genie_core::client::{CallEvent, Client, ClientConfig, Request};
use genie_core::provider::{Provider, StreamDecoder, StreamEventRef};
use genie_mock_provider::{canonical_text, MockProvider};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::runtime::Runtime;

const LONG_EVENTS: usize = 20_000;

/// The long answer: OpenAI chunks of one word each, then the finish, usage and `[DONE]`.
fn long_body() -> (Vec<u8>, usize) {
    let mut body = String::new();
    let mut text = 0;
    for i in 0..LONG_EVENTS {
        let word = format!("w{} ", i % 1000);
        text += word.len();
        body.push_str(&format!(
            "data: {{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{word}\"}},\"finish_reason\":null}}]}}\n\n"
        ));
    }
    body.push_str(
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
    );
    body.push_str("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":20000,\"total_tokens\":20005}}\n\n");
    body.push_str("data: [DONE]\n\n");
    (body.into_bytes(), text)
}

/// A keep-alive HTTP/1.1 server answering every POST with `body` as an event stream.
fn serve_long(rt: &Runtime, body: Bytes) -> String {
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(connection(socket, body.clone()));
            }
        });
    });
    base
}

async fn connection(mut socket: tokio::net::TcpStream, body: Bytes) {
    let _ = socket.set_nodelay(true);
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let mut buf = Vec::new();
    let mut scratch = vec![0u8; 64 << 10];
    loop {
        // One request: headers, then a content-length body.
        let end = loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            match socket.read(&mut scratch).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&scratch[..n]),
            }
        };
        let headers = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let length: usize = headers
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < end + length {
            match socket.read(&mut scratch).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&scratch[..n]),
            }
        }
        buf.drain(..end + length);
        if socket.write_all(head.as_bytes()).await.is_err()
            || socket.write_all(&body).await.is_err()
        {
            return;
        }
    }
}

struct Target {
    url: String,
    body: Bytes,
    client: Client,
}

fn target(base: &str) -> Target {
    let config = ClientConfig::from_value(serde_json::json!({
        "providers": {"p": {"kind": "openai", "base_url": base}},
        "models": {"m": {"provider": "p"}},
    }))
    .expect("config");
    // What genie sends for `request()`, so both sides ask for the same thing.
    let body = serde_json::json!({
        "model": "m",
        "messages": [{"role": "user", "content": "Say the answer"}],
        "stream": true,
        "stream_options": {"include_usage": true},
    });
    Target {
        url: format!("{base}/v1/chat/completions"),
        body: Bytes::from(serde_json::to_vec(&body).expect("json")),
        client: Client::new(config).expect("client"),
    }
}

fn request() -> Request {
    Request::new("m", "Say the answer")
}

fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .tcp_nodelay(true)
        .build()
        .expect("reqwest")
}

/// Raw: (time to the first text, the whole answer's text length).
async fn raw(http: &reqwest::Client, t: &Target) -> (Duration, usize) {
    let start = Instant::now();
    let mut response = http
        .post(&t.url)
        .header("content-type", "application/json")
        .header("accept", "text/event-stream")
        .body(t.body.clone())
        .send()
        .await
        .expect("send");
    assert!(response.status().is_success());
    let mut decoder = StreamDecoder::new(Provider::OpenAiChat);
    let mut text = String::new();
    let mut first = None;
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        decoder
            .feed_ref(&chunk, |event| {
                if let StreamEventRef::Text(delta) = event {
                    text.push_str(delta);
                }
            })
            .expect("feed");
        if first.is_none() && !text.is_empty() {
            first = Some(start.elapsed());
        }
        if decoder.is_complete() {
            break;
        }
    }
    assert!(decoder.is_complete());
    (first.expect("text"), black_box(text).len())
}

/// genie: the same.
async fn genie(t: &Target) -> (Duration, usize) {
    let start = Instant::now();
    let mut stream = t.client.stream(request());
    let mut text = 0;
    let mut first = None;
    while let Some(event) = stream.next().await {
        match event.expect("the call succeeds") {
            CallEvent::Text { text: delta } => {
                first.get_or_insert_with(|| start.elapsed());
                text += black_box(delta).len();
            }
            CallEvent::Done { summary } => assert!(summary.complete),
            _ => {}
        }
    }
    (first.expect("text"), text)
}

struct Setup {
    rt: Runtime,
    http: reqwest::Client,
    mock: Target,
    long: Target,
    long_bytes: usize,
    _server: MockProvider,
}

fn setup() -> Setup {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = MockProvider::start_on_thread();
    let mock = target(&server.base_url());
    let (body, text_len) = long_body();
    let long_bytes = body.len();
    let long = target(&serve_long(&rt, Bytes::from(body)));
    let http = raw_client();
    // Both sides get the whole, identical answer before anything is measured.
    rt.block_on(async {
        assert_eq!(raw(&http, &mock).await.1, canonical_text().len());
        assert_eq!(genie(&mock).await.1, canonical_text().len());
        assert_eq!(raw(&http, &long).await.1, text_len);
        assert_eq!(genie(&long).await.1, text_len);
    });
    Setup {
        rt,
        http,
        mock,
        long,
        long_bytes,
        _server: server,
    }
}

fn bench(c: &mut Criterion) {
    let s = setup();
    let mut group = c.benchmark_group("client/ttft");
    group.bench_function("raw", |b| {
        b.iter_custom(|iters| {
            s.rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += raw(&s.http, &s.mock).await.0;
                }
                total
            })
        })
    });
    group.bench_function("genie", |b| {
        b.iter_custom(|iters| {
            s.rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += genie(&s.mock).await.0;
                }
                total
            })
        })
    });
    group.finish();
    let mut group = c.benchmark_group("client/stream");
    group.throughput(Throughput::Bytes(s.long_bytes as u64));
    group.bench_function("raw", |b| b.iter(|| s.rt.block_on(raw(&s.http, &s.long))));
    group.bench_function("genie", |b| b.iter(|| s.rt.block_on(genie(&s.long))));
    group.finish();
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Paired, interleaved runs: each pair runs raw and genie back to back (alternating which goes
/// first), and the medians are taken over the pairs' differences and ratios, so drift on a
/// shared machine cancels out.
fn report() {
    let s = setup();
    let ttft: Vec<(f64, f64)> = s.rt.block_on(async {
        let mut pairs = Vec::new();
        for i in 0..2_000 {
            // Which side goes first alternates, so neither gains from going second.
            let (raw, genie) = if i % 2 == 0 {
                let raw = raw(&s.http, &s.mock).await.0;
                (raw, genie(&s.mock).await.0)
            } else {
                let genie = genie(&s.mock).await.0;
                (raw(&s.http, &s.mock).await.0, genie)
            };
            pairs.push((raw.as_secs_f64(), genie.as_secs_f64()));
        }
        pairs
    });
    let long: Vec<(f64, f64)> = s.rt.block_on(async {
        let mut pairs = Vec::new();
        for i in 0..200 {
            let timed_raw = async {
                let t = Instant::now();
                raw(&s.http, &s.long).await;
                t.elapsed().as_secs_f64()
            };
            let timed_genie = async {
                let t = Instant::now();
                genie(&s.long).await;
                t.elapsed().as_secs_f64()
            };
            pairs.push(if i % 2 == 0 {
                let raw = timed_raw.await;
                (raw, timed_genie.await)
            } else {
                let genie = timed_genie.await;
                (timed_raw.await, genie)
            });
        }
        pairs
    });
    let raw_ttft = median(ttft.iter().map(|p| p.0).collect());
    let genie_ttft = median(ttft.iter().map(|p| p.1).collect());
    let added = median(ttft.iter().map(|p| p.1 - p.0).collect());
    println!(
        "client/ttft: raw {:.1} µs, genie {:.1} µs (medians); added per pair (median): {:+.1} µs \
         (target ≤ 50 µs)",
        raw_ttft * 1e6,
        genie_ttft * 1e6,
        added * 1e6
    );
    let mbps = |secs: f64| s.long_bytes as f64 / secs / 1e6;
    let ratio = median(long.iter().map(|p| p.0 / p.1).collect());
    println!(
        "client/stream: raw {:.0} MB/s, genie {:.0} MB/s (medians); genie/raw per pair (median): \
         {:.1} % (target ≥ 95 %)",
        mbps(median(long.iter().map(|p| p.0).collect())),
        mbps(median(long.iter().map(|p| p.1).collect())),
        ratio * 100.0
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}

fn main() {
    benches();
    // The paired report only when benchmarking (`cargo bench`), not in `cargo test --benches`.
    if std::env::args().any(|a| a == "--bench") {
        report();
    }
    Criterion::default().configure_from_args().final_summary();
}
