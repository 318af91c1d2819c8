//! The decoders against the serde_json implementation they replaced, on generated payloads.
//!
//! Until the strict reader (`core/src/provider/json.rs`), each decoder deserialized payloads into
//! borrowed serde-derived structs. That implementation is kept here, word for word apart from its
//! emitter, as the oracle: any payload sequence must produce the same events from both, event by
//! event. Payloads are the real ones of the shared fixtures, mutated: members the decoders pick
//! inserted at the top level, keys and values of every type inserted into any object, and bytes
//! inserted, deleted or cut off.
//!
//! The differences the reader makes on purpose are recognised and end the comparison of that case
//! (state may differ afterwards):
//! - a repeated key: serde's derived structs rejected a repeated known field; now the last wins;
//! - an array where a struct is expected: derived structs read it as the fields in order; now it
//!   is malformed;
//! - a `\u` escape of an unpaired surrogate in a field the decoder ignores: serde skipped it
//!   unchecked; now it is malformed everywhere, as in serde_json's `Value`;
//! - a number beyond `f64` inside an error value, which serde_json's `Value` rejected;
//! - containers nested deeper than 127 in a field the decoder ignores, which serde skipped
//!   without a depth limit; now they are malformed everywhere, as in serde_json's `Value`.
//!
//! A malformed event's message is not compared (its wording changed); its payload is.

#[path = "provider_json_oracle/serde_decoders.rs"]
mod serde_decoders;

use genie_core::provider::{Provider, StreamDecoder, StreamEvent};
use genie_core::sse::Parser;
use proptest::prelude::*;
use serde_decoders::{old_decode, Old};
use serde_json::Value;

// ---- inputs -------------------------------------------------------------------------------

/// The `(event, data)` pairs of every fixture stream of `provider`.
fn fixture_events(provider: Provider) -> Vec<(String, String)> {
    let dir = format!("{}/../tests/fixtures/providers", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|entry| entry.expect("fixture entry").path())
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let stem = name.strip_suffix(".sse").unwrap_or("");
            let prefix = provider.name();
            stem.strip_prefix(prefix).is_some_and(|rest| {
                rest.starts_with('-') && (prefix != "openai" || !rest.starts_with("-responses"))
            })
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures for {provider}");
    let mut events = Vec::new();
    for path in files {
        let bytes = std::fs::read(&path).expect("fixture readable");
        let mut parser = Parser::new();
        parser
            .feed(&bytes, |e| {
                events.push((e.event.to_owned(), e.data.to_owned()))
            })
            .expect("fixtures are within the limits");
    }
    events
}

/// Whole members that mean something to one decoder or another, inserted at the top level.
const MEMBERS: &[&str] = &[
    r#""choices":[{"delta":{"content":"a"}},{"index":0,"delta":{"content":"b"}},{"index":1,"delta":{"content":"c"}}]"#,
    r#""choices":[{"index":1,"delta":{"content":"x"}},{"delta":{"content":"y"},"finish_reason":"length"}]"#,
    r#""choices":null"#,
    r#""usage":{"prompt_tokens_details":null,"completion_tokens_details":{"reasoning_tokens":4},"total_tokens":9}"#,
    r#""error":{"code":{"b":1,"a":[2,{"d":null,"c":true}]},"message":"m","type":"server_error"}"#,
    r#""error":{"code":1.50,"type":7,"message":"n"}"#,
    r#""error":{"code":-0,"param":null}"#,
    r#""error":{"code":1E2,"type":"insufficient_quota"}"#,
    r#""error":"plain""#,
    r#""error":[1]"#,
    r#""error":{"message":null}"#,
    r#""error":{"status":"UNAVAILABLE","message":"m","code":503}"#,
    r#""candidates":[{"index":2,"content":{"parts":[{"text":"n"}]}},{"content":{"parts":[{"text":"a","thought":true},{"text":"b"},{"text":"c","thought":false}]},"finishReason":"MAX_TOKENS"}]"#,
    r#""candidates":[{"content":null,"finishReason":"SAFETY"}]"#,
    r#""candidates":[{"content":{"parts":[{"text":"first"}]}},{"index":0,"content":{"parts":[{"text":"second"}]},"finishReason":"STOP"}]"#,
    r#""usageMetadata":{"promptTokenCount":3,"cachedContentTokenCount":1,"thoughtsTokenCount":2}"#,
    r#""promptFeedback":{"blockReason":"OTHER"}"#,
    r#""response":{"output":[{"type":"message"},{"type":"function_call"}],"usage":{"input_tokens":1,"input_tokens_details":{"cached_tokens":1}}}"#,
    r#""response":{"incomplete_details":{"reason":"content_filter"},"error":{"code":"rate_limit_exceeded"}}"#,
    r#""response":null"#,
    r#""delta":{"type":"text_delta","text":"\u00e9\ud83d\ude00\n"}"#,
    r#""delta":{"stop_reason":"tool_use"}"#,
    r#""delta":"d\"q""#,
    r#""usage":{"input_tokens":5,"cache_creation_input_tokens":2}"#,
    r#""usage":{"output_tokens":18446744073709551615,"input_tokens":18446744073709551615,"cache_read_input_tokens":9}"#,
    r#""message":{"usage":{"input_tokens":7,"output_tokens":1}}"#,
    r#""type":"error""#,
    r#""type":"message_stop""#,
    r#""type":"ping""#,
    r#""type":"response.completed""#,
    r#""type":"response.output_text.delta""#,
    r#""type":null"#,
    r#""code":"server_error","message":"top""#,
];

/// Keys the decoders pick (one escaped), and values of every type for them.
const KEYS: &[&str] = &[
    "choices",
    "delta",
    "content",
    "index",
    "finish_reason",
    "usage",
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "prompt_tokens_details",
    "cached_tokens",
    "error",
    "message",
    "code",
    "type",
    "text",
    "candidates",
    "parts",
    "thought",
    "finishReason",
    "usageMetadata",
    "promptTokenCount",
    "promptFeedback",
    "blockReason",
    "status",
    "response",
    "output",
    "incomplete_details",
    "reason",
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "stop_reason",
    "cho\\u0069ces",
    "other",
];

const VALUES: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "1",
    "-1",
    "1.5",
    "1e2",
    "4294967296",
    "18446744073709551616",
    r#""""#,
    r#""x""#,
    r#""text_delta""#,
    r#""stop""#,
    r#""STOP""#,
    r#""function_call""#,
    r#""\ud83d\ude00""#,
    r#""\ud83d""#,
    "[]",
    "[null]",
    "[{}]",
    r#"[{"text":"p"}]"#,
    r#"[{"index":0,"delta":{"content":"c"}}]"#,
    "{}",
    r#"{"content":"d"}"#,
    r#"{"type":"text_delta","text":"t"}"#,
    r#"{"cached_tokens":3}"#,
    r#"{"code":429}"#,
    r#"{"code":{"b":1,"a":2},"message":"m"}"#,
    r#"{"reason":"max_output_tokens"}"#,
    DEEP,
];

/// 130 nested arrays: past the 127 levels serde_json's `Value` and the reader accept.
const DEEP: &str = concat!(
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
);

const BYTES: &[&str] = &[
    "\"", "\\", "{", "}", "[", "]", ",", ":", " ", "0", "-", ".", "e", "n", "\\u", "\u{1}",
];

#[derive(Clone, Debug)]
enum Mutation {
    /// Insert one of [`MEMBERS`] after the first `{`.
    Top(&'static str),
    /// Insert `"key":value` after the `{` found at or after the index.
    Member(prop::sample::Index, &'static str, &'static str),
    Byte(prop::sample::Index, &'static str),
    Delete(prop::sample::Index),
    Truncate(prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let index = any::<prop::sample::Index>;
    prop_oneof![
        4 => prop::sample::select(MEMBERS).prop_map(Mutation::Top),
        6 => (index(), prop::sample::select(KEYS), prop::sample::select(VALUES))
            .prop_map(|(at, k, v)| Mutation::Member(at, k, v)),
        2 => (index(), prop::sample::select(BYTES)).prop_map(|(at, b)| Mutation::Byte(at, b)),
        1 => index().prop_map(Mutation::Delete),
        1 => index().prop_map(Mutation::Truncate),
    ]
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Inserts `member` as the first member of the object whose `{` is at `brace`.
fn insert_member(data: &mut String, brace: usize, member: &str) {
    // Before `}` it needs no comma.
    let closes = data[brace + 1..].trim_start().starts_with('}');
    let member = format!("{member}{}", if closes { "" } else { "," });
    data.insert_str(brace + 1, &member);
}

fn mutate(data: &mut String, mutation: &Mutation) {
    let at = |index: &prop::sample::Index, data: &String| {
        floor_boundary(data, index.index(data.len() + 1))
    };
    match mutation {
        Mutation::Top(member) => {
            if let Some(brace) = data.find('{') {
                insert_member(data, brace, member);
            }
        }
        Mutation::Member(index, key, value) => {
            let from = at(index, data);
            let brace = data[from..]
                .find('{')
                .map(|i| from + i)
                .or_else(|| data.find('{'));
            if let Some(brace) = brace {
                insert_member(data, brace, &format!("\"{key}\":{value}"));
            }
        }
        Mutation::Byte(index, piece) => {
            let i = at(index, data);
            data.insert_str(i, piece);
        }
        Mutation::Delete(index) => {
            let i = at(index, data);
            if let Some(c) = data[i..].chars().next() {
                data.replace_range(i..i + c.len_utf8(), "");
            }
        }
        Mutation::Truncate(index) => {
            let i = at(index, data);
            data.truncate(i);
        }
    }
}

/// The SSE bytes of one event: CR cannot be carried (it ends lines), LF splits data lines.
fn sse_event(event: &str, data: &str) -> Vec<u8> {
    let mut out = String::new();
    if event != "message" {
        out.push_str(&format!("event: {event}\n"));
    }
    for line in data.split('\n') {
        out.push_str(&format!("data: {line}\n"));
    }
    out.push('\n');
    out.into_bytes()
}

/// Whether a difference on `data` is one of the documented ones (see the file's docs).
fn documented_difference(old: &Old, new: &[StreamEvent], data: &str) -> bool {
    let old_error = old.last_error.as_deref().unwrap_or("");
    let old_malformed = matches!(old.events.last(), Some(StreamEvent::Malformed { .. }));
    if old_malformed
        && (old_error.contains("duplicate field") || old_error.contains("out of range"))
    {
        return true;
    }
    match serde_json::from_str::<Value>(data) {
        Err(error) => {
            let error = error.to_string();
            ["surrogate", "hex escape", "out of range", "recursion limit"]
                .iter()
                .any(|known| error.contains(known))
        }
        // Valid JSON that only one of them read: an array in place of a struct.
        Ok(_) => {
            !old_malformed
                && new.iter().any(|e| {
                    matches!(e, StreamEvent::Malformed { message, .. } if message.contains("found `[`"))
                })
        }
    }
}

fn blank_messages(events: &[StreamEvent]) -> Vec<StreamEvent> {
    events
        .iter()
        .map(|e| match e {
            StreamEvent::Malformed { payload, .. } => StreamEvent::Malformed {
                message: String::new(),
                payload: payload.clone(),
            },
            other => other.clone(),
        })
        .collect()
}

fn compare(provider: Provider, events: &[(String, String)]) -> Result<(), TestCaseError> {
    let mut old = Old::default();
    let mut decoder = StreamDecoder::new(provider);
    for (event, data) in events {
        old.events.clear();
        old.last_error = None;
        old_decode(provider, event, data, &mut old);
        let mut new = Vec::new();
        decoder
            .feed_to_vec(&sse_event(event, data), &mut new)
            .expect("within the default limits");
        if blank_messages(&new) != old.events {
            if documented_difference(&old, &new, data) {
                return Ok(());
            }
            prop_assert_eq!(
                blank_messages(&new),
                old.events.clone(),
                "{} event {:?} data {:?}",
                provider,
                event,
                data
            );
        }
        for e in &new {
            if let StreamEvent::Malformed { message, .. } = e {
                prop_assert!(message.contains(" at byte "), "no position in {message:?}");
            }
        }
    }
    Ok(())
}

/// The event types each decoder reads a payload for.
fn event_names(provider: Provider) -> &'static [&'static str] {
    match provider {
        Provider::Gemini | Provider::OpenAiChat => &["message"],
        Provider::Anthropic => &[
            "message",
            "content_block_delta",
            "message_start",
            "message_delta",
            "error",
        ],
        Provider::OpenAiResponses => &[
            "message",
            "response.output_text.delta",
            "response.completed",
            "response.incomplete",
            "response.failed",
            "error",
        ],
    }
}

/// Events of `provider`: two thirds are fixture events, mutated; one third are built from an
/// empty object of an event type the decoder reads, so the members inserted are not repeats of
/// the fixtures' own (a repeat ends the comparison as a documented difference).
fn case(provider: Provider) -> impl Strategy<Value = Vec<(String, String)>> {
    let mutated = |(event, mut data): (String, String), mutations: Vec<Mutation>| {
        for m in &mutations {
            mutate(&mut data, m);
        }
        data.retain(|c| c != '\r');
        (event, data)
    };
    let from_fixture = (
        prop::sample::select(fixture_events(provider)),
        prop::collection::vec(mutation(), 0..4),
    )
        .prop_map(move |(event, mutations)| mutated(event, mutations));
    let from_empty = (
        prop::sample::select(event_names(provider)),
        prop::collection::vec(prop::sample::select(MEMBERS).prop_map(Mutation::Top), 1..3),
        prop::collection::vec(mutation(), 0..2),
    )
        .prop_map(move |(name, mut mutations, more)| {
            mutations.extend(more);
            mutated((name.to_owned(), "{}".to_owned()), mutations)
        });
    prop::collection::vec(prop_oneof![2 => from_fixture, 1 => from_empty], 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn openai_matches_the_serde_decoder(events in case(Provider::OpenAiChat)) {
        compare(Provider::OpenAiChat, &events)?;
    }

    #[test]
    fn openai_responses_matches_the_serde_decoder(events in case(Provider::OpenAiResponses)) {
        compare(Provider::OpenAiResponses, &events)?;
    }

    #[test]
    fn anthropic_matches_the_serde_decoder(events in case(Provider::Anthropic)) {
        compare(Provider::Anthropic, &events)?;
    }

    #[test]
    fn gemini_matches_the_serde_decoder(events in case(Provider::Gemini)) {
        compare(Provider::Gemini, &events)?;
    }
}

#[test]
fn every_fixture_event_matches_the_serde_decoder() {
    for &provider in Provider::ALL {
        let events = fixture_events(provider);
        compare(provider, &events).unwrap_or_else(|e| panic!("{provider}: {e}"));
    }
}
