//! `Utf8Chunks`: turns byte chunks cut anywhere into text for the core's streaming types.
//!
//! The core's `StreamRedactor` and `StreamRestorer` take `&str` chunks; C hands over bytes cut
//! anywhere, often in the middle of a multi-byte character (a network read or a provider's
//! token boundary can split "é"). Rejecting such chunks would push every C caller into writing
//! its own UTF-8 reassembly, so the streams keep the at most 3 bytes of a character the last
//! chunk ended inside and complete it with the next chunk. Bytes that can never become UTF-8
//! are still rejected, with their offset. [`push`] and [`flush`] are the bodies of both
//! streams' C functions, so their argument checks and fail-closed handling are one code.

use genie_core::{Error, ErrorKind, Result};

use crate::boundary::{self, utf8_problem, Object};
use crate::status::genie_status;
use crate::text::genie_string;

/// A stream of text that takes byte chunks: the state of a C stream object.
pub(crate) trait TextStream {
    /// Its split-character buffer.
    fn chunks(&mut self) -> &mut Utf8Chunks;
    /// Takes whole characters; returns the text that can be released now.
    fn push_text(&mut self, text: &str) -> Result<String>;
    /// Ends the text; returns the rest.
    fn flush_text(&mut self) -> Result<String>;
}

/// `<stream>_push`: takes `len` bytes at `data` and writes the released text to `*text_out`
/// (NULL on failure, and then nothing of the chunk was taken).
///
/// # Safety
/// `stream` is NULL or a live stream object; `data` is NULL or points to `len` readable
/// bytes; `text_out` is NULL or writable.
pub(crate) unsafe fn push<O>(
    stream: *mut O,
    data: *const u8,
    len: usize,
    text_out: *mut *mut genie_string,
) -> genie_status
where
    O: Object,
    O::State: TextStream,
{
    boundary::call(|| {
        // SAFETY: the caller guarantees text_out is NULL or writable.
        let out = unsafe { boundary::arg_out(text_out, "text_out") }?;
        out.write_object((|| {
            // SAFETY: the caller guarantees stream is NULL or live.
            let stream = unsafe { O::from_raw(stream) }?;
            // SAFETY: the caller guarantees data is NULL or len readable bytes.
            let data = unsafe { boundary::arg_bytes(data, len, "data") }?;
            let mut state = stream.state_mut()?;
            let (text, pending) = state.chunks().split(data)?;
            let released = state.push_text(&text)?;
            state.chunks().commit(data.len(), pending);
            Ok(genie_string::into_raw(released))
        })())
    })
}

/// `<stream>_flush`: ends the text and writes the rest to `*text_out` (NULL on failure). A
/// text that ended inside a multi-byte character is refused and nothing changes.
///
/// # Safety
/// `stream` is NULL or a live stream object; `text_out` is NULL or writable.
pub(crate) unsafe fn flush<O>(stream: *mut O, text_out: *mut *mut genie_string) -> genie_status
where
    O: Object,
    O::State: TextStream,
{
    boundary::call(|| {
        // SAFETY: the caller guarantees text_out is NULL or writable.
        let out = unsafe { boundary::arg_out(text_out, "text_out") }?;
        out.write_object((|| {
            // SAFETY: the caller guarantees stream is NULL or live.
            let stream = unsafe { O::from_raw(stream) }?;
            let mut state = stream.state_mut()?;
            state.chunks().check_end()?;
            Ok(genie_string::into_raw(state.flush_text()?))
        })())
    })
}

/// The bytes of a character split across chunks, and how many bytes the stream accepted.
#[derive(Default)]
pub(crate) struct Utf8Chunks {
    /// The first bytes of a character the last chunk ended inside (a valid prefix, 1-3 bytes).
    pending: Vec<u8>,
    /// Bytes accepted so far, `pending` included: the stream offset of the next chunk's first
    /// byte.
    accepted: usize,
}

/// The length of the UTF-8 sequence `lead` starts (`lead` is the first byte of a valid
/// prefix, so at least 2 here).
fn sequence_len(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
    }
}

fn invalid_utf8(message: String) -> Error {
    Error::new(ErrorKind::InvalidUtf8, message)
}

impl Utf8Chunks {
    /// Splits `data` into the text that can go to the core now (the character `pending`
    /// started, completed, then every complete character of `data`) and the bytes of a
    /// character `data` ends inside. Changes nothing: [`Utf8Chunks::commit`] the split once
    /// the core took the text.
    pub(crate) fn split(&self, data: &[u8]) -> Result<(String, Vec<u8>)> {
        let mut head = self.pending.clone();
        let mut rest = data;
        if !head.is_empty() {
            let take = (sequence_len(head[0]) - head.len()).min(data.len());
            head.extend_from_slice(&data[..take]);
            rest = &data[take..];
            match std::str::from_utf8(&head) {
                Ok(_) => {}
                // Still incomplete: this chunk was shorter than the character's remainder.
                Err(e) if e.error_len().is_none() => return Ok((String::new(), head)),
                Err(_) => {
                    return Err(invalid_utf8(format!(
                        "data: invalid UTF-8 at byte {} of the stream: the multi-byte \
                         character the previous chunk ended inside is not continued correctly \
                         by this chunk; the chunk was rejected and the stream is unchanged",
                        self.accepted - self.pending.len()
                    )))
                }
            }
        }
        let skipped = data.len() - rest.len();
        let (valid, tail) = match std::str::from_utf8(rest) {
            Ok(text) => (text, &[][..]),
            Err(e) if e.error_len().is_none() => {
                let (valid, tail) = rest.split_at(e.valid_up_to());
                let valid = std::str::from_utf8(valid).map_err(|_| {
                    Error::new(ErrorKind::Internal, "a checked UTF-8 prefix did not decode")
                })?;
                (valid, tail)
            }
            Err(e) => {
                let at = skipped + e.valid_up_to();
                return Err(invalid_utf8(format!(
                    "data: invalid UTF-8 at byte {at} of this chunk, byte {} of the stream ({}); \
                     the chunk was rejected and the stream is unchanged",
                    self.accepted + at,
                    utf8_problem(data, at, e.error_len())
                )));
            }
        };
        let head = std::str::from_utf8(&head)
            .map_err(|_| Error::new(ErrorKind::Internal, "a checked character did not decode"))?;
        let mut text = String::with_capacity(head.len() + valid.len());
        text.push_str(head);
        text.push_str(valid);
        Ok((text, tail.to_vec()))
    }

    /// Records that a chunk of `len` bytes was taken, leaving `pending` (from
    /// [`Utf8Chunks::split`]) for the next chunk.
    pub(crate) fn commit(&mut self, len: usize, pending: Vec<u8>) {
        self.pending = pending;
        self.accepted += len;
    }

    /// Fails if the stream ended inside a multi-byte character (nothing changes).
    pub(crate) fn check_end(&self) -> Result<()> {
        match self.pending.first() {
            Some(&lead) => Err(invalid_utf8(format!(
                "stream: the text ended inside a multi-byte UTF-8 character that began at byte \
                 {} of the stream ({} of its {} bytes arrived); nothing was flushed and the \
                 stream is unchanged",
                self.accepted - self.pending.len(),
                self.pending.len(),
                sequence_len(lead)
            ))),
            None => Ok(()),
        }
    }
}
