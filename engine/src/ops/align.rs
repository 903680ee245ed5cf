//! Label-based alignment, as xarray's `align` and the `arithmetic_join="inner"` of binary
//! operations: operands are selected (lazily) to common labels along their indexed dimensions.
//!
//! Equal indexes, the common case, plan nothing. Reindexing to labels an operand lacks (outer,
//! left and right joins) fills the gaps with NaN through a lazy `where`.

mod merge;

pub(crate) use merge::{merge_coords, same_values};

use super::arith::{lazy_variable, map_node, plan_of};
use super::error::PlanError;
use super::plan::{MapOp, Node, Plan, Sel};
use super::select::select_variable;
use crate::coding::TimeScale;
use crate::model::{Block, DType, Data, DataArray, Labels, Variable};
use indexmap::IndexMap;
use ndarray::{Array1, ArrayD, Axis, IxDyn};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// How `align` combines the indexes of its arguments (xarray's `join`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Join {
    /// Labels present in every argument, in the first one's order (the arithmetic default).
    #[default]
    Inner,
    /// Labels present in any argument, sorted; values an argument lacks become NaN.
    Outer,
    /// The first indexed argument's labels; values an argument lacks become NaN.
    Left,
    /// The last indexed argument's labels; values an argument lacks become NaN.
    Right,
    /// Labels must already be equal; anything else is an error.
    Exact,
}

impl Join {
    /// The join named as xarray spells it (`"inner"`, `"outer"`, `"left"`, `"right"`, `"exact"`).
    pub fn parse(name: &str) -> Option<Join> {
        Some(match name {
            "inner" => Join::Inner,
            "outer" => Join::Outer,
            "left" => Join::Left,
            "right" => Join::Right,
            "exact" => Join::Exact,
            _ => return None,
        })
    }
}

/// A label as a hashable key: integers exactly, floats by their bits (one NaN, and -0 as 0, so
/// that NaN labels match each other as they do in pandas).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Int(i64),
    Float(u64),
}

impl Key {
    fn float(x: f64) -> Key {
        Key::Float(if x.is_nan() {
            f64::NAN.to_bits()
        } else if x == 0.0 {
            0
        } else {
            x.to_bits()
        })
    }

    /// The same label as a float key, to compare integer with float indexes.
    #[allow(clippy::cast_precision_loss)] // integer labels beyond 2^53 are not realistic
    fn as_float(self) -> Key {
        match self {
            Key::Int(i) => Key::float(i as f64),
            f @ Key::Float(_) => f,
        }
    }

    /// pandas' sort order: by value, NaN last.
    fn order(self, other: Key) -> Ordering {
        match (self, other) {
            (Key::Int(a), Key::Int(b)) => a.cmp(&b),
            (a, b) => a.value().total_cmp(&b.value()),
        }
    }

    #[allow(clippy::cast_precision_loss)]
    fn value(self) -> f64 {
        match self {
            Key::Int(i) => i as f64,
            Key::Float(bits) => f64::from_bits(bits),
        }
    }
}

/// The keys of an in-memory 1-D coordinate, and whether they are floats.
fn keys_of(block: &Block) -> (Vec<Key>, bool) {
    let ints = |it: &mut dyn Iterator<Item = i64>| it.map(Key::Int).collect();
    match block {
        Block::Bool(a) => (ints(&mut a.iter().map(|&x| i64::from(x))), false),
        Block::I8(a) => (ints(&mut a.iter().map(|&x| i64::from(x))), false),
        Block::I16(a) => (ints(&mut a.iter().map(|&x| i64::from(x))), false),
        Block::I32(a) => (ints(&mut a.iter().map(|&x| i64::from(x))), false),
        Block::I64(a) => (ints(&mut a.iter().copied()), false),
        Block::U8(a) => (ints(&mut a.iter().map(|&x| i64::from(x))), false),
        Block::U16(a) => (ints(&mut a.iter().map(|&x| i64::from(x))), false),
        Block::U32(a) => (ints(&mut a.iter().map(|&x| i64::from(x))), false),
        Block::U64(a) => {
            #[allow(clippy::cast_precision_loss)]
            let keys = a
                .iter()
                .map(|&x| i64::try_from(x).map_or_else(|_| Key::float(x as f64), Key::Int))
                .collect();
            (keys, false)
        }
        Block::F32(a) => (a.iter().map(|&x| Key::float(f64::from(x))).collect(), true),
        Block::F64(a) => (a.iter().map(|&x| Key::float(x)).collect(), true),
    }
}

/// The index of `dim` in `da`: its 1-D coordinate named `dim`, when in memory (indexes always
/// are: `open_zarr` loads them and selections keep them loaded).
fn index_of<'a>(da: &'a DataArray, dim: &str) -> Option<(&'a Variable, &'a Arc<Block>)> {
    let coord = da.coords.get(dim)?;
    match &coord.data {
        Data::Memory(block) if coord.dims.len() == 1 && coord.dims[0] == dim => {
            Some((coord, block))
        }
        _ => None,
    }
}

/// One argument's index along the dimension being aligned.
struct Member<'a> {
    array: usize,
    coord: &'a Variable,
    keys: Vec<Key>,
}

/// What aligning one dimension does to one argument.
#[derive(Debug, Clone)]
enum Action {
    /// Select these positions (every target label is present).
    Select(Sel),
    /// Take these positions, NaN where the label is missing.
    Reindex(Vec<Option<usize>>),
}

/// Per argument, per dimension: the action and the target index coordinate.
type Actions = Vec<IndexMap<String, (Action, Variable)>>;

/// Aligns data arrays on their indexed dimensions as `xr.align(*arrays, join=join)` does.
///
/// Dimensions without an index on any argument must have equal sizes. Only arguments whose labels
/// differ from the target are touched, and lazily: selected (inner) or reindexed with NaN.
pub fn align(arrays: &[DataArray], join: Join) -> Result<Vec<DataArray>, PlanError> {
    let mut dims: Vec<&String> = Vec::new();
    for a in arrays {
        for d in a.dims() {
            if !dims.contains(&d) {
                dims.push(d);
            }
        }
    }
    let mut plan: Actions = vec![IndexMap::new(); arrays.len()];
    let mut not_equal = Vec::new();
    for dim in dims {
        if !align_dim(arrays, dim, join, &mut plan)? {
            not_equal.push(dim.clone());
        }
    }
    if !not_equal.is_empty() {
        return Err(PlanError::NotAligned { dims: not_equal });
    }
    Ok(arrays
        .iter()
        .zip(plan)
        .map(|(a, actions)| apply_plan(a, actions))
        .collect())
}

/// Plans the alignment of `dim`; `Ok(false)` when `join` is exact and the labels differ.
fn align_dim(
    arrays: &[DataArray],
    dim: &str,
    join: Join,
    plan: &mut Actions,
) -> Result<bool, PlanError> {
    let mut members: Vec<Member<'_>> = Vec::new();
    let mut blocks: Vec<&Arc<Block>> = Vec::new();
    let mut plain_sizes: Vec<usize> = Vec::new();
    for (i, a) in arrays.iter().enumerate() {
        if let Some((coord, block)) = index_of(a, dim) {
            members.push(Member {
                array: i,
                coord,
                keys: Vec::new(),
            });
            blocks.push(block);
        } else if let Some(n) = a.variable.dim_size(dim) {
            plain_sizes.push(n);
        }
    }
    let mismatch = |mut sizes: Vec<usize>, index_size: Option<usize>| {
        sizes.extend(index_size);
        sizes.sort_unstable();
        sizes.dedup();
        PlanError::SizeMismatch {
            dim: dim.to_owned(),
            sizes,
            index_size,
        }
    };
    let check_plain = |n: usize| {
        if plain_sizes.iter().all(|&m| m == n) {
            Ok(())
        } else {
            Err(mismatch(plain_sizes.clone(), Some(n)))
        }
    };
    if members.is_empty() {
        return match plain_sizes.first() {
            Some(&n) if plain_sizes.iter().any(|&m| m != n) => Err(mismatch(plain_sizes, None)),
            _ => Ok(true),
        };
    }
    // The common case: every index is the very same block (one dataset), so nothing to do.
    if blocks.iter().all(|b| Arc::ptr_eq(b, blocks[0])) {
        return check_plain(blocks[0].len()).map(|()| true);
    }
    let calendars: HashSet<Option<TimeScale>> = members
        .iter()
        .map(|m| TimeScale::of(m.coord).map(TimeScale::normalized))
        .collect();
    if calendars.len() > 1 {
        return Err(PlanError::IncompatibleIndexes {
            dim: dim.to_owned(),
            why: "one index holds times and another numbers, or times in different calendars"
                .to_owned(),
        });
    }
    // Strings align by their codes only when every index codes them with one table.
    let tables: Vec<Option<Labels>> = members.iter().map(|m| Labels::of(m.coord)).collect();
    if tables.iter().any(|t| t != &tables[0]) {
        return Err(PlanError::IncompatibleIndexes {
            dim: dim.to_owned(),
            why: "aligning string labels with other labels is not supported in Nereus".to_owned(),
        });
    }
    let mut any_float = false;
    for (m, block) in members.iter_mut().zip(&blocks) {
        let (keys, float) = keys_of(block);
        m.keys = keys;
        any_float |= float;
    }
    if any_float {
        for m in &mut members {
            m.keys = m.keys.iter().map(|k| k.as_float()).collect();
        }
    }
    if members.iter().all(|m| m.keys == members[0].keys) {
        return check_plain(members[0].keys.len()).map(|()| true);
    }
    if join == Join::Exact {
        return Ok(false);
    }
    if members.iter().any(|m| has_duplicates(&m.keys)) {
        return Err(PlanError::DuplicateLabels {
            dim: dim.to_owned(),
        });
    }
    let (target, coord) = target(&members, join, dim);
    check_plain(target.len())?;
    for m in &members {
        if m.keys == target {
            continue;
        }
        let at: HashMap<Key, usize> = m.keys.iter().enumerate().map(|(i, &k)| (k, i)).collect();
        let positions: Vec<Option<usize>> = target.iter().map(|k| at.get(k).copied()).collect();
        let action = match positions.iter().copied().collect::<Option<Vec<usize>>>() {
            Some(all) => Action::Select(compact(all)),
            None => Action::Reindex(positions),
        };
        plan[m.array].insert(dim.to_owned(), (action, coord.clone()));
    }
    Ok(true)
}

fn has_duplicates(keys: &[Key]) -> bool {
    let mut seen = HashSet::with_capacity(keys.len());
    !keys.iter().all(|k| seen.insert(*k))
}

/// The target labels of a join and the index coordinate that holds them.
fn target(members: &[Member<'_>], join: Join, dim: &str) -> (Vec<Key>, Variable) {
    let (first, last) = (&members[0], &members[members.len() - 1]);
    match join {
        Join::Left | Join::Exact => (first.keys.clone(), first.coord.clone()),
        Join::Right => (last.keys.clone(), last.coord.clone()),
        Join::Inner => {
            let mut keys = first.keys.clone();
            for m in &members[1..] {
                let have: HashSet<Key> = m.keys.iter().copied().collect();
                keys.retain(|k| have.contains(k));
            }
            let at: HashMap<Key, usize> = first
                .keys
                .iter()
                .enumerate()
                .map(|(i, &k)| (k, i))
                .collect();
            let positions = keys.iter().filter_map(|k| at.get(k).copied()).collect();
            let sel = IndexMap::from([(dim.to_owned(), compact(positions))]);
            (keys, select_variable(first.coord, &sel))
        }
        Join::Outer => {
            let mut from: IndexMap<Key, (usize, usize)> = IndexMap::new();
            for (n, m) in members.iter().enumerate() {
                for (p, &k) in m.keys.iter().enumerate() {
                    from.entry(k).or_insert((n, p));
                }
            }
            from.sort_by(|a, _, b, _| a.order(*b));
            let picks: Vec<(usize, usize)> = from.values().copied().collect();
            let coord = gather(members, &picks);
            (from.into_keys().collect(), coord)
        }
    }
}

/// A 1-D coordinate made of `picks` (member, position) of the members' coordinates.
fn gather(members: &[Member<'_>], picks: &[(usize, usize)]) -> Variable {
    let blocks: Vec<&Block> = members
        .iter()
        .filter_map(|m| match &m.coord.data {
            Data::Memory(b) => Some(b.as_ref()),
            Data::Lazy(_) => None,
        })
        .collect();
    let block = if blocks.iter().all(|b| matches!(b, Block::I64(_))) {
        // Exact for int64 labels and datetime ticks, which f64 would round.
        let values: Vec<i64> = picks
            .iter()
            .map(|&(m, p)| match blocks.get(m) {
                Some(Block::I64(a)) => a.get(IxDyn(&[p])).copied().unwrap_or(0),
                _ => 0,
            })
            .collect();
        Block::I64(Array1::from(values).into_dyn())
    } else {
        let floats: Vec<ArrayD<f64>> = blocks.iter().map(|b| b.to_f64()).collect();
        let values: Vec<f64> = picks
            .iter()
            .map(|&(m, p)| {
                floats
                    .get(m)
                    .and_then(|a| a.get(IxDyn(&[p])))
                    .copied()
                    .unwrap_or(f64::NAN)
            })
            .collect();
        let dtype = blocks[0].dtype();
        let same = blocks.iter().all(|b| b.dtype() == dtype);
        let dtype = if same { dtype } else { DType::F64 };
        Block::from_f64(Array1::from(values).into_dyn(), dtype)
    };
    Variable {
        data: Data::Memory(Arc::new(block)),
        ..members[0].coord.clone()
    }
}

/// Positions as a range when they step evenly forward (which keeps the chunk structure), else
/// as a list.
fn compact(positions: Vec<usize>) -> Sel {
    match positions.as_slice() {
        [] => Sel::Range {
            start: 0,
            step: 1,
            len: 0,
        },
        [only] => Sel::Range {
            start: *only,
            step: 1,
            len: 1,
        },
        [a, b, ..]
            if b > a
                && positions
                    .windows(2)
                    .all(|w| w[1] > w[0] && w[1] - w[0] == b - a) =>
        {
            Sel::Range {
                start: *a,
                step: b - a,
                len: positions.len(),
            }
        }
        _ => Sel::List(positions),
    }
}

/// Applies one argument's planned actions: one selection for all dims, then reindexes.
fn apply_plan(a: &DataArray, actions: IndexMap<String, (Action, Variable)>) -> DataArray {
    if actions.is_empty() {
        return a.clone();
    }
    let selections: IndexMap<String, Sel> = actions
        .iter()
        .filter_map(|(d, (act, _))| match act {
            Action::Select(s) => Some((d.clone(), s.clone())),
            Action::Reindex(_) => None,
        })
        .collect();
    let mut out = a.select(&selections);
    for (dim, (act, coord)) in actions {
        if let Action::Reindex(positions) = &act {
            out.variable = reindex_variable(&out.variable, &dim, positions);
            for c in out.coords.values_mut() {
                *c = reindex_variable(c, &dim, positions);
            }
        }
        out.coords.insert(dim, coord);
    }
    out
}

/// Takes `positions` along `dim`, with the missing value (NaN, NaT for times, no label for
/// strings) where `None`.
fn reindex_variable(var: &Variable, dim: &str, positions: &[Option<usize>]) -> Variable {
    let Some(axis) = var.dims.iter().position(|d| d == dim) else {
        return var.clone();
    };
    let data = match &var.data {
        Data::Memory(block) => {
            let block = match block.as_ref() {
                Block::I64(a) if var.calendar().is_some() => {
                    Block::I64(fill_take(a, axis, positions, i64::MIN))
                }
                // A missing string is NaN in xarray's object arrays: a code in no table.
                Block::I64(a) if Labels::of(var).is_some() => {
                    Block::I64(fill_take(a, axis, positions, -1))
                }
                Block::F32(a) => Block::F32(fill_take(a, axis, positions, f32::NAN)),
                other => Block::F64(fill_take(&other.to_f64(), axis, positions, f64::NAN)),
            };
            Data::Memory(Arc::new(block))
        }
        Data::Lazy(_) => {
            let input = plan_of(var);
            let mut shape = input.shape().to_vec();
            shape[axis] = positions.len();
            let nan = || {
                (
                    Plan::new(Node::Scalar(f64::NAN), Vec::new(), DType::F64),
                    Vec::new(),
                )
            };
            let values = if input.shape()[axis] == 0 {
                nan()
            } else {
                let picks = positions.iter().map(|p| p.unwrap_or(0)).collect();
                let sel = Sel::take(input.shape(), axis, picks);
                let dtype = input.dtype();
                let picked = Plan::new(Node::Select { input, sel }, shape.clone(), dtype);
                (picked, (0..shape.len()).collect())
            };
            let mask: Vec<bool> = positions.iter().map(Option::is_some).collect();
            let mask = Array1::from(mask).into_dyn();
            let mask = (Plan::memory(Arc::new(Block::Bool(mask))), vec![axis]);
            let expr = map_node(MapOp::Where, vec![mask, values, nan()], shape);
            return Variable {
                attrs: var.attrs.clone(),
                encoding: var.encoding.clone(),
                ..lazy_variable(var.dims.clone(), expr)
            };
        }
    };
    Variable {
        data,
        ..var.clone()
    }
}

fn fill_take<T: Clone>(
    a: &ArrayD<T>,
    axis: usize,
    positions: &[Option<usize>],
    fill: T,
) -> ArrayD<T> {
    let mut shape = a.shape().to_vec();
    shape[axis] = positions.len();
    let mut out = ArrayD::from_elem(IxDyn(&shape), fill);
    for (j, p) in positions.iter().enumerate() {
        if let Some(&p) = p.as_ref().filter(|&&p| p < a.shape()[axis]) {
            out.index_axis_mut(Axis(axis), j)
                .assign(&a.index_axis(Axis(axis), p));
        }
    }
    out
}
