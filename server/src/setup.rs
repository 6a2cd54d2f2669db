//! Going live from the command line and at first start: the one-time setup link printed when a
//! database without demo data has no province administrator, and `create-admin`.

use crate::cli::NewAdmin;
use crate::storage::Db;
use app::api::setup::{ssr::link_hash, ssr::new_link, ssr::LINK_HOURS, PASSWORD_PATH, SETUP_PATH};
use app::domain::{agency_code::AgencyCode, person::Person, text, FieldError};
use app::ports::{LinkPurpose, NewLink, NewUser};

/// A new setup link when the province has no administrator yet (it replaces any earlier one);
/// `None` once there is one.
pub async fn setup_link_if_needed(db: &Db, public_url: &str, now_ms: i64) -> anyhow::Result<Option<String>> {
    if db.has_province_admin().await? {
        return Ok(None);
    }
    let (token, link) = new_link(public_url, SETUP_PATH);
    db.issue_link(NewLink {
        token_hash: link_hash(&token),
        purpose: LinkPurpose::Setup,
        user_id: None,
        created_at_ms: now_ms,
        expires_at_ms: now_ms + LINK_HOURS * 3_600_000,
    })
    .await?;
    Ok(Some(link))
}

/// What `create-admin` was given wrong, field by field, in words for the terminal.
fn explain(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| {
            let what = match e.key.as_str() {
                "error-required" => "is required",
                "error-cccd-format" | "error-cccd-province" => "is not a 12-digit CCCD number",
                "error-phone-format" => "is not a Vietnamese mobile number (10 digits, e.g. 0912345678)",
                "error-email-format" => "is not an e-mail address",
                "error-name-format" => "must be a name of at most 100 characters, without digits",
                "error-agency-code-format" => "is not an electronic identifier code (e.g. 000.00.00.H45)",
                other => other,
            };
            // The form's `full_name` is the command's `--name`.
            let option = if e.field == "full_name" { "name".to_string() } else { e.field.replace('_', "-") };
            format!("--{option} {what}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Creates a province administrator and returns the one-time link that sets their password.
pub async fn create_admin(db: &Db, public_url: &str, a: &NewAdmin, now_ms: i64) -> anyhow::Result<String> {
    let mut errors = Vec::new();
    let person = Person::parse(&a.name, &a.cccd, &a.phone, &a.email, &mut errors);
    let province = match (&a.province_code, &a.province_name) {
        (Some(code), Some(name)) => {
            let code = AgencyCode::parse("province_code", code).map_err(|e| errors.push(e)).ok();
            let name = text::agency_name("province_name", name, true).map_err(|e| errors.push(e)).ok();
            code.zip(name)
        }
        _ => None,
    };
    let (Some(person), true) = (person.valid(), errors.is_empty()) else {
        anyhow::bail!("{}", explain(&errors));
    };
    let user = NewUser::of(person, String::new(), now_ms);
    let id = match db.create_admin(&user, province.as_ref().map(|(c, n)| (c.as_str(), n.as_str())), now_ms).await {
        Ok(id) => id,
        Err(app::ports::StoreError::NotFound) => anyhow::bail!(
            "the province was never set up: give --province-code and --province-name, or use the setup link"
        ),
        Err(app::ports::StoreError::Conflict(_)) => {
            anyhow::bail!("an account with this CCCD, or an agency with this code, already exists")
        }
        Err(e) => return Err(e.into()),
    };
    let (token, link) = new_link(public_url, PASSWORD_PATH);
    db.issue_link(NewLink {
        token_hash: link_hash(&token),
        purpose: LinkPurpose::Password,
        user_id: Some(id),
        created_at_ms: now_ms,
        expires_at_ms: now_ms + LINK_HOURS * 3_600_000,
    })
    .await?;
    Ok(link)
}
