//! Fuzzes `redact::Redactor`, `StreamRedactor` and `StreamRestorer` on arbitrary text under four
//! configurations (every operator but `hash`, every profile, the generic DATE type, an allowlist,
//! a tenant pattern, three phone regions): never a panic and never an error (every internal
//! failure is an error, so an error here is a bug); findings ordered, disjoint, on character
//! boundaries and the same from `find` and `redact`; the output is the input with exactly those
//! spans replaced; placeholders restore the input; a stream over any chunking gives the
//! whole-text output, findings, mapping and counts; a streamed restore gives the whole restore.
//!
//! Input layout: byte 0 picks the configuration (low 2 bits) and the chunking style (bits 2–3),
//! byte 1 seeds the chunk sizes, the rest is the text. Invalid UTF-8 is replaced by U+FFFD:
//! every surface hands the core a `&str` (the C ABI rejects invalid bytes with a status first).

#![no_main]

use genie_core::redact::{
    Finding, Mapping, Redacted, Redactor, RedactorConfig, StreamRedactor, StreamRestorer,
};
use genie_core_fuzz::chunking;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The configurations, indexed by the low two bits of byte 0. The first two replace (so the
/// expected output can be rebuilt from the findings), the last two write placeholders (so the
/// output must restore to the input).
const CONFIGS: [&str; 4] = [
    r#"{}"#,
    r#"{"profile": "healthcare", "dates": true, "phone_region": "GB",
        "allowlist": {"patterns": ["*@acme.com"], "by_type": {"PERSON": {"values": ["Ada Lovelace"]}}},
        "custom": [{"type": "ACME_MEMBER_ID", "regex": "ACM\\d{9}", "context": ["member"]}]}"#,
    r#"{"profile": "tech", "operators": {"default": {"type": "placeholder"}}}"#,
    r#"{"profile": "healthcare", "phone_region": "DE",
        "operators": {"default": {"type": "placeholder"}, "PHONE": {"type": "mask", "keep_last": 2},
                      "URL": {"type": "remove"}}}"#,
];

fn redactors() -> &'static [Redactor] {
    static R: OnceLock<Vec<Redactor>> = OnceLock::new();
    R.get_or_init(|| {
        CONFIGS
            .iter()
            .map(|c| {
                let cfg = RedactorConfig::from_json(c).expect("the fuzz configs are valid");
                Redactor::new(cfg).expect("the fuzz configs compile")
            })
            .collect()
    })
}

/// Chunks of `s` for stream style `style`: 0 whole, 1 one character at a time, 2 and 3 up to 7
/// and up to 600 bytes (past the stream's hold-back, so text is released mid-stream).
fn chunks(s: &str, style: u8, seed: u8) -> Vec<&str> {
    match style {
        0 => vec![s],
        1 => chunking::of_text(s, 1, seed),
        2 => chunking::of_text(s, 7, seed),
        _ => chunking::of_text(s, 600, seed),
    }
}

fn check_findings(text: &str, found: &[Finding]) {
    let mut last = 0;
    for f in found {
        assert!(
            f.start >= last,
            "findings overlap or are out of order: {found:?}"
        );
        assert!(
            f.end > f.start && f.end <= text.len(),
            "empty or out-of-range span: {f:?}"
        );
        assert!(
            text.is_char_boundary(f.start) && text.is_char_boundary(f.end),
            "span off a character boundary: {f:?}"
        );
        last = f.end;
    }
}

/// The replace operator's output: the input with each finding replaced by `<TYPE>`.
fn replaced(text: &str, found: &[Finding]) -> String {
    let mut out = String::new();
    let mut last = 0;
    for f in found {
        out.push_str(&text[last..f.start]);
        out.push('<');
        out.push_str(f.entity.as_str());
        out.push('>');
        last = f.end;
    }
    out.push_str(&text[last..]);
    out
}

fn restore_streamed(mapping: &Mapping, parts: &[&str]) -> String {
    let mut r = StreamRestorer::new(mapping.clone());
    let mut out: String = parts.iter().map(|p| r.push(p)).collect();
    out.push_str(&r.flush());
    out
}

fn check_stream(r: &Redactor, parts: &[&str], whole: &Redacted) {
    let mut s = StreamRedactor::new(r.clone());
    let mut out = String::new();
    for p in parts {
        out.push_str(&s.push(p).expect("push never fails on valid text"));
    }
    out.push_str(&s.flush().expect("flush never fails"));
    assert_eq!(
        out, whole.text,
        "stream output differs from the whole text's"
    );
    assert_eq!(s.findings(), &whole.findings[..]);
    assert_eq!(s.mapping(), &whole.mapping);
    assert_eq!(s.counts(), &whole.counts);
}

fuzz_target!(|input: &[u8]| {
    let [mode, seed, text @ ..] = input else {
        return;
    };
    let text = String::from_utf8_lossy(text);
    let config = usize::from(mode & 0x3);
    let r = &redactors()[config];

    let found = r.find(&text).expect("find never fails on valid text");
    check_findings(&text, &found);
    let red = r.redact(&text).expect("redact never fails on valid text");
    let spans = |f: &[Finding]| f.iter().map(|f| (f.start, f.end)).collect::<Vec<_>>();
    assert_eq!(
        spans(&found),
        spans(&red.findings),
        "find and redact disagree"
    );
    assert_eq!(red.counts.values().sum::<u64>(), red.findings.len() as u64);
    if config < 2 {
        assert_eq!(red.text, replaced(&text, &red.findings));
    }
    // A placeholder the input already held comes back as the value it was given (a documented
    // limit of `restore`); every other input must come back byte for byte.
    let typed_placeholder = red.mapping.iter().any(|(p, _)| text.contains(p));
    if config == 2 && !typed_placeholder {
        assert_eq!(
            r.restore(&red.text, &red.mapping),
            text,
            "restore lost the input"
        );
    }
    let parts = chunks(&text, (mode >> 2) & 0x3, *seed);
    check_stream(r, &parts, &red);
    let answer = chunks(&red.text, (mode >> 2) & 0x3, seed.wrapping_add(1));
    assert_eq!(
        restore_streamed(&red.mapping, &answer),
        r.restore(&red.text, &red.mapping),
        "a streamed restore differs from the whole one"
    );
});
