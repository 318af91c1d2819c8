//! IBAN: country code, two check digits and the BBAN, compact or in groups of four separated by
//! single spaces, with the country's exact length (SWIFT IBAN registry) and ISO 7064 mod-97 = 1.

use super::Scan;
use crate::redact::entity::id;
use crate::redact::text::word_char_at;

/// IBAN lengths per country (SWIFT IBAN registry, plus the partial-adoption countries).
#[rustfmt::skip]
const LENGTHS: &[(&[u8; 2], u8)] = &[
    (b"AD", 24), (b"AE", 23), (b"AL", 28), (b"AO", 25), (b"AT", 20), (b"AZ", 28), (b"BA", 20),
    (b"BE", 16), (b"BF", 28), (b"BG", 22), (b"BH", 22), (b"BI", 27), (b"BJ", 28), (b"BR", 29),
    (b"BY", 28), (b"CH", 21), (b"CI", 28), (b"CM", 27), (b"CR", 22), (b"CV", 25), (b"CY", 28),
    (b"CZ", 24), (b"DE", 22), (b"DJ", 27), (b"DK", 18), (b"DO", 28), (b"DZ", 26), (b"EE", 20),
    (b"EG", 29), (b"ES", 24), (b"FI", 18), (b"FK", 18), (b"FO", 18), (b"FR", 27), (b"GB", 22),
    (b"GE", 22), (b"GI", 23), (b"GL", 18), (b"GR", 27), (b"GT", 28), (b"HN", 28), (b"HR", 21),
    (b"HU", 28), (b"IE", 22), (b"IL", 23), (b"IQ", 23), (b"IR", 26), (b"IS", 26), (b"IT", 27),
    (b"JO", 30), (b"KW", 30), (b"KZ", 20), (b"LB", 28), (b"LC", 32), (b"LI", 21), (b"LT", 20),
    (b"LU", 20), (b"LV", 21), (b"LY", 25), (b"MA", 28), (b"MC", 27), (b"MD", 24), (b"ME", 22),
    (b"MG", 27), (b"MK", 19), (b"ML", 28), (b"MN", 20), (b"MR", 27), (b"MT", 31), (b"MU", 30),
    (b"MZ", 25), (b"NI", 28), (b"NL", 18), (b"NO", 15), (b"OM", 23), (b"PK", 24), (b"PL", 28),
    (b"PS", 29), (b"PT", 25), (b"QA", 29), (b"RO", 24), (b"RS", 22), (b"RU", 33), (b"SA", 24),
    (b"SC", 31), (b"SD", 18), (b"SE", 24), (b"SI", 19), (b"SK", 24), (b"SM", 27), (b"SN", 28),
    (b"SO", 23), (b"ST", 25), (b"SV", 28), (b"TL", 23), (b"TN", 24), (b"TR", 26), (b"UA", 29),
    (b"VA", 22), (b"VG", 24), (b"XK", 20), (b"YE", 30),
];

/// The IBAN length of a country, if it uses IBANs.
pub(crate) fn country_length(cc: &[u8]) -> Option<usize> {
    LENGTHS
        .binary_search_by(|(c, _)| c.as_slice().cmp(cc))
        .ok()
        .map(|k| usize::from(LENGTHS[k].1))
}

/// ISO 7064 mod-97-10 over the compact IBAN (uppercase letters and digits).
pub(crate) fn mod97_ok(iban: &[u8]) -> bool {
    if iban.len() < 5 {
        return false;
    }
    let mut r = 0u32;
    for &c in iban[4..].iter().chain(&iban[..4]) {
        r = match c {
            b'0'..=b'9' => (r * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => (r * 100 + u32::from(c - b'A') + 10) % 97,
            _ => return false,
        };
    }
    r == 1
}

/// Could an IBAN start at the uppercase word start `i`: a second upper-case letter, then two
/// check digits. Inlined into the scan, so the capitalised words (nearly all of them fail
/// here) cost no call.
#[inline]
pub(super) fn may_start(b: &[u8], i: usize) -> bool {
    i + 4 <= b.len()
        && b[i + 2].is_ascii_digit()
        && b[i + 3].is_ascii_digit()
        && b[i + 1].is_ascii_uppercase()
}

/// An IBAN starting at the uppercase word start `i`, which passed [`may_start`].
pub(super) fn iban_at(sc: &mut Scan<'_>, i: usize) {
    let b = sc.b;
    let Some(len) = country_length(&b[i..i + 2]) else {
        return;
    };
    let mut compact = [0u8; 34];
    let mut n = 0;
    let mut e = i;
    let mut grouped = false;
    while n < len && e < b.len() {
        let c = b[e];
        if grouped && n % 4 == 0 && b[e - 1] != b' ' && c != b' ' {
            // Grouped by four: every group boundary has its space.
            return;
        }
        if c.is_ascii_uppercase() || c.is_ascii_digit() {
            compact[n] = c;
            n += 1;
            e += 1;
        } else if c == b' '
            && n % 4 == 0
            && e + 1 < b.len()
            && b[e + 1].is_ascii_alphanumeric()
            && b[e - 1] != b' '
        {
            grouped = true;
            e += 1;
        } else {
            break;
        }
    }
    if n < len || word_char_at(b, e) || !mod97_ok(&compact[..n]) {
        return;
    }
    sc.push(id::IBAN, i, e);
}

#[cfg(test)]
mod tests {
    use super::super::{detect_only, id};
    use super::*;

    fn ibans(s: &str) -> Vec<&str> {
        detect_only(s, id::IBAN)
    }

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(LENGTHS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(country_length(b"DE"), Some(22));
        assert_eq!(country_length(b"US"), None);
    }

    #[test]
    fn real_examples_from_several_countries() {
        for iban in [
            "DE89370400440532013000",
            "GB82WEST12345698765432",
            "FR1420041010050500013M02606",
            "ES9121000418450200051332",
            "NL91ABNA0417164300",
            "BE68539007547034",
            "CH9300762011623852957",
            "IT60X0542811101000000123456",
            "NO9386011117947",
            "PL61109010140000071219812874",
            "SA0380000000608010167519",
            "MT84MALT011000012345MTLCAST001S",
        ] {
            assert!(mod97_ok(iban.as_bytes()), "{iban}");
            assert_eq!(ibans(&format!("IBAN: {iban}.")), [iban]);
        }
        assert_eq!(
            ibans("pay DE89 3704 0044 0532 0130 00 today"),
            ["DE89 3704 0044 0532 0130 00"]
        );
        assert_eq!(
            ibans("GB82 WEST 1234 5698 7654 32"),
            ["GB82 WEST 1234 5698 7654 32"]
        );
    }

    #[test]
    fn mod97_failures_and_wrong_lengths() {
        assert!(ibans("DE89370400440532013001").is_empty(), "check digits");
        assert!(ibans("GB82WEST12345698765431").is_empty());
        assert!(ibans("DE8937040044053201300").is_empty(), "too short");
        assert!(ibans("DE893704004405320130001").is_empty(), "too long");
        assert!(
            ibans("XX89370400440532013000").is_empty(),
            "no such country"
        );
        assert!(ibans("DE89 37040044 0532013000").is_empty(), "bad grouping");
    }
}
