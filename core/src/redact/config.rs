//! The redactor's configuration: the serde document of notes/redact-api.md, its loaders (JSON
//! string, `serde_json::Value`, file), and its validation into the compiled form the engine
//! uses. Every error is `ErrorKind::InvalidConfig` and names the path and the reason
//! (`allowlist.regex[1]: invalid regex: ...`); the hash key never appears in one.

use super::allow::{Allowlist, AllowlistConfig};
use super::detect::{self, Custom, Detectors};
use super::entity::{id, valid_custom_name, EntityType, BUILTINS};
use super::operator::{HashKey, Operator};
use crate::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// A domain profile: which defaults the redactor starts from.
///
/// - `general`: the twelve built-in types.
/// - `healthcare`: the twelve, with the clinical MRN labels (`Patient ID`, `Chart #`) on; for
///   HIPAA Safe Harbor also set `"dates": true`, which adds the generic `DATE` type (every
///   calendar date, not only birth dates).
/// - `tech`: the twelve, with prefix-less secrets announced in prose ("my API key is …") on
///   besides `key = value` assignments and vendor-prefixed keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Everyday text: support tickets, chat, e-mail.
    #[default]
    General,
    /// Clinical notes, HL7/FHIR, patient correspondence.
    Healthcare,
    /// Logs, configs, stack traces, code.
    Tech,
}

/// How one entity type is redacted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum OperatorConfig {
    /// `<EMAIL>`.
    Replace,
    /// Keeps the last `keep_last` characters and masks the others with `char`.
    Mask {
        /// Characters kept at the end (default 4).
        #[serde(default = "default_keep_last")]
        keep_last: usize,
        /// The masking character (default `*`).
        #[serde(default = "default_mask_char")]
        char: char,
    },
    /// `<EMAIL:3f9a1c2b>`: HMAC-SHA256 under the configured key, first 8 hex digits.
    Hash,
    /// Deletes the value.
    Remove,
    /// `[EMAIL_1]`, numbered per document and per distinct value, with a mapping to restore.
    Placeholder,
}

fn default_keep_last() -> usize {
    4
}

fn default_mask_char() -> char {
    '*'
}

/// A tenant-defined pattern: its type name, a regex, and optional context words of which one
/// must appear (whole word, case-insensitive) within 48 bytes before a match or name its CSV
/// column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomPattern {
    /// SCREAMING_SNAKE name, not a built-in one (`ACME_MRN`).
    #[serde(rename = "type")]
    pub entity: String,
    /// The pattern (Rust `regex` syntax, linear time); its matches must be 1–256 bytes long.
    pub regex: String,
    /// Context words; empty means no context needed.
    #[serde(default)]
    pub context: Vec<String>,
}

/// The redactor's configuration (see notes/redact-api.md for the JSON form).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactorConfig {
    /// The domain profile.
    #[serde(default)]
    pub profile: Profile,
    /// The exact set of enabled types (default: the profile's).
    #[serde(default)]
    pub entities: Option<Vec<String>>,
    /// Operators by type name, plus `"default"` for the others (default: replace).
    #[serde(default)]
    pub operators: BTreeMap<String, OperatorConfig>,
    /// Values never redacted.
    #[serde(default)]
    pub allowlist: AllowlistConfig,
    /// Tenant-defined patterns.
    #[serde(default)]
    pub custom: Vec<CustomPattern>,
    /// The region numbers without `+` are dialled from (ISO 3166 alpha-2; `null`: only
    /// `+`-prefixed numbers are phones).
    #[serde(default = "default_region")]
    pub phone_region: Option<String>,
    /// The environment variable holding the HMAC key of the `hash` operator.
    #[serde(default)]
    pub hash_key_env: Option<String>,
    /// The generic `DATE` type (HIPAA Safe Harbor).
    #[serde(default)]
    pub dates: bool,
    /// A key given in code (never serialized, never printed).
    #[serde(skip)]
    hash_key: Option<HashKey>,
}

fn default_region() -> Option<String> {
    Some("US".to_string())
}

impl Default for RedactorConfig {
    fn default() -> Self {
        RedactorConfig {
            profile: Profile::General,
            entities: None,
            operators: BTreeMap::new(),
            allowlist: AllowlistConfig::default(),
            custom: Vec::new(),
            phone_region: default_region(),
            hash_key_env: None,
            dates: false,
            hash_key: None,
        }
    }
}

impl std::fmt::Debug for RedactorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedactorConfig")
            .field("profile", &self.profile)
            .field("entities", &self.entities)
            .field("operators", &self.operators)
            .field("allowlist", &self.allowlist)
            .field("custom", &self.custom)
            .field("phone_region", &self.phone_region)
            .field("hash_key_env", &self.hash_key_env)
            .field("dates", &self.dates)
            .field("hash_key", &self.hash_key.as_ref().map(|_| "<set>"))
            .finish()
    }
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidConfig, msg)
}

fn path_error<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> Error {
    let path = e.path().to_string();
    if path == "." {
        invalid(e.into_inner().to_string())
    } else {
        invalid(format!("{path}: {}", e.into_inner()))
    }
}

impl RedactorConfig {
    /// Parses a JSON document.
    pub fn from_json(json: &str) -> Result<RedactorConfig> {
        let mut de = serde_json::Deserializer::from_str(json);
        let cfg: RedactorConfig = serde_path_to_error::deserialize(&mut de).map_err(path_error)?;
        de.end()
            .map_err(|e| invalid(format!("trailing characters after the document: {e}")))?;
        Ok(cfg)
    }

    /// Reads a `serde_json::Value` (what the bindings build from a dict or object).
    pub fn from_value(value: serde_json::Value) -> Result<RedactorConfig> {
        serde_path_to_error::deserialize(value).map_err(path_error)
    }

    /// Reads a JSON file.
    pub fn from_path(path: &Path) -> Result<RedactorConfig> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| invalid(format!("{}: cannot read: {e}", path.display())))?;
        RedactorConfig::from_json(&text)
            .map_err(|e| invalid(format!("{}: {}", path.display(), e.message())))
    }

    /// Uses `key` for the hash operator instead of reading `hash_key_env`.
    pub fn with_hash_key(mut self, key: impl Into<Vec<u8>>) -> RedactorConfig {
        self.hash_key = Some(HashKey::new(key.into()));
        self
    }
}

/// The validated, compiled configuration.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub detectors: Detectors,
    /// Type names by id (built-ins, then tenant types).
    pub types: Vec<EntityType>,
    /// Operator by type id.
    pub operators: Vec<Operator>,
    pub allow: Allowlist,
    pub hash_key: Option<HashKey>,
}

/// Validates `cfg` and compiles it.
pub(crate) fn compile(cfg: &RedactorConfig) -> Result<Compiled> {
    let mut types: Vec<EntityType> = BUILTINS.to_vec();
    let mut custom = Vec::new();
    for (k, c) in cfg.custom.iter().enumerate() {
        if !valid_custom_name(&c.entity) {
            return Err(invalid(format!(
                "custom[{k}].type: {:?} must be SCREAMING_SNAKE_CASE (A-Z, 0-9, _), at most 48 \
                 characters, and not a built-in type",
                c.entity
            )));
        }
        if types.iter().any(|t| t.as_str() == c.entity) {
            return Err(invalid(format!(
                "custom[{k}].type: {:?} is defined twice",
                c.entity
            )));
        }
        let regex =
            bounded_regex(&c.regex).map_err(|m| invalid(format!("custom[{k}].regex: {m}")))?;
        let ty = types.len() as u16;
        types.push(EntityType::Custom(Arc::from(c.entity.as_str())));
        custom.push(Custom {
            ty,
            regex,
            context: c.context.clone(),
        });
    }
    let name_id = |name: &str| {
        types
            .iter()
            .position(|t| t.as_str() == name)
            .map(|k| k as u16)
    };

    let mut enabled: u32 = match &cfg.entities {
        None => (0..id::DATE).fold(0, |m, t| m | 1 << t),
        Some(list) => {
            let mut m = 0;
            for (k, name) in list.iter().enumerate() {
                match name_id(name) {
                    Some(t) if t < id::CUSTOM_BASE => m |= 1 << t,
                    Some(_) => {}
                    None => {
                        return Err(invalid(format!(
                            "entities[{k}]: unknown entity type {name:?} (built-ins: {})",
                            builtin_names()
                        )))
                    }
                }
            }
            m
        }
    };
    if cfg.dates {
        enabled |= 1 << id::DATE;
    }

    let mut default_op = Operator::Replace;
    let mut per_type: Vec<(u16, Operator)> = Vec::new();
    let mut uses_hash = false;
    for (name, op) in &cfg.operators {
        let op =
            Operator::from_config(op).map_err(|m| invalid(format!("operators.{name}: {m}")))?;
        uses_hash |= matches!(op, Operator::Hash);
        if name == "default" {
            default_op = op;
        } else {
            let t = name_id(name).ok_or_else(|| {
                invalid(format!("operators.{name}: unknown entity type {name:?} (use \"default\" or a type name)"))
            })?;
            per_type.push((t, op));
        }
    }
    let mut operators = vec![default_op; types.len()];
    for (t, op) in per_type {
        operators[t as usize] = op;
    }

    let hash_key = match (&cfg.hash_key, &cfg.hash_key_env) {
        (Some(k), _) => Some(k.clone()),
        (None, Some(var)) => match std::env::var_os(var) {
            Some(v) if !v.is_empty() => Some(HashKey::new(v.into_encoded_bytes())),
            _ if uses_hash => {
                return Err(invalid(format!(
                    "hash_key_env: the environment variable {var:?} is not set (the hash operator needs its key)"
                )))
            }
            _ => None,
        },
        (None, None) if uses_hash => {
            return Err(invalid(
                "hash_key_env: the hash operator needs a key; name the environment variable that holds it",
            ))
        }
        (None, None) => None,
    };

    let region = match &cfg.phone_region {
        None => None,
        Some(r) => Some(detect::region(r).ok_or_else(|| {
            invalid(format!(
                "phone_region: unknown region {r:?} (use an ISO 3166 alpha-2 code such as \"US\")"
            ))
        })?),
    };

    if let Some(region) = region.filter(|_| enabled & (1 << id::PHONE) != 0) {
        detect::prepare_region(region);
    }
    let allow = Allowlist::compile(&cfg.allowlist, &name_id)?;
    Ok(Compiled {
        detectors: Detectors {
            enabled,
            region,
            custom,
            profile: cfg.profile,
        },
        types,
        operators,
        allow,
        hash_key,
    })
}

fn builtin_names() -> String {
    BUILTINS
        .iter()
        .map(EntityType::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Longest match a tenant pattern may have: the stream redactor's hold-back covers it.
pub(crate) const MAX_CUSTOM_MATCH: usize = 256;
const _: () = assert!(MAX_CUSTOM_MATCH < detect::MAX_REACH);

fn bounded_regex(src: &str) -> std::result::Result<regex::Regex, String> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(src)
        .map_err(|e| format!("invalid regex: {e}"))?;
    let props = hir.properties();
    match props.maximum_len() {
        Some(n) if n <= MAX_CUSTOM_MATCH => {}
        _ => {
            return Err(format!(
                "matches can be longer than {MAX_CUSTOM_MATCH} bytes; bound every repetition (\\d{{6,12}}, not \\d+)"
            ))
        }
    }
    if props.minimum_len() == Some(0) {
        return Err("the pattern can match the empty string".to_string());
    }
    regex::Regex::new(src).map_err(|e| format!("invalid regex: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        let e = RedactorConfig::from_json(json)
            .and_then(|c| compile(&c).map(|_| ()))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig);
        e.message().to_string()
    }

    #[test]
    fn errors_name_the_path_and_the_reason() {
        assert!(err(r#"{"allowlist": {"regex": ["ok", "(unclosed"]}}"#)
            .starts_with("allowlist.regex[1]: invalid regex"));
        assert!(
            err(r#"{"operators": {"EMAIL": {"type": "scramble"}}}"#).starts_with("operators.EMAIL")
        );
        assert!(err(r#"{"profile": "finance"}"#).starts_with("profile: unknown variant `finance`"));
        assert!(err(r#"{"entities": ["EMAIL", "PASSPORT"]}"#)
            .starts_with("entities[1]: unknown entity type \"PASSPORT\""));
        assert!(err(r#"{"custom": [{"type": "ACME_ID", "regex": "[a-"}]}"#)
            .starts_with("custom[0].regex: invalid regex"));
        assert!(
            err(r#"{"custom": [{"type": "ACME_ID", "regex": "A\\d+"}]}"#)
                .starts_with("custom[0].regex: matches can be longer")
        );
        assert!(
            err(r#"{"custom": [{"type": "email", "regex": "x"}]}"#).starts_with("custom[0].type")
        );
        assert!(err(r#"{"phone_region": "ZZ"}"#).starts_with("phone_region: unknown region"));
        assert!(err(r#"{"operators": {"default": {"type": "hash"}}}"#).starts_with("hash_key_env:"));
        assert!(err(r#"{"operators": {"PASSPORT": {"type": "remove"}}}"#)
            .starts_with("operators.PASSPORT: unknown entity type"));
        assert!(err(r#"{"profil": "general"}"#).contains("unknown field `profil`"));
        assert!(
            err(r#"{"operators": {"EMAIL": {"type": "mask", "keep_lats": 2}}}"#)
                .starts_with("operators.EMAIL")
        );
        assert!(err("{").contains("EOF"));
    }

    #[test]
    fn a_redactor_for_a_region_compiles_its_numbering_rules_up_front() {
        // Iceland (+354): no other test checks its numbers, so only the config can prepare it.
        let iceland = detect::region("IS").unwrap();
        let without_phones = r#"{"phone_region": "IS", "entities": ["EMAIL"]}"#;
        compile(&RedactorConfig::from_json(without_phones).unwrap()).unwrap();
        assert!(
            !detect::region_prepared(iceland),
            "phones are off: nothing to prepare"
        );
        compile(&RedactorConfig::from_json(r#"{"phone_region": "IS"}"#).unwrap()).unwrap();
        assert!(detect::region_prepared(iceland));
    }

    #[test]
    fn defaults_and_debug_never_show_the_key() {
        let c = RedactorConfig::default().with_hash_key("s3cr3t-key");
        assert!(!format!("{c:?}").contains("s3cr3t"));
        let compiled = compile(&c).unwrap();
        assert!(!format!("{compiled:?}").contains("s3cr3t"));
        assert_eq!(compiled.detectors.enabled & (1 << id::DATE), 0);
        let c = RedactorConfig::from_json(r#"{"dates": true, "profile": "healthcare"}"#).unwrap();
        assert_ne!(compile(&c).unwrap().detectors.enabled & (1 << id::DATE), 0);
    }
}
