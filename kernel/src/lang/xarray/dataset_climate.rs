//! The climate operations of a Dataset as the language holds them: `groupby`, `resample`,
//! `rolling`, `coarsen` and `weighted` objects (built and reduced by `ops::dataset`), with
//! their class, type name and repr.

use super::super::error::{Exc, Res};
use super::super::registry::Class;
use super::super::value::Value;
use super::coarsen::{DATASET_COARSEN, DATASET_WEIGHTED};
use nereus_engine::model::{DataArray, Dataset};
use nereus_engine::ops::dataset::{
    DatasetCoarsen, DatasetGroupBy, DatasetOperand, DatasetRolling, DatasetWeighted,
};
use nereus_engine::ops::{Boundary, GroupBy, MapOp, ReduceOp};
use nereus_engine::repr::text;

/// A Dataset waiting for a reduction (or, grouped, for arithmetic).
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "built once per call and held behind an Arc"
)]
pub(crate) enum DatasetOp {
    /// `ds.groupby(key)` or `ds.resample(dim=freq)`.
    GroupBy(DatasetGroupBy),
    /// `ds.rolling(dim=window)`.
    Rolling(DatasetRolling),
    /// `ds.coarsen(dim=window, ...)`.
    Coarsen(DatasetCoarsen),
    /// `ds.weighted(weights)`.
    Weighted(DatasetWeighted),
}

impl DatasetOp {
    /// `ds.groupby(key)`.
    pub(crate) fn groupby(ds: &Dataset, key: &str) -> Res<Self> {
        Ok(Self::GroupBy(ds.groupby(key)?))
    }

    /// `ds.resample(dim=freq)`.
    pub(crate) fn resample(ds: &Dataset, dim: &str, freq: &str) -> Res<Self> {
        Ok(Self::GroupBy(ds.resample(dim, freq)?))
    }

    /// `ds.rolling(dim=window, center=..., min_periods=...)`.
    pub(crate) fn rolling(
        ds: &Dataset,
        dim: &str,
        window: i64,
        center: bool,
        min_periods: Option<i64>,
    ) -> Res<Self> {
        Ok(Self::Rolling(ds.rolling(
            dim,
            window,
            center,
            min_periods,
        )?))
    }

    /// `ds.coarsen(dim=window, ..., boundary=..., side=...)`.
    pub(crate) fn coarsen(
        ds: &Dataset,
        windows: &[(String, i64)],
        boundary: Boundary,
        side: &str,
    ) -> Res<Self> {
        Ok(Self::Coarsen(ds.coarsen(windows, boundary, side)?))
    }

    /// `ds.weighted(weights)`, the weights in memory.
    pub(crate) fn weighted(ds: &Dataset, weights: &DataArray) -> Res<Self> {
        Ok(Self::Weighted(ds.weighted(weights)?))
    }

    /// The grouping, for a groupby or resample.
    pub(crate) fn grouping(&self) -> Option<&GroupBy> {
        match self {
            Self::GroupBy(g) => Some(&g.groupby),
            _ => None,
        }
    }

    /// xarray's class name.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Self::GroupBy(g) if g.groupby.is_resample() => "DatasetResample",
            Self::GroupBy(..) => "DatasetGroupBy",
            Self::Rolling(..) => "DatasetRolling",
            Self::Coarsen(..) => "DatasetCoarsen",
            Self::Weighted(..) => "DatasetWeighted",
        }
    }

    /// The registry class: its methods, for calls, completion and help.
    pub(crate) fn class(&self) -> &'static Class {
        match self {
            Self::GroupBy(..) => &super::DATASET_GROUPBY,
            Self::Rolling(..) => &super::DATASET_ROLLING,
            Self::Coarsen(..) => &DATASET_COARSEN,
            Self::Weighted(..) => &DATASET_WEIGHTED,
        }
    }

    /// xarray's repr.
    pub(crate) fn repr(&self) -> String {
        match self {
            Self::GroupBy(g) => text::groupby("Dataset", &g.groupby),
            Self::Rolling(r) => text::rolling("Dataset", &r.rolling),
            Self::Coarsen(c) => text::coarsen("Dataset", &c.coarsen),
            Self::Weighted(w) => text::weighted("Dataset", w.weights.dims()),
        }
    }

    fn mismatch(&self, what: &str) -> Exc {
        Exc::type_error(format!("{}.{what} is not available", self.type_name()))
    }

    /// `.mean()`, `.sum()`, ... of each group.
    pub(crate) fn reduce_groups(
        &self,
        op: ReduceOp,
        skipna: Option<bool>,
        ddof: u32,
    ) -> Res<Value> {
        let Self::GroupBy(g) = self else {
            return Err(self.mismatch(op.name()));
        };
        Ok(g.reduce(op, skipna, ddof)?.into())
    }

    /// `.mean()`, `.sum()`, ... of each window.
    pub(crate) fn reduce_windows(&self, op: ReduceOp) -> Res<Value> {
        let out = match self {
            Self::Rolling(r) => r.reduce(op)?,
            Self::Coarsen(c) => c.reduce(op)?,
            _ => return Err(self.mismatch(op.name())),
        };
        Ok(out.into())
    }

    /// The weighted `.mean(dim)` or `.sum(dim)`.
    pub(crate) fn reduce_weighted(
        &self,
        mean: bool,
        dims: Option<&[String]>,
        skipna: Option<bool>,
    ) -> Res<Value> {
        let Self::Weighted(w) = self else {
            return Err(self.mismatch(if mean { "mean" } else { "sum" }));
        };
        Ok(w.reduce(mean, dims, skipna)?.into())
    }

    /// `gb <op> other` (or `other <op> gb` when `reflected`) for a grouped Dataset.
    pub(crate) fn group_binary(&self, op: MapOp, other: &Value, reflected: bool) -> Res<Value> {
        let Self::GroupBy(g) = self else {
            return Err(self.mismatch("arithmetic"));
        };
        let other = match other {
            Value::DataArray(o) => DatasetOperand::Array(o),
            Value::Dataset(o) => DatasetOperand::Dataset(o),
            _ => {
                return Err(Exc::type_error(
                    "GroupBy objects only support binary ops when the other argument is a Dataset or DataArray",
                ))
            }
        };
        Ok(g.binary(op, other, reflected)?.into())
    }
}
