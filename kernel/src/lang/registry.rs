//! The registry's types: what a callable receives (context and arguments), and the rows that
//! describe builtins, methods, properties, classes and modules. The tables are in
//! [`super::builtins`] and the xarray modules.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::error::{Exc, ExcKind, Res};
use super::signature::{Bound, Signature};
use super::value::Value;
use super::{Output, ProgressMode};
use nereus_engine::exec::{CancelToken, ExecConfig};

/// What a builtin may touch while it runs.
pub(crate) struct Ctx<'a> {
    pub(crate) out: &'a mut dyn Output,
    pub(crate) cancel: &'a CancelToken,
    /// Threads and memory budget for computations.
    pub(crate) config: ExecConfig,
    /// How computations show their progress (`%config progress=`).
    pub(crate) progress: ProgressMode,
    /// The interpreter, lent to builtins so they can call cell functions ([`Ctx::call`]).
    pub(crate) interp: Option<&'a mut super::Interpreter>,
}

impl Ctx<'_> {
    /// Calls `f` (a cell function, a builtin, a bound method) from inside a builtin, as
    /// `GroupBy.map(f)` and `apply_ufunc(f, ...)` do.
    pub(crate) fn call(&mut self, f: &Value, args: Args) -> Res<Value> {
        let Self {
            out,
            cancel,
            config,
            progress,
            interp,
        } = self;
        let Some(interp) = interp.as_deref_mut() else {
            return Err(Exc::new(
                ExcKind::RuntimeError,
                "cell functions cannot be called here",
            ));
        };
        let ctx = Ctx {
            out: &mut **out,
            cancel,
            config: *config,
            progress: *progress,
            interp: None,
        };
        super::eval::Machine::new(interp, ctx).call(f, args)
    }
}

/// Evaluated call arguments.
#[derive(Debug, Default)]
pub(crate) struct Args {
    pub(crate) pos: Vec<Value>,
    pub(crate) kw: Vec<(String, Value)>,
    /// What is being called, and whether as a method (the receiver first in `pos`).
    pub(crate) callee: Option<(&'static Builtin, bool)>,
}

impl Args {
    /// The arguments bound to the callee's declared signature ([`Signature::bind`]), with
    /// Python's errors for missing, surplus and repeated arguments.
    pub(crate) fn bind(self) -> Res<Bound> {
        let Some((b, method)) = self.callee else {
            return Err(Exc::type_error("arguments bound outside a call"));
        };
        let func = if method {
            format!("{}.{}", b.module, b.name)
        } else {
            b.name.to_owned()
        };
        b.parsed_signature().bind(&func, method, self)
    }

    /// Removes and returns keyword `name`.
    pub(crate) fn take_kw(&mut self, name: &str) -> Option<Value> {
        let i = self.kw.iter().position(|(k, _)| k == name)?;
        Some(self.kw.remove(i).1)
    }

    /// Splits off the receiver of a method call (always the first positional argument).
    pub(crate) fn receiver(mut self) -> (Value, Self) {
        let recv = if self.pos.is_empty() {
            Value::None
        } else {
            self.pos.remove(0)
        };
        (recv, self)
    }

    /// Moves the keywords among `params` (positional-or-keyword parameters, in order) into
    /// their positional places, as Python binds `round(number=1.5)`.
    pub(crate) fn positional(&mut self, func: &str, params: &[&str]) -> Res<()> {
        for (i, name) in params.iter().enumerate() {
            let Some(v) = self.take_kw(name) else {
                continue;
            };
            match self.pos.len() {
                n if n > i => {
                    return Err(Exc::type_error(format!(
                        "{func}() got multiple values for argument '{name}'"
                    )))
                }
                n if n < i => {
                    return Err(Exc::type_error(format!(
                        "{func}() missing 1 required positional argument: '{}'",
                        params[n]
                    )))
                }
                _ => self.pos.push(v),
            }
        }
        Ok(())
    }

    /// Checks the positional count is within `min..=max`.
    pub(crate) fn arity(&self, name: &str, min: usize, max: usize) -> Res<()> {
        let n = self.pos.len();
        if n >= min && n <= max {
            return Ok(());
        }
        let msg = if min == max {
            let what = if min == 1 {
                "exactly one argument".to_string()
            } else {
                format!("exactly {min} arguments")
            };
            format!("{name}() takes {what} ({n} given)")
        } else if n < min {
            format!(
                "{name} expected at least {min} argument{}, got {n}",
                if min == 1 { "" } else { "s" }
            )
        } else {
            format!(
                "{name}() takes at most {max} argument{} ({n} given)",
                if max == 1 { "" } else { "s" }
            )
        };
        Err(Exc::type_error(msg))
    }
}

/// A builtin's implementation.
pub(crate) type Func = fn(&mut Ctx<'_>, Args) -> Res<Value>;

/// One callable in the registry.
#[derive(Debug)]
pub(crate) struct Builtin {
    /// Its name, e.g. `sleep`.
    pub(crate) name: &'static str,
    /// The module it lives in, or "" for builtins.
    pub(crate) module: &'static str,
    /// Its Python signature, e.g. `sleep(secs, /)`: what help shows, and which keywords it
    /// accepts ([`Signature`]).
    pub(crate) signature: &'static str,
    /// One paragraph of documentation.
    pub(crate) doc: &'static str,
    pub(crate) func: Func,
}

impl Builtin {
    /// Its parsed signature.
    pub(crate) fn parsed_signature(&self) -> Rc<Signature> {
        // Parsed once per thread: a loop may call the same function a million times.
        thread_local! {
            static PARSED: RefCell<HashMap<(usize, usize), Rc<Signature>>> =
                RefCell::new(HashMap::new());
        }
        // Keyed by where the text lives and its length: the same text parses the same.
        let key = (self.signature.as_ptr() as usize, self.signature.len());
        PARSED.with(|cache| {
            Rc::clone(
                cache
                    .borrow_mut()
                    .entry(key)
                    .or_insert_with(|| Rc::new(Signature::parse(self.signature))),
            )
        })
    }

    /// `module.name` or `name`.
    pub(crate) fn qualname(&self) -> String {
        if self.module.is_empty() {
            self.name.to_string()
        } else {
            format!("{}.{}", self.module, self.name)
        }
    }
}

/// A non-callable attribute of a value, such as `DataArray.dims`.
#[derive(Debug)]
pub(crate) struct Property {
    pub(crate) name: &'static str,
    pub(crate) doc: &'static str,
    /// Whether reading it computes values (`.values`); completion and inspect never read those.
    pub(crate) computes: bool,
    pub(crate) get: fn(&mut Ctx<'_>, &Value) -> Res<Value>,
}

/// The methods and properties of a value type.
#[derive(Debug)]
pub(crate) struct Class {
    pub(crate) name: &'static str,
    pub(crate) methods: &'static [Builtin],
    pub(crate) properties: &'static [Property],
}

impl Class {
    /// A method by name.
    pub(crate) fn method(&self, name: &str) -> Option<&'static Builtin> {
        let methods: &'static [Builtin] = self.methods;
        methods.iter().find(|b| b.name == name)
    }

    /// A property by name.
    pub(crate) fn property(&self, name: &str) -> Option<&'static Property> {
        let props: &'static [Property] = self.properties;
        props.iter().find(|p| p.name == name)
    }

    /// Every method and property name, sorted.
    pub(crate) fn attr_names(&self) -> Vec<&'static str> {
        let mut v: Vec<_> = self
            .methods
            .iter()
            .map(|b| b.name)
            .chain(self.properties.iter().map(|p| p.name))
            .collect();
        v.sort_unstable();
        v
    }
}

/// A non-callable module attribute such as `sys.stdout`.
#[derive(Debug)]
pub(crate) struct Constant {
    pub(crate) name: &'static str,
    pub(crate) doc: &'static str,
    pub(crate) value: fn() -> Value,
}

/// A module that `import` accepts.
#[derive(Debug)]
pub(crate) struct Module {
    pub(crate) name: &'static str,
    pub(crate) doc: &'static str,
    pub(crate) functions: &'static [Builtin],
    pub(crate) constants: &'static [Constant],
    /// For a module Nereus runs only in part: why its other names are missing (they raise
    /// NotImplementedError rather than AttributeError).
    pub(crate) pending: Option<&'static str>,
}

impl Module {
    /// Looks up an attribute.
    pub(crate) fn attr(&'static self, name: &str) -> Option<Value> {
        if let Some(b) = self.functions.iter().find(|b| b.name == name) {
            return Some(Value::Builtin(b));
        }
        self.constants
            .iter()
            .find(|c| c.name == name)
            .map(|c| (c.value)())
    }

    /// Every attribute name, sorted.
    pub(crate) fn attr_names(&self) -> Vec<&'static str> {
        let mut v: Vec<_> = self
            .functions
            .iter()
            .map(|b| b.name)
            .chain(self.constants.iter().map(|c| c.name))
            .collect();
        v.sort_unstable();
        v
    }

    /// The AttributeError for a missing attribute, with a suggestion.
    pub(crate) fn no_attr(&self, name: &str) -> Exc {
        if let Some(why) = self.pending {
            return Exc::new(
                ExcKind::NotImplementedError,
                format!("{}.{name} is not supported: {why}", self.name),
            );
        }
        let hint = super::error::suggestion(name, self.attr_names());
        Exc::new(
            ExcKind::AttributeError,
            format!("module '{}' has no attribute '{name}'{hint}", self.name),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arity_messages_match_python() {
        let a = Args {
            pos: vec![Value::Int(1), Value::Int(2)],
            ..Args::default()
        };
        assert!(a
            .arity("len", 1, 1)
            .is_err_and(|e| e.msg == "len() takes exactly one argument (2 given)"));
        let a = Args::default();
        assert!(a
            .arity("min", 1, usize::MAX)
            .is_err_and(|e| e.msg == "min expected at least 1 argument, got 0"));
    }
}
