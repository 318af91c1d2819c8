//! SSE parser throughput against its peers, on the same bytes in the same chunks.
//!
//! For each realistic stream (see `streams/mod.rs`), fed in 2 KiB network-sized chunks:
//!
//! - `genie_borrowed`: `Parser::feed` with a callback that reads every event (the zero-copy API);
//! - `genie_owned`: `Parser::feed_to_vec`, one owned `Event` per event, like the peers;
//! - `eventsource_stream`: the `eventsource-stream` crate over `futures::stream::iter` of the
//!   same chunks, driven by `block_on`, consuming every event;
//! - `memchr_floor`: only finding the line ends, the least work any parser can do.
//!
//! Then `long_line`: one `data:` line of 1, 8 and 32 MiB split in 1 KiB chunks, the proof that
//! the parser is linear whatever the chunking (see `bench_long_line`).
//!
//! Before measuring, every contender's event count and data bytes are checked equal, so a
//! broken path cannot post a fast number. `bench/compare.sh` reads the results.

#[allow(dead_code)] // each target uses its own part of the shared generator
mod streams;

use std::convert::Infallible;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use eventsource_stream::EventStream;
use futures::executor::block_on;
use futures::StreamExt;
use genie_core::sse::{Event, Parser, ParserOptions};
use streams::{Kind, CHUNK_BYTES, STREAM_BYTES};

/// Events seen and data bytes in them: what every contender must agree on.
#[derive(Debug, Default, PartialEq, Eq, Clone, Copy)]
struct Tally {
    events: usize,
    data_bytes: usize,
}

fn genie_borrowed(stream: &[u8], chunk: usize) -> Tally {
    let mut parser = Parser::new();
    let mut tally = Tally::default();
    for piece in stream.chunks(chunk) {
        let fed = parser.feed(piece, |event| {
            tally.events += 1;
            tally.data_bytes += event.data.len();
        });
        fed.expect("the benchmark streams are within the default limits");
    }
    parser.finish();
    tally
}

fn genie_owned(stream: &[u8], chunk: usize) -> Tally {
    let mut parser = Parser::new();
    let mut tally = Tally::default();
    let mut events: Vec<Event> = Vec::new();
    for piece in stream.chunks(chunk) {
        parser
            .feed_to_vec(piece, &mut events)
            .expect("the benchmark streams are within the default limits");
        // Consume the batch as an application would, then reuse the vector.
        for event in events.drain(..) {
            tally.events += 1;
            tally.data_bytes += black_box(event).data.len();
        }
    }
    parser.finish();
    tally
}

fn eventsource_stream(stream: &[u8], chunk: usize) -> Tally {
    let chunks = futures::stream::iter(stream.chunks(chunk).map(Ok::<_, Infallible>));
    let mut events = EventStream::new(chunks);
    let mut tally = Tally::default();
    block_on(async {
        while let Some(event) = events.next().await {
            let event = event.expect("eventsource-stream parses the benchmark streams");
            tally.events += 1;
            tally.data_bytes += black_box(event).data.len();
        }
    });
    tally
}

fn memchr_floor(stream: &[u8], chunk: usize) -> usize {
    stream
        .chunks(chunk)
        .map(|piece| memchr::memchr_iter(b'\n', piece).count())
        .sum()
}

fn bench_streams(c: &mut Criterion) {
    for kind in Kind::SSE {
        let stream = streams::generate(kind, STREAM_BYTES);
        let ours = genie_borrowed(&stream, CHUNK_BYTES);
        assert!(ours.events > 10_000, "{}: {ours:?}", kind.name());
        assert_eq!(genie_owned(&stream, CHUNK_BYTES), ours, "{}", kind.name());
        assert_eq!(
            eventsource_stream(&stream, CHUNK_BYTES),
            ours,
            "{}",
            kind.name()
        );

        let mut group = c.benchmark_group(format!("sse/{}", kind.name()));
        group.throughput(Throughput::Bytes(stream.len() as u64));
        group.bench_function("genie_borrowed", |b| {
            b.iter(|| genie_borrowed(black_box(&stream), CHUNK_BYTES))
        });
        group.bench_function("genie_owned", |b| {
            b.iter(|| genie_owned(black_box(&stream), CHUNK_BYTES))
        });
        group.bench_function("eventsource_stream", |b| {
            b.iter(|| eventsource_stream(black_box(&stream), CHUNK_BYTES))
        });
        group.bench_function("memchr_floor", |b| {
            b.iter(|| memchr_floor(black_box(&stream), CHUNK_BYTES))
        });
        group.finish();
    }
}

/// One event whose single `data:` line is `len` bytes of payload.
fn long_line(len: usize) -> Vec<u8> {
    let mut stream = Vec::with_capacity(len + 8);
    stream.extend_from_slice(b"data: ");
    stream.extend((0..len).map(|i| b'a' + (i % 26) as u8));
    stream.extend_from_slice(b"\n\n");
    stream
}

/// Long lines in 1 KiB chunks. Ours at 1, 8 and 32 MiB (limits raised to 64 MiB for the
/// last): equal throughput from 8 to 32 MiB is linear time (1 MiB stays in cache, the larger
/// ones pay page faults for fresh memory). eventsource-stream at 256 KiB and 1 MiB: its
/// throughput falls 4x when the line grows 4x, because it rescans the partial line on every
/// chunk (quadratic); at 8 MiB it would take seconds per run.
fn bench_long_line(c: &mut Criterion) {
    const CHUNK: usize = 1 << 10;
    let options = ParserOptions {
        max_line_bytes: 64 << 20,
        max_event_bytes: 64 << 20,
    };
    let mut group = c.benchmark_group("sse/long_line");
    for kib in [1 << 10, 8 << 10, 32 << 10] {
        let stream = long_line(kib << 10);
        let parse = |stream: &[u8]| {
            let mut parser = Parser::with_options(options).expect("valid limits");
            let mut tally = Tally::default();
            for piece in stream.chunks(CHUNK) {
                let fed = parser.feed(piece, |event| {
                    tally.events += 1;
                    tally.data_bytes += event.data.len();
                });
                fed.expect("within the raised limits");
            }
            tally
        };
        let expected = Tally {
            events: 1,
            data_bytes: kib << 10,
        };
        assert_eq!(parse(&stream), expected);
        group.throughput(Throughput::Bytes(stream.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("genie_borrowed", format!("{kib}KiB")),
            &stream,
            |b, stream| b.iter(|| parse(black_box(stream))),
        );
    }
    for kib in [256, 1 << 10] {
        let stream = long_line(kib << 10);
        assert_eq!(
            eventsource_stream(&stream, CHUNK),
            Tally {
                events: 1,
                data_bytes: kib << 10
            }
        );
        group.throughput(Throughput::Bytes(stream.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("eventsource_stream", format!("{kib}KiB")),
            &stream,
            |b, stream| b.iter(|| eventsource_stream(black_box(stream), CHUNK)),
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench_streams, bench_long_line
}
criterion_main!(benches);
