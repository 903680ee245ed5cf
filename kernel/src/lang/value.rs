//! Runtime values of the cell language, their Python type names, truth, equality and reprs.
#![allow(
    clippy::similar_names,
    reason = "a/b/x/y pairs mirror Python's operand names"
)]
#![allow(
    clippy::many_single_char_names,
    reason = "range triples (a, b, c) compared field by field"
)]

use std::sync::Arc;

use super::dict::Dict;
use super::ndarray::NdArray;
use super::registry::{Builtin, Module};
use super::Stream;
use nereus_engine::model::{DataArray, Dataset};
use nereus_engine::repr::text;

/// A value held in a cell namespace.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Arc<str>),
    List(Arc<Vec<Value>>),
    Tuple(Arc<Vec<Value>>),
    /// `range(start, stop, step)`, step never zero.
    Range(i64, i64, i64),
    /// A function from the registry.
    Builtin(&'static Builtin),
    /// A module from the registry.
    Module(&'static Module),
    /// `sys.stdout` / `sys.stderr`.
    Stream(Stream),
    /// A type object such as `<class 'int'>`, by name.
    Type(&'static str),
    /// A dict in insertion order; its kind picks the repr (plain, `Frozen`, xarray mappings).
    Dict(Arc<Dict>),
    /// `slice(start, stop, step)`; each part may be None.
    Slice(Arc<[Value; 3]>),
    /// An xarray `DataArray`, lazy or in memory.
    DataArray(Arc<DataArray>),
    /// An xarray `Dataset`.
    Dataset(Arc<Dataset>),
    /// A numpy array of computed values.
    NdArray(Arc<NdArray>),
    /// A numpy dtype, by numpy's name (`float32`, `datetime64[ns]`).
    DType(&'static str),
    /// A method bound to its receiver, from the registry.
    Method(Box<Value>, &'static Builtin),
    /// `da.groupby(...)` or `da.resample(...)`, waiting for a reduction or arithmetic.
    GroupBy(Arc<nereus_engine::ops::GroupBy>),
    /// `da.rolling(...)`, waiting for a reduction.
    Rolling(Arc<nereus_engine::ops::RollingWindow>),
    /// `da.coarsen(...)`, waiting for a reduction.
    Coarsen(Arc<nereus_engine::ops::Coarsen>),
    /// `da.weighted(weights)`, waiting for a reduction.
    Weighted(Arc<nereus_engine::ops::Weighted>),
    /// `ds.groupby(...)`, `ds.resample(...)`, `ds.rolling(...)`, `ds.coarsen(...)` or
    /// `ds.weighted(...)`, waiting for a reduction (or arithmetic, when grouped).
    DatasetOp(Arc<super::xarray::DatasetOp>),
    /// `...`.
    Ellipsis,
    /// A function the cell defined (`def`, `lambda`).
    Function(Arc<super::eval::UserFunc>),
    /// An exception object (`ValueError("x")`, or caught with `except ... as e`).
    Exception(Arc<super::error::Exc>),
    /// A context manager for `with` (`xr.set_options(...)`).
    Context(Arc<super::context::Manager>),
    /// `da.dt`, the date parts of a datetime array.
    Dt(Arc<DataArray>),
}

impl From<DataArray> for Value {
    fn from(a: DataArray) -> Self {
        Value::DataArray(Arc::new(a))
    }
}

impl From<Dataset> for Value {
    fn from(ds: Dataset) -> Self {
        Value::Dataset(Arc::new(ds))
    }
}

impl Value {
    /// A string value.
    pub(crate) fn str(s: impl Into<Arc<str>>) -> Self {
        Self::Str(s.into())
    }

    /// Python's type name.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Self::None => "NoneType",
            Self::Bool(_) => "bool",
            Self::Int(_) => "int",
            Self::Float(_) => "float",
            Self::Str(_) => "str",
            Self::List(_) => "list",
            Self::Tuple(_) => "tuple",
            Self::Range(..) => "range",
            Self::Builtin(_) => "builtin_function_or_method",
            Self::Module(_) => "module",
            Self::Stream(_) => "TextIOWrapper",
            Self::Type(_) => "type",
            Self::Dict(d) => d.kind.type_name(),
            Self::Slice(_) => "slice",
            Self::DataArray(_) => "DataArray",
            Self::Dataset(_) => "Dataset",
            Self::NdArray(a) if a.scalar && a.is_numbers() => a.dtype_name(),
            Self::NdArray(_) => "ndarray",
            Self::DType(_) => "dtype",
            Self::Method(..) => "method",
            Self::GroupBy(g) if g.is_resample() => "DataArrayResample",
            Self::GroupBy(_) => "DataArrayGroupBy",
            Self::Rolling(_) => "DataArrayRolling",
            Self::Coarsen(_) => "DataArrayCoarsen",
            Self::Weighted(_) => "DataArrayWeighted",
            Self::DatasetOp(d) => d.type_name(),
            Self::Ellipsis => "ellipsis",
            Self::Function(_) => "function",
            Self::Exception(e) => e.kind.name(),
            Self::Context(m) => m.class(),
            Self::Dt(_) => "DatetimeAccessor",
        }
    }

    /// Python truthiness, or None for arrays: their truth depends on their size and may need
    /// computing (see `xarray::truth`).
    pub(crate) fn truthy(&self) -> Option<bool> {
        Some(match self {
            Self::None => false,
            Self::Bool(b) => *b,
            Self::Int(i) => *i != 0,
            Self::Float(f) => *f != 0.0,
            Self::Str(s) => !s.is_empty(),
            Self::List(v) | Self::Tuple(v) => !v.is_empty(),
            Self::Range(..) | Self::Dict(_) | Self::Dataset(_) => self.len().is_some_and(|n| n > 0),
            Self::DataArray(_) | Self::NdArray(_) => return None,
            _ => true,
        })
    }

    /// `len()` for sized values.
    pub(crate) fn len(&self) -> Option<usize> {
        match self {
            Self::Str(s) => Some(s.chars().count()),
            Self::List(v) | Self::Tuple(v) => Some(v.len()),
            &Self::Range(start, stop, step) => Some(range_len(start, stop, step)),
            Self::Dict(d) => Some(d.items.len()),
            Self::Dataset(d) => Some(d.data_vars.len()),
            Self::DataArray(a) => a.shape().first().copied(),
            Self::NdArray(a) => a.block.shape().first().copied(),
            _ => None,
        }
    }

    /// Python `repr()`.
    pub(crate) fn repr(&self) -> String {
        match self {
            Self::None => "None".into(),
            Self::Bool(true) => "True".into(),
            Self::Bool(false) => "False".into(),
            Self::Int(i) => i.to_string(),
            Self::Float(f) => float_repr(*f),
            Self::Str(s) => str_repr(s),
            Self::List(v) => format!("[{}]", join_reprs(v)),
            Self::Tuple(v) if v.len() == 1 => format!("({},)", join_reprs(v)),
            Self::Tuple(v) => format!("({})", join_reprs(v)),
            Self::Range(a, b, 1) => format!("range({a}, {b})"),
            Self::Range(a, b, s) => format!("range({a}, {b}, {s})"),
            Self::Builtin(b) => format!("<built-in function {}>", b.name),
            Self::Module(m) => format!("<module '{}' (built-in)>", m.name),
            Self::Stream(Stream::Stdout) => {
                "<_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>".into()
            }
            Self::Stream(Stream::Stderr) => {
                "<_io.TextIOWrapper name='<stderr>' mode='w' encoding='utf-8'>".into()
            }
            Self::Type(t) => format!("<class '{}'>", qualified(t)),
            Self::Dict(d) => d.repr(),
            Self::Slice(p) => format!("slice({}, {}, {})", p[0].repr(), p[1].repr(), p[2].repr()),
            Self::DataArray(a) => text::dataarray_with(a, &super::options::current().xr.display),
            Self::Dataset(d) => text::dataset_with(d, &super::options::current().xr.display),
            Self::NdArray(a) => a.repr(),
            // numpy shows datetime dtypes by their type code: dtype('<M8[ns]').
            Self::DType(name) => match name.strip_prefix("datetime64") {
                Some(unit) => format!("dtype('<M8{unit}')"),
                None => format!("dtype('{name}')"),
            },
            Self::Method(recv, b) => format!(
                "<bound method {}.{} of <xarray.{}>>",
                recv.type_name(),
                b.name,
                recv.type_name()
            ),
            Self::GroupBy(g) => text::groupby("DataArray", g),
            Self::Rolling(r) => text::rolling("DataArray", r),
            Self::Coarsen(c) => text::coarsen("DataArray", c),
            Self::Weighted(w) => text::weighted("DataArray", w.weight_dims()),
            Self::DatasetOp(d) => d.repr(),
            Self::Ellipsis => "Ellipsis".into(),
            Self::Function(f) => format!("<function {} at {:#x}>", f.name(), address(f)),
            Self::Exception(e) if e.msg.is_empty() => format!("{}()", e.kind.name()),
            Self::Exception(e) if e.kind == super::error::ExcKind::KeyError => {
                format!("KeyError({})", e.msg)
            }
            Self::Exception(e) => format!("{}({})", e.kind.name(), str_repr(&e.msg)),
            Self::Context(m) => format!("<{} object at {:#x}>", m.class(), address(m)),
            Self::Dt(a) => format!(
                "<xarray.core.accessor_dt.DatetimeAccessor at {:#x}>",
                address(a)
            ),
        }
    }

    /// Python `str()`.
    pub(crate) fn to_str(&self) -> String {
        match self {
            Self::Str(s) => s.to_string(),
            Self::DType(name) => (*name).to_string(),
            Self::NdArray(a) => a.to_str(),
            Self::Exception(e) => e.msg.clone(),
            other => other.repr(),
        }
    }

    /// A number as f64, for mixed arithmetic and comparisons (a numpy scalar or 0-d array
    /// too).
    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            Self::NdArray(a) if a.block.shape().is_empty() && a.is_numbers() => a.item(0).as_f64(),
            Self::Bool(b) => Some(f64::from(u8::from(*b))),
            #[allow(clippy::cast_precision_loss)]
            Self::Int(i) => Some(*i as f64),
            Self::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// An int or bool as i64 (a numpy integer scalar too, as its `__index__` gives).
    pub(crate) fn as_int(&self) -> Option<i64> {
        match self {
            Self::NdArray(a)
                if a.block.shape().is_empty() && a.is_numbers() && !a.block.dtype().is_float() =>
            {
                a.item(0).as_int()
            }
            Self::Bool(b) => Some(i64::from(*b)),
            Self::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// Python `==`.
    pub(crate) fn py_eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::None, Self::None) | (Self::Ellipsis, Self::Ellipsis) => true,
            (Self::Str(a), Self::Str(b)) => a == b,
            (Self::List(a), Self::List(b)) | (Self::Tuple(a), Self::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.py_eq(y))
            }
            (&Self::Range(a, b, c), &Self::Range(d, e, f)) => (a, b, c) == (d, e, f),
            (Self::Builtin(a), Self::Builtin(b)) => std::ptr::eq(*a, *b),
            (Self::Module(a), Self::Module(b)) => std::ptr::eq(*a, *b),
            (Self::Stream(a), Self::Stream(b)) => a == b,
            (Self::Type(a), Self::Type(b)) | (Self::DType(a), Self::DType(b)) => a == b,
            // `type(3) == int`: the builtin `int` is the type.
            (Self::Type(t), Self::Builtin(b)) | (Self::Builtin(b), Self::Type(t)) => {
                b.module.is_empty() && b.name == *t
            }
            (Self::DType(a), Self::Str(b)) | (Self::Str(b), Self::DType(a)) => **a == **b,
            (Self::Dict(a), Self::Dict(b)) => a.py_eq(b),
            (Self::Slice(a), Self::Slice(b)) => a.iter().zip(b.iter()).all(|(x, y)| x.py_eq(y)),
            (Self::DataArray(a), Self::DataArray(b)) => Arc::ptr_eq(a, b),
            (Self::Dataset(a), Self::Dataset(b)) => Arc::ptr_eq(a, b),
            (Self::Function(a), Self::Function(b)) => Arc::ptr_eq(a, b),
            (Self::Exception(a), Self::Exception(b)) => Arc::ptr_eq(a, b),
            (Self::Int(a), Self::Int(b)) => a == b,
            (a, b) => match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            },
        }
    }
}

/// A class's name with its module, as Python prints it (`numpy.ndarray`; builtins bare).
fn qualified(t: &str) -> String {
    match t {
        "DataArray" => "xarray.core.dataarray.DataArray".to_owned(),
        "Dataset" => "xarray.core.dataset.Dataset".to_owned(),
        "ndarray" | "float16" | "float32" | "float64" | "int8" | "int16" | "int32" | "int64"
        | "uint8" | "uint16" | "uint32" | "uint64" | "datetime64" | "dtype" => {
            format!("numpy.{t}")
        }
        other => other.to_owned(),
    }
}

/// The display bundle of a value: its repr as `text/plain`, and `text/html` for datasets and
/// arrays.
pub(crate) fn bundle(v: &Value) -> super::MimeBundle {
    let mut b = super::MimeBundle::new();
    // IPython shows a class by its qualified name alone.
    let text = match v {
        Value::Type(t) => qualified(t),
        other => other.repr(),
    };
    let xr = super::options::current().xr;
    if xr.html {
        if let Some(html) = super::repr_text::html(v, &text, &xr.display) {
            b.insert("text/html".into(), html.into());
        }
    }
    b.insert("text/plain".into(), text.into());
    b
}

/// Where an object lives, for reprs such as `<function f at 0x...>`.
fn address<T>(v: &Arc<T>) -> usize {
    Arc::as_ptr(v) as usize
}

fn join_reprs(v: &[Value]) -> String {
    v.iter().map(Value::repr).collect::<Vec<_>>().join(", ")
}

/// The number of items in `range(start, stop, step)`.
pub(crate) fn range_len(start: i64, stop: i64, step: i64) -> usize {
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let n = if step > 0 && start < stop {
        (stop - start - 1) / step + 1
    } else if step < 0 && start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    };
    usize::try_from(n).unwrap_or(usize::MAX)
}

pub(crate) use nereus_engine::repr::python::{float32_repr, float_repr, str_repr};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_reprs() {
        let one = Value::Tuple(Arc::new(vec![Value::Int(1)]));
        assert_eq!(one.repr(), "(1,)");
        let l = Value::List(Arc::new(vec![Value::Int(1), Value::str("a"), Value::None]));
        assert_eq!(l.repr(), "[1, 'a', None]");
        assert_eq!(range_len(0, 10, 3), 4);
        assert_eq!(range_len(10, 0, -3), 4);
        assert_eq!(range_len(0, 0, 1), 0);
    }
}
