//! The HTTP plumbing: the accept loop, one hyper connection per socket (HTTP/1.1 and h2c), the
//! provider endpoints and the `/_mock/*` control endpoints.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::CONTENT_TYPE;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use crate::body::MockBody;
use crate::request::{self, query_value};
use crate::respond::{self, internal_error, Reply};
use crate::state::State;

/// Request bodies above this are refused (413): the mock must not buffer without bound.
const MAX_BODY: usize = 64 << 20;

/// Serves until `stop` fires (or its sender is dropped); then every connection is dropped.
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    mut stop: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => {
                    connections.spawn(connection(tcp, state.clone()));
                }
                // Out of file descriptors or similar: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = &mut stop => break,
        }
    }
}

/// A service error that makes hyper drop the connection without a response.
#[derive(Debug)]
struct ResetConnection;

impl fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("mock: reset")
    }
}

impl std::error::Error for ResetConnection {}

async fn connection(tcp: TcpStream, state: Arc<State>) {
    let _ = tcp.set_nodelay(true);
    // A second handle on the socket, so that `reset` can set SO_LINGER=0 while hyper owns the
    // stream: the close that follows the service error is then an RST, not a FIN.
    let handle = socket2::SockRef::from(&tcp).try_clone().ok().map(Arc::new);
    let service = service_fn(move |req| handle_request(req, state.clone(), handle.clone()));
    let _ = auto::Builder::new(TokioExecutor::new())
        .serve_connection(TokioIo::new(tcp), service)
        .await;
}

async fn handle_request(
    req: Request<Incoming>,
    state: Arc<State>,
    socket: Option<Arc<socket2::Socket>>,
) -> Result<Response<MockBody>, ResetConnection> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            let status = if e.is::<http_body_util::LengthLimitError>() {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::BAD_REQUEST
            };
            return Ok(plain(status, json!({"error": e.to_string()})));
        }
    };
    if let Some(rest) = path.strip_prefix("/_mock/") {
        return Ok(control(
            &state,
            &parts.method,
            rest,
            query.as_deref(),
            &body,
        ));
    }
    let Some((provider, gemini)) = request::route(&parts.method, &path) else {
        let message = format!("mock provider: no endpoint {} {path}", parts.method);
        return Ok(plain(StatusCode::NOT_FOUND, json!({"error": message})));
    };
    let api = request::read(
        provider,
        gemini,
        &parts.method,
        &path,
        query.as_deref(),
        &parts.headers,
        &body,
    );
    match respond::answer(&state, api).await {
        Reply::Response(response) => Ok(response),
        Reply::Silent => std::future::pending().await,
        Reply::Reset => {
            if let Some(socket) = socket {
                let _ = socket.set_linger(Some(Duration::ZERO));
            }
            Err(ResetConnection)
        }
    }
}

fn plain(status: StatusCode, body: Value) -> Response<MockBody> {
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/json")
        .body(MockBody::full(body.to_string()))
        .unwrap_or_else(|e| internal_error(&e.to_string()))
}

/// `/_mock/*`: attempts, reset, fault scripts, last requests (README.md documents them).
fn control(
    state: &State,
    method: &Method,
    rest: &str,
    query: Option<&str>,
    body: &[u8],
) -> Response<MockBody> {
    let model = query_value(query, "model");
    match (method, rest) {
        (&Method::GET, "health") => plain(StatusCode::OK, json!({"ok": true})),
        (&Method::GET, "attempts") => match model {
            Some(model) => plain(
                StatusCode::OK,
                json!({"attempts": state.attempts(&model), "log": state.log(&model)}),
            ),
            None => plain(StatusCode::OK, json!(state.all_attempts())),
        },
        (&Method::POST, "reset") => {
            state.reset();
            plain(StatusCode::OK, json!({"ok": true}))
        }
        (&Method::GET, "last_request") => match model.and_then(|m| state.last_request(&m)) {
            Some(r) => plain(StatusCode::OK, json!(r)),
            None => plain(
                StatusCode::NOT_FOUND,
                json!({"error": "no request for that model"}),
            ),
        },
        (&Method::GET, "faults") => plain(StatusCode::OK, json!(state.scripts())),
        (&Method::DELETE, "faults") => {
            state.clear_scripts();
            plain(StatusCode::OK, json!({"ok": true}))
        }
        (&Method::POST, "fault") => {
            let parsed: Option<Value> = serde_json::from_slice(body).ok();
            let model = parsed
                .as_ref()
                .and_then(|v| v.get("model"))
                .and_then(Value::as_str);
            let fault = parsed.as_ref().and_then(|v| v.get("fault"));
            let (Some(model), Some(fault)) = (model, fault) else {
                return plain(
                    StatusCode::BAD_REQUEST,
                    json!({"error": "expected {\"model\": string, \"fault\": string | null}"}),
                );
            };
            let fault = match fault {
                Value::Null => None,
                Value::String(text) => Some(text.as_str()),
                _ => {
                    return plain(
                        StatusCode::BAD_REQUEST,
                        json!({"error": "`fault` must be a string or null"}),
                    )
                }
            };
            match state.set_script(model, fault) {
                Ok(()) => plain(StatusCode::OK, json!({"ok": true})),
                Err(e) => plain(StatusCode::BAD_REQUEST, json!({"error": e.to_string()})),
            }
        }
        _ => plain(
            StatusCode::NOT_FOUND,
            json!({"error": format!("mock provider: no control endpoint {method} /_mock/{rest}")}),
        ),
    }
}
