//! The entity types the redactor knows: twelve built-ins, the opt-in generic `DATE`, and the
//! tenant-defined types of [`super::RedactorConfig`]'s `custom` patterns.

use std::fmt;
use std::sync::Arc;

/// What kind of PII a finding is. `as_str()` gives the SCREAMING name used in configs,
/// placeholders (`[EMAIL_1]`), counts and every binding.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityType {
    /// An e-mail address.
    Email,
    /// A phone number valid in its numbering plan.
    Phone,
    /// A payment card number (Luhn and issuer checked).
    CreditCard,
    /// A US Social Security number in a valid range.
    UsSsn,
    /// An IBAN (per-country length and mod-97 checked).
    Iban,
    /// An IPv4 or IPv6 address.
    IpAddress,
    /// A URL (`scheme://...` or `www....`).
    Url,
    /// An API key or secret token.
    ApiKey,
    /// A date after a date-of-birth label.
    DateOfBirth,
    /// A medical record number after an MRN label.
    MedicalRecordNumber,
    /// A street address.
    StreetAddress,
    /// A person's name.
    Person,
    /// Any calendar date (opt-in: `"dates": true`, for HIPAA Safe Harbor).
    Date,
    /// A tenant-defined type from the config's `custom` patterns.
    Custom(Arc<str>),
}

/// The built-in types in their fixed order (their index is their internal id).
pub(crate) static BUILTINS: [EntityType; 13] = [
    EntityType::Email,
    EntityType::Phone,
    EntityType::CreditCard,
    EntityType::UsSsn,
    EntityType::Iban,
    EntityType::IpAddress,
    EntityType::Url,
    EntityType::ApiKey,
    EntityType::DateOfBirth,
    EntityType::MedicalRecordNumber,
    EntityType::StreetAddress,
    EntityType::Person,
    EntityType::Date,
];

/// Compact ids of the built-ins, used on the hot path; tenant types follow from [`id::CUSTOM_BASE`].
pub(crate) mod id {
    pub const EMAIL: u16 = 0;
    pub const PHONE: u16 = 1;
    pub const CREDIT_CARD: u16 = 2;
    pub const US_SSN: u16 = 3;
    pub const IBAN: u16 = 4;
    pub const IP_ADDRESS: u16 = 5;
    pub const URL: u16 = 6;
    pub const API_KEY: u16 = 7;
    pub const DATE_OF_BIRTH: u16 = 8;
    pub const MRN: u16 = 9;
    pub const STREET_ADDRESS: u16 = 10;
    pub const PERSON: u16 = 11;
    pub const DATE: u16 = 12;
    pub const CUSTOM_BASE: u16 = 13;
}

impl EntityType {
    /// The SCREAMING name: `"EMAIL"`, `"US_SSN"`, or the tenant type's own name.
    pub fn as_str(&self) -> &str {
        match self {
            EntityType::Email => "EMAIL",
            EntityType::Phone => "PHONE",
            EntityType::CreditCard => "CREDIT_CARD",
            EntityType::UsSsn => "US_SSN",
            EntityType::Iban => "IBAN",
            EntityType::IpAddress => "IP_ADDRESS",
            EntityType::Url => "URL",
            EntityType::ApiKey => "API_KEY",
            EntityType::DateOfBirth => "DATE_OF_BIRTH",
            EntityType::MedicalRecordNumber => "MEDICAL_RECORD_NUMBER",
            EntityType::StreetAddress => "STREET_ADDRESS",
            EntityType::Person => "PERSON",
            EntityType::Date => "DATE",
            EntityType::Custom(name) => name,
        }
    }

    /// Looks a built-in type up by its SCREAMING name.
    pub fn builtin(name: &str) -> Option<EntityType> {
        BUILTINS.iter().find(|t| t.as_str() == name).cloned()
    }

    /// True for the types whose detector checks the value itself (checksum, numbering plan,
    /// parser, vendor format); they win overlaps against the context- and shape-based ones.
    pub fn is_validated(&self) -> bool {
        matches!(
            self,
            EntityType::CreditCard
                | EntityType::Iban
                | EntityType::UsSsn
                | EntityType::IpAddress
                | EntityType::Phone
                | EntityType::Email
                | EntityType::ApiKey
        )
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// True when a tenant type name is acceptable: SCREAMING_SNAKE, not a built-in.
pub(crate) fn valid_custom_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 48
        && b[0].is_ascii_uppercase()
        && b.iter()
            .all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
        && EntityType::builtin(name).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_builtin_order() {
        assert_eq!(BUILTINS[id::EMAIL as usize], EntityType::Email);
        assert_eq!(BUILTINS[id::MRN as usize], EntityType::MedicalRecordNumber);
        assert_eq!(BUILTINS[id::DATE as usize], EntityType::Date);
        assert_eq!(BUILTINS.len(), id::CUSTOM_BASE as usize);
        for t in &BUILTINS {
            assert_eq!(EntityType::builtin(t.as_str()).as_ref(), Some(t));
        }
    }

    #[test]
    fn custom_names_are_screaming_and_new() {
        assert!(valid_custom_name("ACME_MRN"));
        assert!(!valid_custom_name("acme"));
        assert!(!valid_custom_name("EMAIL"));
        assert!(!valid_custom_name(""));
    }
}
