//! One streaming call for JavaScript: the [`Driver`] task that owns the core's `CallStream` on
//! genie's runtime, and `CallStream`, the async iterator `client.stream()` returns.
//!
//! The core's stream is poll-driven: nothing happens unless it is polled, inside a tokio
//! runtime. From the first request for a [`Step`], the driver polls it continuously and reads
//! ahead into a queue of at most [`ROOM`] steps (then it waits: TCP backpressure), so a
//! `next()` usually finds its event there and returns a settled promise, with no hop through
//! the event loop; a request that finds nothing is answered by the task when the step comes.
//! The driver used to poll only on request, so each of a ten-delta answer's 13 events was such
//! a hop: 589–671 µs per answer with `for await` against the mock, 274–381 now, where
//! `complete()` takes 222–298 (`benches/client.js`, old and new build alternating).
//!
//! While it waits, and while it polls, the task also watches the call's [`Cancel`]:
//! `return()` (a `break` out of `for await`) or an aborted signal drops the stream at once,
//! which aborts its HTTP request, and drops what was read ahead. A stream nobody iterates
//! sends nothing. When the JS object is collected (the last [`Driver`] goes), the call is
//! cancelled, so an abandoned iterator frees its connection at the next garbage collection;
//! nothing here keeps the event loop alive except a pending `next()`.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use futures_util::{FutureExt, StreamExt};
use genie_core::client::{CallEvent as CoreEvent, CallStream as CoreStream};
use genie_core::Error as CoreError;
use napi::bindgen_prelude::{Object, ObjectFinalize, This, Unknown};
use napi::{sys, Env, JsValue};
use napi_derive::napi;
use tokio::sync::Notify;

use crate::abort::{self, Cancel, Watch, Why};
use crate::objects::Builder;
use crate::promise::{rejected, resolved, Pending};
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

/// Answers one request for a step: on genie's runtime when the step had to be waited for, on
/// the JS thread when it was already there.
pub(crate) type Reply = Box<dyn FnOnce(Step) + Send>;

/// How many steps the task reads ahead of JavaScript before it waits for some to be taken:
/// many network reads' worth, so a consumer keeping up never holds it back, and a bound, so a
/// slow one holds the connection back (TCP backpressure) instead of filling memory.
const ROOM: usize = 64;

/// The JS side's handle on a call's task. Clones share the task; when the last one goes, the
/// call is cancelled.
#[derive(Clone)]
pub(crate) struct Driver {
    shared: Arc<Shared>,
    cancel: Arc<Cancel>,
    _owner: Arc<Owner>,
}

/// What the task and JavaScript share.
struct Shared {
    queue: Mutex<Queue>,
    /// The first request starts the task: nothing is sent before.
    start: Notify,
    /// JavaScript made room in a full queue.
    room: Notify,
}

/// The steps read ahead, and who waits for what.
#[derive(Default)]
struct Queue {
    steps: VecDeque<Step>,
    /// Requests that found nothing, answered in order by the task with the next steps.
    waiting: VecDeque<Reply>,
    started: bool,
    /// The task waits for room.
    task_asleep: bool,
    /// The call's last step was handed to JavaScript: later requests get [`Step::End`].
    over: bool,
}

/// Cancels the call when the last [`Driver`] is gone (the JS object was collected).
struct Owner(Arc<Cancel>);

impl Drop for Owner {
    fn drop(&mut self) {
        self.0.trigger(Why::Returned);
    }
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
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            start: Notify::new(),
            room: Notify::new(),
        });
        runtime.spawn(drive(stream, Arc::clone(&cancel), Arc::clone(&shared)));
        Ok(Driver {
            shared,
            _owner: Arc::new(Owner(Arc::clone(&cancel))),
            cancel,
        })
    }

    /// The next step if it is there already (starting the call on the first request).
    pub(crate) fn take_now(&self) -> Option<Step> {
        let mut queue = self.shared.lock();
        self.take_locked(&mut queue)
    }

    /// Asks for the next step: `reply` gets it at once if it is there, else from the task.
    pub(crate) fn request(&self, reply: Reply) {
        let mut queue = self.shared.lock();
        match self.take_locked(&mut queue) {
            Some(step) => {
                drop(queue);
                reply(step);
            }
            None => queue.waiting.push_back(reply),
        }
    }

    fn take_locked(&self, queue: &mut Queue) -> Option<Step> {
        if !queue.waiting.is_empty() {
            // Earlier requests wait: this one is answered after them.
            return None;
        }
        if queue.over {
            return Some(Step::End);
        }
        if let Some(why) = self.cancel.get() {
            return Some(queue.stopped(why));
        }
        if let Some(step) = queue.steps.pop_front() {
            queue.over = step.is_last();
            if queue.task_asleep && queue.steps.len() < ROOM / 2 {
                queue.task_asleep = false;
                self.shared.room.notify_one();
            }
            return Some(step);
        }
        if !std::mem::replace(&mut queue.started, true) {
            self.shared.start.notify_one();
        }
        None
    }

    /// Stops the call for `why`.
    pub(crate) fn cancel(&self, why: Why) {
        self.cancel.trigger(why);
    }
}

impl Queue {
    /// The step a stopped call gives: `CANCELLED` once if its signal aborted it before its
    /// end, then [`Step::End`]. What was read ahead is dropped.
    fn stopped(&mut self, why: Why) -> Step {
        self.steps.clear();
        let was_over = std::mem::replace(&mut self.over, true);
        match why {
            Why::Aborted if !was_over => Step::Error(abort::cancelled()),
            _ => Step::End,
        }
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hands `step` to the first request waiting for it, or queues it; returns whether the
    /// queue is full. A stopped call's steps are dropped: requests get its stop instead.
    fn deliver(&self, step: Step, cancel: &Cancel) -> bool {
        let mut queue = self.lock();
        if let Some(why) = cancel.get() {
            drop(queue);
            self.answer_stopped(why);
            return false;
        }
        let Some(reply) = queue.waiting.pop_front() else {
            queue.steps.push_back(step);
            queue.task_asleep = queue.steps.len() >= ROOM;
            return queue.task_asleep;
        };
        queue.over = step.is_last();
        let ended = if queue.over {
            std::mem::take(&mut queue.waiting)
        } else {
            VecDeque::new()
        };
        drop(queue);
        reply(step);
        answer_ended(ended);
        false
    }

    /// Answers the waiting requests of a call stopped for `why`: the stop, then the end.
    fn answer_stopped(&self, why: Why) {
        let mut queue = self.lock();
        let Some(reply) = queue.waiting.pop_front() else {
            return;
        };
        let step = queue.stopped(why);
        let ended = std::mem::take(&mut queue.waiting);
        drop(queue);
        reply(step);
        answer_ended(ended);
    }
}

/// Answers requests made after the call's last step: the iterator is done.
fn answer_ended(waiting: VecDeque<Reply>) {
    for reply in waiting {
        reply(Step::End);
    }
}

/// genie's runtime, or the JS error saying why it cannot start.
pub(crate) fn runtime(env: &Env) -> napi::Result<&'static tokio::runtime::Runtime> {
    genie_core::client::runtime().map_err(|e| errors::to_js(env, &e))
}

/// The task of one call: from the first request, reads the call's steps ahead into the
/// queue until its last one, or until it is stopped.
async fn drive(stream: Result<CoreStream, CoreError>, cancel: Arc<Cancel>, shared: Arc<Shared>) {
    tokio::select! {
        biased;
        why = cancel.wait() => return shared.answer_stopped(why),
        () = shared.start.notified() => {}
    }
    let mut stream = match stream {
        Ok(stream) => stream,
        Err(error) => {
            shared.deliver(Step::Error(error), &cancel);
            return;
        }
    };
    loop {
        let polled = tokio::select! {
            biased;
            why = cancel.wait() => Err(why),
            item = AssertUnwindSafe(stream.next()).catch_unwind() => Ok(item),
        };
        let step = match polled {
            Err(why) => return shared.answer_stopped(why),
            Ok(Ok(None)) => Step::End,
            Ok(Ok(Some(Ok(event)))) => Step::Event(event),
            Ok(Ok(Some(Err(error)))) => Step::Error(error),
            Ok(Err(panic)) => Step::Error(errors::panicked(panic.as_ref())),
        };
        let last = step.is_last();
        if shared.deliver(step, &cancel) {
            tokio::select! {
                biased;
                why = cancel.wait() => return shared.answer_stopped(why),
                () = shared.room.notified() => {}
            }
        }
        if last {
            return;
        }
    }
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
///
/// Once started, the call reads ahead of the loop: events that arrive while it is busy wait in
/// the iterator (at most 64; beyond that the call stops reading the socket until the loop
/// catches up), and a `next()` that finds one returns an already settled promise.
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
    pub fn next<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        if let Some(step) = self.driver.take_now() {
            // Read ahead already: settled here, without a hop through the event loop.
            if step.is_last() {
                release(env, &self.watch);
            }
            return match iterator_result(env, step) {
                Ok(result) => resolved(env, result),
                Err(error) => rejected(env, error),
            };
        }
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
        Ok(promise.to_unknown())
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
