//! A fault-injecting mock LLM provider for genie's tests and demo.
//!
//! A real HTTP server on 127.0.0.1 that speaks the Gemini, OpenAI Chat Completions, OpenAI
//! Responses and Anthropic Messages wire formats, streams a deterministic canonical answer
//! ([`canonical_text`]), and injects the faults a fault script asks for (selected per request by
//! the `x-mock-fault` header, a script registered for the model, or the model name after `@`).
//! It records every attempt per model so tests can assert how often a model was tried.
//!
//! README.md beside this crate is the contract (endpoints, fault grammar, timings, control
//! endpoints); client tests in every language rely on it.
//!
//! ```no_run
//! # async fn demo() {
//! let mock = genie_mock_provider::MockProvider::start().await;
//! mock.set_fault("gemini-2.5-pro", "seq=stall_after=3,stall_ms=1500|ok").unwrap();
//! // ... point a client at mock.base_url() ...
//! assert_eq!(mock.attempts("gemini-2.5-pro"), 2);
//! # }
//! ```

mod body;
mod fault;
mod request;
mod respond;
mod server;
mod state;
mod wire;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::thread;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use fault::{ErrorVariant, FaultError, Flap, Script, Step};
pub use state::{AttemptRecord, ModelAttempts, RecordedRequest, LOG_CAP};
pub use wire::{canonical_text, output_tokens, Provider, DELTAS, DELTA_COUNT};

use state::State;

/// How to start a [`MockProvider`].
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Print one JSON line per attempt to stderr.
    pub verbose: bool,
}

/// A running mock provider. Dropping it stops the server and drops every open connection.
pub struct MockProvider {
    /// The address it listens on (127.0.0.1 and the bound port).
    pub addr: SocketAddr,
    state: Arc<State>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl MockProvider {
    /// Starts on a free port of 127.0.0.1, on the current tokio runtime.
    ///
    /// # Panics
    ///
    /// If no port can be bound (a test harness cannot proceed without it).
    pub async fn start() -> MockProvider {
        MockProvider::bind(Options::default())
            .await
            .unwrap_or_else(|e| panic!("genie-mock-provider: cannot bind 127.0.0.1:0: {e}"))
    }

    /// Starts with `options`, on the current tokio runtime.
    pub async fn bind(options: Options) -> io::Result<MockProvider> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, options.port)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new(options.verbose));
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(server::serve(listener, state.clone(), stopped));
        Ok(MockProvider {
            addr,
            state,
            stop: Some(stop),
            thread: None,
        })
    }

    /// Starts on a free port, on a thread with its own runtime: for synchronous tests and for
    /// benchmarks where the mock must not share the client's runtime.
    ///
    /// # Panics
    ///
    /// If the runtime cannot be built or no port can be bound.
    pub fn start_on_thread() -> MockProvider {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = thread::Builder::new()
            .name("genie-mock-provider".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                let runtime = match runtime {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let bound = async {
                        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
                        let addr = listener.local_addr()?;
                        io::Result::Ok((listener, addr))
                    };
                    match bound.await {
                        Ok((listener, addr)) => {
                            let state = Arc::new(State::new(false));
                            let (stop, stopped) = oneshot::channel();
                            let _ = ready_tx.send(Ok((addr, state.clone(), stop)));
                            server::serve(listener, state, stopped).await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })
            .unwrap_or_else(|e| panic!("genie-mock-provider: cannot spawn its thread: {e}"));
        match ready_rx.recv() {
            Ok(Ok((addr, state, stop))) => MockProvider {
                addr,
                state,
                stop: Some(stop),
                thread: Some(thread),
            },
            Ok(Err(e)) => panic!("genie-mock-provider: cannot start: {e}"),
            Err(_) => panic!("genie-mock-provider: its thread died while starting"),
        }
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash: the base URL for every provider.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests seen for `model` (the name as requested) since start or the last reset.
    pub fn attempts(&self, model: &str) -> usize {
        self.state.attempts(model)
    }

    /// The attempt log of `model` (the first [`LOG_CAP`] attempts), in attempt order.
    pub fn log(&self, model: &str) -> Vec<AttemptRecord> {
        self.state.log(model)
    }

    /// The last request for `model`, API keys redacted.
    pub fn last_request(&self, model: &str) -> Option<RecordedRequest> {
        self.state.last_request(model)
    }

    /// Forgets attempts, logs and last requests, and restarts the flap clock. Registered fault
    /// scripts stay.
    pub fn reset(&self) {
        self.state.reset();
    }

    /// Applies `script` to every request for `model` that has no `x-mock-fault` header.
    pub fn set_fault(&self, model: &str, script: &str) -> Result<(), FaultError> {
        self.state.set_script(model, Some(script))
    }

    /// Removes the script registered for `model`.
    pub fn clear_fault(&self, model: &str) {
        let _ = self.state.set_script(model, None);
    }

    /// Removes every registered script.
    pub fn clear_faults(&self) {
        self.state.clear_scripts();
    }
}

impl Drop for MockProvider {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for MockProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockProvider")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}
