//! Going live: one-time links (the setup link, password links), the province and its first
//! administrator, and the administration's own record (`admin_events`).

use super::{backend_err, Db};
use app::domain::role::Role;
use app::domain::text::fold;
use app::ports::{LinkPurpose, LiveLink, NewLink, NewUser, ProvinceSetup, StoreError};
use sqlx::{Any, Row, Transaction};

/// One line of the administration's record.
pub struct AdminEvent<'a> {
    pub at_ms: i64,
    /// The administrator who acted; none for the operator at the command line.
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: &'a str,
    /// What was changed: an agency code, an account's id, …
    pub subject: &'a str,
    /// The agency the change belongs to (empty: province-wide).
    pub agency: &'a str,
    pub detail: &'a str,
}

pub(crate) async fn record(tx: &mut Transaction<'_, Any>, e: &AdminEvent<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "insert into admin_events (at, actor_id, actor_name, action, subject, agency, detail) values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(e.at_ms)
    .bind(e.actor_id)
    .bind(e.actor_name)
    .bind(e.action)
    .bind(e.subject)
    .bind(e.agency)
    .bind(e.detail)
    .execute(&mut **tx)
    .await
    .map_err(backend_err)?;
    Ok(())
}

async fn insert_admin(tx: &mut Transaction<'_, Any>, user: &NewUser, agency: &str) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "insert into users (full_name, cccd, phone, email, password_hash, role, agency_code, unit_code, created_at, search_name, verified_by) \
         values ($1, $2, $3, $4, $5, $6, $7, '', $8, $9, 'admin') returning id",
    )
    .bind(&user.full_name)
    .bind(&user.cccd)
    .bind(&user.phone)
    .bind(&user.email)
    .bind(&user.password_hash)
    .bind(Role::ProvinceAdmin.name())
    .bind(agency)
    .bind(user.created_at_ms)
    .bind(fold(&user.full_name))
    .fetch_one(&mut **tx)
    .await
    .map_err(backend_err)?;
    Ok(row.get("id"))
}

impl Db {
    /// Whether any province administrator exists (then no setup link is printed).
    pub async fn has_province_admin(&self) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query("select count(*) as n from users where role = $1")
            .bind(Role::ProvinceAdmin.name())
            .fetch_one(&self.pool)
            .await
            .map_err(backend_err)?
            .get("n");
        Ok(n > 0)
    }

    /// The root of the agency tree, if the province was set up: its code and Vietnamese name.
    pub async fn province(&self) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query("select code, name_vi from agencies where kind = 'province' order by code limit 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(row.map(|r| (r.get("code"), r.get("name_vi"))))
    }

    /// Stores a one-time link. A new setup link replaces every unused one; a new password link
    /// replaces the account's unused password links.
    pub async fn issue_link(&self, link: NewLink) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        match link.user_id {
            Some(user) => {
                sqlx::query("delete from one_time_links where purpose = $1 and user_id = $2 and used_at is null")
                    .bind(link.purpose.name())
                    .bind(user)
            }
            None => {
                sqlx::query("delete from one_time_links where purpose = $1 and user_id is null and used_at is null")
                    .bind(link.purpose.name())
            }
        }
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        sqlx::query(
            "insert into one_time_links (token_hash, purpose, user_id, created_at, expires_at) values ($1, $2, $3, $4, $5)",
        )
        .bind(&link.token_hash)
        .bind(link.purpose.name())
        .bind(link.user_id)
        .bind(link.created_at_ms)
        .bind(link.expires_at_ms)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        tx.commit().await.map_err(backend_err)
    }

    /// The operator's `create-admin`: a province administrator without a password (they set it
    /// with a one-time link), and the province itself when it was never set up. Recorded.
    pub async fn create_admin(
        &self,
        user: &NewUser,
        province: Option<(&str, &str)>,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let root: Option<String> =
            sqlx::query("select code from agencies where kind = 'province' order by code limit 1")
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend_err)?
                .map(|r| r.get("code"));
        let agency = match (root, province) {
            (Some(code), _) => code,
            (None, Some((code, name))) => {
                insert_province(&mut tx, code, name, "").await?;
                record(
                    &mut tx,
                    &AdminEvent {
                        at_ms: now_ms,
                        actor_id: None,
                        actor_name: "create-admin",
                        action: "agency-create",
                        subject: code,
                        agency: code,
                        detail: name,
                    },
                )
                .await?;
                code.to_string()
            }
            (None, None) => return Err(StoreError::NotFound),
        };
        let id = insert_admin(&mut tx, user, &agency).await?;
        record(
            &mut tx,
            &AdminEvent {
                at_ms: now_ms,
                actor_id: None,
                actor_name: "create-admin",
                action: "officer-create",
                subject: &format!("{} #{id}", user.full_name),
                agency: &agency,
                detail: Role::ProvinceAdmin.name(),
            },
        )
        .await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(id)
    }
}

async fn insert_province(
    tx: &mut Transaction<'_, Any>,
    code: &str,
    name_vi: &str,
    name_en: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into agencies (code, name_vi, name_en, kind, parent_code) values ($1, $2, $3, 'province', null)",
    )
    .bind(code)
    .bind(name_vi)
    .bind(name_en)
    .execute(&mut **tx)
    .await
    .map_err(backend_err)?;
    Ok(())
}

/// Uses a live link of `purpose` in `tx`: `false` when another request used it first or it is
/// no longer live.
pub(crate) async fn use_link(
    tx: &mut Transaction<'_, Any>,
    token_hash: &str,
    purpose: LinkPurpose,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let used = sqlx::query(
        "update one_time_links set used_at = $1 where token_hash = $2 and purpose = $3 and used_at is null and expires_at > $1",
    )
    .bind(now_ms)
    .bind(token_hash)
    .bind(purpose.name())
    .execute(&mut **tx)
    .await
    .map_err(backend_err)?
    .rows_affected();
    Ok(used == 1)
}

/// Stores a one-time link in the caller's transaction.
pub(crate) async fn insert_link(tx: &mut Transaction<'_, Any>, link: &NewLink) -> Result<(), StoreError> {
    sqlx::query(
        "insert into one_time_links (token_hash, purpose, user_id, created_at, expires_at) values ($1, $2, $3, $4, $5)",
    )
    .bind(&link.token_hash)
    .bind(link.purpose.name())
    .bind(link.user_id)
    .bind(link.created_at_ms)
    .bind(link.expires_at_ms)
    .execute(&mut **tx)
    .await
    .map_err(backend_err)?;
    Ok(())
}

#[async_trait::async_trait]
impl app::ports::SetupStore for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "live_link"))]
    async fn live_link(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
        now_ms: i64,
    ) -> Result<Option<LiveLink>, StoreError> {
        let row = sqlx::query(
            "select l.user_id, u.full_name from one_time_links l left join users u on u.id = l.user_id \
             where l.token_hash = $1 and l.purpose = $2 and l.used_at is null and l.expires_at > $3",
        )
        .bind(token_hash)
        .bind(purpose.name())
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?;
        let Some(row) = row else { return Ok(None) };
        // The setup link dies with the first administrator, however they were created.
        if purpose == LinkPurpose::Setup && self.has_province_admin().await? {
            return Ok(None);
        }
        Ok(Some(LiveLink { purpose, user_id: row.get("user_id"), full_name: row.get("full_name") }))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "set_up_province"))]
    async fn set_up_province(
        &self,
        token_hash: &str,
        setup: ProvinceSetup,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        if !use_link(&mut tx, token_hash, LinkPurpose::Setup, now_ms).await? {
            return Ok(None);
        }
        let admins: i64 = sqlx::query("select count(*) as n from users where role = $1")
            .bind(Role::ProvinceAdmin.name())
            .fetch_one(&mut *tx)
            .await
            .map_err(backend_err)?
            .get("n");
        if admins > 0 {
            return Ok(None);
        }
        let exists: i64 = sqlx::query("select count(*) as n from agencies where code = $1")
            .bind(&setup.code)
            .fetch_one(&mut *tx)
            .await
            .map_err(backend_err)?
            .get("n");
        if exists == 0 {
            insert_province(&mut tx, &setup.code, &setup.name_vi, &setup.name_en).await?;
        }
        let id = insert_admin(&mut tx, &setup.admin, &setup.code).await?;
        let actor = setup.admin.full_name.as_str();
        let subject_text = format!("{actor} #{id}");
        for (action, subject, detail) in [
            ("agency-create", setup.code.as_str(), setup.name_vi.as_str()),
            ("officer-create", subject_text.as_str(), Role::ProvinceAdmin.name()),
        ] {
            record(
                &mut tx,
                &AdminEvent {
                    at_ms: now_ms,
                    actor_id: Some(id),
                    actor_name: actor,
                    action,
                    subject,
                    agency: &setup.code,
                    detail,
                },
            )
            .await?;
        }
        tx.commit().await.map_err(backend_err)?;
        Ok(Some(id))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "set_password_with_link"))]
    async fn set_password_with_link(
        &self,
        token_hash: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let user: Option<i64> = sqlx::query("select user_id from one_time_links where token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_err)?
            .and_then(|r| r.get("user_id"));
        let Some(user) = user else { return Ok(None) };
        if !use_link(&mut tx, token_hash, LinkPurpose::Password, now_ms).await? {
            return Ok(None);
        }
        sqlx::query("update users set password_hash = $1 where id = $2")
            .bind(password_hash)
            .bind(user)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        // A new password ends every session the account had.
        sqlx::query("delete from sessions where user_id = $1")
            .bind(user)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        let row = sqlx::query("select full_name, agency_code from users where id = $1")
            .bind(user)
            .fetch_one(&mut *tx)
            .await
            .map_err(backend_err)?;
        let name: String = row.get("full_name");
        let agency: String = row.get::<Option<String>, _>("agency_code").unwrap_or_default();
        record(
            &mut tx,
            &AdminEvent {
                at_ms: now_ms,
                actor_id: Some(user),
                actor_name: &name,
                action: "password-set",
                subject: &format!("{name} #{user}"),
                agency: &agency,
                detail: "",
            },
        )
        .await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(Some(user))
    }
}
