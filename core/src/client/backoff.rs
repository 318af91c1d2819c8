//! Retry pacing: full-jitter exponential backoff, and a client-wide retry budget so retries
//! stay a bounded share of traffic when a provider is failing for everyone (tower's budget: a
//! 10 s window, a floor of retries per second, plus a ratio of the calls made).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::RngExt;

use super::config::RetryPolicy;

/// The delay before retry number `retry` (0 for the first retry): uniform in
/// `[ceiling / 10, ceiling]` with `ceiling = min(cap, base · 2^retry)`. AWS's full jitter, with a
/// floor so a retry is never immediate however the dice fall.
pub(crate) fn backoff(policy: &RetryPolicy, retry: u32) -> Duration {
    let ceiling = ceiling_ms(policy, retry);
    let floor = ceiling / 10;
    let ms = if ceiling > floor {
        rand::rng().random_range(floor..=ceiling)
    } else {
        ceiling
    };
    Duration::from_millis(ms)
}

fn ceiling_ms(policy: &RetryPolicy, retry: u32) -> u64 {
    let factor = 1u64.checked_shl(retry.min(62)).unwrap_or(u64::MAX);
    policy.base_ms.saturating_mul(factor).min(policy.cap_ms)
}

/// How many one-second slots the budget remembers.
const SLOTS: usize = 10;

/// Retries allowed across a client: at most `min_per_s · 10 + ratio · calls` retries over the
/// last 10 s.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    ratio: f64,
    reserve: f64,
    start: Instant,
    window: Mutex<Window>,
}

#[derive(Debug, Default)]
struct Window {
    /// The second (since `start`) that `slots[newest]` counts.
    second: u64,
    newest: usize,
    /// (calls, retries) per second.
    slots: [(u64, u64); SLOTS],
}

impl Window {
    /// Moves the window forward to `now`, forgetting seconds that fell out of it.
    fn advance(&mut self, now: u64) {
        let steps = now.saturating_sub(self.second).min(SLOTS as u64);
        for _ in 0..steps {
            self.newest = (self.newest + 1) % SLOTS;
            self.slots[self.newest] = (0, 0);
        }
        self.second = self.second.max(now);
    }

    fn totals(&self) -> (u64, u64) {
        self.slots
            .iter()
            .fold((0, 0), |(c, r), &(calls, retries)| (c + calls, r + retries))
    }
}

impl RetryBudget {
    pub(crate) fn new(policy: &RetryPolicy) -> RetryBudget {
        RetryBudget {
            ratio: policy.budget_ratio,
            reserve: f64::from(policy.budget_min_retries_per_s) * SLOTS as f64,
            start: Instant::now(),
            window: Mutex::new(Window::default()),
        }
    }

    fn now(&self) -> u64 {
        self.start.elapsed().as_secs()
    }

    /// Records a call (its first attempt).
    pub(crate) fn deposit(&self) {
        let now = self.now();
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        window.advance(now);
        let newest = window.newest;
        window.slots[newest].0 += 1;
    }

    /// Takes one retry from the budget, if it has one.
    pub(crate) fn try_withdraw(&self) -> bool {
        let now = self.now();
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        window.advance(now);
        let (calls, retries) = window.totals();
        let allowed = self.reserve + self.ratio * calls as f64;
        if (retries + 1) as f64 > allowed {
            return false;
        }
        let newest = window.newest;
        window.slots[newest].1 += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_jittered_under_an_exponential_ceiling() {
        let policy = RetryPolicy {
            base_ms: 100,
            cap_ms: 1_000,
            ..RetryPolicy::default()
        };
        for (retry, ceiling) in [
            (0, 100),
            (1, 200),
            (2, 400),
            (3, 800),
            (4, 1_000),
            (60, 1_000),
        ] {
            let mut seen_low = false;
            let mut seen_high = false;
            for _ in 0..2_000 {
                let ms = backoff(&policy, retry).as_millis() as u64;
                assert!(ms >= ceiling / 10 && ms <= ceiling, "{retry}: {ms}");
                seen_low |= ms < ceiling / 2;
                seen_high |= ms > ceiling / 2;
            }
            assert!(seen_low && seen_high, "retry {retry} is not spread out");
        }
        assert_eq!(ceiling_ms(&policy, u32::MAX), 1_000);
    }

    #[test]
    fn budget_allows_the_reserve_plus_a_ratio_of_calls() {
        let policy = RetryPolicy {
            budget_ratio: 0.5,
            budget_min_retries_per_s: 1,
            ..RetryPolicy::default()
        };
        let budget = RetryBudget::new(&policy);
        // The reserve: 1 per second over 10 s.
        for _ in 0..10 {
            assert!(budget.try_withdraw());
        }
        assert!(!budget.try_withdraw());
        // Four calls add two retries.
        for _ in 0..4 {
            budget.deposit();
        }
        assert!(budget.try_withdraw());
        assert!(budget.try_withdraw());
        assert!(!budget.try_withdraw());
    }

    #[test]
    fn the_window_forgets_old_seconds() {
        let mut window = Window::default();
        window.slots[0] = (5, 5);
        window.advance(3);
        assert_eq!(window.totals(), (5, 5));
        window.advance(10);
        assert_eq!(window.totals(), (0, 0));
        window.advance(2); // time never runs backwards in the window
        assert_eq!(window.second, 10);
    }
}
