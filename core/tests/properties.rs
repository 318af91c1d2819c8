//! Properties of the SSE parser and the provider decoders over generated input.
//!
//! - Chunking never matters: any split of any byte string (empty chunks included) gives the
//!   events, last-event-ID and retry of feeding it whole, with and without small limits.
//! - Nothing panics on arbitrary bytes: the parser and all four decoders, fed and finished.
//! - A decoder's events and summary do not depend on the chunking either.
//!
//! Generators lean towards bytes that mean something to SSE (`data`, `:`, spaces, CR, LF, `id`,
//! `retry`, digits, a BOM, multi-byte and invalid UTF-8) and towards real provider events, cut
//! short now and then, so the cases reach deep parser states instead of one unknown field.
//! Case counts are kept so each property runs in a few seconds in a debug build.

use genie_core::provider::{Provider, StreamDecoder, StreamEvent, StreamSummary};
use genie_core::sse::{Event, Parser, ParserOptions};
use proptest::prelude::*;

const SSE_TOKENS: &[&[u8]] = &[
    b"data",
    b"data:",
    b"data: ",
    b"event: ",
    b"id",
    b"id: ",
    b"retry",
    b"retry: ",
    b":",
    b": ",
    b" ",
    b"  ",
    b"\t",
    b"\r",
    b"\n",
    b"\r\n",
    b"\n\n",
    b"\r\r",
    b"0",
    b"7",
    b"42",
    b"x",
    b"Data",
    b"\xC3\xA9",
    b"\xE2\x82\xAC",
    b"\xF0\x9F\x98\x80",
    b"\xE2\x80\xA8",
    b"\xEF\xBB\xBF",
    b"\xE2\x82",
    b"\xF0\x9F",
    b"\xFF",
    b"\x80",
    b"\xC0\xAF",
    b"\xED\xA0\x80",
    b"\x00",
];

/// Real events of the four providers (plus keep-alives), whole; the generator cuts some short.
const PROVIDER_EVENTS: &[&[u8]] = &[
    b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"h\\u00e9\"},\"finish_reason\":null}]}\n\n",
    b"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
    b"data:{\"choices\":null,\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n",
    b"data: [DONE]\n\n",
    b"data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n",
    b"data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"t\",\"thought\":true},{\"text\":\"\xC3\xA9\"}],\"role\":\"model\"},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":4,\"totalTokenCount\":9}}\r\n\r\n",
    b"data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"!\"}]},\"finishReason\":\"MAX_TOKENS\"}]}\n\n",
    b"data: {\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}\n\n",
    b"data: {\"error\":{\"code\":429,\"message\":\"quota\",\"status\":\"RESOURCE_EXHAUSTED\"}}\n\n",
    b"event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"\\ud83d\\ude00\"}\n\n",
    b"data: {\"type\":\"response.output_text.delta\",\"delta\":\"x\"}\n\n",
    b"event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"total_tokens\":3}}}\n\n",
    b"event: response.incomplete\ndata: {\"type\":\"response.incomplete\",\"response\":{\"incomplete_details\":{\"reason\":\"max_output_tokens\"}}}\n\n",
    b"event: error\ndata: {\"type\":\"error\",\"code\":\"server_error\",\"message\":\"m\"}\n\n",
    b"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":5,\"cache_read_input_tokens\":2,\"output_tokens\":1}}}\n\n",
    b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\xF0\x9F\x98\x80\"}}\n\n",
    b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hm\"}}\n\n",
    b"event: ping\ndata: {\"type\": \"ping\"}\n\n",
    b"event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":7}}\n\n",
    b"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    b"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
    b": keep-alive\n\n",
    b"data:\n\n",
];

fn sse_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        8 => prop::sample::select(SSE_TOKENS).prop_map(<[u8]>::to_vec),
        1 => any::<u8>().prop_map(|b| vec![b]),
    ];
    prop::collection::vec(token, 0..96).prop_map(|tokens| tokens.concat())
}

fn provider_stream() -> impl Strategy<Value = Vec<u8>> {
    let event = (
        prop::sample::select(PROVIDER_EVENTS),
        any::<prop::sample::Index>(),
    );
    let piece = prop_oneof![
        6 => prop::sample::select(PROVIDER_EVENTS).prop_map(<[u8]>::to_vec),
        1 => event.prop_map(|(e, cut)| e[..cut.index(e.len())].to_vec()),
        1 => prop::sample::select(SSE_TOKENS).prop_map(<[u8]>::to_vec),
    ];
    prop::collection::vec(piece, 0..16).prop_map(|pieces| pieces.concat())
}

/// Chunk sizes, used in order and cycling; zeros feed empty chunks.
fn sizes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..24, 1..12)
}

fn small_limits() -> impl Strategy<Value = ParserOptions> {
    (1usize..40, 1usize..80).prop_map(|(max_line_bytes, max_event_bytes)| ParserOptions {
        max_line_bytes,
        max_event_bytes,
    })
}

fn chunks<'a>(input: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    let mut rest = input;
    if sizes.iter().all(|&s| s == 0) {
        pieces.extend(sizes.iter().map(|_| &input[..0]));
        pieces.push(input);
        return pieces;
    }
    for &size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (piece, tail) = rest.split_at(size.min(rest.len()));
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

/// What a parser run produced. Whether any error happened is compared, not how many: errors
/// are counted per `feed` call, so two oversized lines in one chunk are one error.
#[derive(Debug, PartialEq)]
struct Parsed {
    events: Vec<Event>,
    last_event_id: String,
    retry_ms: Option<u64>,
    limit_exceeded: bool,
}

fn parse(pieces: &[&[u8]], options: ParserOptions) -> Parsed {
    let mut parser = Parser::with_options(options).expect("limits are positive");
    let mut events = Vec::new();
    let mut limit_exceeded = false;
    for piece in pieces {
        limit_exceeded |= parser.feed_to_vec(piece, &mut events).is_err();
    }
    parser.finish();
    Parsed {
        events,
        last_event_id: parser.last_event_id().to_owned(),
        retry_ms: parser.retry_ms(),
        limit_exceeded,
    }
}

fn decode(
    provider: Provider,
    options: ParserOptions,
    pieces: &[&[u8]],
) -> (Vec<StreamEvent>, StreamSummary, bool) {
    let mut decoder = StreamDecoder::with_options(provider, options).expect("limits are positive");
    let mut events = Vec::new();
    let mut limit_exceeded = false;
    for piece in pieces {
        limit_exceeded |= decoder.feed_to_vec(piece, &mut events).is_err();
    }
    (events, decoder.finish(), limit_exceeded)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn parser_output_does_not_depend_on_chunking(input in sse_bytes(), sizes in sizes()) {
        let options = ParserOptions::default();
        let whole = parse(&[&input], options);
        prop_assert!(!whole.limit_exceeded);
        prop_assert_eq!(parse(&chunks(&input, &sizes), options), whole);
    }

    #[test]
    fn parser_limits_do_not_depend_on_chunking(
        input in sse_bytes(),
        sizes in sizes(),
        options in small_limits(),
    ) {
        let whole = parse(&[&input], options);
        prop_assert_eq!(parse(&chunks(&input, &sizes), options), whole);
    }

    #[test]
    fn byte_at_a_time_equals_whole(input in sse_bytes()) {
        let options = ParserOptions::default();
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        prop_assert_eq!(parse(&bytes, options), parse(&[&input], options));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(
        input in prop::collection::vec(any::<u8>(), 0..768),
        sizes in sizes(),
        options in small_limits(),
    ) {
        let pieces = chunks(&input, &sizes);
        for options in [ParserOptions::default(), options] {
            let mut parser = Parser::with_options(options).expect("limits are positive");
            for piece in &pieces {
                let _ = parser.feed(piece, |_| {});
            }
            parser.finish();
            // A finished parser takes the next connection's bytes.
            let _ = parser.feed(&input, |_| {});
            parser.finish();
            for &provider in Provider::ALL {
                decode(provider, options, &pieces);
            }
        }
    }

    #[test]
    fn decoders_do_not_depend_on_chunking(
        input in provider_stream(),
        sizes in sizes(),
        provider in prop::sample::select(Provider::ALL),
    ) {
        let options = ParserOptions::default();
        let whole = decode(provider, options, &[&input]);
        let split = decode(provider, options, &chunks(&input, &sizes));
        prop_assert_eq!(&split.0, &whole.0);
        prop_assert_eq!(&split.1, &whole.1);
        prop_assert_eq!(split.2, whole.2);
        let text: String = whole
            .0
            .iter()
            .filter_map(|e| match e {
                StreamEvent::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        prop_assert_eq!(&whole.1.text, &text, "the summary's text is the text events'");
    }

    #[test]
    fn decoders_with_small_limits_do_not_depend_on_chunking(
        input in provider_stream(),
        sizes in sizes(),
        provider in prop::sample::select(Provider::ALL),
        options in small_limits(),
    ) {
        let whole = decode(provider, options, &[&input]);
        let split = decode(provider, options, &chunks(&input, &sizes));
        prop_assert_eq!(split, whole);
    }
}
