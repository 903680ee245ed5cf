//! Facts about variables that every repr shows: numpy dtype names, byte sizes, dimension order,
//! which coordinates are indexes, and dask's one-line summary of a lazy array.
//!
//! Metadata only: nothing here reads or formats values.

use indexmap::IndexMap;

use crate::coding::TimeScale;
use crate::model::{Data, Dataset, Variable};

/// numpy's dtype name for a variable (`datetime64[ns]`, or `object` for cftime dates).
pub fn dtype_name(var: &Variable) -> &'static str {
    TimeScale::of(var).map_or_else(|| var.dtype().name(), TimeScale::dtype_name)
}

/// Bytes as xarray writes them (decimal units, no decimals): `15MB`, `768B`, `160kB`.
pub fn human_bytes(n: usize) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    #[allow(clippy::cast_precision_loss, reason = "a rounded display value")]
    let mut x = n as f64;
    let mut unit = UNITS[0];
    for u in UNITS {
        unit = u;
        if x < 1000.0 || u == "EB" {
            break;
        }
        x /= 1000.0;
    }
    format!("{x:.0}{unit}")
}

/// Bytes as dask's array table writes them (binary units, two decimals): `14.65 MiB`, `768 B`.
pub(crate) fn dask_bytes(n: usize) -> String {
    const PREFIXES: [(&str, u32); 5] = [("Pi", 50), ("Ti", 40), ("Gi", 30), ("Mi", 20), ("ki", 10)];
    #[allow(clippy::cast_precision_loss, reason = "a rounded display value")]
    let x = n as f64;
    for (prefix, shift) in PREFIXES {
        let k = f64::from(shift).exp2();
        // dask switches unit at 90% of it, so 1000 kiB shows as 0.98 MiB.
        if x >= k * 0.9 {
            return format!("{:.2} {prefix}B", x / k);
        }
    }
    format!("{n} B")
}

/// Dimension sizes of a dataset in xarray's order: data variables first, then coordinates.
pub fn dataset_dims(ds: &Dataset) -> IndexMap<String, usize> {
    let mut sizes = IndexMap::new();
    for var in ds.data_vars.values().chain(ds.coords.values()) {
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
    fn bytes_like_xarray_and_dask() {
        assert_eq!(human_bytes(768), "768B");
        assert_eq!(human_bytes(160_000), "160kB");
        assert_eq!(human_bytes(15_360_000), "15MB");
        assert_eq!(dask_bytes(768), "768 B");
        assert_eq!(dask_bytes(15_360_000), "14.65 MiB");
        assert_eq!(dask_bytes(1000 * 1024), "0.98 MiB");
    }

    #[test]
    fn tuples_like_python() {
        assert_eq!(tuple_text(&[5]), "(5,)");
        assert_eq!(tuple_text(&[]), "()");
        assert_eq!(tuple_text(&[2, 3]), "(2, 3)");
    }
}
