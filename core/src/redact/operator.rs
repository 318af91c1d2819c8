//! Operators (what replaces a found value), the reversible placeholder [`Mapping`], and
//! [`restore`](fn@super::restore).
//!
//! - replace → `<EMAIL>`; mask → `*****e.com` (keeps the last N characters);
//! - hash → `<EMAIL:3f9a1c2b>`: HMAC-SHA256 of the value under the configured key, first 8 hex
//!   digits, so equal values give equal pseudonyms and nobody without the key can test guesses;
//! - remove → nothing; placeholder → `[EMAIL_1]`, numbered per document (or stream) and per
//!   distinct value of the type, recorded in the [`Mapping`].

use super::config::OperatorConfig;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::Sha256;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

/// The operator applied to a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperatorKind {
    /// `<TYPE>`.
    Replace,
    /// Masked but for the last characters.
    Mask,
    /// `<TYPE:hash8>`.
    Hash,
    /// Deleted.
    Remove,
    /// `[TYPE_n]`.
    Placeholder,
}

impl OperatorKind {
    /// The config name: `"replace"`, `"mask"`, `"hash"`, `"remove"`, `"placeholder"`.
    pub fn as_str(self) -> &'static str {
        match self {
            OperatorKind::Replace => "replace",
            OperatorKind::Mask => "mask",
            OperatorKind::Hash => "hash",
            OperatorKind::Remove => "remove",
            OperatorKind::Placeholder => "placeholder",
        }
    }
}

/// The HMAC key of the hash operator; never printed.
#[derive(Clone)]
pub(crate) struct HashKey(Arc<[u8]>);

impl HashKey {
    pub fn new(key: Vec<u8>) -> HashKey {
        HashKey(key.into())
    }
}

impl fmt::Debug for HashKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HashKey(<redacted>)")
    }
}

/// A compiled operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Operator {
    Replace,
    Mask { keep_last: usize, ch: char },
    Hash,
    Remove,
    Placeholder,
}

impl Operator {
    pub fn from_config(c: &OperatorConfig) -> Result<Operator, String> {
        Ok(match *c {
            OperatorConfig::Replace => Operator::Replace,
            OperatorConfig::Mask { keep_last, char } => {
                if char.is_control() {
                    return Err("mask char must be a visible character".to_string());
                }
                Operator::Mask {
                    keep_last,
                    ch: char,
                }
            }
            OperatorConfig::Hash => Operator::Hash,
            OperatorConfig::Remove => Operator::Remove,
            OperatorConfig::Placeholder => Operator::Placeholder,
        })
    }

    pub fn kind(&self) -> OperatorKind {
        match self {
            Operator::Replace => OperatorKind::Replace,
            Operator::Mask { .. } => OperatorKind::Mask,
            Operator::Hash => OperatorKind::Hash,
            Operator::Remove => OperatorKind::Remove,
            Operator::Placeholder => OperatorKind::Placeholder,
        }
    }

    /// Writes the replacement of `value` (of type `ty`) to `out`. Fails only when the hash
    /// operator has no key, which config validation rules out.
    pub fn apply(
        &self,
        ty: &str,
        value: &str,
        key: Option<&HashKey>,
        mapping: &mut Mapping,
        out: &mut String,
    ) -> Result<(), &'static str> {
        match self {
            Operator::Replace => {
                out.push('<');
                out.push_str(ty);
                out.push('>');
            }
            Operator::Mask { keep_last, ch } => {
                let n = value.chars().count();
                let keep = (*keep_last).min(n);
                out.extend(std::iter::repeat_n(*ch, n - keep));
                let tail = value
                    .char_indices()
                    .nth(n - keep)
                    .map_or(value.len(), |(k, _)| k);
                out.push_str(&value[tail..]);
            }
            Operator::Hash => {
                let key = key.ok_or("the hash operator has no key")?;
                out.push('<');
                out.push_str(ty);
                out.push(':');
                out.push_str(&hash8(&key.0, value).ok_or("the MAC could not be computed")?);
                out.push('>');
            }
            Operator::Remove => {}
            Operator::Placeholder => out.push_str(mapping.placeholder(ty, value)),
        }
        Ok(())
    }
}

/// First 8 hex digits of HMAC-SHA256(key, value). HMAC takes keys of any length, so this
/// returns None only if the MAC library's contract changed.
pub(crate) fn hash8(key: &[u8], value: &str) -> Option<String> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).ok()?;
    mac.update(value.as_bytes());
    let digest = mac.finalize().into_bytes();
    Some(digest[..4].iter().map(|b| format!("{b:02x}")).collect())
}

/// Placeholders and the values they stand for: `"[EMAIL_1]" -> "jane@example.com"`.
///
/// Serializes as a JSON object of those pairs. `Debug` shows only how many pairs it holds:
/// the values are PII.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    entries: BTreeMap<String, String>,
    /// type -> value -> placeholder, and the last number given per type.
    by_value: HashMap<String, HashMap<String, String>>,
    next: HashMap<String, u64>,
}

impl Mapping {
    /// An empty mapping.
    pub fn new() -> Mapping {
        Mapping::default()
    }

    /// The original value of a placeholder.
    pub fn get(&self, placeholder: &str) -> Option<&str> {
        self.entries.get(placeholder).map(String::as_str)
    }

    /// How many placeholders it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when it holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The (placeholder, value) pairs, in placeholder order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The placeholder of `value` as type `ty`, numbering a new value.
    fn placeholder(&mut self, ty: &str, value: &str) -> &str {
        if !self.by_value.contains_key(ty) {
            self.by_value.insert(ty.to_string(), HashMap::new());
        }
        let known = self.by_value.get(ty).is_some_and(|m| m.contains_key(value));
        if !known {
            let n = self.next.entry(ty.to_string()).or_insert(0);
            *n += 1;
            let p = format!("[{ty}_{n}]");
            self.entries.insert(p.clone(), value.to_string());
            if let Some(m) = self.by_value.get_mut(ty) {
                m.insert(value.to_string(), p);
            }
        }
        self.by_value
            .get(ty)
            .and_then(|m| m.get(value))
            .map_or("", String::as_str)
    }

    fn from_entries(entries: BTreeMap<String, String>) -> Mapping {
        let mut m = Mapping {
            entries,
            ..Mapping::default()
        };
        for (p, v) in &m.entries {
            if let Some((ty, n)) = parse_placeholder(p) {
                m.by_value
                    .entry(ty.to_string())
                    .or_default()
                    .insert(v.clone(), p.clone());
                let next = m.next.entry(ty.to_string()).or_insert(0);
                *next = (*next).max(n);
            }
        }
        m
    }
}

impl fmt::Debug for Mapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mapping")
            .field("entries", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl Serialize for Mapping {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.entries.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Mapping {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Mapping, D::Error> {
        BTreeMap::<String, String>::deserialize(d).map(Mapping::from_entries)
    }
}

impl FromIterator<(String, String)> for Mapping {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(it: I) -> Mapping {
        Mapping::from_entries(it.into_iter().collect())
    }
}

/// `[TYPE_n]` -> (TYPE, n).
fn parse_placeholder(p: &str) -> Option<(&str, u64)> {
    let inner = p.strip_prefix('[')?.strip_suffix(']')?;
    let (ty, n) = inner.rsplit_once('_')?;
    Some((ty, n.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::restore::restore;

    #[test]
    fn hash_matches_the_fixture_key() {
        assert_eq!(
            hash8(b"fixture-hmac-key-not-a-secret", "jane@example.com").unwrap(),
            "b0b6393a"
        );
    }

    #[test]
    fn mask_counts_characters() {
        let mut m = Mapping::new();
        let mut out = String::new();
        Operator::Mask {
            keep_last: 4,
            ch: '•',
        }
        .apply("EMAIL", "josé@x.fr", None, &mut m, &mut out)
        .unwrap();
        assert_eq!(out, "•••••x.fr");
        out.clear();
        Operator::Mask {
            keep_last: 40,
            ch: '*',
        }
        .apply("EMAIL", "ab", None, &mut m, &mut out)
        .unwrap();
        assert_eq!(out, "ab");
    }

    #[test]
    fn placeholders_number_distinct_values_and_restore() {
        let mut m = Mapping::new();
        let mut out = String::new();
        for v in ["a@x.io", "b@x.io", "a@x.io"] {
            Operator::Placeholder
                .apply("EMAIL", v, None, &mut m, &mut out)
                .unwrap();
            out.push(' ');
        }
        assert_eq!(out, "[EMAIL_1] [EMAIL_2] [EMAIL_1] ");
        assert_eq!(
            restore("Hi [EMAIL_2], cc [[EMAIL_1]] [EMAIL_9] [", &m),
            "Hi b@x.io, cc [a@x.io] [EMAIL_9] ["
        );
        assert_eq!(format!("{m:?}"), "Mapping { entries: 2, .. }");
        let json = serde_json::to_string(&m).unwrap();
        let back: Mapping = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }
}
