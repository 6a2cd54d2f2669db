//! The operator's commands behind `server backup`, `restore` and `verify` (see `cli`): a
//! consistent copy of the database and the uploaded files with a manifest, its checked return
//! into an empty place, and the integrity check of every history chain and stored file.

use crate::storage::{Backend, Db};
use anyhow::{anyhow, bail, Context};
use app::domain::history::{verify as verify_chain, ChainBreak};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const MANIFEST: &str = "manifest.json";
const SQLITE_COPY: &str = "portal.db";
const PG_DUMP: &str = "portal.pgdump";
const UPLOADS: &str = "uploads";

/// What a backup holds, written last: a backup without it is incomplete.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: u32,
    pub created_at_ms: i64,
    /// `sqlite` or `postgres`: a backup goes back into the same kind of database.
    pub backend: String,
    /// The last migration of the copied schema.
    pub schema_version: i64,
    pub database: Entry,
    /// Rows per table, read in the same snapshot as the copy.
    pub counts: BTreeMap<String, i64>,
    pub files: Vec<Entry>,
}

/// One file of the backup: its path inside the backup, size and SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Prints a line at most every two seconds, and always the last one.
pub struct Progress {
    label: &'static str,
    last: Instant,
    quiet: bool,
}

impl Progress {
    pub fn new(label: &'static str, quiet: bool) -> Self {
        Progress { label, last: Instant::now(), quiet }
    }

    pub fn tick(&mut self, done: u64, total: u64) {
        if !self.quiet && (done == total || self.last.elapsed() >= Duration::from_secs(2)) {
            eprintln!("  {}: {done}/{total}", self.label);
            self.last = Instant::now();
        }
    }
}

fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// The SQLite file a `sqlite:` URL names.
pub fn sqlite_path(url: &str) -> PathBuf {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    PathBuf::from(rest.split('?').next().unwrap_or(rest))
}

/// Reads `from` to its end, writing what it reads to `copy` when given: its size and SHA-256.
fn stream_hashed(from: &Path, mut copy: Option<&mut std::fs::File>) -> std::io::Result<(u64, String)> {
    let mut input = std::fs::File::open(from)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        if let Some(out) = copy.as_deref_mut() {
            out.write_all(&buf[..n])?;
        }
        bytes += n as u64;
    }
    Ok((bytes, hex::encode(hasher.finalize())))
}

/// Copies `from` to `to` (creating its directory, through `*.part`) and returns its size and
/// SHA-256.
fn copy_hashed(from: &Path, to: &Path) -> std::io::Result<(u64, String)> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let part = to.with_extension("part");
    let mut output = std::fs::File::create(&part)?;
    let hashed = stream_hashed(from, Some(&mut output))?;
    output.sync_all()?;
    std::fs::rename(&part, to)?;
    Ok(hashed)
}

/// Size and SHA-256 of a file.
pub fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    stream_hashed(path, None)
}

/// Every complete file under `root`, as paths relative to it with `/` (files still being
/// written, `*.part`, are left out).
fn walk(root: &Path) -> std::io::Result<Vec<String>> {
    fn go(root: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                go(root, &path, out)?;
            } else if path.extension().is_none_or(|e| e != "part") {
                if let Ok(rel) = path.strip_prefix(root) {
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    go(root, root, &mut out)?;
    out.sort();
    Ok(out)
}

fn empty_or_absent(dir: &Path) -> anyhow::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e).with_context(|| format!("{}", dir.display())),
    }
}

/// `backup --to DIR`: the database copied from one snapshot, counted in that snapshot, then
/// every uploaded file; the manifest is written last.
pub async fn backup(db: &Db, url: &str, uploads: &Path, to: &Path, quiet: bool) -> anyhow::Result<Manifest> {
    if !empty_or_absent(to)? {
        bail!("{} is not empty: a backup goes into an empty or new directory", to.display());
    }
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let tables = db.tables().await?;
    let schema_version = db.schema_version().await?;
    let (database, counts) = match db.backend {
        Backend::Sqlite => {
            let target = to.join(SQLITE_COPY);
            // VACUUM INTO writes a consistent copy from one read transaction, while others
            // keep writing (WAL).
            let path = target.to_string_lossy().replace('\'', "''");
            sqlx::query(&format!("vacuum into '{path}'")).execute(&db.pool).await.context("copying the database")?;
            let copy = Db::open_plain(&format!("sqlite://{}?mode=ro", target.display())).await?;
            let mut conn = copy.acquire().await?;
            let counts = Db::counts_with(&mut conn, &tables).await?;
            drop(conn);
            copy.close().await;
            let (bytes, sha256) = hash_file(&target)?;
            (Entry { path: SQLITE_COPY.into(), bytes, sha256 }, counts)
        }
        Backend::Postgres => {
            // One snapshot for the counts and for pg_dump, held open by this transaction.
            let mut conn = db.pool.acquire().await?;
            sqlx::query("begin isolation level repeatable read").execute(&mut *conn).await?;
            let snapshot: String =
                sqlx::Row::get(&sqlx::query("select pg_export_snapshot() as s").fetch_one(&mut *conn).await?, "s");
            let counts = Db::counts_with(&mut conn, &tables).await?;
            let target = to.join(PG_DUMP);
            let out = tokio::process::Command::new("pg_dump")
                .arg("--format=custom")
                .arg(format!("--snapshot={snapshot}"))
                .arg("--no-owner")
                .arg("--file")
                .arg(&target)
                .arg(url)
                .output()
                .await
                .context("running pg_dump (install the PostgreSQL client)")?;
            sqlx::query("commit").execute(&mut *conn).await?;
            if !out.status.success() {
                bail!("pg_dump failed: {}", String::from_utf8_lossy(&out.stderr).trim());
            }
            let (bytes, sha256) = hash_file(&target)?;
            (Entry { path: PG_DUMP.into(), bytes, sha256 }, counts)
        }
    };
    if !quiet {
        eprintln!(
            "  database: {} rows in {} tables, {} bytes",
            counts.values().sum::<i64>(),
            counts.len(),
            database.bytes
        );
    }
    // Files are written before the rows that name them, so every file of the snapshot is
    // there now (and perhaps a few newer ones, which are kept too).
    let keys = walk(uploads)?;
    let mut progress = Progress::new("files", quiet);
    let mut files = Vec::with_capacity(keys.len());
    for (i, key) in keys.iter().enumerate() {
        let rel = format!("{UPLOADS}/{key}");
        let (bytes, sha256) =
            copy_hashed(&uploads.join(key), &to.join(&rel)).with_context(|| format!("copying file {key}"))?;
        files.push(Entry { path: rel, bytes, sha256 });
        progress.tick(i as u64 + 1, keys.len() as u64);
    }
    let manifest = Manifest {
        format: 1,
        created_at_ms: app::api::ctx::now_ms(),
        backend: backend_name(db.backend).into(),
        schema_version,
        database,
        counts,
        files,
    };
    let text = serde_json::to_vec_pretty(&manifest)?;
    let part = to.join(format!("{MANIFEST}.part"));
    std::fs::write(&part, text)?;
    std::fs::rename(&part, to.join(MANIFEST))?;
    Ok(manifest)
}

/// Reads a backup's manifest and checks every file of the backup against it.
pub fn check_backup(from: &Path, quiet: bool) -> anyhow::Result<Manifest> {
    let text = std::fs::read(from.join(MANIFEST))
        .with_context(|| format!("{} has no {MANIFEST}: not a backup, or an incomplete one", from.display()))?;
    let manifest: Manifest = serde_json::from_slice(&text).context("reading the manifest")?;
    if manifest.format != 1 {
        bail!("backup format {} is not known to this version", manifest.format);
    }
    let mut progress = Progress::new("checking the backup", quiet);
    let all: Vec<&Entry> = std::iter::once(&manifest.database).chain(&manifest.files).collect();
    for (i, e) in all.iter().enumerate() {
        if e.path.split('/').any(|p| p == ".." || p.is_empty()) {
            bail!("the manifest names an unsafe path {:?}", e.path);
        }
        let (bytes, sha256) = hash_file(&from.join(&e.path)).with_context(|| format!("reading {}", e.path))?;
        if bytes != e.bytes || sha256 != e.sha256 {
            bail!("{} does not match the manifest: the backup is damaged", e.path);
        }
        progress.tick(i as u64 + 1, all.len() as u64);
    }
    Ok(manifest)
}

/// `restore --from DIR` into an empty database at `url` and an empty `uploads` directory.
/// Returns the restored database (migrated to this version) after checking it.
pub async fn restore(from: &Path, url: &str, uploads: &Path, quiet: bool) -> anyhow::Result<(Db, Report)> {
    let manifest = check_backup(from, quiet)?;
    let backend = if url.starts_with("postgres") { Backend::Postgres } else { Backend::Sqlite };
    if manifest.backend != backend_name(backend) {
        bail!("this is a {} backup; it restores into {} only", manifest.backend, manifest.backend);
    }
    if !empty_or_absent(uploads)? {
        bail!("{} is not empty: restore goes into an empty data directory", uploads.display());
    }
    match backend {
        Backend::Sqlite => {
            let target = sqlite_path(url);
            if std::fs::metadata(&target).is_ok_and(|m| m.len() > 0) {
                bail!("{} exists: restore goes into a new database file", target.display());
            }
            if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            copy_hashed(&from.join(&manifest.database.path), &target).context("copying the database")?;
        }
        Backend::Postgres => {
            let plain = Db::open_plain(url).await?;
            let tables = plain.tables().await?;
            plain.close().await;
            if !tables.is_empty() {
                bail!("the database has {} tables: restore goes into an empty database", tables.len());
            }
            let out = tokio::process::Command::new("pg_restore")
                .args(["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges", "--dbname"])
                .arg(url)
                .arg(from.join(&manifest.database.path))
                .output()
                .await
                .context("running pg_restore (install the PostgreSQL client)")?;
            if !out.status.success() {
                bail!("pg_restore failed: {}", String::from_utf8_lossy(&out.stderr).trim());
            }
        }
    }
    let mut progress = Progress::new("files", quiet);
    for (i, e) in manifest.files.iter().enumerate() {
        let key = e.path.strip_prefix(&format!("{UPLOADS}/")).ok_or_else(|| anyhow!("unexpected path {}", e.path))?;
        copy_hashed(&from.join(&e.path), &uploads.join(key)).with_context(|| format!("copying {key}"))?;
        progress.tick(i as u64 + 1, manifest.files.len() as u64);
    }
    let db = Db::connect(url).await?;
    // The restored rows, counted before this version's migrations could add any of their own.
    let mut report = Report::default();
    if db.schema_version().await? == manifest.schema_version {
        let mut conn = db.pool.acquire().await?;
        let counts = Db::counts_with(&mut conn, &manifest.counts.keys().cloned().collect::<Vec<_>>()).await?;
        for (table, n) in &manifest.counts {
            if counts.get(table) != Some(n) {
                report.problems.push(format!(
                    "table {table}: {} rows, the backup has {n}",
                    counts.get(table).copied().unwrap_or(0)
                ));
            }
        }
    }
    let checked = verify(&db, uploads, quiet).await?;
    report.absorb(checked);
    Ok((db, report))
}

/// What `verify` found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    pub dossiers: u64,
    pub events: u64,
    pub files: u64,
    /// One line per problem: the dossier's code or the file's key and what is wrong (never
    /// anyone's personal data).
    pub problems: Vec<String>,
}

impl Report {
    fn absorb(&mut self, other: Report) {
        self.dossiers += other.dossiers;
        self.events += other.events;
        self.files += other.files;
        self.problems.extend(other.problems);
    }
}

/// Every dossier's chain and every stored file.
pub async fn verify(db: &Db, uploads: &Path, quiet: bool) -> anyhow::Result<Report> {
    let mut report = Report::default();
    let total: i64 = sqlx::Row::get(&sqlx::query("select count(*) as n from dossiers").fetch_one(&db.pool).await?, "n");
    let mut progress = Progress::new("history chains", quiet);
    let mut after = 0;
    loop {
        let batch = db.chains_after(after, 2_000).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for c in &batch {
            report.dossiers += 1;
            report.events += c.events.len() as u64;
            if let Err(e) = verify_chain(&c.events, c.head_count, &c.head_hash) {
                let what = match e {
                    ChainBreak::Altered { seq } => format!("event {seq} was altered"),
                    ChainBreak::Unlinked { seq } => format!("event {seq} does not follow the one before it"),
                    ChainBreak::HeadMismatch => "the history was cut short".to_string(),
                };
                let name = c.code.clone().unwrap_or_else(|| format!("draft #{}", c.id));
                report.problems.push(format!("dossier {name}: {what}"));
            }
        }
        progress.tick(report.dossiers, total.max(0) as u64);
    }
    let files = db.stored_files().await?;
    let mut progress = Progress::new("files", quiet);
    let store = uploads.to_path_buf();
    for (i, f) in files.iter().enumerate() {
        report.files += 1;
        let path = store.join(&f.storage_key);
        let checked = tokio::task::spawn_blocking(move || hash_file(&path)).await?;
        match checked {
            Err(_) => report.problems.push(format!("file {}: missing", f.storage_key)),
            Ok((bytes, _)) if bytes != f.size_bytes as u64 => {
                report.problems.push(format!("file {}: {bytes} bytes, recorded {}", f.storage_key, f.size_bytes))
            }
            Ok((_, sha)) if sha != f.sha256 => {
                report.problems.push(format!("file {}: its SHA-256 changed", f.storage_key))
            }
            Ok(_) => {}
        }
        progress.tick(i as u64 + 1, files.len() as u64);
    }
    Ok(report)
}
