//! Scores `genie_core::redact` against the labelled corpus `tests/fixtures/pii/corpus.jsonl`
//! (format and span conventions: `tests/fixtures/pii/README.md`).
//!
//! Two tests: `corpus_is_well_formed` checks the corpus itself and needs no engine (offsets,
//! overlaps, types, checksums of the labelled values, the hard-negative share);
//! `redactor_meets_the_score_floors` runs `Redactor::find` on every case and prints precision,
//! recall and F1 per type, exact span and overlap, the micro-F1 over the structured types and
//! over the twelve built-ins, false positives per hard-negative tag and allowlist violations. It
//! fails below the floors at the top of this file, which were set from measurement and never
//! below the issue's targets. `GENIE_PII_DETAILS=1` also lists every miss and false positive;
//! `GENIE_PII_CORPUS=path.jsonl` scores another corpus in the same format.
//!
//! ```text
//! cargo test -p genie-core --test pii_score -- --nocapture
//! ```

use genie_core::redact::{Redactor, RedactorConfig};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Floors set from measurement (463 cases: 1.000 structured, 0.990 over the twelve) with a
/// margin of a few findings; issue 3's targets are 0.95 and 0.85, and a floor never goes lower.
const MIN_EXACT_MICRO_F1_STRUCTURED: f64 = 0.98;
const MIN_EXACT_MICRO_F1_ALL: f64 = 0.97;
/// Per-type exact-span F1 floors (measured minus a finding or two), so a regression in one
/// detector fails even while the micro averages still pass.
const MIN_EXACT_F1_PER_TYPE: &[(&str, f64)] = &[
    ("EMAIL", 0.97),
    ("PHONE", 0.97),
    ("CREDIT_CARD", 0.95),
    ("US_SSN", 0.95),
    ("IBAN", 0.95),
    ("IP_ADDRESS", 0.97),
    ("URL", 0.95),
    ("API_KEY", 0.95),
    ("DATE_OF_BIRTH", 0.95),
    ("MEDICAL_RECORD_NUMBER", 0.93),
    ("STREET_ADDRESS", 0.95),
    // 0.982 on 564 cases, after the world gazetteer and accented capitals.
    ("PERSON", 0.97),
];

const STRUCTURED: [&str; 8] = [
    "EMAIL",
    "PHONE",
    "CREDIT_CARD",
    "US_SSN",
    "IBAN",
    "IP_ADDRESS",
    "URL",
    "API_KEY",
];
const CONTEXTUAL: [&str; 4] = [
    "DATE_OF_BIRTH",
    "MEDICAL_RECORD_NUMBER",
    "STREET_ADDRESS",
    "PERSON",
];
const OPT_IN: [&str; 1] = ["DATE"];
const DOMAINS: [&str; 3] = ["healthcare", "tech", "general"];

#[derive(Deserialize)]
struct Span {
    #[serde(rename = "type")]
    kind: String,
    start: usize,
    end: usize,
    value: String,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    domain: String,
    kind: String,
    text: String,
    config: Option<Value>,
    entities: Vec<Span>,
    #[serde(default)]
    negatives: Vec<String>,
    #[serde(default)]
    allowed: Vec<Span>,
}

const COMMITTED_CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/pii/corpus.jsonl"
);

/// The corpus to score: `GENIE_PII_CORPUS` when set (another labelled set in the same format,
/// such as a held-out one), else the committed corpus.
fn corpus_to_score() -> String {
    std::env::var("GENIE_PII_CORPUS").unwrap_or_else(|_| COMMITTED_CORPUS.to_owned())
}

fn load_corpus(path: &str) -> Vec<Case> {
    let raw = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    raw.lines()
        .enumerate()
        .map(|(n, line)| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("corpus.jsonl line {}: {e}", n + 1))
        })
        .collect()
}

/// Byte offset of every code point of `text`, plus `text.len()` at the end.
fn code_point_to_byte(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect()
}

fn custom_types(case: &Case) -> BTreeSet<String> {
    let custom = case.config.as_ref().and_then(|c| c.get("custom"));
    custom
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("type").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

// ---- validators for the labelled values (the corpus must hold what it claims) ---------------

fn luhn_ok(value: &str) -> bool {
    let digits: Vec<u32> = value.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| match (i % 2, d * 2) {
            (1, x) if x > 9 => x - 9,
            (1, x) => x,
            _ => d,
        })
        .sum();
    digits.len() >= 12 && sum.is_multiple_of(10)
}

fn iban_ok(value: &str) -> bool {
    let compact: String = value.chars().filter(|c| *c != ' ').collect();
    let b = compact.as_bytes();
    if !(15..=34).contains(&b.len())
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
        || !b.iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let rearranged = b[4..].iter().chain(&b[..4]);
    let rem = rearranged.fold(0u64, |acc, &c| {
        let v = u64::from(if c.is_ascii_digit() {
            c - b'0'
        } else {
            c.to_ascii_uppercase() - b'A' + 10
        });
        if v >= 10 {
            (acc * 100 + v) % 97
        } else {
            (acc * 10 + v) % 97
        }
    });
    rem == 1
}

fn ssn_ok(value: &str) -> bool {
    let d: String = value.chars().filter(char::is_ascii_digit).collect();
    d.len() == 9
        && !matches!(&d[..3], "000" | "666")
        && !d.starts_with('9')
        && &d[3..5] != "00"
        && &d[5..] != "0000"
}

fn ip_ok(value: &str) -> bool {
    let addr = value.split('%').next().unwrap_or(value);
    addr.parse::<std::net::IpAddr>().is_ok()
}

fn check_spans(case: &Case, spans: &[Span], types: &BTreeSet<String>, problems: &mut Vec<String>) {
    let chars: Vec<char> = case.text.chars().collect();
    let mut last_end = 0;
    for s in spans {
        let at = format!("{} {} {:?}", case.id, s.kind, s.value);
        if !types.contains(&s.kind) {
            problems.push(format!("{at}: unknown type"));
        }
        if s.start >= s.end || s.end > chars.len() {
            problems.push(format!("{at}: bad range {}..{}", s.start, s.end));
            continue;
        }
        if chars[s.start..s.end].iter().collect::<String>() != s.value {
            problems.push(format!("{at}: value != text[start:end]"));
        }
        if s.start < last_end {
            problems.push(format!("{at}: overlaps the previous span"));
        }
        last_end = s.end;
        if s.value.trim() != s.value {
            problems.push(format!("{at}: surrounding whitespace"));
        }
        let valid = match s.kind.as_str() {
            "CREDIT_CARD" => luhn_ok(&s.value),
            "IBAN" => iban_ok(&s.value),
            "US_SSN" => ssn_ok(&s.value),
            "IP_ADDRESS" => ip_ok(&s.value),
            "EMAIL" => s.value.contains('@') && !s.value.starts_with("mailto:"),
            _ => true,
        };
        if !valid {
            problems.push(format!("{at}: fails its validator"));
        }
    }
}

#[test]
fn corpus_is_well_formed() {
    let corpus = load_corpus(COMMITTED_CORPUS);
    let mut problems = Vec::new();
    let mut ids = BTreeSet::new();
    for case in &corpus {
        if !ids.insert(case.id.clone()) {
            problems.push(format!("{}: duplicate id", case.id));
        }
        if !DOMAINS.contains(&case.domain.as_str()) || case.kind.is_empty() {
            problems.push(format!("{}: bad domain or kind", case.id));
        }
        let mut types: BTreeSet<String> = STRUCTURED
            .iter()
            .chain(&CONTEXTUAL)
            .chain(&OPT_IN)
            .map(|t| t.to_string())
            .collect();
        types.extend(custom_types(case));
        check_spans(case, &case.entities, &types, &mut problems);
        check_spans(case, &case.allowed, &types, &mut problems);
        if !case.allowed.is_empty() && !case.negatives.iter().any(|t| t == "ALLOWLIST") {
            problems.push(format!(
                "{}: allowed spans without the ALLOWLIST tag",
                case.id
            ));
        }
        if let Some(config) = &case.config {
            if let Err(e) = RedactorConfig::from_value(config.clone()) {
                problems.push(format!("{}: config rejected: {e}", case.id));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "corpus problems:\n{}",
        problems.join("\n")
    );

    let with_negatives = corpus.iter().filter(|c| !c.negatives.is_empty()).count();
    assert!(corpus.len() >= 300, "only {} cases", corpus.len());
    assert!(
        with_negatives * 3 >= corpus.len(),
        "only {with_negatives} of {} cases hold hard negatives",
        corpus.len()
    );
    for domain in DOMAINS {
        let n = corpus.iter().filter(|c| c.domain == domain).count();
        assert!(n >= 80, "only {n} {domain} cases");
    }
    for kind in STRUCTURED.iter().chain(&CONTEXTUAL) {
        let n = corpus
            .iter()
            .flat_map(|c| &c.entities)
            .filter(|e| e.kind == *kind)
            .count();
        assert!(n >= 10, "only {n} {kind} entities");
    }
}

// ---- scoring ------------------------------------------------------------------------------

/// Counts for one type. Exact: same type and byte range. Overlap: same type, ranges intersect
/// (recall counts labels hit by some finding, precision counts findings that hit some label).
#[derive(Default, Clone, Copy)]
struct Tally {
    labels: usize,
    found: usize,
    exact: usize,
    overlap_labels: usize,
    overlap_found: usize,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.labels += o.labels;
        self.found += o.found;
        self.exact += o.exact;
        self.overlap_labels += o.overlap_labels;
        self.overlap_found += o.overlap_found;
    }

    fn exact_prf(&self) -> (f64, f64, f64) {
        prf(self.exact, self.found, self.exact, self.labels)
    }

    fn overlap_prf(&self) -> (f64, f64, f64) {
        prf(
            self.overlap_found,
            self.found,
            self.overlap_labels,
            self.labels,
        )
    }
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

fn prf(tp_p: usize, found: usize, tp_r: usize, labels: usize) -> (f64, f64, f64) {
    let (p, r) = (ratio(tp_p, found), ratio(tp_r, labels));
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

type ByteSpan = (String, usize, usize);

#[derive(Default)]
struct Score {
    per_type: BTreeMap<String, Tally>,
    false_positives_by_tag: BTreeMap<String, usize>,
    allowlist_violations: Vec<String>,
    details: Vec<String>,
}

impl Score {
    fn record(
        &mut self,
        case: &Case,
        labels: &[ByteSpan],
        found: &[ByteSpan],
        allowed: &[ByteSpan],
    ) {
        let overlaps = |a: &ByteSpan, b: &ByteSpan| a.0 == b.0 && a.1 < b.2 && b.1 < a.2;
        for l in labels {
            let t = self.per_type.entry(l.0.clone()).or_default();
            t.labels += 1;
            t.exact += usize::from(found.contains(l));
            t.overlap_labels += usize::from(found.iter().any(|f| overlaps(f, l)));
            if !found.contains(l) {
                self.details
                    .push(format!("{} MISS {}", case.id, show(&case.text, l)));
            }
        }
        for f in found {
            let t = self.per_type.entry(f.0.clone()).or_default();
            t.found += 1;
            t.overlap_found += usize::from(labels.iter().any(|l| overlaps(f, l)));
            if labels.contains(f) {
                continue;
            }
            self.details
                .push(format!("{} FP   {}", case.id, show(&case.text, f)));
            for tag in &case.negatives {
                *self.false_positives_by_tag.entry(tag.clone()).or_default() += 1;
            }
            if allowed.iter().any(|a| a.1 < f.2 && f.1 < a.2) {
                self.allowlist_violations
                    .push(format!("{} {}", case.id, show(&case.text, f)));
            }
        }
    }

    fn micro(&self, types: &[&str]) -> Tally {
        let mut total = Tally::default();
        for t in types {
            if let Some(tally) = self.per_type.get(*t) {
                total.add(tally);
            }
        }
        total
    }

    fn report(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<24} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
            "type", "labels", "found", "ex.P", "ex.R", "ex.F1", "ov.P", "ov.R", "ov.F1"
        );
        let mut row = |name: &str, t: &Tally| {
            let (ep, er, ef) = t.exact_prf();
            let (op, or, of) = t.overlap_prf();
            let _ = writeln!(
                out,
                "{name:<24} {:>6} {:>6} | {ep:>6.3} {er:>6.3} {ef:>6.3} | {op:>6.3} {or:>6.3} {of:>6.3}",
                t.labels, t.found
            );
        };
        for (name, tally) in &self.per_type {
            row(name, tally);
        }
        row("micro: structured (8)", &self.micro(&STRUCTURED));
        let twelve: Vec<&str> = STRUCTURED.iter().chain(&CONTEXTUAL).copied().collect();
        row("micro: built-ins (12)", &self.micro(&twelve));
        let every: Vec<&str> = self.per_type.keys().map(String::as_str).collect();
        row("micro: every type", &self.micro(&every));
        let _ = writeln!(
            out,
            "false positives in cases tagged: {:?}",
            self.false_positives_by_tag
        );
        let _ = writeln!(
            out,
            "allowlist violations: {}",
            self.allowlist_violations.len()
        );
        for v in &self.allowlist_violations {
            let _ = writeln!(out, "  {v}");
        }
        out
    }
}

fn show(text: &str, span: &ByteSpan) -> String {
    let mut lo = span.1.saturating_sub(25);
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = (span.2 + 25).min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    format!(
        "{} {:?} in …{}…",
        span.0,
        &text[span.1..span.2],
        text[lo..hi].replace('\n', "⏎")
    )
}

fn redactor_for(case: &Case) -> Redactor {
    let config = match &case.config {
        Some(config) => config.clone(),
        None => json!({ "profile": case.domain }),
    };
    let config = RedactorConfig::from_value(config)
        .unwrap_or_else(|e| panic!("{}: config rejected: {e}", case.id));
    Redactor::new(config).unwrap_or_else(|e| panic!("{}: Redactor::new failed: {e}", case.id))
}

fn to_bytes(text: &str, spans: &[Span]) -> Vec<ByteSpan> {
    let map = code_point_to_byte(text);
    spans
        .iter()
        .map(|s| (s.kind.clone(), map[s.start], map[s.end]))
        .collect()
}

#[test]
fn redactor_meets_the_score_floors() {
    let corpus = load_corpus(&corpus_to_score());
    let mut score = Score::default();
    for case in &corpus {
        let findings = redactor_for(case)
            .find(&case.text)
            .unwrap_or_else(|e| panic!("{}: find failed: {e}", case.id));
        let found: Vec<ByteSpan> = findings
            .iter()
            .map(|f| (f.entity.as_str().to_owned(), f.start, f.end))
            .collect();
        let labels = to_bytes(&case.text, &case.entities);
        let allowed = to_bytes(&case.text, &case.allowed);
        score.record(case, &labels, &found, &allowed);
    }
    let report = score.report();
    println!("PII corpus: {} cases\n{report}", corpus.len());
    if std::env::var_os("GENIE_PII_DETAILS").is_some() {
        println!("{}", score.details.join("\n"));
    }

    let mut failures = Vec::new();
    let structured = score.micro(&STRUCTURED).exact_prf().2;
    if structured < MIN_EXACT_MICRO_F1_STRUCTURED {
        failures.push(format!(
            "structured exact micro-F1 {structured:.3} < {MIN_EXACT_MICRO_F1_STRUCTURED}"
        ));
    }
    let twelve: Vec<&str> = STRUCTURED.iter().chain(&CONTEXTUAL).copied().collect();
    let all = score.micro(&twelve).exact_prf().2;
    if all < MIN_EXACT_MICRO_F1_ALL {
        failures.push(format!(
            "12-type exact micro-F1 {all:.3} < {MIN_EXACT_MICRO_F1_ALL}"
        ));
    }
    for (kind, floor) in MIN_EXACT_F1_PER_TYPE {
        let f1 = score.per_type.get(*kind).map_or(0.0, |t| t.exact_prf().2);
        if f1 < *floor {
            failures.push(format!("{kind} exact F1 {f1:.3} < {floor}"));
        }
    }
    if !score.allowlist_violations.is_empty() {
        failures.push(format!(
            "{} allowlist violation(s)",
            score.allowlist_violations.len()
        ));
    }
    assert!(
        failures.is_empty(),
        "{}\n\n{report}\n(GENIE_PII_DETAILS=1 lists every miss and false positive)",
        failures.join("\n")
    );
}
