//! OpenAI Responses: typed events (`event: <type>` + a `data:` object with `type` and
//! `sequence_number`), text in `response.output_text.delta`, the answer ended by
//! `response.completed` (or `response.incomplete`) carrying the usage. No `[DONE]`.

use serde_json::{json, Value};

use super::{delta_text, output_tokens, text_upto, Ctx, Ev, Finish, HEX};

fn response_id(ctx: &Ctx) -> String {
    ctx.id("resp_", 48, HEX)
}

fn item_id(ctx: &Ctx) -> String {
    ctx.id("msg_", 48, HEX)
}

fn message(ctx: &Ctx, text: Option<&str>) -> Value {
    match text {
        Some(text) => json!({
            "id": item_id(ctx), "type": "message", "status": "completed", "role": "assistant",
            "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}],
        }),
        None => json!({
            "id": item_id(ctx), "type": "message", "status": "in_progress", "role": "assistant",
            "content": [],
        }),
    }
}

/// The response object; `finished` = (text, finish) once the answer is over.
fn response(ctx: &Ctx, finished: Option<(&str, Finish, usize)>) -> Value {
    let mut r = json!({
        "id": response_id(ctx),
        "object": "response",
        "created_at": ctx.created,
        "status": "in_progress",
        "error": null,
        "incomplete_details": null,
        "model": ctx.model,
        "output": [],
        "parallel_tool_calls": true,
        "store": false,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}},
        "usage": null,
    });
    if let Some((text, finish, n)) = finished {
        let out = output_tokens(n);
        r["output"] = json!([message(ctx, Some(text))]);
        r["usage"] = json!({
            "input_tokens": ctx.input_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": out,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": ctx.input_tokens + out,
        });
        match finish {
            Finish::Stop => r["status"] = json!("completed"),
            Finish::ContentFilter { .. } => {
                r["status"] = json!("incomplete");
                r["incomplete_details"] = json!({"reason": "content_filter"});
            }
        }
    }
    r
}

struct Seq(u64);

impl Seq {
    fn ev(&mut self, kind: &'static str, mut data: Value) -> Ev {
        data["type"] = json!(kind);
        data["sequence_number"] = json!(self.0);
        self.0 += 1;
        Ev::named(kind, data.to_string())
    }
}

pub(super) fn events(ctx: &Ctx, finish: Finish, invalid: Option<usize>) -> Vec<Ev> {
    let n = finish.deltas();
    let text = text_upto(n, invalid);
    let item = item_id(ctx);
    let mut seq = Seq(0);
    let mut out = vec![
        seq.ev("response.created", json!({"response": response(ctx, None)})),
        seq.ev(
            "response.in_progress",
            json!({"response": response(ctx, None)}),
        ),
        seq.ev(
            "response.output_item.added",
            json!({"output_index": 0, "item": message(ctx, None)}),
        ),
        seq.ev(
            "response.content_part.added",
            json!({"item_id": item, "output_index": 0, "content_index": 0,
                   "part": {"type": "output_text", "text": "", "annotations": []}}),
        ),
    ];
    for k in 1..=n {
        let ev = seq.ev(
            "response.output_text.delta",
            json!({"item_id": item, "output_index": 0, "content_index": 0,
                   "delta": delta_text(k, invalid), "logprobs": []}),
        );
        out.push(ev.delta(k));
    }
    out.push(seq.ev(
        "response.output_text.done",
        json!({"item_id": item, "output_index": 0, "content_index": 0, "text": text,
               "logprobs": []}),
    ));
    out.push(seq.ev(
        "response.content_part.done",
        json!({"item_id": item, "output_index": 0, "content_index": 0,
               "part": {"type": "output_text", "text": text, "annotations": []}}),
    ));
    out.push(seq.ev(
        "response.output_item.done",
        json!({"output_index": 0, "item": message(ctx, Some(&text))}),
    ));
    let terminal = match finish {
        Finish::Stop => "response.completed",
        Finish::ContentFilter { .. } => "response.incomplete",
    };
    out.push(seq.ev(
        terminal,
        json!({"response": response(ctx, Some((&text, finish, n)))}),
    ));
    out
}

pub(super) fn body(ctx: &Ctx, finish: Finish, invalid: Option<usize>) -> String {
    let n = finish.deltas();
    response(ctx, Some((&text_upto(n, invalid), finish, n))).to_string()
}

pub(super) fn inband_error() -> Ev {
    Ev::named(
        "error",
        json!({
            "type": "error",
            "code": "server_error",
            "message": "The server had an error while processing your request. Sorry about that!",
            "param": null,
            "sequence_number": 4 + super::DELTA_COUNT,
        })
        .to_string(),
    )
}
