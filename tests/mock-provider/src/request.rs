//! Reading a provider request: which endpoint, which model, stream or not, whether an API key
//! came where the provider expects it. Bodies are read leniently (any JSON; unknown fields
//! ignored), but each field is read from the place the real provider reads it.

use hyper::header::HeaderMap;
use hyper::Method;
use serde_json::Value;

use crate::state::RecordedRequest;
use crate::wire::Provider;

/// A request to one of the provider endpoints.
#[derive(Debug)]
pub(crate) struct ApiRequest {
    pub provider: Provider,
    /// As requested: from the Gemini path (percent-decoded) or the body's `model`.
    pub model: String,
    pub stream: bool,
    /// Gemini streaming with `alt=sse` (without it the real API streams a JSON array).
    pub sse: bool,
    pub include_usage: bool,
    pub api_key: bool,
    pub last_event_id: Option<String>,
    pub fault_header: Option<String>,
    /// `max(1, body bytes / 4)`.
    pub input_tokens: u64,
    /// The body was not a JSON object, or the model was missing.
    pub bad_body: Option<String>,
    pub recorded: RecordedRequest,
}

/// Headers whose values are secrets: recorded as `<redacted>`.
const SECRET_HEADERS: &[&str] = &["x-api-key", "x-goog-api-key", "api-key", "cookie"];

/// Which provider endpoint `path` is, and for Gemini the model and whether it streams.
pub(crate) fn route(method: &Method, path: &str) -> Option<(Provider, Option<(String, bool)>)> {
    if method != Method::POST {
        return None;
    }
    match path {
        "/v1/chat/completions" => return Some((Provider::OpenAiChat, None)),
        "/v1/responses" => return Some((Provider::OpenAiResponses, None)),
        "/v1/messages" => return Some((Provider::Anthropic, None)),
        _ => {}
    }
    let rest = path
        .strip_prefix("/v1beta/models/")
        .or_else(|| path.strip_prefix("/v1/models/"))?;
    let (model, method) = rest.rsplit_once(':')?;
    let stream = match method {
        "streamGenerateContent" => true,
        "generateContent" => false,
        _ => return None,
    };
    Some((Provider::Gemini, Some((percent_decode(model), stream))))
}

pub(crate) fn read(
    provider: Provider,
    gemini: Option<(String, bool)>,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiRequest {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let object = json.as_ref().filter(|v| v.is_object());
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let query_param = |name: &str| {
        query.into_iter().flat_map(|q| q.split('&')).find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k == name && !v.is_empty()).then_some(v)
        })
    };
    let api_key = match provider {
        Provider::Gemini => header("x-goog-api-key").is_some() || query_param("key").is_some(),
        Provider::OpenAiChat | Provider::OpenAiResponses => header("authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|k| !k.trim().is_empty()),
        Provider::Anthropic => header("x-api-key").is_some(),
    };
    let (model, stream, sse) = match gemini {
        Some((model, stream)) => (model, stream, query_param("alt") == Some("sse")),
        None => {
            let model = object
                .and_then(|o| o.get("model"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let stream = object.and_then(|o| o.get("stream")) == Some(&Value::Bool(true));
            (model, stream, stream)
        }
    };
    let include_usage = provider == Provider::OpenAiChat
        && object
            .and_then(|o| o.pointer("/stream_options/include_usage"))
            .and_then(Value::as_bool)
            == Some(true);
    let bad_body = if object.is_none() {
        Some("the request body is not a JSON object".to_owned())
    } else if model.is_empty() {
        Some("the request names no model".to_owned())
    } else {
        None
    };
    let recorded = RecordedRequest {
        method: method.to_string(),
        path: path.to_owned(),
        query: query.map(redact_query),
        headers: headers
            .iter()
            .map(|(name, value)| {
                let name = name.as_str().to_owned();
                let value = redact_header(&name, value.to_str().unwrap_or("<non-ASCII>"));
                (name, value)
            })
            .collect(),
        body: json.unwrap_or_else(|| Value::String(String::from_utf8_lossy(body).into_owned())),
    };
    ApiRequest {
        provider,
        model,
        stream,
        sse,
        include_usage,
        api_key,
        last_event_id: header("last-event-id").map(str::to_owned),
        fault_header: header("x-mock-fault").map(str::to_owned),
        input_tokens: (body.len() as u64 / 4).max(1),
        bad_body,
        recorded,
    }
}

fn redact_header(name: &str, value: &str) -> String {
    if name == "authorization" {
        // Keep the scheme: tests check `Bearer` is used, never the key.
        return match value.split_once(' ') {
            Some((scheme, _)) => format!("{scheme} <redacted>"),
            None => "<redacted>".to_owned(),
        };
    }
    if SECRET_HEADERS.contains(&name) {
        return "<redacted>".to_owned();
    }
    value.to_owned()
}

fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some(("key", _)) => "key=<redacted>".to_owned(),
            _ => kv.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes `%XX` escapes (invalid ones are kept as written).
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A query parameter's value, percent-decoded.
pub(crate) fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (k == name).then(|| percent_decode(&v.replace('+', " ")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_gemini_paths() {
        let (p, g) = route(
            &Method::POST,
            "/v1beta/models/mock%40cut_after=2:streamGenerateContent",
        )
        .unwrap();
        assert_eq!(p, Provider::Gemini);
        assert_eq!(g, Some(("mock@cut_after=2".to_owned(), true)));
        assert!(route(&Method::GET, "/v1/messages").is_none());
        assert!(route(&Method::POST, "/v1beta/models/x:countTokens").is_none());
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("a%7Cb%2"), "a|b%2");
        assert_eq!(percent_decode("%e6%9d%b1"), "東");
    }
}
