//! Signed results (issue 14): the result document an approval issues — one A4 page naming the
//! result's number, holder, procedure, signer and validity, with the QR code of its public
//! verification page and the approved draft attached — signed with the issuing agency's key as
//! a PAdES baseline signature (`sign`), which `pdfsig` verifies. A worker makes the documents
//! still waiting (after a restart, or issued by the demo), and the verification page's download.

pub mod font;
pub mod pdf;
pub mod sign;

use crate::AppState;
use app::domain::result::Origin;
use app::ports::ResultSigner;
use app::read::results::ResultRecord;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use pdf::{Attachment, Document, Mark, A4};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The font result documents are written in, unless `PORTAL_RESULT_FONT` names another
/// TrueType font with Vietnamese letters (Debian's `fonts-dejavu-core`).
pub const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

pub struct Maker {
    keys: sign::Keys,
    font: font::Font,
}

impl Maker {
    pub fn new(keys: sign::Keys, font_path: &std::path::Path) -> anyhow::Result<Maker> {
        let bytes =
            std::fs::read(font_path).map_err(|e| anyhow::anyhow!("result font {}: {e}", font_path.display()))?;
        Ok(Maker { keys, font: font::Font::from_bytes(bytes)? })
    }

    pub fn keys(&self) -> &sign::Keys {
        &self.keys
    }
}

/// The signer the configuration asks for: the province's keys from `PORTAL_SIGNING_DIR`, or the
/// demo's own CA in demo mode; none (results wait for their document, with a warning) otherwise.
pub fn from_config(config: &crate::config::Config) -> Option<Arc<Maker>> {
    let font = std::env::var("PORTAL_RESULT_FONT").unwrap_or_else(|_| DEFAULT_FONT.to_string());
    let keys = match std::env::var("PORTAL_SIGNING_DIR").ok().filter(|d| !d.trim().is_empty()) {
        Some(dir) => Ok(sign::Keys::configured(dir.into())),
        None if config.demo_data => sign::Keys::demo(config.data_dir.join("demo-pki")).map_err(anyhow::Error::from),
        None => {
            tracing::warn!("no PORTAL_SIGNING_DIR: results are recorded and wait for their signed document");
            return None;
        }
    };
    match keys.and_then(|k| Maker::new(k, std::path::Path::new(&font))) {
        Ok(m) => Some(Arc::new(m)),
        Err(e) => {
            tracing::error!("result signing is off: {e}");
            None
        }
    }
}

/// `D:YYYYMMDDHHmm00+07'00'` at `ms`.
fn pdf_date(ms: i64) -> String {
    let t = app::domain::vn_time::local(ms);
    format!("D:{:04}{:02}{:02}{:02}{:02}00+07'00'", t.year, t.month, t.day, t.hour, t.minute)
}

/// "ngày 03 tháng 12 năm 2026".
fn vn_date(ms: i64) -> String {
    let t = app::domain::vn_time::local(ms);
    format!("ngày {:02} tháng {:02} năm {}", t.day, t.month, t.year)
}

/// Lines of at most `width` points, broken between words.
fn wrap(font: &font::Font, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if font.width(&candidate, size) > width && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

struct Page<'a> {
    font: &'a font::Font,
    marks: Vec<Mark>,
}

impl Page<'_> {
    fn text(&mut self, x: f32, y: f32, size: f32, text: &str) {
        self.marks.push(Mark::Text { x, y, size, text: text.to_string() });
    }

    /// `text` centred on `centre`, wrapped to `width`; the y below it.
    fn centred(&mut self, centre: f32, mut y: f32, size: f32, width: f32, text: &str) -> f32 {
        for line in wrap(self.font, text, size, width) {
            let w = self.font.width(&line, size);
            self.text(centre - w / 2.0, y, size, &line);
            y -= size * 1.35;
        }
        y
    }

    /// `label` then `value`, wrapped from `x` to the right margin; the y below it.
    fn field(&mut self, x: f32, mut y: f32, label: &str, value: &str) -> f32 {
        const SIZE: f32 = 11.0;
        for line in wrap(self.font, &format!("{label}: {value}"), SIZE, A4.0 - x - 60.0) {
            self.text(x, y, SIZE, &line);
            y -= SIZE * 1.45;
        }
        y - 3.0
    }
}

/// The page of result `r`.
fn layout(font: &font::Font, r: &ResultRecord, draft: Option<&str>, verify_url: &str) -> Vec<Mark> {
    let mut p = Page { font, marks: Vec::new() };
    let top = A4.1 - 60.0;
    let left_centre = 160.0;
    let right_centre = 410.0;
    let mut y = p.centred(left_centre, top, 10.5, 210.0, &r.agency.vi.to_uppercase());
    p.marks.push(Mark::Line { x1: left_centre - 35.0, y1: y + 9.0, x2: left_centre + 35.0, y2: y + 9.0 });
    p.centred(left_centre, y - 6.0, 10.5, 210.0, &format!("Số: {}", r.number));
    y = p.centred(right_centre, top, 10.5, 260.0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    y = p.centred(right_centre, y, 10.5, 260.0, "Độc lập - Tự do - Hạnh phúc");
    p.marks.push(Mark::Line { x1: right_centre - 70.0, y1: y + 9.0, x2: right_centre + 70.0, y2: y + 9.0 });
    p.centred(right_centre, y - 6.0, 10.0, 260.0, &vn_date(r.issued_at_ms));
    y = top - 105.0;
    y = p.centred(A4.0 / 2.0, y, 15.0, 460.0, "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH");
    y -= 14.0;
    let x = 70.0;
    y = p.field(x, y, "Thủ tục", &format!("{} (mã {})", r.procedure.vi, r.procedure_code));
    y = p.field(x, y, "Người nhận kết quả", &r.holder_name);
    y = p.field(x, y, "Mã hồ sơ", &r.dossier_code);
    let summary = if r.summary.trim().is_empty() {
        "Chấp thuận theo hồ sơ đã thẩm định."
    } else {
        r.summary.trim()
    };
    y = p.field(x, y, "Nội dung giải quyết", summary);
    let validity = match r.valid_until_ms {
        Some(until) => format!("đến {}", vn_date(until)),
        None => "không thời hạn".to_string(),
    };
    y = p.field(x, y, "Hiệu lực", &validity);
    if let Some(name) = draft {
        y = p.field(x, y, "Văn bản kết quả (tệp đính kèm trong tài liệu này)", name);
    }
    let form = match r.origin {
        Origin::Signed => "bản điện tử có chữ ký số của cơ quan giải quyết",
        Origin::Digitised => "bản số hóa từ bản giấy, được chứng thực điện tử",
    };
    y = p.field(x, y, "Hình thức", form);
    // The signer, on the right.
    y -= 20.0;
    let mut s = p.centred(right_centre, y, 11.0, 240.0, "NGƯỜI KÝ");
    s = p.centred(right_centre, s, 9.5, 240.0, "(Đã ký số)");
    p.centred(right_centre, s - 40.0, 11.0, 240.0, &r.signer_name);
    // The QR code of the verification page, bottom left.
    if let Ok(code) = qrcode::QrCode::new(verify_url.as_bytes()) {
        let width = code.width();
        let side = 110.0 / width as f32;
        let (x0, y0) = (60.0, 90.0);
        for (i, c) in code.to_colors().iter().enumerate() {
            if *c == qrcode::Color::Dark {
                let (col, row) = ((i % width) as f32, (i / width) as f32);
                p.marks.push(Mark::Square { x: x0 + col * side, y: y0 + 110.0 - (row + 1.0) * side, side });
            }
        }
        p.text(185.0, 180.0, 10.0, "Quét mã để xác thực kết quả này, hoặc mở:");
        p.text(185.0, 165.0, 9.0, verify_url);
        p.text(185.0, 140.0, 9.0, "Trang xác thực cho biết số, ngày, cơ quan, người ký, hiệu lực,");
        p.text(185.0, 128.0, 9.0, "mã SHA-256 của tài liệu và kết quả đã bị thu hồi hay thay thế chưa.");
    }
    p.marks
}

impl ResultSigner for Maker {
    fn make(
        &self,
        r: &ResultRecord,
        draft: Option<(String, String, Vec<u8>)>,
        verify_url: &str,
    ) -> Result<Vec<u8>, String> {
        let key = self.keys.agency(&r.agency_code, &r.agency.vi).map_err(|e| e.to_string())?;
        let doc = Document {
            title: format!("Kết quả số {} — {}", r.number, r.procedure.vi),
            author: r.agency.vi.clone(),
            marks: layout(&self.font, r, draft.as_ref().map(|(n, _, _)| n.as_str()), verify_url),
            attachments: draft
                .map(|(name, content_type, bytes)| vec![Attachment { name, content_type, bytes }])
                .unwrap_or_default(),
            signer_name: format!("{} — {}", r.signer_name, r.agency.vi),
            reason: format!("Kết quả giải quyết thủ tục hành chính số {}", r.number),
            location: r.agency.vi.clone(),
            signed_at: pdf_date(r.issued_at_ms),
        };
        let prepared = pdf::prepare(&doc, &self.font).map_err(|e| e.to_string())?;
        let mut digest = Sha256::new();
        for part in prepared.signed_bytes() {
            digest.update(part);
        }
        let der = key.sign_detached(&digest.finalize()).map_err(|e| e.to_string())?;
        prepared.finish(&der)
    }
}

/// Makes the documents of results still waiting for one, every `period`.
pub fn spawn_worker(services: app::ports::Services, period: std::time::Duration) {
    if services.results.is_none() {
        return;
    }
    tokio::spawn(async move {
        loop {
            match app::api::results::ssr::complete_waiting(&services, 20).await {
                Ok(0) => tokio::time::sleep(period).await,
                Ok(n) => tracing::info!(made = n, "result documents signed"),
                Err(e) => {
                    tracing::error!("result documents: {e:?}");
                    tokio::time::sleep(period).await;
                }
            }
        }
    });
}

/// `/xac-thuc/{token}/tai-ve`: the signed document of the result whose QR code is `token`, for
/// whoever holds it (the token is the result's own secret, printed on it). A result still being
/// signed answers 503 with a retry hint; an unknown token 404.
pub async fn download(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let services = &state.services;
    let record = match app::api::results::ssr::by_token(services, &token).await {
        Ok(r) => r,
        Err(app::error::AppError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!("result download: {e:?}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let record = match &record.document {
        Some(_) => record,
        None => {
            if let Err(e) = app::api::results::ssr::complete(services, &token).await {
                tracing::error!("result document: {e:?}");
            }
            match app::api::results::ssr::by_token(services, &token).await {
                Ok(r) if r.document.is_some() => r,
                _ => return (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "10")]).into_response(),
            }
        }
    };
    let Some((key, _, _)) = &record.document else { return StatusCode::NOT_FOUND.into_response() };
    let bytes = match services.files.read(key).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!("result document read: {e}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let name = format!("ket-qua-{}.pdf", record.number.replace('/', "-"));
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::read::Name;

    /// A result of the demo CA, as `make` writes it.
    fn sample(dir: &std::path::Path) -> Option<(Maker, Vec<u8>)> {
        if !std::path::Path::new(DEFAULT_FONT).exists() {
            assert!(std::env::var("PORTAL_REQUIRE_PDFSIG").is_err(), "the result font is missing");
            return None;
        }
        let maker = Maker::new(sign::Keys::demo(dir.join("pki")).unwrap(), std::path::Path::new(DEFAULT_FONT)).unwrap();
        let r = ResultRecord {
            id: 1,
            dossier_code: "H48.01-261203-0001".into(),
            number: "000001/2026/KQ".into(),
            token: "abcdefghjkmnpqrstuvwxyz123".into(),
            issued_at_ms: 1_796_000_000_000,
            agency_code: "000.00.01.H48".into(),
            agency: Name { vi: "Sở Tư pháp tỉnh Quảng Trị".into(), en: "Department of Justice".into() },
            signer_name: "Lê Thị Hồng".into(),
            holder_name: "Nguyễn Văn Ấn".into(),
            procedure_code: "1.001193".into(),
            procedure: Name {
                vi: "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam".into(), en: String::new()
            },
            summary: "Đồng ý cấp phiếu.".into(),
            valid_until_ms: None,
            origin: Origin::Signed,
            draft: None,
            document: None,
            revoked_at_ms: None,
            revoked_reason: None,
            replaced_by: None,
            replaces: None,
        };
        let draft = ("Phiếu lý lịch.pdf".to_string(), "application/pdf".to_string(), b"%PDF-1.4 draft".to_vec());
        let bytes =
            maker.make(&r, Some(draft), "https://dichvucong.example.vn/xac-thuc/abcdefghjkmnpqrstuvwxyz123").unwrap();
        Some((maker, bytes))
    }

    fn run(cmd: &mut std::process::Command) -> Option<String> {
        let out = cmd.output().ok()?;
        Some(format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    }

    /// `pdfsig` (poppler, NSS) checks the signature; with the demo CA trusted in an NSS database,
    /// the certificate too. One changed byte in the signed range breaks it.
    #[test]
    fn pdfsig_reports_the_signature_valid_and_a_changed_byte_breaks_it() {
        let dir = std::env::temp_dir().join(format!("portal-result-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let Some((maker, bytes)) = sample(&dir) else { return };
        let file = dir.join("result.pdf");
        std::fs::write(&file, &bytes).unwrap();
        if let Ok(keep) = std::env::var("PORTAL_RESULT_SAMPLE") {
            std::fs::write(keep, &bytes).unwrap(); // to look at it
        }
        if run(std::process::Command::new("pdfsig").arg("-v")).is_none() {
            assert!(std::env::var("PORTAL_REQUIRE_PDFSIG").is_err(), "pdfsig is missing (poppler-utils)");
            return;
        }
        let nss = dir.join("nss");
        std::fs::create_dir_all(&nss).unwrap();
        let db = format!("sql:{}", nss.display());
        std::fs::write(dir.join("ca.pem"), maker.keys().demo_ca_pem().unwrap()).unwrap();
        run(std::process::Command::new("certutil").args(["-N", "-d", &db, "--empty-password"])).unwrap();
        let added = run(std::process::Command::new("certutil")
            .args(["-A", "-d", &db, "-n", "demo-ca", "-t", "CT,C,C", "-i"])
            .arg(dir.join("ca.pem")))
        .unwrap();
        let report = run(std::process::Command::new("pdfsig").args(["-nssdir", &db]).arg(&file)).unwrap();
        assert!(report.contains("Signature Validation: Signature is Valid."), "{added}\n{report}");
        assert!(report.contains("Certificate Validation: Certificate is Trusted."), "{report}");
        assert!(report.contains("Total document signed"), "{report}");
        assert!(report.contains("ETSI.CAdES.detached"), "{report}");
        assert!(report.contains("Signer Certificate Common Name: Sở Tư pháp tỉnh Quảng Trị (DEMO)"), "{report}");
        // The text is real text: it can be searched and copied.
        if let Some(text) = run(std::process::Command::new("pdftotext").arg(&file).arg("-")) {
            assert!(text.contains("KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"), "{text}");
            assert!(text.contains("Nguyễn Văn Ấn") && text.contains("000001/2026/KQ"), "{text}");
        }
        // One byte of the page changed: the signature no longer holds.
        let mut forged = bytes.clone();
        let at = forged.windows(6).position(|w| w == b"/Title").unwrap() + 9;
        forged[at] ^= 0x01;
        std::fs::write(&file, &forged).unwrap();
        let report = run(std::process::Command::new("pdfsig").args(["-nssdir", &db]).arg(&file)).unwrap();
        assert!(!report.contains("Signature is Valid."), "{report}");
        assert_ne!(hex::encode(Sha256::digest(&forged)), hex::encode(Sha256::digest(&bytes)));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn lines_wrap_between_words_within_the_width() {
        let Some(f) = std::fs::read(DEFAULT_FONT).ok().map(|b| font::Font::from_bytes(b).unwrap()) else { return };
        let lines = wrap(&f, "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam đang cư trú ở trong nước", 11.0, 150.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| f.width(l, 11.0) <= 150.0));
        assert_eq!(lines.join(" "), "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam đang cư trú ở trong nước");
    }
}
