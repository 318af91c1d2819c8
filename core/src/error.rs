//! The one error table of genie (DESIGN.md §2).
//!
//! Every failure anywhere in genie is an [`Error`] carrying an [`ErrorKind`]. Each kind has a
//! stable code string (`"LIMIT_EXCEEDED"`) and a stable number, grouped by thousands:
//!
//! | range | group |
//! |---|---|
//! | 1000s | the caller's input: arguments, UTF-8, configuration, size limits |
//! | 2000s | the provider answered with an error |
//! | 3000s | the stream or the transport failed |
//! | 4000s | a guardrail refused: redaction, budget, routing |
//! | 9000s | a bug inside genie (a caught panic) |
//!
//! The table is append-only: a number is never reused or renumbered, because C programs compile
//! it in and dashboards group by it. The C, Python and Node bindings render this same table
//! (`genie_status`, `genie_core.GenieError` subclasses, `Error.code`/`.status`), and a test in
//! each language enumerates [`ErrorKind::ALL`] so a kind added here without its renderings fails.

use std::fmt;

macro_rules! error_table {
    ($( $(#[$doc:meta])* $variant:ident = $status:literal, $code:literal; )*) => {
        /// What went wrong, as a stable, language-neutral category.
        #[non_exhaustive]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorKind {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorKind {
            /// Every kind, in table order. Bindings iterate this to prove they render all of them.
            pub const ALL: &'static [ErrorKind] = &[ $( ErrorKind::$variant, )* ];

            /// The stable code string, identical in every language (`"STREAM_STALLED"`).
            pub const fn code(self) -> &'static str {
                match self { $( ErrorKind::$variant => $code, )* }
            }

            /// The stable number (C `genie_status`, Python/Node `.status`).
            pub const fn status(self) -> u32 {
                match self { $( ErrorKind::$variant => $status, )* }
            }

            /// Looks a kind up by its code string.
            pub fn from_code(code: &str) -> Option<ErrorKind> {
                match code { $( $code => Some(ErrorKind::$variant), )* _ => None }
            }
        }
    };
}

error_table! {
    /// An argument is not acceptable (wrong type from Python/JS, unknown provider name, ...).
    InvalidArgument = 1000, "INVALID_ARGUMENT";
    /// A required pointer was NULL (C only, but numbered here so the table stays one table).
    NullArgument = 1001, "NULL_ARGUMENT";
    /// Text that must be UTF-8 is not.
    InvalidUtf8 = 1002, "INVALID_UTF8";
    /// A configuration document is invalid; the message names the path and the reason.
    InvalidConfig = 1003, "INVALID_CONFIG";
    /// A size limit was exceeded (an SSE line or event larger than configured).
    LimitExceeded = 1004, "LIMIT_EXCEEDED";

    /// The provider answered with an HTTP error not covered by a more specific kind.
    UpstreamHttp = 2000, "UPSTREAM_HTTP";
    /// The provider is rate limiting (HTTP 429 or an in-band rate-limit error).
    RateLimited = 2001, "RATE_LIMITED";
    /// The provider wants payment or credits (HTTP 402).
    PaymentRequired = 2002, "PAYMENT_REQUIRED";
    /// The prompt does not fit the model's context window.
    ContextLengthExceeded = 2003, "CONTEXT_LENGTH_EXCEEDED";
    /// The provider refused the prompt or the answer on content policy grounds.
    ContentFiltered = 2004, "CONTENT_FILTERED";
    /// The provider sent bytes that are not its documented wire format.
    MalformedResponse = 2005, "MALFORMED_RESPONSE";

    /// No byte arrived for longer than the stall gap.
    StreamStalled = 3000, "STREAM_STALLED";
    /// The stream ended without the provider's end marker: the answer is truncated.
    StreamIncomplete = 3001, "STREAM_INCOMPLETE";
    /// A deadline passed (connect, first byte, or the call's total deadline).
    DeadlineExceeded = 3002, "DEADLINE_EXCEEDED";
    /// The connection failed (refused, reset, TLS, DNS).
    Transport = 3003, "TRANSPORT";
    /// The caller cancelled the operation.
    Cancelled = 3004, "CANCELLED";

    /// PII redaction failed; no unredacted text was returned.
    RedactionFailed = 4000, "REDACTION_FAILED";
    /// The tenant's token budget does not allow this request.
    BudgetExceeded = 4001, "BUDGET_EXCEEDED";
    /// No model in the route can serve this request.
    NoRoute = 4002, "NO_ROUTE";

    /// A bug inside genie: a panic was caught at the language boundary.
    Internal = 9000, "INTERNAL";
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A genie failure: a stable [`ErrorKind`] plus a message that says what to fix.
///
/// Messages never contain secrets (API keys are read from the environment and never formatted).
/// Errors from the HTTP client also carry [`ErrorDetails`]: the attempts the call made, the
/// provider's HTTP status and error code, and the wait it asked for. They are boxed so an
/// `Error` stays small on the hot paths that never fail.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct Error {
    kind: ErrorKind,
    message: String,
    details: Option<Box<ErrorDetails>>,
}

/// What a failed call went through, for callers that want more than the kind and message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorDetails {
    /// Every attempt the call made, in order (the same list a successful call's summary has).
    pub attempts: Vec<crate::client::Attempt>,
    /// The HTTP status of the provider response behind the error, when there was one.
    pub http_status: Option<u16>,
    /// The provider's own error code or type (`"insufficient_quota"`, `"RESOURCE_EXHAUSTED"`).
    pub provider_code: Option<String>,
    /// How long the provider asked the caller to wait before trying again, when it said so.
    pub retry_after_ms: Option<u64>,
}

impl Error {
    /// Makes an error of `kind` with a message for the person who has to fix it.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            details: None,
        }
    }

    /// This error with `details` attached (replacing any there were).
    pub fn with_details(mut self, details: ErrorDetails) -> Self {
        self.details = Some(Box::new(details));
        self
    }

    /// The error's category.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The human-readable explanation, without the code prefix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What the call went through, for errors from the HTTP client; `None` for the others.
    pub fn details(&self) -> Option<&ErrorDetails> {
        self.details.as_deref()
    }
}

/// `Result` with genie's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_numbers_are_unique_and_round_trip() {
        let mut codes = HashSet::new();
        let mut numbers = HashSet::new();
        for &kind in ErrorKind::ALL {
            assert!(codes.insert(kind.code()), "duplicate code {}", kind.code());
            assert!(
                numbers.insert(kind.status()),
                "duplicate number {}",
                kind.status()
            );
            assert_eq!(ErrorKind::from_code(kind.code()), Some(kind));
            assert!(
                kind.status() >= 1000,
                "0..999 are reserved for non-error statuses"
            );
        }
        assert_eq!(ErrorKind::from_code("NOPE"), None);
    }

    #[test]
    fn details_are_boxed_and_optional() {
        assert!(std::mem::size_of::<Error>() <= 48);
        let e = Error::new(ErrorKind::RateLimited, "slow down");
        assert_eq!(e.details(), None);
        let e = e.with_details(ErrorDetails {
            http_status: Some(429),
            retry_after_ms: Some(1500),
            ..ErrorDetails::default()
        });
        let details = e.details().expect("details were attached");
        assert_eq!(details.http_status, Some(429));
        assert_eq!(details.retry_after_ms, Some(1500));
        assert_eq!(e.to_string(), "RATE_LIMITED: slow down");
    }

    #[test]
    fn display_leads_with_the_code() {
        let e = Error::new(ErrorKind::LimitExceeded, "line too long");
        assert_eq!(e.to_string(), "LIMIT_EXCEEDED: line too long");
    }
}
