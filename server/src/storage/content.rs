//! Portal content (guides, news, questions and answers) and the incident log, each change on the
//! administration's record.

use super::setup::{record, AdminEvent};
use super::{backend_err, Db};
use app::ports::{ContentSave, CurrentUser, NewIncident, StoreError};
use app::read::content::{ContentView, IncidentView};
use sqlx::any::AnyRow;
use sqlx::Row;

const CONTENT_COLUMNS: &str = "c.id, c.kind, c.slug, c.sector_code, s.name_vi as s_vi, s.name_en as s_en, \
    c.title_vi, c.title_en, c.body_vi, c.body_en, c.published, c.updated_at \
    from content_pages c left join sectors s on s.code = c.sector_code";

fn content_view(r: &AnyRow) -> ContentView {
    ContentView {
        id: r.get("id"),
        kind: r.get("kind"),
        slug: r.get("slug"),
        sector: r.get::<Option<String>, _>("sector_code").map(|code| (code, Db::name(r, "s_vi", "s_en"))),
        title: Db::name(r, "title_vi", "title_en"),
        body: Db::name(r, "body_vi", "body_en"),
        published: r.get::<i64, _>("published") != 0,
        updated_at: r.get("updated_at"),
    }
}

fn incident_view(r: &AnyRow) -> IncidentView {
    IncidentView {
        id: r.get("id"),
        kind: r.get("kind"),
        message: Db::name(r, "message_vi", "message_en"),
        started_at: r.get("started_at"),
        expected_end_at: r.get("expected_end_at"),
        resolved_at: r.get("resolved_at"),
    }
}

fn event<'a>(by: &'a CurrentUser, at_ms: i64, action: &'a str, subject: &'a str, detail: &'a str) -> AdminEvent<'a> {
    AdminEvent { at_ms, actor_id: Some(by.id), actor_name: &by.full_name, action, subject, agency: "", detail }
}

#[async_trait::async_trait]
impl app::ports::ContentStore for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "contents"))]
    async fn contents(&self, kind: Option<&str>, published_only: bool) -> Result<Vec<ContentView>, StoreError> {
        let sql = format!(
            "select {CONTENT_COLUMNS} where ($1 = '' or c.kind = $1) and (c.published = 1 or $2 = 0) \
             order by c.updated_at desc, c.id desc"
        );
        let rows = sqlx::query(&sql)
            .bind(kind.unwrap_or(""))
            .bind(i64::from(published_only))
            .fetch_all(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(rows.iter().map(content_view).collect())
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "content"))]
    async fn content(&self, kind: &str, slug: &str) -> Result<Option<ContentView>, StoreError> {
        let sql = format!("select {CONTENT_COLUMNS} where c.kind = $1 and c.slug = $2");
        let row = sqlx::query(&sql).bind(kind).bind(slug).fetch_optional(&self.pool).await.map_err(backend_err)?;
        Ok(row.as_ref().map(content_view))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "content_by_id"))]
    async fn content_by_id(&self, id: i64) -> Result<Option<ContentView>, StoreError> {
        let sql = format!("select {CONTENT_COLUMNS} where c.id = $1");
        let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await.map_err(backend_err)?;
        Ok(row.as_ref().map(content_view))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "save_content"))]
    async fn save_content(&self, c: ContentSave, by: &CurrentUser, at_ms: i64) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let taken: i64 =
            sqlx::query("select count(*) as n from content_pages where kind = $1 and slug = $2 and id <> $3")
                .bind(&c.kind)
                .bind(&c.slug)
                .bind(c.id.unwrap_or(0))
                .fetch_one(&mut *tx)
                .await
                .map_err(backend_err)?
                .get("n");
        if taken > 0 {
            return Err(StoreError::Conflict("error-slug-taken".into()));
        }
        let q = match c.id {
            Some(id) => sqlx::query(
                "update content_pages set kind = $2, slug = $3, sector_code = $4, title_vi = $5, title_en = $6, body_vi = $7, \
                 body_en = $8, published = $9, updated_at = $10, updated_by = $11 where id = $1 returning id",
            )
            .bind(id),
            None => sqlx::query(
                "insert into content_pages (kind, slug, sector_code, title_vi, title_en, body_vi, body_en, published, updated_at, updated_by, created_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9) returning id",
            ),
        };
        let row = q
            .bind(&c.kind)
            .bind(&c.slug)
            .bind(c.sector.clone())
            .bind(&c.title_vi)
            .bind(&c.title_en)
            .bind(&c.body_vi)
            .bind(&c.body_en)
            .bind(i64::from(c.published))
            .bind(at_ms)
            .bind(&by.full_name)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_err)?
            .ok_or(StoreError::NotFound)?;
        let id: i64 = row.get("id");
        let subject = format!("{}/{}", c.kind, c.slug);
        let action = if c.published { "content-publish" } else { "content-draft" };
        record(&mut tx, &event(by, at_ms, action, &subject, &c.title_vi)).await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(id)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "incidents"))]
    async fn incidents(&self, limit: i64) -> Result<Vec<IncidentView>, StoreError> {
        let rows = sqlx::query(
            "select id, kind, message_vi, message_en, started_at, expected_end_at, resolved_at from incidents \
             order by case when resolved_at is null then 0 else 1 end, started_at desc, id desc limit $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows.iter().map(incident_view).collect())
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "open_incident"))]
    async fn open_incident(&self, i: NewIncident, by: &CurrentUser, at_ms: i64) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let id: i64 = sqlx::query(
            "insert into incidents (kind, message_vi, message_en, started_at, expected_end_at, created_by) \
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(&i.kind)
        .bind(&i.message_vi)
        .bind(&i.message_en)
        .bind(at_ms)
        .bind(i.expected_end_at)
        .bind(&by.full_name)
        .fetch_one(&mut *tx)
        .await
        .map_err(backend_err)?
        .get("id");
        record(&mut tx, &event(by, at_ms, "incident-open", &format!("#{id}"), &i.message_vi)).await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(id)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "resolve_incident"))]
    async fn resolve_incident(&self, id: i64, by: &CurrentUser, at_ms: i64) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let n = sqlx::query("update incidents set resolved_at = $2 where id = $1 and resolved_at is null")
            .bind(id)
            .bind(at_ms)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?
            .rows_affected();
        if n != 1 {
            return Ok(false);
        }
        record(&mut tx, &event(by, at_ms, "incident-resolve", &format!("#{id}"), "")).await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(true)
    }
}
