//! Allowlists: values that are never redacted, as exact values, `*`-globs (`*@acme.com`) and
//! regexes, globally and per type. They are checked against a candidate's final span (the
//! value as the span convention cuts it) before overlaps are resolved, so an allow-listed span
//! drops out and can never hide an overlapping value that is not allow-listed.
//!
//! Exact values and globs compare ASCII case-insensitively (`Support@ACME.com` is
//! `support@acme.com`); regexes are used as written (add `(?i)` for case-insensitivity).

use crate::{Error, ErrorKind, Result};
use regex::RegexSet;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// One set of allow rules.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowRules {
    /// Exact values.
    #[serde(default)]
    pub values: Vec<String>,
    /// Globs where `*` matches any run of characters.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Regexes (a search: anchor with `^…$` to match the whole value).
    #[serde(default)]
    pub regex: Vec<String>,
}

/// The config's `allowlist`: global rules plus rules per type name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistConfig {
    /// Exact values allowed for every type.
    #[serde(default)]
    pub values: Vec<String>,
    /// Globs allowed for every type.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Regexes allowed for every type.
    #[serde(default)]
    pub regex: Vec<String>,
    /// Rules for one type only.
    #[serde(default)]
    pub by_type: BTreeMap<String, AllowRules>,
}

#[derive(Debug, Default)]
struct Rules {
    values: HashSet<String>,
    globs: Vec<Vec<String>>,
    regex: Option<RegexSet>,
}

impl Rules {
    fn compile(
        values: &[String],
        patterns: &[String],
        regex: &[String],
        path: &str,
    ) -> Result<Rules> {
        for (k, r) in regex.iter().enumerate() {
            regex::Regex::new(r).map_err(|e| {
                Error::new(
                    ErrorKind::InvalidConfig,
                    format!("{path}regex[{k}]: invalid regex: {e}"),
                )
            })?;
        }
        let set = if regex.is_empty() {
            None
        } else {
            Some(RegexSet::new(regex).map_err(|e| {
                Error::new(
                    ErrorKind::InvalidConfig,
                    format!("{path}regex: invalid regex: {e}"),
                )
            })?)
        };
        Ok(Rules {
            values: values.iter().map(|v| v.to_ascii_lowercase()).collect(),
            globs: patterns
                .iter()
                .map(|p| {
                    p.to_ascii_lowercase()
                        .split('*')
                        .map(str::to_string)
                        .collect()
                })
                .collect(),
            regex: set,
        })
    }

    fn is_empty(&self) -> bool {
        self.values.is_empty() && self.globs.is_empty() && self.regex.is_none()
    }

    fn allows(&self, value: &str, lower: &str) -> bool {
        self.values.contains(lower)
            || self.globs.iter().any(|g| glob(g, lower))
            || self.regex.as_ref().is_some_and(|r| r.is_match(value))
    }
}

/// `*`-glob match; `parts` is the pattern split at `*`.
fn glob(parts: &[String], s: &str) -> bool {
    match parts {
        [] => s.is_empty(),
        [only] => s == only,
        [first, middle @ .., last] => {
            if !s.starts_with(first.as_str())
                || s.len() < first.len() + last.len()
                || !s.ends_with(last.as_str())
            {
                return false;
            }
            let mut rest = &s[first.len()..s.len() - last.len()];
            for m in middle {
                match rest.find(m.as_str()) {
                    Some(k) => rest = &rest[k + m.len()..],
                    None => return false,
                }
            }
            true
        }
    }
}

/// The compiled allowlist.
#[derive(Debug, Default)]
pub(crate) struct Allowlist {
    global: Rules,
    by_type: Vec<(u16, Rules)>,
}

impl Allowlist {
    pub fn compile(
        cfg: &AllowlistConfig,
        type_id: &dyn Fn(&str) -> Option<u16>,
    ) -> Result<Allowlist> {
        let global = Rules::compile(&cfg.values, &cfg.patterns, &cfg.regex, "allowlist.")?;
        let mut by_type = Vec::new();
        for (name, r) in &cfg.by_type {
            let t = type_id(name).ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidConfig,
                    format!("allowlist.by_type.{name}: unknown entity type {name:?}"),
                )
            })?;
            let path = format!("allowlist.by_type.{name}.");
            by_type.push((t, Rules::compile(&r.values, &r.patterns, &r.regex, &path)?));
        }
        Ok(Allowlist { global, by_type })
    }

    pub fn is_empty(&self) -> bool {
        self.global.is_empty() && self.by_type.iter().all(|(_, r)| r.is_empty())
    }

    /// True when `value`, found as type `ty`, is allowed.
    pub fn allows(&self, ty: u16, value: &str) -> bool {
        let lower = value.to_ascii_lowercase();
        self.global.allows(value, &lower)
            || self
                .by_type
                .iter()
                .any(|(t, r)| *t == ty && r.allows(value, &lower))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(p: &str) -> Vec<String> {
        p.split('*').map(str::to_string).collect()
    }

    #[test]
    fn globs() {
        assert!(glob(&parts("*@acme.com"), "ops@acme.com"));
        assert!(!glob(&parts("*@acme.com"), "ops@acme.com.evil.io"));
        assert!(glob(&parts("reservations@*"), "reservations@hotel.example"));
        assert!(glob(
            &parts("https://docs.acme.com/*"),
            "https://docs.acme.com/api"
        ));
        assert!(glob(&parts("a*b*c"), "aXbYc"));
        assert!(!glob(&parts("a*b*c"), "acb"));
        assert!(!glob(&parts("ab*ba"), "aba"));
        assert!(glob(&parts("exact"), "exact"));
    }

    #[test]
    fn rules_by_type_and_case() {
        let cfg: AllowlistConfig = serde_json::from_str(
            r#"{"values": ["Support@Acme.com"], "by_type": {"IP_ADDRESS": {"regex": ["^10\\."]}}}"#,
        )
        .unwrap();
        let a = Allowlist::compile(&cfg, &|n| (n == "IP_ADDRESS").then_some(5)).unwrap();
        assert!(a.allows(0, "support@acme.com"));
        assert!(a.allows(5, "10.0.0.1"));
        assert!(!a.allows(0, "10.0.0.1"));
        let bad: AllowlistConfig = serde_json::from_str(r#"{"by_type": {"NOPE": {}}}"#).unwrap();
        let e = Allowlist::compile(&bad, &|_| None).unwrap_err();
        assert!(e.message().starts_with("allowlist.by_type.NOPE"));
    }
}
