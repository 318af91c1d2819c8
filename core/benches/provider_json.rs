//! The per-event cost of provider decoding, for criterion and for callgrind.
//!
//! `decode` measures whole streams; this bench isolates one event, the unit the Python target
//! (`bindings/python/bench/bench_decode.py`, ≥ 10× httpx-sse + `json.loads`) is made of:
//!
//! - `cargo bench -p genie-core --bench provider_json`: criterion time per typical text event of
//!   each provider, one event per `feed` (SSE parsing + JSON + emitting), and per event through
//!   the SSE parser alone, so the difference is the provider's share;
//! - `provider_json --once PROVIDER`: decodes the provider's generated stream (`streams/`, ~6 MB
//!   in 2 KiB chunks) once, inside `decode_stream_once`;
//! - `provider_json --events PROVIDER`: feeds the typical event [`REPEAT`] times to a decoder
//!   through `feed` (`decode_events`) and through `feed_ref` (`decode_events_ref`, which skips
//!   the owned copy of each event), and to a bare SSE parser (`parse_events`).
//!
//! The last two exist for callgrind, whose instruction counts stay exact on a loaded machine:
//!
//! ```text
//! valgrind --tool=callgrind --collect-atstart=no \
//!     --toggle-collect='provider_json::decode_events*' --toggle-collect='provider_json::parse_events' \
//!     target/release/deps/provider_json-HASH --events openai
//! callgrind_annotate --inclusive=yes callgrind.out.PID | grep provider_json::
//! ```
//!
//! (`--once` collects with `--toggle-collect='provider_json::decode_stream_once'`.)

#[allow(dead_code)] // each target uses its own part of the shared generator
mod streams;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, Criterion, Throughput};
use genie_core::provider::{Provider, StreamDecoder, StreamEvent, StreamEventRef};
use genie_core::sse::Parser;
use streams::{Kind, CHUNK_BYTES, SEED, STREAM_BYTES};

/// How many times `--events` feeds the typical event.
const REPEAT: usize = 100_000;

/// The decoder's summary text grows by every delta; it is reset this often so a long criterion
/// run measures steady state, not an ever larger string.
const FINISH_EVERY: usize = 4096;

/// A typical text event of each provider, as it is on the wire today.
fn typical_event(provider: Provider) -> &'static [u8] {
    match provider {
        Provider::OpenAiChat => {
            b"data: {\"id\":\"chatcmpl-9xK2mQ4rT7vB1nW8pL3sD6fH0jZ\",\"object\":\"chat.completion.chunk\",\
              \"created\":1718035200,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\
              \"fp_0ba0d124f1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" the quick brown\"},\
              \"logprobs\":null,\"finish_reason\":null}]}\n\n"
        }
        Provider::Anthropic => {
            b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\
              \"delta\":{\"type\":\"text_delta\",\"text\":\" the quick brown\"}}\n\n"
        }
        Provider::OpenAiResponses => {
            b"event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\
              \"sequence_number\":42,\"item_id\":\"msg_67c9fdcecf488190bdd9a0409de3a1ec\",\
              \"output_index\":0,\"content_index\":0,\"delta\":\" the quick brown\",\"logprobs\":[]}\n\n"
        }
        Provider::Gemini => {
            b"data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" the quick brown fox \
              jumps over the lazy dog while the model streams\"}],\"role\": \"model\"},\"index\": 0}],\
              \"usageMetadata\": {\"promptTokenCount\": 1187,\"candidatesTokenCount\": 64,\
              \"totalTokenCount\": 1562,\"promptTokensDetails\": [{\"modality\": \"TEXT\",\
              \"tokenCount\": 1187}],\"thoughtsTokenCount\": 311},\"modelVersion\": \
              \"gemini-2.5-flash\",\"responseId\": \"9xK2mQ4rT7vB1nW8pL3sD6\"}\r\n\r\n"
        }
    }
}

fn kind(provider: Provider) -> Kind {
    match provider {
        Provider::OpenAiChat => Kind::OpenAi,
        Provider::Gemini => Kind::Gemini,
        Provider::Anthropic => Kind::Anthropic,
        Provider::OpenAiResponses => Kind::OpenAiResponses,
    }
}

/// Decodes the whole stream once, counting the text events it produced.
#[inline(never)]
fn decode_stream_once(provider: Provider, stream: &[u8]) -> usize {
    let mut decoder = StreamDecoder::new(provider);
    let mut texts = 0;
    for piece in stream.chunks(CHUNK_BYTES) {
        let fed = decoder.feed(piece, |event| {
            if let StreamEvent::Text(_) = black_box(event) {
                texts += 1;
            }
        });
        fed.expect("the benchmark streams are within the default limits");
    }
    let summary = decoder.finish();
    assert!(
        summary.complete && summary.malformed_events == 0,
        "{summary:?}"
    );
    texts
}

#[inline(never)]
fn decode_events(provider: Provider, event: &[u8], times: usize) -> usize {
    let mut decoder = StreamDecoder::new(provider);
    let mut texts = 0;
    for i in 0..times {
        let fed = decoder.feed(event, |e| {
            if let StreamEvent::Text(_) = black_box(e) {
                texts += 1;
            }
        });
        fed.expect("within the default limits");
        if i % FINISH_EVERY == FINISH_EVERY - 1 {
            black_box(decoder.finish());
        }
    }
    texts
}

#[inline(never)]
fn decode_events_ref(provider: Provider, event: &[u8], times: usize) -> usize {
    let mut decoder = StreamDecoder::new(provider);
    let mut texts = 0;
    for i in 0..times {
        let fed = decoder.feed_ref(event, |e| {
            if let StreamEventRef::Text(_) = black_box(e) {
                texts += 1;
            }
        });
        fed.expect("within the default limits");
        if i % FINISH_EVERY == FINISH_EVERY - 1 {
            black_box(decoder.finish());
        }
    }
    texts
}

#[inline(never)]
fn parse_events(event: &[u8], times: usize) -> usize {
    let mut parser = Parser::new();
    let mut events = 0;
    for _ in 0..times {
        let fed = parser.feed(event, |e| {
            black_box(e);
            events += 1;
        });
        fed.expect("within the default limits");
    }
    events
}

/// Runs one of the callgrind modes; `None` if the arguments ask for criterion.
fn callgrind_mode(args: &[String]) -> Option<Result<String, String>> {
    let at = args.iter().position(|a| a == "--once" || a == "--events")?;
    let name = args.get(at + 1).map(String::as_str).unwrap_or_default();
    let provider = match Provider::from_name(name) {
        Ok(provider) => provider,
        Err(error) => return Some(Err(error.to_string())),
    };
    Some(Ok(if args[at] == "--once" {
        let stream = streams::generate(kind(provider), STREAM_BYTES);
        let mut events = 0;
        Parser::new()
            .feed(&stream, |_| events += 1)
            .expect("the benchmark streams are within the default limits");
        let texts = decode_stream_once(provider, &stream);
        format!(
            "{name}: {} bytes, {events} SSE events, {texts} text events (seed {SEED:#x})",
            stream.len()
        )
    } else {
        let event = typical_event(provider);
        let texts = decode_events(provider, event, REPEAT);
        let borrowed = decode_events_ref(provider, event, REPEAT);
        let parsed = parse_events(event, REPEAT);
        assert_eq!(
            (texts, borrowed, parsed),
            (REPEAT, REPEAT, REPEAT),
            "one text event per feed"
        );
        format!("{name}: {REPEAT} events of {} bytes", event.len())
    }))
}

fn bench_events(c: &mut Criterion) {
    let mut group = c.benchmark_group("provider_json");
    for &provider in Provider::ALL {
        let event = typical_event(provider);
        group.throughput(Throughput::Bytes(event.len() as u64));
        let mut decoder = StreamDecoder::new(provider);
        let mut fed = 0usize;
        group.bench_function(format!("{}/decode", provider.name()), |b| {
            b.iter(|| {
                let mut texts = 0;
                let result = decoder.feed(black_box(event), |e| {
                    if let StreamEvent::Text(_) = black_box(e) {
                        texts += 1;
                    }
                });
                fed += 1;
                if fed.is_multiple_of(FINISH_EVERY) {
                    black_box(decoder.finish());
                }
                (result.is_ok(), texts)
            })
        });
        let mut parser = Parser::new();
        group.bench_function(format!("{}/sse-only", provider.name()), |b| {
            b.iter(|| {
                parser
                    .feed(black_box(event), |e| {
                        black_box(e);
                    })
                    .is_ok()
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench_events
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match callgrind_mode(&args) {
        Some(Ok(report)) => println!("{report}"),
        Some(Err(message)) => {
            eprintln!("provider_json: {message}");
            std::process::exit(2);
        }
        None => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
