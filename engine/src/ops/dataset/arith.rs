//! Arithmetic on a Dataset: every data variable in turn, with a number, an array, or the
//! variable of the same name in another dataset, as xarray does.

use crate::model::{drop_conflicts, Attrs, DataArray, Dataset};
use crate::ops::{MapOp, Operand, PlanError};

impl Dataset {
    /// `ds <op> other` (`reflected`: `other <op> ds`) for a number or an array. Lazy.
    pub fn binary(
        &self,
        op: MapOp,
        other: &Operand,
        reflected: bool,
    ) -> Result<Dataset, PlanError> {
        let theirs = match other {
            Operand::Array(a) => Some(a.attrs()),
            _ => None,
        };
        self.combine(op, reflected, theirs, |_| Some(other.clone()))
    }

    /// `ds <op> other` for another dataset: the variables of the same name (names in only one
    /// are dropped, xarray's inner join of variables). Lazy.
    pub fn binary_dataset(
        &self,
        op: MapOp,
        other: &Dataset,
        reflected: bool,
    ) -> Result<Dataset, PlanError> {
        self.combine(op, reflected, Some(&other.attrs), |name| {
            other.array(name).map(Operand::array)
        })
    }

    /// `-ds`, `~ds`: a one-input operation on every data variable. Lazy.
    pub fn unary(&self, op: MapOp) -> Result<Dataset, PlanError> {
        let mut results = Vec::new();
        for name in self.data_vars.keys() {
            if let Some(x) = self.array(name) {
                results.push((name.clone(), x.unary(op)?));
            }
        }
        Ok(self.rebuild(results))
    }

    /// Each data variable `op` the operand `theirs(name)` gives (none: the variable is dropped);
    /// attributes merged from both sides, the dataset's first, conflicts dropped.
    fn combine(
        &self,
        op: MapOp,
        reflected: bool,
        their_attrs: Option<&Attrs>,
        theirs: impl Fn(&str) -> Option<Operand>,
    ) -> Result<Dataset, PlanError> {
        let mut results = Vec::new();
        for name in self.data_vars.keys() {
            let (Some(mine), Some(operand)) = (self.array(name), theirs(name)) else {
                continue;
            };
            let mut result = if reflected {
                mine.binary_reflected(op, &operand)?
            } else {
                mine.binary(op, &operand)?
            };
            result.name = Some(name.clone());
            results.push((name.clone(), result));
        }
        let mut out = self.rebuild(results);
        out.attrs = drop_conflicts(std::iter::once(&self.attrs).chain(their_attrs));
        // xarray builds an arithmetic result coordinates first.
        out.coords_first = true;
        Ok(out)
    }

    /// A dataset from per-variable results: their coordinates (first wins), then this one's
    /// coordinates that still fit the results' dimensions.
    fn rebuild(&self, results: Vec<(String, DataArray)>) -> Dataset {
        let mut out = Dataset {
            attrs: self.attrs.clone(),
            ..Dataset::default()
        };
        for (name, a) in results {
            for (k, c) in &a.coords {
                out.coords.entry(k.clone()).or_insert_with(|| c.clone());
            }
            out.data_vars.insert(name, a.variable);
        }
        let sizes = out.dims();
        for (k, c) in &self.coords {
            let fits = c
                .dims
                .iter()
                .zip(c.shape())
                .all(|(d, n)| sizes.get(d).is_none_or(|&m| m == n));
            if fits && !out.coords.contains_key(k) {
                out.coords.insert(k.clone(), c.clone());
            }
        }
        out
    }
}
