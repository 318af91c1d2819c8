//! reqwest plumbing: the one pooled HTTP client, sending a request with a deadline on its
//! response headers, and reading bodies (whole and bounded, or chunk by chunk) with deadlines.
//! What a timeout or a transport error means for the call is decided in `call.rs`.

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use tokio::time::{Instant, Sleep};

use super::config::Timeouts;
use crate::{Error, ErrorKind, Result};

/// The shared client: one connection pool for every call, thread and task. `TCP_NODELAY`
/// because every request is a small write awaiting an answer (Nagle would add up to 40 ms to
/// the first byte).
pub(crate) fn build_client(timeouts: &Timeouts) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_millis(timeouts.connect_ms))
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(90))
        .user_agent(concat!("genie/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("cannot build the HTTP client: {}", describe(&e)),
            )
        })
}

/// Why no response (or no chunk) arrived.
#[derive(Debug)]
pub(crate) enum Failed {
    /// The deadline passed first.
    Timeout,
    /// The transport failed.
    Transport(reqwest::Error),
}

/// Sends a POST and waits for its response headers until `until`.
pub(crate) async fn send(
    http: &reqwest::Client,
    url: &reqwest::Url,
    headers: HeaderMap,
    body: Bytes,
    until: Instant,
) -> std::result::Result<reqwest::Response, Failed> {
    let request = http.post(url.clone()).headers(headers).body(body);
    match tokio::time::timeout_at(until, request.send()).await {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(e)) => Err(Failed::Transport(e)),
        Err(_) => Err(Failed::Timeout),
    }
}

/// The next chunk of a body, or [`Failed::Timeout`] when `timer` fires first; `None` at the
/// end of the body. One timer serves a whole body: moving its deadline later
/// ([`Sleep::reset`]) updates it in place, where a fresh timeout per chunk would register and
/// remove a timer entry each time (~7,000 instructions of a ten-chunk call).
pub(crate) async fn chunk(
    response: &mut reqwest::Response,
    timer: Pin<&mut Sleep>,
) -> std::result::Result<Option<Bytes>, Failed> {
    tokio::select! {
        biased;
        chunk = response.chunk() => chunk.map_err(Failed::Transport),
        () = timer => Err(Failed::Timeout),
    }
}

/// A body read whole, or its first `max` bytes.
pub(crate) struct Body {
    pub bytes: Vec<u8>,
    /// More followed `max` bytes and was not read.
    pub truncated: bool,
}

/// Reads a body up to `max` bytes, until `until` at most.
pub(crate) async fn read_body(
    response: &mut reqwest::Response,
    max: usize,
    until: Instant,
) -> std::result::Result<Body, Failed> {
    let mut bytes = Vec::new();
    let timer = tokio::time::sleep_until(until);
    tokio::pin!(timer);
    while let Some(piece) = chunk(response, timer.as_mut()).await? {
        let room = max - bytes.len();
        if piece.len() > room {
            bytes.extend_from_slice(&piece[..room]);
            return Ok(Body {
                bytes,
                truncated: true,
            });
        }
        bytes.extend_from_slice(&piece);
    }
    Ok(Body {
        bytes,
        truncated: false,
    })
}

/// A transport error in words, with its causes and without the URL (which is known already
/// and could carry a query someone put a credential in).
pub(crate) fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_connect() {
        String::from("cannot connect")
    } else if error.is_body() || error.is_decode() {
        String::from("the response body failed")
    } else {
        String::from("the request failed")
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
