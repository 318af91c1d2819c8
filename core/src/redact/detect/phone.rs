//! PHONE: 7–15 digits in groups joined by `space - . /` and parentheses, optionally after `+`,
//! valid in libphonenumber's numbering plan (see [`super::numbering`]): `+` numbers of any
//! country, others as dialled in the configured default region.
//!
//! Rejected before any lookup: a run glued to letters, dotted quads, ISO and slashed dates,
//! clock times, epoch-like bare runs, and numbers right after order/invoice/ticket/id words.
//! The span runs from the `+`, `(` or first digit to the last digit; an extension stays out.

use super::numbering::{calling_code, valid_from, valid_international, RegionId};
use super::phrases::Phrases;
use super::Scan;
use crate::redact::entity::id;
use crate::redact::text::{is_digit, tokens_before, word_char_before};

const MAX_GROUPS: usize = 8;

/// Words after which a number is an identifier, a timestamp or a record number, not a phone.
#[rustfmt::skip]
static NOT_PHONE: Phrases = Phrases::new(&[
    &["po"], &["inv"], &["invoice"], &["order"], &["ord"], &["ref"], &["reference"], &["ticket"],
    &["case"], &["id"], &["acct"], &["account"], &["tracking"], &["confirmation"], &["sku"],
    &["serial"], &["pid"], &["uid"], &["ts"], &["timestamp"], &["epoch"], &["port"], &["zip"],
    &["version"], &["build"], &["isbn"], &["mrn"], &["mr"], &["chart"], &["record"], &["member"],
    &["imei"], &["iban"], &["ssn"], &["transaction"], &["txn"], &["batch"], &["lot"], &["claim"],
    &["policy"], &["routing"], &["npi"], &["max"], &["maximum"], &["min"], &["minimum"],
    &["limit"], &["size"], &["bytes"], &["length"], &["count"], &["offset"], &["capacity"],
    &["total"], &["seed"], &["nonce"], &["checksum"], &["hash"], &["block"], &["height"],
    // Integer types, before a constant's value in code (`pub const MS_MGC_VAL: u32 =
    // 3236757504;`, as bindings to C headers are full of).
    &["u32"], &["u64"], &["u128"], &["i32"], &["i64"], &["i128"], &["usize"], &["isize"],
    &["c_int"], &["c_uint"], &["c_long"], &["c_ulong"], &["uint"], &["dword"], &["qword"],
    // Numbered clauses of regulations and specifications (`DFARS 252.227-7013`, `Clause
    // 252.227-7014`).
    &["clause"], &["dfars"], &["section"], &["subparagraph"],
]);

#[derive(Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
    gap: u8,
}

/// A byte a phone's gaps may hold: parentheses and the group separators.
#[inline]
fn is_separator(c: u8) -> bool {
    matches!(c, b'(' | b')' | b' ' | b'-' | b'.' | b'/')
}

/// True when another digit group follows the one ending at `p` (1–3 bytes of separators and
/// parentheses, then a digit): the gap rule of [`phone_at`].
pub(super) fn group_follows(b: &[u8], p: usize) -> bool {
    let mut q = p;
    while q < b.len() && q - p < 3 && is_separator(b[q]) {
        q += 1;
    }
    q > p && b.get(q).is_some_and(u8::is_ascii_digit)
}

/// True when the digits and phone separators from `p` on (after a first group of `have`
/// digits) hold at least seven digits in all. Every phone has seven, and its groups lie in
/// that stretch, so a decimal (`37.2 C`), an amount (`$144.62`) or a time (`28:49.826Z`) is
/// turned away without reading its groups.
pub(super) fn seven_digits_ahead(b: &[u8], p: usize, have: usize) -> bool {
    let mut digits = have;
    for &c in b.iter().skip(p).take(40) {
        if c.is_ascii_digit() {
            digits += 1;
            if digits >= 7 {
                return true;
            }
        } else if !is_separator(c) {
            return false;
        }
    }
    // A long stretch of separators, or the text's end: let `phone_at` judge.
    digits >= 7 || b.len() > p + 40
}

/// A phone number starting at the digit-run start `i` (or at a `+` / `(` just before it).
pub(super) fn phone_at(sc: &mut Scan<'_>, i: usize, region: Option<RegionId>) {
    let b = sc.b;
    let mut start = i;
    let mut plus = false;
    let mut depth = 0i32;
    if start > 0 && b[start - 1] == b'(' {
        start -= 1;
        depth = 1;
    }
    if start > 0 && b[start - 1] == b'+' {
        start -= 1;
        plus = true;
    }
    if start > 0 && (word_char_before(b, start) || matches!(b[start - 1], b'.' | b'-' | b'/')) {
        return;
    }
    if !plus && region.is_none() {
        return;
    }
    let mut groups = [Group {
        start: 0,
        end: 0,
        gap: 0,
    }; MAX_GROUPS];
    let mut ng = 0;
    let mut p = i;
    let mut total = 0;
    loop {
        let s = p;
        while p < b.len() && is_digit(b[p]) && p - s <= 15 {
            p += 1;
        }
        total += p - s;
        if total > 15 + 3 {
            break;
        }
        groups[ng].start = s;
        groups[ng].end = p;
        ng += 1;
        if ng == MAX_GROUPS {
            break;
        }
        // A gap: 1–3 bytes of separators and parentheses, then a digit.
        let mut q = p;
        let mut d = depth;
        let mut kind = 0u8;
        while q < b.len() && q - p < 3 {
            match b[q] {
                b'(' => d += 1,
                b')' => d -= 1,
                b' ' | b'-' | b'.' | b'/' => kind = if kind == 0 { b[q] } else { kind },
                _ => break,
            }
            q += 1;
        }
        if q == p || q >= b.len() || !is_digit(b[q]) || !(0..=1).contains(&d) {
            break;
        }
        if b[p..q].iter().filter(|&&c| c == b' ').count() > 1 {
            break;
        }
        groups[ng].gap = if kind == 0 { b' ' } else { kind };
        depth = d;
        p = q;
    }
    // Fewer than seven digits in all: no phone, and no need to read the context.
    if total < 7 {
        return;
    }
    let groups = &groups[..ng];
    if looks_like_other_number(b, groups) {
        return;
    }
    // Digits before it in the same rhythm (`7223 4505 2264 06`): the middle of a longer number.
    if ng >= 2 && start >= 2 && b[start - 1] == groups[1].gap && is_digit(b[start - 2]) {
        return;
    }
    if b[start] != b'+' && b[start] != b'(' && id_context(sc, start) {
        return;
    }
    let mut digits = [0u8; 24];
    for k in (1..=groups.len()).rev() {
        let end = groups[k - 1].end;
        if end < b.len() && b[end].is_ascii_alphabetic() && !extension_at(b, end) {
            continue;
        }
        let mut n = 0;
        for g in &groups[..k] {
            for &c in &b[g.start..g.end] {
                if n < digits.len() {
                    digits[n] = c;
                }
                n += 1;
            }
        }
        if !(7..=15 + 3).contains(&n) || n > digits.len() {
            continue;
        }
        if k == 1 && !plus && (epoch_like(&b[i..end]) || in_number_list(b, start, end)) {
            continue;
        }
        // The digits go on in the same rhythm (`3476 580798 93909`): part of a longer number.
        if k < groups.len() && k >= 2 && groups[k].gap == groups[k - 1].gap {
            continue;
        }
        let Ok(d) = std::str::from_utf8(&digits[..n]) else {
            continue;
        };
        let ok = if plus {
            n <= 15 && valid_international(d)
        } else {
            region.is_some_and(|r| {
                valid_from(r, d)
                    && (calling_code(r) != 1
                        || d.starts_with("00")
                        || d.starts_with("011")
                        || nanp_grouping(&groups[..k]))
            })
        };
        if ok {
            // `(800-292-9263)`: a parenthesis around the whole number is not the area code's.
            let start = if b[start] == b'(' && !b[start..end].contains(&b')') {
                start + 1
            } else {
                start
            };
            sc.push(id::PHONE, start, end);
            return;
        }
    }
}

/// An identifier word right before the number (`order 4155552671`, `Invoice No. …`,
/// `PO# …`); a `#`, `no` or `number` in between defers to the word before it.
fn id_context(sc: &mut Scan<'_>, start: usize) -> bool {
    let b = sc.b;
    tokens_before(b, start, 24, &mut sc.toks, 3);
    let filler = |k: usize| {
        sc.toks.get(k).is_some_and(|t| {
            let w = &b[t.start..t.end];
            [&b"#"[..], b"no", b"nr", b"num", b"number"]
                .iter()
                .any(|f| w.eq_ignore_ascii_case(f))
        })
    };
    let k = if filler(0) { 1 } else { 0 };
    k < sc.toks.len() && NOT_PHONE.any(b, &sc.toks[k..k + 1])
}

/// `x12`, `ext 12`, `ext. 12` right after the number.
fn extension_at(b: &[u8], p: usize) -> bool {
    let rest = &b[p..b.len().min(p + 6)];
    let lower: Vec<u8> = rest.iter().map(u8::to_ascii_lowercase).collect();
    lower.starts_with(b"x") && lower.get(1).is_some_and(u8::is_ascii_digit)
        || lower.starts_with(b"ext")
}

/// How North American numbers are grouped (`415 555 2671`, `(415) 555-2671`, `1-800-555-0199`,
/// `4155552671`, the 7-digit `310-2000`): a dialable digit string in another grouping is some
/// other number (`64040-64044` is a range, `3.10 (2011` a version and a year).
fn nanp_grouping(g: &[Group]) -> bool {
    let mut lens = [0usize; MAX_GROUPS];
    for (l, g) in lens.iter_mut().zip(g) {
        *l = g.end - g.start;
    }
    matches!(
        &lens[..g.len()],
        [10] | [11] | [3, 3, 4] | [3, 7] | [6, 4] | [3, 4] | [1, 3, 3, 4] | [1, 3, 7] | [1, 10]
    )
}

/// Bare 10- or 13-digit runs starting with 1 are Unix timestamps (s / ms), not numbers; powers
/// of two and one less (`2147483647`, `4294967296`, `@example 17179869184` bytes), the
/// commonest long numbers in code and API docs, are limits and sizes.
fn epoch_like(run: &[u8]) -> bool {
    let value = std::str::from_utf8(run)
        .ok()
        .and_then(|r| r.parse::<u64>().ok());
    matches!(run.len(), 10 | 13) && run[0] == b'1'
        || value.is_some_and(|n| n.is_power_of_two() || n.wrapping_add(1).is_power_of_two())
}

/// A bare number in a table of numbers, one per line (`1899447441,\n\t3049323471,`: constants
/// in code), judged by its neighbours within a few bytes. Numbers listed on one line
/// (`4155552671, 4155552672`) may be phones and stay so.
fn in_number_list(b: &[u8], start: usize, end: usize) -> bool {
    let blank = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let mut p = end;
    let next = b.get(p) == Some(&b',') && {
        p += 1;
        while p < b.len() && p - end < 8 && blank(b[p]) {
            p += 1;
        }
        b[end..p].contains(&b'\n') && b.get(p).is_some_and(u8::is_ascii_digit)
    };
    let mut q = start;
    while q > 0 && start - q < 8 && blank(b[q - 1]) {
        q -= 1;
    }
    let prev = q >= 2 && b[q - 1] == b',' && is_digit(b[q - 2]) && b[q..start].contains(&b'\n');
    next || prev
}

/// Dotted quads, decimals, dates and times written with the same separators a phone uses.
fn looks_like_other_number(b: &[u8], g: &[Group]) -> bool {
    let len = |k: usize| g[k].end - g[k].start;
    let val = |k: usize| {
        b[g[k].start..g[k].end].iter().fold(0u32, |a, &c| {
            a.saturating_mul(10).saturating_add(u32::from(c - b'0'))
        })
    };
    if g.len() >= 4 && (1..4).all(|k| g[k].gap == b'.') && (0..4).all(|k| len(k) <= 3) {
        return true;
    }
    // `31.01875`, `310.1875`: a decimal. Canada's 7-digit `310-xxxx` numbers made these valid,
    // and dotted phone numbers have three groups or more (`415.555.2671`, `01.42.68.53.00`).
    if g.len() == 2 && g[1].gap == b'.' {
        return true;
    }
    if g.len() >= 3 {
        let same_gap = g[1].gap == g[2].gap && matches!(g[1].gap, b'-' | b'/' | b'.');
        let ymd = len(0) == 4 && len(1) <= 2 && len(2) <= 2 && (1..=12).contains(&val(1));
        let dmy = len(0) <= 2 && len(1) <= 2 && len(2) == 4 && (19..=20).contains(&(val(2) / 100));
        if same_gap && (ymd || dmy) {
            return true;
        }
    }
    let end = g[g.len() - 1].end;
    end < b.len() && b[end] == b':' && end + 1 < b.len() && is_digit(b[end + 1])
}

#[cfg(test)]
mod tests {
    use super::super::{corpus_cases, detect_only, id};
    use super::{group_follows, seven_digits_ahead};
    use crate::redact::text::digit_run;

    fn phones(s: &str) -> Vec<&str> {
        detect_only(s, id::PHONE)
    }

    /// The gate the scan puts before `phone_at` lets every labelled phone of the corpus
    /// through (at each digit run in it: the scan also tries the later groups), and turns away
    /// decimals, amounts and times.
    #[test]
    fn the_gate_passes_every_labelled_phone() {
        let gate = |b: &[u8], i: usize| {
            let n = digit_run(b, i, 20);
            n >= 7 || (group_follows(b, i + n) && seven_digits_ahead(b, i + n, n))
        };
        let mut labelled = 0;
        for case in corpus_cases() {
            for e in case["entities"].as_array().unwrap() {
                if e["type"] != "PHONE" {
                    continue;
                }
                let v = e["value"].as_str().unwrap().as_bytes();
                let first = v.iter().position(u8::is_ascii_digit).unwrap();
                labelled += 1;
                assert!(gate(v, first), "{:?}", e["value"]);
            }
        }
        assert!(labelled >= 100, "{labelled}");
        for s in [
            "37.2 C",
            "$144.62 twice",
            "28:49.826Z",
            "BP 108/67, HR",
            "v1.2.3",
            "1 2 3 4",
        ] {
            let i = s.bytes().position(|c| c.is_ascii_digit()).unwrap();
            assert!(!gate(s.as_bytes(), i), "{s}");
        }
        assert!(gate(b"415 555 2671", 0) && gate(b"(415) 555-2671", 1));
    }

    #[test]
    fn common_forms() {
        assert_eq!(phones("call 4155552671, or mail"), ["4155552671"]);
        assert_eq!(
            phones("numbers: 4155552671, 4155552672"),
            ["4155552671", "4155552672"]
        );
        assert_eq!(phones("call (415) 555-2671 now"), ["(415) 555-2671"]);
        assert_eq!(phones("call 415.555.2671."), ["415.555.2671"]);
        assert_eq!(phones("cell: +1 415 555 2671"), ["+1 415 555 2671"]);
        assert_eq!(phones("tel:+14155552671"), ["+14155552671"]);
        assert_eq!(phones("UK +44 20 7946 0958"), ["+44 20 7946 0958"]);
        assert_eq!(phones("UK +44 (0)20 7946 0958"), ["+44 (0)20 7946 0958"]);
        assert_eq!(phones("Paris +33 1 42 68 53 00"), ["+33 1 42 68 53 00"]);
        assert_eq!(phones("Berlin +49 30 901820"), ["+49 30 901820"]);
        assert_eq!(phones("toll free 1-800-555-0199"), ["1-800-555-0199"]);
        assert_eq!(phones("desk 415-555-2671 x204"), ["415-555-2671"]);
        assert_eq!(phones("desk 415-555-2671 ext. 204"), ["415-555-2671"]);
        assert_eq!(
            phones("at 800-29-29-AMD (800-292-9263) in the USA"),
            ["800-292-9263"]
        );
    }

    #[test]
    fn negatives() {
        for s in [
            "ts 1700000000",
            "created 1700000000123",
            "ip 192.168.100.200",
            "on 2024-01-15 10:30",
            "born 12/25/1990",
            "order 4155552671",
            "INV 415-555-2671",
            "PO# 4155552671",
            "abc4155552671",
            "4155552671abc",
            "555-123-4567",
            "v415.555.2671",
            "at 10:30:45",
            "maximum: 2147483648 / 65536",
            "size 4155552671 bytes",
            "bitness = {2147483647: '32bit'}",
            "Decimal('31.01875') and a mean of 310.1875",
            "Allocate gid 64040-64044 (grsec-tpe)",
            "3.10 (2011-05-30)",
            "const K = new Int32Array([\n\t1899447441,\n\t3049323471,\n\t3921009573,\n",
            "pub const MS_MGC_VAL: u32 = 3236757504;\npub const SELINUX_MAGIC: u32 = 4185718668;",
            "pub const CLONE_INTO_CGROUP: u64 = 8589934592;",
            "* @example 17179869184\n */\nmemory_in_bytes: number;",
            "as defined in Clause 252.227-7013 (c) (1) of DFARs; DFARS 252.227-7014",
        ] {
            assert!(phones(s).is_empty(), "{s}: {:?}", phones(s));
        }
    }
}
