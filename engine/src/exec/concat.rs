//! Evaluates a concat node over a region: each piece of the region comes from the input that
//! covers it, so a region straddling inputs still works (the chunking avoids it).

use super::elementwise::{eval, prefetch, Reads};
use super::error::ExecError;
use crate::ops::Concat;
use ndarray::{ArrayD, Axis};

/// The input regions covering `start .. start + shape` of the concat's output.
fn regions<'c>(
    c: &'c Concat,
    start: &'c [usize],
    shape: &'c [usize],
) -> impl Iterator<Item = (usize, Vec<usize>, Vec<usize>)> + 'c {
    c.pieces(start[c.axis], shape[c.axis])
        .into_iter()
        .map(move |(i, s, n)| {
            let (mut at, mut len) = (start.to_vec(), shape.to_vec());
            at[c.axis] = s;
            len[c.axis] = n;
            (i, at, len)
        })
}

/// Reads every source region the inputs need for this region.
pub(crate) fn prefetch_concat(
    c: &Concat,
    start: &[usize],
    shape: &[usize],
    reads: &mut Reads,
) -> Result<(), ExecError> {
    for (i, at, len) in regions(c, start, shape) {
        prefetch(&c.inputs[i], &at, &len, reads)?;
    }
    Ok(())
}

/// The region's values, piece by piece.
pub(crate) fn eval_concat(
    c: &Concat,
    start: &[usize],
    shape: &[usize],
    reads: &Reads,
) -> Result<ArrayD<f64>, ExecError> {
    let mut parts = regions(c, start, shape)
        .map(|(i, at, len)| eval(&c.inputs[i], &at, &len, reads))
        .collect::<Result<Vec<_>, _>>()?;
    if parts.len() == 1 {
        return Ok(parts.remove(0));
    }
    let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
    Ok(ndarray::concatenate(Axis(c.axis), &views)
        .unwrap_or_else(|_| unreachable!("pieces agree off the concat axis")))
}
