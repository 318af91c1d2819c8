//! A strict JSON reader that walks one provider payload, picking a few fields and validating
//! the rest, without allocating.
//!
//! Why not serde_json: the Python target is `StreamDecoder.feed` ≥ 10× httpx-sse +
//! `json.loads`, and per OpenAI event (~300 bytes) JSON was 5.2k of ~9.1k instructions
//! (callgrind). serde_json with derived borrowed structs costs ~5.0k on the typical chunk, and
//! merely skipping it as `IgnoredAny` 3.4k (~13 instructions/byte); jiter measures ~4.7k and
//! sonic-rs without `target-cpu=native` ~5.4k. Nothing off the shelf gets near the ~1.2k the
//! target asks for, so the decoders walk payloads with this reader, which does only what they
//! need: keys are matched as borrowed `&str`, only the picked strings are materialised (borrowed
//! unless they hold escapes), string bodies are scanned sixteen bytes at a time, and the hot
//! paths inline into each decoder with a one-byte error type (the details wait in the reader).
//! On the typical chunk that is ~1.7k instructions (`benches/provider_json.rs` measures it).
//!
//! It is strict, because a payload that is not JSON must become `StreamEvent::Malformed` as
//! before: only `{` `}` `[` `]` `:` `,`, strings without raw control characters and with valid
//! escapes (a `\u` escape of an unpaired UTF-16 surrogate is an error, as in serde_json),
//! numbers exactly per the JSON grammar, `true` `false` `null`, and JSON whitespace; the whole
//! input must be one value. Like serde_json, containers may nest at most 127 deep, so a hostile
//! payload cannot exhaust the stack. Unlike serde_json's `Value`, numbers are checked against
//! the grammar only, never converted, so `1e999` is accepted (as serde_json itself accepts it in
//! the fields the decoders ignore). Duplicate keys are not an error: each read overwrites, so
//! the last occurrence wins, as in `serde_json::Value`.
//!
//! The client reads non-streaming answers with it too, through lenient field readers
//! (`client/encode/lenient.rs`). This module depends on nothing else in the crate:
//! `tests/provider_json_diff.rs` includes it to compare it with serde_json directly. `error`
//! holds the messages, `scan` the string scan.

mod error;
mod scan;

use std::borrow::Cow;

pub(crate) use error::Error;
use error::{Found, Problem};
use scan::find_special;

/// Entering a container at this depth is an error: 127 levels are accepted, as in serde_json.
const MAX_DEPTH: u32 = 128;

/// The document is not what it was read as; [`read`] turns this into the [`Error`] the reader
/// recorded. One byte, so results stay in registers on the hot paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Failed;

/// What [`Reader`] methods return.
pub(crate) type Result<T> = std::result::Result<T, Failed>;

/// Reads `text` as one JSON document with `body`, then checks that only whitespace is left.
pub(crate) fn read<'a, T, F>(text: &'a str, body: F) -> std::result::Result<T, Error>
where
    F: FnOnce(&mut Reader<'a>) -> Result<T>,
{
    let mut r = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        failure: (0, Problem::Expected("a value")),
    };
    let value = body(&mut r).and_then(|value| match r.peek() {
        None => Ok(value),
        Some(_) => Err(r.expected("the end of the payload")),
    });
    value.map_err(|Failed| r.error())
}

/// A cursor over one JSON document, made by [`read`].
///
/// Value readers skip the whitespace before their value; [`Reader::object`] and
/// [`Reader::array`] hand each member or element to a closure that must read or [`skip`] it.
/// After a failure the position is unspecified: return [`Failed`] up to [`read`].
///
/// [`skip`]: Reader::skip
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: u32,
    failure: (usize, Problem),
}

impl<'a> Reader<'a> {
    /// Skips whitespace and returns the next byte without consuming it.
    #[inline(always)]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes.get(self.pos).copied()
    }

    /// Reads an object, calling `member` with each key (unescaped); `member` must consume the
    /// value. Keys are passed in document order, duplicates included.
    #[inline(always)]
    pub(crate) fn object<F>(&mut self, mut member: F) -> Result<()>
    where
        F: FnMut(&mut Self, Cow<'a, str>) -> Result<()>,
    {
        if self.peek() != Some(b'{') {
            return Err(self.expected("an object"));
        }
        self.enter()?;
        if self.peek() == Some(b'}') {
            self.leave();
            return Ok(());
        }
        loop {
            let key = self.key()?;
            member(self, key)?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.leave();
                    return Ok(());
                }
                _ => return Err(self.expected("`,` or `}` after an object member")),
            }
            self.skip_ws();
        }
    }

    /// Reads an array, calling `element` once per element; `element` must consume it.
    #[inline(always)]
    pub(crate) fn array<F>(&mut self, mut element: F) -> Result<()>
    where
        F: FnMut(&mut Self) -> Result<()>,
    {
        if self.peek() != Some(b'[') {
            return Err(self.expected("an array"));
        }
        self.enter()?;
        if self.peek() == Some(b']') {
            self.leave();
            return Ok(());
        }
        loop {
            element(self)?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.leave();
                    return Ok(());
                }
                _ => return Err(self.expected("`,` or `]` after an array element")),
            }
        }
    }

    /// Reads a nullable array of `element`s and keeps the first whose `index` is 0 or absent:
    /// OpenAI's `choices` and Gemini's `candidates` hold one entry per requested alternative,
    /// and genie follows the first one.
    pub(crate) fn first_at_index_zero<T>(
        &mut self,
        mut element: impl FnMut(&mut Self) -> Result<T>,
        index: impl Fn(&T) -> Option<u32>,
    ) -> Result<Option<T>> {
        let mut first = None;
        if self.null()? {
            return Ok(first);
        }
        self.array(|r| {
            let item = element(r)?;
            if first.is_none() && index(&item).unwrap_or(0) == 0 {
                first = Some(item);
            }
            Ok(())
        })?;
        Ok(first)
    }

    /// Consumes a `null` if one comes next: `true` if it did.
    #[inline(always)]
    pub(crate) fn null(&mut self) -> Result<bool> {
        if self.peek() != Some(b'n') {
            return Ok(false);
        }
        self.literal(b"null", "`null`").map(|()| true)
    }

    /// Reads a string.
    #[inline(always)]
    pub(crate) fn str(&mut self) -> Result<Cow<'a, str>> {
        match self.peek() {
            Some(b'"') => self.string(),
            _ => Err(self.expected("a string")),
        }
    }

    /// Reads a string or `null`.
    #[inline(always)]
    pub(crate) fn opt_str(&mut self) -> Result<Option<Cow<'a, str>>> {
        match self.peek() {
            Some(b'"') => self.string().map(Some),
            Some(b'n') => self.literal(b"null", "`null`").map(|()| None),
            _ => Err(self.expected("a string or null")),
        }
    }

    /// Reads a non-negative integer (no fraction, no exponent) that fits in a `u64`, or `null`.
    #[inline(always)]
    pub(crate) fn opt_u64(&mut self) -> Result<Option<u64>> {
        match self.peek() {
            Some(b'0'..=b'9') => self.integer().map(Some),
            Some(b'n') => self.literal(b"null", "`null`").map(|()| None),
            _ => Err(self.expected("a non-negative integer or null")),
        }
    }

    /// [`Reader::opt_u64`] for a value that must fit in a `u32`.
    #[inline(always)]
    pub(crate) fn opt_u32(&mut self) -> Result<Option<u32>> {
        self.skip_ws();
        let start = self.pos;
        match self.opt_u64()?.map(u32::try_from) {
            Some(Ok(n)) => Ok(Some(n)),
            Some(Err(_)) => Err(self.fail(start, Problem::TooLarge("a 32-bit index"))),
            None => Ok(None),
        }
    }

    /// Reads `true`, `false` or `null`.
    #[inline]
    pub(crate) fn opt_bool(&mut self) -> Result<Option<bool>> {
        match self.peek() {
            Some(b't') => self.literal(b"true", "`true`").map(|()| Some(true)),
            Some(b'f') => self.literal(b"false", "`false`").map(|()| Some(false)),
            Some(b'n') => self.literal(b"null", "`null`").map(|()| None),
            _ => Err(self.expected("true, false or null")),
        }
    }

    /// Skips one value of any type, validating all of it.
    #[inline(always)]
    pub(crate) fn skip(&mut self) -> Result<()> {
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'n') => self.literal(b"null", "`null`"),
            Some(b'0'..=b'9') => self.skip_number(),
            _ => self.skip_other(),
        }
    }

    /// Skips one value and returns its text.
    pub(crate) fn raw(&mut self) -> Result<&'a str> {
        self.skip_ws();
        let start = self.pos;
        self.skip()?;
        Ok(&self.text[start..self.pos])
    }

    /// Fails for an object that lacks a required `field`, at the current position.
    #[cold]
    pub(crate) fn missing(&mut self, field: &'static str) -> Failed {
        self.fail(self.pos, Problem::Missing(field))
    }

    #[inline(always)]
    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if b > b' ' || !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            self.pos += 1;
        }
    }

    /// Steps into the container whose opening bracket is at the current position.
    #[inline(always)]
    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err(self.fail(self.pos, Problem::TooDeep));
        }
        self.pos += 1;
        Ok(())
    }

    /// Steps past the closing bracket at the current position.
    #[inline(always)]
    fn leave(&mut self) {
        self.depth -= 1;
        self.pos += 1;
    }

    /// Reads an object key and the colon after it.
    #[inline(always)]
    fn key(&mut self) -> Result<Cow<'a, str>> {
        if self.bytes.get(self.pos) != Some(&b'"') {
            return Err(self.expected("a string key"));
        }
        let key = self.string()?;
        if self.bytes.get(self.pos) == Some(&b':') {
            self.pos += 1;
            return Ok(key);
        }
        if self.peek() != Some(b':') {
            return Err(self.expected("`:` after an object key"));
        }
        self.pos += 1;
        Ok(key)
    }

    #[inline(always)]
    fn literal(&mut self, word: &'static [u8], name: &'static str) -> Result<()> {
        match self.bytes.get(self.pos..self.pos + word.len()) {
            Some(found) if found == word => {
                self.pos += word.len();
                Ok(())
            }
            _ => Err(self.expected(name)),
        }
    }

    /// The string whose opening quote is at the current position.
    #[inline(always)]
    fn string(&mut self) -> Result<Cow<'a, str>> {
        let start = self.pos + 1;
        let end = find_special(self.bytes, start);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            return Ok(Cow::Borrowed(self.slice(start, end)));
        }
        self.unescape(start, end).map(Cow::Owned)
    }

    /// `text[start..end]` where both ends are next to an ASCII byte of the text.
    #[inline(always)]
    fn slice(&self, start: usize, end: usize) -> &'a str {
        debug_assert!(start <= end && end <= self.text.len());
        debug_assert!(self.text.is_char_boundary(start) && self.text.is_char_boundary(end));
        // SAFETY: `start <= end <= len`: `start` follows an opening quote or an escape, both
        // inside the text, and `end` is where a scan from `start` stopped, at most the length.
        // Both are char boundaries: `start` follows an ASCII quote or escape, `end` is at an
        // ASCII quote or backslash (or the end), and UTF-8 never has an ASCII byte inside a
        // multi-byte character.
        unsafe { self.text.get_unchecked(start..end) }
    }

    /// Decodes a string with escapes (or fails on a control character or the end); `at` is
    /// where the scan for its closing quote stopped.
    #[inline(never)]
    fn unescape(&mut self, start: usize, mut at: usize) -> Result<String> {
        let mut out = String::with_capacity(at - start + 16);
        let mut plain = start;
        loop {
            out.push_str(self.slice(plain, at));
            match self.bytes.get(at) {
                Some(b'"') => {
                    self.pos = at + 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let (c, next) = self.escape(at)?;
                    out.push(c);
                    plain = next;
                    at = find_special(self.bytes, next);
                }
                _ => return Err(self.string_error(at)),
            }
        }
    }

    #[inline(always)]
    fn skip_string(&mut self) -> Result<()> {
        let end = find_special(self.bytes, self.pos + 1);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            return Ok(());
        }
        self.skip_escaped_string(end)
    }

    #[inline(never)]
    fn skip_escaped_string(&mut self, mut at: usize) -> Result<()> {
        loop {
            match self.bytes.get(at) {
                Some(b'"') => {
                    self.pos = at + 1;
                    return Ok(());
                }
                Some(b'\\') => at = find_special(self.bytes, self.escape(at)?.1),
                _ => return Err(self.string_error(at)),
            }
        }
    }

    /// A string scan stopped at `at` on neither a quote nor a backslash.
    #[cold]
    fn string_error(&mut self, at: usize) -> Failed {
        if at < self.bytes.len() {
            self.fail(at, Problem::ControlInString)
        } else {
            self.fail(at, Problem::Expected("`\"` to close the string"))
        }
    }

    /// The escape whose backslash is at `at`: the character and the offset after it.
    fn escape(&mut self, at: usize) -> Result<(char, usize)> {
        let c = match self.bytes.get(at + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(at),
            Some(_) => return Err(self.fail(at + 1, Problem::InvalidEscape)),
            None => return Err(self.fail(at + 1, Problem::Expected("an escape"))),
        };
        Ok((c, at + 2))
    }

    /// A `\u` escape at `at`, with the low half that must follow a high surrogate.
    fn unicode_escape(&mut self, at: usize) -> Result<(char, usize)> {
        let unit = self.hex4(at + 2)?;
        let (code, next) = match unit {
            0xD800..=0xDBFF => {
                if self.bytes.get(at + 6..at + 8) != Some(b"\\u") {
                    return Err(self.fail(at, Problem::LoneSurrogate));
                }
                let low = self.hex4(at + 8)?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.fail(at, Problem::LoneSurrogate));
                }
                (0x1_0000 + ((unit - 0xD800) << 10) + (low - 0xDC00), at + 12)
            }
            _ => (unit, at + 6),
        };
        // Only a lone low surrogate is left that is not a scalar value.
        match char::from_u32(code) {
            Some(c) => Ok((c, next)),
            None => Err(self.fail(at, Problem::LoneSurrogate)),
        }
    }

    fn hex4(&mut self, at: usize) -> Result<u32> {
        let mut unit = 0;
        for i in at..at + 4 {
            let digit = match self.bytes.get(i) {
                Some(&b) => char::from(b).to_digit(16),
                None => None,
            };
            match digit {
                Some(d) => unit = (unit << 4) | d,
                None => return Err(self.fail(i, Problem::Expected("four hex digits after `\\u`"))),
            }
        }
        Ok(unit)
    }

    /// A non-negative integer starting at the current position (a digit).
    #[inline(always)]
    fn integer(&mut self) -> Result<u64> {
        let start = self.pos;
        let mut n: u64 = 0;
        let mut at = start;
        if self.bytes.get(at) == Some(&b'0') {
            at += 1;
        } else {
            while let Some(&b) = self.bytes.get(at) {
                let d = b.wrapping_sub(b'0');
                if d > 9 {
                    break;
                }
                n = match n.checked_mul(10).and_then(|n| n.checked_add(u64::from(d))) {
                    Some(n) => n,
                    None => return Err(self.fail(start, Problem::TooLarge("a 64-bit count"))),
                };
                at += 1;
            }
        }
        if let Some(b'.' | b'e' | b'E') = self.bytes.get(at) {
            return Err(self.fail(
                at,
                Problem::Expected("an integer without fraction or exponent"),
            ));
        }
        self.pos = at;
        Ok(n)
    }

    /// Skips a number starting at the current position (a digit or `-`).
    #[inline]
    fn skip_number(&mut self) -> Result<()> {
        let mut at = self.pos;
        if self.bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        match self.bytes.get(at) {
            Some(b'0') => at += 1,
            Some(b'1'..=b'9') => at = self.digits(at + 1),
            _ => return Err(self.fail(at, Problem::Expected("a digit"))),
        }
        if let Some(b'.' | b'e' | b'E') = self.bytes.get(at) {
            at = self.number_tail(at)?;
        }
        self.pos = at;
        Ok(())
    }

    /// The fraction and exponent of a number, from `at` (a `.`, `e` or `E`).
    #[inline(never)]
    fn number_tail(&mut self, mut at: usize) -> Result<usize> {
        if self.bytes.get(at) == Some(&b'.') {
            at = self.some_digits(at + 1)?;
        }
        if let Some(b'e' | b'E') = self.bytes.get(at) {
            at += 1;
            if let Some(b'+' | b'-') = self.bytes.get(at) {
                at += 1;
            }
            at = self.some_digits(at)?;
        }
        Ok(at)
    }

    /// The offset after the digits starting at `at`.
    #[inline(always)]
    fn digits(&self, mut at: usize) -> usize {
        while let Some(b'0'..=b'9') = self.bytes.get(at) {
            at += 1;
        }
        at
    }

    /// [`Reader::digits`], requiring at least one.
    fn some_digits(&mut self, at: usize) -> Result<usize> {
        match self.bytes.get(at) {
            Some(b'0'..=b'9') => Ok(self.digits(at + 1)),
            _ => Err(self.fail(at, Problem::Expected("a digit"))),
        }
    }

    /// [`Reader::skip`] for everything but strings, `null` and non-negative numbers.
    #[inline(never)]
    fn skip_other(&mut self) -> Result<()> {
        match self.peek() {
            Some(b'{') => self.skip_object(),
            Some(b'[') => self.skip_array(),
            Some(b'-') => self.skip_number(),
            Some(b't') => self.literal(b"true", "`true`"),
            Some(b'f') => self.literal(b"false", "`false`"),
            _ => Err(self.expected("a value")),
        }
    }

    fn skip_object(&mut self) -> Result<()> {
        self.enter()?;
        if self.peek() == Some(b'}') {
            self.leave();
            return Ok(());
        }
        loop {
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.expected("a string key"));
            }
            self.skip_string()?;
            if self.peek() != Some(b':') {
                return Err(self.expected("`:` after an object key"));
            }
            self.pos += 1;
            self.skip()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.leave();
                    return Ok(());
                }
                _ => return Err(self.expected("`,` or `}` after an object member")),
            }
            self.skip_ws();
        }
    }

    fn skip_array(&mut self) -> Result<()> {
        self.enter()?;
        if self.peek() == Some(b']') {
            self.leave();
            return Ok(());
        }
        loop {
            self.skip()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.leave();
                    return Ok(());
                }
                _ => return Err(self.expected("`,` or `]` after an array element")),
            }
        }
    }

    #[cold]
    fn expected(&mut self, what: &'static str) -> Failed {
        self.fail(self.pos, Problem::Expected(what))
    }

    #[cold]
    fn fail(&mut self, at: usize, problem: Problem) -> Failed {
        self.failure = (at, problem);
        Failed
    }

    /// The recorded failure, with what was found where it happened.
    #[cold]
    fn error(&self) -> Error {
        let (at, problem) = self.failure;
        let found = match self.text.get(at..).and_then(|rest| rest.chars().next()) {
            Some(c) => Found::Char(c),
            None => match self.bytes.get(at) {
                // Not a character boundary (cannot happen at a token start); name the byte.
                Some(&b) => Found::Char(char::from(b)),
                None => Found::End,
            },
        };
        Error { at, problem, found }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_what_was_expected_and_where() {
        let error = read(r#"{"a" 1}"#, |r| r.object(|r, _| r.skip())).unwrap_err();
        assert_eq!(
            error.to_string(),
            "expected `:` after an object key, found `1` at byte 5"
        );
        let error = read("\"ab\ncd\"", Reader::skip).unwrap_err();
        assert_eq!(
            error.to_string(),
            "a raw control character U+000A in a string (it must be escaped) at byte 3"
        );
        let error = read(r#"["\ud83d"]"#, Reader::skip).unwrap_err();
        assert!(error
            .to_string()
            .contains("unpaired UTF-16 surrogate at byte 2"));
        let error = read("[1] x", Reader::skip).unwrap_err();
        assert_eq!(
            error.to_string(),
            "expected the end of the payload, found `x` at byte 4"
        );
    }
}
