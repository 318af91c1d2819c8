//! What the server remembers: attempts and the last request per model, registered fault scripts,
//! the flap clock. Shared by the request handler, the control endpoints and the library API.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use serde::Serialize;
use serde_json::Value;

use crate::fault::{FaultError, Script};
use crate::wire::Provider;

/// How many log entries are kept per model (the first ones; the count stays exact).
pub const LOG_CAP: usize = 1000;

/// One request the mock answered (or refused to), as recorded for a model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttemptRecord {
    /// 1-based attempt number for this model since start or the last reset.
    pub attempt: usize,
    /// Milliseconds since the server started or was last reset, when the request arrived.
    pub at_ms: u64,
    /// The wire format of the endpoint that was called.
    pub provider: Provider,
    /// Whether it was a streaming request.
    pub stream: bool,
    /// The fault step applied, as written (`"ok"` when none).
    pub fault: String,
    /// What the mock did: `"ok"`, `"status"`, `"flap_down"`, `"reset"`, `"silent"`,
    /// `"wrong_content_type"`, `"blocked_prompt"`, `"inband_error_status"`, `"bad_request"`.
    pub action: String,
    /// The HTTP status sent (`None` for `reset` and `silent`).
    pub status: Option<u16>,
    /// The `Last-Event-ID` request header, if any.
    pub last_event_id: Option<String>,
    /// Whether the request carried an API key where this provider expects one (never the value).
    pub api_key: bool,
}

/// The last request seen for a model, for tests that check how a client encodes requests.
/// API key values are replaced by `<redacted>`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecordedRequest {
    /// `POST`, ...
    pub method: String,
    /// The path as sent (percent-encoding kept).
    pub path: String,
    /// The query string (a `key=` parameter's value redacted), if any.
    pub query: Option<String>,
    /// Header names (lowercase) and values, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body as JSON, or as a string when it was not JSON.
    pub body: Value,
}

impl RecordedRequest {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct ModelState {
    attempts: usize,
    log: Vec<AttemptRecord>,
    last: Option<RecordedRequest>,
}

/// Per-model attempt counts and logs, as the control endpoint shows them.
#[derive(Clone, Debug, Serialize)]
pub struct ModelAttempts {
    /// Requests seen (exact).
    pub attempts: usize,
    /// The first [`LOG_CAP`] of them.
    pub log: Vec<AttemptRecord>,
}

pub(crate) struct State {
    epoch: Mutex<Instant>,
    models: Mutex<HashMap<String, ModelState>>,
    scripts: Mutex<HashMap<String, Script>>,
    serial: AtomicU64,
    pub verbose: bool,
}

/// Locks ignoring poisoning: the data stays consistent (every update is a single assignment or
/// push), and a panicking test thread must not take the mock down with it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    pub fn new(verbose: bool) -> State {
        State {
            epoch: Mutex::new(Instant::now()),
            models: Mutex::default(),
            scripts: Mutex::default(),
            serial: AtomicU64::new(1),
            verbose,
        }
    }

    /// Milliseconds since start or the last reset.
    pub fn elapsed_ms(&self) -> u64 {
        lock(&self.epoch).elapsed().as_millis() as u64
    }

    pub fn next_serial(&self) -> u64 {
        self.serial.fetch_add(1, Ordering::Relaxed)
    }

    /// Counts a new attempt for `model` and returns its 1-based number.
    pub fn begin_attempt(&self, model: &str, request: RecordedRequest) -> usize {
        let mut models = lock(&self.models);
        let entry = models.entry(model.to_owned()).or_default();
        entry.attempts += 1;
        entry.last = Some(request);
        entry.attempts
    }

    pub fn log_attempt(&self, model: &str, record: AttemptRecord) {
        if self.verbose {
            let line = serde_json::json!({"model": model, "attempt": &record});
            eprintln!("{line}");
        }
        let mut models = lock(&self.models);
        let log = &mut models.entry(model.to_owned()).or_default().log;
        if log.len() < LOG_CAP {
            // Concurrent attempts may finish deciding out of order: keep the log sorted.
            let at = log.partition_point(|r| r.attempt < record.attempt);
            log.insert(at, record);
        }
    }

    pub fn attempts(&self, model: &str) -> usize {
        lock(&self.models).get(model).map_or(0, |m| m.attempts)
    }

    pub fn log(&self, model: &str) -> Vec<AttemptRecord> {
        lock(&self.models)
            .get(model)
            .map_or_else(Vec::new, |m| m.log.clone())
    }

    pub fn last_request(&self, model: &str) -> Option<RecordedRequest> {
        lock(&self.models).get(model).and_then(|m| m.last.clone())
    }

    pub fn all_attempts(&self) -> BTreeMap<String, ModelAttempts> {
        lock(&self.models)
            .iter()
            .map(|(model, m)| {
                let v = ModelAttempts {
                    attempts: m.attempts,
                    log: m.log.clone(),
                };
                (model.clone(), v)
            })
            .collect()
    }

    pub fn set_script(&self, model: &str, script: Option<&str>) -> Result<(), FaultError> {
        let mut scripts = lock(&self.scripts);
        match script {
            Some(text) => {
                scripts.insert(model.to_owned(), Script::parse(text)?);
            }
            None => {
                scripts.remove(model);
            }
        }
        Ok(())
    }

    pub fn script(&self, model: &str) -> Option<Script> {
        lock(&self.scripts).get(model).cloned()
    }

    pub fn scripts(&self) -> BTreeMap<String, String> {
        lock(&self.scripts)
            .iter()
            .map(|(m, s)| (m.clone(), s.text().to_owned()))
            .collect()
    }

    /// Forgets attempts, logs and last requests, and restarts the flap clock. Registered
    /// scripts stay (see [`State::clear_scripts`]).
    pub fn reset(&self) {
        lock(&self.models).clear();
        *lock(&self.epoch) = Instant::now();
    }

    pub fn clear_scripts(&self) {
        lock(&self.scripts).clear();
    }
}
