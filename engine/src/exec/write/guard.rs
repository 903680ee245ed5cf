//! The check that `to_zarr(mode="w")` does not delete a store its own values are read from.

use super::error::WriteError;
use crate::model::{Dataset, Variable};
use crate::ops::arith::plan_of;
use std::path::Path;

/// Fails when a lazy variable of `ds` reads an array stored at, inside, or around `target`
/// (compared as canonical paths, so links and `..` do not hide it).
pub(super) fn check_not_read(ds: &Dataset, target: &Path) -> Result<(), WriteError> {
    let Ok(target) = target.canonicalize() else {
        return Ok(()); // nothing there to delete
    };
    let lazy = ds
        .data_vars
        .values()
        .chain(ds.coords.values())
        .filter(|v: &&Variable| !v.data.is_loaded());
    for var in lazy {
        for source in plan_of(var).sources() {
            let Some(dir) = source.location().and_then(|d| d.canonicalize().ok()) else {
                continue;
            };
            if dir.starts_with(&target) || target.starts_with(&dir) {
                return Err(WriteError::ReadsTarget {
                    store: target.display().to_string(),
                    array: source.name().to_owned(),
                });
            }
        }
    }
    Ok(())
}
