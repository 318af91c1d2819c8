//! Documents given from Python: the `config` argument of `Redactor` and `Client` (a `dict`, a
//! JSON `str`, a path `str` or an `os.PathLike`; `None` too for `Redactor`), turned into the
//! core's [`RedactorConfig`] and [`ClientConfig`], and the `request` dict of the client's calls,
//! turned into the core's [`Request`].
//!
//! A `dict` becomes a `serde_json::Value` (nested `dict`/`list`/`tuple`/`str`/`int`/`float`/
//! `bool`/`None`) and the core validates it, so its errors name the same paths as for JSON
//! text. Values JSON cannot hold are rejected here, naming their path the same way
//! (`operators.EMAIL.keep_last: expected ...`), as the error kind the core uses for that
//! document (`INVALID_CONFIG` for configs, `INVALID_ARGUMENT` for requests).

use std::path::{Path, PathBuf};

use genie_core::client::{ClientConfig, Request};
use genie_core::redact::RedactorConfig;
use genie_core::{Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde_json::{Map, Number, Value};

use crate::args::type_name;
use crate::errors::{invalid_argument, to_py_err};

/// `os.PathLike`, imported once.
static PATH_LIKE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Deeper nesting than this is a mistake (or a dict that contains itself), not a config.
const MAX_DEPTH: usize = 64;

/// How a document's conversion errors are reported: the kind, and the name of the argument
/// (used as the path of the document's root).
#[derive(Clone, Copy)]
struct Doc {
    kind: ErrorKind,
    root: &'static str,
}

const CONFIG: Doc = Doc {
    kind: ErrorKind::InvalidConfig,
    root: "config",
};

const REQUEST: Doc = Doc {
    kind: ErrorKind::InvalidArgument,
    root: "request",
};

/// The core's loaders of one document type.
struct Loaders<T> {
    value: fn(Value) -> genie_core::Result<T>,
    json: fn(&str) -> genie_core::Result<T>,
    path: fn(&Path) -> genie_core::Result<T>,
}

/// The redactor configuration `config` describes (see the module doc).
pub fn redactor_config(
    py: Python<'_>,
    config: Option<&Bound<'_, PyAny>>,
) -> PyResult<RedactorConfig> {
    let Some(config) = config.filter(|c| !c.is_none()) else {
        return Ok(RedactorConfig::default());
    };
    let loaders = Loaders {
        value: RedactorConfig::from_value,
        json: RedactorConfig::from_json,
        path: RedactorConfig::from_path,
    };
    document(py, config, &loaders, "None, a dict")
}

/// The client configuration `config` describes (see the module doc); it has no default.
pub fn client_config(py: Python<'_>, config: &Bound<'_, PyAny>) -> PyResult<ClientConfig> {
    let loaders = Loaders {
        value: ClientConfig::from_value,
        json: ClientConfig::from_json,
        path: ClientConfig::from_path,
    };
    document(py, config, &loaders, "a dict")
}

/// The request a `dict` describes. Anything else is an `InvalidArgumentError`, as is a dict
/// the core rejects (naming the path: `messages[0].role: unknown variant ...`).
pub fn request(py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<Request> {
    let Ok(dict) = request.cast::<PyDict>() else {
        return Err(invalid_argument(
            py,
            format!(
                "request: expected a dict (the request's JSON shape: model, messages, ...), got {}",
                type_name(request)
            ),
        ));
    };
    let value = dict_value(py, REQUEST, dict, &mut String::new(), 0)?;
    Request::from_value(value).map_err(|e| to_py_err(py, &e))
}

fn document<T>(
    py: Python<'_>,
    config: &Bound<'_, PyAny>,
    loaders: &Loaders<T>,
    accepted: &str,
) -> PyResult<T> {
    let core = |result: genie_core::Result<T>| result.map_err(|e| to_py_err(py, &e));
    if let Ok(dict) = config.cast::<PyDict>() {
        let value = dict_value(py, CONFIG, dict, &mut String::new(), 0)?;
        return core((loaders.value)(value));
    }
    if let Ok(text) = config.cast::<PyString>() {
        return match text.to_cow() {
            Ok(s) if s.trim_start().starts_with('{') => core((loaders.json)(&s)),
            Ok(s) => core((loaders.path)(Path::new(&*s))),
            // A lone surrogate: a file name with an undecodable byte (surrogateescape).
            Err(_) => core((loaders.path)(&config.extract::<PathBuf>()?)),
        };
    }
    if config.is_instance(PATH_LIKE.import(py, "os", "PathLike")?)? {
        return core((loaders.path)(&config.extract::<PathBuf>()?));
    }
    Err(invalid_argument(
        py,
        format!(
            "config: expected {accepted}, a JSON str, a file path (str or os.PathLike), got {}",
            type_name(config)
        ),
    ))
}

fn invalid(py: Python<'_>, doc: Doc, path: &str, message: impl std::fmt::Display) -> PyErr {
    let at = if path.is_empty() { doc.root } else { path };
    to_py_err(py, &Error::new(doc.kind, format!("{at}: {message}")))
}

fn dict_value(
    py: Python<'_>,
    doc: Doc,
    dict: &Bound<'_, PyDict>,
    path: &mut String,
    depth: usize,
) -> PyResult<Value> {
    let mut map = Map::new();
    for (key, item) in dict.iter() {
        let Ok(key) = key.cast::<PyString>() else {
            return Err(invalid(
                py,
                doc,
                path,
                format!("keys must be str, got {} {}", type_name(&key), key.repr()?),
            ));
        };
        let key = unicode(key)
            .ok_or_else(|| invalid(py, doc, path, "a key is not valid Unicode (lone surrogate)"))?;
        let len = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(&key);
        let value = json_value(py, doc, &item, path, depth + 1)?;
        path.truncate(len);
        map.insert(key, value);
    }
    Ok(Value::Object(map))
}

fn json_value(
    py: Python<'_>,
    doc: Doc,
    value: &Bound<'_, PyAny>,
    path: &mut String,
    depth: usize,
) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(invalid(
            py,
            doc,
            path,
            format!("nested deeper than {MAX_DEPTH} levels (does a dict or list contain itself?)"),
        ));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    // bool before int: `True` is an int too.
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(n) = value.extract::<i64>() {
            return Ok(Value::from(n));
        }
        if let Ok(n) = value.extract::<u64>() {
            return Ok(Value::from(n));
        }
        return Err(invalid(
            py,
            doc,
            path,
            format!("integer {value} is out of range"),
        ));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| invalid(py, doc, path, format!("{value} is not a JSON number")));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return unicode(s)
            .map(Value::String)
            .ok_or_else(|| invalid(py, doc, path, "not valid Unicode text (lone surrogate)"));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        return dict_value(py, doc, dict, path, depth);
    }
    let items = if let Ok(list) = value.cast::<PyList>() {
        list.iter().collect::<Vec<_>>()
    } else if let Ok(tuple) = value.cast::<PyTuple>() {
        tuple.iter().collect::<Vec<_>>()
    } else {
        return Err(invalid(
            py,
            doc,
            path,
            format!(
                "expected a dict, list, tuple, str, int, float, bool or None, got {}",
                type_name(value)
            ),
        ));
    };
    let mut array = Vec::with_capacity(items.len());
    for (k, item) in items.iter().enumerate() {
        let len = path.len();
        path.push_str(&format!("[{k}]"));
        array.push(json_value(py, doc, item, path, depth + 1)?);
        path.truncate(len);
    }
    Ok(Value::Array(array))
}

/// `str` to `String`, or `None` if it holds a lone surrogate (which has no UTF-8 form).
fn unicode(s: &Bound<'_, PyString>) -> Option<String> {
    s.to_cow().ok().map(|c| c.into_owned())
}
