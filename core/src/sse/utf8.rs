//! UTF-8 for the parser: each chunk is validated once, up to a character cut by its end.
//!
//! Lines inside the valid prefix need no further decoding (line ends are ASCII, so a valid
//! prefix splits into valid lines), nor does a line joined across two chunks from their valid
//! prefixes (`Parser::line_valid`); everything else goes through the slow, lossy path in the
//! parser, which turns each invalid sequence into U+FFFD.

/// The longest valid UTF-8 prefix of `bytes`: all of it, or all but a character cut by the end
/// of the chunk, unless the stream sent invalid bytes (the slow path).
pub(super) fn valid_prefix(bytes: &[u8]) -> &str {
    let whole = &bytes[..without_cut_character(bytes)];
    match simdutf8::basic::from_utf8(whole) {
        Ok(text) => text,
        Err(_) => {
            let valid =
                simdutf8::compat::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), str::len);
            simdutf8::basic::from_utf8(&bytes[..valid]).unwrap_or_default()
        }
    }
}

/// `bytes.len()`, less the bytes of a multi-byte character that starts in the last three bytes
/// but does not end in them. Constant time; whether the bytes are valid is not its business.
fn without_cut_character(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(3) {
        let byte = bytes[bytes.len() - back];
        if byte & 0xC0 != 0x80 {
            // The lead byte of the last character (or ASCII): how long that character is.
            let len = match byte {
                0xF0.. => 4,
                0xE0.. => 3,
                0xC0.. => 2,
                _ => 1,
            };
            return if len > back {
                bytes.len() - back
            } else {
                bytes.len()
            };
        }
    }
    bytes.len()
}
