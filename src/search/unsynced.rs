//! A folder for an index that only lives as long as a watch-mode build: tantivy's
//! [`MmapDirectory`] without its `fsync`s.
//!
//! tantivy makes every commit durable: each file of a segment is synced when written,
//! `meta.json` is written to a temporary file, synced and renamed, and the folder is
//! synced. A commit of a small index costs about ten syncs, several milliseconds each on
//! a virtual disk, and an incremental update commits twice (the changed documents, then
//! the merge). A watch-mode build's folder is replaced at the next save and never read
//! after the process ends, so durability buys nothing there: this directory writes the
//! same files, still atomically where tantivy asks for it (a temporary file renamed over
//! `meta.json`), but leaves them to the page cache. Reading, locks and watching are the
//! mmap directory's own. `copbook build`'s index, which is published, keeps the syncs.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::OpenWriteError;
use tantivy::directory::error::{DeleteError, LockError, OpenDirectoryError, OpenReadError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};

/// An [`MmapDirectory`] whose writes are never synced to disk.
#[derive(Clone, Debug)]
pub struct UnsyncedDirectory {
    root: PathBuf,
    inner: MmapDirectory,
}

impl UnsyncedDirectory {
    /// The folder `root`, which must exist.
    pub fn open(root: &Path) -> Result<UnsyncedDirectory, OpenDirectoryError> {
        Ok(UnsyncedDirectory {
            root: root.to_path_buf(),
            inner: MmapDirectory::open(root)?,
        })
    }
}

/// A file written without a sync when it is finished.
struct Unsynced(File);

impl Write for Unsynced {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl TerminatingWrite for Unsynced {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        self.0.flush()
    }
}

impl Directory for UnsyncedDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.root.join(path))
            .map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    OpenWriteError::FileAlreadyExists(path.to_path_buf())
                } else {
                    OpenWriteError::wrap_io_error(e, path.to_path_buf())
                }
            })?;
        Ok(BufWriter::new(Box::new(Unsynced(file))))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        // Readers never see half a file: a temporary file beside it, renamed over it.
        let target = self.root.join(path);
        let parent = target.parent().unwrap_or(&self.root);
        let mut temp = tempfile::Builder::new().tempfile_in(parent)?;
        temp.write_all(data)?;
        temp.flush()?;
        temp.into_temp_path().persist(&target)?;
        Ok(())
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
