//! Uploaded files in a local directory (`DATA_DIR/uploads`), behind the `FileStore` port so an
//! object store can take its place. Writes go to `*.part` and are renamed when complete.

use app::ports::{FileStore, FileStoreError, FileWriter};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

#[derive(Debug, Clone)]
pub struct LocalFileStore {
    root: PathBuf,
}

fn io(e: std::io::Error) -> FileStoreError {
    FileStoreError::Io(e.to_string())
}

impl LocalFileStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, key: &str) -> Result<PathBuf, FileStoreError> {
        let safe = !key.is_empty()
            && key.split('/').all(|part| {
                !part.is_empty() && part != ".." && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !safe {
            return Err(FileStoreError::Io(format!("unsafe key {key:?}")));
        }
        Ok(self.root.join(key))
    }

    /// Every regular file under the root (for tests that check nothing was left behind).
    pub fn count_files(&self) -> usize {
        fn walk(p: &Path) -> usize {
            std::fs::read_dir(p)
                .map(|rd| rd.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum())
                .unwrap_or(0)
        }
        walk(&self.root)
    }
}

struct LocalWriter {
    part: PathBuf,
    target: PathBuf,
    file: tokio::fs::File,
}

#[async_trait::async_trait]
impl FileWriter for LocalWriter {
    async fn write(&mut self, chunk: &[u8]) -> Result<(), FileStoreError> {
        self.file.write_all(chunk).await.map_err(io)
    }

    async fn finish(mut self: Box<Self>) -> Result<(), FileStoreError> {
        self.file.flush().await.map_err(io)?;
        self.file.sync_all().await.map_err(io)?;
        tokio::fs::rename(&self.part, &self.target).await.map_err(io)
    }

    async fn abort(self: Box<Self>) {
        drop(self.file);
        let _ = tokio::fs::remove_file(&self.part).await;
    }
}

#[async_trait::async_trait]
impl FileStore for LocalFileStore {
    async fn create(&self, key: &str) -> Result<Box<dyn FileWriter>, FileStoreError> {
        let target = self.path(key)?;
        if let Some(dir) = target.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(io)?;
        }
        let part = target.with_extension("part");
        let file = tokio::fs::File::create(&part).await.map_err(io)?;
        Ok(Box::new(LocalWriter { part, target, file }))
    }

    async fn read(&self, key: &str) -> Result<Vec<u8>, FileStoreError> {
        tokio::fs::read(self.path(key)?).await.map_err(io)
    }

    async fn delete(&self, key: &str) -> Result<(), FileStoreError> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_finished_file_can_be_read_and_an_aborted_one_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("portal-files-{}", std::process::id()));
        let store = LocalFileStore::new(&dir);
        let mut w = store.create("ab/cd/one").await.unwrap();
        w.write(b"%PDF-1.7").await.unwrap();
        w.finish().await.unwrap();
        assert_eq!(store.read("ab/cd/one").await.unwrap(), b"%PDF-1.7");
        let mut w = store.create("ab/cd/two").await.unwrap();
        w.write(b"partial").await.unwrap();
        w.abort().await;
        assert_eq!(store.count_files(), 1);
        store.delete("ab/cd/one").await.unwrap();
        assert_eq!(store.count_files(), 0);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn keys_cannot_escape_the_root() {
        let store = LocalFileStore::new("/tmp/x");
        assert!(store.path("../etc/passwd").is_err());
        assert!(store.path("/etc/passwd").is_err());
        assert!(store.path("ab/../../x").is_err());
    }
}
