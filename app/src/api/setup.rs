//! Going live: the one-time setup link with which the first administrator sets up the province,
//! and the one-time links with which an officer sets a password (`create-admin`, and later the
//! administrators' "reset password"). The token travels in the link's query (`?t=`), which the
//! logs leave out; the database keeps only its SHA-256.
// A form's server function takes each field as its own parameter.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;

/// Where the setup link and the password links lead.
pub const SETUP_PATH: &str = "/cai-dat";
pub const PASSWORD_PATH: &str = "/dat-mat-khau";

/// Whether the link with token `t` still works, and for whose account.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LinkInfo {
    pub live: bool,
    /// The account a password link is for (its holder's name), to say whose password is set.
    pub full_name: Option<String>,
}

#[server(prefix = "/api", endpoint = "setup/link", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "setup/link", skip_all))]
pub async fn link_state(t: String, purpose: String) -> Result<LinkInfo, AppError> {
    use crate::ports::LinkPurpose;
    let services = crate::api::ctx::services()?;
    let purpose = LinkPurpose::parse(&purpose).ok_or(AppError::NotFound)?;
    let live = match ssr::well_formed(&t) {
        Some(t) => services.store.live_link(&ssr::link_hash(t), purpose, crate::api::ctx::now_ms()).await?,
        None => None,
    };
    Ok(LinkInfo { full_name: live.as_ref().and_then(|l| l.full_name.clone()), live: live.is_some() })
}

/// The setup link's form: the province (the root of the agency tree: its identifier code and
/// name) and its first administrator. Everything is checked before anything is written; the
/// link then stops working and the administrator is signed in.
#[server(prefix = "/api", endpoint = "setup/province")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "setup/province", skip_all))]
pub async fn set_up_province(
    t: String,
    province_code: String,
    province_name_vi: String,
    province_name_en: String,
    full_name: String,
    cccd: String,
    phone: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    use crate::api::{account, ctx};
    use crate::domain::{agency_code::AgencyCode, password, person::Person, text, FieldError};
    use crate::ports::{NewUser, ProvinceSetup, StoreError};

    let echo = vec![
        ("province_code".to_string(), province_code.clone()),
        ("province_name_vi".to_string(), province_name_vi.clone()),
        ("province_name_en".to_string(), province_name_en.clone()),
        ("full_name".to_string(), full_name.clone()),
        ("cccd".to_string(), cccd.clone()),
        ("phone".to_string(), phone.clone()),
        ("email".to_string(), email.clone()),
    ];
    let dead = || AppError::field("t", "error-link-dead").with_values(echo.clone());
    let token = ssr::well_formed(&t).ok_or_else(dead)?;
    let mut errors = Vec::new();
    let code = AgencyCode::parse("province_code", &province_code).map_err(|e| errors.push(e)).ok();
    let name_vi = text::agency_name("province_name_vi", &province_name_vi, true).map_err(|e| errors.push(e)).ok();
    let name_en = text::agency_name("province_name_en", &province_name_en, false).map_err(|e| errors.push(e)).ok();
    let person = Person::parse(&full_name, &cccd, &phone, &email, &mut errors);
    if let Err(e) = password::check("password", &password, &person.personal()) {
        errors.push(e);
    }
    let (Some(code), Some(name_vi), Some(name_en), Some(person), true) =
        (code, name_vi, name_en, person.valid(), errors.is_empty())
    else {
        return Err(AppError::fields(errors).with_values(echo));
    };
    let services = ctx::services()?;
    let now = ctx::now_ms();
    let hash = ssr::link_hash(token);
    // A dead link is told before the password is hashed.
    if services.store.live_link(&hash, crate::ports::LinkPurpose::Setup, now).await?.is_none() {
        return Err(dead());
    }
    let password_hash = account::ssr::hash_password_in_pool(password).await?;
    let setup = ProvinceSetup {
        code: code.as_str().to_string(),
        name_vi,
        name_en,
        admin: NewUser::of(person, password_hash, now),
    };
    let admin = match services.store.set_up_province(&hash, setup, now).await {
        Ok(Some(id)) => id,
        Ok(None) => return Err(dead()),
        Err(StoreError::Conflict(_)) => {
            return Err(AppError::fields(vec![FieldError::new("cccd", "error-cccd-taken")]).with_values(echo))
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(admin, "the province was set up; the setup link is used");
    crate::api::content::ssr::site_changed(&services).await?;
    // The administrator's session starts once a second factor is enrolled.
    crate::api::second_factor::ssr::challenge(&services, admin, "/mot-cua").await
}

/// A password link's form: the new password. The link then stops working, every session of the
/// account ends, and the officer signs in with the new password.
#[server(prefix = "/api", endpoint = "setup/password")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "setup/password", skip_all))]
pub async fn set_password(t: String, password: String) -> Result<(), AppError> {
    use crate::api::{account, ctx};
    use crate::domain::password;

    let dead = || AppError::field("t", "error-link-dead");
    let token = ssr::well_formed(&t).ok_or_else(dead)?;
    let services = ctx::services()?;
    let now = ctx::now_ms();
    let hash = ssr::link_hash(token);
    if services.store.live_link(&hash, crate::ports::LinkPurpose::Password, now).await?.is_none() {
        return Err(dead());
    }
    password::check("password", &password, &[]).map_err(|e| AppError::fields(vec![e]))?;
    let password_hash = account::ssr::hash_password_in_pool(password).await?;
    let Some(user) = services.store.set_password_with_link(&hash, &password_hash, now).await? else {
        return Err(dead());
    };
    tracing::info!(user, "a password was set with a one-time link");
    // An officer's link (from their administrator) or a citizen's (a reset by e-mail).
    let (role, _, _) = services.store.second_factor(user).await?;
    let next = if role == "citizen" { "%2Fho-so" } else { "%2Fmot-cua" };
    leptos_axum::redirect(&format!("/dang-nhap?mat-khau=1&next={next}"));
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::domain::secret;
    use sha2::{Digest, Sha256};

    /// A link works this long: a day for the setup and password links.
    pub const LINK_HOURS: i64 = 24;

    /// The token as typed in the link, when it has the shape of one (so nothing else is hashed
    /// or looked up).
    pub fn well_formed(t: &str) -> Option<&str> {
        let t = t.trim();
        (t.len() == secret::LINK_TOKEN_LEN && t.bytes().all(|b| secret::ALPHABET.contains(&b))).then_some(t)
    }

    pub fn link_hash(token: &str) -> String {
        hex::encode(Sha256::digest(format!("one-time-link:{token}").as_bytes()))
    }

    /// A fresh token and the link that carries it, under `public_url`.
    pub fn new_link(public_url: &str, path: &str) -> (String, String) {
        use rand::{rngs::OsRng, RngCore};
        let mut random = [0u8; secret::LINK_TOKEN_LEN];
        OsRng.fill_bytes(&mut random);
        let token = secret::symbols(&random);
        let link = format!("{}{path}?t={token}", public_url.trim_end_matches('/'));
        (token, link)
    }
}
