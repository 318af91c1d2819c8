//! `genie_mapping`: the placeholder → original value pairs `genie_redactor_restore` reads,
//! either borrowed from a result or built by C from stored pairs.
//!
//! A C server typically redacts a prompt, sends it, and restores the model's answer later,
//! possibly in another process: so besides borrowing a result's mapping, C can copy it out
//! entry by entry (to store it anywhere) and rebuild it with `genie_mapping_new` +
//! `genie_mapping_insert`. One type serves both, so `genie_redactor_restore` takes one kind of
//! argument.

use std::sync::OnceLock;

use genie_core::redact::Mapping;
use genie_core::{Error, ErrorKind};

use crate::boundary;
use crate::redact::checked_index;
use crate::status::genie_status;
use crate::text::genie_str;

/// Placeholder → original value pairs (`"[EMAIL_1]"` → `"jane@example.com"`), what
/// `genie_redactor_restore` puts back. Opaque. Either borrowed from a result
/// (`genie_redaction_mapping`: owned by the result, never freed by you) or owned by you
/// (`genie_mapping_new`, `genie_mapping_clone`: free with `genie_mapping_free`).
///
/// Why one type with three sources: a server redacts the prompt, and the model's answer
/// arrives later, maybe on another thread or in another process. If the result is still at
/// hand, restore with its borrowed mapping; to keep only the mapping, clone it and free the
/// result; to keep it elsewhere (a session store, a cache), copy its pairs out with
/// `genie_mapping_entry` and rebuild it with `genie_mapping_new` + `genie_mapping_insert` when
/// the answer comes. Restore takes the same type in all three cases.
///
/// The values are the PII that was removed: store and log a mapping only where the original
/// text could be. Thread-safety: reading calls (`genie_mapping_len`, `genie_mapping_entry`,
/// `genie_mapping_clone`, `genie_redactor_restore`) may run on several threads at once;
/// `genie_mapping_insert` and `genie_mapping_free` need the mapping to themselves.
pub struct genie_mapping {
    /// Sorted by the placeholders' bytes: the order `genie_mapping_entry` exposes, the same
    /// as the core's own iteration order.
    entries: Vec<(String, String)>,
    /// The core mapping `restore` reads, built from `entries` on first use after a change.
    core: OnceLock<Mapping>,
}

impl genie_mapping {
    /// Wraps a mapping the core made (a result's).
    pub(crate) fn from_core(mapping: Mapping) -> genie_mapping {
        let entries = mapping
            .iter()
            .map(|(placeholder, value)| (placeholder.to_owned(), value.to_owned()))
            .collect();
        genie_mapping {
            entries,
            core: OnceLock::from(mapping),
        }
    }

    /// The mapping as the core's `restore` takes it.
    pub(crate) fn core(&self) -> &Mapping {
        self.core
            .get_or_init(|| self.entries.iter().cloned().collect())
    }

    fn into_raw(self) -> *mut genie_mapping {
        Box::into_raw(Box::new(self))
    }
}

/// Makes an empty mapping, to fill with `genie_mapping_insert` (typically from pairs you
/// stored after `genie_redactor_redact`, to restore an answer that arrives later).
///
/// On success `*mapping_out` is a new mapping that the caller owns and must free with
/// `genie_mapping_free`. `mapping_out` must not be NULL (GENIE_STATUS_NULL_ARGUMENT).
/// Thread-safe.
///
/// # Safety
/// `mapping_out` is NULL or points to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn genie_mapping_new(mapping_out: *mut *mut genie_mapping) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees mapping_out is NULL or writable.
        let out = unsafe { boundary::arg_out(mapping_out, "mapping_out") }?;
        out.write(
            genie_mapping {
                entries: Vec::new(),
                core: OnceLock::new(),
            }
            .into_raw(),
        );
        Ok(())
    })
}

/// Adds the pair `placeholder` (the `placeholder_len` bytes at `placeholder`, such as
/// `[EMAIL_1]`) → `value` (the `value_len` bytes at `value`) to a mapping you own, replacing
/// the value of a placeholder it already holds. Both are UTF-8 text, copied, not kept, and need
/// not be NUL-terminated. Restore finds only placeholders of the form genie makes
/// (`[TYPE_n]`), so store and re-insert them exactly as `genie_mapping_entry` gave them.
///
/// Errors (the mapping is then unchanged): GENIE_STATUS_NULL_ARGUMENT for a NULL `mapping`
/// or a NULL buffer with a non-zero length; GENIE_STATUS_INVALID_UTF8 (with the offset of the
/// first bad byte) for bytes that are not UTF-8; GENIE_STATUS_INVALID_ARGUMENT for an empty
/// placeholder. Views from `genie_mapping_entry` become invalid. Never call it on a mapping
/// borrowed from a result, nor while another thread uses the mapping.
///
/// # Safety
/// `mapping` is NULL or a live mapping you own that no other thread is using; `placeholder`
/// and `value` are NULL or point to their lengths in readable bytes.
#[no_mangle]
pub unsafe extern "C" fn genie_mapping_insert(
    mapping: *mut genie_mapping,
    placeholder: *const u8,
    placeholder_len: usize,
    value: *const u8,
    value_len: usize,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees mapping is NULL or live and not used elsewhere.
        let mapping = unsafe { boundary::arg_mut(mapping, "mapping") }?;
        // SAFETY: the caller guarantees placeholder is NULL or placeholder_len bytes.
        let placeholder =
            unsafe { boundary::arg_utf8(placeholder, placeholder_len, "placeholder") }?;
        // SAFETY: the caller guarantees value is NULL or value_len bytes.
        let value = unsafe { boundary::arg_utf8(value, value_len, "value") }?;
        if placeholder.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "placeholder: must not be empty (pass a placeholder such as [EMAIL_1])",
            ));
        }
        match mapping
            .entries
            .binary_search_by(|(known, _)| known.as_str().cmp(placeholder))
        {
            Ok(at) => mapping.entries[at].1 = value.to_owned(),
            Err(at) => mapping
                .entries
                .insert(at, (placeholder.to_owned(), value.to_owned())),
        }
        mapping.core = OnceLock::new();
        Ok(())
    })
}

/// Writes how many placeholders `mapping` holds to `*len_out` (the valid indexes of
/// `genie_mapping_entry` are 0 to len - 1). Both pointers must not be NULL
/// (GENIE_STATUS_NULL_ARGUMENT). Thread-safe with other reads.
///
/// # Safety
/// `mapping` is NULL or a live mapping; `len_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_mapping_len(
    mapping: *const genie_mapping,
    len_out: *mut usize,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees mapping is NULL or live and not being changed.
        let mapping = unsafe { boundary::arg_ref(mapping, "mapping") }?;
        // SAFETY: the caller guarantees len_out is NULL or writable.
        let out = unsafe { boundary::arg_out(len_out, "len_out") }?;
        out.write(mapping.entries.len());
        Ok(())
    })
}

/// Writes entry number `index` of `mapping` (entries are sorted by the placeholders' bytes,
/// so `[EMAIL_10]` comes before `[EMAIL_2]`): the
/// placeholder to `*placeholder_out` and the original value to `*value_out`. Store both
/// exactly as given to rebuild the mapping later with `genie_mapping_insert`.
///
/// The strings borrow from the mapping and are valid until it is changed or freed (for a
/// borrowed mapping: until its result is freed). An `index` past the end gives
/// GENIE_STATUS_INVALID_ARGUMENT; NULL pointers give GENIE_STATUS_NULL_ARGUMENT; nothing is
/// written on failure. Thread-safe with other reads.
///
/// # Safety
/// `mapping` is NULL or a live mapping; the outputs are NULL or point to writable `genie_str`s.
#[no_mangle]
pub unsafe extern "C" fn genie_mapping_entry(
    mapping: *const genie_mapping,
    index: usize,
    placeholder_out: *mut genie_str,
    value_out: *mut genie_str,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees mapping is NULL or live and not being changed.
        let mapping = unsafe { boundary::arg_ref(mapping, "mapping") }?;
        // SAFETY: the caller guarantees the outputs are NULL or writable.
        let placeholder_out = unsafe { boundary::arg_out(placeholder_out, "placeholder_out") }?;
        // SAFETY: as above.
        let value_out = unsafe { boundary::arg_out(value_out, "value_out") }?;
        let index = checked_index(index, mapping.entries.len(), "mapping entries")?;
        let (placeholder, value) = &mapping.entries[index];
        placeholder_out.write(genie_str::new(placeholder));
        value_out.write(genie_str::new(value));
        Ok(())
    })
}

/// Copies `mapping` (borrowed or owned) into a new mapping that the caller owns and must free
/// with `genie_mapping_free`: how to keep a result's mapping after freeing the result, or to
/// add pairs to it.
///
/// On failure `*clone_out` is set to NULL (when `clone_out` is not NULL); both pointers must
/// not be NULL (GENIE_STATUS_NULL_ARGUMENT). Thread-safe with other reads.
///
/// # Safety
/// `mapping` is NULL or a live mapping; `clone_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_mapping_clone(
    mapping: *const genie_mapping,
    clone_out: *mut *mut genie_mapping,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees clone_out is NULL or writable.
        let out = unsafe { boundary::arg_out(clone_out, "clone_out") }?;
        // SAFETY: the caller guarantees mapping is NULL or live and not being changed.
        out.write_object(
            unsafe { boundary::arg_ref(mapping, "mapping") }.map(|mapping| {
                let clone = genie_mapping {
                    entries: mapping.entries.clone(),
                    core: mapping.core.clone(),
                };
                clone.into_raw()
            }),
        )
    })
}

/// Frees a mapping you own (from `genie_mapping_new` or `genie_mapping_clone`); strings
/// borrowed from it become invalid. NULL is accepted and does nothing. Never pass a mapping
/// borrowed from a result (`genie_redaction_mapping`): the result frees it. Do not use the
/// pointer afterwards.
///
/// # Safety
/// `mapping` is NULL or a live mapping you own, not used again afterwards by any thread.
#[no_mangle]
pub unsafe extern "C" fn genie_mapping_free(mapping: *mut genie_mapping) {
    boundary::catch(
        || (),
        || {
            if !mapping.is_null() {
                // SAFETY: a non-NULL mapping you own came from genie_mapping::into_raw and
                // the caller gives up its ownership.
                drop(unsafe { Box::from_raw(mapping) });
            }
        },
    );
}
