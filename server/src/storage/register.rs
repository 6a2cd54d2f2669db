//! The dossier tracking register (Mẫu 06): the dossiers a desk accepted in a period, with the
//! dates of hand-over, result and delivery read from their history.

use super::{backend_err, status_at, Db};
use app::ports::StoreError;
use app::read::register::RegisterRow;
use sqlx::Row;

#[async_trait::async_trait]
impl app::ports::RegisterStore for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "register"))]
    async fn register(
        &self,
        agency: &str,
        from_ms: i64,
        to_ms: i64,
        limit: usize,
    ) -> Result<Vec<RegisterRow>, StoreError> {
        let event = |actions: &str, pick: &str| {
            format!("(select {pick}(e.at) from dossier_events e where e.dossier_id = d.id and e.action in ({actions}))")
        };
        let sql = format!(
            "select d.code, d.channel, d.status, d.accepted_at, d.due_at, d.original_due_at, u.full_name, u.phone, \
             p.name_vi, p.name_en, a.name_vi as agency_vi, a.name_en as agency_en, \
             {} as transferred_at, {} as result_at, {} as delivered_at \
             from dossiers d join users u on u.id = d.applicant_id join procedures p on p.id = d.procedure_id \
             join agencies a on a.code = p.executing_agency \
             where d.receiving_agency = $1 and d.accepted_at >= $2 and d.accepted_at < $3 \
             order by d.accepted_at, d.id limit $4",
            event("'transfer'", "min"),
            event("'record-result', 'refuse'", "max"),
            event("'deliver'", "max"),
        );
        let rows = sqlx::query(&sql)
            .bind(agency)
            .bind(from_ms)
            .bind(to_ms)
            .bind(limit as i64)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_err)?;
        rows.iter()
            .map(|r| {
                Ok(RegisterRow {
                    code: r.get("code"),
                    procedure: Db::name(r, "name_vi", "name_en"),
                    applicant: r.get("full_name"),
                    phone: r.get("phone"),
                    handling_agency: Db::name(r, "agency_vi", "agency_en"),
                    channel: r.get("channel"),
                    status: status_at(r, "status")?,
                    received_at_ms: r.get("accepted_at"),
                    due_at_ms: r.get("due_at"),
                    original_due_at_ms: r.get("original_due_at"),
                    transferred_at_ms: r.get("transferred_at"),
                    result_at_ms: r.get("result_at"),
                    delivered_at_ms: r.get("delivered_at"),
                })
            })
            .collect()
    }
}
