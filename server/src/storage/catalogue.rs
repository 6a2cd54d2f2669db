//! The catalogue as published: sectors, agencies and procedures in their version in effect,
//! searched without diacritics (`catalogue_import` writes it).

use super::{backend_err, parse_json, Db};
use app::domain::catalogue::VersionDetails;
use app::domain::text::{fold, like_escape, search_terms};
use app::ports::StoreError;
use app::read::catalogue::{
    AgencyView, ComponentView, FeeView, ProcedureDetail, ProcedurePage, ProcedureQuery, ProcedureSummary, SectorView,
    PAGE_SIZE,
};
use sqlx::any::AnyRow;
use sqlx::Row;

impl Db {
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
            "select s.code, s.name_vi, s.name_en, count(p.id) as n from sectors s \
             left join procedures p on p.sector_code = s.code and p.current_version_id is not null \
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
            sqlx::query(
                "select code, name_vi, name_en, kind, address, phone from agencies where kind <> 'province' and deactivated_at is null",
            )
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
        // Only procedures in effect (a version imported for a later day is not yet published).
        clauses.push("p.current_version_id is not null".into());
        let where_sql = format!("where {}", clauses.join(" and "));
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
            sqlx::query("select code, name_vi, name_en from procedures where receiving_agency = $1 and current_version_id is not null order by name_vi")
                .bind(agency)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
        Ok(rows.iter().map(|r| (r.get("code"), Db::name(r, "name_vi", "name_en"))).collect())
    }
}
