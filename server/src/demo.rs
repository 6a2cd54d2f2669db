//! Demo data: the Quảng Trị catalogue, two citizens and a few of their dossiers, loaded only into
//! an empty database and only when `DEMO_DATA` asks for it. Dossiers go through the same
//! submission path as real ones, so their codes and histories are valid.

pub mod office;

use crate::catalogue_seed::CATALOGUE_JSON;
use crate::storage::Db;
use app::api::dossiers::StoredFile;
use app::domain::channel::Channel;
use app::domain::role::Role;
use app::ports::stores::*;
use app::ports::{CurrentUser, DraftSave, FileStore, NewUser, StoreError};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub struct DemoCitizen {
    pub full_name: &'static str,
    pub cccd: &'static str,
    pub phone: &'static str,
    pub password: &'static str,
}

pub const CITIZENS: [DemoCitizen; 2] = [
    DemoCitizen { full_name: "Nguyễn Văn An", cccd: "045095001234", phone: "0912345678", password: "matkhau2026" },
    DemoCitizen { full_name: "Trần Thị Bích", cccd: "045195004321", phone: "0987654321", password: "matkhau2026" },
];

/// Officers (password `canbo2026`): a full set for Phường Đông Hà (two units), the provincial
/// centre's desk, Sở Xây dựng (which decides the building permits the centre receives) and
/// Công an tỉnh (verification for marriages with a foreign element, liên thông).
/// (name, CCCD, role, agency, unit)
pub const OFFICERS: [(&str, &str, Role, &str, &str); 17] = [
    ("Lê Thị Thu Hà", "045185000101", Role::Reception, "000.20.01.H45", ""),
    ("Phan Văn Minh", "045085000102", Role::Specialist, "000.20.01.H45", "VP"),
    ("Hoàng Thị Lan", "045185000103", Role::DepartmentLeader, "000.20.01.H45", "VP"),
    ("Nguyễn Đức Thắng", "045080000104", Role::AgencyLeader, "000.20.01.H45", ""),
    ("Võ Quốc Bảo", "045090000105", Role::AgencyAdmin, "000.20.01.H45", ""),
    ("Trương Công Định", "045086000106", Role::Specialist, "000.20.01.H45", "KT"),
    ("Ngô Thị Mỹ", "045184000107", Role::DepartmentLeader, "000.20.01.H45", "KT"),
    ("Trần Ngọc Ánh", "045190000201", Role::Reception, "000.00.01.H45", ""),
    ("Mai Thị Cúc", "045192000205", Role::ProvinceAdmin, "000.00.01.H45", ""),
    ("Đặng Văn Long", "045088000202", Role::Specialist, "000.00.12.H45", "QLXD"),
    ("Bùi Thị Hạnh", "045182000203", Role::DepartmentLeader, "000.00.12.H45", "QLXD"),
    ("Lý Văn Hùng", "045078000204", Role::AgencyLeader, "000.00.12.H45", ""),
    ("Hồ Văn Sơn", "045087000301", Role::Specialist, "000.00.19.H45", "PC06"),
    ("Dương Thị Nhung", "045183000302", Role::DepartmentLeader, "000.00.19.H45", "PC06"),
    ("Lê Quang Vinh", "045079000303", Role::AgencyLeader, "000.00.19.H45", ""),
    ("Phạm Thị Hoa", "045186000108", Role::Reception, "000.20.01.H45", ""),
    ("Đinh Thị Kim", "045187000109", Role::Accountant, "000.20.01.H45", ""),
];
pub const OFFICER_PASSWORD: &str = "canbo2026";
/// The demo officers' second factor (TOTP, base32), published in the README: add it to an
/// authenticator app to sign in as any of them. Demo data only.
pub const OFFICER_TOTP_SECRET: &str = "DEMOTOTPDEMOTOTPDEMOTOTPDEMOTOTP";

/// A valid answer to an e-form field, as the tests and the benchmarks fill forms in.
pub fn sample_answer(f: &app::domain::form::FormField) -> String {
    use app::domain::form::FieldKind;
    match f.kind {
        FieldKind::Text => "Lê Minh Khang".to_string(),
        FieldKind::Number => "3".to_string(),
        FieldKind::Date => "2026-11-02".to_string(),
        FieldKind::Select => f.options.first().map(|o| o.value.clone()).unwrap_or_default(),
        FieldKind::Cccd => "045095001234".to_string(),
        FieldKind::Phone => "0912345678".to_string(),
        FieldKind::Address => "Số 1 Lê Duẩn, Đông Hà".to_string(),
        FieldKind::Checkbox => "1".to_string(),
    }
}

/// A one-page PDF standing in for a scanned document.
pub fn demo_pdf(title: &str) -> Vec<u8> {
    let text = title.chars().filter(char::is_ascii).collect::<String>().replace(['(', ')', '\\'], "");
    format!(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
         3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 595]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n\
         4 0 obj<</Length {}>>stream\nBT /F1 14 Tf 40 540 Td ({text}) Tj ET\nendstream endobj\n\
         5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        text.len() + 30
    )
    .into_bytes()
}

pub(crate) async fn store_pdf(
    files: &dyn FileStore,
    component_id: i64,
    title: &str,
    seed: usize,
) -> Result<StoredFile, StoreError> {
    let bytes = demo_pdf(title);
    let id = hex::encode(&Sha256::digest(format!("demo-{seed}-{component_id}").as_bytes())[..16]);
    let key = format!("{}/{}/{id}", &id[..2], &id[2..4]);
    let io = |e: app::ports::FileStoreError| StoreError::Backend(e.to_string());
    let mut w = files.create(&key).await.map_err(io)?;
    w.write(&bytes).await.map_err(io)?;
    w.finish().await.map_err(io)?;
    Ok(StoredFile {
        id,
        component_id,
        file_name: format!("{}.pdf", app::domain::text::fold(title).replace(' ', "-")),
        content_type: "application/pdf".into(),
        size_bytes: bytes.len() as i64,
        sha256: hex::encode(Sha256::digest(&bytes)),
        storage_key: key,
        digitised: false,
        reused: None,
    })
}

/// A filled-in form for `p` on behalf of a person.
pub fn demo_form(
    p: &app::read::catalogue::ProcedureDetail,
    name: &str,
    cccd: &str,
    phone: &str,
) -> BTreeMap<String, String> {
    let mut form = BTreeMap::new();
    for f in &p.form_fields {
        use app::domain::form::FieldKind;
        let v = match f.kind {
            FieldKind::Text => name.to_string(),
            FieldKind::Number => "120".to_string(),
            FieldKind::Date => "2026-11-02".to_string(),
            FieldKind::Select => f.options.first().map(|o| o.value.clone()).unwrap_or_default(),
            FieldKind::Cccd => cccd.to_string(),
            FieldKind::Phone => phone.to_string(),
            FieldKind::Address => "Số 12 đường Lê Duẩn, phường Đông Hà, tỉnh Quảng Trị".to_string(),
            FieldKind::Checkbox => "1".to_string(),
        };
        form.insert(f.name.clone(), v);
    }
    form
}

/// One scanned PDF per required component of `p`.
pub async fn demo_files(
    files: &dyn FileStore,
    p: &app::read::catalogue::ProcedureDetail,
    seed: usize,
) -> Result<Vec<StoredFile>, StoreError> {
    let mut stored = Vec::new();
    for c in p.components.iter().filter(|c| c.required) {
        stored.push(store_pdf(files, c.id, &c.name, seed).await?);
    }
    Ok(stored)
}

pub async fn load(db: &Db, files: &dyn FileStore, now_ms: i64) -> Result<(), StoreError> {
    let imported =
        app::api::catalogue_admin::ssr::import(db, CATALOGUE_JSON.as_bytes(), None, None, now_ms, true).await?;
    imported.map_err(|p| StoreError::Backend(format!("seed/catalogue.json: {p:?}")))?;
    let mut users = Vec::new();
    for c in &CITIZENS {
        let hash = app::api::account::ssr::hash_password(c.password).map_err(|e| StoreError::Backend(e.to_string()))?;
        let id = db
            .create_user(NewUser {
                full_name: c.full_name.into(),
                cccd: c.cccd.into(),
                phone: c.phone.into(),
                email: None,
                password_hash: hash,
                created_at_ms: now_ms,
            })
            .await?;
        users.push(CurrentUser::citizen(id, c.full_name.into()));
    }
    // The demo's citizens have been to a desk: their accounts are verified.
    db.mark_citizens_verified().await?;
    let officer_hash =
        app::api::account::ssr::hash_password(OFFICER_PASSWORD).map_err(|e| StoreError::Backend(e.to_string()))?;
    for (name, cccd, role, agency, unit) in OFFICERS {
        db.create_officer(name, cccd, role.name(), agency, unit, &officer_hash, now_ms).await?;
    }
    db.enrol_demo_officers(OFFICER_TOTP_SECRET).await?;
    let dossiers: [(usize, &str, bool, i64); 4] =
        [(0, "1.001193", true, 26), (0, "1.013225", true, 5), (1, "2.000815", true, 2), (0, "1.000894", false, 1)];
    for (n, (who, code, submit, hours_ago)) in dossiers.into_iter().enumerate() {
        let Some(p) = db.procedure(code).await? else { continue };
        let form = demo_form(&p, "Nguyễn Minh Khang", CITIZENS[who].cccd, CITIZENS[who].phone);
        let stored = demo_files(files, &p, n).await?;
        let draft = DraftSave {
            idempotency_key: format!("demo-dossier-{n:02}-0000000000000000"),
            procedure_code: p.code.clone(),
            applicant: users[who].clone(),
            form,
            files: stored,
            submit: Vec::new(),
            now_ms: now_ms - hours_ago * 3_600_000,
            channel: "online".into(),
            applied_for: None,
        };
        match submit {
            true => submit_draft(db, draft, &users[who]).await?,
            false => db.save_draft(draft).await?,
        };
    }
    Ok(())
}

/// Saves `draft` and submits it through the planner, as `by` (its applicant, or the receiving
/// desk entering paper; the desk's acceptance is then a separate action of the demo's).
pub(crate) async fn submit_draft(
    db: &Db,
    draft: DraftSave,
    by: &CurrentUser,
) -> Result<app::ports::DraftOutcome, StoreError> {
    use app::handling::{plan, Backfill, Calendars, Command};
    let channel = Channel::parse(&draft.channel).ok_or_else(|| StoreError::Backend("unknown channel".into()))?;
    let applicant = if by.role == Role::Citizen { by.id } else { 0 };
    let mut state = db
        .draft_state(&draft.procedure_code, applicant, &draft.idempotency_key, channel)
        .await?
        .ok_or(StoreError::NotFound)?;
    state.files = draft.files.clone();
    let submitted = plan(&state, &Calendars::new(), by, Command::Submit, &Backfill::default(), draft.now_ms)
        .map_err(|e| StoreError::Backend(format!("demo submission refused: {e:?}")))?;
    db.save_draft(DraftSave { submit: vec![submitted], ..draft }).await
}
