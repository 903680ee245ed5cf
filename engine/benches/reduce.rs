#![allow(missing_docs)]
//! One timed reduction (or the decode floor) over a Zarr variable, in its own process.
//!
//! ```text
//! cargo bench -p nereus-engine --bench reduce -- \
//!     --store data/large/ssh.zarr --var sossheig --op mean|std|floor \
//!     [--dim time_counter] [--threads N] [--budget-mb M] [--out FILE.f64]
//! ```
//!
//! `mean` and `std` run through the engine's public API (open_zarr, reduce, compute); `floor`
//! only reads and decodes every chunk of the array with zarrs alone (no engine code) on a rayon
//! pool of the same size, computing nothing. Prints one JSON line: `{"op", "wall_s", "bytes", "peak_rss_mb"}`, where
//! bytes is the decoded size of the array and peak_rss_mb is this process's VmHWM. With
//! `--out`, the result's values are written as raw little-endian f64 (C order).
//! tests/bench_engine.py drives it; `make bench` runs that.

mod common;

use common::peak_rss_mb;
use nereus_engine::exec::{CancelToken, Context, ExecConfig};
use nereus_engine::io::open_store;
use nereus_engine::model::Data;
use nereus_engine::ops::{open_zarr, OpenOptions, ReduceOp};
use rayon::prelude::*;
use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use zarrs::array::{Array, ArrayBytes, CodecOptions};
use zarrs::filesystem::FilesystemStore;

type Res<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// What to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Mean,
    Std,
    Floor,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Mean => "mean",
            Op::Std => "std",
            Op::Floor => "floor",
        }
    }
}

#[derive(Debug)]
struct Args {
    store: PathBuf,
    var: String,
    op: Op,
    dim: String,
    threads: usize,
    budget: Option<u64>,
    out: Option<PathBuf>,
}

const USAGE: &str = "usage: reduce --store PATH --var NAME --op mean|std|floor [--dim DIM] \
                     [--threads N] [--budget-mb M] [--out FILE.f64]";

fn parse_args() -> Res<Args> {
    let mut store = None;
    let mut var = None;
    let mut op = None;
    let mut dim = "time_counter".to_string();
    let mut threads = 2;
    let mut budget = None;
    let mut out = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        // `cargo bench` appends `--bench`; it means nothing to a harness-less bench.
        if flag == "--bench" {
            continue;
        }
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--store" => store = Some(PathBuf::from(value()?)),
            "--var" => var = Some(value()?),
            "--op" => {
                op = Some(match value()?.as_str() {
                    "mean" => Op::Mean,
                    "std" => Op::Std,
                    "floor" => Op::Floor,
                    other => return Err(format!("unknown --op {other:?}\n{USAGE}").into()),
                });
            }
            "--dim" => dim = value()?,
            "--threads" => threads = value()?.parse()?,
            "--budget-mb" => budget = Some(value()?.parse::<u64>()? << 20),
            "--out" => out = Some(PathBuf::from(value()?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}").into()),
        }
    }
    Ok(Args {
        store: store.ok_or(USAGE)?,
        var: var.ok_or(USAGE)?,
        op: op.ok_or(USAGE)?,
        dim,
        threads: threads.max(1),
        budget,
        out,
    })
}

/// Mean or std over `dim` through the engine; returns the result's values.
fn reduce(args: &Args, op: ReduceOp) -> Res<Vec<f64>> {
    let ds = open_zarr(&args.store, OpenOptions::default())?;
    let lazy = ds
        .get(&args.var)?
        .reduce(op, Some(std::slice::from_ref(&args.dim)), None, 0)?;
    let cancel = CancelToken::new();
    let ctx = Context {
        config: ExecConfig {
            threads: args.threads,
            memory_budget: args
                .budget
                .unwrap_or_else(|| ExecConfig::default().memory_budget),
            result_budget: None,
        },
        progress: None,
        cancel: &cancel,
    };
    let done = lazy.compute(&ctx)?;
    match &done.variable.data {
        Data::Memory(block) => Ok(block.to_f64().iter().copied().collect()),
        Data::Lazy(_) => Err("compute() returned a lazy result".into()),
    }
}

/// Reads and decodes every chunk of the array with zarrs alone (`retrieve_chunk`, one codec
/// thread per chunk as the engine uses) on `threads` threads, computing nothing; returns the
/// number of chunks. Each decoded chunk goes through `black_box`, so no read is optimised away.
fn floor(args: &Args) -> Res<u64> {
    let store = Arc::new(FilesystemStore::new(&args.store)?);
    let array = Array::open(store, &format!("/{}", args.var))?;
    let grid = array.chunk_grid_shape().to_vec();
    let count: u64 = grid.iter().product();
    let options = CodecOptions::default().with_concurrent_target(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()?;
    pool.install(|| {
        (0..count)
            .into_par_iter()
            .map(|flat| {
                // C-order chunk index of the flat position.
                let mut idx = vec![0; grid.len()];
                let mut rest = flat;
                for (slot, &n) in idx.iter_mut().zip(&grid).rev() {
                    *slot = rest % n;
                    rest /= n;
                }
                let chunk = array.retrieve_chunk_opt::<ArrayBytes<'static>>(&idx, &options)?;
                std::hint::black_box(chunk);
                Ok(1)
            })
            .sum::<Res<u64>>()
    })
}

/// Decoded bytes of the array.
fn array_bytes(store: &Path, var: &str) -> Res<u64> {
    let meta = open_store(store, None)?;
    let source = &meta.array(var)?.source;
    let elements: u64 = source.shape().iter().product();
    Ok(elements * source.dtype().size() as u64)
}

fn write_f64(path: &Path, values: &[f64]) -> Res<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for v in values {
        out.write_all(&v.to_le_bytes())?;
    }
    out.flush()?;
    Ok(())
}

fn main() -> Res<()> {
    let args = parse_args()?;
    let bytes = array_bytes(&args.store, &args.var)?;
    let start = Instant::now();
    let values = match args.op {
        Op::Mean => reduce(&args, ReduceOp::Mean)?,
        Op::Std => reduce(&args, ReduceOp::Std)?,
        #[allow(clippy::cast_precision_loss)]
        Op::Floor => vec![floor(&args)? as f64],
    };
    let wall = start.elapsed().as_secs_f64();
    let peak = peak_rss_mb()?;
    if let Some(path) = &args.out {
        write_f64(path, &values)?;
    }
    println!(
        "{}",
        serde_json::json!({
            "op": args.op.name(),
            "wall_s": wall,
            "bytes": bytes,
            "peak_rss_mb": peak,
            "threads": args.threads,
        })
    );
    Ok(())
}
