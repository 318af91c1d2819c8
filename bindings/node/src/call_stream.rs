//! One streaming call for JavaScript: the [`Driver`] task that owns the core's `CallStream` on
//! genie's runtime, and `CallStream`, the async iterator `client.stream()` returns.
//!
//! The core's stream is poll-driven: nothing happens unless it is polled, inside a tokio
//! runtime. Its driver is one task on genie's runtime that waits for requests for the next
//! [`Step`] (one per `next()`, answered in order) and polls the stream only to answer one, so
//! a consumer that stops asking stops the reading (TCP backpressure) and a stream nobody
//! iterates sends nothing. While it waits, and while it polls, it also watches the call's
//! [`Cancel`]: `return()` (a `break` out of `for await`) or an aborted signal drops the
//! stream at once, which aborts its HTTP request.
//!
//! The task ends when the JS object is collected (its request sender goes away), so an
//! abandoned iterator frees its connection at the next garbage collection; nothing here keeps
//! the event loop alive except a pending `next()`.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use futures_util::{FutureExt, StreamExt};
use genie_core::client::{CallEvent as CoreEvent, CallStream as CoreStream};
use genie_core::Error as CoreError;
use napi::bindgen_prelude::{Object, ObjectFinalize, This, Unknown};
use napi::{sys, Env};
use napi_derive::napi;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use crate::abort::{self, Cancel, Watch, Why};
use crate::objects::Builder;
use crate::promise::{resolved, Pending};
use crate::{call_values, errors};

/// What the next step of a call is.
pub(crate) enum Step {
    /// An event; `done` is the last.
    Event(CoreEvent),
    /// Nothing more: after `done`, after an error was reported, or after `return()`.
    End,
    /// The call failed (or was cancelled); reported once, then [`Step::End`].
    Error(CoreError),
}

/// Answers one request for a step, on genie's runtime.
pub(crate) type Reply = Box<dyn FnOnce(Step) + Send>;

/// The JS side's handle on a call's task.
#[derive(Clone)]
pub(crate) struct Driver {
    requests: UnboundedSender<Reply>,
    cancel: Arc<Cancel>,
}

impl Driver {
    /// Starts the task for `stream`, or, with `Err`, for a call that reports that error as its
    /// first step without starting (a signal aborted before the call).
    pub(crate) fn spawn(
        env: &Env,
        stream: Result<CoreStream, CoreError>,
        cancel: Arc<Cancel>,
    ) -> napi::Result<Driver> {
        let runtime = runtime(env)?;
        let (requests, inbox) = unbounded_channel();
        let (call, failure) = match stream {
            Ok(stream) => (Some(stream), None),
            Err(error) => (None, Some(error)),
        };
        runtime.spawn(drive(call, failure, Arc::clone(&cancel), inbox));
        Ok(Driver { requests, cancel })
    }

    /// Asks for the next step; `reply` gets it on genie's runtime, in request order.
    pub(crate) fn request(&self, reply: Reply) {
        if let Err(unsent) = self.requests.send(reply) {
            // The task is gone (it panicked outside the stream): the call is over.
            (unsent.0)(Step::Error(CoreError::new(
                genie_core::ErrorKind::Internal,
                "the call's task ended early (a bug in genie; please report it)",
            )));
        }
    }

    /// Stops the call for `why`.
    pub(crate) fn cancel(&self, why: Why) {
        self.cancel.trigger(why);
    }
}

/// genie's runtime, or the JS error saying why it cannot start.
pub(crate) fn runtime(env: &Env) -> napi::Result<&'static tokio::runtime::Runtime> {
    genie_core::client::runtime().map_err(|e| errors::to_js(env, &e))
}

/// The task of one call: answers requests for steps until its JS object is gone.
async fn drive(
    mut call: Option<CoreStream>,
    mut failure: Option<CoreError>,
    cancel: Arc<Cancel>,
    mut inbox: UnboundedReceiver<Reply>,
) {
    loop {
        let reply = tokio::select! {
            biased;
            why = cancel.wait(), if call.is_some() => {
                call = None;
                if why == Why::Aborted {
                    failure.get_or_insert_with(abort::cancelled);
                }
                continue;
            }
            reply = inbox.recv() => match reply {
                Some(reply) => reply,
                None => return,
            },
        };
        let step = next_step(&mut call, &mut failure, &cancel).await;
        reply(step);
    }
}

/// Polls the call for its next step; drops it after its last.
async fn next_step(
    call: &mut Option<CoreStream>,
    failure: &mut Option<CoreError>,
    cancel: &Cancel,
) -> Step {
    if let Some(error) = failure.take() {
        *call = None;
        return Step::Error(error);
    }
    let Some(stream) = call.as_mut() else {
        return Step::End;
    };
    let polled = tokio::select! {
        biased;
        why = cancel.wait() => Err(why),
        item = AssertUnwindSafe(stream.next()).catch_unwind() => Ok(item),
    };
    let step = match polled {
        Err(Why::Aborted) => Step::Error(abort::cancelled()),
        Err(Why::Returned) | Ok(Ok(None)) => Step::End,
        Ok(Ok(Some(Ok(event)))) => Step::Event(event),
        Ok(Ok(Some(Err(error)))) => Step::Error(error),
        Ok(Err(panic)) => Step::Error(errors::panicked(panic.as_ref())),
    };
    if step.is_last() {
        *call = None;
    }
    step
}

impl Step {
    /// Whether the call is over after this step.
    pub(crate) fn is_last(&self) -> bool {
        !matches!(self, Step::Event(event) if !matches!(event, CoreEvent::Done { .. }))
    }
}

/// The events of one call, as an async iterator: use it with `for await`, once. Each `next()`
/// resolves with the next `CallEvent`; the last is `done` (whose `summary.complete` is
/// always `true`), after which the iterator is finished. A call that cannot be served rejects
/// instead, with the error's `code` (`"STREAM_STALLED"`, `"RATE_LIMITED"`, ...), `status`,
/// `attempts`, `httpStatus`, `providerCode` and `retryAfterMs`; an aborted signal rejects
/// with `"CANCELLED"`.
///
/// Nothing is sent until the first `next()`. Leaving the loop early (`break`, `return`, a
/// throw) calls `return()`, which cancels the call and aborts its HTTP request at once; an
/// iterator dropped without either is cancelled when it is garbage-collected.
#[napi(custom_finalize)]
pub struct CallStream {
    driver: Driver,
    /// The call's signal listener and teardown hook; released when the call ends.
    watch: Arc<Mutex<Option<Watch>>>,
}

impl CallStream {
    pub(crate) fn new(driver: Driver, watch: Option<Watch>) -> CallStream {
        CallStream {
            driver,
            watch: Arc::new(Mutex::new(watch)),
        }
    }
}

impl ObjectFinalize for CallStream {
    /// Collected before its call ended: the task ends with it (its request sender goes), and
    /// so does the watch.
    fn finalize(self, env: Env) -> napi::Result<()> {
        release(&env, &self.watch);
        Ok(())
    }
}

#[napi]
impl CallStream {
    /// The next event: `{ value: event, done: false }`, then `{ value: undefined, done: true }`
    /// after `done`.
    #[napi(ts_return_type = "Promise<IteratorResult<CallEvent, undefined>>")]
    pub fn next<'env>(&self, env: &'env Env) -> napi::Result<Object<'env>> {
        let (pending, promise) = Pending::new(env)?;
        let watch = Arc::clone(&self.watch);
        self.driver.request(Box::new(move |step| {
            pending.settle(move |env| {
                if step.is_last() {
                    release(env, &watch);
                }
                iterator_result(env, step)
            });
        }));
        Ok(promise)
    }

    /// Ends the iteration early: cancels the call (its HTTP request is aborted) and resolves
    /// with `{ value: undefined, done: true }`. `for await` calls it when the loop is left
    /// early. A `next()` still pending resolves with `done: true`.
    #[napi(
        js_name = "return",
        ts_return_type = "Promise<IteratorReturnResult<undefined>>"
    )]
    pub fn close<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        self.driver.cancel(Why::Returned);
        release(env, &self.watch);
        resolved(env, iterator_object(env, None)?)
    }

    /// The iterator itself (it can be iterated once).
    #[napi(well_known_symbol = "asyncIterator", ts_return_type = "this")]
    pub fn iterator<'env>(&self, this: This<'env>) -> Object<'env> {
        this.object
    }
}

/// Releases the call's watch, if it was not already.
fn release(env: &Env, watch: &Mutex<Option<Watch>>) {
    let taken = watch.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(watch) = taken {
        watch.release(env);
    }
}

/// What `next()` settles with for `step`.
fn iterator_result(env: &Env, step: Step) -> napi::Result<sys::napi_value> {
    match step {
        Step::Event(event) => {
            let value = call_values::event(&mut Builder::new(env), &event)?;
            iterator_object(env, Some(value))
        }
        Step::End => iterator_object(env, None),
        Step::Error(error) => Err(errors::call_error(env, &error)),
    }
}

/// `{ value, done: false }`, or `{ value: undefined, done: true }` without a value.
fn iterator_object(env: &Env, value: Option<sys::napi_value>) -> napi::Result<sys::napi_value> {
    let mut js = Builder::new(env);
    let done = js.boolean(value.is_none())?;
    let value = match value {
        Some(value) => value,
        None => js.undefined()?,
    };
    js.object(&[("value", value), ("done", done)])
}
