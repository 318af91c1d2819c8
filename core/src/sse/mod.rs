//! Server-sent events: an incremental, sans-IO parser for the WHATWG event-stream format.
//!
//! This module owns turning bytes from the network into dispatched events, exactly as the
//! HTML Living Standard (§9.2 "Server-sent events") says, and nothing else: no IO, no provider
//! knowledge (that is [`crate::provider`]). Everything that reads a provider stream sits on it,
//! so it is built to be exact first and fast second:
//!
//! - exact: one BOM at offset 0 only, CR / LF / CRLF with a CR and its LF in different chunks,
//!   first-colon field split, `id` with NUL ignored, `retry` digits-only, unfinished events
//!   discarded at EOF, U+FFFD for invalid UTF-8;
//! - fast and bounded: each chunk scanned once, with the widest SIMD the CPU has, for line
//!   ends, CRs and non-ASCII bytes (bit masks per 64 bytes, see `parser/line_ends.rs`), only
//!   lines with a non-ASCII byte validated as UTF-8, no copy or allocation per event in steady state,
//!   events handed out as borrowed views, linear time whatever the chunking, and configurable
//!   line and event limits so a hostile stream cannot grow memory without bound.

mod parser;
mod values;

pub use parser::Parser;
pub use values::{Event, EventRef, ParserOptions};
