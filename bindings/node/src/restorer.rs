//! `StreamRestorer`: the core's streaming restore (`genie_core::redact::StreamRestorer`) for
//! JavaScript. It translates only: the mapping argument, and string chunks to UTF-8 (with
//! [`ChunkDecoder`], which joins a surrogate pair split between two chunks).

use genie_core::redact::StreamRestorer as CoreRestorer;
use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use crate::redact::read_mapping;
use crate::text::ChunkDecoder;

/// Puts the original values back into a model's answer as it streams: every placeholder of
/// `mapping` (`{ "[EMAIL_1]": "jane@example.com" }`, as `redact()` returns) becomes its value,
/// even when a placeholder is split across chunks (`"[EMA"` + `"IL_1]"`).
///
/// Push each chunk and send on what it returns; `flush()` at the end returns the rest. The
/// concatenated output equals `redactor.restore(wholeAnswer, mapping)`. It holds back at most
/// 64 bytes, from a `[` that may still open a placeholder; text without `[` passes through at
/// once. The mapping is copied when the restorer is made. One restorer per answer.
///
/// Chunks are strings. A surrogate pair may be split between two chunks; any other lone
/// surrogate is refused with `"INVALID_UTF8"`, and the refused chunk leaves the restorer as
/// it was.
#[napi]
pub struct StreamRestorer {
    inner: CoreRestorer,
    decoder: ChunkDecoder,
}

#[napi]
impl StreamRestorer {
    /// A restorer for the placeholders of `mapping`.
    ///
    /// @throws {Error} `code` `"INVALID_ARGUMENT"` if `mapping` is not an object of strings;
    /// `"INVALID_UTF8"` if it holds a lone surrogate.
    #[napi(constructor, ts_args_type = "mapping: Record<string, string>")]
    pub fn new(env: &Env, mapping: Unknown<'_>) -> napi::Result<Self> {
        Ok(StreamRestorer {
            inner: CoreRestorer::new(read_mapping(env, mapping)?),
            decoder: ChunkDecoder::default(),
        })
    }

    /// Takes the next chunk of the answer; returns the restored text that can be released now
    /// (`""` while a placeholder may still be arriving).
    ///
    /// @throws {Error} `code` `"INVALID_ARGUMENT"` if `chunk` is not a string; `"INVALID_UTF8"`
    /// for a lone surrogate (the chunk is refused, the restorer unchanged).
    #[napi(ts_args_type = "chunk: string")]
    pub fn push(&mut self, env: &Env, chunk: Unknown<'_>) -> napi::Result<String> {
        let text = self.decoder.chunk(env, chunk)?;
        Ok(self.inner.push(&text))
    }

    /// Ends the answer; returns the rest of the restored text. The restorer is then empty and
    /// can restore another answer with the same mapping.
    ///
    /// @throws {Error} `code` `"INVALID_UTF8"` if the last chunk ended with half a surrogate
    /// pair (push the other half, then flush again).
    #[napi]
    pub fn flush(&mut self, env: &Env) -> napi::Result<String> {
        self.decoder.check_end(env)?;
        Ok(self.inner.flush())
    }
}
