//! Reading chunks slab by slab (`read_region_slabs`): the slabs put together equal the region
//! read whole, for blosc chunks read block by block (many small blocks, out-of-order slabs,
//! edge chunks, absent chunks), uncompressed blosc copies and other codecs; damaged chunks are
//! typed errors naming the chunk key.
#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)] // small test grids

mod common;

use common::zarr::{array_v2, array_v3, temp_store, v3_meta, write, zarray};
use nereus_engine::io::{open_store, ChunkSource, IoError, Slab};
use nereus_engine::model::Block;
use serde_json::{json, Value};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

const SHAPE: [u64; 3] = [11, 6, 9];
const CHUNKS: [u64; 3] = [5, 4, 4];

/// Smooth values: they compress, so blosc stores blocks rather than a plain copy.
fn values() -> Vec<f32> {
    let n = SHAPE.iter().product::<u64>();
    (0..n).map(|i| (i / 3) as f32 * 0.25).collect()
}

/// Blosc header facts of a stored chunk: (stored as a plain copy, number of blocks).
fn blosc_layout(chunk: &Path) -> (bool, u32) {
    let bytes = std::fs::read(chunk).expect("chunk");
    let word =
        |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (bytes[2] & 0x02 != 0, word(4).div_ceil(word(8)))
}

fn dims() -> Value {
    json!({"_ARRAY_DIMENSIONS": ["t", "y", "x"]})
}

/// Float32 arrays under several codecs in a format-2 store (chunk 1.0.0 of `holes` is absent),
/// and a format-3 store.
fn stores() -> (PathBuf, PathBuf) {
    let root = temp_store("stream");
    write(&root.join(".zgroup"), &json!({"zarr_format": 2}));
    let data = values();
    // A 64-byte block holds 16 values: a chunk row of 16 values is one block, slabs straddle.
    let v2 = [
        (
            "zstd",
            json!({"id": "blosc", "cname": "zstd", "clevel": 5, "shuffle": 1, "blocksize": 64}),
        ),
        (
            "lz4",
            json!({"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 2, "blocksize": 96}),
        ),
        (
            "auto",
            json!({"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}),
        ),
        (
            "copy",
            json!({"id": "blosc", "cname": "lz4", "clevel": 0, "shuffle": 0, "blocksize": 0}),
        ),
        (
            "holes",
            json!({"id": "blosc", "cname": "zstd", "clevel": 1, "shuffle": 1, "blocksize": 64}),
        ),
        ("gzip", json!({"id": "gzip", "level": 1})),
    ];
    for (name, compressor) in &v2 {
        let meta = zarray("<f4", &SHAPE, &CHUNKS, &json!("NaN"), compressor);
        array_v2(&root, name, &meta, &dims(), &data);
    }
    std::fs::remove_file(root.join("holes/1.0.0")).expect("rm chunk");
    (root, v3_store(&data))
}

/// A format-3 store with one blosc array.
fn v3_store(data: &[f32]) -> PathBuf {
    let root = temp_store("stream3");
    write(
        &root.join("zarr.json"),
        &json!({"zarr_format": 3, "node_type": "group"}),
    );
    let blosc3 = json!([{"name": "bytes", "configuration": {"endian": "little"}},
        {"name": "blosc", "configuration": {"cname": "zstd", "clevel": 3, "shuffle": "shuffle",
         "typesize": 4, "blocksize": 128}}]);
    let meta = v3_meta(
        "float32",
        &SHAPE,
        &CHUNKS,
        &json!("NaN"),
        &blosc3,
        &["t", "y", "x"],
    );
    array_v3(&root, "v3", &meta, data);
    root
}

fn f32s(b: &Block) -> (Vec<usize>, Vec<f32>) {
    match b {
        Block::F32(a) => (a.shape().to_vec(), a.iter().copied().collect()),
        other => panic!("expected float32, got {:?}", other.dtype()),
    }
}

/// The slabs of a region, checked to be whole rows in order, put back together.
fn slabs(
    source: &dyn ChunkSource,
    start: &[u64],
    shape: &[u64],
    slab_bytes: u64,
) -> Result<Vec<f32>, IoError> {
    let mut rows = 0;
    let mut out = Vec::new();
    let row = (shape[1] * shape[2]) as usize;
    source.read_region_slabs(start, shape, slab_bytes, &mut |slab| {
        let Slab::F32(values) = slab else {
            panic!("expected float32, got {slab:?}");
        };
        assert_eq!(values.len() % row, 0, "whole rows");
        rows += values.len() / row;
        out.extend_from_slice(values);
        ControlFlow::Continue(())
    })?;
    assert_eq!(rows as u64, shape[0]);
    Ok(out)
}

/// Every chunk-aligned tile and a few regions inside chunks, at several slab sizes.
fn regions() -> Vec<(Vec<u64>, Vec<u64>)> {
    let mut out = Vec::new();
    for t in (0..SHAPE[0]).step_by(CHUNKS[0] as usize) {
        for y in (0..SHAPE[1]).step_by(CHUNKS[1] as usize) {
            for x in (0..SHAPE[2]).step_by(CHUNKS[2] as usize) {
                let start = vec![t, y, x];
                let shape: Vec<u64> = (0..3).map(|a| CHUNKS[a].min(SHAPE[a] - start[a])).collect();
                out.push((start, shape));
            }
        }
    }
    out.push((vec![1, 1, 1], vec![3, 2, 3]));
    out.push((vec![6, 4, 8], vec![4, 2, 1]));
    out
}

fn check_all(root: &Path, name: &str) {
    let store = open_store(root, None).expect("open");
    let source = &store.array(name).expect(name).source;
    for (start, shape) in regions() {
        let (_, whole) = f32s(&source.read_region(&start, &shape).expect("whole"));
        for slab_bytes in [1, 64, 100, 1 << 20] {
            let parts = slabs(source.as_ref(), &start, &shape, slab_bytes).expect("slabs");
            let same = parts
                .iter()
                .zip(&whole)
                .all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(
                same && parts.len() == whole.len(),
                "{name} {start:?} {shape:?} slab {slab_bytes}"
            );
        }
    }
}

#[test]
fn slabs_equal_the_whole_region_for_every_codec() {
    let (root, root3) = stores();
    // The block-by-block path is what these exercise: compressed, several blocks per chunk.
    for name in ["zstd", "lz4", "holes"] {
        let (copied, blocks) = blosc_layout(&root.join(name).join("0.0.0"));
        assert!(
            !copied && blocks > 2,
            "{name}: copied {copied}, {blocks} blocks"
        );
    }
    assert!(
        blosc_layout(&root.join("copy/0.0.0")).0,
        "clevel 0 stores a plain copy"
    );
    for name in ["zstd", "lz4", "auto", "copy", "holes", "gzip"] {
        check_all(&root, name);
    }
    check_all(&root3, "v3");
    // The absent chunk reads as the fill value.
    let store = open_store(&root, None).expect("open");
    let holes = &store.array("holes").expect("holes").source;
    let parts = slabs(holes.as_ref(), &[5, 0, 0], &[5, 4, 4], 64).expect("fill");
    assert!(parts.iter().all(|v| v.is_nan()));
}

#[test]
fn a_consumer_can_stop_early() {
    let (root, _) = stores();
    let store = open_store(&root, None).expect("open");
    let source = &store.array("zstd").expect("zstd").source;
    let mut seen = 0;
    source
        .read_region_slabs(&[0, 0, 0], &[5, 4, 4], 64, &mut |_| {
            seen += 1;
            ControlFlow::Break(())
        })
        .expect("read");
    assert_eq!(seen, 1);
}

#[test]
fn damaged_chunks_are_errors_naming_the_key() {
    let (root, root3) = stores();
    let chunk = root.join("zstd/0.0.0");
    let bytes = std::fs::read(&chunk).expect("chunk");
    // Truncated: the header's compressed size no longer matches.
    std::fs::write(&chunk, &bytes[..bytes.len() - 7]).expect("truncate");
    // A block table pointing past the end, header intact.
    let chunk = root.join("lz4/0.0.0");
    let mut damaged = std::fs::read(&chunk).expect("chunk");
    for b in &mut damaged[16..24] {
        *b = 0xff;
    }
    std::fs::write(&chunk, &damaged).expect("damage");
    // Too short to hold a header.
    std::fs::write(root3.join("v3/c/0/0/0"), b"oops").expect("short");
    for (root, name, key) in [
        (&root, "zstd", "zstd/0.0.0"),
        (&root, "lz4", "lz4/0.0.0"),
        (&root3, "v3", "v3/c/0/0/0"),
    ] {
        let store = open_store(root, None).expect("open");
        let source = &store.array(name).expect(name).source;
        let err = slabs(source.as_ref(), &[0, 0, 0], &[5, 4, 4], 64).expect_err(name);
        assert!(
            matches!(&err, IoError::CorruptChunk { key: k, .. } | IoError::ReadChunk { key: k, .. } if k == key),
            "{name}: {err}"
        );
    }
}
