//! JavaScript strings in and out of the redactor: reading a string argument as the UTF-8 the
//! core works on, and turning the core's byte offsets into the UTF-16 code-unit offsets
//! JavaScript indexes strings by (`text.slice(start, end)`).
//!
//! **Reading.** napi copies a string out of V8 as UTF-8, writing each lone surrogate (half a
//! surrogate pair with no other half, which a JS string may hold but no Unicode text can) as
//! U+FFFD. Redacting that copy would report values the caller never wrote, so a lone surrogate
//! is an `INVALID_UTF8` error naming its UTF-16 offset instead (`text.toWellFormed()` is the
//! caller's fix). Only a copy that holds a U+FFFD is read again as UTF-16 to tell a real
//! U+FFFD from a replaced surrogate; other text pays one scan for that character.
//!
//! **Offsets.** A UTF-8 sequence of 1 to 3 bytes is one UTF-16 unit, a 4-byte one is two. So
//! the UTF-16 length of a byte range is its number of non-continuation bytes plus its number of
//! 4-byte lead bytes: a sum over bytes, which lets ranges be counted in pieces split anywhere
//! (even inside a character). All-ASCII blocks count as their length.

use napi::bindgen_prelude::{FromNapiValue, Unknown, Utf16String};
use napi::{Env, JsValue, ValueType};

use genie_core::ErrorKind;

use crate::args::describe;
use crate::errors;

/// The UTF-8 form of U+FFFD, which V8 writes for a lone surrogate.
const REPLACEMENT: &str = "\u{FFFD}";

/// A string argument named `name`, as UTF-8. Lone surrogates are an `INVALID_UTF8` error.
pub(crate) fn text(env: &Env, name: &str, value: Unknown<'_>) -> napi::Result<String> {
    expect_string(env, name, &value)?;
    well_formed(value)?
        .map_err(|lone| errors::build(env, ErrorKind::InvalidUtf8, &lone.message(name, 0), None))
}

/// A lone surrogate in a string: its UTF-16 offset and its value.
pub(crate) struct LoneSurrogate {
    at: usize,
    unit: u16,
}

impl LoneSurrogate {
    /// What is wrong, for an error about the string named `name`; `base` is the UTF-16
    /// offset of the string in what the caller sees as one text (a stream's earlier chunks).
    pub(crate) fn message(&self, name: &str, base: usize) -> String {
        format!(
            "{name}: a lone surrogate (U+{:04X}) at UTF-16 offset {}: the string is not \
             well-formed Unicode and cannot be used as it is (text.toWellFormed() replaces \
             lone surrogates with U+FFFD)",
            self.unit,
            base + self.at
        )
    }
}

/// A string value (its type already checked) as UTF-8, or where it is not well-formed.
pub(crate) fn well_formed(value: Unknown<'_>) -> napi::Result<Result<String, LoneSurrogate>> {
    let utf8 = String::from_unknown(value)?;
    if !utf8.contains(REPLACEMENT) {
        return Ok(Ok(utf8));
    }
    let units = Utf16String::from_unknown(value)?;
    Ok(decode(&units).map(|_| utf8))
}

/// `INVALID_ARGUMENT` unless `value` is a string.
fn expect_string(env: &Env, name: &str, value: &Unknown<'_>) -> napi::Result<()> {
    if value.get_type()? == ValueType::String {
        return Ok(());
    }
    let hint = if value.is_typedarray()? || value.is_dataview()? || value.is_arraybuffer()? {
        " (decode bytes first, e.g. buffer.toString('utf8'))"
    } else {
        ""
    };
    Err(errors::invalid_argument(
        env,
        &format!("{name}: expected a string, got {}{hint}", describe(value)?),
    ))
}

/// Decodes UTF-16 `units`, or says where the first lone surrogate is.
fn decode(units: &[u16]) -> Result<String, LoneSurrogate> {
    let mut out = String::with_capacity(units.len());
    let mut at = 0;
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok(c) => {
                out.push(c);
                at += c.len_utf16();
            }
            Err(e) => {
                let unit = e.unpaired_surrogate();
                return Err(LoneSurrogate { at, unit });
            }
        }
    }
    Ok(out)
}

fn is_high(unit: u16) -> bool {
    (0xD800..0xDC00).contains(&unit)
}

fn is_low(unit: u16) -> bool {
    (0xDC00..0xE000).contains(&unit)
}

/// Turns a stream's string chunks into UTF-8, joining a surrogate pair split between two
/// chunks (a chunk may end with the high half; the next must then start with the low half).
#[derive(Default)]
pub(crate) struct ChunkDecoder {
    /// The high surrogate that ended the last chunk.
    high: Option<u16>,
    /// UTF-16 units taken so far, the held high surrogate included.
    units: usize,
}

impl ChunkDecoder {
    /// The UTF-8 text of `value` to redact now, without a trailing high surrogate, which is
    /// held for the next chunk. On error nothing changes: the chunk is refused whole.
    pub(crate) fn chunk(&mut self, env: &Env, value: Unknown<'_>) -> napi::Result<String> {
        expect_string(env, "chunk", &value)?;
        if self.high.is_none() {
            let utf8 = String::from_unknown(value)?;
            if !utf8.contains(REPLACEMENT) {
                self.units += utf16_len(utf8.as_bytes());
                return Ok(utf8);
            }
        }
        let units = Utf16String::from_unknown(value)?;
        let mut out = String::new();
        let mut rest: &[u16] = &units;
        if let Some(high) = self.high {
            match rest.first() {
                None => return Ok(out),
                Some(&low) if is_low(low) => {
                    let pair = [high, low];
                    out.extend(char::decode_utf16(pair).flatten());
                    rest = &rest[1..];
                }
                Some(_) => return Err(self.unpaired_high(env, high)),
            }
        }
        let (body, high) = match rest.split_last() {
            Some((&last, body)) if is_high(last) => (body, Some(last)),
            _ => (rest, None),
        };
        let skipped = units.len() - rest.len();
        match decode(body) {
            Ok(text) => out.push_str(&text),
            Err(lone) => {
                let message = lone.message("chunk", self.units + skipped);
                return Err(errors::build(env, ErrorKind::InvalidUtf8, &message, None));
            }
        }
        self.high = high;
        self.units += units.len();
        Ok(out)
    }

    /// `INVALID_UTF8` if the stream so far ends inside a surrogate pair.
    pub(crate) fn check_end(&self, env: &Env) -> napi::Result<()> {
        match self.high {
            Some(high) => Err(self.unpaired_high(env, high)),
            None => Ok(()),
        }
    }

    fn unpaired_high(&self, env: &Env, high: u16) -> napi::Error {
        errors::build(
            env,
            ErrorKind::InvalidUtf8,
            &format!(
                "chunk: the high surrogate U+{high:04X} at UTF-16 offset {} of the stream (the \
                 end of the previous chunk) is not followed by a low surrogate; push the rest of \
                 the pair",
                self.units - 1
            ),
            None,
        )
    }
}

/// The number of UTF-16 units the UTF-8 `bytes` encode (any byte range, see the module doc).
pub(crate) fn utf16_len(bytes: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let mut blocks = bytes.chunks_exact(BLOCK);
    let mut units = 0;
    for block in &mut blocks {
        units += if block.is_ascii() {
            BLOCK
        } else {
            count_units(block)
        };
    }
    units + count_units(blocks.remainder())
}

/// Non-continuation bytes (`0xxxxxxx`, `11xxxxxx`) plus 4-byte leads (`11110xxx`).
fn count_units(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .map(|&b| usize::from((b as i8) >= -0x40) + usize::from(b >= 0xF0))
        .sum()
}

/// Walks forward through a text's bytes, turning increasing byte offsets into UTF-16 offsets
/// in time linear in the text.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Utf16Cursor {
    byte: usize,
    unit: usize,
}

impl Utf16Cursor {
    /// The UTF-16 offset of byte offset `to` of `bytes`; `None` if `to` is behind the cursor or
    /// past the end (offsets must come in increasing order).
    pub(crate) fn advance(&mut self, bytes: &[u8], to: usize) -> Option<usize> {
        self.unit += utf16_len(bytes.get(self.byte..to)?);
        self.byte = to;
        Some(self.unit)
    }
}

/// A [`Utf16Cursor`] over a stream, keeping only the bytes from the cursor on.
#[derive(Default)]
pub(crate) struct StreamCursor {
    /// The stream's bytes from `base` on.
    window: Vec<u8>,
    /// The stream offset of `window[0]`.
    base: usize,
    /// Offsets into the whole stream.
    cursor: Utf16Cursor,
}

impl StreamCursor {
    /// Appends the stream's next bytes.
    pub(crate) fn extend(&mut self, text: &str) {
        self.window.extend_from_slice(text.as_bytes());
    }

    /// The UTF-16 offset of stream byte offset `to`; `None` if `to` is behind the cursor or
    /// past the stream's end.
    pub(crate) fn advance(&mut self, to: usize) -> Option<usize> {
        let mut local = Utf16Cursor {
            byte: self.cursor.byte.checked_sub(self.base)?,
            unit: self.cursor.unit,
        };
        let unit = local.advance(&self.window, to.checked_sub(self.base)?)?;
        self.cursor = Utf16Cursor { byte: to, unit };
        Some(unit)
    }

    /// Forgets the bytes before stream offset `to` (no offset before it will be asked again),
    /// moving the cursor there if it is behind.
    pub(crate) fn forget_before(&mut self, to: usize) {
        let to = to.min(self.base + self.window.len());
        if to > self.cursor.byte && self.advance(to).is_none() {
            return;
        }
        let dead = self.cursor.byte - self.base;
        // Compact only once the dead prefix is most of the buffer: amortised O(1) per byte.
        if dead > 4096 && dead * 2 > self.window.len() {
            self.window.drain(..dead);
            self.base += dead;
        }
    }

    /// Bytes held (for tests of the bound).
    #[cfg(test)]
    fn held(&self) -> usize {
        self.window.len() - (self.cursor.byte - self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn utf16_lengths_match_std() {
        let samples = [
            "",
            "plain ascii",
            "café déjà vu",
            "東京都千代田区",
            "שלום עולם مرحبا",
            "👩‍💻👨‍👩‍👧 🏳️‍🌈 👍🏽",
            &"mixed é 東 👍 ".repeat(40),
            &"a".repeat(200),
        ];
        for s in samples {
            assert_eq!(utf16_len(s.as_bytes()), s.encode_utf16().count(), "{s:?}");
            // Additive over any byte split, even inside a character.
            for k in 0..=s.len() {
                let (a, b) = s.as_bytes().split_at(k);
                assert_eq!(utf16_len(a) + utf16_len(b), s.encode_utf16().count());
            }
        }
    }

    #[test]
    fn the_cursor_walks_forward_only() {
        let s = "é👍x";
        let mut c = Utf16Cursor::default();
        assert_eq!(c.advance(s.as_bytes(), 2), Some(1));
        assert_eq!(c.advance(s.as_bytes(), 6), Some(3));
        assert_eq!(c.advance(s.as_bytes(), 7), Some(4));
        assert_eq!(c.advance(s.as_bytes(), 6), None);
        assert_eq!(c.advance(s.as_bytes(), 8), None);
    }

    #[test]
    fn the_stream_cursor_forgets_and_stays_exact() {
        let mut c = StreamCursor::default();
        let piece = "ab東👍 ";
        let mut bytes = 0;
        let mut units = 0;
        for _ in 0..2000 {
            c.extend(piece);
            bytes += piece.len();
            units += piece.encode_utf16().count();
            c.forget_before(bytes - piece.len());
            assert!(c.held() <= 2 * piece.len());
        }
        assert_eq!(c.advance(bytes), Some(units));
        assert_eq!(c.advance(bytes - 1), None);
        assert!(c.window.len() < 10_000, "compacted");
    }

    #[test]
    fn decode_finds_lone_surrogates() {
        let at = |units: &[u16]| decode(units).err().map(|e| (e.at, e.unit));
        assert_eq!(decode(&[0x61, 0xD83D, 0xDC4D]).ok().as_deref(), Some("a👍"));
        assert_eq!(at(&[0x61, 0xD83D, 0x62]), Some((1, 0xD83D)));
        assert_eq!(at(&[0xDC4D]), Some((0, 0xDC4D)));
        assert_eq!(at(&[0xD83D, 0xDC4D, 0xD83D]), Some((2, 0xD83D)));
    }

    proptest! {
        #[test]
        fn the_stream_cursor_counts_utf16_units(
            chunks in prop::collection::vec("(.|é|東|👍){0,8}|[a-z ]{0,600}", 0..24),
            picks in prop::collection::vec(any::<u16>(), 0..32),
        ) {
            let whole: String = chunks.concat();
            let mut offsets: Vec<usize> = picks
                .iter()
                .map(|&p| usize::from(p) * whole.len() / usize::from(u16::MAX))
                .filter(|&b| whole.is_char_boundary(b))
                .collect();
            offsets.sort_unstable();
            let units = |b: usize| whole[..b].encode_utf16().count();
            // Each offset is asked once its chunk has arrived, and the bytes before the previous
            // one are forgotten, as the stream redactor does.
            let mut c = StreamCursor::default();
            let (mut pushed, mut next) = (0, 0);
            for chunk in &chunks {
                c.extend(chunk);
                pushed += chunk.len();
                while next < offsets.len() && offsets[next] <= pushed {
                    prop_assert_eq!(c.advance(offsets[next]), Some(units(offsets[next])));
                    c.forget_before(offsets[next]);
                    next += 1;
                }
            }
            prop_assert_eq!(c.advance(pushed + 1), None);
        }

        #[test]
        fn decode_matches_std(units in prop::collection::vec(
            prop_oneof![0x20u16..0x80, 0xD800u16..0xE000, any::<u16>()], 0..32,
        )) {
            match decode(&units) {
                Ok(s) => prop_assert_eq!(Ok(s), String::from_utf16(&units).map_err(|_| ())),
                Err(e) => {
                    prop_assert!(String::from_utf16(&units).is_err());
                    // Everything before the lone surrogate decodes; it is one at `at`.
                    prop_assert!(String::from_utf16(&units[..e.at]).is_ok());
                    prop_assert_eq!(units[e.at], e.unit);
                    prop_assert!(is_high(e.unit) || is_low(e.unit));
                }
            }
        }
    }
}
