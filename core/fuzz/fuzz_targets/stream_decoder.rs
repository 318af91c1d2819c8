//! Fuzzes `provider::StreamDecoder` for all four providers: never a panic, the same events and
//! summary whatever the chunking, a summary that agrees with the events, and a decoder that
//! is as good as new after `finish`.
//!
//! Input layout: byte 0 picks the provider (low 2 bits) and the chunking style, byte 1 seeds the
//! chunk sizes, the rest is the stream.

#![no_main]

use genie_core::provider::{Provider, StreamDecoder, StreamEvent, StreamSummary};
use libfuzzer_sys::fuzz_target;

fn run<'a>(
    decoder: &mut StreamDecoder,
    chunks: impl Iterator<Item = &'a [u8]>,
) -> (Vec<StreamEvent>, StreamSummary) {
    let mut events = Vec::new();
    let mut complete = false;
    for chunk in chunks {
        // The default limits are far above libFuzzer's input sizes.
        decoder
            .feed_to_vec(chunk, &mut events)
            .expect("no limit can be exceeded by a fuzz input");
        assert!(
            decoder.is_complete() || !complete,
            "the end marker was forgotten"
        );
        complete = decoder.is_complete();
    }
    let summary = decoder.finish();
    assert_eq!(summary.complete, complete);
    (events, summary)
}

fuzz_target!(|input: &[u8]| {
    let [mode, seed, stream @ ..] = input else {
        return;
    };
    let provider = Provider::ALL[usize::from(mode & 0x3)];
    let mut decoder = StreamDecoder::new(provider);
    let (events, summary) = run(&mut decoder, std::iter::once(stream));

    let text: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(summary.text, text, "summary text is not the text events");
    let count = |f: fn(&StreamEvent) -> bool| events.iter().filter(|e| f(e)).count();
    let malformed = count(|e| matches!(e, StreamEvent::Malformed { .. }));
    assert_eq!(summary.malformed_events, malformed as u64);
    let errors = count(|e| matches!(e, StreamEvent::Error(_)));
    assert_eq!(
        summary.error.is_some(),
        errors > 0,
        "summary error and error events disagree"
    );
    assert_eq!(summary.provider, provider);

    let max_chunk = [1, 7, 64, 512][usize::from(mode >> 2 & 0x3)];
    let mut state = u32::from(*seed) | 0x100;
    let mut chunks = Vec::new();
    let mut at = 0;
    while at < stream.len() {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let size = (state >> 16) as usize % (max_chunk + 1);
        let end = (at + size).min(stream.len());
        chunks.push(&stream[at..end]);
        at = end;
    }
    // The same decoder, after finish(), in chunks: as good as new and chunking-invariant.
    let chunked = run(&mut decoder, chunks.iter().copied());
    assert_eq!(
        (&events, &summary),
        (&chunked.0, &chunked.1),
        "chunking or reuse changed the result"
    );
});
