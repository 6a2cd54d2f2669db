//! Organisations, their people and their record (issue 12).

use super::{backend_err, Db};
use app::ports::{
    ActingFor, AgentAdded, MemberRole, MemberView, NewOrganisation, OrganisationEvent, OrganisationView, StoreError,
};
use sqlx::{Any, Row, Transaction};

async fn record(
    tx: &mut Transaction<'static, Any>,
    organisation_id: i64,
    actor_id: i64,
    kind: &str,
    subject: &str,
    at_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into organisation_events (organisation_id, actor_id, kind, subject, at) values ($1, $2, $3, $4, $5)",
    )
    .bind(organisation_id)
    .bind(actor_id)
    .bind(kind)
    .bind(subject)
    .bind(at_ms)
    .execute(&mut **tx)
    .await
    .map_err(backend_err)?;
    Ok(())
}

async fn is_representative(
    tx: &mut Transaction<'static, Any>,
    organisation_id: i64,
    user_id: i64,
) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "select 1 from organisation_members where organisation_id = $1 and user_id = $2 and role = 'representative'",
    )
    .bind(organisation_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(backend_err)?;
    Ok(row.is_some())
}

#[async_trait::async_trait]
impl app::ports::OrganisationStore for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "create_organisation"))]
    async fn create_organisation(&self, o: NewOrganisation) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let taken = sqlx::query("select 1 from organisations where tax_code = $1")
            .bind(&o.tax_code)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_err)?;
        if taken.is_some() {
            return Ok(None);
        }
        let inserted = sqlx::query(
            "insert into organisations (tax_code, name, kind, address, representative_id, created_at) \
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(&o.tax_code)
        .bind(&o.name)
        .bind(o.kind.as_str())
        .bind(&o.address)
        .bind(o.representative_id)
        .bind(o.now_ms)
        .fetch_one(&mut *tx)
        .await
        .map_err(backend_err);
        // A tax code inserted by a concurrent request fails the unique index: the same answer.
        let id: i64 = match inserted {
            Ok(row) => row.get("id"),
            Err(StoreError::Conflict(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        sqlx::query(
            "insert into organisation_members (organisation_id, user_id, role, added_by, added_at) values ($1, $2, 'representative', $2, $3)",
        )
        .bind(id)
        .bind(o.representative_id)
        .bind(o.now_ms)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        record(&mut tx, id, o.representative_id, "created", &o.name, o.now_ms).await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(Some(id))
    }

    async fn organisations_of(&self, user_id: i64) -> Result<Vec<OrganisationView>, StoreError> {
        let rows = sqlx::query(
            "select o.id, o.tax_code, o.name, o.kind, o.address, r.full_name as representative, m.role \
             from organisation_members m join organisations o on o.id = m.organisation_id \
             join users r on r.id = o.representative_id where m.user_id = $1 order by o.name, o.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.get("id");
            let members = sqlx::query(
                "select m.user_id, u.full_name, m.role, m.added_at from organisation_members m \
                 join users u on u.id = m.user_id where m.organisation_id = $1 order by m.role desc, m.added_at, m.user_id",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_err)?
            .into_iter()
            .filter_map(|m| {
                Some(MemberView {
                    user_id: m.get("user_id"),
                    full_name: m.get("full_name"),
                    role: MemberRole::parse(&m.get::<String, _>("role"))?,
                    added_at_ms: m.get("added_at"),
                })
            })
            .collect();
            let record = sqlx::query(
                "select e.at, u.full_name, e.kind, e.subject from organisation_events e \
                 join users u on u.id = e.actor_id where e.organisation_id = $1 order by e.id desc limit 50",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_err)?
            .into_iter()
            .map(|e| OrganisationEvent {
                at_ms: e.get("at"),
                actor: e.get("full_name"),
                kind: e.get("kind"),
                subject: e.get("subject"),
            })
            .collect();
            let (Some(kind), Some(my_role)) = (
                app::domain::tax_code::OrganisationKind::ALL
                    .into_iter()
                    .find(|k| k.as_str() == r.get::<String, _>("kind")),
                MemberRole::parse(&r.get::<String, _>("role")),
            ) else {
                continue;
            };
            out.push(OrganisationView {
                id,
                tax_code: r.get("tax_code"),
                name: r.get("name"),
                kind,
                address: r.get("address"),
                representative_name: r.get("representative"),
                my_role,
                members,
                record,
            });
        }
        Ok(out)
    }

    async fn membership(
        &self,
        organisation_id: i64,
        user_id: i64,
    ) -> Result<Option<(MemberRole, String, String)>, StoreError> {
        let row = sqlx::query(
            "select m.role, o.name, o.tax_code from organisation_members m join organisations o on o.id = m.organisation_id \
             where m.organisation_id = $1 and m.user_id = $2",
        )
        .bind(organisation_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(row.and_then(|r| Some((MemberRole::parse(&r.get::<String, _>("role"))?, r.get("name"), r.get("tax_code")))))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "add_agent"))]
    async fn add_agent(
        &self,
        organisation_id: i64,
        cccd: &str,
        by: i64,
        now_ms: i64,
    ) -> Result<AgentAdded, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        if !is_representative(&mut tx, organisation_id, by).await? {
            return Err(StoreError::NotFound);
        }
        let person = sqlx::query(
            "select id, full_name from users where cccd = $1 and role = 'citizen' and phone_verified_at is not null",
        )
        .bind(cccd)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend_err)?;
        let Some(person) = person else { return Ok(AgentAdded::NoAccount) };
        let (user_id, name): (i64, String) = (person.get("id"), person.get("full_name"));
        let done = sqlx::query(
            "insert into organisation_members (organisation_id, user_id, role, added_by, added_at) values ($1, $2, 'agent', $3, $4) \
             on conflict (organisation_id, user_id) do nothing",
        )
        .bind(organisation_id)
        .bind(user_id)
        .bind(by)
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        if done.rows_affected() == 0 {
            return Ok(AgentAdded::AlreadyMember);
        }
        record(&mut tx, organisation_id, by, "agent-added", &name, now_ms).await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(AgentAdded::Added)
    }

    async fn acting_for(&self, user_id: i64) -> Result<Vec<ActingFor>, StoreError> {
        let rows = sqlx::query(
            "select o.id, o.name, o.tax_code from organisation_members m join organisations o on o.id = m.organisation_id \
             where m.user_id = $1 order by o.name, o.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows
            .iter()
            .map(|r| ActingFor { id: r.get("id"), name: r.get("name"), tax_code: r.get("tax_code") })
            .collect())
    }

    async fn user_cccd(&self, user_id: i64) -> Result<String, StoreError> {
        let row = sqlx::query("select cccd from users where id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?;
        row.map(|r| r.get("cccd")).ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "remove_agent"))]
    async fn remove_agent(&self, organisation_id: i64, user_id: i64, by: i64, now_ms: i64) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        if !is_representative(&mut tx, organisation_id, by).await? {
            return Err(StoreError::NotFound);
        }
        let name: Option<String> = sqlx::query("select full_name from users where id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_err)?
            .map(|r| r.get("full_name"));
        let done = sqlx::query(
            "delete from organisation_members where organisation_id = $1 and user_id = $2 and role = 'agent'",
        )
        .bind(organisation_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        record(&mut tx, organisation_id, by, "agent-removed", &name.unwrap_or_default(), now_ms).await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(true)
    }
}
