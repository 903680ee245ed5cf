//! Kernelspec install and uninstall: writes `kernel.json` and the logos where Jupyter looks.
//!
//! The locations follow `jupyter kernelspec install`: `--user` (the Jupyter data dir, honouring
//! `JUPYTER_DATA_DIR`), `--sys-prefix` (the prefix of the `jupyter` on PATH) and `--prefix DIR`.

use serde_json::json;
use std::path::{Path, PathBuf};

/// The logos shipped inside the binary, so installing needs no other file.
const LOGOS: [(&str, &[u8]); 3] = [
    (
        "logo-32x32.png",
        include_bytes!("../../kernelspec/logo-32x32.png"),
    ),
    (
        "logo-64x64.png",
        include_bytes!("../../kernelspec/logo-64x64.png"),
    ),
    (
        "logo-svg.svg",
        include_bytes!("../../kernelspec/logo-svg.svg"),
    ),
];

/// Errors installing or removing a kernelspec.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InstallError {
    /// The kernel name has characters Jupyter does not allow.
    #[error("invalid kernel name {name:?}: use ASCII letters, digits, '-', '.' and '_'")]
    Name {
        /// The rejected name.
        name: String,
    },
    /// `--sys-prefix` without a `jupyter` on PATH.
    #[error("--sys-prefix needs `jupyter` on PATH to find the environment's prefix; none found (use --user or --prefix DIR)")]
    NoJupyter,
    /// No user data directory could be determined.
    #[error(
        "cannot determine the user's Jupyter data directory (set JUPYTER_DATA_DIR or use --prefix)"
    )]
    NoDataDir,
    /// Nothing is installed under that name there.
    #[error("no kernelspec {name:?} in {dir}")]
    NotInstalled {
        /// Kernel name.
        name: String,
        /// Where we looked.
        dir: String,
    },
    /// A file could not be written or removed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Where a kernelspec goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The user's Jupyter data directory.
    User,
    /// The prefix of the `jupyter` on PATH.
    SysPrefix,
    /// `DIR/share/jupyter`.
    Prefix(PathBuf),
}

impl Location {
    /// The `kernels` directory of this location.
    pub fn kernels_dir(&self) -> Result<PathBuf, InstallError> {
        let data = match self {
            Location::User => user_data_dir()?,
            Location::SysPrefix => jupyter_prefix()?.join("share").join("jupyter"),
            Location::Prefix(p) => p.join("share").join("jupyter"),
        };
        Ok(data.join("kernels"))
    }
}

/// Jupyter's user data dir: `$JUPYTER_DATA_DIR`, else the platform default.
fn user_data_dir() -> Result<PathBuf, InstallError> {
    if let Some(dir) = std::env::var_os("JUPYTER_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let home = dirs::home_dir().ok_or(InstallError::NoDataDir)?;
    Ok(if cfg!(target_os = "macos") {
        home.join("Library").join("Jupyter")
    } else if cfg!(windows) {
        dirs::data_dir()
            .ok_or(InstallError::NoDataDir)?
            .join("jupyter")
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .filter(|d| !d.is_empty())
            .map_or_else(|| home.join(".local").join("share"), PathBuf::from)
            .join("jupyter")
    })
}

/// The environment prefix of the `jupyter` on PATH (`<prefix>/bin/jupyter`).
fn jupyter_prefix() -> Result<PathBuf, InstallError> {
    let exe = which::which("jupyter").map_err(|_| InstallError::NoJupyter)?;
    exe.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .ok_or(InstallError::NoJupyter)
}

/// Checks a kernel name the way jupyter_client does, and lowercases it as it does.
fn check_name(name: &str) -> Result<String, InstallError> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
    if ok {
        Ok(name.to_ascii_lowercase())
    } else {
        Err(InstallError::Name {
            name: name.to_owned(),
        })
    }
}

/// Writes the kernelspec; returns its directory.
pub fn install(
    location: &Location,
    name: &str,
    display_name: &str,
    exe: &Path,
) -> Result<PathBuf, InstallError> {
    let dir = location.kernels_dir()?.join(check_name(name)?);
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| InstallError::Io { path, source }
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let spec = json!({
        "argv": [exe.display().to_string(), "kernel", "-f", "{connection_file}"],
        "display_name": display_name,
        "language": "nereus",
        "interrupt_mode": "message",
        "env": {},
        "metadata": {"debugger": false},
    });
    let text = serde_json::to_string_pretty(&spec).map_err(|e| InstallError::Io {
        path: dir.display().to_string(),
        source: std::io::Error::other(e),
    })?;
    let path = dir.join("kernel.json");
    std::fs::write(&path, text + "\n").map_err(io(&path))?;
    for (file, bytes) in LOGOS {
        let path = dir.join(file);
        std::fs::write(&path, bytes).map_err(io(&path))?;
    }
    Ok(dir)
}

/// Removes the kernelspec; returns the removed directory.
pub fn uninstall(location: &Location, name: &str) -> Result<PathBuf, InstallError> {
    let kernels = location.kernels_dir()?;
    let dir = kernels.join(check_name(name)?);
    if !dir.join("kernel.json").is_file() {
        return Err(InstallError::NotInstalled {
            name: name.to_owned(),
            dir: kernels.display().to_string(),
        });
    }
    std::fs::remove_dir_all(&dir).map_err(|source| InstallError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_like_jupyter() {
        assert_eq!(
            check_name("Nereus-2.x_y").ok(),
            Some("nereus-2.x_y".to_owned())
        );
        for bad in ["", "a b", "a/b", "é"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn install_and_uninstall_under_a_prefix() -> Result<(), InstallError> {
        let prefix = std::env::temp_dir().join(format!("nereus-install-{}", std::process::id()));
        let loc = Location::Prefix(prefix.clone());
        let dir = install(&loc, "nereus", "Nereus", Path::new("/usr/bin/nereus"))?;
        assert_eq!(dir, prefix.join("share/jupyter/kernels/nereus"));
        let spec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("kernel.json")).map_err(
                |source| InstallError::Io {
                    path: String::new(),
                    source,
                },
            )?)
            .map_err(|e| InstallError::Io {
                path: String::new(),
                source: std::io::Error::other(e),
            })?;
        assert_eq!(spec["argv"][0], "/usr/bin/nereus");
        assert_eq!(spec["interrupt_mode"], "message");
        assert!(dir.join("logo-64x64.png").is_file());
        uninstall(&loc, "nereus")?;
        assert!(!dir.exists());
        assert!(matches!(
            uninstall(&loc, "nereus"),
            Err(InstallError::NotInstalled { .. })
        ));
        Ok(())
    }
}
