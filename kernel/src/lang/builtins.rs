//! The one registry of builtins and modules: the tables of builtin functions, dict methods and
//! importable modules, and lookups by name.
//!
//! Dispatch, completion, inspect, help and "did you mean" suggestions all read these tables
//! (their row types are in [`super::registry`]).

use super::dict;
use super::error::{Exc, ExcKind, Res};
use super::functions as f;
use super::iteration as it;
use super::registry::{Builtin, Class, Constant, Module};
use super::value::Value;
use super::xarray;
use super::Stream;

/// `dict` methods.
static DICT_METHODS: &[Builtin] = &[
    method!(
        "dict",
        "get",
        "get(key, default=None, /)",
        dict::get,
        "Returns the value for key if key is in the dictionary, else default (None)."
    ),
    method!(
        "dict",
        "keys",
        "keys()",
        dict::keys,
        "Returns the keys, in insertion order."
    ),
    method!(
        "dict",
        "values",
        "values()",
        dict::values,
        "Returns the values, in insertion order."
    ),
    method!(
        "dict",
        "items",
        "items()",
        dict::items,
        "Returns (key, value) pairs, in insertion order: `for k, v in d.items(): ...`."
    ),
];

/// The dict class (also attrs, encoding, sizes and xarray's mappings).
pub(crate) static DICT: Class = Class {
    name: "dict",
    methods: DICT_METHODS,
    properties: &[],
};

/// The registry class of a value, if it has methods or properties.
pub(crate) fn class_of(v: &Value) -> Option<&'static Class> {
    match v {
        Value::Dict(_) => Some(&DICT),
        Value::Str(_) => Some(&super::strings::STR),
        Value::Dt(_) => Some(&xarray::DT),
        Value::DataArray(_) => Some(&xarray::DATAARRAY),
        Value::Dataset(_) => Some(&xarray::DATASET),
        Value::NdArray(_) => Some(&xarray::NDARRAY),
        Value::GroupBy(_) => Some(&xarray::GROUPBY),
        Value::Rolling(_) => Some(&xarray::ROLLING),
        Value::Coarsen(_) => Some(&xarray::COARSEN),
        Value::Weighted(_) => Some(&xarray::WEIGHTED),
        Value::DatasetOp(d) => Some(d.class()),
        _ => None,
    }
}

/// The builtin functions, available without import.
pub(crate) static BUILTINS: &[Builtin] = &[
    method!("", "print", "print(*objects, sep=' ', end='\\n', file=sys.stdout, flush=False)", f::print,
        "Prints the objects to the stream `file` (sys.stdout or sys.stderr), separated by `sep` and followed by `end`. Non-string objects are converted with str()."),
    method!("", "display", "display(*objs, display_id=None)", f::display,
        "Shows each object as a rich output in the cell's output area. With `display_id`, the output can later be replaced in place by update_display(obj, display_id=...)."),
    method!("", "update_display", "update_display(obj, *, display_id)", f::update_display,
        "Replaces the output previously shown with display(..., display_id=display_id) by a display of `obj`."),
    method!("", "clear_output", "clear_output(wait=False)", f::clear_output,
        "Clears the cell's output area. With wait=True the clearing is delayed until new output arrives, which avoids flicker in animations."),
    method!("", "help", "help(request)", f::help,
        "Shows the signature and documentation of a function or module, or the type and value of any other object, in the pager. `obj?` does the same."),
    method!("", "len", "len(obj, /)", f::len,
        "Returns the number of items in a container: characters of a string, items of a list, tuple, range or dict, data variables of a Dataset, rows (the first dimension) of an array."),
    method!("", "range", "range(stop) / range(start, stop[, step])", f::range,
        "Returns an immutable sequence of integers from start (default 0) up to but not including stop, by step (default 1). Used in for loops."),
    method!("", "str", "str(object='')", f::str_,
        "Returns the informal string form of an object, as print() shows it."),
    method!("", "repr", "repr(obj, /)", f::repr,
        "Returns the canonical string form of an object, as the cell shows a trailing expression; strings get quotes."),
    method!("", "int", "int(x=0, /, base=10)", f::int,
        "Converts a number or string to an integer. Floats are truncated toward zero; strings are parsed in `base` (0 means: guess from a 0x/0o/0b prefix)."),
    method!("", "float", "float(x=0.0, /)", f::float,
        "Converts a number or a string such as '1.5', '1e-3', 'nan' or 'inf' to a floating-point number."),
    method!("", "bool", "bool(x=False, /)", f::bool_,
        "Returns True when x is true by Python's rules (non-zero numbers, non-empty containers), else False."),
    method!("", "list", "list(iterable=(), /)", f::list,
        "Builds a list from the items of an iterable (a list, tuple, range, string, dict keys, a Dataset's variable names, or an array's rows along its first dimension)."),
    method!("", "tuple", "tuple(iterable=(), /)", f::tuple,
        "Builds a tuple from the items of an iterable (a list, tuple, range or string)."),
    method!("", "dict", "dict(mapping_or_iterable=(), /, **kwargs)", f::dict_,
        "Builds a dict from a mapping, from (key, value) pairs, and from keyword arguments: dict(lat=0, lon=slice(0, 10)) is {'lat': 0, 'lon': slice(0, 10)}."),
    method!("", "abs", "abs(x, /)", f::abs,
        "Returns the absolute value of a number, or element-wise of an array or of each data variable of a Dataset (lazy for xarray objects)."),
    method!("", "round", "round(number, ndigits=None)", f::round,
        "Rounds a number to `ndigits` decimals with round-half-to-even. Without ndigits the result is an int; otherwise it has the type of `number`."),
    method!("", "min", "min(iterable, /, *, default=<unrepresentable>, key=None) / min(a, b, *args, key=None)", f::min,
        "Returns the smallest item of an iterable, or the smallest of two or more arguments."),
    method!("", "max", "max(iterable, /, *, default=<unrepresentable>, key=None) / max(a, b, *args, key=None)", f::max,
        "Returns the largest item of an iterable, or the largest of two or more arguments."),
    method!("", "sum", "sum(iterable, /, start=0)", f::sum,
        "Returns start plus the sum of the numbers in an iterable."),
    method!("", "sorted", "sorted(iterable, /, *, key=None, reverse=False)", f::sorted,
        "Returns a new sorted list of the items of an iterable, compared by key(item) if a key function is given; reverse=True sorts in descending order. The sort is stable."),
    method!("", "enumerate", "enumerate(iterable, start=0)", it::enumerate,
        "Pairs each item of an iterable with its index, counting from `start`: `for i, name in enumerate(names): ...`."),
    method!("", "zip", "zip(*iterables, strict=False)", it::zip,
        "Tuples of the items at the same position of each iterable, up to the shortest (with strict=True, unequal lengths raise ValueError)."),
    method!("", "map", "map(function, iterable, /, *iterables)", it::map,
        "Applies a function to each item (or to the items at each position of several iterables)."),
    method!("", "filter", "filter(function, iterable, /)", it::filter,
        "The items of an iterable for which the function returns a true value (with None: the true items)."),
    method!("", "any", "any(iterable, /)", it::any,
        "True if any item of the iterable is true."),
    method!("", "all", "all(iterable, /)", it::all,
        "True if every item of the iterable is true (also when it is empty)."),
    method!("", "reversed", "reversed(sequence, /)", it::reversed,
        "The items of a sequence in reverse order."),
    method!("", "isinstance", "isinstance(obj, class_or_tuple, /)", it::isinstance,
        "Whether an object is an instance of a class (int, float, str, list, dict, xr.DataArray, xr.Dataset, an exception class, ...) or of any class in a tuple."),
    method!("", "getattr", "getattr(object, name, default=<unrepresentable>, /)", it::getattr,
        "The attribute called `name` of an object (getattr(ds, 'sst') is ds.sst); with a default, that instead of an AttributeError."),
    method!("", "hasattr", "hasattr(obj, name, /)", it::hasattr,
        "Whether an object has the attribute called `name`."),
    method!("", "callable", "callable(obj, /)", it::callable,
        "Whether an object can be called (functions, methods, classes)."),
    method!("", "type", "type(object, /)", f::type_,
        "Returns the type of an object, e.g. <class 'int'>."),
    method!("", "slice", "slice(stop) / slice(start, stop[, step])", xarray::slice,
        "A slice object, as `a:b:c` inside brackets writes: isel(x=slice(10, 20)) by position, sel(lat=slice(-5, 5)) by label (both ends included)."),
];

/// The `time` module's functions.
static TIME_FUNCTIONS: &[Builtin] = &[
    method!("time", "sleep", "sleep(secs, /)", f::sleep,
        "Suspends the cell for the given number of seconds (a float for sub-second precision). An interrupt stops the sleep within milliseconds and raises KeyboardInterrupt."),
    method!("time", "time", "time()", f::time,
        "Returns the current time in seconds since the Unix epoch, as a float."),
    method!("time", "perf_counter", "perf_counter()", f::perf_counter,
        "Returns the value in fractional seconds of a monotonic clock with the highest available resolution, for measuring short durations. Only differences between calls are meaningful."),
    method!("time", "monotonic", "monotonic()", f::perf_counter,
        "Returns the value in fractional seconds of a clock that never goes backwards. Only differences between calls are meaningful."),
];

static SYS_CONSTANTS: &[Constant] = &[
    Constant {
        name: "stdout",
        doc: "The standard output stream: print(..., file=sys.stdout).",
        value: || Value::Stream(Stream::Stdout),
    },
    Constant {
        name: "stderr",
        doc:
            "The standard error stream: print(..., file=sys.stderr) shows text as an error stream.",
        value: || Value::Stream(Stream::Stderr),
    },
];

static TIME: Module = Module {
    name: "time",
    doc: "Time access: sleep, wall-clock time and performance counters.",
    functions: TIME_FUNCTIONS,
    constants: &[],
    pending: None,
};

static XARRAY: Module = Module {
    name: "xarray",
    doc: "xarray's API over the Nereus engine: open_zarr, where. `import xarray as xr`.",
    functions: xarray::XARRAY_FUNCTIONS,
    constants: &[],
    pending: None,
};

static NUMPY: Module = Module {
    name: "numpy",
    doc: "The numpy functions notebooks apply to arrays and numbers: sqrt, abs, exp, log, log10, sin, cos, tan, arcsin, arccos, arctan, deg2rad, rad2deg, floor, ceil, sign, isnan, isfinite, where; arange and linspace; nan, pi, e and inf. `import numpy as np`.",
    functions: xarray::NUMPY_FUNCTIONS,
    constants: xarray::NUMPY_CONSTANTS,
    pending: None,
};

static SYS: Module = Module {
    name: "sys",
    doc: "System streams: sys.stdout and sys.stderr, for print(..., file=...).",
    functions: &[],
    constants: SYS_CONSTANTS,
    pending: None,
};

/// The modules `import` accepts.
pub(crate) static MODULES: &[&Module] = &[
    &TIME,
    &XARRAY,
    &NUMPY,
    &xarray::TESTING,
    &super::random::RANDOM,
    &super::imports::PANDAS,
    &super::setup::WARNINGS,
    &SYS,
    &super::imports::MATPLOTLIB,
    &super::imports::PYPLOT,
    &super::imports::COLORS,
    &super::imports::CARTOPY,
    &super::imports::CARTOPY_CRS,
    &super::imports::CARTOPY_FEATURE,
    &super::imports::IPYTHON_DISPLAY,
];

/// A builtin function by name.
pub(crate) fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// A module by name, or ModuleNotFoundError listing what is accepted.
pub(crate) fn module(name: &str) -> Res<&'static Module> {
    MODULES
        .iter()
        .copied()
        .find(|m| m.name == name)
        .ok_or_else(|| {
            let accepted: Vec<&str> = MODULES.iter().map(|m| m.name).collect();
            Exc::new(
                ExcKind::ModuleNotFoundError,
                format!(
                    "No module named '{name}' (Nereus cells accept: {})",
                    accepted.join(", ")
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_names_are_unique_and_documented() {
        let mut names: Vec<_> = BUILTINS.iter().map(|b| b.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), BUILTINS.len());
        for m in MODULES {
            for b in m.functions {
                assert_eq!(b.module, m.name);
                assert!(!b.doc.is_empty() && b.signature.starts_with(b.name));
            }
        }
    }

    #[test]
    fn unknown_module_lists_accepted_ones() {
        let e = module("numpyy").err();
        assert!(e
            .is_some_and(|e| e.msg
                == "No module named 'numpyy' (Nereus cells accept: time, xarray, numpy, numpy.testing, numpy.random, pandas, warnings, sys, matplotlib, matplotlib.pyplot, matplotlib.colors, cartopy, cartopy.crs, cartopy.feature, IPython.display)"));
        assert!(module("time").is_ok_and(|m| m.attr("sleep").is_some()));
        assert!(
            module("time").is_ok_and(|m| m.no_attr("slep").msg.contains("Did you mean: 'sleep'?"))
        );
    }
}
