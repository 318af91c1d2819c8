//! Helpers shared by the mock provider's tests: building each provider's request, calling the
//! mock over a real socket with timestamps per chunk, and decoding with genie-core.

#![allow(dead_code)] // each test binary uses a different subset

use std::time::{Duration, Instant};

use genie_core::provider::{self as core, StreamDecoder, StreamEvent, StreamSummary};
use genie_mock_provider::{MockProvider, Provider, DELTAS};
use serde_json::{json, Value};

pub const ALL: [Provider; 4] = [
    Provider::Gemini,
    Provider::OpenAiChat,
    Provider::OpenAiResponses,
    Provider::Anthropic,
];

pub const KEY: &str = "sk-test-SECRET-0123456789";

/// A request as a client would send it.
pub struct Req {
    pub provider: Provider,
    pub model: String,
    pub stream: bool,
    pub fault: Option<String>,
    pub last_event_id: Option<String>,
    pub key: bool,
}

impl Req {
    pub fn new(provider: Provider, model: &str, stream: bool) -> Req {
        Req {
            provider,
            model: model.to_owned(),
            stream,
            fault: None,
            last_event_id: None,
            key: true,
        }
    }

    pub fn fault(mut self, fault: &str) -> Req {
        self.fault = Some(fault.to_owned());
        self
    }

    pub fn last_event_id(mut self, id: &str) -> Req {
        self.last_event_id = Some(id.to_owned());
        self
    }

    pub fn no_key(mut self) -> Req {
        self.key = false;
        self
    }

    pub fn builder(&self, client: &reqwest::Client, base: &str) -> reqwest::RequestBuilder {
        let messages = json!([{"role": "user", "content": "Say the canonical answer."}]);
        let (url, body) = match self.provider {
            Provider::Gemini => {
                let method = if self.stream {
                    "streamGenerateContent?alt=sse"
                } else {
                    "generateContent"
                };
                let body = json!({"contents": [{"role": "user",
                                                "parts": [{"text": "Say the canonical answer."}]}]});
                (
                    format!("{base}/v1beta/models/{}:{method}", self.model),
                    body,
                )
            }
            Provider::OpenAiChat => (
                format!("{base}/v1/chat/completions"),
                json!({"model": self.model, "messages": messages, "stream": self.stream,
                       "stream_options": if self.stream { json!({"include_usage": true}) } else { Value::Null }}),
            ),
            Provider::OpenAiResponses => (
                format!("{base}/v1/responses"),
                json!({"model": self.model, "input": messages, "stream": self.stream}),
            ),
            Provider::Anthropic => {
                let mut body =
                    json!({"model": self.model, "messages": messages, "max_tokens": 256});
                if self.stream {
                    body["stream"] = json!(true);
                }
                (format!("{base}/v1/messages"), body)
            }
        };
        let mut b = client
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_string());
        if self.key {
            b = match self.provider {
                Provider::Gemini => b.header("x-goog-api-key", KEY),
                Provider::OpenAiChat | Provider::OpenAiResponses => {
                    b.header("authorization", format!("Bearer {KEY}"))
                }
                Provider::Anthropic => b
                    .header("x-api-key", KEY)
                    .header("anthropic-version", "2023-06-01"),
            };
        }
        if let Some(fault) = &self.fault {
            b = b.header("x-mock-fault", fault);
        }
        if let Some(id) = &self.last_event_id {
            b = b.header("last-event-id", id);
        }
        b
    }
}

/// What came back, with timings.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    /// From sending to the response headers.
    pub headers_at: Duration,
    /// Each body chunk with its arrival time (from sending).
    pub chunks: Vec<(Duration, Vec<u8>)>,
    /// The body read failed (or was still open at the read timeout) with this error.
    pub body_error: Option<String>,
}

impl Reply {
    pub fn body(&self) -> Vec<u8> {
        self.chunks.iter().flat_map(|(_, c)| c.clone()).collect()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body()).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body()).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The longest silence between consecutive chunks.
    pub fn max_gap(&self) -> Duration {
        let mut last = self.headers_at;
        let mut max = Duration::ZERO;
        for (at, _) in &self.chunks {
            max = max.max(at.saturating_sub(last));
            last = *at;
        }
        max
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("reqwest client")
}

/// Sends `req`; reads the body until it ends, fails, or `read_timeout` passes without a chunk.
pub async fn send(mock: &MockProvider, req: &Req, read_timeout: Duration) -> Reply {
    send_to(&mock.base_url(), req, read_timeout)
        .await
        .unwrap_or_else(|e| panic!("request failed: {e}"))
}

pub async fn send_to(
    base: &str,
    req: &Req,
    read_timeout: Duration,
) -> Result<Reply, reqwest::Error> {
    let start = Instant::now();
    let mut response = req.builder(&client(), base).send().await?;
    let headers_at = start.elapsed();
    let mut reply = Reply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        headers_at,
        chunks: Vec::new(),
        body_error: None,
    };
    loop {
        match tokio::time::timeout(read_timeout, response.chunk()).await {
            Err(_) => {
                reply.body_error = Some("read timeout".into());
                break;
            }
            Ok(Ok(Some(chunk))) => reply.chunks.push((start.elapsed(), chunk.to_vec())),
            Ok(Ok(None)) => break,
            Ok(Err(e)) => {
                reply.body_error = Some(error_chain(&e));
                break;
            }
        }
    }
    Ok(reply)
}

pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

pub fn core_provider(p: Provider) -> core::Provider {
    core::Provider::from_name(p.name()).expect("same provider names")
}

/// Decodes a whole stream body with genie-core's decoder.
pub fn decode(provider: Provider, body: &[u8]) -> (Vec<StreamEvent>, StreamSummary) {
    let mut decoder = StreamDecoder::new(core_provider(provider));
    let mut events = Vec::new();
    decoder
        .feed_to_vec(body, &mut events)
        .expect("within the decoder's limits");
    (events, decoder.finish())
}

/// The first `n` deltas of the canonical answer.
pub fn prefix(n: usize) -> String {
    DELTAS[..n].concat()
}

/// The answer text of a non-stream JSON body.
pub fn json_text(provider: Provider, v: &Value) -> String {
    let text = match provider {
        Provider::Gemini => v.pointer("/candidates/0/content/parts/0/text"),
        Provider::OpenAiChat => v.pointer("/choices/0/message/content"),
        Provider::OpenAiResponses => v.pointer("/output/0/content/0/text"),
        Provider::Anthropic => v.pointer("/content/0/text"),
    };
    text.and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no text in {v}"))
        .to_owned()
}

/// (input, output) tokens of a non-stream JSON body.
pub fn json_usage(provider: Provider, v: &Value) -> (u64, u64) {
    let (i, o) = match provider {
        Provider::Gemini => (
            "/usageMetadata/promptTokenCount",
            "/usageMetadata/candidatesTokenCount",
        ),
        Provider::OpenAiChat => ("/usage/prompt_tokens", "/usage/completion_tokens"),
        Provider::OpenAiResponses => ("/usage/input_tokens", "/usage/output_tokens"),
        Provider::Anthropic => ("/usage/input_tokens", "/usage/output_tokens"),
    };
    let n = |p: &str| {
        v.pointer(p)
            .and_then(Value::as_u64)
            .unwrap_or_else(|| panic!("{p} in {v}"))
    };
    (n(i), n(o))
}

pub const SHORT: Duration = Duration::from_secs(5);
