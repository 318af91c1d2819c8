//! The provider-neutral request (notes/client-api.md): messages with text and image parts, a
//! system prompt, output controls, an optional route, and per-provider passthrough fields. The
//! same field names in every language; bindings build it from a dict or object through
//! [`Request::from_value`], whose errors (`INVALID_ARGUMENT`) name the path.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use crate::{Error, ErrorKind, Result};

/// One call's request.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The model to ask first (a catalogue name); the config's `default_model` when absent.
    #[serde(default)]
    pub model: Option<String>,
    /// The models to try after it; the config's route for `model` when absent.
    #[serde(default)]
    pub fallbacks: Option<Vec<String>>,
    /// The system prompt.
    #[serde(default)]
    pub system: Option<String>,
    /// The conversation, oldest first.
    pub messages: Vec<Message>,
    /// The output token limit (Anthropic requires one: 4096 is sent when absent).
    #[serde(default)]
    pub max_output_tokens: Option<u32>,
    /// Sampling temperature.
    #[serde(default)]
    pub temperature: Option<f64>,
    /// Stop sequences.
    #[serde(default)]
    pub stop: Vec<String>,
    /// Fields merged into the body sent to a provider, keyed by provider kind (`"gemini"`,
    /// `"openai"`, `"openai-responses"`, `"anthropic"`) or by provider name from the config;
    /// objects merge recursively, anything else replaces.
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// One message.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// Who said it.
    pub role: Role,
    /// What was said: a string, or a list of parts.
    pub content: Content,
}

/// The author of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The person.
    User,
    /// The model.
    Assistant,
}

/// A message's content.
#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    /// Plain text (`"content": "Hi"`).
    Text(String),
    /// Text and image parts (`"content": [{"type": "text", ...}, {"type": "image", ...}]`).
    Parts(Vec<Part>),
}

/// One part of a message.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum Part {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image, inline (`data` in base64 with its `mime_type`) or by `url`.
    Image {
        /// The media type (`image/png`); required with `data`.
        #[serde(default)]
        mime_type: Option<String>,
        /// The image bytes in standard base64.
        #[serde(default)]
        data: Option<String>,
        /// Where the provider can fetch the image.
        #[serde(default)]
        url: Option<String>,
    },
}

/// An image part, checked: what the encoders work from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ImageRef<'a> {
    Inline {
        mime_type: &'a str,
        data: &'a str,
    },
    Url {
        url: &'a str,
        mime_type: Option<&'a str>,
    },
}

impl Part {
    /// The image this part holds, if it is a (valid) image.
    pub(crate) fn image(&self) -> Option<ImageRef<'_>> {
        match self {
            Part::Image {
                mime_type,
                data: Some(data),
                url: None,
            } => mime_type
                .as_deref()
                .map(|mime_type| ImageRef::Inline { mime_type, data }),
            Part::Image {
                mime_type,
                data: None,
                url: Some(url),
            } => Some(ImageRef::Url {
                url,
                mime_type: mime_type.as_deref(),
            }),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Content {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct ContentVisitor;
        impl<'de> Visitor<'de> for ContentVisitor {
            type Value = Content;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of parts")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Content, E> {
                Ok(Content::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Content, E> {
                Ok(Content::Text(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Content, A::Error> {
                let mut parts = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(part) = seq.next_element()? {
                    parts.push(part);
                }
                Ok(Content::Parts(parts))
            }
        }
        d.deserialize_any(ContentVisitor)
    }
}

impl Message {
    /// A user message with plain text.
    pub fn user(text: impl Into<String>) -> Message {
        Message {
            role: Role::User,
            content: Content::Text(text.into()),
        }
    }

    /// An assistant message with plain text.
    pub fn assistant(text: impl Into<String>) -> Message {
        Message {
            role: Role::Assistant,
            content: Content::Text(text.into()),
        }
    }
}

impl Request {
    /// A one-message request to `model`.
    pub fn new(model: impl Into<String>, prompt: impl Into<String>) -> Request {
        Request {
            model: Some(model.into()),
            messages: vec![Message::user(prompt)],
            ..Request::default()
        }
    }

    /// Parses and checks a JSON request.
    pub fn from_json(json: &str) -> Result<Request> {
        if !json.trim_start().starts_with('{') {
            return Err(bad("the request must be a JSON object"));
        }
        let mut de = serde_json::Deserializer::from_str(json);
        let request: Request = serde_path_to_error::deserialize(&mut de).map_err(path_error)?;
        de.end()
            .map_err(|e| bad(format!("trailing characters after the request: {e}")))?;
        request.validate()?;
        Ok(request)
    }

    /// Reads and checks a `serde_json::Value` (what the bindings build from a dict or object).
    pub fn from_value(value: serde_json::Value) -> Result<Request> {
        // serde would also read an array as the fields in order.
        if !value.is_object() {
            return Err(bad("the request must be a JSON object"));
        }
        let request: Request = serde_path_to_error::deserialize(value).map_err(path_error)?;
        request.validate()?;
        Ok(request)
    }

    /// Checks what the types cannot: at least one message, images with their data or URL,
    /// sane output controls. The client calls it before the first attempt.
    pub fn validate(&self) -> Result<()> {
        if self.messages.is_empty() {
            return Err(bad("messages: must hold at least one message"));
        }
        for (i, message) in self.messages.iter().enumerate() {
            let Content::Parts(parts) = &message.content else {
                continue;
            };
            if parts.is_empty() {
                return Err(bad(format!(
                    "messages[{i}].content: an empty list of parts"
                )));
            }
            for (j, part) in parts.iter().enumerate() {
                if !matches!(part, Part::Image { .. }) {
                    continue;
                }
                if message.role == Role::Assistant {
                    return Err(bad(format!(
                        "messages[{i}].content[{j}]: images are only accepted in user messages"
                    )));
                }
                if part.image().is_none() {
                    return Err(bad(format!(
                        "messages[{i}].content[{j}]: an image needs either `data` (base64) with \
                         `mime_type`, or `url`"
                    )));
                }
            }
        }
        if self.max_output_tokens == Some(0) {
            return Err(bad("max_output_tokens: must be > 0"));
        }
        if let Some(t) = self.temperature {
            if !(t.is_finite() && t >= 0.0) {
                return Err(bad("temperature: must be a number >= 0"));
            }
        }
        for (key, value) in &self.extra {
            if !value.is_object() {
                return Err(bad(format!(
                    "extra.{key}: must be an object of fields for that provider's body"
                )));
            }
        }
        Ok(())
    }
}

fn bad(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidArgument, msg)
}

fn path_error<E: fmt::Display>(e: serde_path_to_error::Error<E>) -> Error {
    let path = e.path().to_string();
    if path == "." {
        bad(e.into_inner().to_string())
    } else {
        bad(format!("{path}: {}", e.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_contract_example() {
        let request = Request::from_json(
            r#"{"model": "gemini-2.5-pro", "fallbacks": ["gemini-2.5-flash"],
                "system": "You are terse.",
                "messages": [{"role": "user", "content": "Hi"},
                             {"role": "user", "content": [
                                 {"type": "text", "text": "What is this?"},
                                 {"type": "image", "mime_type": "image/png", "data": "AAAA"},
                                 {"type": "image", "url": "https://example.com/cat.png"}]},
                             {"role": "assistant", "content": "A cat."}],
                "max_output_tokens": 1024, "temperature": 0.2, "stop": ["\n\n"],
                "extra": {"gemini": {"safetySettings": []}, "openai": {"user": "u-1"}}}"#,
        )
        .unwrap();
        assert_eq!(request.model.as_deref(), Some("gemini-2.5-pro"));
        assert_eq!(request.messages.len(), 3);
        let Content::Parts(parts) = &request.messages[1].content else {
            panic!("expected parts");
        };
        assert_eq!(
            parts[1].image(),
            Some(ImageRef::Inline {
                mime_type: "image/png",
                data: "AAAA"
            })
        );
        assert_eq!(
            parts[2].image(),
            Some(ImageRef::Url {
                url: "https://example.com/cat.png",
                mime_type: None
            })
        );
    }

    #[test]
    fn errors_name_the_path() {
        let cases = [
            (
                r#"{"messages": []}"#,
                "messages: must hold at least one message",
            ),
            (r#"[[]]"#, "the request must be a JSON object"),
            (
                r#"{"messages": [{"role": "robot", "content": "x"}]}"#,
                "messages[0].role: unknown variant `robot`",
            ),
            (
                r#"{"messages": [{"role": "user", "content": [{"type": "image", "data": "AA"}]}]}"#,
                "messages[0].content[0]: an image needs",
            ),
            (
                r#"{"messages": [{"role": "user", "content": [{"type": "video"}]}]}"#,
                "messages[0].content[0].type: unknown variant `video`",
            ),
            (
                r#"{"messages": [{"role": "assistant", "content": [{"type": "image", "url": "u"}]}]}"#,
                "messages[0].content[0]: images are only accepted in user messages",
            ),
            (
                r#"{"messages": [{"role": "user", "content": 5}]}"#,
                "messages[0].content: invalid type: integer `5`, expected a string or a list",
            ),
            (
                r#"{"messages": [{"role": "user", "content": "x"}], "temprature": 1}"#,
                "temprature",
            ),
            (
                r#"{"messages": [{"role": "user", "content": "x"}], "max_output_tokens": 0}"#,
                "max_output_tokens: must be > 0",
            ),
            (
                r#"{"messages": [{"role": "user", "content": "x"}], "extra": {"openai": 3}}"#,
                "extra.openai: must be an object",
            ),
        ];
        for (json, expected) in cases {
            let err = Request::from_json(json).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{json}");
            assert!(
                err.message().contains(expected),
                "{json}: {:?} lacks {expected:?}",
                err.message()
            );
        }
    }
}
