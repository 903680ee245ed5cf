//! `.chunk(...)`: the same values tiled by other chunks, lazily, for any plan.
//!
//! The executor tiles a plan by its chunk sizes ([`Plan::chunk_sizes`]), and every tile reads
//! just the source region it covers, stitching the storage chunks it spans. So a rechunk only
//! changes where the plan is split: no data moves when it is built, no temporary store is
//! needed, and memory stays bounded by the tile size. The cost is re-reading a storage chunk
//! that several new chunks cut (read amplification), which storage-aligned chunks avoid.

use super::arith::{lazy_variable, plan_of};
use super::error::{unknown_dim, PlanError};
use super::plan::Rechunk;
use crate::model::DataArray;

/// One dimension's chunks in `.chunk(...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkSpec {
    /// The current chunks (`None` or `"auto"` for the dimension, or a dimension not named).
    Keep,
    /// The whole dimension as one chunk (`-1`).
    Whole,
    /// Chunks of this many elements, the last one shorter; must be positive.
    Size(i64),
    /// Explicit chunk lengths, which must add up to the dimension's length.
    Sizes(Vec<usize>),
}

/// Interior edges of chunks of `sizes` along an axis.
fn edges(sizes: &[usize]) -> Vec<usize> {
    let mut at = 0;
    let mut out: Vec<usize> = sizes
        .iter()
        .map(|&n| {
            at += n;
            at
        })
        .collect();
    out.pop();
    out
}

impl DataArray {
    /// `da.chunk({dim: spec, ...})`: dimensions not named keep their chunks.
    ///
    /// # Errors
    /// An unknown dimension, a size below 1 (but -1), or sizes that do not add up to the
    /// dimension's length.
    pub fn chunk(&self, chunks: &[(String, ChunkSpec)]) -> Result<DataArray, PlanError> {
        let input = plan_of(&self.variable);
        let mut sizes = input.chunk_sizes();
        for (dim, spec) in chunks {
            let axis = self
                .dims()
                .iter()
                .position(|d| d == dim)
                .ok_or_else(|| unknown_dim(dim, self.dims()))?;
            let len = input.shape()[axis];
            sizes[axis] = match spec {
                ChunkSpec::Keep => continue,
                ChunkSpec::Whole | ChunkSpec::Size(-1) => vec![len],
                ChunkSpec::Size(n) => {
                    let n = usize::try_from(*n)
                        .ok()
                        .filter(|&n| n >= 1)
                        .ok_or_else(|| PlanError::BadChunkSize {
                            dim: Some(dim.clone()),
                            size: *n,
                        })?;
                    (0..len).step_by(n).map(|s| n.min(len - s)).collect()
                }
                ChunkSpec::Sizes(given) => {
                    let sum: usize = given.iter().sum();
                    if sum != len || given.contains(&0) {
                        return Err(PlanError::ChunksMismatch {
                            dim: dim.clone(),
                            chunks: given.clone(),
                            size: len,
                        });
                    }
                    given.clone()
                }
            };
        }
        let expr = Rechunk::over(input, sizes.iter().map(|s| edges(s)).collect());
        Ok(DataArray {
            name: self.name.clone(),
            variable: crate::model::Variable {
                attrs: self.variable.attrs.clone(),
                encoding: self.variable.encoding.clone(),
                ..lazy_variable(self.dims().to_vec(), expr)
            },
            coords: self.coords.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_are_interior() {
        assert_eq!(edges(&[4, 4, 4, 1]), vec![4, 8, 12]);
        assert_eq!(edges(&[13]), Vec::<usize>::new());
    }
}
