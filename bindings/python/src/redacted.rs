//! The redactor's values: `Finding`, `Redacted` and the read-only placeholder `Mapping`.
//!
//! Immutable (`frozen`), equal by value, picklable, and careful with PII: a `Finding` holds
//! only a type and offsets, and neither `Mapping`'s nor `Redacted`'s `repr` shows an original
//! value (only placeholders), so logging one leaks nothing.

use std::borrow::Cow;
use std::collections::BTreeMap;

use genie_core::redact::{EntityType, Mapping, OperatorKind};
use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyIterator, PyList, PyString, PyTuple};

use crate::args::type_name;
use crate::errors::invalid_argument;
use crate::pickle;

/// The operators, for turning a name back into an [`OperatorKind`].
const OPERATORS: [OperatorKind; 5] = [
    OperatorKind::Replace,
    OperatorKind::Mask,
    OperatorKind::Hash,
    OperatorKind::Remove,
    OperatorKind::Placeholder,
];

/// The operator named `name` (`"replace"`, ...).
pub fn operator(name: &str) -> Option<OperatorKind> {
    OPERATORS.into_iter().find(|op| op.as_str() == name)
}

/// The entity type named `name`: a built-in, or a tenant type (SCREAMING_SNAKE_CASE, at most
/// 48 characters, as the core accepts them).
pub fn entity(name: &str) -> Option<EntityType> {
    let screaming = name.len() <= 48
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    match EntityType::builtin(name) {
        Some(builtin) => Some(builtin),
        None if screaming => Some(EntityType::Custom(name.into())),
        None => None,
    }
}

/// The text of a `str` (`None` for other types and for a lone surrogate, which no key holds).
fn text<'a>(value: &'a Bound<'_, PyAny>) -> Option<Cow<'a, str>> {
    value.cast::<PyString>().ok()?.to_cow().ok()
}

fn repr_str(py: Python<'_>, text: &str) -> PyResult<String> {
    Ok(PyString::new(py, text).repr()?.to_string())
}

/// One piece of PII found in a text: its type and where it is. It never holds the value:
/// ``text[finding.start:finding.end]`` is the value, in the text that was searched.
#[pyclass(module = "genie_core", name = "Finding", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyFinding {
    pub(crate) entity: EntityType,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) operator: Option<OperatorKind>,
}

#[pymethods]
impl PyFinding {
    /// The entity type: ``"EMAIL"``, ``"PHONE"``, ``"CREDIT_CARD"``, ``"US_SSN"``, ``"IBAN"``,
    /// ``"IP_ADDRESS"``, ``"URL"``, ``"API_KEY"``, ``"DATE_OF_BIRTH"``,
    /// ``"MEDICAL_RECORD_NUMBER"``, ``"STREET_ADDRESS"``, ``"PERSON"``, ``"DATE"`` or a tenant
    /// type of the config's ``custom`` patterns.
    #[getter]
    #[pyo3(name = "type")]
    fn entity_type(&self) -> &str {
        self.entity.as_str()
    }

    /// Code point offset of the value's first character (``text[start:end]`` is the value).
    #[getter]
    fn start(&self) -> usize {
        self.start
    }

    /// Code point offset just after the value's last character.
    #[getter]
    fn end(&self) -> usize {
        self.end
    }

    /// The operator that replaced the value: ``"replace"``, ``"mask"``, ``"hash"``,
    /// ``"remove"`` or ``"placeholder"``; ``None`` from :meth:`Redactor.find`, which replaces
    /// nothing.
    #[getter]
    fn operator(&self) -> Option<&'static str> {
        self.operator.map(OperatorKind::as_str)
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let state = (
            self.entity.as_str(),
            self.start,
            self.end,
            self.operator.map(OperatorKind::as_str),
        );
        pickle::reduce(py, "Finding", state.into_pyobject(py)?)
    }

    pub(crate) fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let operator = match self.operator {
            Some(op) => repr_str(py, op.as_str())?,
            None => "None".to_owned(),
        };
        Ok(format!(
            "Finding(type={}, start={}, end={}, operator={operator})",
            repr_str(py, self.entity.as_str())?,
            self.start,
            self.end
        ))
    }
}

/// Placeholders and the original values they stand for (``"[EMAIL_1]"`` →
/// ``"jane@example.com"``), as :meth:`Redactor.redact` gave them with the ``placeholder``
/// operator. Pass it to :meth:`Redactor.restore` to put the values back into a model's answer.
///
/// Read-only and dict-like: ``m["[EMAIL_1]"]``, ``len(m)``, ``"[EMAIL_1]" in m``, iteration
/// over the placeholders, ``keys()``, ``values()``, ``items()``, ``get()``, ``dict(m)``; equal
/// to a ``Mapping`` or ``dict`` with the same pairs. Its ``repr`` shows the placeholders only,
/// never the values (they are the PII). It pickles, values included: store it as carefully as
/// the original text.
#[pyclass(module = "genie_core", name = "Mapping", frozen)]
pub struct PyMapping(pub(crate) Mapping);

impl PyMapping {
    /// The core mapping a `mapping` argument holds: a :class:`Mapping` (borrowed) or a
    /// `dict[str, str]` (converted).
    pub fn argument<'a>(py: Python<'_>, value: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, Mapping>> {
        if let Ok(mapping) = value.cast::<PyMapping>() {
            return Ok(Cow::Borrowed(&mapping.get().0));
        }
        if let Ok(dict) = value.cast::<PyDict>() {
            return PyMapping::from_dict(py, "mapping", dict).map(Cow::Owned);
        }
        Err(invalid_argument(
            py,
            format!(
                "mapping: expected a genie_core.Mapping or a dict[str, str], got {}",
                type_name(value)
            ),
        ))
    }

    /// A core mapping from a `dict[str, str]` given as argument `name` (to `restore`).
    fn from_dict(py: Python<'_>, name: &str, dict: &Bound<'_, PyDict>) -> PyResult<Mapping> {
        let mut pairs = Vec::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            match (key.extract::<String>(), item.extract::<String>()) {
                (Ok(key), Ok(item)) => pairs.push((key, item)),
                _ => {
                    return Err(invalid_argument(
                        py,
                        format!(
                            "{name}: keys and values must be str (valid Unicode), got {} -> {}",
                            type_name(&key),
                            type_name(&item)
                        ),
                    ))
                }
            }
        }
        Ok(pairs.into_iter().collect())
    }

    fn keys_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.0.iter().map(|(k, _)| k))
    }
}

#[pymethods]
impl PyMapping {
    fn __getitem__<'a>(&'a self, key: &Bound<'_, PyAny>) -> PyResult<&'a str> {
        let found = text(key).and_then(|k| self.0.get(&k));
        found.ok_or_else(|| PyKeyError::new_err(key.clone().unbind()))
    }

    fn __len__(&self) -> usize {
        self.0.len()
    }

    fn __contains__(&self, key: &Bound<'_, PyAny>) -> bool {
        text(key).is_some_and(|k| self.0.get(&k).is_some())
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyIterator>> {
        self.keys_list(py)?.try_iter()
    }

    /// The value of ``placeholder``, or ``default`` when it holds no such placeholder.
    #[pyo3(signature = (placeholder, default=None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        placeholder: &Bound<'py, PyAny>,
        default: Option<Bound<'py, PyAny>>,
    ) -> Bound<'py, PyAny> {
        let found = text(placeholder).and_then(|k| self.0.get(&k));
        match (found, default) {
            (Some(value), _) => PyString::new(py, value).into_any(),
            (None, Some(default)) => default,
            (None, None) => py.None().into_bound(py),
        }
    }

    /// The placeholders, in sorted order.
    fn keys<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.keys_list(py)
    }

    /// The original values, in the order of :meth:`keys`.
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.0.iter().map(|(_, v)| v))
    }

    /// ``(placeholder, value)`` pairs, in the order of :meth:`keys`.
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.0.iter())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        if let Ok(other) = other.cast::<PyMapping>() {
            return self.0.iter().eq(other.get().0.iter());
        }
        let Ok(dict) = other.cast::<PyDict>() else {
            return false;
        };
        dict.len() == self.0.len()
            && self.0.iter().all(|(k, v)| {
                matches!(dict.get_item(k), Ok(Some(item)) if text(&item).is_some_and(|s| s == v))
            })
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let pairs = PyTuple::new(py, self.0.iter().collect::<Vec<_>>())?;
        pickle::reduce(py, "Mapping", PyTuple::new(py, [pairs])?)
    }

    /// The placeholders, each value shown as ``...``.
    pub(crate) fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = self
            .0
            .iter()
            .map(|(k, _)| Ok(format!("{}: ...", repr_str(py, k)?)))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(format!("Mapping({{{}}})", keys.join(", ")))
    }
}

/// The result of :meth:`Redactor.redact`.
#[pyclass(module = "genie_core", name = "Redacted", frozen)]
pub struct PyRedacted {
    text: Py<PyString>,
    findings: Vec<Py<PyFinding>>,
    mapping: Py<PyMapping>,
    counts: BTreeMap<String, u64>,
}

impl PyRedacted {
    pub(crate) fn new(
        py: Python<'_>,
        text: &str,
        findings: Vec<PyFinding>,
        mapping: Mapping,
        counts: BTreeMap<String, u64>,
    ) -> PyResult<Self> {
        Ok(PyRedacted {
            text: PyString::new(py, text).unbind(),
            findings: findings
                .into_iter()
                .map(|f| Py::new(py, f))
                .collect::<PyResult<_>>()?,
            mapping: Py::new(py, PyMapping(mapping))?,
            counts,
        })
    }
}

/// `counts` as a new `dict`.
pub(crate) fn counts_dict<'py>(
    py: Python<'py>,
    counts: &BTreeMap<String, u64>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, n) in counts {
        dict.set_item(k, n)?;
    }
    Ok(dict)
}

#[pymethods]
impl PyRedacted {
    /// The redacted text: every finding replaced by its operator's output.
    #[getter]
    fn text(&self, py: Python<'_>) -> Py<PyString> {
        self.text.clone_ref(py)
    }

    /// What was found, in text order, as :class:`Finding` objects whose offsets are code points
    /// into the input text (not into :attr:`text`). A new list on each access.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.findings.iter().map(|f| f.clone_ref(py)))
    }

    /// The placeholder :class:`Mapping` (empty unless the ``placeholder`` operator ran).
    #[getter]
    fn mapping(&self, py: Python<'_>) -> Py<PyMapping> {
        self.mapping.clone_ref(py)
    }

    /// Findings per type name (``{"EMAIL": 2}``); types with none are absent. A new dict on
    /// each access.
    #[getter]
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        counts_dict(py, &self.counts)
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, Self>) -> PyResult<bool> {
        let other = other.get();
        Ok(self.text.bind(py).as_any().eq(other.text.bind(py))?
            && self.findings.len() == other.findings.len()
            && self
                .findings
                .iter()
                .zip(&other.findings)
                .all(|(a, b)| a.get() == b.get())
            && self.mapping.get().0.iter().eq(other.mapping.get().0.iter())
            && self.counts == other.counts)
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let state = (
            self.text.clone_ref(py),
            PyTuple::new(py, self.findings.iter().map(|f| f.clone_ref(py)))?,
            self.mapping.clone_ref(py),
            counts_dict(py, &self.counts)?,
        );
        pickle::reduce(py, "Redacted", state.into_pyobject(py)?)
    }

    /// Shows the redacted text, the findings, the placeholders (not their values) and counts.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let findings = self
            .findings
            .iter()
            .map(|f| f.get().__repr__(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(format!(
            "Redacted(text={}, findings=[{}], mapping={}, counts={})",
            self.text.bind(py).repr()?,
            findings.join(", "),
            self.mapping.get().__repr__(py)?,
            counts_dict(py, &self.counts)?.repr()?
        ))
    }
}
