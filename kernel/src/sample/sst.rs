//! The monthly 1-degree global sea-surface temperature store (`sst.zarr`, Zarr format 3, zstd).
//!
//! `sst(time, lat, lon)` float32 in degC on lat -89.5..89.5 (180) and lon 0.5..359.5 (360), NaN over
//! smooth continents. The signal: a meridional climatology with a west Pacific warm pool and an
//! equatorial cold tongue, a hemispheric seasonal cycle (warmest in August in the north), a slow
//! warming trend, an ENSO-like quasi-periodic anomaly centred in the NINO3.4 box (5S-5N, 190-240E)
//! peaking in boreal winter, and a weak travelling "weather" pattern. Monthly steps on the first of
//! each month from 1950-01-01, stored as days since 1950-01-01 (standard calendar). Small writes 10
//! years (1950-1959, 120 steps); medium and large write 40 years (1950-1989, 480 steps), one
//! year per chunk.

use super::store::{self, grid};
use super::{ChunkCounts, SampleError, Size, Summary};
use serde_json::{json, Value};
use std::f64::consts::PI;
use std::path::Path;

const NLAT: u64 = 180;
const NLON: u64 = 360;
/// Months per chunk.
const CT: u64 = 12;

fn months(size: Size) -> u64 {
    match size {
        Size::Small => 120,
        Size::Medium | Size::Large => 480,
    }
}

pub(super) fn summary(size: Size) -> Summary {
    let nt = months(size);
    Summary {
        description: format!(
            "monthly SST sst(time, lat, lon) float32 {nt} x {NLAT} x {NLON} ({} years from 1950), Zarr v3 zstd",
            nt / 12
        ),
        raw_bytes: nt * NLAT * NLON * 4,
    }
}

#[allow(clippy::cast_precision_loss)]
fn lat(j: u64) -> f64 {
    -89.5 + j as f64
}

#[allow(clippy::cast_precision_loss)]
fn lon(i: u64) -> f64 {
    0.5 + i as f64
}

/// Squared normalised distance from an ellipse's centre, with longitudes wrapped.
fn ellipse(lon: f64, lat: f64, (clon, clat): (f64, f64), (rlon, rlat): (f64, f64)) -> f64 {
    let dlon = (lon - clon + 540.0).rem_euclid(360.0) - 180.0;
    (dlon / rlon).powi(2) + ((lat - clat) / rlat).powi(2)
}

fn is_land(lon: f64, lat: f64) -> bool {
    let wiggle = 0.12 * (lon.to_radians() * 7.0).sin() * (lat.to_radians() * 5.0).cos();
    let blob = |centre, radius| ellipse(lon, lat, centre, radius) < 1.0 + wiggle;
    lat < -68.0 + 4.0 * (lon.to_radians() * 3.0).sin()
        || blob((258.0, 50.0), (42.0, 22.0)) // North America
        || blob((272.0, 18.0), (10.0, 8.0)) // Central America
        || blob((296.0, -16.0), (16.0, 30.0)) // South America
        || blob((318.0, 73.0), (14.0, 9.0)) // Greenland
        || blob((20.0, 6.0), (22.0, 30.0)) // Africa
        || blob((85.0, 52.0), (75.0, 20.0)) // Eurasia
        || blob((78.0, 20.0), (9.0, 11.0)) // India
        || blob((105.0, 20.0), (12.0, 10.0)) // Indochina
        || blob((134.0, -25.0), (17.0, 11.0)) // Australia
}

/// The ENSO-like index (degC) at month `m` since 1950-01: three incommensurate periods, phase
/// locked to peak in boreal winter.
#[allow(clippy::cast_precision_loss)]
fn enso(m: u64) -> f64 {
    let t = m as f64;
    let month_of_year = (m % 12) as f64;
    let raw = 1.1 * (2.0 * PI * t / 44.0 + 0.4).sin()
        + 0.6 * (2.0 * PI * t / 63.0 + 1.9).sin()
        + 0.3 * (2.0 * PI * t / 27.0 + 3.1).sin();
    raw * (0.75 + 0.25 * (2.0 * PI * (month_of_year - 11.5) / 12.0).cos())
}

/// Sea-surface temperature (degC) at month `m`, before masking.
#[allow(clippy::cast_precision_loss)]
fn sst(m: u64, lon: f64, lat: f64) -> f64 {
    let phi = lat.to_radians();
    let month_of_year = (m % 12) as f64;
    let climatology = -1.0
        + 28.5 * phi.cos().powi(2)
        + 1.5 * (-ellipse(lon, lat, (150.0, 0.0), (35.0, 15.0))).exp()
        - 2.5 * (-ellipse(lon, lat, (265.0, -1.0), (30.0, 4.0))).exp();
    let seasonal = -3.5
        * phi.sin()
        * (-((lat.abs() - 40.0) / 25.0).powi(2)).exp()
        * (2.0 * PI * (month_of_year - 1.5) / 12.0).cos();
    let nino = enso(m) * (-ellipse(lon, lat, (225.0, 0.0), (45.0, 10.0))).exp();
    let trend = 0.008 * m as f64 / 12.0;
    let weather = 0.25
        * (lon.to_radians() * 6.0 + 1.3 * m as f64).sin()
        * (lat.to_radians() * 9.0 - 0.7 * m as f64).cos();
    (climatology + seasonal + nino + trend + weather).max(-1.8)
}

#[allow(clippy::cast_possible_truncation)]
fn chunk(nt: u64, indices: &[u64]) -> Option<Vec<f32>> {
    let &[it, 0, 0] = indices else { return None };
    let mut out = Vec::with_capacity(usize::try_from(CT * NLAT * NLON).ok()?);
    for m in it * CT..(it + 1) * CT {
        for j in 0..NLAT {
            for i in 0..NLON {
                let (x, y) = (lon(i), lat(j));
                out.push(if m >= nt || is_land(x, y) {
                    f32::NAN
                } else {
                    sst(m, x, y) as f32
                });
            }
        }
    }
    Some(out)
}

/// Days from 1950-01-01 to the first of month `m` (since 1950-01) in the standard calendar.
fn days_since_1950(m: u64) -> i64 {
    let (year, month) = (1950 + m / 12, m % 12 + 1);
    days_from_civil(year, month) - days_from_civil(1950, 1)
}

/// Days since 1970-01-01 of the first of `month` in `year` (proleptic Gregorian; Hinnant's algorithm).
#[allow(clippy::cast_possible_wrap)]
fn days_from_civil(year: u64, month: u64) -> i64 {
    let y = year as i64 - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn zarr_json(shape: &[u64], chunks: &[u64], dtype: &str, dims: &[&str], attrs: &Value) -> Value {
    json!({
        "zarr_format": 3,
        "node_type": "array",
        "shape": shape,
        "data_type": dtype,
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": chunks}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": "NaN",
        "codecs": [
            {"name": "bytes", "configuration": {"endian": "little"}},
            {"name": "zstd", "configuration": {"level": 5, "checksum": false}},
        ],
        "attributes": attrs,
        "dimension_names": dims,
    })
}

/// Writes the store into `root` (a fresh directory).
#[allow(clippy::cast_precision_loss)]
pub(super) fn write(root: &Path, size: Size, threads: usize) -> Result<ChunkCounts, SampleError> {
    let nt = months(size);
    let st = store::open(root)?;
    let shape = [nt, NLAT, NLON];
    let chunks = [CT, NLAT, NLON];
    let array = store::create_array(
        &st,
        "sst",
        zarr_json(
            &shape,
            &chunks,
            "float32",
            &["time", "lat", "lon"],
            &json!({
                "standard_name": "sea_surface_temperature",
                "long_name": "Monthly mean sea surface temperature",
                "units": "degC",
            }),
        ),
    )?;
    let counts = store::write_chunks(&array, "sst", &grid(&shape, &chunks), threads, |indices| {
        chunk(nt, indices)
    })?;

    let time: Vec<f64> = (0..nt).map(|m| days_since_1950(m) as f64).collect();
    let lats: Vec<f64> = (0..NLAT).map(lat).collect();
    let lons: Vec<f64> = (0..NLON).map(lon).collect();
    for (name, values, attrs) in [
        (
            "time",
            time,
            json!({"standard_name": "time", "long_name": "time", "axis": "T",
                   "units": "days since 1950-01-01", "calendar": "standard"}),
        ),
        (
            "lat",
            lats,
            json!({"standard_name": "latitude", "long_name": "latitude", "axis": "Y", "units": "degrees_north"}),
        ),
        (
            "lon",
            lons,
            json!({"standard_name": "longitude", "long_name": "longitude", "axis": "X", "units": "degrees_east"}),
        ),
    ] {
        let n = values.len() as u64;
        let coord =
            store::create_array(&st, name, zarr_json(&[n], &[n], "float64", &[name], &attrs))?;
        store::write_chunks(&coord, name, &[1], 1, |_| Some(values.clone()))?;
    }

    store::finish_group_v3(
        root,
        &json!({
            "title": "Synthetic monthly 1-degree sea surface temperature (Nereus sample data)",
            "Conventions": "CF-1.8",
            "source": "nereus sample-data: deterministic analytic climatology, seasonal cycle and ENSO-like signal; not observations",
            "sample_size": size.name(),
        }),
        &["sst", "time", "lat", "lon"],
    )?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_offsets() {
        assert_eq!(days_since_1950(0), 0);
        assert_eq!(days_since_1950(1), 31);
        assert_eq!(days_since_1950(12), 365);
        // 1952 is a leap year: 1952-03-01 is 365 + 365 + 31 + 29 days after 1950-01-01.
        assert_eq!(days_since_1950(26), 790);
    }

    #[test]
    fn nino34_box_is_ocean_with_a_signal() {
        for lon in [190.5, 215.5, 239.5] {
            for lat in [-4.5, 0.5, 4.5] {
                assert!(!is_land(lon, lat), "{lon} {lat}");
            }
        }
        let values: Vec<f64> = (0..480)
            .map(|m| sst(m, 215.5, 0.5) - sst(m, 215.5 - 150.0, 0.5))
            .collect();
        let (lo, hi) = values
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
        assert!(hi - lo > 2.0, "ENSO range {lo}..{hi}");
        assert!(is_land(260.0, 45.0) && is_land(20.0, 5.0) && is_land(0.5, -85.5));
    }
}
