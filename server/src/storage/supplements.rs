//! Supplement requests and answers: read for the views, and written by `advance` inside the
//! transaction of the action that asks, sends or answers them.

use super::{backend_err, parse_json, Db};
use app::handling::{StepPlan, SupplementPlan};
use app::ports::StoreError;
use app::read::supplements::SupplementView;
use sqlx::{Any, Row, Transaction};

fn json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Backend(e.to_string()))
}

impl Db {
    pub async fn supplements(&self, dossier_id: i64) -> Result<Vec<SupplementView>, StoreError> {
        let rows = sqlx::query(
            "select s.id, s.requested_at, s.reason, s.items_json, s.answered_at, s.changes_json, s.sent_at, u.full_name \
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
                sent_at_ms: r.get("sent_at"),
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

    /// Writes what `plan` does to the dossier's supplement requests, in its transaction.
    pub(crate) async fn apply_supplement(
        &self,
        tx: &mut Transaction<'static, Any>,
        dossier_id: i64,
        plan: &StepPlan,
    ) -> Result<(), StoreError> {
        let (at, by) = (plan.at_ms, plan.actor.id);
        let changed = match &plan.supplement {
            None => return Ok(()),
            Some(SupplementPlan::Ask { reason, items, send }) => sqlx::query(
                "insert into supplement_requests (dossier_id, requested_at, requested_by, reason, items_json, sent_at, sent_by) \
                 values ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(dossier_id)
            .bind(at)
            .bind(by)
            .bind(reason.clone())
            .bind(json(items)?)
            .bind(send.then_some(at))
            .bind(send.then_some(by))
            .execute(&mut **tx)
            .await
            .map_err(backend_err)?
            .rows_affected(),
            Some(SupplementPlan::Send { id }) => sqlx::query(
                "update supplement_requests set sent_at = $1, sent_by = $2 \
                 where id = $3 and dossier_id = $4 and sent_at is null and answered_at is null",
            )
            .bind(at)
            .bind(by)
            .bind(*id)
            .bind(dossier_id)
            .execute(&mut **tx)
            .await
            .map_err(backend_err)?
            .rows_affected(),
            Some(SupplementPlan::Answer { id, form, changes, files }) => {
                sqlx::query("update dossiers set form_json = $1 where id = $2")
                    .bind(json(form)?)
                    .bind(dossier_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(backend_err)?;
                // A submitted dossier keeps the replaced files: nothing is dropped.
                self.attach_files(tx, dossier_id, files, plan.recorded_at_ms).await?;
                sqlx::query(
                    "update supplement_requests set answered_at = $1, changes_json = $2 \
                     where id = $3 and dossier_id = $4 and sent_at is not null and answered_at is null",
                )
                .bind(at)
                .bind(json(changes)?)
                .bind(*id)
                .bind(dossier_id)
                .execute(&mut **tx)
                .await
                .map_err(backend_err)?
                .rows_affected()
            }
        };
        if changed != 1 {
            return Err(StoreError::Conflict("error-changed-meanwhile".into()));
        }
        Ok(())
    }
}
