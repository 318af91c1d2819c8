//! Unit tests of the parser's internals; conformance cases live in tests/fixtures/sse.
use super::*;

fn parse_chunks(chunks: &[&[u8]]) -> (Vec<Event>, Parser) {
    let mut parser = Parser::new();
    let mut events = Vec::new();
    for chunk in chunks {
        parser.feed_to_vec(chunk, &mut events).unwrap();
    }
    parser.finish();
    (events, parser)
}

fn ev(event: &str, data: &str, id: &str) -> Event {
    Event {
        event: event.into(),
        data: data.into(),
        id: id.into(),
    }
}

#[test]
fn cr_and_lf_in_different_chunks_are_one_terminator() {
    let (events, _) = parse_chunks(&[b"data: a\r", b"", b"\ndata: b\r\n\r", b"\n"]);
    assert_eq!(events, vec![ev("message", "a\nb", "")]);
}

#[test]
fn bom_split_across_chunks_is_stripped_once() {
    let (events, _) = parse_chunks(&[
        b"",
        b"\xEF",
        b"\xBB",
        b"\xBFdata: x\n\n\xEF\xBB\xBFdata: y\n\n",
    ]);
    assert_eq!(events[0].data, "x");
    // A later BOM is content: it makes the field name "\u{FEFF}data", an unknown field.
    assert_eq!(events.len(), 1);
}

#[test]
fn partial_bom_followed_by_other_bytes_is_content() {
    let (events, _) = parse_chunks(&[b"\xEF\xBB", b"data: x\n\n"]);
    assert!(events.is_empty(), "field name is \\xEF\\xBBdata, unknown");
    let (events, _) = parse_chunks(&[b"\xEF", b"\n\ndata: y\n\n"]);
    assert_eq!(events, vec![ev("message", "y", "")]);
}

#[test]
fn oversized_line_is_reported_and_parsing_continues() {
    let mut parser = Parser::with_options(ParserOptions {
        max_line_bytes: 8,
        max_event_bytes: 64,
    })
    .unwrap();
    let mut events = Vec::new();
    let err = parser
        .feed_to_vec(
            b"data: 1\n\ndata: 0123456789\ndata: z\n\ndata: 2\n\n",
            &mut events,
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
    assert_eq!(events, vec![ev("message", "1", ""), ev("message", "2", "")]);
}

#[test]
fn oversized_partial_line_is_dropped_without_buffering() {
    let mut parser = Parser::with_options(ParserOptions {
        max_line_bytes: 8,
        max_event_bytes: 64,
    })
    .unwrap();
    let mut events = Vec::new();
    assert!(parser
        .feed_to_vec(b"data: 0123456789", &mut events)
        .is_err());
    parser.feed_to_vec(b"0123456789", &mut events).unwrap();
    parser
        .feed_to_vec(b"\n\ndata: ok\n\n", &mut events)
        .unwrap();
    assert_eq!(events, vec![ev("message", "ok", "")]);
    assert!(parser.line.capacity() <= 8);
}

#[test]
fn zero_limits_are_rejected() {
    let err = Parser::with_options(ParserOptions {
        max_line_bytes: 0,
        max_event_bytes: 1,
    })
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.message().contains("max_line_bytes"));
}

#[test]
fn invalid_utf8_inside_a_chunk_decodes_to_replacement_and_later_lines_still_parse() {
    let (events, _) =
        parse_chunks(&[b"data: a\xFFb\n\ndata: \xC3\xA9\n\nevent: \xE2\x82\ndata: c\n\n"]);
    assert_eq!(
        events,
        vec![
            ev("message", "a\u{FFFD}b", ""),
            ev("message", "\u{e9}", ""),
            ev("\u{FFFD}", "c", ""),
        ]
    );
}

#[test]
fn a_character_split_across_chunks_is_decoded_whole() {
    let (events, _) = parse_chunks(&[b"data: caf\xC3", b"\xA9 \xF0\x9F", b"\x98\x80\n\n"]);
    assert_eq!(events, vec![ev("message", "caf\u{e9} \u{1F600}", "")]);
}

#[test]
fn a_line_joined_across_chunks_decodes_like_the_whole_line() {
    // Split at every point, and in three at every pair of points: the start of a line held
    // from one chunk may be valid or not, cut inside a character or not, and so may its end.
    let stream: &[u8] =
        b"data: caf\xC3\xA9 \xE2\x82\xAC\n\ndata: a\xFFb \xF0\x9F\x98\x80\n\ndata: \xC3\xA9\n\n";
    let (whole, _) = parse_chunks(&[stream]);
    assert_eq!(whole.len(), 3);
    assert_eq!(whole[1].data, "a\u{FFFD}b \u{1F600}");
    for i in 0..=stream.len() {
        let (two, _) = parse_chunks(&[&stream[..i], &stream[i..]]);
        assert_eq!(two, whole, "split at {i}");
        for j in i..=stream.len() {
            let (three, _) = parse_chunks(&[&stream[..i], &stream[i..j], &stream[j..]]);
            assert_eq!(three, whole, "split at {i} and {j}");
        }
    }
}

#[test]
fn fields_held_from_a_chunk_survive_its_end() {
    let (events, _) = parse_chunks(&[
        b"event: a\n",
        b"data: b\n",
        b"data: c\n\nevent: d\ndata: e",
        b"\n\n",
    ]);
    assert_eq!(events, vec![ev("a", "b\nc", ""), ev("d", "e", "")]);
}

#[test]
fn event_limit_counts_held_data_and_type() {
    let mut parser = Parser::with_options(ParserOptions {
        max_line_bytes: 64,
        max_event_bytes: 5,
    })
    .unwrap();
    let mut events = Vec::new();
    let err = parser
        .feed_to_vec(b"event: abc\ndata: def\n\ndata: 12345\n\n", &mut events)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
    assert_eq!(events, vec![ev("message", "12345", "")]);
}

#[test]
fn id_applies_to_later_events_and_an_empty_id_resets_it() {
    let (events, parser) =
        parse_chunks(&[b"id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 2\ndata: d"]);
    assert_eq!(
        events,
        vec![
            ev("message", "a", "1"),
            ev("message", "b", "1"),
            ev("message", "c", "")
        ]
    );
    assert_eq!(parser.last_event_id(), "");
}

#[test]
fn finish_keeps_last_event_id_for_the_next_connection() {
    let mut parser = Parser::new();
    let mut events = Vec::new();
    parser
        .feed_to_vec(b"id: 7\ndata: a\n\nid: 8\ndata: b", &mut events)
        .unwrap();
    parser.finish();
    assert_eq!(parser.last_event_id(), "7");
    parser.feed_to_vec(b"data: c\n\n", &mut events).unwrap();
    assert_eq!(events[1], ev("message", "c", "7"));
}

mod simd_levels {
    //! Every SIMD level of the line scan against the byte-at-a-time one, on streams with long
    //! lines (so lines cross 64-byte blocks and chunks hold many blocks), CRs appearing
    //! mid-chunk, non-ASCII and invalid bytes, and chunks of any size.
    use proptest::prelude::*;

    use super::super::line_ends::Level;
    use super::*;

    const PIECES: &[&[u8]] = &[
        b"data: ",
        b"data:",
        b"event: delta",
        b"id: 7",
        b"retry: 250",
        b": keep-alive",
        b"\n",
        b"\n\n",
        b"\r\n",
        b"\r",
        b"{\"choices\":[{\"delta\":{\"content\":\"the quick brown fox jumps over\"}}]}",
        "caf\u{e9} \u{65e5}\u{672c} \u{1F469}\u{200D}\u{1F4BB} \u{5e9}\u{5dc}\u{5d5}\u{5dd}"
            .as_bytes(),
        b"\xE6\x97",
        b"\xFF",
        b"\xEF\xBB\xBF",
    ];

    fn stream() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(prop::sample::select(PIECES), 0..120)
            .prop_map(|pieces| pieces.concat())
    }

    #[derive(Debug, PartialEq)]
    struct Run {
        events: Vec<Event>,
        last_event_id: String,
        retry_ms: Option<u64>,
        errors: usize,
        comments: u64,
    }

    fn run(level: Level, input: &[u8], chunk: usize, options: ParserOptions) -> Run {
        let mut parser = Parser::with_options(options).unwrap();
        parser.level = level;
        let mut events = Vec::new();
        let mut errors = 0;
        for piece in input.chunks(chunk.max(1)) {
            errors += usize::from(parser.feed_to_vec(piece, &mut events).is_err());
        }
        parser.finish();
        Run {
            events,
            last_event_id: parser.last_event_id.clone(),
            retry_ms: parser.retry_ms,
            errors,
            comments: parser.comments,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn every_level_parses_like_the_portable_scan(
            input in stream(),
            chunk in prop_oneof![1usize..80, 80usize..2500],
            small in any::<bool>(),
        ) {
            let options = if small {
                ParserOptions { max_line_bytes: 90, max_event_bytes: 200 }
            } else {
                ParserOptions::default()
            };
            let reference = run(Level::Portable, &input, chunk, options);
            let mut whole = run(Level::Portable, &input, input.len(), options);
            // Errors are counted per chunk: only the events must not depend on chunking.
            whole.errors = reference.errors;
            prop_assert_eq!(&whole, &reference);
            for level in Level::all_supported() {
                prop_assert_eq!(&run(level, &input, chunk, options), &reference, "{:?}", level);
            }
        }
    }
}
