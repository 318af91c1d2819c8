//! Shows that the SSE parser's memory is constant in stream length.
//!
//! `cargo run --release -p genie-core --example sse_memory -- [MB] [KIND]` generates a KIND
//! stream (`openai`, `gemini`, `anthropic`, `openai-responses`; default `openai`) of MB
//! megabytes (default 200) on the fly, one 1 MiB batch at a time, and feeds each batch to one
//! `sse::Parser` in 2 KiB chunks. The whole stream never exists in memory, so the process's
//! peak RSS (`VmHWM` in `/proc/self/status`) is the parser's plus a constant: run it at 20 and
//! at 200 and the peaks match. It prints bytes, events, parse throughput (generation excluded)
//! and the peak RSS before and after.

#[path = "../benches/streams/mod.rs"]
#[allow(dead_code)] // the whole-stream helpers are for the benches
mod streams;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use genie_core::sse::Parser;
use streams::{Kind, StreamGen, CHUNK_BYTES, SEED};

/// How much generated stream is held at once; the only buffer that scales with anything.
const BATCH_BYTES: usize = 1 << 20;

/// The process's peak resident set size so far, in KiB (Linux only; `None` elsewhere).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn show(kib: Option<u64>) -> String {
    kib.map_or_else(|| "n/a".to_owned(), |k| format!("{k} KiB"))
}

fn parse_args() -> Result<(u64, Kind), String> {
    let mut args = std::env::args().skip(1);
    let megabytes = match args.next() {
        None => 200,
        Some(arg) => arg
            .parse::<u64>()
            .ok()
            .filter(|&mb| mb > 0)
            .ok_or_else(|| format!("MB must be a positive integer, got {arg:?}"))?,
    };
    let kind = match args.next() {
        None => Kind::OpenAi,
        Some(name) => Kind::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| format!("unknown KIND {name:?}; expected one of openai, gemini, anthropic, openai-responses"))?,
    };
    Ok((megabytes, kind))
}

fn main() -> ExitCode {
    let (megabytes, kind) = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("sse_memory: {message}\nusage: sse_memory [MB] [KIND]");
            return ExitCode::FAILURE;
        }
    };
    let before = peak_rss_kib();
    let mut gen = StreamGen::new(kind, SEED, megabytes * 1_000_000);
    let mut parser = Parser::new();
    let mut batch = Vec::with_capacity(BATCH_BYTES + (64 << 10));
    let (mut bytes, mut events, mut data_bytes) = (0u64, 0u64, 0u64);
    let mut parsing = Duration::ZERO;
    let mut more = true;
    while more {
        // Fill a batch with whole events, then parse it; a partial last chunk of the batch is
        // fine, the parser carries the partial line over.
        batch.clear();
        while batch.len() < BATCH_BYTES && more {
            more = gen.next_event(&mut batch);
        }
        let start = Instant::now();
        for chunk in batch.chunks(CHUNK_BYTES) {
            let fed = parser.feed(chunk, |event| {
                events += 1;
                data_bytes += event.data.len() as u64;
            });
            if let Err(err) = fed {
                eprintln!("sse_memory: the generated stream did not parse: {err}");
                return ExitCode::FAILURE;
            }
        }
        parsing += start.elapsed();
        bytes += batch.len() as u64;
    }
    parser.finish();
    let after = peak_rss_kib();
    println!(
        "sse_memory {kind:<9} {bytes:>11} bytes {events:>8} events {data_bytes:>11} data bytes \
         {:>7.0} MB/s parse | peak RSS before {} after {}",
        bytes as f64 / parsing.as_secs_f64() / 1e6,
        show(before),
        show(after),
        kind = kind.name(),
    );
    ExitCode::SUCCESS
}
