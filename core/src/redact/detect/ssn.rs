//! US_SSN: `AAA-GG-SSSS` or `AAA GG SSSS` (one separator throughout) in a valid range: area
//! not 000, 666 or 9xx, group not 00, serial not 0000. Nine bare digits count only with SSN
//! context just before them (`SSN`, `SS#`, `social security (number)`).

use super::phrases::Phrases;
use super::Scan;
use crate::redact::entity::id;
use crate::redact::text::{is_digit, tokens_before, word_char_at};

static SSN_WORDS: Phrases = Phrases::new(&[
    &["ssn"],
    &["ssns"],
    &["ss", "#"],
    &["ssn", "#"],
    &["social", "security"],
    &["social", "security", "number"],
    &["social", "security", "no"],
    &["soc", "sec"],
]);

/// The SSN range rules on the nine digits.
pub(crate) fn ssn_ok(d: &[u8; 9]) -> bool {
    let num = |r: std::ops::Range<usize>| {
        d[r].iter()
            .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'))
    };
    let (area, group, serial) = (num(0..3), num(3..5), num(5..9));
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

/// An SSN whose first digit is at the digit-run start `i`.
pub(super) fn ssn_at(sc: &mut Scan<'_>, i: usize) {
    let b = sc.b;
    if i >= 2 && is_digit(b[i - 2]) && matches!(b[i - 1], b'-' | b'.' | b' ' | b'/') {
        return;
    }
    let mut d = [0u8; 9];
    let take = |from: usize, n: usize, out: &mut [u8]| -> bool {
        from + n <= b.len() && b[from..from + n].iter().all(|&c| is_digit(c)) && {
            out.copy_from_slice(&b[from..from + n]);
            true
        }
    };
    let end;
    if take(i, 3, &mut d[0..3])
        && i + 3 < b.len()
        && matches!(b[i + 3], b'-' | b' ')
        && take(i + 4, 2, &mut d[3..5])
        && i + 6 < b.len()
        && b[i + 6] == b[i + 3]
        && take(i + 7, 4, &mut d[5..9])
    {
        end = i + 11;
        if end < b.len() && (is_digit(b[end]) || word_char_at(b, end)) {
            return;
        }
        if end + 1 < b.len() && b[end] == b[i + 3] && is_digit(b[end + 1]) && b[end] == b'-' {
            return;
        }
    } else if take(i, 9, &mut d) {
        end = i + 9;
        if end < b.len() && (is_digit(b[end]) || word_char_at(b, end)) {
            return;
        }
        tokens_before(b, i, 40, &mut sc.toks, 4);
        if !SSN_WORDS.any(b, &sc.toks) {
            return;
        }
    } else {
        return;
    }
    if ssn_ok(&d) {
        sc.push(id::US_SSN, i, end);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{detect_only, id};

    fn ssns(s: &str) -> Vec<&str> {
        detect_only(s, id::US_SSN)
    }

    #[test]
    fn valid_forms() {
        assert_eq!(ssns("SSN 123-45-6789."), ["123-45-6789"]);
        assert_eq!(ssns("ssn: 078 05 1120"), ["078 05 1120"]);
        assert_eq!(
            ssns("my social security number is 219099999"),
            ["219099999"]
        );
        assert_eq!(ssns("SS# 536228822"), ["536228822"]);
        assert_eq!(ssns("id 536-22-8822"), ["536-22-8822"]);
    }

    #[test]
    fn invalid_ranges_and_shapes() {
        for s in [
            "000-12-3456",
            "666-12-3456",
            "900-12-3456",
            "987-65-4321",
            "123-00-4567",
            "123-45-0000",
            "123-45 6789",
            "1123-45-6789",
            "123-45-67890",
            "call 555-12-3456-7",
        ] {
            assert!(ssns(s).is_empty(), "{s}");
        }
        assert!(
            ssns("order 219099999").is_empty(),
            "bare nine digits need SSN context"
        );
        assert!(ssns("the ssn field is empty; order 219099999").is_empty());
    }
}
