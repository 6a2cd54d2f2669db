//! Supplement requests and answers, each in one transaction with its event.

use super::dossiers::{apply, NewEvent};
use super::{backend_err, parse_json, Db};
use app::api::dossiers::StoredFile;
use app::api::supplements::{SupplementChange, SupplementItem, SupplementView};
use app::domain::status::Action;
use app::ports::{CurrentUser, StoreError};
use sqlx::Row;
use std::collections::BTreeMap;

fn json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Backend(e.to_string()))
}

impl Db {
    pub async fn supplements(&self, dossier_id: i64) -> Result<Vec<SupplementView>, StoreError> {
        let rows = sqlx::query(
            "select s.id, s.requested_at, s.reason, s.items_json, s.answered_at, s.changes_json, u.full_name \
             from supplement_requests s join users u on u.id = s.requested_by where s.dossier_id = $1 order by s.id",
        )
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let changes: Option<String> = r.get("changes_json");
            out.push(SupplementView {
                id: r.get("id"),
                requested_at_ms: r.get("requested_at"),
                officer: r.get("full_name"),
                reason: r.get("reason"),
                items: parse_json(r.get("items_json"))?,
                answered_at_ms: r.get("answered_at"),
                changes: match changes {
                    Some(c) => parse_json(c)?,
                    None => Vec::new(),
                },
            });
        }
        Ok(out)
    }

    pub async fn request_supplement(
        &self,
        code: &str,
        officer: &CurrentUser,
        at_ms: i64,
        reason: &str,
        items: Vec<SupplementItem>,
    ) -> Result<(), StoreError> {
        let mut note = reason.to_string();
        for i in &items {
            note.push_str(&format!(
                "\n- {}{}",
                i.label,
                if i.note.is_empty() { String::new() } else { format!(": {}", i.note) }
            ));
        }
        let (mut tx, id) = self.reception(code, officer, at_ms, Action::RequestSupplement, note).await?;
        // Asked during handling: the running step ends, and the dossier waits for the citizen;
        // the complete dossier comes back to the receiving desk, whose acceptance restarts the
        // allowance from zero.
        super::handling::end_running_step(&mut tx, id, at_ms, officer.id, "supplement").await?;
        super::handling::back_to_receiving_desk(&mut tx, id).await?;
        sqlx::query("insert into supplement_requests (dossier_id, requested_at, requested_by, reason, items_json) values ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(at_ms)
            .bind(officer.id)
            .bind(reason)
            .bind(json(&items)?)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        tx.commit().await.map_err(backend_err)
    }

    pub async fn answer_supplement(
        &self,
        code: &str,
        applicant: &CurrentUser,
        at_ms: i64,
        form: BTreeMap<String, String>,
        files: Vec<StoredFile>,
    ) -> Result<(), StoreError> {
        let row = sqlx::query(
            "select id, form_json, receiving_agency from dossiers where code = $1 and applicant_id = $2 and status = 5",
        )
        .bind(code)
        .bind(applicant.id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?
        .ok_or(StoreError::Conflict("error-no-supplement-open".into()))?;
        let id: i64 = row.get("id");
        let before: BTreeMap<String, String> = parse_json(row.get("form_json"))?;
        let request = self.supplements(id).await?.into_iter().last().filter(|s| s.answered_at_ms.is_none());
        let request = request.ok_or(StoreError::Conflict("error-no-supplement-open".into()))?;
        let current_files = self.current_files(id).await?;

        let mut changes = Vec::new();
        for item in &request.items {
            if item.kind == "field" {
                changes.push(SupplementChange {
                    kind: item.kind.clone(),
                    label: item.label.clone(),
                    before: before.get(&item.target).cloned().unwrap_or_default(),
                    after: form.get(&item.target).cloned().unwrap_or_default(),
                    before_file: None,
                    after_file: None,
                });
            } else {
                let old = current_files.iter().find(|f| f.component_id.to_string() == item.target);
                let new = files.iter().find(|f| f.component_id.to_string() == item.target);
                changes.push(SupplementChange {
                    kind: item.kind.clone(),
                    label: item.label.clone(),
                    before: old.map(|f| f.file_name.clone()).unwrap_or_default(),
                    after: new.map(|f| f.file_name.clone()).unwrap_or_default(),
                    before_file: old.map(|f| f.id.clone()),
                    after_file: new.map(|f| f.id.clone()),
                });
            }
        }

        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let updated = sqlx::query("update dossiers set form_json = $1, updated_at = $2 where id = $3 and status = 5")
            .bind(json(&form)?)
            .bind(at_ms)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?
            .rows_affected();
        if updated != 1 {
            return Err(StoreError::Conflict("error-no-supplement-open".into()));
        }
        self.attach_files(&mut tx, id, &files, at_ms).await?;
        sqlx::query("update supplement_requests set answered_at = $1, changes_json = $2 where id = $3")
            .bind(at_ms)
            .bind(json(&changes)?)
            .bind(request.id)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        let note = changes.iter().map(|c| c.label.clone()).collect::<Vec<_>>().join("; ");
        let event = NewEvent::by(applicant, row.get("receiving_agency"), Action::ReturnSupplement, at_ms, note);
        apply(&mut tx, id, event).await?;
        tx.commit().await.map_err(backend_err)
    }
}
