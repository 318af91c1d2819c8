//! Redaction benchmarks: latency on a typical 2 KB prompt and throughput on a few MB of mixed
//! text, both built from the labelled corpus (tests/fixtures/pii/corpus.jsonl), so the text has
//! the PII density, hard negatives and script mix the scoring test uses.
//!
//! ```text
//! cargo bench -p genie-core --bench redact
//! ```
//!
//! Besides criterion's report, prints one summary line per case (`µs per call`, `MB/s`).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use genie_core::redact::{Redactor, RedactorConfig, StreamRedactor};
use std::hint::black_box;
use std::time::Instant;

fn corpus_texts() -> Vec<(String, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/pii/corpus.jsonl"
    );
    let raw = std::fs::read_to_string(path).expect("reading the PII corpus");
    raw.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("corpus line is JSON");
            (
                v["domain"].as_str().unwrap_or("").to_string(),
                v["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The domains' texts interleaved until `size` bytes (cut at a character boundary): the same
/// construction as bench/pii/score.py's shared prompt.
fn interleaved(texts: &[(String, String)], size: usize) -> String {
    let mut by_domain: Vec<Vec<&str>> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (d, t) in texts {
        match names.iter().position(|n| n == d) {
            Some(k) => by_domain[k].push(t),
            None => {
                names.push(d);
                by_domain.push(vec![t]);
            }
        }
    }
    let mut out = String::new();
    let rows = by_domain.iter().map(Vec::len).min().unwrap_or(0);
    'fill: loop {
        for r in 0..rows {
            for d in &by_domain {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(d[r]);
                if out.len() >= size {
                    break 'fill;
                }
            }
        }
    }
    let mut cut = size;
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    out.truncate(cut);
    out
}

fn summary(name: &str, r: &Redactor, text: &str, iters: u32) {
    let t = Instant::now();
    for _ in 0..iters {
        black_box(r.redact(black_box(text)).expect("redaction"));
    }
    let per = t.elapsed().as_secs_f64() / f64::from(iters);
    println!(
        "summary {name}: {} bytes, {:.2} µs per call, {:.0} MB/s",
        text.len(),
        per * 1e6,
        text.len() as f64 / per / 1e6
    );
}

fn bench(c: &mut Criterion) {
    let texts = corpus_texts();
    let prompt = interleaved(&texts, 2048);
    let mixed = interleaved(&texts, 4 << 20);
    let general = Redactor::new(RedactorConfig::default()).expect("default config");
    let placeholder = Redactor::new(
        RedactorConfig::from_json(
            r#"{"profile": "healthcare", "operators": {"default": {"type": "placeholder"}}}"#,
        )
        .expect("config"),
    )
    .expect("redactor");

    // Warm the lazily built tables (name sets, numbering-plan regexes) outside the timings.
    general.redact(&mixed).expect("warm-up");
    placeholder.redact(&mixed).expect("warm-up");
    summary("prompt-2KB", &general, &prompt, 20_000);
    summary("mixed-4MB", &general, &mixed, 10);

    let mut g = c.benchmark_group("redact");
    g.throughput(Throughput::Bytes(prompt.len() as u64));
    g.bench_function(BenchmarkId::new("prompt-2KB", "replace"), |b| {
        b.iter(|| general.redact(black_box(&prompt)))
    });
    g.bench_function(BenchmarkId::new("prompt-2KB", "placeholder"), |b| {
        b.iter(|| placeholder.redact(black_box(&prompt)))
    });
    g.throughput(Throughput::Bytes(mixed.len() as u64));
    g.sample_size(10);
    g.bench_function(BenchmarkId::new("mixed-4MB", "replace"), |b| {
        b.iter(|| general.redact(black_box(&mixed)))
    });
    g.bench_function(BenchmarkId::new("mixed-4MB", "stream-64B-chunks"), |b| {
        b.iter(|| {
            let mut s = StreamRedactor::new(general.clone());
            let mut n = 0;
            let bytes = mixed.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                let mut j = (i + 64).min(bytes.len());
                while !mixed.is_char_boundary(j) {
                    j += 1;
                }
                n += s.push(&mixed[i..j]).expect("push").len();
                i = j;
            }
            n + s.flush().expect("flush").len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
