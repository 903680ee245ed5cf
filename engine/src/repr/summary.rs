//! Facts about variables that every repr shows: numpy dtype names, byte sizes, dimension order,
//! which coordinates are indexes, and dask's one-line summary of a lazy array.
//!
//! Metadata only: nothing here reads or formats values.

use indexmap::IndexMap;

use crate::coding::Meaning;
use crate::model::{Data, Dataset, Variable};

/// numpy's dtype name for a variable (`datetime64[ns]`, `object` for cftime dates and
/// strings, `<U3` for fixed-width strings).
pub fn dtype_name(var: &Variable) -> &'static str {
    Meaning::of(var)
        .dtype_name()
        .unwrap_or_else(|| var.dtype().name())
}

/// Dimension sizes of a dataset in xarray's order: data variables first, then coordinates
/// (coordinates first for the results of operations xarray builds that way).
pub fn dataset_dims(ds: &Dataset) -> IndexMap<String, usize> {
    let mut sizes = IndexMap::new();
    let (first, second) = if ds.coords_first {
        (&ds.coords, &ds.data_vars)
    } else {
        (&ds.data_vars, &ds.coords)
    };
    for var in first.values().chain(second.values()) {
        for (d, n) in var.dims.iter().zip(var.shape()) {
            sizes.entry(d.clone()).or_insert(n);
        }
    }
    sizes
}

/// Whether coordinate `name` is an index coordinate (1-D along a dimension of its own name).
pub fn is_index(name: &str, var: &Variable) -> bool {
    var.dims.len() == 1 && var.dims[0] == name
}

/// A shape as Python prints a tuple: `(96, 200, 200)`, `(5,)`, `()`.
pub(crate) fn tuple_text(shape: &[usize]) -> String {
    if let [n] = shape {
        return format!("({n},)");
    }
    let parts: Vec<String> = shape.iter().map(usize::to_string).collect();
    format!("({})", parts.join(", "))
}

/// `dask.array<chunksize=(48, 100, 100), meta=np.ndarray>` for a lazy variable: xarray's
/// `inline_dask_repr` names the first chunk along each axis.
pub fn dask_inline(var: &Variable) -> Option<String> {
    let Data::Lazy(l) = &var.data else {
        return None;
    };
    let chunk: Vec<usize> = l
        .chunks()
        .iter()
        .map(|c| c.first().copied().unwrap_or(0))
        .collect();
    Some(format!(
        "dask.array<chunksize={}, meta=np.ndarray>",
        tuple_text(&chunk)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tuples_like_python() {
        assert_eq!(tuple_text(&[5]), "(5,)");
        assert_eq!(tuple_text(&[]), "()");
        assert_eq!(tuple_text(&[2, 3]), "(2, 3)");
    }
}
