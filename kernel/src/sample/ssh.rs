//! The eNATL60-like hourly sea-surface height store (`ssh.zarr`, Zarr format 2, consolidated).
//!
//! A curvilinear North Atlantic grid (about 82W-12E, 24N-66N) with smooth coasts (America,
//! Europe/Africa, Greenland, Iceland). The signal is a sum of separable terms
//! `S0(y,x) + sum_j P_j(y,x) T_j(t)`: a mean dynamic topography (subtropical high, subpolar low, a
//! Gulf Stream front), westward-propagating mesoscale eddies concentrated along the front, and M2
//! and K1 tides with amplitude hot spots (Bay of Fundy, English Channel). Land is the fill value
//! 1e20; chunks that are all land are never written. Hourly steps from 2009-07-01 in the `noleap`
//! calendar, stored as seconds since 1950-01-01 as NEMO does.

use super::store::{self, grid};
use super::{ChunkCounts, SampleError, Size, Summary};
use serde_json::{json, Value};
use std::f64::consts::PI;
use std::path::Path;

/// The fill value that marks land.
const LAND: f32 = 1e20;
/// `time_counter` of the first step: 2009-07-01 00:00 in seconds since 1950-01-01 (noleap).
const T0_SECONDS: f64 = (59.0 * 365.0 + 181.0) * 86_400.0;
/// Number of separable time-varying terms.
const NTERMS: usize = EDDIES.len() * 2 + TIDES.len() * 2;
/// Budget for chunks in flight (raw + encoded + codec scratch, about 3x the raw chunk).
const IN_FLIGHT_BYTES: u64 = 1_500_000_000;

/// Mesoscale eddy waves: (wavenumber along lon, along lat, in radians per degree; period in days,
/// negative for westward phase propagation; phase).
const EDDIES: [(f64, f64, f64, f64); 6] = [
    (2.1, 0.9, -38.0, 0.3),
    (-1.4, 2.0, -52.0, 1.7),
    (1.1, -1.9, -61.0, 4.1),
    (2.6, 0.3, -29.0, 2.2),
    (0.7, 2.4, -45.0, 5.3),
    (-2.2, -1.2, -70.0, 0.9),
];
/// Tidal constituents: (period in hours, base amplitude in m, phase gradient per degree lon, lat).
const TIDES: [(f64, f64, f64, f64); 2] = [
    (12.420_601, 0.35, 0.055, 0.09),
    (23.934_47, 0.07, 0.02, 0.01),
];

/// Array and chunk shape (time_counter, y, x).
struct Dims {
    shape: [u64; 3],
    chunks: [u64; 3],
}

fn dims(size: Size) -> Dims {
    match size {
        Size::Small => Dims {
            shape: [96, 200, 200],
            chunks: [48, 48, 48],
        },
        Size::Medium => Dims {
            shape: [240, 500, 800],
            chunks: [120, 120, 192],
        },
        Size::Large => Dims {
            shape: [480, 1000, 2000],
            chunks: [240, 240, 480],
        },
    }
}

pub(super) fn summary(size: Size) -> Summary {
    let Dims { shape, chunks } = dims(size);
    Summary {
        description: format!(
            "eNATL60-like SSH sossheig(time_counter, y, x) float32 {} x {} x {} in {} x {} x {} chunks, \
             Zarr v2 blosc/zstd, hourly noleap",
            shape[0], shape[1], shape[2], chunks[0], chunks[1], chunks[2]
        ),
        raw_bytes: shape.iter().product::<u64>() * 4,
    }
}

/// Longitude and latitude (degrees) of grid point (j, i) on an `ny` x `nx` grid: a gently skewed,
/// curvilinear grid whose picture is the same at every size.
#[allow(clippy::cast_precision_loss)]
fn lon_lat(j: u64, i: u64, ny: u64, nx: u64) -> (f64, f64) {
    let u = i as f64 / (nx - 1).max(1) as f64;
    let v = j as f64 / (ny - 1).max(1) as f64;
    let lon = -82.0 + 94.0 * u - 3.0 * (v - 0.5) * (1.0 - (2.0 * u - 1.0).powi(2));
    let lat = 24.0 + 42.0 * v + 1.2 * (PI * u).sin() * (1.0 - v);
    (lon, lat)
}

fn ellipse(lon: f64, lat: f64, (clon, clat): (f64, f64), (rlon, rlat): (f64, f64)) -> f64 {
    ((lon - clon) / rlon).powi(2) + ((lat - clat) / rlat).powi(2)
}

/// The Gulf Stream / North Atlantic Current axis latitude at `lon`.
fn front_lat(lon: f64) -> f64 {
    37.0 + 0.2 * (lon + 75.0) + 1.5 * (lon / 4.0).sin()
}

fn is_land(lon: f64, lat: f64) -> bool {
    let america = lon < -68.0 + 0.45 * (lat - 24.0) + 3.0 * (lat * 0.35).sin();
    let europe_africa = lon > -12.0 + 5.0 * ((lat - 24.0) / 6.0).sin() + 0.3 * (lat - 24.0);
    let greenland = ellipse(lon, lat, (-40.0, 71.0), (13.0, 9.0)) < 1.0;
    let iceland = ellipse(lon, lat, (-19.0, 65.0), (5.0, 1.8)) < 1.0;
    let british_isles = ellipse(lon, lat, (-4.0, 54.0), (3.5, 4.5)) < 1.0;
    america || europe_africa || greenland || iceland || british_isles
}

fn gauss(lon: f64, lat: f64, centre: (f64, f64), radius: (f64, f64)) -> f64 {
    (-ellipse(lon, lat, centre, radius)).exp()
}

/// Mean dynamic topography (m).
fn mean_ssh(lon: f64, lat: f64) -> f64 {
    let front_strength = 0.5 * (1.0 - ((lon + 35.0) / 12.0).tanh());
    0.1 + 0.45 * front_strength * ((front_lat(lon) - lat) / 1.2).tanh()
        + 0.25 * gauss(lon, lat, (-55.0, 30.0), (20.0, 7.0))
        - 0.3 * gauss(lon, lat, (-42.0, 58.0), (14.0, 5.0))
}

/// The spatial factors `P_j` at one point, in the order of [`time_factors`].
fn space_factors(lon: f64, lat: f64) -> [f64; NTERMS] {
    let mut p = [0.0; NTERMS];
    let envelope = 0.03 + 0.14 * (-((lat - front_lat(lon)) / 5.0).powi(2)).exp();
    for (k, &(a, b, _, phase)) in EDDIES.iter().enumerate() {
        let theta = a * lon + b * lat + phase;
        p[2 * k] = envelope * theta.cos() / 2.0;
        p[2 * k + 1] = envelope * theta.sin() / 2.0;
    }
    for (k, &(_, amplitude, dlon, dlat)) in TIDES.iter().enumerate() {
        let amp = amplitude
            * (1.0
                + 0.01 * (lat - 24.0)
                + 4.0 * gauss(lon, lat, (-66.0, 45.0), (4.0, 2.5))
                + 3.0 * gauss(lon, lat, (-3.0, 49.5), (4.0, 1.5)));
        let phi = dlon * lon + dlat * lat;
        let i = 2 * EDDIES.len() + 2 * k;
        p[i] = amp * phi.cos();
        p[i + 1] = amp * phi.sin();
    }
    p
}

/// The time factors `T_j` at hour `hour` after the first step.
fn time_factors(hour: f64) -> [f64; NTERMS] {
    let mut t = [0.0; NTERMS];
    let days = hour / 24.0;
    for (k, &(_, _, period, _)) in EDDIES.iter().enumerate() {
        let w = 2.0 * PI * days / period;
        t[2 * k] = w.cos();
        t[2 * k + 1] = w.sin();
    }
    for (k, &(period, ..)) in TIDES.iter().enumerate() {
        let w = 2.0 * PI * hour / period;
        let i = 2 * EDDIES.len() + 2 * k;
        t[i] = w.cos();
        t[i + 1] = w.sin();
    }
    t
}

/// One (y, x) tile's precomputed fields, for points of the (edge-padded) chunk.
struct Tile {
    ocean: Vec<bool>,
    mean: Vec<f32>,
    /// `factors[j][point]`.
    factors: Vec<Vec<f32>>,
}

#[allow(clippy::cast_possible_truncation)]
fn tile(dims: &Dims, jy: u64, ix: u64) -> Option<Tile> {
    let [_, ny, nx] = dims.shape;
    let [_, cy, cx] = dims.chunks;
    let points = usize::try_from(cy * cx).ok()?;
    let mut t = Tile {
        ocean: vec![false; points],
        mean: vec![0.0; points],
        factors: vec![vec![0.0; points]; NTERMS],
    };
    let mut any_ocean = false;
    for dy in 0..cy {
        for dx in 0..cx {
            let (j, i) = (jy * cy + dy, ix * cx + dx);
            let (lon, lat) = lon_lat(j, i, ny, nx);
            if j >= ny || i >= nx || is_land(lon, lat) {
                continue;
            }
            let k = usize::try_from(dy * cx + dx).ok()?;
            any_ocean = true;
            t.ocean[k] = true;
            t.mean[k] = mean_ssh(lon, lat) as f32;
            for (factor, p) in t.factors.iter_mut().zip(space_factors(lon, lat)) {
                factor[k] = p as f32;
            }
        }
    }
    any_ocean.then_some(t)
}

#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
fn chunk(dims: &Dims, indices: &[u64]) -> Option<Vec<f32>> {
    let &[it, jy, ix] = indices else { return None };
    let tile = tile(dims, jy, ix)?;
    let ct = dims.chunks[0];
    let points = tile.ocean.len();
    let mut out = Vec::with_capacity(usize::try_from(ct).ok()? * points);
    let mut row = vec![0f32; points];
    for dt in 0..ct {
        let t = time_factors((it * ct + dt) as f64);
        row.copy_from_slice(&tile.mean);
        for (factor, &tj) in tile.factors.iter().zip(&t) {
            let tj = tj as f32;
            for (r, &p) in row.iter_mut().zip(factor) {
                *r += p * tj;
            }
        }
        out.extend(
            row.iter()
                .zip(&tile.ocean)
                .map(|(&v, &ocean)| if ocean { v } else { LAND }),
        );
    }
    Some(out)
}

/// `nav_lon` (`which == 0`) or `nav_lat` for tile (jy, ix), edge-padded with NaN.
#[allow(clippy::cast_possible_truncation)]
fn coordinate_tile(dims: &Dims, indices: &[u64], which: usize) -> Option<Vec<f32>> {
    let &[jy, ix] = indices else { return None };
    let [_, ny, nx] = dims.shape;
    let [_, cy, cx] = dims.chunks;
    let mut out = Vec::new();
    for j in jy * cy..(jy + 1) * cy {
        for i in ix * cx..(ix + 1) * cx {
            out.push(if j < ny && i < nx {
                let (lon, lat) = lon_lat(j, i, ny, nx);
                (if which == 0 { lon } else { lat }) as f32
            } else {
                f32::NAN
            });
        }
    }
    Some(out)
}

fn zarray(shape: &[u64], chunks: &[u64], dtype: &str, fill: &Value, attrs: &Value) -> Value {
    json!({
        "zarr_format": 2,
        "shape": shape,
        "chunks": chunks,
        "dtype": dtype,
        "compressor": {"id": "blosc", "cname": "zstd", "clevel": 5, "shuffle": 1, "blocksize": 0},
        "fill_value": fill,
        "order": "C",
        "filters": null,
        "dimension_separator": ".",
        "attributes": attrs,
    })
}

/// Writes the store into `root` (a fresh directory).
pub(super) fn write(root: &Path, size: Size, threads: usize) -> Result<ChunkCounts, SampleError> {
    let dims = dims(size);
    let [nt, ny, nx] = dims.shape;
    let [ct, cy, cx] = dims.chunks;
    let st = store::open(root)?;

    let sossheig = store::create_array(
        &st,
        "sossheig",
        zarray(
            &dims.shape,
            &dims.chunks,
            "<f4",
            &json!(1e20),
            &json!({
                "_ARRAY_DIMENSIONS": ["time_counter", "y", "x"],
                "standard_name": "sea_surface_height_above_geoid",
                "long_name": "sea surface height",
                "units": "m",
                "online_operation": "instant",
                "coordinates": "nav_lat nav_lon",
            }),
        ),
    )?;
    let chunk_bytes = ct * cy * cx * 4;
    let in_flight = usize::try_from((IN_FLIGHT_BYTES / (3 * chunk_bytes)).max(1)).unwrap_or(1);
    let counts = store::write_chunks(
        &sossheig,
        "sossheig",
        &grid(&dims.shape, &dims.chunks),
        threads.min(in_flight),
        |indices| chunk(&dims, indices),
    )?;

    for (which, name, attrs) in [
        (
            0,
            "nav_lon",
            json!({"standard_name": "longitude", "long_name": "Longitude", "units": "degrees_east"}),
        ),
        (
            1,
            "nav_lat",
            json!({"standard_name": "latitude", "long_name": "Latitude", "units": "degrees_north"}),
        ),
    ] {
        let mut attrs = attrs;
        attrs["_ARRAY_DIMENSIONS"] = json!(["y", "x"]);
        let array = store::create_array(
            &st,
            name,
            zarray(&[ny, nx], &[cy, cx], "<f4", &json!("NaN"), &attrs),
        )?;
        store::write_chunks(
            &array,
            name,
            &grid(&[ny, nx], &[cy, cx]),
            threads,
            |indices| coordinate_tile(&dims, indices, which),
        )?;
    }

    let time = store::create_array(
        &st,
        "time_counter",
        zarray(
            &[nt],
            &[nt],
            "<f8",
            &json!("NaN"),
            &json!({
                "_ARRAY_DIMENSIONS": ["time_counter"],
                "standard_name": "time",
                "long_name": "Time axis",
                "axis": "T",
                "units": "seconds since 1950-01-01 00:00:00",
                "calendar": "noleap",
                "time_origin": "1950-01-01 00:00:00",
            }),
        ),
    )?;
    #[allow(clippy::cast_precision_loss)]
    let seconds: Vec<f64> = (0..nt).map(|h| T0_SECONDS + 3600.0 * h as f64).collect();
    store::write_chunks(&time, "time_counter", &[1], 1, |_| Some(seconds.clone()))?;

    store::finish_group_v2(
        root,
        &json!({
            "title": "eNATL60-like synthetic sea-surface height (Nereus sample data)",
            "Conventions": "CF-1.8",
            "source": "nereus sample-data: deterministic analytic gyre, eddies and tides; not model output",
            "sample_size": size.name(),
        }),
        &["sossheig", "nav_lat", "nav_lon", "time_counter"],
    )?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn some_tiles_are_all_land_and_some_ocean() {
        let dims = dims(Size::Small);
        let g = grid(&dims.shape, &dims.chunks);
        let land = (0..g[1])
            .flat_map(|jy| (0..g[2]).map(move |ix| (jy, ix)))
            .filter(|&(jy, ix)| tile(&dims, jy, ix).is_none())
            .count();
        assert!(land >= 2, "{land} all-land tiles");
        assert!(
            land < usize::try_from(g[1] * g[2] / 2).unwrap_or(0),
            "{land} all-land tiles"
        );
    }

    #[test]
    fn time_origin_is_2009_07_01_noleap() {
        // 59 noleap years and Jan..Jun (181 days) after 1950-01-01.
        assert!((T0_SECONDS - 1_876_262_400.0).abs() < 0.5);
    }

    #[test]
    fn values_are_plausible_and_deterministic() {
        let dims = dims(Size::Small);
        let a = chunk(&dims, &[1, 2, 2]).unwrap_or_default();
        let b = chunk(&dims, &[1, 2, 2]).unwrap_or_default();
        assert!(!a.is_empty());
        assert_eq!(a, b);
        let ocean: Vec<f32> = a.into_iter().filter(|&v| v < 1e19).collect();
        assert!(!ocean.is_empty());
        assert!(ocean.iter().all(|v| v.abs() < 3.0));
    }
}
