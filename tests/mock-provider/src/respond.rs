//! Answering one provider request: choosing the fault step, recording the attempt, and building
//! the response (status, headers, and a body whose timing the step controls).

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
use hyper::{Response, StatusCode};
use tokio::sync::mpsc::Sender;

use crate::body::{Chunk, MockBody};
use crate::fault::{ErrorVariant, FaultError, Script, Step};
use crate::request::ApiRequest;
use crate::state::{AttemptRecord, State};
use crate::wire::{self, Ctx, Ev, Finish, Provider};

/// What the connection handler does with a request.
pub(crate) enum Reply {
    /// Close the connection with a TCP RST, sending nothing.
    Reset,
    /// Never answer.
    Silent,
    /// Send this response.
    Response(Response<MockBody>),
}

/// What the step amounts to for this request.
enum Action {
    Answer,
    Error {
        status: u16,
        variant: ErrorVariant,
        label: &'static str,
    },
    Reset,
    Silent,
    Html,
    BlockedPrompt,
}

pub(crate) async fn answer(state: &Arc<State>, req: ApiRequest) -> Reply {
    let script = match select_script(state, &req) {
        Ok(script) => script,
        Err(e) => return Reply::Response(mock_error(&e)),
    };
    let at_ms = state.elapsed_ms();
    let attempt = state.begin_attempt(&req.model, req.recorded.clone());
    let step = script.step(attempt).clone();
    let action = decide(&req, &step, at_ms);
    let (label, status) = match &action {
        Action::Answer => ("ok", Some(200)),
        Action::Error { status, label, .. } => (*label, Some(*status)),
        Action::Reset => ("reset", None),
        Action::Silent => ("silent", None),
        Action::Html => ("wrong_content_type", Some(200)),
        Action::BlockedPrompt => ("blocked_prompt", Some(200)),
    };
    state.log_attempt(
        &req.model,
        AttemptRecord {
            attempt,
            at_ms,
            provider: req.provider,
            stream: req.stream,
            fault: step.text.clone(),
            action: label.to_owned(),
            status,
            last_event_id: req.last_event_id.clone(),
            api_key: req.api_key,
        },
    );
    if let Some(ms) = step.slow_first_byte_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let ctx = Ctx {
        model: req.model.clone(),
        input_tokens: req.input_tokens,
        include_usage: req.include_usage,
        created: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        serial: state.next_serial(),
    };
    let response = match action {
        Action::Reset => return Reply::Reset,
        Action::Silent => return Reply::Silent,
        Action::Error {
            status, variant, ..
        } => error_response(&req, &ctx, &step, status, variant),
        Action::Html => {
            let page = wire::html_page(200);
            base(&req, &ctx, 200, "text/html; charset=utf-8").body(MockBody::full(page))
        }
        Action::BlockedPrompt => {
            let json = wire::gemini_blocked_prompt(&ctx);
            if req.stream {
                let ev = Ev::data(json).frame(req.provider.line_end(), None);
                base(&req, &ctx, 200, sse_type(req.provider)).body(MockBody::full(ev))
            } else {
                json_response(&req, &ctx, 200).body(MockBody::full(json))
            }
        }
        Action::Answer if req.stream && !req.sse => {
            let events = req.provider.events(&ctx, Finish::Stop, None);
            json_response(&req, &ctx, 200).body(MockBody::full(wire::gemini_json_array(&events)))
        }
        Action::Answer if req.stream => stream_response(&req, ctx, step),
        Action::Answer => json_answer(&req, ctx, step),
    };
    match response {
        Ok(mut r) => {
            r.headers_mut().insert("x-mock-attempt", attempt.into());
            Reply::Response(r)
        }
        Err(e) => Reply::Response(internal_error(&e.to_string())),
    }
}

/// The `x-mock-fault` header wins, then a script registered for the model, then a script after
/// `@` in the model name; otherwise `ok`.
fn select_script(state: &State, req: &ApiRequest) -> Result<Script, FaultError> {
    if let Some(text) = &req.fault_header {
        return Script::parse(text);
    }
    if let Some(script) = state.script(&req.model) {
        return Ok(script);
    }
    match req.model.split_once('@') {
        Some((_, text)) => Script::parse(text),
        None => Ok(Script::default()),
    }
}

fn decide(req: &ApiRequest, step: &Step, at_ms: u64) -> Action {
    if req.bad_body.is_some() {
        return Action::Error {
            status: 400,
            variant: ErrorVariant::Plain,
            label: "bad_request",
        };
    }
    if let Some(flap) = step.flap {
        let period = flap.down_ms + flap.up_ms;
        if at_ms % period < flap.down_ms {
            return Action::Error {
                status: step.status.unwrap_or(503),
                variant: step.variant,
                label: "flap_down",
            };
        }
        return Action::Answer;
    }
    if step.reset {
        return Action::Reset;
    }
    if step.silent {
        return Action::Silent;
    }
    if let Some(status) = step.status {
        if req.provider == Provider::Gemini && step.variant == ErrorVariant::ContentFilter {
            return Action::BlockedPrompt;
        }
        return Action::Error {
            status,
            variant: step.variant,
            label: "status",
        };
    }
    if step.wrong_content_type {
        return Action::Html;
    }
    if !req.stream && step.inband_error.is_some() {
        return Action::Error {
            status: req.provider.inband_error_status(),
            variant: ErrorVariant::Plain,
            label: "inband_error_status",
        };
    }
    Action::Answer
}

type Built = Result<Response<MockBody>, hyper::http::Error>;

fn base(
    req: &ApiRequest,
    ctx: &Ctx,
    status: u16,
    content_type: &str,
) -> hyper::http::response::Builder {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let b = Response::builder()
        .status(status)
        .header(CONTENT_TYPE, content_type)
        .header("x-mock-serial", ctx.serial);
    match req.provider {
        Provider::Anthropic => b.header("request-id", wire::anthropic_request_id(ctx)),
        Provider::OpenAiChat | Provider::OpenAiResponses => {
            b.header("x-request-id", ctx.id("req_", 32, wire::HEX))
        }
        Provider::Gemini => b.header("server", "scaffolding on HTTPServer2"),
    }
}

fn json_response(req: &ApiRequest, ctx: &Ctx, status: u16) -> hyper::http::response::Builder {
    let content_type = match req.provider {
        Provider::Gemini => "application/json; charset=UTF-8",
        _ => "application/json",
    };
    base(req, ctx, status, content_type)
}

fn sse_type(provider: Provider) -> &'static str {
    match provider {
        Provider::Gemini => "text/event-stream",
        _ => "text/event-stream; charset=utf-8",
    }
}

fn error_response(
    req: &ApiRequest,
    ctx: &Ctx,
    step: &Step,
    status: u16,
    variant: ErrorVariant,
) -> Built {
    if status == 502 {
        let page = wire::html_page(502);
        return base(req, ctx, 502, "text/html; charset=utf-8").body(MockBody::full(page));
    }
    let mut b = json_response(req, ctx, status);
    if let Some(reason) = &req.bad_body {
        b = b.header("x-mock-error", reason.as_str());
    }
    if let Some(secs) = step.retry_after {
        b = b.header(RETRY_AFTER, secs);
    }
    if let Some(secs) = step.retry_after_date {
        b = b.header(RETRY_AFTER, http_date_in(secs));
    }
    if let Some(ms) = step.retry_after_ms {
        b = b.header("retry-after-ms", ms);
    }
    if status == 429
        && matches!(
            req.provider,
            Provider::OpenAiChat | Provider::OpenAiResponses
        )
    {
        b = b
            .header("x-ratelimit-limit-requests", 500)
            .header("x-ratelimit-remaining-requests", 0)
            .header("x-ratelimit-reset-requests", "120ms");
    }
    let body = req
        .provider
        .error(ctx, status, variant, step.retry_info.as_deref());
    b.body(MockBody::full(body))
}

/// An HTTP-date at least `secs` seconds ahead: rounded up to the next whole second, because the
/// format has no fractions and a truncated date would ask for less than `secs`.
fn http_date_in(secs: u64) -> HeaderValue {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let target = UNIX_EPOCH + Duration::from_secs(now.as_secs() + secs + 1);
    HeaderValue::from_str(&httpdate::fmt_http_date(target))
        .unwrap_or_else(|_| HeaderValue::from_static("0"))
}

fn finish(step: &Step) -> Finish {
    match step.filter_after {
        Some(after) => Finish::ContentFilter { after },
        None => Finish::Stop,
    }
}

fn stream_response(req: &ApiRequest, ctx: Ctx, step: Step) -> Built {
    let response = base(req, &ctx, 200, sse_type(req.provider)).header(CACHE_CONTROL, "no-cache");
    let resume_after = match (&req.last_event_id, step.ids) {
        (Some(id), true) => id.trim().parse().unwrap_or(0),
        _ => 0,
    };
    let (tx, body) = MockBody::channel();
    let plan = StreamPlan {
        provider: req.provider,
        events: req.provider.events(&ctx, finish(&step), step.invalid_utf8),
        ctx,
        step,
        resume_after,
    };
    tokio::spawn(plan.produce(tx));
    response.body(body)
}

struct StreamPlan {
    provider: Provider,
    events: Vec<Ev>,
    ctx: Ctx,
    step: Step,
    resume_after: usize,
}

/// What the stream does after a hook position.
enum Flow {
    Continue,
    End,
}

impl StreamPlan {
    async fn produce(self, tx: Sender<Chunk>) {
        let le = self.provider.line_end();
        if let Some(ms) = self.step.slow_first_token_ms {
            if !wait_with_keepalives(&tx, ms, self.step.keepalive_ms, le).await {
                return;
            }
        }
        let preamble = self.provider.preamble_len();
        for (i, ev) in self.events.iter().enumerate() {
            let id = i + 1;
            if id <= self.resume_after || (self.step.no_done && ev.sentinel) {
                continue;
            }
            if i == preamble {
                if let Flow::End = self.hooks(0, &tx).await {
                    return;
                }
            }
            if ev.delta.is_some_and(|k| k >= 2) {
                if let Some(ms) = self.step.delay_ms {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                }
            }
            if !self.send(&tx, ev, self.step.ids.then_some(id)).await {
                return;
            }
            if let Some(k) = ev.delta {
                if let Flow::End = self.hooks(k, &tx).await {
                    return;
                }
            }
        }
    }

    async fn send(&self, tx: &Sender<Chunk>, ev: &Ev, id: Option<usize>) -> bool {
        let mut bytes = ev.frame(self.provider.line_end(), id);
        if self.step.invalid_utf8.is_some() {
            bytes = wire::corrupt(bytes);
        }
        tx.send(Chunk::Data(Bytes::from(bytes))).await.is_ok()
    }

    /// The faults placed after `k` deltas, in the documented order.
    async fn hooks(&self, k: usize, tx: &Sender<Chunk>) -> Flow {
        let step = &self.step;
        if let (Some(bytes), 2) = (step.giant_line, k) {
            let ev = self.provider.padding(&self.ctx, bytes);
            if !self.send(tx, &ev, None).await {
                return Flow::End;
            }
        }
        if step.malformed_at == Some(k) {
            let ev = self.provider.malformed(&self.ctx);
            if !self.send(tx, &ev, None).await {
                return Flow::End;
            }
        }
        if step.inband_error == Some(k) {
            let ev = self.provider.inband_error();
            let _ = self.send(tx, &ev, None).await;
            return Flow::End;
        }
        if step.cut_after == Some(k) {
            return Flow::End;
        }
        if step.abort_after == Some(k) {
            let _ = tx.send(Chunk::Abort).await;
            return Flow::End;
        }
        if step.stall_after == Some(k) {
            match step.stall_ms {
                Some(ms) => {
                    if !sleep_unless_closed(tx, ms).await {
                        return Flow::End;
                    }
                }
                None => {
                    tx.closed().await;
                    return Flow::End;
                }
            }
        }
        Flow::Continue
    }
}

/// Sleeps `ms`; false if the client went away meanwhile.
async fn sleep_unless_closed(tx: &Sender<Chunk>, ms: u64) -> bool {
    tokio::select! {
        () = tokio::time::sleep(Duration::from_millis(ms)) => true,
        () = tx.closed() => false,
    }
}

/// Waits `ms`, sending an SSE comment every `keepalive_ms` if set; false if the client left.
async fn wait_with_keepalives(
    tx: &Sender<Chunk>,
    ms: u64,
    keepalive_ms: Option<u64>,
    le: &str,
) -> bool {
    let Some(every) = keepalive_ms else {
        return sleep_unless_closed(tx, ms).await;
    };
    let deadline = tokio::time::Instant::now() + Duration::from_millis(ms);
    let comment = Bytes::from(format!(": keep-alive{le}{le}"));
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() {
            return true;
        }
        let nap = left.min(Duration::from_millis(every));
        if !sleep_unless_closed(tx, nap.as_millis() as u64).await {
            return false;
        }
        if nap < Duration::from_millis(every) {
            return true;
        }
        if tx.send(Chunk::Data(comment.clone())).await.is_err() {
            return false;
        }
    }
}

fn json_answer(req: &ApiRequest, ctx: Ctx, step: Step) -> Built {
    let response = json_response(req, &ctx, 200);
    let mut body = req
        .provider
        .body(&ctx, finish(&step), step.invalid_utf8)
        .into_bytes();
    if let Some(bytes) = step.giant_line {
        // One line of at least `bytes`: a padding field at the front of the object.
        let pad = format!(
            "\"mock_padding\":\"{}\",",
            "x".repeat(bytes.saturating_sub(body.len()))
        );
        body.splice(1..1, pad.into_bytes());
    }
    if step.malformed_at.is_some() {
        // Complete at the HTTP level, but not JSON.
        let at = body.len() - 1;
        body.splice(at..at, b",oops".iter().copied());
    }
    if step.invalid_utf8.is_some() {
        body = wire::corrupt(body);
    }
    let timed = step.slow_first_token_ms.is_some()
        || step.stall_after.is_some()
        || step.cut_after.is_some()
        || step.abort_after.is_some();
    if !timed {
        return response.body(MockBody::full(body));
    }
    let (tx, chunked) = MockBody::channel();
    tokio::spawn(produce_json(body, step, tx));
    response.body(chunked)
}

/// A non-stream body with timing faults: `cut_after`, `abort_after` and `stall_after` act at
/// the middle of the body whatever their position.
async fn produce_json(body: Vec<u8>, step: Step, tx: Sender<Chunk>) {
    if let Some(ms) = step.slow_first_token_ms {
        if !sleep_unless_closed(&tx, ms).await {
            return;
        }
    }
    let mut body = Bytes::from(body);
    let split =
        step.cut_after.is_some() || step.abort_after.is_some() || step.stall_after.is_some();
    if split {
        let first = body.split_to(body.len() / 2);
        if tx.send(Chunk::Data(first)).await.is_err() || step.cut_after.is_some() {
            return;
        }
        if step.abort_after.is_some() {
            let _ = tx.send(Chunk::Abort).await;
            return;
        }
        match step.stall_ms {
            Some(ms) => {
                if !sleep_unless_closed(&tx, ms).await {
                    return;
                }
            }
            None => {
                tx.closed().await;
                return;
            }
        }
    }
    let _ = tx.send(Chunk::Data(body)).await;
}

/// A fault script that does not parse: 400 with a body saying why (not counted as an attempt).
fn mock_error(e: &FaultError) -> Response<MockBody> {
    let body =
        serde_json::json!({"error": {"type": "mock_fault_syntax", "message": e.to_string()}});
    Response::builder()
        .status(StatusCode::BAD_REQUEST)
        .header(CONTENT_TYPE, "application/json")
        .header("x-mock-error", "fault-syntax")
        .body(MockBody::full(body.to_string()))
        .unwrap_or_else(|_| Response::new(MockBody::full("bad fault script")))
}

pub(crate) fn internal_error(message: &str) -> Response<MockBody> {
    let mut r = Response::new(MockBody::full(format!("mock provider error: {message}\n")));
    *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    r
}
