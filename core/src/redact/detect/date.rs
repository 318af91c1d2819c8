//! DATE_OF_BIRTH and the opt-in DATE: calendar dates in numeric orders (`03/14/1962`,
//! `14.03.1962`, `1962-03-14`, `19620314` in HL7), and with month names in English, French,
//! German, Spanish and Italian (`March 14, 1962`, `14 March 1962`, `3 février 1975`,
//! `21 de enero de 1990`, `5-Aug-1979`).
//!
//! A date is a DATE_OF_BIRTH only when a birth label ends just before it (`DOB:`, `D.O.B.`,
//! `date of birth`, `born`, `"birthDate":`, `Geburtsdatum`, `née le`, `fecha de nacimiento`,
//! `nata il`), with nothing but filler words (`is`, `on`, `(MM/DD/YYYY)`) in between. With
//! `"dates": true` every other date is a DATE (a year alone is not a date).

use super::phrases::{label_after_fillers, Phrases};
use super::table::column_is;
use super::Scan;
use crate::redact::entity::id;
use crate::redact::text::{is_digit, word_char_at, Tok, TokensBack, WordList, WordMap};
use std::sync::OnceLock;

/// Birth labels, each read left to right.
#[rustfmt::skip]
static DOB_LABELS: Phrases = Phrases::new(&[
    &["dob"], &["d", "o", "b"], &["date", "of", "birth"], &["birth", "date"], &["birthdate"],
    &["birthday"], &["born"], &["bday"], &["geburtsdatum"], &["geb"], &["geboren"],
    &["date", "de", "naissance"], &["naissance"], &["né"], &["née"],
    &["fecha", "de", "nacimiento"], &["nacimiento"], &["nacido"], &["nacida"],
    &["data", "di", "nascita"], &["nato"], &["nata"], &["geboortedatum"], &["födelsedatum"],
]);

/// CSV column headers of birth dates.
const DOB_COLUMNS: &[&str] = &["dob", "birthdate", "birthday", "birth"];

/// Words allowed between a birth label and the date.
static FILLER: WordList = WordList::new(&[
    "is", "was", "on", "of", "le", "el", "il", "am", "the", "mm", "dd", "yyyy", "yy", "m", "d",
    "jj", "aaaa", "tt", "jjjj", "en", "in", "correct", "patient", "s", "child",
]);

/// Month names and abbreviations (lowercase) in EN, FR, DE, ES, IT, with their numbers.
#[rustfmt::skip]
const MONTHS: &[(&str, u8)] = &[
    ("january", 1), ("jan", 1), ("janvier", 1), ("janv", 1), ("januar", 1), ("jänner", 1),
    ("enero", 1), ("ene", 1), ("gennaio", 1), ("gen", 1), ("february", 2), ("feb", 2),
    ("février", 2), ("fevrier", 2), ("févr", 2), ("fevr", 2), ("februar", 2), ("febrero", 2),
    ("febbraio", 2), ("march", 3), ("mar", 3), ("mars", 3), ("märz", 3), ("maerz", 3), ("mär", 3),
    ("marzo", 3), ("april", 4), ("apr", 4), ("avril", 4), ("avr", 4), ("abril", 4), ("abr", 4),
    ("aprile", 4), ("may", 5), ("mai", 5), ("mayo", 5), ("maggio", 5), ("mag", 5), ("june", 6),
    ("jun", 6), ("juin", 6), ("juni", 6), ("junio", 6), ("giugno", 6), ("giu", 6), ("july", 7),
    ("jul", 7), ("juillet", 7), ("juil", 7), ("juli", 7), ("julio", 7), ("luglio", 7), ("lug", 7),
    ("august", 8), ("aug", 8), ("août", 8), ("aout", 8), ("agosto", 8), ("ago", 8),
    ("september", 9), ("sep", 9), ("sept", 9), ("septembre", 9), ("septiembre", 9),
    ("setiembre", 9), ("settembre", 9), ("set", 9), ("october", 10), ("oct", 10), ("octobre", 10),
    ("oktober", 10), ("okt", 10), ("octubre", 10), ("ottobre", 10), ("ott", 10), ("november", 11),
    ("nov", 11), ("novembre", 11), ("noviembre", 11), ("december", 12), ("dec", 12),
    ("décembre", 12), ("decembre", 12), ("déc", 12), ("dezember", 12), ("dez", 12),
    ("diciembre", 12), ("dic", 12), ("dicembre", 12),
];

fn month_of(word: &[u8]) -> Option<u8> {
    if word.len() < 3 || word.len() > 10 {
        return None;
    }
    // Month names start with one of these letters (any case): most words are rejected here.
    if !month_letter(word[0]) {
        return None;
    }
    if word.is_ascii() {
        static ASCII: OnceLock<WordMap<u8>> = OnceLock::new();
        return ASCII
            .get_or_init(|| WordMap::new(MONTHS.iter().map(|&(m, n)| (m.as_bytes(), n))))
            .get(word);
    }
    let w = std::str::from_utf8(word).ok()?.to_lowercase();
    MONTHS.iter().find(|(m, _)| *m == w).map(|&(_, n)| n)
}

/// Month names start with one of these letters (any case).
#[inline]
fn month_letter(c: u8) -> bool {
    matches!(
        c | 0x20,
        b'j' | b'f' | b'm' | b'a' | b's' | b'o' | b'n' | b'd' | b'e' | b'g' | b'l'
    )
}

fn num(b: &[u8]) -> u32 {
    b.iter().fold(0, |a, &c| a * 10 + u32::from(c - b'0'))
}

fn digits_at(b: &[u8], i: usize, max: usize) -> usize {
    let mut e = i;
    while e < b.len() && e - i < max + 1 && is_digit(b[e]) {
        e += 1;
    }
    e - i
}

fn day_ok(d: u32, m: u32) -> bool {
    let max = match m {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    };
    (1..=max).contains(&d)
}

fn year_ok(y: u32, digits: usize) -> bool {
    digits == 2 || (1870..=2099).contains(&y)
}

/// Could a date start at the digit run `i` of `n` digits? The shapes [`date_at`] accepts,
/// checked on the few bytes around the run: a compact `YYYYMMDD`; one to four digits, a
/// numeric separator, one or two digits, the same separator and a digit; or a day of one or
/// two digits with a month word after it or before it. Most digit runs (counts, times,
/// versions, ids) fail here before any parsing.
#[inline]
pub(super) fn may_start(b: &[u8], i: usize, n: usize) -> bool {
    if n > 4 {
        return n == 8;
    }
    if n >= 1 {
        if let Some(&sep) = b.get(i + n).filter(|c| matches!(c, b'/' | b'-' | b'.')) {
            let j = i + n + 1;
            let n2 = digits_at(b, j, 2);
            if (1..=2).contains(&n2)
                && b.get(j + n2) == Some(&sep)
                && b.get(j + n2 + 1).is_some_and(u8::is_ascii_digit)
            {
                return true;
            }
        }
    }
    if n > 2 {
        return false;
    }
    // A month word right after the day: the next byte starts an ordinal suffix, `de`/`of` or
    // the month (all letters below), or is `.`, ` ` or `-` (or `º`).
    let after = b.get(i + n).is_some_and(|&c| {
        (c | 0x20).is_ascii_lowercase() && MONTH_OR_SUFFIX_LETTER[usize::from(c | 0x20)]
            || matches!(c, b'.' | b' ' | b'-' | 0xC2)
    });
    // A month word before it, a space or `.` between.
    let before = i >= 2 && matches!(b[i - 1], b' ' | b'.') && month_may_end_before(b, i);
    (after && month_may_follow(b, i + n) && {
        // Most words after a number ("3 days", "2 of") fail on their first letter, before
        // the word is read.
        let p = month_word_start(b, i + n);
        b.get(p).is_some_and(|&c| month_letter(c)) && {
            let we = word_end(b, p);
            we - p >= 3 && month_of(&b[p..we]).is_some()
        }
    }) || (before && month_before(b, i).is_some())
}

/// Per ASCII letter pair (lower case; `first * 26 + second`), whether a month name starts
/// (`STARTS`, plus the connectors `de` and `of`) or ends (`ENDS`) with it.
struct MonthPairs {
    starts: [bool; 26 * 26],
    ends: [bool; 26 * 26],
}

static MONTH_PAIRS: MonthPairs = {
    let mut pairs = MonthPairs {
        starts: [false; 26 * 26],
        ends: [false; 26 * 26],
    };
    pairs.starts[(b'd' - b'a') as usize * 26 + (b'e' - b'a') as usize] = true;
    pairs.starts[(b'o' - b'a') as usize * 26 + (b'f' - b'a') as usize] = true;
    let mut k = 0;
    while k < MONTHS.len() {
        let m = MONTHS[k].0.as_bytes();
        let (a, z) = ((m[0], m[1]), (m[m.len() - 2], m[m.len() - 1]));
        if a.0.is_ascii_lowercase() && a.1.is_ascii_lowercase() {
            pairs.starts[(a.0 - b'a') as usize * 26 + (a.1 - b'a') as usize] = true;
        }
        if z.0.is_ascii_lowercase() && z.1.is_ascii_lowercase() {
            pairs.ends[(z.0 - b'a') as usize * 26 + (z.1 - b'a') as usize] = true;
        }
        k += 1;
    }
    pairs
};

/// How a month word's outer pair of bytes `x`, `y` (its first two, or its last two) may look:
/// two ASCII letters that `pairs` (by their lower-case index) lists, or a non-ASCII byte
/// (which this does not judge). A word shorter than two bytes is no month either.
fn month_pair(x: u8, y: u8, pairs: &[bool; 26 * 26]) -> bool {
    if x >= 0x80 || y >= 0x80 {
        return true;
    }
    x.is_ascii_alphabetic()
        && y.is_ascii_alphabetic()
        && pairs[usize::from((x | 0x20) - b'a') * 26 + usize::from((y | 0x20) - b'a')]
}

/// False when no month word can follow a day ending at `p` ([`month_word_after`]): the common
/// case of one separator then a word, judged on the word's first two bytes.
fn month_may_follow(b: &[u8], p: usize) -> bool {
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    // After one of `. -` and another byte that is none of them, `month_word_after` skips
    // just the first (no suffix starts with it): the word, or the `de`/`of` before it,
    // starts at `p + 1`.
    !matches!(at(p), b' ' | b'.' | b'-')
        || matches!(at(p + 1), b' ' | b'.' | b'-')
        || month_pair(at(p + 1), at(p + 2), &MONTH_PAIRS.starts)
}

/// False when no month word can end just before the day at `i` (`i >= 2`, `b[i - 1]` a space
/// or `.`), as [`month_before`] reads it: judged on the word's last two bytes.
fn month_may_end_before(b: &[u8], i: usize) -> bool {
    let m_end = if matches!(b[i - 2], b' ' | b'.') {
        i - 2
    } else {
        i - 1
    };
    m_end < 2 || month_pair(b[m_end - 2], b[m_end - 1], &MONTH_PAIRS.ends)
}

/// Letters that start a month name (any language here), an ordinal suffix (`st nd rd th er`)
/// or a connector (`de`, `of`).
static MONTH_OR_SUFFIX_LETTER: [bool; 256] = {
    let mut t = [false; 256];
    let letters = b"jfmasondeglrt";
    let mut k = 0;
    while k < letters.len() {
        t[letters[k] as usize] = true;
        k += 1;
    }
    t
};

/// A date whose first digit is the digit-run start `i`, or whose month name ends just before
/// it (`March 3, 1980`). Returns the span.
pub(crate) fn date_at(b: &[u8], i: usize) -> Option<(usize, usize)> {
    numeric(b, i)
        .or_else(|| day_month_year(b, i))
        .or_else(|| month_day_year(b, i))
}

fn numeric(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let n1 = digits_at(b, i, 8);
    if n1 == 8 {
        // Compact YYYYMMDD (HL7, FHIR-less exports).
        let (y, m, d) = (
            num(&b[i..i + 4]),
            num(&b[i + 4..i + 6]),
            num(&b[i + 6..i + 8]),
        );
        return (year_ok(y, 4) && day_ok(d, m) && !word_char_at(b, i + 8)).then_some((i, i + 8));
    }
    let sep = *b.get(i + n1)?;
    if !matches!(sep, b'/' | b'-' | b'.') || !(1..=4).contains(&n1) {
        return None;
    }
    let j = i + n1 + 1;
    let n2 = digits_at(b, j, 2);
    if !(1..=2).contains(&n2) || b.get(j + n2) != Some(&sep) {
        return None;
    }
    let k = j + n2 + 1;
    let n3 = digits_at(b, k, 4);
    let end = k + n3;
    let (a, m2, c) = (num(&b[i..i + n1]), num(&b[j..j + n2]), num(&b[k..end]));
    let ok = if n1 == 4 {
        (1..=2).contains(&n3) && year_ok(a, 4) && day_ok(c, m2)
    } else {
        (n3 == 4 || (n3 == 2 && sep != b'.')) && year_ok(c, n3) && (day_ok(m2, a) || day_ok(a, m2))
    };
    if !ok {
        return None;
    }
    // Not part of a longer dotted/dashed run (versions, IPs, ids), not glued to letters
    // (an ISO date may be followed by its `T` time).
    let glued = end < b.len()
        && (is_digit(b[end])
            || (b[end] == sep && b.get(end + 1).is_some_and(u8::is_ascii_digit))
            || (word_char_at(b, end)
                && !(b[end] == b'T' && b.get(end + 1).is_some_and(u8::is_ascii_digit))));
    (!glued).then_some((i, end))
}

fn skip(b: &[u8], mut p: usize, chars: &[u8], max: usize) -> usize {
    let s = p;
    while p - s < max && b.get(p).is_some_and(|&c| chars.contains(&c)) {
        p += 1;
    }
    p
}

fn word_end(b: &[u8], p: usize) -> usize {
    let stop = b.len().min(p + 12);
    p + b[p.min(stop)..stop]
        .iter()
        .take_while(|&&c| c.is_ascii_alphabetic() || c >= 0x80)
        .count()
}

/// The word after a day whose digits end at `p`, past an ordinal suffix, up to two of `. -`
/// and `de `/`of `: where the month of a day-month-year date would be.
fn month_word_after(b: &[u8], p: usize) -> (usize, usize) {
    let p = month_word_start(b, p);
    (p, word_end(b, p))
}

/// Where [`month_word_after`]'s word starts.
fn month_word_start(b: &[u8], mut p: usize) -> usize {
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    if matches!(
        (at(p), at(p + 1)),
        (b's', b't') | (b'n', b'd') | (b'r', b'd') | (b't', b'h') | (b'e', b'r') | (0xC2, 0xBA)
    ) {
        p += 2;
    }
    p = skip(b, p, b". -", 2);
    if (at(p), at(p + 1), at(p + 2)) == (b'd', b'e', b' ') {
        p += 3;
    }
    if (at(p), at(p + 1), at(p + 2)) == (b'o', b'f', b' ') {
        p += 3;
    }
    p
}

/// `3 March 1980`, `3rd of March, 1980`, `3. März 1980`, `21 de enero de 1990`, `5-Aug-1979`.
fn day_month_year(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let nd = digits_at(b, i, 2);
    if !(1..=2).contains(&nd) {
        return None;
    }
    let day = num(&b[i..i + nd]);
    let (p, we) = month_word_after(b, i + nd);
    let month = month_of(&b[p..we])?;
    let mut q = we;
    if q < b.len() && b[q] == b'.' {
        q += 1;
    }
    q = skip(b, q, b" -,", 2);
    for conn in [&b"de "[..], b"del "] {
        if b[q..].starts_with(conn) {
            q += conn.len();
        }
    }
    let ny = digits_at(b, q, 4);
    if ny != 4 || !year_ok(num(&b[q..q + 4]), 4) || !day_ok(day, u32::from(month)) {
        return None;
    }
    (!word_char_at(b, q + 4)).then_some((i, q + 4))
}

/// `March 3, 1980`, `Jan 5, 1947`, `Sept. 3rd 1941`: the month word ends just before `i`.
fn month_day_year(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let (m_start, month) = month_before(b, i)?;
    let nd = digits_at(b, i, 2);
    if !(1..=2).contains(&nd) || !day_ok(num(&b[i..i + nd]), u32::from(month)) {
        return None;
    }
    let mut p = i + nd;
    for suffix in [&b"st"[..], b"nd", b"rd", b"th"] {
        if b[p..].starts_with(suffix) {
            p += suffix.len();
            break;
        }
    }
    p = skip(b, p, b", ", 2);
    let ny = digits_at(b, p, 4);
    if ny != 4 || !year_ok(num(&b[p..p + 4]), 4) || word_char_at(b, p + 4) {
        return None;
    }
    Some((m_start, p + 4))
}

/// True when a birth label ends just before `start`, with only filler words between.
/// Could a birth label or a birth column precede a date starting at `s`? The nearest token
/// is a filler or a label's last word, or `s` starts a CSV cell.
fn dob_possible(b: &[u8], s: usize) -> bool {
    s == 0
        || b[s - 1] == b','
        // A line start is a CSV cell only on a line with a comma.
        || (b[s - 1] == b'\n' && memchr::memchr3(b',', b'\n', b'\r', &b[s..]).is_some_and(|k| b[s + k] == b','))
        || TokensBack::new(b, s, 48)
            .next()
            .is_some_and(|t| is_filler(b, t) || DOB_LABELS.ends_with_word(b, t))
}

/// Could [`month_day_year`] read a date whose day is the run of `n` digits at `i`: a day of
/// one or two digits after a month word (and a space or `.`)?
fn month_word_before(b: &[u8], i: usize, n: usize) -> bool {
    n <= 2 && month_before(b, i).is_some()
}

/// The month word that ends (before up to two spaces or dots) just before `i`: its start and
/// its month, as [`month_day_year`] reads it.
fn month_before(b: &[u8], i: usize) -> Option<(usize, u8)> {
    let mut m_end = i;
    while m_end > 0 && i - m_end < 2 && matches!(b[m_end - 1], b' ' | b'.') {
        m_end -= 1;
    }
    if m_end == i {
        return None;
    }
    let mut m_start = m_end;
    while m_start > 0
        && m_end - m_start < 10
        && (b[m_start - 1].is_ascii_alphabetic() || b[m_start - 1] >= 0x80)
    {
        m_start -= 1;
    }
    if m_start > 0 && (b[m_start - 1].is_ascii_alphanumeric()) {
        return None;
    }
    Some((m_start, month_of(&b[m_start..m_end])?))
}

pub(crate) fn dob_label_before(b: &[u8], start: usize, toks: &mut Vec<Tok>) -> bool {
    label_after_fillers(b, start, (48, 8), &[&DOB_LABELS], |t| is_filler(b, t), toks)
}

fn is_filler(b: &[u8], t: Tok) -> bool {
    let w = &b[t.start..t.end];
    w.is_ascii() && FILLER.contains(w)
}

/// DATE_OF_BIRTH / DATE at the digit-run start `i`.
pub(super) fn scan_at(sc: &mut Scan<'_>, i: usize, n: usize) {
    // Birth dates only (the generic DATE is off): a date that starts at `i` (numeric, or day
    // then month) counts only after a birth label or in a birth column, which the nearest
    // token or the byte before mostly rules out before any parsing. A month-day-year date
    // starts at the month word before `i` and is judged after parsing.
    if !sc.on(id::DATE) && !month_word_before(sc.b, i, n) && !dob_possible(sc.b, i) {
        return;
    }
    let Some((s, e)) = date_at(sc.b, i) else {
        return;
    };
    let dob = dob_label_before(sc.b, s, &mut sc.toks) || column_is(sc.b, s, DOB_COLUMNS);
    if sc.on(id::DATE_OF_BIRTH) && dob {
        sc.push(id::DATE_OF_BIRTH, s, e);
    } else if sc.on(id::DATE) && !(e - s == 8 && is_digit(sc.b[s + 2])) {
        sc.push(id::DATE, s, e);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{detect_only, id};
    use super::*;

    fn date(s: &str) -> Option<&str> {
        let i = s.find(|c: char| c.is_ascii_digit())?;
        date_at(s.as_bytes(), i).map(|(a, b)| &s[a..b])
    }

    #[test]
    fn forms() {
        assert_eq!(date("03/14/1962."), Some("03/14/1962"));
        assert_eq!(date("14.03.1962"), Some("14.03.1962"));
        assert_eq!(date("1962-03-14T10:00"), Some("1962-03-14"));
        assert_eq!(date("2/9/93 ok"), Some("2/9/93"));
        assert_eq!(date("|19720918|"), Some("19720918"));
        assert_eq!(date("on March 3, 1980"), Some("March 3, 1980"));
        assert_eq!(date("Sept. 3rd 1941"), Some("Sept. 3rd 1941"));
        assert_eq!(date("14 March 1990"), Some("14 March 1990"));
        assert_eq!(date("3 février 1975,"), Some("3 février 1975"));
        assert_eq!(date("21 de enero de 1990."), Some("21 de enero de 1990"));
        assert_eq!(date("5-Aug-1979"), Some("5-Aug-1979"));
        assert_eq!(date("3. März 1980"), Some("3. März 1980"));
    }

    #[test]
    fn non_dates() {
        for s in [
            "1.2.3.4",
            "2024-13-01",
            "31/31/2020",
            "12/25",
            "25/100",
            "2.5.1",
            "1.12.3",
            "20241301",
        ] {
            assert_eq!(date(s), None, "{s}");
        }
    }

    #[test]
    fn dob_needs_its_label() {
        assert_eq!(
            detect_only("DOB: 03/14/1962", id::DATE_OF_BIRTH),
            ["03/14/1962"]
        );
        assert_eq!(
            detect_only("D.O.B.: 1958-11-02", id::DATE_OF_BIRTH),
            ["1958-11-02"]
        );
        assert_eq!(
            detect_only("DOB (MM/DD/YYYY): 11/23/1970", id::DATE_OF_BIRTH),
            ["11/23/1970"]
        );
        assert_eq!(
            detect_only("\"birthDate\":\"1949-06-17\"", id::DATE_OF_BIRTH),
            ["1949-06-17"]
        );
        assert_eq!(
            detect_only("born on September 3, 1941.", id::DATE_OF_BIRTH),
            ["September 3, 1941"]
        );
        assert_eq!(
            detect_only("Geburtsdatum: 07.03.1949", id::DATE_OF_BIRTH),
            ["07.03.1949"]
        );
        assert!(detect_only("Admitted 03/02/2024", id::DATE_OF_BIRTH).is_empty());
        assert!(detect_only("DOB 3/4/1985, admitted 5/6/2020", id::DATE_OF_BIRTH) == ["3/4/1985"]);
    }
}
