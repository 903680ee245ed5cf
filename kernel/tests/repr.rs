//! Reprs as cells show them: structure, escaping, and that displaying lazy data reads no chunk
//! (a store whose chunks are garbage still displays).
#![allow(missing_docs)]
#![allow(clippy::unwrap_used, reason = "test fixtures")]

mod common;
use common::html::assert_balanced;
use common::samples::data_dir;
use common::{plain, Recorder};

use std::error::Error;
use std::path::Path;

use nereus::lang::{Interpreter, MimeBundle};
use nereus_engine::CancelToken;

type Res = Result<(), Box<dyn Error>>;

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
