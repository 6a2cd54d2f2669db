//! Drafts: saved under their idempotency key, their files attached (a draft's replaced file
//! deleted), and submitted with the planner's plans in the same transaction as the code.

use super::dossiers::{allocate_code, new_lookup_token};
use super::{applied_for_from_row, backend_err, parse_json, status_at, Db};
use app::domain::channel::Channel;
use app::domain::status::DossierStatus;
use app::handling::{DossierState, ProcedureRules};
use app::ports::{Draft, DraftOutcome, DraftSave, StoreError};
use sqlx::Row;
use std::collections::BTreeMap;

#[async_trait::async_trait]
impl app::ports::DraftStore for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "draft"))]
    async fn draft(&self, applicant_id: i64, key: &str) -> Result<Option<Draft>, StoreError> {
        let Some(r) = sqlx::query("select d.id, d.idempotency_key, d.form_json, d.for_kind, d.for_name, d.for_number, d.organisation_id, p.code from dossiers d join procedures p on p.id = d.procedure_id where d.idempotency_key = $1 and d.applicant_id = $2 and d.status = 0")
            .bind(key)
            .bind(applicant_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?
        else {
            return Ok(None);
        };
        let id: i64 = r.get("id");
        Ok(Some(Draft {
            key: r.get("idempotency_key"),
            procedure_code: r.get("code"),
            form: parse_json(r.get("form_json"))?,
            files: self.current_files(id).await?,
            applied_for: applied_for_from_row(&r),
        }))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "save_draft"))]
    async fn save_draft(&self, s: DraftSave) -> Result<DraftOutcome, StoreError> {
        let proc_row = sqlx::query(
            "select p.id, p.current_version_id, p.receiving_agency, a.deactivated_at from procedures p \
             join agencies a on a.code = p.receiving_agency where p.code = $1 and p.current_version_id is not null",
        )
        .bind(&s.procedure_code)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?
        .ok_or(StoreError::NotFound)?;
        // A deactivated agency receives nothing new (its dossiers go on being handled).
        if proc_row.get::<Option<i64>, _>("deactivated_at").is_some() {
            return Err(StoreError::Conflict("error-agency-inactive".into()));
        }
        let procedure_id: i64 = proc_row.get("id");
        let version_id: i64 = proc_row.get("current_version_id");
        let agency: String = proc_row.get("receiving_agency");
        let form_json = serde_json::to_string(&s.form).map_err(|e| StoreError::Backend(e.to_string()))?;

        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        // A write first, so SQLite takes its write lock at once and concurrent posts queue up.
        sqlx::query(
            "insert into dossiers (idempotency_key, procedure_id, version_id, applicant_id, receiving_agency, current_agency, channel, status, form_json, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $5, $8, 0, $6, $7, $7) on conflict (idempotency_key) do nothing",
        )
        .bind(&s.idempotency_key)
        .bind(procedure_id)
        .bind(version_id)
        .bind(s.applicant.id)
        .bind(&agency)
        .bind(&form_json)
        .bind(s.now_ms)
        .bind(&s.channel)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        let for_ = s.applied_for.as_ref();
        let updated = sqlx::query(
            "update dossiers set form_json = $1, updated_at = $2, for_kind = $6, for_name = $7, for_number = $8, organisation_id = $9 \
             where idempotency_key = $3 and applicant_id = $4 and procedure_id = $5 and status = 0",
        )
        .bind(&form_json)
        .bind(s.now_ms)
        .bind(&s.idempotency_key)
        .bind(s.applicant.id)
        .bind(procedure_id)
        .bind(for_.map(|f| f.kind()))
        .bind(for_.map(|f| f.name().to_string()))
        .bind(for_.map(|f| f.number().to_string()))
        .bind(for_.and_then(|f| f.organisation_id()))
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?
            .rows_affected();
        let row = sqlx::query("select id, code, applicant_id from dossiers where idempotency_key = $1")
            .bind(&s.idempotency_key)
            .fetch_one(&mut *tx)
            .await
            .map_err(backend_err)?;
        if row.get::<i64, _>("applicant_id") != s.applicant.id {
            return Err(StoreError::NotFound);
        }
        if updated == 0 {
            // Submitted before: a retry, a resent form or a double click.
            let code: Option<String> = row.get("code");
            return code.map(|code| DraftOutcome::AlreadySubmitted { code }).ok_or(StoreError::NotFound);
        }
        let dossier_id: i64 = row.get("id");
        let dropped = self.attach_files(&mut tx, dossier_id, &s.files, s.now_ms).await?;
        if s.submit.is_empty() {
            tx.commit().await.map_err(backend_err)?;
            return Ok(DraftOutcome::Saved { key: s.idempotency_key, procedure: s.procedure_code, dropped });
        }
        let code = allocate_code(&mut tx, &agency, s.now_ms).await?;
        sqlx::query("update dossiers set code = $1, submitted_at = $2, lookup_token = $4 where id = $3")
            .bind(code.to_string())
            .bind(s.submit[0].at_ms)
            .bind(dossier_id)
            .bind(new_lookup_token())
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        for plan in &s.submit {
            self.advance_in(&mut tx, dossier_id, plan).await?;
        }
        super::payments::create_obligations(&mut tx, dossier_id, s.now_ms).await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(DraftOutcome::Submitted { code: code.to_string(), dropped })
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "draft_state"))]
    async fn draft_state(
        &self,
        procedure_code: &str,
        applicant_id: i64,
        key: &str,
        channel: Channel,
    ) -> Result<Option<DossierState>, StoreError> {
        let Some(p) = sqlx::query(
            "select p.receiving_agency, v.id, v.details_json from procedures p \
             join procedure_versions v on v.id = p.current_version_id where p.code = $1",
        )
        .bind(procedure_code)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?
        else {
            return Ok(None);
        };
        let version_id: i64 = p.get("id");
        let details: app::domain::catalogue::VersionDetails = parse_json(p.get("details_json"))?;
        let allowance = details.allowance;
        let steps = self.workflow_steps(version_id).await?;
        let required = sqlx::query("select id from procedure_components where version_id = $1 and required = 1")
            .bind(version_id)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_err)?
            .iter()
            .map(|r| r.get::<i64, _>("id"))
            .collect();
        let rules = ProcedureRules {
            receiving_agency: p.get("receiving_agency"),
            allowance,
            workflow: app::handling::workflow_of(&steps),
            step_names: steps.iter().map(|s| app::domain::text::unit_and_agency(&s.unit.vi, &s.agency.vi)).collect(),
            required,
        };
        let row =
            sqlx::query("select id, status, form_json from dossiers where idempotency_key = $1 and applicant_id = $2")
                .bind(key)
                .bind(applicant_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_err)?;
        let (status, form, files) = match row {
            Some(r) => {
                (status_at(&r, "status")?, parse_json(r.get("form_json"))?, self.current_files(r.get("id")).await?)
            }
            None => (DossierStatus::Draft, BTreeMap::new(), Vec::new()),
        };
        Ok(Some(DossierState::draft(rules, status, applicant_id, channel, form, files)))
    }

    /// Bytes of the files an account keeps where they count against its quota.
    #[tracing::instrument(name = "store", skip_all, fields(call = "account_file_bytes"))]
    async fn account_file_bytes(&self, applicant_id: i64) -> Result<u64, StoreError> {
        let sql = format!(
            "select cast(coalesce(sum(f.size_bytes), 0) as bigint) as n from dossier_files f join dossiers d on d.id = f.dossier_id \
             where d.applicant_id = $1 and d.status in {}",
            DossierStatus::sql_codes(app::domain::upload::counts_against_quota)
        );
        let n: i64 = sqlx::query(&sql).bind(applicant_id).fetch_one(&self.pool).await.map_err(backend_err)?.get("n");
        // The documents kept in the personal data store count too.
        let kept: i64 = sqlx::query(
            "select cast(coalesce(sum(size_bytes), 0) as bigint) as n from personal_documents where owner_id = $1",
        )
        .bind(applicant_id)
        .fetch_one(&self.pool)
        .await
        .map_err(backend_err)?
        .get("n");
        Ok(u64::try_from(n + kept).unwrap_or(0))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "last_submitted_form"))]
    async fn last_submitted_form(
        &self,
        applicant_id: i64,
        procedure_code: &str,
    ) -> Result<Option<BTreeMap<String, String>>, StoreError> {
        let row = sqlx::query(
            "select d.form_json from dossiers d join procedures p on p.id = d.procedure_id \
             where d.applicant_id = $1 and p.code = $2 and d.status <> 0 and d.for_kind is null \
             order by d.submitted_at desc, d.id desc limit 1",
        )
        .bind(applicant_id)
        .bind(procedure_code)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?;
        row.map(|r| parse_json(r.get("form_json"))).transpose()
    }
}
