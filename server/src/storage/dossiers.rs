//! Dossiers: the hash-chained history (every status change through `apply`), codes, files, and
//! what the applicant, the public lookup and a download read.

use super::{backend_err, parse_json, status_at, status_from, Db};
use app::api::dossiers::StoredFile;
use app::domain::dossier_code::DossierCode;
use app::domain::history::Event;
use app::domain::mask::mask_name;
use app::domain::status::{transition, Action, DossierStatus};
use app::domain::vn_time::yymmdd;
use app::ports::{CurrentUser, FileAccess, StoreError};
use app::read::desk::DeskDossierView;
use app::read::dossiers::{DossierDetail, DossierSummary, EventView};
use app::read::lookup::PublicDossier;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;

/// A dossier as loaded for its owner (`detail`) or the desk (`desk`).
pub struct LoadedDossier {
    pub id: i64,
    pub applicant_id: i64,
    pub detail: DossierDetail,
    pub desk: DeskDossierView,
}

/// An event before it is chained: who did what, when.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub at_ms: i64,
    pub recorded_at_ms: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    pub agency: String,
    pub action: Action,
    pub note: String,
    pub backfill_reason: Option<String>,
    /// What the event says as data (canonical JSON).
    pub payload: Option<String>,
    /// The number of events the caller saw when it decided: another action in between makes
    /// this one a conflict (two leaders approving the same step at once).
    pub expected_count: Option<i64>,
}

impl NewEvent {
    /// `who` does `action` now at `agency`; recorded at the same moment (not back-filled).
    pub fn by(who: &app::ports::CurrentUser, agency: String, action: Action, at_ms: i64, note: String) -> Self {
        NewEvent {
            at_ms,
            recorded_at_ms: at_ms,
            actor_id: Some(who.id),
            actor_name: who.full_name.clone(),
            actor_role: who.role.name().to_string(),
            agency,
            action,
            note,
            backfill_reason: None,
            payload: None,
            expected_count: None,
        }
    }
}

pub(crate) fn event_from_row(r: &AnyRow) -> Event {
    Event {
        seq: r.get("seq"),
        at_ms: r.get("at"),
        recorded_at_ms: r.get("recorded_at"),
        actor_id: r.get("actor_id"),
        actor_name: r.get("actor_name"),
        actor_role: r.get("actor_role"),
        agency: r.get("agency"),
        action: r.get("action"),
        from_status: r.get("from_status"),
        to_status: r.get("to_status"),
        note: r.get("note"),
        backfill_reason: r.get("backfill_reason"),
        payload: r.get("payload"),
        prev_hash: r.get("prev_hash"),
        hash: r.get("hash"),
    }
}

pub(crate) const EVENT_COLUMNS: &str = "seq, at, recorded_at, actor_id, actor_name, actor_role, agency, action, from_status, to_status, note, prev_hash, hash, backfill_reason, payload";

/// The history's event as its readers see it: the statuses typed, the payload parsed. The chain
/// itself keeps the integer codes it was hashed with.
fn event_view(e: Event) -> Result<EventView, StoreError> {
    Ok(EventView {
        at_ms: e.at_ms,
        actor_name: e.actor_name,
        actor_role: e.actor_role,
        action: e.action,
        from_status: e.from_status.map(status_from).transpose()?,
        to_status: status_from(e.to_status)?,
        note: e.note,
        recorded_at_ms: e.recorded_at_ms,
        backfill_reason: e.backfill_reason,
        payload: e.payload.as_deref().and_then(app::domain::event::Payload::from_json),
    })
}

fn file_from_row(r: &AnyRow) -> StoredFile {
    StoredFile {
        id: r.get("id"),
        // A null component is the authorisation document's.
        component_id: r
            .get::<Option<i64>, _>("component_id")
            .unwrap_or(app::domain::principal::AUTHORISATION_COMPONENT),
        file_name: r.get("file_name"),
        content_type: r.get("content_type"),
        size_bytes: r.get("size_bytes"),
        sha256: r.get("sha256"),
        storage_key: r.get("storage_key"),
        digitised: r.get::<i64, _>("digitised") != 0,
        reused: r
            .get::<Option<String>, _>("reused_from")
            .as_deref()
            .and_then(app::domain::personal_data::Reuse::from_json),
    }
}

const FILE_COLUMNS: &str =
    "id, component_id, file_name, content_type, size_bytes, sha256, storage_key, digitised, reused_from";

/// Changes the status through the domain's transition function and appends the event, in the
/// caller's transaction. The only way a dossier's status changes.
pub async fn apply(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
    event: NewEvent,
) -> Result<DossierStatus, StoreError> {
    // Take the dossier's row lock first so concurrent actions on one dossier run one after another.
    sqlx::query("update dossiers set updated_at = $1 where id = $2")
        .bind(event.recorded_at_ms)
        .bind(dossier_id)
        .execute(&mut **tx)
        .await
        .map_err(backend_err)?;
    let row = sqlx::query("select status, event_count from dossiers where id = $1")
        .bind(dossier_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(backend_err)?;
    if event.expected_count.is_some_and(|n| n != row.get::<i64, _>("event_count")) {
        return Err(StoreError::Conflict("error-changed-meanwhile".into()));
    }
    let from = status_at(&row, "status")?;
    let to = transition(from, event.action).map_err(|_| StoreError::Conflict("error-illegal-transition".into()))?;
    let last = sqlx::query(&format!(
        "select {EVENT_COLUMNS} from dossier_events where dossier_id = $1 order by seq desc limit 1"
    ))
    .bind(dossier_id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(backend_err)?
    .map(|r| event_from_row(&r));
    let e = Event {
        seq: 0,
        at_ms: event.at_ms,
        recorded_at_ms: event.recorded_at_ms,
        actor_id: event.actor_id,
        actor_name: event.actor_name,
        actor_role: event.actor_role,
        agency: event.agency,
        action: event.action.name().to_string(),
        from_status: Some(from.code()),
        to_status: to.code(),
        note: event.note,
        backfill_reason: event.backfill_reason,
        payload: event.payload,
        prev_hash: String::new(),
        hash: String::new(),
    }
    .chain_after(last.as_ref());
    sqlx::query(&format!("insert into dossier_events (dossier_id, {EVENT_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"))
        .bind(dossier_id)
        .bind(e.seq)
        .bind(e.at_ms)
        .bind(e.recorded_at_ms)
        .bind(e.actor_id)
        .bind(&e.actor_name)
        .bind(&e.actor_role)
        .bind(&e.agency)
        .bind(&e.action)
        .bind(e.from_status)
        .bind(e.to_status)
        .bind(&e.note)
        .bind(&e.prev_hash)
        .bind(&e.hash)
        .bind(&e.backfill_reason)
        .bind(&e.payload)
        .execute(&mut **tx)
        .await
        .map_err(backend_err)?;
    let changed = sqlx::query(
        "update dossiers set status = $1, event_count = $2, last_event_hash = $3, updated_at = $4 where id = $5 and status = $6",
    )
    .bind(to.code())
    .bind(e.seq)
    .bind(&e.hash)
    .bind(event.recorded_at_ms)
    .bind(dossier_id)
    .bind(from.code())
    .execute(&mut **tx)
    .await
    .map_err(backend_err)?
    .rows_affected();
    if changed != 1 {
        // Someone else changed the status in the meantime.
        return Err(StoreError::Conflict("error-illegal-transition".into()));
    }
    // The applicant's notices of this event, committed with it or not at all.
    super::outbox::queue_notices(tx, dossier_id, e.seq, event.action, from, to, e.payload.as_deref(), e.at_ms).await?;
    Ok(to)
}

/// A dossier's lookup token: 130 random bits from the operating system.
pub(crate) fn new_lookup_token() -> String {
    use rand::{rngs::OsRng, RngCore};
    let mut b = [0u8; app::domain::secret::LOOKUP_TOKEN_LEN];
    OsRng.fill_bytes(&mut b);
    app::domain::secret::lookup_token(&b)
}

/// The next code of `agency` for the Vietnamese day of `now_ms`, allocated in the transaction.
pub async fn allocate_code(
    tx: &mut Transaction<'static, Any>,
    agency: &str,
    now_ms: i64,
) -> Result<DossierCode, StoreError> {
    let day = yymmdd(now_ms);
    let seq: i64 = sqlx::query(
        "insert into dossier_sequences (agency_code, day, last_seq) values ($1, $2, 1) \
         on conflict (agency_code, day) do update set last_seq = dossier_sequences.last_seq + 1 returning last_seq",
    )
    .bind(agency)
    .bind(&day)
    .fetch_one(&mut **tx)
    .await
    .map_err(backend_err)?
    .get("last_seq");
    Ok(DossierCode::new(agency, &day, seq as u32))
}

impl Db {
    /// Attaches new files in the caller's transaction; each replaces its component's current
    /// file. A submitted dossier keeps the replaced file with `replaced_at` (the officer's
    /// before/after view and the audit); a draft, never seen by an officer, deletes its row and
    /// returns its storage key so the caller removes the bytes once the transaction is committed.
    pub(crate) async fn attach_files(
        &self,
        tx: &mut Transaction<'static, Any>,
        dossier_id: i64,
        files: &[StoredFile],
        now_ms: i64,
    ) -> Result<Vec<String>, StoreError> {
        let status: i64 = sqlx::query("select status from dossiers where id = $1")
            .bind(dossier_id)
            .fetch_one(&mut **tx)
            .await
            .map_err(backend_err)?
            .get("status");
        let draft = status == DossierStatus::Draft.code();
        let mut dropped = Vec::new();
        for f in files {
            if draft {
                let gone = sqlx::query(
                    "delete from dossier_files where dossier_id = $1 and coalesce(component_id, -1) = $2 and replaced_at is null returning storage_key",
                )
                .bind(dossier_id)
                .bind(f.component_id)
                .fetch_all(&mut **tx)
                .await
                .map_err(backend_err)?;
                dropped.extend(gone.iter().map(|r| r.get::<String, _>("storage_key")));
            } else {
                sqlx::query("update dossier_files set replaced_at = $1 where dossier_id = $2 and coalesce(component_id, -1) = $3 and replaced_at is null")
                    .bind(now_ms)
                    .bind(dossier_id)
                    .bind(f.component_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(backend_err)?;
            }
            sqlx::query(&format!(
                "insert into dossier_files ({FILE_COLUMNS}, dossier_id, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            ))
            .bind(&f.id)
            .bind((f.component_id != app::domain::principal::AUTHORISATION_COMPONENT).then_some(f.component_id))
            .bind(&f.file_name)
            .bind(&f.content_type)
            .bind(f.size_bytes)
            .bind(&f.sha256)
            .bind(&f.storage_key)
            .bind(i64::from(f.digitised))
            .bind(f.reused.as_ref().map(app::domain::personal_data::Reuse::to_json))
            .bind(dossier_id)
            .bind(now_ms)
            .execute(&mut **tx)
            .await
            .map_err(backend_err)?;
        }
        Ok(dropped)
    }

    pub(crate) async fn current_files(&self, dossier_id: i64) -> Result<Vec<StoredFile>, StoreError> {
        let rows = sqlx::query(&format!("select {FILE_COLUMNS} from dossier_files where dossier_id = $1 and replaced_at is null order by created_at"))
            .bind(dossier_id)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(rows.iter().map(file_from_row).collect())
    }

    /// A submitted dossier with everything its owner or the desk may see.
    pub async fn load_dossier(&self, code: &str) -> Result<Option<LoadedDossier>, StoreError> {
        let Some(r) = sqlx::query(
            "select d.id, d.code, d.status, d.channel, d.submitted_at, d.form_json, d.version_id, d.applicant_id, d.receiving_agency, \
             d.accepted_at, d.original_due_at, d.due_at, d.resolved_at, d.current_agency, d.event_count, d.step_position, \
             d.assignee_id, d.proposal, d.delivery, d.urged_at, d.for_kind, d.for_name, d.for_number, d.organisation_id, u.full_name, u.cccd, u.phone, p.code as p_code, p.name_vi, p.name_en, \
             case when u.contested_at is not null then 'contested' when u.verified_by = '' then 'unverified' \
             when u.password_hash = '' then 'recorded' else 'verified' end as account, \
             a.name_vi as a_vi, a.name_en as a_en, c.name_vi as c_vi, c.name_en as c_en, v.form_schema_json, v.details_json, \
             cu.name_vi as cu_vi, cu.name_en as cu_en \
             from dossiers d join procedures p on p.id = d.procedure_id join users u on u.id = d.applicant_id \
             join agencies a on a.code = d.receiving_agency join agencies c on c.code = d.current_agency \
             left join units cu on cu.agency_code = d.current_agency and cu.code = d.current_unit \
             join procedure_versions v on v.id = d.version_id where d.code = $1",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?
        else {
            return Ok(None);
        };
        let id: i64 = r.get("id");
        let form: BTreeMap<String, String> = parse_json(r.get("form_json"))?;
        let details: app::domain::catalogue::VersionDetails = parse_json(r.get("details_json"))?;
        let events = self.events(id).await?;
        let work_files = self.work_files(id).await?;
        let status = status_at(&r, "status")?;
        let result_file = work_files
            .iter()
            .rev()
            .find(|f| f.kind == "draft-result" && status.is_decided())
            .map(|f| (f.id.clone(), f.file_name.clone()));
        let detail = DossierDetail {
            code: r.get("code"),
            procedure_code: r.get("p_code"),
            procedure: Db::name(&r, "name_vi", "name_en"),
            receiving_agency: Db::name(&r, "a_vi", "a_en"),
            location: {
                let agency = Db::name(&r, "c_vi", "c_en");
                match Db::opt_name(&r, "cu_vi", "cu_en") {
                    Some(unit) => unit.join(" — ", &agency),
                    None => agency,
                }
            },
            applicant_name: r.get("full_name"),
            applied_for: super::applied_for_from_row(&r),
            status,
            channel: r.get("channel"),
            submitted_at_ms: r.get::<Option<i64>, _>("submitted_at").unwrap_or_default(),
            form_fields: parse_json(r.get("form_schema_json"))?,
            form,
            components: self.components(r.get("version_id")).await?,
            files: self.current_files(id).await?,
            supplements: self.supplements(id).await?,
            receiving_agency_code: r.get("receiving_agency"),
            due_at_ms: r.get("due_at"),
            left_minutes: None,
            day_minutes: 0,
            result_file,
            results: {
                use app::ports::ResultStore;
                let now = crate::now_ms();
                self.results_of(&r.get::<String, _>("code"))
                    .await?
                    .iter()
                    .map(|x| app::read::dossiers::IssuedResult::of(x, now))
                    .collect()
            },
            events: events.into_iter().map(event_view).collect::<Result<_, _>>()?,
            obligations: self.obligations(id).await?,
            payments: self.payments(id).await?,
        };
        Ok(Some(LoadedDossier {
            id,
            applicant_id: r.get("applicant_id"),
            desk: DeskDossierView {
                dossier: detail.clone(),
                applicant_id: r.get("applicant_id"),
                receiving_agency_code: r.get("receiving_agency"),
                applicant_cccd: r.get("cccd"),
                applicant_phone: r.get("phone"),
                applicant_account: r.get("account"),
                allowance: details.allowance,
                fees: details.fees.clone(),
                accepted_at_ms: r.get("accepted_at"),
                original_due_at_ms: r.get("original_due_at"),
                due_at_ms: r.get("due_at"),
                resolved_at_ms: r.get("resolved_at"),
                current_agency_code: r.get("current_agency"),
                event_count: r.get("event_count"),
                workflow: self.workflow_steps(r.get("version_id")).await?,
                steps: self.dossier_steps(id).await?,
                position: r.get("step_position"),
                assignee_id: r.get("assignee_id"),
                proposal: r.get("proposal"),
                opinion: None,
                answer_due_ms: None,
                work_files,
                delivery: r.get("delivery"),
                urged_at_ms: r.get("urged_at"),
                actions: Default::default(),
                specialists: Vec::new(),
                clock: Default::default(),
                consultations: self.consultations(id).await?,
                units: Vec::new(),
            },
            detail,
        }))
    }

    pub async fn events(&self, dossier_id: i64) -> Result<Vec<Event>, StoreError> {
        let rows =
            sqlx::query(&format!("select {EVENT_COLUMNS} from dossier_events where dossier_id = $1 order by seq"))
                .bind(dossier_id)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
        Ok(rows.iter().map(event_from_row).collect())
    }
}

#[async_trait::async_trait]
impl app::ports::DossierReads for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "my_dossiers"))]
    async fn my_dossiers(&self, applicant_id: i64) -> Result<Vec<DossierSummary>, StoreError> {
        // Two branches, each on its own index (an `or` would scan every dossier): one's own, and
        // those submitted by others for an organisation one acts for.
        let rows = sqlx::query(
            "select * from ( \
             select d.code, d.idempotency_key, d.status, d.updated_at, d.submitted_at, p.code as p_code, p.name_vi, p.name_en \
             from dossiers d join procedures p on p.id = d.procedure_id where d.applicant_id = $1 \
             union all \
             select d.code, d.idempotency_key, d.status, d.updated_at, d.submitted_at, p.code as p_code, p.name_vi, p.name_en \
             from organisation_members m join dossiers d on d.organisation_id = m.organisation_id \
             join procedures p on p.id = d.procedure_id \
             where m.user_id = $1 and d.applicant_id <> $1 and d.status <> 0 \
             ) mine order by updated_at desc limit 200",
        )
        .bind(applicant_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        rows.iter()
            .map(|r| {
                Ok(DossierSummary {
                    code: r.get("code"),
                    draft_key: r.get("idempotency_key"),
                    procedure_code: r.get("p_code"),
                    procedure: Db::name(r, "name_vi", "name_en"),
                    status: status_at(r, "status")?,
                    updated_at_ms: r.get("updated_at"),
                    submitted_at_ms: r.get("submitted_at"),
                })
            })
            .collect()
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "notifications"))]
    async fn notifications(&self, applicant_id: i64) -> Result<Vec<app::read::dossiers::Notification>, StoreError> {
        let rows = sqlx::query(
            "select d.code, e.at, e.action, e.to_status, e.actor_role, p.name_vi, p.name_en, a.name_vi as a_vi, a.name_en as a_en \
             from dossier_events e join dossiers d on d.id = e.dossier_id join procedures p on p.id = d.procedure_id \
             join agencies a on a.code = e.agency where d.applicant_id = $1 order by e.at desc, e.id desc limit 100",
        )
        .bind(applicant_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        rows.iter()
            .map(|r| {
                Ok(app::read::dossiers::Notification {
                    code: r.get("code"),
                    procedure: Db::name(r, "name_vi", "name_en"),
                    at_ms: r.get("at"),
                    action: r.get("action"),
                    to_status: status_at(r, "to_status")?,
                    agency: Db::name(r, "a_vi", "a_en"),
                    actor_role: r.get("actor_role"),
                })
            })
            .collect()
    }

    async fn waiting_for_applicant(&self, applicant_id: i64) -> Result<i64, StoreError> {
        let codes = DossierStatus::sql_codes(DossierStatus::waits_for_applicant);
        let r =
            sqlx::query(&format!("select count(*) as n from dossiers where applicant_id = $1 and status in {codes}"))
                .bind(applicant_id)
                .fetch_one(&self.pool)
                .await
                .map_err(backend_err)?;
        Ok(r.get("n"))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "dossier_for_applicant"))]
    async fn dossier_for_applicant(&self, applicant_id: i64, code: &str) -> Result<Option<DossierDetail>, StoreError> {
        Ok(self.load_dossier(code).await?.filter(|l| l.applicant_id == applicant_id).map(|l| l.detail))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "dossier_for_citizen"))]
    async fn dossier_for_citizen(
        &self,
        viewer: &CurrentUser,
        acts_for: &[i64],
        code: &str,
    ) -> Result<Option<DossierDetail>, StoreError> {
        let Some(l) = self.load_dossier(code).await? else { return Ok(None) };
        let organisation = l.detail.applied_for.as_ref().and_then(|f| f.organisation_id());
        Ok(app::policy::citizen_reads(viewer, l.applicant_id, organisation, acts_for).then_some(l.detail))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "public_dossier"))]
    async fn public_dossier(&self, code: &str) -> Result<Option<PublicDossier>, StoreError> {
        let row = sqlx::query(
            "select d.code, d.status, d.submitted_at, d.due_at, d.for_kind, d.for_name, d.for_number, d.organisation_id, u.full_name, p.code as p_code, p.name_vi, p.name_en, \
             a.name_vi as a_vi, a.name_en as a_en, c.name_vi as c_vi, c.name_en as c_en, cu.name_vi as cu_vi, cu.name_en as cu_en, \
             (select s.kind from dossier_steps s where s.dossier_id = d.id and s.ended_at is null order by s.id desc limit 1) as stage, \
             (select count(*) from ratings r where r.dossier_id = d.id) as rated \
             from dossiers d join procedures p on p.id = d.procedure_id join users u on u.id = d.applicant_id \
             join agencies a on a.code = d.receiving_agency join agencies c on c.code = d.current_agency \
             left join units cu on cu.agency_code = d.current_agency and cu.code = d.current_unit \
             where d.code = $1 and d.status <> 0",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?;
        row.map(|r| {
            let status = status_at(&r, "status")?;
            let agency = Db::name(&r, "c_vi", "c_en");
            Ok(PublicDossier {
                code: r.get("code"),
                procedure_code: r.get("p_code"),
                procedure: Db::name(&r, "name_vi", "name_en"),
                receiving_agency: Db::name(&r, "a_vi", "a_en"),
                status,
                submitted_at_ms: r.get::<Option<i64>, _>("submitted_at").unwrap_or_default(),
                stage: r.get("stage"),
                location: match Db::opt_name(&r, "cu_vi", "cu_en") {
                    Some(unit) => unit.join(" — ", &agency),
                    None => agency,
                },
                // A paused clock (supplement) starts again from zero; other statuses have none.
                due_at_ms: r.get::<Option<i64>, _>("due_at").filter(|_| status.is_running() || status.is_decided()),
                applicant_masked: Some(mask_name(&r.get::<String, _>("full_name"))),
                applied_for_masked: super::applied_for_from_row(&r).map(|f| match f {
                    app::domain::principal::AppliedFor::Organisation { name, .. } => name,
                    app::domain::principal::AppliedFor::Person { name, .. } => mask_name(&name),
                }),
                rated: r.get::<i64, _>("rated") > 0,
                rateable: false,
            })
        })
        .transpose()
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "rating_counts"))]
    async fn rating_counts(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<app::read::ratings::RatingCount>, StoreError> {
        use app::domain::rating::Level;
        let rows = sqlx::query(
            "select r.agency_code, a.name_vi as a_vi, a.name_en as a_en, p.code as p_code, p.name_vi as p_vi, p.name_en as p_en, \
             r.overall, r.ease, r.on_time, r.attitude, r.unsatisfied, count(*) as n \
             from ratings r join agencies a on a.code = r.agency_code join procedures p on p.id = r.procedure_id \
             where r.rated_at >= $1 and r.rated_at < $2 \
             group by r.agency_code, a.name_vi, a.name_en, p.code, p.name_vi, p.name_en, r.overall, r.ease, r.on_time, r.attitude, r.unsatisfied",
        )
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let level = |r: &sqlx::any::AnyRow, c: &str| r.get::<Option<String>, _>(c).as_deref().and_then(Level::parse);
        Ok(rows
            .iter()
            .map(|r| app::read::ratings::RatingCount {
                agency_code: r.get("agency_code"),
                agency: app::read::Name { vi: r.get("a_vi"), en: r.get("a_en") },
                procedure_code: r.get("p_code"),
                procedure: app::read::Name { vi: r.get("p_vi"), en: r.get("p_en") },
                levels: [level(r, "overall"), level(r, "ease"), level(r, "on_time"), level(r, "attitude")],
                unsatisfied: r.get::<i64, _>("unsatisfied") != 0,
                count: r.get("n"),
            })
            .collect())
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "statistics_counts"))]
    async fn statistics_counts(
        &self,
        from_ms: i64,
        to_ms: i64,
        end_ms: i64,
        agency: Option<&str>,
    ) -> Result<Vec<app::read::statistics::StatisticsCount>, StoreError> {
        use app::domain::statistics::{place_sql, Outcome};
        let place = place_sql();
        let only = if agency.is_some() { " and d.receiving_agency = $4" } else { "" };
        let sql = format!(
            "select d.receiving_agency, a.name_vi as a_vi, a.name_en as a_en, p.code as p_code, p.name_vi as p_vi, \
             p.name_en as p_en, d.channel, carried, outcome, waiting, count(*) as n, \
             cast(coalesce(sum(processing), 0) as bigint) as processing \
             from (select d.receiving_agency, d.procedure_id, d.channel, {columns} from dossiers d where {seen}{only}) d \
             join agencies a on a.code = d.receiving_agency join procedures p on p.id = d.procedure_id \
             group by d.receiving_agency, a.name_vi, a.name_en, p.code, p.name_vi, p.name_en, d.channel, carried, outcome, waiting",
            columns = place.columns,
            seen = place.seen,
        );
        let mut q = sqlx::query(&sql).bind(from_ms).bind(to_ms).bind(end_ms);
        if let Some(a) = agency {
            q = q.bind(a.to_string());
        }
        let rows = q.fetch_all(&self.pool).await.map_err(backend_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let channel: String = r.get("channel");
            let (Some(channel), Some(outcome)) =
                (app::domain::channel::Channel::parse(&channel), Outcome::from_code(r.get("outcome")))
            else {
                return Err(StoreError::Backend(format!("statistics: channel {channel:?} or outcome unknown")));
            };
            out.push(app::read::statistics::StatisticsCount {
                agency_code: r.get("receiving_agency"),
                agency: app::read::Name { vi: r.get("a_vi"), en: r.get("a_en") },
                procedure_code: r.get("p_code"),
                procedure: app::read::Name { vi: r.get("p_vi"), en: r.get("p_en") },
                channel,
                carried_over: r.get::<i64, _>("carried") != 0,
                outcome,
                waiting: r.get::<i64, _>("waiting") != 0,
                count: r.get("n"),
                processing_ms: r.get("processing"),
            });
        }
        Ok(out)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "index766_sources"))]
    async fn index766_sources(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<app::read::index766::IndexSources>, StoreError> {
        use app::domain::catalogue::VersionDetails;
        use app::domain::index766::Ratio;
        use app::domain::status::DossierStatus as S;
        use std::collections::BTreeSet;
        let pool = &self.pool;
        let mut out: BTreeMap<String, app::read::index766::IndexSources> = BTreeMap::new();
        for r in
            sqlx::query("select code, name_vi, name_en from agencies").fetch_all(pool).await.map_err(backend_err)?
        {
            let code: String = r.get("code");
            out.insert(
                code.clone(),
                app::read::index766::IndexSources {
                    agency_code: code,
                    agency: app::read::Name { vi: r.get("name_vi"), en: r.get("name_en") },
                    counts: Default::default(),
                },
            );
        }
        let tick = |r: &mut Ratio, yes: bool, n: i64| {
            r.denominator += n;
            if yes {
                r.numerator += n;
            }
        };
        // 1.1 and 1.2: versions published in the period, on time when published by the end of
        // the day their text takes effect; a procedure's first version is its publication.
        let rows = sqlx::query(
            "select p.receiving_agency, v.effective_from, v.created_at, \
             case when v.id = (select min(w.id) from procedure_versions w where w.procedure_id = v.procedure_id) then 1 else 0 end as first \
             from procedure_versions v join procedures p on p.id = v.procedure_id where v.created_at >= $1 and v.created_at < $2",
        )
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(pool)
        .await
        .map_err(backend_err)?;
        for r in &rows {
            let Some(a) = out.get_mut(&r.get::<String, _>("receiving_agency")) else { continue };
            let effective: String = r.get("effective_from");
            let on_time = app::domain::vn_time::day_bounds(&effective)
                .is_some_and(|(_, end)| r.get::<i64, _>("created_at") < end);
            let target = if r.get::<i64, _>("first") == 1 {
                &mut a.counts.published_on_time
            } else {
                &mut a.counts.updated_on_time
            };
            tick(target, on_time, 1);
        }
        // The procedures used online, and paid for online, in the period.
        let ids = |sql: &'static str| async move {
            sqlx::query(sql)
                .bind(from_ms)
                .bind(to_ms)
                .fetch_all(pool)
                .await
                .map_err(backend_err)
                .map(|rows| rows.iter().map(|r| r.get::<i64, _>(0)).collect::<BTreeSet<i64>>())
        };
        let used = ids("select distinct procedure_id from dossiers where channel = 'online' and submitted_at >= $1 and submitted_at < $2").await?;
        let paid = ids("select distinct d.procedure_id from payments m join dossiers d on d.id = m.dossier_id \
             where m.channel = 'online' and m.state in ('paid', 'refunded') and m.paid_at >= $1 and m.paid_at < $2")
        .await?;
        // 1.3 and 3 (A, B; payment B): the procedures in force.
        let rows = sqlx::query(
            "select p.id, p.receiving_agency, p.online_level, v.details_json, \
             (select count(*) from procedure_components c where c.version_id = v.id) as components \
             from procedures p join procedure_versions v on v.id = p.current_version_id",
        )
        .fetch_all(pool)
        .await
        .map_err(backend_err)?;
        for r in &rows {
            let Some(a) = out.get_mut(&r.get::<String, _>("receiving_agency")) else { continue };
            let id: i64 = r.get("id");
            // One unreadable version must not take the public index down: it counts as incomplete.
            let details: Option<VersionDetails> = parse_json(r.get("details_json")).ok();
            let Some(details) = details else {
                tracing::warn!(procedure = id, "index766: a version's details do not parse");
                tick(&mut a.counts.content_full, false, 1);
                continue;
            };
            let complete = details.missing_public_parts().is_empty() && r.get::<i64, _>("components") > 0;
            tick(&mut a.counts.content_full, complete, 1);
            let online = app::domain::catalogue::ONLINE_LEVELS.contains(&r.get::<String, _>("online_level").as_str());
            tick(&mut a.counts.online_offered, online, 1);
            if online {
                tick(&mut a.counts.online_used, used.contains(&id), 1);
            }
            if !details.fees.is_empty() {
                tick(&mut a.counts.paying_procedures, paid.contains(&id), 1);
            }
        }
        // Counted per agency over dossiers: (the condition, the ratio it feeds).
        let decided = S::sql_codes(S::is_decided);
        let grouped: [(String, fn(&mut app::domain::index766::IndexCounts) -> &mut Ratio); 3] = [
            // 3 payment (A): dossiers submitted in the period that owed a fee, paid online or not.
            (
                "select d.receiving_agency, case when exists (select 1 from payments m where m.dossier_id = d.id \
                 and m.channel = 'online' and m.state in ('paid', 'refunded')) then 1 else 0 end as yes, count(*) as n \
                 from dossiers d where d.submitted_at >= $1 and d.submitted_at < $2 \
                 and exists (select 1 from obligations o where o.dossier_id = d.id and o.state <> 'exempt') \
                 group by d.receiving_agency, yes"
                    .to_string(),
                |c| &mut c.paid_online,
            ),
            // 4: dossiers decided in the period, with a signed electronic result or not.
            (
                format!(
                    "select d.receiving_agency, case when exists (select 1 from results r where r.dossier_id = d.id \
                     and r.document_key is not null and r.revoked_at is null) then 1 else 0 end as yes, count(*) as n \
                     from dossiers d where d.resolved_at >= $1 and d.resolved_at < $2 and d.status in {decided} \
                     group by d.receiving_agency, yes"
                ),
                |c| &mut c.electronic_results,
            ),
            // 4: dossiers received in the period whose documents are files.
            (
                "select d.receiving_agency, case when exists (select 1 from dossier_files f where f.dossier_id = d.id) \
                 then 1 else 0 end as yes, count(*) as n \
                 from dossiers d where d.submitted_at >= $1 and d.submitted_at < $2 group by d.receiving_agency, yes"
                    .to_string(),
                |c| &mut c.digitised,
            ),
        ];
        for (sql, ratio) in grouped {
            for r in sqlx::query(&sql).bind(from_ms).bind(to_ms).fetch_all(pool).await.map_err(backend_err)? {
                if let Some(a) = out.get_mut(&r.get::<String, _>("receiving_agency")) {
                    tick(ratio(&mut a.counts), r.get::<i64, _>("yes") == 1, r.get("n"));
                }
            }
        }
        Ok(out.into_values().collect())
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "index766_counts"))]
    async fn index766_counts(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<(Vec<app::read::ratings::SatisfactionCount>, Vec<app::read::ratings::ReuseCount>), StoreError> {
        use app::domain::status::DossierStatus as S;
        // Resolved with a decision (refused, result issued or returned) in the period, as QĐ
        // 766 counts the dossiers under the agency's authority; late against the due date kept.
        let decided = S::sql_codes(|s| s.is_decided() || s == S::Refused);
        let rows = sqlx::query(&format!(
            "select d.receiving_agency, a.name_vi, a.name_en, \
             case when r.unsatisfied = 1 then 1 else 0 end as u, \
             case when coalesce(r.comment, '') <> '' then 1 else 0 end as fb, \
             case when d.due_at is not null and d.resolved_at > d.due_at then 1 else 0 end as late, count(*) as n \
             from dossiers d join agencies a on a.code = d.receiving_agency left join ratings r on r.dossier_id = d.id \
             where d.resolved_at >= $1 and d.resolved_at < $2 and d.status in {decided} \
             group by d.receiving_agency, a.name_vi, a.name_en, u, fb, late"
        ))
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let name = |r: &sqlx::any::AnyRow| app::read::Name { vi: r.get("name_vi"), en: r.get("name_en") };
        let flag = |r: &sqlx::any::AnyRow, c: &str| r.get::<i64, _>(c) != 0;
        let satisfaction = rows
            .iter()
            .map(|r| app::read::ratings::SatisfactionCount {
                agency_code: r.get("receiving_agency"),
                agency: name(r),
                fact: app::domain::index766::SatisfactionFact {
                    rated_unsatisfied: flag(r, "u"),
                    feedback: flag(r, "fb"),
                    late: flag(r, "late"),
                },
                count: r.get("n"),
            })
            .collect();
        let rows = sqlx::query(
            "select d.receiving_agency, a.name_vi, a.name_en, \
             case when exists (select 1 from dossier_files f where f.dossier_id = d.id and f.reused_from is not null) \
             then 1 else 0 end as reused, count(*) as n \
             from dossiers d join agencies a on a.code = d.receiving_agency \
             where d.submitted_at >= $1 and d.submitted_at < $2 \
             group by d.receiving_agency, a.name_vi, a.name_en, reused",
        )
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let reuse = rows
            .iter()
            .map(|r| app::read::ratings::ReuseCount {
                agency_code: r.get("receiving_agency"),
                agency: name(r),
                reused: flag(r, "reused"),
                count: r.get("n"),
            })
            .collect();
        Ok((satisfaction, reuse))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "lookup_token"))]
    async fn lookup_token(&self, code: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("select lookup_token from dossiers where code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(row.map(|r| r.get("lookup_token")))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "file"))]
    async fn file(&self, file_id: &str) -> Result<Option<FileAccess>, StoreError> {
        let component = sqlx::query(&format!(
            "select f.{}, f.dossier_id, d.applicant_id, d.organisation_id, d.status from dossier_files f join dossiers d on d.id = f.dossier_id where f.id = $1",
            FILE_COLUMNS.replace(", ", ", f.")
        ))
        .bind(file_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?;
        let (r, owner_may_see) = match component {
            Some(r) => (r, true),
            None => {
                let Some(r) = sqlx::query(
                    "select f.id, cast(0 as bigint) as component_id, f.file_name, f.content_type, f.size_bytes, f.sha256, f.storage_key, cast(0 as bigint) as digitised, cast(null as text) as reused_from, f.kind, \
                     f.dossier_id, d.applicant_id, d.organisation_id, d.status from work_files f join dossiers d on d.id = f.dossier_id where f.id = $1",
                )
                .bind(file_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_err)?
                else {
                    return self.personal_document_access(file_id).await;
                };
                // The applicant gets the result once it is decided, not the officers' drafts before.
                let decided = status_at(&r, "status")?.is_decided() && r.get::<String, _>("kind") == "draft-result";
                (r, decided)
            }
        };
        let dossier_id: i64 = r.get("dossier_id");
        let agencies = sqlx::query(
            "select receiving_agency as a from dossiers where id = $1 union select current_agency as a from dossiers where id = $1 \
             union select agency_code as a from dossier_steps where dossier_id = $1",
        )
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?
        .iter()
        .map(|x| x.get::<String, _>("a"))
        .collect();
        Ok(Some(FileAccess {
            owner_id: r.get("applicant_id"),
            organisation_id: r.get("organisation_id"),
            owner_may_see,
            agencies,
            file: file_from_row(&r),
        }))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "history"))]
    async fn history(&self, code: &str) -> Result<(Vec<Event>, i64, String), StoreError> {
        let r = sqlx::query("select id, event_count, last_event_hash from dossiers where code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?
            .ok_or(StoreError::NotFound)?;
        Ok((self.events(r.get("id")).await?, r.get("event_count"), r.get("last_event_hash")))
    }
}

impl Db {
    /// A document of a personal data store: its owner alone reads it (no agency is involved).
    async fn personal_document_access(&self, file_id: &str) -> Result<Option<FileAccess>, StoreError> {
        let r = sqlx::query(
            "select id, cast(null as bigint) as component_id, file_name, content_type, size_bytes, sha256, storage_key, \
             cast(0 as bigint) as digitised, cast(null as text) as reused_from, owner_id from personal_documents where id = $1",
        )
        .bind(file_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(r.map(|r| FileAccess {
            owner_id: r.get("owner_id"),
            organisation_id: None,
            owner_may_see: true,
            agencies: Vec::new(),
            file: file_from_row(&r),
        }))
    }
}
