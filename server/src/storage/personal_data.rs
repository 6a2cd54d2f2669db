//! The personal data store (issue 14): an account's uploads, the files of its submitted
//! dossiers and its results, every query scoped to the owner.

use super::{backend_err, Db};
use app::domain::personal_data::{ItemKey, Origin};
use app::domain::status::DossierStatus;
use app::domain::upload::StoredFile;
use app::ports::{PersonalFile, StoreError};
use app::read::personal_data::PersonalDocument;
use sqlx::Row;
use std::collections::HashMap;

/// The dossiers whose files the store lists: submitted (not drafts, whose files the form edits).
fn submitted() -> String {
    format!("d.status <> {}", DossierStatus::Draft.code())
}

#[async_trait::async_trait]
impl app::ports::PersonalDataStore for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "personal_documents"))]
    async fn personal_documents(&self, owner: i64, now_ms: i64) -> Result<Vec<PersonalDocument>, StoreError> {
        let labels: HashMap<String, String> =
            sqlx::query("select item, label from personal_labels where owner_id = $1")
                .bind(owner)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?
                .iter()
                .map(|r| (r.get("item"), r.get("label")))
                .collect();
        let label = |key: &str| labels.get(key).cloned().unwrap_or_default();
        let mut out = Vec::new();
        let uploads = sqlx::query(
            "select id, label, file_name, content_type, size_bytes, created_at from personal_documents where owner_id = $1",
        )
        .bind(owner)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        for r in &uploads {
            let id: String = r.get("id");
            out.push(PersonalDocument {
                key: ItemKey::Upload(id.clone()).as_string(),
                origin: Origin::Upload,
                kind: r.get("label"),
                label: String::new(),
                source: String::new(),
                file_name: r.get("file_name"),
                content_type: r.get("content_type"),
                size_bytes: r.get("size_bytes"),
                created_at_ms: r.get("created_at"),
                href: format!("/tep/{id}"),
            });
        }
        let files = sqlx::query(&format!(
            "select f.id, f.file_name, f.content_type, f.size_bytes, f.created_at, d.code, c.name_vi \
             from dossier_files f join dossiers d on d.id = f.dossier_id \
             left join procedure_components c on c.id = f.component_id \
             where d.applicant_id = $1 and {} and f.replaced_at is null",
            submitted()
        ))
        .bind(owner)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        for r in &files {
            let id: String = r.get("id");
            let key = ItemKey::File(id.clone()).as_string();
            out.push(PersonalDocument {
                label: label(&key),
                key,
                origin: Origin::Dossier,
                kind: r.get::<Option<String>, _>("name_vi").unwrap_or_default(),
                source: r.get::<Option<String>, _>("code").unwrap_or_default(),
                file_name: r.get("file_name"),
                content_type: r.get("content_type"),
                size_bytes: r.get("size_bytes"),
                created_at_ms: r.get("created_at"),
                href: format!("/tep/{id}"),
            });
        }
        let results = sqlx::query(
            "select r.id, r.number, r.token, r.issued_at, r.document_size, p.name_vi from results r \
             join dossiers d on d.id = r.dossier_id join procedures p on p.id = d.procedure_id \
             where d.applicant_id = $1 and r.document_key is not null and r.revoked_at is null \
             and (r.valid_until is null or r.valid_until > $2)",
        )
        .bind(owner)
        .bind(now_ms)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        for r in &results {
            let key = ItemKey::Result(r.get("id")).as_string();
            let number: String = r.get("number");
            out.push(PersonalDocument {
                label: label(&key),
                key,
                origin: Origin::Result,
                kind: r.get("name_vi"),
                file_name: format!("ket-qua-{}.pdf", number.replace('/', "-")),
                source: number,
                content_type: "application/pdf".into(),
                size_bytes: r.get::<Option<i64>, _>("document_size").unwrap_or_default(),
                created_at_ms: r.get("issued_at"),
                href: format!("/xac-thuc/{}/tai-ve", r.get::<String, _>("token")),
            });
        }
        out.sort_by(|a, b| b.created_at_ms.cmp(&a.created_at_ms).then_with(|| a.key.cmp(&b.key)));
        Ok(out)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "personal_file"))]
    async fn personal_file(&self, owner: i64, key: &ItemKey, now_ms: i64) -> Result<Option<PersonalFile>, StoreError> {
        let file_sql = format!(
            "select f.file_name, f.content_type, f.size_bytes, f.sha256, f.storage_key, d.code as reference \
             from dossier_files f join dossiers d on d.id = f.dossier_id \
             where f.id = $1 and d.applicant_id = $2 and {} and f.replaced_at is null",
            submitted()
        );
        let row = match key {
            ItemKey::Upload(id) => sqlx::query(
                "select file_name, content_type, size_bytes, sha256, storage_key, label as reference \
                 from personal_documents where id = $1 and owner_id = $2",
            )
            .bind(id)
            .bind(owner),
            ItemKey::File(id) => sqlx::query(&file_sql).bind(id).bind(owner),
            ItemKey::Result(id) => sqlx::query(
                "select 'ket-qua.pdf' as file_name, 'application/pdf' as content_type, r.document_size as size_bytes, \
                 r.document_sha256 as sha256, r.document_key as storage_key, r.number as reference \
                 from results r join dossiers d on d.id = r.dossier_id \
                 where r.id = $1 and d.applicant_id = $2 and r.document_key is not null and r.revoked_at is null \
                 and (r.valid_until is null or r.valid_until > $3)",
            )
            .bind(*id)
            .bind(owner)
            .bind(now_ms),
        }
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(row.map(|r| {
            let reference: String = r.get::<Option<String>, _>("reference").unwrap_or_default();
            let file_name = match key {
                ItemKey::Result(_) => format!("ket-qua-{}.pdf", reference.replace('/', "-")),
                _ => r.get("file_name"),
            };
            PersonalFile {
                file_name,
                content_type: r.get("content_type"),
                size_bytes: r.get::<Option<i64>, _>("size_bytes").unwrap_or_default(),
                sha256: r.get::<Option<String>, _>("sha256").unwrap_or_default(),
                storage_key: r.get::<Option<String>, _>("storage_key").unwrap_or_default(),
                origin: Origin::of(key),
                reference,
            }
        }))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "add_personal_document"))]
    async fn add_personal_document(
        &self,
        owner: i64,
        label: &str,
        file: &StoredFile,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "insert into personal_documents (id, owner_id, label, file_name, content_type, size_bytes, sha256, storage_key, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&file.id)
        .bind(owner)
        .bind(label)
        .bind(&file.file_name)
        .bind(&file.content_type)
        .bind(file.size_bytes)
        .bind(&file.sha256)
        .bind(&file.storage_key)
        .bind(now_ms)
        .execute(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "label_personal"))]
    async fn label_personal(&self, owner: i64, key: &ItemKey, label: &str, now_ms: i64) -> Result<bool, StoreError> {
        if let ItemKey::Upload(id) = key {
            let n = sqlx::query("update personal_documents set label = $1 where id = $2 and owner_id = $3")
                .bind(label)
                .bind(id)
                .bind(owner)
                .execute(&self.pool)
                .await
                .map_err(backend_err)?
                .rows_affected();
            return Ok(n == 1);
        }
        if self.personal_file(owner, key, now_ms).await?.is_none() {
            return Ok(false);
        }
        sqlx::query(
            "insert into personal_labels (owner_id, item, label, updated_at) values ($1, $2, $3, $4) \
             on conflict (owner_id, item) do update set label = excluded.label, updated_at = excluded.updated_at",
        )
        .bind(owner)
        .bind(key.as_string())
        .bind(label)
        .bind(now_ms)
        .execute(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(true)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "remove_personal_document"))]
    async fn remove_personal_document(&self, owner: i64, id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("delete from personal_documents where id = $1 and owner_id = $2 returning storage_key")
            .bind(id)
            .bind(owner)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(row.map(|r| r.get("storage_key")))
    }
}
