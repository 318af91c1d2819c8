//! Checking the arguments JavaScript passes in.
//!
//! Every argument is taken as an unknown JS value and checked here, not by napi's own
//! conversions: those throw errors without genie's `code`/`status`, and their messages name
//! Rust types. Ours say what was given and what is accepted, and carry `INVALID_ARGUMENT`.

use genie_core::sse::ParserOptions;
use napi::bindgen_prelude::{
    FromNapiValue, JsObjectValue, KeyCollectionMode, KeyConversion, KeyFilter, Object, TypedArray,
    TypedArrayType, Unknown,
};
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;

use crate::errors::invalid_argument;

/// Size limits of the SSE parser. A limit left out (or `null`/`undefined`) keeps its default.
#[napi(object, object_to_js = false)]
pub struct SseParserOptions<'a> {
    /// Longest line accepted, in bytes, without its terminator: a positive integer.
    /// Default 16 MiB (16777216).
    #[napi(ts_type = "number | null")]
    pub max_line_bytes: Option<Unknown<'a>>,
    /// Largest event accepted (its data plus its type), in bytes: a positive integer.
    /// Default 32 MiB (33554432).
    #[napi(ts_type = "number | null")]
    pub max_event_bytes: Option<Unknown<'a>>,
}

const OPTION_NAMES: [&str; 2] = ["maxLineBytes", "maxEventBytes"];

/// The bytes of a `chunk` argument: a `Buffer` or any `Uint8Array` view (only the view's own
/// bytes, whatever its offset into a larger `ArrayBuffer`).
pub(crate) fn chunk<'env>(env: &Env, value: Unknown<'env>) -> napi::Result<TypedArray<'env>> {
    if value.get_type()? == ValueType::Object && value.is_typedarray()? {
        let array = TypedArray::from_unknown(value)?;
        if array.typed_array_type == TypedArrayType::Uint8 {
            return Ok(array);
        }
    }
    let hint = if value.get_type()? == ValueType::String {
        " (encode text first, e.g. Buffer.from(text))"
    } else {
        ""
    };
    Err(invalid_argument(
        env,
        &format!(
            "chunk: expected a Buffer or Uint8Array, got {}{hint}",
            describe(&value)?
        ),
    ))
}

/// A string argument named `name`.
pub(crate) fn string(env: &Env, name: &str, value: Unknown<'_>) -> napi::Result<String> {
    if value.get_type()? == ValueType::String {
        return String::from_unknown(value);
    }
    Err(invalid_argument(
        env,
        &format!("{name}: expected a string, got {}", describe(&value)?),
    ))
}

/// The parser limits from an `options` argument (`undefined` or `null` means all defaults).
pub(crate) fn parser_options(env: &Env, value: Option<Unknown<'_>>) -> napi::Result<ParserOptions> {
    let mut options = ParserOptions::default();
    let Some(value) = value else {
        return Ok(options);
    };
    if value.get_type()? != ValueType::Object || value.is_array()? {
        return Err(invalid_argument(
            env,
            &format!(
                "options: expected an object like {{ maxLineBytes, maxEventBytes }}, got {}",
                describe(&value)?
            ),
        ));
    }
    reject_unknown_keys(env, "options", &Object::from_unknown(value)?, &OPTION_NAMES)?;
    let given = SseParserOptions::from_unknown(value)?;
    if let Some(limit) = given_value(given.max_line_bytes)? {
        options.max_line_bytes = byte_limit(env, "maxLineBytes", limit)?;
    }
    if let Some(limit) = given_value(given.max_event_bytes)? {
        options.max_event_bytes = byte_limit(env, "maxEventBytes", limit)?;
    }
    Ok(options)
}

/// An option's value, `None` when it was left out, `undefined` or `null`.
fn given_value(value: Option<Unknown<'_>>) -> napi::Result<Option<Unknown<'_>>> {
    match value {
        Some(value) if !matches!(value.get_type()?, ValueType::Null | ValueType::Undefined) => {
            Ok(Some(value))
        }
        _ => Ok(None),
    }
}

/// A misspelt option (or a Python-style `max_line_bytes`) must not silently mean "default":
/// any own key of `options` (the argument called `what`) outside `allowed` is refused.
pub(crate) fn reject_unknown_keys(
    env: &Env,
    what: &str,
    options: &Object<'_>,
    allowed: &[&str],
) -> napi::Result<()> {
    let keys = options.get_all_property_names(
        KeyCollectionMode::OwnOnly,
        KeyFilter::Enumerable,
        KeyConversion::NumbersToStrings,
    )?;
    for index in 0..keys.get_array_length()? {
        let key: Unknown<'_> = keys.get_element(index)?;
        if key.get_type()? != ValueType::String {
            continue; // symbol keys cannot name an option
        }
        let key = String::from_unknown(key)?;
        if !allowed.contains(&key.as_str()) {
            return Err(invalid_argument(
                env,
                &format!(
                    "{what}: unknown option {key:?}; the options are {}",
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// A byte limit: an integer number from 1 to `Number.MAX_SAFE_INTEGER`.
fn byte_limit(env: &Env, name: &str, value: Unknown<'_>) -> napi::Result<usize> {
    const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
    if value.get_type()? == ValueType::Number {
        let number = f64::from_unknown(value)?;
        if number.fract() == 0.0 && (1.0..=MAX_SAFE_INTEGER).contains(&number) {
            // An integer in 1..=2^53-1: exact in f64, and saturating on 32-bit targets.
            return Ok(number as usize);
        }
        return Err(invalid_argument(
            env,
            &format!(
                "{name}: expected a positive integer number of bytes, got {}",
                js_number(number)
            ),
        ));
    }
    Err(invalid_argument(
        env,
        &format!(
            "{name}: expected a positive integer number of bytes, got {}",
            describe(&value)?
        ),
    ))
}

/// Formats a number the way JavaScript prints it, for messages.
pub(crate) fn js_number(number: f64) -> String {
    if number.is_infinite() {
        if number > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .to_owned()
    } else {
        number.to_string()
    }
}

/// What kind of value was given, for messages ("a string", "null", "an Array", ...).
pub(crate) fn describe(value: &Unknown<'_>) -> napi::Result<String> {
    let text = match value.get_type()? {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "a boolean",
        ValueType::Number => "a number",
        ValueType::String => "a string",
        ValueType::Symbol => "a symbol",
        ValueType::Function => "a function",
        ValueType::BigInt => "a bigint",
        ValueType::Object if value.is_array()? => "an Array",
        ValueType::Object if value.is_typedarray()? => {
            let kind = TypedArray::from_unknown(*value)?.typed_array_type;
            return Ok(match kind {
                TypedArrayType::Unknown => "a typed array".to_owned(),
                TypedArrayType::Int8 | TypedArrayType::Int16 | TypedArrayType::Int32 => {
                    format!("an {}Array", kind.as_ref())
                }
                _ => format!("a {}Array", kind.as_ref()),
            });
        }
        ValueType::Object if value.is_arraybuffer()? => "an ArrayBuffer",
        ValueType::Object if value.is_dataview()? => "a DataView",
        _ => "an object",
    };
    Ok(text.to_owned())
}
