//! The executor's promises: cancellation from another thread, progress events, the memory
//! budget bounding chunks in flight, and peak RSS within the budget on data 4x its size.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::unnecessary_literal_bound
)]

mod common;

use common::source::FnSource;
use nereus_engine::exec::{CancelToken, Context, ExecConfig, ExecError, Progress};
use nereus_engine::model::{DType, Data, DataArray, Dataset, Variable};
use nereus_engine::ops::{open_zarr, MapOp, OpenOptions, Operand, Plan, ReduceOp};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A source whose chunks take `delay` to read and whose values sum their indices.
fn slow_source(shape: &[u64], chunks: &[u64], delay: Duration) -> Arc<FnSource> {
    Arc::new(FnSource::new("slow", shape, chunks, |ix| ix.iter().sum::<usize>() as f64).slow(delay))
}

fn array_over(source: Arc<FnSource>) -> DataArray {
    named_over(source, &["t", "x"])
}

/// The source as a data array with dimensions `dims`.
fn named_over(source: Arc<FnSource>, dims: &[&str]) -> DataArray {
    let expr = Plan::source(
        source,
        nereus_engine::coding::CfDecoder::identity(DType::F64),
    );
    let mut ds = Dataset::default();
    ds.data_vars.insert(
        "v".into(),
        Variable::new(
            dims.iter().map(|&d| d.to_owned()).collect(),
            Data::Lazy(expr),
        ),
    );
    ds.get("v").unwrap()
}

fn config(threads: usize, budget: u64) -> ExecConfig {
    ExecConfig {
        threads,
        memory_budget: budget,
        result_budget: None,
    }
}

#[test]
fn cancel_from_another_thread_stops_between_chunks() {
    let source = slow_source(&[400, 10], &[1, 10], Duration::from_millis(20));
    let mean = array_over(source)
        .reduce(ReduceOp::Mean, None, None, 0)
        .unwrap();
    let cancel = CancelToken::new();
    let remote = cancel.clone();
    let started = Instant::now();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        remote.cancel();
    });
    let ctx = Context {
        config: config(2, 1 << 30),
        progress: None,
        cancel: &cancel,
    };
    let result = mean.compute(&ctx);
    stopper.join().unwrap();
    assert!(matches!(result, Err(ExecError::Cancelled)), "{result:?}");
    // 400 chunks at 20 ms on 2 threads would take 4 s.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn progress_counts_every_chunk_in_order() {
    let source = slow_source(&[30, 4], &[4, 4], Duration::ZERO);
    let events = Mutex::new(Vec::<Progress>::new());
    let record = |p: Progress| events.lock().unwrap().push(p);
    let cancel = CancelToken::new();
    let ctx = Context {
        config: config(3, 1 << 30),
        progress: Some(&record),
        cancel: &cancel,
    };
    array_over(source)
        .reduce(ReduceOp::Sum, Some(&["t".into()]), None, 0)
        .unwrap()
        .compute(&ctx)
        .unwrap();
    let events = events.into_inner().unwrap();
    assert_eq!(events.len(), 8, "30 rows in chunks of 4 make 8 tiles");
    assert!(events
        .windows(2)
        .all(|w| w[0].chunks_done < w[1].chunks_done));
    let last = events.last().unwrap();
    assert_eq!((last.chunks_done, last.chunks_total), (8, 8));
    assert_eq!(last.bytes_done, last.bytes_total);
    assert_eq!(last.bytes_total, 30 * 4 * 8);
}

#[test]
fn the_budget_limits_chunks_in_flight() {
    for (budget, most) in [(1 << 30, 4), (10_000, 1)] {
        let source = slow_source(&[64, 100], &[4, 100], Duration::from_millis(5));
        let probe = Arc::clone(&source);
        let cancel = CancelToken::new();
        let ctx = Context {
            config: config(4, budget),
            progress: None,
            cancel: &cancel,
        };
        array_over(source)
            .reduce(ReduceOp::Max, None, None, 0)
            .unwrap()
            .compute(&ctx)
            .unwrap();
        let seen = probe.max_in_flight.load(Ordering::SeqCst);
        assert!(seen <= most, "budget {budget}: {seen} chunks in flight");
        if most > 1 {
            assert!(seen > 1, "a large budget should run chunks in parallel");
        }
    }
}

// ---- Peak memory, measured in a child process on a store four times the budget ----

const BUDGET: u64 = 128 << 20;

/// A store for one peak-memory case: float32 `v(t, y, x)` of `shape` in chunks of `chunk`,
/// with a daily noleap time coordinate `t` when `with_time`.
struct RssStore {
    shape: [u64; 3],
    chunk: [u64; 3],
    with_time: bool,
}

/// Mean over `t`: 768 MB of float32, 6x the budget.
const MEAN_STORE: RssStore = RssStore {
    shape: [384, 500, 1000],
    chunk: [16, 500, 1000],
    with_time: false,
};

/// Monthly climatology, anomalies and their std over 14 years of days: 512 MB, 4x the budget.
/// The grid is small enough that the twelve months' accumulators (12 x 25,000 cells) are a
/// small part of the budget: what must stay bounded is what grows with the time axis.
const ANOMALY_STORE: RssStore = RssStore {
    shape: [5120, 100, 250],
    chunk: [256, 100, 250],
    with_time: true,
};

fn write_store(dir: &Path, spec: &RssStore) {
    let meta = json!({
        "zarr_format": 3, "node_type": "array", "shape": spec.shape, "data_type": "float32",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": spec.chunk}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": "NaN",
        "codecs": [{"name": "bytes", "configuration": {"endian": "little"}},
                   {"name": "zstd", "configuration": {"level": 1, "checksum": false}}],
        "dimension_names": ["t", "y", "x"], "attributes": {}
    });
    std::fs::create_dir_all(dir.join("v")).unwrap();
    std::fs::write(
        dir.join("zarr.json"),
        r#"{"zarr_format":3,"node_type":"group","attributes":{}}"#,
    )
    .unwrap();
    std::fs::write(dir.join("v").join("zarr.json"), meta.to_string()).unwrap();
    let store = Arc::new(zarrs::filesystem::FilesystemStore::new(dir).unwrap());
    if spec.with_time {
        let t_meta = json!({
            "zarr_format": 3, "node_type": "array", "shape": [spec.shape[0]], "data_type": "int64",
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [spec.shape[0]]}},
            "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
            "fill_value": 0, "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
            "dimension_names": ["t"],
            "attributes": {"units": "days since 2000-01-01", "calendar": "noleap"}
        });
        std::fs::create_dir_all(dir.join("t")).unwrap();
        std::fs::write(dir.join("t").join("zarr.json"), t_meta.to_string()).unwrap();
        let t = zarrs::array::Array::open(Arc::clone(&store), "/t").unwrap();
        let days: Vec<i64> = (0..i64::try_from(spec.shape[0]).unwrap()).collect();
        t.store_chunk(&[0], days.as_slice()).unwrap();
    }
    let array = zarrs::array::Array::open(store, "/v").unwrap();
    let per_chunk = (spec.chunk.iter().product::<u64>()) as usize;
    let grid: Vec<u64> = spec
        .shape
        .iter()
        .zip(spec.chunk)
        .map(|(n, c)| n / c)
        .collect();
    for t in 0..grid[0] {
        let data: Vec<f32> = (0..per_chunk)
            .map(|i| (i % 1000) as f32 * 0.5 + t as f32)
            .collect();
        for y in 0..grid[1] {
            for x in 0..grid[2] {
                array.store_chunk(&[t, y, x], data.as_slice()).unwrap();
            }
        }
    }
}

fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// Child half of the peak-memory tests: runs the case NEREUS_RSS_CASE on NEREUS_RSS_STORE and
/// prints its VmHWM; run only by `peak_rss_kb`.
#[test]
#[ignore = "run as a child process by the peak-memory tests"]
fn rss_child() {
    let store = PathBuf::from(std::env::var("NEREUS_RSS_STORE").unwrap());
    let ds = open_zarr(&store, OpenOptions::default()).unwrap();
    let cancel = CancelToken::new();
    let ctx = Context {
        config: config(2, BUDGET),
        progress: None,
        cancel: &cancel,
    };
    let v = ds.get("v").unwrap();
    let over_t = Some(&["t".to_string()][..]);
    let plan = match std::env::var("NEREUS_RSS_CASE").unwrap().as_str() {
        "mean" => v.reduce(ReduceOp::Mean, over_t, None, 0).unwrap(),
        "anomaly" => {
            let months = v.groupby("t.month").unwrap();
            let clim = months.reduce(ReduceOp::Mean, None, 0).unwrap();
            let anomaly = months.binary(MapOp::Sub, &clim, false).unwrap();
            anomaly.reduce(ReduceOp::Std, over_t, None, 0).unwrap()
        }
        "cumsum" => v
            .cumsum("t", None)
            .unwrap()
            .reduce(ReduceOp::Std, over_t, None, 0)
            .unwrap(),
        other => panic!("unknown case {other}"),
    };
    let out = plan.compute(&ctx).unwrap();
    assert_eq!(out.shape().len(), 2);
    println!("VMHWM_KB={}", vm_hwm_kb());
}

/// Writes `spec`'s store, runs `case` over it in a child process and returns its peak RSS.
fn peak_rss_kb(case: &str, spec: &RssStore) -> u64 {
    let dir = std::env::temp_dir().join(format!("nereus-rss-{case}-{}.zarr", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    write_store(&dir, spec);
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "rss_child",
            "--ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("NEREUS_RSS_STORE", &dir)
        .env("NEREUS_RSS_CASE", case)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // libtest may print the test's name on the same line, so look for the marker anywhere.
    let kb: u64 = stdout
        .split("VMHWM_KB=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    println!(
        "{case}: child peak RSS {} MB (budget {} MB)",
        kb / 1024,
        BUDGET >> 20
    );
    kb
}

/// Runs `case` in a child process and checks its peak RSS stays within the budget plus a fixed
/// overhead for the test binary and thread stacks, and one decoded chunk (float32) that glibc's
/// malloc may keep for reuse: after the first large block is freed it raises its mmap threshold
/// and keeps later ones in a thread's heap. (Fixing the threshold returns them at once but
/// costs a page-fault pass per chunk: 25% on the mean benchmark.)
fn assert_within_budget(case: &str, spec: &RssStore) {
    let kb = peak_rss_kb(case, spec);
    let chunk = spec.chunk.iter().product::<u64>() * 4;
    let limit_kb = (BUDGET + (16 << 20) + chunk) / 1024;
    assert!(
        kb <= limit_kb,
        "{case}: peak RSS {} MB over budget {} MB + 16 MB + a chunk of {} MB",
        kb / 1024,
        BUDGET >> 20,
        chunk >> 20
    );
}

#[test]
fn peak_memory_stays_within_the_budget() {
    assert_within_budget("mean", &MEAN_STORE);
}

/// A running sum over `t`, then its std: 768 MB of float32, 6x the budget, in chunks of 64
/// steps (the carries held are a 64th of the values, in float64).
const CUMSUM_STORE: RssStore = RssStore {
    shape: [384, 250, 2000],
    chunk: [64, 250, 500],
    with_time: false,
};

#[test]
fn a_running_sum_streams_within_the_budget() {
    // The cumsum is as large as its input: it is resumed chunk by chunk from per-chunk
    // carries, never held whole.
    assert_within_budget("cumsum", &CUMSUM_STORE);
}

#[test]
fn climatology_anomalies_stay_within_the_budget() {
    // The classic dask failure (xarray#1832): groupby-subtract, then a reduction.
    assert_within_budget("anomaly", &ANOMALY_STORE);
}

#[test]
fn explain_shows_the_fused_stages_without_reading() {
    let source = slow_source(&[30, 4], &[4, 4], Duration::ZERO);
    let probe = Arc::clone(&source);
    let da = array_over(source);
    let plan = da
        .binary(MapOp::Mul, &Operand::Scalar(2.0))
        .unwrap()
        .reduce(ReduceOp::Mean, Some(&["t".into()]), None, 0)
        .unwrap()
        .explain();
    let lines: Vec<&str> = plan.lines().collect();
    assert_eq!(lines.len(), 4, "{plan}");
    assert!(lines[0].starts_with("Reduce mean over axes [0]"), "{plan}");
    assert!(lines[0].contains("fused"), "{plan}");
    assert!(lines[1].trim_start().starts_with("Map Mul"), "{plan}");
    assert!(
        lines[2].contains("Source slow [30, 4] chunks [4, 4] (8 chunks)"),
        "{plan}"
    );
    assert!(lines[3].trim_start().starts_with("Scalar 2"), "{plan}");
    assert_eq!(
        probe.max_in_flight.load(Ordering::SeqCst),
        0,
        "explain read data"
    );
}

/// `(v - v.mean("t")).isel(x=columns).max("t")` over values `t + x` (rows 0..30, chunks of
/// 10 rows by 40 columns): the regions read, and the result.
fn anomaly_max_reads(columns: std::ops::Range<i64>) -> (usize, Vec<f64>) {
    let source = slow_source(&[30, 40], &[10, 40], Duration::ZERO);
    let probe = Arc::clone(&source);
    let da = array_over(source);
    let mean = da
        .reduce(ReduceOp::Mean, Some(&["t".into()]), None, 0)
        .unwrap();
    let picked = da
        .binary(MapOp::Sub, &Operand::Array(Box::new(mean)))
        .unwrap()
        .isel(&[(
            "x".into(),
            nereus_engine::ops::Indexer::Slice {
                start: Some(columns.start),
                stop: Some(columns.end),
                step: None,
            },
        )])
        .unwrap()
        .reduce(ReduceOp::Max, Some(&["t".into()]), None, 0)
        .unwrap();
    let values = computed(&picked, 1 << 20).iter().copied().collect();
    (probe.reads.load(Ordering::SeqCst), values)
}

/// `da`'s values, computed on 2 threads within `budget`.
fn computed(da: &DataArray, budget: u64) -> ndarray::ArrayD<f64> {
    let cancel = CancelToken::new();
    let ctx = Context {
        config: config(2, budget),
        progress: None,
        cancel: &cancel,
    };
    let out = da.compute(&ctx).unwrap();
    let Data::Memory(block) = &out.variable.data else {
        panic!("computed values are in memory");
    };
    block.to_f64()
}

#[test]
fn a_small_region_two_passes_read_is_read_once() {
    // The mean's pass and the max's pass both read columns 0..4 of each 10-row chunk: a tenth
    // of the chunks, so it is read once (3 regions) and held.
    let (reads, values) = anomaly_max_reads(0..4);
    assert_eq!(reads, 3);
    assert_eq!(values, vec![14.5; 4]);
    // Most of each chunk: both passes stream it (3 regions each), nothing is held.
    let (reads, values) = anomaly_max_reads(0..30);
    assert_eq!(reads, 6);
    assert_eq!(values, vec![14.5; 30]);
}

/// Maps of 12 steps rechunked to whole series of 3 x 4 points, computed within `budget`:
/// checks the values and that each of the 4 old chunks was read once (read directly, each of
/// the 100 new chunks would read all 4).
fn rechunk_maps_to_series(budget: u64) {
    use nereus_engine::ops::ChunkSpec;
    let source = slow_source(&[48, 30, 40], &[12, 30, 40], Duration::ZERO);
    let probe = Arc::clone(&source);
    let series = named_over(source, &["t", "y", "x"])
        .chunk(&[
            ("t".into(), ChunkSpec::Whole),
            ("y".into(), ChunkSpec::Size(3)),
            ("x".into(), ChunkSpec::Size(4)),
        ])
        .unwrap();
    let values = computed(&series, budget);
    assert_eq!(
        probe.reads.load(Ordering::SeqCst),
        4,
        "each old chunk read once"
    );
    for ((t, y, x), &v) in values
        .view()
        .into_dimensionality::<ndarray::Ix3>()
        .unwrap()
        .indexed_iter()
    {
        assert!(
            (v - (t + y + x) as f64).abs() < 1e-12,
            "{v} at {t}, {y}, {x}"
        );
    }
}

#[test]
fn a_rechunk_across_the_chunks_is_staged_through_a_store() {
    // 460 KB of values, more than a 16th of a 1 MB budget: staged on disk.
    rechunk_maps_to_series(1 << 20);
}

#[test]
fn a_small_rechunk_across_the_chunks_is_held_in_memory() {
    rechunk_maps_to_series(64 << 20);
}

#[test]
fn a_plan_built_by_doubling_gets_a_clear_error_not_a_hang() {
    let mut a = array_over(slow_source(&[8, 4], &[4, 4], Duration::ZERO));
    for _ in 0..24 {
        a = a
            .binary(MapOp::Add, &Operand::Array(Box::new(a.clone())))
            .unwrap();
    }
    // Its chunks (what a repr shows) come back at once.
    let chunks = nereus_engine::ops::arith::plan_of(&a.variable).chunk_sizes();
    assert_eq!(chunks, vec![vec![4, 4], vec![4]]);
    let cancel = CancelToken::new();
    let ctx = Context {
        config: config(2, 1 << 20),
        progress: None,
        cancel: &cancel,
    };
    let err = a.compute(&ctx).unwrap_err();
    assert!(
        matches!(err, ExecError::PlanTooLarge { paths } if paths == 1 << 24),
        "{err}"
    );
    assert!(err.to_string().contains("a = a.compute()"), "{err}");
}
