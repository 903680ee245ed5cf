//! numpy arrays of computed values: their elements as Python values and numpy's text forms
//! (`array([[1. , 2.5, ...]], dtype=float32)`), summarized like numpy beyond 1000 elements.

use std::sync::Arc;

use super::error::{Exc, ExcKind, Res};
use super::functions::MAX_ITEMS;
use super::value::Value;
use crate::coding::{format_numpy, Calendar};
use crate::model::Block;
use crate::{map_block, with_block};
use ndarray::Axis;

/// numpy prints at most this many elements before eliding with `...`.
const THRESHOLD: usize = 1000;
/// Items kept at each end of an elided axis.
const EDGE: usize = 3;
/// numpy's default line width.
const LINE_WIDTH: usize = 75;

/// A computed numpy array; datetimes are int64 nanosecond ticks in `calendar`.
#[derive(Debug, Clone)]
pub(crate) struct NdArray {
    pub(crate) block: Arc<Block>,
    pub(crate) calendar: Option<Calendar>,
}

impl NdArray {
    /// numpy's dtype name.
    pub(crate) fn dtype_name(&self) -> &'static str {
        if self.calendar.is_some() {
            "datetime64[ns]"
        } else {
            self.block.dtype().name()
        }
    }

    /// Element `i` (C order) as a Python value.
    pub(crate) fn item(&self, i: usize) -> Value {
        match self.block.as_ref() {
            Block::Bool(a) => Value::Bool(a.iter().nth(i).copied().unwrap_or(false)),
            Block::F32(a) => Value::Float(a.iter().nth(i).map_or(f64::NAN, |&x| f64::from(x))),
            Block::F64(a) => Value::Float(a.iter().nth(i).copied().unwrap_or(f64::NAN)),
            Block::U64(a) => a
                .iter()
                .nth(i)
                .and_then(|&x| i64::try_from(x).ok())
                .map_or(Value::None, Value::Int),
            other => Value::Int(with_block!(other, a => a.iter().nth(i).map_or(0, |&x| int_of(x)))),
        }
    }

    /// What iterating gives, as numpy does: the elements of a 1-D array, the sub-arrays along
    /// the first axis otherwise.
    pub(crate) fn rows(&self) -> Res<Vec<Value>> {
        let shape = self.block.shape();
        let Some(&n) = shape.first() else {
            return Err(Exc::type_error("iteration over a 0-d array"));
        };
        if n > MAX_ITEMS {
            return Err(Exc::new(
                ExcKind::MemoryError,
                format!("array of {n} rows is too large to iterate in a cell"),
            ));
        }
        Ok((0..n)
            .map(|i| {
                let row = NdArray {
                    block: Arc::new(map_block!(self.block.as_ref(), a => a
                        .index_axis(Axis(0), i)
                        .to_owned())),
                    calendar: self.calendar,
                };
                if shape.len() == 1 {
                    row.item(0)
                } else {
                    Value::NdArray(Arc::new(row))
                }
            })
            .collect())
    }

    /// numpy's `repr()`.
    pub(crate) fn repr(&self) -> String {
        let dtype = self.dtype_name();
        let suffix = match dtype {
            "float64" | "int64" | "bool" => String::new(),
            "datetime64[ns]" => ", dtype='datetime64[ns]'".to_owned(),
            other => format!(", dtype={other}"),
        };
        if self.block.is_empty() {
            // numpy always names the dtype of an empty array.
            let suffix = if suffix.is_empty() {
                format!(", dtype={dtype}")
            } else {
                suffix
            };
            let shape = self.block.shape();
            if shape.len() == 1 {
                return format!("array([]{suffix})");
            }
            return format!("array([], shape={}{suffix})", shape_text(shape));
        }
        format!("array({}{suffix})", self.render(", ", "array("))
    }

    /// numpy's `str()`: `[1. 2. 3.]`.
    pub(crate) fn to_str(&self) -> String {
        self.render(" ", "")
    }

    fn render(&self, sep: &str, prefix: &str) -> String {
        let shape = self.block.shape().to_vec();
        let summarize = self.block.len() > THRESHOLD;
        let values = self.block.to_f64();
        let flat: Vec<f64> = values.iter().copied().collect();
        let shown = shown_indices(&shape, summarize);
        let fmt = Formatter::new(self, &shown.iter().map(|&i| flat[i]).collect::<Vec<_>>());
        let strides = c_strides(&shape);
        let mut ctx = Render {
            shape: &shape,
            strides: &strides,
            summarize,
            sep,
            cell: &|i| fmt.format(flat[i]),
        };
        let indent = " ".repeat(prefix.len());
        ctx.array(0, 0, &indent)
    }
}

fn int_of<T: super::super::model::ToF64>(x: T) -> i64 {
    #[allow(clippy::cast_possible_truncation)]
    let v = x.to_f64() as i64;
    v
}

/// `(a, b)` or `(a,)`.
pub(crate) fn shape_text(shape: &[usize]) -> String {
    match shape {
        [one] => format!("({one},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn c_strides(shape: &[usize]) -> Vec<usize> {
    let mut strides = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        strides[i] = strides[i + 1] * shape[i + 1];
    }
    strides
}

/// Positions shown along an axis of `n` items.
fn axis_positions(n: usize, summarize: bool) -> Vec<Option<usize>> {
    if summarize && n > 2 * EDGE {
        (0..EDGE)
            .map(Some)
            .chain(std::iter::once(None))
            .chain((n - EDGE..n).map(Some))
            .collect()
    } else {
        (0..n).map(Some).collect()
    }
}

/// Flat indices of every element that will be printed.
fn shown_indices(shape: &[usize], summarize: bool) -> Vec<usize> {
    let strides = c_strides(shape);
    let mut out = vec![0usize];
    for (axis, &n) in shape.iter().enumerate() {
        let pos: Vec<usize> = axis_positions(n, summarize).into_iter().flatten().collect();
        let stride = strides[axis];
        out = out
            .iter()
            .flat_map(|&base| pos.iter().map(move |&p| base + p * stride))
            .collect();
    }
    out
}

struct Render<'a> {
    shape: &'a [usize],
    strides: &'a [usize],
    summarize: bool,
    sep: &'a str,
    cell: &'a dyn Fn(usize) -> String,
}

impl Render<'_> {
    /// The bracketed text of the sub-array at `axis` starting at flat `offset`.
    fn array(&mut self, axis: usize, offset: usize, indent: &str) -> String {
        if axis == self.shape.len() {
            return (self.cell)(offset);
        }
        let positions = axis_positions(self.shape[axis], self.summarize);
        let inner = format!("{indent} ");
        let mut out = String::from("[");
        if axis + 1 == self.shape.len() {
            let mut line_len = indent.len() + 1;
            for (k, p) in positions.iter().enumerate() {
                let word = p.map_or_else(
                    || "...".to_owned(),
                    |p| (self.cell)(offset + p * self.strides[axis]),
                );
                let last = k + 1 == positions.len();
                let sep = if last { "" } else { self.sep.trim_end() };
                if k > 0 && line_len + word.len() + sep.len() + 1 > LINE_WIDTH {
                    out.push('\n');
                    out.push_str(&inner);
                    line_len = inner.len();
                } else if k > 0 {
                    out.push(' ');
                    line_len += 1;
                }
                out.push_str(&word);
                out.push_str(sep);
                line_len += word.len() + sep.len();
            }
        } else {
            let blank = "\n".repeat(self.shape.len() - axis - 1);
            for (k, p) in positions.iter().enumerate() {
                if k > 0 {
                    out.push_str(self.sep.trim_end());
                    out.push_str(&blank);
                    out.push_str(&inner);
                }
                match p {
                    Some(p) => {
                        let sub = self.array(axis + 1, offset + p * self.strides[axis], &inner);
                        out.push_str(&sub);
                    }
                    None => out.push_str("..."),
                }
            }
        }
        out.push(']');
        out
    }
}

/// How every element of one array is written, with numpy's shared widths and precision.
enum Formatter {
    Bool,
    Int(usize),
    Time(Calendar),
    Fixed {
        left: usize,
        right: usize,
        f32: bool,
    },
    Sci {
        digits: usize,
        width: usize,
    },
}

/// numpy's `maxprec` digits: the shortest text that reads back as the same value (of the
/// array's own precision), unless that needs more than 8 digits, then rounded to 8 with
/// trailing zeros dropped. `sci` picks the scientific form.
fn maxprec(x: f64, f32: bool, sci: bool) -> String {
    #[allow(clippy::cast_possible_truncation)]
    let (shortest, rounded) = match (f32, sci) {
        (true, false) => (format!("{}", x as f32), format!("{:.8}", x as f32)),
        (true, true) => (format!("{:e}", x as f32), format!("{:.8e}", x as f32)),
        (false, false) => (format!("{x}"), format!("{x:.8}")),
        (false, true) => (format!("{x:e}"), format!("{x:.8e}")),
    };
    let frac_len = |s: &str| {
        let body = s.split_once('e').map_or(s, |(m, _)| m);
        body.split_once('.').map_or(0, |(_, f)| f.len())
    };
    if frac_len(&shortest) <= 8 {
        return shortest;
    }
    match rounded.split_once('e') {
        Some((m, e)) => format!("{}e{e}", trim_zeros(m)),
        None => trim_zeros(&rounded).to_owned(),
    }
}

/// `1.2500` -> `1.25`, `2.000` -> `2.`
fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0')
    } else {
        s
    }
}

/// Integer part and fractional digits of `x` in fixed notation ([`maxprec`]).
fn fixed_parts(x: f64, f32: bool) -> (String, String) {
    let s = maxprec(x, f32, false);
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    (int.to_owned(), frac.trim_end_matches('0').to_owned())
}

/// Mantissa digits after the point in scientific notation ([`maxprec`]).
fn sci_digits(x: f64, f32: bool) -> usize {
    let s = maxprec(x, f32, true);
    let mantissa = s.split_once('e').map_or(s.as_str(), |(m, _)| m);
    mantissa
        .split_once('.')
        .map_or(0, |(_, f)| f.trim_end_matches('0').len())
}

impl Formatter {
    fn new(a: &NdArray, shown: &[f64]) -> Self {
        if let Some(cal) = a.calendar {
            return Self::Time(cal);
        }
        let dtype = a.block.dtype();
        if dtype == crate::model::DType::Bool {
            return Self::Bool;
        }
        if !dtype.is_float() {
            #[allow(clippy::cast_possible_truncation)]
            let width = shown
                .iter()
                .map(|&x| (x as i64).to_string().len())
                .max()
                .unwrap_or(1);
            return Self::Int(width);
        }
        let f32 = dtype == crate::model::DType::F32;
        let finite: Vec<f64> = shown.iter().copied().filter(|x| x.is_finite()).collect();
        let special = shown
            .iter()
            .map(|x| {
                if x.is_nan() {
                    3
                } else if x.is_infinite() {
                    3 + usize::from(*x < 0.0)
                } else {
                    0
                }
            })
            .max()
            .unwrap_or(0);
        let abs: Vec<f64> = finite
            .iter()
            .map(|x| x.abs())
            .filter(|&x| x != 0.0)
            .collect();
        let max = abs.iter().copied().fold(0.0, f64::max);
        let min = abs.iter().copied().fold(f64::INFINITY, f64::min);
        let sci = !abs.is_empty() && (max >= 1e8 || min < 1e-4 || max / min > 1e3);
        if sci {
            let digits = finite
                .iter()
                .map(|&x| sci_digits(x, f32))
                .max()
                .unwrap_or(0);
            let width = finite
                .iter()
                .map(|&x| sci_text(x, digits).len())
                .max()
                .unwrap_or(0)
                .max(special);
            return Self::Sci { digits, width };
        }
        let parts: Vec<(String, String)> = finite.iter().map(|&x| fixed_parts(x, f32)).collect();
        let left = parts.iter().map(|p| p.0.len()).max().unwrap_or(0);
        let right = parts.iter().map(|p| p.1.len()).max().unwrap_or(0);
        let left = left.max(special.saturating_sub(right + 1));
        Self::Fixed { left, right, f32 }
    }

    fn format(&self, x: f64) -> String {
        match self {
            Self::Bool => {
                let s = if x == 0.0 { "False" } else { "True" };
                format!("{s:>5}")
            }
            #[allow(clippy::cast_possible_truncation)]
            Self::Int(w) => format!("{:>w$}", x as i64),
            #[allow(clippy::cast_possible_truncation)]
            Self::Time(cal) => format!("'{}'", format_numpy(x as i64, *cal)),
            Self::Fixed { left, right, f32 } => {
                if !x.is_finite() {
                    return format!("{:>w$}", special_text(x), w = left + right + 1);
                }
                let (int, frac) = fixed_parts(x, *f32);
                format!("{int:>left$}.{frac:<right$}")
            }
            Self::Sci { digits, width } => {
                let s = if x.is_finite() {
                    sci_text(x, *digits)
                } else {
                    special_text(x).to_owned()
                };
                format!("{s:>width$}")
            }
        }
    }
}

fn special_text(x: f64) -> &'static str {
    if x.is_nan() {
        "nan"
    } else if x > 0.0 {
        "inf"
    } else {
        "-inf"
    }
}

/// `1.5e+00`: `digits` mantissa digits and a two-digit signed exponent, as numpy writes.
fn sci_text(x: f64, digits: usize) -> String {
    let s = format!("{x:.digits$e}");
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let m = if digits == 0 {
        format!("{m}.")
    } else {
        m.to_owned()
    };
    format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::ArrayD;

    fn arr(shape: &[usize], v: Vec<f64>, f32: bool) -> NdArray {
        let a =
            ArrayD::from_shape_vec(shape.to_vec(), v).unwrap_or_else(|_| ArrayD::zeros(vec![0]));
        let block = if f32 {
            Block::from_f64(a, crate::model::DType::F32)
        } else {
            Block::F64(a)
        };
        NdArray {
            block: Arc::new(block),
            calendar: None,
        }
    }

    #[test]
    fn small_arrays_look_like_numpy() {
        assert_eq!(
            arr(&[3], vec![1.0, 2.5, f64::NAN], false).repr(),
            "array([1. , 2.5, nan])"
        );
        assert_eq!(
            arr(&[2, 2], vec![1.0, 2.0, 3.0, 4.0], true).repr(),
            "array([[1., 2.],\n       [3., 4.]], dtype=float32)"
        );
        assert_eq!(
            arr(&[2], vec![1e20, 2e20], false).repr(),
            "array([1.e+20, 2.e+20])"
        );
        assert_eq!(
            arr(&[], vec![0.5], true).repr(),
            "array(0.5, dtype=float32)"
        );
        assert_eq!(arr(&[3], vec![1.0, 2.0, 3.0], false).to_str(), "[1. 2. 3.]");
        let i = NdArray {
            block: Arc::new(Block::I64(
                ArrayD::from_shape_vec(vec![3], vec![1, -20, 3])
                    .unwrap_or_else(|_| ArrayD::zeros(vec![0])),
            )),
            calendar: None,
        };
        assert_eq!(i.repr(), "array([  1, -20,   3])");
    }

    #[test]
    fn large_arrays_are_summarized() {
        #[allow(clippy::cast_precision_loss)]
        let a = arr(&[2000], (1000..3000).map(f64::from).collect(), false);
        assert_eq!(
            a.repr(),
            "array([1000., 1001., 1002., ..., 2997., 2998., 2999.])"
        );
        #[allow(clippy::cast_precision_loss)]
        let a = arr(&[2000], (0..2000).map(f64::from).collect(), false);
        assert_eq!(a.repr(), "array([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,\n       1.999e+03])");
        #[allow(clippy::cast_precision_loss)]
        let b = arr(
            &[100, 100],
            (0..10_000).map(|i| f64::from(i % 7)).collect(),
            false,
        );
        let r = b.repr();
        assert!(
            r.starts_with("array([[0., 1., 2., ..., 6., 0., 1.],"),
            "{r}"
        );
        assert!(r.contains("\n       ...,\n"), "{r}");
    }
}
