//! Deterministic, realistic provider streams for the benchmarks, the memory check and the
//! peer comparison.
//!
//! This module owns the one definition of "a realistic stream" every measurement uses: the
//! criterion benches (`sse`, `decode`), `examples/gen_streams.rs` (which writes the same bytes
//! to files so the Node peer parses identical input) and `examples/sse_memory.rs` (which
//! generates a 200 MB stream on the fly). Streams are one long answer each, shaped like what
//! the providers put on the wire today:
//!
//! - OpenAI Chat Completions: `chat.completion.chunk` events of ~250 bytes carrying one token
//!   each, a finish chunk, a usage chunk (`stream_options.include_usage`) and `[DONE]`;
//! - Gemini `alt=sse`: CRLF-terminated data-only events with a sentence or two of text each,
//!   repeating `usageMetadata`, `modelVersion`, `responseId`, and `finishReason` at the end;
//! - Anthropic Messages: `event:` + `data:` pairs from `message_start` to `message_stop`, mostly
//!   `content_block_delta` text deltas, with a `ping` now and then;
//! - OpenAI Responses: `event:` + `data:` pairs with `sequence_number`, mostly
//!   `response.output_text.delta`, ending with `response.completed`.
//!
//! The text mixes ASCII with accented, CJK and emoji words, JSON escapes (`\n`, `\"`) and
//! punctuation, so UTF-8 validation and decoding do real work. A seeded SplitMix64 makes every
//! run and every machine produce the same bytes.

use std::fmt::Write as _;

/// The wire formats the generator can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    OpenAi,
    Gemini,
    Anthropic,
    OpenAiResponses,
}

impl Kind {
    /// The three streams of the SSE peer comparison (the issue's "realistic streams").
    pub const SSE: [Kind; 3] = [Kind::OpenAi, Kind::Gemini, Kind::Anthropic];
    /// Every format, one per `genie_core::provider::Provider`.
    pub const ALL: [Kind; 4] = [
        Kind::OpenAi,
        Kind::Gemini,
        Kind::Anthropic,
        Kind::OpenAiResponses,
    ];

    /// The file stem and bench id, which is also the provider's name in genie.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::OpenAi => "openai",
            Kind::Gemini => "gemini",
            Kind::Anthropic => "anthropic",
            Kind::OpenAiResponses => "openai-responses",
        }
    }
}

/// The size of every benchmark stream, in bytes (approximately: the stream ends at the first
/// event boundary past it, plus the closing events).
pub const STREAM_BYTES: usize = 6 << 20;

/// The seed every benchmark stream is generated from.
pub const SEED: u64 = 0x5EED_2026;

/// The network-sized chunk every stream is fed in.
pub const CHUNK_BYTES: usize = 2 << 10;

/// Words the answers are made of: mostly English, with the non-ASCII text real answers carry.
/// `\n` and `\"` are JSON escapes, written as-is into the payloads.
const WORDS: &[&str] = &[
    "the",
    "model",
    "stream",
    "answer",
    "request",
    "token",
    "budget",
    "of",
    "and",
    "to",
    "a",
    "in",
    "is",
    "that",
    "for",
    "it",
    "with",
    "as",
    "on",
    "be",
    "this",
    "latency",
    "provider",
    "server",
    "response",
    "guardrail",
    "parser",
    "event",
    "chunk",
    "data",
    "throughput",
    "memory",
    "Rust",
    "Python",
    "Node",
    "library",
    "function",
    "result",
    "error",
    "retry",
    "timeout",
    "café",
    "naïve",
    "résumé",
    "Zürich",
    "façade",
    "日本語",
    "数据",
    "流式",
    "😀",
    "🚀",
    "👩‍💻",
    "ok,",
    "yes.",
    "however,",
    "so:",
    "e.g.",
    "(see",
    "below)",
    "`code`",
    "**bold**",
    "-",
    "\\n",
    "\\n\\n",
    "\\\"quoted\\\"",
    "42",
    "3.14",
    "2026",
    "100%",
    "$5",
];

/// SplitMix64: tiny, fast and fully determined by its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    fn alnum(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..len)
            .map(|_| char::from(ALPHABET[self.range(0, ALPHABET.len() - 1)]))
            .collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Start,
    Body,
    /// The closing events, numbered from 0.
    End(u8),
    Done,
}

/// Produces one stream event by event, so arbitrarily long streams need no memory.
pub struct StreamGen {
    kind: Kind,
    rng: Rng,
    target: u64,
    written: u64,
    phase: Phase,
    id: String,
    tokens: u64,
    sequence: u64,
    text: String,
}

impl StreamGen {
    /// A generator for a stream of about `target_bytes` bytes.
    pub fn new(kind: Kind, seed: u64, target_bytes: u64) -> Self {
        let mut rng = Rng(seed ^ kind as u64);
        let id = rng.alnum(29);
        StreamGen {
            kind,
            rng,
            target: target_bytes,
            written: 0,
            phase: Phase::Start,
            id,
            tokens: 0,
            sequence: 0,
            text: String::new(),
        }
    }

    /// Appends the next event (its lines and the blank line that dispatches it) to `out`;
    /// returns false, appending nothing, once the stream has ended.
    pub fn next_event(&mut self, out: &mut Vec<u8>) -> bool {
        let before = out.len();
        let mut event = String::with_capacity(512);
        self.phase = match (self.kind, self.phase) {
            (_, Phase::Done) => return false,
            (Kind::OpenAi, phase) => self.openai(phase, &mut event),
            (Kind::Gemini, phase) => self.gemini(phase, &mut event),
            (Kind::Anthropic, phase) => self.anthropic(phase, &mut event),
            (Kind::OpenAiResponses, phase) => self.responses(phase, &mut event),
        };
        out.extend_from_slice(event.as_bytes());
        self.written += (out.len() - before) as u64;
        true
    }

    /// The phase after a body event: more body, or the closing events once the target is met.
    fn after_body(&self) -> Phase {
        if self.written >= self.target {
            Phase::End(0)
        } else {
            Phase::Body
        }
    }

    /// `words` words of answer text (JSON-escaped), counted as that many tokens.
    fn words(&mut self, words: usize) -> &str {
        self.text.clear();
        for i in 0..words {
            if i > 0 || self.rng.range(0, 3) != 0 {
                self.text.push(' ');
            }
            let word = WORDS[self.rng.range(0, WORDS.len() - 1)];
            self.text.push_str(word);
        }
        self.tokens += words as u64;
        &self.text
    }

    fn openai(&mut self, phase: Phase, e: &mut String) -> Phase {
        const HEAD: &str = r#""object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_f33640a400","choices":"#;
        let id = self.id.clone();
        let (choices, usage, next) = match phase {
            Phase::Start => (
                r#"[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]"#.to_owned(),
                String::new(),
                Phase::Body,
            ),
            Phase::Body => {
                let n = self.rng.range(1, 2);
                let text = self.words(n);
                (
                    format!(r#"[{{"index":0,"delta":{{"content":"{text}"}},"logprobs":null,"finish_reason":null}}]"#),
                    String::new(),
                    self.after_body(),
                )
            }
            Phase::End(0) => (
                r#"[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]"#.to_owned(),
                String::new(),
                Phase::End(1),
            ),
            Phase::End(1) => {
                let t = self.tokens;
                (
                    "[]".to_owned(),
                    format!(r#","usage":{{"prompt_tokens":1187,"completion_tokens":{t},"total_tokens":{},"prompt_tokens_details":{{"cached_tokens":1024,"audio_tokens":0}},"completion_tokens_details":{{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}}"#, t + 1187),
                    Phase::End(2),
                )
            }
            _ => {
                e.push_str("data: [DONE]\n\n");
                return Phase::Done;
            }
        };
        let _ = write!(
            e,
            "data: {{\"id\":\"chatcmpl-{id}\",{HEAD}{choices}{usage}}}\n\n"
        );
        next
    }

    fn gemini(&mut self, phase: Phase, e: &mut String) -> Phase {
        let (n, finish, next) = match phase {
            Phase::Start | Phase::Body => {
                let n = self.rng.range(12, 40);
                (n, "", self.after_body())
            }
            _ => (
                self.rng.range(3, 8),
                r#","finishReason": "STOP""#,
                Phase::Done,
            ),
        };
        let text = self.words(n).to_owned();
        let t = self.tokens;
        let id = &self.id[..22];
        let _ = write!(
            e,
            "data: {{\"candidates\": [{{\"content\": {{\"parts\": [{{\"text\": \"{text}\"}}],\"role\": \"model\"}}{finish},\"index\": 0}}],\"usageMetadata\": {{\"promptTokenCount\": 1187,\"candidatesTokenCount\": {t},\"totalTokenCount\": {},\"promptTokensDetails\": [{{\"modality\": \"TEXT\",\"tokenCount\": 1187}}],\"thoughtsTokenCount\": 311}},\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"{id}\"}}\r\n\r\n",
            t + 1187 + 311
        );
        next
    }

    fn anthropic(&mut self, phase: Phase, e: &mut String) -> Phase {
        let id = &self.id[..24];
        match phase {
            Phase::Start => {
                let _ = write!(
                    e,
                    "event: message_start\ndata: {{\"type\":\"message_start\",\"message\":{{\"id\":\"msg_01{id}\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{{\"input_tokens\":1187,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":1024,\"output_tokens\":1,\"service_tier\":\"standard\"}}}}}}\n\n\
                     event: content_block_start\ndata: {{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{{\"type\":\"text\",\"text\":\"\"}}}}\n\n"
                );
                Phase::Body
            }
            Phase::Body => {
                if self.rng.range(0, 199) == 0 {
                    e.push_str("event: ping\ndata: {\"type\": \"ping\"}\n\n");
                } else {
                    let n = self.rng.range(1, 4);
                    let text = self.words(n);
                    let _ = write!(
                        e,
                        "event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"{text}\"}}}}\n\n"
                    );
                }
                self.after_body()
            }
            _ => {
                let t = self.tokens;
                let _ = write!(
                    e,
                    "event: content_block_stop\ndata: {{\"type\":\"content_block_stop\",\"index\":0}}\n\n\
                     event: message_delta\ndata: {{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"end_turn\",\"stop_sequence\":null}},\"usage\":{{\"output_tokens\":{t}}}}}\n\n\
                     event: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\n"
                );
                Phase::Done
            }
        }
    }

    fn responses(&mut self, phase: Phase, e: &mut String) -> Phase {
        let id = self.id[..24].to_owned();
        let seq = self.sequence;
        self.sequence += 1;
        match phase {
            Phase::Start => {
                let _ = write!(
                    e,
                    "event: response.created\ndata: {{\"type\":\"response.created\",\"sequence_number\":{seq},\"response\":{{\"id\":\"resp_{id}\",\"object\":\"response\",\"created_at\":1767225600,\"status\":\"in_progress\",\"model\":\"gpt-4.1-2025-04-14\",\"output\":[],\"usage\":null}}}}\n\n"
                );
                Phase::Body
            }
            Phase::Body => {
                let n = self.rng.range(1, 3);
                let text = self.words(n);
                let _ = write!(
                    e,
                    "event: response.output_text.delta\ndata: {{\"type\":\"response.output_text.delta\",\"sequence_number\":{seq},\"item_id\":\"msg_{id}\",\"output_index\":0,\"content_index\":0,\"delta\":\"{text}\",\"logprobs\":[]}}\n\n"
                );
                self.after_body()
            }
            _ => {
                let t = self.tokens;
                let _ = write!(
                    e,
                    "event: response.completed\ndata: {{\"type\":\"response.completed\",\"sequence_number\":{seq},\"response\":{{\"id\":\"resp_{id}\",\"object\":\"response\",\"created_at\":1767225600,\"status\":\"completed\",\"model\":\"gpt-4.1-2025-04-14\",\"usage\":{{\"input_tokens\":1187,\"input_tokens_details\":{{\"cached_tokens\":1024}},\"output_tokens\":{t},\"output_tokens_details\":{{\"reasoning_tokens\":0}},\"total_tokens\":{}}}}}}}\n\n",
                    t + 1187
                );
                Phase::Done
            }
        }
    }
}

/// The whole stream of `kind`, about `target_bytes` long.
pub fn generate(kind: Kind, target_bytes: usize) -> Vec<u8> {
    let mut gen = StreamGen::new(kind, SEED, target_bytes as u64);
    let mut out = Vec::with_capacity(target_bytes + 4096);
    while gen.next_event(&mut out) {}
    out
}
