//! The mock must never be the bottleneck of the client's concurrency test: 1,000 concurrent
//! streams (all four providers, some paced) through one HTTP client all complete.

mod common;

use std::time::{Duration, Instant};

use common::*;
use genie_mock_provider::{canonical_text, MockProvider};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_streams_complete() {
    let mock = MockProvider::start_on_thread();
    let base = mock.base_url();
    let client = reqwest::Client::new();
    let start = Instant::now();
    let tasks: Vec<_> = (0..1000)
        .map(|i| {
            let provider = ALL[i % 4];
            let mut req = Req::new(provider, &format!("load-{}", provider.name()), true);
            if i % 10 == 0 {
                req = req.fault("delay_ms=20");
            }
            let builder = req.builder(&client, &base);
            tokio::spawn(async move {
                let body = builder.send().await?.bytes().await?;
                Ok::<_, reqwest::Error>((provider, body))
            })
        })
        .collect();
    for task in tasks {
        let (provider, body) = task.await.unwrap().unwrap();
        let (_, summary) = decode(provider, &body);
        assert!(summary.complete, "{provider:?}");
        assert_eq!(summary.text, canonical_text());
    }
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}");
    let total: usize = ALL
        .iter()
        .map(|p| mock.attempts(&format!("load-{}", p.name())))
        .sum();
    assert_eq!(total, 1000);
}
