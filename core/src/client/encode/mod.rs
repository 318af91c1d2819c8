//! Sans-IO wire work for the client: encoding a provider-neutral [`Request`] into each
//! provider's HTTP request (URL, headers, JSON body; streaming or not), decoding a non-streaming
//! answer, and classifying HTTP and in-band errors into what the call does next
//! (`classify.rs`). Streaming bodies are decoded by [`crate::provider::StreamDecoder`].
//!
//! Bodies are built as `serde_json::Value`s: once per attempt, a few microseconds, and it makes
//! the `extra` passthrough a plain recursive merge. Error bodies are read the same way (a failed
//! attempt's, off the hot path); non-stream answers are walked with the stream decoders' JSON
//! reader (`lenient.rs` says why).

mod anthropic;
mod classify;
mod gemini;
mod lenient;
mod openai_chat;
mod openai_responses;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Map, Value};

pub(crate) use classify::{classify_http, classify_in_band, Failure, Next};

use super::request::{Content, ImageRef, Message, Part, Request, Role};
use super::secret::Secret;
use crate::provider::json;
use crate::provider::{ErrorClass, FinishReason, Provider, ProviderError, Usage};
use crate::{Error, ErrorKind, Result};

/// Where a request goes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Target<'a> {
    pub kind: Provider,
    /// The provider's name in the config (an `extra` key besides the kind).
    pub provider: &'a str,
    /// Without a trailing slash.
    pub base_url: &'a str,
    pub model_id: &'a str,
}

/// A request body ready to send (to the model's [`url`]).
#[derive(Clone, Debug)]
pub(crate) struct Encoded {
    pub body: Bytes,
}

/// Encodes `request` for `target`. `prefill` is text the model already produced, sent as a
/// trailing assistant message for it to continue.
pub(crate) fn encode(
    target: Target<'_>,
    request: &Request,
    stream: bool,
    prefill: Option<&str>,
) -> Result<Encoded> {
    let mut body = match target.kind {
        Provider::Gemini => gemini::body(request, prefill),
        Provider::OpenAiChat => openai_chat::body(request, target.model_id, stream, prefill),
        Provider::OpenAiResponses => {
            openai_responses::body(request, target.model_id, stream, prefill)?
        }
        Provider::Anthropic => anthropic::body(request, target.model_id, stream, prefill),
    };
    for key in [target.kind.name(), target.provider] {
        if let Some(extra) = request.extra.get(key) {
            merge(&mut body, extra);
        }
        if key == target.provider {
            break;
        }
    }
    let body = serde_json::to_vec(&body)
        .map_err(|e| Error::new(ErrorKind::Internal, format!("encoding the request: {e}")))?;
    Ok(Encoded {
        body: Bytes::from(body),
    })
}

/// The endpoint a request for `target` goes to, streaming or not.
pub(crate) fn url(target: Target<'_>, stream: bool) -> String {
    let base = target.base_url;
    match target.kind {
        Provider::Gemini if stream => format!(
            "{base}/v1beta/models/{}:streamGenerateContent?alt=sse",
            target.model_id
        ),
        Provider::Gemini => format!("{base}/v1beta/models/{}:generateContent", target.model_id),
        Provider::OpenAiChat => format!("{base}/v1/chat/completions"),
        Provider::OpenAiResponses => format!("{base}/v1/responses"),
        Provider::Anthropic => format!("{base}/v1/messages"),
    }
}

/// The headers every request to a provider of `kind` carries: content negotiation and the
/// API key (marked sensitive, so no `Debug` of a request or header map shows it).
pub(crate) fn headers(kind: Provider, key: Option<&Secret>, stream: bool) -> Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(
        ACCEPT,
        HeaderValue::from_static(if stream {
            "text/event-stream"
        } else {
            "application/json"
        }),
    );
    if kind == Provider::Anthropic {
        headers.insert(
            HeaderName::from_static("anthropic-version"),
            HeaderValue::from_static("2023-06-01"),
        );
    }
    if let Some(key) = key {
        let (name, value) = match kind {
            Provider::Gemini => (
                HeaderName::from_static("x-goog-api-key"),
                key.expose().to_owned(),
            ),
            Provider::OpenAiChat | Provider::OpenAiResponses => {
                (AUTHORIZATION, format!("Bearer {}", key.expose()))
            }
            Provider::Anthropic => (
                HeaderName::from_static("x-api-key"),
                key.expose().to_owned(),
            ),
        };
        // The error must not quote the key: it says which variable to fix, not what it holds.
        let mut value = HeaderValue::from_str(&value).map_err(|_| {
            Error::new(
                ErrorKind::InvalidConfig,
                "the API key holds characters that cannot go in an HTTP header",
            )
        })?;
        value.set_sensitive(true);
        headers.insert(name, value);
    }
    Ok(headers)
}

/// A whole non-streaming answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Answer {
    pub text: String,
    pub usage: Usage,
    pub finish_reason: Option<FinishReason>,
    pub raw_finish_reason: Option<String>,
    /// An error the provider put in a 200 body.
    pub error: Option<ProviderError>,
}

/// Decodes a non-streaming answer; the error says what is wrong with the body. The body must
/// be one JSON object; its fields are read leniently ([`lenient`]).
pub(crate) fn decode_answer(kind: Provider, body: &[u8]) -> std::result::Result<Answer, String> {
    let text = std::str::from_utf8(body)
        .map_err(|e| format!("the response body is not JSON (it is not UTF-8: {e})"))?;
    let answer = json::read(text, |r| {
        if r.peek() != Some(b'{') {
            return r.skip().map(|()| None);
        }
        match kind {
            Provider::Gemini => gemini::answer(r),
            Provider::OpenAiChat => openai_chat::answer(r),
            Provider::OpenAiResponses => openai_responses::answer(r),
            Provider::Anthropic => anthropic::answer(r),
        }
        .map(Some)
    })
    .map_err(|e| format!("the response body is not JSON ({e})"))?;
    answer.ok_or_else(|| "the response body is not a JSON object".into())
}

/// An error a provider put in an answer: its class from the first of `tokens` that names one
/// (a code, then a type), its message (or a stand-in when it gave none).
fn provider_error(
    tokens: [Option<&str>; 2],
    code: Option<String>,
    message: Option<std::borrow::Cow<'_, str>>,
) -> ProviderError {
    ProviderError {
        kind: tokens
            .into_iter()
            .flatten()
            .find_map(ErrorClass::from_provider_token)
            .unwrap_or(ErrorClass::Other),
        message: message.map_or_else(
            || "the provider reported an error".to_owned(),
            std::borrow::Cow::into_owned,
        ),
        code,
    }
}

/// Merges `from` into `into`: objects recursively, anything else replaces.
fn merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(into), Value::Object(from)) => {
            for (key, value) in from {
                match into.get_mut(key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        into.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (slot, value) => *slot = value.clone(),
    }
}

/// A part of a message as the encoders see it.
enum PartRef<'a> {
    Text(&'a str),
    Image(ImageRef<'a>),
}

/// The parts of a message (plain text is one text part). Images were checked by
/// [`Request::validate`]; one that does not hold up is skipped.
fn parts(message: &Message) -> Vec<PartRef<'_>> {
    match &message.content {
        Content::Text(text) => vec![PartRef::Text(text)],
        Content::Parts(parts) => parts
            .iter()
            .filter_map(|part| match part {
                Part::Text { text } => Some(PartRef::Text(text)),
                Part::Image { .. } => part.image().map(PartRef::Image),
            })
            .collect(),
    }
}

/// The conversation as (role, parts) turns, with `prefill` appended as an assistant turn.
fn turns<'a>(request: &'a Request, prefill: Option<&'a str>) -> Vec<(Role, Vec<PartRef<'a>>)> {
    let mut out: Vec<_> = request
        .messages
        .iter()
        .map(|m| (m.role, parts(m)))
        .collect();
    if let Some(prefill) = prefill {
        out.push((Role::Assistant, vec![PartRef::Text(prefill)]));
    }
    out
}

/// A `data:` URL for an inline image (OpenAI's form).
fn data_url(mime_type: &str, data: &str) -> String {
    format!("data:{mime_type};base64,{data}")
}

/// Inserts `key: value` when `value` is present.
fn put<T: Into<Value>>(map: &mut Map<String, Value>, key: &str, value: Option<T>) {
    if let Some(value) = value {
        map.insert(key.to_owned(), value.into());
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;

#[cfg(test)]
mod answer_tests;
