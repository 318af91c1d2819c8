//! `Client`: genie's resilient LLM client (`genie_core::client`) for JavaScript — the three ways
//! to make a call (notes/client-api.md): `stream()`, an async iterator of events;
//! `streamEach()`, the same events handed to a callback; `complete()`, the outcome only.
//!
//! Every call runs on genie's own runtime (`genie_core::client::runtime()`), shared by every
//! client, worker thread and call of the process; JavaScript only ever waits on promises.
//! Argument errors (a request that is not a valid request document, a bad option) are thrown
//! synchronously; everything that happens once the call is made — including a model the config
//! does not know, and an aborted signal — rejects the call's promise.

use std::cell::RefCell;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::sync::Arc;

use futures_util::FutureExt;
use genie_core::client::{
    CallEvent as CoreEvent, CallSummary as CoreSummary, Client as CoreClient,
};
use genie_core::{Error as CoreError, ErrorKind};
use napi::bindgen_prelude::{
    FnArgs, FromNapiValue, Function, FunctionRef, JsObjectValue, Object, Unknown,
};
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;

use crate::abort::{self, Cancel, Watch, Why};
use crate::args::describe;
use crate::call_stream::{runtime, CallStream, Driver, Step};
use crate::client_config::{self, client_config};
use crate::objects::Builder;
use crate::promise::{rejected, Hop, Pending, Raw};
use crate::{call_values, errors};

/// A resilient LLM client: streams an answer from a route of models (the requested one, then
/// its fallbacks) and rescues what goes wrong on the way — retries 429s and 5xx with backoff
/// (honouring `Retry-After`), fails over from a silent provider, reconnects a stream that
/// stalls or is cut and then asks without streaming, routes around models whose circuit
/// breaker is open — within one deadline per call. A truncated answer is never reported as
/// complete, and text that has to be replaced is announced by a `reset` event first.
///
/// One client serves any number of concurrent calls (one connection pool, one set of circuit
/// breakers): make it once and share it. API keys are read from the environment variables the
/// config names when the client is made, and never appear in errors or events.
#[napi]
pub struct Client {
    inner: CoreClient,
}

#[napi]
impl Client {
    /// A client for `config`: a config object (keys in snake_case, as in a config file), JSON
    /// text (a string starting with `{`), the path of a JSON file, or `undefined`/`null` for
    /// the runbook's defaults (Gemini, reading `GEMINI_API_KEY`).
    ///
    /// @throws {Error} `code` `"INVALID_CONFIG"` with the path of the bad value in the message
    /// (`"timeouts.stall_gap_ms: must be > 0"`, `"providers.openai.api_key_env: environment
    /// variable OPENAI_API_KEY is not set"`), also for a file that cannot be read or a bad
    /// `GENIE_WORKER_THREADS` or `GENIE_BLOCKING_SPIN_US` (read when the first client starts
    /// genie's runtime; the second only matters to Python's and C's blocking calls);
    /// `"INVALID_ARGUMENT"` if `config` is none of the above.
    #[napi(constructor, ts_args_type = "config?: ClientConfig | string | null")]
    pub fn new(env: &Env, config: Option<Unknown<'_>>) -> napi::Result<Self> {
        let config = client_config(env, config)?;
        // The runtime starts here rather than on the first call, so that a bad
        // GENIE_WORKER_THREADS or GENIE_BLOCKING_SPIN_US fails at construction, with the other configuration problems.
        runtime(env)?;
        let inner = errors::guard(env, || Ok(CoreClient::new(config)))?
            .map_err(|e| errors::to_js(env, &e))?;
        Ok(Client { inner })
    }

    /// Starts a call and returns its events as an async iterator:
    ///
    /// ```js
    /// for await (const event of client.stream(request, { signal })) { ... }
    /// ```
    ///
    /// The last event is `done` with the summary; a call that cannot be served makes the loop
    /// throw the error instead. Nothing is sent until the iteration starts.
    ///
    /// @throws {Error} `code` `"INVALID_ARGUMENT"` (synchronously) if `request` is not a valid
    /// request (the message names the path of the bad value) or `options` is invalid.
    #[napi(ts_args_type = "request: CallRequest, options?: CallOptions | null")]
    pub fn stream(
        &self,
        env: &Env,
        request: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<CallStream> {
        let request = client_config::request(env, request)?;
        let call = Prepared::new(env, options)?;
        let stream = match call.aborted {
            true => Err(abort::cancelled()),
            false => Ok(self.inner.stream(request)),
        };
        let driver = Driver::spawn(env, stream, call.cancel)?;
        Ok(CallStream::new(driver, call.watch))
    }

    /// Makes a call and hands each event to `onEvent` as it happens, in order; resolves with
    /// the summary once `onEvent` has had the `done` event. If `onEvent` returns a promise,
    /// the next event waits for it (backpressure). If `onEvent` throws (or its promise
    /// rejects), the call is cancelled and the returned promise rejects with that error.
    ///
    /// @throws {Error} `code` `"INVALID_ARGUMENT"` (synchronously) if `request` is not a valid
    /// request, `onEvent` is not a function or `options` is invalid. The promise rejects with
    /// the call's error (`code`, `status`, `attempts`, `httpStatus`, `providerCode`,
    /// `retryAfterMs`), or `"CANCELLED"` when the signal aborts.
    #[napi(
        ts_args_type = "request: CallRequest, onEvent: (event: CallEvent) => void | Promise<void>, options?: CallOptions | null",
        ts_return_type = "Promise<CallSummary>"
    )]
    pub fn stream_each<'env>(
        &self,
        env: &'env Env,
        request: Unknown<'_>,
        on_event: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Unknown<'env>> {
        let request = client_config::request(env, request)?;
        if on_event.get_type()? != ValueType::Function {
            return Err(errors::invalid_argument(
                env,
                &format!("onEvent: expected a function, got {}", describe(&on_event)?),
            ));
        }
        let on_event = Function::<Raw, Unknown<'static>>::from_unknown(on_event)?.create_ref()?;
        let call = Prepared::new(env, options)?;
        if call.aborted {
            return rejected(env, errors::call_error(env, &abort::cancelled()));
        }
        let driver = Driver::spawn(env, Ok(self.inner.stream(request)), call.cancel)?;
        let (outcome, promise) = Pending::new(env)?;
        Each {
            driver,
            on_event,
            outcome,
            watch: call.watch,
        }
        .pump(env);
        Ok(promise.to_unknown())
    }

    /// Makes a call and resolves with its summary, the whole answer in `summary.text`. The same
    /// machinery as `stream()` (retries, reconnects, fail-overs), without the events.
    ///
    /// @throws {Error} `code` `"INVALID_ARGUMENT"` (synchronously) if `request` is not a valid
    /// request or `options` is invalid. The promise rejects with the call's error (`code`,
    /// `status`, `attempts`, `httpStatus`, `providerCode`, `retryAfterMs`), or `"CANCELLED"`
    /// when the signal aborts.
    #[napi(
        ts_args_type = "request: CallRequest, options?: CallOptions | null",
        ts_return_type = "Promise<CallSummary>"
    )]
    pub fn complete<'env>(
        &self,
        env: &'env Env,
        request: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Unknown<'env>> {
        let request = client_config::request(env, request)?;
        let call = Prepared::new(env, options)?;
        if call.aborted {
            return rejected(env, errors::call_error(env, &abort::cancelled()));
        }
        let runtime = runtime(env)?;
        let (pending, promise) = Pending::new(env)?;
        let client = self.inner.clone();
        let (cancel, watch) = (call.cancel, call.watch);
        runtime.spawn(async move {
            let outcome = tokio::select! {
                biased;
                _ = cancel.wait() => Err(abort::cancelled()),
                result = AssertUnwindSafe(client.complete(request)).catch_unwind() => {
                    result.unwrap_or_else(|panic| Err(errors::panicked(panic.as_ref())))
                }
            };
            pending.settle(move |env| {
                if let Some(watch) = watch {
                    watch.release(env);
                }
                match outcome {
                    Ok(summary) => call_values::summary(&mut Builder::new(env), &summary),
                    Err(error) => Err(errors::call_error(env, &error)),
                }
            });
        });
        Ok(promise.to_unknown())
    }
}

/// A call's cancellation, from its `options`.
struct Prepared {
    cancel: Arc<Cancel>,
    /// The signal's listener and the teardown hook; `None` for a call that does not start.
    watch: Option<Watch>,
    /// The signal was aborted before the call: it must not start.
    aborted: bool,
}

impl Prepared {
    fn new(env: &Env, options: Option<Unknown<'_>>) -> napi::Result<Prepared> {
        let cancel = Arc::new(Cancel::default());
        let signal = abort::signal(env, options)?;
        if let Some(signal) = &signal {
            if abort::is_aborted(signal)? {
                return Ok(Prepared {
                    cancel,
                    watch: None,
                    aborted: true,
                });
            }
        }
        let watch = Watch::new(env, signal.as_ref(), &cancel)?;
        Ok(Prepared {
            cancel,
            watch: Some(watch),
            aborted: false,
        })
    }
}

/// A `streamEach` call: its task, the callback, and the promise it returned. It moves between
/// genie's runtime (waiting for the next step) and the JS thread (handing it to `onEvent`).
struct Each {
    driver: Driver,
    on_event: FunctionRef<Raw, Unknown<'static>>,
    outcome: Pending,
    watch: Option<Watch>,
}

impl Each {
    /// Hands `onEvent` the steps the call read ahead, here on the JS thread, then asks for the
    /// next one, to be delivered on the JS thread when it comes.
    fn pump(mut self, env: &Env) {
        while let Some(step) = self.driver.take_now() {
            match self.deliver(env, step) {
                Some(each) => self = each,
                None => return,
            }
        }
        let hop = match Hop::new(env) {
            Ok(hop) => hop,
            Err(error) => return self.stop(env, error),
        };
        let driver = self.driver.clone();
        driver.request(Box::new(move |step| {
            hop.run(move |env| {
                if let Some(each) = self.deliver(env, step) {
                    each.pump(env);
                }
            });
        }));
    }

    /// Hands `step` to `onEvent`; returns the call if it goes on with the next step at once
    /// (else it ended, or waits for the promise `onEvent` returned).
    fn deliver(self, env: &Env, step: Step) -> Option<Each> {
        let event = match step {
            Step::Event(event) => event,
            Step::Error(error) => {
                let error = errors::call_error(env, &error);
                self.end(env, Err(error));
                return None;
            }
            Step::End => {
                let error = CoreError::new(
                    ErrorKind::Internal,
                    "the call ended without an outcome (a bug in genie; please report it)",
                );
                self.end(env, Err(errors::to_js(env, &error)));
                return None;
            }
        };
        let summary = match &event {
            CoreEvent::Done { summary } => Some(summary.clone()),
            _ => None,
        };
        let handed = call_values::event(&mut Builder::new(env), &event).and_then(|object| {
            let returned = self.on_event.borrow_back(env)?.call(Raw::from(object))?;
            then_of(returned).map(|then| then.map(|then| (returned, then)))
        });
        match handed {
            Err(thrown) => self.stop(env, thrown),
            Ok(None) => return self.after_event(env, summary),
            Ok(Some((promise, then))) => self.after(env, promise, then, summary),
        }
        None
    }

    /// After `onEvent` had an event: resolves after `done`, else gives the call back to go
    /// on.
    fn after_event(self, env: &Env, summary: Option<Box<CoreSummary>>) -> Option<Each> {
        match summary {
            Some(summary) => {
                self.end(env, Ok(summary));
                None
            }
            None => Some(self),
        }
    }

    /// Goes on after the promise `onEvent` returned was fulfilled.
    fn proceed(self, env: &Env, summary: Option<Box<CoreSummary>>) {
        if let Some(each) = self.after_event(env, summary) {
            each.pump(env);
        }
    }

    /// Waits for the promise `onEvent` returned before going on.
    fn after(
        self,
        env: &Env,
        promise: Unknown<'_>,
        then: Then<'_>,
        summary: Option<Box<CoreSummary>>,
    ) {
        // Whichever of the two callbacks runs first takes the call; they never throw (a throw
        // would reject a promise nobody handles).
        let slot = Rc::new(RefCell::new(Some((self, summary))));
        let fulfilled = {
            let slot = Rc::clone(&slot);
            env.create_function_from_closure::<(), (), _>("onFulfilled", move |ctx| {
                if let Some((each, summary)) = slot.borrow_mut().take() {
                    each.proceed(ctx.env, summary);
                }
                Ok(())
            })
        };
        let rejected = {
            let slot = Rc::clone(&slot);
            env.create_function_from_closure::<(), (), _>("onRejected", move |ctx| {
                if let Some((each, _)) = slot.borrow_mut().take() {
                    let reason = match ctx.length() {
                        0 => Err(napi::Error::from_reason(
                            "the promise onEvent returned rejected without a reason",
                        )),
                        _ => ctx.get::<Unknown<'_>>(0),
                    }
                    .map(napi::Error::from_unknown_without_coercion);
                    each.stop(ctx.env, reason.unwrap_or_else(|e| e));
                }
                Ok(())
            })
        };
        let chained = fulfilled.and_then(|fulfilled| {
            let rejected = rejected?;
            then.apply(
                promise,
                FnArgs::from((fulfilled.to_unknown(), rejected.to_unknown())),
            )
        });
        if let Err(error) = chained {
            if let Some((each, _)) = slot.borrow_mut().take() {
                each.stop(env, error);
            }
        }
    }

    /// Cancels the call and rejects with `error` (what `onEvent` threw, or why it could not
    /// be called).
    fn stop(self, env: &Env, error: napi::Error) {
        self.driver.cancel(Why::Returned);
        self.end(env, Err(error));
    }

    /// Settles the promise `streamEach` returned.
    fn end(self, env: &Env, outcome: Result<Box<CoreSummary>, napi::Error>) {
        let Each {
            outcome: pending,
            watch,
            ..
        } = self;
        if let Some(watch) = watch {
            watch.release(env);
        }
        match outcome {
            Ok(summary) => {
                pending.settle(move |env| call_values::summary(&mut Builder::new(env), &summary))
            }
            Err(error) => pending.reject(error),
        }
    }
}

/// A thenable's `then(onFulfilled, onRejected)`.
type Then<'env> = Function<'env, FnArgs<(Unknown<'env>, Unknown<'env>)>, Unknown<'env>>;

/// The `then` method of a thenable `value`, if it is one.
fn then_of(value: Unknown<'_>) -> napi::Result<Option<Then<'_>>> {
    if !matches!(value.get_type()?, ValueType::Object | ValueType::Function) {
        return Ok(None);
    }
    let then: Unknown<'_> = Object::from_unknown(value)?.get_named_property("then")?;
    if then.get_type()? != ValueType::Function {
        return Ok(None);
    }
    Ok(Some(Function::from_unknown(then)?))
}
