//! Handling: carrying out a planned action (event, steps, dossier columns, files) in one
//! transaction, and reading a dossier's workflow, steps and officers' files.

use super::dossiers::{apply, NewEvent};
use super::{backend_err, Db};
use app::ports::{StepPlan, StoreError};
use app::read::handling::{StepRecord, WorkFileView, WorkflowStepView};
use sqlx::{Any, Row, Transaction};

async fn set(tx: &mut Transaction<'static, Any>, id: i64, column: &str, value: Option<i64>) -> Result<(), StoreError> {
    if let Some(v) = value {
        sqlx::query(&format!("update dossiers set {column} = $1 where id = $2"))
            .bind(v)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(backend_err)?;
    }
    Ok(())
}

async fn set_text(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    column: &str,
    value: Option<&str>,
) -> Result<(), StoreError> {
    if let Some(v) = value {
        sqlx::query(&format!("update dossiers set {column} = $1 where id = $2"))
            .bind(v.to_string())
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(backend_err)?;
    }
    Ok(())
}

/// Ends the dossier's running step (if any) with `outcome`, at `at_ms`, by `by`.
pub(crate) async fn end_running_step(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
    at_ms: i64,
    by: i64,
    outcome: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "update dossier_steps set ended_at = $1, ended_by = $2, outcome = $3 where dossier_id = $4 and ended_at is null",
    )
    .bind(at_ms)
    .bind(by)
    .bind(outcome.to_string())
    .bind(dossier_id)
    .execute(&mut **tx)
    .await
    .map_err(backend_err)?;
    Ok(())
}

/// No step runs: the dossier is held by the desk of the agency that received it.
pub(crate) async fn back_to_receiving_desk(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "update dossiers set step_position = null, current_agency = receiving_agency, holder_role = 'reception', \
         current_unit = '', assignee_id = null where id = $1",
    )
    .bind(dossier_id)
    .execute(&mut **tx)
    .await
    .map_err(backend_err)?;
    Ok(())
}

/// Keeps the applicant's rating beside its event, for the counts per agency and procedure. The
/// dossier is its key: a second rating (two tabs at once) fails here and the transaction with it.
async fn insert_rating(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
    plan: &StepPlan,
    rating: &app::domain::rating::Rating,
    channel: app::domain::rating::RatingChannel,
) -> Result<(), StoreError> {
    let level = |l: Option<app::domain::rating::Level>| l.map(|l| l.name());
    sqlx::query(
        "insert into ratings (dossier_id, agency_code, procedure_id, overall, ease, on_time, attitude, comment, \
         unsatisfied, channel, rated_at, recorded_by, answer_due_at) \
         select id, receiving_agency, procedure_id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 from dossiers where id = $1",
    )
    .bind(dossier_id)
    .bind(rating.overall.name())
    .bind(level(rating.ease))
    .bind(level(rating.on_time))
    .bind(level(rating.attitude))
    .bind(rating.comment.clone())
    .bind(i64::from(rating.is_unsatisfied()))
    .bind(channel.name())
    .bind(plan.at_ms)
    .bind(plan.actor.id)
    .bind(match &plan.payload {
        Some(app::domain::event::Payload::Rated { answer_due, .. }) => *answer_due,
        _ => None,
    })
    .execute(&mut **tx)
    .await
    .map_err(|e| match backend_err(e) {
        StoreError::Conflict(_) => StoreError::Conflict("error-rating-once".into()),
        other => other,
    })?;
    Ok(())
}

/// Records the leader's answer beside the rating; an answer given in between (two tabs) finds
/// nothing owed and fails the transaction.
async fn answer_rating(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
    plan: &StepPlan,
    answer: &str,
) -> Result<(), StoreError> {
    let n = sqlx::query(
        "update ratings set answered_at = $2, answered_by = $3, answer = $4 \
         where dossier_id = $1 and answer_due_at is not null and answered_at is null",
    )
    .bind(dossier_id)
    .bind(plan.at_ms)
    .bind(plan.actor.id)
    .bind(answer)
    .execute(&mut **tx)
    .await
    .map_err(backend_err)?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict("error-rating-no-answer-owed".into()));
    }
    Ok(())
}

impl Db {
    /// Carries out `plan` on dossier `id` in the caller's transaction.
    pub(crate) async fn advance_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: i64,
        plan: &StepPlan,
    ) -> Result<(), StoreError> {
        let mut event = NewEvent::by(&plan.actor, plan.agency.clone(), plan.action, plan.at_ms, plan.note.clone());
        event.recorded_at_ms = plan.recorded_at_ms;
        event.backfill_reason = plan.backfill_reason.clone();
        event.payload = plan.payload.as_ref().map(app::domain::event::Payload::to_json);
        event.expected_count = Some(plan.expected_count);
        apply(tx, id, event).await?;
        if let Some(outcome) = &plan.close {
            end_running_step(tx, id, plan.at_ms, plan.actor.id, outcome.name()).await?;
        }
        match (&plan.open, &plan.close) {
            (Some(o), _) => {
                sqlx::query(
                    "insert into dossier_steps (dossier_id, position, kind, agency_code, unit_code, assignee_id, started_at, due_at) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(id)
                .bind(o.position as i64)
                .bind(o.kind.name())
                .bind(o.agency.clone())
                .bind(o.unit.clone())
                .bind(o.assignee)
                .bind(o.started_at)
                .bind(o.due_at)
                .execute(&mut **tx)
                .await
                .map_err(backend_err)?;
                sqlx::query(
                    "update dossiers set step_position = $1, current_agency = $2, holder_role = $3, current_unit = $4, \
                     assignee_id = $5 where id = $6",
                )
                .bind(o.position as i64)
                .bind(o.agency.clone())
                .bind(o.role.name())
                .bind(o.unit.clone())
                .bind(o.assignee)
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(backend_err)?;
            }
            // Closed without a next step: the dossier is back at the desk that received it.
            (None, Some(_)) => back_to_receiving_desk(tx, id).await?,
            (None, None) => {}
        }
        let c = &plan.changes;
        set(tx, id, "accepted_at", c.accepted_at).await?;
        set(tx, id, "original_due_at", c.original_due_at).await?;
        set(tx, id, "due_at", c.due_at).await?;
        set(tx, id, "resolved_at", c.resolved_at).await?;
        set(tx, id, "urged_at", c.urged_at).await?;
        set_text(tx, id, "delivery", c.delivery.map(|d| d.name())).await?;
        set_text(tx, id, "proposal", c.proposal.map(|p| p.name())).await?;
        for c in &plan.consult {
            sqlx::query(
                "insert into consultations (dossier_id, agency_code, unit_code, question, asked_by, asked_at, due_at) \
                 values ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(c.agency.clone())
            .bind(c.unit.clone())
            .bind(c.question.clone())
            .bind(plan.actor.id)
            .bind(plan.at_ms)
            .bind(c.due_at)
            .execute(&mut **tx)
            .await
            .map_err(backend_err)?;
        }
        if let Some((consultation, answer)) = &plan.answer {
            let answered = sqlx::query(
                "update consultations set answer = $1, answered_by = $2, answered_at = $3 \
                 where id = $4 and dossier_id = $5 and answered_at is null",
            )
            .bind(answer.clone())
            .bind(plan.actor.id)
            .bind(plan.at_ms)
            .bind(*consultation)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(backend_err)?
            .rows_affected();
            if answered != 1 {
                return Err(StoreError::Conflict("error-changed-meanwhile".into()));
            }
        }
        self.apply_supplement(tx, id, plan).await?;
        if !plan.asked.is_empty() {
            super::payments::add_asked(tx, id, &plan.asked, plan.recorded_at_ms).await?;
        }
        if let Some(payment) = &plan.payment {
            super::payments::apply_payment(tx, id, &plan.code, plan.actor.id, plan.at_ms, payment).await?;
        }
        if let Some((seqs, reason)) = &plan.exempt {
            super::payments::apply_exempt(tx, id, seqs, reason, plan.at_ms).await?;
        }
        if let Some(refund) = &plan.refund {
            super::payments::apply_refund(tx, id, plan.actor.id, plan.at_ms, refund).await?;
        }
        if let Some((rating, channel)) = &plan.rating {
            insert_rating(tx, id, plan, rating, *channel).await?;
        }
        if let Some(answer) = &plan.rating_answer {
            answer_rating(tx, id, plan, answer).await?;
        }
        for (kind, f) in &plan.files {
            sqlx::query(
                "insert into work_files (id, dossier_id, kind, file_name, content_type, size_bytes, sha256, storage_key, created_at, created_by) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(f.id.clone())
            .bind(id)
            .bind(kind.clone())
            .bind(f.file_name.clone())
            .bind(f.content_type.clone())
            .bind(f.size_bytes)
            .bind(f.sha256.clone())
            .bind(f.storage_key.clone())
            .bind(plan.recorded_at_ms)
            .bind(plan.actor.id)
            .execute(&mut **tx)
            .await
            .map_err(backend_err)?;
        }
        // After the files: a re-issued result carries the corrected draft given with it.
        let revoked = match &plan.revoke_result {
            Some(reason) => Some(super::results::revoke_in(tx, id, plan.at_ms, reason).await?),
            None => None,
        };
        if let Some(result) = &plan.issue_result {
            super::results::issue_in(tx, id, plan, result, revoked.filter(|_| result.replaces)).await?;
        }
        Ok(())
    }

    pub(crate) async fn workflow_steps(&self, version_id: i64) -> Result<Vec<WorkflowStepView>, StoreError> {
        let rows = sqlx::query(
            "select w.kind, w.agency_code, w.unit_code, w.allowance_amount, w.allowance_unit, a.name_vi, a.name_en, \
             n.name_vi as u_vi, n.name_en as u_en from workflow_steps w join agencies a on a.code = w.agency_code \
             left join units n on n.agency_code = w.agency_code and n.code = w.unit_code \
             where w.version_id = $1 order by w.position",
        )
        .bind(version_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        rows.iter()
            .map(|r| {
                Ok(WorkflowStepView {
                    kind: r.get("kind"),
                    agency_code: r.get("agency_code"),
                    agency: Db::name(r, "name_vi", "name_en"),
                    unit_code: r.get("unit_code"),
                    unit: Db::opt_name(r, "u_vi", "u_en").unwrap_or_default(),
                    allowance: app::domain::clock::Allowance::parse(
                        &r.get::<String, _>("allowance_amount"),
                        &r.get::<String, _>("allowance_unit"),
                    )
                    .ok_or_else(|| StoreError::Backend("unreadable step allowance".into()))?,
                })
            })
            .collect()
    }

    pub(crate) async fn dossier_steps(&self, dossier_id: i64) -> Result<Vec<StepRecord>, StoreError> {
        let rows = sqlx::query(
            "select s.position, s.kind, s.agency_code, s.assignee_id, s.started_at, s.due_at, s.ended_at, s.outcome, \
             a.name_vi, a.name_en, n.name_vi as u_vi, n.name_en as u_en, x.full_name as assignee, y.full_name as ended_by \
             from dossier_steps s join agencies a on a.code = s.agency_code \
             left join units n on n.agency_code = s.agency_code and n.code = s.unit_code \
             left join users x on x.id = s.assignee_id left join users y on y.id = s.ended_by \
             where s.dossier_id = $1 order by s.id",
        )
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows
            .iter()
            .map(|r| StepRecord {
                position: r.get("position"),
                kind: r.get("kind"),
                agency_code: r.get("agency_code"),
                agency: Db::name(r, "name_vi", "name_en"),
                unit: Db::opt_name(r, "u_vi", "u_en").unwrap_or_default(),
                assignee_id: r.get("assignee_id"),
                assignee: r.get("assignee"),
                started_at_ms: r.get("started_at"),
                due_at_ms: r.get("due_at"),
                ended_at_ms: r.get("ended_at"),
                ended_by: r.get("ended_by"),
                outcome: r.get("outcome"),
            })
            .collect())
    }

    pub(crate) async fn work_files(&self, dossier_id: i64) -> Result<Vec<WorkFileView>, StoreError> {
        let rows = sqlx::query(
            "select f.id, f.kind, f.file_name, f.size_bytes, f.created_at, u.full_name from work_files f \
             join users u on u.id = f.created_by where f.dossier_id = $1 order by f.created_at, f.id",
        )
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows
            .iter()
            .map(|r| WorkFileView {
                id: r.get("id"),
                kind: r.get("kind"),
                file_name: r.get("file_name"),
                size_bytes: r.get("size_bytes"),
                created_at_ms: r.get("created_at"),
                created_by: r.get("full_name"),
            })
            .collect())
    }
}

#[async_trait::async_trait]
impl app::ports::HandlingStore for Db {
    /// What the rules of handling need to know about a submitted dossier (names as the history
    /// writes them, in Vietnamese).
    #[tracing::instrument(name = "store", skip_all, fields(call = "dossier_state"))]
    async fn dossier_state(&self, code: &str) -> Result<Option<app::handling::DossierState>, StoreError> {
        let Some(l) =
            self.load_dossier(code).await?.filter(|l| l.detail.status != app::domain::status::DossierStatus::Draft)
        else {
            return Ok(None);
        };
        app::handling::state_of(&l.desk).map(Some).map_err(StoreError::Backend)
    }

    /// Carries out `plan` in one transaction; the event goes through the transition function
    /// and fails as a conflict when another action came in between.
    #[tracing::instrument(name = "store", skip_all, fields(call = "advance"))]
    async fn advance(&self, plan: StepPlan) -> Result<(), StoreError> {
        let id: i64 = sqlx::query("select id from dossiers where code = $1")
            .bind(&plan.code)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?
            .ok_or(StoreError::NotFound)?
            .get("id");
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        self.advance_in(&mut tx, id, &plan).await?;
        tx.commit().await.map_err(backend_err)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "officers"))]
    async fn officers(
        &self,
        agency: &str,
        role: app::domain::role::Role,
        unit: &str,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query(
            "select id, full_name from users where agency_code = $1 and role = $2 and ($3 = '' or unit_code = $3) order by full_name",
        )
        .bind(agency)
        .bind(role.name())
        .bind(unit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows.iter().map(|r| (r.get("id"), r.get("full_name"))).collect())
    }
}
