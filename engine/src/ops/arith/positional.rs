//! numpy arrays among the operands of element-wise maths: their axes take the trailing
//! dimensions of the result, numpy's broadcasting as xarray applies it (`da - da.values` is
//! element-wise, never an outer product).

use std::sync::Arc;

use indexmap::IndexMap;
use ndarray::Axis;

use super::Operand;
use crate::model::map_block;
use crate::model::{Block, Data, DataArray, Variable};
use crate::ops::error::PlanError;

/// The operands with each numpy array named against `sizes`, the broadcast dimensions of the
/// DataArrays beside them, as an array without coordinates or attributes. Without DataArrays
/// the result is numpy's alone: `sizes` becomes numpy's broadcast shape over dimensions
/// `dim_0, dim_1, ...`.
pub(super) fn name_axes(
    operands: &[Operand],
    sizes: &mut IndexMap<String, usize>,
) -> Result<Vec<Operand>, PlanError> {
    let blocks: Vec<&Arc<Block>> = operands
        .iter()
        .filter_map(|o| match o {
            Operand::Positional(b) => Some(b),
            _ => None,
        })
        .collect();
    if blocks.is_empty() {
        return Ok(operands.to_vec());
    }
    if sizes.is_empty() {
        *sizes = numpy_frame(&blocks)?;
    }
    let frame: Vec<(&String, usize)> = sizes.iter().map(|(d, &n)| (d, n)).collect();
    operands
        .iter()
        .map(|o| match o {
            Operand::Positional(block) => on_frame(block, &frame).map(Operand::array),
            other => Ok(other.clone()),
        })
        .collect()
}

/// numpy's broadcast shape of the blocks, as dimensions `dim_0, dim_1, ...`.
fn numpy_frame(blocks: &[&Arc<Block>]) -> Result<IndexMap<String, usize>, PlanError> {
    let ndim = blocks.iter().map(|b| b.shape().len()).max().unwrap_or(0);
    let mut shape = vec![1; ndim];
    for block in blocks {
        let offset = ndim - block.shape().len();
        for (axis, &n) in block.shape().iter().enumerate() {
            let size = &mut shape[offset + axis];
            if *size == 1 {
                *size = n;
            } else if n != 1 && n != *size {
                return Err(PlanError::NotBroadcastable {
                    shapes: blocks.iter().map(|b| b.shape().to_vec()).collect(),
                });
            }
        }
    }
    Ok(shape
        .into_iter()
        .enumerate()
        .map(|(i, n)| (format!("dim_{i}"), n))
        .collect())
}

/// One block as a DataArray over the trailing dimensions of `frame`; axes of length one
/// against a longer dimension are dropped, so they broadcast by name.
fn on_frame(block: &Arc<Block>, frame: &[(&String, usize)]) -> Result<DataArray, PlanError> {
    let shape = block.shape();
    if shape.len() > frame.len() {
        return Err(PlanError::TooManyAxes {
            dims: frame.iter().map(|(d, _)| (*d).clone()).collect(),
            ndim: shape.len(),
        });
    }
    let whole: Vec<usize> = frame.iter().map(|&(_, n)| n).collect();
    let frame = &frame[frame.len() - shape.len()..];
    let mut dims = Vec::with_capacity(shape.len());
    let mut dropped = Vec::new();
    for (axis, (&len, &(dim, size))) in shape.iter().zip(frame).enumerate() {
        if len == size {
            dims.push(dim.clone());
        } else if len == 1 {
            dropped.push(axis);
        } else if size == 1 {
            return Err(PlanError::StretchByNumpy {
                dim: dim.clone(),
                len,
            });
        } else {
            return Err(PlanError::NotBroadcastable {
                shapes: vec![whole, shape.to_vec()],
            });
        }
    }
    let block = if dropped.is_empty() {
        Arc::clone(block)
    } else {
        // Highest axis first, so the lower axes keep their numbers.
        Arc::new(map_block!(block.as_ref().clone(), a => dropped
            .iter()
            .rev()
            .fold(a, |a, &axis| a.index_axis_move(Axis(axis), 0))))
    };
    Ok(DataArray {
        name: None,
        variable: Variable::new(dims, Data::Memory(block)),
        coords: IndexMap::new(),
    })
}
