//! What `verify`, `backup` and `restore` read: the dossiers' history chains in batches, the
//! stored files' checksums, and the row count of every table.

use super::dossiers::{event_from_row, EVENT_COLUMNS};
use super::{backend_err, Backend, Db};
use app::domain::history::Event;
use app::ports::StoreError;
use sqlx::Row;
use std::collections::BTreeMap;

/// One dossier's history as stored, with the head kept beside it.
pub struct StoredChain {
    pub id: i64,
    /// The dossier's code; a draft has none.
    pub code: Option<String>,
    pub head_count: i64,
    pub head_hash: String,
    pub events: Vec<Event>,
}

/// A file the database says is stored: where, how big, its SHA-256.
pub struct StoredFileRef {
    pub storage_key: String,
    pub size_bytes: i64,
    pub sha256: String,
}

impl Db {
    /// The chains of up to `limit` dossiers with an id above `after`, in id order (two queries
    /// per batch, so a million dossiers are read in bounded memory).
    pub async fn chains_after(&self, after: i64, limit: i64) -> Result<Vec<StoredChain>, StoreError> {
        let heads = sqlx::query(
            "select id, code, event_count, last_event_hash from dossiers where id > $1 order by id limit $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let (Some(first), Some(last)) = (heads.first(), heads.last()) else { return Ok(Vec::new()) };
        let (first, last): (i64, i64) = (first.get("id"), last.get("id"));
        let mut chains: Vec<StoredChain> = heads
            .iter()
            .map(|r| StoredChain {
                id: r.get("id"),
                code: r.get("code"),
                head_count: r.get("event_count"),
                head_hash: r.get("last_event_hash"),
                events: Vec::new(),
            })
            .collect();
        let rows = sqlx::query(&format!(
            "select dossier_id, {EVENT_COLUMNS} from dossier_events where dossier_id between $1 and $2 order by dossier_id, seq"
        ))
        .bind(first)
        .bind(last)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let mut at = 0;
        for r in &rows {
            let dossier: i64 = r.get("dossier_id");
            while at < chains.len() && chains[at].id < dossier {
                at += 1;
            }
            if let Some(c) = chains.get_mut(at).filter(|c| c.id == dossier) {
                c.events.push(event_from_row(r));
            }
        }
        Ok(chains)
    }

    /// Every file the database refers to (the applicants' and the officers'), in key order.
    pub async fn stored_files(&self) -> Result<Vec<StoredFileRef>, StoreError> {
        let rows = sqlx::query(
            "select storage_key, size_bytes, sha256 from dossier_files \
             union all select storage_key, size_bytes, sha256 from work_files order by storage_key",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows
            .iter()
            .map(|r| StoredFileRef {
                storage_key: r.get("storage_key"),
                size_bytes: r.get("size_bytes"),
                sha256: r.get("sha256"),
            })
            .collect())
    }

    /// The names of the schema's tables (the migrations' own included).
    pub async fn tables(&self) -> Result<Vec<String>, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
            Backend::Postgres => {
                "select table_name::text as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name"
            }
        };
        let rows = sqlx::query(sql).fetch_all(&self.pool).await.map_err(backend_err)?;
        Ok(rows.iter().map(|r| r.get::<String, _>("name")).collect())
    }

    /// The row count of every table, read with `conn` (inside a snapshot for a backup).
    pub async fn counts_with(
        conn: &mut sqlx::AnyConnection,
        tables: &[String],
    ) -> Result<BTreeMap<String, i64>, StoreError> {
        let mut out = BTreeMap::new();
        for t in tables {
            // Table names come from the catalogue of the schema, never from input.
            let n: i64 = sqlx::query(&format!("select count(*) as n from \"{}\"", t.replace('"', "")))
                .fetch_one(&mut *conn)
                .await
                .map_err(backend_err)?
                .get("n");
            out.insert(t.clone(), n);
        }
        Ok(out)
    }

    /// The last migration applied: the schema's version.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("select max(version) as v from _sqlx_migrations where success")
            .fetch_one(&self.pool)
            .await
            .map_err(backend_err)?
            .try_get::<Option<i64>, _>("v")
            .map_err(backend_err)?
            .unwrap_or(0))
    }
}
