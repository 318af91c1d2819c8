//! OpenAI Responses with `"stream": true`.
//!
//! Typed events (`event: <type>` plus a JSON `data` with the same `type`). Text arrives in
//! `response.output_text.delta`; the terminal events `response.completed`,
//! `response.incomplete` and `response.failed` carry the usage and end the answer (there is no
//! `[DONE]`). Unknown event types are ignored without being parsed.

use std::borrow::Cow;

use super::json::{self, Reader};
use super::openai_chat::{read_detail, read_error_event, read_opt_error};
use super::{is_blank, read_type, Emitter, FinishReason, ProviderError, StreamEventRef, Usage};
use crate::sse::EventRef;

/// What a terminal event's `response` carries.
#[derive(Default)]
struct Terminal<'a> {
    usage: Option<Usage>,
    incomplete_reason: Option<Cow<'a, str>>,
    error: Option<ProviderError>,
    calls_tools: bool,
}

pub(super) fn decode<F: FnMut(StreamEventRef<'_>)>(event: EventRef<'_>, out: &mut Emitter<'_, F>) {
    if out.is_complete() {
        return;
    }
    // Proxies sometimes drop the `event:` lines; the payload's `type` says the same thing.
    let kind: Cow<'_, str> = if event.event == "message" {
        // An unnamed event with blank data is a proxy's keep-alive, as for the data-only formats.
        if is_blank(event.data) {
            return out.ping();
        }
        match read_type(event.data) {
            Ok(Some(kind)) => kind,
            Ok(None) => return,
            Err(error) => return out.malformed(&error, event.data),
        }
    } else {
        Cow::Borrowed(event.event)
    };
    match &*kind {
        "response.output_text.delta" => match read_text_delta(event.data) {
            Ok(delta) => out.text(&delta),
            Err(error) => out.malformed(&error, event.data),
        },
        "response.completed" | "response.incomplete" | "response.failed" => {
            match read_terminal(event.data) {
                Ok(terminal) => terminate(&kind, terminal, out),
                Err(error) => out.malformed(&error, event.data),
            }
        }
        "error" => match read_error_event(event.data) {
            Ok(error) => out.error(error),
            Err(error) => out.malformed(&error, event.data),
        },
        _ => {}
    }
}

/// The required `delta` string of a text delta event.
fn read_text_delta(data: &str) -> Result<Cow<'_, str>, json::Error> {
    json::read(data, |r| {
        let mut delta = None;
        r.object(|r, key| {
            if key == "delta" {
                delta = Some(r.str()?);
                Ok(())
            } else {
                r.skip()
            }
        })?;
        let Some(delta) = delta else {
            return Err(r.missing("delta"));
        };
        Ok(delta)
    })
}

fn read_terminal(data: &str) -> Result<Terminal<'_>, json::Error> {
    json::read(data, |r| {
        let mut terminal = Terminal::default();
        r.object(|r, key| {
            if key != "response" {
                return r.skip();
            }
            terminal = Terminal::default();
            if r.null()? {
                return Ok(());
            }
            r.object(|r, key| {
                match &*key {
                    "usage" => terminal.usage = read_usage(r)?,
                    "incomplete_details" => {
                        terminal.incomplete_reason = None;
                        if !r.null()? {
                            r.object(|r, key| match &*key {
                                "reason" => r.opt_str().map(|s| terminal.incomplete_reason = s),
                                _ => r.skip(),
                            })?;
                        }
                    }
                    "error" => terminal.error = read_opt_error(r)?,
                    "output" => terminal.calls_tools = read_calls_tools(r)?,
                    _ => r.skip()?,
                }
                Ok(())
            })
        })?;
        Ok(terminal)
    })
}

/// Whether any item of `output` (which may be `null`) is a function call.
fn read_calls_tools(r: &mut Reader<'_>) -> json::Result<bool> {
    let mut calls = false;
    if r.null()? {
        return Ok(calls);
    }
    r.array(|r| {
        let mut kind = None;
        r.object(|r, key| match &*key {
            "type" => r.opt_str().map(|s| kind = s),
            _ => r.skip(),
        })?;
        calls |= kind.as_deref() == Some("function_call");
        Ok(())
    })?;
    Ok(calls)
}

fn read_usage(r: &mut Reader<'_>) -> json::Result<Option<Usage>> {
    if r.null()? {
        return Ok(None);
    }
    let mut usage = Usage::default();
    r.object(|r, key| {
        match &*key {
            "input_tokens" => usage.input_tokens = r.opt_u64()?,
            "output_tokens" => usage.output_tokens = r.opt_u64()?,
            "total_tokens" => usage.total_tokens = r.opt_u64()?,
            "input_tokens_details" => usage.cached_tokens = read_detail(r, "cached_tokens")?,
            "output_tokens_details" => {
                usage.reasoning_tokens = read_detail(r, "reasoning_tokens")?;
            }
            _ => r.skip()?,
        }
        Ok(())
    })?;
    Ok(Some(usage))
}

fn terminate<F: FnMut(StreamEventRef<'_>)>(
    kind: &str,
    terminal: Terminal<'_>,
    out: &mut Emitter<'_, F>,
) {
    if let Some(usage) = terminal.usage {
        out.usage(usage);
    }
    match kind {
        "response.completed" => {
            let reason = if terminal.calls_tools {
                FinishReason::ToolCalls
            } else {
                FinishReason::Stop
            };
            out.finish(reason, "completed");
        }
        "response.incomplete" => {
            let raw = terminal
                .incomplete_reason
                .as_deref()
                .unwrap_or("incomplete");
            let reason = match raw {
                "max_output_tokens" => FinishReason::Length,
                "content_filter" => FinishReason::ContentFilter,
                _ => FinishReason::Other,
            };
            out.finish(reason, raw);
        }
        _ => {
            if let Some(error) = terminal.error {
                out.error(error);
            }
            out.finish(FinishReason::Error, "failed");
        }
    }
    out.complete();
}
