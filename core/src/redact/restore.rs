//! Putting original values back into a model's answer: [`restore`] for a whole text and
//! [`StreamRestorer`] for an answer that streams.
//!
//! Both run one left-to-right scan ([`restore_into`]) whose decision at each `[` depends only
//! on the next [`WINDOW`] bytes. That is what makes the stream exact: it releases everything
//! before the first `[` it cannot decide yet and holds back at most `WINDOW` bytes, so the
//! concatenated output equals `restore` of the whole answer whatever the chunking.

use super::operator::Mapping;
use memchr::{memchr, memchr2};
use std::fmt;

/// How far after a `[` its closing `]` may be: a placeholder is `[TYPE_n]`, and type names
/// have at most 48 characters.
const WINDOW: usize = 64;

/// Puts the original values back: every placeholder of `mapping` in `text` becomes its value.
/// Linear in `text`; text that only looks like a placeholder but is not in the mapping stays.
///
/// A placeholder cannot be told apart from the same characters typed by someone: if the
/// original text already contained `[EMAIL_1]` and the redactor also numbered an address
/// `[EMAIL_1]`, both come back as the address.
pub fn restore(text: &str, mapping: &Mapping) -> String {
    if mapping.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    restore_into(text, mapping, true, &mut out);
    out
}

/// Appends `text`, restored, to `out` and returns how many bytes of `text` it consumed: all of
/// them when `at_end`; otherwise it stops at a `[` whose `]` may still arrive (less than
/// `WINDOW` bytes follow it and none of them closes or abandons it).
fn restore_into(text: &str, mapping: &Mapping, at_end: bool, out: &mut String) -> usize {
    let b = text.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while let Some(k) = memchr(b'[', &b[i..]) {
        let s = i + k;
        let window_end = s + 1 + WINDOW;
        let close = memchr2(b']', b'[', &b[s + 1..b.len().min(window_end)]).map(|c| s + 1 + c);
        match close {
            Some(e) if b[e] == b']' => {
                if let Some(v) = mapping.get(&text[s..=e]) {
                    out.push_str(&text[last..s]);
                    out.push_str(v);
                    last = e + 1;
                }
                i = e + 1;
            }
            // Another `[` first: this one opens no placeholder.
            Some(e) => i = e,
            None if !at_end && b.len() < window_end => {
                out.push_str(&text[last..s]);
                return s;
            }
            None => i = s + 1,
        }
    }
    out.push_str(&text[last..]);
    text.len()
}

/// Restores a model's answer as it streams: [`push`](Self::push) each chunk and send on what it
/// returns; [`flush`](Self::flush) at the end returns the rest. The concatenated output equals
/// [`restore`] of the whole answer, whatever the chunking, so a placeholder split across
/// chunks (`[EMAIL` | `_1]`) is still restored.
///
/// It holds back at most 64 bytes: from the last `[` that may still open a placeholder. Text
/// without `[` passes through at once. One per answer; it keeps its own copy of the mapping.
/// `Debug` shows how much it holds, never the text (an answer may carry PII of its own).
#[derive(Clone)]
pub struct StreamRestorer {
    mapping: Mapping,
    held: String,
}

impl fmt::Debug for StreamRestorer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamRestorer")
            .field("mapping", &self.mapping)
            .field("held_bytes", &self.held.len())
            .finish()
    }
}

impl StreamRestorer {
    /// A restorer for the placeholders of `mapping`.
    pub fn new(mapping: Mapping) -> StreamRestorer {
        StreamRestorer {
            mapping,
            held: String::new(),
        }
    }

    /// Takes the next chunk; returns the restored text that can be released now (possibly
    /// empty, while a placeholder may still be arriving).
    pub fn push(&mut self, chunk: &str) -> String {
        let mut out = String::with_capacity(self.held.len() + chunk.len());
        if self.held.is_empty() {
            let used = restore_into(chunk, &self.mapping, false, &mut out);
            self.held.push_str(&chunk[used..]);
        } else {
            self.held.push_str(chunk);
            let used = restore_into(&self.held, &self.mapping, false, &mut out);
            self.held.drain(..used);
        }
        out
    }

    /// Ends the answer; returns the rest of the restored text. The restorer is then empty and
    /// can take the next answer restored with the same mapping.
    pub fn flush(&mut self) -> String {
        let mut out = String::with_capacity(self.held.len());
        restore_into(&self.held, &self.mapping, true, &mut out);
        self.held.clear();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mapping() -> Mapping {
        [
            ("[EMAIL_1]", "ann@example.com"),
            ("[EMAIL_2]", "raj@example.com"),
            ("[PHONE_1]", "+1 415 802 3391"),
            ("[ACME_MEMBER_ID_12]", "ACM204857331"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn streamed(chunks: &[&str], m: &Mapping) -> String {
        let mut r = StreamRestorer::new(m.clone());
        let mut out: String = chunks.iter().map(|c| r.push(c)).collect();
        out.push_str(&r.flush());
        out
    }

    #[test]
    fn a_placeholder_split_across_chunks_is_restored() {
        let m = mapping();
        assert_eq!(
            streamed(&["Write to [EMA", "IL_", "1] or [", "PHONE_1]."], &m),
            "Write to ann@example.com or +1 415 802 3391."
        );
    }

    #[test]
    fn text_without_brackets_passes_at_once_and_a_bracket_waits() {
        let mut r = StreamRestorer::new(mapping());
        assert_eq!(r.push("héllo wörld "), "héllo wörld ");
        assert_eq!(r.push("see [EMAIL"), "see ");
        assert_eq!(r.held.len(), "[EMAIL".len());
        assert_eq!(r.push("_2] ok"), "raj@example.com ok");
        assert_eq!(r.held.len(), 0);
        // A `[` never closed within 64 bytes is released as text once 64 bytes follow it.
        let long = format!("[{}", "x".repeat(WINDOW));
        assert_eq!(r.push(&long), long);
        assert_eq!(r.push("[unclosed"), "");
        assert_eq!(r.flush(), "[unclosed");
        assert_eq!(r.flush(), "");
    }

    #[test]
    fn debug_shows_no_text() {
        let mut r = StreamRestorer::new(mapping());
        r.push("jane@example.com wrote [EMAIL");
        let shown = format!("{r:?}");
        assert_eq!(
            shown,
            "StreamRestorer { mapping: Mapping { entries: 4, .. }, held_bytes: 6 }"
        );
    }

    #[test]
    fn edge_cases_match_the_whole_text() {
        let m = mapping();
        for text in [
            "[[EMAIL_1]] [EMAIL_ [PHONE_1][EMAIL_2]] [",
            "[EMAIL_3] is unknown, [email_1] too",
            "[ACME_MEMBER_ID_12][EMAIL_1][",
            "]]][[[",
            "",
        ] {
            let whole = restore(text, &m);
            for cut in 0..=text.len() {
                if text.is_char_boundary(cut) {
                    assert_eq!(
                        streamed(&[&text[..cut], &text[cut..]], &m),
                        whole,
                        "{text:?} at {cut}"
                    );
                }
            }
        }
    }

    fn chunked(text: &str, cuts: &[usize]) -> Vec<String> {
        let mut points: Vec<usize> = cuts
            .iter()
            .map(|&c| c % (text.len() + 1))
            .filter(|&c| text.is_char_boundary(c))
            .collect();
        points.extend([0, text.len()]);
        points.sort_unstable();
        points.dedup();
        points
            .windows(2)
            .map(|w| text[w[0]..w[1]].to_string())
            .collect()
    }

    proptest! {
        #[test]
        fn any_chunking_equals_the_whole_text(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("[EMAIL_1]".to_string()),
                    Just("[PHONE_1]".to_string()),
                    Just("[ACME_MEMBER_ID_12]".to_string()),
                    Just("[".to_string()),
                    Just("]".to_string()),
                    "[a-zA-Z_0-9 é😀]{0,70}",
                ],
                0..30,
            ),
            cuts in proptest::collection::vec(any::<usize>(), 0..12),
        ) {
            let m = mapping();
            let text: String = parts.concat();
            let chunks = chunked(&text, &cuts);
            let refs: Vec<&str> = chunks.iter().map(String::as_str).collect();
            prop_assert_eq!(streamed(&refs, &m), restore(&text, &m));
        }
    }
}
