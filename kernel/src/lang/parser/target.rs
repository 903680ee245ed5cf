//! Assignment targets: names, tuples of targets, and item or attribute chains rooted at a name
//! (`ds["anom"]`, `ds["sst"].attrs["units"]`), with Python's errors for what cannot be assigned.

use super::super::ast::{Expr, ExprKind, Target};
use super::super::error::{Exc, ExcKind, Res};

/// The target of `target = ...` (and of `for target in ...`).
pub(super) fn to_target(e: Expr) -> Res<Target> {
    match e.kind {
        ExprKind::Name(n) => Ok(Target::Name(n)),
        ExprKind::Tuple(items) | ExprKind::List(items) => Ok(Target::Tuple(
            items.into_iter().map(to_target).collect::<Res<_>>()?,
        )),
        ExprKind::Attr(..) | ExprKind::Index(..) => store(e),
        ExprKind::Call(..) => Err(Exc::syntax(
            "cannot assign to function call here. Maybe you meant '==' instead of '='?",
            e.pos,
        )),
        _ => Err(Exc::syntax(
            "cannot assign to expression here. Maybe you meant '==' instead of '='?",
            e.pos,
        )),
    }
}

/// The target of `target op= ...`: a name or an item or attribute chain, as in Python.
pub(super) fn aug_target(e: Expr) -> Res<Target> {
    let what = match &e.kind {
        ExprKind::Name(n) => return Ok(Target::Name(n.clone())),
        ExprKind::Attr(..) | ExprKind::Index(..) => return store(e),
        ExprKind::Tuple(_) => "tuple",
        ExprKind::List(_) => "list",
        ExprKind::Call(..) => "function call",
        _ => "expression",
    };
    Err(Exc::syntax(
        format!("'{what}' is an illegal expression for augmented assignment"),
        e.pos,
    ))
}

/// The targets of `del`: names and item chains (a tuple or list of them too), with Python's
/// errors for what cannot be deleted.
pub(super) fn del_targets(e: Expr) -> Res<Vec<Target>> {
    match e.kind {
        ExprKind::Name(n) => Ok(vec![Target::Name(n)]),
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            let mut out = Vec::new();
            for item in items {
                out.extend(del_targets(item)?);
            }
            Ok(out)
        }
        ExprKind::Index(..) => Ok(vec![store(e)?]),
        ExprKind::Attr(..) => Err(Exc::at(
            ExcKind::NotImplementedError,
            "deleting attributes is not supported in Nereus cells; delete items \
             (del ds[\"x\"], del da.attrs[\"units\"]) or names",
            e.pos,
        )),
        ExprKind::Call(..) => Err(Exc::syntax("cannot delete function call", e.pos)),
        _ => Err(Exc::syntax("cannot delete expression", e.pos)),
    }
}

/// An item or attribute target, whose chain must start at a name: values are shared and
/// never changed in place, so assigning into `f()[0]` could not be seen by anything, and
/// Nereus says so instead of silently dropping the value.
fn store(e: Expr) -> Res<Target> {
    let mut root = &e;
    while let ExprKind::Attr(base, _) | ExprKind::Index(base, _) = &root.kind {
        root = base;
    }
    if matches!(root.kind, ExprKind::Name(_)) {
        return Ok(Target::Store(e));
    }
    Err(Exc::at(
        ExcKind::NotImplementedError,
        "item and attribute assignment needs a target that starts at a name in Nereus cells \
         (such as ds[\"x\"] or da.attrs[\"units\"]); assign the object to a name first",
        root.pos,
    ))
}
