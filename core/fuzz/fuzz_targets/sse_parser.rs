//! Fuzzes `sse::Parser`: never a panic, the same result whatever the chunking, and (with the
//! default limits) the same result as a straightforward reading of the WHATWG algorithm.
//!
//! Input layout: byte 0 picks the limits (high bit: small limits from bytes 0-1) and the
//! chunking style, bytes 1-3 seed the chunk sizes, the rest is the stream. The stream is fed
//! whole, in pseudo-random chunks (empty ones included), and one byte at a time.

#![no_main]

use genie_core::sse::{Parser, ParserOptions};
use libfuzzer_sys::fuzz_target;

/// What a parser made of a stream: events, last-event-ID, retry, comments, and whether a limit
/// error was reported.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    events: Vec<(String, String, String)>,
    last_event_id: String,
    retry_ms: Option<u64>,
    comments: u64,
    limit_error: bool,
}

fn run<'a>(options: ParserOptions, chunks: impl Iterator<Item = &'a [u8]>) -> Outcome {
    let mut parser = Parser::with_options(options).expect("the limits are > 0");
    let mut events = Vec::new();
    let mut limit_error = false;
    for chunk in chunks {
        let fed = parser.feed(chunk, |e| {
            assert!(
                e.data.len() <= options.max_event_bytes,
                "event over the limit"
            );
            assert!(!e.event.is_empty(), "empty event type");
            assert!(!e.id.contains('\0'), "id with NUL");
            events.push((e.event.to_owned(), e.data.to_owned(), e.id.to_owned()));
        });
        if let Err(err) = fed {
            assert_eq!(err.kind(), genie_core::ErrorKind::LimitExceeded, "{err}");
            limit_error = true;
        }
    }
    parser.finish();
    Outcome {
        events,
        last_event_id: parser.last_event_id().to_owned(),
        retry_ms: parser.retry_ms(),
        comments: parser.comment_count(),
        limit_error,
    }
}

/// The WHATWG "interpret an event stream" algorithm, read literally over the decoded text.
fn reference(stream: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(stream);
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let mut out = Outcome {
        events: Vec::new(),
        last_event_id: String::new(),
        retry_ms: None,
        comments: 0,
        limit_error: false,
    };
    let (mut data, mut event_type, mut id_buffer) = (String::new(), String::new(), String::new());
    let mut rest = text;
    while let Some(end) = rest.find(['\r', '\n']) {
        let line = &rest[..end];
        let after = if rest[end..].starts_with("\r\n") {
            end + 2
        } else {
            end + 1
        };
        rest = &rest[after..];
        if line.is_empty() {
            out.last_event_id.clone_from(&id_buffer);
            if data.is_empty() {
                event_type.clear();
                continue;
            }
            data.pop();
            let name = if event_type.is_empty() {
                "message"
            } else {
                &event_type
            };
            out.events.push((
                name.to_owned(),
                std::mem::take(&mut data),
                out.last_event_id.clone(),
            ));
            event_type.clear();
            continue;
        }
        if line.starts_with(':') {
            out.comments += 1;
            continue;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => event_type = value.to_owned(),
            "data" => {
                data.push_str(value);
                data.push('\n');
            }
            "id" if !value.contains('\0') => id_buffer = value.to_owned(),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(ms) = value.parse() {
                    out.retry_ms = Some(ms);
                }
            }
            _ => {}
        }
    }
    out
}

/// xorshift64*: chunk sizes from the input's seed bytes.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

fuzz_target!(|input: &[u8]| {
    let [mode, a, b, c, stream @ ..] = input else {
        return;
    };
    let small = mode & 0x80 != 0;
    let options = if small {
        ParserOptions {
            max_line_bytes: 1 + usize::from(a % 64),
            max_event_bytes: 1 + usize::from(mode & 0x3F),
        }
    } else {
        ParserOptions::default()
    };

    let whole = run(options, std::iter::once(stream));

    let max_chunk = [1, 3, 16, 64, 300, 4096][usize::from(mode >> 4 & 0x7) % 6];
    let mut rng = Rng(u64::from_le_bytes([*a, *b, *c, *mode, 1, 2, 3, 4]) | 1);
    let mut chunks = Vec::new();
    let mut at = 0;
    while at < stream.len() {
        let size = rng.below(max_chunk + 1) as usize;
        let end = (at + size).min(stream.len());
        chunks.push(&stream[at..end]);
        at = end;
    }
    let chunked = run(options, chunks.iter().copied());
    assert_eq!(whole, chunked, "chunking changed the result: {chunks:?}");

    let bytewise = run(options, stream.chunks(1));
    assert_eq!(whole, bytewise, "byte-by-byte feeding changed the result");

    if !small {
        assert_eq!(whole, reference(stream), "differs from the WHATWG reading");
    }
});
