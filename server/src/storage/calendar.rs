//! Working calendars per agency: the province-wide table plus the agency's own days.

use super::{backend_err, Db};
use app::domain::clock::{holiday_note, vietnam_days_off, Calendar};
use app::domain::form::parse_date;
use app::ports::{CurrentUser, StoreError};
use app::read::calendar::{CalendarChange, CalendarDay};
use sqlx::Row;

impl Db {
    /// Loads the Vietnamese holidays 2025–2027 into an empty calendar table.
    pub async fn seed_calendar(&self) -> Result<(), StoreError> {
        let n: i64 = sqlx::query("select count(*) as n from calendar_days")
            .fetch_one(&self.pool)
            .await
            .map_err(backend_err)?
            .get("n");
        if n > 0 {
            return Ok(());
        }
        let (off, worked) = vietnam_days_off();
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        for (kind, days) in [("off", off), ("work", worked)] {
            for (y, m, d) in days {
                sqlx::query("insert into calendar_days (agency_code, day, kind, note) values ('', $1, $2, $3)")
                    .bind(format!("{y:04}-{m:02}-{d:02}"))
                    .bind(kind)
                    .bind(holiday_note((y, m, d)))
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_err)?;
            }
        }
        tx.commit().await.map_err(backend_err)
    }
}

#[async_trait::async_trait]
impl app::ports::CalendarStore for Db {
    /// The days of `year` in force for `scope` (empty: the province-wide table; else an agency,
    /// with the province's days it inherits), by date.
    #[tracing::instrument(name = "store", skip_all, fields(call = "calendar_days"))]
    async fn calendar_days(&self, scope: &str, year: i32) -> Result<Vec<CalendarDay>, StoreError> {
        let rows = sqlx::query(
            "select agency_code, day, kind, note from calendar_days where (agency_code = '' or agency_code = $1) \
             and day >= $2 and day < $3 order by day, agency_code",
        )
        .bind(scope)
        .bind(format!("{year:04}-01-01"))
        .bind(format!("{:04}-01-01", year + 1))
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows
            .iter()
            .map(|r| CalendarDay {
                day: r.get("day"),
                kind: r.get("kind"),
                note: r.get("note"),
                agency_code: r.get("agency_code"),
            })
            .collect())
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "calendar_changes"))]
    async fn calendar_changes(&self, scope: &str, limit: i64) -> Result<Vec<CalendarChange>, StoreError> {
        let rows = sqlx::query(
            "select day, kind, note, changed_by, changed_at from calendar_changes where agency_code = $1 \
             order by changed_at desc, id desc limit $2",
        )
        .bind(scope)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows
            .iter()
            .map(|r| CalendarChange {
                day: r.get("day"),
                kind: r.get("kind"),
                note: r.get("note"),
                changed_by: r.get("changed_by"),
                changed_at_ms: r.get("changed_at"),
            })
            .collect())
    }

    /// Sets (`Some(kind)`) or removes (`None`) a day of `scope`'s table, with the change record,
    /// in one transaction.
    #[tracing::instrument(name = "store", skip_all, fields(call = "set_calendar_day"))]
    async fn set_calendar_day(
        &self,
        scope: &str,
        day: &str,
        kind: Option<&str>,
        note: &str,
        by: &CurrentUser,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let removed = sqlx::query("delete from calendar_days where agency_code = $1 and day = $2")
            .bind(scope)
            .bind(day)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?
            .rows_affected();
        if let Some(kind) = kind {
            sqlx::query("insert into calendar_days (agency_code, day, kind, note) values ($1, $2, $3, $4)")
                .bind(scope)
                .bind(day)
                .bind(kind)
                .bind(note)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
        } else if removed == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "insert into calendar_changes (agency_code, day, kind, note, changed_by, changed_at) values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(scope)
        .bind(day)
        .bind(kind.unwrap_or("removed"))
        .bind(note)
        .bind(&by.full_name)
        .bind(at_ms)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        tx.commit().await.map_err(backend_err)
    }

    /// Sets the paper cut-off of `agency` (minutes after midnight), with the change record.
    #[tracing::instrument(name = "store", skip_all, fields(call = "set_paper_cutoff"))]
    async fn set_paper_cutoff(
        &self,
        agency: &str,
        minute: i64,
        by: &CurrentUser,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        sqlx::query("update agencies set paper_cutoff = $1 where code = $2")
            .bind(minute)
            .bind(agency)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        sqlx::query(
            "insert into calendar_changes (agency_code, day, kind, note, changed_by, changed_at) values ($1, '', 'paper-cutoff', $2, $3, $4)",
        )
        .bind(agency)
        .bind(format!("{:02}:{:02}", minute / 60, minute % 60))
        .bind(&by.full_name)
        .bind(at_ms)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        tx.commit().await.map_err(backend_err)
    }

    /// The calendar of an agency, `None` when no agency has that code.
    #[tracing::instrument(name = "store", skip_all, fields(call = "calendar"))]
    async fn calendar(&self, agency: &str) -> Result<Option<Calendar>, StoreError> {
        let Some(a) = sqlx::query("select saturday_morning, paper_cutoff from agencies where code = $1")
            .bind(agency)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?
        else {
            return Ok(None);
        };
        let rows =
            sqlx::query("select agency_code, day, kind from calendar_days where agency_code = '' or agency_code = $1")
                .bind(agency)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
        let (mut province, mut own) = (Vec::new(), Vec::new());
        for r in rows {
            let Some(date) = parse_date(&r.get::<String, _>("day")) else { continue };
            let kind: String = r.get("kind");
            if !matches!(kind.as_str(), "off" | "work") {
                continue;
            }
            let entry = app::domain::clock::CalendarEntry { date, off: kind == "off" };
            if r.get::<String, _>("agency_code").is_empty() {
                province.push(entry);
            } else {
                own.push(entry);
            }
        }
        let cutoff = u16::try_from(a.get::<i64, _>("paper_cutoff")).unwrap_or(Calendar::standard().paper_cutoff);
        let saturday = a.get::<i64, _>("saturday_morning") != 0;
        Ok(Some(Calendar::for_agency(saturday, cutoff, &province, &own)))
    }
}
