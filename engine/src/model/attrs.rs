//! Attributes: an ordered map of names to JSON values, as Zarr stores them, and how xarray
//! combines the attributes of several operands.

use serde_json::Value as Json;

/// Variable or dataset attributes, in their stored order.
pub type Attrs = indexmap::IndexMap<String, serde_json::Value>;

/// xarray's `combine_attrs="drop_conflicts"` (what arithmetic keeps by default): every
/// attribute of every operand, in first-seen order, except those whose values differ between
/// operands that have them.
pub fn drop_conflicts<'a>(all: impl IntoIterator<Item = &'a Attrs>) -> Attrs {
    let mut out = Attrs::new();
    let mut dropped: Vec<&str> = Vec::new();
    for attrs in all {
        for (k, v) in attrs {
            if dropped.contains(&k.as_str()) {
                continue;
            }
            match out.get(k) {
                None => {
                    out.insert(k.clone(), v.clone());
                }
                Some(have) if !equivalent(have, v) => {
                    out.shift_remove(k);
                    dropped.push(k);
                }
                Some(_) => {}
            }
        }
    }
    out
}

/// Python's `==` on attribute values: numbers by value (`1 == 1.0`), lists item by item.
#[allow(clippy::float_cmp, reason = "Python's == on numbers is exact")]
fn equivalent(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equivalent(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| equivalent(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attrs(v: Json) -> Attrs {
        match v {
            Json::Object(m) => m.into_iter().collect(),
            _ => Attrs::new(),
        }
    }

    #[test]
    fn conflicts_are_dropped_and_the_rest_kept_in_order() {
        let a = attrs(json!({"units": "m", "n": 1, "keep": [1, 2]}));
        let b = attrs(json!({"other": true, "units": "s", "n": 1.0, "keep": [1.0, 2]}));
        let c = attrs(json!({"units": "m"}));
        let out = drop_conflicts([&a, &b, &c]);
        assert_eq!(
            out.keys().collect::<Vec<_>>(),
            vec!["n", "keep", "other"],
            "a key dropped once stays dropped"
        );
        assert!(drop_conflicts([&a, &a]) == a);
        assert!(drop_conflicts(std::iter::empty()).is_empty());
    }
}
