//! Working calendars per agency: the province-wide table plus the agency's own days.

use super::{backend_err, Db};
use app::domain::clock::{day, vietnam_days_off, Calendar};
use app::domain::form::parse_date;
use app::ports::StoreError;
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
                sqlx::query("insert into calendar_days (agency_code, day, kind, note) values ('', $1, $2, '')")
                    .bind(format!("{y:04}-{m:02}-{d:02}"))
                    .bind(kind)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_err)?;
            }
        }
        tx.commit().await.map_err(backend_err)
    }

    /// The calendar of an agency, `None` when no agency has that code.
    pub async fn calendar(&self, agency: &str) -> Result<Option<Calendar>, StoreError> {
        let Some(a) = sqlx::query("select saturday_morning from agencies where code = $1")
            .bind(agency)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?
        else {
            return Ok(None);
        };
        let mut cal = Calendar::standard();
        cal.holidays.clear();
        cal.extra_working_days.clear();
        if a.get::<i64, _>("saturday_morning") != 0 {
            cal.saturday_morning = Some(app::domain::clock::Period {
                start: app::domain::clock::hm(7, 30),
                end: app::domain::clock::hm(11, 30),
            });
        }
        let rows = sqlx::query("select agency_code, day, kind from calendar_days where agency_code = '' or agency_code = $1 order by agency_code")
            .bind(agency)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_err)?;
        // Province-wide rows first, then the agency's own, which override them.
        for r in rows {
            let Some((y, m, d)) = parse_date(&r.get::<String, _>("day")) else { continue };
            let n = day(y, m, d);
            cal.holidays.remove(&n);
            cal.extra_working_days.remove(&n);
            match r.get::<String, _>("kind").as_str() {
                "off" => {
                    cal.holidays.insert(n);
                }
                "work" => {
                    cal.extra_working_days.insert(n);
                }
                _ => {}
            }
        }
        Ok(Some(cal))
    }
}
