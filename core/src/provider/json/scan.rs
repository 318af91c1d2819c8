//! Finding the end of a string's plain run: the first `"`, `\` or control character.
//!
//! Strings are most of a payload's bytes, so this is the reader's inner loop: sixteen bytes at a
//! time with SSE2 on x86_64 (every x86_64 CPU has it, so no detection is needed), eight at a
//! time in portable code elsewhere and for the last bytes of a payload.

/// The offset of the first `"`, `\` or control character (< 0x20) at or after `at`, or the
/// input's length: sixteen bytes at a time with SSE2, which every x86_64 CPU has.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(super) fn find_special(bytes: &[u8], at: usize) -> usize {
    // Keys and most values end within sixteen bytes: that block is checked inline, the rest of
    // a longer string out of line.
    let at = match bytes.get(at..).and_then(<[u8]>::first_chunk::<16>) {
        Some(block) => {
            let hits = special_lanes(block);
            if hits != 0 {
                return at + hits.trailing_zeros() as usize;
            }
            at + 16
        }
        None => at,
    };
    find_special_rest(bytes, at)
}

#[cfg(target_arch = "x86_64")]
#[inline(never)]
fn find_special_rest(bytes: &[u8], mut at: usize) -> usize {
    while let Some(block) = bytes.get(at..).and_then(<[u8]>::first_chunk::<16>) {
        let hits = special_lanes(block);
        if hits != 0 {
            return at + hits.trailing_zeros() as usize;
        }
        at += 16;
    }
    find_special_swar(bytes, at)
}

/// A bit per byte of `block` that is `"`, `\` or below 0x20.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn special_lanes(block: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of the x86_64 baseline, so every CPU this code runs on has these
    // instructions, and the unaligned load reads exactly the sixteen bytes `block` refers to.
    let lanes = unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast());
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        // Unsigned `v < 0x20` is `min(v, 0x1F) == v`.
        let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control))
    };
    lanes as u32
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub(super) fn find_special(bytes: &[u8], at: usize) -> usize {
    find_special_swar(bytes, at)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// [`find_special`] in portable code, eight bytes at a time. Per byte lane, `x - 1` borrows
/// into the high bit only where `x` was zero (after XOR with the byte sought) and `x - 0x20`
/// only where `x < 0x20`; `& !x` drops lanes whose high bit was set already. A borrow can also
/// flag lanes above the first hit, never below it, so the lowest flagged lane is exact.
#[inline(always)]
fn find_special_swar(bytes: &[u8], mut at: usize) -> usize {
    while let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let w = u64::from_le_bytes(*word);
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        let hits = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (w.wrapping_sub(ONES * 0x20) & !w);
        let hits = hits & HIGHS;
        if hits != 0 {
            return at + (hits.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&b) = bytes.get(at) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_bytes_are_found_in_every_lane_and_the_tail() {
        for len in 0..40 {
            for at in 0..len {
                for special in [b'"', b'\\', 0x00, 0x1F] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = special;
                    if at + 1 < len {
                        bytes[at + 1] = 0x01; // a later hit must not win
                    }
                    for start in 0..=at {
                        assert_eq!(find_special(&bytes, start), at, "{len} {at} {special}");
                        assert_eq!(find_special_swar(&bytes, start), at, "{len} {at} {special}");
                    }
                }
            }
            // Bytes at and above 0x80 (UTF-8 continuation and lead bytes), 0x20 and 0x7F are
            // plain.
            let plain = "é \u{7f}".repeat(len);
            assert_eq!(find_special(plain.as_bytes(), 0), plain.len());
            assert_eq!(find_special_swar(plain.as_bytes(), 0), plain.len());
        }
    }
}
