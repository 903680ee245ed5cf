//! The small sample stores, generated once per test process into cargo's temporary directory
//! and reused by later runs (the generator leaves complete stores alone).

use nereus::sample::{generate, SampleOptions, Size};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The directory holding `ssh.zarr` and `sst.zarr` (small).
pub fn data_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("samples-small");
        generate(&SampleOptions {
            size: Size::Small,
            out: dir.clone(),
            force: false,
            threads: 2,
        })
        .expect("sample data");
        dir
    })
}
