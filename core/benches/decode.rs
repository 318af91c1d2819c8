//! Provider stream decoding throughput: `StreamDecoder` per provider, in 2 KiB chunks.
//!
//! This is SSE parsing plus JSON decoding of every payload plus the summary bookkeeping: what a
//! genie stream costs end to end, minus the network. Each run decodes a whole ~6 MB answer
//! (see `streams/mod.rs`) and must end complete with all of its text, checked before measuring.

#[allow(dead_code)] // each target uses its own part of the shared generator
mod streams;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use genie_core::provider::{Provider, StreamDecoder, StreamEvent, StreamSummary};
use streams::{Kind, CHUNK_BYTES, STREAM_BYTES};

fn provider(kind: Kind) -> Provider {
    Provider::from_name(kind.name()).expect("every generated kind is a genie provider")
}

/// Decodes `stream`, returning the number of text bytes seen in events and the summary.
fn decode(provider: Provider, stream: &[u8]) -> (usize, StreamSummary) {
    let mut decoder = StreamDecoder::new(provider);
    let mut text_bytes = 0;
    for piece in stream.chunks(CHUNK_BYTES) {
        let fed = decoder.feed(piece, |event| {
            if let StreamEvent::Text(text) = black_box(event) {
                text_bytes += text.len();
            }
        });
        fed.expect("the benchmark streams are within the default limits");
    }
    (text_bytes, decoder.finish())
}

fn bench_decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    for kind in Kind::ALL {
        let stream = streams::generate(kind, STREAM_BYTES);
        let provider = provider(kind);
        let (text_bytes, summary) = decode(provider, &stream);
        assert!(summary.complete, "{}: {summary:?}", kind.name());
        assert_eq!(summary.malformed_events, 0, "{}", kind.name());
        assert_eq!(summary.error, None, "{}", kind.name());
        assert!(summary.usage.output_tokens.is_some(), "{}", kind.name());
        assert!(text_bytes > 100_000, "{}: {text_bytes}", kind.name());
        assert_eq!(summary.text.len(), text_bytes, "{}", kind.name());

        group.throughput(Throughput::Bytes(stream.len() as u64));
        group.bench_function(kind.name(), |b| {
            b.iter(|| decode(provider, black_box(&stream)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench_decode
}
criterion_main!(benches);
