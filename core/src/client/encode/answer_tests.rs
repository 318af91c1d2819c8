//! The reading of non-streaming answers through `serde_json::Value` that `decode_answer` replaced
//! (kept as the oracle), and the property that both read every document alike: generated
//! answers of each provider with the fields genie reads, each of any JSON type, some
//! duplicated, among unknown fields.

use proptest::prelude::*;
use serde_json::Value;

use super::{anthropic, decode_answer, gemini, openai_chat, openai_responses, Answer};
use crate::provider::{ErrorClass, FinishReason, Provider, ProviderError, Usage};

fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| v.get(key))
}

fn str_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(value, path).and_then(Value::as_str)
}

fn u64_at(value: &Value, path: &[&str]) -> Option<u64> {
    at(value, path).and_then(Value::as_u64)
}

fn oracle(kind: Provider, value: &Value) -> Option<Answer> {
    value.is_object().then(|| match kind {
        Provider::Gemini => gemini_answer(value),
        Provider::OpenAiChat => openai_chat_answer(value),
        Provider::OpenAiResponses => openai_responses_answer(value),
        Provider::Anthropic => anthropic_answer(value),
    })
}

fn openai_chat_answer(value: &Value) -> Answer {
    let mut answer = Answer {
        error: value.get("error").and_then(error),
        ..Answer::default()
    };
    let choice = value
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|all| {
            all.iter()
                .find(|c| c.get("index").and_then(Value::as_u64).unwrap_or(0) == 0)
        });
    if let Some(choice) = choice {
        if let Some(text) = str_at(choice, &["message", "content"]) {
            answer.text.push_str(text);
        }
        if let Some(raw) = str_at(choice, &["finish_reason"]) {
            answer.finish_reason = Some(openai_chat::finish_reason(raw));
            answer.raw_finish_reason = Some(raw.to_owned());
        }
    }
    if let Some(usage) = value.get("usage").filter(|u| u.is_object()) {
        answer.usage = Usage {
            input_tokens: u64_at(usage, &["prompt_tokens"]),
            output_tokens: u64_at(usage, &["completion_tokens"]),
            total_tokens: u64_at(usage, &["total_tokens"]),
            cached_tokens: u64_at(usage, &["prompt_tokens_details", "cached_tokens"]),
            reasoning_tokens: u64_at(usage, &["completion_tokens_details", "reasoning_tokens"]),
        };
    }
    answer
}

fn gemini_answer(value: &Value) -> Answer {
    let mut answer = Answer::default();
    if let Some(error) = value.get("error").filter(|e| e.is_object()) {
        let status = str_at(error, &["status"]);
        answer.error = Some(ProviderError {
            kind: status
                .and_then(ErrorClass::from_provider_token)
                .unwrap_or(ErrorClass::Other),
            message: str_at(error, &["message"])
                .unwrap_or("the provider reported an error")
                .to_owned(),
            code: status.map(str::to_owned),
        });
    }
    let candidate = value
        .get("candidates")
        .and_then(Value::as_array)
        .and_then(|all| {
            all.iter()
                .find(|c| c.get("index").and_then(Value::as_u64).unwrap_or(0) == 0)
        });
    if let Some(candidate) = candidate {
        if let Some(parts) = at(candidate, &["content", "parts"]).and_then(Value::as_array) {
            for part in parts {
                if part.get("thought").and_then(Value::as_bool) == Some(true) {
                    continue;
                }
                if let Some(text) = part.get("text").and_then(Value::as_str) {
                    answer.text.push_str(text);
                }
            }
        }
        if let Some(raw) = str_at(candidate, &["finishReason"]) {
            answer.finish_reason = Some(gemini::finish_reason(raw));
            answer.raw_finish_reason = Some(raw.to_owned());
        }
    }
    if answer.finish_reason.is_none() {
        if let Some(raw) = str_at(value, &["promptFeedback", "blockReason"]) {
            answer.finish_reason = Some(FinishReason::ContentFilter);
            answer.raw_finish_reason = Some(raw.to_owned());
        }
    }
    if let Some(usage) = value.get("usageMetadata") {
        answer.usage = Usage {
            input_tokens: u64_at(usage, &["promptTokenCount"]),
            output_tokens: u64_at(usage, &["candidatesTokenCount"]),
            total_tokens: u64_at(usage, &["totalTokenCount"]),
            cached_tokens: u64_at(usage, &["cachedContentTokenCount"]),
            reasoning_tokens: u64_at(usage, &["thoughtsTokenCount"]),
        };
    }
    answer
}

fn anthropic_answer(value: &Value) -> Answer {
    let mut answer = Answer::default();
    if str_at(value, &["type"]) == Some("error") {
        let kind = str_at(value, &["error", "type"]);
        answer.error = Some(ProviderError {
            kind: kind
                .and_then(ErrorClass::from_provider_token)
                .unwrap_or(ErrorClass::Other),
            message: str_at(value, &["error", "message"])
                .unwrap_or("the provider reported an error")
                .to_owned(),
            code: kind.map(str::to_owned),
        });
    }
    for block in value
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if str_at(block, &["type"]) == Some("text") {
            answer.text.push_str(str_at(block, &["text"]).unwrap_or(""));
        }
    }
    if let Some(raw) = str_at(value, &["stop_reason"]) {
        answer.finish_reason = Some(anthropic::finish_reason(raw));
        answer.raw_finish_reason = Some(raw.to_owned());
    }
    if let Some(usage) = value.get("usage").filter(|u| u.is_object()) {
        let input = u64_at(usage, &["input_tokens"]);
        let cache_read = u64_at(usage, &["cache_read_input_tokens"]);
        let cache_write = u64_at(usage, &["cache_creation_input_tokens"]);
        let input = input.map(|i| {
            i.saturating_add(cache_read.unwrap_or(0))
                .saturating_add(cache_write.unwrap_or(0))
        });
        let output = u64_at(usage, &["output_tokens"]);
        answer.usage = Usage {
            input_tokens: input,
            output_tokens: output,
            total_tokens: input.zip(output).map(|(i, o)| i.saturating_add(o)),
            cached_tokens: cache_read,
            reasoning_tokens: None,
        };
    }
    answer
}

fn openai_responses_answer(value: &Value) -> Answer {
    let mut answer = Answer {
        error: value.get("error").and_then(error),
        ..Answer::default()
    };
    let mut calls_tools = false;
    for item in value
        .get("output")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match str_at(item, &["type"]) {
            Some("message") => {
                for part in item
                    .get("content")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if str_at(part, &["type"]) == Some("output_text") {
                        answer.text.push_str(str_at(part, &["text"]).unwrap_or(""));
                    }
                }
            }
            Some("function_call") => calls_tools = true,
            _ => {}
        }
    }
    let (reason, raw) = match str_at(value, &["status"]) {
        Some("completed") if calls_tools => (Some(FinishReason::ToolCalls), "completed"),
        Some("completed") => (Some(FinishReason::Stop), "completed"),
        Some("incomplete") => {
            let raw = str_at(value, &["incomplete_details", "reason"]).unwrap_or("incomplete");
            (Some(openai_responses::incomplete_reason(raw)), raw)
        }
        Some("failed") => (Some(FinishReason::Error), "failed"),
        _ => (None, ""),
    };
    if let Some(reason) = reason {
        answer.finish_reason = Some(reason);
        answer.raw_finish_reason = Some(raw.to_owned());
    }
    if let Some(usage) = value.get("usage").filter(|u| u.is_object()) {
        answer.usage = Usage {
            input_tokens: u64_at(usage, &["input_tokens"]),
            output_tokens: u64_at(usage, &["output_tokens"]),
            total_tokens: u64_at(usage, &["total_tokens"]),
            cached_tokens: u64_at(usage, &["input_tokens_details", "cached_tokens"]),
            reasoning_tokens: u64_at(usage, &["output_tokens_details", "reasoning_tokens"]),
        };
    }
    answer
}

fn error(value: &Value) -> Option<ProviderError> {
    if !value.is_object() {
        return None;
    }
    let code = match value.get("code") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let kind = str_at(value, &["type"]);
    let class = [code.as_deref(), kind]
        .into_iter()
        .flatten()
        .find_map(ErrorClass::from_provider_token)
        .unwrap_or(ErrorClass::Other);
    Some(ProviderError {
        kind: class,
        message: at(value, &["message"])
            .and_then(Value::as_str)
            .unwrap_or("the provider reported an error")
            .to_owned(),
        code: code.or_else(|| kind.map(str::to_owned)),
    })
}

/// A JSON document as text, whose objects may repeat a key (which `Value` cannot hold).
#[derive(Clone, Debug)]
enum Doc {
    Leaf(Value),
    Array(Vec<Doc>),
    Object(Vec<(String, Doc)>),
}

impl Doc {
    fn write(&self, out: &mut String) {
        match self {
            Doc::Leaf(value) => out.push_str(&value.to_string()),
            Doc::Array(items) => {
                out.push('[');
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Doc::Object(members) => {
                out.push('{');
                for (k, (key, value)) in members.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::from(key.as_str()).to_string());
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Any JSON value, small.
fn any_json() -> BoxedStrategy<Doc> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[a-z_ ]{0,6}|é\"\\n".prop_map(Value::from),
    ]
    .prop_map(Doc::Leaf);
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Doc::Array),
            prop::collection::vec(("[a-z]{1,3}", inner), 0..3).prop_map(Doc::Object),
        ]
    })
    .boxed()
}

/// A field's value: mostly `expected`, sometimes any value at all.
fn shaped(expected: BoxedStrategy<Doc>) -> BoxedStrategy<Doc> {
    prop_oneof![5 => expected, 1 => any_json()].boxed()
}

/// An object of some of `fields` (a name and how to make its value), in any order, some
/// repeated with another value, among unknown ones.
fn object_of(fields: Vec<(&'static str, BoxedStrategy<Doc>)>) -> BoxedStrategy<Doc> {
    let picks: Vec<_> = fields
        .into_iter()
        .map(|(name, value)| {
            prop::collection::vec(value, 0..3)
                .prop_map(move |values| values.into_iter().map(move |v| (name.to_owned(), v)))
        })
        .collect();
    (picks, prop::option::of(any_json()))
        .prop_flat_map(|(picks, unknown)| {
            let mut members: Vec<(String, Doc)> = picks.into_iter().flatten().collect();
            members.extend(unknown.map(|u| ("zz".to_owned(), u)));
            Just(members).prop_shuffle()
        })
        .prop_map(Doc::Object)
        .boxed()
}

fn array_of(element: BoxedStrategy<Doc>) -> BoxedStrategy<Doc> {
    shaped(
        prop::collection::vec(element, 0..4)
            .prop_map(Doc::Array)
            .boxed(),
    )
}

fn text(words: &'static [&'static str]) -> BoxedStrategy<Doc> {
    shaped(
        prop_oneof![
            prop::sample::select(words).prop_map(|w| Doc::Leaf(Value::from(w))),
            "[a-z]{0,4}".prop_map(|w| Doc::Leaf(Value::from(w))),
        ]
        .boxed(),
    )
}

/// A count: small, any `u64`, or a whole number written as a float (`1.0`, no count).
fn count() -> BoxedStrategy<Doc> {
    shaped(
        prop_oneof![
            (0u64..3).prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (0u32..3).prop_map(|n| Value::from(f64::from(n))),
        ]
        .prop_map(Doc::Leaf)
        .boxed(),
    )
}

fn flag() -> BoxedStrategy<Doc> {
    shaped(
        any::<bool>()
            .prop_map(|b| Doc::Leaf(Value::Bool(b)))
            .boxed(),
    )
}

fn usage(names: &[&'static str], details: &[(&'static str, &'static str)]) -> BoxedStrategy<Doc> {
    let mut fields: Vec<_> = names.iter().map(|&n| (n, count())).collect();
    for &(outer, inner) in details {
        fields.push((outer, shaped(object_of(vec![(inner, count())]))));
    }
    shaped(object_of(fields))
}

const CODES: &[&str] = &[
    "rate_limit_exceeded",
    "insufficient_quota",
    "server_error",
    "429",
];

fn openai_error() -> BoxedStrategy<Doc> {
    shaped(object_of(vec![
        ("code", prop_oneof![text(CODES), count()].boxed()),
        ("type", text(CODES)),
        ("message", text(&["Too many"])),
    ]))
}

fn document(kind: Provider) -> BoxedStrategy<Doc> {
    match kind {
        Provider::OpenAiChat => object_of(vec![
            ("error", openai_error()),
            (
                "choices",
                array_of(shaped(object_of(vec![
                    ("index", count()),
                    (
                        "message",
                        shaped(object_of(vec![("content", text(&["Hi"]))])),
                    ),
                    ("finish_reason", text(&["stop", "length", "content_filter"])),
                ]))),
            ),
            (
                "usage",
                usage(
                    &["prompt_tokens", "completion_tokens", "total_tokens"],
                    &[
                        ("prompt_tokens_details", "cached_tokens"),
                        ("completion_tokens_details", "reasoning_tokens"),
                    ],
                ),
            ),
        ]),
        Provider::Gemini => object_of(vec![
            (
                "error",
                shaped(object_of(vec![
                    ("status", text(&["RESOURCE_EXHAUSTED", "UNAVAILABLE"])),
                    ("message", text(&["Quota"])),
                ])),
            ),
            (
                "candidates",
                array_of(shaped(object_of(vec![
                    ("index", count()),
                    (
                        "content",
                        shaped(object_of(vec![(
                            "parts",
                            array_of(shaped(object_of(vec![
                                ("text", text(&["Hi"])),
                                ("thought", flag()),
                            ]))),
                        )])),
                    ),
                    ("finishReason", text(&["STOP", "SAFETY", "MAX_TOKENS"])),
                ]))),
            ),
            (
                "promptFeedback",
                shaped(object_of(vec![("blockReason", text(&["SAFETY"]))])),
            ),
            (
                "usageMetadata",
                usage(
                    &[
                        "promptTokenCount",
                        "candidatesTokenCount",
                        "totalTokenCount",
                        "cachedContentTokenCount",
                        "thoughtsTokenCount",
                    ],
                    &[],
                ),
            ),
        ]),
        Provider::Anthropic => object_of(vec![
            ("type", text(&["message", "error"])),
            (
                "error",
                shaped(object_of(vec![
                    ("type", text(&["overloaded_error", "rate_limit_error"])),
                    ("message", text(&["Overloaded"])),
                ])),
            ),
            (
                "content",
                array_of(shaped(object_of(vec![
                    ("type", text(&["text", "thinking"])),
                    ("text", text(&["Hi"])),
                ]))),
            ),
            ("stop_reason", text(&["end_turn", "max_tokens"])),
            (
                "usage",
                usage(
                    &[
                        "input_tokens",
                        "cache_read_input_tokens",
                        "cache_creation_input_tokens",
                        "output_tokens",
                    ],
                    &[],
                ),
            ),
        ]),
        Provider::OpenAiResponses => object_of(vec![
            ("error", openai_error()),
            (
                "output",
                array_of(shaped(object_of(vec![
                    ("type", text(&["message", "function_call", "reasoning"])),
                    (
                        "content",
                        array_of(shaped(object_of(vec![
                            ("type", text(&["output_text", "refusal"])),
                            ("text", text(&["Hi"])),
                        ]))),
                    ),
                ]))),
            ),
            ("status", text(&["completed", "incomplete", "failed"])),
            (
                "incomplete_details",
                shaped(object_of(vec![(
                    "reason",
                    text(&["max_output_tokens", "content_filter"]),
                )])),
            ),
            (
                "usage",
                usage(
                    &["input_tokens", "output_tokens", "total_tokens"],
                    &[
                        ("input_tokens_details", "cached_tokens"),
                        ("output_tokens_details", "reasoning_tokens"),
                    ],
                ),
            ),
        ]),
    }
}

fn provider() -> impl Strategy<Value = Provider> {
    prop::sample::select(Provider::ALL.to_vec())
}

/// `decode_answer` and the oracle on one document's text.
fn both(kind: Provider, doc: &Doc) -> (String, Option<Answer>, Option<Answer>) {
    let mut text = String::new();
    doc.write(&mut text);
    let value: Value = serde_json::from_str(&text).unwrap();
    let ours = decode_answer(kind, text.as_bytes()).ok();
    (text, ours, oracle(kind, &value))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn answers_read_as_through_serde_json_value(
        (kind, doc) in provider().prop_flat_map(|kind| (Just(kind), document(kind))),
    ) {
        let (text, ours, oracle) = both(kind, &doc);
        prop_assert_eq!(ours, oracle, "{}", text);
    }

    #[test]
    fn arbitrary_bytes_give_an_answer_or_a_reason(kind in provider(), body in prop::collection::vec(any::<u8>(), 0..64)) {
        let ours = decode_answer(kind, &body);
        match serde_json::from_slice::<Value>(&body) {
            Ok(value) => prop_assert_eq!(ours.ok(), oracle(kind, &value)),
            Err(_) => prop_assert!(ours.unwrap_err().starts_with("the response body is not JSON")),
        }
    }

    #[test]
    fn any_json_value_reads_as_through_serde_json_value(kind in provider(), doc in any_json()) {
        let (text, ours, oracle) = both(kind, &doc);
        prop_assert_eq!(ours, oracle, "{}", text);
    }
}
