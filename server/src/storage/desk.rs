//! The one-stop desk: inbox queries and reception actions.

use super::dossiers::{apply, NewEvent};
use super::{backend_err, Db};
use app::api::desk::{tab_statuses, DeskDossierView, DeskRow, InboxView, TABS};
use app::domain::status::Action;
use app::domain::text::{like_escape, search_terms};
use app::i18n::Lang;
use app::ports::{CurrentUser, StoreError};
use sqlx::{Any, Row, Transaction};

fn in_list(statuses: &[i64]) -> String {
    statuses.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

impl Db {
    /// One tab of the inbox, or, with `q`, every dossier of the agency whose code, applicant's
    /// CCCD or applicant's name (diacritics ignored) matches.
    pub async fn desk_inbox(
        &self,
        agency: &str,
        tab: &str,
        q: Option<&str>,
        lang: Lang,
    ) -> Result<InboxView, StoreError> {
        let mut counts = Vec::new();
        for (name, statuses) in TABS {
            let n: i64 = sqlx::query(&format!(
                "select count(*) as n from dossiers where receiving_agency = $1 and status in ({})",
                in_list(statuses)
            ))
            .bind(agency)
            .fetch_one(&self.pool)
            .await
            .map_err(backend_err)?
            .get("n");
            counts.push((name.to_string(), n));
        }
        // Oldest first on the reception tab (first come, first served); by deadline elsewhere.
        let order = if tab == "receive" { "d.submitted_at" } else { "coalesce(d.due_at, d.submitted_at)" };
        let mut params: Vec<String> = vec![agency.to_string()];
        let filter = match q.map(str::trim).filter(|q| !q.is_empty()) {
            None => format!("d.status in ({})", in_list(tab_statuses(tab))),
            Some(q) => {
                let digits: String = q.chars().filter(char::is_ascii_digit).collect();
                let mut any = Vec::new();
                params.push(format!("%{}%", like_escape(&q.to_ascii_uppercase())));
                any.push(format!("d.code like ${} escape '\\'", params.len()));
                if digits.len() == 12 {
                    params.push(digits);
                    any.push(format!("u.cccd = ${}", params.len()));
                }
                let terms = search_terms(q, 6);
                if !terms.is_empty() {
                    let all: Vec<String> = terms
                        .iter()
                        .map(|t| {
                            params.push(format!("%{}%", like_escape(t)));
                            format!("u.search_name like ${} escape '\\'", params.len())
                        })
                        .collect();
                    any.push(format!("({})", all.join(" and ")));
                }
                format!("d.status <> 0 and ({})", any.join(" or "))
            }
        };
        let sql = format!(
            "select d.code, d.status, d.channel, d.submitted_at, d.due_at, u.full_name, p.name_vi, p.name_en \
             from dossiers d join users u on u.id = d.applicant_id join procedures p on p.id = d.procedure_id \
             where d.receiving_agency = $1 and {filter} order by {order} limit 200"
        );
        let mut query = sqlx::query(&sql);
        for p in &params {
            query = query.bind(p.clone());
        }
        let rows = query.fetch_all(&self.pool).await.map_err(backend_err)?;
        Ok(InboxView {
            agency: agency.to_string(),
            tab: tab.to_string(),
            q: q.unwrap_or_default().trim().to_string(),
            counts,
            rows: rows
                .iter()
                .map(|r| DeskRow {
                    code: r.get("code"),
                    procedure: Db::name(lang, r, "name_vi", "name_en"),
                    applicant: r.get("full_name"),
                    status: r.get("status"),
                    channel: r.get("channel"),
                    submitted_at_ms: r.get::<Option<i64>, _>("submitted_at").unwrap_or_default(),
                    due_at_ms: r.get("due_at"),
                })
                .collect(),
        })
    }

    pub async fn desk_dossier(&self, code: &str, lang: Lang) -> Result<Option<DeskDossierView>, StoreError> {
        Ok(self.load_dossier(code, lang).await?.filter(|l| l.detail.status != 0).map(|l| l.desk))
    }

    /// Appends a reception event in a new transaction and leaves it open for the caller's update.
    pub(crate) async fn reception(
        &self,
        code: &str,
        officer: &CurrentUser,
        at_ms: i64,
        action: Action,
        note: String,
    ) -> Result<(Transaction<'static, Any>, i64), StoreError> {
        let row = sqlx::query("select id, receiving_agency from dossiers where code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?
            .ok_or(StoreError::NotFound)?;
        let id: i64 = row.get("id");
        let agency: String = row.get("receiving_agency");
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        // A write first, so SQLite takes its lock at once.
        sqlx::query("update dossiers set updated_at = $1 where id = $2")
            .bind(at_ms)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        apply(&mut tx, id, NewEvent::by(officer, agency, action, at_ms, note)).await?;
        Ok((tx, id))
    }

    pub async fn accept(
        &self,
        code: &str,
        officer: &CurrentUser,
        at_ms: i64,
        due_at_ms: i64,
    ) -> Result<(), StoreError> {
        let note = format!("Hẹn trả kết quả: {}", app::domain::vn_time::format_vn(due_at_ms));
        let (mut tx, id) = self.reception(code, officer, at_ms, Action::Accept, note).await?;
        sqlx::query("update dossiers set accepted_at = $1, original_due_at = $2, due_at = $2 where id = $3")
            .bind(at_ms)
            .bind(due_at_ms)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        tx.commit().await.map_err(backend_err)
    }

    pub async fn refuse(&self, code: &str, officer: &CurrentUser, at_ms: i64, reason: &str) -> Result<(), StoreError> {
        let (mut tx, id) = self.reception(code, officer, at_ms, Action::Refuse, reason.to_string()).await?;
        sqlx::query("update dossiers set resolved_at = $1 where id = $2")
            .bind(at_ms)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        tx.commit().await.map_err(backend_err)
    }
}
