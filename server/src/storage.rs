//! Storage on SQLite (the embedded default) or PostgreSQL, through sqlx's `Any` driver so both
//! run the same SQL. Portable SQL only: `$n` placeholders, bigint times, text JSON.

mod accounts;
mod admin;
mod calendar;
mod catalogue;
mod catalogue_import;
mod consultations;
mod content;
mod credentials;
mod desk;
mod dossiers;
mod drafts;
mod handling;
pub mod integrity;
mod organisations;
pub mod outbox;
mod payments;
mod personal_data;
mod register;
mod results;
pub mod setup;
mod supplements;

use app::domain::status::DossierStatus;
use app::domain::text::fold;
use app::ports::StoreError;
use app::read::Name;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

/// A dossier's status as stored: its national code, read once into the type. A code we do not
/// know is broken data, not a panic.
pub(crate) fn status_from(code: i64) -> Result<DossierStatus, StoreError> {
    DossierStatus::from_code(code).ok_or_else(|| StoreError::Backend(format!("unknown dossier status {code}")))
}

/// The status in `column` of a row.
pub(crate) fn status_at(r: &AnyRow, column: &str) -> Result<DossierStatus, StoreError> {
    status_from(r.try_get(column).map_err(backend_err)?)
}

pub(crate) fn backend_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            return StoreError::Conflict(db.message().to_string());
        }
    }
    StoreError::Backend(e.to_string())
}

/// The `synchronous` pragma SQLite runs with (`SQLITE_SYNCHRONOUS`): `full` (the default) makes
/// every commit durable through a power cut — a dossier code shown to a citizen is on disk;
/// `normal` keeps commits through a crash of the process but may lose the last ones when the
/// machine loses power (`docs/decisions.md`, "Durability").
pub fn sqlite_synchronous(setting: Option<&str>) -> Result<&'static str, StoreError> {
    match setting.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("full") => Ok("pragma synchronous = full"),
        Some("normal") => Ok("pragma synchronous = normal"),
        Some(other) => Err(StoreError::Backend(format!("SQLITE_SYNCHRONOUS: expected full or normal, got {other:?}"))),
    }
}

impl Db {
    /// Connects, creating the SQLite file when needed, and runs the migrations of the backend.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        let db = Db::open_plain(url).await?;
        db.migrate().await?;
        db.seed_calendar().await?;
        db.fold_user_names().await?;
        Ok(db)
    }

    /// Connects without touching the schema (the operator's commands: a backup's copy, the
    /// empty database a restore goes into).
    pub async fn open_plain(url: &str) -> Result<Db, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let mut options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        if backend == Backend::Sqlite {
            let read_only = url.contains("mode=ro");
            if !read_only {
                // Create the file and switch it to WAL once, before the pool opens connections.
                let sqlite = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                    .map_err(backend_err)?
                    .create_if_missing(true)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .busy_timeout(Duration::from_secs(30));
                use sqlx::ConnectOptions;
                let conn = sqlite.connect().await.map_err(backend_err)?;
                sqlx::Connection::close(conn).await.map_err(backend_err)?;
            }
            let synchronous = sqlite_synchronous(std::env::var("SQLITE_SYNCHRONOUS").ok().as_deref())?;
            options = options.max_connections(8).after_connect(move |conn, _| {
                Box::pin(async move {
                    sqlx::query("pragma busy_timeout = 30000").execute(&mut *conn).await?;
                    sqlx::query("pragma foreign_keys = on").execute(&mut *conn).await?;
                    if !read_only {
                        sqlx::query(synchronous).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            });
        } else {
            options = options.max_connections(16);
        }
        let pool = options.connect(url).await.map_err(backend_err)?;
        Ok(Db { pool, backend })
    }

    /// A connection of the pool, for work that needs one (a snapshot).
    pub async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, StoreError> {
        self.pool.acquire().await.map_err(backend_err)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Brings the schema up to date (`server migrate`, and every start).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("../migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("../migrations/postgres"),
        };
        migrator.run(&self.pool).await.map_err(|e| StoreError::Backend(e.to_string()))
    }

    /// Fills the folded name of accounts created before it existed.
    async fn fold_user_names(&self) -> Result<(), StoreError> {
        let rows = sqlx::query("select id, full_name from users where search_name = ''")
            .fetch_all(&self.pool)
            .await
            .map_err(backend_err)?;
        for r in rows {
            sqlx::query("update users set search_name = $1 where id = $2")
                .bind(fold(&r.get::<String, _>("full_name")))
                .bind(r.get::<i64, _>("id"))
                .execute(&self.pool)
                .await
                .map_err(backend_err)?;
        }
        Ok(())
    }

    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query("select count(*) as n from procedures")
            .fetch_one(&self.pool)
            .await
            .map_err(backend_err)?
            .get("n");
        Ok(n == 0)
    }

    /// The name in `lang` from an optional (left-joined) pair of columns.
    /// The Vietnamese and English names in columns `vi` and `en` (`None` when there is none).
    pub(crate) fn opt_name(row: &AnyRow, vi: &str, en: &str) -> Option<Name> {
        let v: Option<String> = row.get(vi);
        let e: Option<String> = row.get(en);
        v.map(|v| Name::new(v, e.unwrap_or_default()))
    }

    /// The Vietnamese and English names in columns `vi` and `en`.
    pub(crate) fn name(row: &AnyRow, vi: &str, en: &str) -> Name {
        Self::opt_name(row, vi, en).unwrap_or_default()
    }
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(s: String) -> Result<T, StoreError> {
    serde_json::from_str(&s).map_err(|e| StoreError::Backend(format!("stored JSON: {e}")))
}

/// Whom a dossier was submitted for, from its `for_*` and `organisation_id` columns.
pub(crate) fn applied_for_from_row(r: &sqlx::any::AnyRow) -> Option<app::domain::principal::AppliedFor> {
    app::domain::principal::AppliedFor::from_columns(
        r.get::<Option<String>, _>("for_kind").as_deref(),
        r.get("for_name"),
        r.get("for_number"),
        r.get("organisation_id"),
    )
}
