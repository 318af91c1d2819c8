//! Decodes a recorded provider stream the way a server reads one off the network: in 2 KiB
//! chunks. Prints the answer's text, its usage, and whether it is complete or truncated.
//!
//! ```text
//! cargo run -p genie-core --example decode_stream -- [PROVIDER FILE]
//! cargo run -p genie-core --example decode_stream -- anthropic tests/fixtures/providers/anthropic-interrupted.sse
//! ```

use std::process::ExitCode;

use genie_core::provider::{Provider, StreamDecoder, StreamEvent};

const DEFAULT_PROVIDER: &str = "openai";
const DEFAULT_FILE: &str = "tests/fixtures/providers/openai-complete.sse";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (provider, path) = match args.as_slice() {
        [] => (DEFAULT_PROVIDER, fixture_path(DEFAULT_FILE)),
        [provider, path] => (provider.as_str(), path.clone()),
        _ => {
            eprintln!("usage: decode_stream [PROVIDER FILE]");
            return ExitCode::from(2);
        }
    };
    match run(provider, &path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("decode_stream: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves a repository-relative path whether the example runs from the repository root or
/// from `core/` (where `cargo run -p` may be started).
fn fixture_path(relative: &str) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    format!("{root}/{relative}")
}

fn run(provider: &str, path: &str) -> Result<(), String> {
    let provider = Provider::from_name(provider).map_err(|e| e.to_string())?;
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let mut decoder = StreamDecoder::new(provider);
    let mut skipped = Vec::new();
    for chunk in bytes.chunks(2048) {
        let fed = decoder.feed(chunk, |event| {
            if let StreamEvent::Malformed { message, .. } = event {
                skipped.push(message);
            }
        });
        if let Err(error) = fed {
            eprintln!("warning: {error}");
        }
    }
    let summary = decoder.finish();
    println!("provider:  {}", summary.provider);
    println!("text:      {}", summary.text);
    let usage = summary.usage;
    println!(
        "usage:     input {} · output {} · total {} · cached {} · reasoning {}",
        count(usage.input_tokens),
        count(usage.output_tokens),
        count(usage.total_tokens),
        count(usage.cached_tokens),
        count(usage.reasoning_tokens),
    );
    let finish = match (summary.finish_reason, &summary.raw_finish_reason) {
        (Some(reason), Some(raw)) => format!("{reason} ({raw})"),
        _ => "none".to_owned(),
    };
    println!("finish:    {finish}");
    if let Some(error) = &summary.error {
        println!("error:     {} — {}", error.kind, error.message);
    }
    println!(
        "complete:  {}",
        if summary.complete {
            "yes"
        } else {
            "NO — the stream ended before the provider's end marker; the answer may be truncated"
        }
    );
    println!(
        "skipped:   {} malformed event(s); {} keep-alive(s)",
        summary.malformed_events, summary.keepalives
    );
    for message in skipped {
        println!("           {message}");
    }
    Ok(())
}

fn count(n: Option<u64>) -> String {
    n.map_or_else(|| "-".to_owned(), |n| n.to_string())
}
