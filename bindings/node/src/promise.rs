//! Promises made on the JS thread and settled from genie's runtime.
//!
//! A [`Pending`] wraps napi's `JsDeferred`: settling it from any thread queues a closure that
//! runs on the JS thread and makes the value (or the error) there, so result objects and
//! errors are built with the JS engine at hand. Its threadsafe function keeps the event loop
//! alive while the promise is pending, like any pending IO, and no longer.
//!
//! A `JsDeferred` dropped unsettled would leave its promise pending and the event loop alive
//! forever; a [`Pending`] dropped unsettled (a panic, a bug) rejects with `INTERNAL` instead.
//! A [`Hop`] is a promise nobody sees, used only to run code on the JS thread; it always
//! resolves, so it can never become an unhandled rejection.

use genie_core::{Error as CoreError, ErrorKind};
use napi::bindgen_prelude::{Object, PromiseRaw, ToNapiValue, Undefined, Unknown};
use napi::{sys, Env, JsDeferred, JsValue};

use crate::errors;

/// A JS value made in the current scope, handed to napi as is.
pub(crate) struct Raw(sys::napi_value);

impl From<sys::napi_value> for Raw {
    fn from(value: sys::napi_value) -> Self {
        Raw(value)
    }
}

impl ToNapiValue for Raw {
    unsafe fn to_napi_value(_env: sys::napi_env, value: Self) -> napi::Result<sys::napi_value> {
        Ok(value.0)
    }
}

type Resolver = Box<dyn FnOnce(Env) -> napi::Result<Raw> + Send>;
type Deferred = JsDeferred<Raw, Resolver>;

/// A promise the caller holds, settled from any thread.
pub(crate) struct Pending(Option<Deferred>);

impl Pending {
    /// A new promise and the handle that settles it.
    pub(crate) fn new(env: &Env) -> napi::Result<(Pending, Object<'_>)> {
        let (deferred, promise) = env.create_deferred::<Raw, Resolver>()?;
        Ok((Pending(Some(deferred)), promise))
    }

    /// Settles the promise with what `make` returns on the JS thread: it resolves with the
    /// value, or rejects with the error (a panic in `make` rejects with `INTERNAL`).
    pub(crate) fn settle(
        mut self,
        make: impl FnOnce(&Env) -> napi::Result<sys::napi_value> + Send + 'static,
    ) {
        if let Some(deferred) = self.0.take() {
            deferred.resolve(Box::new(move |env| {
                errors::guard(&env, || make(&env)).map(Raw)
            }));
        }
    }

    /// Rejects the promise with `error` (a JS value napi holds: it is rejected with as is).
    pub(crate) fn reject(mut self, error: napi::Error) {
        if let Some(deferred) = self.0.take() {
            deferred.reject(error);
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(deferred) = self.0.take() {
            deferred.resolve(Box::new(|env| {
                Err(errors::to_js(
                    &env,
                    &CoreError::new(
                        ErrorKind::Internal,
                        "the call ended without an outcome (a bug in genie; please report it)",
                    ),
                ))
            }));
        }
    }
}

/// A way onto the JS thread from any thread: an unseen promise whose settling runs a closure.
pub(crate) struct Hop(Option<Deferred>);

impl Hop {
    pub(crate) fn new(env: &Env) -> napi::Result<Hop> {
        let (deferred, _promise) = env.create_deferred::<Raw, Resolver>()?;
        Ok(Hop(Some(deferred)))
    }

    /// Runs `task` on the JS thread (a panic in it is caught and dropped: nobody awaits a hop,
    /// `task` reports its outcome itself).
    pub(crate) fn run(mut self, task: impl FnOnce(&Env) + Send + 'static) {
        if let Some(deferred) = self.0.take() {
            deferred.resolve(Box::new(move |env| {
                let _ = errors::guard(&env, || {
                    task(&env);
                    Ok(())
                });
                undefined(&env)
            }));
        }
    }
}

impl Drop for Hop {
    fn drop(&mut self) {
        if let Some(deferred) = self.0.take() {
            deferred.resolve(Box::new(|env| undefined(&env)));
        }
    }
}

fn undefined(env: &Env) -> napi::Result<Raw> {
    // SAFETY: `env` is the live environment of the JS thread this resolver runs on.
    unsafe { Undefined::to_napi_value(env.raw(), ()) }.map(Raw)
}

/// A promise already resolved with `value` (made in the current scope).
pub(crate) fn resolved(env: &Env, value: sys::napi_value) -> napi::Result<Unknown<'_>> {
    Ok(PromiseRaw::resolve(env, Raw(value))?.to_unknown())
}

/// A promise already rejected with `error`.
pub(crate) fn rejected(env: &Env, error: napi::Error) -> napi::Result<Unknown<'_>> {
    Ok(PromiseRaw::<Raw>::reject(env, error)?.to_unknown())
}
