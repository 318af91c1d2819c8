//! Checks that some scenarios add to the common ones (outcome, attempts, provider counts,
//! resets, time): the wait before an attempt, the provider's error code, the error's message,
//! and whether each request the provider saw was streaming.

use genie_mock_provider::MockProvider;

use crate::call::CallRun;

/// The `waited_ms` of attempt `index` must fall in `[lo, hi]`.
pub fn waited(run: &CallRun, index: usize, lo: u64, hi: u64) -> Result<(), String> {
    let attempt = run
        .attempts()
        .get(index)
        .ok_or_else(|| format!("no attempt {}", index + 1))?;
    if (lo..=hi).contains(&attempt.waited_ms) {
        Ok(())
    } else {
        Err(format!(
            "attempt {} waited {} ms, expected {lo}..={hi} ms",
            index + 1,
            attempt.waited_ms
        ))
    }
}

pub fn first_error_code(run: &CallRun, expected: &str) -> Result<(), String> {
    match run.attempts().first().and_then(|a| a.error_code.as_deref()) {
        Some(code) if code == expected => Ok(()),
        other => Err(format!(
            "the first attempt's provider code is {other:?}, expected {expected:?}"
        )),
    }
}

pub fn message_contains(run: &CallRun, needle: &str) -> Result<(), String> {
    match run.error() {
        Some(e) if e.message().contains(needle) => Ok(()),
        Some(e) => Err(format!(
            "the error {:?} does not mention {needle:?}",
            e.message()
        )),
        None => Err("the call did not fail".into()),
    }
}

pub fn stream_flags(mock: &MockProvider, model: &str, expected: &[bool]) -> Result<(), String> {
    let flags: Vec<bool> = mock.log(model).iter().map(|a| a.stream).collect();
    if flags == expected {
        Ok(())
    } else {
        Err(format!(
            "{model}: stream flags {flags:?}, expected {expected:?}"
        ))
    }
}
