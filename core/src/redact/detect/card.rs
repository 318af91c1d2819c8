//! CREDIT_CARD: 13–19 digits, compact or in uniform space/dash groups, passing Luhn and an
//! issuer's prefix and length (Visa, Mastercard incl. the 2-series, Amex, Discover, JCB,
//! UnionPay up to 19 digits, Diners, Maestro, Mir).
//!
//! Rejected: runs inside a longer digit sequence, and numbers after IMEI-like context (an IMEI
//! passes Luhn; most also fail the issuer table, which is the first line of defence).

use super::phrases::Phrases;
use super::Scan;
use crate::redact::entity::id;
use crate::redact::text::{is_digit, tokens_before, word_char_at};

static DEVICE_WORDS: Phrases = Phrases::new(&[
    &["imei"],
    &["imeisv"],
    &["meid"],
    &["esn"],
    &["iccid"],
    &["serial"],
    &["sn"],
    &["tracking"],
]);

/// Luhn's mod-10 check over ASCII digits.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (k, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if k % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// True when the digits carry a known issuer prefix with one of its lengths.
pub(crate) fn issuer_ok(d: &[u8]) -> bool {
    let n = d.len();
    let p = |k: usize| -> u32 {
        d[..k.min(n)]
            .iter()
            .fold(0, |acc, &c| acc * 10 + u32::from(c - b'0'))
    };
    let (p1, p2, p3, p4, p6) = (p(1), p(2), p(3), p(4), p(6));
    match p1 {
        4 => matches!(n, 13 | 16 | 19),
        5 => {
            ((51..=55).contains(&p2) && n == 16)
                || (matches!(p4, 5018 | 5020 | 5038 | 5893) && (13..=19).contains(&n))
        }
        2 => {
            ((2221..=2720).contains(&p4) && n == 16)
                || ((2200..=2204).contains(&p4) && (16..=19).contains(&n))
        }
        3 => {
            (matches!(p2, 34 | 37) && n == 15)
                || ((3528..=3589).contains(&p4) && (16..=19).contains(&n))
                || (((300..=305).contains(&p3) || p4 == 3095 || matches!(p2, 36 | 38 | 39))
                    && (14..=19).contains(&n))
        }
        6 => {
            let discover = p4 == 6011 || (644..=649).contains(&p3) || p2 == 65;
            let unionpay = p2 == 62 || (622_126..=622_925).contains(&p6);
            let maestro = matches!(p4, 6304 | 6759 | 6761 | 6762 | 6763);
            ((discover || unionpay) && (16..=19).contains(&n))
                || (maestro && (13..=19).contains(&n))
        }
        _ => false,
    }
}

/// A card number whose digits start the digit run at `i`.
pub(super) fn card_at(sc: &mut Scan<'_>, i: usize) {
    let b = sc.b;
    // The tail of a longer number, or of an identifier (`fuzzer-5390364397928448`).
    if i >= 2
        && (is_digit(b[i - 2]) && matches!(b[i - 1], b'-' | b'.')
            || b[i - 2].is_ascii_alphabetic() && matches!(b[i - 1], b'-' | b'_'))
    {
        return;
    }
    let mut digits = [0u8; 19];
    let mut nd = 0;
    // (end byte, digit count) after each group.
    let mut groups: [(usize, usize); 6] = [(0, 0); 6];
    let mut ng = 0;
    let mut sep = 0u8;
    let mut e = i;
    loop {
        let s = e;
        while e < b.len() && is_digit(b[e]) {
            if nd == 19 {
                return;
            }
            digits[nd] = b[e];
            nd += 1;
            e += 1;
        }
        groups[ng] = (e, e - s);
        ng += 1;
        let more = ng < groups.len()
            && e + 1 < b.len()
            && matches!(b[e], b' ' | b'-')
            && (sep == 0 || sep == b[e])
            && is_digit(b[e + 1]);
        if !more {
            break;
        }
        sep = b[e];
        e += 1;
    }
    if word_char_at(b, groups[ng - 1].0) && ng == 1 {
        return;
    }
    let mut count = nd;
    for k in (1..=ng).rev() {
        let (end, _) = groups[k - 1];
        if (13..=19).contains(&count)
            && shape_ok(&groups[..k])
            && !word_char_at(b, end)
            && luhn(&digits[..count])
            && issuer_ok(&digits[..count])
        {
            tokens_before(b, i, 32, &mut sc.toks, 3);
            if !DEVICE_WORDS.any(b, &sc.toks) {
                sc.push(id::CREDIT_CARD, i, end);
            }
            return;
        }
        count -= groups[k - 1].1;
    }
}

/// Compact, or groups of four (the last may be shorter), or Amex/Diners 4-6-5 / 4-6-4.
fn shape_ok(groups: &[(usize, usize)]) -> bool {
    let lens: Vec<usize> = groups.iter().map(|g| g.1).collect();
    match lens.as_slice() {
        [_] => true,
        [4, 6, 5] | [4, 6, 4] => true,
        [init @ .., last] => init.iter().all(|&l| l == 4) && (1..=4).contains(last),
        [] => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{detect_only, id};
    use super::*;

    fn cards(s: &str) -> Vec<&str> {
        detect_only(s, id::CREDIT_CARD)
    }

    #[test]
    fn test_numbers_of_every_issuer() {
        for n in [
            "4111111111111111",    // Visa
            "4012888888881881",    // Visa
            "4222222222222",       // Visa 13
            "5555555555554444",    // Mastercard
            "2223003122003222",    // Mastercard 2-series
            "378282246310005",     // Amex
            "371449635398431",     // Amex
            "6011111111111117",    // Discover
            "6011000990139424",    // Discover
            "3530111333300000",    // JCB
            "3566002020360505",    // JCB
            "6200000000000005",    // UnionPay 16
            "6212345678901265",    // UnionPay 16
            "6212345678900000003", // UnionPay 19
            "36227206271667",      // Diners 14
            "30569309025904",      // Diners
            "2200000000000004",    // Mir
        ] {
            assert!(luhn(n.as_bytes()), "{n} luhn");
            assert!(issuer_ok(n.as_bytes()), "{n} issuer");
            assert_eq!(cards(&format!("card {n}.")), [n], "{n}");
        }
    }

    #[test]
    fn grouped_forms() {
        assert_eq!(
            cards("pay 4111 1111 1111 1111 now"),
            ["4111 1111 1111 1111"]
        );
        assert_eq!(cards("amex 3782-822463-10005"), ["3782-822463-10005"]);
        assert_eq!(
            cards("4111-1111-1111-1111 exp 12/27"),
            ["4111-1111-1111-1111"]
        );
        assert_eq!(cards("4111 1111 1111 1111 123"), ["4111 1111 1111 1111"]);
    }

    #[test]
    fn rejects_lookalikes() {
        assert!(cards("4111111111111112").is_empty(), "Luhn fails");
        assert!(cards("1234567812345670").is_empty(), "no issuer");
        assert!(cards("4111 1111-1111 1111").is_empty(), "mixed separators");
        assert!(cards("order 94111111111111111").is_empty(), "longer run");
        assert!(
            cards("ref 12-4111111111111111").is_empty(),
            "inside a dashed id"
        );
        assert!(cards("IMEI 490154203237518").is_empty(), "IMEI");
        assert!(luhn(b"490154203237518") && !issuer_ok(b"490154203237518"));
        assert!(cards("imei: 356938035643809").is_empty());
        assert!(cards("x4111111111111111").is_empty());
        assert!(cards("testcase-minimized-fuzzer-5390364397928448 | Bin").is_empty());
        assert!(
            cards("41111 11111 11111 1").is_empty(),
            "not grouped by four"
        );
    }
}
