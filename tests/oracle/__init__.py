"""The xarray oracle: fixture stores written by zarr-python/xarray and the expected results.

`fixtures.build(directory)` writes the stores and `cases.json`; the Rust test
`engine/tests/oracle.rs` replays every case through Nereus and compares.
"""
