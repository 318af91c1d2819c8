//! The fault grammar: parsing a fault script into the steps the server applies.
//!
//! ```text
//! script := ["seq="] step ("|" step)*      attempt k gets step k; later attempts the last step
//! step   := item ("," item)*               items combine; README.md lists them and their order
//! item   := name ["=" value]
//! ```
//!
//! Parsing is strict (unknown items, bad numbers, positions past the answer and contradictions are
//! errors naming the item) so a typo in a test's script fails loudly instead of running the
//! happy path and passing for the wrong reason.

use std::fmt;

use crate::wire::DELTA_COUNT;

/// A parsed fault script: one step per attempt, the last one repeating.
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    text: String,
    steps: Vec<Step>,
}

impl Script {
    /// Parses `text` (see the module docs and README.md).
    pub fn parse(text: &str) -> Result<Script, FaultError> {
        let trimmed = text.trim();
        let body = trimmed.strip_prefix("seq=").unwrap_or(trimmed);
        let steps = body
            .split('|')
            .map(Step::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Script {
            text: trimmed.to_owned(),
            steps,
        })
    }

    /// The script as written (trimmed).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The step for the 1-based `attempt`.
    pub fn step(&self, attempt: usize) -> &Step {
        let last = self.steps.len() - 1;
        &self.steps[attempt.saturating_sub(1).min(last)]
    }
}

impl Default for Script {
    fn default() -> Self {
        Script {
            text: "ok".to_owned(),
            steps: vec![Step {
                text: "ok".to_owned(),
                ..Step::default()
            }],
        }
    }
}

/// Which provider error body a `status` step sends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ErrorVariant {
    /// The provider's ordinary body for that status.
    #[default]
    Plain,
    /// Quota exhausted: OpenAI `insufficient_quota`, Gemini per-day quota.
    Quota,
    /// The prompt is longer than the model's context window.
    ContextLength,
    /// A content-policy rejection.
    ContentFilter,
}

/// Flapping health: down (an error status) for `down_ms`, then healthy for `up_ms`, repeating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flap {
    /// Length of each unhealthy phase.
    pub down_ms: u64,
    /// Length of each healthy phase.
    pub up_ms: u64,
}

/// What one attempt gets. Every field is off by default (`ok`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Step {
    /// The step as written.
    pub text: String,
    /// Answer with this HTTP status and the provider's error body.
    pub status: Option<u16>,
    /// Which error body.
    pub variant: ErrorVariant,
    /// `Retry-After: <secs>`.
    pub retry_after: Option<u64>,
    /// `Retry-After: <HTTP-date>`, this many seconds ahead (rounded up to a whole second).
    pub retry_after_date: Option<u64>,
    /// `retry-after-ms: <ms>`.
    pub retry_after_ms: Option<u64>,
    /// Gemini `RetryInfo.retryDelay` in the error body (`"2s"`, `"0.5s"`).
    pub retry_info: Option<String>,
    /// Close the connection with a TCP RST before any response byte.
    pub reset: bool,
    /// Accept the request and never answer.
    pub silent: bool,
    /// Wait this long before sending the response headers.
    pub slow_first_byte_ms: Option<u64>,
    /// Send headers at once, then wait this long before the first event.
    pub slow_first_token_ms: Option<u64>,
    /// While waiting for the first token, send an SSE comment this often.
    pub keepalive_ms: Option<u64>,
    /// Wait this long before each delta after the first.
    pub delay_ms: Option<u64>,
    /// After this many deltas, go silent.
    pub stall_after: Option<usize>,
    /// How long the stall lasts before the stream continues; `None` = forever.
    pub stall_ms: Option<u64>,
    /// End the body cleanly after this many deltas, without the end marker.
    pub cut_after: Option<usize>,
    /// Abort the connection after this many deltas (no chunked terminator).
    pub abort_after: Option<usize>,
    /// One malformed JSON event after this many deltas.
    pub malformed_at: Option<usize>,
    /// Leave out the end sentinel (`[DONE]`, `message_stop`).
    pub no_done: bool,
    /// The provider's in-band error event after this many deltas, then the body ends.
    pub inband_error: Option<usize>,
    /// The answer stops after this many deltas with the content-filter finish reason.
    pub filter_after: Option<usize>,
    /// 200 with an HTML page instead of the provider's content type.
    pub wrong_content_type: bool,
    /// One extra event whose `data:` line is this many bytes, after the second delta.
    pub giant_line: Option<usize>,
    /// Raw bytes FF FE inside the JSON string of this (1-based) delta.
    pub invalid_utf8: Option<usize>,
    /// Number events with SSE `id:` lines and resume after `Last-Event-ID`.
    pub ids: bool,
    /// Flapping health.
    pub flap: Option<Flap>,
}

impl Step {
    fn parse(text: &str) -> Result<Step, FaultError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(FaultError::new(
                "empty step (write `ok` for a healthy attempt)",
            ));
        }
        let mut step = Step {
            text: text.to_owned(),
            ..Step::default()
        };
        for item in text.split(',') {
            step.apply(item.trim())?;
        }
        step.check()?;
        Ok(step)
    }

    fn apply(&mut self, item: &str) -> Result<(), FaultError> {
        let (name, value) = match item.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (item, None),
        };
        let flag = |field: &mut bool| -> Result<(), FaultError> {
            match value {
                None => {
                    *field = true;
                    Ok(())
                }
                Some(_) => Err(FaultError::new(format!("`{name}` takes no value"))),
            }
        };
        match name {
            "ok" => flag(&mut false)?,
            "reset" => flag(&mut self.reset)?,
            "silent" => flag(&mut self.silent)?,
            "no_done" => flag(&mut self.no_done)?,
            "wrong_content_type" => flag(&mut self.wrong_content_type)?,
            "ids" => flag(&mut self.ids)?,
            "quota" => self.set_variant(ErrorVariant::Quota, value, name)?,
            "context_length" => self.set_variant(ErrorVariant::ContextLength, value, name)?,
            "content_filter" => self.set_variant(ErrorVariant::ContentFilter, value, name)?,
            "status" => {
                let code = number(name, value)?;
                if !(400..=599).contains(&code) {
                    return Err(FaultError::new(format!(
                        "`status={code}`: must be an error status (400..=599)"
                    )));
                }
                self.status = Some(code as u16);
            }
            "retry_after" => self.retry_after = Some(number(name, value)?),
            "retry_after_date" => self.retry_after_date = Some(number(name, value)?),
            "retry_after_ms" => self.retry_after_ms = Some(number(name, value)?),
            "retry_info" => self.retry_info = Some(duration_text(name, value)?),
            "slow_first_byte" => self.slow_first_byte_ms = Some(number(name, value)?),
            "slow_first_token" => self.slow_first_token_ms = Some(number(name, value)?),
            "keepalive_ms" => self.keepalive_ms = Some(positive(name, value)?),
            "delay_ms" => self.delay_ms = Some(number(name, value)?),
            "stall_after" => self.stall_after = Some(position(name, value)?),
            "stall_ms" => self.stall_ms = Some(number(name, value)?),
            "cut_after" => self.cut_after = Some(position(name, value)?),
            "abort_after" => self.abort_after = Some(position(name, value)?),
            "malformed_at" => self.malformed_at = Some(position(name, value)?),
            "inband_error" => self.inband_error = Some(position(name, value)?),
            "filter_after" => self.filter_after = Some(position(name, value)?),
            "giant_line" => self.giant_line = Some(number(name, value)? as usize),
            "invalid_utf8" => {
                let at = value.map_or(Ok(2), |_| position(name, value))?;
                if at == 0 {
                    return Err(FaultError::new("`invalid_utf8`: the delta is 1-based"));
                }
                self.invalid_utf8 = Some(at);
            }
            "flap" => self.flap = Some(flap(value)?),
            "" => return Err(FaultError::new("empty item (a stray `,`?)")),
            other => {
                return Err(FaultError::new(format!(
                    "unknown item `{other}`; README.md lists the fault items"
                )))
            }
        }
        Ok(())
    }

    fn set_variant(
        &mut self,
        variant: ErrorVariant,
        value: Option<&str>,
        name: &str,
    ) -> Result<(), FaultError> {
        if value.is_some() {
            return Err(FaultError::new(format!("`{name}` takes no value")));
        }
        if self.variant != ErrorVariant::Plain {
            return Err(FaultError::new(
                "at most one of `quota`, `context_length`, `content_filter`",
            ));
        }
        self.variant = variant;
        Ok(())
    }

    /// Fills implied statuses and rejects combinations that mean nothing.
    fn check(&mut self) -> Result<(), FaultError> {
        let implied = match self.variant {
            ErrorVariant::Plain => None,
            ErrorVariant::Quota => Some(429),
            ErrorVariant::ContextLength | ErrorVariant::ContentFilter => Some(400),
        };
        if let Some(implied) = implied {
            match self.status {
                None => self.status = Some(implied),
                Some(s) if s == implied => {}
                Some(s) => {
                    return Err(FaultError::new(format!(
                        "`status={s}` contradicts the body variant, which needs status={implied}"
                    )))
                }
            }
        }
        let hints = self.retry_after.is_some()
            || self.retry_after_date.is_some()
            || self.retry_after_ms.is_some()
            || self.retry_info.is_some();
        if hints && self.status.is_none() && self.flap.is_none() {
            return Err(FaultError::new(
                "retry hints need `status=...` (or `flap=...`) to go with",
            ));
        }
        if self.retry_after.is_some() && self.retry_after_date.is_some() {
            return Err(FaultError::new(
                "`retry_after` and `retry_after_date` both set the Retry-After header: pick one",
            ));
        }
        if self.stall_ms.is_some() && self.stall_after.is_none() {
            return Err(FaultError::new("`stall_ms` needs `stall_after`"));
        }
        if self.keepalive_ms.is_some() && self.slow_first_token_ms.is_none() {
            return Err(FaultError::new("`keepalive_ms` needs `slow_first_token`"));
        }
        if self.reset && self.silent {
            return Err(FaultError::new("`reset` and `silent` exclude each other"));
        }
        Ok(())
    }
}

/// Why a fault script was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultError(String);

impl FaultError {
    fn new(message: impl Into<String>) -> Self {
        FaultError(message.into())
    }

    /// What is wrong, naming the item.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fault script: {}", self.0)
    }
}

impl std::error::Error for FaultError {}

fn number(name: &str, value: Option<&str>) -> Result<u64, FaultError> {
    let value =
        value.ok_or_else(|| FaultError::new(format!("`{name}` needs a value: `{name}=<n>`")))?;
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FaultError::new(format!(
            "`{name}={value}`: expected a whole number"
        )));
    }
    value
        .parse()
        .map_err(|_| FaultError::new(format!("`{name}={value}`: number too large")))
}

fn positive(name: &str, value: Option<&str>) -> Result<u64, FaultError> {
    match number(name, value)? {
        0 => Err(FaultError::new(format!("`{name}`: must be > 0"))),
        n => Ok(n),
    }
}

/// A delta position: 0 (before the first delta) to the answer's delta count.
fn position(name: &str, value: Option<&str>) -> Result<usize, FaultError> {
    let n = number(name, value)?;
    if n > DELTA_COUNT as u64 {
        return Err(FaultError::new(format!(
            "`{name}={n}`: the answer has only {DELTA_COUNT} deltas"
        )));
    }
    Ok(n as usize)
}

/// A Google duration's number of seconds: digits with an optional fraction (`2`, `0.5`).
fn duration_text(name: &str, value: Option<&str>) -> Result<String, FaultError> {
    let value = value.ok_or_else(|| FaultError::new(format!("`{name}` needs a value")))?;
    let (whole, frac) = value.split_once('.').unwrap_or((value, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(frac) {
        return Err(FaultError::new(format!(
            "`{name}={value}`: expected seconds like `2` or `0.5`"
        )));
    }
    Ok(value.to_owned())
}

fn flap(value: Option<&str>) -> Result<Flap, FaultError> {
    let value = value.ok_or_else(|| FaultError::new("`flap` needs `=<down_ms>/<up_ms>`"))?;
    // `_` is accepted too, for model names that travel in a URL path (Gemini's), where `/`
    // would split the path.
    let (down, up) = value
        .split_once(['/', '_'])
        .ok_or_else(|| FaultError::new(format!("`flap={value}`: expected <down_ms>/<up_ms>")))?;
    Ok(Flap {
        down_ms: number("flap down_ms", Some(down))?,
        up_ms: positive("flap up_ms", Some(up))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sequences_and_defaults() {
        let s = Script::parse("seq=stall_after=3,stall_ms=1500|ok").unwrap();
        assert_eq!(s.step(1).stall_after, Some(3));
        assert_eq!(s.step(1).stall_ms, Some(1500));
        assert_eq!(s.step(2).text, "ok");
        assert_eq!(s.step(9).text, "ok");
        let q = Script::parse("quota").unwrap();
        assert_eq!(q.step(1).status, Some(429));
        assert_eq!(q.step(1).variant, ErrorVariant::Quota);
        let f = Script::parse("flap=200_300").unwrap();
        assert_eq!(
            f.step(1).flap,
            Some(Flap {
                down_ms: 200,
                up_ms: 300
            })
        );
        assert_eq!(
            Script::parse("invalid_utf8").unwrap().step(1).invalid_utf8,
            Some(2)
        );
    }

    #[test]
    fn rejects_mistakes_by_name() {
        for (bad, needle) in [
            ("stal_after=3", "unknown item `stal_after`"),
            ("cut_after=11", "only 10 deltas"),
            ("status=200", "error status"),
            ("status=500,quota", "contradicts"),
            ("retry_after=2", "retry hints"),
            ("stall_ms=5", "needs `stall_after`"),
            ("ok|", "empty step"),
            ("retry_info=2s", "seconds like"),
            ("reset,silent", "exclude"),
            ("delay_ms=-1", "whole number"),
        ] {
            let err = Script::parse(bad).unwrap_err();
            assert!(err.message().contains(needle), "{bad}: {err}");
        }
    }
}
