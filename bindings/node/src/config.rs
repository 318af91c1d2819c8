//! Configuration documents from JavaScript: `undefined`/`null` (the defaults), a plain object
//! (the config document), or a string (JSON text when it starts with `{`, else a file path).
//! Documents are the core's (notes/redact-api.md, notes/client-api.md), keys in snake_case as
//! in a config file, so a config can move between a file, a JS object and another language
//! unchanged. The client's requests are documents of the same kind (plain objects only).
//!
//! An object is turned into a `serde_json::Value` here and given to the core, which checks it
//! and names the path of a bad value (`allowlist.regex[1]: invalid regex: ...`). What JSON
//! cannot hold (functions, symbols, bigints, `NaN`, class instances such as a `Date` or a
//! `Map`, a cycle) is an error of the document's kind (`INVALID_CONFIG` for a config,
//! `INVALID_ARGUMENT` for a request) naming its path the same way. A property whose value is
//! `undefined` is left out, as `JSON.stringify` does.
//!
//! The structs below only declare the redactor document's TypeScript shape for `index.d.ts`
//! (the client's are in `client_config.rs`); the object itself is read generically so the
//! core's path errors reach the caller unchanged.

use std::collections::HashMap;
use std::path::Path;

use genie_core::redact::RedactorConfig as CoreConfig;
use genie_core::ErrorKind;
use napi::bindgen_prelude::{
    FromNapiValue, JsObjectValue, KeyCollectionMode, KeyConversion, KeyFilter, Object, Unknown,
};
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;
use serde_json::{Map, Number, Value};

use crate::args::{describe, js_number};
use crate::errors;
use crate::redact::Operator;
use crate::text::well_formed;

/// The redactor's configuration document (every key optional; snake_case as in a config file).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct RedactorConfig {
    /// The domain profile (default `"general"`).
    pub profile: Option<Profile>,
    /// The exact set of enabled types, by name (default: the profile's).
    #[napi(ts_type = "Array<string> | null")]
    pub entities: Option<Vec<String>>,
    /// Operators by type name, plus `"default"` for the others (default: replace).
    pub operators: Option<HashMap<String, OperatorConfig>>,
    /// Values never redacted.
    pub allowlist: Option<AllowlistConfig>,
    /// Tenant-defined types.
    pub custom: Option<Vec<CustomPattern>>,
    /// The region numbers without `+` are dialled from (ISO 3166 alpha-2, default `"US"`;
    /// `null`: only `+`-prefixed numbers are phones).
    #[napi(js_name = "phone_region", ts_type = "string | null")]
    pub phone_region: Option<String>,
    /// The environment variable holding the `hash` operator's HMAC key, read when the
    /// redactor is made (set `process.env[name]` before).
    #[napi(js_name = "hash_key_env", ts_type = "string | null")]
    pub hash_key_env: Option<String>,
    /// The generic `DATE` type (HIPAA Safe Harbor; default `false`).
    pub dates: Option<bool>,
}

/// A domain profile: `"general"` (support tickets, chat), `"healthcare"` (clinical labels on;
/// add `dates: true` for HIPAA Safe Harbor) or `"tech"` (secrets announced in prose on).
#[napi(string_enum = "lowercase")]
pub enum Profile {
    /// Everyday text.
    General,
    /// Clinical notes, HL7/FHIR, patient correspondence.
    Healthcare,
    /// Logs, configs, stack traces, code.
    Tech,
}

/// How one entity type is redacted: `{ type: "mask", keep_last: 4, char: "*" }`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct OperatorConfig {
    /// The operator.
    #[napi(js_name = "type")]
    pub kind: Operator,
    /// `mask` only: characters kept at the end (default 4).
    #[napi(js_name = "keep_last")]
    pub keep_last: Option<u32>,
    /// `mask` only: the masking character (default `"*"`).
    pub char: Option<String>,
}

/// Allowlist rules: exact `values`, glob `patterns` (`*@acme.com`), `regex` searched in the
/// value.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct AllowRules {
    /// Values allowed exactly.
    pub values: Option<Vec<String>>,
    /// Globs over the whole value (`*` any run, `?` one character).
    pub patterns: Option<Vec<String>>,
    /// Regexes searched in the value (anchor them with `^`/`$`).
    pub regex: Option<Vec<String>>,
}

/// Values never redacted: global rules, and rules for one type in `by_type`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct AllowlistConfig {
    /// Values allowed exactly, for every type.
    pub values: Option<Vec<String>>,
    /// Globs, for every type.
    pub patterns: Option<Vec<String>>,
    /// Regexes, for every type.
    pub regex: Option<Vec<String>>,
    /// Rules by type name.
    #[napi(js_name = "by_type")]
    pub by_type: Option<HashMap<String, AllowRules>>,
}

/// A tenant-defined type: `{ type: "ACME_MRN", regex: "ACME-\\d{6}", context: ["mrn"] }`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CustomPattern {
    /// Its SCREAMING_SNAKE name.
    #[napi(js_name = "type")]
    pub kind: String,
    /// Rust `regex` syntax; every repetition bounded (matches of 1 to 256 bytes).
    pub regex: String,
    /// Words of which one must appear shortly before a match (whole word, any case).
    pub context: Option<Vec<String>>,
}

/// Deeper than any config document; stops a cyclic object.
const MAX_DEPTH: usize = 64;

/// Where a configuration document comes from.
pub(crate) enum Source {
    /// `undefined` or `null`: the defaults.
    Default,
    /// A string starting with `{`.
    Json(String),
    /// Any other string: a file path (relative to the working directory).
    Path(String),
    /// A plain object, read as JSON.
    Value(Value),
}

/// The document a `config` argument gives.
pub(crate) fn source(env: &Env, value: Option<Unknown<'_>>) -> napi::Result<Source> {
    let Some(value) = value else {
        return Ok(Source::Default);
    };
    let reader = Reader::new(env, ErrorKind::InvalidConfig, "config")?;
    Ok(match value.get_type()? {
        ValueType::Undefined | ValueType::Null => Source::Default,
        ValueType::String => {
            let text = reader.string(value, "")?;
            if text.trim_start().starts_with('{') {
                Source::Json(text)
            } else {
                Source::Path(text)
            }
        }
        ValueType::Object if !value.is_array()? && reader.is_plain(&value)? => {
            Source::Value(reader.value(value, &mut String::new(), 0)?)
        }
        _ => {
            return Err(errors::invalid_argument(
                env,
                &format!(
                    "config: expected a config object, JSON text or a file path, got {}",
                    describe(&value)?
                ),
            ))
        }
    })
}

/// A plain object argument (`name`) as JSON; what JSON cannot hold inside it is an error of
/// `kind` naming its path.
pub(crate) fn plain_object(
    env: &Env,
    name: &str,
    value: Unknown<'_>,
    kind: ErrorKind,
) -> napi::Result<Value> {
    let reader = Reader::new(env, kind, name)?;
    if value.get_type()? != ValueType::Object || value.is_array()? || !reader.is_plain(&value)? {
        return Err(errors::invalid_argument(
            env,
            &format!("{name}: expected a plain object, got {}", describe(&value)?),
        ));
    }
    reader.value(value, &mut String::new(), 0)
}

/// The redactor's configuration from a `config` argument.
pub(crate) fn redactor_config(env: &Env, value: Option<Unknown<'_>>) -> napi::Result<CoreConfig> {
    let parsed = match source(env, value)? {
        Source::Default => return Ok(CoreConfig::default()),
        Source::Json(text) => CoreConfig::from_json(&text),
        Source::Path(path) => CoreConfig::from_path(Path::new(&path)),
        Source::Value(json) => CoreConfig::from_value(json),
    };
    parsed.map_err(|e| errors::to_js(env, &e))
}

/// Reads JS values into JSON, with `Object.prototype` at hand to tell plain objects.
struct Reader<'a> {
    env: &'a Env,
    object_prototype: Unknown<'a>,
    /// The kind of the errors about the document.
    kind: ErrorKind,
    /// What the document is called in messages about its root (`"config"`).
    root: &'a str,
}

impl<'a> Reader<'a> {
    fn new(env: &'a Env, kind: ErrorKind, root: &'a str) -> napi::Result<Self> {
        let object_prototype = Object::new(env)?.get_prototype()?;
        Ok(Reader {
            env,
            object_prototype,
            kind,
            root,
        })
    }

    /// Whether an object is plain: its prototype is `Object.prototype` or `null`.
    fn is_plain(&self, value: &Unknown<'_>) -> napi::Result<bool> {
        let prototype = Object::from_unknown(*value)?.get_prototype()?;
        Ok(prototype.get_type()? == ValueType::Null
            || self.env.strict_equals(prototype, self.object_prototype)?)
    }

    /// `value` as JSON; `path` is where it sits in the document (`operators.EMAIL`).
    fn value(&self, value: Unknown<'_>, path: &mut String, depth: usize) -> napi::Result<Value> {
        Ok(match value.get_type()? {
            ValueType::Null => Value::Null,
            ValueType::Boolean => Value::Bool(bool::from_unknown(value)?),
            ValueType::String => Value::String(self.string(value, path)?),
            ValueType::Number => {
                let n = f64::from_unknown(value)?;
                Value::Number(json_number(n).ok_or_else(|| {
                    self.invalid(path, &format!("{} is not a JSON number", js_number(n)))
                })?)
            }
            ValueType::Object if depth >= MAX_DEPTH => {
                return Err(self.invalid(
                    path,
                    &format!("nested more than {MAX_DEPTH} levels deep (a cycle?)"),
                ))
            }
            ValueType::Object if value.is_array()? => {
                let array = Object::from_unknown(value)?;
                let len = array.get_array_length()?;
                let mut items = Vec::with_capacity(len.min(1024) as usize);
                for index in 0..len {
                    let mark = path.len();
                    path.push_str(&format!("[{index}]"));
                    let item: Unknown<'_> = array.get_element(index)?;
                    if item.get_type()? == ValueType::Undefined {
                        return Err(self.invalid(path, "undefined is not a JSON value"));
                    }
                    items.push(self.value(item, path, depth + 1)?);
                    path.truncate(mark);
                }
                Value::Array(items)
            }
            ValueType::Object if self.is_plain(&value)? => {
                let object = Object::from_unknown(value)?;
                let keys = object.get_all_property_names(
                    KeyCollectionMode::OwnOnly,
                    KeyFilter::Enumerable,
                    KeyConversion::NumbersToStrings,
                )?;
                let mut map = Map::new();
                for index in 0..keys.get_array_length()? {
                    let key: Unknown<'_> = keys.get_element(index)?;
                    if key.get_type()? != ValueType::String {
                        continue; // symbol keys are not JSON
                    }
                    let item: Unknown<'_> = object.get_property(key)?;
                    if item.get_type()? == ValueType::Undefined {
                        continue; // as JSON.stringify
                    }
                    let key = self.string(key, path)?;
                    let mark = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&key);
                    let item = self.value(item, path, depth + 1)?;
                    path.truncate(mark);
                    map.insert(key, item);
                }
                Value::Object(map)
            }
            _ => {
                return Err(self.invalid(
                    path,
                    &format!("{} is not a JSON value", describe_deep(&value)?),
                ))
            }
        })
    }

    /// A string value (or key) at `path`; a lone surrogate is an error there.
    fn string(&self, value: Unknown<'_>, path: &str) -> napi::Result<String> {
        well_formed(value)?.map_err(|lone| {
            let message = lone.message(if path.is_empty() { self.root } else { path }, 0);
            errors::build(self.env, self.kind, &message, None)
        })
    }

    fn invalid(&self, path: &str, reason: &str) -> napi::Error {
        let at = if path.is_empty() { self.root } else { path };
        errors::build(self.env, self.kind, &format!("{at}: {reason}"), None)
    }
}

/// A JS number as JSON: integers as integers (so counts parse as counts), others as floats;
/// `None` for `NaN` and the infinities.
fn json_number(n: f64) -> Option<Number> {
    const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
    if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER {
        // Exact: an integer of at most 2^53 - 1 in magnitude.
        return Some(Number::from(n as i64));
    }
    Number::from_f64(n)
}

/// What a value JSON cannot hold is ("a function", "a Date", "a Map", ...).
fn describe_deep(value: &Unknown<'_>) -> napi::Result<String> {
    if value.get_type()? == ValueType::Object && !value.is_typedarray()? {
        if value.is_date()? {
            return Ok("a Date".to_owned());
        }
        let object = Object::from_unknown(*value)?;
        let constructor: Unknown<'_> = object.get_prototype()?;
        if constructor.get_type()? == ValueType::Object {
            let constructor: Unknown<'_> =
                Object::from_unknown(constructor)?.get_named_property("constructor")?;
            if constructor.get_type()? == ValueType::Function {
                let name: Unknown<'_> =
                    Object::from_unknown(constructor)?.get_named_property("name")?;
                if name.get_type()? == ValueType::String {
                    let name = String::from_unknown(name)?;
                    if !name.is_empty() {
                        return Ok(format!("an instance of {name}"));
                    }
                }
            }
        }
    }
    describe(value)
}
