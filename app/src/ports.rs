//! What the server functions need from the outside world, as traits over domain types.
//! The server crate implements them (sqlx on SQLite/PostgreSQL, a local upload directory).

use crate::api::dossiers::StoredFile;
pub use crate::api::intake::ApplicantRecord;
use crate::domain::history::Event;
use crate::domain::rate_limit::RateLimiter;
use crate::read::catalogue::{AgencyView, ProcedureDetail, ProcedurePage, ProcedureQuery, SectorView};
use crate::read::dossiers::{DossierDetail, DossierSummary};
use crate::read::lookup::PublicDossier;
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was hit; the message key says which.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    #[error("storage: {0}")]
    Backend(String),
}

pub use crate::domain::role::CurrentUser;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub full_name: String,
    pub cccd: String,
    pub phone: String,
    pub email: Option<String>,
    pub password_hash: String,
    pub created_at_ms: i64,
}

impl NewUser {
    /// A new account of a checked person.
    pub fn of(p: crate::domain::person::ValidPerson, password_hash: String, created_at_ms: i64) -> NewUser {
        NewUser { full_name: p.full_name, cccd: p.cccd, phone: p.phone, email: p.email, password_hash, created_at_ms }
    }
}

/// A one-time claim code to store: only its hash (`domain::secret::claim_code_hash`).
#[derive(Debug, Clone)]
pub struct NewClaimCode {
    pub code_hash: String,
    pub expires_at_ms: i64,
    pub issued_by: i64,
    pub issued_at_ms: i64,
}

/// A stored claim code and the account it claims.
#[derive(Debug, Clone)]
pub struct ClaimCode {
    pub user_id: i64,
    pub code_hash: String,
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub id: i64,
    pub password_hash: String,
    /// Officers and administrators give a second factor after the password.
    pub needs_second_factor: bool,
}

/// A draft saved (and possibly submitted) in one transaction.
#[derive(Debug, Clone)]
pub struct DraftSave {
    pub idempotency_key: String,
    pub procedure_code: String,
    pub applicant: CurrentUser,
    pub form: BTreeMap<String, String>,
    /// New files, each replacing the component's previous file (deleted while the dossier is a
    /// draft; see `DraftOutcome`'s `dropped`).
    pub files: Vec<StoredFile>,
    /// What the planner decided to do once the draft is saved, in the same transaction: empty
    /// to keep a draft; the submission (and, for paper, the acceptance) to submit. The store
    /// allocates the dossier's code before carrying the plans out.
    pub submit: Vec<StepPlan>,
    pub now_ms: i64,
    /// `online`, or `counter` / `postal` for a paper dossier entered at the desk.
    pub channel: String,
    /// Whom the dossier is for, when not for its applicant.
    pub applied_for: Option<crate::domain::principal::AppliedFor>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftOutcome {
    /// `dropped`: the storage keys of the draft's files this save replaced; their rows are gone
    /// and the caller removes their bytes from the file store.
    Saved {
        key: String,
        procedure: String,
        dropped: Vec<String>,
    },
    Submitted {
        code: String,
        dropped: Vec<String>,
    },
    /// The key belongs to a dossier that was submitted before (a retry or a double click).
    AlreadySubmitted {
        code: String,
    },
}

#[derive(Debug, Clone)]
pub struct Draft {
    pub key: String,
    pub procedure_code: String,
    pub form: BTreeMap<String, String>,
    pub files: Vec<StoredFile>,
    pub applied_for: Option<crate::domain::principal::AppliedFor>,
}

#[derive(Debug, Clone)]
pub struct FileAccess {
    pub owner_id: i64,
    /// The organisation the dossier was submitted for: its people read what its owner reads.
    pub organisation_id: Option<i64>,
    /// Whether the applicant may see it: their own components, and the result once decided.
    pub owner_may_see: bool,
    /// The agencies that received or handled the dossier: their officers may see the file.
    pub agencies: Vec<String>,
    pub file: StoredFile,
}

pub use crate::handling::{DossierChanges, NewConsultation, OpenStep, StepPlan};

/// The catalogue: sectors, agencies and procedures as published (`storage/catalogue.rs`).
#[async_trait]
pub trait CatalogueStore: Send + Sync {
    async fn sectors(&self) -> Result<Vec<SectorView>, StoreError>;
    async fn agencies(&self) -> Result<Vec<AgencyView>, StoreError>;
    /// Any one agency, the province (the tree's root) included.
    async fn agency(&self, code: &str) -> Result<Option<AgencyView>, StoreError>;
    async fn search_procedures(&self, query: &ProcedureQuery) -> Result<ProcedurePage, StoreError>;
    async fn procedure(&self, code: &str) -> Result<Option<ProcedureDetail>, StoreError>;
    /// The procedures `agency` receives (code, name), for intake at its desk.
    async fn received_procedures(&self, agency: &str) -> Result<Vec<(String, crate::read::Name)>, StoreError>;
}

/// Accounts and sessions; applicants recorded at a desk and their claim codes (`storage/accounts.rs`).
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_user(&self, user: NewUser) -> Result<i64, StoreError>;
    /// The language notices to this account are written in (`vi` or `en`).
    async fn set_notice_language(&self, user_id: i64, lang: &str) -> Result<(), StoreError>;
    /// The account's addresses (unmasked: the caller masks them) and the channels it chose.
    async fn notice_channels(&self, user_id: i64) -> Result<crate::read::dossiers::NoticeChannels, StoreError>;
    async fn set_notice_channels(&self, user_id: i64, by_email: bool, by_sms: bool) -> Result<(), StoreError>;
    async fn credentials(&self, cccd: &str) -> Result<Option<UserCredentials>, StoreError>;
    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        now_ms: i64,
        expires_ms: i64,
        handle: &str,
        device: &str,
    ) -> Result<(), StoreError>;
    async fn session_user(&self, token_hash: &str, now_ms: i64) -> Result<Option<CurrentUser>, StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// The citizen with this CCCD, if any.
    async fn applicant_by_cccd(&self, cccd: &str) -> Result<Option<ApplicantRecord>, StoreError>;
    /// Records an applicant at a desk, whose officer checked the CCCD card (verified), with
    /// their claim code. `contested` is an unverified online account holding the same CCCD: in
    /// the same transaction it gives the CCCD up and is signed out.
    async fn record_applicant(
        &self,
        user: NewUser,
        contested: Option<i64>,
        claim: NewClaimCode,
    ) -> Result<i64, StoreError>;
    /// Replaces the claim code of the applicant with this CCCD if they were recorded at a desk
    /// and have not claimed the account yet (`false` otherwise).
    async fn issue_claim_code(&self, cccd: &str, claim: NewClaimCode) -> Result<bool, StoreError>;
    /// The claim code of the unclaimed desk record with this CCCD, if any.
    async fn claim_code(&self, cccd: &str) -> Result<Option<ClaimCode>, StoreError>;
    /// Gives the account its password and marks it claimed, using the code up; `false` when the
    /// code was used or replaced in the meantime.
    async fn claim_account(&self, user_id: i64, code_hash: &str, password_hash: &str) -> Result<bool, StoreError>;
}

/// Drafts and their submission (`storage/drafts.rs`).
#[async_trait]
pub trait DraftStore: Send + Sync {
    async fn draft(&self, applicant_id: i64, key: &str) -> Result<Option<Draft>, StoreError>;
    async fn save_draft(&self, save: DraftSave) -> Result<DraftOutcome, StoreError>;
    /// The state of the draft `key` of `applicant_id` for `procedure_code` as the planner sees
    /// it (a new draft when there is none yet): the procedure's current rules, the files so far.
    async fn draft_state(
        &self,
        procedure_code: &str,
        applicant_id: i64,
        key: &str,
        channel: crate::domain::channel::Channel,
    ) -> Result<Option<crate::handling::DossierState>, StoreError>;
    /// Bytes of the files an account keeps in its drafts and dossiers still in handling
    /// (`domain::upload::counts_against_quota`), earlier versions kept by supplements included.
    async fn account_file_bytes(&self, applicant_id: i64) -> Result<u64, StoreError>;
    /// The form of `applicant_id`'s last submitted dossier of `procedure_code` for themselves
    /// (not one for an organisation or another person): what a new form is prefilled from.
    async fn last_submitted_form(
        &self,
        applicant_id: i64,
        procedure_code: &str,
    ) -> Result<Option<BTreeMap<String, String>>, StoreError>;
}

/// A dossier as its applicant, the public lookup and a download see it, and its history (`storage/dossiers.rs`).
#[async_trait]
pub trait DossierReads: Send + Sync {
    async fn my_dossiers(&self, applicant_id: i64) -> Result<Vec<DossierSummary>, StoreError>;
    /// How many of the applicant's dossiers wait for them to act
    /// (`DossierStatus::waits_for_applicant`).
    async fn waiting_for_applicant(&self, applicant_id: i64) -> Result<i64, StoreError>;
    async fn notifications(&self, applicant_id: i64) -> Result<Vec<crate::read::dossiers::Notification>, StoreError>;
    async fn dossier_for_applicant(&self, applicant_id: i64, code: &str) -> Result<Option<DossierDetail>, StoreError>;
    /// A dossier as a citizen reads it through the policy: their own, or one submitted for an
    /// organisation in `acts_for`.
    async fn dossier_for_citizen(
        &self,
        viewer: &CurrentUser,
        acts_for: &[i64],
        code: &str,
    ) -> Result<Option<DossierDetail>, StoreError>;
    /// A submitted dossier as the public lookup shows it, with the masked name.
    async fn public_dossier(&self, code: &str) -> Result<Option<PublicDossier>, StoreError>;
    /// The token of a submitted dossier's lookup link (empty for rows that never had one).
    async fn lookup_token(&self, code: &str) -> Result<Option<String>, StoreError>;
    /// The ratings given in `[from_ms, to_ms)`, counted per agency, procedure and levels given.
    async fn rating_counts(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<crate::read::ratings::RatingCount>, StoreError>;
    /// What the QĐ 766 satisfaction and reuse indicators count for `[from_ms, to_ms)`: the
    /// dossiers resolved then by their facts, and the dossiers submitted then, reused or not.
    async fn index766_counts(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<(Vec<crate::read::ratings::SatisfactionCount>, Vec<crate::read::ratings::ReuseCount>), StoreError>;
    /// The dossiers the period `[from_ms, to_ms)` sees, counted by their place in it
    /// ([`crate::domain::statistics::place_sql`], open ones judged at `end_ms`), per receiving
    /// agency (only `agency`'s when given), procedure and channel.
    async fn statistics_counts(
        &self,
        from_ms: i64,
        to_ms: i64,
        end_ms: i64,
        agency: Option<&str>,
    ) -> Result<Vec<crate::read::statistics::StatisticsCount>, StoreError>;
    /// What the QĐ 766 index counts for `[from_ms, to_ms)` from the catalogue, payments,
    /// results and files, per receiving agency ([`crate::read::index766::IndexSources`]).
    async fn index766_sources(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<crate::read::index766::IndexSources>, StoreError>;
    async fn file(&self, file_id: &str) -> Result<Option<FileAccess>, StoreError>;
    /// The dossier's events and its head (event count, last hash) for verification.
    async fn history(&self, dossier_code: &str) -> Result<(Vec<Event>, i64, String), StoreError>;
}

/// The desk's inbox and dossier view (`storage/desk.rs`).
#[async_trait]
pub trait DeskStore: Send + Sync {
    /// The desk's inbox of `agency` for one tab, with the counts of every tab.
    async fn desk_inbox(
        &self,
        viewer: &crate::read::desk::InboxViewer,
        filter: &crate::read::desk::InboxFilter,
    ) -> Result<crate::read::desk::InboxView, StoreError>;
    /// A submitted dossier as the desk sees it (whatever agency; the caller checks).
    async fn desk_dossier(&self, code: &str) -> Result<Option<crate::read::desk::DeskDossierView>, StoreError>;
    /// For the live desk: the last event id, and each event after `after` with an agency it
    /// concerns (the actor's, the receiving and the current agency, the units consulted); an
    /// event concerning several agencies comes once per agency.
    async fn desk_changes(&self, after: i64) -> Result<(i64, Vec<(i64, String)>), StoreError>;
}

/// The register of dossiers received (Mẫu 06, `storage/register.rs`).
#[async_trait]
pub trait RegisterStore: Send + Sync {
    /// The register (Mẫu 06) of `agency`: dossiers accepted in `[from_ms, to_ms)`, oldest first,
    /// at most `limit`.
    async fn register(
        &self,
        agency: &str,
        from_ms: i64,
        to_ms: i64,
        limit: usize,
    ) -> Result<Vec<crate::read::register::RegisterRow>, StoreError>;
}

/// Units that may be consulted and the consultations waiting for them (`storage/consultations.rs`).
#[async_trait]
pub trait ConsultationStore: Send + Sync {
    /// Every unit of every agency, for consultations.
    async fn units(&self) -> Result<Vec<crate::read::consultations::UnitChoice>, StoreError>;
    /// Unanswered consultations addressed to `unit` of `agency` (any unit when empty), by due date.
    async fn open_consultations(
        &self,
        agency: &str,
        unit: &str,
    ) -> Result<Vec<crate::read::consultations::OpenConsultation>, StoreError>;
}

/// What the rules of handling read and the one write path after submission (`storage/handling.rs`).
#[async_trait]
pub trait HandlingStore: Send + Sync {
    /// What the rules of handling need to know about a submitted dossier.
    async fn dossier_state(&self, code: &str) -> Result<Option<crate::handling::DossierState>, StoreError>;
    /// Carries out one planned action atomically.
    async fn advance(&self, plan: StepPlan) -> Result<(), StoreError>;
    /// Officers of `agency` with `role` (and `unit`, when not empty), by name.
    async fn officers(
        &self,
        agency: &str,
        role: crate::domain::role::Role,
        unit: &str,
    ) -> Result<Vec<(i64, String)>, StoreError>;
}

/// Working calendars: province-wide days, each agency's own, the paper cut-off (`storage/calendar.rs`).
#[async_trait]
pub trait CalendarStore: Send + Sync {
    /// The calendar days of `year` in force for `scope` ('' = province-wide, else an agency).
    async fn calendar_days(
        &self,
        scope: &str,
        year: i32,
    ) -> Result<Vec<crate::read::calendar::CalendarDay>, StoreError>;
    /// The latest changes to `scope`'s table, newest first.
    async fn calendar_changes(
        &self,
        scope: &str,
        limit: i64,
    ) -> Result<Vec<crate::read::calendar::CalendarChange>, StoreError>;
    /// Sets (`Some(kind)`) or removes (`None`, not found when absent) a day of `scope`'s table,
    /// recording who changed it and when.
    async fn set_calendar_day(
        &self,
        scope: &str,
        day: &str,
        kind: Option<&str>,
        note: &str,
        by: &CurrentUser,
        at_ms: i64,
    ) -> Result<(), StoreError>;
    /// Sets the minute of the day from which paper received at `agency` counts from the next
    /// working morning, recording who changed it and when.
    async fn set_paper_cutoff(&self, agency: &str, minute: i64, by: &CurrentUser, at_ms: i64)
        -> Result<(), StoreError>;
    /// The working calendar of an agency (`None` for an unknown agency code).
    async fn calendar(&self, agency: &str) -> Result<Option<crate::domain::clock::Calendar>, StoreError>;
}

/// A one-time link to store: only the SHA-256 of its token (`api::setup::ssr::link_hash`).
#[derive(Debug, Clone)]
pub struct NewLink {
    pub token_hash: String,
    pub purpose: LinkPurpose,
    /// The account whose password the link sets; none for the setup link.
    pub user_id: Option<i64>,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LinkPurpose {
    /// The first start without demo data: the province and its first administrator.
    Setup,
    /// An officer sets (or resets) their password; a citizen resets a forgotten one.
    Password,
    /// A citizen proves the e-mail address they gave.
    Email,
}

impl LinkPurpose {
    pub fn name(self) -> &'static str {
        match self {
            Self::Setup => "setup",
            Self::Password => "password",
            Self::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Setup, Self::Password, Self::Email].into_iter().find(|p| p.name() == s)
    }
}

/// A link that still works: what for, and whose account (for a password link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveLink {
    pub purpose: LinkPurpose,
    pub user_id: Option<i64>,
    pub full_name: Option<String>,
}

/// The province (the root of the agency tree) and its first administrator, set up through the
/// setup link.
#[derive(Debug, Clone)]
pub struct ProvinceSetup {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub admin: NewUser,
}

/// Going live: the setup link and the links that set passwords.
#[async_trait]
pub trait SetupStore: Send + Sync {
    /// The link with this token hash, if it is unused, unexpired and of `purpose`.
    async fn live_link(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
        now_ms: i64,
    ) -> Result<Option<LiveLink>, StoreError>;
    /// Uses the setup link: creates the province and its administrator in one transaction and
    /// returns the administrator's id; `None` when the link no longer works (used, expired,
    /// replaced, or an administrator already exists). A taken CCCD or agency code is a conflict.
    async fn set_up_province(
        &self,
        token_hash: &str,
        setup: ProvinceSetup,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError>;
    /// Uses a password link: sets the account's password and ends its sessions; `None` when the
    /// link no longer works.
    async fn set_password_with_link(
        &self,
        token_hash: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError>;
}

/// A new agency under `parent`.
#[derive(Debug, Clone)]
pub struct NewAgency {
    pub code: String,
    pub parent: String,
    pub name_vi: String,
    pub name_en: String,
    pub kind: String,
    pub address: String,
    pub phone: String,
    pub opening_hours: String,
    pub bank_account: String,
}

/// What an administrator changes about an agency: its details, or whether it is active. A
/// deactivated agency receives no new dossiers and leaves the public lists; the dossiers it holds
/// go on being handled and keep their history.
#[derive(Debug, Clone)]
pub enum AgencyChange {
    Details {
        name_vi: String,
        name_en: String,
        address: String,
        phone: String,
        opening_hours: String,
        bank_account: String,
    },
    Active(bool),
}

/// What an administrator changes about a unit.
#[derive(Debug, Clone)]
pub enum UnitChange {
    Names { name_vi: String, name_en: String },
    Active(bool),
}

/// A new officer of `agency` (without a password: they set it with a one-time link).
#[derive(Debug, Clone)]
pub struct NewOfficer {
    pub agency: String,
    pub unit: String,
    pub role: crate::domain::role::Role,
    pub user: NewUser,
}

/// What an administrator changes about an officer of `agency`.
#[derive(Debug, Clone)]
pub enum OfficerChange {
    RoleAndUnit {
        role: crate::domain::role::Role,
        unit: String,
    },
    /// Deactivating ends the officer's sessions; their dossiers' history keeps their name.
    Active(bool),
}

/// The administrators' screens: agencies, units, officers, and their record.
#[async_trait]
pub trait AdminStore: Send + Sync {
    async fn agency_tree(&self) -> Result<Vec<crate::read::admin::AgencyNode>, StoreError>;
    /// A conflict when the code is taken; not found when the parent does not exist.
    async fn create_agency(&self, a: NewAgency, by: &CurrentUser, at_ms: i64) -> Result<(), StoreError>;
    async fn create_unit(
        &self,
        agency: &str,
        code: &str,
        name_vi: &str,
        name_en: &str,
        by: &CurrentUser,
        at_ms: i64,
    ) -> Result<(), StoreError>;
    /// `false` when there is no such agency (the province cannot be deactivated).
    async fn change_agency(
        &self,
        code: &str,
        change: AgencyChange,
        by: &CurrentUser,
        at_ms: i64,
    ) -> Result<bool, StoreError>;
    /// `false` when `agency` has no such unit.
    async fn change_unit(
        &self,
        agency: &str,
        code: &str,
        change: UnitChange,
        by: &CurrentUser,
        at_ms: i64,
    ) -> Result<bool, StoreError>;
    /// The dossiers `agency` holds that are not closed (received, handled or returned by it).
    async fn open_dossiers_of(&self, agency: &str) -> Result<i64, StoreError>;
    async fn agency_officers(&self, agency: &str) -> Result<Vec<crate::read::admin::OfficerRow>, StoreError>;
    /// A conflict when the CCCD has an account.
    async fn create_officer(&self, o: NewOfficer, by: &CurrentUser, at_ms: i64) -> Result<i64, StoreError>;
    /// `false` when `officer` is not an officer of `agency`.
    async fn change_officer(
        &self,
        agency: &str,
        officer: i64,
        change: OfficerChange,
        by: &CurrentUser,
        at_ms: i64,
    ) -> Result<bool, StoreError>;
    /// The messages' counts and the latest `limit` failed or retried ones.
    async fn messages_overview(&self, limit: i64) -> Result<crate::read::admin::MessagesView, StoreError>;
    /// Queues a failed notice again, on the record; false when it is not one that may be.
    async fn retry_message(&self, id: i64, by: &CurrentUser, now_ms: i64) -> Result<bool, StoreError>;
    /// The record of `agency` (all of it for `None`), newest first.
    async fn admin_events(
        &self,
        agency: Option<&str>,
        limit: i64,
    ) -> Result<Vec<crate::read::admin::AdminEventView>, StoreError>;
    /// Stores a one-time password link an administrator issued (a new one replaces the account's
    /// unused links), on the record.
    async fn issue_link(&self, link: NewLink, by: &CurrentUser) -> Result<(), StoreError>;
}

pub use crate::read::admin::ImportReport;

/// The catalogue as data: imported from a catalogue file (`docs/catalogue-format.md`) in
/// versions, each taking effect on its day.
#[async_trait]
pub trait CatalogueAdmin: Send + Sync {
    /// What a file may refer to (the e-form templates are the caller's to fill in).
    async fn catalogue_known(&self) -> Result<crate::domain::catalogue::Known, StoreError>;
    /// Writes a checked file in one transaction, on the record as `by` (none: the operator at
    /// the command line); with `commit = false` everything is rolled back and only the report
    /// is kept (a check before the real import).
    async fn import_catalogue(
        &self,
        checked: &crate::domain::catalogue::Checked,
        by: Option<&CurrentUser>,
        now_ms: i64,
        commit: bool,
    ) -> Result<ImportReport, StoreError>;
    /// Puts into effect the versions whose day has come; how many.
    async fn promote_due_versions(&self, now_ms: i64) -> Result<usize, StoreError>;
    async fn catalogue_rows(&self) -> Result<Vec<crate::read::admin::CatalogueRow>, StoreError>;
}

/// A content page as an administrator saves it (a new one without `id`).
#[derive(Debug, Clone)]
pub struct ContentSave {
    pub id: Option<i64>,
    pub kind: String,
    pub slug: String,
    pub sector: Option<String>,
    pub title_vi: String,
    pub title_en: String,
    pub body_vi: String,
    pub body_en: String,
    pub published: bool,
}

#[derive(Debug, Clone)]
pub struct NewIncident {
    pub kind: String,
    pub message_vi: String,
    pub message_en: String,
    pub expected_end_at: Option<i64>,
}

/// Portal content and the incident log.
#[async_trait]
pub trait ContentStore: Send + Sync {
    /// Pages of `kind` (every kind for `None`), newest first; published ones only when asked.
    async fn contents(
        &self,
        kind: Option<&str>,
        published_only: bool,
    ) -> Result<Vec<crate::read::content::ContentView>, StoreError>;
    async fn content(&self, kind: &str, slug: &str) -> Result<Option<crate::read::content::ContentView>, StoreError>;
    async fn content_by_id(&self, id: i64) -> Result<Option<crate::read::content::ContentView>, StoreError>;
    /// A conflict `error-slug-taken` when another page of the kind has the slug; not found for
    /// an unknown `id`.
    async fn save_content(&self, c: ContentSave, by: &CurrentUser, at_ms: i64) -> Result<i64, StoreError>;
    /// The latest incidents, open ones first.
    async fn incidents(&self, limit: i64) -> Result<Vec<crate::read::content::IncidentView>, StoreError>;
    async fn open_incident(&self, i: NewIncident, by: &CurrentUser, at_ms: i64) -> Result<i64, StoreError>;
    /// `false` when there is no such open incident.
    async fn resolve_incident(&self, id: i64, by: &CurrentUser, at_ms: i64) -> Result<bool, StoreError>;
}

/// A message to send outside the portal, queued in the outbox (`storage/outbox.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    /// Unique: a message id queued twice is sent once.
    pub message_id: String,
    /// `email` or `sms`.
    pub channel: &'static str,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// A code or a link: not sent after `expires_at_ms`, and its text wiped once sent or given up.
    pub secret_until_ms: Option<i64>,
}

/// A sign-up waiting for its phone code.
#[derive(Debug, Clone)]
pub struct NewSignup {
    pub ticket_hash: String,
    pub user: NewUser,
    pub lang: String,
    pub expires_at_ms: i64,
}

/// A sign-up or a reset as its code page sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCode {
    /// The sign-up's or reset's id (the code's subject is `<kind>:<id>`).
    pub id: i64,
    /// Where the code goes (unmasked: the caller masks it); empty for a reset of no account.
    pub phone: String,
    pub lang: String,
    pub sends: i64,
    pub last_sent_at_ms: i64,
}

/// A code drawn for `subject`: its hash and when it dies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCode {
    pub subject: String,
    pub code_hash: String,
    pub expires_at_ms: i64,
    pub now_ms: i64,
}

/// How a proven sign-up ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupOutcome {
    /// The account was created (an unverified account that held the CCCD was frozen).
    Created(i64),
    /// The CCCD belongs to an account whose holder proved more than a phone: nothing created.
    Taken,
    /// The sign-up expired or was completed already.
    Gone,
}

/// An account that asked for a forgotten password, when it exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetTarget {
    pub user_id: i64,
    pub phone: String,
    /// Its e-mail address when it was proven.
    pub email: Option<String>,
    pub lang: String,
}

/// An officer between the password and the second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub user_id: i64,
    pub cccd: String,
    /// The account's secret (base32) when enrolled; else the one being enrolled.
    pub secret: String,
    pub enrolling: bool,
    pub last_step: Option<i64>,
    pub next_path: String,
    pub tries_left: i64,
}

pub use crate::api::credentials::SessionEntry;

/// Proving phones and e-mail addresses, resetting passwords, sessions and the officers' second
/// factor (`storage/credentials.rs`).
#[async_trait]
pub trait CredentialStore: Send + Sync {
    /// Stores a sign-up, its first code and the SMS that carries it, in one transaction.
    async fn start_signup(&self, signup: NewSignup, code: NewCode, sms: OutgoingMessage) -> Result<i64, StoreError>;
    /// The live sign-up of a ticket.
    async fn signup(&self, ticket_hash: &str, now_ms: i64) -> Result<Option<PendingCode>, StoreError>;
    /// Replaces the code of `code.subject` and queues the SMS carrying it, counting a send.
    async fn resend_code(&self, code: NewCode, sms: Option<OutgoingMessage>) -> Result<(), StoreError>;
    /// Judges a typed code; a wrong one spends a try, the right one is used up (of two right
    /// answers at once, one gets `Right`).
    async fn check_code(
        &self,
        subject: &str,
        given_hash: &str,
        now_ms: i64,
    ) -> Result<crate::domain::otp::Verdict, StoreError>;
    /// Creates the account of a sign-up whose phone was proven; the e-mail's proof link, when
    /// an address was given, is queued with it.
    async fn complete_signup(
        &self,
        signup_id: i64,
        now_ms: i64,
        email_link: Option<(NewLink, OutgoingMessage)>,
    ) -> Result<SignupOutcome, StoreError>;
    /// The e-mail address of a sign-up (for its proof link).
    async fn signup_email(&self, signup_id: i64) -> Result<Option<String>, StoreError>;
    /// Marks the address of a live e-mail link proven; the account, or `None`.
    async fn prove_email(&self, token_hash: &str, now_ms: i64) -> Result<Option<i64>, StoreError>;
    /// Whether the account's e-mail address was proven (a link opened).
    async fn email_proven(&self, user_id: i64) -> Result<bool, StoreError>;
    /// Whether the account may submit: its phone or its card was proven.
    async fn account_verified(&self, user_id: i64) -> Result<bool, StoreError>;
    /// Marks an account's phone proven (a signed-in account proving it late).
    async fn prove_phone(&self, user_id: i64, now_ms: i64) -> Result<(), StoreError>;
    /// The citizen's account with this CCCD that may reset its password (not an officer's, not
    /// frozen), if any.
    async fn reset_target(&self, cccd: &str) -> Result<Option<ResetTarget>, StoreError>;
    /// Stores a reset (for `user_id`, or for no account) with its first code and, for an account,
    /// the messages that carry the code and the link.
    async fn start_reset(
        &self,
        ticket_hash: &str,
        user_id: Option<i64>,
        code: NewCode,
        messages: Vec<OutgoingMessage>,
        link: Option<NewLink>,
        expires_at_ms: i64,
    ) -> Result<i64, StoreError>;
    /// The live reset of a ticket.
    async fn reset(&self, ticket_hash: &str, now_ms: i64) -> Result<Option<PendingCode>, StoreError>;
    /// Sets the new password of a reset whose code was right, proves the phone, ends every
    /// session; the account, or `None` when the reset was of no account or is gone.
    async fn complete_reset(&self, reset_id: i64, password_hash: &str, now_ms: i64) -> Result<Option<i64>, StoreError>;
    /// The account's password hash (for changing it).
    async fn password_hash(&self, user_id: i64) -> Result<String, StoreError>;
    /// Sets a new password and ends every other session than `keep_token_hash`.
    async fn change_password(&self, user_id: i64, password_hash: &str, keep_token_hash: &str)
        -> Result<(), StoreError>;
    async fn sessions(
        &self,
        user_id: i64,
        current_token_hash: &str,
        now_ms: i64,
    ) -> Result<Vec<SessionEntry>, StoreError>;
    /// Ends one of the account's sessions; `false` when it has no such session.
    async fn end_session(&self, user_id: i64, handle: &str) -> Result<bool, StoreError>;
    /// Ends every session of the account but `keep_token_hash`; how many ended.
    async fn end_other_sessions(&self, user_id: i64, keep_token_hash: &str) -> Result<u64, StoreError>;
    /// The account's role and second factor: `(role, secret, last step)`.
    async fn second_factor(&self, user_id: i64) -> Result<(String, Option<String>, Option<i64>), StoreError>;
    async fn start_challenge(
        &self,
        ticket_hash: &str,
        user_id: i64,
        pending_secret: Option<&str>,
        next_path: &str,
        expires_at_ms: i64,
    ) -> Result<(), StoreError>;
    async fn challenge(&self, ticket_hash: &str, now_ms: i64) -> Result<Option<Challenge>, StoreError>;
    /// A wrong answer to a challenge: one try fewer.
    async fn spend_challenge_try(&self, ticket_hash: &str) -> Result<(), StoreError>;
    /// Ends a challenge whose answer was right: records the step (refusing a step not later
    /// than the last), or uses the recovery code up; on enrolment stores the secret and the
    /// recovery codes. `false` when the step or the code was used meanwhile.
    async fn pass_challenge(
        &self,
        ticket_hash: &str,
        user_id: i64,
        step: Option<i64>,
        recovery_hash: Option<&str>,
        enrol: Option<(&str, Vec<String>)>,
        now_ms: i64,
    ) -> Result<bool, StoreError>;
    /// Unused recovery codes left.
    async fn recovery_codes_left(&self, user_id: i64) -> Result<i64, StoreError>;
    /// An administrator clears an officer's second factor: enrolled again at the next sign-in.
    /// Recorded. `false` for an unknown account or one outside `agency` (when given).
    async fn reset_second_factor(
        &self,
        officer_id: i64,
        agency: Option<&str>,
        by: &CurrentUser,
        at_ms: i64,
    ) -> Result<bool, StoreError>;
}

pub use crate::read::organisations::{ActingFor, MemberRole, MemberView, OrganisationEvent, OrganisationView};

/// An organisation's account as its legal representative creates it.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub tax_code: String,
    pub name: String,
    pub kind: crate::domain::tax_code::OrganisationKind,
    pub address: String,
    pub representative_id: i64,
    pub now_ms: i64,
}

/// What became of adding a person to an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentAdded {
    Added,
    AlreadyMember,
    /// No citizen account with a proven phone holds that CCCD.
    NoAccount,
}

/// Organisations and the people who act for them (issue 12).
#[async_trait]
pub trait OrganisationStore: Send + Sync {
    /// Creates the organisation with its representative as its first member, on its record;
    /// `None` when an organisation already holds the tax code.
    async fn create_organisation(&self, o: NewOrganisation) -> Result<Option<i64>, StoreError>;
    /// The organisations `user_id` acts for, each with its people and record.
    async fn organisations_of(&self, user_id: i64) -> Result<Vec<OrganisationView>, StoreError>;
    /// How `user_id` stands to the organisation, if at all; with its name and tax code.
    async fn membership(
        &self,
        organisation_id: i64,
        user_id: i64,
    ) -> Result<Option<(MemberRole, String, String)>, StoreError>;
    /// Allows the holder of `cccd` (a citizen whose phone is proven) to act for it.
    async fn add_agent(&self, organisation_id: i64, cccd: &str, by: i64, now_ms: i64)
        -> Result<AgentAdded, StoreError>;
    /// The organisations `user_id` acts for (represents or was allowed to act for), by name.
    async fn acting_for(&self, user_id: i64) -> Result<Vec<ActingFor>, StoreError>;
    /// The CCCD of an account (a person cannot submit for themselves under an authorisation).
    async fn user_cccd(&self, user_id: i64) -> Result<String, StoreError>;
    /// Withdraws an agent's permission; false when they were not one.
    async fn remove_agent(&self, organisation_id: i64, user_id: i64, by: i64, now_ms: i64) -> Result<bool, StoreError>;
}

/// Everything the application reads and writes, one trait per aggregate, each implemented once
/// by the storage adapter. Callers hold an `Arc<dyn Store>` (whose methods need no import); code
/// holding the adapter itself brings the traits into scope with `use app::ports::stores::*`.
pub trait Store:
    CatalogueStore
    + AccountStore
    + DraftStore
    + DossierReads
    + DeskStore
    + RegisterStore
    + ConsultationStore
    + HandlingStore
    + CalendarStore
    + SetupStore
    + AdminStore
    + CatalogueAdmin
    + ContentStore
    + CredentialStore
    + OrganisationStore
    + PaymentStore
    + ResultStore
    + PersonalDataStore
{
}

impl<
        T: CatalogueStore
            + AccountStore
            + DraftStore
            + DossierReads
            + DeskStore
            + RegisterStore
            + ConsultationStore
            + HandlingStore
            + CalendarStore
            + SetupStore
            + AdminStore
            + CatalogueAdmin
            + ContentStore
            + CredentialStore
            + OrganisationStore
            + PaymentStore
            + ResultStore
            + PersonalDataStore
            + ?Sized,
    > Store for T
{
}

/// A file of the personal data store, resolved for its owner: the stored file to copy and the
/// reuse to record with the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalFile {
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub origin: crate::domain::personal_data::Origin,
    /// The dossier's code, the result's number, or the uploaded document's label.
    pub reference: String,
}

/// The personal data store (Kho dữ liệu điện tử, issue 14): every call is scoped to the owner;
/// an item that is not theirs reads as absent.
#[async_trait]
pub trait PersonalDataStore: Send + Sync {
    /// Every document `owner` keeps: uploads, files of their submitted dossiers, their results.
    /// (Results count while valid at `now_ms`.)
    async fn personal_documents(
        &self,
        owner: i64,
        now_ms: i64,
    ) -> Result<Vec<crate::read::personal_data::PersonalDocument>, StoreError>;
    /// The file behind `key`, if it is `owner`'s (a result only once its document is made).
    async fn personal_file(
        &self,
        owner: i64,
        key: &crate::domain::personal_data::ItemKey,
        now_ms: i64,
    ) -> Result<Option<PersonalFile>, StoreError>;
    /// Keeps an uploaded document in `owner`'s store.
    async fn add_personal_document(
        &self,
        owner: i64,
        label: &str,
        file: &StoredFile,
        now_ms: i64,
    ) -> Result<(), StoreError>;
    /// Labels `owner`'s item `key`; false when it is not theirs.
    async fn label_personal(
        &self,
        owner: i64,
        key: &crate::domain::personal_data::ItemKey,
        label: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError>;
    /// Removes `owner`'s uploaded document `id`: its storage key, for the caller to delete the
    /// bytes, or `None` when there is no such document of theirs.
    async fn remove_personal_document(&self, owner: i64, id: &str) -> Result<Option<String>, StoreError>;
}

/// Results as records (issue 14). A result is issued by the planner's `RecordResult` in the
/// approval's transaction (`StepPlan::issue_result`); its signed document is made afterwards
/// by the server's `ResultSigner` and attached here.
#[async_trait]
pub trait ResultStore: Send + Sync {
    /// The result whose verification token is `token`.
    async fn result_by_token(&self, token: &str) -> Result<Option<crate::read::results::ResultRecord>, StoreError>;
    /// The results of dossier `code`, the newest last (the caller checks who may read it).
    async fn results_of(&self, code: &str) -> Result<Vec<crate::read::results::ResultRecord>, StoreError>;
    /// Attaches the signed document to result `id` unless one is already there; whether it did.
    async fn attach_document(
        &self,
        id: i64,
        storage_key: &str,
        sha256: &str,
        size_bytes: i64,
    ) -> Result<bool, StoreError>;
    /// Tokens of results still waiting for their document, the oldest first.
    async fn unsigned_results(&self, limit: i64) -> Result<Vec<String>, StoreError>;
}

/// Makes the signed document of an issued result: the PDF with its QR code to `verify_url`,
/// the approved draft attached, signed with the issuing agency's key.
pub trait ResultSigner: Send + Sync {
    fn make(
        &self,
        result: &crate::read::results::ResultRecord,
        draft: Option<(String, String, Vec<u8>)>,
        verify_url: &str,
    ) -> Result<Vec<u8>, String>;
}

/// An online payment attempt, opened for everything the dossier owes now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedPayment {
    pub id: i64,
    /// The reference sent to the gateway (`vnp_TxnRef`), unique.
    pub txn_ref: String,
    pub amount_vnd: i64,
    pub created_at_ms: i64,
}

/// A payment attempt as the gateway's notification finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    pub id: i64,
    pub txn_ref: String,
    pub dossier_code: String,
    pub applicant: CurrentUser,
    pub amount_vnd: i64,
    pub covers: Vec<i64>,
    /// `pending`, `paid`, `cancelled`, `failed`.
    pub state: String,
    pub method: crate::domain::fees::PaymentMethod,
}

/// What the gateway said about an attempt that did not pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayOutcome {
    pub state: &'static str,
    pub response_code: String,
    pub gateway_txn_no: String,
    pub bank_code: String,
}

/// Where payments are kept (the obligations are read with the dossier; a payment that pays is
/// recorded by the planner's `Command::Pay` in the same transaction as its event).
#[async_trait]
pub trait PaymentStore: Send + Sync {
    /// Opens an online attempt by the applicant for the obligations `covers` of dossier `code`
    /// (the amount their sum); at most one attempt waits at a time: an earlier one still waiting
    /// is superseded (`cancelled`), so an old payer's page cannot pay twice.
    async fn open_payment(
        &self,
        code: &str,
        by: i64,
        covers: &[i64],
        amount_vnd: i64,
        now_ms: i64,
    ) -> Result<OpenedPayment, StoreError>;
    /// The attempt sent to the gateway under `txn_ref`.
    async fn payment_by_ref(&self, txn_ref: &str) -> Result<Option<PaymentRecord>, StoreError>;
    /// Records the gateway's answer for an attempt that did not pay (cancelled or failed), and
    /// the gateway's facts of one that did (after the planner recorded it).
    async fn close_payment(&self, id: i64, outcome: &GatewayOutcome, now_ms: i64) -> Result<(), StoreError>;
    /// The receipt `number` of dossier `code` (the caller checks who may read it).
    async fn receipt(&self, code: &str, number: &str)
        -> Result<Option<crate::read::dossiers::ReceiptView>, StoreError>;
    /// The online attempts of `agency`'s dossiers opened on the Vietnamese day `day`
    /// (`YYYY-MM-DD`), for reconciliation.
    async fn payments_of_day(&self, agency: &str, day: &str) -> Result<Vec<DayPayment>, StoreError>;
    /// Keeps a reconciliation and its mismatches; returns its id.
    async fn save_reconciliation(&self, run: &crate::read::payments::Reconciliation) -> Result<i64, StoreError>;
    /// The latest reconciliations of `agency`, newest first, with their mismatches.
    async fn reconciliations(
        &self,
        agency: &str,
        limit: i64,
    ) -> Result<Vec<crate::read::payments::Reconciliation>, StoreError>;
    /// Marks mismatch `item` of `agency` resolved by `by` with a note; false if there is none
    /// unresolved.
    async fn resolve_mismatch(
        &self,
        agency: &str,
        item: i64,
        by: i64,
        note: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError>;
    /// The agencies that took online payments on `day` and have no reconciliation of it yet.
    async fn unreconciled(&self, day: &str) -> Result<Vec<String>, StoreError>;
}

/// One online attempt of a day, as reconciliation compares it with the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayPayment {
    pub id: i64,
    pub dossier_code: String,
    pub txn_ref: String,
    pub amount_vnd: i64,
    /// `pending`, `paid`, `cancelled`, `failed`, `orphan`, `refunded`.
    pub state: String,
    pub created_at_ms: i64,
}

/// A refund the gateway is asked for: the whole of one paid transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    pub txn_ref: String,
    pub amount_vnd: i64,
    /// The gateway's transaction number of the payment.
    pub transaction_no: String,
    /// When the payment was opened (the gateway's `vnp_TransactionDate`).
    pub created_at_ms: i64,
    /// Who decided it (the gateway records it).
    pub by: String,
    pub client_ip: String,
    pub now_ms: i64,
}

/// What the gateway says of one transaction (`querydr`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayStatus {
    /// `paid`, `pending`, `failed`, `refunded`, `unknown` (the gateway has no such transaction).
    pub state: String,
    pub amount_vnd: Option<i64>,
    pub transaction_no: String,
    /// When the gateway took the money (`vnp_PayDate`), if it did.
    pub paid_at_ms: Option<i64>,
}

/// Why the gateway did not do what was asked: its own code and message, or no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("payment gateway: {code} {message}")]
pub struct GatewayError {
    pub code: String,
    pub message: String,
}

/// The request a gateway needs to take the payer's money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    pub txn_ref: String,
    pub amount_vnd: i64,
    /// What is paid for, in ASCII (gateways refuse marks).
    pub order_info: String,
    /// Where the gateway sends the payer's browser back.
    pub return_url: String,
    pub client_ip: String,
    pub created_at_ms: i64,
    /// The payer's page stops taking payment then.
    pub expires_at_ms: i64,
    pub lang: crate::i18n::Lang,
}

/// A payment gateway (`PAYMENT_GATEWAY_URL`): where to send the payer, its refunds and its
/// answers on a transaction (for reconciliation). Its notification is received by the server's
/// own route, which the adapter verifies.
#[async_trait]
pub trait PaymentGateway: Send + Sync {
    /// The payer's page for `req`.
    fn pay_url(&self, req: &PaymentRequest) -> String;
    /// Refunds a paid transaction in full; answers the gateway's number of the refund.
    async fn refund(&self, req: &RefundRequest) -> Result<String, GatewayError>;
    /// What the gateway knows of the transaction `txn_ref` opened at `created_at_ms`.
    async fn query(&self, txn_ref: &str, created_at_ms: i64, now_ms: i64) -> Result<GatewayStatus, GatewayError>;
}

/// The store traits, to call their methods on the adapter itself.
pub mod stores {
    pub use super::{
        AccountStore, AdminStore, CalendarStore, CatalogueAdmin, CatalogueStore, ConsultationStore, ContentStore,
        CredentialStore, DeskStore, DossierReads, DraftStore, HandlingStore, OrganisationStore, PaymentStore,
        PersonalDataStore, RegisterStore, SetupStore, Store,
    };
}

#[derive(Debug, thiserror::Error)]
pub enum FileStoreError {
    #[error("file store: {0}")]
    Io(String),
}

/// Somewhere to keep uploaded files. Writes go to a temporary place until `finish`.
#[async_trait]
pub trait FileWriter: Send {
    async fn write(&mut self, chunk: &[u8]) -> Result<(), FileStoreError>;
    async fn finish(self: Box<Self>) -> Result<(), FileStoreError>;
    async fn abort(self: Box<Self>);
}

#[async_trait]
pub trait FileStore: Send + Sync {
    async fn create(&self, key: &str) -> Result<Box<dyn FileWriter>, FileStoreError>;
    async fn read(&self, key: &str) -> Result<Vec<u8>, FileStoreError>;
    async fn delete(&self, key: &str) -> Result<(), FileStoreError>;
}

#[derive(Debug, Clone)]
pub struct PortalConfig {
    /// Base of the URLs printed and put in QR codes, e.g. `https://dichvucong.quangtri.gov.vn`.
    pub public_url: String,
    /// Set the `Secure` flag on cookies (behind HTTPS).
    pub secure_cookies: bool,
    /// Public lookups per address and minute (`LOOKUP_PER_MINUTE`, default 60; benchmarks
    /// raise it).
    pub lookup_per_minute: u32,
    /// `DEMO_DATA`: every page says that this is a demonstration with published passwords.
    pub demo: bool,
    /// Where the e-form templates are served from (`<site>/forms`): an imported catalogue may
    /// only name templates that are there.
    pub forms_dir: String,
    /// The payment gateway's origin: a form posted to the portal may be redirected there (the
    /// pages' `form-action`).
    pub payer_origin: Option<String>,
}

/// Everything the server functions reach, provided as context by the server.
#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub files: Arc<dyn FileStore>,
    pub limiter: Arc<Mutex<RateLimiter>>,
    /// What an officer searched or looked up, kept out of URLs.
    pub kept: Arc<dyn Kept>,
    pub config: PortalConfig,
    /// Called after the catalogue or the portal's content changed: kept pages are dropped.
    pub catalogue_changed: Arc<dyn Fn() + Send + Sync>,
    /// The open incidents and maintenance, shown in a banner on every page; kept in memory (the
    /// page shell cannot wait on the database), set when they change and read again every
    /// minute (for the other server processes).
    pub notices: Arc<std::sync::RwLock<Vec<crate::read::content::IncidentView>>>,
    /// The province's name and help line for every page's header and footer, kept like
    /// `notices`.
    pub identity: Arc<std::sync::RwLock<crate::read::content::SiteIdentity>>,
    /// The payment gateway, when one is configured; without it fees are paid at the desk.
    pub payments: Option<Arc<dyn PaymentGateway>>,
    /// Makes and signs result documents; none when neither keys nor a font are configured
    /// (results are then recorded and wait for their document).
    pub results: Option<Arc<dyn ResultSigner>>,
}

/// Values kept on the server for a short while under an opaque random id, so that what someone
/// typed (a CCCD, a name, a phone number) never travels in a URL: the page's address carries the
/// id only. Each entry belongs to a `scope` (what it is for, and whose session); asked from
/// another scope, or once it has expired, it is not found.
pub trait Kept: Send + Sync {
    /// Keeps `values` for `scope`; returns the id to put in the URL.
    fn keep(&self, scope: &str, values: Vec<(String, String)>, now_ms: i64) -> String;
    /// The values kept under `id` for `scope`, while they are fresh.
    fn kept(&self, scope: &str, id: &str, now_ms: i64) -> Option<Vec<(String, String)>>;
}

/// The caller's address, put in the request extensions by the server.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);
