//! Byte counts as text, in the four ways people read them next to our peers: xarray's repr
//! (`15MB`), dask's array table (`14.65 MiB`), progress and sizes (`3.84 GB`) and memory
//! (`7.33 GiB`). Each peer's rule is kept exactly, so our output reads like theirs.

/// Bytes as xarray's repr writes them (decimal units, no decimals): `15MB`, `768B`, `160kB`.
pub fn xarray(n: impl Into<u128>) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let n: u128 = n.into();
    #[allow(clippy::cast_precision_loss, reason = "a rounded display value")]
    let mut x = n as f64;
    let mut unit = UNITS[0];
    for u in UNITS {
        unit = u;
        if x < 1000.0 || u == "EB" {
            break;
        }
        x /= 1000.0;
    }
    format!("{x:.0}{unit}")
}

/// Bytes as dask's array table writes them (binary units, two decimals): `14.65 MiB`, `768 B`.
pub fn dask(n: impl Into<u128>) -> String {
    const PREFIXES: [(&str, u32); 5] = [("Pi", 50), ("Ti", 40), ("Gi", 30), ("Mi", 20), ("ki", 10)];
    let n: u128 = n.into();
    #[allow(clippy::cast_precision_loss, reason = "a rounded display value")]
    let x = n as f64;
    for (prefix, shift) in PREFIXES {
        let k = f64::from(shift).exp2();
        // dask switches unit at 90% of it, so 1000 kiB shows as 0.98 MiB.
        if x >= k * 0.9 {
            return format!("{:.2} {prefix}B", x / k);
        }
    }
    format!("{n} B")
}

/// Bytes in decimal units with three significant digits, as dask's progress and the docs
/// quote sizes: `999 B`, `12.5 MB`, `3.84 GB`.
pub fn decimal(n: impl Into<u128>) -> String {
    let n: u128 = n.into();
    three_digits(n, 1000, &["kB", "MB", "GB", "TB", "PB", "EB", "ZB"])
}

/// Bytes in binary units with three significant digits, as memory is counted: `512 B`,
/// `7.33 GiB`, `59.2 TiB`.
pub fn binary(n: impl Into<u128>) -> String {
    let n: u128 = n.into();
    three_digits(n, 1024, &["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB"])
}

/// `n` bytes with three significant digits in `units`, each `base` times the one before
/// (`units[0]` is `base` bytes).
fn three_digits(n: u128, base: u16, units: &[&str]) -> String {
    let base = f64::from(base);
    #[allow(clippy::cast_precision_loss, reason = "three digits are shown")]
    let bytes = n as f64;
    if bytes < base || units.is_empty() {
        return format!("{n} B");
    }
    let mut x = bytes / base;
    let mut unit = 0;
    while x >= 999.5 && unit + 1 < units.len() {
        x /= base;
        unit += 1;
    }
    let digits = if x < 9.995 { 2 } else { usize::from(x < 99.95) };
    format!("{x:.digits$} {}", units[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_like_xarray_and_dask() {
        assert_eq!(xarray(768u64), "768B");
        assert_eq!(xarray(160_000u64), "160kB");
        assert_eq!(xarray(15_360_000u64), "15MB");
        assert_eq!(dask(768u64), "768 B");
        assert_eq!(dask(15_360_000u64), "14.65 MiB");
        assert_eq!(dask(1000 * 1024_u64), "0.98 MiB");
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(decimal(999u64), "999 B");
        assert_eq!(decimal(3_840_000_000u64), "3.84 GB");
        assert_eq!(decimal(480_000_000u64), "480 MB");
        assert_eq!(decimal(12_500_000u64), "12.5 MB");
        assert_eq!(decimal(999_999u64), "1.00 MB");
        assert_eq!(binary(512u64), "512 B");
        assert_eq!(binary(1536u64), "1.50 KiB");
        assert_eq!(binary(8_062_156_800_000u64), "7.33 TiB");
        assert!(binary(u128::MAX).ends_with(" ZiB"));
    }
}
