//! Lenient field readers for non-streaming answers, over the provider decoders' JSON reader
//! ([`crate::provider::json`]): the whole body must be JSON, but a field of an unexpected type
//! counts as absent (and is skipped, validated), as it did when answers were read through
//! `serde_json::Value` and `as_str`/`as_u64`. `encode/tests.rs` keeps that reading as the
//! oracle the answer decoders are checked against.
//!
//! Why not `serde_json::Value`: building one for a small answer took ~40 k instructions, a
//! third of a whole non-streaming call's work in genie (callgrind, through Python), where
//! walking it with this reader costs a few thousand and allocates only the picked strings.

use std::borrow::Cow;

use crate::provider::json::{self, Reader};

/// A string, or `None` for any other value.
pub(super) fn string<'a>(r: &mut Reader<'a>) -> json::Result<Option<Cow<'a, str>>> {
    if r.peek() == Some(b'"') {
        r.str().map(Some)
    } else {
        r.skip().map(|()| None)
    }
}

/// A whole number that fits a `u64`, or `None` for any other value (a fraction, an exponent,
/// a negative number, a string), as `Value::as_u64` has it.
pub(super) fn count(r: &mut Reader<'_>) -> json::Result<Option<u64>> {
    Ok(r.raw()?.parse().ok())
}

/// `true` or `false`, or `None` for any other value.
pub(super) fn boolean(r: &mut Reader<'_>) -> json::Result<Option<bool>> {
    if matches!(r.peek(), Some(b't' | b'f')) {
        r.opt_bool()
    } else {
        r.skip().map(|()| None)
    }
}

/// The members of an object, or nothing for any other value; `Some(())` when it was one.
pub(super) fn object<'a, F>(r: &mut Reader<'a>, member: F) -> json::Result<Option<()>>
where
    F: FnMut(&mut Reader<'a>, Cow<'a, str>) -> json::Result<()>,
{
    if r.peek() == Some(b'{') {
        r.object(member).map(Some)
    } else {
        r.skip().map(|()| None)
    }
}

/// The elements of an array, or nothing for any other value.
pub(super) fn array<'a, F>(r: &mut Reader<'a>, element: F) -> json::Result<()>
where
    F: FnMut(&mut Reader<'a>) -> json::Result<()>,
{
    if r.peek() == Some(b'[') {
        r.array(element)
    } else {
        r.skip()
    }
}

/// The first element of an array whose `index` is 0 or absent, read with `element` (which
/// returns it with its index): OpenAI's `choices` and Gemini's `candidates`. `None` when
/// there is none, or for any other value, which the reader's own `first_at_index_zero` (for
/// streams) rejects.
pub(super) fn first_at_index_zero<'a, T>(
    r: &mut Reader<'a>,
    mut element: impl FnMut(&mut Reader<'a>) -> json::Result<(T, Option<u64>)>,
) -> json::Result<Option<T>> {
    let mut first = None;
    array(r, |r| {
        let (item, index) = element(r)?;
        if first.is_none() && index.unwrap_or(0) == 0 {
            first = Some(item);
        }
        Ok(())
    })?;
    Ok(first)
}

/// The string fields `names` of an object, each `None` when absent or of another type (the
/// last of a repeated key counts), or `None` for a value that is no object.
pub(super) fn strings<'a, const N: usize>(
    r: &mut Reader<'a>,
    names: [&str; N],
) -> json::Result<Option<[Option<Cow<'a, str>>; N]>> {
    let mut found: [Option<Cow<'a, str>>; N] = std::array::from_fn(|_| None);
    let was_object = object(r, |r, key| match names.iter().position(|&n| n == key) {
        Some(k) => string(r).map(|value| found[k] = value),
        None => r.skip(),
    })?;
    Ok(was_object.map(|()| found))
}

/// Appends an object's `text` to `out` when its `type` is `kind` (Anthropic's text blocks,
/// Responses' `output_text` parts; one without `text` adds nothing).
pub(super) fn text_of_type(r: &mut Reader<'_>, kind: &str, out: &mut String) -> json::Result<()> {
    if let Some([found, text]) = strings(r, ["type", "text"])? {
        if found.as_deref() == Some(kind) {
            out.push_str(text.as_deref().unwrap_or(""));
        }
    }
    Ok(())
}
