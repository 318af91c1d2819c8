//! PII redaction: detection with real validators, allowlists, operators, reversible
//! placeholders, and streaming output redaction (sans-IO).
//!
//! ```
//! use genie_core::redact::{Redactor, RedactorConfig};
//!
//! let cfg = RedactorConfig::from_json(r#"{"operators": {"default": {"type": "placeholder"}}}"#)?;
//! let r = Redactor::new(cfg)?;
//! let out = r.redact("Mail jane.doe@example.com or call +1 415 802 3391.")?;
//! assert_eq!(out.text, "Mail [EMAIL_1] or call [PHONE_1].");
//! assert_eq!(r.restore("I wrote to [EMAIL_1].", &out.mapping), "I wrote to jane.doe@example.com.");
//! # Ok::<(), genie_core::Error>(())
//! ```
//!
//! What it owns:
//!
//! - **Detectors** ([`EntityType`]): EMAIL, PHONE (libphonenumber numbering plans), CREDIT_CARD
//!   (Luhn + issuer tables), US_SSN (range rules), IBAN (length + mod-97), IP_ADDRESS (std
//!   parsers), URL, API_KEY (vendor formats, key-name context), DATE_OF_BIRTH (after a birth
//!   label), MEDICAL_RECORD_NUMBER (after an MRN label), STREET_ADDRESS (US and European
//!   grammars), PERSON (cues + US Census name gazetteer + stoplist), the opt-in DATE, and
//!   tenant patterns. Context words are matched whole-word and case-insensitively ("lic" never
//!   matches inside "public").
//! - **Speed**: one linear pass. SIMD substring searches find the rare anchors (`@`, `://`,
//!   `www.`, `:`/`=`, HL7 tags); a byte-class loop stops only at token starts (digit runs,
//!   capitalised words, key-shaped tokens); grammars, regexes (the `regex` crate: no
//!   backtracking) and validators run only there, each reading a bounded neighbourhood. No input
//!   makes it quadratic: long digit runs, `@@@@…`, repeated separators and 50 MB texts are
//!   linear.
//! - **Overlaps** resolve as tests/fixtures/pii/README.md says: validated types (CREDIT_CARD,
//!   IBAN, US_SSN, IP_ADDRESS, PHONE, EMAIL, API_KEY) over the others, then the longer span, then
//!   the earlier start. Allowlists are applied to each candidate's final span first, so an
//!   allow-listed value never hides an overlapping one that is not.
//! - **Operators** ([`OperatorConfig`]): replace, mask, keyed hash (HMAC-SHA256), remove,
//!   placeholder with a [`Mapping`], [`restore`](fn@restore) and, for a streamed answer, [`StreamRestorer`].
//! - **Streaming** ([`StreamRedactor`]): chunks in, redacted text out, equal to redacting the
//!   whole text, with a hold-back of at most 768 bytes plus the last chunk (see [`stream`] for
//!   the bound and the 16 KiB cap).
//!
//! **Fail closed.** Every entry point returns `Result`. Any internal failure — a panic in a
//! detector, an inconsistent span, an operator that cannot run — becomes
//! `ErrorKind::RedactionFailed`, and the caller gets no text at all: never the input, never a
//! partly redacted string. A [`StreamRedactor`] that failed refuses further chunks. Offsets are
//! bytes (bindings convert: code points in Python, UTF-16 units in Node).

mod allow;
mod config;
mod detect;
mod engine;
mod entity;
mod operator;
mod resolve;
mod restore;
pub mod stream;
mod text;

pub use allow::{AllowRules, AllowlistConfig};
pub use config::{CustomPattern, OperatorConfig, Profile, RedactorConfig};
pub use engine::{Finding, Redacted, Redactor};
pub use entity::EntityType;
pub use operator::{Mapping, OperatorKind};
pub use restore::{restore, StreamRestorer};
pub use stream::StreamRedactor;
