//! `Redactor` and `StreamRedactor`: the core's PII redaction (`genie_core::redact`) for
//! JavaScript, with offsets in UTF-16 code units (`text.slice(f.start, f.end)` is the value).
//!
//! The core reports byte offsets; [`Utf16Cursor`] converts them in one forward pass over the
//! text. A stream keeps no more of its input than converting needs (see
//! [`StreamRedactor::track`]). Result objects are built straight from the core's results by
//! [`Results`]; the `Finding` and `Redacted` structs here only declare their TypeScript shape.
//!
//! Fail closed, as the core: a call that fails returns no text at all.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use genie_core::redact::{
    Finding as CoreFinding, Mapping, OperatorKind, Redacted as CoreRedacted,
    Redactor as CoreRedactor, StreamRedactor as CoreStream,
};
use genie_core::{Error as CoreError, ErrorKind};
use napi::bindgen_prelude::{
    Array, AsyncTask, ClassInstance, FromNapiValue, JsObjectValue, KeyCollectionMode,
    KeyConversion, KeyFilter, Object, Unknown,
};
use napi::{Env, JsValue, ScopedTask, ValueType};
use napi_derive::napi;

use crate::args::describe;
use crate::config::redactor_config;
use crate::errors;
use crate::results::{unknown, Results};
use crate::text::{self, ChunkDecoder, StreamCursor, Utf16Cursor};

/// The operator `redact` applied to a finding (and the `type` of an operator in a config).
#[napi(string_enum = "lowercase")]
pub enum Operator {
    /// `<EMAIL>`.
    Replace,
    /// All but the last `keep_last` characters replaced by `char`.
    Mask,
    /// `<EMAIL:3f9a1c2b>`: HMAC-SHA256 under the configured key, first 8 hex digits.
    Hash,
    /// Deleted.
    Remove,
    /// `[EMAIL_1]`, numbered per document and per distinct value, recorded in the mapping.
    Placeholder,
}

impl From<OperatorKind> for Operator {
    fn from(kind: OperatorKind) -> Self {
        match kind {
            OperatorKind::Replace => Operator::Replace,
            OperatorKind::Mask => Operator::Mask,
            OperatorKind::Hash => Operator::Hash,
            OperatorKind::Remove => Operator::Remove,
            OperatorKind::Placeholder => Operator::Placeholder,
        }
    }
}

impl Operator {
    /// The string JS sees (napi's `lowercase` of the variant, the core's name).
    pub(crate) fn as_str(&self) -> &'static str {
        match self {
            Operator::Replace => "replace",
            Operator::Mask => "mask",
            Operator::Hash => "hash",
            Operator::Remove => "remove",
            Operator::Placeholder => "placeholder",
        }
    }
}

/// One detected value. Findings never carry the value itself: `text.slice(start, end)` of the
/// input is it.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    use_nullable = true
)]
pub struct Finding {
    /// The entity type: `"EMAIL"`, `"PHONE"`, ..., or a tenant type's name.
    #[napi(js_name = "type")]
    pub entity: String,
    /// UTF-16 offset of the value's first code unit in the input.
    pub start: u32,
    /// UTF-16 offset just after the value.
    pub end: u32,
    /// The operator `redact` applied; `null` from `find`.
    pub operator: Option<Operator>,
}

/// What `redact` returns.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct Redacted {
    /// The redacted text.
    pub text: String,
    /// What was found, in text order, with offsets into the input.
    pub findings: Vec<Finding>,
    /// Placeholder → original value (`{ "[EMAIL_1]": "jane@example.com" }`), for `restore`;
    /// empty unless the `placeholder` operator ran. It holds the PII: keep it where the
    /// original text may be kept.
    #[napi(ts_type = "Record<string, string>")]
    pub mapping: BTreeMap<String, String>,
    /// Findings per type name (`{ EMAIL: 2 }`); types with none are absent.
    #[napi(ts_type = "Record<string, number>")]
    pub counts: BTreeMap<String, u32>,
}

/// The REDACTION_FAILED error for offsets that do not fit the text (a bug; nothing is
/// returned).
fn inconsistent() -> CoreError {
    CoreError::new(
        ErrorKind::RedactionFailed,
        "redaction failed (inconsistent finding offsets); no text was returned",
    )
}

/// Rewrites `findings`' byte offsets into `text` as UTF-16 offsets.
fn to_utf16(text: &str, findings: &mut [CoreFinding]) -> Result<(), CoreError> {
    let mut cursor = Utf16Cursor::default();
    for f in findings {
        let start = cursor.advance(text.as_bytes(), f.start);
        let end = cursor.advance(text.as_bytes(), f.end);
        let (Some(start), Some(end)) = (start, end) else {
            return Err(inconsistent());
        };
        (f.start, f.end) = (start, end);
    }
    Ok(())
}

/// `redactor.redact(text)` with UTF-16 offsets.
fn redact_utf16(redactor: &CoreRedactor, text: &str) -> Result<CoreRedacted, CoreError> {
    let mut out = redactor.redact(text)?;
    to_utf16(text, &mut out.findings)?;
    Ok(out)
}

/// A PII redactor: finds e-mail addresses, phone numbers, card numbers, SSNs, IBANs, IP
/// addresses, URLs, API keys, birth dates, medical record numbers, street addresses, names
/// (and the config's tenant types) in text, and replaces them. Immutable: one redactor can
/// serve every request.
///
/// Offsets are UTF-16 code units, so `text.slice(start, end)` is a finding's value. Text must
/// be well-formed: a string holding a lone surrogate is refused with `code` `"INVALID_UTF8"`
/// (`text.toWellFormed()` replaces them).
///
/// Fail closed: if redaction fails inside genie the call throws `"REDACTION_FAILED"` and
/// returns no text, never the input.
#[napi]
pub struct Redactor {
    inner: CoreRedactor,
}

#[napi]
impl Redactor {
    /// A redactor for `config`: `undefined`/`null` (profile `"general"`: the twelve built-in
    /// types, each replaced by `<TYPE>`), a config object, JSON text (a string starting with
    /// `{`), or the path of a JSON file (relative to `process.cwd()`).
    ///
    /// @throws {Error} `code` `"INVALID_CONFIG"` with the path of the bad value in the message
    /// (`"allowlist.regex[1]: invalid regex: ..."`), also for a file that cannot be read or a
    /// `hash_key_env` variable that is not set; `"INVALID_ARGUMENT"` if `config` is not one of
    /// the above.
    #[napi(constructor, ts_args_type = "config?: RedactorConfig | string | null")]
    pub fn new(env: &Env, config: Option<Unknown<'_>>) -> napi::Result<Self> {
        let config = redactor_config(env, config)?;
        let inner = errors::guard(env, || Ok(CoreRedactor::new(config)))?
            .map_err(|e| errors::to_js(env, &e))?;
        Ok(Redactor { inner })
    }

    /// The PII in `text`, in text order, not overlapping (`operator` is `null`).
    ///
    /// @throws {Error} `code` `"INVALID_ARGUMENT"` if `text` is not a string; `"INVALID_UTF8"`
    /// if it holds a lone surrogate; `"REDACTION_FAILED"` on an internal failure.
    #[napi(ts_args_type = "text: string", ts_return_type = "Array<Finding>")]
    pub fn find<'env>(&self, env: &'env Env, text: Unknown<'env>) -> napi::Result<Array<'env>> {
        let text = text::text(env, "text", text)?;
        let findings = errors::guard(env, || {
            Ok(self.inner.find(&text).and_then(|mut findings| {
                to_utf16(&text, &mut findings)?;
                Ok(findings)
            }))
        })?
        .map_err(|e| errors::to_js(env, &e))?;
        Results::new(env).findings(&findings)
    }

    /// Redacts `text`: `{ text, findings, mapping, counts }`. Runs on the calling thread;
    /// `redactAsync` runs the same work on the thread pool.
    ///
    /// @throws {Error} `code` `"INVALID_ARGUMENT"` if `text` is not a string; `"INVALID_UTF8"`
    /// if it holds a lone surrogate; `"REDACTION_FAILED"` (and no text) on an internal failure.
    #[napi(ts_args_type = "text: string", ts_return_type = "Redacted")]
    pub fn redact<'env>(&self, env: &'env Env, text: Unknown<'env>) -> napi::Result<Unknown<'env>> {
        let text = text::text(env, "text", text)?;
        let redacted = errors::guard(env, || Ok(redact_utf16(&self.inner, &text)))?
            .map_err(|e| errors::to_js(env, &e))?;
        Ok(unknown(env, Results::new(env).redacted(&redacted)?))
    }

    /// `redact` without blocking the event loop: the text is copied out of the JS string on
    /// the calling thread, detection and replacement run on libuv's thread pool, and the
    /// result objects are made back on the calling thread. The same result as `redact`; worth
    /// it for large texts (about 1 MB and up), where `redact` would stall other requests.
    ///
    /// @throws {Error} synchronously, the argument errors of `redact`. The promise rejects with
    /// `code` `"REDACTION_FAILED"` (and no text) on an internal failure.
    #[napi(ts_args_type = "text: string", ts_return_type = "Promise<Redacted>")]
    pub fn redact_async(
        &self,
        env: &Env,
        text: Unknown<'_>,
    ) -> napi::Result<AsyncTask<RedactTask>> {
        let text = text::text(env, "text", text)?;
        Ok(AsyncTask::new(RedactTask {
            redactor: self.inner.clone(),
            text,
        }))
    }

    /// Puts the original values of `mapping` (a `Redacted.mapping`, or a stream's) back into
    /// `text` (a model's answer): every placeholder of the mapping becomes its value;
    /// anything else, unknown placeholders included, stays.
    ///
    /// @throws {Error} `code` `"INVALID_ARGUMENT"` if `text` is not a string or `mapping` not
    /// an object of strings; `"INVALID_UTF8"` if either holds a lone surrogate.
    #[napi(ts_args_type = "text: string, mapping: Record<string, string>")]
    pub fn restore(
        &self,
        env: &Env,
        text: Unknown<'_>,
        mapping: Unknown<'_>,
    ) -> napi::Result<String> {
        let text = text::text(env, "text", text)?;
        let mapping = read_mapping(env, mapping)?;
        errors::guard(env, || Ok(self.inner.restore(&text, &mapping)))
    }
}

/// A `mapping` argument: an object whose own enumerable properties map placeholders to values.
pub(crate) fn read_mapping(env: &Env, value: Unknown<'_>) -> napi::Result<Mapping> {
    if value.get_type()? != ValueType::Object || value.is_array()? {
        return Err(errors::invalid_argument(
            env,
            &format!(
                "mapping: expected an object of placeholders to values (as redact() returns), \
                 got {}",
                describe(&value)?
            ),
        ));
    }
    let object = Object::from_unknown(value)?;
    let keys = object.get_all_property_names(
        KeyCollectionMode::OwnOnly,
        KeyFilter::Enumerable,
        KeyConversion::NumbersToStrings,
    )?;
    let mut pairs = Vec::with_capacity(keys.get_array_length()? as usize);
    for index in 0..keys.get_array_length()? {
        let key: Unknown<'_> = keys.get_element(index)?;
        if key.get_type()? != ValueType::String {
            continue; // a symbol key cannot be a placeholder
        }
        let item: Unknown<'_> = object.get_property(key)?;
        let key = text::text(env, "mapping", key)?;
        let item = text::text(env, &format!("mapping[{key:?}]"), item)?;
        pairs.push((key, item));
    }
    Ok(pairs.into_iter().collect())
}

/// The work of `redactAsync`, run on libuv's thread pool.
pub struct RedactTask {
    redactor: CoreRedactor,
    text: String,
}

impl<'task> ScopedTask<'task> for RedactTask {
    type Output = Result<CoreRedacted, CoreError>;
    type JsValue = Unknown<'task>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        // The text is dropped here too, off the JS thread. A panic must not unwind out of the
        // pool thread (that aborts the process): it becomes INTERNAL.
        let text = std::mem::take(&mut self.text);
        let redactor = &self.redactor;
        Ok(
            catch_unwind(AssertUnwindSafe(|| redact_utf16(redactor, &text)))
                .unwrap_or_else(|payload| Err(errors::panicked(payload.as_ref()))),
        )
    }

    fn resolve(&mut self, env: &'task Env, output: Self::Output) -> napi::Result<Unknown<'task>> {
        let redacted = output.map_err(|e| errors::to_js(env, &e))?;
        Ok(unknown(env, Results::new(env).redacted(&redacted)?))
    }
}

/// Redacts a model's answer as it streams: push the text in chunks of any size, get back the
/// redacted text that can be shown now, and `flush()` at the end. The output equals redacting
/// the whole text at once (a value split across chunks, `"jane.doe@ex"` + `"ample.com"`, is
/// caught), with a bounded hold-back: at most 768 bytes plus the last chunk, more only while
/// one unbroken token such as a URL is still arriving (never more than 16 KiB).
///
/// Chunks are strings. A surrogate pair may be split between two chunks (a chunk ending in the
/// high half is completed by the next); any other lone surrogate is refused with
/// `"INVALID_UTF8"`, and the refused chunk leaves the stream as it was. `findings` offsets
/// are UTF-16 offsets into all the chunks pushed, joined.
///
/// One stream per answer; placeholders are numbered across the whole stream. After a
/// `"REDACTION_FAILED"` error the stream refuses further chunks.
#[napi]
pub struct StreamRedactor {
    inner: CoreStream,
    decoder: ChunkDecoder,
    offsets: StreamCursor,
    /// A lower bound of the stream offset up to which the core has released output.
    released: usize,
    /// How many of the core's findings are converted.
    converted: usize,
    /// The core's findings with UTF-16 offsets.
    findings: Vec<CoreFinding>,
    failed: bool,
}

#[napi]
impl StreamRedactor {
    /// A stream redactor with `redactor`'s configuration.
    ///
    /// @throws {Error} `code` `"INVALID_ARGUMENT"` if `redactor` is not a `Redactor`.
    #[napi(constructor, ts_args_type = "redactor: Redactor")]
    pub fn new(env: &Env, redactor: Unknown<'_>) -> napi::Result<Self> {
        let instance = if redactor.get_type()? == ValueType::Object {
            ClassInstance::<Redactor>::from_unknown(redactor).ok()
        } else {
            None
        };
        let Some(instance) = instance else {
            return Err(errors::invalid_argument(
                env,
                &format!(
                    "redactor: expected a Redactor (new Redactor(config)), got {}",
                    describe(&redactor)?
                ),
            ));
        };
        Ok(StreamRedactor {
            inner: CoreStream::new(instance.inner.clone()),
            decoder: ChunkDecoder::default(),
            offsets: StreamCursor::default(),
            released: 0,
            converted: 0,
            findings: Vec::new(),
            failed: false,
        })
    }

    /// Takes the next chunk of the answer; returns the redacted text that can be released now
    /// (often `""` while a possible value is still arriving).
    ///
    /// @throws {Error} `code` `"INVALID_ARGUMENT"` if `chunk` is not a string; `"INVALID_UTF8"`
    /// for a lone surrogate (the chunk is refused, the stream unchanged);
    /// `"REDACTION_FAILED"` (and no text) on an internal failure.
    #[napi(ts_args_type = "chunk: string")]
    pub fn push(&mut self, env: &Env, chunk: Unknown<'_>) -> napi::Result<String> {
        self.check_usable(env)?;
        let text = self.decoder.chunk(env, chunk)?;
        self.offsets.extend(&text);
        let out = errors::guard(env, || Ok(self.inner.push(&text)))?;
        self.settle(env, out)
    }

    /// Ends the stream; returns the rest of the redacted text.
    ///
    /// @throws {Error} `code` `"INVALID_UTF8"` if the last chunk ended with half a surrogate
    /// pair (push the other half, then flush again); `"REDACTION_FAILED"` (and no text) on an
    /// internal failure.
    #[napi]
    pub fn flush(&mut self, env: &Env) -> napi::Result<String> {
        self.check_usable(env)?;
        self.decoder.check_end(env)?;
        let out = errors::guard(env, || Ok(self.inner.flush()))?;
        self.settle(env, out)
    }

    /// Placeholder → original value for the whole stream so far, for `Redactor.restore`.
    #[napi(getter, ts_return_type = "Record<string, string>")]
    pub fn mapping<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        Ok(unknown(
            env,
            Results::new(env).mapping(self.inner.mapping())?,
        ))
    }

    /// The findings so far, with UTF-16 offsets into all the chunks pushed, joined.
    #[napi(getter, ts_return_type = "Array<Finding>")]
    pub fn findings<'env>(&self, env: &'env Env) -> napi::Result<Array<'env>> {
        Results::new(env).findings(&self.findings)
    }

    /// Findings per type name so far.
    #[napi(getter, ts_return_type = "Record<string, number>")]
    pub fn counts<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        Ok(unknown(env, Results::new(env).counts(self.inner.counts())?))
    }

    fn check_usable(&self, env: &Env) -> napi::Result<()> {
        if self.failed {
            return Err(errors::to_js(env, &stream_failed()));
        }
        Ok(())
    }

    /// The result of a core `push`/`flush`, with its new findings converted.
    fn settle(&mut self, env: &Env, out: Result<String, CoreError>) -> napi::Result<String> {
        let out = out.map_err(|e| errors::to_js(env, &e))?;
        if !self.track(&out) {
            self.failed = true;
            return Err(errors::to_js(env, &inconsistent()));
        }
        Ok(out)
    }

    /// Converts the findings the core added, then forgets the input no later finding can
    /// start in; false if an offset does not fit (a bug).
    ///
    /// Only the input from `released` on is kept, where `released` is a lower bound of the
    /// stream offset up to which the core has released output: findings come in text order,
    /// and none starts in released text. The bound follows from the output: when a call
    /// brought no finding, its output is the input from the core's previous cut, verbatim,
    /// so the cut moved by exactly its length; when it brought findings, the cut is at or
    /// after the last one's end. So the text kept is the core's own hold-back plus at most
    /// the unreplaced tail of one output.
    fn track(&mut self, out: &str) -> bool {
        let Some(new) = self.inner.findings().get(self.converted..) else {
            return false;
        };
        if new.is_empty() {
            self.released += out.len();
        }
        for f in new {
            let (Some(start), Some(end)) =
                (self.offsets.advance(f.start), self.offsets.advance(f.end))
            else {
                return false;
            };
            self.released = self.released.max(f.end);
            self.findings.push(CoreFinding {
                start,
                end,
                ..f.clone()
            });
        }
        self.converted += new.len();
        self.offsets.forget_before(self.released);
        true
    }
}

fn stream_failed() -> CoreError {
    CoreError::new(
        ErrorKind::RedactionFailed,
        "this stream failed earlier; start a new StreamRedactor",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use genie_core::redact::RedactorConfig;

    #[test]
    fn js_strings_are_the_core_names() {
        for kind in [
            OperatorKind::Replace,
            OperatorKind::Mask,
            OperatorKind::Hash,
            OperatorKind::Remove,
            OperatorKind::Placeholder,
        ] {
            assert_eq!(Operator::from(kind).as_str(), kind.as_str());
        }
    }

    #[test]
    fn offsets_become_utf16() {
        let r = CoreRedactor::new(RedactorConfig::default()).unwrap();
        let text = "é 👩‍💻 mail jane.doe@example.com 東京";
        let out = redact_utf16(&r, text).unwrap();
        let f = &out.findings[0];
        let units: Vec<u16> = text.encode_utf16().collect();
        assert_eq!(
            String::from_utf16(&units[f.start..f.end]).unwrap(),
            "jane.doe@example.com"
        );
    }
}
