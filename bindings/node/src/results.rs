//! The plain JS objects of the redactor's results (findings, `Redacted`, mappings, counts),
//! built straight from the core's results with [`Builder`].
//!
//! A result can hold millions of findings, and V8 visits every live handle at each minor GC,
//! so the objects are made in batches, each in its own handle scope. The strings every batch
//! shares (property names, operator and type names) are made first, in the call's own scope.

use std::collections::BTreeMap;

use genie_core::redact::{
    EntityType, Finding as CoreFinding, Mapping, OperatorKind, Redacted as CoreRedacted,
};
use napi::bindgen_prelude::{Array, Object, Unknown};
use napi::{sys, Env, JsValue};

use crate::objects::Builder;
use crate::redact::Operator;

/// Result objects made per handle scope.
const BATCH: usize = 4096;

const FINDING_FIELDS: [&str; 4] = ["type", "start", "end", "operator"];

const OPERATORS: [OperatorKind; 5] = [
    OperatorKind::Replace,
    OperatorKind::Mask,
    OperatorKind::Hash,
    OperatorKind::Remove,
    OperatorKind::Placeholder,
];

/// Builds the result objects of one call. Property names, operator names and type names are
/// made once per call, in the call's own handle scope, before the batches (each in a nested
/// scope that closes after it) use them.
pub(crate) struct Results<'env> {
    env: &'env Env,
    js: Builder<'env>,
    types: Vec<(EntityType, sys::napi_value)>,
}

impl<'env> Results<'env> {
    pub(crate) fn new(env: &'env Env) -> Self {
        Results {
            env,
            js: Builder::new(env),
            types: Vec::new(),
        }
    }

    /// Makes the fixed strings `finding` uses, in the current scope.
    fn prepare(&mut self, findings: &[CoreFinding]) -> napi::Result<()> {
        for name in FINDING_FIELDS {
            self.js.name(name)?;
        }
        for kind in OPERATORS {
            self.js.name(Operator::from(kind).as_str())?;
        }
        for f in findings {
            if !self.types.iter().any(|(t, _)| *t == f.entity) {
                let value = self.js.string(f.entity.as_str())?;
                self.types.push((f.entity.clone(), value));
            }
        }
        Ok(())
    }

    /// A finding whose offsets are already UTF-16 offsets (after [`Self::prepare`]).
    fn finding(&mut self, f: &CoreFinding) -> napi::Result<sys::napi_value> {
        let Some(&(_, entity)) = self.types.iter().find(|(t, _)| *t == f.entity) else {
            return Err(napi::Error::from_reason("a finding type was not prepared"));
        };
        let start = self.js.number(Some(f.start as f64))?;
        let end = self.js.number(Some(f.end as f64))?;
        let operator = match f.operator {
            Some(kind) => self.js.name(Operator::from(kind).as_str())?,
            None => self.js.null()?,
        };
        self.js.object(&[
            ("type", entity),
            ("start", start),
            ("end", end),
            ("operator", operator),
        ])
    }

    pub(crate) fn findings(&mut self, findings: &[CoreFinding]) -> napi::Result<Array<'env>> {
        self.prepare(findings)?;
        let length = u32::try_from(findings.len()).map_err(|_| {
            napi::Error::from_reason("more findings than a JS array can hold (2^32 - 1)")
        })?;
        let mut array = self.env.create_array(length)?;
        for (batch, start) in findings.chunks(BATCH).zip((0..length).step_by(BATCH)) {
            self.env.run_in_scope(|| {
                for (f, index) in batch.iter().zip(start..) {
                    array.set(index, self.finding(f)?)?;
                }
                Ok(())
            })?;
        }
        Ok(array)
    }

    /// A plain object of string keys to values, made in batches.
    fn record<'a, V: 'a>(
        &mut self,
        pairs: impl Iterator<Item = (&'a str, V)>,
        value: impl Fn(&Builder<'env>, V) -> napi::Result<sys::napi_value>,
    ) -> napi::Result<sys::napi_value> {
        let object = self.js.empty()?;
        let mut pairs = pairs.peekable();
        while pairs.peek().is_some() {
            self.env.run_in_scope(|| {
                let mut batch = Vec::with_capacity(BATCH);
                for (key, v) in pairs.by_ref().take(BATCH) {
                    batch.push((self.js.string(key)?, value(&self.js, v)?));
                }
                self.js.define_keys(object, batch)
            })?;
        }
        Ok(object)
    }

    pub(crate) fn mapping(&mut self, mapping: &Mapping) -> napi::Result<sys::napi_value> {
        self.record(mapping.iter(), |js, v: &str| js.string(v))
    }

    pub(crate) fn counts(
        &mut self,
        counts: &BTreeMap<String, u64>,
    ) -> napi::Result<sys::napi_value> {
        self.record(
            counts.iter().map(|(name, &n)| (name.as_str(), n)),
            |js, n| js.number(Some(n as f64)),
        )
    }

    pub(crate) fn redacted(&mut self, r: &CoreRedacted) -> napi::Result<sys::napi_value> {
        let text = self.js.string(&r.text)?;
        let findings = self.findings(&r.findings)?.raw();
        let mapping = self.mapping(&r.mapping)?;
        let counts = self.counts(&r.counts)?;
        self.js.object(&[
            ("text", text),
            ("findings", findings),
            ("mapping", mapping),
            ("counts", counts),
        ])
    }
}

/// A value made in the current call as an [`Unknown`], to return it.
pub(crate) fn unknown(env: &Env, value: sys::napi_value) -> Unknown<'_> {
    Object::from_raw(env.raw(), value).to_unknown()
}
