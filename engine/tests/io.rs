//! Zarr reading: stores written here with zarrs (formats 2 and 3, the codecs Pangeo uses, edge,
//! missing and corrupted chunks, hand-written consolidated metadata), opened with `open_store`.
#![allow(clippy::cast_precision_loss)] // small test grids

mod common;

use common::zarr::{array_v2, array_v3, temp_store, v3_meta, write, zarray};
use nereus_engine::io::{open_store, IoError, StoreMeta};
use nereus_engine::model::Block;
use serde_json::json;
use std::path::PathBuf;

/// 5 x 7 values `10 i + j`.
fn grid_f32() -> Vec<f32> {
    (0..5)
        .flat_map(|i| (0..7).map(move |j| (10 * i + j) as f32))
        .collect()
}

fn f32s(b: &Block) -> (Vec<usize>, Vec<f32>) {
    match b {
        Block::F32(a) => (a.shape().to_vec(), a.iter().copied().collect()),
        other => panic!("expected float32, got {:?}", other.dtype()),
    }
}

fn v2_store(consolidated: bool) -> PathBuf {
    let root = temp_store("v2");
    write(&root.join(".zgroup"), &json!({"zarr_format": 2}));
    write(&root.join(".zattrs"), &json!({"title": "test"}));
    let blosc = json!({"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0});
    let sst = zarray("<f4", &[5, 7], &[2, 3], &json!("NaN"), &blosc);
    let sst_attrs = json!({"_ARRAY_DIMENSIONS": ["y", "x"], "units": "degC"});
    array_v2(&root, "sst", &sst, &sst_attrs, &grid_f32());
    let x = zarray(
        "<i8",
        &[7],
        &[7],
        &json!(null),
        &json!({"id": "zstd", "level": 1}),
    );
    array_v2(
        &root,
        "x",
        &x,
        &json!({"_ARRAY_DIMENSIONS": ["x"]}),
        &(0..7).collect::<Vec<i64>>(),
    );
    if consolidated {
        let meta = json!({
            "zarr_consolidated_format": 1,
            "metadata": {
                ".zgroup": {"zarr_format": 2}, ".zattrs": {"title": "test"},
                "sst/.zarray": sst, "sst/.zattrs": sst_attrs,
                "x/.zarray": x, "x/.zattrs": {"_ARRAY_DIMENSIONS": ["x"]},
            }
        });
        write(&root.join(".zmetadata"), &meta);
    }
    root
}

#[test]
fn v2_listed_store_opens_and_reads_edges() {
    let root = v2_store(false);
    let store = open_store(&root, None).expect("open");
    assert_eq!(store.zarr_format, 2);
    assert_eq!(store.attrs.get("title"), Some(&json!("test")));
    let names: Vec<&str> = store.arrays.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["sst", "x"]);
    let sst = store.array("sst").expect("sst");
    assert_eq!(sst.dims, ["y", "x"]);
    assert!(!sst.attrs.contains_key("_ARRAY_DIMENSIONS"));
    assert!(sst.fill_value.is_some_and(f64::is_nan));
    assert_eq!(sst.encoding.get("chunks"), Some(&json!([2, 3])));
    assert_eq!(sst.encoding.get("dtype"), Some(&json!("float32")));
    assert_eq!(sst.encoding.get("zarr_format"), Some(&json!(2)));
    assert_eq!(sst.encoding["compressors"][0]["cname"], json!("lz4"));
    assert_eq!(sst.source.shape(), &[5, 7]);
    assert_eq!(sst.source.chunks(), &[2, 3]);
    // The corner chunk is clipped to 1 x 1.
    let (shape, values) = f32s(&sst.source.read_chunk(&[2, 2]).expect("edge chunk"));
    assert_eq!((shape, values), (vec![1, 1], vec![46.0]));
    let (shape, values) = f32s(&sst.source.read_chunk(&[1, 2]).expect("edge chunk"));
    assert_eq!((shape, values), (vec![2, 1], vec![26.0, 36.0]));
    // A region across six chunks.
    let (shape, values) = f32s(&sst.source.read_region(&[1, 1], &[3, 5]).expect("region"));
    assert_eq!(shape, [3, 5]);
    let want: Vec<f32> = (1..4)
        .flat_map(|i| (1..6).map(move |j| (10 * i + j) as f32))
        .collect();
    assert_eq!(values, want);
    let (_, all) = f32s(&sst.source.read_region(&[0, 0], &[5, 7]).expect("all"));
    assert_eq!(all, grid_f32());
    match store
        .array("x")
        .expect("x")
        .source
        .read_chunk(&[0])
        .expect("x")
    {
        Block::I64(a) => assert_eq!(
            a.iter().copied().collect::<Vec<_>>(),
            (0..7).collect::<Vec<_>>()
        ),
        other => panic!("expected int64, got {:?}", other.dtype()),
    }
    let err = sst.source.read_chunk(&[3, 0]).expect_err("outside");
    assert!(
        err.to_string().contains("array `sst`: chunk [3, 0]"),
        "{err}"
    );
    let err = sst
        .source
        .read_region(&[4, 0], &[2, 1])
        .expect_err("outside");
    assert!(matches!(err, IoError::OutOfBounds { .. }));
}

#[test]
fn v2_consolidated_metadata_is_used_and_can_be_required() {
    let root = v2_store(true);
    // Drop the per-array files: only .zmetadata can describe the arrays now.
    std::fs::remove_file(root.join("sst/.zarray")).expect("rm");
    let store = open_store(&root, Some(true)).expect("consolidated");
    let (_, values) = f32s(
        &store
            .array("sst")
            .expect("sst")
            .source
            .read_chunk(&[0, 0])
            .expect("chunk"),
    );
    assert_eq!(values, [0.0, 1.0, 2.0, 10.0, 11.0, 12.0]);
    let root = v2_store(false);
    let err = open_store(&root, Some(true)).expect_err("not consolidated");
    assert!(matches!(err, IoError::NotConsolidated { .. }), "{err}");
    assert!(err.to_string().contains(".zmetadata"));
}

#[test]
fn names_errors_with_suggestions() {
    let store: StoreMeta = open_store(&v2_store(false), None).expect("open");
    let err = store.array("ss").expect_err("no such array");
    assert!(
        err.to_string()
            .ends_with("has no array `ss` (did you mean `sst`?)"),
        "{err}"
    );
    let err = open_store(&temp_store("empty"), None).expect_err("not a store");
    assert!(matches!(err, IoError::NotAStore { .. }), "{err}");
}

#[test]
fn v2_without_array_dimensions_is_an_error() {
    let root = temp_store("nodims");
    write(&root.join(".zgroup"), &json!({"zarr_format": 2}));
    let z = zarray("<f8", &[3], &[3], &json!(0.0), &json!(null));
    array_v2(&root, "lonely", &z, &json!({}), &[1.0_f64, 2.0, 3.0]);
    let err = open_store(&root, None).expect_err("no dims");
    assert_eq!(
        err.to_string(),
        format!(
            "array `lonely` in `{}` has no dimension names (attribute `_ARRAY_DIMENSIONS`), so it cannot be a variable",
            root.display()
        )
    );
}

#[test]
fn v2_codecs_orders_endians_missing_and_corrupt_chunks() {
    let root = temp_store("v2codecs");
    write(&root.join(".zgroup"), &json!({"zarr_format": 2}));
    let dims = json!({"_ARRAY_DIMENSIONS": ["a", "b"]});
    let data: Vec<i32> = (0..20).collect();
    let compressors = [
        ("gz", json!({"id": "gzip", "level": 1})),
        ("zl", json!({"id": "zlib", "level": 1})),
        ("zs", json!({"id": "zstd", "level": 3})),
        (
            "bl",
            json!({"id": "blosc", "cname": "zstd", "clevel": 3, "shuffle": 2, "blocksize": 0}),
        ),
        (
            "bz",
            json!({"id": "blosc", "cname": "zlib", "clevel": 3, "shuffle": 0, "blocksize": 0}),
        ),
    ];
    for (name, c) in &compressors {
        array_v2(
            &root,
            name,
            &zarray("<i4", &[4, 5], &[3, 2], &json!(0), c),
            &dims,
            &data,
        );
    }
    let mut f_order = zarray(">i4", &[4, 5], &[3, 2], &json!(-1), &json!(null));
    f_order["order"] = json!("F");
    array_v2(&root, "fo", &f_order, &dims, &data);
    // A missing chunk reads as the fill value.
    array_v2(
        &root,
        "holes",
        &zarray("<i2", &[4], &[2], &json!(-9), &json!(null)),
        &json!({"_ARRAY_DIMENSIONS": ["a"]}),
        &[1_i16, 2, 3, 4],
    );
    std::fs::remove_file(root.join("holes/1")).expect("rm chunk");
    let store = open_store(&root, None).expect("open");
    for name in ["gz", "zl", "zs", "bl", "bz", "fo"] {
        let a = store.array(name).expect(name);
        match a.source.read_region(&[0, 0], &[4, 5]).expect(name) {
            Block::I32(v) => assert_eq!(v.iter().copied().collect::<Vec<_>>(), data, "{name}"),
            other => panic!("{name}: {:?}", other.dtype()),
        }
    }
    let holes = store.array("holes").expect("holes");
    assert_eq!(holes.fill_value, Some(-9.0));
    match holes.source.read_region(&[0], &[4]).expect("holes") {
        Block::I16(v) => assert_eq!(v.iter().copied().collect::<Vec<_>>(), [1, 2, -9, -9]),
        other => panic!("{:?}", other.dtype()),
    }
    // Corrupt and truncated chunks are typed errors naming the chunk key.
    std::fs::write(root.join("zs/1.0"), b"definitely not zstd").expect("corrupt");
    let bytes = std::fs::read(root.join("bl/0.1")).expect("chunk");
    std::fs::write(root.join("bl/0.1"), &bytes[..bytes.len() / 2]).expect("truncate");
    let store = open_store(&root, None).expect("open");
    let err = store
        .array("zs")
        .expect("zs")
        .source
        .read_chunk(&[1, 0])
        .expect_err("corrupt");
    assert!(
        matches!(&err, IoError::CorruptChunk { key, .. } if key == "zs/1.0"),
        "{err}"
    );
    let err = store
        .array("bl")
        .expect("bl")
        .source
        .read_region(&[0, 0], &[4, 5])
        .expect_err("truncated");
    assert!(
        err.to_string()
            .starts_with("array `bl`: chunk `bl/0.1` is corrupt or truncated"),
        "{err}"
    );
}

#[test]
fn v2_unknown_codec_and_dtype_are_named() {
    let root = temp_store("v2bad");
    write(&root.join(".zgroup"), &json!({"zarr_format": 2}));
    let dims = json!({"_ARRAY_DIMENSIONS": ["a"]});
    write(
        &root.join("q/.zarray"),
        &zarray(
            "<f4",
            &[4],
            &[2],
            &json!(0.0),
            &json!({"id": "fancyzip", "level": 1}),
        ),
    );
    write(&root.join("q/.zattrs"), &dims);
    let err = open_store(&root, None).expect_err("unknown codec");
    assert!(
        matches!(&err, IoError::UnsupportedCodec { array, codec, .. } if array == "q" && codec == "fancyzip"),
        "{err}"
    );
    std::fs::remove_dir_all(root.join("q")).expect("rm");
    write(
        &root.join("h/.zarray"),
        &zarray("<f2", &[4], &[2], &json!(0.0), &json!(null)),
    );
    write(&root.join("h/.zattrs"), &dims);
    let err = open_store(&root, None).expect_err("float16");
    assert!(
        matches!(&err, IoError::UnsupportedDtype { array, .. } if array == "h"),
        "{err}"
    );
}

#[test]
fn v3_codecs_sharding_and_consolidated_metadata() {
    let root = temp_store("v3");
    let bytes = json!({"name": "bytes", "configuration": {"endian": "little"}});
    let big = json!({"name": "bytes", "configuration": {"endian": "big"}});
    let variants = [
        (
            "zstd",
            json!([bytes, {"name": "zstd", "configuration": {"level": 3, "checksum": false}}]),
        ),
        (
            "gzip",
            json!([big, {"name": "gzip", "configuration": {"level": 1}}, {"name": "crc32c"}]),
        ),
        (
            "blosc",
            json!([bytes, {"name": "blosc", "configuration": {"cname": "lz4", "clevel": 5, "shuffle": "bitshuffle", "typesize": 4, "blocksize": 0}}]),
        ),
        (
            "transposed",
            json!([{"name": "transpose", "configuration": {"order": [1, 0]}}, bytes]),
        ),
        (
            "sharded",
            json!([{"name": "sharding_indexed", "configuration": {
            "chunk_shape": [2, 2], "index_location": "end",
            "codecs": [bytes, {"name": "zstd", "configuration": {"level": 1, "checksum": false}}],
            "index_codecs": [bytes, {"name": "crc32c"}]}}]),
        ),
    ];
    let mut consolidated = serde_json::Map::new();
    for (name, codecs) in &variants {
        let meta = v3_meta(
            "float32",
            &[5, 7],
            &[4, 4],
            &json!("NaN"),
            codecs,
            &["y", "x"],
        );
        array_v3(&root, name, &meta, &grid_f32());
        consolidated.insert((*name).to_string(), meta);
    }
    write(
        &root.join("zarr.json"),
        &json!({"zarr_format": 3, "node_type": "group", "attributes": {"source": "nereus"}}),
    );
    let store = open_store(&root, None).expect("open v3");
    assert_eq!(store.zarr_format, 3);
    assert_eq!(store.arrays.len(), variants.len());
    for a in &store.arrays {
        assert_eq!(a.dims, ["y", "x"]);
        assert_eq!(a.fill_value, None, "format 3 fill values do not mask");
        assert_eq!(a.encoding.get("fill_value"), Some(&json!("NaN")));
        let (_, values) = f32s(&a.source.read_region(&[0, 0], &[5, 7]).expect(&a.name));
        assert_eq!(values, grid_f32(), "{}", a.name);
        let (shape, _) = f32s(&a.source.read_chunk(&[1, 1]).expect(&a.name));
        assert_eq!(shape, [1, 3], "{}", a.name);
    }
    let sharded = store.array("sharded").expect("sharded");
    assert_eq!(sharded.encoding.get("chunks"), Some(&json!([2, 2])));
    assert_eq!(sharded.encoding.get("shards"), Some(&json!([4, 4])));
    assert_eq!(sharded.encoding["compressors"][0]["name"], json!("zstd"));
    assert_eq!(
        store.array("transposed").expect("t").encoding["filters"][0]["name"],
        json!("transpose")
    );

    // Consolidated: the per-array zarr.json files are no longer needed.
    write(
        &root.join("zarr.json"),
        &json!({"zarr_format": 3, "node_type": "group", "attributes": {},
        "consolidated_metadata": {"kind": "inline", "must_understand": false, "metadata": consolidated}}),
    );
    std::fs::remove_file(root.join("zstd/zarr.json")).expect("rm");
    let store = open_store(&root, Some(true)).expect("consolidated v3");
    let (_, values) = f32s(
        &store
            .array("zstd")
            .expect("zstd")
            .source
            .read_chunk(&[0, 0])
            .expect("chunk"),
    );
    assert_eq!(values[..4], [0.0, 1.0, 2.0, 3.0]);
}

#[test]
fn v3_errors_name_the_array() {
    let root = temp_store("v3bad");
    write(
        &root.join("zarr.json"),
        &json!({"zarr_format": 3, "node_type": "group", "attributes": {}}),
    );
    let bytes = json!([{"name": "bytes", "configuration": {"endian": "little"}}]);
    let mut meta = v3_meta("int16", &[4], &[2], &json!(0), &bytes, &["t"]);
    meta.as_object_mut()
        .expect("object")
        .remove("dimension_names");
    write(&root.join("nodims/zarr.json"), &meta);
    let err = open_store(&root, None).expect_err("no dims");
    assert!(
        matches!(&err, IoError::MissingDims { array, .. } if array == "nodims"),
        "{err}"
    );
    std::fs::remove_dir_all(root.join("nodims")).expect("rm");
    let codecs =
        json!([{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "squashy"}]);
    write(
        &root.join("odd/zarr.json"),
        &v3_meta("int16", &[4], &[2], &json!(0), &codecs, &["t"]),
    );
    let err = open_store(&root, None).expect_err("unknown codec");
    assert!(
        matches!(&err, IoError::UnsupportedCodec { array, codec, .. } if array == "odd" && codec == "squashy"),
        "{err}"
    );
    std::fs::remove_dir_all(root.join("odd")).expect("rm");
    write(
        &root.join("cx/zarr.json"),
        &v3_meta("complex64", &[4], &[2], &json!([0.0, 0.0]), &bytes, &["t"]),
    );
    let err = open_store(&root, None).expect_err("complex");
    assert!(
        matches!(&err, IoError::UnsupportedDtype { array, .. } if array == "cx"),
        "{err}"
    );
    let err = open_store(&root, Some(true)).expect_err("not consolidated");
    assert!(matches!(err, IoError::NotConsolidated { .. }));
}

#[test]
fn conflicting_dimension_sizes_are_refused_at_open() {
    use nereus_engine::ops::{open_zarr, OpenOptions};
    let root = temp_store("conflict");
    write(&root.join(".zgroup"), &json!({"zarr_format": 2}));
    let y: Vec<f64> = (0..4).map(f64::from).collect();
    array_v2(
        &root,
        "y",
        &zarray("<f8", &[4], &[4], &json!(0.0), &json!(null)),
        &json!({"_ARRAY_DIMENSIONS": ["y"]}),
        &y,
    );
    let ssh = vec![1.0_f32; 8];
    array_v2(
        &root,
        "ssh",
        &zarray("<f4", &[8], &[8], &json!(0.0), &json!(null)),
        &json!({"_ARRAY_DIMENSIONS": ["y"]}),
        &ssh,
    );
    let err = open_zarr(&root, OpenOptions::default()).expect_err("y is 4 and 8");
    let text = err.to_string();
    assert!(
        text.starts_with("conflicting sizes for dimension 'y': length "),
        "{text}"
    );
    assert!(
        text.contains("'ssh'") && text.contains("length 8") && text.contains("length 4"),
        "{text}"
    );
}
