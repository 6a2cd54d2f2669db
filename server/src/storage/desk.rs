//! The one-stop desk: the inbox of an agency (tabs, filters, search, pages).

use super::{backend_err, status_at, Db};
use app::domain::status::DossierStatus as S;
use app::domain::text::{like_escape, search_terms};
use app::ports::StoreError;
use app::read::desk::{DeskDossierView, DeskRow, InboxFilter, InboxView, InboxViewer, COUNT_CAP, INBOX_PAGE, TABS};
use sqlx::Row;

/// A query's `where` clause with its parameters, all bound as text or numbers in order.
#[derive(Default)]
struct Where {
    clauses: Vec<String>,
    params: Vec<Param>,
}

#[derive(Clone)]
enum Param {
    Text(String),
    Int(i64),
}

impl Where {
    fn text(&mut self, v: impl Into<String>) -> String {
        self.params.push(Param::Text(v.into()));
        format!("${}", self.params.len())
    }
    fn int(&mut self, v: i64) -> String {
        self.params.push(Param::Int(v));
        format!("${}", self.params.len())
    }
    fn push(&mut self, clause: String) {
        self.clauses.push(clause);
    }
    fn sql(&self) -> String {
        self.clauses.join(" and ")
    }
    fn bind<'q>(
        &self,
        mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        for p in &self.params {
            q = match p {
                Param::Text(t) => q.bind(t.clone()),
                Param::Int(i) => q.bind(*i),
            };
        }
        q
    }
}

/// The conditions of one tab for `viewer`.
fn tab_where(w: &mut Where, tab: &str, v: &InboxViewer) {
    let agency = w.text(&v.agency);
    let here = format!("d.current_agency = {agency}");
    let received = format!("d.receiving_agency = {agency}");
    let running = format!("d.status in {}", S::sql_codes(S::is_running));
    match tab {
        "receive" => w.push(format!("{here} and d.status = {}", S::Submitted.code())),
        "mine" => {
            let (role, unit, me) = (w.text(v.role.name()), w.text(&v.unit), w.int(v.user_id));
            let at_a_step = S::sql_codes(S::is_at_a_step);
            w.push(format!(
                "{here} and d.status in {at_a_step} and d.holder_role = {role} \
                 and (d.current_unit = '' or d.current_unit = {unit}) and (d.assignee_id is null or d.assignee_id = {me})"
            ));
        }
        "department" if !v.unit.is_empty() => {
            let unit = w.text(&v.unit);
            w.push(format!("{here} and {running} and d.current_unit = {unit}"));
        }
        "department" => w.push(format!("{here} and {running}")),
        "due-soon" => {
            let (now, soon) = (w.int(v.now_ms), w.int(v.soon_ms));
            w.push(format!("{here} and {running} and d.due_at >= {now} and d.due_at < {soon}"));
        }
        "overdue" => {
            let now = w.int(v.now_ms);
            w.push(format!("{here} and {running} and d.due_at < {now}"));
        }
        "waiting" => w.push(format!("{received} and d.status in {}", S::sql_codes(S::is_waiting))),
        "deliver" => w.push(format!("{here} and d.status = {}", S::ResultReady.code())),
        // Ratings the agency's leader owes an answer to (read from their partial index).
        "answer" => w.push(format!(
            "d.id in (select r.dossier_id from ratings r where r.agency_code = {agency} \
             and r.answer_due_at is not null and r.answered_at is null)"
        )),
        // The closed tab's partial index is written on the same list.
        _ => w.push(format!("{received} and d.status in {}", S::sql_codes(S::is_final))),
    }
}

/// Counts the rows of `source` (`table alias where …`) up to [`COUNT_CAP`] + 1: a count above the
/// cap means "more than", so no count reads more than ten thousand index entries.
fn capped_count(source: &str) -> String {
    format!("select count(*) as n from (select 1 as one from {source} limit {}) c", COUNT_CAP + 1)
}

fn order_for(tab: &str) -> &'static str {
    match tab {
        // First come, first served at reception; the latest first among closed dossiers.
        "receive" => "d.submitted_at, d.id",
        "done" => "d.resolved_at desc, d.id desc",
        _ => "d.due_at, d.id",
    }
}

#[async_trait::async_trait]
impl app::ports::DeskStore for Db {
    /// One page of a tab of the inbox with the filters, or, with a search, every dossier the
    /// agency received or holds whose code, applicant's CCCD or name (diacritics ignored)
    /// matches; with the count of every tab.
    #[tracing::instrument(name = "store", skip_all, fields(call = "desk_inbox"))]
    async fn desk_inbox(&self, v: &InboxViewer, f: &InboxFilter) -> Result<InboxView, StoreError> {
        let mut counts = Vec::new();
        for tab in TABS.into_iter().filter(|t| *t != "done") {
            // Closed dossiers are not work: their tab has no count (and counting them is the
            // costliest query of the inbox).
            let mut w = Where::default();
            tab_where(&mut w, tab, v);
            let sql = capped_count(&format!("dossiers d where {}", w.sql()));
            let n: i64 = w.bind(sqlx::query(&sql)).fetch_one(&self.pool).await.map_err(backend_err)?.get("n");
            counts.push((tab.to_string(), n));
        }
        let mut w = Where::default();
        let searching = !f.q.is_empty();
        let order = if searching { "d.submitted_at desc, d.id desc" } else { order_for(&f.tab) };
        // A search's matches: rows of (id, submitted_at), each branch read from an index alone.
        let mut matches: Option<String> = None;
        if searching {
            let agency = w.text(&v.agency);
            let scope = format!("(receiving_agency = {agency} or current_agency = {agency}) and status <> 0");
            let q = f.q.as_str();
            let digits: String = q.chars().filter(char::is_ascii_digit).collect();
            // Each branch can use an index: the code itself, the applicant by CCCD or by name.
            let mut any = vec![format!("code = {}", w.text(q.trim().to_ascii_uppercase()))];
            if q.chars().count() <= 8 && (q.contains('-') || q.chars().all(|c| c.is_ascii_digit())) {
                // The tail of a code ("-0042"), as officers read it off a slip: a scan, but short.
                any.push(format!(
                    "code like {} escape '\\'",
                    w.text(format!("%{}%", like_escape(&q.to_ascii_uppercase())))
                ));
            }
            if digits.len() == 12 {
                any.push(format!("applicant_id in (select id from users where cccd = {})", w.text(digits)));
            }
            let terms = search_terms(q, 6);
            if !terms.is_empty() {
                let all: Vec<String> = terms
                    .iter()
                    .map(|t| format!("search_name like {} escape '\\'", w.text(format!("%{}%", like_escape(t)))))
                    .collect();
                any.push(format!("applicant_id in (select id from users where {})", all.join(" and ")));
            }
            // A union of index lookups (an OR of semi-joins would scan every dossier on PostgreSQL),
            // each with the agency's scope, so a common name's ten thousand dossiers are counted
            // and ordered from the index without reading their rows.
            let ids: Vec<String> =
                any.iter().map(|b| format!("select id, submitted_at from dossiers where {b} and {scope}")).collect();
            matches = Some(ids.join(" union "));
        } else {
            tab_where(&mut w, &f.tab, v);
        }
        if !f.procedure.is_empty() {
            let p = w.text(&f.procedure);
            w.push(format!("d.procedure_id in (select id from procedures where code = {p})"));
        }
        if !f.sector.is_empty() {
            let s = w.text(&f.sector);
            w.push(format!("d.procedure_id in (select id from procedures where sector_code = {s})"));
        }
        if !f.channel.is_empty() {
            let c = w.text(&f.channel);
            w.push(format!("d.channel = {c}"));
        }
        if let Some(from) = app::domain::vn_time::parse_local(&f.from) {
            let t = w.int(from);
            w.push(format!("d.submitted_at >= {t}"));
        }
        if let Some(to) = app::domain::vn_time::parse_local(&f.to) {
            let t = w.int(to + 86_400_000);
            w.push(format!("d.submitted_at < {t}"));
        }
        // Where the page's dossiers come from: a tab's conditions, a search's matches, or the
        // matches narrowed by the filters.
        let source = match &matches {
            Some(m) if w.clauses.is_empty() => format!("({m}) d"),
            Some(m) => format!("dossiers d where d.id in (select id from ({m}) m) and {}", w.sql()),
            None => format!("dossiers d where {}", w.sql()),
        };
        let unfiltered =
            !searching && [&f.procedure, &f.sector, &f.channel, &f.from, &f.to].iter().all(|v| v.is_empty());
        let counted = counts.iter().find(|(t, _)| *t == f.tab).map(|(_, n)| *n).filter(|_| unfiltered);
        let total: i64 = match counted {
            Some(n) => n,
            None => {
                let count_sql = capped_count(&source);
                w.bind(sqlx::query(&count_sql)).fetch_one(&self.pool).await.map_err(backend_err)?.get("n")
            }
        };
        let total_capped = total > COUNT_CAP;
        let total = total.min(COUNT_CAP);
        let offset = (f.page.max(1) - 1) * INBOX_PAGE;
        // The page's ids first, read in the order of an index without touching the rows (a tab
        // of 100 000 dossiers sorts its keys, not its rows); then those rows, their applicant,
        // procedure and where each sits.
        let sql = format!(
            "select d.id, d.code, d.status, d.channel, d.submitted_at, d.due_at, d.resolved_at, d.current_agency, d.current_unit, \
             u.full_name, p.name_vi, p.name_en, ca.name_vi as ca_vi, ca.name_en as ca_en, un.name_vi as un_vi, un.name_en as un_en \
             from (select d.id from {source} order by {order} limit {INBOX_PAGE} offset {offset}) k \
             join dossiers d on d.id = k.id join users u on u.id = d.applicant_id join procedures p on p.id = d.procedure_id \
             join agencies ca on ca.code = d.current_agency \
             left join units un on un.agency_code = d.current_agency and un.code = d.current_unit order by {order}",
        );
        let rows = w.bind(sqlx::query(&sql)).fetch_all(&self.pool).await.map_err(backend_err)?;
        let procedures = sqlx::query(
            "select code, name_vi, name_en from procedures where receiving_agency = $1 or executing_agency = $1 order by name_vi",
        )
        .bind(&v.agency)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let sectors = sqlx::query(
            "select distinct s.code, s.name_vi, s.name_en from sectors s join procedures p on p.sector_code = s.code \
             where p.receiving_agency = $1 or p.executing_agency = $1 order by s.name_vi",
        )
        .bind(&v.agency)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(InboxView {
            agency: v.agency.clone(),
            filter: f.clone(),
            counts,
            total,
            total_capped,
            now_ms: v.now_ms,
            consultations: Vec::new(),
            search_expired: false,
            procedures: procedures
                .iter()
                .map(|r| (r.get::<String, _>("code"), Db::name(r, "name_vi", "name_en")))
                .collect(),
            sectors: sectors.iter().map(|r| (r.get::<String, _>("code"), Db::name(r, "name_vi", "name_en"))).collect(),
            rows: rows
                .iter()
                .map(|r| {
                    let current: String = r.get("current_agency");
                    let unit = Db::opt_name(r, "un_vi", "un_en");
                    let location = match (current != v.agency, unit) {
                        (true, Some(unit)) => unit.join(" — ", &Db::name(r, "ca_vi", "ca_en")),
                        (true, None) => Db::name(r, "ca_vi", "ca_en"),
                        (false, unit) => unit.unwrap_or_default(),
                    };
                    Ok(DeskRow {
                        code: r.get("code"),
                        procedure: Db::name(r, "name_vi", "name_en"),
                        applicant: r.get("full_name"),
                        status: status_at(r, "status")?,
                        channel: r.get("channel"),
                        submitted_at_ms: r.get::<Option<i64>, _>("submitted_at").unwrap_or_default(),
                        due_at_ms: r.get("due_at"),
                        location,
                    })
                })
                .collect::<Result<_, StoreError>>()?,
        })
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "desk_dossier"))]
    async fn desk_dossier(&self, code: &str) -> Result<Option<DeskDossierView>, StoreError> {
        Ok(self.load_dossier(code).await?.filter(|l| l.detail.status != S::Draft).map(|l| l.desk))
    }

    async fn desk_changes(&self, after: i64) -> Result<(i64, Vec<(i64, String)>), StoreError> {
        let last: i64 = sqlx::query_scalar("select coalesce(max(id), 0) from dossier_events")
            .fetch_one(&self.pool)
            .await
            .map_err(backend_err)?;
        if last <= after {
            return Ok((last, Vec::new()));
        }
        let rows = sqlx::query(
            "select e.id, e.agency, d.receiving_agency, coalesce(d.current_agency, '') from dossier_events e \
             join dossiers d on d.id = e.dossier_id where e.id > $1 and e.id <= $2 \
             union all select e.id, c.agency_code, '', '' from dossier_events e \
             join consultations c on c.dossier_id = e.dossier_id where e.id > $1 and e.id <= $2",
        )
        .bind(after)
        .bind(last)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let mut changes: Vec<(i64, String)> = Vec::new();
        for r in rows {
            let id: i64 = r.get(0);
            for i in 1..4 {
                let agency: String = r.get(i);
                if !agency.is_empty() && !changes.iter().any(|(x, a)| *x == id && *a == agency) {
                    changes.push((id, agency));
                }
            }
        }
        Ok((last, changes))
    }
}
