//! Cancelling a call from JavaScript: the `{ signal }` option of `stream`, `streamEach` and
//! `complete` (an `AbortSignal`), and the [`Cancel`] token the call's task on genie's runtime
//! watches. An abort drops the call (and with it the HTTP request: the connection closes at
//! once) and rejects what is pending with `CANCELLED`.
//!
//! The signal is read as any object with a boolean `aborted` and `addEventListener` /
//! `removeEventListener` methods, so signals from other realms (a `vm` context) work too. The
//! `abort` listener is removed again when the call ends, so one long-lived signal can serve
//! any number of calls without piling up listeners. A call is also cancelled when its JS
//! environment tears down ([`Watch`]).

use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;

use genie_core::{Error as CoreError, ErrorKind};
use napi::bindgen_prelude::{
    FnArgs, FromNapiValue, Function, FunctionRef, JsObjectValue, Object, Unknown,
};
use napi::{sys, Env, JsValue, ValueType};
use napi_derive::napi;
use tokio::sync::Notify;

use crate::args::{describe, reject_unknown_keys};
use crate::errors;

/// The options of a call.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CallOptions {
    /// Aborting it cancels the call: the HTTP request is aborted and the pending promise
    /// rejects with `code` `"CANCELLED"` (at once, if it is already aborted).
    #[napi(ts_type = "AbortSignal | null")]
    pub signal: Option<String>,
}

/// Why a call was stopped from JavaScript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Why {
    /// The caller is done with it (`return()` on the iterator, a throwing callback): it ends
    /// quietly.
    Returned,
    /// Its `AbortSignal` was aborted: it ends with `CANCELLED`.
    Aborted,
}

/// A one-way switch from running to stopped, set on the JS thread and awaited on genie's
/// runtime. The first reason set wins.
#[derive(Debug, Default)]
pub(crate) struct Cancel {
    /// 0 while running, else `Why` as 1 or 2.
    state: AtomicU8,
    notify: Notify,
}

impl Cancel {
    /// Stops the call for `why`, unless it was stopped already.
    pub(crate) fn trigger(&self, why: Why) {
        let code = match why {
            Why::Returned => 1,
            Why::Aborted => 2,
        };
        if self
            .state
            .compare_exchange(0, code, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            self.notify.notify_waiters();
        }
    }

    /// Why the call was stopped, if it was.
    pub(crate) fn get(&self) -> Option<Why> {
        match self.state.load(Ordering::Acquire) {
            0 => None,
            1 => Some(Why::Returned),
            _ => Some(Why::Aborted),
        }
    }

    /// Waits until the call is stopped.
    pub(crate) async fn wait(&self) -> Why {
        loop {
            // Registered before the check, so a trigger between the two still wakes us.
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(why) = self.get() {
                return why;
            }
            notified.await;
        }
    }
}

/// The error of a call whose signal was aborted.
pub(crate) fn cancelled() -> CoreError {
    CoreError::new(
        ErrorKind::Cancelled,
        "the call was cancelled: its AbortSignal was aborted",
    )
}

/// The signal of an `options` argument (`undefined`, `null` or `{ signal }`), checked.
pub(crate) fn signal<'env>(
    env: &Env,
    options: Option<Unknown<'env>>,
) -> napi::Result<Option<Object<'env>>> {
    let Some(options) = options else {
        return Ok(None);
    };
    match options.get_type()? {
        ValueType::Undefined | ValueType::Null => return Ok(None),
        ValueType::Object if !options.is_array()? => {}
        _ => {
            return Err(errors::invalid_argument(
                env,
                &format!(
                    "options: expected an object like {{ signal }}, got {}",
                    describe(&options)?
                ),
            ))
        }
    }
    let options = Object::from_unknown(options)?;
    reject_unknown_keys(env, "options", &options, &["signal"])?;
    let signal: Unknown<'env> = options.get_named_property("signal")?;
    if matches!(signal.get_type()?, ValueType::Undefined | ValueType::Null) {
        return Ok(None);
    }
    if signal.get_type()? == ValueType::Object {
        let object = Object::from_unknown(signal)?;
        let aborted: Unknown<'_> = object.get_named_property("aborted")?;
        let add: Unknown<'_> = object.get_named_property("addEventListener")?;
        let remove: Unknown<'_> = object.get_named_property("removeEventListener")?;
        if aborted.get_type()? == ValueType::Boolean
            && add.get_type()? == ValueType::Function
            && remove.get_type()? == ValueType::Function
        {
            return Ok(Some(object));
        }
    }
    Err(errors::invalid_argument(
        env,
        &format!(
            "options.signal: expected an AbortSignal (new AbortController().signal), got {}",
            describe(&signal)?
        ),
    ))
}

/// Whether `signal` is aborted now.
pub(crate) fn is_aborted(signal: &Object<'_>) -> napi::Result<bool> {
    let aborted: Unknown<'_> = signal.get_named_property("aborted")?;
    Ok(aborted.get_type()? == ValueType::Boolean && bool::from_unknown(aborted)?)
}

/// What stops a call from the JS side besides its own caller: the `abort` listener on its
/// signal, and a hook on the JS environment's teardown (a worker thread terminated, or exiting,
/// mid-call: its calls are cancelled, closing their connections, instead of running on for
/// nobody). Released on the JS thread when the call ends; dropping it instead (on any thread)
/// leaves both in place, holding nothing of the call but its [`Cancel`].
pub(crate) struct Watch {
    unhook: Option<Unhook>,
    teardown: Teardown,
}

impl Watch {
    /// Watches `signal` (if any) and the environment's teardown for `cancel`'s call.
    pub(crate) fn new(
        env: &Env,
        signal: Option<&Object<'_>>,
        cancel: &Arc<Cancel>,
    ) -> napi::Result<Watch> {
        let unhook = match signal {
            Some(signal) => {
                let cancel = Arc::clone(cancel);
                Some(listen(env, signal, move || cancel.trigger(Why::Aborted))?)
            }
            None => None,
        };
        let teardown = Teardown::register(env, cancel)?;
        Ok(Watch { unhook, teardown })
    }

    /// Removes the listener and the hook (on the JS thread).
    pub(crate) fn release(self, env: &Env) {
        if let Some(unhook) = self.unhook {
            unhook.run(env);
        }
        self.teardown.release(env);
    }
}

/// Removes a call's `abort` listener from its signal.
struct Unhook(FunctionRef<(), Unknown<'static>>);

impl Unhook {
    /// Removes the listener (on the JS thread). A signal whose `removeEventListener` throws
    /// keeps it; nothing more can be done about that.
    fn run(self, env: &Env) {
        if let Ok(remove) = self.0.borrow_back(env) {
            let _ = remove.call(());
        }
    }
}

/// `Function.prototype.bind` of `removeEventListener`, called with the signal, `"abort"` and
/// the listener.
type Bind<'env> = Function<
    'env,
    FnArgs<(Unknown<'env>, &'env str, Unknown<'env>)>,
    Function<'env, (), Unknown<'static>>,
>;

/// Calls `on_abort` (on the JS thread) when `signal` aborts, once; the [`Unhook`] removes the
/// listener.
fn listen(env: &Env, signal: &Object<'_>, on_abort: impl Fn() + 'static) -> napi::Result<Unhook> {
    let listener = env.create_function_from_closure::<(), (), _>("onAbort", move |_| {
        on_abort();
        Ok(())
    })?;
    let mut once = Object::new(env)?;
    once.set_named_property("once", true)?;
    let add: Function<'_, FnArgs<(&str, Unknown<'_>, Object<'_>)>, Unknown<'_>> =
        signal.get_named_property("addEventListener")?;
    add.apply(signal, FnArgs::from(("abort", listener.to_unknown(), once)))?;
    // `removeEventListener.bind(signal, "abort", listener)`: a function that removes exactly
    // this listener, safe to hold (and drop) from any thread.
    let remove: Unknown<'_> = signal.get_named_property("removeEventListener")?;
    let bind: Bind<'_> = Object::from_unknown(remove)?.get_named_property("bind")?;
    let unhook = bind.apply(
        remove,
        FnArgs::from((signal.to_unknown(), "abort", listener.to_unknown())),
    )?;
    Ok(Unhook(unhook.create_ref()?))
}

/// A call's hook on its environment's teardown.
///
/// The registration owns one strong count of the [`Hook`]; whichever of the hook running and
/// [`Teardown::release`] comes first (both on the JS thread) clears `registered` and gives
/// that count back, so it is given back exactly once.
struct Teardown(Arc<Hook>);

struct Hook {
    cancel: Arc<Cancel>,
    registered: AtomicBool,
}

impl Teardown {
    fn register(env: &Env, cancel: &Arc<Cancel>) -> napi::Result<Teardown> {
        let hook = Arc::new(Hook {
            cancel: Arc::clone(cancel),
            registered: AtomicBool::new(true),
        });
        let registration = Arc::into_raw(Arc::clone(&hook));
        // SAFETY: `env` is the live environment of the current call; `registration` is a
        // strong count of `hook` that stays valid until `on_teardown` or `release` takes it.
        let status = unsafe {
            sys::napi_add_env_cleanup_hook(
                env.raw(),
                Some(on_teardown),
                registration.cast_mut().cast(),
            )
        };
        if status != sys::Status::napi_ok {
            // SAFETY: the registration failed, so the count is still ours.
            drop(unsafe { Arc::from_raw(registration) });
            return Err(napi::Error::new(
                napi::Status::from(status),
                "failed to watch the environment's teardown",
            ));
        }
        Ok(Teardown(hook))
    }

    fn release(self, env: &Env) {
        if !self.0.registered.swap(false, Ordering::AcqRel) {
            return;
        }
        let registration = Arc::as_ptr(&self.0);
        // SAFETY: `env` is the live environment the hook was added to, on its JS thread; the
        // hook is still registered (`registered` was set), so removing it is valid.
        let status = unsafe {
            sys::napi_remove_env_cleanup_hook(
                env.raw(),
                Some(on_teardown),
                registration.cast_mut().cast(),
            )
        };
        if status == sys::Status::napi_ok {
            // SAFETY: the hook is removed and will not run: the registration's count is ours
            // to give back, and `self.0` holds another, so the `Hook` stays alive.
            unsafe { Arc::decrement_strong_count(registration) };
        }
    }
}

/// Runs when the environment tears down: cancels the call.
unsafe extern "C" fn on_teardown(registration: *mut c_void) {
    // SAFETY: `registration` is the strong count `Teardown::register` made for this hook.
    let hook = unsafe { Arc::from_raw(registration.cast_const().cast::<Hook>()) };
    if hook.registered.swap(false, Ordering::AcqRel) {
        hook.cancel.trigger(Why::Aborted);
    } else {
        // `release` came first but could not remove the hook: it did not give the count back
        // either, and leaking a few bytes beats giving it back twice.
        std::mem::forget(hook);
    }
}
