//! Per-model circuit breakers: a model whose attempts keep failing is routed around for a
//! while, then probed, and let back in as soon as a probe succeeds.
//!
//! Closed, a breaker remembers the outcomes of the model's last `window` attempts and opens on
//! `consecutive_failures` failures in a row, or when at least `min_calls` are remembered and
//! `failure_rate` of them failed. Open, it turns attempts away for `open_ms`, then lets
//! `half_open_probes` attempts through: the first probe to succeed closes it, a failed one opens
//! it again for another `open_ms`. Each transition starts a new generation, and a permit only
//! counts in the generation it was issued in, so a slow attempt from before cannot reopen or
//! close a breaker that has moved on; a probe that ends without a verdict (the caller cancelled)
//! gives its slot back, so a breaker can never stay half-open with no probe running — the ways
//! flapping providers leave other breakers stuck.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::config::BreakerPolicy;

/// The breakers of every model of a client.
#[derive(Debug)]
pub(crate) struct Breakers {
    by_model: HashMap<String, Arc<Cell>>,
}

#[derive(Debug)]
struct Cell {
    policy: BreakerPolicy,
    state: Mutex<Breaker>,
}

#[derive(Debug)]
struct Breaker {
    state: State,
    generation: u64,
    /// Recent outcomes while closed, `true` for a failure.
    recent: VecDeque<bool>,
    consecutive: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Closed,
    Open { until: Instant },
    HalfOpen { probes: u32 },
}

/// What a breaker says to an attempt.
#[derive(Debug)]
pub(crate) enum Admission {
    /// Go ahead, and report how it went on the permit.
    Allowed(Permit),
    /// The circuit is open (or its probes are all out): route around the model.
    Open,
}

/// The right to one attempt; report its outcome with [`Permit::success`] or
/// [`Permit::failure`]. Dropped without a verdict, it counts for nothing.
#[derive(Debug)]
pub(crate) struct Permit {
    cell: Arc<Cell>,
    generation: u64,
    probe: bool,
    settled: bool,
}

impl Breakers {
    pub(crate) fn new<'a>(policy: BreakerPolicy, models: impl Iterator<Item = &'a String>) -> Self {
        let by_model = models
            .map(|model| {
                let cell = Cell {
                    policy,
                    state: Mutex::new(Breaker {
                        state: State::Closed,
                        generation: 0,
                        recent: VecDeque::with_capacity(policy.window as usize),
                        consecutive: 0,
                    }),
                };
                (model.clone(), Arc::new(cell))
            })
            .collect();
        Breakers { by_model }
    }

    /// Asks `model`'s breaker for an attempt. Every catalogue model has one; a name outside the
    /// catalogue (the route is checked before, so never in practice) is refused.
    pub(crate) fn admit(&self, model: &str) -> Admission {
        match self.by_model.get(model) {
            Some(cell) => cell.admit(Instant::now()),
            None => Admission::Open,
        }
    }

    /// Whether `model`'s circuit is open right now (for reports and tests).
    pub(crate) fn is_open(&self, model: &str) -> bool {
        self.by_model.get(model).is_some_and(|cell| {
            let breaker = cell.lock();
            match breaker.state {
                State::Open { until } => Instant::now() < until,
                State::HalfOpen { probes } => probes >= cell.policy.half_open_probes,
                State::Closed => false,
            }
        })
    }
}

impl Cell {
    fn lock(&self) -> MutexGuard<'_, Breaker> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn admit(self: &Arc<Self>, now: Instant) -> Admission {
        let mut b = self.lock();
        if let State::Open { until } = b.state {
            if now < until {
                return Admission::Open;
            }
            b.transition(State::HalfOpen { probes: 0 });
        }
        let probe = match &mut b.state {
            State::Closed => false,
            State::HalfOpen { probes } if *probes < self.policy.half_open_probes => {
                *probes += 1;
                true
            }
            _ => return Admission::Open,
        };
        Admission::Allowed(Permit {
            cell: Arc::clone(self),
            generation: b.generation,
            probe,
            settled: false,
        })
    }
}

impl Breaker {
    fn transition(&mut self, state: State) {
        self.state = state;
        self.generation += 1;
        self.recent.clear();
        self.consecutive = 0;
    }
}

impl Permit {
    /// The attempt showed the model healthy.
    pub(crate) fn success(mut self) {
        self.settle(false);
    }

    /// The attempt showed the model failing.
    pub(crate) fn failure(mut self) {
        self.settle(true);
    }

    fn settle(&mut self, failed: bool) {
        self.settled = true;
        let policy = self.cell.policy;
        let mut b = self.cell.lock();
        if b.generation != self.generation {
            return; // issued before the breaker moved on
        }
        match b.state {
            State::Closed => {
                if b.recent.len() == policy.window as usize {
                    b.recent.pop_front();
                }
                b.recent.push_back(failed);
                b.consecutive = if failed { b.consecutive + 1 } else { 0 };
                let failures = b.recent.iter().filter(|&&f| f).count();
                let calls = b.recent.len();
                let rate_trips = calls >= policy.min_calls as usize
                    && failures as f64 >= policy.failure_rate * calls as f64;
                if failed && (b.consecutive >= policy.consecutive_failures || rate_trips) {
                    b.transition(open(policy));
                }
            }
            State::HalfOpen { .. } if self.probe => {
                b.transition(if failed { open(policy) } else { State::Closed });
            }
            _ => {}
        }
    }
}

fn open(policy: BreakerPolicy) -> State {
    State::Open {
        until: Instant::now() + Duration::from_millis(policy.open_ms),
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if self.settled || !self.probe {
            return;
        }
        let mut b = self.cell.lock();
        if b.generation == self.generation {
            if let State::HalfOpen { probes } = &mut b.state {
                *probes = probes.saturating_sub(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breakers(policy: BreakerPolicy) -> Breakers {
        let models = ["m".to_owned()];
        Breakers::new(policy, models.iter())
    }

    fn permit(b: &Breakers) -> Permit {
        match b.admit("m") {
            Admission::Allowed(p) => p,
            Admission::Open => panic!("expected the breaker to allow an attempt"),
        }
    }

    fn policy() -> BreakerPolicy {
        BreakerPolicy {
            consecutive_failures: 3,
            failure_rate: 0.5,
            window: 10,
            min_calls: 6,
            open_ms: 40,
            half_open_probes: 1,
        }
    }

    #[test]
    fn opens_on_consecutive_failures_then_probes_and_closes() {
        let b = breakers(policy());
        for _ in 0..2 {
            permit(&b).failure();
        }
        permit(&b).success(); // resets the run
        for _ in 0..3 {
            permit(&b).failure();
        }
        assert!(b.is_open("m"));
        assert!(matches!(b.admit("m"), Admission::Open));
        std::thread::sleep(Duration::from_millis(50));
        let probe = permit(&b);
        // Only one probe at a time.
        assert!(matches!(b.admit("m"), Admission::Open));
        probe.success();
        assert!(!b.is_open("m"));
        permit(&b).success();
    }

    #[test]
    fn opens_on_the_failure_rate() {
        let b = breakers(policy());
        // Alternating: never 3 in a row, but 4 of 7 failed.
        for i in 0..7 {
            let p = permit(&b);
            if i % 2 == 0 {
                p.failure();
            } else {
                p.success();
            }
            if i < 6 {
                assert!(!b.is_open("m"), "opened after {} calls", i + 1);
            }
        }
        assert!(b.is_open("m"));
    }

    #[test]
    fn a_failed_probe_reopens_and_a_cancelled_probe_frees_its_slot() {
        let b = breakers(policy());
        for _ in 0..3 {
            permit(&b).failure();
        }
        std::thread::sleep(Duration::from_millis(50));
        permit(&b).failure(); // the probe failed: open again
        assert!(b.is_open("m"));
        std::thread::sleep(Duration::from_millis(50));
        drop(permit(&b)); // a probe the caller cancelled
        let probe = permit(&b); // the slot came back
        probe.success();
        assert!(!b.is_open("m"));
    }

    #[test]
    fn stale_permits_do_not_move_a_breaker_that_moved_on() {
        let b = breakers(policy());
        let slow = permit(&b); // issued while closed
        for _ in 0..3 {
            permit(&b).failure();
        }
        slow.success(); // from the old generation: must not close it
        assert!(b.is_open("m"));
        std::thread::sleep(Duration::from_millis(50));
        let slow_fail = permit(&b); // the probe
        slow_fail.success();
        let old = permit(&b);
        for _ in 0..2 {
            permit(&b).failure();
        }
        drop(old);
        assert!(!b.is_open("m"));
    }

    #[test]
    fn unknown_models_are_never_admitted() {
        let b = breakers(policy());
        assert!(matches!(b.admit("other"), Admission::Open));
    }
}
