//! `np.sort` and `np.unique` of computed values, in numpy's order: numbers ascending with NaN
//! last, integers exactly, strings by their text. xarray objects are computed first.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]

use std::cmp::Ordering;
use std::sync::Arc;

use super::super::error::{Exc, ExcKind, Res};
use super::super::ndarray::NdArray;
use super::super::registry::{Args, Builtin, Ctx};
use super::super::value::Value;
use super::nptools::as_ndarray;
use nereus_engine::coding::Meaning;

/// One element's sort key.
enum Key<'a> {
    Int(i128),
    Float(f64),
    Text(Option<&'a str>),
}

impl Key<'_> {
    /// numpy's order: NaN (and a missing string) after everything; -0.0 equals 0.0.
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Key::Int(a), Key::Int(b)) => a.cmp(b),
            (Key::Float(a), Key::Float(b)) => match (a.is_nan(), b.is_nan()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
            },
            (Key::Text(a), Key::Text(b)) => match (a, b) {
                (Some(a), Some(b)) => a.cmp(b),
                (None, None) => Ordering::Equal,
                (None, _) => Ordering::Greater,
                (_, None) => Ordering::Less,
            },
            _ => Ordering::Equal,
        }
    }
}

/// The elements flattened in C order, their keys, and the positions that sort them.
fn flat_order<'a>(a: &'a NdArray, what: &str) -> Res<(NdArray, Vec<Key<'a>>, Vec<usize>)> {
    let n = a.block.len();
    let block = a
        .block
        .reshaped(&[n])
        .ok_or_else(|| Exc::value_error(format!("{what}: cannot flatten the array")))?;
    let keys: Vec<Key<'a>> = match &a.meaning {
        Meaning::Dates(_) => {
            return Err(Exc::new(
                ExcKind::NotImplementedError,
                format!("{what} of dates is not supported in Nereus"),
            ))
        }
        Meaning::Text(labels) => block
            .iter_i64()
            .map(|c| Key::Text(labels.text(c)))
            .collect(),
        Meaning::Numbers => match block.to_i128() {
            Some(ints) => ints.into_iter().map(Key::Int).collect(),
            None => block.to_f64().iter().map(|&x| Key::Float(x)).collect(),
        },
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| keys[i].cmp(&keys[j]));
    let flat = NdArray {
        block: Arc::new(block),
        meaning: a.meaning.clone(),
        scalar: false,
    };
    Ok((flat, keys, order))
}

/// The elements of `flat` at `positions`, as a new 1-D array of its kind.
fn taken(flat: &NdArray, positions: &[usize]) -> Value {
    Value::NdArray(Arc::new(NdArray {
        block: Arc::new(flat.block.take(0, positions)),
        meaning: flat.meaning.clone(),
        scalar: false,
    }))
}

/// `np.sort(a, axis=-1)`: a sorted copy; 1-D arrays, or any with `axis=None` (flattened).
fn sort(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let a = as_ndarray(ctx, &p.required("a")?)?;
    p.only_defaults(&["kind", "order", "stable"])?;
    let flatten = matches!(p.take("axis"), Some(Value::None));
    if !flatten && a.block.shape().len() != 1 {
        return Err(Exc::new(
            ExcKind::NotImplementedError,
            "np.sort along an axis of a multi-dimensional array is not supported in Nereus (axis=None sorts the flattened values)",
        ));
    }
    let (flat, _, order) = flat_order(&a, "np.sort")?;
    Ok(taken(&flat, &order))
}

/// `np.unique(ar)`: the sorted distinct values of the flattened array (NaN once).
fn unique(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let a = as_ndarray(ctx, &p.required("ar")?)?;
    p.only_defaults(&["return_index", "return_inverse", "return_counts", "axis"])?;
    let (flat, keys, order) = flat_order(&a, "np.unique")?;
    let mut kept: Vec<usize> = Vec::with_capacity(order.len());
    for &i in &order {
        if kept
            .last()
            .is_none_or(|&j| keys[i].cmp(&keys[j]) != Ordering::Equal)
        {
            kept.push(i);
        }
    }
    Ok(taken(&flat, &kept))
}

/// `np.sort` (in the numpy table).
pub(crate) const NP_SORT: Builtin = method!("numpy", "sort", "sort(a, axis=-1, kind=None, order=None, *, stable=None)", sort,
    "A sorted copy of an array (numbers ascending, NaN last; strings by text): 1-D, or flattened with axis=None.");
/// `np.unique` (in the numpy table).
pub(crate) const NP_UNIQUE: Builtin = method!("numpy", "unique", "unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *, equal_nan=True)", unique,
    "The sorted distinct values of an array, flattened (NaN once).");
