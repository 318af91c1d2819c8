//! The detectors and the one scan that drives them.
//!
//! Shape (for speed, see the module doc of [`crate::redact`]): a few SIMD substring passes for
//! the rare anchors (`@`; `://`, `www.` and the HL7 segment tags together; `:`/`=`), then one
//! byte-class pass that stops only at token starts (a digit run, a capitalised word, a
//! key-shaped token), and runs a detector's grammar and validator only there; a `memchr` pass
//! takes PERSON to the words that start with an accented capital, which that pass does not
//! stop at. Every detector
//! reads a bounded neighbourhood of its anchor (at most [`crate::redact::text::MAX_LOOKBACK`]
//! bytes back and [`MAX_REACH`] bytes ahead, except URL and key tokens, which end where the
//! token ends), so the scan is linear and can restart anywhere given that much context.

mod address;
mod apikey;
mod card;
mod cues;
pub(crate) mod date;
mod email;
mod iban;
mod ip;
mod labels;
mod layout;
mod locality;
mod mrn;
mod names;
mod namesakes;
mod numbering;
mod password;
mod person;
mod phone;
mod phrases;
mod ssn;
mod table;
mod tokens;
pub(crate) mod url;

pub(crate) use apikey::key_byte;
#[cfg(test)]
pub(crate) use numbering::prepared as region_prepared;
pub(crate) use numbering::{prepare as prepare_region, region, RegionId};

use super::entity::id;
use super::text::{digit_run, word_char_before, Tok};
use crate::byte_scan::Positions2;
use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use std::sync::OnceLock;

/// Longest e-mail span (64-byte local part, `@`, 253-byte domain).
pub(crate) const MAX_EMAIL: usize = 64 + 1 + 253;

/// How far past a candidate's start any bounded detector may read: the longest bounded span
/// (an e-mail, 318 bytes; an address is capped at 200, a name at 96, a tenant match at 256)
/// plus lookahead for boundaries, extensions and trailing labels, rounded up. The stream
/// redactor holds back this much.
pub(crate) const MAX_REACH: usize = 512;

/// A raw detection: type id and byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cand {
    pub ty: u16,
    pub start: usize,
    pub end: usize,
}

/// A tenant-defined pattern, compiled.
#[derive(Debug)]
pub(crate) struct Custom {
    pub ty: u16,
    pub regex: Regex,
    pub context: Vec<String>,
}

/// What the scan looks for.
#[derive(Debug)]
pub(crate) struct Detectors {
    /// Bit `id` set = built-in type `id` enabled.
    pub enabled: u32,
    pub region: Option<RegionId>,
    pub custom: Vec<Custom>,
    pub profile: super::Profile,
}

/// The state of one scan: the haystack, where findings may start, and the output.
pub(crate) struct Scan<'a> {
    pub b: &'a [u8],
    pub from: usize,
    pub profile: super::Profile,
    enabled: u32,
    out: &'a mut Vec<Cand>,
    pub toks: Vec<Tok>,
}

impl Scan<'_> {
    pub fn on(&self, ty: u16) -> bool {
        self.enabled & (1 << ty) != 0
    }

    /// Records a candidate if its type is on and it starts in the scanned region.
    pub fn push(&mut self, ty: u16, start: usize, end: usize) {
        if self.on(ty) && start >= self.from && end > start {
            self.out.push(Cand { ty, start, end });
        }
    }
}

/// Appends to `out` every candidate of `text` that starts at or after `from` (the bytes before
/// `from` are context only).
pub(crate) fn scan(text: &str, from: usize, d: &Detectors, out: &mut Vec<Cand>) {
    let mut sc = Scan {
        b: text.as_bytes(),
        from,
        profile: d.profile,
        enabled: d.enabled,
        out,
        toks: Vec::with_capacity(8),
    };
    let hl7 = sc.on(id::PERSON) || sc.on(id::MRN) || sc.on(id::DATE_OF_BIRTH) || sc.on(id::US_SSN);
    let anchors = if sc.on(id::URL) || sc.on(id::API_KEY) || hl7 {
        multi_byte_anchors(sc.b, sc.from.saturating_sub(table::MAX_SEGMENT))
    } else {
        Vec::new()
    };
    if sc.on(id::EMAIL) {
        email::scan(&mut sc);
    }
    if sc.on(id::URL) {
        url::scan(&mut sc, &anchors);
    }
    if sc.on(id::API_KEY) {
        apikey::sendgrid(&mut sc, &anchors);
        password::basic_auth(&mut sc, &anchors);
    }
    colon_pass(&mut sc);
    if hl7 {
        table::hl7(&mut sc, &anchors);
    }
    main_pass(&mut sc, d.region);
    if sc.on(id::PERSON) {
        person::accented_starts(&mut sc);
    }
    for c in &d.custom {
        custom(&mut sc, text, c);
    }
}

/// A multi-byte anchor: a URL's `://` or `www.`/`WWW.`, an HL7 `PID|`/`NK1|` segment tag, the
/// `SG.` that starts a SendGrid key, or a command line's basic-auth flag (` -u `, `--user`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    Scheme,
    Www,
    Hl7 {
        pid: bool,
    },
    SendGrid,
    /// At the byte after the flag's last letter.
    BasicAuth,
}

/// Every multi-byte anchor of `b` from `lo` on, in text order. One Teddy pass for all eight
/// patterns costs about what one `memmem` pass did. No occurrence of one
/// pattern can overlap another's (no suffix of one is a prefix of another or of itself), so
/// the non-overlapping search reports every occurrence, as the separate searches did.
fn multi_byte_anchors(b: &[u8], lo: usize) -> Vec<(usize, Anchor)> {
    const PATTERNS: [(&str, Anchor); 8] = [
        ("://", Anchor::Scheme),
        ("www.", Anchor::Www),
        ("WWW.", Anchor::Www),
        ("PID|", Anchor::Hl7 { pid: true }),
        ("NK1|", Anchor::Hl7 { pid: false }),
        ("SG.", Anchor::SendGrid),
        (" -u", Anchor::BasicAuth),
        ("--user", Anchor::BasicAuth),
    ];
    static SEARCHER: OnceLock<AhoCorasick> = OnceLock::new();
    let searcher = SEARCHER.get_or_init(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(PATTERNS.map(|(p, _)| p))
            .expect("six short literal patterns always build")
    });
    searcher
        .find_iter(&b[lo..])
        .map(|m| {
            let (_, anchor) = PATTERNS[m.pattern().as_usize()];
            let at = if anchor == Anchor::BasicAuth {
                m.end()
            } else {
                m.start()
            };
            (lo + at, anchor)
        })
        .collect()
}

/// The furthest a `key = value` value starts after its `:`/`=` (quote, spaces, `Bearer `).
const ANCHOR_BEFORE_VALUE: usize = 16;

/// `:` and `=`: IPv6 addresses and `key = secret` assignments.
fn colon_pass(sc: &mut Scan<'_>) {
    let (v6, keys) = (sc.on(id::IP_ADDRESS), sc.on(id::API_KEY));
    if !v6 && !keys {
        return;
    }
    let b = sc.b;
    let mut skip_to = 0;
    // A value starts up to a few bytes after its `=` (spaces, a quote, `Bearer `), so anchors
    // are searched from that far before `from`: a restarted scan must still see the `=` of a
    // value that starts at `from`.
    let lo = sc.from.saturating_sub(ANCHOR_BEFORE_VALUE);
    for c in Positions2::new(b, lo, b':', b'=') {
        if keys {
            apikey::assignment_at(sc, c);
        }
        if v6 && b[c] == b':' && c >= skip_to {
            let hexish = |c: u8| c.is_ascii_hexdigit() || c == b':';
            let prev = c > 0 && hexish(b[c - 1]);
            let next = c + 1 < b.len() && hexish(b[c + 1]);
            if prev || next {
                skip_to = ip::ipv6_around(sc, c);
            }
        }
    }
}

/// The byte-class pass: it walks the key-shaped tokens ([`tokens::Tokens`], 64 bytes at a
/// time) and stops only at token starts and at the word starts inside a token (after a `-`).
fn main_pass(sc: &mut Scan<'_>, region: Option<RegionId>) {
    let b = sc.b;
    let numeric = [
        id::PHONE,
        id::CREDIT_CARD,
        id::US_SSN,
        id::IP_ADDRESS,
        id::DATE_OF_BIRTH,
        id::DATE,
        id::STREET_ADDRESS,
    ]
    .iter()
    .any(|&t| sc.on(t));
    let (keys, mrns) = (sc.on(id::API_KEY), sc.on(id::MRN));
    let words = sc.on(id::PERSON) || sc.on(id::IBAN);
    let tech = sc.profile == super::Profile::Tech;
    if !(numeric || keys || mrns || words) {
        return;
    }
    // A token needs a look when a detector starts at it (a digit or an upper-case letter), at
    // a word start inside it (after a `-`), or when it may be a key or an MRN.
    let want = tokens::Want {
        digit_first: numeric,
        upper_first: words,
        min_digits: if mrns { 5 } else { 0 },
        long: if keys { 10 } else { usize::MAX },
    };
    let mut name_toks = Vec::with_capacity(4);
    for t in tokens::Tokens::new(b, sc.from, want) {
        let (s, e) = (t.start, t.end);
        // A scan that starts inside a token (the stream's restart point) sees no token start
        // there, exactly as the whole-text scan does not.
        let token_start = s == 0 || (!tokens::is_key(b[s - 1]) && b[s - 1] != b'.');
        if token_start && b[s].is_ascii_alphanumeric() {
            if keys && e - s >= 10 && !apikey::token_at(sc, s) && e - s >= 20 && tech {
                apikey::contextual_at(sc, s, e);
            }
            if mrns && t.digits >= 5 {
                mrn::mrn_at(sc, s);
            }
        }
        let mut p = s;
        loop {
            let c = b[p];
            if (c.is_ascii_digit() && numeric || c.is_ascii_uppercase() && words)
                && !word_char_before(b, p)
            {
                if c.is_ascii_digit() {
                    digit_start(sc, p, region);
                } else {
                    word_start(sc, p, &mut name_toks);
                }
            }
            if !t.dash {
                break;
            }
            match memchr::memchr(b'-', &b[p..e]) {
                Some(k) if p + k + 1 < e => p = p + k + 1,
                _ => break,
            }
        }
    }
}

fn word_start(sc: &mut Scan<'_>, i: usize, name_toks: &mut Vec<person::NameTok>) {
    if sc.on(id::IBAN) && iban::may_start(sc.b, i) {
        iban::iban_at(sc, i);
    }
    if sc.on(id::PERSON) {
        person::person_at(sc, i, name_toks);
    }
}

/// The detectors that can start at the digit run `i`. Each gate is a shape every match of
/// that detector has (the run's length and the byte after it), so most runs (years, counts,
/// ports, latencies) reach no detector at all.
fn digit_start(sc: &mut Scan<'_>, i: usize, region: Option<RegionId>) {
    let b = sc.b;
    let n = digit_run(b, i, 20);
    let next = b.get(i + n).copied().unwrap_or(0);
    let digit_after = |k: usize| b.get(k).is_some_and(u8::is_ascii_digit);
    // 13–19 digits in one run, or a first group of four (the grouped forms).
    if sc.on(id::CREDIT_CARD)
        && ((13..=19).contains(&n) || (n == 4 && matches!(next, b' ' | b'-') && digit_after(i + 5)))
    {
        card::card_at(sc, i);
    }
    if sc.on(id::US_SSN) && (n == 9 || (n == 3 && matches!(next, b'-' | b' '))) {
        ssn::ssn_at(sc, i);
    }
    if sc.on(id::IP_ADDRESS) && n <= 3 && next == b'.' {
        ip::ipv4_at(sc, i);
    }
    // Seven digits at least, in this run or in groups joined by separators.
    if sc.on(id::PHONE)
        && (n >= 7 || (phone::group_follows(b, i + n) && phone::seven_digits_ahead(b, i + n, n)))
    {
        phone::phone_at(sc, i, region);
    }
    if (sc.on(id::DATE_OF_BIRTH) || sc.on(id::DATE)) && date::may_start(b, i, n) {
        date::scan_at(sc, i, n);
    }
    if sc.on(id::STREET_ADDRESS) && address::may_start(b, i, n) {
        address::address_at(sc, i);
    }
}

/// A tenant pattern: every match (from `from` on) whose context words, if any, are near.
fn custom(sc: &mut Scan<'_>, text: &str, c: &Custom) {
    let mut at = sc.from;
    while at <= text.len() {
        let Some(m) = c.regex.find_at(text, at) else {
            break;
        };
        at = if m.end() > m.start() {
            m.end()
        } else {
            m.end() + 1
        };
        if !c.context.is_empty() {
            super::text::tokens_before(sc.b, m.start(), 48, &mut sc.toks, 6);
            let toks = sc.toks.clone();
            let hit = toks.iter().any(|t| {
                c.context
                    .iter()
                    .any(|w| sc.b[t.start..t.end].eq_ignore_ascii_case(w.as_bytes()))
            }) || table::column_name(sc.b, m.start()).is_some_and(|(s, e)| {
                c.context.iter().any(|w| {
                    sc.b[s..e]
                        .split(|&x| matches!(x, b'_' | b' ' | b'-'))
                        .any(|p| p.eq_ignore_ascii_case(w.as_bytes()))
                })
            });
            if !hit {
                continue;
            }
        }
        if m.end() > m.start() && m.start() >= sc.from {
            sc.out.push(Cand {
                ty: c.ty,
                start: m.start(),
                end: m.end(),
            });
        }
    }
}

/// Test helper: the values of type `ty` found in `s` with every built-in on, US phones and the
/// tech profile, after overlap resolution.
#[cfg(test)]
pub(crate) fn detect_only(s: &str, ty: u16) -> Vec<&str> {
    detect_in(super::Profile::Tech, s, ty)
}

/// Test helper: the PERSON values [`detect_only`] finds in `s`.
#[cfg(test)]
pub(crate) fn people(s: &str) -> Vec<&str> {
    detect_only(s, id::PERSON)
}

/// Test helper: the cases of the labelled corpus `tests/fixtures/pii/corpus.jsonl`, parsed.
#[cfg(test)]
pub(crate) fn corpus_cases() -> Vec<serde_json::Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/pii/corpus.jsonl"
    );
    std::fs::read_to_string(path)
        .expect("the corpus is readable")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a corpus line is JSON"))
        .collect()
}

/// [`detect_only`] under another profile.
#[cfg(test)]
pub(crate) fn detect_in(profile: super::Profile, s: &str, ty: u16) -> Vec<&str> {
    let d = Detectors {
        enabled: u32::MAX,
        region: region("US"),
        custom: Vec::new(),
        profile,
    };
    let mut out = Vec::new();
    scan(s, 0, &d, &mut out);
    let kept = super::resolve::resolve(&mut out);
    kept.iter()
        .filter(|c| c.ty == ty)
        .map(|c| &s[c.start..c.end])
        .collect()
}
