use super::*;
use crate::model::{Block, DType};
use crate::ops::{MapOp, ReduceOp};
use ndarray::{ArrayD, Dimension, IxDyn};

fn memory(shape: &[usize]) -> Arc<Plan> {
    let values = ArrayD::from_shape_fn(IxDyn(shape), |ix| {
        f64::from(u32::try_from(ix.as_array_view().sum()).unwrap_or(0))
    });
    Plan::memory(Arc::new(Block::from_f64(values, DType::F64)))
}

fn range(start: usize, step: usize, len: usize) -> Sel {
    Sel::Range { start, step, len }
}

/// Every grouped reduction's input shape, depth first.
fn grouped_inputs(e: &Plan, out: &mut Vec<Vec<usize>>) {
    match &e.node {
        Node::GroupReduce(g) => {
            out.push(g.input.shape().to_vec());
            grouped_inputs(&g.input, out);
        }
        Node::Select { input, .. } | Node::Reduce { input, .. } => grouped_inputs(input, out),
        Node::Map { inputs, .. } => inputs.iter().for_each(|(i, _)| grouped_inputs(i, out)),
        _ => {}
    }
}

/// `op` over two groups (alternate positions) along axis 0 of `x` of shape (4, 3, 5).
fn two_groups(op: ReduceOp, x: &Arc<Plan>) -> Arc<Plan> {
    Plan::new(
        Node::GroupReduce(GroupReduce {
            op,
            input: Arc::clone(x),
            axis: 0,
            groups: Arc::from(vec![0, 1, 0, 1]),
            skipna: true,
            ddof: 0,
            empty_nan: false,
        }),
        vec![2, 3, 5],
        DType::F64,
    )
}

/// `x.groupby(...) - clim` over `x` of shape (4, 3, 5), groups along axis 0.
fn anomaly(x: &Arc<Plan>) -> Arc<Plan> {
    let clim = two_groups(ReduceOp::Mean, x);
    let gathered = select(
        clim,
        vec![Sel::List(vec![0, 1, 0, 1]), Sel::all(3), Sel::all(5)],
    );
    Plan::new(
        Node::Map {
            op: MapOp::Sub,
            inputs: vec![(Arc::clone(x), vec![0, 1, 2]), (gathered, vec![0, 1, 2])],
        },
        vec![4, 3, 5],
        DType::F64,
    )
}

#[test]
fn a_box_of_an_anomaly_reduces_only_the_box() {
    let x = memory(&[4, 3, 5]);
    let boxed = select(
        anomaly(&x),
        vec![Sel::all(4), range(1, 1, 2), Sel::Index(2)],
    );
    let pushed = push_selections(&boxed);
    assert_eq!(pushed.shape(), &[4, 2]);
    let mut inputs = Vec::new();
    grouped_inputs(&pushed, &mut inputs);
    assert_eq!(inputs, vec![vec![4, 2, 1]]);
}

#[test]
fn the_grouped_axis_is_selected_above_the_reduction() {
    let x = memory(&[4, 3, 5]);
    let clim = two_groups(ReduceOp::Max, &x);
    let picked = select(clim, vec![Sel::Index(1), Sel::all(3), range(0, 2, 3)]);
    let pushed = push_selections(&picked);
    assert_eq!(pushed.shape(), &[3, 3]);
    let Node::Select { input, sel } = &pushed.node else {
        panic!("expected a selection on top, got {:?}", pushed.node);
    };
    assert_eq!(sel, &vec![Sel::Index(1), Sel::all(3), Sel::all(3)]);
    let Node::GroupReduce(g) = &input.node else {
        panic!("expected the reduction, got {:?}", input.node);
    };
    assert_eq!(g.input.shape(), &[4, 3, 3]);
}

#[test]
fn chained_selections_compose_into_one() {
    let x = memory(&[10, 6]);
    let first = select(
        Arc::clone(&x),
        vec![range(1, 2, 4), Sel::List(vec![5, 0, 3])],
    );
    let second = select(first, vec![range(1, 1, 2), Sel::Index(2)]);
    let pushed = push_selections(&second);
    assert_eq!(pushed.shape(), &[2]);
    let Node::Select { input, sel } = &pushed.node else {
        panic!("expected one selection, got {:?}", pushed.node);
    };
    assert!(Arc::ptr_eq(input, &x), "the leaf is the original node");
    assert_eq!(sel, &vec![range(3, 2, 2), Sel::Index(3)]);
}

#[test]
fn a_broadcast_operand_keeps_its_length_one_axis() {
    let x = memory(&[4, 3]);
    let row = memory(&[1, 3]);
    let sum = Plan::new(
        Node::Map {
            op: MapOp::Add,
            inputs: vec![(Arc::clone(&x), vec![0, 1]), (Arc::clone(&row), vec![0, 1])],
        },
        vec![4, 3],
        DType::F64,
    );
    let pushed = push_selections(&select(sum, vec![range(2, 1, 2), range(1, 1, 1)]));
    let Node::Map { inputs, .. } = &pushed.node else {
        panic!("expected the map, got {:?}", pushed.node);
    };
    assert_eq!(inputs[0].0.shape(), &[2, 1]);
    assert_eq!(inputs[1].0.shape(), &[1, 1]);
}

#[test]
fn a_reduction_takes_the_selection_of_its_kept_axes() {
    let x = memory(&[4, 3, 5]);
    let mean = Plan::new(
        Node::Reduce {
            op: ReduceOp::Mean,
            input: Arc::clone(&x),
            axes: vec![1],
            skipna: true,
            ddof: 0,
        },
        vec![4, 5],
        DType::F64,
    );
    let pushed = push_selections(&select(mean, vec![Sel::List(vec![3, 1]), Sel::Index(4)]));
    assert_eq!(pushed.shape(), &[2]);
    let Node::Select { input, .. } = &pushed.node else {
        panic!("expected the dropping selection, got {:?}", pushed.node);
    };
    let Node::Reduce { input, .. } = &input.node else {
        panic!("expected the reduction, got {:?}", input.node);
    };
    assert_eq!(input.shape(), &[2, 3, 1]);
}
