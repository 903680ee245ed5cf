//! HTML reprs of datasets built in Rust: xarray's collapse thresholds, and bounds at 5,000
//! and 50,000 variables.
#![allow(missing_docs)]
#![allow(clippy::unwrap_used, reason = "test fixtures")]

mod common;
use common::html::assert_balanced;

use std::sync::Arc;

use indexmap::IndexMap;
use nereus_engine::model::{Attrs, Block, Data, Dataset, Variable};
use nereus_engine::repr::{html, DisplayOptions};

fn var(dims: &[&str], n: usize) -> Variable {
    let block = Block::F64(ndarray::ArrayD::zeros(vec![n; dims.len()]));
    Variable::new(
        dims.iter().map(|d| (*d).to_owned()).collect(),
        Data::Memory(Arc::new(block)),
    )
}

/// A dataset of `n_vars` data variables, `n_coords` non-index coordinates along `x` and
/// `n_attrs` attributes.
fn dataset(n_vars: usize, n_coords: usize, n_attrs: usize) -> Dataset {
    let mut coords = IndexMap::new();
    coords.insert("x".to_owned(), var(&["x"], 3));
    for i in 0..n_coords.saturating_sub(1) {
        coords.insert(format!("c{i}"), var(&["x"], 3));
    }
    let data_vars = (0..n_vars)
        .map(|i| (format!("v{i}"), var(&["x"], 3)))
        .collect();
    let attrs: Attrs = (0..n_attrs)
        .map(|i| (format!("a{i}"), serde_json::Value::from(i)))
        .collect();
    Dataset {
        data_vars,
        coords,
        attrs,
        ..Dataset::default()
    }
}

/// Whether the section titled `title` is a `<details open>`.
fn section_open(h: &str, title: &str) -> bool {
    let at = h.find(&format!("{title}: <span")).unwrap();
    let start = h[..at].rfind("<details").unwrap();
    h[start..at].starts_with("<details class='nr-section' open")
}

#[test]
fn sections_collapse_at_xarrays_thresholds() {
    let o = DisplayOptions::default();
    let small = html::dataset(&dataset(14, 24, 9), "", &o);
    assert_balanced(&small);
    assert!(section_open(&small, "Data variables"));
    assert!(section_open(&small, "Coordinates"));
    assert!(section_open(&small, "Attributes"));
    let big = html::dataset(&dataset(15, 25, 10), "", &o);
    assert!(!section_open(&big, "Data variables"));
    assert!(!section_open(&big, "Coordinates"));
    assert!(!section_open(&big, "Attributes"));
    // display_expand_* overrides the thresholds either way.
    let mut forced = DisplayOptions::default();
    forced.expand_data_vars = Some(true);
    forced.expand_attrs = Some(false);
    let h = html::dataset(&dataset(15, 1, 1), "", &forced);
    assert!(section_open(&h, "Data variables"));
    assert!(!section_open(&h, "Attributes"));
    // An empty section is a disabled line, not a details element.
    let empty = html::dataset(&dataset(0, 1, 0), "", &o);
    assert!(empty.contains("Data variables: <span style='"), "{empty}");
    assert!(!empty.contains("Attributes:"), "{empty}");
}

#[test]
fn five_thousand_variables_stay_bounded() {
    let o = DisplayOptions::default();
    let ds = dataset(5000, 1, 5000);
    let text = "    v (x) float64 24B\n".repeat(5000);
    let h = html::dataset(&ds, &text, &o);
    assert_balanced(&h);
    assert!(h.len() < 300_000, "{} bytes", h.len());
    assert!(h.contains("Data variables: <span style='") && h.contains("(5000)"));
    assert!(
        h.contains(">v0</span>") && h.contains(">v4999</span>"),
        "both ends shown"
    );
    assert!(!h.contains(">v2500</span>"), "the middle is summarised");
    assert!(h.contains("... 4900 more variables ..."), "with a count");
    assert!(h.contains("... 4900 more attributes ..."));
    assert!(
        h.contains("lines not shown) ..."),
        "the fallback is bounded too"
    );
    // Ten times the variables, about the same size.
    let h10 = html::dataset(&dataset(50_000, 1, 1), "", &o);
    assert!(h10.len() < 300_000, "{} bytes", h10.len());
}
