//! numpy arrays of computed values: their elements as Python values, and their text forms
//! (numpy's, from `nereus_engine::repr::numpy`).

use std::sync::Arc;

use super::error::{Exc, ExcKind, Res};
use super::functions::MAX_ITEMS;
use super::value::Value;
use nereus_engine::coding::{Meaning, TimeScale};
use nereus_engine::model::{Block, Data, DataArray, Variable};
use nereus_engine::repr::numpy::{self, PrintOptions};

/// A computed numpy array; datetimes are int64 ticks of a time scale (datetime64 or cftime),
/// strings int64 codes into labels (`object` or `<U3`): see [`Meaning`].
#[derive(Debug, Clone)]
pub(crate) struct NdArray {
    pub(crate) block: Arc<Block>,
    pub(crate) meaning: Meaning,
    /// A numpy scalar (`np.float64(2.5)`, what indexing one element, a full reduction or a
    /// ufunc of numbers gives) rather than a 0-d array (`.values` of a 0-d DataArray): only the
    /// repr and the type differ.
    pub(crate) scalar: bool,
}

impl NdArray {
    /// numpy's dtype name.
    pub(crate) fn dtype_name(&self) -> &'static str {
        numpy::dtype_name(&self.block, &self.meaning)
    }

    /// The time scale, for datetimes.
    pub(crate) fn time(&self) -> Option<TimeScale> {
        self.meaning.time()
    }

    /// Whether the elements are plain numbers (not dates, not strings).
    pub(crate) fn is_numbers(&self) -> bool {
        self.meaning == Meaning::Numbers
    }

    /// Element `i` (C order) as a Python value (a string as `str`).
    pub(crate) fn item(&self, i: usize) -> Value {
        if let Meaning::Text(labels) = &self.meaning {
            // A code in no table is a missing string: NaN, as in xarray's object arrays.
            let code = self.block.iter_i64().nth(i).unwrap_or(-1);
            return labels
                .text(code)
                .map_or(Value::Float(f64::NAN), |s| Value::Str(s.into()));
        }
        match self.block.as_ref() {
            Block::Bool(a) => Value::Bool(a.iter().nth(i).copied().unwrap_or(false)),
            Block::F32(a) => Value::Float(a.iter().nth(i).map_or(f64::NAN, |&x| f64::from(x))),
            Block::F64(a) => Value::Float(a.iter().nth(i).copied().unwrap_or(f64::NAN)),
            Block::U64(a) => a
                .iter()
                .nth(i)
                .and_then(|&x| i64::try_from(x).ok())
                .map_or(Value::None, Value::Int),
            other => Value::Int(other.iter_i64().nth(i).unwrap_or(0)),
        }
    }

    /// `arr[key]`: numpy's basic indexing (integers, slices, `...`, one per axis), plus the
    /// integer and boolean arrays xarray's positional indexing takes. A single element is a
    /// Python number (a 0-d array for datetimes, which print as dates).
    pub(crate) fn index(&self, key: &Value) -> Res<Value> {
        let ndim = self.block.shape().len();
        let mut keys = match key {
            Value::Tuple(t) => t.to_vec(),
            other => vec![other.clone()],
        };
        if keys.iter().any(|k| matches!(k, Value::None)) {
            return Err(Exc::new(
                ExcKind::NotImplementedError,
                "np.newaxis (None) in an index is not supported in Nereus",
            ));
        }
        if let Some(at) = keys.iter().position(|k| matches!(k, Value::Ellipsis)) {
            let fill = (ndim + 1)
                .checked_sub(keys.len())
                .ok_or_else(|| Exc::new(ExcKind::IndexError, "too many indices for array"))?;
            let all = Value::Slice(Arc::new([Value::None, Value::None, Value::None]));
            keys.splice(at..=at, std::iter::repeat_n(all, fill));
        }
        // numpy pairs several index arrays up point by point, where xarray's positional
        // indexing (which the rest of this follows) takes their outer product.
        let arrays = keys
            .iter()
            .filter(|k| matches!(k, Value::List(_) | Value::NdArray(_) | Value::Tuple(_)))
            .count();
        if arrays > 1 {
            return Err(Exc::new(
                ExcKind::NotImplementedError,
                "indexing a numpy array with several index arrays (numpy's point-by-point advanced indexing) is not supported in Nereus",
            ));
        }
        if keys.len() > ndim {
            return Err(Exc::new(
                ExcKind::IndexError,
                format!(
                    "too many indices for array: array is {ndim}-dimensional, but {} were indexed",
                    keys.len()
                ),
            ));
        }
        let dims = (0..ndim).map(|i| format!("dim_{i}")).collect();
        let array = DataArray {
            name: None,
            variable: Variable::new(dims, Data::Memory(Arc::clone(&self.block))),
            coords: indexmap::IndexMap::new(),
        };
        let Value::DataArray(r) =
            super::xarray::dataarray_item(&array, &Value::Tuple(Arc::new(keys)))?
        else {
            return Err(Exc::type_error("array indexing gave no array"));
        };
        let Data::Memory(block) = &r.variable.data else {
            return Err(Exc::type_error("array indexing gave lazy values"));
        };
        // One string is a Python str, as numpy gives one element of an object array.
        if block.shape().is_empty() && matches!(self.meaning, Meaning::Text(_)) {
            let one = NdArray {
                block: Arc::clone(block),
                meaning: self.meaning.clone(),
                scalar: true,
            };
            return Ok(one.item(0));
        }
        Ok(Value::NdArray(Arc::new(NdArray {
            block: Arc::clone(block),
            meaning: self.meaning.clone(),
            scalar: block.shape().is_empty(),
        })))
    }

    /// The elements as integers, in C order (an integer array used as positions); floats are
    /// truncated, integers exact (past `i64` saturated).
    pub(crate) fn ints(&self) -> Vec<i64> {
        self.block.iter_i64().collect()
    }

    /// What iterating gives, as numpy does: the elements of a 1-D array (numpy scalars, a
    /// string as `str`), the sub-arrays along the first axis otherwise.
    pub(crate) fn rows(&self) -> Res<Vec<Value>> {
        let shape = self.block.shape();
        let n = row_count(shape)?;
        Ok((0..n)
            .map(|i| {
                let row = NdArray {
                    block: Arc::new(self.block.subarray(i)),
                    meaning: self.meaning.clone(),
                    scalar: shape.len() == 1,
                };
                if shape.len() == 1 && matches!(self.meaning, Meaning::Text(_)) {
                    row.item(0)
                } else {
                    Value::NdArray(Arc::new(row))
                }
            })
            .collect())
    }

    /// numpy's `repr()`: `np.float64(2.5)` or `np.datetime64('2000-01-01T00:00:00.000000')`
    /// for a scalar, `array(...)` for an array.
    pub(crate) fn repr(&self) -> String {
        if let Some(t) = self.time().filter(|t| self.scalar && t.is_datetime64()) {
            let text = self.to_str();
            // NaT has no digits to tell its unit, so numpy names it.
            return if text == "NaT" {
                format!("np.datetime64('NaT','{}')", t.unit.code())
            } else {
                format!("np.datetime64('{text}')")
            };
        }
        if self.scalar && self.is_numbers() {
            return match self.item(0) {
                Value::Bool(b) => format!("np.{}_", if b { "True" } else { "False" }),
                _ => format!("np.{}({})", self.dtype_name(), self.to_str()),
            };
        }
        self.repr_with(super::options::numpy())
    }

    /// numpy's `repr()` under `opts`.
    pub(crate) fn repr_with(&self, opts: PrintOptions) -> String {
        numpy::array_repr(&self.block, &self.meaning, opts)
    }

    /// numpy's `str()`: `[1. 2. 3.]`; a 0-d array prints as its scalar (`0.0`, a datetime
    /// without quotes).
    pub(crate) fn to_str(&self) -> String {
        let text = numpy::array_str(&self.block, &self.meaning, super::options::numpy());
        if !self.block.shape().is_empty() {
            return text;
        }
        if self.time().is_some() {
            return text.trim_matches('\'').to_owned();
        }
        match self.block.as_ref() {
            Block::F32(a) => a
                .iter()
                .next()
                .map_or(text, |&x| super::value::float32_repr(x)),
            _ => self.item(0).to_str(),
        }
    }
}

/// The values of a loaded variable as a numpy array.
pub(crate) fn ndarray_of(var: &Variable) -> Option<NdArray> {
    match &var.data {
        Data::Memory(b) => Some(NdArray {
            block: Arc::clone(b),
            meaning: Meaning::of(var),
            scalar: false,
        }),
        Data::Lazy(_) => None,
    }
}

/// How many items iterating an array of `shape` (numpy or xarray) gives: numpy's error for a
/// 0-d array, and a refusal past what a cell may hold.
pub(crate) fn row_count(shape: &[usize]) -> Res<usize> {
    let &n = shape
        .first()
        .ok_or_else(|| Exc::type_error("iteration over a 0-d array"))?;
    if n > MAX_ITEMS {
        return Err(Exc::new(
            ExcKind::MemoryError,
            format!("array of {n} rows is too large to iterate in a cell"),
        ));
    }
    Ok(n)
}
