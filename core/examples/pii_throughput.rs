//! genie's side of the Presidio comparison in `bench/pii/` (run by `bench/pii/compare.sh`), and
//! a small driver for profiling the redactor.
//!
//! ```text
//! pii_throughput findings   CORPUS.jsonl OUT.jsonl  # every case's findings, code point offsets
//! pii_throughput texts      CORPUS.jsonl DIR        # writes the benchmark texts (see below)
//! pii_throughput throughput CORPUS.jsonl DIR        # MB/s and prompt latency, JSON on stdout
//! pii_throughput detectors  CORPUS.jsonl            # MB/s per detector: alone, and all but it
//! pii_throughput run mixed|prompt|dense N           # N `find` calls (for callgrind / perf)
//! ```
//!
//! The texts (`benches/pii_text/mod.rs` defines them; `texts` writes them so Presidio reads
//! the same bytes): `mixed.txt` (512 KiB of mixed prompts), `mixed-prompts.jsonl` (the same
//! text as its prompts, one JSON string per line), `prompt-2k.txt` (the typical 2 KB prompt of
//! that mix), `dense-2k.txt` (2 KB of interleaved corpus texts, the worst case).
//!
//! Each corpus case runs with its own `config`, or its domain's profile when `config` is null,
//! exactly as `core/tests/pii_score.rs` does. Throughput is single-threaded: every case
//! through its own redactor, the corpus concatenated (dense) and the mixed text through one
//! default redactor, in one call and one call per prompt (how an app calls it), the 4 MiB
//! mixed text too (genie only), and the two 2 KB prompts (`find` and `redact` latency, median
//! and p99).

#[path = "../benches/pii_text/mod.rs"]
#[allow(dead_code)] // the Rng helpers are for the generator itself
mod pii_text;

use genie_core::redact::{Redactor, RedactorConfig};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Size of the mixed text both engines run on in the comparison (Presidio handles it in
/// 10–30 s); the genie-only row uses 4 MiB.
const MIXED_BYTES: usize = 512 << 10;
const MIXED_SEED: u64 = 0x6e1e_2024;
const PROMPT_SEED: u64 = 7;

struct Case {
    id: String,
    text: String,
    redactor: Redactor,
}

fn fail(message: String) -> ! {
    eprintln!("pii_throughput: {message}");
    std::process::exit(2)
}

fn load(path: &str) -> Vec<Case> {
    let raw = std::fs::read_to_string(path).unwrap_or_else(|e| fail(format!("{path}: {e}")));
    raw.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap_or_else(|e| fail(format!("{e}")));
            let field = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
            let config = match &v["config"] {
                Value::Null => json!({ "profile": field("domain") }),
                other => other.clone(),
            };
            let redactor = RedactorConfig::from_value(config)
                .and_then(Redactor::new)
                .unwrap_or_else(|e| fail(format!("{}: {e}", field("id"))));
            Case {
                id: field("id"),
                text: field("text"),
                redactor,
            }
        })
        .collect()
}

fn findings(cases: &[Case], out: &str) {
    let mut lines = String::new();
    for case in cases {
        let found = case
            .redactor
            .find(&case.text)
            .unwrap_or_else(|e| fail(format!("{}: {e}", case.id)));
        // Bytes to code points, so the Python scorer compares with Presidio's str offsets.
        let cp = |byte: usize| case.text[..byte].chars().count();
        let spans: Vec<Value> = found
            .iter()
            .map(|f| json!({"type": f.entity.as_str(), "start": cp(f.start), "end": cp(f.end)}))
            .collect();
        lines.push_str(&json!({"id": case.id, "findings": spans}).to_string());
        lines.push('\n');
    }
    std::fs::write(out, lines).unwrap_or_else(|e| fail(format!("{out}: {e}")));
}

fn write(dir: &str, name: &str, text: &str) {
    let path = format!("{dir}/{name}");
    std::fs::write(&path, text).unwrap_or_else(|e| fail(format!("{path}: {e}")));
}

fn read(dir: &str, name: &str) -> String {
    let path = format!("{dir}/{name}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| fail(format!("{path}: {e}")))
}

fn texts(corpus: &str, dir: &str) {
    let prompts = pii_text::mixed_prompts(MIXED_SEED, MIXED_BYTES);
    let mixed = prompts.join("\n");
    write(dir, "mixed.txt", &mixed);
    let lines: Vec<String> = prompts.iter().map(|p| json!(p).to_string()).collect();
    write(dir, "mixed-prompts.jsonl", &(lines.join("\n") + "\n"));
    write(dir, "prompt-2k.txt", &pii_text::prompt(PROMPT_SEED));
    write(
        dir,
        "dense-2k.txt",
        &pii_text::dense(&pii_text::corpus_texts(corpus), 2048),
    );
    let found = default_redactor()
        .find(&mixed)
        .unwrap_or_else(|e| fail(format!("mixed text: {e}")));
    eprintln!(
        "mixed text: {} bytes, {} findings, one per {} bytes",
        mixed.len(),
        found.len(),
        mixed.len() / found.len().max(1)
    );
}

fn default_redactor() -> Redactor {
    Redactor::new(RedactorConfig::default()).unwrap_or_else(|e| fail(format!("default: {e}")))
}

/// Runs `f` repeatedly for at least `budget` and returns the mean seconds per call.
fn mean_seconds(budget: Duration, mut f: impl FnMut()) -> f64 {
    f();
    let (start, mut calls) = (Instant::now(), 0u32);
    while start.elapsed() < budget || calls < 3 {
        f();
        calls += 1;
    }
    start.elapsed().as_secs_f64() / f64::from(calls)
}

/// Median and 99th percentile in microseconds of `samples` timed calls of `f`.
fn latency_us(samples: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut times: Vec<f64> = (0..samples)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[samples / 2], times[samples * 99 / 100])
}

fn mb_s(r: &Redactor, text: &str) -> f64 {
    let s = mean_seconds(Duration::from_secs(2), || {
        std::hint::black_box(r.find(text).ok());
    });
    text.len() as f64 / s / 1e6
}

fn throughput(cases: &[Case], dir: &str) {
    let bytes: usize = cases.iter().map(|c| c.text.len()).sum();
    let per_case = mean_seconds(Duration::from_secs(2), || {
        for case in cases {
            std::hint::black_box(case.redactor.find(&case.text).ok());
        }
    });
    let joined = cases
        .iter()
        .map(|c| c.text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    let default = default_redactor();
    let mixed = read(dir, "mixed.txt");
    let prompts: Vec<String> = read(dir, "mixed-prompts.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| fail(format!("prompt line: {e}"))))
        .collect();
    let per_prompt = mean_seconds(Duration::from_secs(2), || {
        for p in &prompts {
            std::hint::black_box(default.find(p).ok());
        }
    });
    let big = pii_text::mixed(MIXED_SEED, 4 << 20);
    let mut report = json!({
        "engine": "genie",
        "corpus_bytes": bytes,
        "per_case_mb_s": bytes as f64 / per_case / 1e6,
        "concat_bytes": joined.len(),
        "concat_mb_s": mb_s(&default, &joined),
        "mixed_bytes": mixed.len(),
        "mixed_mb_s": mb_s(&default, &mixed),
        "mixed_prompts": prompts.len(),
        "per_prompt_mb_s": mixed.len() as f64 / per_prompt / 1e6,
        "mixed_4mib_mb_s": mb_s(&default, &big),
    });
    for (key, file) in [
        ("prompt", "prompt-2k.txt"),
        ("dense_prompt", "dense-2k.txt"),
    ] {
        let prompt = read(dir, file);
        for _ in 0..1000 {
            std::hint::black_box(default.find(&prompt).ok());
        }
        let (find_median, find_p99) = latency_us(20_000, || {
            std::hint::black_box(default.find(&prompt).ok());
        });
        let (redact_median, redact_p99) = latency_us(20_000, || {
            std::hint::black_box(default.redact(&prompt).ok());
        });
        report[format!("{key}_bytes")] = json!(prompt.len());
        report[format!("{key}_find_us_median")] = json!(find_median);
        report[format!("{key}_find_us_p99")] = json!(find_p99);
        report[format!("{key}_redact_us_median")] = json!(redact_median);
        report[format!("{key}_redact_us_p99")] = json!(redact_p99);
    }
    println!("{report}");
}

/// MB/s of each built-in detector alone (the `entities` config), on the mixed and the dense
/// text: where the time goes.
fn detectors(corpus: &str) {
    let mixed = pii_text::mixed(MIXED_SEED, 4 << 20);
    let dense = pii_text::dense(&pii_text::corpus_texts(corpus), 4 << 20);
    println!(
        "{:<24}{:>12}{:>12}{:>16}",
        "entities", "mixed MB/s", "dense MB/s", "all but, mixed"
    );
    let all = default_redactor();
    println!(
        "{:<24}{:>12.0}{:>12.0}",
        "(all, general profile)",
        mb_s(&all, &mixed),
        mb_s(&all, &dense)
    );
    // Each type alone (what its grammar costs with the walk), and every type but it (what
    // it adds to the shared scan).
    const TYPES: [&str; 12] = [
        "EMAIL",
        "PHONE",
        "CREDIT_CARD",
        "US_SSN",
        "IBAN",
        "IP_ADDRESS",
        "URL",
        "API_KEY",
        "DATE_OF_BIRTH",
        "MEDICAL_RECORD_NUMBER",
        "STREET_ADDRESS",
        "PERSON",
    ];
    let with = |types: Vec<&str>| {
        RedactorConfig::from_value(json!({ "entities": types }))
            .and_then(Redactor::new)
            .unwrap_or_else(|e| fail(format!("{types:?}: {e}")))
    };
    for ty in TYPES {
        let alone = with(vec![ty]);
        let all_but = with(TYPES.into_iter().filter(|&t| t != ty).collect());
        println!(
            "{ty:<24}{:>12.0}{:>12.0}{:>16.0}",
            mb_s(&alone, &mixed),
            mb_s(&alone, &dense),
            mb_s(&all_but, &mixed)
        );
    }
}

/// `n` `find` calls on one of the texts, for a profiler.
fn run(which: &str, n: usize) {
    let text = match which {
        "mixed" => pii_text::mixed(MIXED_SEED, 4 << 20),
        "prompt" => pii_text::prompt(PROMPT_SEED),
        "dense" => pii_text::dense(
            &pii_text::corpus_texts(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../tests/fixtures/pii/corpus.jsonl"
            )),
            4 << 20,
        ),
        other => fail(format!("unknown text {other:?}: mixed, prompt or dense")),
    };
    let r = default_redactor();
    // One call first builds the lazily compiled tables, so a profiler that collects only
    // inside `measured` (`valgrind --tool=callgrind --toggle-collect='*measured*'`) sees the
    // steady state.
    let warm = r.find(&text).map_or(0, |f| f.len());
    let found = measured(&r, &text, n);
    eprintln!(
        "{} bytes x {n}: {} findings per call",
        text.len(),
        found / n.max(1)
    );
    if found != warm * n {
        fail("findings changed between calls".into());
    }
}

#[inline(never)]
fn measured(r: &Redactor, text: &str, n: usize) -> usize {
    (0..n).map(|_| r.find(text).map_or(0, |f| f.len())).sum()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["findings", corpus, out] => findings(&load(corpus), out),
        ["texts", corpus, dir] => texts(corpus, dir),
        ["throughput", corpus, dir] => throughput(&load(corpus), dir),
        ["detectors", corpus] => detectors(corpus),
        ["run", which, n] => run(
            which,
            n.parse()
                .unwrap_or_else(|_| fail(format!("not a count: {n}"))),
        ),
        _ => fail(
            "usage: pii_throughput findings CORPUS OUT | texts CORPUS DIR | throughput CORPUS DIR \
             | detectors CORPUS | run mixed|prompt|dense N"
                .into(),
        ),
    }
}
