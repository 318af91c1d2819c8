//! Byte-level helpers shared by the detectors: character classes, word boundaries, and
//! whole-word, case-insensitive context windows.
//!
//! Every helper looks at a bounded neighbourhood of a position (never the whole text), which is
//! what keeps the scan linear and lets the stream redactor restart anywhere with a fixed amount
//! of context (see [`super::stream`]).

/// How far back (bytes) any detector may look for context before a candidate. The stream
/// redactor keeps at least this much already-emitted text as context.
pub(crate) const MAX_LOOKBACK: usize = 1024;

pub(crate) fn is_digit(b: u8) -> bool {
    b.is_ascii_digit()
}

pub(crate) fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// How many ASCII digits `b` has from `i` on, counting at most `max`.
///
/// Eight bytes at a time: a byte loop ends with a branch whose outcome is the run's length,
/// which the CPU mispredicts on most runs of ordinary text (1 to 4 digits).
#[inline]
pub(crate) fn digit_run(b: &[u8], i: usize, max: usize) -> usize {
    let mut n = 0;
    while n < max {
        let Some(chunk) = b.get(i + n..).and_then(<[u8]>::first_chunk::<8>) else {
            // The last few bytes of the text.
            return n + b[(i + n).min(b.len())..]
                .iter()
                .take(max - n)
                .take_while(|c| c.is_ascii_digit())
                .count();
        };
        let k = leading_digits(u64::from_le_bytes(*chunk));
        n += k;
        if k < 8 {
            break;
        }
    }
    n.min(max)
}

/// The number of ASCII digits at the start of the eight bytes `x` (first byte lowest).
#[inline]
fn leading_digits(x: u64) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Per byte, the high bit is set when the byte is above `9` (adding 0x46 reaches 0x80) or
    // below `0` (subtracting 0x30 borrows). Carries and borrows only cross from a byte that is
    // no digit into the bytes after it, which are past the first non-digit anyway.
    let not_digit = (x.wrapping_add(0x46 * ONES) | x.wrapping_sub(0x30 * ONES)) & (0x80 * ONES);
    (not_digit.trailing_zeros() / 8) as usize
}

/// True when the character ending just before `pos` is a letter or digit (any script except
/// those written without spaces, whose neighbours are not "the same word").
#[inline]
pub(crate) fn word_char_before(b: &[u8], pos: usize) -> bool {
    if pos == 0 {
        return false;
    }
    let last = b[pos - 1];
    if last < 0x80 {
        return last.is_ascii_alphanumeric() || last == b'_';
    }
    char_before(b, pos).is_some_and(is_spaced_word_char)
}

/// True when the character starting at `pos` is a letter or digit (see [`word_char_before`]).
#[inline]
pub(crate) fn word_char_at(b: &[u8], pos: usize) -> bool {
    if pos >= b.len() {
        return false;
    }
    let first = b[pos];
    if first < 0x80 {
        return first.is_ascii_alphanumeric() || first == b'_';
    }
    char_at(b, pos).is_some_and(is_spaced_word_char)
}

/// Letters and digits of scripts that separate words with spaces. CJK, kana, Hangul and Thai
/// run words together, so a number written right after them is still a separate token.
fn is_spaced_word_char(c: char) -> bool {
    c.is_alphanumeric()
        && !matches!(c as u32,
            0x0E00..=0x0EFF | 0x1100..=0x11FF | 0x2E80..=0x9FFF | 0xAC00..=0xD7AF
            | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// The character that ends just before `pos` (which must be a char boundary).
pub(crate) fn char_before(b: &[u8], pos: usize) -> Option<char> {
    let start = pos.saturating_sub(4);
    let mut s = pos;
    while s > start {
        s -= 1;
        if b[s] & 0xC0 != 0x80 {
            return std::str::from_utf8(&b[s..pos]).ok()?.chars().next();
        }
    }
    None
}

/// The character that starts at `pos` (which must be a char boundary).
pub(crate) fn char_at(b: &[u8], pos: usize) -> Option<char> {
    if pos >= b.len() {
        return None;
    }
    let end = (pos + 4).min(b.len());
    let mut e = pos + 1;
    while e < end && b[e] & 0xC0 == 0x80 {
        e += 1;
    }
    std::str::from_utf8(&b[pos..e]).ok()?.chars().next()
}

/// The line holding `i`, and the nearest non-blank lines before and after it, read within
/// [`MAX_LOOKBACK`] bytes back and `reach` bytes ahead (a line longer than that is read as
/// starting or ending there): how a detector sees the layout around a candidate, within the
/// bounds the stream redactor restarts with.
pub(crate) struct Lines<'a> {
    pub here: &'a [u8],
    pub before: Option<&'a [u8]>,
    pub after: Option<&'a [u8]>,
}

/// `line` without its indentation (leading spaces).
pub(crate) fn indented(line: &[u8]) -> &[u8] {
    &line[line.iter().take_while(|&&c| c == b' ').count()..]
}

pub(crate) fn lines_around(b: &[u8], i: usize, reach: usize) -> Lines<'_> {
    let (lo, hi) = (i.saturating_sub(MAX_LOOKBACK), (i + reach).min(b.len()));
    let start = memchr::memrchr(b'\n', &b[lo..i]).map_or(lo, |k| lo + k + 1);
    let end = memchr::memchr(b'\n', &b[i..hi]).map_or(hi, |k| i + k);
    let blank = |line: &&[u8]| line.iter().all(u8::is_ascii_whitespace);
    // The piece next to this line is empty (the `\n` that ends or starts it): skipped.
    let before = b[lo..start]
        .rsplit(|&c| c == b'\n')
        .skip(1)
        .find(|l| !blank(l));
    let after = b[end..hi]
        .split(|&c| c == b'\n')
        .skip(1)
        .find(|l| !blank(l));
    Lines {
        here: &b[start..end],
        before,
        after,
    }
}

/// Moves `pos` back to a char boundary (never past 0).
pub(crate) fn floor_boundary(b: &[u8], mut pos: usize) -> usize {
    while pos > 0 && pos < b.len() && b[pos] & 0xC0 == 0x80 {
        pos -= 1;
    }
    pos
}

/// The ASCII lowercase of `c` (other bytes unchanged), without a branch.
#[inline]
fn lower_byte(c: u8) -> u8 {
    c | (u8::from(c.wrapping_sub(b'A') < 26) << 5)
}

/// The ASCII lowercase of `w` as two words of eight bytes, or `None` when `w` is not ASCII.
///
/// Overlapping loads (the first and last bytes of each length class) cover every byte of a
/// word of up to 16 bytes, so with the length the key is the word itself: equal keys and
/// lengths mean equal words, with no loop over the bytes (a loop's exit branch depends on the
/// length, which varies from query to query). Longer words are keyed by their first and last
/// eight bytes and compared in full.
#[inline]
fn key(w: &[u8]) -> Option<(u64, u64)> {
    let n = w.len();
    let u32_at = |k: usize| u64::from(u32::from_le_bytes([w[k], w[k + 1], w[k + 2], w[k + 3]]));
    let u64_at = |k: usize| {
        u64::from_le_bytes([
            w[k],
            w[k + 1],
            w[k + 2],
            w[k + 3],
            w[k + 4],
            w[k + 5],
            w[k + 6],
            w[k + 7],
        ])
    };
    let (a, b) = match n {
        0 => (0, 0),
        1..=3 => (
            u64::from(w[0]) | u64::from(w[n / 2]) << 8 | u64::from(w[n - 1]) << 16,
            0,
        ),
        4..=8 => (u32_at(0) | u32_at(n - 4) << 32, 0),
        _ => (u64_at(0), u64_at(n - 8)),
    };
    const ONES: u64 = 0x0101_0101_0101_0101;
    if (a | b) & (0x80 * ONES) != 0 {
        return None;
    }
    // Per byte (all below 0x80, so no carry crosses bytes): bit 7 of `c + (0x80 - 'A')` is
    // set from `A` on, of `c + (0x80 - 'Z' - 1)` from past `Z` on; their difference is the
    // upper-case letters, whose bit 5 is then set.
    let lower = |x: u64| {
        let upper =
            (x + (0x80 - u64::from(b'A')) * ONES) & !(x + (0x80 - u64::from(b'Z') - 1) * ONES);
        x | ((upper & (0x80 * ONES)) >> 2)
    };
    Some((lower(a), lower(b)))
}

/// The slot hash of a word's [`key`] and length.
#[inline]
fn hash(n: usize, (a, b): (u64, u64)) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    ((a ^ (n as u64)).wrapping_mul(K).rotate_left(23) ^ b).wrapping_mul(K)
}

/// A fixed set of ASCII words with a value each, looked up case-insensitively: one hash of the
/// query (lowercased on the fly) and a probe or two of an open-addressing table, with no
/// allocation. Built once, on first use.
pub(crate) struct WordMap<V: 'static> {
    slots: Vec<Slot<V>>,
    mask: usize,
    longest: usize,
    /// Per length (up to 16) and last byte (folded to 5 bits), one bit per first byte (folded
    /// alike): most queries are rejected on their shape, without hashing.
    shapes: [[u32; 32]; 17],
}

#[derive(Clone, Copy)]
struct Slot<V> {
    hash: u64,
    key: (u64, u64),
    word: &'static [u8],
    value: V,
}

/// A byte folded to 5 bits, case-insensitively for letters.
#[inline]
fn fold(c: u8) -> usize {
    usize::from(lower_byte(c) & 31)
}

impl<V: Copy + Default> WordMap<V> {
    /// The map of `entries` (ASCII words; non-ASCII ones are skipped, the caller handles them).
    pub(crate) fn new(entries: impl IntoIterator<Item = (&'static [u8], V)>) -> WordMap<V> {
        let entries: Vec<(&'static [u8], V)> =
            entries.into_iter().filter(|(w, _)| w.is_ascii()).collect();
        let size = (entries.len() * 4).next_power_of_two().max(16);
        let empty = Slot {
            hash: 0,
            key: (0, 0),
            word: &b""[..],
            value: V::default(),
        };
        let mut m = WordMap {
            slots: vec![empty; size],
            mask: size - 1,
            longest: 0,
            shapes: [[0; 32]; 17],
        };
        for (w, value) in entries {
            let Some(key) = key(w) else { continue };
            m.longest = m.longest.max(w.len());
            if let (Some(&first), Some(&last)) = (w.first(), w.last()) {
                m.shapes[w.len().min(16)][fold(last)] |= 1 << fold(first);
            }
            let hash = hash(w.len(), key);
            let mut k = hash as usize & m.mask;
            while !m.slots[k].word.is_empty() && !m.slots[k].word.eq_ignore_ascii_case(w) {
                k = (k + 1) & m.mask;
            }
            m.slots[k] = Slot {
                hash,
                key,
                word: w,
                value,
            };
        }
        m
    }

    /// The value of `w` (any case), if `w` is one of the ASCII words.
    #[inline]
    pub(crate) fn get(&self, w: &[u8]) -> Option<V> {
        let (&first, &last) = (w.first()?, w.last()?);
        if w.len() > self.longest
            || self.shapes[w.len().min(16)][fold(last)] & (1 << fold(first)) == 0
        {
            return None;
        }
        let key = key(w)?;
        let h = hash(w.len(), key);
        let mut k = h as usize & self.mask;
        loop {
            let slot = &self.slots[k];
            if slot.word.is_empty() {
                return None;
            }
            if (slot.hash == h) & (slot.key == key) & (slot.word.len() == w.len())
                && (w.len() <= 16 || slot.word.eq_ignore_ascii_case(w))
            {
                return Some(slot.value);
            }
            k = (k + 1) & self.mask;
        }
    }
}

/// A static list of words with a case-insensitive membership test: ASCII words through a
/// [`WordMap`]; other words are lowercased with Unicode rules and compared with the list.
pub(crate) struct WordList {
    list: &'static [&'static str],
    map: std::sync::OnceLock<WordMap<()>>,
}

impl WordList {
    pub(crate) const fn new(list: &'static [&'static str]) -> WordList {
        WordList {
            list,
            map: std::sync::OnceLock::new(),
        }
    }

    /// The words, as written.
    pub(crate) fn words(&self) -> &'static [&'static str] {
        self.list
    }

    /// True when `w` (any case) is in the list; words over 16 bytes never are.
    pub(crate) fn contains(&self, w: &[u8]) -> bool {
        if w.len() > 16 {
            return false;
        }
        if w.is_ascii() {
            let map = self
                .map
                .get_or_init(|| WordMap::new(self.list.iter().map(|x| (x.as_bytes(), ()))));
            return map.get(w).is_some();
        }
        std::str::from_utf8(w).is_ok_and(|w| {
            let w = w.to_lowercase();
            self.list.iter().any(|x| *x == w)
        })
    }
}

/// A token of a context window: a run of ASCII letters/digits or non-ASCII bytes, or a `#`.
#[derive(Clone, Copy)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
}

/// The whole-word tokens that end at or before `pos` and start at or after `pos - window`,
/// nearest first, at most `max` of them. A word cut by the window's edge is not a token, so
/// matching is whole-word by construction.
pub(crate) fn tokens_before(b: &[u8], pos: usize, window: usize, out: &mut Vec<Tok>, max: usize) {
    out.clear();
    out.extend(TokensBack::new(b, pos, window).take(max));
}

/// [`tokens_before`] as an iterator, for readers that usually stop after a token or two.
pub(crate) struct TokensBack<'a> {
    b: &'a [u8],
    lo: usize,
    /// Bytes `lo..lo + i` are still to be read.
    i: usize,
}

impl<'a> TokensBack<'a> {
    pub(crate) fn new(b: &'a [u8], pos: usize, window: usize) -> TokensBack<'a> {
        let lo = pos.saturating_sub(window.min(MAX_LOOKBACK));
        TokensBack { b, lo, i: pos - lo }
    }
}

impl Iterator for TokensBack<'_> {
    type Item = Tok;

    fn next(&mut self) -> Option<Tok> {
        let (b, lo) = (self.b, self.lo);
        let hay = &b[lo..lo + self.i];
        let mut i = self.i;
        while i > 0 {
            let c = hay[i - 1];
            if c == b'#' {
                self.i = i - 1;
                return Some(Tok {
                    start: lo + i - 1,
                    end: lo + i,
                });
            }
            if is_token_byte(c) {
                let end = i;
                while i > 0 && is_token_byte(hay[i - 1]) {
                    i -= 1;
                }
                if i == 0 && lo > 0 && is_token_byte(b[lo - 1]) {
                    self.i = 0;
                    return None;
                }
                self.i = i;
                return Some(Tok {
                    start: lo + i,
                    end: lo + end,
                });
            }
            i -= 1;
        }
        self.i = 0;
        None
    }
}

/// A byte of a whole-word token ([`tokens_before`]): an ASCII letter or digit, or any byte of
/// a non-ASCII character.
#[inline]
pub(crate) fn is_token_byte(c: u8) -> bool {
    TOKEN_BYTE[usize::from(c)]
}

/// A class for every byte value, computed at compile time: `byte_table!(|b| class_of(b))`.
/// The detectors classify bytes with such tables where a chain of range tests would leave the
/// CPU a branch it mispredicts on mixed text.
macro_rules! byte_table {
    (|$byte:ident| $class:expr) => {{
        let mut table = [0u8; 256];
        let mut i = 0;
        while i < 256 {
            let $byte = i as u8;
            table[i] = $class;
            i += 1;
        }
        table
    }};
}
pub(crate) use byte_table;

/// Letters, digits and non-ASCII bytes: what context words are made of.
static TOKEN_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = (c as u8).is_ascii_alphanumeric() || c >= 0x80;
        c += 1;
    }
    t
};

/// Case-insensitive (ASCII) equality of a token with a lowercase word.
pub(crate) fn tok_is(b: &[u8], t: Tok, word: &str) -> bool {
    b[t.start..t.end].eq_ignore_ascii_case(word.as_bytes())
}

/// True when one of `phrases` (each a list of lowercase words, read left to right) occurs as
/// consecutive tokens among `toks` (nearest first, as [`tokens_before`] returns them).
pub(crate) fn has_phrase(b: &[u8], toks: &[Tok], phrases: &[&[&str]]) -> bool {
    phrases.iter().any(|p| phrase_at(b, toks, p).is_some())
}

/// The index (in `toks`, nearest first) of the nearest token of the first occurrence of `phrase`.
pub(crate) fn phrase_at(b: &[u8], toks: &[Tok], phrase: &[&str]) -> Option<usize> {
    let n = phrase.len();
    if n == 0 || toks.len() < n {
        return None;
    }
    (0..=toks.len() - n).find(|&k| {
        phrase
            .iter()
            .rev()
            .enumerate()
            .all(|(j, w)| tok_is(b, toks[k + j], w))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str, pos: usize, window: usize) -> Vec<String> {
        let mut v = Vec::new();
        tokens_before(s.as_bytes(), pos, window, &mut v, 16);
        v.iter().map(|t| s[t.start..t.end].to_string()).collect()
    }

    #[test]
    fn word_map_matches_whole_words_in_any_case() {
        static WORDS: [&str; 6] = [
            "a",
            "ab",
            "abc",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmnopqrst",
        ];
        let m = WordMap::new(WORDS.iter().enumerate().map(|(k, w)| (w.as_bytes(), k + 1)));
        for (k, w) in WORDS.iter().enumerate() {
            assert_eq!(m.get(w.as_bytes()), Some(k + 1), "{w}");
            assert_eq!(m.get(w.to_ascii_uppercase().as_bytes()), Some(k + 1), "{w}");
            // One byte changed, anywhere, is another word.
            for p in 0..w.len() {
                let mut v = w.as_bytes().to_vec();
                v[p] = b'z';
                assert_eq!(m.get(&v), None, "{w} {p}");
            }
        }
        for w in [
            &b"ab\0"[..],
            b"\0ab",
            b"abcdefg",
            b"abcdefghij",
            b"a\xc3",
            b"",
            b"[b",
            b"@",
        ] {
            assert_eq!(m.get(w), None, "{w:?}");
        }
    }

    #[test]
    fn digit_runs_agree_with_a_byte_loop() {
        let s = b"12345678901234567890123 7/x0 99\xff12:9\x2f0\x3a1 /000000009 \xb912345678 4";
        for i in 0..s.len() {
            for max in [0, 1, 3, 8, 9, 20, 100] {
                let naive = s[i..]
                    .iter()
                    .take(max)
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                assert_eq!(digit_run(s, i, max), naive, "{i} {max}");
            }
        }
    }

    #[test]
    fn context_is_whole_word() {
        let s = "the public license 123";
        assert_eq!(words(s, 19, 64), ["license", "public", "the"]);
        let toks = {
            let mut v = Vec::new();
            tokens_before(s.as_bytes(), 19, 64, &mut v, 16);
            v
        };
        assert!(!has_phrase(s.as_bytes(), &toks, &[&["lic"]]));
        assert!(has_phrase(s.as_bytes(), &toks, &[&["PUBLIC", "license"]]));
        assert!(!has_phrase(s.as_bytes(), &toks, &[&["license", "public"]]));
    }

    #[test]
    fn a_word_cut_by_the_window_is_not_a_token() {
        assert_eq!(words("republic 12", 9, 6), Vec::<String>::new());
        assert_eq!(words("a republic 12", 11, 9), ["republic"]);
    }

    #[test]
    fn boundaries_know_unicode_and_cjk() {
        let s = "é1 电2";
        assert!(word_char_before(s.as_bytes(), 2));
        assert!(!word_char_before(s.as_bytes(), "é1 电".len()));
        assert_eq!(char_before(s.as_bytes(), 2), Some('é'));
        assert_eq!(char_at(s.as_bytes(), 0), Some('é'));
    }
}
