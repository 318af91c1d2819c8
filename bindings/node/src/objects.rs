//! Building the plain JS objects the addon returns, fast.
//!
//! Creating events is most of the cost of `feed`. napi-rs's generated conversions define each
//! property by its UTF-8 name, which V8 looks up in its string table for every property of
//! every object; here each property name is made once per `feed` call and every object is made
//! with one `napi_define_properties` call. On the benchmark streams this is two to three times
//! faster than the generated conversions, and faster than `JSON.parse` of the same events.
//!
//! Defining data properties runs no JavaScript (unlike assigning them, which could reach a
//! setter on `Object.prototype`), so objects can be built while the parser still reads the
//! caller's buffer.

use napi::bindgen_prelude::{Array, Null, Object, ToNapiValue};
use napi::{sys, Env, JsValue};

/// Makes objects for one `feed` or `finish` call, with the property names made in it.
pub(crate) struct Builder<'env> {
    env: &'env Env,
    /// Property names (and other fixed strings) made so far in this call.
    names: Vec<(&'static str, sys::napi_value)>,
    descriptors: Vec<sys::napi_property_descriptor>,
}

impl<'env> Builder<'env> {
    pub(crate) fn new(env: &'env Env) -> Self {
        Builder {
            env,
            names: Vec::new(),
            descriptors: Vec::new(),
        }
    }

    /// A fixed string (a property name or a constant value), made once per call.
    pub(crate) fn name(&mut self, text: &'static str) -> napi::Result<sys::napi_value> {
        if let Some(&(_, value)) = self.names.iter().find(|(t, _)| *t == text) {
            return Ok(value);
        }
        let value = self.env.create_string(text)?.raw();
        self.names.push((text, value));
        Ok(value)
    }

    /// A JS string with `text`'s contents.
    pub(crate) fn string(&self, text: &str) -> napi::Result<sys::napi_value> {
        Ok(self.env.create_string(text)?.raw())
    }

    /// A JS string, or `null`.
    pub(crate) fn optional_string(&self, text: Option<&str>) -> napi::Result<sys::napi_value> {
        match text {
            Some(text) => self.string(text),
            None => self.null(),
        }
    }

    /// A JS number, or `null`.
    pub(crate) fn number(&self, value: Option<f64>) -> napi::Result<sys::napi_value> {
        match value {
            Some(value) => Ok(self.env.create_double(value)?.raw()),
            None => self.null(),
        }
    }

    pub(crate) fn boolean(&self, value: bool) -> napi::Result<sys::napi_value> {
        Ok(value.into_unknown(self.env)?.raw())
    }

    pub(crate) fn null(&self) -> napi::Result<sys::napi_value> {
        Ok(Null.into_unknown(self.env)?.raw())
    }

    pub(crate) fn undefined(&self) -> napi::Result<sys::napi_value> {
        Ok(().into_unknown(self.env)?.raw())
    }

    /// A new plain object with these data properties (writable, enumerable, configurable,
    /// like an object literal's), in this order.
    pub(crate) fn object(
        &mut self,
        fields: &[(&'static str, sys::napi_value)],
    ) -> napi::Result<sys::napi_value> {
        self.descriptors.clear();
        for &(name, value) in fields {
            let name = self.name(name)?;
            self.descriptors.push(data_property(name, value));
        }
        self.define(None)
    }

    /// Adds data properties whose names are JS strings the caller made (keys that are data,
    /// such as a redaction's placeholders) to `object`, an object made by [`Self::empty`].
    /// Defining them cannot reach a `__proto__` setter, whatever the key.
    pub(crate) fn define_keys(
        &mut self,
        object: sys::napi_value,
        fields: impl IntoIterator<Item = (sys::napi_value, sys::napi_value)>,
    ) -> napi::Result<()> {
        self.descriptors.clear();
        for (name, value) in fields {
            self.descriptors.push(data_property(name, value));
        }
        self.define(Some(object)).map(|_| ())
    }

    /// A new plain object without properties.
    pub(crate) fn empty(&self) -> napi::Result<sys::napi_value> {
        Ok(Object::new(self.env)?.raw())
    }

    /// Defines the properties in `self.descriptors` on `object`, a new object (made by
    /// [`Object::new`] when `None`).
    fn define(&mut self, object: Option<sys::napi_value>) -> napi::Result<sys::napi_value> {
        let object = match object {
            Some(object) => object,
            None => self.empty()?,
        };
        // SAFETY: `self.env` is the live environment of the current call; `object` and every
        // name and value in the descriptors were created in it during this call and are alive
        // (in its handle scope, or a nested scope still open); the descriptors are plain data
        // properties, with no callbacks or data pointers.
        let status = unsafe {
            sys::napi_define_properties(
                self.env.raw(),
                object,
                self.descriptors.len(),
                self.descriptors.as_ptr(),
            )
        };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::new(
                napi::Status::from(status),
                "failed to define the properties of a result object",
            ));
        }
        Ok(object)
    }

    /// A new array holding `values`, in order.
    pub(crate) fn array(&self, values: &[sys::napi_value]) -> napi::Result<Array<'env>> {
        let length = u32::try_from(values.len()).map_err(|_| {
            napi::Error::from_reason("more results than a JS array can hold (2^32 - 1)")
        })?;
        let mut array = self.env.create_array(length)?;
        for (index, &value) in (0..length).zip(values) {
            array.set(index, value)?;
        }
        Ok(array)
    }
}

/// A writable, enumerable, configurable data property, like an object literal's.
fn data_property(name: sys::napi_value, value: sys::napi_value) -> sys::napi_property_descriptor {
    sys::napi_property_descriptor {
        utf8name: std::ptr::null(),
        name,
        method: None,
        getter: None,
        setter: None,
        value,
        attributes: sys::PropertyAttributes::writable
            | sys::PropertyAttributes::enumerable
            | sys::PropertyAttributes::configurable,
        data: std::ptr::null_mut(),
    }
}
