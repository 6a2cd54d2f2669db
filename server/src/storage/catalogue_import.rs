//! Writing the catalogue: a checked catalogue file imported in one transaction (agencies, units
//! and sectors upserted; a new procedure version only where the content changed), versions that
//! take effect later promoted when their day comes, and the administrators' overview.

use super::setup::{record, AdminEvent};
use super::{backend_err, Db};
use app::domain::catalogue::{Checked, CheckedProcedure, FileAgency, Known, ProcedureHeader};
use app::domain::text::fold;
use app::ports::{CurrentUser, ImportReport, StoreError};
use app::read::admin::CatalogueRow;
use sqlx::{Any, Row, Transaction};

/// Who the record names for an import from the command line.
const OPERATOR: &str = "import-catalogue";

struct Actor<'a> {
    id: Option<i64>,
    name: &'a str,
    at_ms: i64,
}

impl Actor<'_> {
    async fn record(
        &self,
        tx: &mut Transaction<'_, Any>,
        action: &str,
        subject: &str,
        agency: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        record(
            tx,
            &AdminEvent {
                at_ms: self.at_ms,
                actor_id: self.id,
                actor_name: self.name,
                action,
                subject,
                agency,
                detail,
            },
        )
        .await
    }
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Backend(e.to_string()))
}

#[async_trait::async_trait]
impl app::ports::CatalogueAdmin for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "catalogue_known"))]
    async fn catalogue_known(&self) -> Result<Known, StoreError> {
        let agencies = sqlx::query("select code, kind from agencies where deactivated_at is null")
            .fetch_all(&self.pool)
            .await
            .map_err(backend_err)?;
        let units = sqlx::query(
            "select u.agency_code, u.code, u.sectors from units u join agencies a on a.code = u.agency_code \
             where u.deactivated_at is null and a.deactivated_at is null",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let sectors = sqlx::query("select code from sectors").fetch_all(&self.pool).await.map_err(backend_err)?;
        let mut known = Known::default();
        for a in &agencies {
            let (code, kind): (String, String) = (a.get("code"), a.get("kind"));
            if kind == "province" {
                known.province = Some(code.clone());
            }
            known.agencies.insert(code, kind);
        }
        for u in &units {
            let sectors: String = u.get("sectors");
            known.units.insert(
                (u.get("agency_code"), u.get("code")),
                sectors.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
            );
        }
        known.sectors = sectors.iter().map(|s| s.get("code")).collect();
        Ok(known)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "import_catalogue"))]
    async fn import_catalogue(
        &self,
        c: &Checked,
        by: Option<&CurrentUser>,
        now_ms: i64,
        commit: bool,
    ) -> Result<ImportReport, StoreError> {
        let today = app::domain::vn_time::iso_date(now_ms);
        let today = today.as_str();
        let actor = Actor { id: by.map(|u| u.id), name: by.map_or(OPERATOR, |u| u.full_name.as_str()), at_ms: now_ms };
        let mut report = ImportReport::default();
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        if let Some(p) = &c.province {
            upsert_agency(&mut tx, p, &actor, &mut report).await?;
        }
        for a in &c.agencies {
            upsert_agency(&mut tx, a, &actor, &mut report).await?;
        }
        for s in &c.sectors {
            let old = sqlx::query("select name_vi, name_en from sectors where code = $1")
                .bind(&s.code)
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend_err)?;
            let sql = match &old {
                None => "insert into sectors (code, name_vi, name_en) values ($1, $2, $3)",
                Some(r) if r.get::<String, _>("name_vi") != s.name_vi || r.get::<String, _>("name_en") != s.name_en => {
                    "update sectors set name_vi = $2, name_en = $3 where code = $1"
                }
                Some(_) => continue,
            };
            sqlx::query(sql)
                .bind(&s.code)
                .bind(&s.name_vi)
                .bind(&s.name_en)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
            report.sectors_changed += 1;
        }
        for p in &c.procedures {
            import_procedure(&mut tx, p, now_ms, today, &mut report).await?;
        }
        // The record is read in Vietnamese first, like the names it holds.
        let detail = format!(
            "{} thủ tục mới, {} phiên bản mới ({} có hiệu lực sau), {} không đổi",
            report.procedures_new, report.versions_new, report.pending, report.unchanged
        );
        actor.record(&mut tx, "catalogue-import", "", "", &detail).await?;
        match commit {
            true => tx.commit().await.map_err(backend_err)?,
            false => tx.rollback().await.map_err(backend_err)?,
        }
        Ok(report)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "promote_due_versions"))]
    async fn promote_due_versions(&self, now_ms: i64) -> Result<usize, StoreError> {
        let today = app::domain::vn_time::iso_date(now_ms);
        let due = sqlx::query(
            "select p.id as procedure_id, max(v.id) as version_id from procedures p join procedure_versions v on v.procedure_id = p.id \
             where v.effective_from <= $1 and v.header_json <> '' \
             group by p.id, p.current_version_id having p.current_version_id is null or max(v.id) > p.current_version_id",
        )
        .bind(&today)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        for r in &due {
            promote(&mut tx, r.get("procedure_id"), r.get("version_id"), now_ms).await?;
        }
        tx.commit().await.map_err(backend_err)?;
        Ok(due.len())
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "catalogue_rows"))]
    async fn catalogue_rows(&self) -> Result<Vec<CatalogueRow>, StoreError> {
        let rows = sqlx::query(
            "select p.code, p.name_vi, p.name_en, p.published_at, p.updated_at, cur.effective_from as current_from, \
             (select count(*) from procedure_versions v where v.procedure_id = p.id) as versions, \
             (select max(v.effective_from) from procedure_versions v where v.procedure_id = p.id and (p.current_version_id is null or v.id > p.current_version_id)) as next_from, \
             a.name_vi as a_vi, a.name_en as a_en \
             from procedures p left join procedure_versions cur on cur.id = p.current_version_id \
             join agencies a on a.code = p.executing_agency order by p.code",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows
            .iter()
            .map(|r| CatalogueRow {
                code: r.get("code"),
                name: Db::name(r, "name_vi", "name_en"),
                agency: Db::name(r, "a_vi", "a_en"),
                versions: r.get("versions"),
                current_from: r.get("current_from"),
                next_from: r.get("next_from"),
                published_at: r.get("published_at"),
                updated_at: r.get("updated_at"),
            })
            .collect())
    }
}

/// Creates the agency or updates what changed, with its units; on the record either way.
async fn upsert_agency(
    tx: &mut Transaction<'_, Any>,
    a: &FileAgency,
    actor: &Actor<'_>,
    report: &mut ImportReport,
) -> Result<(), StoreError> {
    let kind = if a.kind.is_empty() { "province" } else { a.kind.as_str() };
    let old = sqlx::query(
        "select name_vi, name_en, kind, parent_code, address, phone, opening_hours, saturday_morning from agencies where code = $1",
    )
    .bind(&a.code)
    .fetch_optional(&mut **tx)
    .await
    .map_err(backend_err)?;
    let same = old.as_ref().is_some_and(|r| {
        r.get::<String, _>("name_vi") == a.name_vi
            && r.get::<String, _>("name_en") == a.name_en
            && r.get::<String, _>("kind") == kind
            && r.get::<Option<String>, _>("parent_code") == a.parent
            && r.get::<String, _>("address") == a.address_vi
            && r.get::<String, _>("phone") == a.phone
            && r.get::<String, _>("opening_hours") == a.opening_hours
            && (r.get::<i64, _>("saturday_morning") != 0) == a.saturday_morning
    });
    if !same {
        let (sql, action) = match old {
            None => (
                "insert into agencies (code, name_vi, name_en, kind, parent_code, address, phone, opening_hours, saturday_morning) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                "agency-create",
            ),
            Some(_) => (
                "update agencies set name_vi = $2, name_en = $3, kind = $4, parent_code = $5, address = $6, phone = $7, \
                 opening_hours = $8, saturday_morning = $9 where code = $1",
                "agency-update",
            ),
        };
        sqlx::query(sql)
            .bind(&a.code)
            .bind(&a.name_vi)
            .bind(&a.name_en)
            .bind(kind)
            .bind(a.parent.clone())
            .bind(&a.address_vi)
            .bind(&a.phone)
            .bind(&a.opening_hours)
            .bind(i64::from(a.saturday_morning))
            .execute(&mut **tx)
            .await
            .map_err(backend_err)?;
        actor.record(tx, action, &a.code, &a.code, &a.name_vi).await?;
        report.agencies_changed += 1;
    }
    for u in &a.units {
        let sectors = u.sectors.join(",");
        let old = sqlx::query("select name_vi, name_en, sectors from units where agency_code = $1 and code = $2")
            .bind(&a.code)
            .bind(&u.code)
            .fetch_optional(&mut **tx)
            .await
            .map_err(backend_err)?;
        let (sql, action) = match &old {
            None => (
                "insert into units (agency_code, code, name_vi, name_en, sectors) values ($1, $2, $3, $4, $5)",
                "unit-create",
            ),
            Some(r)
                if r.get::<String, _>("name_vi") != u.name_vi
                    || r.get::<String, _>("name_en") != u.name_en
                    || r.get::<String, _>("sectors") != sectors =>
            {
                (
                    "update units set name_vi = $3, name_en = $4, sectors = $5 where agency_code = $1 and code = $2",
                    "unit-update",
                )
            }
            Some(_) => continue,
        };
        sqlx::query(sql)
            .bind(&a.code)
            .bind(&u.code)
            .bind(&u.name_vi)
            .bind(&u.name_en)
            .bind(&sectors)
            .execute(&mut **tx)
            .await
            .map_err(backend_err)?;
        actor.record(tx, action, &format!("{} {}", a.code, u.code), &a.code, &u.name_vi).await?;
        report.units_changed += 1;
    }
    Ok(())
}

/// A new version of `p` when its content differs from its newest version's; in effect at once
/// when its day has come.
async fn import_procedure(
    tx: &mut Transaction<'_, Any>,
    p: &CheckedProcedure,
    now_ms: i64,
    today: &str,
    report: &mut ImportReport,
) -> Result<(), StoreError> {
    let fingerprint = p.content.fingerprint();
    let h = &p.content.header;
    let existing = sqlx::query("select id from procedures where code = $1")
        .bind(&p.code)
        .fetch_optional(&mut **tx)
        .await
        .map_err(backend_err)?;
    let procedure_id: i64 = match existing {
        Some(r) => {
            let id: i64 = r.get("id");
            let newest = sqlx::query(
                "select content_sha256 from procedure_versions where procedure_id = $1 order by id desc limit 1",
            )
            .bind(id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(backend_err)?;
            if newest.is_some_and(|v| v.get::<String, _>("content_sha256") == fingerprint) {
                report.unchanged += 1;
                return Ok(());
            }
            id
        }
        None => {
            report.procedures_new += 1;
            let insert = sqlx::query(
                "insert into procedures (code, name_vi, name_en, sector_code, level, executing_agency, receiving_agency, online_level, search_name, search_text) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, '', '') returning id",
            )
            .bind(&p.code);
            with_header(insert, h).fetch_one(&mut **tx).await.map_err(backend_err)?.get("id")
        }
    };
    report.versions_new += 1;
    let sector: Option<String> = sqlx::query("select name_vi from sectors where code = $1")
        .bind(&h.sector)
        .fetch_optional(&mut **tx)
        .await
        .map_err(backend_err)?
        .map(|r| r.get("name_vi"));
    let search_text = fold(&format!("{} {}", p.search_text, sector.unwrap_or_default()));
    let version: i64 = sqlx::query(
        "insert into procedure_versions (procedure_id, effective_from, details_json, form_schema_json, created_at, header_json, search_text, content_sha256) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
    )
    .bind(procedure_id)
    .bind(&p.effective_from)
    .bind(json(&p.content.details)?)
    .bind(json(&p.content.form)?)
    .bind(now_ms)
    .bind(json(h)?)
    .bind(search_text)
    .bind(&fingerprint)
    .fetch_one(&mut **tx)
    .await
    .map_err(backend_err)?
    .get("id");
    for (i, comp) in p.content.components.iter().enumerate() {
        sqlx::query(
            "insert into procedure_components (version_id, position, name_vi, copies_vi, required, form_file) values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(version)
        .bind(i as i64)
        .bind(&comp.name_vi)
        .bind(&comp.copies_vi)
        .bind(i64::from(comp.required))
        .bind(comp.form_file.clone())
        .execute(&mut **tx)
        .await
        .map_err(backend_err)?;
    }
    for (i, step) in p.content.workflow.steps.iter().enumerate() {
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
        .execute(&mut **tx)
        .await
        .map_err(backend_err)?;
    }
    if p.effective_from.as_str() <= today {
        promote(tx, procedure_id, version, now_ms).await?;
    } else {
        report.pending += 1;
    }
    Ok(())
}

/// Puts `version` into effect: the procedure takes its header and searched text.
async fn promote(
    tx: &mut Transaction<'_, Any>,
    procedure_id: i64,
    version: i64,
    now_ms: i64,
) -> Result<(), StoreError> {
    let v = sqlx::query("select header_json, search_text from procedure_versions where id = $1")
        .bind(version)
        .fetch_one(&mut **tx)
        .await
        .map_err(backend_err)?;
    let h: ProcedureHeader = super::parse_json(v.get("header_json"))?;
    let update = sqlx::query(
        "update procedures set name_vi = $2, name_en = $3, sector_code = $4, level = $5, executing_agency = $6, receiving_agency = $7, \
         online_level = $8, search_name = $9, search_text = $10, current_version_id = $11, \
         published_at = coalesce(published_at, $12), updated_at = $12 where id = $1",
    )
    .bind(procedure_id);
    with_header(update, &h)
        .bind(fold(&h.name_vi))
        .bind(v.get::<String, _>("search_text"))
        .bind(version)
        .bind(now_ms)
        .execute(&mut **tx)
        .await
        .map_err(backend_err)?;
    Ok(())
}

type AnyQuery<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>;

/// Binds a procedure's header as parameters $2 to $8 (after the procedure's code or id).
fn with_header<'q>(q: AnyQuery<'q>, h: &'q ProcedureHeader) -> AnyQuery<'q> {
    q.bind(&h.name_vi)
        .bind(&h.name_en)
        .bind(&h.sector)
        .bind(&h.level)
        .bind(&h.executing_agency)
        .bind(&h.receiving_agency)
        .bind(&h.online_level)
}
