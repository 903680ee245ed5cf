//! The advisory lock a write holds on its store, so two kernels writing one store (mode="w" on a
//! shared filesystem, say) do not both report success over a mix of their chunks: the second
//! is refused by name. The lock is a file beside the store (mode="w" deletes the store itself),
//! removed when the write ends.

use super::error::WriteError;
use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// A held lock on one store; released (and its file removed) when dropped.
pub(super) struct StoreLock {
    path: PathBuf,
    file: File,
}

impl StoreLock {
    /// Locks the store at `store`, or fails with [`WriteError::Busy`] when another writer holds
    /// it. Where the filesystem cannot lock (or the directory is read-only, which the write
    /// itself reports), the write goes on without one: the lock is advisory.
    pub(super) fn acquire(store: &Path) -> Result<Option<StoreLock>, WriteError> {
        let Some(path) = lock_path(store) else {
            return Ok(None);
        };
        loop {
            let Ok(file) = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
            else {
                return Ok(None);
            };
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(WriteError::Busy {
                        store: store.display().to_string(),
                        lock: path.display().to_string(),
                    })
                }
                Err(TryLockError::Error(_)) => return Ok(None),
            }
            // A writer that finished removed the file between our open and our lock: ours is
            // then a lock on a deleted file, which the next writer would not see. Start over.
            if same_file(&file, &path) {
                return Ok(Some(StoreLock { path, file }));
            }
        }
    }
}

impl Drop for StoreLock {
    fn drop(&mut self) {
        // Removed while still locked, so no writer can lock this file once it is gone.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// `.<name>.nereus-lock` in the store's parent directory.
fn lock_path(store: &Path) -> Option<PathBuf> {
    let name = store.file_name()?.to_str()?;
    let parent = store.parent().filter(|p| !p.as_os_str().is_empty());
    let file = format!(".{name}.nereus-lock");
    Some(parent.map_or_else(|| PathBuf::from(&file), |p| p.join(&file)))
}

/// Whether `path` still names the file `file` is open on.
fn same_file(file: &File, path: &Path) -> bool {
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_until_the_first_is_done() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = dir.path().join("out.zarr");
        let first = StoreLock::acquire(&store).expect("free").expect("locks");
        assert!(dir.path().join(".out.zarr.nereus-lock").exists());
        let second = StoreLock::acquire(&store);
        assert!(matches!(second, Err(WriteError::Busy { .. })));
        drop(first);
        assert!(!dir.path().join(".out.zarr.nereus-lock").exists());
        assert!(StoreLock::acquire(&store).expect("free again").is_some());
    }
}
