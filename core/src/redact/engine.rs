//! [`Redactor`]: detection, allowlist, overlap resolution and operators over one text, and the
//! fail-closed boundary around them.

use super::config::{compile, Compiled, RedactorConfig};
use super::detect::{self, Cand};
use super::entity::EntityType;
use super::operator::{Mapping, OperatorKind};
use super::resolve::resolve;
use super::restore::restore;
use crate::{Error, ErrorKind, Result};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// One detected value: its type, its byte range in the input, and the operator applied to it
/// (`None` from [`Redactor::find`], which applies none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The entity type.
    pub entity: EntityType,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset after the last byte.
    pub end: usize,
    /// The operator that replaced it.
    pub operator: Option<OperatorKind>,
}

/// The result of [`Redactor::redact`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redacted {
    /// The redacted text.
    pub text: String,
    /// What was found, in text order, with offsets into the input.
    pub findings: Vec<Finding>,
    /// Placeholder → original value, for [`Redactor::restore`] (empty unless the placeholder
    /// operator ran).
    pub mapping: Mapping,
    /// Findings per type name.
    pub counts: BTreeMap<String, u64>,
}

/// The PII redactor. Cheap to clone and share across threads (the compiled configuration is
/// behind an `Arc`); every method takes `&self`.
#[derive(Clone, Debug)]
pub struct Redactor {
    pub(crate) c: Arc<Compiled>,
}

fn failed(what: &str) -> Error {
    Error::new(
        ErrorKind::RedactionFailed,
        format!("redaction failed ({what}); no text was returned"),
    )
}

/// Runs `f`, turning a panic into `RedactionFailed`: a bug must never let text through.
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(failed("internal error")))
}

impl Redactor {
    /// Validates and compiles `config` (`ErrorKind::InvalidConfig` naming the path on error).
    pub fn new(config: RedactorConfig) -> Result<Redactor> {
        guard(|| compile(&config)).map(|c| Redactor { c: Arc::new(c) })
    }

    /// The raw candidates of `text` starting at or after `from`, allowlist applied.
    pub(crate) fn candidates(&self, text: &str, from: usize, out: &mut Vec<Cand>) {
        detect::scan(text, from, &self.c.detectors, out);
        if !self.c.allow.is_empty() {
            out.retain(|c| !self.c.allow.allows(c.ty, &text[c.start..c.end]));
        }
    }

    fn spans(&self, text: &str) -> Result<Vec<Cand>> {
        let mut cands = Vec::new();
        self.candidates(text, 0, &mut cands);
        let kept = resolve(&mut cands);
        check_spans(text, &kept)?;
        Ok(kept)
    }

    /// The PII in `text`, sorted by start, non-overlapping.
    pub fn find(&self, text: &str) -> Result<Vec<Finding>> {
        guard(|| {
            Ok(self
                .spans(text)?
                .into_iter()
                .map(|c| Finding {
                    entity: self.c.types[c.ty as usize].clone(),
                    start: c.start,
                    end: c.end,
                    operator: None,
                })
                .collect())
        })
    }

    /// Redacts `text`. On any internal failure this returns `ErrorKind::RedactionFailed` and
    /// no text at all.
    pub fn redact(&self, text: &str) -> Result<Redacted> {
        guard(|| {
            let spans = self.spans(text)?;
            let mut out = Redacted {
                text: String::with_capacity(text.len()),
                findings: Vec::with_capacity(spans.len()),
                mapping: Mapping::new(),
                counts: BTreeMap::new(),
            };
            self.emit(text, 0, text.len(), &spans, 0, &mut out)?;
            Ok(out)
        })
    }

    /// Writes `text[from..to]` to `out.text` with `spans` (inside that range) replaced, and
    /// records the findings with offsets shifted by `base`.
    pub(crate) fn emit(
        &self,
        text: &str,
        from: usize,
        to: usize,
        spans: &[Cand],
        base: usize,
        out: &mut Redacted,
    ) -> Result<()> {
        let mut last = from;
        let mut counts = vec![0u64; self.c.types.len()];
        for c in spans {
            let ty = &self.c.types[c.ty as usize];
            let op = &self.c.operators[c.ty as usize];
            out.text.push_str(&text[last..c.start]);
            op.apply(
                ty.as_str(),
                &text[c.start..c.end],
                self.c.hash_key.as_ref(),
                &mut out.mapping,
                &mut out.text,
            )
            .map_err(failed)?;
            counts[c.ty as usize] += 1;
            out.findings.push(Finding {
                entity: ty.clone(),
                start: base + c.start,
                end: base + c.end,
                operator: Some(op.kind()),
            });
            last = c.end;
        }
        out.text.push_str(&text[last..to]);
        for (t, n) in counts.into_iter().enumerate().filter(|&(_, n)| n > 0) {
            *out.counts
                .entry(self.c.types[t].as_str().to_string())
                .or_insert(0) += n;
        }
        Ok(())
    }

    /// Puts the original values of `mapping`'s placeholders back into `text` (a model's answer).
    pub fn restore(&self, text: &str, mapping: &Mapping) -> String {
        restore(text, mapping)
    }
}

/// Spans must be ordered, disjoint and on character boundaries; anything else is a bug, and a
/// bug fails closed.
pub(crate) fn check_spans(text: &str, spans: &[Cand]) -> Result<()> {
    let mut last = 0;
    for c in spans {
        if c.start < last
            || c.end <= c.start
            || c.end > text.len()
            || !text.is_char_boundary(c.start)
            || !text.is_char_boundary(c.end)
        {
            return Err(failed("inconsistent span"));
        }
        last = c.end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redactor_is_send_sync_and_cheap_to_clone() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Redactor>();
    }

    #[test]
    fn inconsistent_spans_fail_closed() {
        let cand = |start, end| Cand { ty: 0, start, end };
        assert!(check_spans("héllo", &[cand(0, 2)]).is_err());
        assert!(check_spans("hello", &[cand(0, 3), cand(2, 4)]).is_err());
        assert!(check_spans("hello", &[cand(0, 9)]).is_err());
        assert!(check_spans("hello", &[cand(0, 1), cand(1, 5)]).is_ok());
        let e = guard::<()>(|| panic!("boom")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::RedactionFailed);
    }
}
