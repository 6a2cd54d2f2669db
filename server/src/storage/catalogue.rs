//! The catalogue: sectors, agencies and procedures as published, searched without diacritics,
//! and loaded from the seed in one transaction.

use super::{backend_err, parse_json, Db};
use crate::catalogue_seed::{Catalogue, VersionDetails};
use app::domain::text::{fold, like_escape, search_terms};
use app::ports::StoreError;
use app::read::catalogue::{
    AgencyView, ComponentView, FeeView, ProcedureDetail, ProcedurePage, ProcedureQuery, ProcedureSummary, SectorView,
    PAGE_SIZE,
};
use sqlx::any::AnyRow;
use sqlx::Row;

impl Db {
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
            let details = serde_json::to_string(&p.details().map_err(StoreError::Backend)?)
                .map_err(|e| StoreError::Backend(e.to_string()))?;
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

    pub async fn agency(&self, code: &str) -> Result<AgencyView, StoreError> {
        let row = sqlx::query("select code, name_vi, name_en, kind, address, phone from agencies where code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?
            .ok_or(StoreError::NotFound)?;
        Ok(agency_view(&row))
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
}

fn agency_view(r: &AnyRow) -> AgencyView {
    AgencyView {
        code: r.get("code"),
        name: Db::name(r, "name_vi", "name_en"),
        kind: r.get("kind"),
        address: r.get("address"),
        phone: r.get("phone"),
    }
}

#[async_trait::async_trait]
impl app::ports::CatalogueStore for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "sectors"))]
    async fn sectors(&self) -> Result<Vec<SectorView>, StoreError> {
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
                name: Self::name(r, "name_vi", "name_en"),
                procedure_count: r.get("n"),
            })
            .collect();
        // In the catalogue's own (Vietnamese) order, whatever the reader's language.
        out.sort_by_cached_key(|s| fold(&s.name.vi));
        Ok(out)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "agencies"))]
    async fn agencies(&self) -> Result<Vec<AgencyView>, StoreError> {
        let rows =
            sqlx::query("select code, name_vi, name_en, kind, address, phone from agencies where kind <> 'province'")
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
        let mut out: Vec<AgencyView> = rows.iter().map(agency_view).collect();
        out.sort_by_cached_key(|a| (a.kind.clone(), fold(&a.name.vi)));
        Ok(out)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "agency"))]
    async fn agency(&self, code: &str) -> Result<Option<AgencyView>, StoreError> {
        let row = sqlx::query("select code, name_vi, name_en, kind, address, phone from agencies where code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(row.as_ref().map(agency_view))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "search_procedures"))]
    async fn search_procedures(&self, q: &ProcedureQuery) -> Result<ProcedurePage, StoreError> {
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
                name: Self::name(r, "name_vi", "name_en"),
                sector: Self::name(r, "s_vi", "s_en"),
                level: r.get("level"),
                agency: Self::name(r, "a_vi", "a_en"),
                online_full: online == "full",
                allowance: details.allowance,
            });
        }
        Ok(ProcedurePage { items, total, page, pages: pages.max(1) })
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "procedure"))]
    async fn procedure(&self, code: &str) -> Result<Option<ProcedureDetail>, StoreError> {
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
            name: Self::name(&r, "name_vi", "name_en"),
            sector_code: r.get("sector_code"),
            sector: Self::name(&r, "s_vi", "s_en"),
            level: r.get("level"),
            executing_agency: self.agency(&r.get::<String, _>("executing_agency")).await?,
            receiving_agency: self.agency(&r.get::<String, _>("receiving_agency")).await?,
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

    #[tracing::instrument(name = "store", skip_all, fields(call = "received_procedures"))]
    async fn received_procedures(&self, agency: &str) -> Result<Vec<(String, app::read::Name)>, StoreError> {
        let rows =
            sqlx::query("select code, name_vi, name_en from procedures where receiving_agency = $1 order by name_vi")
                .bind(agency)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
        Ok(rows.iter().map(|r| (r.get("code"), Db::name(r, "name_vi", "name_en"))).collect())
    }
}
