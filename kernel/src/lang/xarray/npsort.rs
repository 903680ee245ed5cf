//! Sorting in numpy's order (numbers ascending with NaN last, integers exactly, dates with NaT
//! last, strings by their text): `np.sort` and `np.unique` of computed values, and xarray's
//! `sortby` along a 1-D coordinate.
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
use super::convert::load;
use super::methods::this_array;
use super::nptools::as_ndarray;
use nereus_engine::coding::{Meaning, NAT};
use nereus_engine::model::{Data, DataArray};
use nereus_engine::ops::Indexer;

/// One element's sort key.
enum Key<'a> {
    Int(i128),
    Float(f64),
    Text(Option<&'a str>),
}

impl Key<'_> {
    /// NaN, NaT or a missing string.
    fn is_missing(&self) -> bool {
        match self {
            Key::Int(v) => *v == i128::MAX,
            Key::Float(x) => x.is_nan(),
            Key::Text(t) => t.is_none(),
        }
    }

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
        // Ticks order as dates do; NaT (the smallest tick) sorts last, as numpy puts it.
        Meaning::Dates(_) => block
            .iter_i64()
            .map(|t| Key::Int(if t == NAT { i128::MAX } else { i128::from(t) }))
            .collect(),
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

/// `sortby(variables, ascending=True)`: the object reordered along the dimension of a 1-D
/// coordinate (a name, or a 1-D DataArray) so its values ascend (numpy's stable order, NaN
/// last) or descend (that order reversed, as xarray reverses it).
pub(crate) fn sortby(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let key = match p.required("variables")? {
        Value::List(items) | Value::Tuple(items) if items.len() == 1 => items[0].clone(),
        Value::List(_) | Value::Tuple(_) => {
            return Err(Exc::new(
                ExcKind::NotImplementedError,
                "sortby with several variables is not supported in Nereus: give one",
            ))
        }
        one => one,
    };
    let ascending = match p.take("ascending") {
        None => true,
        Some(v) => super::truth(ctx, &v)?,
    };
    let missing = |name: &str| Exc::new(ExcKind::KeyError, format!("{name:?}"));
    let variable = match (&recv, &key) {
        (_, Value::DataArray(a)) => a.variable.clone(),
        (Value::Dataset(ds), Value::Str(name)) => {
            ds.array(name).ok_or_else(|| missing(name))?.variable
        }
        (other, Value::Str(name)) => this_array(other, "sortby")?
            .coords
            .get(&**name)
            .cloned()
            .ok_or_else(|| missing(name))?,
        (_, other) => {
            return Err(Exc::type_error(format!(
                "sortby needs a variable name or a DataArray, not {}",
                other.type_name()
            )))
        }
    };
    let [dim] = variable.dims.as_slice() else {
        return Err(Exc::new(
            ExcKind::NotImplementedError,
            "sortby with a variable of more or fewer than one dimension is not supported in Nereus",
        ));
    };
    let dim = dim.clone();
    // A DataArray key must line up with the object position by position: xarray aligns it
    // by label first, which Nereus does not do here.
    let size = match &recv {
        Value::Dataset(ds) => ds.dims().get(&dim).copied(),
        other => this_array(other, "sortby")?.sizes().get(&dim).copied(),
    };
    let index_of = |v: &Value| -> Option<nereus_engine::model::Variable> {
        match v {
            Value::Dataset(ds) => ds.coords.get(&dim).cloned(),
            Value::DataArray(a) => a.coords.get(&dim).cloned(),
            _ => None,
        }
    };
    let same_index = match (index_of(&recv), index_of(&key)) {
        (Some(ours), Some(theirs)) => match (&ours.data, &theirs.data) {
            (Data::Memory(mine), Data::Memory(other)) => mine == other,
            _ => false,
        },
        _ => true,
    };
    if size != Some(variable.size()) || !same_index {
        return Err(Exc::new(
            ExcKind::NotImplementedError,
            format!("sortby with a key that does not match the object along {dim:?} position by position is not supported in Nereus (xarray aligns it by label first)"),
        ));
    }
    let by = DataArray {
        name: None,
        variable,
        coords: indexmap::IndexMap::new(),
    };
    let values = super::super::ndarray::ndarray_of(&load(ctx, &by)?.variable)
        .ok_or_else(|| Exc::new(ExcKind::RuntimeError, "the sort key was not computed"))?;
    let (_, keys, mut order) = flat_order(&values, "sortby")?;
    if !ascending {
        // xarray keeps missing values last when descending too: the others reversed, then
        // the missing ones reversed (its lexsort on notnull, then the values, read backwards).
        let (mut missing, mut present): (Vec<usize>, Vec<usize>) =
            order.into_iter().partition(|&i| keys[i].is_missing());
        present.reverse();
        missing.reverse();
        present.extend(missing);
        order = present;
    }
    let positions = order
        .into_iter()
        .map(|i| i64::try_from(i).unwrap_or(i64::MAX))
        .collect();
    let indexers = [(dim, Indexer::List(positions))];
    match &recv {
        Value::Dataset(ds) => ds.isel(&indexers).map(Value::from).map_err(Exc::from),
        other => this_array(other, "sortby")?
            .isel(&indexers)
            .map(Value::from)
            .map_err(Exc::from),
    }
}

/// `np.sort` (in the numpy table).
pub(crate) const NP_SORT: Builtin = method!("numpy", "sort", "sort(a, axis=-1, kind=None, order=None, *, stable=None)", sort,
    "A sorted copy of an array (numbers ascending, NaN last; strings by text): 1-D, or flattened with axis=None.");
/// `np.unique` (in the numpy table).
pub(crate) const NP_UNIQUE: Builtin = method!("numpy", "unique", "unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *, equal_nan=True)", unique,
    "The sorted distinct values of an array, flattened (NaN once).");
