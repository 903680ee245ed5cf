"""Look-alike Zarr stores for the real-cell corpus (tests/real_cells/*.py), written with xarray.

Each store copies the names, dimensions, coordinates, dtypes, encodings, attributes and calendar of
the dataset a source notebook loads, and fills it with deterministic, plausible values (seeded
numpy; smooth fields with a land mask), so every cell of the corpus sees what it would see on the
original file: same shapes and labels, same reprs apart from the numbers.

| store                      | original                                                          |
|----------------------------|-------------------------------------------------------------------|
| air_temperature.zarr       | xarray tutorial "air_temperature" (NCEP reanalysis, 6-hourly)     |
| ersstv5.zarr               | xarray tutorial "ersstv5" (NOAA ERSST v5, monthly 1970-2021)      |
| rasm.zarr                  | xarray tutorial "rasm" (RASM, noleap calendar, 2-D xc/yc)          |
| CESM2_sst_data.zarr        | pythia-datasets CESM2_sst_data.nc (tos, noleap, 1-degree)         |
| CESM2_grid_variables.zarr  | pythia-datasets CESM2_grid_variables.nc (areacello)               |
| sea_surface_height.zarr    | Pangeo catalog "sea_surface_height" (CMEMS DUACS SSH), coarsened   |

Sizes are those of the originals except for the SSH store, whose 0.25-degree, 25-year grid is cut
down to 3.75 degrees and one year (the notebook cells never depend on the grid size).

Run as a script to write every store under a directory: ``python stores.py OUT``.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import cftime
import numpy as np
import pandas as pd
import xarray as xr


def land_mask(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """A crude, deterministic set of continents on a (lat, lon) grid: True over land."""
    la = np.asarray(lat, dtype=float)[:, None]
    lo = np.mod(np.asarray(lon, dtype=float), 360.0)[None, :]

    def ellipse(clat, clon, rlat, rlon):
        return ((la - clat) / rlat) ** 2 + ((lo - clon) / rlon) ** 2 <= 1.0

    land = (
        ellipse(45, 260, 22, 35)  # North America
        | ellipse(65, 300, 12, 18)  # Greenland-ish
        | ellipse(-15, 300, 25, 18)  # South America
        | ellipse(10, 20, 28, 25)  # Africa
        | ellipse(50, 80, 22, 70)  # Eurasia
        | ellipse(-25, 135, 12, 18)  # Australia
        | (la < -70)  # Antarctica
    )
    return land


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, ...], scale: float) -> np.ndarray:
    """Noise that is smooth along the last two axes (cheap box filter of white noise)."""
    noise = rng.standard_normal(shape)
    for axis in (-1, -2):
        noise = (noise + np.roll(noise, 1, axis) + np.roll(noise, -1, axis)) / 3.0
    return scale * noise


def _write(ds: xr.Dataset, path: Path, encoding: dict | None = None) -> Path:
    with warnings.catch_warnings():
        # zarr-python warns that v3 consolidated metadata is not in the spec yet; we want it.
        warnings.filterwarnings("ignore", message="Consolidated metadata", category=UserWarning)
        warnings.filterwarnings("ignore", category=RuntimeWarning)
        ds.to_zarr(path, mode="w", consolidated=True, encoding=encoding or {})
    return path


# --------------------------------------------------------------------------------------------
# xarray tutorial: air_temperature


def air_temperature(out: Path) -> Path:
    time = pd.date_range("2013-01-01", "2014-12-31T18:00", freq="6h")
    lat = np.arange(75.0, 14.9, -2.5, dtype=np.float32)
    lon = np.arange(200.0, 330.1, 2.5, dtype=np.float32)
    rng = np.random.default_rng(20130101)
    t = np.arange(time.size)
    doy = (time.day_of_year.values - 1) / 365.25
    la = lat.astype(float)[None, :, None]
    lo = lon.astype(float)[None, None, :]
    mean = 300.0 - 0.9 * (la - 15.0) + 3.0 * np.sin(np.deg2rad(lo - 200.0) * 2.0)
    season = -(4.0 + 0.25 * (la - 15.0)) * np.cos(2 * np.pi * doy)[:, None, None]
    diurnal = 1.5 * np.sin(2 * np.pi * (t % 4) / 4.0)[:, None, None]
    air = mean + season + diurnal + _smooth_noise(rng, (time.size, lat.size, lon.size), 6.0)
    air = np.round(np.clip(air, 190.0, 315.0), 2)
    ds = xr.Dataset(
        {
            "air": (
                ("time", "lat", "lon"),
                air,
                {
                    "long_name": "4xDaily Air temperature at sigma level 995",
                    "units": "degK",
                    "precision": np.int16(2),
                    "GRIB_id": np.int16(11),
                    "GRIB_name": "TMP",
                    "var_desc": "Air temperature",
                    "dataset": "NMC Reanalysis",
                    "level_desc": "Surface",
                    "statistic": "Individual Obs",
                    "parent_stat": "Other",
                    "actual_range": np.array([185.16, 322.1], dtype=np.float32),
                },
            )
        },
        coords={
            "time": ("time", time, {"standard_name": "time", "long_name": "Time"}),
            "lat": (
                "lat",
                lat,
                {"standard_name": "latitude", "long_name": "Latitude", "units": "degrees_north", "axis": "Y"},
            ),
            "lon": (
                "lon",
                lon,
                {"standard_name": "longitude", "long_name": "Longitude", "units": "degrees_east", "axis": "X"},
            ),
        },
        attrs={
            "Conventions": "COARDS",
            "title": "4x daily NMC reanalysis (1948)",
            "description": "Data is from NMC initialized reanalysis\n(4x/day).  These are the 0.9950 sigma level values.",
            "platform": "Model",
            "references": "http://www.esrl.noaa.gov/psd/data/gridded/data.ncep.reanalysis.html",
        },
    )
    # Stored as int16 with a float64 scale_factor, as in the original netCDF: decodes to float64.
    enc = {
        "air": {"dtype": "int16", "scale_factor": 0.01, "chunks": (730, 25, 53)},
        "time": {"units": "hours since 1800-01-01", "calendar": "standard", "dtype": "float64"},
    }
    return _write(ds, out / "air_temperature.zarr", enc)


# --------------------------------------------------------------------------------------------
# xarray tutorial: ersstv5


def ersstv5(out: Path) -> Path:
    lat = np.arange(88.0, -88.1, -2.0, dtype=np.float32)
    lon = np.arange(0.0, 358.1, 2.0, dtype=np.float32)
    time = pd.date_range("1970-01-01", "2021-12-01", freq="MS")
    rng = np.random.default_rng(1970)
    la = lat.astype(float)[None, :, None]
    lo = lon.astype(float)[None, None, :]
    years = (time.year.values + (time.month.values - 1) / 12.0 - 1970.0)[:, None, None]
    month = time.month.values[:, None, None]
    base = 29.0 * np.cos(np.deg2rad(la)) ** 2 - 1.8 + 1.5 * np.sin(np.deg2rad(lo))
    season = 4.0 * np.sin(np.deg2rad(la)) * np.cos(2 * np.pi * (month - 2) / 12.0)
    enso = 1.2 * np.exp(-(((la) / 10.0) ** 2) - ((lo - 220.0) / 40.0) ** 2) * np.sin(2 * np.pi * years / 3.7)
    sst = base - season + enso + 0.012 * years + _smooth_noise(rng, (time.size, lat.size, lon.size), 0.6)
    sst = np.clip(sst, -1.8, 34.0)
    sst[:, land_mask(lat, lon)] = np.nan
    sst = sst.astype(np.float32)
    days = (time - pd.Timestamp("1800-01-01")).days.values.astype(float)
    nxt = (time + pd.offsets.MonthBegin(1) - pd.Timestamp("1800-01-01")).days.values.astype(float)
    time_bnds = np.stack([days, nxt], axis=1)
    ds = xr.Dataset(
        coords={
            "lat": ("lat", lat, {"units": "degrees_north", "long_name": "Latitude", "actual_range": np.array([88.0, -88.0], dtype=np.float32), "standard_name": "latitude", "axis": "Y", "coordinate_defines": "center"}),
            "lon": ("lon", lon, {"units": "degrees_east", "long_name": "Longitude", "actual_range": np.array([0.0, 358.0], dtype=np.float32), "standard_name": "longitude", "axis": "X", "coordinate_defines": "center"}),
            "time": ("time", time, {"long_name": "Time", "delta_t": "0000-01-00 00:00:00", "avg_period": "0000-01-00 00:00:00", "prev_avg_period": "0000-00-07 00:00:00", "standard_name": "time", "axis": "T", "actual_range": np.array([66443.0, 85338.0])}),
        },
        attrs={
            "climatology": "Climatology is based on 1971-2000 SST, Xue, Y., T. M. Smith, and R. W. Reynolds, 2003: Interdecadal changes of 30-yr SST normals during 1871.2000. Journal of Climate, 16, 1601-1612.",
            "description": "In situ data: ICOADS2.5 before 2007 and NCEP in situ data from 2008 to present. Ice data: HadISST ice before 2010 and NCEP ice after 2010.",
            "keywords_vocabulary": "NASA Global Change Master Directory (GCMD) Science Keywords",
            "keywords": "Earth Science > Oceans > Ocean Temperature > Sea Surface Temperature >",
            "instrument": "Conventional thermometers",
            "source_comment": "SSTs were observed by conventional thermometers in Buckets (insulated or un-insulated canvas and wooded buckets) or Engine Room Intaker",
            "geospatial_lon_min": -1.0,
            "geospatial_lon_max": 359.0,
            "geospatial_laty_max": 89.0,
            "geospatial_laty_min": -89.0,
            "geospatial_lat_max": 89.0,
            "geospatial_lat_min": -89.0,
            "geospatial_lat_units": "degrees_north",
            "geospatial_lon_units": "degrees_east",
            "cdm_data_type": "Grid",
            "project": "NOAA Extended Reconstructed Sea Surface Temperature (ERSST)",
            "original_publisher_url": "http://www.ncdc.noaa.gov",
            "References": "https://www.ncdc.noaa.gov/data-access/marineocean-data/extended-reconstructed-sea-surface-temperature-ersst-v5 at NCEI and http://www.esrl.noaa.gov/psd/data/gridded/data.noaa.ersst.v5.html",
            "source": "In situ data: ICOADS R3.0 before 2015, NCEP in situ GTS from 2016 to present, and Argo SST from 1999 to present. Ice data: HadISST2 ice before 2015, and NCEP ice after 2015",
            "title": "NOAA ERSSTv5 (in situ only)",
            "history": "created 07/2017 by PSD data using NCEI's ERSST V5 NetCDF values",
            "institution": "This version written at NOAA/ESRL PSD: obtained from NOAA/NESDIS/National Centers for Environmental Information and time aggregated. Original Full Source: NOAA/NESDIS/NCEI.",
            "citation": "Huang et al, 2017: Extended Reconstructed Sea Surface Temperatures Version 5 (ERSSTv5): Upgrades, Validations, and Intercomparisons. Journal of Climate, https://doi.org/10.1175/JCLI-D-16-0836.1",
            "platform": "Ship and Buoy SSTs from ICOADS R3.0 and NCEP GTS",
            "standard_name_vocabulary": "CF Standard Name Table (v40, 25 January 2017)",
            "processing_level": "NOAA Level 4",
            "Conventions": "CF-1.6, ACDD-1.3",
            "metadata_link": ":metadata_link = https://doi.org/10.7289/V5T72FNM (original format)",
            "creator_name": "Boyin Huang (original)",
            "date_created": "2017-06-30T12:18:00Z (original)",
            "product_version": "Version 5",
            "creator_url_original": "https://www.ncei.noaa.gov",
            "license": "No constraints on data access or use",
            "comment": "SSTs were observed by conventional thermometers in Buckets (insulated or un-insulated canvas and wooded buckets), Engine Room Intakers, or floats and drifters",
            "summary": "ERSST.v5 is developped based on v4 after revisions of 8 parameters using updated data sets and advanced knowledge of ERSST analysis",
            "dataset_title": "NOAA Extended Reconstructed SST V5",
            "data_modified": "2022-06-07",
        },
    )
    ds["time_bnds"] = (("time", "nbnds"), time_bnds)
    ds["sst"] = (
        ("time", "lat", "lon"),
        sst,
        {
            "long_name": "Monthly Means of Sea Surface Temperature",
            "units": "degC",
            "var_desc": "Sea Surface Temperature",
            "level_desc": "Surface",
            "statistic": "Mean",
            "dataset": "NOAA Extended Reconstructed SST V5",
            "parent_stat": "Individual Values",
            "actual_range": np.array([-1.8, 42.32636], dtype=np.float32),
            "valid_range": np.array([-1.8, 45.0], dtype=np.float32),
        },
    )
    enc = {
        "sst": {"chunks": (120, 89, 180), "_FillValue": np.float32(-9.96921e36)},
        "time_bnds": {"chunks": (624, 2)},
        "time": {"units": "days since 1800-01-01 00:00:00", "calendar": "standard", "dtype": "float64"},
    }
    return _write(ds, out / "ersstv5.zarr", enc)


# --------------------------------------------------------------------------------------------
# xarray tutorial: rasm (noleap calendar, curvilinear grid)


def rasm(out: Path) -> Path:
    ny, nx = 205, 275
    times = []
    for k in range(36):
        y, m = 1980 + (8 + k) // 12, (8 + k) % 12 + 1
        start = cftime.DatetimeNoLeap(y, m, 1)
        ny_, nm_ = (y + 1, 1) if m == 12 else (y, m + 1)
        days = (cftime.DatetimeNoLeap(ny_, nm_, 1) - start).days
        times.append(start + pd.Timedelta(hours=12 * days + 12).to_pytimedelta())
    jj, ii = np.meshgrid(np.arange(ny, dtype=float), np.arange(nx, dtype=float), indexing="ij")
    # A rotated polar grid: latitudes 16..90, longitudes wrapping around the pole.
    r = np.hypot(ii - nx / 2.0, jj - ny / 2.0) / np.hypot(nx / 2.0, ny / 2.0)
    yc = 90.0 - 74.0 * r
    xc = np.mod(np.degrees(np.arctan2(jj - ny / 2.0, ii - nx / 2.0)) + 360.0, 360.0)
    rng = np.random.default_rng(1980)
    month = np.array([t.month for t in times], dtype=float)[:, None, None]
    tair = 25.0 - 0.75 * (yc[None] - 16.0) + (2.0 + 0.3 * (yc[None] - 16.0)) * np.cos(2 * np.pi * (month - 7) / 12.0)
    tair = tair + _smooth_noise(rng, (36, ny, nx), 2.0)
    ocean = ~land_mask(np.linspace(90, 16, ny), np.linspace(0, 359, nx)) & (r > 0.12)
    tair[:, ocean] = np.nan
    ds = xr.Dataset(
        {"Tair": (("time", "y", "x"), tair, {"units": "C", "long_name": "Surface air temperature", "type_preferred": "double", "time_rep": "instantaneous"})},
        coords={
            "time": ("time", np.array(times), {"long_name": "time", "type_preferred": "int"}),
            "xc": (("y", "x"), xc, {"long_name": "longitude of grid cell center", "units": "degrees_east"}),
            "yc": (("y", "x"), yc, {"long_name": "latitude of grid cell center", "units": "degrees_north"}),
        },
        attrs={
            "title": "/workspace/jhamman/processed/R1002RBRxaaa01a/lnd/temp/R1002RBRxaaa01a.vic.ha.1979-09-01.nc",
            "institution": "U.W.",
            "source": "RACM R1002RBRxaaa01a",
            "output_frequency": "daily",
            "output_mode": "averaged",
            "convention": "CF-1.4",
            "references": "Based on the initial model of Liang et al., 1994, JGR, 99, 14,415- 14,429.",
            "comment": "Output from the Variable Infiltration Capacity (VIC) model.",
            "nco_openmp_thread_number": np.int32(1),
            "NCO": "netCDF Operators version 4.7.9 (Homepage = http://nco.sf.net, Code = http://github.com/nco/nco)",
            "history": "Fri Aug  7 17:57:38 2020: ncatted -a bounds,,d,, rasm.nc rasm.nc\nTue Dec 27 14:15:22 2016: ncatted -a dimensions,,d,, rasm.nc rasm.nc",
        },
    )
    enc = {
        "Tair": {"chunks": (12, 205, 275)},
        "xc": {"chunks": (205, 275)},
        "yc": {"chunks": (205, 275)},
        "time": {"units": "days since 0001-01-01", "calendar": "noleap", "dtype": "float64"},
    }
    return _write(ds, out / "rasm.zarr", enc)


# --------------------------------------------------------------------------------------------
# pythia-datasets: CESM2_sst_data.nc and CESM2_grid_variables.nc


CESM2_ATTRS = {
    "Conventions": "CF-1.7 CMIP-6.2",
    "activity_id": "CMIP",
    "branch_method": "standard",
    "branch_time_in_child": 674885.0,
    "branch_time_in_parent": 219000.0,
    "case_id": "972",
    "cesm_casename": "b.e21.BHIST.f09_g17.CMIP6-historical.011",
    "contact": "cesm_cmip6@ucar.edu",
    "creation_date": "2019-04-02T04:44:58Z",
    "data_specs_version": "01.00.29",
    "experiment": "Simulation of recent past (1850 to 2014). Impose changing conditions (consistent with observations). Should be initialised from a point early enough in the pre-industrial control run to ensure that the end of all the perturbed runs branching from the end of this historical run end at a point in the control run that can be reliably extrapolated to remove any drift.",
    "experiment_id": "historical",
    "external_variables": "areacello",
    "forcing_index": np.int32(1),
    "frequency": "mon",
    "grid": "native gx1v7 displaced pole grid (384x320 latxlon)",
    "grid_label": "gr",
    "initialization_index": np.int32(1),
    "institution": "National Center for Atmospheric Research, Climate and Global Dynamics Laboratory, 1850 Table Mesa Drive, Boulder, CO 80305, USA",
    "institution_id": "NCAR",
    "license": "CMIP6 model data produced by <The National Center for Atmospheric Research> is licensed under a Creative Commons Attribution-[]ShareAlike 4.0 International License (https://creativecommons.org/licenses/).",
    "mip_era": "CMIP6",
    "model_doi_url": "https://doi.org/10.5065/D67H1H0V",
    "nominal_resolution": "1x1 degree",
    "parent_activity_id": "CMIP",
    "parent_experiment_id": "piControl",
    "parent_mip_era": "CMIP6",
    "parent_source_id": "CESM2",
    "parent_time_units": "days since 0001-01-01 00:00:00",
    "parent_variant_label": "r1i1p1f1",
    "physics_index": np.int32(1),
    "product": "model-output",
    "realization_index": np.int32(11),
    "realm": "ocean",
    "source": "CESM2 (2017): atmosphere: CAM6 (0.9x1.25 finite volume grid; 288 x 192 longitude/latitude; 32 levels; top level 2.25 mb); ocean: POP2 (320x384 longitude/latitude; 60 levels; top grid cell 0-10 m); sea_ice: CICE5.1 (same grid as ocean)",
    "source_id": "CESM2",
    "source_type": "AOGCM BGC",
    "sub_experiment": "none",
    "sub_experiment_id": "none",
    "table_id": "Omon",
    "tracking_id": "hdl:21.14100/19f9ed4d-daf4-4a51-8563-fe32b9c2a0cd",
    "variable_id": "tos",
    "variant_info": "CMIP6 20th century experiments (1850-2014) with CAM6, interactive land (CLM5), coupled ocean (POP2) with biogeochemistry (MARBL), interactive sea ice (CICE5.1), and non-evolving land ice (CISM2.1)",
    "variant_label": "r11i1p1f1",
}


def _cmip_lat_lon(lat: np.ndarray, lon: np.ndarray) -> dict:
    """CMIP6's latitude and longitude coordinates, with their bounds named."""
    return {
        "lat": ("lat", lat, {"axis": "Y", "bounds": "lat_bnds", "long_name": "latitude",
                             "standard_name": "latitude", "units": "degrees_north"}),
        "lon": ("lon", lon, {"axis": "X", "bounds": "lon_bnds", "long_name": "longitude",
                             "standard_name": "longitude", "units": "degrees_east"}),
    }


def cesm2(out: Path) -> list[Path]:
    lat = np.arange(-89.5, 90.0, 1.0)
    lon = np.arange(0.5, 360.0, 1.0)
    nt = 180
    starts = [cftime.DatetimeNoLeap(2000 + k // 12, k % 12 + 1, 1) for k in range(nt + 1)]
    time = np.array([cftime.DatetimeNoLeap(2000 + k // 12, k % 12 + 1, 15, 12) for k in range(nt)])
    time_bnds = np.array([[starts[k], starts[k + 1]] for k in range(nt)])
    rng = np.random.default_rng(2000)
    la = lat[None, :, None]
    lo = lon[None, None, :]
    years = np.arange(nt)[:, None, None] / 12.0
    month = (np.arange(nt) % 12 + 1)[:, None, None]
    base = 29.5 * np.cos(np.deg2rad(la)) ** 2 - 1.8 + 1.2 * np.sin(np.deg2rad(2 * lo))
    season = 3.5 * np.sin(np.deg2rad(la)) * np.cos(2 * np.pi * (month - 2) / 12.0)
    enso = 1.5 * np.exp(-((la / 8.0) ** 2) - ((lo - 225.0) / 35.0) ** 2) * np.sin(2 * np.pi * years / 3.9 + 0.7)
    tos = base - season + enso + 0.02 * years + _smooth_noise(rng, (nt, lat.size, lon.size), 0.5)
    tos = np.clip(tos, -1.8, 33.0)
    land = land_mask(lat, lon)
    tos[:, land] = np.nan
    tos = tos.astype(np.float32)
    lat_bnds = np.stack([lat - 0.5, lat + 0.5], axis=1)
    lon_bnds = np.stack([lon - 0.5, lon + 0.5], axis=1)
    ds = xr.Dataset(
        {
            "time_bnds": (("time", "d2"), time_bnds),
            "lat_bnds": (("lat", "d2"), lat_bnds, {"long_name": "latitude bounds", "units": "degrees_north"}),
            "lon_bnds": (("lon", "d2"), lon_bnds, {"long_name": "longitude bounds", "units": "degrees_east"}),
            "tos": (
                ("time", "lat", "lon"),
                tos,
                {
                    "cell_measures": "area: areacello",
                    "cell_methods": "area: mean where sea time: mean",
                    "comment": "Model data on the 1x1 grid includes values in all cells for which ocean cells on the native grid cover more than 52.5 percent of the 1x1 grid cell. This 52.5 percent cutoff was chosen to produce ocean surface area on the 1x1 grid as close as possible to ocean surface area on the native grid, while not introducing fractional cell coverage.",
                    "description": "This may differ from \"surface temperature\" in regions of sea ice or floating ice shelves. For models using conservative temperature as the prognostic field, they should report the top ocean layer as surface potential temperature, which is the same as surface in situ temperature.",
                    "frequency": "mon",
                    "id": "tos",
                    "long_name": "Sea Surface Temperature",
                    "mipTable": "Omon",
                    "out_name": "tos",
                    "prov": "Omon ((isd.003))",
                    "realm": "ocean",
                    "standard_name": "sea_surface_temperature",
                    "time": "time",
                    "time_label": "time-mean",
                    "time_title": "Temporal mean",
                    "title": "Sea Surface Temperature",
                    "type": "real",
                    "units": "degC",
                    "variable_id": "tos",
                },
            ),
        },
        coords={
            "time": ("time", time, {"axis": "T", "bounds": "time_bnds", "standard_name": "time", "title": "time", "type": "double"}),
            **_cmip_lat_lon(lat, lon),
        },
        attrs=CESM2_ATTRS,
    )
    units = {"units": "days since 0001-01-01 00:00:00", "calendar": "noleap", "dtype": "float64"}
    enc = {
        "tos": {"chunks": (60, 180, 360), "_FillValue": np.float32(1e20)},
        "time": dict(units),
        "time_bnds": {**units, "chunks": (180, 2)},
    }
    paths = [_write(ds, out / "CESM2_sst_data.zarr", enc)]

    # Cell areas of a 1-degree sphere, everywhere (the notebooks weight with it lazily and plot
    # the result, which xarray refuses when weights hold NaN).
    radius = 6371000.0
    band = np.sin(np.deg2rad(lat + 0.5)) - np.sin(np.deg2rad(lat - 0.5))
    area = (radius**2 * np.deg2rad(1.0) * band)[:, None] * np.ones(lon.size)[None, :]
    area = area.astype(np.float32)
    grid = xr.Dataset(
        {
            "areacello": (
                ("lat", "lon"),
                area,
                {
                    "cell_methods": "area: sum",
                    "comment": "TAREA",
                    "description": "Cell areas for any grid used to report ocean variables and variables which are requested as used on the model ocean grid (e.g. hfsso, which is a downward heat flux from the atmosphere interpolated onto the ocean grid). These cell areas should be defined to enable exact calculation of global integrals (e.g., of vertical fluxes of energy at the surface and top of the atmosphere).",
                    "frequency": "fx",
                    "id": "areacello",
                    "long_name": "Grid-Cell Area for Ocean Variables",
                    "mipTable": "Ofx",
                    "out_name": "areacello",
                    "prov": "Ofx ((isd.003))",
                    "realm": "ocean",
                    "standard_name": "cell_area",
                    "time_label": "None",
                    "time_title": "No temporal dimensions ... fixed field",
                    "title": "Grid-Cell Area for Ocean Variables",
                    "type": "real",
                    "units": "m2",
                    "variable_id": "areacello",
                },
            ),
        },
        coords={
            **_cmip_lat_lon(lat, lon),
        },
        attrs={**CESM2_ATTRS, "frequency": "fx", "table_id": "Ofx", "variable_id": "areacello"},
    )
    grid["lat_bnds"] = (("lat", "d2"), lat_bnds)
    grid["lon_bnds"] = (("lon", "d2"), lon_bnds)
    genc = {"areacello": {"chunks": (180, 360), "_FillValue": np.float32(1e20)}}
    paths.append(_write(grid, out / "CESM2_grid_variables.zarr", genc))
    return paths


# --------------------------------------------------------------------------------------------
# Pangeo catalog: sea_surface_height (CMEMS DUACS), on a coarse grid and one year


def sea_surface_height(out: Path) -> Path:
    lat = (np.arange(48) * 3.75 - 88.125).astype(np.float32)
    lon = (np.arange(96) * 3.75 + 1.875).astype(np.float32)
    time = pd.date_range("1993-01-01", periods=365, freq="D")
    rng = np.random.default_rng(1993)
    la = lat.astype(float)[None, :, None]
    lo = lon.astype(float)[None, None, :]
    t = np.arange(time.size)[:, None, None]
    sla = (
        0.003 * t / 365.0
        + 0.05 * np.sin(np.deg2rad(la)) * np.cos(2 * np.pi * (t - 60) / 365.0)
        + 0.08 * np.exp(-(((la - 38.0) / 6.0) ** 2)) * np.sin(np.deg2rad(3 * lo) + t / 40.0)
        + _smooth_noise(rng, (time.size, lat.size, lon.size), 0.03)
    )
    mdt = 1.2 * np.cos(np.deg2rad(la)) ** 2 - 0.5
    adt = sla + mdt
    land = land_mask(lat, lon)
    sla[:, land] = np.nan
    adt[:, land] = np.nan
    sla = np.round(sla, 4)
    adt = np.round(adt, 4)
    common = {"grid_mapping": "crs", "comment": "The sea level anomaly is the sea surface height above mean sea surface; it is referenced to the [1993, 2012] period; see the product user manual for details"}
    ds = xr.Dataset(
        {
            "adt": (("time", "latitude", "longitude"), adt, {**common, "long_name": "Absolute dynamic topography", "standard_name": "sea_surface_height_above_geoid", "units": "m", "comment": "The absolute dynamic topography is the sea surface height above geoid; the adt is obtained as follows: adt=sla+mdt where mdt is the mean dynamic topography; see the product user manual for details"}),
            "sla": (("time", "latitude", "longitude"), sla, {**common, "long_name": "Sea level anomaly", "standard_name": "sea_surface_height_above_sea_level", "units": "m"}),
        },
        coords={
            "time": ("time", time, {"axis": "T", "long_name": "Time", "standard_name": "time"}),
            "latitude": ("latitude", lat, {"axis": "Y", "bounds": "lat_bnds", "long_name": "Latitude", "standard_name": "latitude", "units": "degrees_north"}),
            "longitude": ("longitude", lon, {"axis": "X", "bounds": "lon_bnds", "long_name": "Longitude", "standard_name": "longitude", "units": "degrees_east"}),
            "nv": ("nv", np.array([0, 1], dtype=np.int32), {"comment": "Vertex"}),
            "crs": ((), np.int32(-2147483647), {"comment": "This is a 2D coordinate system", "grid_mapping_name": "latitude_longitude", "inverse_flattening": 298.257, "semi_major_axis": 6378136.3}),
            "lat_bnds": (("latitude", "nv"), np.stack([lat - 1.875, lat + 1.875], axis=1).astype(np.float32)),
            "lon_bnds": (("longitude", "nv"), np.stack([lon - 1.875, lon + 1.875], axis=1).astype(np.float32)),
        },
        attrs={
            "Conventions": "CF-1.6",
            "Metadata_Conventions": "Unidata Dataset Discovery v1.0",
            "cdm_data_type": "Grid",
            "comment": "Sea Surface Height measured by Altimetry and derived variables",
            "contact": "servicedesk.cmems@mercator-ocean.eu",
            "creator_email": "servicedesk.cmems@mercator-ocean.eu",
            "creator_name": "CMEMS - Sea Level Thematic Assembly Center",
            "creator_url": "http://marine.copernicus.eu",
            "date_created": "2014-02-26T16:09:13Z",
            "date_issued": "2014-01-06T00:00:00Z",
            "date_modified": "2015-11-10T19:42:51Z",
            "geospatial_lat_max": 89.875,
            "geospatial_lat_min": -89.875,
            "geospatial_lat_resolution": 0.25,
            "geospatial_lat_units": "degrees_north",
            "geospatial_lon_max": 359.875,
            "geospatial_lon_min": 0.125,
            "geospatial_lon_resolution": 0.25,
            "geospatial_lon_units": "degrees_east",
            "history": "2014-02-26T16:09:13Z: created by DUACS DT - 2017-01-20T15:19:40Z: Change of some attributes",
            "institution": "CLS, CNES",
            "keywords": "Oceans > Ocean Topography > Sea Surface Height",
            "keywords_vocabulary": "NetCDF COARDS Climate and Forecast Standard Names",
            "license": "http://marine.copernicus.eu/web/27-service-commitments-and-licence.php",
            "platform": "ERS-1, Topex/Poseidon",
            "processing_level": "L4",
            "product_version": "5.0",
            "project": "COPERNICUS MARINE ENVIRONMENT MONITORING SERVICE (CMEMS)",
            "references": "http://marine.copernicus.eu",
            "source": "Altimetry measurements",
            "ssalto_duacs_comment": "The reference mission used for the altimeter inter-calibration processing is Topex/Poseidon between 1993-01-01 and 2002-04-23, Jason-1 between 2002-04-24 and 2008-10-18, OSTM/Jason-2 between 2008-10-19 and 2016-06-25, Jason-3 since 2016-06-25.",
            "standard_name_vocabulary": "NetCDF Climate and Forecast (CF) Metadata Convention Standard Name Table v37",
            "summary": "SSALTO/DUACS Delayed-Time Level-4 sea surface height and derived variables measured by multi-satellite altimetry observations over Global Ocean.",
            "time_coverage_duration": "P1D",
            "time_coverage_end": "1993-01-01T12:00:00Z",
            "time_coverage_resolution": "P1D",
            "time_coverage_start": "1992-12-31T12:00:00Z",
            "title": "DT merged all satellites Global Ocean Gridded SSALTO/DUACS Sea Surface Height L4 product and derived variables",
        },
    )
    packed = {"dtype": "int32", "scale_factor": 0.0001, "_FillValue": np.int32(-2147483647), "chunks": (5, 48, 96)}
    enc = {
        "adt": dict(packed),
        "sla": dict(packed),
        "time": {"units": "days since 1950-01-01 00:00:00", "calendar": "gregorian", "dtype": "float64"},
    }
    return _write(ds, out / "sea_surface_height.zarr", enc)


WRITERS = [air_temperature, ersstv5, rasm, cesm2, sea_surface_height]


def write_all(out: Path) -> Path:
    """Write every look-alike store under `out` and return `out`."""
    out.mkdir(parents=True, exist_ok=True)
    for writer in WRITERS:
        writer(out)
    return out


if __name__ == "__main__":
    write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "real-cells-data"))
