//! Config loading and validation: defaults, path errors, API keys kept out of every output.

use std::collections::BTreeMap;

use super::*;
use crate::client::{Client, Secret};

const CONTRACT_EXAMPLE: &str = r#"{
  "providers": {
    "gemini":    {"kind": "gemini", "base_url": "https://generativelanguage.googleapis.com", "api_key_env": "GEMINI_API_KEY", "headers": {}},
    "openai":    {"kind": "openai", "base_url": "https://api.openai.com", "api_key_env": "OPENAI_API_KEY"},
    "anthropic": {"kind": "anthropic", "base_url": "https://api.anthropic.com", "api_key_env": "ANTHROPIC_API_KEY"}
  },
  "models": {
    "gemini-2.5-flash":      {"provider": "gemini", "id": "gemini-2.5-flash", "context_window": 1048576, "prefill": false, "stream": true},
    "gemini-2.5-pro":        {"provider": "gemini", "id": "gemini-2.5-pro", "context_window": 1048576},
    "gemini-2.5-flash-lite": {"provider": "gemini", "id": "gemini-2.5-flash-lite", "context_window": 1048576}
  },
  "fallbacks": {"gemini-2.5-pro": ["gemini-2.5-flash", "gemini-2.5-flash-lite"],
                "gemini-2.5-flash": ["gemini-2.5-flash-lite"]},
  "timeouts": {"connect_ms": 5000, "first_byte_ms": 15000, "first_token_ms": 30000,
               "stall_gap_ms": 10000, "total_ms": 90000},
  "retry": {"max_attempts": 3, "base_ms": 500, "cap_ms": 8000, "budget_ratio": 0.2, "budget_min_retries_per_s": 10},
  "reconnect": {"attempts": 1, "strategy": "restart"},
  "non_stream_fallback": true,
  "fail_over_on_payment_required": false,
  "breaker": {"consecutive_failures": 5, "failure_rate": 0.5, "window": 20, "min_calls": 10,
              "open_ms": 5000, "half_open_probes": 1},
  "strict": false
}"#;

fn err(json: &str) -> String {
    let e = ClientConfig::from_json(json).expect_err(json);
    assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{json}");
    e.message().to_owned()
}

fn local(extra: &str) -> String {
    format!(
        r#"{{"providers": {{"p": {{"kind": "openai", "base_url": "http://127.0.0.1:1"}}}},
            "models": {{"a": {{"provider": "p"}}, "b": {{"provider": "p", "context_window": 10}}}}
            {extra}}}"#
    )
}

#[test]
fn the_contract_example_loads() {
    let config = ClientConfig::from_json(CONTRACT_EXAMPLE).unwrap();
    assert_eq!(config.providers.len(), 3);
    assert_eq!(config.fallbacks["gemini-2.5-pro"].len(), 2);
    assert_eq!(config.timeouts, Timeouts::default());
    assert_eq!(config.retry, RetryPolicy::default());
    assert_eq!(config.breaker, BreakerPolicy::default());
    assert!(config.models["gemini-2.5-pro"].stream);
    assert_eq!(config.default_model, None);
}

#[test]
fn an_empty_document_is_the_runbook() {
    let config = ClientConfig::from_json("{}").unwrap();
    assert_eq!(config, ClientConfig::default());
    assert_eq!(config.timeouts.stall_gap_ms, 10_000);
    assert_eq!(config.reconnect.attempts, 1);
    assert!(config.non_stream_fallback);
    assert!(!config.fail_over_on_payment_required);
    assert_eq!(config.default_model.as_deref(), Some("gemini-2.5-flash"));
    assert_eq!(
        config.fallbacks["gemini-2.5-flash"],
        ["gemini-2.5-flash-lite"]
    );
}

#[test]
fn own_models_drop_the_runbook_routes() {
    let config = ClientConfig::from_json(&local("")).unwrap();
    assert!(config.fallbacks.is_empty());
    assert_eq!(config.default_model, None);
}

#[test]
fn errors_name_the_path_and_the_reason() {
    let cases: &[(String, &str)] = &[
        (
            local(r#", "timeouts": {"stall_gap_ms": 0}"#),
            "timeouts.stall_gap_ms: must be > 0 (got 0)",
        ),
        (
            local(r#", "timeouts": {"total_ms": -5}"#),
            "timeouts.total_ms: must be > 0 (got -5)",
        ),
        (
            local(r#", "timeouts": {"stall_gap": 5}"#),
            "timeouts.stall_gap: unknown field `stall_gap`",
        ),
        (
            local(r#", "fallbacks": {"a": ["b", "x"]}"#),
            r#"fallbacks.a[1]: unknown model "x""#,
        ),
        (local(r#", "fallbacks": {"a": []}"#), "fallbacks.a: an empty route"),
        (
            local(r#", "fallbacks": {"a": ["a"]}"#),
            r#"fallbacks.a[0]: "a" falls back to itself"#,
        ),
        (
            local(r#", "fallbacks": {"zz": ["a"]}"#),
            r#"fallbacks.zz: unknown model "zz""#,
        ),
        (
            local(r#", "default_model": "q""#),
            r#"default_model: unknown model "q""#,
        ),
        (
            local(r#", "reconnect": {"strategy": "resume"}"#),
            "reconnect.strategy: unknown variant `resume`",
        ),
        (
            local(r#", "retry": {"max_attempts": 0}"#),
            "retry.max_attempts: must be >= 1",
        ),
        (
            local(r#", "retry": {"base_ms": 100, "cap_ms": 50}"#),
            "retry.cap_ms: must be >= retry.base_ms (100)",
        ),
        (
            local(r#", "breaker": {"failure_rate": 1.5}"#),
            "breaker.failure_rate: must be in (0, 1]",
        ),
        (
            local(r#", "breaker": {"min_calls": 50}"#),
            "breaker.min_calls: must be between 1 and breaker.window (20)",
        ),
        (
            r#"{"providers": {"p": {"kind": "grok"}}, "models": {"a": {"provider": "p"}}}"#
                .into(),
            r#"providers.p.kind: unknown provider kind "grok""#,
        ),
        (
            r#"{"providers": {"p": {"kind": "openai", "base_url": "ftp://x"}}, "models": {"a": {"provider": "p"}}}"#.into(),
            "providers.p.base_url: must be an http:// or https:// URL",
        ),
        (
            r#"{"providers": {"p": {"kind": "openai", "headers": {"bad name": "x"}}}, "models": {"a": {"provider": "p"}}}"#.into(),
            r#"providers.p.headers: "bad name" is not a valid header name"#,
        ),
        (
            r#"{"providers": {"p": {"kind": "openai"}}, "models": {"a": {"provider": "q"}}}"#
                .into(),
            r#"models.a.provider: unknown provider "q""#,
        ),
        (
            r#"{"providers": {"p": {"kind": "openai"}}, "models": {}}"#.into(),
            "models: must name at least one model",
        ),
        (
            r#"{"providers": {}, "models": {"a": {"provider": "p"}}}"#.into(),
            "providers: must name at least one provider",
        ),
        (
            r#"{"providers": {"p": {"kind": "openai", "timeouts": {"stall_gap_ms": -1}}}, "models": {"a": {"provider": "p"}}}"#.into(),
            "providers.p.timeouts.stall_gap_ms: must be > 0 (got -1)",
        ),
        ("[1]".into(), "the configuration must be a JSON object"),
        ("  [{}]".into(), "must be a JSON object"),
        ("{} x".into(), "trailing characters"),
    ];
    for (json, expected) in cases {
        let message = err(json);
        assert!(
            message.contains(expected),
            "{json}\n  gave {message:?}\n  expected {expected:?}"
        );
    }
}

#[test]
fn programmatic_configs_are_validated_too() {
    let mut config = ClientConfig::default();
    config.timeouts.first_byte_ms = 0;
    let e = config.validate().unwrap_err();
    assert_eq!(e.message(), "timeouts.first_byte_ms: must be > 0");
}

#[test]
fn a_missing_key_variable_is_named_only_for_providers_in_use() {
    let json = r#"{"providers": {
        "used": {"kind": "openai", "api_key_env": "GENIE_TEST_SURELY_UNSET_1"},
        "idle": {"kind": "anthropic", "api_key_env": "GENIE_TEST_SURELY_UNSET_2"}},
      "models": {"a": {"provider": "used"}}}"#;
    let config = ClientConfig::from_json(json).unwrap();
    let e = Client::build(config.clone(), &BTreeMap::new(), |_| None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidConfig);
    assert_eq!(
        e.message(),
        "providers.used.api_key_env: environment variable GENIE_TEST_SURELY_UNSET_1 is not set"
    );
    // With the used provider's key present, the idle provider's missing key is fine.
    let client = Client::build(config.clone(), &BTreeMap::new(), |var| {
        (var == "GENIE_TEST_SURELY_UNSET_1").then(|| "k".to_owned())
    });
    assert!(client.is_ok());
    // An empty variable is as good as unset.
    let e = Client::build(config, &BTreeMap::new(), |_| Some(String::new())).unwrap_err();
    assert!(e.message().contains("GENIE_TEST_SURELY_UNSET_1 is not set"));
}

#[test]
fn keys_never_appear_in_debug_output() {
    const KEY: &str = "sk-genie-test-4f1d2c9e8b7a";
    let json = r#"{"providers": {
        "p": {"kind": "openai", "api_key_env": "GENIE_TEST_KEY_VAR", "headers": {"x-extra-auth": "sk-genie-test-4f1d2c9e8b7a"}}},
      "models": {"a": {"provider": "p"}}}"#;
    let config = ClientConfig::from_json(json).unwrap();
    assert!(!format!("{config:?}").contains(KEY));
    let client = Client::build(config.clone(), &BTreeMap::new(), |_| Some(KEY.to_owned())).unwrap();
    let client2 =
        Client::with_api_keys(config, BTreeMap::from([("p".to_owned(), Secret::new(KEY))]))
            .unwrap();
    for shown in [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{client2:?}"),
        format!("{:?}", client.inner.models["a"].provider.stream_headers),
        format!("{:?}", client.inner.models["a"].provider.key),
    ] {
        assert!(!shown.contains(KEY), "the key leaked: {shown}");
        assert!(
            !shown.contains("4f1d2c9e8b7a"),
            "part of the key leaked: {shown}"
        );
    }
}

#[test]
fn loads_from_a_value_and_a_file() {
    let value: serde_json::Value = serde_json::from_str(&local("")).unwrap();
    assert!(ClientConfig::from_value(value).is_ok());
    let dir = std::env::temp_dir().join(format!("genie-client-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("client.json");
    std::fs::write(&path, local(r#", "timeouts": {"connect_ms": 0}"#)).unwrap();
    let e = ClientConfig::from_path(&path).unwrap_err();
    assert!(e
        .message()
        .contains("timeouts.connect_ms: must be > 0 (got 0)"));
    assert!(e.message().contains("client.json"));
    let e = ClientConfig::from_path(&dir.join("missing.json")).unwrap_err();
    assert!(e.message().contains("cannot read"));
    std::fs::remove_dir_all(&dir).unwrap();
}
