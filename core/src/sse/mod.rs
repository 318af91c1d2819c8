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
//! - fast and bounded: each chunk validated as UTF-8 once and scanned for line ends once (a
//!   bitmask per 64 bytes, see `byte_scan.rs`), no copy or allocation per event in steady state,
//!   events handed out as borrowed views, linear time whatever the chunking, and configurable
//!   line and event limits so a hostile stream cannot grow memory without bound.

mod parser;
mod utf8;
mod values;

pub use parser::Parser;
pub use values::{Event, EventRef, ParserOptions};
