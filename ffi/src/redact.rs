//! The PII redactor's C surface: `genie_redactor` (config → find, redact, restore), its
//! results `genie_redaction` / `genie_finding`, and the submodules for placeholder mappings
//! (`mapping`), streaming output redaction (`stream`), streaming restore (`restorer`) and the
//! UTF-8 reassembly both streams share (`chunks`).
//!
//! A thin translation of [`genie_core::redact`]: what counts as PII, which operator runs and
//! how placeholders are restored is the core's business; this module checks C arguments (NULL,
//! UTF-8), hands results out as owned objects with byte offsets, and keeps the core's
//! fail-closed promise at the boundary: every failure leaves the caller with no text at all.

use std::ffi::c_char;
use std::path::PathBuf;

use genie_core::redact::{Finding, OperatorKind, Redacted, Redactor, RedactorConfig};
use genie_core::{Error, ErrorKind, Result};

use crate::boundary::{self, Out};
use crate::status::genie_status;
use crate::text::{genie_str, genie_string};

mod chunks;
mod mapping;
mod restorer;
mod stream;

pub use mapping::*;
pub use restorer::*;
pub use stream::*;

/// A configured PII redactor. Opaque: make one with `genie_redactor_new` or
/// `genie_redactor_new_from_path`, free it with `genie_redactor_free`.
///
/// Unlike genie's other objects, a redactor IS thread-safe: it never changes after it is made,
/// so one redactor may be shared by any number of threads, which may call
/// `genie_redactor_find`, `genie_redactor_redact`, `genie_redactor_restore` and
/// `genie_stream_redactor_new` on it at the same time. Make one per configuration at start-up
/// (making one loads detection tables: the first takes a noticeable fraction of a second,
/// later ones are cheap) and share it; do not free it while another thread still uses it.
///
/// Fail closed: a function that produces text either succeeds with the complete redacted (or
/// restored) text or fails, sets its output pointer to NULL and returns no text at all, never
/// the input and never a partly redacted string. Text arguments are bytes with a length, must
/// be UTF-8 (they may contain NUL bytes), and are read during the call only.
pub struct genie_redactor {
    redactor: Redactor,
}

/// One value the redactor found. Offsets are BYTE offsets into the text that was passed in:
/// the value is the `end - start` bytes at `text + start` (genie's Python library reports code
/// points and its Node library UTF-16 units for the same finding).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct genie_finding {
    /// The entity type: "EMAIL", "PHONE", "CREDIT_CARD", "US_SSN", "IBAN", "IP_ADDRESS",
    /// "URL", "API_KEY", "DATE_OF_BIRTH", "MEDICAL_RECORD_NUMBER", "STREET_ADDRESS",
    /// "PERSON", "DATE", or a tenant type named in the configuration's `custom` patterns.
    pub r#type: genie_str,
    /// Byte offset of the value's first byte.
    pub start: usize,
    /// Byte offset just past the value's last byte.
    pub end: usize,
    /// The operator that replaced the value: "replace", "mask", "hash", "remove" or
    /// "placeholder"; absent (ptr NULL) in the results of `genie_redactor_find`, which
    /// replaces nothing. (Named operator_name because `operator` is a C++ keyword.)
    pub operator_name: genie_str,
}

impl genie_finding {
    fn new(finding: &Finding) -> Self {
        genie_finding {
            r#type: genie_str::new(finding.entity.as_str()),
            start: finding.start,
            end: finding.end,
            operator_name: genie_str::optional(finding.operator.map(OperatorKind::as_str)),
        }
    }
}

/// The result of `genie_redactor_redact` or `genie_redactor_find` (or a stream's snapshot):
/// the redacted text, the findings, the placeholder mapping and the count per type. Opaque:
/// read it with the `genie_redaction_*` functions, free it with `genie_redaction_free`.
///
/// An owned object with accessors rather than structs filled in by the call: one allocation
/// holds everything, nothing is copied until you ask for it, the borrowed strings have one
/// simple lifetime (until the result is freed), and fields can be added without breaking the
/// ABI. The three producers share it so one set of accessors reads them all.
///
/// It holds no values in the clear except inside its mapping (placeholder → original value,
/// for `genie_redactor_restore`): findings carry only types and offsets, and counts only
/// numbers, so they are safe to log for audit. It never changes: any number of threads may
/// read it at once; free it once, after the last read.
pub struct genie_redaction {
    text: Option<String>,
    findings: Vec<Finding>,
    mapping: genie_mapping,
    counts: Vec<(String, u64)>,
}

impl genie_redaction {
    pub(crate) fn new(text: Option<String>, redacted: Redacted) -> genie_redaction {
        genie_redaction {
            text,
            findings: redacted.findings,
            mapping: genie_mapping::from_core(redacted.mapping),
            counts: redacted.counts.into_iter().collect(),
        }
    }

    fn into_raw(self) -> *mut genie_redaction {
        Box::into_raw(Box::new(self))
    }
}

/// Writes a new redactor made by `make` to `out`, or NULL on failure.
fn write_redactor(
    out: Out<'_, *mut genie_redactor>,
    make: impl FnOnce() -> Result<Redactor>,
) -> Result<()> {
    out.write_object(make().map(|redactor| Box::into_raw(Box::new(genie_redactor { redactor }))))
}

/// Makes a redactor from a JSON configuration document (the same document genie's Python and
/// Node libraries accept; see the README): the `config_len` bytes at `config_json`, which
/// need not be NUL-terminated. `config_json` NULL or `config_len` 0 means the defaults
/// (profile "general", every type replaced by `<TYPE>`).
///
/// An invalid document gives GENIE_STATUS_INVALID_CONFIG with a message naming the path of
/// the bad value and the reason (`allowlist.regex[1]: invalid regex: ...`); bytes that are not
/// UTF-8 give GENIE_STATUS_INVALID_UTF8; a NULL `config_json` with a non-zero length gives
/// GENIE_STATUS_NULL_ARGUMENT. A configuration with a "hash" operator reads its HMAC key from
/// the environment variable named by `hash_key_env` now, once: set it before this call.
///
/// The document is read, not kept. On success `*redactor_out` is a new redactor that the
/// caller owns and must free with `genie_redactor_free`; on failure it is set to NULL (when
/// `redactor_out` itself is not NULL). Thread-safe.
///
/// # Safety
/// `config_json` is NULL or points to `config_len` readable bytes; `redactor_out` is NULL or
/// points to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn genie_redactor_new(
    config_json: *const c_char,
    config_len: usize,
    redactor_out: *mut *mut genie_redactor,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees redactor_out is NULL or writable.
        let out = unsafe { boundary::arg_out(redactor_out, "redactor_out") }?;
        write_redactor(out, || {
            // SAFETY: the caller guarantees config_json is NULL or config_len readable bytes.
            let json =
                unsafe { boundary::arg_utf8(config_json.cast(), config_len, "config_json") }?;
            if json.is_empty() {
                Redactor::new(RedactorConfig::default())
            } else {
                Redactor::new(RedactorConfig::from_json(json)?)
            }
        })
    })
}

/// Makes a redactor from the JSON configuration file at `path` (a NUL-terminated file system
/// path; relative paths are relative to the process's working directory).
///
/// A file that cannot be read or is not a valid configuration gives
/// GENIE_STATUS_INVALID_CONFIG; the message starts with the path and names the bad value's
/// path in the document. `path` and `redactor_out` must not be NULL. The file is read once,
/// now. On success `*redactor_out` is a new redactor that the caller owns and must free with
/// `genie_redactor_free`; on failure it is set to NULL (when `redactor_out` itself is not
/// NULL). Thread-safe.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string; `redactor_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_redactor_new_from_path(
    path: *const c_char,
    redactor_out: *mut *mut genie_redactor,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees redactor_out is NULL or writable.
        let out = unsafe { boundary::arg_out(redactor_out, "redactor_out") }?;
        write_redactor(out, || {
            // SAFETY: the caller guarantees path is NULL or NUL-terminated.
            let path = os_path(unsafe { boundary::arg_c_str(path, "path") }?.to_bytes())?;
            let config = RedactorConfig::from_path(&path)?;
            // The core names the file in read and parse errors; the checks Redactor::new
            // makes (regexes, type names) get the same prefix so every message names it.
            Redactor::new(config).map_err(|error| {
                let file = path.display().to_string();
                if error.message().starts_with(&file) {
                    error
                } else {
                    Error::new(error.kind(), format!("{file}: {}", error.message()))
                }
            })
        })
    })
}

/// A C path as the OS's: any bytes on Unix, UTF-8 elsewhere.
pub(crate) fn os_path(bytes: &[u8]) -> Result<PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(bytes).map(PathBuf::from).map_err(|_| {
            Error::new(
                ErrorKind::InvalidUtf8,
                "path: must be UTF-8 on this platform",
            )
        })
    }
}

/// Runs one of the text-to-result operations behind `genie_redactor_find` / `_redact`.
///
/// # Safety
/// As those functions.
unsafe fn run(
    redactor: *const genie_redactor,
    text: *const u8,
    len: usize,
    result_out: *mut *mut genie_redaction,
    operation: impl FnOnce(&Redactor, &str) -> Result<genie_redaction>,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees result_out is NULL or writable.
        let out = unsafe { boundary::arg_out(result_out, "result_out") }?;
        // Fail closed: whatever goes wrong below, the caller's pointer ends up NULL, never
        // stale and never a partial result.
        // SAFETY: the caller guarantees redactor is NULL or a live redactor (never mutated)
        // and text is NULL or len readable bytes.
        let result = unsafe { boundary::arg_ref(redactor, "redactor") }.and_then(|redactor| {
            // SAFETY: as above.
            let text = unsafe { boundary::arg_utf8(text, len, "text") }?;
            operation(&redactor.redactor, text)
        });
        out.write_object(result.map(|result| result.into_raw()))
    })
}

/// Finds the PII in the `len` bytes of UTF-8 text at `text` without changing anything.
///
/// `*result_out` receives a result whose findings (sorted by start, non-overlapping, byte
/// offsets into `text`) have no operator; it has no text (`genie_redaction_text` gives an
/// absent string), an empty mapping and no counts. Everything else is as
/// `genie_redactor_redact`.
///
/// # Safety
/// As `genie_redactor_redact`.
#[no_mangle]
pub unsafe extern "C" fn genie_redactor_find(
    redactor: *const genie_redactor,
    text: *const u8,
    len: usize,
    result_out: *mut *mut genie_redaction,
) -> genie_status {
    // SAFETY: the caller's guarantees are run's.
    unsafe {
        run(redactor, text, len, result_out, |redactor, text| {
            let findings = redactor.find(text)?;
            Ok(genie_redaction::new(
                None,
                Redacted {
                    text: String::new(),
                    findings,
                    mapping: Default::default(),
                    counts: Default::default(),
                },
            ))
        })
    }
}

/// Redacts the `len` bytes of UTF-8 text at `text` (`text` may be NULL when `len` is 0; the
/// text may contain NUL bytes and need not be NUL-terminated).
///
/// On success `*result_out` is a new result that the caller owns and must free with
/// `genie_redaction_free`: the redacted text (`genie_redaction_text`), the findings with byte
/// offsets into `text` and the operator applied (`genie_redaction_finding`), the placeholder
/// mapping for `genie_redactor_restore` (`genie_redaction_mapping`) and the count per type
/// (`genie_redaction_counts_entry`). The input is copied where needed, not kept.
///
/// Fails closed: on any failure `*result_out` is set to NULL (when `result_out` is not NULL)
/// and no text, partial or whole, is returned. Text that is not UTF-8 gives
/// GENIE_STATUS_INVALID_UTF8 naming the byte offset of the first bad byte; an internal failure
/// gives GENIE_STATUS_REDACTION_FAILED (or GENIE_STATUS_INTERNAL). `redactor` and `result_out`
/// must not be NULL. Thread-safe: many threads may redact with one redactor at once.
///
/// # Safety
/// `redactor` is NULL or a live redactor; `text` is NULL or points to `len` readable bytes
/// that do not change during the call; `result_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_redactor_redact(
    redactor: *const genie_redactor,
    text: *const u8,
    len: usize,
    result_out: *mut *mut genie_redaction,
) -> genie_status {
    // SAFETY: the caller's guarantees are run's.
    unsafe {
        run(redactor, text, len, result_out, |redactor, text| {
            let mut redacted = redactor.redact(text)?;
            let text = std::mem::take(&mut redacted.text);
            Ok(genie_redaction::new(Some(text), redacted))
        })
    }
}

/// Puts original values back into the `len` bytes of UTF-8 text at `text` (typically the
/// model's answer to a prompt redacted with placeholders): every placeholder of `mapping`
/// (`[EMAIL_1]`, ...) in the text becomes its value; everything else, including placeholders
/// the mapping does not hold and other operators' output, stays as it is.
///
/// `mapping` is either borrowed from a result (`genie_redaction_mapping`) or one you built or
/// copied (`genie_mapping_new` + `genie_mapping_insert`, `genie_mapping_clone`): a server that
/// keeps the mapping elsewhere between the request and the answer rebuilds it from its
/// placeholder/value pairs.
///
/// On success `*restored_out` is a new `genie_string` that the caller owns and must free with
/// `genie_string_free`. On failure it is set to NULL (when `restored_out` is not NULL): text
/// that is not UTF-8 gives GENIE_STATUS_INVALID_UTF8 with the offset of the first bad byte.
/// `redactor`, `mapping` and `restored_out` must not be NULL. Thread-safe for the redactor;
/// the mapping must not be changed (`genie_mapping_insert`) during the call.
///
/// # Safety
/// `redactor` is NULL or a live redactor; `text` is NULL or points to `len` readable bytes;
/// `mapping` is NULL or a live mapping; `restored_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_redactor_restore(
    redactor: *const genie_redactor,
    text: *const u8,
    len: usize,
    mapping: *const genie_mapping,
    restored_out: *mut *mut genie_string,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees restored_out is NULL or writable.
        let out = unsafe { boundary::arg_out(restored_out, "restored_out") }?;
        // SAFETY: the caller guarantees the pointers are NULL or live and text is len bytes.
        let restored = unsafe { boundary::arg_ref(redactor, "redactor") }.and_then(|redactor| {
            // SAFETY: as above.
            let mapping = unsafe { boundary::arg_ref(mapping, "mapping") }?;
            // SAFETY: as above.
            let text = unsafe { boundary::arg_utf8(text, len, "text") }?;
            Ok(redactor.redactor.restore(text, mapping.core()))
        });
        out.write_object(restored.map(genie_string::into_raw))
    })
}

/// Frees a redactor. NULL is accepted and does nothing. Stream redactors made from it stay
/// valid (they hold their own reference to the configuration), and so do results. Do not use
/// the pointer afterwards, and do not free it while another thread is still using it.
///
/// # Safety
/// `redactor` is NULL or a live redactor, not used again afterwards by any thread.
#[no_mangle]
pub unsafe extern "C" fn genie_redactor_free(redactor: *mut genie_redactor) {
    boundary::catch(
        || (),
        || {
            if !redactor.is_null() {
                // SAFETY: a non-NULL redactor came from Box::into_raw in write_redactor and
                // the caller gives up its ownership, on every thread.
                drop(unsafe { Box::from_raw(redactor) });
            }
        },
    );
}

/// `index` as a position in a list of `len` `what`, or INVALID_ARGUMENT.
pub(crate) fn checked_index(index: usize, len: usize, what: &str) -> Result<usize> {
    if index < len {
        Ok(index)
    } else {
        Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("index: {index} is out of range: there are {len} {what}"),
        ))
    }
}

/// Writes the redacted text of `result` to `*text_out`; an absent string (ptr NULL) for a
/// result of `genie_redactor_find` or a stream snapshot, which have none.
///
/// The string borrows from `result` and is valid until `genie_redaction_free(result)`. Both
/// pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT; `*text_out` is then untouched).
/// Thread-safe.
///
/// # Safety
/// `result` is NULL or a live result; `text_out` is NULL or points to a writable `genie_str`.
#[no_mangle]
pub unsafe extern "C" fn genie_redaction_text(
    result: *const genie_redaction,
    text_out: *mut genie_str,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees result is NULL or a live, never-mutated result.
        let result = unsafe { boundary::arg_ref(result, "result") }?;
        // SAFETY: the caller guarantees text_out is NULL or writable.
        let out = unsafe { boundary::arg_out(text_out, "text_out") }?;
        out.write(genie_str::optional(result.text.as_deref()));
        Ok(())
    })
}

/// Writes how many findings `result` holds to `*len_out` (the valid indexes of
/// `genie_redaction_finding` are 0 to len - 1). Both pointers must not be NULL
/// (GENIE_STATUS_NULL_ARGUMENT). Thread-safe.
///
/// # Safety
/// `result` is NULL or a live result; `len_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_redaction_findings_len(
    result: *const genie_redaction,
    len_out: *mut usize,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees result is NULL or a live result.
        let result = unsafe { boundary::arg_ref(result, "result") }?;
        // SAFETY: the caller guarantees len_out is NULL or writable.
        let out = unsafe { boundary::arg_out(len_out, "len_out") }?;
        out.write(result.findings.len());
        Ok(())
    })
}

/// Fills the caller-owned `*finding_out` with finding number `index` (in text order).
///
/// Its strings borrow from `result` (or are static) and are valid until
/// `genie_redaction_free(result)`. An `index` past the end gives GENIE_STATUS_INVALID_ARGUMENT;
/// NULL pointers give GENIE_STATUS_NULL_ARGUMENT; `*finding_out` is untouched on failure.
/// Thread-safe.
///
/// # Safety
/// `result` is NULL or a live result; `finding_out` is NULL or points to writable storage for
/// a `genie_finding`.
#[no_mangle]
pub unsafe extern "C" fn genie_redaction_finding(
    result: *const genie_redaction,
    index: usize,
    finding_out: *mut genie_finding,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees result is NULL or a live result.
        let result = unsafe { boundary::arg_ref(result, "result") }?;
        // SAFETY: the caller guarantees finding_out is NULL or writable.
        let out = unsafe { boundary::arg_out(finding_out, "finding_out") }?;
        let index = checked_index(index, result.findings.len(), "findings")?;
        out.write(genie_finding::new(&result.findings[index]));
        Ok(())
    })
}

/// Writes to `*mapping_out` the placeholder mapping of `result` (placeholder → original value;
/// empty unless the "placeholder" operator ran), to pass to `genie_redactor_restore` or read
/// with `genie_mapping_len` / `genie_mapping_entry`.
///
/// The mapping is BORROWED: it belongs to `result`, is valid until
/// `genie_redaction_free(result)`, and must not be freed or changed. To keep it longer than the
/// result, copy it with `genie_mapping_clone`. Both pointers must not be NULL
/// (GENIE_STATUS_NULL_ARGUMENT; `*mapping_out` is then untouched). Thread-safe.
///
/// # Safety
/// `result` is NULL or a live result; `mapping_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_redaction_mapping(
    result: *const genie_redaction,
    mapping_out: *mut *const genie_mapping,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees result is NULL or a live result.
        let result = unsafe { boundary::arg_ref(result, "result") }?;
        // SAFETY: the caller guarantees mapping_out is NULL or writable.
        let out = unsafe { boundary::arg_out(mapping_out, "mapping_out") }?;
        out.write(&result.mapping);
        Ok(())
    })
}

/// Writes to `*len_out` how many entity types `result` counted (types with no finding are not
/// listed; the valid indexes of `genie_redaction_counts_entry` are 0 to len - 1). Both pointers must
/// not be NULL (GENIE_STATUS_NULL_ARGUMENT). Thread-safe.
///
/// # Safety
/// `result` is NULL or a live result; `len_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_redaction_counts_len(
    result: *const genie_redaction,
    len_out: *mut usize,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees result is NULL or a live result.
        let result = unsafe { boundary::arg_ref(result, "result") }?;
        // SAFETY: the caller guarantees len_out is NULL or writable.
        let out = unsafe { boundary::arg_out(len_out, "len_out") }?;
        out.write(result.counts.len());
        Ok(())
    })
}

/// Writes count number `index` of `result` (counts are in type-name order): the entity type
/// to `*type_out` and how many values of it were found to `*count_out`. Counts carry no
/// values, so they are safe to record for audit and telemetry.
///
/// The type string borrows from `result` and is valid until `genie_redaction_free(result)`.
/// An `index` past the end gives GENIE_STATUS_INVALID_ARGUMENT; NULL pointers give
/// GENIE_STATUS_NULL_ARGUMENT; nothing is written on failure. Thread-safe.
///
/// # Safety
/// `result` is NULL or a live result; the outputs are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_redaction_counts_entry(
    result: *const genie_redaction,
    index: usize,
    type_out: *mut genie_str,
    count_out: *mut u64,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees result is NULL or a live result.
        let result = unsafe { boundary::arg_ref(result, "result") }?;
        // SAFETY: the caller guarantees the outputs are NULL or writable.
        let type_out = unsafe { boundary::arg_out(type_out, "type_out") }?;
        // SAFETY: as above.
        let count_out = unsafe { boundary::arg_out(count_out, "count_out") }?;
        let (name, count) = &result.counts[checked_index(index, result.counts.len(), "counts")?];
        type_out.write(genie_str::new(name));
        count_out.write(*count);
        Ok(())
    })
}

/// Frees a result: its text, findings, counts and mapping (a mapping borrowed with
/// `genie_redaction_mapping` becomes invalid; a clone does not). NULL is accepted and does
/// nothing. Do not use the pointer afterwards, and do not free it while another thread reads it.
///
/// # Safety
/// `result` is NULL or a live result from genie, not used again afterwards.
#[no_mangle]
pub unsafe extern "C" fn genie_redaction_free(result: *mut genie_redaction) {
    boundary::catch(
        || (),
        || {
            if !result.is_null() {
                // SAFETY: a non-NULL result came from genie_redaction::into_raw and the caller
                // gives up its ownership.
                drop(unsafe { Box::from_raw(result) });
            }
        },
    );
}
