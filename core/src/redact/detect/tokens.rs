//! The key-shaped tokens of a text (runs of ASCII letters, digits, `_` and `-`), found 64 bytes
//! at a time: the main pass's innermost loop.
//!
//! Most bytes of a prompt are inside tokens, so walking them one table lookup at a time costs
//! more than all the detectors that run at token starts. On x86_64 each 64-byte block becomes
//! three bit masks (token bytes, digits, `-`) with SSE2 (part of the x86_64 baseline, so no
//! runtime detection); token starts, ends, digit counts and dashes are then bit operations.
//! Other targets build the same masks with a byte table.

use crate::redact::text::byte_table;

/// A token: `b[start..end]`, how many ASCII digits it holds, and whether it holds a `-`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Token {
    pub start: usize,
    pub end: usize,
    pub digits: usize,
    pub dash: bool,
}

/// Which tokens the caller wants (every other token is skipped with a few bit operations):
/// those starting with a digit (`digit_first`) or an upper-case letter (`upper_first`), those
/// holding a `-` (always), holding at least `min_digits` digits (when not 0), or at least
/// `long` bytes long.
#[derive(Clone, Copy, Debug)]
pub(super) struct Want {
    pub digit_first: bool,
    pub upper_first: bool,
    pub min_digits: u32,
    pub long: usize,
}

/// The wanted tokens of `b` that start at or after `from`, in order. A token that `from` cuts
/// is reported from `from` on (a scan restarted inside a token sees the rest as one).
pub(super) struct Tokens<'a> {
    b: &'a [u8],
    want: Want,
    /// Start of the current block.
    base: usize,
    /// Token starts of the current block not yet returned, less those [`Tokens::load`] proved
    /// unwanted.
    starts: u64,
    masks: Masks,
    /// Bytes that make a token wanted when it starts with one (digits, upper-case letters),
    /// and digits when `min_digits` asks for them, as [`Want`] says.
    first: u64,
    digits: u64,
    /// Whether the byte before the current block is a token byte.
    carry: bool,
}

impl<'a> Tokens<'a> {
    pub(super) fn new(b: &'a [u8], from: usize, want: Want) -> Tokens<'a> {
        let mut t = Tokens {
            b,
            want,
            base: from,
            starts: 0,
            masks: Masks::default(),
            first: 0,
            digits: 0,
            carry: false,
        };
        t.load();
        t
    }

    fn load(&mut self) {
        self.masks = block_masks(&self.b[self.base.min(self.b.len())..]);
        let before = (self.masks.key << 1) | u64::from(self.carry);
        let starts = self.masks.key & !before;
        self.carry = self.masks.key >> 63 != 0;
        let m = &self.masks;
        let all = |on: bool| if on { u64::MAX } else { 0 };
        self.first =
            (m.digit & all(self.want.digit_first)) | (m.upper & all(self.want.upper_first));
        self.digits = m.digit & all(self.want.min_digits > 0);
        // Most tokens are unwanted lower-case words: drop their starts here, a block at a time,
        // rather than one by one in `token` (a branch per word that the CPU mispredicts). What
        // is kept is a superset of the wanted starts (a token with any digit when digits are
        // counted; every token that runs past the block); `token` decides exactly.
        // One `holding` for both markers: a run holds a dash or a digit iff it holds a bit of
        // their union.
        let mut keep =
            self.first | holding(m.key, starts, m.dash | self.digits) | last_start(m.key);
        if self.want.long <= 64 {
            keep |= at_least_long(m.key, self.want.long);
        }
        self.starts = starts & keep;
    }

    /// The token starting at bit `bit` of the current block, if wanted.
    #[inline]
    fn token(&self, bit: u32) -> Option<Token> {
        let m = &self.masks;
        let s = self.base + bit as usize;
        // Bits from the token's start on.
        let tail = |mask: u64| mask >> bit;
        let outside = tail(!m.key);
        if outside != 0 {
            let len = outside.trailing_zeros();
            let keep = (1u64 << len) - 1;
            if (tail(self.first) & 1) | (tail(m.dash) & keep) == 0
                && (len as usize) < self.want.long
                && !at_least(tail(self.digits) & keep, self.want.min_digits)
            {
                return None;
            }
            let digit = tail(m.digit) & keep;
            return Some(Token {
                start: s,
                end: s + len as usize,
                digits: digit.count_ones() as usize,
                dash: tail(m.dash) & keep != 0,
            });
        }
        // The token runs past the block: finish it a byte at a time.
        let mut t = Token {
            start: s,
            end: self.base + 64,
            digits: tail(m.digit).count_ones() as usize,
            dash: tail(m.dash) != 0,
        };
        while t.end < self.b.len() {
            let c = CLASS[usize::from(self.b[t.end])];
            if c & KEY == 0 {
                break;
            }
            t.digits += usize::from(c & DIGIT != 0);
            t.dash |= c & DASH != 0;
            t.end += 1;
        }
        let (w, first) = (&self.want, self.b[s]);
        let wanted = t.dash
            || (w.digit_first && first.is_ascii_digit())
            || (w.upper_first && first.is_ascii_uppercase())
            || (w.min_digits > 0 && t.digits >= w.min_digits as usize)
            || t.end - t.start >= w.long;
        wanted.then_some(t)
    }
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    #[inline]
    fn next(&mut self) -> Option<Token> {
        loop {
            if self.starts != 0 {
                let bit = self.starts.trailing_zeros();
                self.starts &= self.starts - 1;
                if let Some(t) = self.token(bit) {
                    return Some(t);
                }
                continue;
            }
            self.base += 64;
            if self.base >= self.b.len() {
                return None;
            }
            self.load();
        }
    }
}

/// The bits of `starts` (the first bits of the runs of set bits of `key`) whose run holds a
/// bit of `marker` (a subset of `key`). Valid for the runs that end inside the block.
#[inline]
fn holding(key: u64, starts: u64, marker: u64) -> u64 {
    // A carry added at each unmarked start ripples up through the run's unmarked bits and
    // lands on its first marked bit, or just past its end (a bit outside `key`) when it has
    // none. Runs do not share carries: each ends below a bit outside `key`.
    let unmarked = key & !marker;
    let mut landed = unmarked.wrapping_add(starts & unmarked) & marker;
    // A marked landing belongs to the nearest start at or below it. Few runs hold a marker,
    // so a loop over them costs less than reversing the masks to carry the other way.
    let mut out = starts & marker;
    while landed != 0 {
        let k = landed.trailing_zeros();
        let below = starts & (u64::MAX >> (63 - k));
        out |= 1 << (63 - below.leading_zeros());
        landed &= landed - 1;
    }
    out
}

/// The bits of `key` that start at least `n` (1 to 64) set bits inside the block.
#[inline]
fn at_least_long(key: u64, n: usize) -> u64 {
    // `x` has bit `s` when bits `s..s + have` of `key` are all set.
    let (mut x, mut have) = (key, 1);
    while have < n {
        let step = have.min(n - have);
        x &= x >> step;
        have += step;
    }
    x
}

/// The start of the run of `key` that reaches the block's last bit, if any (0 when the run
/// began in an earlier block: then bit 0 is no start and the caller's `starts` drops it).
#[inline]
fn last_start(key: u64) -> u64 {
    match key.leading_ones() {
        0 => 0,
        n => 1 << (64 - n),
    }
}

/// True when `mask` has at least `n` bits set (`n` > 0), clearing at most `n` of them.
#[inline]
fn at_least(mut mask: u64, n: u32) -> bool {
    for _ in 0..n {
        if mask == 0 {
            return false;
        }
        mask &= mask - 1;
    }
    n > 0
}

/// Byte classes: a token byte (ASCII letter, digit, `_`, `-`), a digit, a `-`.
const KEY: u8 = 1;
const DIGIT: u8 = 2;
const DASH: u8 = 4;

static CLASS: [u8; 256] = byte_table!(|b| {
    let key = b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    (key as u8 * KEY) | (b.is_ascii_digit() as u8 * DIGIT) | ((b == b'-') as u8 * DASH)
});

/// True for a token byte.
pub(super) fn is_key(c: u8) -> bool {
    CLASS[usize::from(c)] & KEY != 0
}

/// One bit per byte of a 64-byte block.
#[derive(Clone, Copy, Debug, Default)]
struct Masks {
    key: u64,
    digit: u64,
    upper: u64,
    dash: u64,
}

/// The masks of the first 64 bytes of `block` (zero-padded if shorter: padding is no token).
fn block_masks(block: &[u8]) -> Masks {
    match block.first_chunk::<64>() {
        Some(full) => masks64(full),
        None => {
            let mut padded = [0u8; 64];
            padded[..block.len()].copy_from_slice(block);
            masks64(&padded)
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn masks64(block: &[u8; 64]) -> Masks {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_sub_epi8,
    };
    let mut m = Masks::default();
    for k in 0..4 {
        // SAFETY: SSE2 is enabled on every x86_64 target, and the load reads bytes
        // 16k..16k+16 of `block`, which are in bounds for k < 4 (unaligned loads are fine).
        let (key, digit, upper, dash) = unsafe {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast::<__m128i>());
            // `lo <= c < lo + width` as an unsigned `c - lo <= width - 1`.
            let in_range = |v: __m128i, lo: u8, width: u8| {
                let t = _mm_sub_epi8(v, _mm_set1_epi8(lo as i8));
                _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8((width - 1) as i8)), t)
            };
            let digit = in_range(v, b'0', 10);
            // Setting bit 5 maps `A-Z` onto `a-z` and no other byte into that range.
            let alpha = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', 26);
            let upper = in_range(v, b'A', 26);
            let dash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'-' as i8));
            let under = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'_' as i8));
            let key = _mm_or_si128(_mm_or_si128(digit, alpha), _mm_or_si128(dash, under));
            (
                _mm_movemask_epi8(key),
                _mm_movemask_epi8(digit),
                _mm_movemask_epi8(upper),
                _mm_movemask_epi8(dash),
            )
        };
        let lane = |bits: i32| u64::from(bits as u16) << (16 * k);
        m.key |= lane(key);
        m.digit |= lane(digit);
        m.upper |= lane(upper);
        m.dash |= lane(dash);
    }
    m
}

#[cfg(not(target_arch = "x86_64"))]
fn masks64(block: &[u8; 64]) -> Masks {
    let mut m = Masks::default();
    for (k, &c) in block.iter().enumerate() {
        let class = u64::from(CLASS[usize::from(c)]);
        m.key |= (class & u64::from(KEY)) << k;
        m.digit |= ((class & u64::from(DIGIT)) >> 1) << k;
        m.upper |= u64::from(c.is_ascii_uppercase()) << k;
        m.dash |= ((class & u64::from(DASH)) >> 2) << k;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens, one table lookup per byte: what [`Tokens`] must equal.
    fn naive(b: &[u8], from: usize) -> Vec<Token> {
        let mut out = Vec::new();
        let mut i = from;
        while i < b.len() {
            if !is_key(b[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && is_key(b[i]) {
                i += 1;
            }
            let tok = &b[start..i];
            out.push(Token {
                start,
                end: i,
                digits: tok.iter().filter(|c| c.is_ascii_digit()).count(),
                dash: tok.contains(&b'-'),
            });
        }
        out
    }

    #[test]
    fn holding_agrees_with_a_run_by_run_loop() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let (key, carry) = (next() | next(), next() & 1);
            let marker = key & next() & next() & next();
            let starts = key & !((key << 1) | carry);
            let mut want = 0u64;
            for s in (0..64).filter(|&s| starts >> s & 1 == 1) {
                let run = (key >> s).trailing_ones();
                // Runs that reach the block's end are the caller's (`last_start`).
                if s + run < 64 && (marker >> s) & ((1u64 << run) - 1) != 0 {
                    want |= 1 << s;
                }
            }
            let last = last_start(key);
            assert_eq!(
                holding(key, starts, marker) & !last,
                want & !last,
                "{key:#x} {marker:#x}"
            );
        }
    }

    #[test]
    fn blocks_agree_with_a_byte_loop() {
        let mut text = String::new();
        for k in 0..300 {
            text.push_str(
                [
                    "ab",
                    "X-12",
                    " ",
                    "__",
                    "é",
                    "9",
                    "--",
                    ".",
                    "\n",
                    "A_b-C3",
                    "q12",
                    " x1",
                    "h0093847",
                    "k1-",
                    "abcdefghij",
                    " a5b6c7",
                ][k % 16],
            );
            if k % 7 == 0 {
                text.push_str(&"z".repeat(k % 90));
            }
        }
        let b = text.as_bytes();
        let all = Want {
            digit_first: true,
            upper_first: true,
            min_digits: 0,
            long: 0,
        };
        for from in [0, 1, 5, 63, 64, 65, 100, b.len() - 1, b.len()] {
            assert_eq!(
                Tokens::new(b, from, all).collect::<Vec<_>>(),
                naive(b, from),
                "{from}"
            );
            // Fewer tokens: those with an upper-case or digit start as asked, a `-`, enough
            // digits or enough bytes.
            for (digit_first, upper_first, min_digits, long) in [
                (false, true, 2, 6),
                (true, true, 5, 10),
                (false, false, 0, usize::MAX),
                (false, false, 1, 64),
                (true, false, 3, 65),
            ] {
                let some = Want {
                    digit_first,
                    upper_first,
                    min_digits,
                    long,
                };
                let wanted: Vec<Token> = naive(b, from)
                    .into_iter()
                    .filter(|t| {
                        t.dash
                            || (upper_first && b[t.start].is_ascii_uppercase())
                            || (digit_first && b[t.start].is_ascii_digit())
                            || t.end - t.start >= long
                            || (min_digits > 0 && t.digits >= min_digits as usize)
                    })
                    .collect();
                assert_eq!(
                    Tokens::new(b, from, some).collect::<Vec<_>>(),
                    wanted,
                    "{from} {some:?}"
                );
            }
        }
        assert_eq!(Tokens::new(b"", 0, all).count(), 0);
        let long = "k".repeat(1000);
        assert_eq!(
            Tokens::new(long.as_bytes(), 0, all).collect::<Vec<_>>(),
            naive(long.as_bytes(), 0)
        );
    }
}
