//! The provider-neutral vocabulary every decoder speaks.

use std::fmt;

use crate::error::{Error, ErrorKind, Result};

/// A provider wire format genie can decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Google Gemini `streamGenerateContent?alt=sse`.
    Gemini,
    /// OpenAI Chat Completions (and the many servers compatible with it).
    OpenAiChat,
    /// OpenAI Responses.
    OpenAiResponses,
    /// Anthropic Messages.
    Anthropic,
}

impl Provider {
    /// Every provider, in the order of their names below.
    pub const ALL: &'static [Provider] = &[
        Provider::Gemini,
        Provider::OpenAiChat,
        Provider::OpenAiResponses,
        Provider::Anthropic,
    ];

    /// The name used in every language and in configuration: `"gemini"`, `"openai"`,
    /// `"openai-responses"`, `"anthropic"`.
    pub const fn name(self) -> &'static str {
        match self {
            Provider::Gemini => "gemini",
            Provider::OpenAiChat => "openai",
            Provider::OpenAiResponses => "openai-responses",
            Provider::Anthropic => "anthropic",
        }
    }

    /// Looks a provider up by its name; the error lists the valid names.
    pub fn from_name(name: &str) -> Result<Provider> {
        Provider::ALL
            .iter()
            .copied()
            .find(|p| p.name() == name)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidArgument,
                    format!(
                        "provider: unknown provider {name:?}; expected one of \"gemini\", \
                         \"openai\", \"openai-responses\", \"anthropic\""
                    ),
                )
            })
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Token counts as the provider reported them; `None` where it did not report a count.
///
/// `input_tokens` includes cached prompt tokens for every provider (Anthropic reports cache
/// reads and writes separately; they are added in), and `cached_tokens` is the part of the
/// input served from the provider's cache. `reasoning_tokens` are the thinking tokens, which
/// OpenAI and Gemini count apart from the answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Usage {
    /// Prompt tokens, cached ones included.
    pub input_tokens: Option<u64>,
    /// Answer tokens.
    pub output_tokens: Option<u64>,
    /// What the provider bills as the total.
    pub total_tokens: Option<u64>,
    /// Prompt tokens served from cache.
    pub cached_tokens: Option<u64>,
    /// Reasoning ("thinking") tokens.
    pub reasoning_tokens: Option<u64>,
}

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $( $(#[$vdoc:meta])* $variant:ident = $text:literal, )* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];

            /// The stable lowercase name used in every language.
            pub const fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text, )* }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// Why the model stopped, normalised across providers (the raw value is kept beside it).
    FinishReason {
        /// A natural end or a stop sequence.
        Stop = "stop",
        /// The output token limit.
        Length = "length",
        /// The model is calling tools.
        ToolCalls = "tool_calls",
        /// A safety or content policy stopped the answer (or blocked the prompt).
        ContentFilter = "content_filter",
        /// The provider failed while generating.
        Error = "error",
        /// Anything else the provider reports.
        Other = "other",
    }
}

string_enum! {
    /// What kind of in-band error a provider sent inside a stream.
    ErrorClass {
        /// Rate or quota limits.
        RateLimit = "rate_limit",
        /// The provider is overloaded or failed on its side; retrying later may work.
        Overloaded = "overloaded",
        /// The request is wrong (too long, bad parameter); retrying it unchanged will not work.
        InvalidRequest = "invalid_request",
        /// Refused on content policy grounds.
        ContentFilter = "content_filter",
        /// Anything else.
        Other = "other",
    }
}

impl ErrorClass {
    /// Classifies a provider's error type, code or status string (`"overloaded_error"`,
    /// `"RESOURCE_EXHAUSTED"`, `"insufficient_quota"`, ...). Unknown strings give `None`.
    pub fn from_provider_token(token: &str) -> Option<ErrorClass> {
        const TABLE: &[(&str, ErrorClass)] = &[
            ("content_filter", ErrorClass::ContentFilter),
            ("content_policy_violation", ErrorClass::ContentFilter),
            ("content_filtered", ErrorClass::ContentFilter),
            ("rate_limit_error", ErrorClass::RateLimit),
            ("rate_limit_exceeded", ErrorClass::RateLimit),
            ("insufficient_quota", ErrorClass::RateLimit),
            ("resource_exhausted", ErrorClass::RateLimit),
            ("overloaded_error", ErrorClass::Overloaded),
            ("overloaded", ErrorClass::Overloaded),
            ("server_error", ErrorClass::Overloaded),
            ("api_error", ErrorClass::Overloaded),
            ("service_unavailable", ErrorClass::Overloaded),
            ("unavailable", ErrorClass::Overloaded),
            ("internal", ErrorClass::Overloaded),
            ("invalid_request_error", ErrorClass::InvalidRequest),
            ("invalid_request", ErrorClass::InvalidRequest),
            ("invalid_argument", ErrorClass::InvalidRequest),
            ("failed_precondition", ErrorClass::InvalidRequest),
            ("context_length_exceeded", ErrorClass::InvalidRequest),
            ("request_too_large", ErrorClass::InvalidRequest),
            ("not_found_error", ErrorClass::InvalidRequest),
        ];
        TABLE
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(token))
            .map(|&(_, class)| class)
    }
}

/// An error the provider reported inside the stream (as opposed to an HTTP error status).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderError {
    /// The normalised class.
    pub kind: ErrorClass,
    /// The provider's message.
    pub message: String,
    /// The provider's own type, code or status string, when it sent one.
    pub code: Option<String>,
}

/// One decoded happening in a provider stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamEvent {
    /// A piece of the answer's text, to append to what came before.
    Text(String),
    /// The usage so far (cumulative: each replaces the previous one).
    Usage(Usage),
    /// The model stopped.
    Finish {
        /// Normalised reason.
        reason: FinishReason,
        /// The provider's own value (`"STOP"`, `"end_turn"`, ...).
        raw: String,
    },
    /// The provider reported an error inside the stream.
    Error(ProviderError),
    /// An event whose payload is not the provider's JSON. It was skipped; the caller decides
    /// whether that fails the stream.
    Malformed {
        /// What was wrong with it.
        message: String,
        /// The event's data, unmodified.
        payload: String,
    },
}

/// A [`StreamEvent`] borrowing the decoder's buffers, as [`super::StreamDecoder::feed_ref`]
/// hands it out: valid until the decoder is used again. It saves the owned copy of each text
/// delta that [`StreamEvent`] needs, for callers that convert events right away (bindings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamEventRef<'a> {
    /// [`StreamEvent::Text`].
    Text(&'a str),
    /// [`StreamEvent::Usage`].
    Usage(Usage),
    /// [`StreamEvent::Finish`].
    Finish {
        /// Normalised reason.
        reason: FinishReason,
        /// The provider's own value.
        raw: &'a str,
    },
    /// [`StreamEvent::Error`].
    Error(&'a ProviderError),
    /// [`StreamEvent::Malformed`].
    Malformed {
        /// What was wrong with it.
        message: &'a str,
        /// The event's data, unmodified.
        payload: &'a str,
    },
}

impl StreamEvent {
    /// A borrowed view of this event, the form [`super::StreamDecoder::feed_ref`] hands out.
    pub fn as_event_ref(&self) -> StreamEventRef<'_> {
        match self {
            StreamEvent::Text(text) => StreamEventRef::Text(text),
            StreamEvent::Usage(usage) => StreamEventRef::Usage(*usage),
            StreamEvent::Finish { reason, raw } => StreamEventRef::Finish {
                reason: *reason,
                raw,
            },
            StreamEvent::Error(error) => StreamEventRef::Error(error),
            StreamEvent::Malformed { message, payload } => {
                StreamEventRef::Malformed { message, payload }
            }
        }
    }
}

impl From<StreamEventRef<'_>> for StreamEvent {
    fn from(event: StreamEventRef<'_>) -> Self {
        match event {
            StreamEventRef::Text(text) => StreamEvent::Text(text.to_owned()),
            StreamEventRef::Usage(usage) => StreamEvent::Usage(usage),
            StreamEventRef::Finish { reason, raw } => StreamEvent::Finish {
                reason,
                raw: raw.to_owned(),
            },
            StreamEventRef::Error(error) => StreamEvent::Error(error.clone()),
            StreamEventRef::Malformed { message, payload } => StreamEvent::Malformed {
                message: message.to_owned(),
                payload: payload.to_owned(),
            },
        }
    }
}

/// What a whole stream amounted to, returned by [`super::StreamDecoder::finish`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamSummary {
    /// Which wire format was decoded.
    pub provider: Provider,
    /// All text deltas, concatenated.
    pub text: String,
    /// The final usage.
    pub usage: Usage,
    /// The normalised finish reason, if the provider sent one.
    pub finish_reason: Option<FinishReason>,
    /// The provider's own finish reason.
    pub raw_finish_reason: Option<String>,
    /// Whether the provider's end marker arrived. `false` means the answer may be truncated
    /// and must not be presented as whole.
    pub complete: bool,
    /// The last in-band error, if any.
    pub error: Option<ProviderError>,
    /// How many events were skipped as malformed.
    pub malformed_events: u64,
    /// How many keep-alives (SSE comments, `ping` events and blank-data events) arrived.
    pub keepalives: u64,
}
