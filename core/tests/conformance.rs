//! Replays the shared fixtures of `tests/fixtures/` (the same files the C, Python and Node
//! suites replay) against the core: SSE conformance cases, provider streams, and the error table.
//!
//! Every case runs under every chunking its file declares, implemented exactly as
//! `tests/fixtures/README.md` defines them, plus a few seeded random chunkings. All mismatches
//! are collected and reported together, each naming the case and the chunking.

use genie_core::provider::{
    Provider, ProviderError, StreamDecoder, StreamEvent, StreamSummary, Usage,
};
use genie_core::sse::{Event, Parser, ParserOptions};
use genie_core::ErrorKind;
use serde_json::{json, Value};

/// Seeds of the random chunkings added to every fixture's own.
const RANDOM_SEEDS: [u64; 4] = [1, 7, 0x5EED, 0xC0FFEE];

fn fixture_bytes(relative: &str) -> Vec<u8> {
    let path = format!(
        "{}/../tests/fixtures/{relative}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

fn load(relative: &str) -> Value {
    serde_json::from_slice(&fixture_bytes(relative))
        .unwrap_or_else(|e| panic!("parsing tests/fixtures/{relative}: {e}"))
}

fn str_field<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("fixture field {key:?} must be a string in {value}"))
}

/// The file's chunkings followed by the seeded random ones.
fn chunkings(doc: &Value) -> Vec<Chunking> {
    let declared = doc["chunkings"].as_array().expect("chunkings array");
    let mut all: Vec<Chunking> = declared.iter().map(Chunking::from_fixture).collect();
    all.extend(RANDOM_SEEDS.iter().map(|&seed| Chunking::Random(seed)));
    all
}

/// Mismatches keyed by what went wrong, each with the chunkings it happened under, so one
/// wrong expectation reads as one entry rather than one per chunking.
#[derive(Default)]
struct Failures(Vec<(String, Vec<String>)>);

impl Failures {
    fn add(&mut self, chunking: &Chunking, what: String) {
        let chunking = format!("{chunking:?}");
        match self.0.iter_mut().find(|(w, _)| *w == what) {
            Some((_, chunkings)) => chunkings.push(chunking),
            None => self.0.push((what, vec![chunking])),
        }
    }

    fn assert_none(&self) {
        let report: Vec<String> = self
            .0
            .iter()
            .map(|(what, chunkings)| format!("{what}\n    under: {}", chunkings.join(", ")))
            .collect();
        assert!(
            report.is_empty(),
            "{} mismatch(es):\n{}",
            report.len(),
            report.join("\n")
        );
    }
}

// ---- chunkings (tests/fixtures/README.md) ----------------------------------------------------

/// How an input is cut into `feed` calls.
#[derive(Clone, Debug, PartialEq)]
enum Chunking {
    /// One feed with all bytes.
    Whole,
    /// One feed per byte.
    Bytes,
    /// Split between the CR and the LF of every CRLF, nowhere else.
    Crlf,
    /// Sizes taken in order, cycling, until the input is used up; 0 feeds an empty chunk.
    Sizes(String, Vec<usize>),
    /// Sizes drawn from a seeded generator, with empty chunks among them.
    Random(u64),
}

impl Chunking {
    fn from_fixture(value: &Value) -> Chunking {
        let name = str_field(value, "name");
        match name {
            "whole" => Chunking::Whole,
            "bytes" => Chunking::Bytes,
            "crlf" => Chunking::Crlf,
            _ if name.starts_with("sizes-") => {
                let sizes: Vec<usize> = value["sizes"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{name} needs sizes"))
                    .iter()
                    .map(|s| usize::try_from(s.as_u64().expect("size")).expect("fits usize"))
                    .collect();
                assert!(
                    sizes.iter().any(|&s| s > 0),
                    "{name}: sizes that are all 0 never use the input up"
                );
                Chunking::Sizes(name.to_owned(), sizes)
            }
            _ => panic!("unknown chunking {name}"),
        }
    }
}

fn chunk<'a>(input: &'a [u8], chunking: &Chunking) -> Vec<&'a [u8]> {
    match chunking {
        Chunking::Whole => vec![input],
        Chunking::Bytes => input.chunks(1).collect(),
        Chunking::Crlf => {
            let mut pieces = Vec::new();
            let mut start = 0;
            for i in 1..input.len() {
                if input[i - 1] == b'\r' && input[i] == b'\n' {
                    pieces.push(&input[start..i]);
                    start = i;
                }
            }
            pieces.push(&input[start..]);
            pieces
        }
        Chunking::Sizes(_, sizes) => by_sizes(input, sizes),
        Chunking::Random(seed) => by_sizes(input, &random_sizes(*seed, input.len() + 1)),
    }
}

fn by_sizes<'a>(input: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    let mut rest = input;
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

/// `count` chunk sizes from a splitmix64 stream: a fifth empty, half 1 to 4 bytes, the rest up
/// to 64, so multi-byte characters, CRLFs and BOMs get cut in every way. The last size is made
/// positive so that cycling through the sizes always uses an input up.
fn random_sizes(seed: u64, count: usize) -> Vec<usize> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut sizes: Vec<usize> = (0..count)
        .map(|_| {
            let roll = next();
            let pick = usize::try_from(roll >> 40).expect("24 bits fit usize");
            match roll % 10 {
                0 | 1 => 0,
                2..=6 => 1 + pick % 4,
                _ => 1 + pick % 64,
            }
        })
        .collect();
    if let Some(last) = sizes.last_mut() {
        *last = (*last).max(1);
    }
    sizes
}

fn unhex(hex: &str) -> Vec<u8> {
    assert!(hex.len().is_multiple_of(2), "odd-length input_hex");
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("input_hex is hex"))
        .collect()
}

// ---- SSE conformance ------------------------------------------------------------------------

#[derive(Debug, PartialEq)]
struct SseOutcome {
    events: Vec<Event>,
    last_event_id: String,
    retry_ms: Option<u64>,
    errors: usize,
}

fn sse_input(case: &Value) -> Vec<u8> {
    match (case.get("input"), case.get("input_hex")) {
        (Some(text), None) => text
            .as_str()
            .expect("input is a string")
            .as_bytes()
            .to_vec(),
        (None, Some(hex)) => unhex(hex.as_str().expect("input_hex is a string")),
        _ => panic!(
            "case {} needs exactly one of input / input_hex",
            case["name"]
        ),
    }
}

fn sse_options(case: &Value) -> Option<ParserOptions> {
    let options = case.get("options")?;
    let get = |key: &str| {
        let n = options[key]
            .as_u64()
            .unwrap_or_else(|| panic!("options.{key} must be given with its pair"));
        usize::try_from(n).expect("limit fits usize")
    };
    Some(ParserOptions {
        max_line_bytes: get("max_line_bytes"),
        max_event_bytes: get("max_event_bytes"),
    })
}

fn run_sse(input: &[u8], options: Option<ParserOptions>, chunking: &Chunking) -> SseOutcome {
    let mut parser = match options {
        Some(options) => Parser::with_options(options).expect("valid fixture options"),
        None => Parser::new(),
    };
    let mut events = Vec::new();
    let mut errors = 0;
    for piece in chunk(input, chunking) {
        if let Err(error) = parser.feed_to_vec(piece, &mut events) {
            assert_eq!(error.kind(), ErrorKind::LimitExceeded, "{error}");
            errors += 1;
        }
    }
    parser.finish();
    SseOutcome {
        events,
        last_event_id: parser.last_event_id().to_owned(),
        retry_ms: parser.retry_ms(),
        errors,
    }
}

fn expected_sse(case: &Value) -> SseOutcome {
    let expect = &case["expect"];
    SseOutcome {
        events: expect["events"]
            .as_array()
            .expect("events array")
            .iter()
            .map(|e| Event {
                event: str_field(e, "event").to_owned(),
                data: str_field(e, "data").to_owned(),
                id: str_field(e, "id").to_owned(),
            })
            .collect(),
        last_event_id: str_field(expect, "last_event_id").to_owned(),
        retry_ms: expect["retry_ms"].as_u64(),
        errors: usize::try_from(expect["errors"].as_u64().expect("errors count"))
            .expect("errors fits usize"),
    }
}

#[test]
fn sse_conformance_cases_pass_under_every_chunking() {
    let doc = load("sse/conformance.json");
    let chunkings = chunkings(&doc);
    let mut failures = Failures::default();
    for case in doc["cases"].as_array().expect("cases array") {
        let name = str_field(case, "name");
        let input = sse_input(case);
        let options = sse_options(case);
        let want = expected_sse(case);
        for chunking in &chunkings {
            let got = run_sse(&input, options, chunking);
            if got != want {
                failures.add(
                    chunking,
                    format!("{name}:\n    want {want:?}\n    got  {got:?}"),
                );
            }
        }
    }
    failures.assert_none();
}

#[test]
fn sse_fixture_follows_the_readme_format() {
    let doc = load("sse/conformance.json");
    let cases = doc["cases"].as_array().expect("cases array");
    assert!(cases.len() >= 90, "only {} cases", cases.len());
    let rules = [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8-event",
        "8-data",
        "8-id",
        "8-retry",
        "9",
        "10",
        "11",
        "limits",
        "robustness",
    ];
    let mut names = std::collections::HashSet::new();
    for case in cases {
        let name = str_field(case, "name");
        assert!(names.insert(name), "duplicate case name {name}");
        assert!(
            rules.contains(&str_field(case, "rule")),
            "{name}: unknown rule"
        );
        assert!(
            case.get("input").is_some() != case.get("input_hex").is_some(),
            "{name}: exactly one of input / input_hex"
        );
        if let Some(hex) = case.get("input_hex").and_then(Value::as_str) {
            assert_eq!(hex, hex.to_ascii_lowercase(), "{name}: hex is lowercase");
        }
        if let Some(options) = case.get("options") {
            let keys: Vec<&String> = options
                .as_object()
                .expect("options object")
                .keys()
                .collect();
            assert_eq!(keys.len(), 2, "{name}: both option keys, nothing else");
            sse_options(case);
        }
        let expect = expected_sse(case);
        for event in &expect.events {
            for text in [&event.event, &event.data, &event.id] {
                assert!(!text.contains('\0'), "{name}: expected strings hold no NUL");
            }
        }
        assert!(
            expect.errors <= 1,
            "{name}: errors must not depend on chunking"
        );
    }
    let declared: Vec<Chunking> = doc["chunkings"]
        .as_array()
        .expect("chunkings array")
        .iter()
        .map(Chunking::from_fixture)
        .collect();
    for required in [Chunking::Whole, Chunking::Bytes, Chunking::Crlf] {
        assert!(
            declared.contains(&required),
            "missing chunking {required:?}"
        );
    }
    let with_empty_chunks = declared
        .iter()
        .filter(|c| matches!(c, Chunking::Sizes(_, sizes) if sizes.contains(&0)))
        .count();
    assert!(with_empty_chunks >= 2, "two sizes-* patterns with a 0 size");
}

// ---- providers ------------------------------------------------------------------------------

fn usage_json(usage: &Usage) -> Value {
    json!({
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
        "cached_tokens": usage.cached_tokens,
        "reasoning_tokens": usage.reasoning_tokens,
    })
}

fn error_json(error: &ProviderError) -> Value {
    json!({"kind": error.kind.as_str(), "message": error.message, "code": error.code})
}

/// The canonical (Python field names) shape of an event. A malformed event's message is
/// implementation text: it must exist, but only its payload is compared.
fn event_json(event: &StreamEvent) -> Value {
    match event {
        StreamEvent::Text(text) => json!({"type": "text", "text": text}),
        StreamEvent::Usage(usage) => json!({"type": "usage", "usage": usage_json(usage)}),
        StreamEvent::Finish { reason, raw } => {
            json!({"type": "finish", "finish_reason": reason.as_str(), "raw_finish_reason": raw})
        }
        StreamEvent::Error(error) => json!({"type": "error", "error": error_json(error)}),
        StreamEvent::Malformed { message, payload } => {
            assert!(!message.is_empty(), "a malformed event explains itself");
            json!({"type": "malformed", "payload": payload})
        }
    }
}

fn summary_json(summary: &StreamSummary) -> Value {
    json!({
        "provider": summary.provider.name(),
        "text": summary.text,
        "usage": usage_json(&summary.usage),
        "finish_reason": summary.finish_reason.map(|r| r.as_str()),
        "raw_finish_reason": summary.raw_finish_reason,
        "complete": summary.complete,
        "error": summary.error.as_ref().map(error_json),
        "malformed_events": summary.malformed_events,
        "keepalives": summary.keepalives,
    })
}

fn expected_events(case: &Value) -> Vec<Value> {
    let mut events = case["expect"]["events"]
        .as_array()
        .expect("events array")
        .clone();
    for event in &mut events {
        if event["type"] == "malformed" {
            if let Some(fields) = event.as_object_mut() {
                fields.remove("message");
            }
        }
    }
    events
}

#[test]
fn provider_cases_pass_under_every_chunking() {
    let doc = load("providers/cases.json");
    let chunkings = chunkings(&doc);
    let mut failures = Failures::default();
    for case in doc["cases"].as_array().expect("cases array") {
        let name = str_field(case, "name");
        let provider = Provider::from_name(str_field(case, "provider")).expect("known provider");
        let input = fixture_bytes(&format!("providers/{}", str_field(case, "file")));
        let want_events = expected_events(case);
        let want_summary = &case["expect"]["summary"];
        for chunking in &chunkings {
            let mut decoder = StreamDecoder::new(provider);
            let mut events = Vec::new();
            for piece in chunk(&input, chunking) {
                if let Err(error) = decoder.feed_to_vec(piece, &mut events) {
                    failures.add(chunking, format!("{name}: feed failed: {error}"));
                }
            }
            let complete_before_finish = decoder.is_complete();
            let summary = decoder.finish();
            let got_events: Vec<Value> = events.iter().map(event_json).collect();
            let got_summary = summary_json(&summary);
            if got_events != want_events {
                let (want, got) = (Value::from(want_events.clone()), Value::from(got_events));
                failures.add(
                    chunking,
                    format!("{name} events:\n    want {want}\n    got  {got}"),
                );
            }
            if &got_summary != want_summary {
                failures.add(
                    chunking,
                    format!("{name} summary:\n    want {want_summary}\n    got  {got_summary}"),
                );
            }
            if complete_before_finish != summary.complete {
                failures.add(chunking, format!("{name}: is_complete() disagrees"));
            }
        }
    }
    failures.assert_none();
}

#[test]
fn provider_fixture_covers_every_provider_and_variant() {
    let doc = load("providers/cases.json");
    let names: Vec<&str> = doc["cases"]
        .as_array()
        .expect("cases array")
        .iter()
        .map(|c| str_field(c, "name"))
        .collect();
    for provider in Provider::ALL {
        for variant in ["complete", "interrupted", "inband-error", "keepalive"] {
            let name = format!("{}-{variant}", provider.name());
            assert!(names.contains(&name.as_str()), "missing case {name}");
        }
    }
}

/// A seeded random chunking must be reproducible and cover every byte exactly once.
#[test]
fn random_chunkings_are_deterministic_partitions() {
    let input: Vec<u8> = (0..=255).collect();
    for seed in RANDOM_SEEDS {
        assert_eq!(random_sizes(seed, 64), random_sizes(seed, 64));
        let pieces = chunk(&input, &Chunking::Random(seed));
        assert_eq!(pieces.concat(), input);
        assert!(pieces.iter().any(|p| p.is_empty()), "empty chunks occur");
    }
}

// ---- the error table ------------------------------------------------------------------------

#[test]
fn error_kinds_match_the_shared_table_in_order() {
    let doc = load("errors.json");
    let table: Vec<(String, u64)> = doc["errors"]
        .as_array()
        .expect("errors array")
        .iter()
        .map(|e| {
            let status = e["status"].as_u64().expect("status number");
            (str_field(e, "code").to_owned(), status)
        })
        .collect();
    let core: Vec<(String, u64)> = ErrorKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), u64::from(k.status())))
        .collect();
    assert_eq!(
        core, table,
        "ErrorKind::ALL and tests/fixtures/errors.json differ"
    );
}
