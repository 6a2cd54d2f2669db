//! Storage on SQLite (the embedded default) or PostgreSQL, through sqlx's `Any` driver so both
//! run the same SQL. Portable SQL only: `$n` placeholders, bigint times, text JSON.

mod calendar;
mod consultations;
mod desk;
mod dossiers;
mod handling;
mod intake;
mod register;
mod supplements;

use crate::catalogue_seed::{Catalogue, VersionDetails};
use app::api::catalogue::{
    AgencyView, ComponentView, FeeView, ProcedureDetail, ProcedurePage, ProcedureQuery, ProcedureSummary, SectorView,
    PAGE_SIZE,
};
use app::domain::status::DossierStatus;
use app::domain::text::{fold, like_escape, search_terms};
use app::i18n::Lang;
use app::ports::{CurrentUser, NewUser, StoreError, UserCredentials};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

/// A dossier's status as stored: its national code, read once into the type. A code we do not
/// know is broken data, not a panic.
pub(crate) fn status_from(code: i64) -> Result<DossierStatus, StoreError> {
    DossierStatus::from_code(code).ok_or_else(|| StoreError::Backend(format!("unknown dossier status {code}")))
}

/// The status in `column` of a row.
pub(crate) fn status_at(r: &AnyRow, column: &str) -> Result<DossierStatus, StoreError> {
    status_from(r.try_get(column).map_err(backend_err)?)
}

pub(crate) fn backend_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            return StoreError::Conflict(db.message().to_string());
        }
    }
    StoreError::Backend(e.to_string())
}

impl Db {
    /// Connects, creating the SQLite file when needed, and runs the migrations of the backend.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let mut options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        if backend == Backend::Sqlite {
            // Create the file and switch it to WAL once, before the pool opens connections.
            let sqlite = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                .map_err(backend_err)?
                .create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(30));
            use sqlx::ConnectOptions;
            let conn = sqlite.connect().await.map_err(backend_err)?;
            sqlx::Connection::close(conn).await.map_err(backend_err)?;
            options = options.max_connections(8).after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::query("pragma busy_timeout = 30000").execute(&mut *conn).await?;
                    sqlx::query("pragma foreign_keys = on").execute(&mut *conn).await?;
                    sqlx::query("pragma synchronous = normal").execute(&mut *conn).await?;
                    Ok(())
                })
            });
        } else {
            options = options.max_connections(16);
        }
        let pool = options.connect(url).await.map_err(backend_err)?;
        let db = Db { pool, backend };
        db.migrate().await?;
        db.seed_calendar().await?;
        db.fold_user_names().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("../migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("../migrations/postgres"),
        };
        migrator.run(&self.pool).await.map_err(|e| StoreError::Backend(e.to_string()))
    }

    /// Fills the folded name of accounts created before it existed.
    async fn fold_user_names(&self) -> Result<(), StoreError> {
        let rows = sqlx::query("select id, full_name from users where search_name = ''")
            .fetch_all(&self.pool)
            .await
            .map_err(backend_err)?;
        for r in rows {
            sqlx::query("update users set search_name = $1 where id = $2")
                .bind(fold(&r.get::<String, _>("full_name")))
                .bind(r.get::<i64, _>("id"))
                .execute(&self.pool)
                .await
                .map_err(backend_err)?;
        }
        Ok(())
    }

    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query("select count(*) as n from procedures")
            .fetch_one(&self.pool)
            .await
            .map_err(backend_err)?
            .get("n");
        Ok(n == 0)
    }

    /// Loads a catalogue (agencies, sectors, procedures with their first version) in one transaction.
    pub async fn load_catalogue(&self, c: &Catalogue, now_ms: i64) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        for a in std::iter::once(&c.province).chain(&c.agencies) {
            sqlx::query("insert into agencies (code, name_vi, name_en, kind, parent_code, address, phone, saturday_morning) values ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(&a.code)
                .bind(&a.name_vi)
                .bind(&a.name_en)
                .bind(if a.kind.is_empty() { "province" } else { a.kind.as_str() })
                .bind(a.parent.clone())
                .bind(&a.address_vi)
                .bind(&a.phone)
                .bind(i64::from(a.saturday_morning))
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
        }
        for (agency, code, vi, en) in crate::catalogue_seed::units(c) {
            sqlx::query("insert into units (agency_code, code, name_vi, name_en) values ($1, $2, $3, $4)")
                .bind(agency)
                .bind(code)
                .bind(vi)
                .bind(en)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
        }
        for s in &c.sectors {
            sqlx::query("insert into sectors (code, name_vi, name_en) values ($1, $2, $3)")
                .bind(&s.code)
                .bind(&s.name_vi)
                .bind(&s.name_en)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
        }
        for p in &c.procedures {
            let sector = c.sectors.iter().find(|s| s.code == p.sector).map(|s| s.name_vi.clone()).unwrap_or_default();
            let id: i64 = sqlx::query(
                "insert into procedures (code, name_vi, name_en, sector_code, level, executing_agency, receiving_agency, online_level, search_name, search_text) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id",
            )
            .bind(&p.code)
            .bind(&p.name_vi)
            .bind(&p.name_en)
            .bind(&p.sector)
            .bind(&p.level)
            .bind(&p.executing_agency)
            .bind(&p.receiving_agency)
            .bind(&p.online_level)
            .bind(fold(&p.name_vi))
            .bind(fold(&p.search_text(&sector)))
            .fetch_one(&mut *tx)
            .await
            .map_err(backend_err)?
            .get("id");
            let details = serde_json::to_string(&p.details()).map_err(|e| StoreError::Backend(e.to_string()))?;
            let schema = serde_json::to_string(&p.form_fields).map_err(|e| StoreError::Backend(e.to_string()))?;
            let version: i64 = sqlx::query(
                "insert into procedure_versions (procedure_id, effective_from, details_json, form_schema_json, created_at) values ($1, $2, $3, $4, $5) returning id",
            )
            .bind(id)
            .bind("2025-07-01")
            .bind(details)
            .bind(schema)
            .bind(now_ms)
            .fetch_one(&mut *tx)
            .await
            .map_err(backend_err)?
            .get("id");
            for (i, comp) in p.components.iter().enumerate() {
                sqlx::query("insert into procedure_components (version_id, position, name_vi, copies_vi, required, form_file) values ($1, $2, $3, $4, $5, $6)")
                    .bind(version)
                    .bind(i as i64)
                    .bind(&comp.name_vi)
                    .bind(&comp.copies_vi)
                    .bind(i64::from(comp.required))
                    .bind(comp.form_file.clone())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_err)?;
            }
            let workflow = crate::catalogue_seed::workflow(c, p)
                .ok_or_else(|| StoreError::Backend(format!("{}: no workflow", p.code)))?;
            for (i, step) in workflow.steps.iter().enumerate() {
                let (amount, unit) = step.allowance.to_parts();
                sqlx::query(
                    "insert into workflow_steps (version_id, position, kind, agency_code, unit_code, allowance_amount, allowance_unit) \
                     values ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(version)
                .bind(i as i64)
                .bind(step.kind.name())
                .bind(step.agency.clone())
                .bind(step.unit.clone())
                .bind(amount)
                .bind(unit)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
            }
            sqlx::query("update procedures set current_version_id = $1 where id = $2")
                .bind(version)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
        }
        tx.commit().await.map_err(backend_err)
    }

    /// The name in `lang` from an optional (left-joined) pair of columns.
    pub(crate) fn opt_name(lang: Lang, row: &AnyRow, vi: &str, en: &str) -> Option<String> {
        row.get::<Option<String>, _>(if lang == Lang::En { en } else { vi })
    }

    pub(crate) fn name(lang: Lang, row: &AnyRow, vi: &str, en: &str) -> String {
        let v: String = row.get(vi);
        let e: String = row.get(en);
        lang.pick(&v, &e).to_string()
    }

    pub async fn sectors(&self, lang: Lang) -> Result<Vec<SectorView>, StoreError> {
        let rows = sqlx::query(
            "select s.code, s.name_vi, s.name_en, count(p.id) as n from sectors s left join procedures p on p.sector_code = s.code \
             group by s.code, s.name_vi, s.name_en order by s.name_vi",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let mut out: Vec<SectorView> = rows
            .iter()
            .map(|r| SectorView {
                code: r.get("code"),
                name: Self::name(lang, r, "name_vi", "name_en"),
                procedure_count: r.get("n"),
            })
            .collect();
        out.sort_by_key(|s| fold(&s.name));
        Ok(out)
    }

    pub async fn agencies(&self, lang: Lang) -> Result<Vec<AgencyView>, StoreError> {
        let rows =
            sqlx::query("select code, name_vi, name_en, kind, address, phone from agencies where kind <> 'province'")
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
        let mut out: Vec<AgencyView> = rows.iter().map(|r| agency_view(lang, r)).collect();
        out.sort_by_key(|a| (a.kind.clone(), fold(&a.name)));
        Ok(out)
    }

    pub async fn agency(&self, code: &str, lang: Lang) -> Result<AgencyView, StoreError> {
        let row = sqlx::query("select code, name_vi, name_en, kind, address, phone from agencies where code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?
            .ok_or(StoreError::NotFound)?;
        Ok(agency_view(lang, &row))
    }

    pub async fn search_procedures(&self, q: &ProcedureQuery, lang: Lang) -> Result<ProcedurePage, StoreError> {
        let mut clauses: Vec<String> = Vec::new();
        let mut params: Vec<String> = Vec::new();
        let mut push = |clause: &str, value: String, params: &mut Vec<String>| {
            params.push(value);
            clauses.push(clause.replace('?', &format!("${}", params.len())));
        };
        for (col, v) in [
            ("p.sector_code", &q.sector),
            ("p.executing_agency", &q.agency),
            ("p.level", &q.level),
            ("p.online_level", &q.online),
        ] {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                push(&format!("{col} = ?"), v.clone(), &mut params);
            }
        }
        let terms = search_terms(q.q.as_deref().unwrap_or(""), 8);
        for t in &terms {
            push(
                "(p.search_name || ' ' || p.search_text) like ? escape '\\'",
                format!("%{}%", like_escape(t)),
                &mut params,
            );
        }
        let where_sql = if clauses.is_empty() { String::new() } else { format!("where {}", clauses.join(" and ")) };
        let count_sql = format!("select count(*) as n from procedures p {where_sql}");
        let mut count = sqlx::query(&count_sql);
        for p in &params {
            count = count.bind(p.clone());
        }
        let total: i64 = count.fetch_one(&self.pool).await.map_err(backend_err)?.get("n");

        // Names rank before other text: the whole phrase in the name, then every word in the name.
        let mut rank_params = params.clone();
        let rank = if terms.is_empty() {
            "0".to_string()
        } else {
            rank_params.push(format!("%{}%", like_escape(&terms.join(" "))));
            let phrase = rank_params.len();
            let words: Vec<String> = terms
                .iter()
                .map(|t| {
                    rank_params.push(format!("%{}%", like_escape(t)));
                    format!("p.search_name like ${} escape '\\'", rank_params.len())
                })
                .collect();
            format!(
                "case when p.search_name like ${phrase} escape '\\' then 0 when {} then 1 else 2 end",
                words.join(" and ")
            )
        };
        let page = q.page.unwrap_or(1).max(1);
        let pages = (total as u32).div_ceil(PAGE_SIZE);
        let sql = format!(
            "select p.code, p.name_vi, p.name_en, p.level, p.online_level, s.name_vi as s_vi, s.name_en as s_en, a.name_vi as a_vi, a.name_en as a_en, v.details_json, {rank} as rank \
             from procedures p join sectors s on s.code = p.sector_code join agencies a on a.code = p.executing_agency \
             join procedure_versions v on v.id = p.current_version_id {where_sql} \
             order by rank, p.search_name limit {PAGE_SIZE} offset {}",
            (page - 1) * PAGE_SIZE
        );
        let mut query = sqlx::query(&sql);
        for p in &rank_params {
            query = query.bind(p.clone());
        }
        let rows = query.fetch_all(&self.pool).await.map_err(backend_err)?;
        let mut items = Vec::with_capacity(rows.len());
        for r in &rows {
            let details: VersionDetails = parse_json(r.get("details_json"))?;
            let online: String = r.get("online_level");
            items.push(ProcedureSummary {
                code: r.get("code"),
                name: Self::name(lang, r, "name_vi", "name_en"),
                sector: Self::name(lang, r, "s_vi", "s_en"),
                level: r.get("level"),
                agency: Self::name(lang, r, "a_vi", "a_en"),
                online_full: online == "full",
                allowance: details.allowance,
            });
        }
        Ok(ProcedurePage { items, total, page, pages: pages.max(1) })
    }

    pub async fn procedure(&self, code: &str, lang: Lang) -> Result<Option<ProcedureDetail>, StoreError> {
        let Some(r) = sqlx::query(
            "select p.code, p.name_vi, p.name_en, p.sector_code, p.level, p.executing_agency, p.receiving_agency, p.online_level, \
             s.name_vi as s_vi, s.name_en as s_en, v.id as version_id, v.effective_from, v.details_json, v.form_schema_json \
             from procedures p join sectors s on s.code = p.sector_code join procedure_versions v on v.id = p.current_version_id where p.code = $1",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?
        else {
            return Ok(None);
        };
        let version_id: i64 = r.get("version_id");
        let details: VersionDetails = parse_json(r.get("details_json"))?;
        let components = self.components(version_id).await?;
        let online: String = r.get("online_level");
        Ok(Some(ProcedureDetail {
            code: r.get("code"),
            name: Self::name(lang, &r, "name_vi", "name_en"),
            sector_code: r.get("sector_code"),
            sector: Self::name(lang, &r, "s_vi", "s_en"),
            level: r.get("level"),
            executing_agency: self.agency(&r.get::<String, _>("executing_agency"), lang).await?,
            receiving_agency: self.agency(&r.get::<String, _>("receiving_agency"), lang).await?,
            online_full: online == "full",
            online_reason: details.online_reason_vi,
            channels: details.channels,
            steps: details.steps_vi,
            allowance: details.allowance,
            applicants: details.applicants_vi,
            result: details.result_vi,
            fees: details
                .fees
                .into_iter()
                .map(|f| FeeView { name: f.name_vi, amount_vnd: f.amount_vnd, note: f.note_vi.unwrap_or_default() })
                .collect(),
            conditions: details.conditions_vi,
            legal_basis: details.legal_basis,
            components,
            form_fields: parse_json(r.get("form_schema_json"))?,
            version_id,
            effective_from: r.get("effective_from"),
        }))
    }

    pub async fn components(&self, version_id: i64) -> Result<Vec<ComponentView>, StoreError> {
        let rows = sqlx::query("select id, name_vi, copies_vi, required, form_file from procedure_components where version_id = $1 order by position")
            .bind(version_id)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(rows
            .iter()
            .map(|r| ComponentView {
                id: r.get("id"),
                name: r.get("name_vi"),
                copies: r.get("copies_vi"),
                required: r.get::<i64, _>("required") != 0,
                form_file: r.get("form_file"),
            })
            .collect())
    }

    pub async fn create_user(&self, u: NewUser) -> Result<i64, StoreError> {
        let folded = fold(&u.full_name);
        let row = sqlx::query(
            "insert into users (full_name, cccd, phone, email, password_hash, role, created_at, search_name) values ($1, $2, $3, $4, $5, 'citizen', $6, $7) returning id",
        )
        .bind(u.full_name)
        .bind(u.cccd)
        .bind(u.phone)
        .bind(u.email)
        .bind(u.password_hash)
        .bind(u.created_at_ms)
        .bind(folded)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| match backend_err(e) {
            StoreError::Conflict(_) => StoreError::Conflict("error-cccd-taken".into()),
            other => other,
        })?;
        Ok(row.get("id"))
    }

    /// An officer account of `agency` with `role` (demo data and, later, the administrators' screen).
    #[allow(clippy::too_many_arguments)]
    pub async fn create_officer(
        &self,
        full_name: &str,
        cccd: &str,
        role: &str,
        agency: &str,
        unit: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "insert into users (full_name, cccd, phone, email, password_hash, role, agency_code, unit_code, created_at, search_name) \
             values ($1, $2, '', null, $3, $4, $5, $8, $6, $7) returning id",
        )
        .bind(full_name)
        .bind(cccd)
        .bind(password_hash)
        .bind(role)
        .bind(agency)
        .bind(now_ms)
        .bind(fold(full_name))
        .bind(unit)
        .fetch_one(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(row.get("id"))
    }

    pub async fn credentials(&self, cccd: &str) -> Result<Option<UserCredentials>, StoreError> {
        // A contested account gave its CCCD up to a verified record: it no longer signs in.
        let row = sqlx::query("select id, password_hash from users where cccd = $1 and contested_at is null")
            .bind(cccd)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(row.map(|r| UserCredentials { id: r.get("id"), password_hash: r.get("password_hash") }))
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        now_ms: i64,
        expires_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("delete from sessions where expires_at < $1")
            .bind(now_ms)
            .execute(&self.pool)
            .await
            .map_err(backend_err)?;
        sqlx::query(
            "insert into sessions (token_hash, user_id, created_at, expires_at, last_seen_at) values ($1, $2, $3, $4, $3)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now_ms)
        .bind(expires_ms)
            .execute(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(())
    }

    /// The signed-in user of a session that has neither expired nor, for an officer, been idle too
    /// long (`domain::session`); records the request's time at most once a minute.
    pub async fn session_user(&self, token_hash: &str, now_ms: i64) -> Result<Option<CurrentUser>, StoreError> {
        use app::domain::session::{idle_ended, should_touch};
        let row = sqlx::query("select u.id, u.full_name, u.role, u.agency_code, u.unit_code, s.last_seen_at from sessions s join users u on u.id = s.user_id where s.token_hash = $1 and s.expires_at > $2")
            .bind(token_hash)
            .bind(now_ms)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?;
        let Some(r) = row else {
            return Ok(None);
        };
        // An account whose stored role is not one of ours signs in as nobody.
        let Some(role) = app::domain::role::Role::parse(&r.get::<String, _>("role")) else {
            return Ok(None);
        };
        let user = CurrentUser {
            id: r.get("id"),
            full_name: r.get("full_name"),
            role,
            agency_code: r.get("agency_code"),
            unit_code: r.get("unit_code"),
        };
        let last_seen: i64 = r.get("last_seen_at");
        if idle_ended(user.role, last_seen, now_ms) {
            self.delete_session(token_hash).await?;
            return Ok(None);
        }
        if should_touch(last_seen, now_ms) {
            sqlx::query("update sessions set last_seen_at = $1 where token_hash = $2 and last_seen_at < $1")
                .bind(now_ms)
                .bind(token_hash)
                .execute(&self.pool)
                .await
                .map_err(backend_err)?;
        }
        Ok(Some(user))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("delete from sessions where token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(())
    }
}

fn agency_view(lang: Lang, r: &AnyRow) -> AgencyView {
    AgencyView {
        code: r.get("code"),
        name: Db::name(lang, r, "name_vi", "name_en"),
        kind: r.get("kind"),
        address: r.get("address"),
        phone: r.get("phone"),
    }
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(s: String) -> Result<T, StoreError> {
    serde_json::from_str(&s).map_err(|e| StoreError::Backend(format!("stored JSON: {e}")))
}

#[async_trait::async_trait]
impl app::ports::Store for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "sectors"))]
    async fn sectors(&self, lang: Lang) -> Result<Vec<SectorView>, StoreError> {
        Db::sectors(self, lang).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "agencies"))]
    async fn agencies(&self, lang: Lang) -> Result<Vec<AgencyView>, StoreError> {
        Db::agencies(self, lang).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "search_procedures"))]
    async fn search_procedures(&self, query: &ProcedureQuery, lang: Lang) -> Result<ProcedurePage, StoreError> {
        Db::search_procedures(self, query, lang).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "procedure"))]
    async fn procedure(&self, code: &str, lang: Lang) -> Result<Option<ProcedureDetail>, StoreError> {
        Db::procedure(self, code, lang).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "create_user"))]
    async fn create_user(&self, user: NewUser) -> Result<i64, StoreError> {
        Db::create_user(self, user).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "credentials"))]
    async fn credentials(&self, cccd: &str) -> Result<Option<UserCredentials>, StoreError> {
        Db::credentials(self, cccd).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "applicant_by_cccd"))]
    async fn applicant_by_cccd(&self, cccd: &str) -> Result<Option<app::ports::ApplicantRecord>, StoreError> {
        Db::applicant_by_cccd(self, cccd).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "record_applicant"))]
    async fn record_applicant(
        &self,
        user: NewUser,
        contested: Option<i64>,
        claim: app::ports::NewClaimCode,
    ) -> Result<i64, StoreError> {
        Db::record_applicant(self, user, contested, claim).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "issue_claim_code"))]
    async fn issue_claim_code(&self, cccd: &str, claim: app::ports::NewClaimCode) -> Result<bool, StoreError> {
        Db::issue_claim_code(self, cccd, claim).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "claim_code"))]
    async fn claim_code(&self, cccd: &str) -> Result<Option<app::ports::ClaimCode>, StoreError> {
        Db::claim_code(self, cccd).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "claim_account"))]
    async fn claim_account(&self, user_id: i64, code_hash: &str, password_hash: &str) -> Result<bool, StoreError> {
        Db::claim_account(self, user_id, code_hash, password_hash).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "received_procedures"))]
    async fn received_procedures(&self, agency: &str, lang: Lang) -> Result<Vec<(String, String)>, StoreError> {
        Db::received_procedures(self, agency, lang).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "create_session"))]
    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        now_ms: i64,
        expires_ms: i64,
    ) -> Result<(), StoreError> {
        Db::create_session(self, token_hash, user_id, now_ms, expires_ms).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "session_user"))]
    async fn session_user(&self, token_hash: &str, now_ms: i64) -> Result<Option<CurrentUser>, StoreError> {
        Db::session_user(self, token_hash, now_ms).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "delete_session"))]
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        Db::delete_session(self, token_hash).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "draft"))]
    async fn draft(&self, applicant_id: i64, key: &str) -> Result<Option<app::ports::Draft>, StoreError> {
        Db::draft(self, applicant_id, key).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "save_draft"))]
    async fn save_draft(&self, save: app::ports::DraftSave) -> Result<app::ports::DraftOutcome, StoreError> {
        Db::save_draft(self, save).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "account_file_bytes"))]
    async fn account_file_bytes(&self, applicant_id: i64) -> Result<u64, StoreError> {
        Db::account_file_bytes(self, applicant_id).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "my_dossiers"))]
    async fn draft_state(
        &self,
        procedure_code: &str,
        applicant_id: i64,
        key: &str,
        channel: app::domain::channel::Channel,
    ) -> Result<Option<app::handling::DossierState>, StoreError> {
        Db::draft_state(self, procedure_code, applicant_id, key, channel).await
    }
    async fn my_dossiers(
        &self,
        applicant_id: i64,
        lang: Lang,
    ) -> Result<Vec<app::api::dossiers::DossierSummary>, StoreError> {
        Db::my_dossiers(self, applicant_id, lang).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "notifications"))]
    async fn notifications(
        &self,
        applicant_id: i64,
        lang: Lang,
    ) -> Result<Vec<app::api::dossiers::Notification>, StoreError> {
        Db::notifications(self, applicant_id, lang).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "dossier_for_applicant"))]
    async fn dossier_for_applicant(
        &self,
        applicant_id: i64,
        code: &str,
        lang: Lang,
    ) -> Result<Option<app::api::dossiers::DossierDetail>, StoreError> {
        Db::dossier_for_applicant(self, applicant_id, code, lang).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "public_dossier"))]
    async fn public_dossier(
        &self,
        code: &str,
        lang: Lang,
    ) -> Result<Option<app::api::lookup::PublicDossier>, StoreError> {
        Db::public_dossier(self, code, lang).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "lookup_token"))]
    async fn lookup_token(&self, code: &str) -> Result<Option<String>, StoreError> {
        Db::lookup_token(self, code).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "file"))]
    async fn file(&self, file_id: &str) -> Result<Option<app::ports::FileAccess>, StoreError> {
        Db::file(self, file_id).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "desk_inbox"))]
    async fn desk_inbox(
        &self,
        viewer: &app::api::desk::InboxViewer,
        filter: &app::api::desk::InboxFilter,
        lang: Lang,
    ) -> Result<app::api::desk::InboxView, StoreError> {
        Db::desk_inbox(self, viewer, filter, lang).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "desk_dossier"))]
    async fn desk_dossier(
        &self,
        code: &str,
        lang: Lang,
    ) -> Result<Option<app::api::desk::DeskDossierView>, StoreError> {
        Db::desk_dossier(self, code, lang).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "register"))]
    async fn register(
        &self,
        agency: &str,
        from_ms: i64,
        to_ms: i64,
        limit: usize,
        lang: Lang,
    ) -> Result<Vec<app::api::register::RegisterRow>, StoreError> {
        Db::register(self, agency, from_ms, to_ms, limit, lang).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "advance"))]
    async fn advance(&self, plan: app::ports::StepPlan) -> Result<(), StoreError> {
        Db::advance(self, plan).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "officers"))]
    async fn officers(
        &self,
        agency: &str,
        role: app::domain::role::Role,
        unit: &str,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        Db::officers(self, agency, role.name(), unit).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "dossier_state"))]
    async fn dossier_state(&self, code: &str) -> Result<Option<app::handling::DossierState>, StoreError> {
        Db::dossier_state(self, code).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "units"))]
    async fn units(&self, lang: Lang) -> Result<Vec<app::api::consultations::UnitChoice>, StoreError> {
        Db::units(self, lang).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "open_consultations"))]
    async fn open_consultations(
        &self,
        agency: &str,
        unit: &str,
        lang: Lang,
    ) -> Result<Vec<app::api::consultations::OpenConsultation>, StoreError> {
        Db::open_consultations(self, agency, unit, lang).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "calendar_days"))]
    async fn calendar_days(&self, scope: &str, year: i32) -> Result<Vec<app::api::calendar::CalendarDay>, StoreError> {
        Db::calendar_days(self, scope, year).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "calendar_changes"))]
    async fn calendar_changes(
        &self,
        scope: &str,
        limit: i64,
    ) -> Result<Vec<app::api::calendar::CalendarChange>, StoreError> {
        Db::calendar_changes(self, scope, limit).await
    }
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
        Db::set_calendar_day(self, scope, day, kind, note, by, at_ms).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "set_paper_cutoff"))]
    async fn set_paper_cutoff(
        &self,
        agency: &str,
        minute: i64,
        by: &CurrentUser,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        Db::set_paper_cutoff(self, agency, minute, by, at_ms).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "calendar"))]
    async fn calendar(&self, agency: &str) -> Result<Option<app::domain::clock::Calendar>, StoreError> {
        Db::calendar(self, agency).await
    }
    #[tracing::instrument(name = "store", skip_all, fields(call = "history"))]
    async fn history(&self, dossier_code: &str) -> Result<(Vec<app::domain::history::Event>, i64, String), StoreError> {
        Db::history(self, dossier_code).await
    }
}
