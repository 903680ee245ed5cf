//! The check that a plan's result, with the working memory computing it takes, fits the
//! memory budget: made before anything is allocated, so a too-large result is a `MemoryError`.

use super::cells::{ExtremeCell, MomentCell, SumCell};
use super::ExecConfig;
use crate::model::memory::{bytes_of, check, OutOfMemory};
use crate::model::shape_text;
use crate::ops::{Node, Plan};
use std::mem::size_of;

/// Refuses to compute `expr` when its result, with the working memory that result needs
/// (reduction accumulators, the float64 values a reduction produces), exceeds the budget.
pub(super) fn check_result(expr: &Plan, config: &ExecConfig) -> Result<(), OutOfMemory> {
    let item = expr.dtype().size();
    let cells = [
        size_of::<SumCell>(),
        size_of::<MomentCell>(),
        size_of::<ExtremeCell<true>>(),
    ];
    let per_element = match &expr.node {
        Node::Reduce { .. } | Node::GroupReduce(_) | Node::Along(_) => {
            // Accumulators and their float64 finish live together, then the values and the
            // block of the result's dtype.
            8 + cells.into_iter().max().unwrap_or(8).max(item)
        }
        _ => item,
    };
    check(
        bytes_of(expr.shape(), per_element),
        config.result_budget,
        || {
            format!(
                "computing an array of shape {} and data type {}",
                shape_text(expr.shape()),
                expr.dtype().name()
            )
        },
    )
}
