//! Consultations: the opinions asked of other units and their answers (written by `advance`).

use super::{backend_err, Db};
use app::ports::StoreError;
use app::read::consultations::{ConsultationView, OpenConsultation, UnitChoice};
use sqlx::Row;

impl Db {
    pub async fn consultations(&self, dossier_id: i64) -> Result<Vec<ConsultationView>, StoreError> {
        let rows = sqlx::query(
            "select c.id, c.agency_code, c.unit_code, c.question, c.asked_at, c.due_at, c.answer, c.answered_at, \
             a.name_vi, a.name_en, n.name_vi as unit_vi, n.name_en as unit_en, q.full_name as asker, r.full_name as answerer \
             from consultations c join agencies a on a.code = c.agency_code \
             left join units n on n.agency_code = c.agency_code and n.code = c.unit_code \
             join users q on q.id = c.asked_by left join users r on r.id = c.answered_by \
             where c.dossier_id = $1 order by c.id",
        )
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows
            .iter()
            .map(|r| ConsultationView {
                id: r.get("id"),
                agency_code: r.get("agency_code"),
                agency: Db::name(r, "name_vi", "name_en"),
                unit_code: r.get("unit_code"),
                unit: Db::opt_name(r, "unit_vi", "unit_en").unwrap_or_default(),
                question: r.get("question"),
                asked_by: r.get("asker"),
                asked_at_ms: r.get("asked_at"),
                due_at_ms: r.get("due_at"),
                answer: r.get("answer"),
                answered_by: r.get("answerer"),
                answered_at_ms: r.get("answered_at"),
            })
            .collect())
    }
}

#[async_trait::async_trait]
impl app::ports::ConsultationStore for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "units"))]
    async fn units(&self) -> Result<Vec<UnitChoice>, StoreError> {
        let rows = sqlx::query(
            "select n.agency_code, n.code, n.name_vi, n.name_en, a.name_vi as a_vi, a.name_en as a_en \
             from units n join agencies a on a.code = n.agency_code order by a.name_vi, n.name_vi",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows
            .iter()
            .map(|r| UnitChoice {
                agency_code: r.get("agency_code"),
                unit_code: r.get("code"),
                label: Db::name(r, "name_vi", "name_en").join(" — ", &Db::name(r, "a_vi", "a_en")),
            })
            .collect())
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "open_consultations"))]
    async fn open_consultations(&self, agency: &str, unit: &str) -> Result<Vec<OpenConsultation>, StoreError> {
        let rows = sqlx::query(
            "select d.code, p.name_vi, p.name_en, q.full_name, c.due_at from consultations c \
             join dossiers d on d.id = c.dossier_id join procedures p on p.id = d.procedure_id join users q on q.id = c.asked_by \
             where c.agency_code = $1 and (cast($2 as text) = '' or c.unit_code = $2) and c.answered_at is null and d.status = 4 \
             order by c.due_at limit 50",
        )
        .bind(agency)
        .bind(unit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows
            .iter()
            .map(|r| OpenConsultation {
                code: r.get("code"),
                procedure: Db::name(r, "name_vi", "name_en"),
                asked_by: r.get("full_name"),
                due_at_ms: r.get("due_at"),
            })
            .collect())
    }
}
