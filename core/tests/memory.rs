//! Bounded memory and linear time on hostile input, observed from outside the parser.
//!
//! Integration tests cannot read the parser's buffers, so this binary installs a counting
//! global allocator and measures the bytes the calling thread holds while it feeds the parser:
//! a 100 MB line, a stream of only CRs and an 8 MB line in 1 KB chunks must neither grow memory
//! past the configured limits nor take time that grows with the number of chunks.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

use genie_core::provider::{Provider, StreamDecoder};
use genie_core::sse::{Event, Parser, ParserOptions};
use genie_core::ErrorKind;

/// Counts, per thread, the bytes currently allocated and the peak since the last reset. Per
/// thread so that tests running in parallel do not see each other's allocations.
struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn record_alloc(size: usize) {
    // `try_with` because the allocator also runs while thread-locals are torn down.
    let _ = LIVE.try_with(|live| {
        let now = live.get().saturating_add(size);
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

fn record_dealloc(size: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(size)));
}

// SAFETY: every method forwards to `System` with the caller's own arguments, so `System`'s
// guarantees hold unchanged; the counting only touches const-initialised thread-locals, which
// never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record_alloc(layout.size());
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        record_dealloc(layout.size());
        // SAFETY: `ptr` was allocated by `System` with `layout` (every allocation goes there).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record_alloc(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record_alloc(new_size);
        record_dealloc(layout.size());
        // SAFETY: `ptr` and `layout` come from `System`, and the caller upholds `realloc`'s
        // contract for `new_size`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What a piece of work cost the calling thread.
struct Cost {
    /// Most bytes held above what the thread held before.
    peak: usize,
    /// Bytes still held afterwards, above what the thread held before.
    retained: usize,
    elapsed: Duration,
}

fn measure<T>(work: impl FnOnce() -> T) -> (T, Cost) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(base));
    let started = Instant::now();
    let result = work();
    let elapsed = started.elapsed();
    let cost = Cost {
        peak: PEAK.with(Cell::get) - base,
        retained: LIVE.with(Cell::get).saturating_sub(base),
        elapsed,
    };
    (result, cost)
}

const MIB: usize = 1 << 20;
const CHUNK: usize = 64 * 1024;

/// Growing a buffer by doubling briefly holds the old and the new one: up to half the limit
/// plus the limit (for a power-of-two limit), so twice the limit bounds it.
fn line_memory_bound(limit: usize) -> usize {
    2 * limit
}

/// Feeds `parts` to a parser, counting LIMIT_EXCEEDED errors (any other error fails the test).
fn feed_all<'a>(
    parser: &mut Parser,
    parts: impl IntoIterator<Item = &'a [u8]>,
    events: &mut Vec<Event>,
) -> usize {
    let mut errors = 0;
    for part in parts {
        if let Err(error) = parser.feed_to_vec(part, events) {
            assert_eq!(error.kind(), ErrorKind::LimitExceeded, "{error}");
            errors += 1;
        }
    }
    errors
}

#[test]
fn hundred_megabyte_line_with_default_limits_is_one_bounded_error() {
    let mut parser = Parser::new();
    let limit = parser.options().max_line_bytes;
    let filler = vec![b'x'; CHUNK];
    let line = std::iter::repeat_n(filler.as_slice(), 100 * MIB / CHUNK);
    let parts = std::iter::once(&b"data: "[..]).chain(line);
    let mut events = Vec::new();
    let (errors, cost) = measure(|| {
        let errors = feed_all(&mut parser, parts, &mut events);
        parser.finish();
        errors
    });
    assert_eq!(errors, 1, "one error for one oversized line");
    assert!(
        cost.peak <= line_memory_bound(limit),
        "held {} bytes for a {limit}-byte line limit",
        cost.peak
    );
    assert!(
        cost.retained < MIB,
        "the oversized line's buffer is released"
    );
    assert!(
        cost.elapsed < Duration::from_secs(20),
        "100 MB took {:?}",
        cost.elapsed
    );
    // The parser is still usable, and the events around the line are intact.
    let errors = feed_all(
        &mut parser,
        [
            &b"data: before\n\ndata: "[..],
            &filler,
            b"\ndata: after\n\n",
        ],
        &mut events,
    );
    assert_eq!(errors, 0);
    let data: Vec<&str> = events.iter().map(|e| e.data.as_str()).collect();
    assert_eq!(data, ["before", &format!("{}\nafter", "x".repeat(CHUNK))]);
}

#[test]
fn oversized_line_mid_stream_keeps_the_events_around_it() {
    let options = ParserOptions {
        max_line_bytes: MIB,
        max_event_bytes: 2 * MIB,
    };
    let mut parser = Parser::with_options(options).expect("valid limits");
    let filler = vec![b'y'; CHUNK];
    let mut parts: Vec<&[u8]> = vec![b"id: 1\ndata: first\n\ndata: doomed\ndata: "];
    parts.extend(std::iter::repeat_n(filler.as_slice(), 6 * MIB / CHUNK));
    parts.push(b"\r\ndata: rest of the doomed event\r\n\r\ndata: last\r\n\r\n");
    let mut events = Vec::new();
    let (errors, cost) = measure(|| feed_all(&mut parser, parts, &mut events));
    assert_eq!(errors, 1);
    assert!(
        cost.peak <= line_memory_bound(MIB) + MIB,
        "held {} bytes",
        cost.peak
    );
    let data: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e.data.as_str(), e.id.as_str()))
        .collect();
    assert_eq!(data, [("first", "1"), ("last", "1")]);
}

#[test]
fn decoder_reports_an_oversized_line_once_and_keeps_decoding() {
    let mut decoder = StreamDecoder::new(Provider::OpenAiChat);
    let limit = ParserOptions::default().max_line_bytes;
    let filler = vec![b'z'; CHUNK];
    let mut parts: Vec<&[u8]> = vec![b"data: {\"choices\":[{\"delta\":{\"content\":\""];
    parts.extend(std::iter::repeat_n(
        filler.as_slice(),
        (limit + MIB) / CHUNK,
    ));
    parts.push(b"\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\n");
    parts.push(b"data: [DONE]\n\n");
    let mut events = Vec::new();
    let (errors, cost) = measure(|| {
        let mut errors = Vec::new();
        for part in parts {
            if let Err(error) = decoder.feed_to_vec(part, &mut events) {
                errors.push(error.kind());
            }
        }
        errors
    });
    assert_eq!(errors, [ErrorKind::LimitExceeded]);
    assert!(
        cost.peak <= line_memory_bound(limit),
        "held {} bytes",
        cost.peak
    );
    let summary = decoder.finish();
    assert_eq!(summary.text, "ok");
    assert!(summary.complete);
}

/// Every CR is a blank line, so this is the most lines per byte a stream can hold. The cost
/// is per line (about 20 ns in release, far more in debug builds), hence the modest size.
#[test]
fn stream_of_only_crs_dispatches_nothing_in_constant_memory() {
    let crs = vec![b'\r'; CHUNK];
    let mut parser = Parser::new();
    let mut events = Vec::new();
    let (errors, cost) = measure(|| {
        let mut errors = feed_all(&mut parser, [&b"id: 1\n"[..]], &mut events);
        errors += feed_all(
            &mut parser,
            std::iter::repeat_n(crs.as_slice(), 2 * MIB / CHUNK),
            &mut events,
        );
        // Byte by byte as well: every chunk boundary falls between two CRs.
        errors += feed_all(&mut parser, crs[..16 * 1024].chunks(1), &mut events);
        parser.finish();
        errors
    });
    assert_eq!(errors, 0);
    assert!(events.is_empty());
    assert_eq!(
        parser.last_event_id(),
        "1",
        "each CR is a blank line: a dispatch"
    );
    assert!(cost.peak < 4096, "only CRs held {} bytes", cost.peak);
    assert!(
        cost.elapsed < Duration::from_secs(20),
        "2 MiB of CRs took {:?}",
        cost.elapsed
    );
}

/// An 8 MB line in 1 KB chunks must cost about what it costs in one chunk: a parser that
/// re-scans the partial line on every chunk does 8 000 scans of up to 8 MB here (minutes).
#[test]
fn long_line_in_small_chunks_takes_linear_time() {
    let line_len = 8 * MIB;
    let mut stream = b"data: ".to_vec();
    stream.resize(6 + line_len, b'q');
    stream.extend_from_slice(b"\n\n");
    let run = |chunk_size: usize| {
        let mut parser = Parser::new();
        let mut events = Vec::new();
        let (errors, cost) =
            measure(|| feed_all(&mut parser, stream.chunks(chunk_size), &mut events));
        assert_eq!(errors, 0);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data.len(), line_len);
        cost.elapsed
    };
    let whole = run(stream.len());
    let small = run(1024);
    assert!(
        small < whole * 20 + Duration::from_secs(2),
        "1 KB chunks took {small:?}, one chunk {whole:?}"
    );
}
