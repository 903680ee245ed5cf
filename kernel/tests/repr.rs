//! HTML reprs: structure, escaping, xarray's collapse thresholds, bounds at 5,000 variables, and
//! that displaying lazy data reads no chunk (a store whose chunks are garbage still displays).
#![allow(missing_docs)]
#![allow(clippy::unwrap_used, reason = "test fixtures")]

mod common;
use common::{plain, Recorder};

use std::error::Error;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use indexmap::IndexMap;
use nereus::lang::{Interpreter, MimeBundle};
use nereus::sample::{generate, SampleOptions, Size};
use nereus_engine::model::{Attrs, Block, Data, Dataset, Variable};
use nereus_engine::repr::{html, DisplayOptions, ValueFormat};
use nereus_engine::CancelToken;

type Res = Result<(), Box<dyn Error>>;

/// The small sample stores, shared with the language tests (the generator skips complete ones).
fn data_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lang-xarray-samples");
        generate(&SampleOptions {
            size: Size::Small,
            out: dir.clone(),
            force: false,
            threads: 2,
        })
        .unwrap();
        dir
    })
}

/// The bundle a cell's last expression displays (after `setup`).
fn display(it: &mut Interpreter, code: &str) -> MimeBundle {
    let r = it.execute(code, &mut Recorder::default(), &CancelToken::new());
    match r {
        Ok(Some(b)) => b,
        other => panic!("{code}: {other:?}"),
    }
}

fn html_of(b: &MimeBundle) -> String {
    b.get("text/html")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

fn run(it: &mut Interpreter, code: &str) {
    let r = it.execute(code, &mut Recorder::default(), &CancelToken::new());
    assert!(r.is_ok(), "{code}: {r:?}");
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), target)?;
        }
    }
    Ok(())
}

/// Every tag opened is closed (void and self-closed tags aside), in order.
fn assert_balanced(html: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').unwrap();
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if tag.ends_with('/') || name == "br" {
            continue;
        }
        if tag.starts_with('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "in {html}");
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
}

#[test]
fn lazy_store_displays_without_reading_a_chunk() -> Res {
    let broken =
        std::env::temp_dir().join(format!("nereus-repr-broken-{}.zarr", std::process::id()));
    copy_dir(&data_dir().join("ssh.zarr"), &broken)?;
    // Every data chunk of sossheig becomes garbage: any read would fail.
    for e in std::fs::read_dir(broken.join("sossheig"))? {
        let p = e?.path();
        if !p.file_name().unwrap().to_string_lossy().starts_with('.') {
            std::fs::write(&p, b"not a blosc chunk")?;
        }
    }
    let mut it = Interpreter::new();
    run(
        &mut it,
        &format!(
            "import xarray as xr\nds = xr.open_zarr(\"{}\")",
            broken.display()
        ),
    );

    let b = display(&mut it, "ds");
    assert!(
        plain(&b).starts_with("<xarray.Dataset> Size: "),
        "text/plain stays the text repr"
    );
    let h = html_of(&b);
    assert_balanced(&h);
    for part in [
        "<pre class='nr-text-repr-fallback'",
        "&lt;xarray.Dataset&gt; Size: ",
        "xarray.Dataset</span>",
        "<span class='nr-dim nr-has-index' style='font-weight:bold'>time_counter</span>: \
         <span class='nr-dim-size'>96</span>",
        "<span class='nr-dim'>y</span>: <span class='nr-dim-size'>200</span>",
        "Coordinates: <span",
        "Data variables: <span",
        "nav_lat",
        "<span class='nr-var-dims' ",
        ">(time_counter, y, x)</span>",
        ">float32</span>",
        ">object</span>", // a noleap calendar: cftime objects
        "dask.array&lt;chunksize=(",
        "<th style='",
        ">Bytes</th>",
        "numpy.ndarray",
        "<svg ",
        "var(--jp-content-font-color0,rgba(0,0,0,1))",
    ] {
        assert!(h.contains(part), "{part:?} missing in\n{h}");
    }
    assert!(!h.contains("<script"), "no scripts");

    let arr = html_of(&display(&mut it, "ds.sossheig"));
    assert_balanced(&arr);
    for part in [
        "xarray.DataArray</span>",
        "<span class='nr-obj-name' style='font-weight:600'>&#x27;sossheig&#x27;</span>",
        "<details class='nr-array' open",
        "Attributes: <span",
        "standard_name :",
        "sea_surface_height_above_geoid",
        "Count</th><td colspan='2' style='",
    ] {
        assert!(arr.contains(part), "{part:?} missing in\n{arr}");
    }
    // Plans display too, and the store really is unreadable.
    let m = html_of(&display(&mut it, "(ds.sossheig * 2).mean('time_counter')"));
    assert!(m.contains("xarray.DataArray"), "{m}");
    let r = it.execute(
        "ds.sossheig.isel(time_counter=0).load()",
        &mut Recorder::default(),
        &CancelToken::new(),
    );
    assert!(r.is_err(), "chunks are garbage, so loading fails");
    let _ = std::fs::remove_dir_all(&broken);
    Ok(())
}

#[test]
fn loaded_values_and_mappings() {
    let mut it = Interpreter::new();
    let dir = data_dir().display();
    run(
        &mut it,
        &format!("import xarray as xr\nds = xr.open_zarr(\"{dir}/sst.zarr\")"),
    );
    let t = html_of(&display(&mut it, "ds.lat"));
    assert_balanced(&t);
    assert!(t.contains("<pre class='nr-values'"), "{t}");
    assert!(t.contains("array([-89.5, -88.5,"), "numpy's printout: {t}");
    assert!(t.contains("-89.5 -88.5 -87.5"), "inline preview: {t}");
    let dv = html_of(&display(&mut it, "ds.data_vars"));
    assert_balanced(&dv);
    assert!(
        dv.contains("Data variables: <span") && dv.contains(">sst</span>"),
        "{dv}"
    );
    let c = html_of(&display(&mut it, "ds.coords"));
    assert!(
        c.contains("Coordinates: <span") && c.contains("nr-has-index"),
        "{c}"
    );
    // Plain values keep text/plain only.
    assert!(!display(&mut it, "1 + 1").contains_key("text/html"));
}

/// A hand-written Zarr v2 store; `arrays` are (name, dims, shape, attrs JSON). No chunk is
/// written: every chunk is missing (fill value) and a repr must not care.
fn write_store(dir: &Path, attrs: &str, arrays: &[(&str, &[&str], &[usize], &str)]) -> Res {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(".zgroup"), r#"{"zarr_format": 2}"#)?;
    std::fs::write(dir.join(".zattrs"), attrs)?;
    for (name, dims, shape, attrs) in arrays {
        let a = dir.join(name);
        std::fs::create_dir_all(&a)?;
        let shape: Vec<String> = shape.iter().map(usize::to_string).collect();
        let chunks: Vec<String> = shape.iter().map(|_| "2".to_owned()).collect();
        std::fs::write(
            a.join(".zarray"),
            format!(
                r#"{{"zarr_format": 2, "shape": [{}], "chunks": [{}], "dtype": "<f4",
                "compressor": null, "fill_value": "NaN", "filters": null, "order": "C"}}"#,
                shape.join(", "),
                chunks.join(", ")
            ),
        )?;
        let dims: Vec<String> = dims.iter().map(|d| format!("\"{d}\"")).collect();
        let extra = if attrs.is_empty() {
            String::new()
        } else {
            format!(", {attrs}")
        };
        std::fs::write(
            a.join(".zattrs"),
            format!(r#"{{"_ARRAY_DIMENSIONS": [{}]{extra}}}"#, dims.join(", ")),
        )?;
    }
    Ok(())
}

#[test]
fn hostile_strings_show_as_text() -> Res {
    let dir = std::env::temp_dir().join(format!("nereus-repr-hostile-{}.zarr", std::process::id()));
    write_store(
        &dir,
        r#"{"title": "<script>alert('x')</script>", "<img src=x onerror=alert(1)>": "a & b \"q\""}"#,
        &[(
            "v<b>",
            &["x"],
            &[4],
            r#""units": "<style>*{display:none}</style>""#,
        )],
    )?;
    let mut it = Interpreter::new();
    run(
        &mut it,
        &format!(
            "import xarray as xr\nds = xr.open_zarr(\"{}\")",
            dir.display()
        ),
    );
    for code in ["ds", "ds['v<b>']"] {
        let h = html_of(&display(&mut it, code));
        assert_balanced(&h);
        for bad in ["<script", "<img", "<b>", "<style>*"] {
            assert!(!h.contains(bad), "{code}: {bad} unescaped in\n{h}");
        }
        assert!(
            h.contains("&lt;style&gt;*{display:none}&lt;/style&gt;"),
            "{h}"
        );
    }
    let h = html_of(&display(&mut it, "ds"));
    assert!(
        h.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"),
        "{h}"
    );
    assert!(h.contains("&lt;img src=x onerror=alert(1)&gt; :"), "{h}");
    assert!(h.contains("a &amp; b &quot;q&quot;"), "{h}");
    assert!(h.contains(">v&lt;b&gt;</span>"), "{h}");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Plain printing for datasets built in Rust.
struct Plain;

impl ValueFormat for Plain {
    fn inline(&self, var: &Variable, _: usize) -> String {
        format!("{} values", var.size())
    }
    fn values(&self, var: &Variable) -> String {
        format!("array of {}", var.size())
    }
    fn attr(&self, value: &serde_json::Value) -> String {
        value.to_string()
    }
    fn quoted(&self, s: &str) -> String {
        format!("'{s}'")
    }
}

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
    let small = html::dataset(&dataset(14, 24, 9), "", &Plain, &o);
    assert_balanced(&small);
    assert!(section_open(&small, "Data variables"));
    assert!(section_open(&small, "Coordinates"));
    assert!(section_open(&small, "Attributes"));
    let big = html::dataset(&dataset(15, 25, 10), "", &Plain, &o);
    assert!(!section_open(&big, "Data variables"));
    assert!(!section_open(&big, "Coordinates"));
    assert!(!section_open(&big, "Attributes"));
    // display_expand_* overrides the thresholds either way.
    let mut forced = DisplayOptions::default();
    forced.expand_data_vars = Some(true);
    forced.expand_attrs = Some(false);
    let h = html::dataset(&dataset(15, 1, 1), "", &Plain, &forced);
    assert!(section_open(&h, "Data variables"));
    assert!(!section_open(&h, "Attributes"));
    // An empty section is a disabled line, not a details element.
    let empty = html::dataset(&dataset(0, 1, 0), "", &Plain, &o);
    assert!(empty.contains("Data variables: <span style='"), "{empty}");
    assert!(!empty.contains("Attributes:"), "{empty}");
}

#[test]
fn five_thousand_variables_stay_bounded() {
    let o = DisplayOptions::default();
    let ds = dataset(5000, 1, 5000);
    let text = "    v (x) float64 24B\n".repeat(5000);
    let h = html::dataset(&ds, &text, &Plain, &o);
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
    let h10 = html::dataset(&dataset(50_000, 1, 1), "", &Plain, &o);
    assert!(h10.len() < 300_000, "{} bytes", h10.len());
}
