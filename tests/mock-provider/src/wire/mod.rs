//! What the mock says on the wire: the canonical answer, and for each provider its stream
//! events, non-stream body, in-band error and HTTP error bodies.
//!
//! Each provider module exposes the same functions (`events`, `body`, `inband_error`,
//! `malformed`, `padding`, `error`), dispatched by [`Provider`]; the bodies are modelled on
//! what the real APIs send (field names, ids, usage blocks), so a client that decodes the mock
//! decodes the provider.

mod anthropic;
mod gemini;
mod openai_chat;
mod openai_responses;

use serde::Serialize;

use crate::fault::ErrorVariant;

/// The canonical answer, as the deltas the stream sends. Some non-ASCII on purpose (2-, 3- and
/// 4-byte UTF-8) so that a client that splits or re-encodes text wrongly shows it.
pub const DELTAS: [&str; DELTA_COUNT] = [
    "Genie streams this ",
    "canonical answer so every ",
    "test can compare it ",
    "exactly: naïve café ",
    "résumé, 東京 and ",
    "Zürich, emoji 🚀 ",
    "included. Resilient clients ",
    "reconnect once, fall back ",
    "to a non-stream call and ",
    "never report a truncated answer as complete.",
];

/// How many deltas the canonical answer has.
pub const DELTA_COUNT: usize = 10;

/// The whole canonical answer (the deltas concatenated).
pub fn canonical_text() -> String {
    DELTAS.concat()
}

/// Output tokens reported for the first `deltas` deltas: their number of words.
pub fn output_tokens(deltas: usize) -> u64 {
    DELTAS[..deltas.min(DELTA_COUNT)]
        .iter()
        .map(|d| d.split_whitespace().count() as u64)
        .sum()
}

/// The four wire formats the mock speaks (named as genie's decoders name them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    /// `POST /v1beta/models/{model}:streamGenerateContent` / `:generateContent`.
    Gemini,
    /// `POST /v1/chat/completions`.
    OpenAiChat,
    /// `POST /v1/responses`.
    OpenAiResponses,
    /// `POST /v1/messages`.
    Anthropic,
}

/// Serialized as its name, as in genie's configuration.
impl Serialize for Provider {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl Provider {
    /// `"gemini"`, `"openai"`, `"openai-responses"`, `"anthropic"`.
    pub fn name(self) -> &'static str {
        match self {
            Provider::Gemini => "gemini",
            Provider::OpenAiChat => "openai",
            Provider::OpenAiResponses => "openai-responses",
            Provider::Anthropic => "anthropic",
        }
    }
}

/// What the bodies of one response depend on.
#[derive(Clone, Debug)]
pub(crate) struct Ctx {
    /// The model as requested (echoed back).
    pub model: String,
    /// `max(1, request body bytes / 4)`.
    pub input_tokens: u64,
    /// OpenAI Chat `stream_options.include_usage`.
    pub include_usage: bool,
    /// Unix seconds.
    pub created: u64,
    /// A per-server counter, the seed of this response's ids.
    pub serial: u64,
}

impl Ctx {
    /// A provider-looking id: `prefix` then `len` characters from `alphabet`, derived from the
    /// serial number (deterministic per response, different between responses).
    pub fn id(&self, prefix: &str, len: usize, alphabet: &[u8]) -> String {
        let mut state = self.serial.wrapping_add(prefix.len() as u64);
        let mut out = String::with_capacity(prefix.len() + len);
        out.push_str(prefix);
        for _ in 0..len {
            let r = splitmix64(&mut state);
            out.push(alphabet[(r % alphabet.len() as u64) as usize] as char);
        }
        out
    }
}

pub(crate) const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub(crate) const HEX: &[u8] = b"0123456789abcdef";

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// How the answer ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Finish {
    /// All deltas, then the normal stop.
    Stop,
    /// `after` deltas, then the provider's content-filter stop.
    ContentFilter { after: usize },
}

impl Finish {
    pub fn deltas(self) -> usize {
        match self {
            Finish::Stop => DELTA_COUNT,
            Finish::ContentFilter { after } => after,
        }
    }
}

/// One SSE event of a provider stream.
#[derive(Clone, Debug)]
pub(crate) struct Ev {
    /// The `event:` field, for providers that send one.
    pub name: Option<&'static str>,
    /// The `data:` payload (one line).
    pub data: String,
    /// The 1-based delta this event carries, if it is a text delta.
    pub delta: Option<usize>,
    /// Whether this is the end sentinel that `no_done` leaves out.
    pub sentinel: bool,
}

impl Ev {
    pub fn data(data: impl Into<String>) -> Ev {
        Ev {
            name: None,
            data: data.into(),
            delta: None,
            sentinel: false,
        }
    }

    pub fn named(name: &'static str, data: impl Into<String>) -> Ev {
        Ev {
            name: Some(name),
            ..Ev::data(data)
        }
    }

    pub fn delta(mut self, k: usize) -> Ev {
        self.delta = Some(k);
        self
    }

    pub fn sentinel(mut self) -> Ev {
        self.sentinel = true;
        self
    }

    /// The event's bytes: optional `id:`, optional `event:`, `data:`, a blank line.
    pub fn frame(&self, line_end: &str, id: Option<usize>) -> Vec<u8> {
        let mut out = String::with_capacity(self.data.len() + 48);
        if let Some(id) = id {
            out.push_str(&format!("id: {id}{line_end}"));
        }
        if let Some(name) = self.name {
            out.push_str(&format!("event: {name}{line_end}"));
        }
        out.push_str("data: ");
        out.push_str(&self.data);
        out.push_str(line_end);
        out.push_str(line_end);
        out.into_bytes()
    }
}

/// A stand-in character replaced by raw invalid UTF-8 (FF FE) after serialization, because a
/// JSON serializer only writes valid UTF-8. U+FFFF is a noncharacter: never in the answer.
pub(crate) const INVALID_MARK: char = '\u{FFFF}';

/// Replaces every [`INVALID_MARK`] in `bytes` by FF FE.
pub(crate) fn corrupt(bytes: Vec<u8>) -> Vec<u8> {
    let mut mark = [0u8; 3];
    let mark = INVALID_MARK.encode_utf8(&mut mark).as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(mark) {
            out.extend_from_slice(&[0xFF, 0xFE]);
            i += mark.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// The text of delta `k` (1-based), carrying the invalid-UTF-8 mark when asked.
pub(crate) fn delta_text(k: usize, invalid_utf8: Option<usize>) -> String {
    let mut text = DELTAS[k - 1].to_owned();
    if invalid_utf8 == Some(k) {
        text.push(INVALID_MARK);
    }
    text
}

/// The answer's text up to `deltas` deltas (non-stream bodies).
pub(crate) fn text_upto(deltas: usize, invalid_utf8: Option<usize>) -> String {
    (1..=deltas).map(|k| delta_text(k, invalid_utf8)).collect()
}

pub(crate) use anthropic::request_id as anthropic_request_id;
pub(crate) use gemini::{blocked_prompt as gemini_blocked_prompt, json_array as gemini_json_array};

impl Provider {
    /// How many events come before the first delta (hooks at position 0 fire after them).
    pub(crate) fn preamble_len(self) -> usize {
        match self {
            Provider::Gemini => 0,
            Provider::OpenAiChat => 1,
            Provider::OpenAiResponses => 4,
            Provider::Anthropic => 3,
        }
    }

    /// SSE line terminator: Gemini sends CRLF, the others LF.
    pub(crate) fn line_end(self) -> &'static str {
        match self {
            Provider::Gemini => "\r\n",
            _ => "\n",
        }
    }

    /// The whole stream's events for `finish`.
    pub(crate) fn events(self, ctx: &Ctx, finish: Finish, invalid: Option<usize>) -> Vec<Ev> {
        match self {
            Provider::Gemini => gemini::events(ctx, finish, invalid),
            Provider::OpenAiChat => openai_chat::events(ctx, finish, invalid),
            Provider::OpenAiResponses => openai_responses::events(ctx, finish, invalid),
            Provider::Anthropic => anthropic::events(ctx, finish, invalid),
        }
    }

    /// The non-stream JSON body for `finish`.
    pub(crate) fn body(self, ctx: &Ctx, finish: Finish, invalid: Option<usize>) -> String {
        match self {
            Provider::Gemini => gemini::body(ctx, finish, invalid),
            Provider::OpenAiChat => openai_chat::body(ctx, finish, invalid),
            Provider::OpenAiResponses => openai_responses::body(ctx, finish, invalid),
            Provider::Anthropic => anthropic::body(ctx, finish, invalid),
        }
    }

    /// The provider's in-band (mid-stream) error event.
    pub(crate) fn inband_error(self) -> Ev {
        match self {
            Provider::Gemini => gemini::inband_error(),
            Provider::OpenAiChat => openai_chat::inband_error(),
            Provider::OpenAiResponses => openai_responses::inband_error(),
            Provider::Anthropic => anthropic::inband_error(),
        }
    }

    /// The HTTP status a non-stream request gets where a stream would carry the in-band error.
    pub(crate) fn inband_error_status(self) -> u16 {
        match self {
            Provider::Gemini => 503,
            Provider::OpenAiChat | Provider::OpenAiResponses => 500,
            Provider::Anthropic => 529,
        }
    }

    /// An event whose JSON payload is cut off.
    pub(crate) fn malformed(self, ctx: &Ctx) -> Ev {
        match self {
            Provider::Gemini => Ev::data(r#"{"candidates": [{"content": {"parts": [{"text": "#),
            Provider::OpenAiChat => Ev::data(format!(
                r#"{{"id":"{}","object":"chat.completion.chunk","choices":[{{"index":0,"delta":{{"content":"#,
                openai_chat::id(ctx)
            )),
            Provider::OpenAiResponses => Ev::named(
                "response.output_text.delta",
                r#"{"type":"response.output_text.delta","delta":"#,
            ),
            Provider::Anthropic => Ev::named(
                "content_block_delta",
                r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"#,
            ),
        }
    }

    /// A valid event that carries no text, padded so that its `data:` line is `line_bytes`
    /// bytes long (or as short as it can be).
    pub(crate) fn padding(self, ctx: &Ctx, line_bytes: usize) -> Ev {
        let mut ev = match self {
            Provider::Gemini => gemini::padding(ctx),
            Provider::OpenAiChat => openai_chat::padding(ctx),
            Provider::OpenAiResponses => {
                Ev::named("response.in_progress", r#"{"type":"response.in_progress"}"#)
            }
            Provider::Anthropic => Ev::named("ping", r#"{"type":"ping"}"#),
        };
        // Every payload is a JSON object: add a string field before its closing brace.
        ev.data.pop();
        ev.data.push_str(",\"mock_padding\":\"");
        let pad = line_bytes.saturating_sub("data: ".len() + ev.data.len() + 2);
        ev.data.push_str(&"x".repeat(pad));
        ev.data.push_str("\"}");
        ev
    }

    /// The provider's error body for `status` and `variant`.
    pub(crate) fn error(
        self,
        ctx: &Ctx,
        status: u16,
        variant: ErrorVariant,
        retry_info: Option<&str>,
    ) -> String {
        match self {
            Provider::Gemini => gemini::error(ctx, status, variant, retry_info),
            Provider::OpenAiChat | Provider::OpenAiResponses => {
                openai_chat::error(self, ctx, status, variant)
            }
            Provider::Anthropic => anthropic::error(ctx, status, variant),
        }
    }
}

/// A proxy's HTML page: what a 502 and `wrong_content_type` send, for every provider.
pub(crate) fn html_page(status: u16) -> String {
    let title = match status {
        502 => "502 Bad Gateway",
        _ => "Sign in to continue",
    };
    format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n<body><h1>{title}</h1>\
         <p>The upstream server returned a page instead of an API response.</p></body></html>\n"
    )
}
