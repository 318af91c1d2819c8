//! What the decoders do with payloads since they read them with the strict JSON reader, through
//! the public API: the rules the reader chose (the last of repeated keys wins; a document must
//! be an object where the decoder expects one; invalid JSON anywhere, ignored fields included,
//! is malformed), what a malformed event says, and that `feed_ref` reports exactly what `feed`
//! does. Behaviour shared with the serde implementation is covered by
//! `provider_json_oracle.rs`; the reader itself by `provider_json_diff.rs`.

use genie_core::provider::{
    ErrorClass, FinishReason, Provider, ProviderError, StreamDecoder, StreamEvent, StreamEventRef,
    StreamSummary, Usage,
};

/// Feeds one SSE event (`event: name` unless `None`) and returns what it produced.
fn decode_one(provider: Provider, event: Option<&str>, data: &str) -> Vec<StreamEvent> {
    let mut sse = String::new();
    if let Some(name) = event {
        sse.push_str(&format!("event: {name}\n"));
    }
    for line in data.split('\n') {
        sse.push_str(&format!("data: {line}\n"));
    }
    sse.push('\n');
    let mut decoder = StreamDecoder::new(provider);
    let mut events = Vec::new();
    decoder
        .feed_to_vec(sse.as_bytes(), &mut events)
        .expect("within the default limits");
    events
}

fn text(t: &str) -> Vec<StreamEvent> {
    vec![StreamEvent::Text(t.to_owned())]
}

/// The message of the one malformed event `events` must be, checking its payload.
fn malformed_message(events: &[StreamEvent], payload: &str) -> String {
    match events {
        [StreamEvent::Malformed {
            message,
            payload: got,
        }] => {
            assert_eq!(got, payload, "the payload is kept unmodified");
            message.clone()
        }
        other => panic!("expected one malformed event, got {other:?}"),
    }
}

#[test]
fn the_last_of_repeated_keys_wins() {
    let openai = |data| decode_one(Provider::OpenAiChat, None, data);
    assert_eq!(
        openai(r#"{"choices":[{"delta":{"content":"a"}}],"choices":[{"delta":{"content":"b"}}]}"#),
        text("b")
    );
    assert_eq!(
        openai(r#"{"choices":[{"delta":{"content":"a","content":"b"}}]}"#),
        text("b")
    );
    assert_eq!(
        openai(r#"{"choices":[{"delta":{"content":"a"},"delta":null}]}"#),
        vec![]
    );
    assert_eq!(
        openai(r#"{"choices":[{"index":1,"index":0,"delta":{"content":"i"}}]}"#),
        text("i")
    );
    let gemini = |data| decode_one(Provider::Gemini, None, data);
    assert_eq!(
        gemini(r#"{"candidates":[{"content":{"parts":[{"text":"a"}],"parts":[{"text":"b"}]}}]}"#),
        text("b")
    );
    assert_eq!(
        gemini(
            r#"{"candidates":[{"content":{"parts":[{"text":"t","thought":true,"thought":false}]}}]}"#
        ),
        text("t")
    );
    assert_eq!(
        decode_one(
            Provider::Anthropic,
            Some("content_block_delta"),
            r#"{"delta":{"type":"text_delta","text":"a","text":"b"}}"#
        ),
        text("b")
    );
    assert_eq!(
        decode_one(
            Provider::OpenAiResponses,
            Some("response.output_text.delta"),
            r#"{"delta":"a","delta":"b"}"#
        ),
        text("b")
    );
    // A later `output` without a function call replaces one with it.
    assert_eq!(
        decode_one(
            Provider::OpenAiResponses,
            Some("response.completed"),
            r#"{"response":{"output":[{"type":"function_call"}],"output":[{"type":"message"}]}}"#
        ),
        vec![StreamEvent::Finish {
            reason: FinishReason::Stop,
            raw: "completed".into()
        }]
    );
}

#[test]
fn keys_are_matched_after_unescaping() {
    assert_eq!(
        decode_one(
            Provider::OpenAiChat,
            None,
            r#"{"cho\u0069ces":[{"d\u0065lta":{"content":"\u00e9\ud83d\ude00\n"}}]}"#
        ),
        text("é😀\n")
    );
}

#[test]
fn a_malformed_payload_reports_nothing_else_and_says_where_and_what() {
    // The text before the bad value is not emitted: the payload is judged whole first.
    let data = r#"{"choices":[{"delta":{"content":"partial"}}],"usage":5}"#;
    let message = malformed_message(&decode_one(Provider::OpenAiChat, None, data), data);
    assert_eq!(
        message,
        "payload is not valid JSON for this provider: expected an object, found `5` at byte 53"
    );
    // (provider, event, payload, what the message says, where: the first occurrence of this
    // marker, or the end of the payload when it is empty)
    let cases: &[(Provider, Option<&str>, &str, &str, &str)] = &[
        (
            Provider::OpenAiChat,
            None,
            r#"{"choices":[{"delta":{"content":5}}]}"#,
            "expected a string or null, found `5`",
            "5",
        ),
        (
            Provider::OpenAiChat,
            None,
            r#"{"choices":[{"index":-1}]}"#,
            "expected a non-negative integer or null, found `-`",
            "-",
        ),
        (
            Provider::OpenAiChat,
            None,
            r#"{"choices":[{"index":4294967296}]}"#,
            "an integer too large for a 32-bit index",
            "4",
        ),
        (
            Provider::OpenAiChat,
            None,
            r#"{"usage":{"prompt_tokens":1.5}}"#,
            "expected an integer without fraction or exponent, found `.`",
            ".",
        ),
        (
            Provider::OpenAiChat,
            None,
            r#"{"usage":{"prompt_tokens":18446744073709551616}}"#,
            "an integer too large for a 64-bit count",
            "1",
        ),
        (
            Provider::OpenAiChat,
            None,
            "{\"id\":\"a\tb\"}",
            "a raw control character U+0009 in a string (it must be escaped)",
            "\t",
        ),
        (
            Provider::OpenAiChat,
            None,
            r#"{"id":"x"} {}"#,
            "expected the end of the payload, found `{`",
            " {",
        ),
        (
            Provider::OpenAiChat,
            None,
            r#"{"id":"x""#,
            "expected `,` or `}` after an object member, found the end of the payload",
            "",
        ),
        (
            Provider::OpenAiChat,
            None,
            r#"{"id":"\x"}"#,
            "an invalid escape `\\x`",
            "x",
        ),
        (
            Provider::Gemini,
            None,
            r#"{"candidates":[{"content":{"parts":[{"thought":"yes"}]}}]}"#,
            "expected true, false or null, found `\"`",
            "\"yes",
        ),
        (
            Provider::OpenAiResponses,
            Some("response.output_text.delta"),
            r#"{"type":"response.output_text.delta"}"#,
            "the object has no `delta` field",
            "",
        ),
        (
            Provider::OpenAiResponses,
            Some("response.output_text.delta"),
            r#"{"delta":null}"#,
            "expected a string, found `n`",
            "null",
        ),
        (
            Provider::Anthropic,
            Some("message_start"),
            r#"{"message":{"usage":{"input_tokens":"5"}}}"#,
            "expected a non-negative integer or null, found `\"`",
            "\"5",
        ),
    ];
    for &(provider, event, data, says, marker) in cases {
        let at = match marker {
            "" => data.len(),
            // The space of " {" only makes the marker unique.
            " {" => data.find(marker).expect("marker") + 1,
            _ => data.find(marker).expect("marker"),
        };
        let message = malformed_message(&decode_one(provider, event, data), data);
        assert_eq!(
            message,
            format!("payload is not valid JSON for this provider: {says} at byte {at}"),
            "{data}"
        );
    }
}

#[test]
fn a_document_must_be_an_object_where_one_is_expected() {
    // serde's derived structs also took a sequence of the fields in order; no provider sends
    // that, and it is now malformed like any other wrong type.
    for (provider, event, data) in [
        (
            Provider::OpenAiChat,
            None,
            r#"[[{"index":0,"delta":["x"],"finish_reason":null}],null,null]"#,
        ),
        (
            Provider::OpenAiChat,
            None,
            r#"{"choices":[[0,["x"],null]]}"#,
        ),
        (
            Provider::Anthropic,
            Some("content_block_delta"),
            r#"{"delta":["text_delta","x"]}"#,
        ),
        (Provider::Anthropic, None, r#"["ping"]"#),
    ] {
        let message = malformed_message(&decode_one(provider, event, data), data);
        assert!(
            message.contains("expected an object, found `[`"),
            "{message}"
        );
    }
}

#[test]
fn invalid_json_in_ignored_fields_is_malformed() {
    let ok = r#"{"choices":[{"delta":{"content":"x"}}],"ignored":IGNORED}"#;
    for (ignored, says) in [
        (r#""\ud800""#, "unpaired UTF-16 surrogate"),
        (r#""\udc00 low""#, "unpaired UTF-16 surrogate"),
        (r#""\q""#, "invalid escape `\\q`"),
        (
            "\"\\\u{1}\"",
            "a backslash followed by U+0001, not an escape",
        ),
        ("01", "expected `,` or `}` after an object member"),
        ("1.", "expected a digit"),
        ("-", "expected a digit"),
        ("[1,]", "expected a value"),
        ("{\"a\":1,}", "expected a string key"),
        ("tru", "expected `true`"),
        ("\u{b}1", "expected a value"),
    ] {
        let data = ok.replace("IGNORED", ignored);
        let message = malformed_message(&decode_one(Provider::OpenAiChat, None, &data), &data);
        assert!(message.contains(says), "{ignored}: {message}");
    }
    // Numbers are checked against the grammar only, as serde_json did for ignored fields.
    assert_eq!(
        decode_one(
            Provider::OpenAiChat,
            None,
            &ok.replace("IGNORED", "-1.5e999")
        ),
        text("x")
    );
}

#[test]
fn nesting_is_bounded_in_every_field() {
    let nested = |depth: usize| {
        format!(
            r#"{{"choices":[{{"delta":{{"content":"x"}}}}],"ignored":{}{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        )
    };
    // The document itself is one level: 126 more fit in the 127 serde_json accepts.
    assert_eq!(
        decode_one(Provider::OpenAiChat, None, &nested(126)),
        text("x")
    );
    let data = nested(127);
    let message = malformed_message(&decode_one(Provider::OpenAiChat, None, &data), &data);
    assert!(message.contains("more than 127 nested"), "{message}");
    // A hostile payload fails fast instead of overflowing the stack.
    let data = format!("{{\"x\":{}", "[{\"y\":".repeat(200_000));
    let events = decode_one(Provider::OpenAiChat, None, &data);
    assert!(matches!(&events[..], [StreamEvent::Malformed { .. }]));
}

#[test]
fn non_string_error_codes_are_rendered_as_before() {
    let error = |code: &str| {
        let data = format!(r#"{{"error":{{"message":"m","type":"server_error","code":{code}}}}}"#);
        match &decode_one(Provider::OpenAiChat, None, &data)[..] {
            [StreamEvent::Error(error)] => error.clone(),
            other => panic!("{code}: {other:?}"),
        }
    };
    assert_eq!(error("429").code.as_deref(), Some("429"));
    assert_eq!(error("4.50").code.as_deref(), Some("4.5"));
    assert_eq!(error("1e2").code.as_deref(), Some("100.0"));
    assert_eq!(error("true").code.as_deref(), Some("true"));
    // serde_json's `Value` sorts keys; its rendering is kept.
    assert_eq!(
        error(r#"{"b": 1, "a": [null]}"#).code.as_deref(),
        Some(r#"{"a":[null],"b":1}"#)
    );
    assert_eq!(error("null").code.as_deref(), Some("server_error"));
    assert_eq!(
        error(r#""rate_limit_exceeded""#),
        ProviderError {
            kind: ErrorClass::RateLimit,
            message: "m".into(),
            code: Some("rate_limit_exceeded".into()),
        }
    );
}

#[test]
fn responses_error_events_take_any_json_value() {
    let error = |data: &str| match &decode_one(Provider::OpenAiResponses, Some("error"), data)[..] {
        [StreamEvent::Error(error)] => error.clone(),
        other => panic!("{data}: {other:?}"),
    };
    assert_eq!(error(r#""plain words""#).message, "plain words");
    assert_eq!(error("[1, 2]").message, "the provider reported an error");
    assert_eq!(error("7").code, None);
    let top = error(r#"{"type":"error","code":"server_error","message":"top"}"#);
    assert_eq!(
        (top.kind, top.code.as_deref()),
        (ErrorClass::Overloaded, Some("server_error"))
    );
    let nested =
        error(r#"{"message":"top","error":{"type":"invalid_request_error","message":"inner"}}"#);
    assert_eq!(nested.message, "inner");
    assert_eq!(nested.kind, ErrorClass::InvalidRequest);
    assert_eq!(
        error(r#"{"message":"top","error":null}"#).message,
        "the provider reported an error"
    );
}

#[test]
fn anthropic_usage_sums_saturate() {
    let data = r#"{"type":"message_start","message":{"usage":{"input_tokens":18446744073709551615,"cache_read_input_tokens":5,"cache_creation_input_tokens":5,"output_tokens":3}}}"#;
    let usage = Usage {
        input_tokens: Some(u64::MAX),
        output_tokens: Some(3),
        total_tokens: Some(u64::MAX),
        cached_tokens: Some(5),
        reasoning_tokens: None,
    };
    assert_eq!(
        decode_one(Provider::Anthropic, Some("message_start"), data),
        vec![StreamEvent::Usage(usage)]
    );
}

fn fixture_streams() -> Vec<(Provider, Vec<u8>)> {
    let dir = format!("{}/../tests/fixtures/providers", env!("CARGO_MANIFEST_DIR"));
    let mut streams = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
        let path = entry.expect("fixture entry").path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !name.ends_with(".sse") {
            continue;
        }
        // The longest provider name that prefixes the file name.
        let provider = Provider::ALL
            .iter()
            .copied()
            .filter(|p| name.starts_with(&format!("{}-", p.name())))
            .max_by_key(|p| p.name().len())
            .unwrap_or_else(|| panic!("{name} names no provider"));
        streams.push((provider, std::fs::read(&path).expect("fixture readable")));
    }
    assert!(
        streams.len() >= 20,
        "fixtures went missing: {}",
        streams.len()
    );
    streams
}

type Decoded = (Vec<StreamEvent>, StreamSummary);

fn by_feed(provider: Provider, chunks: &[&[u8]]) -> Decoded {
    let mut decoder = StreamDecoder::new(provider);
    let mut events = Vec::new();
    for chunk in chunks {
        decoder
            .feed_to_vec(chunk, &mut events)
            .expect("within limits");
    }
    (events, decoder.finish())
}

fn by_feed_ref(provider: Provider, chunks: &[&[u8]]) -> Decoded {
    let mut decoder = StreamDecoder::new(provider);
    let mut events = Vec::new();
    for chunk in chunks {
        decoder
            .feed_ref(chunk, |event: StreamEventRef<'_>| events.push(event.into()))
            .expect("within limits");
    }
    (events, decoder.finish())
}

#[test]
fn feed_ref_reports_exactly_what_feed_does() {
    for (provider, bytes) in fixture_streams() {
        for size in [bytes.len().max(1), 1, 7, 64] {
            let chunks: Vec<&[u8]> = bytes.chunks(size).collect();
            let fed = by_feed(provider, &chunks);
            assert!(!fed.0.is_empty(), "{provider}: a fixture with no events");
            assert_eq!(
                by_feed_ref(provider, &chunks),
                fed,
                "{provider} in {size}-byte chunks"
            );
        }
    }
}

#[test]
fn borrowed_events_convert_to_owned_ones() {
    let error = ProviderError {
        kind: ErrorClass::Other,
        message: "m".into(),
        code: None,
    };
    let usage = Usage {
        output_tokens: Some(1),
        ..Usage::default()
    };
    let pairs = [
        (StreamEventRef::Text("t"), StreamEvent::Text("t".into())),
        (StreamEventRef::Usage(usage), StreamEvent::Usage(usage)),
        (
            StreamEventRef::Finish {
                reason: FinishReason::Length,
                raw: "max",
            },
            StreamEvent::Finish {
                reason: FinishReason::Length,
                raw: "max".into(),
            },
        ),
        (
            StreamEventRef::Error(&error),
            StreamEvent::Error(error.clone()),
        ),
        (
            StreamEventRef::Malformed {
                message: "m",
                payload: "p",
            },
            StreamEvent::Malformed {
                message: "m".into(),
                payload: "p".into(),
            },
        ),
    ];
    for (borrowed, owned) in pairs {
        assert_eq!(StreamEvent::from(borrowed), owned);
    }
}
