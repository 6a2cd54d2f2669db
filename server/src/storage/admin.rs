//! The administrators' screens: the agency tree and its units, officers, and the record of every
//! change (`admin_events`, written in the same transaction as the change).

use super::setup::{record, AdminEvent};
use super::{backend_err, Db};
use app::domain::role::Role;
use app::domain::text::fold;
use app::ports::{AgencyChange, CurrentUser, NewAgency, NewLink, NewOfficer, OfficerChange, StoreError, UnitChange};
use app::read::admin::{AdminEventView, AgencyNode, OfficerRow, UnitRow};
use sqlx::Row;

/// The sign-ins shown per officer.
const SIGN_INS_SHOWN: usize = 5;

fn event<'a>(
    by: &'a CurrentUser,
    at_ms: i64,
    action: &'a str,
    subject: &'a str,
    agency: &'a str,
    detail: &'a str,
) -> AdminEvent<'a> {
    AdminEvent { at_ms, actor_id: Some(by.id), actor_name: &by.full_name, action, subject, agency, detail }
}

/// How the record names an officer: "name #id"; and the officer's agency.
async fn officer_subject(tx: &mut sqlx::Transaction<'_, sqlx::Any>, id: i64) -> Result<(String, String), StoreError> {
    let row = sqlx::query("select full_name, agency_code from users where id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await
        .map_err(backend_err)?;
    Ok((
        format!("{} #{id}", row.get::<String, _>("full_name")),
        row.get::<Option<String>, _>("agency_code").unwrap_or_default(),
    ))
}

#[async_trait::async_trait]
impl app::ports::AdminStore for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "agency_tree"))]
    async fn agency_tree(&self) -> Result<Vec<AgencyNode>, StoreError> {
        let rows = sqlx::query(
            "select code, name_vi, name_en, kind, parent_code, address, phone, opening_hours, bank_account, deactivated_at \
             from agencies order by code",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let units = sqlx::query(
            "select agency_code, code, name_vi, name_en, deactivated_at from units order by agency_code, code",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        // Each agency's units, in one pass (the rows come in agency order).
        let mut by_agency: std::collections::HashMap<String, Vec<UnitRow>> = std::collections::HashMap::new();
        for u in &units {
            by_agency.entry(u.get("agency_code")).or_default().push(UnitRow {
                code: u.get("code"),
                name: Db::name(u, "name_vi", "name_en"),
                active: u.get::<Option<i64>, _>("deactivated_at").is_none(),
            });
        }
        Ok(rows
            .iter()
            .map(|r| {
                let code: String = r.get("code");
                AgencyNode {
                    units: by_agency.remove(&code).unwrap_or_default(),
                    name: Db::name(r, "name_vi", "name_en"),
                    kind: r.get("kind"),
                    parent: r.get("parent_code"),
                    address: r.get("address"),
                    phone: r.get("phone"),
                    opening_hours: r.get("opening_hours"),
                    bank_account: r.get("bank_account"),
                    active: r.get::<Option<i64>, _>("deactivated_at").is_none(),
                    code,
                }
            })
            .collect())
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "create_agency"))]
    async fn create_agency(&self, a: NewAgency, by: &CurrentUser, at_ms: i64) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let parent: i64 = sqlx::query("select count(*) as n from agencies where code = $1 and deactivated_at is null")
            .bind(&a.parent)
            .fetch_one(&mut *tx)
            .await
            .map_err(backend_err)?
            .get("n");
        if parent == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "insert into agencies (code, name_vi, name_en, kind, parent_code, address, phone, opening_hours, bank_account) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&a.code)
        .bind(&a.name_vi)
        .bind(&a.name_en)
        .bind(&a.kind)
        .bind(&a.parent)
        .bind(&a.address)
        .bind(&a.phone)
        .bind(&a.opening_hours)
        .bind(&a.bank_account)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        record(&mut tx, &event(by, at_ms, "agency-create", &a.code, &a.code, &a.name_vi)).await?;
        tx.commit().await.map_err(backend_err)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "create_unit"))]
    async fn create_unit(
        &self,
        agency: &str,
        code: &str,
        name_vi: &str,
        name_en: &str,
        by: &CurrentUser,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let exists: i64 = sqlx::query("select count(*) as n from agencies where code = $1 and deactivated_at is null")
            .bind(agency)
            .fetch_one(&mut *tx)
            .await
            .map_err(backend_err)?
            .get("n");
        if exists == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("insert into units (agency_code, code, name_vi, name_en) values ($1, $2, $3, $4)")
            .bind(agency)
            .bind(code)
            .bind(name_vi)
            .bind(name_en)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        record(&mut tx, &event(by, at_ms, "unit-create", code, agency, name_vi)).await?;
        tx.commit().await.map_err(backend_err)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "change_agency"))]
    async fn change_agency(
        &self,
        code: &str,
        change: AgencyChange,
        by: &CurrentUser,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let (changed, action, detail) = match &change {
            AgencyChange::Details { name_vi, name_en, address, phone, opening_hours, bank_account } => {
                let n = sqlx::query(
                    "update agencies set name_vi = $2, name_en = $3, address = $4, phone = $5, opening_hours = $6, bank_account = $7 \
                     where code = $1",
                )
                .bind(code)
                .bind(name_vi)
                .bind(name_en)
                .bind(address)
                .bind(phone)
                .bind(opening_hours)
                .bind(bank_account)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?
                .rows_affected();
                (n, "agency-update", name_vi.clone())
            }
            AgencyChange::Active(active) => {
                let n = sqlx::query(
                    "update agencies set deactivated_at = $2 where code = $1 and kind <> 'province' \
                     and (deactivated_at is null) = $3",
                )
                .bind(code)
                .bind((!active).then_some(at_ms))
                .bind(!active)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?
                .rows_affected();
                let open = self.open_dossiers_of(code).await?;
                let action = if *active { "agency-activate" } else { "agency-deactivate" };
                (n, action, format!("{open} hồ sơ đang giải quyết"))
            }
        };
        if changed != 1 {
            return Ok(false);
        }
        record(&mut tx, &event(by, at_ms, action, code, code, &detail)).await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(true)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "change_unit"))]
    async fn change_unit(
        &self,
        agency: &str,
        code: &str,
        change: UnitChange,
        by: &CurrentUser,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let q = match &change {
            UnitChange::Names { name_vi, name_en } => {
                sqlx::query("update units set name_vi = $3, name_en = $4 where agency_code = $1 and code = $2")
                    .bind(agency)
                    .bind(code)
                    .bind(name_vi)
                    .bind(name_en)
            }
            UnitChange::Active(active) => sqlx::query(
                "update units set deactivated_at = $3 where agency_code = $1 and code = $2 and (deactivated_at is null) = $4",
            )
            .bind(agency)
            .bind(code)
            .bind((!active).then_some(at_ms))
            .bind(!active),
        };
        if q.execute(&mut *tx).await.map_err(backend_err)?.rows_affected() != 1 {
            return Ok(false);
        }
        let (action, detail) = match &change {
            UnitChange::Names { name_vi, .. } => ("unit-update", name_vi.as_str()),
            UnitChange::Active(true) => ("unit-activate", ""),
            UnitChange::Active(false) => ("unit-deactivate", ""),
        };
        record(&mut tx, &event(by, at_ms, action, &format!("{agency} {code}"), agency, detail)).await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(true)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "open_dossiers_of"))]
    async fn open_dossiers_of(&self, agency: &str) -> Result<i64, StoreError> {
        use app::domain::status::DossierStatus as S;
        let sql = format!(
            "select count(*) as n from dossiers where (receiving_agency = $1 or current_agency = $1) \
             and status <> 0 and status not in {}",
            S::sql_codes(S::is_final)
        );
        Ok(sqlx::query(&sql).bind(agency).fetch_one(&self.pool).await.map_err(backend_err)?.get("n"))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "agency_officers"))]
    async fn agency_officers(&self, agency: &str) -> Result<Vec<OfficerRow>, StoreError> {
        let rows = sqlx::query(
            "select id, full_name, cccd, phone, role, unit_code, password_hash, deactivated_at, totp_enrolled_at from users \
             where agency_code = $1 and role <> 'citizen' order by search_name, id",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let sign_ins = sqlx::query(
            "select s.user_id, s.at from sign_ins s join users u on u.id = s.user_id \
             where u.agency_code = $1 and u.role <> 'citizen' order by s.at desc limit 2000",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        // Each officer's latest sign-ins, in one pass (newest first).
        let mut latest: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
        for s in &sign_ins {
            let seen = latest.entry(s.get("user_id")).or_default();
            if seen.len() < SIGN_INS_SHOWN {
                seen.push(s.get("at"));
            }
        }
        Ok(rows
            .iter()
            .filter_map(|r| {
                let id: i64 = r.get("id");
                Some(OfficerRow {
                    id,
                    full_name: r.get("full_name"),
                    cccd: r.get("cccd"),
                    phone: r.get("phone"),
                    role: Role::parse(&r.get::<String, _>("role"))?,
                    unit: r.get("unit_code"),
                    active: r.get::<Option<i64>, _>("deactivated_at").is_none(),
                    has_password: !r.get::<String, _>("password_hash").is_empty(),
                    second_factor: r.get::<Option<i64>, _>("totp_enrolled_at").is_some(),
                    sign_ins: latest.remove(&id).unwrap_or_default(),
                })
            })
            .collect())
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "create_officer"))]
    async fn create_officer(&self, o: NewOfficer, by: &CurrentUser, at_ms: i64) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let row = sqlx::query(
            "insert into users (full_name, cccd, phone, email, password_hash, role, agency_code, unit_code, created_at, search_name, verified_by) \
             values ($1, $2, $3, $4, '', $5, $6, $7, $8, $9, 'admin') returning id",
        )
        .bind(&o.user.full_name)
        .bind(&o.user.cccd)
        .bind(&o.user.phone)
        .bind(&o.user.email)
        .bind(o.role.name())
        .bind(&o.agency)
        .bind(&o.unit)
        .bind(at_ms)
        .bind(fold(&o.user.full_name))
        .fetch_one(&mut *tx)
        .await
        .map_err(backend_err)?;
        let id: i64 = row.get("id");
        let detail = format!("{} {}", o.role.name(), o.unit);
        let subject = format!("{} #{id}", o.user.full_name);
        record(&mut tx, &event(by, at_ms, "officer-create", &subject, &o.agency, detail.trim())).await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(id)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "change_officer"))]
    async fn change_officer(
        &self,
        agency: &str,
        officer: i64,
        change: OfficerChange,
        by: &CurrentUser,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let (sql, action, detail) = match &change {
            OfficerChange::RoleAndUnit { role, unit } => (
                "update users set role = $3, unit_code = $4 where id = $1 and agency_code = $2 and role <> 'citizen'",
                "officer-role",
                format!("{} {unit}", role.name()),
            ),
            OfficerChange::Active(true) => (
                "update users set deactivated_at = null where id = $1 and agency_code = $2 and role <> 'citizen'",
                "officer-activate",
                String::new(),
            ),
            OfficerChange::Active(false) => (
                "update users set deactivated_at = $3 where id = $1 and agency_code = $2 and role <> 'citizen'",
                "officer-deactivate",
                String::new(),
            ),
        };
        let mut q = sqlx::query(sql).bind(officer).bind(agency);
        q = match &change {
            OfficerChange::RoleAndUnit { role, unit } => q.bind(role.name()).bind(unit.clone()),
            OfficerChange::Active(true) => q,
            OfficerChange::Active(false) => q.bind(at_ms),
        };
        let changed = q.execute(&mut *tx).await.map_err(backend_err)?.rows_affected();
        if changed != 1 {
            return Ok(false);
        }
        if !matches!(change, OfficerChange::Active(true)) {
            // A new role or a deactivation takes effect now: the officer signs in again.
            sqlx::query("delete from sessions where user_id = $1")
                .bind(officer)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
        }
        let (subject, _) = officer_subject(&mut tx, officer).await?;
        record(&mut tx, &event(by, at_ms, action, &subject, agency, detail.trim())).await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(true)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "messages_overview"))]
    async fn messages_overview(&self, limit: i64) -> Result<app::read::admin::MessagesView, StoreError> {
        use app::domain::mask::{mask_email, mask_phone};
        let counts = self.outbox_counts().await?;
        let rows = sqlx::query(
            "select o.id, o.channel, o.recipient, o.status, o.attempts, o.last_error, o.next_attempt_at, o.created_at, o.secret, \
             o.body, d.code from outbox o left join dossiers d on d.id = o.dossier_id \
             where o.status = 'failed' or (o.status = 'pending' and o.attempts > 0) order by o.id desc limit $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let troubled = rows
            .iter()
            .map(|r| {
                let channel: String = r.get("channel");
                let recipient: String = r.get("recipient");
                let status: String = r.get("status");
                let secret = r.get::<i64, _>("secret") != 0;
                app::read::admin::TroubledMessage {
                    id: r.get("id"),
                    recipient: if channel == "email" { mask_email(&recipient) } else { mask_phone(&recipient) },
                    channel,
                    dossier_code: r.get("code"),
                    may_retry: status == "failed" && !secret && !r.get::<String, _>("body").is_empty(),
                    status,
                    attempts: r.get("attempts"),
                    last_error: r.get("last_error"),
                    next_attempt_at_ms: r.get("next_attempt_at"),
                    created_at_ms: r.get("created_at"),
                }
            })
            .collect();
        Ok(app::read::admin::MessagesView {
            pending: counts.pending,
            retrying: counts.retrying,
            sent: counts.sent,
            failed: counts.failed,
            troubled,
        })
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "retry_message"))]
    async fn retry_message(&self, id: i64, by: &CurrentUser, now_ms: i64) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let row = sqlx::query(
            "update outbox set status = 'pending', attempts = 0, next_attempt_at = $1, last_error = '', claimed_until = null \
             where id = $2 and status = 'failed' and secret = 0 and body <> '' returning message_id",
        )
        .bind(now_ms)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend_err)?;
        let Some(row) = row else { return Ok(false) };
        let message_id: String = row.get("message_id");
        record(&mut tx, &event(by, now_ms, "message-retried", &message_id, "", "")).await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(true)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "admin_events"))]
    async fn admin_events(&self, agency: Option<&str>, limit: i64) -> Result<Vec<AdminEventView>, StoreError> {
        let rows = match agency {
            Some(a) => sqlx::query(
                "select at, actor_name, action, subject, detail from admin_events where agency = $1 order by id desc limit $2",
            )
            .bind(a)
            .bind(limit),
            None => sqlx::query("select at, actor_name, action, subject, detail from admin_events order by id desc limit $1")
                .bind(limit),
        }
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows
            .iter()
            .map(|r| AdminEventView {
                at_ms: r.get("at"),
                actor_name: r.get("actor_name"),
                action: r.get("action"),
                subject: r.get("subject"),
                detail: r.get("detail"),
            })
            .collect())
    }

    async fn issue_link(&self, link: NewLink, by: &CurrentUser) -> Result<(), StoreError> {
        let (user, at_ms) = (link.user_id, link.created_at_ms);
        Db::issue_link(self, link).await?;
        if let Some(user) = user {
            let mut tx = self.pool.begin().await.map_err(backend_err)?;
            let (subject, agency) = officer_subject(&mut tx, user).await?;
            record(&mut tx, &event(by, at_ms, "password-link", &subject, &agency, "")).await?;
            tx.commit().await.map_err(backend_err)?;
        }
        Ok(())
    }
}
