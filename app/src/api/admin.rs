//! Administration (issue 11): the agency tree and its units, and officers — created without a
//! password (they set it with a one-time link shown to their administrator), given a role and a
//! unit, deactivated, sent a new link. A province administrator manages every agency; an agency
//! administrator only their own, and never makes a province administrator. Every change is
//! recorded with who and when (`admin_events`).
// A form's server function takes each field as its own parameter.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
pub use crate::read::admin::{AdminEventView, AgencyNode, MessagesView, OfficerRow, TroubledMessage, UnitRow};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// The kinds of agency an administrator adds under the province.
pub use crate::domain::catalogue::AGENCY_KINDS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgenciesView {
    /// The agencies this administrator sees (every one for the province's).
    pub tree: Vec<AgencyNode>,
    pub province_admin: bool,
    pub events: Vec<AdminEventView>,
    /// The agency being edited (`?sua=`), with the dossiers it holds that are not closed.
    pub editing: Option<(AgencyNode, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficersView {
    pub agency: String,
    pub agency_name: crate::read::Name,
    /// The agencies a province administrator may pick (code, name); empty for an agency's.
    pub agencies: Vec<(String, crate::read::Name)>,
    pub units: Vec<UnitRow>,
    /// The roles this administrator may give.
    pub roles: Vec<crate::domain::role::Role>,
    pub officers: Vec<OfficerRow>,
    pub events: Vec<AdminEventView>,
    /// A one-time link just made, shown to this administrator: whose, and the link.
    pub link: Option<(String, String)>,
}

/// The record shown on the screens.
#[cfg(feature = "ssr")]
const EVENTS_SHOWN: i64 = 30;

#[server(prefix = "/api", endpoint = "admin/agencies", input = GetUrl, output = crate::api::JsonText)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/agencies", skip_all))]
pub async fn admin_agencies(edit: Option<String>) -> Result<AgenciesView, AppError> {
    let (admin, agency) = ssr::admin()?;
    let store = crate::api::ctx::services()?.store;
    let province_admin = ssr::is_province(&admin);
    let mut tree = store.agency_tree().await?;
    if !province_admin {
        tree.retain(|a| a.code == agency);
    }
    let events = store.admin_events((!province_admin).then_some(agency.as_str()), EVENTS_SHOWN).await?;
    let editing = match edit.and_then(|code| tree.iter().find(|a| a.code == code).cloned()) {
        Some(node) => {
            let open = store.open_dossiers_of(&node.code).await?;
            Some((node, open))
        }
        None => None,
    };
    Ok(AgenciesView { tree, province_admin, events, editing })
}

/// Adds an agency under `parent` (province administrators).
#[server(prefix = "/api", endpoint = "admin/agency-add")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/agency-add", skip_all))]
pub async fn add_agency(
    parent: String,
    code: String,
    name_vi: String,
    name_en: String,
    kind: String,
    address: String,
    phone: String,
    opening_hours: String,
    bank_account: String,
) -> Result<(), AppError> {
    use crate::domain::{agency_code::AgencyCode, FieldError};
    use crate::ports::{AgencyChange, NewAgency, StoreError};
    let (admin, _) = ssr::admin()?;
    if !ssr::is_province(&admin) {
        return Err(AppError::Forbidden);
    }
    let echo = vec![
        ("parent".to_string(), parent.clone()),
        ("code".to_string(), code.clone()),
        ("name_vi".to_string(), name_vi.clone()),
        ("name_en".to_string(), name_en.clone()),
        ("kind".to_string(), kind.clone()),
        ("address".to_string(), address.clone()),
        ("phone".to_string(), phone.clone()),
        ("opening_hours".to_string(), opening_hours.clone()),
        ("bank_account".to_string(), bank_account.clone()),
    ];
    let mut errors = Vec::new();
    let code = AgencyCode::parse("code", &code).map_err(|e| errors.push(e)).ok();
    if !AGENCY_KINDS.contains(&kind.as_str()) {
        errors.push(FieldError::new("kind", "error-select"));
    }
    let details =
        ssr::agency_details([&name_vi, &name_en, &address, &phone, &opening_hours, &bank_account], &mut errors);
    let (Some(code), Some(AgencyChange::Details { name_vi, name_en, address, phone, opening_hours, bank_account })) =
        (code, details)
    else {
        return Err(AppError::fields(errors).with_values(echo));
    };
    let store = crate::api::ctx::services()?.store;
    let new = NewAgency {
        code: code.as_str().to_string(),
        parent,
        name_vi,
        name_en,
        kind,
        address,
        phone,
        opening_hours,
        bank_account,
    };
    match store.create_agency(new, &admin, crate::api::ctx::now_ms()).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(AppError::field("code", "error-agency-code-taken").with_values(echo))
        }
        Err(StoreError::NotFound) => return Err(AppError::field("parent", "error-select").with_values(echo)),
        Err(e) => return Err(e.into()),
    }
    leptos_axum::redirect("/mot-cua/co-quan?xong=1");
    Ok(())
}

/// Changes an agency's details (its own administrator may too).
#[server(prefix = "/api", endpoint = "admin/agency-edit")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/agency-edit", skip_all))]
pub async fn edit_agency(
    agency: String,
    name_vi: String,
    name_en: String,
    address: String,
    phone: String,
    opening_hours: String,
    bank_account: String,
) -> Result<(), AppError> {
    let (admin, own) = ssr::admin()?;
    if !ssr::is_province(&admin) && agency != own {
        return Err(AppError::Forbidden);
    }
    let echo = vec![
        ("name_vi".to_string(), name_vi.clone()),
        ("name_en".to_string(), name_en.clone()),
        ("address".to_string(), address.clone()),
        ("phone".to_string(), phone.clone()),
        ("opening_hours".to_string(), opening_hours.clone()),
        ("bank_account".to_string(), bank_account.clone()),
    ];
    let mut errors = Vec::new();
    let Some(change) =
        ssr::agency_details([&name_vi, &name_en, &address, &phone, &opening_hours, &bank_account], &mut errors)
    else {
        return Err(AppError::fields(errors).with_values(echo));
    };
    ssr::agency_change(&admin, &agency, change).await
}

/// Deactivates (`active` = `0`) or reactivates (`1`) an agency (province administrators): it
/// receives nothing new and leaves the public lists; the dossiers it holds go on.
#[server(prefix = "/api", endpoint = "admin/agency-active")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/agency-active", skip_all))]
pub async fn set_agency_active(agency: String, active: String) -> Result<(), AppError> {
    let (admin, _) = ssr::admin()?;
    if !ssr::is_province(&admin) {
        return Err(AppError::Forbidden);
    }
    let store = crate::api::ctx::services()?.store;
    let found = store.agency(&agency).await?.ok_or(AppError::NotFound)?;
    if found.kind == "province" {
        return Err(AppError::Conflict("error-deactivate-province".into()));
    }
    ssr::agency_change(&admin, &agency, crate::ports::AgencyChange::Active(active == "1")).await
}

/// The messages that reach people (province administrators): counts, and the failed and
/// retried ones with why — nothing of their text.
#[server(prefix = "/api", endpoint = "admin/messages", input = GetUrl, output = crate::api::JsonText)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/messages", skip_all))]
pub async fn admin_messages() -> Result<MessagesView, AppError> {
    crate::api::catalogue_admin::ssr::province_admin()?;
    Ok(crate::api::ctx::services()?.store.messages_overview(100).await?)
}

/// Sends a failed notice again (the mail or SMS server is back), on the record.
#[server(prefix = "/api", endpoint = "admin/message-retry")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/message-retry", skip_all))]
pub async fn retry_message(message: i64) -> Result<(), AppError> {
    let admin = crate::api::catalogue_admin::ssr::province_admin()?;
    let store = crate::api::ctx::services()?.store;
    if !store.retry_message(message, &admin, crate::api::ctx::now_ms()).await? {
        return Err(AppError::NotFound);
    }
    leptos_axum::redirect("/mot-cua/tin-nhan?gui-lai=1");
    Ok(())
}

/// Renames a unit, or deactivates (`active` = `0`) or reactivates (`1`) it.
#[server(prefix = "/api", endpoint = "admin/unit-change")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/unit-change", skip_all))]
pub async fn change_unit(
    agency: String,
    unit: String,
    unit_name_vi: Option<String>,
    unit_name_en: Option<String>,
    active: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::text;
    use crate::ports::UnitChange;
    let (admin, own) = ssr::admin()?;
    if !ssr::is_province(&admin) && agency != own {
        return Err(AppError::Forbidden);
    }
    let change = match (active, unit_name_vi) {
        (Some(a), _) => UnitChange::Active(a == "1"),
        (None, Some(vi)) => {
            let en = unit_name_en.unwrap_or_default();
            let echo = vec![("unit_name_vi".to_string(), vi.clone()), ("unit_name_en".to_string(), en.clone())];
            let mut errors = Vec::new();
            let name_vi = text::agency_name("unit_name_vi", &vi, true).map_err(|e| errors.push(e)).unwrap_or_default();
            let name_en = text::agency_name("unit_name_en", &en, false).map_err(|e| errors.push(e)).unwrap_or_default();
            if !errors.is_empty() {
                return Err(AppError::fields(errors).with_values(echo));
            }
            UnitChange::Names { name_vi, name_en }
        }
        (None, None) => return Err(AppError::BadRequest("unit change".into())),
    };
    let store = crate::api::ctx::services()?.store;
    if !store.change_unit(&agency, &unit, change, &admin, crate::api::ctx::now_ms()).await? {
        return Err(AppError::NotFound);
    }
    leptos_axum::redirect(&format!("/mot-cua/co-quan?sua={agency}&xong=1"));
    Ok(())
}

/// Adds a unit (phòng, bộ phận) to an agency.
#[server(prefix = "/api", endpoint = "admin/unit-add")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/unit-add", skip_all))]
pub async fn add_unit(
    agency: String,
    unit_code: String,
    unit_name_vi: String,
    unit_name_en: String,
) -> Result<(), AppError> {
    use crate::domain::{text, FieldError};
    use crate::ports::StoreError;
    let (admin, own) = ssr::admin()?;
    if !ssr::is_province(&admin) && agency != own {
        return Err(AppError::Forbidden);
    }
    let echo = vec![
        ("agency".to_string(), agency.clone()),
        ("unit_code".to_string(), unit_code.clone()),
        ("unit_name_vi".to_string(), unit_name_vi.clone()),
        ("unit_name_en".to_string(), unit_name_en.clone()),
    ];
    let mut errors = Vec::new();
    let code = unit_code.trim().to_ascii_uppercase();
    if code.is_empty() {
        errors.push(FieldError::new("unit_code", "error-required"));
    } else if code.len() > 20 || !code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-') {
        errors.push(FieldError::new("unit_code", "error-unit-code-format"));
    }
    let name_vi =
        text::agency_name("unit_name_vi", &unit_name_vi, true).map_err(|e| errors.push(e)).unwrap_or_default();
    let name_en =
        text::agency_name("unit_name_en", &unit_name_en, false).map_err(|e| errors.push(e)).unwrap_or_default();
    if !errors.is_empty() {
        return Err(AppError::fields(errors).with_values(echo));
    }
    let store = crate::api::ctx::services()?.store;
    match store.create_unit(&agency, &code, &name_vi, &name_en, &admin, crate::api::ctx::now_ms()).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(AppError::field("unit_code", "error-unit-code-taken").with_values(echo))
        }
        Err(StoreError::NotFound) => return Err(AppError::field("agency", "error-select").with_values(echo)),
        Err(e) => return Err(e.into()),
    }
    leptos_axum::redirect("/mot-cua/co-quan?xong=1");
    Ok(())
}

#[server(prefix = "/api", endpoint = "admin/officers", input = GetUrl, output = crate::api::JsonText)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/officers", skip_all))]
pub async fn admin_officers(agency: Option<String>, link: Option<String>) -> Result<OfficersView, AppError> {
    use crate::api::ctx;
    let (admin, own) = ssr::admin()?;
    let store = ctx::services()?.store;
    let province_admin = ssr::is_province(&admin);
    let tree = store.agency_tree().await?;
    let agency = agency.filter(|a| !a.is_empty()).unwrap_or_else(|| own.clone());
    if !province_admin && agency != own {
        return Err(AppError::Forbidden);
    }
    let node = tree.iter().find(|a| a.code == agency).ok_or(AppError::NotFound)?;
    let shown = match link.filter(|l| !l.is_empty()) {
        Some(id) => ctx::kept(ssr::LINK_PURPOSE, &id)?.and_then(|v| {
            let get = |k: &str| v.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
            get("name").zip(get("link"))
        }),
        None => None,
    };
    Ok(OfficersView {
        agency: agency.clone(),
        agency_name: node.name.clone(),
        agencies: if province_admin {
            tree.iter().filter(|a| a.active).map(|a| (a.code.clone(), a.name.clone())).collect()
        } else {
            Vec::new()
        },
        units: node.units.iter().filter(|u| u.active).cloned().collect(),
        roles: ssr::assignable(&admin),
        officers: store.agency_officers(&agency).await?,
        events: store.admin_events(Some(&agency), EVENTS_SHOWN).await?,
        link: shown,
    })
}

/// Creates an officer of `agency` and shows their administrator a one-time link to give them.
#[server(prefix = "/api", endpoint = "admin/officer-add")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/officer-add", skip_all))]
pub async fn add_officer(
    agency: String,
    full_name: String,
    cccd: String,
    phone: String,
    email: String,
    role: String,
    unit: String,
) -> Result<(), AppError> {
    use crate::domain::person::Person;
    use crate::ports::{NewOfficer, NewUser, StoreError};
    let (admin, _) = ssr::admin()?;
    let echo = vec![
        ("full_name".to_string(), full_name.clone()),
        ("cccd".to_string(), cccd.clone()),
        ("phone".to_string(), phone.clone()),
        ("email".to_string(), email.clone()),
        ("role".to_string(), role.clone()),
        ("unit".to_string(), unit.clone()),
    ];
    let units = ssr::agency_units(&admin, &agency).await?;
    let mut errors = Vec::new();
    let person = Person::parse(&full_name, &cccd, &phone, &email, &mut errors);
    let role_unit = ssr::role_and_unit(&admin, &role, &unit, &units).map_err(|e| errors.extend(e)).ok();
    let (Some(person), Some((role, unit)), true) = (person.valid(), role_unit, errors.is_empty()) else {
        return Err(AppError::fields(errors).with_values(echo));
    };
    let services = crate::api::ctx::services()?;
    let now = crate::api::ctx::now_ms();
    let officer = NewOfficer { agency: agency.clone(), unit, role, user: NewUser::of(person, String::new(), now) };
    let name = officer.user.full_name.clone();
    let id = match services.store.create_officer(officer, &admin, now).await {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => return Err(AppError::field("cccd", "error-cccd-has-account").with_values(echo)),
        Err(e) => return Err(e.into()),
    };
    let shown = ssr::password_link(id, &name).await?;
    leptos_axum::redirect(&format!("/mot-cua/can-bo?co-quan={agency}&lien-ket={shown}"));
    Ok(())
}

/// Changes an officer's role and unit (the officer signs in again).
#[server(prefix = "/api", endpoint = "admin/officer-role")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/officer-role", skip_all))]
pub async fn change_officer_role(agency: String, officer: String, role: String, unit: String) -> Result<(), AppError> {
    use crate::ports::OfficerChange;
    let (admin, _) = ssr::admin()?;
    let units = ssr::agency_units(&admin, &agency).await?;
    let officer: i64 = officer.trim().parse().map_err(|_| AppError::NotFound)?;
    let echo = vec![("role".to_string(), role.clone()), ("unit".to_string(), unit.clone())];
    let (role, unit) =
        ssr::role_and_unit(&admin, &role, &unit, &units).map_err(|e| AppError::fields(e).with_values(echo))?;
    ssr::change(&admin, &agency, officer, OfficerChange::RoleAndUnit { role, unit }).await
}

/// Deactivates (`active` = `0`) or reactivates (`1`) an officer.
#[server(prefix = "/api", endpoint = "admin/officer-active")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/officer-active", skip_all))]
pub async fn set_officer_active(agency: String, officer: String, active: String) -> Result<(), AppError> {
    use crate::ports::OfficerChange;
    let (admin, _) = ssr::admin()?;
    ssr::agency_units(&admin, &agency).await?;
    let officer: i64 = officer.trim().parse().map_err(|_| AppError::NotFound)?;
    if officer == admin.id {
        return Err(AppError::Conflict("error-deactivate-self".into()));
    }
    ssr::change(&admin, &agency, officer, OfficerChange::Active(active == "1")).await
}

/// A new one-time password link for an officer (a forgotten password): the old one stops working.
#[server(prefix = "/api", endpoint = "admin/officer-link")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/officer-link", skip_all))]
pub async fn new_officer_link(agency: String, officer: String) -> Result<(), AppError> {
    let (admin, _) = ssr::admin()?;
    ssr::agency_units(&admin, &agency).await?;
    let officer: i64 = officer.trim().parse().map_err(|_| AppError::NotFound)?;
    let store = crate::api::ctx::services()?.store;
    let row = store.agency_officers(&agency).await?.into_iter().find(|o| o.id == officer).ok_or(AppError::NotFound)?;
    if !row.active {
        return Err(AppError::Conflict("error-officer-inactive".into()));
    }
    let shown = ssr::password_link(officer, &row.full_name).await?;
    leptos_axum::redirect(&format!("/mot-cua/can-bo?co-quan={agency}&lien-ket={shown}"));
    Ok(())
}

/// Clears an officer's second factor (a lost phone): they enrol again at their next sign-in,
/// their sessions end, and the record says who did it.
#[server(prefix = "/api", endpoint = "admin/officer-second-factor")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/officer-second-factor", skip_all))]
pub async fn reset_officer_second_factor(agency: String, officer: String) -> Result<(), AppError> {
    let (admin, _) = ssr::admin()?;
    ssr::agency_units(&admin, &agency).await?;
    let officer: i64 = officer.trim().parse().map_err(|_| AppError::NotFound)?;
    let store = crate::api::ctx::services()?.store;
    if !store.reset_second_factor(officer, Some(&agency), &admin, crate::api::ctx::now_ms()).await? {
        return Err(AppError::NotFound);
    }
    leptos_axum::redirect(&format!("/mot-cua/can-bo?co-quan={agency}&hai-lop=1"));
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::api::ctx;
    use crate::domain::role::Role;
    use crate::domain::FieldError;
    use crate::error::AppError;
    use crate::ports::{AgencyChange, CurrentUser, LinkPurpose, NewLink, OfficerChange};
    use crate::read::admin::UnitRow;

    /// What the kept links are kept under.
    pub const LINK_PURPOSE: &str = "officer-link";

    pub fn admin() -> Result<(CurrentUser, String), AppError> {
        crate::api::desk::ssr::officer(&[Role::ProvinceAdmin, Role::AgencyAdmin])
    }

    /// An agency's details as typed: names, address, phone, opening hours, fee account; each
    /// problem at its field.
    pub fn agency_details(fields: [&str; 6], errors: &mut Vec<FieldError>) -> Option<AgencyChange> {
        use crate::domain::text;
        let before = errors.len();
        let [name_vi, name_en, address, phone, opening_hours, bank_account] = fields;
        let name_vi = text::agency_name("name_vi", name_vi, true).map_err(|e| errors.push(e)).unwrap_or_default();
        let name_en = text::agency_name("name_en", name_en, false).map_err(|e| errors.push(e)).unwrap_or_default();
        let mut line = |field: &str, value: &str, max: usize| {
            text::single_line(field, value, false, max).map_err(|e| errors.push(e)).unwrap_or_default()
        };
        let address = line("address", address, 300);
        let phone = line("phone", phone, 40);
        let opening_hours = line("opening_hours", opening_hours, 300);
        let bank_account = line("bank_account", bank_account, 300);
        if !phone.chars().all(|c| c.is_ascii_digit() || " .+-()".contains(c)) {
            errors.push(FieldError::new("phone", "error-phone-line"));
        }
        (errors.len() == before).then_some(AgencyChange::Details {
            name_vi,
            name_en,
            address,
            phone,
            opening_hours,
            bank_account,
        })
    }

    /// Applies `change` to `agency` and goes back to its edit view.
    pub async fn agency_change(admin: &CurrentUser, agency: &str, change: AgencyChange) -> Result<(), AppError> {
        let store = ctx::services()?.store;
        if !store.change_agency(agency, change, admin, ctx::now_ms()).await? {
            return Err(AppError::NotFound);
        }
        // The public lists name agencies, every page the province: kept pages are dropped.
        let services = ctx::services()?;
        (services.catalogue_changed)();
        crate::api::content::ssr::site_changed(&services).await?;
        leptos_axum::redirect(&format!("/mot-cua/co-quan?sua={agency}&xong=1"));
        Ok(())
    }

    pub fn is_province(admin: &CurrentUser) -> bool {
        admin.role == Role::ProvinceAdmin
    }

    /// The roles `admin` may give: every officer's role; an agency's administrator never makes a
    /// province administrator.
    pub fn assignable(admin: &CurrentUser) -> Vec<Role> {
        Role::OFFICERS.into_iter().filter(|r| is_province(admin) || *r != Role::ProvinceAdmin).collect()
    }

    /// The active units of `agency`, when `admin` may manage it.
    pub async fn agency_units(admin: &CurrentUser, agency: &str) -> Result<Vec<UnitRow>, AppError> {
        if !is_province(admin) && admin.agency_code.as_deref() != Some(agency) {
            return Err(AppError::Forbidden);
        }
        let tree = ctx::services()?.store.agency_tree().await?;
        let node = tree.into_iter().find(|a| a.code == agency && a.active).ok_or(AppError::NotFound)?;
        Ok(node.units.into_iter().filter(|u| u.active).collect())
    }

    /// A role `admin` may give, and a unit of the agency: required for a specialist and a unit's
    /// leader, who work inside one; optional for the others.
    pub fn role_and_unit(
        admin: &CurrentUser,
        role: &str,
        unit: &str,
        units: &[UnitRow],
    ) -> Result<(Role, String), Vec<FieldError>> {
        let mut errors = Vec::new();
        let role = Role::parse(role).filter(|r| assignable(admin).contains(r));
        if role.is_none() {
            errors.push(FieldError::new("role", "error-select"));
        }
        let unit = unit.trim().to_string();
        let needs_unit = matches!(role, Some(Role::Specialist | Role::DepartmentLeader));
        if unit.is_empty() && needs_unit {
            errors.push(FieldError::new("unit", "error-unit-required"));
        } else if !unit.is_empty() && !units.iter().any(|u| u.code == unit) {
            errors.push(FieldError::new("unit", "error-select"));
        }
        match role {
            Some(role) if errors.is_empty() => Ok((role, unit)),
            _ => Err(errors),
        }
    }

    pub async fn change(
        admin: &CurrentUser,
        agency: &str,
        officer: i64,
        change: OfficerChange,
    ) -> Result<(), AppError> {
        let store = ctx::services()?.store;
        if !store.change_officer(agency, officer, change, admin, ctx::now_ms()).await? {
            return Err(AppError::NotFound);
        }
        leptos_axum::redirect(&format!("/mot-cua/can-bo?co-quan={agency}&xong=1"));
        Ok(())
    }

    /// Issues a password link for `user` and keeps it for this administrator's page; the opaque id
    /// that shows it.
    pub async fn password_link(user: i64, name: &str) -> Result<String, AppError> {
        use crate::api::setup::{ssr as links, PASSWORD_PATH};
        let services = ctx::services()?;
        let now = ctx::now_ms();
        let (token, link) = links::new_link(&services.config.public_url, PASSWORD_PATH);
        let admin = ctx::require_user()?;
        services
            .store
            .issue_link(
                NewLink {
                    token_hash: links::link_hash(&token),
                    purpose: LinkPurpose::Password,
                    user_id: Some(user),
                    created_at_ms: now,
                    expires_at_ms: now + links::LINK_HOURS * 3_600_000,
                },
                &admin,
            )
            .await?;
        ctx::keep(LINK_PURPOSE, vec![("name".into(), name.to_string()), ("link".into(), link)])
    }
}
