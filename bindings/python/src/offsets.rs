//! Byte offsets (the core's) to code point offsets (Python's: `text[f.start:f.end]` is the
//! value).
//!
//! Findings come sorted and non-overlapping, so their offsets only grow: each converter walks
//! the text once, counting code points up to the offsets asked for and no further. ASCII text
//! (recognised in O(1) by the caller: UTF-8 length == code point count) skips the walk, since
//! there byte == code point.

/// Code points in `bytes`: every byte that does not continue a multi-byte sequence starts one.
fn code_points(bytes: &[u8]) -> usize {
    // Continuation bytes are 0b10xx_xxxx: -128..=-65 as i8. The loop vectorises.
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// Converts the offsets of one text.
pub struct TextOffsets<'a> {
    text: &'a [u8],
    ascii: bool,
    /// The last offset converted, in bytes and in code points.
    byte: usize,
    chars: usize,
}

impl<'a> TextOffsets<'a> {
    /// A converter over `text`; `ascii` says every character is ASCII.
    pub fn new(text: &'a str, ascii: bool) -> Self {
        TextOffsets {
            text: text.as_bytes(),
            ascii,
            byte: 0,
            chars: 0,
        }
    }

    /// The code point offset of byte offset `byte`, or `None` past the end of the text. Linear
    /// in the distance from the previous offset; an offset before it restarts the count.
    pub fn at(&mut self, byte: usize) -> Option<usize> {
        if byte > self.text.len() {
            return None;
        }
        if self.ascii {
            return Some(byte);
        }
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += code_points(&self.text[self.byte..byte]);
        self.byte = byte;
        Some(self.chars)
    }
}

/// Converts the offsets of a text that arrives in chunks (a [`genie_core::redact::StreamRedactor`]
/// stream), keeping only the text after the last converted offset.
///
/// ASCII chunks are kept as a count, not as text, so an ASCII stream costs no memory however
/// long it runs. Text after the first non-ASCII chunk is kept until an offset passes it.
#[derive(Default)]
pub struct StreamOffsets {
    /// The last offset converted, in bytes and in code points; text before it is dropped.
    byte: usize,
    chars: usize,
    /// Bytes right after `byte` known to be ASCII (not stored).
    ascii: usize,
    /// The text after those, unread from `read`.
    rest: String,
    read: usize,
}

/// `rest` is compacted once this many bytes of it were read.
const COMPACT_BYTES: usize = 64 * 1024;

impl StreamOffsets {
    /// Appends the next chunk of the stream; `ascii` says every character in it is ASCII.
    pub fn push(&mut self, chunk: &str, ascii: bool) {
        if self.read == self.rest.len() {
            self.rest.clear();
            self.read = 0;
        }
        if ascii && self.rest.is_empty() {
            self.ascii += chunk.len();
        } else {
            self.rest.push_str(chunk);
        }
    }

    /// The code point offset of stream byte offset `byte`, or `None` when `byte` is before the
    /// previous offset or after the text pushed so far (offsets must not decrease).
    pub fn at(&mut self, byte: usize) -> Option<usize> {
        let ahead = byte.checked_sub(self.byte)?;
        let ascii = ahead.min(self.ascii);
        let end = self.read.checked_add(ahead - ascii)?;
        let skipped = code_points(self.rest.as_bytes().get(self.read..end)?);
        self.ascii -= ascii;
        self.read = end;
        self.byte = byte;
        self.chars += ascii + skipped;
        if self.read >= COMPACT_BYTES && self.read * 2 >= self.rest.len() {
            self.rest.drain(..self.read);
            self.read = 0;
        }
        Some(self.chars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_offsets_count_code_points() {
        let text = "é👩🏽‍💻 a你好b";
        let cps = |b: usize| text[..b].chars().count();
        let mut o = TextOffsets::new(text, false);
        for (b, _) in text.char_indices().chain([(text.len(), ' ')]) {
            assert_eq!(o.at(b), Some(cps(b)));
        }
        assert_eq!(o.at(2), Some(1), "an earlier offset restarts the count");
        assert_eq!(o.at(text.len() + 1), None);
        assert_eq!(TextOffsets::new("abc", true).at(2), Some(2));
    }

    #[test]
    fn stream_offsets_follow_the_chunks() {
        let chunks = ["abc ", "déf ", "ghi ", "你好 ", "jk"];
        let whole: String = chunks.concat();
        let mut o = StreamOffsets::default();
        let mut from = 0;
        for c in chunks {
            o.push(c, c.is_ascii());
            let to = from + c.len();
            for b in (from..=to).filter(|&b| whole.is_char_boundary(b)) {
                assert_eq!(o.at(b), Some(whole[..b].chars().count()), "byte {b}");
            }
            from = to;
        }
        assert_eq!(o.at(whole.len()), Some(whole.chars().count()));
        assert_eq!(o.at(whole.len() + 1), None, "past the text pushed");
        assert_eq!(o.at(0), None, "before the previous offset");
    }

    #[test]
    fn an_ascii_stream_keeps_no_text() {
        let mut o = StreamOffsets::default();
        for _ in 0..1000 {
            o.push(&"x".repeat(1000), true);
        }
        assert!(o.rest.is_empty());
        assert_eq!(o.at(999_999), Some(999_999));
        o.push("é", false);
        o.push("ab", true);
        assert_eq!(o.at(1_000_003), Some(1_000_002));
    }

    /// Character boundaries of `text` picked by `picks` (fractions of its length), in order.
    fn boundaries(text: &str, picks: &[u16]) -> Vec<usize> {
        let mut at: Vec<usize> = picks
            .iter()
            .map(|&p| usize::from(p) * text.len() / usize::from(u16::MAX))
            .map(|mut b| {
                while !text.is_char_boundary(b) {
                    b -= 1;
                }
                b
            })
            .collect();
        at.sort_unstable();
        at
    }

    proptest! {
        #[test]
        fn both_converters_count_code_points(
            pieces in prop::collection::vec("(.|é|你|👍){0,8}|[a-z ]{0,40}", 0..16),
            // Repeating each piece makes long streams, past the converter's compaction.
            repeat in prop_oneof![Just(1usize), 1usize..4000],
            picks in prop::collection::vec(any::<u16>(), 0..32),
        ) {
            let chunks: Vec<String> = pieces.iter().map(|p| p.repeat(repeat)).collect();
            let whole: String = chunks.concat();
            let offsets = boundaries(&whole, &picks);
            // Code points before each byte offset, in one pass.
            let mut cps = vec![0; whole.len() + 1];
            for (k, &b) in whole.as_bytes().iter().enumerate() {
                cps[k + 1] = cps[k] + usize::from((b as i8) >= -0x40);
            }
            let mut text = TextOffsets::new(&whole, whole.is_ascii());
            for &b in &offsets {
                prop_assert_eq!(text.at(b), Some(cps[b]));
            }
            // The stream converter is asked each offset once the chunk holding it has arrived.
            let mut stream = StreamOffsets::default();
            let (mut pushed, mut next) = (0, 0);
            for c in &chunks {
                stream.push(c, c.is_ascii());
                pushed += c.len();
                while next < offsets.len() && offsets[next] <= pushed {
                    prop_assert_eq!(stream.at(offsets[next]), Some(cps[offsets[next]]));
                    next += 1;
                }
            }
            prop_assert_eq!(stream.at(pushed + 1), None);
        }
    }
}
