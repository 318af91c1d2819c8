//! Where and why a payload is not the JSON it was read as, in words a person can act on.

use std::fmt;

use super::MAX_DEPTH;

/// Where and why a payload is not the JSON it was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Error {
    pub(super) at: usize,
    pub(super) problem: Problem,
    pub(super) found: Found,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Problem {
    Expected(&'static str),
    ControlInString,
    InvalidEscape,
    LoneSurrogate,
    TooDeep,
    TooLarge(&'static str),
    Missing(&'static str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Found {
    End,
    Char(char),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problem {
            Problem::Expected(what) => write!(f, "expected {what}, found {}", self.found)?,
            Problem::ControlInString => write!(
                f,
                "a raw control character {} in a string (it must be escaped)",
                self.found
            )?,
            Problem::InvalidEscape => match self.found {
                Found::Char(c) if !c.is_control() => write!(f, "an invalid escape `\\{c}`")?,
                found => write!(f, "a backslash followed by {found}, not an escape")?,
            },
            Problem::LoneSurrogate => {
                f.write_str("a \\u escape of an unpaired UTF-16 surrogate")?
            }
            Problem::TooDeep => write!(f, "more than {} nested arrays and objects", MAX_DEPTH - 1)?,
            Problem::TooLarge(what) => write!(f, "an integer too large for {what}")?,
            Problem::Missing(field) => write!(f, "the object has no `{field}` field")?,
        }
        write!(f, " at byte {}", self.at)
    }
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Found::End => f.write_str("the end of the payload"),
            Found::Char(c) if c.is_control() => write!(f, "U+{:04X}", u32::from(c)),
            Found::Char(c) => write!(f, "`{c}`"),
        }
    }
}
