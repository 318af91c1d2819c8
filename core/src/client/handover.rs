//! How a thread that blocks on a call (Python's `complete_sync` and `stream_sync`, C's
//! `genie_client_complete`) waits for the call's task on genie's runtime: it busy-waits briefly
//! before it sleeps, when that is likely to pay.
//!
//! A call's task hands its result over to the waiting thread. When that thread sleeps, the
//! hand-over is a wake-up, and on the virtual machines genie runs on a wake-up costs tens of
//! microseconds of wall time: a sleeping vCPU must be woken and the thread scheduled. Against a
//! fast provider (a model served on the same host or in the same rack, the mock provider) that
//! is a large share of a call. Measured through Python on a 2-core VM (`bench_client.py --calls
//! 2000 --rounds 5`, `GENIE_BLOCKING_SPIN_US=0` and the default alternating, two runs each): a
//! non-streaming call added +0.131 / +0.158 ms p50 over a raw socket when the thread slept,
//! +0.044 / +0.046 ms with the spin; a ten-delta `stream_sync` call +0.152 / +0.157 and
//! +0.084 / +0.095 ms. The process spent ~40 µs more CPU per non-streaming call, ~150 µs more per
//! streamed one.
//!
//! Spinning costs CPU, so it is bounded three ways:
//!
//! - **by time**: at most [`SPIN_ENV`] microseconds per wait (default [`DEFAULT_SPIN_US`]), then
//!   the thread sleeps as before;
//! - **by recent experience**: a thread spins only if its previous wait was short (within a few
//!   budgets). Against a remote provider, whose answers take milliseconds, one wait spins in vain
//!   and the thread then sleeps until a wait is short again, so a slow provider costs one
//!   budget of CPU, not one per wait;
//! - **by spare cores**: at most as many threads spin at once as the machine has cores beyond
//!   genie's workers (none on a single core), so spinning never takes the core the call's task
//!   needs. A spinning thread also yields its core to any other runnable thread between looks
//!   (a provider on the same host keeps its CPU).
//!
//! Node has no blocking API (its calls settle promises on the event loop), and C's
//! `genie_stream_next` drives its call on the calling thread, so neither has a hand-over to
//! spin on.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::{Error, ErrorKind, Result};

/// The environment variable that sets how long a thread blocked on a call busy-waits before it
/// sleeps, in microseconds: a whole number from 0 (never spin) to 10,000; read once,
/// when the first client starts genie's runtime.
pub const SPIN_ENV: &str = "GENIE_BLOCKING_SPIN_US";

/// The default spin budget: enough for a provider on the same host to answer a short call
/// (the mock answers a non-streaming call in ~100 µs), two orders of magnitude below any remote
/// provider's time to first byte.
pub const DEFAULT_SPIN_US: u64 = 200;

/// A wait counts as short, so that the thread's next wait spins, when it ended within this many
/// spin budgets. A wait much longer than the budget spun in vain; one a little longer (a slow
/// moment of a fast provider, or a sleeping wait that paid the wake-up) is worth another try.
/// Remote providers' waits are milliseconds and longer, far beyond this.
const SHORT_WAIT_BUDGETS: u32 = 4;

/// More than this is a typo, not a configuration: a longer spin only burns CPU.
const MAX_SPIN_US: u64 = 10_000;

/// The spin budget and how many threads may spin at once, fixed when the runtime starts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SpinPolicy {
    pub budget: Duration,
    pub max_spinners: usize,
    /// The threads spinning under this policy right now (the process's count, but for tests).
    pub spinners: &'static AtomicUsize,
}

static POLICY: OnceLock<SpinPolicy> = OnceLock::new();

/// Threads spinning right now, across the process.
static SPINNERS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Whether this thread's last wait was short (so the next may spin).
    static LAST_WAIT_SHORT: Cell<bool> = const { Cell::new(true) };
}

/// Reads [`SPIN_ENV`] and fixes the policy for the process; `workers` is the runtime's worker
/// count. Called once, when the runtime starts.
pub(crate) fn configure(workers: usize) -> Result<()> {
    let budget = spin_budget(std::env::var_os(SPIN_ENV).as_deref())?;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    POLICY.get_or_init(|| SpinPolicy {
        budget,
        max_spinners: cores.saturating_sub(workers),
        spinners: &SPINNERS,
    });
    Ok(())
}

/// The spin budget the value of [`SPIN_ENV`] asks for (`None`: unset).
fn spin_budget(value: Option<&std::ffi::OsStr>) -> Result<Duration> {
    let Some(value) = value else {
        return Ok(Duration::from_micros(DEFAULT_SPIN_US));
    };
    value
        .to_str()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .filter(|us| *us <= MAX_SPIN_US)
        .map(Duration::from_micros)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "{SPIN_ENV}: must be a whole number of microseconds from 0 (never spin) to \
                     {MAX_SPIN_US}, got {:?}; unset it for the default ({DEFAULT_SPIN_US})",
                    value.to_string_lossy()
                ),
            )
        })
}

/// One blocking wait for a call's task, on the thread that waits. Begin it when the wait
/// begins and drop it when the result is in: its length decides whether this thread's next
/// wait may spin.
#[derive(Debug)]
pub struct BlockingWait {
    started: Instant,
    policy: SpinPolicy,
}

impl BlockingWait {
    /// Begins a wait under the policy fixed when genie's runtime started (no spinning before
    /// that: nothing can be waited for yet).
    pub fn begin() -> BlockingWait {
        let policy = POLICY.get().copied().unwrap_or(SpinPolicy {
            budget: Duration::ZERO,
            max_spinners: 0,
            spinners: &SPINNERS,
        });
        BlockingWait::under(policy)
    }

    pub(crate) fn under(policy: SpinPolicy) -> BlockingWait {
        BlockingWait {
            started: Instant::now(),
            policy,
        }
    }

    /// Busy-waits for `ready` to give a value, looking between yields of the core, while the
    /// policy allows; `None` when it did not (the caller then sleeps). Call without holding
    /// anything the call's task needs (for Python: with the GIL released).
    pub fn spin<T>(&self, mut ready: impl FnMut() -> Option<T>) -> Option<T> {
        if self.policy.budget.is_zero() || !LAST_WAIT_SHORT.with(Cell::get) {
            return None;
        }
        let _slot = SpinSlot::take(self.policy.spinners, self.policy.max_spinners)?;
        loop {
            if let Some(value) = ready() {
                return Some(value);
            }
            if self.started.elapsed() >= self.policy.budget {
                return None;
            }
            std::thread::yield_now();
        }
    }
}

impl Drop for BlockingWait {
    fn drop(&mut self) {
        let short = self.started.elapsed() <= self.policy.budget * SHORT_WAIT_BUDGETS;
        LAST_WAIT_SHORT.with(|last| last.set(short));
    }
}

/// A place among the threads allowed to spin at once, given back when dropped.
struct SpinSlot(&'static AtomicUsize);

impl SpinSlot {
    fn take(spinners: &'static AtomicUsize, max: usize) -> Option<SpinSlot> {
        spinners
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| SpinSlot(spinners))
    }
}

impl Drop for SpinSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    /// A policy with its own spinner count, so tests running at once cannot take each
    /// other's places.
    fn policy(budget_us: u64, max_spinners: usize) -> SpinPolicy {
        SpinPolicy {
            budget: Duration::from_micros(budget_us),
            max_spinners,
            spinners: Box::leak(Box::new(AtomicUsize::new(0))),
        }
    }

    /// Makes this thread's next wait eligible to spin (its last one was short).
    fn after_a_short_wait() {
        drop(BlockingWait::under(policy(DEFAULT_SPIN_US, 1)));
    }

    #[test]
    fn unset_means_the_default_budget() {
        assert_eq!(
            spin_budget(None).ok(),
            Some(Duration::from_micros(DEFAULT_SPIN_US))
        );
    }

    #[test]
    fn a_whole_number_in_range_is_taken_and_zero_turns_spinning_off() {
        assert_eq!(
            spin_budget(Some(OsStr::new("0"))).ok(),
            Some(Duration::ZERO)
        );
        assert_eq!(
            spin_budget(Some(OsStr::new(" 50 "))).ok(),
            Some(Duration::from_micros(50))
        );
        assert_eq!(
            spin_budget(Some(OsStr::new("10000"))).ok(),
            Some(Duration::from_micros(10_000))
        );
    }

    #[test]
    fn anything_else_is_an_invalid_config_naming_the_variable() {
        for bad in ["-1", "10001", "fast", "", "1.5"] {
            let err = spin_budget(Some(OsStr::new(bad))).expect_err(bad);
            assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{bad}");
            assert!(err.message().contains(SPIN_ENV), "{bad}");
            assert!(err.message().contains(&format!("{bad:?}")), "{bad}");
        }
    }

    #[test]
    fn a_spin_returns_what_becomes_ready() {
        after_a_short_wait();
        let wait = BlockingWait::under(policy(100_000, 1));
        let mut looks = 0;
        let got = wait.spin(|| {
            looks += 1;
            (looks == 3).then_some("ready")
        });
        assert_eq!((got, looks), (Some("ready"), 3));
    }

    #[test]
    fn a_spin_gives_up_at_its_budget() {
        after_a_short_wait();
        let wait = BlockingWait::under(policy(2_000, 1));
        assert_eq!(wait.spin(|| None::<()>), None);
        assert!(wait.started.elapsed() >= Duration::from_micros(2_000));
    }

    #[test]
    fn after_a_long_wait_the_thread_sleeps_until_a_wait_is_short_again() {
        let long = BlockingWait::under(policy(1, 1));
        std::thread::sleep(Duration::from_micros(u64::from(SHORT_WAIT_BUDGETS) + 2_000));
        drop(long);
        let mut looked = false;
        let wait = BlockingWait::under(policy(100_000, 1));
        assert_eq!(
            wait.spin(|| {
                looked = true;
                Some(())
            }),
            None
        );
        assert!(!looked, "a thread whose last wait was long must not spin");
        drop(wait); // short: the next one spins again
        let wait = BlockingWait::under(policy(100_000, 1));
        assert_eq!(wait.spin(|| Some(7)), Some(7));
    }

    #[test]
    fn no_spare_core_means_no_spinning_and_zero_budget_too() {
        after_a_short_wait();
        let wait = BlockingWait::under(policy(100_000, 0));
        assert_eq!(wait.spin(|| Some(1)), None);
        drop(wait);
        let wait = BlockingWait::under(policy(0, 4));
        assert_eq!(wait.spin(|| Some(1)), None);
    }

    #[test]
    fn spinners_never_exceed_the_spare_cores() {
        // Hold the only place of a one-place policy while another thread tries to spin.
        after_a_short_wait();
        let one_place = policy(100_000, 1);
        let holder = BlockingWait::under(one_place);
        let (entered, release) = (std::sync::Barrier::new(2), std::sync::Barrier::new(2));
        std::thread::scope(|scope| {
            scope.spawn(|| {
                holder.spin(|| {
                    entered.wait();
                    release.wait();
                    Some(())
                })
            });
            entered.wait();
            after_a_short_wait();
            let other = BlockingWait::under(one_place);
            let spun = other.spin(|| Some(()));
            release.wait();
            assert_eq!(spun, None, "a second spinner took the only spare core");
        });
    }
}
