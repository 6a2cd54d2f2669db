//! The catalogue file (`docs/catalogue-format.md`): agencies with their units and which unit is
//! competent for which sector, sectors, and procedures shaped like the national TTHC database's
//! records. [`check`] reads a parsed file against what the database already holds and returns
//! either every procedure resolved (its workflow built, its version's content fixed) or every
//! problem found, each with the code of the record and the field it is in — never the first
//! problem only: an administrator fixes a file once, not once per problem.

use super::clock::Allowance;
use super::form::{FieldKind, FormField};
use super::workflow::{Workflow, WorkflowError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The one format this version reads.
pub const FORMAT: &str = "portal-catalogue/1";
pub const LEVELS: [&str; 2] = ["province", "commune"];
pub const ONLINE_LEVELS: [&str; 2] = ["full", "partial"];
pub const CHANNELS: [&str; 3] = ["online", "counter", "postal"];
pub const AGENCY_KINDS: [&str; 3] = ["department", "commune", "centre"];
/// The unit sector rule that matches every sector not matched by another unit of the agency.
pub const ANY_SECTOR: &str = "*";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueFile {
    pub format: String,
    /// When the procedures' versions take effect unless a procedure says otherwise (YYYY-MM-DD;
    /// the import's day when absent).
    #[serde(default)]
    pub effective_from: Option<String>,
    /// The province; may be left out once the province is set up.
    #[serde(default)]
    pub province: Option<FileAgency>,
    #[serde(default)]
    pub agencies: Vec<FileAgency>,
    #[serde(default)]
    pub sectors: Vec<FileSector>,
    #[serde(default)]
    pub procedures: Vec<FileProcedure>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileAgency {
    pub code: String,
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
    /// `department`, `commune` or `centre` (left out for the province).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub address_vi: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub opening_hours: String,
    #[serde(default)]
    pub saturday_morning: bool,
    #[serde(default)]
    pub units: Vec<FileUnit>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileUnit {
    pub code: String,
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
    /// The sectors this unit is competent for; `"*"` for every other sector of the agency.
    #[serde(default)]
    pub sectors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileSector {
    pub code: String,
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
}

/// A fee or charge of a procedure (typed amount in VND per case; 0 for an exemption stated in the
/// note), when it falls due, whether every dossier owes it or the officer assesses it, who
/// collects it and the cases exempted from it (`domain::fees`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    pub name_vi: String,
    pub amount_vnd: i64,
    #[serde(default)]
    pub note_vi: Option<String>,
    #[serde(default)]
    pub due: super::fees::FeeDue,
    #[serde(default)]
    pub basis: super::fees::FeeBasis,
    /// Who collects it, when not the executing agency.
    #[serde(default)]
    pub collector_vi: Option<String>,
    /// Not owed when the dossier is submitted online (e.g. business registration).
    #[serde(default)]
    pub exempt_online: bool,
    /// The cases the law exempts, for the officer to choose from.
    #[serde(default)]
    pub exemptions_vi: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileComponent {
    pub name_vi: String,
    pub copies_vi: String,
    pub required: bool,
    #[serde(default)]
    pub form_file: Option<String>,
}

/// The allowance as the file states it: the amount as a number or a decimal string.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileAllowance {
    pub amount: serde_json::Value,
    pub unit: String,
}

impl FileAllowance {
    pub fn parse(&self) -> Option<Allowance> {
        let amount = match &self.amount {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => s.clone(),
            _ => return None,
        };
        Allowance::parse(&amount, &self.unit)
    }
}

/// Another agency's part of the work, in sequence after the handling agency's appraisal (liên
/// thông): its unit and its share of the appraisal's time, in per cent.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Liaison {
    pub agency: String,
    pub unit: String,
    pub share_percent: i64,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileProcedure {
    pub code: String,
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
    pub sector: String,
    pub level: String,
    pub executing_agency: String,
    pub receiving_agency: String,
    pub online_level: String,
    #[serde(default)]
    pub online_reason_vi: Option<String>,
    pub channels: Vec<String>,
    pub steps_vi: Vec<String>,
    pub allowance: FileAllowance,
    #[serde(default)]
    pub applicants_vi: String,
    #[serde(default)]
    pub result_vi: String,
    #[serde(default)]
    pub fees: Vec<Fee>,
    #[serde(default)]
    pub conditions_vi: String,
    pub legal_basis: Vec<String>,
    pub components: Vec<FileComponent>,
    pub form_fields: Vec<FormField>,
    /// When this version takes effect, if not the file's date.
    #[serde(default)]
    pub effective_from: Option<String>,
    /// The unit of the executing agency that handles it, if not the one its sector rules pick.
    #[serde(default)]
    pub competent_unit: Option<String>,
    #[serde(default)]
    pub liaison: Vec<Liaison>,
}

/// What a procedure version says besides its header, components, form and workflow; stored as
/// JSON with the version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionDetails {
    pub online_reason_vi: Option<String>,
    pub channels: Vec<String>,
    pub steps_vi: Vec<String>,
    pub allowance: Allowance,
    pub applicants_vi: String,
    pub result_vi: String,
    pub fees: Vec<Fee>,
    pub conditions_vi: String,
    pub legal_basis: Vec<String>,
}

impl VersionDetails {
    /// The parts TT 32/2017 Đ5.1 requires of a published procedure that this version leaves
    /// empty (its name, agency and deadline are always there; components are counted apart):
    /// steps, ways of doing it, who may apply, the result and the legal basis.
    pub fn missing_public_parts(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.steps_vi.iter().all(|s| s.trim().is_empty()) {
            out.push("steps");
        }
        if self.channels.is_empty() {
            out.push("channels");
        }
        if self.applicants_vi.trim().is_empty() {
            out.push("applicants");
        }
        if self.result_vi.trim().is_empty() {
            out.push("result");
        }
        if self.legal_basis.iter().all(|s| s.trim().is_empty()) {
            out.push("legal_basis");
        }
        out
    }
}

/// What a procedure version says about the procedure itself (copied onto the procedure when the
/// version takes effect).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureHeader {
    pub name_vi: String,
    pub name_en: String,
    pub sector: String,
    pub level: String,
    pub executing_agency: String,
    pub receiving_agency: String,
    pub online_level: String,
}

/// One version of a procedure, checked and resolved: what the database stores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionContent {
    pub header: ProcedureHeader,
    pub details: VersionDetails,
    pub components: Vec<FileComponent>,
    pub form: Vec<FormField>,
    pub workflow: Workflow,
}

impl VersionContent {
    /// The SHA-256 of the content's canonical JSON: equal contents, equal hashes; how a
    /// re-import knows that nothing changed.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let json = serde_json::to_string(self).unwrap_or_default();
        hex::encode(Sha256::digest(json.as_bytes()))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckedProcedure {
    pub code: String,
    pub effective_from: String,
    pub content: VersionContent,
    /// Searched besides the name: code, English name, sector, result, applicants, components.
    pub search_text: String,
}

/// What the database already holds, as far as a file may refer to it.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub province: Option<String>,
    /// Active agencies by code, with their kind.
    pub agencies: BTreeMap<String, String>,
    /// Active units by (agency, unit), with the sectors they are competent for.
    pub units: BTreeMap<(String, String), Vec<String>>,
    pub sectors: BTreeSet<String>,
    /// The e-form templates that can be downloaded; `None` skips that check.
    pub form_files: Option<BTreeSet<String>>,
}

/// One thing wrong with a file: which record (a procedure's, agency's or sector's code; empty
/// for the file itself), which field, and a message key with its argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub subject: String,
    pub field: String,
    pub key: String,
    pub arg: String,
}

/// The file checked: agencies, units and sectors to write, and every procedure resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The province to create, when the database has none.
    pub province: Option<FileAgency>,
    pub agencies: Vec<FileAgency>,
    pub sectors: Vec<FileSector>,
    pub procedures: Vec<CheckedProcedure>,
}

/// The most a file may hold; a province's whole catalogue is about 2 000 procedures.
pub const MAX_PROCEDURES: usize = 10_000;
/// The most problems reported (the rest are counted).
pub const MAX_PROBLEMS: usize = 500;

/// Reads a file's bytes; a JSON or shape error is one problem with its line and column.
pub fn parse(bytes: &[u8]) -> Result<CatalogueFile, Problem> {
    serde_json::from_slice(bytes).map_err(|e| Problem {
        subject: String::new(),
        field: format!("{}:{}", e.line(), e.column()),
        key: "import-json".into(),
        arg: e.to_string(),
    })
}

struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, subject: &str, field: impl Into<String>, key: &str, arg: impl Into<String>) {
        self.0.push(Problem { subject: subject.to_string(), field: field.into(), key: key.into(), arg: arg.into() });
    }

    /// One line of text (a name, an address): the cleaned text, or a problem.
    fn line(&mut self, subject: &str, field: &str, input: &str, required: bool, max: usize) -> String {
        match super::text::single_line(field, input, required, max) {
            Ok(t) => t,
            Err(e) => {
                self.add(subject, field, &e.key, "");
                String::new()
            }
        }
    }

    /// Longer text (steps, conditions, legal bases): control characters other than line breaks
    /// and bidi characters are refused; required when asked.
    fn text(&mut self, subject: &str, field: &str, input: &str, required: bool) -> String {
        match super::text::multi_line(field, input, required, 20_000) {
            Ok(t) => t,
            Err(e) => {
                self.add(subject, field, &e.key, "");
                String::new()
            }
        }
    }

    /// A record with a plain code, unique among `seen`, and its names.
    fn named(&mut self, subject: &str, field: &str, code: &str, seen: &mut BTreeSet<String>, names: (&str, &str)) {
        if !is_plain_code(code) {
            self.add(subject, format!("{field}.code"), "import-code-format", "");
        }
        if !seen.insert(code.to_string()) {
            self.add(subject, format!("{field}.code"), "import-duplicate", "");
        }
        self.line(subject, &format!("{field}.name_vi"), names.0, true, 200);
        self.line(subject, &format!("{field}.name_en"), names.1, false, 200);
    }

    fn choice(&mut self, subject: &str, field: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.add(subject, field, "import-bad-choice", allowed.join(", "));
        }
    }
}

/// A date `YYYY-MM-DD`.
fn is_date(s: &str) -> bool {
    super::form::parse_date(s).is_some()
}

/// A procedure code as the national database gives them: digits, a dot, digits (`1.001193`).
pub fn is_procedure_code(s: &str) -> bool {
    let Some((a, b)) = s.split_once('.') else { return false };
    (1..=3).contains(&a.len())
        && (3..=9).contains(&b.len())
        && a.bytes().all(|c| c.is_ascii_digit())
        && b.bytes().all(|c| c.is_ascii_digit())
}

/// A code inside the catalogue (sector, unit, form field): lower-case letters, digits, `-`, `_`,
/// or upper-case for units; 1 to 40 characters.
fn is_plain_code(s: &str) -> bool {
    (1..=40).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
}

fn workflow_problem(e: &WorkflowError) -> &'static str {
    match e {
        WorkflowError::DeskAtBothEnds => "desk-at-both-ends",
        WorkflowError::NoAppraisalBeforeApproval => "no-appraisal-before-approval",
        WorkflowError::NoApproval => "no-approval",
        WorkflowError::AllowanceMismatch { .. } => "allowance-mismatch",
        WorkflowError::BadAllowance { .. } => "bad-allowance",
    }
}

/// Checks `file` against `known` on `today` (YYYY-MM-DD, the default effective date).
pub fn check(file: &CatalogueFile, known: &Known, today: &str) -> Result<Checked, Vec<Problem>> {
    let mut p = Problems(Vec::new());
    if file.format != FORMAT {
        p.add("", "format", "import-format", FORMAT);
        return Err(p.0);
    }
    if file.procedures.len() > MAX_PROCEDURES {
        p.add("", "procedures", "import-too-many", MAX_PROCEDURES.to_string());
        return Err(p.0);
    }
    let default_date = match &file.effective_from {
        Some(d) if !is_date(d) => {
            p.add("", "effective_from", "error-date", "");
            today.to_string()
        }
        Some(d) => d.clone(),
        None => today.to_string(),
    };

    // The province: the database's, which the file must not contradict, or the file's.
    let province = match (&known.province, &file.province) {
        (Some(k), Some(f)) if !f.code.trim().eq_ignore_ascii_case(k) => {
            p.add(&f.code, "province.code", "import-province-mismatch", k.clone());
            k.clone()
        }
        (Some(k), _) => k.clone(),
        (None, Some(f)) => {
            check_agency(&mut p, f, "province", true);
            f.code.trim().to_ascii_uppercase()
        }
        (None, None) => {
            p.add("", "province", "import-no-province", "");
            String::new()
        }
    };

    // Agencies and their units: the file's, over what the database has.
    let mut agencies: BTreeMap<String, String> = known.agencies.clone();
    agencies.insert(province.clone(), "province".into());
    let mut units: BTreeMap<(String, String), Vec<String>> = known.units.clone();
    let mut seen = BTreeSet::new();
    for (i, a) in file.agencies.iter().enumerate() {
        let field = format!("agencies[{i}]");
        let code = check_agency(&mut p, a, &field, false);
        if !seen.insert(code.clone()) || code == province {
            p.add(&a.code, format!("{field}.code"), "import-duplicate", "");
        }
        agencies.insert(code, a.kind.clone());
    }
    let sectors: BTreeSet<String> =
        known.sectors.iter().cloned().chain(file.sectors.iter().map(|s| s.code.clone())).collect();
    for (i, a) in file.agencies.iter().enumerate() {
        let code = a.code.trim().to_ascii_uppercase();
        match a.parent.as_deref().map(|c| c.trim().to_ascii_uppercase()) {
            Some(parent) if agencies.contains_key(&parent) && parent != code => {}
            _ => p.add(
                &a.code,
                format!("agencies[{i}].parent"),
                "import-unknown-agency",
                a.parent.clone().unwrap_or_default(),
            ),
        }
        let mut unit_codes = BTreeSet::new();
        for (j, u) in a.units.iter().enumerate() {
            let field = format!("agencies[{i}].units[{j}]");
            p.named(&a.code, &field, &u.code, &mut unit_codes, (&u.name_vi, &u.name_en));
            for (k, s) in u.sectors.iter().enumerate() {
                if s != ANY_SECTOR && !sectors.contains(s) {
                    p.add(&a.code, format!("{field}.sectors[{k}]"), "import-unknown-sector", s.clone());
                }
            }
            units.insert((code.clone(), u.code.clone()), u.sectors.clone());
        }
    }
    let mut sector_codes = BTreeSet::new();
    for (i, s) in file.sectors.iter().enumerate() {
        p.named(&s.code, &format!("sectors[{i}]"), &s.code, &mut sector_codes, (&s.name_vi, &s.name_en));
    }

    let mut procedures = Vec::new();
    let mut codes = BTreeSet::new();
    for (i, proc) in file.procedures.iter().enumerate() {
        if !codes.insert(proc.code.clone()) {
            p.add(&proc.code, format!("procedures[{i}].code"), "import-duplicate", "");
        }
        if let Some(c) = check_procedure(&mut p, proc, i, &agencies, &units, &sectors, known, &default_date) {
            procedures.push(c);
        }
        if p.0.len() > MAX_PROBLEMS {
            break;
        }
    }
    if !p.0.is_empty() {
        p.0.truncate(MAX_PROBLEMS);
        return Err(p.0);
    }
    let mut province_row = None;
    if known.province.is_none() {
        province_row = file.province.clone().map(|mut f| {
            f.code = f.code.trim().to_ascii_uppercase();
            f.kind = "province".into();
            f.parent = None;
            f
        });
    }
    let agencies = file
        .agencies
        .iter()
        .map(|a| FileAgency {
            code: a.code.trim().to_ascii_uppercase(),
            parent: a.parent.as_ref().map(|c| c.trim().to_ascii_uppercase()),
            ..a.clone()
        })
        .collect();
    Ok(Checked { province: province_row, agencies, sectors: file.sectors.clone(), procedures })
}

/// An agency's own fields; returns its code as stored (upper case).
fn check_agency(p: &mut Problems, a: &FileAgency, field: &str, province: bool) -> String {
    if let Err(e) = super::agency_code::AgencyCode::parse("code", &a.code) {
        p.add(&a.code, format!("{field}.code"), &e.key, "");
    }
    p.line(&a.code, &format!("{field}.name_vi"), &a.name_vi, true, 200);
    p.line(&a.code, &format!("{field}.name_en"), &a.name_en, false, 200);
    p.line(&a.code, &format!("{field}.address_vi"), &a.address_vi, false, 300);
    p.line(&a.code, &format!("{field}.phone"), &a.phone, false, 100);
    p.line(&a.code, &format!("{field}.opening_hours"), &a.opening_hours, false, 300);
    if !province {
        p.choice(&a.code, &format!("{field}.kind"), &a.kind, &AGENCY_KINDS);
    }
    a.code.trim().to_ascii_uppercase()
}

/// The unit of `agency` competent for `sector`: the one that names the sector, else the one with
/// `*`, else the agency's only unit.
pub fn competent_unit(units: &BTreeMap<(String, String), Vec<String>>, agency: &str, sector: &str) -> Option<String> {
    let of_agency: Vec<(&String, &Vec<String>)> =
        units.iter().filter(|((a, _), _)| a == agency).map(|((_, u), s)| (u, s)).collect();
    of_agency
        .iter()
        .find(|(_, s)| s.iter().any(|x| x == sector))
        .or_else(|| of_agency.iter().find(|(_, s)| s.iter().any(|x| x == ANY_SECTOR)))
        .or_else(|| (of_agency.len() == 1).then(|| &of_agency[0]))
        .map(|(u, _)| (*u).clone())
}

#[allow(clippy::too_many_arguments)]
fn check_procedure(
    p: &mut Problems,
    proc: &FileProcedure,
    i: usize,
    agencies: &BTreeMap<String, String>,
    units: &BTreeMap<(String, String), Vec<String>>,
    sectors: &BTreeSet<String>,
    known: &Known,
    default_date: &str,
) -> Option<CheckedProcedure> {
    let before = p.0.len();
    let code = proc.code.as_str();
    let f = |name: &str| format!("procedures[{i}].{name}");
    if !is_procedure_code(code) {
        p.add(code, f("code"), "import-procedure-code", "");
    }
    let name_vi = p.line(code, &f("name_vi"), &proc.name_vi, true, 500);
    let name_en = p.line(code, &f("name_en"), &proc.name_en, false, 500);
    if !sectors.contains(&proc.sector) {
        p.add(code, f("sector"), "import-unknown-sector", proc.sector.clone());
    }
    p.choice(code, &f("level"), &proc.level, &LEVELS);
    p.choice(code, &f("online_level"), &proc.online_level, &ONLINE_LEVELS);
    let executing = proc.executing_agency.trim().to_ascii_uppercase();
    let receiving = proc.receiving_agency.trim().to_ascii_uppercase();
    for (name, a) in [("executing_agency", &executing), ("receiving_agency", &receiving)] {
        if !agencies.contains_key(a) {
            p.add(code, f(name), "import-unknown-agency", a.clone());
        }
    }
    let online_reason = match proc.online_reason_vi.as_deref().map(str::trim) {
        Some(r) if !r.is_empty() => Some(p.text(code, &f("online_reason_vi"), r, true)),
        _ if proc.online_level == "partial" => {
            p.add(code, f("online_reason_vi"), "import-online-reason", "");
            None
        }
        _ => None,
    };
    if proc.channels.is_empty() {
        p.add(code, f("channels"), "error-required", "");
    }
    let mut channels = Vec::new();
    for (j, c) in proc.channels.iter().enumerate() {
        p.choice(code, &f(&format!("channels[{j}]")), c, &CHANNELS);
        if channels.contains(c) {
            p.add(code, f(&format!("channels[{j}]")), "import-duplicate", "");
        }
        channels.push(c.clone());
    }
    if proc.online_level == "full" && !channels.iter().any(|c| c == "online") {
        p.add(code, f("channels"), "import-online-channel", "");
    }
    let mut texts = |name: &str, list: &[String]| -> Vec<String> {
        if list.is_empty() {
            p.add(code, f(name), "error-required", "");
        }
        list.iter().enumerate().map(|(j, s)| p.text(code, &f(&format!("{name}[{j}]")), s, true)).collect()
    };
    let steps_vi = texts("steps_vi", &proc.steps_vi);
    let legal_basis = texts("legal_basis", &proc.legal_basis);
    let applicants_vi = p.text(code, &f("applicants_vi"), &proc.applicants_vi, false);
    let result_vi = p.text(code, &f("result_vi"), &proc.result_vi, true);
    let conditions_vi = p.text(code, &f("conditions_vi"), &proc.conditions_vi, false);
    let allowance = proc.allowance.parse();
    if allowance.is_none() {
        p.add(code, f("allowance"), "import-allowance", "");
    }
    for (j, fee) in proc.fees.iter().enumerate() {
        p.line(code, &f(&format!("fees[{j}].name_vi")), &fee.name_vi, true, 300);
        if !(0..=1_000_000_000_000).contains(&fee.amount_vnd) {
            p.add(code, f(&format!("fees[{j}].amount_vnd")), "import-fee-amount", "");
        }
        if let Some(c) = &fee.collector_vi {
            p.line(code, &f(&format!("fees[{j}].collector_vi")), c, false, 300);
        }
        for (k, e) in fee.exemptions_vi.iter().enumerate() {
            p.line(code, &f(&format!("fees[{j}].exemptions_vi[{k}]")), e, true, 300);
        }
    }
    if proc.components.is_empty() {
        p.add(code, f("components"), "error-required", "");
    }
    for (j, c) in proc.components.iter().enumerate() {
        p.line(code, &f(&format!("components[{j}].name_vi")), &c.name_vi, true, 500);
        p.line(code, &f(&format!("components[{j}].copies_vi")), &c.copies_vi, true, 200);
        if let (Some(file), Some(files)) = (&c.form_file, &known.form_files) {
            if !files.contains(file) {
                p.add(code, f(&format!("components[{j}].form_file")), "import-form-file", file.clone());
            }
        }
    }
    check_form(p, code, i, &proc.form_fields);
    let effective_from = proc.effective_from.clone().unwrap_or_else(|| default_date.to_string());
    if !is_date(&effective_from) {
        p.add(code, f("effective_from"), "error-date", "");
    }

    // The workflow: the standard route through the competent unit, then each liaison agency.
    let unit = match &proc.competent_unit {
        Some(u) if units.contains_key(&(executing.clone(), u.clone())) => Some(u.clone()),
        Some(u) => {
            p.add(code, f("competent_unit"), "import-unknown-unit", u.clone());
            None
        }
        None if agencies.contains_key(&executing) => {
            let found = competent_unit(units, &executing, &proc.sector);
            if found.is_none() {
                p.add(code, f("competent_unit"), "import-no-competent-unit", executing.clone());
            }
            found
        }
        None => None,
    };
    let mut workflow = match (allowance, &unit) {
        (Some(total), Some(unit)) => Some(Workflow::standard(&receiving, &executing, unit, total)),
        _ => None,
    };
    for (j, l) in proc.liaison.iter().enumerate() {
        let agency = l.agency.trim().to_ascii_uppercase();
        if !units.contains_key(&(agency.clone(), l.unit.clone())) {
            p.add(code, f(&format!("liaison[{j}].unit")), "import-unknown-unit", format!("{agency} {}", l.unit));
        }
        if !(1..=90).contains(&l.share_percent) {
            p.add(code, f(&format!("liaison[{j}].share_percent")), "import-liaison-share", "");
        }
        workflow = workflow.map(|w| w.with_second_agency(&agency, &l.unit, l.share_percent));
    }
    if let (Some(w), Some(total)) = (&workflow, allowance) {
        if let Err(e) = w.validate(total) {
            p.add(code, f("liaison"), "import-workflow", workflow_problem(&e));
        }
    }
    if p.0.len() > before {
        return None;
    }
    let (workflow, allowance) = (workflow?, allowance?);
    let sector_name = String::new();
    let mut search = vec![proc.code.clone(), name_en.clone(), sector_name, result_vi.clone(), applicants_vi.clone()];
    search.extend(proc.components.iter().map(|c| c.name_vi.clone()));
    Some(CheckedProcedure {
        code: proc.code.clone(),
        effective_from,
        search_text: search.join(" "),
        content: VersionContent {
            header: ProcedureHeader {
                name_vi,
                name_en,
                sector: proc.sector.clone(),
                level: proc.level.clone(),
                executing_agency: executing,
                receiving_agency: receiving,
                online_level: proc.online_level.clone(),
            },
            details: VersionDetails {
                online_reason_vi: online_reason,
                channels,
                steps_vi,
                allowance,
                applicants_vi,
                result_vi,
                fees: proc.fees.clone(),
                conditions_vi,
                legal_basis,
            },
            components: proc.components.clone(),
            form: proc.form_fields.clone(),
            workflow,
        },
    })
}

/// The e-form: unique field names the server can key on, labels, options exactly where a choice
/// is asked for.
fn check_form(p: &mut Problems, code: &str, i: usize, fields: &[FormField]) {
    let mut names = BTreeSet::new();
    for (j, field) in fields.iter().enumerate() {
        let at = |name: &str| format!("procedures[{i}].form_fields[{j}].{name}");
        let plain = (1..=40).contains(&field.name.len())
            && field.name.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_');
        if !plain {
            p.add(code, at("name"), "import-code-format", "");
        }
        if !names.insert(field.name.clone()) {
            p.add(code, at("name"), "import-duplicate", "");
        }
        p.line(code, &at("label_vi"), &field.label_vi, true, 200);
        p.line(code, &at("label_en"), &field.label_en, false, 200);
        p.line(code, &at("help_vi"), field.help_vi.as_deref().unwrap_or(""), false, 300);
        p.line(code, &at("help_en"), field.help_en.as_deref().unwrap_or(""), false, 300);
        match (field.kind, field.options.is_empty()) {
            (FieldKind::Select, true) => p.add(code, at("options"), "import-form-options", ""),
            (FieldKind::Select, false) => {
                let mut values = BTreeSet::new();
                for (k, o) in field.options.iter().enumerate() {
                    if o.value.trim().is_empty() || !values.insert(o.value.clone()) {
                        p.add(code, at(&format!("options[{k}].value")), "import-duplicate", "");
                    }
                    p.line(code, &at(&format!("options[{k}].label_vi")), &o.label_vi, true, 200);
                }
            }
            (_, false) => p.add(code, at("options"), "import-form-orphan-options", ""),
            (_, true) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CatalogueFile {
        parse(
            r#"{
          "format": "portal-catalogue/1",
          "effective_from": "2026-01-01",
          "province": {"code": "000.00.00.H45", "name_vi": "UBND tỉnh", "name_en": "Province"},
          "agencies": [
            {"code": "000.20.01.H45", "name_vi": "UBND xã A", "kind": "commune", "parent": "000.00.00.H45",
             "units": [{"code": "VP", "name_vi": "Văn phòng", "sectors": ["ho-tich"]},
                       {"code": "KT", "name_vi": "Kinh tế", "sectors": ["*"]}]},
            {"code": "000.00.19.H45", "name_vi": "Công an tỉnh", "kind": "department", "parent": "000.00.00.H45",
             "units": [{"code": "PC06", "name_vi": "PC06"}]}
          ],
          "sectors": [{"code": "ho-tich", "name_vi": "Hộ tịch"}, {"code": "dat-dai", "name_vi": "Đất đai"}],
          "procedures": [{
            "code": "1.001193", "name_vi": "Đăng ký khai sinh", "name_en": "Birth registration",
            "sector": "ho-tich", "level": "commune",
            "executing_agency": "000.20.01.H45", "receiving_agency": "000.20.01.H45",
            "online_level": "full", "channels": ["online", "counter"],
            "steps_vi": ["Nộp hồ sơ", "Trả kết quả"], "allowance": {"amount": 1, "unit": "working_days"},
            "result_vi": "Giấy khai sinh", "legal_basis": ["Luật Hộ tịch"],
            "components": [{"name_vi": "Tờ khai", "copies_vi": "01 bản chính", "required": true}],
            "form_fields": [{"name": "child_name", "label_vi": "Họ tên trẻ", "label_en": "Child", "kind": "text", "required": true}]
          }]
        }"#
            .as_bytes(),
        )
        .unwrap()
    }

    fn keys(problems: &[Problem]) -> Vec<(String, String, String)> {
        problems.iter().map(|p| (p.subject.clone(), p.field.clone(), p.key.clone())).collect()
    }

    #[test]
    fn a_good_file_resolves_the_competent_unit_from_the_sector_rules_and_builds_the_workflow() {
        let c = check(&sample(), &Known::default(), "2026-12-01").unwrap();
        assert_eq!(c.province.as_ref().map(|p| p.kind.as_str()), Some("province"));
        let p = &c.procedures[0];
        assert_eq!(p.effective_from, "2026-01-01");
        let w = &p.content.workflow;
        assert_eq!(w.steps[1].unit, "VP", "ho-tich goes to the unit that names it");
        assert_eq!(w.validate(Allowance::WorkingDays(1000)), Ok(()));

        let mut f = sample();
        f.procedures[0].sector = "dat-dai".into();
        let c = check(&f, &Known::default(), "2026-12-01").unwrap();
        assert_eq!(c.procedures[0].content.workflow.steps[1].unit, "KT", "other sectors go to '*'");
    }

    #[test]
    fn liaison_adds_the_other_agencys_steps_and_the_shares_still_add_up() {
        let mut f = sample();
        f.procedures[0].liaison =
            vec![Liaison { agency: "000.00.19.H45".into(), unit: "PC06".into(), share_percent: 20 }];
        let c = check(&f, &Known::default(), "2026-12-01").unwrap();
        let w = &c.procedures[0].content.workflow;
        assert_eq!(w.agencies().len(), 2);
        assert_eq!(w.validate(Allowance::WorkingDays(1000)), Ok(()));
    }

    #[test]
    fn every_problem_is_reported_with_its_record_and_field() {
        let mut f = sample();
        f.agencies[0].code = "xa-a".into();
        f.sectors.push(FileSector { code: "ho-tich".into(), name_vi: "Trùng".into(), name_en: String::new() });
        let p = &mut f.procedures[0];
        p.level = "district".into();
        p.online_level = "partial".into();
        p.allowance.unit = "weeks".into();
        p.form_fields.push(p.form_fields[0].clone());
        p.components[0].name_vi = "  ".into();
        p.liaison = vec![Liaison { agency: "000.00.19.H45".into(), unit: "NOPE".into(), share_percent: 0 }];
        let problems = check(&f, &Known::default(), "2026-12-01").unwrap_err();
        let k = keys(&problems);
        for want in [
            ("xa-a", "agencies[0].code", "error-agency-code-format"),
            ("ho-tich", "sectors[2].code", "import-duplicate"),
            ("1.001193", "procedures[0].level", "import-bad-choice"),
            ("1.001193", "procedures[0].online_reason_vi", "import-online-reason"),
            ("1.001193", "procedures[0].allowance", "import-allowance"),
            ("1.001193", "procedures[0].form_fields[1].name", "import-duplicate"),
            ("1.001193", "procedures[0].components[0].name_vi", "error-required"),
            ("1.001193", "procedures[0].liaison[0].unit", "import-unknown-unit"),
            ("1.001193", "procedures[0].liaison[0].share_percent", "import-liaison-share"),
            ("1.001193", "procedures[0].executing_agency", "import-unknown-agency"),
        ] {
            assert!(k.contains(&(want.0.into(), want.1.into(), want.2.into())), "{want:?} not in {k:#?}");
        }
    }

    #[test]
    fn the_form_has_options_exactly_where_a_choice_is_asked() {
        let mut f = sample();
        f.procedures[0].form_fields[0].kind = FieldKind::Select;
        let k = keys(&check(&f, &Known::default(), "2026-12-01").unwrap_err());
        assert_eq!(
            k,
            vec![("1.001193".into(), "procedures[0].form_fields[0].options".into(), "import-form-options".into())]
        );
        let mut f = sample();
        f.procedures[0].form_fields[0].options =
            vec![super::super::form::SelectOption { value: "a".into(), label_vi: "A".into(), label_en: "A".into() }];
        let k = keys(&check(&f, &Known::default(), "2026-12-01").unwrap_err());
        assert_eq!(k[0].2, "import-form-orphan-options");
    }

    #[test]
    fn the_database_fills_in_what_the_file_leaves_out_and_the_province_cannot_change() {
        let mut f = sample();
        f.province = None;
        f.agencies.clear();
        f.sectors.clear();
        assert!(keys(&check(&f, &Known::default(), "2026-12-01").unwrap_err()).contains(&(
            String::new(),
            "province".into(),
            "import-no-province".into()
        )));
        let known = Known {
            province: Some("000.00.00.H45".into()),
            agencies: [("000.20.01.H45".to_string(), "commune".to_string())].into(),
            units: [(("000.20.01.H45".to_string(), "TP".to_string()), Vec::new())].into(),
            sectors: ["ho-tich".to_string()].into(),
            form_files: Some(BTreeSet::new()),
        };
        let c = check(&f, &known, "2026-12-01").unwrap();
        assert_eq!(c.procedures[0].content.workflow.steps[1].unit, "TP", "an agency's only unit");
        assert_eq!(c.province, None);

        let mut other = sample();
        other.province.as_mut().unwrap().code = "000.00.00.H38".into();
        let k = keys(&check(&other, &known, "2026-12-01").unwrap_err());
        assert!(k.iter().any(|(_, field, key)| field == "province.code" && key == "import-province-mismatch"));
    }

    #[test]
    fn unknown_fields_and_formats_are_refused_with_where_they_are() {
        let e = parse(br#"{"format": "portal-catalogue/1", "procedure": []}"#).unwrap_err();
        assert_eq!((e.key.as_str(), e.field.as_str()), ("import-json", "1:44"));
        let mut f = sample();
        f.format = "portal-catalogue/9".into();
        assert_eq!(keys(&check(&f, &Known::default(), "2026-12-01").unwrap_err())[0].2, "import-format");
    }

    #[test]
    fn the_fingerprint_changes_with_the_content_only() {
        let a = check(&sample(), &Known::default(), "2026-12-01").unwrap();
        let b = check(&sample(), &Known::default(), "2026-12-01").unwrap();
        assert_eq!(a.procedures[0].content.fingerprint(), b.procedures[0].content.fingerprint());
        let mut f = sample();
        f.procedures[0].fees.push(Fee { name_vi: "Lệ phí".into(), amount_vnd: 8000, ..Fee::default() });
        let c = check(&f, &Known::default(), "2026-12-01").unwrap();
        assert_ne!(a.procedures[0].content.fingerprint(), c.procedures[0].content.fingerprint());
    }

    #[test]
    fn procedure_codes_look_like_the_national_databases() {
        for ok in ["1.001193", "2.000806", "1.013225"] {
            assert!(is_procedure_code(ok), "{ok}");
        }
        for bad in ["", "1001193", "a.001193", "1.", "1.00119x"] {
            assert!(!is_procedure_code(bad), "{bad}");
        }
    }
}
