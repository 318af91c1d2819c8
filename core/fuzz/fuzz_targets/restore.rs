//! Fuzzes `redact::restore` and `StreamRestorer` with mappings a caller built (every surface
//! accepts one: a Python dict, a JS object, `genie_mapping_insert`, JSON): never a panic; the
//! stream over any chunking equals the whole restore; and an answer made of placeholders and
//! text without brackets restores to exactly the values and that text.
//!
//! Input layout: byte 0 picks the chunk sizes, byte 1 seeds them; the rest (invalid UTF-8
//! replaced by U+FFFD) is split at NUL bytes into the answer and then placeholder/value pairs.
//! A second answer interleaves the answer's pieces (split at U+0001, brackets removed) with the
//! mapping's placeholders.

#![no_main]

use genie_core::redact::{restore, Mapping, StreamRestorer};
use genie_core_fuzz::chunking;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

/// Chunks of `s` of up to 1, 5, 70 or 300 bytes, on character boundaries.
fn chunks(s: &str, style: u8, seed: u8) -> Vec<&str> {
    chunking::of_text(s, [1, 5, 70, 300][usize::from(style & 3)], seed)
}

fn streamed(mapping: &Mapping, parts: &[&str]) -> String {
    let mut r = StreamRestorer::new(mapping.clone());
    let mut out: String = parts.iter().map(|p| r.push(p)).collect();
    out.push_str(&r.flush());
    out
}

/// A placeholder `restore` can find: `[`, at most 64 more bytes, none of them a bracket but
/// the closing `]`.
fn findable(p: &str) -> bool {
    p.len() >= 2
        && p.len() <= 65
        && p.starts_with('[')
        && p.ends_with(']')
        && !p[1..p.len() - 1].contains(['[', ']'])
}

fuzz_target!(|input: &[u8]| {
    let [style, seed, rest @ ..] = input else {
        return;
    };
    let rest = String::from_utf8_lossy(rest);
    let mut parts = rest.split('\0');
    let answer = parts.next().unwrap_or_default();
    let mut entries = BTreeMap::new();
    while let (Some(p), Some(v)) = (parts.next(), parts.next()) {
        entries.insert(p.to_string(), v.to_string());
    }
    let json = serde_json::to_string(&entries).expect("a map of strings serializes");
    let mapping: Mapping = serde_json::from_str(&json).expect("a map of strings is a mapping");

    let whole = restore(answer, &mapping);
    assert_eq!(streamed(&mapping, &chunks(answer, *style, *seed)), whole);

    let keys: Vec<(&str, &str)> = mapping.iter().filter(|(p, _)| findable(p)).collect();
    if keys.is_empty() {
        return;
    }
    let (mut built, mut expected) = (String::new(), String::new());
    for (k, piece) in answer.split('\u{1}').enumerate() {
        let plain: String = piece.chars().filter(|c| !matches!(c, '[' | ']')).collect();
        let (p, v) = keys[k % keys.len()];
        built.push_str(&plain);
        built.push_str(p);
        expected.push_str(&plain);
        expected.push_str(v);
    }
    assert_eq!(
        restore(&built, &mapping),
        expected,
        "placeholders not restored"
    );
    assert_eq!(streamed(&mapping, &chunks(&built, *style, *seed)), expected);
});
