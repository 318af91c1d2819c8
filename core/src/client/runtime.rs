//! genie's own tokio runtime: the one every binding without a runtime of its own (C, Python's
//! sync API and its asyncio glue, Node) runs calls on, built on first use and kept for the life
//! of the process.
//!
//! One worker thread by default. A call waits on the network, and what it does when bytes
//! arrive (SSE and JSON decoding, a few microseconds per chunk) is far below one core even for
//! thousands of concurrent streams. A second worker does not add throughput there; it adds
//! wake-ups: tokio wakes an idle worker to look for work whenever a task is scheduled, so on
//! each network read a second thread wakes, finds nothing and parks again, taking CPU from the
//! caller's own threads. Measured through Python (`bench_client.py --calls 2000 --rounds 5`,
//! same build, alternating runs): a ten-delta streamed call read to `done` adds +0.077 to
//! +0.118 ms p50 over a raw socket with one worker, +0.132 to +0.156 with two, and the process
//! spends ~180 instead of ~240 µs of CPU per call. A service that decodes many busy streams at
//! once can ask for more workers with [`WORKER_THREADS_ENV`].

use std::sync::{Mutex, OnceLock};

use crate::{Error, ErrorKind, Result};

/// The environment variable that sets how many worker threads genie's runtime starts: a whole
/// number from 1 to 256 (`MAX_WORKER_THREADS`); 1 when unset. Read once, when the runtime starts
/// (the first client made).
pub const WORKER_THREADS_ENV: &str = "GENIE_WORKER_THREADS";

/// More workers than this is a typo, not a configuration.
const MAX_WORKER_THREADS: usize = 256;

/// The library's own tokio runtime, built on first use and shared by every binding that has
/// no runtime of its own: a multi-thread runtime with its worker threads named `genie-worker`
/// (one unless [`WORKER_THREADS_ENV`] says otherwise). Fails with `INVALID_CONFIG` when that
/// variable is set to anything but a whole number from 1 to 256, or [`super::SPIN_ENV`] (how
/// blocked threads wait, [`super::BlockingWait`]) to anything but 0 to 10000, and with
/// `INTERNAL` when the threads cannot start.
pub fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    static BUILDING: Mutex<()> = Mutex::new(());
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime);
    }
    // One builder at a time: a second runtime built in a race would be dropped, and dropping a
    // runtime inside another one's async context panics.
    let _building = BUILDING.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime);
    }
    let workers = worker_threads(std::env::var_os(WORKER_THREADS_ENV).as_deref())?;
    super::handover::configure(workers)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("genie-worker")
        .enable_all()
        .build()
        .map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("cannot start genie's runtime: {e}"),
            )
        })?;
    Ok(RUNTIME.get_or_init(|| runtime))
}

/// How many workers the value of [`WORKER_THREADS_ENV`] asks for (`None`: unset).
fn worker_threads(value: Option<&std::ffi::OsStr>) -> Result<usize> {
    let Some(value) = value else { return Ok(1) };
    value
        .to_str()
        .and_then(|text| text.trim().parse::<usize>().ok())
        .filter(|n| (1..=MAX_WORKER_THREADS).contains(n))
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "{WORKER_THREADS_ENV}: must be a whole number of worker threads from 1 to \
                     {MAX_WORKER_THREADS}, got {:?}; unset it for the default (1)",
                    value.to_string_lossy()
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn unset_means_one_worker() {
        assert_eq!(worker_threads(None).ok(), Some(1));
    }

    #[test]
    fn a_whole_number_in_range_is_taken() {
        assert_eq!(worker_threads(Some(OsStr::new("4"))).ok(), Some(4));
        assert_eq!(worker_threads(Some(OsStr::new(" 2 "))).ok(), Some(2));
        assert_eq!(worker_threads(Some(OsStr::new("256"))).ok(), Some(256));
    }

    #[test]
    fn anything_else_is_an_invalid_config_naming_the_variable() {
        for bad in ["0", "-1", "257", "two", "", "1.5"] {
            let err = worker_threads(Some(OsStr::new(bad))).expect_err(bad);
            assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{bad}");
            assert!(err.message().contains("GENIE_WORKER_THREADS"), "{bad}");
            assert!(err.message().contains(&format!("{bad:?}")), "{bad}");
        }
    }
}
