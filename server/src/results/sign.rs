//! The agencies' signing keys and the CMS signature of a result PDF (PAdES baseline B-B:
//! `ETSI.CAdES.detached`, SHA-256, RSA PKCS #1 v1.5, the signing certificate named by an ESS
//! signing-certificate-v2 attribute, no signing-time attribute — the time is the signature
//! dictionary's `/M`).
//!
//! Keys come from configuration: `PORTAL_SIGNING_DIR` holds `<agency code>.key.pem` (PKCS #8) and
//! `<agency code>.crt.pem` for each agency, and `chain.pem` with the issuing CAs. The demo makes
//! its own small CA instead (`<data dir>/demo-pki`), and a key and certificate per agency the
//! first time that agency signs, so the demo and the tests sign for real.

use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::RsaPrivateKey;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::der::asn1::{ObjectIdentifier, OctetString, SetOfVec};
use x509_cert::der::{Any, Decode, Encode, EncodePem};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::Validity;
use x509_cert::Certificate;

type SigningKey = rsa::pkcs1v15::SigningKey<Sha256>;

/// `id-aa-signingCertificateV2` (RFC 5035).
const SIGNING_CERTIFICATE_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("no signing key for agency {0} (PORTAL_SIGNING_DIR)")]
    NoKey(String),
    #[error("signing keys: {0}")]
    Keys(String),
    #[error("signature: {0}")]
    Cms(String),
}

fn keys_err(e: impl std::fmt::Display) -> SignError {
    SignError::Keys(e.to_string())
}

/// One agency's key and its certificate chain (its own first).
pub struct AgencyKey {
    key: SigningKey,
    chain: Vec<Certificate>,
}

/// Where the keys come from.
enum Source {
    /// Issued by the province's CA, from `PORTAL_SIGNING_DIR`.
    Configured(PathBuf),
    /// Issued by the demo's own CA, kept in this directory (made when first needed).
    Demo { dir: PathBuf, ca: Box<std::sync::OnceLock<(SigningKey, Certificate)>> },
}

pub struct Keys {
    source: Source,
    loaded: Mutex<HashMap<String, std::sync::Arc<AgencyKey>>>,
}

fn name(common_name: &str) -> Result<Name, SignError> {
    let clean: String = common_name
        .chars()
        .map(|c| if matches!(c, ',' | '+' | '=' | '\\' | '"' | '<' | '>' | ';') { ' ' } else { c })
        .collect();
    Name::from_str(&format!("CN={},O=Cong dich vu cong,C=VN", clean.trim())).map_err(keys_err)
}

fn serial() -> SerialNumber {
    let mut bytes: [u8; 16] = rand::random();
    bytes[0] &= 0x7F;
    bytes[0] |= 0x01;
    SerialNumber::new(&bytes).expect("a positive 16-byte serial")
}

fn new_key() -> Result<RsaPrivateKey, SignError> {
    RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).map_err(keys_err)
}

fn read_key(path: &Path) -> Result<RsaPrivateKey, SignError> {
    let pem = std::fs::read_to_string(path).map_err(|e| keys_err(format!("{}: {e}", path.display())))?;
    RsaPrivateKey::from_pkcs8_pem(&pem).map_err(|e| keys_err(format!("{}: {e}", path.display())))
}

fn read_certs(path: &Path) -> Result<Vec<Certificate>, SignError> {
    let pem = std::fs::read(path).map_err(|e| keys_err(format!("{}: {e}", path.display())))?;
    Certificate::load_pem_chain(&pem).map_err(|e| keys_err(format!("{}: {e}", path.display())))
}

fn write_private(path: &Path, text: &str) -> Result<(), SignError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| keys_err(format!("{}: {e}", path.display())))?;
    file.write_all(text.as_bytes()).map_err(keys_err)
}

fn issue(
    profile: Profile,
    subject: Name,
    key: &RsaPrivateKey,
    issuer_key: &SigningKey,
    years: u64,
) -> Result<Certificate, SignError> {
    let spki = SubjectPublicKeyInfoOwned::from_key(key.to_public_key()).map_err(keys_err)?;
    let validity = Validity::from_now(std::time::Duration::from_secs(years * 365 * 86_400)).map_err(keys_err)?;
    CertificateBuilder::new(profile, serial(), validity, subject, spki, issuer_key)
        .map_err(keys_err)?
        .build::<rsa::pkcs1v15::Signature>()
        .map_err(keys_err)
}

impl Keys {
    /// The province's keys from `dir`.
    pub fn configured(dir: PathBuf) -> Keys {
        Keys { source: Source::Configured(dir), loaded: Mutex::new(HashMap::new()) }
    }

    /// The demo's CA in `dir`, made the first time a result is signed.
    pub fn demo(dir: PathBuf) -> Result<Keys, SignError> {
        Ok(Keys { source: Source::Demo { dir, ca: Box::default() }, loaded: Mutex::new(HashMap::new()) })
    }

    /// The demo CA's key and certificate, made and kept in `dir` the first time.
    fn demo_ca<'a>(
        dir: &Path,
        ca: &'a std::sync::OnceLock<(SigningKey, Certificate)>,
    ) -> Result<&'a (SigningKey, Certificate), SignError> {
        if let Some(made) = ca.get() {
            return Ok(made);
        }
        std::fs::create_dir_all(dir).map_err(keys_err)?;
        let (key_path, cert_path) = (dir.join("ca.key.pem"), dir.join("ca.crt.pem"));
        if !cert_path.exists() {
            let key = new_key()?;
            let signer = SigningKey::new(key.clone());
            let cert = issue(Profile::Root, name("CA thử nghiệm của Cổng dịch vụ công (DEMO)")?, &key, &signer, 10)?;
            let _ = std::fs::remove_file(&key_path);
            write_private(&key_path, &key.to_pkcs8_pem(LineEnding::LF).map_err(keys_err)?)?;
            std::fs::write(&cert_path, cert.to_pem(LineEnding::LF).map_err(keys_err)?).map_err(keys_err)?;
        }
        let key = SigningKey::new(read_key(&key_path)?);
        let cert = read_certs(&cert_path)?.into_iter().next().ok_or_else(|| keys_err("empty CA file"))?;
        Ok(ca.get_or_init(|| (key, cert)))
    }

    /// The demo CA's certificate as PEM (to trust it in a verifier); none for configured keys.
    pub fn demo_ca_pem(&self) -> Option<String> {
        match &self.source {
            Source::Demo { dir, ca } => Keys::demo_ca(dir, ca).ok()?.1.to_pem(LineEnding::LF).ok(),
            Source::Configured(_) => None,
        }
    }

    /// The key of `agency` (its code), named `agency_name` when the demo makes it.
    pub fn agency(&self, agency: &str, agency_name: &str) -> Result<std::sync::Arc<AgencyKey>, SignError> {
        if let Some(k) = self.loaded.lock().expect("keys lock").get(agency) {
            return Ok(k.clone());
        }
        if agency.is_empty() || !agency.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')) {
            return Err(SignError::NoKey(agency.to_string()));
        }
        let file = |dir: &Path, ext: &str| dir.join(format!("{agency}.{ext}.pem"));
        let key = match &self.source {
            Source::Configured(dir) => {
                if !file(dir, "key").exists() {
                    return Err(SignError::NoKey(agency.to_string()));
                }
                let key = read_key(&file(dir, "key"))?;
                let mut chain = read_certs(&file(dir, "crt"))?;
                let issuers = dir.join("chain.pem");
                if issuers.exists() {
                    chain.extend(read_certs(&issuers)?);
                }
                AgencyKey { key: SigningKey::new(key), chain }
            }
            Source::Demo { dir, ca } => {
                let (ca_key, ca) = Keys::demo_ca(dir, ca)?;
                let (key_path, cert_path) = (file(dir, "key"), file(dir, "crt"));
                if !cert_path.exists() {
                    let key = new_key()?;
                    let profile = Profile::Leaf {
                        issuer: ca.tbs_certificate.subject.clone(),
                        enable_key_agreement: false,
                        enable_key_encipherment: false,
                    };
                    let cert = issue(profile, name(&format!("{agency_name} (DEMO)"))?, &key, ca_key, 5)?;
                    let _ = std::fs::remove_file(&key_path);
                    write_private(&key_path, &key.to_pkcs8_pem(LineEnding::LF).map_err(keys_err)?)?;
                    std::fs::write(&cert_path, cert.to_pem(LineEnding::LF).map_err(keys_err)?).map_err(keys_err)?;
                }
                let mut chain = read_certs(&cert_path)?;
                chain.push(ca.clone());
                AgencyKey { key: SigningKey::new(read_key(&key_path)?), chain }
            }
        };
        if key.chain.is_empty() {
            return Err(keys_err(format!("no certificate for agency {agency}")));
        }
        let key = std::sync::Arc::new(key);
        self.loaded.lock().expect("keys lock").insert(agency.to_string(), key.clone());
        Ok(key)
    }
}

impl AgencyKey {
    /// The signer's name as its certificate gives it.
    pub fn subject(&self) -> String {
        self.chain[0].tbs_certificate.subject.to_string()
    }

    /// A detached CMS SignedData over the bytes whose SHA-256 is `digest`.
    pub fn sign_detached(&self, digest: &[u8]) -> Result<Vec<u8>, SignError> {
        let cms_err = |e: &dyn std::fmt::Display| SignError::Cms(e.to_string());
        let cert = &self.chain[0];
        let content = EncapsulatedContentInfo { econtent_type: ID_DATA, econtent: None };
        let sha256 = AlgorithmIdentifierOwned { oid: SHA256, parameters: None };
        let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate.issuer.clone(),
            serial_number: cert.tbs_certificate.serial_number.clone(),
        });
        let mut signer =
            SignerInfoBuilder::new(&self.key, sid, sha256.clone(), &content, Some(digest)).map_err(|e| cms_err(&e))?;
        signer.add_signed_attribute(signing_certificate_v2(cert)?).map_err(|e| cms_err(&e))?;
        let mut data = SignedDataBuilder::new(&content);
        data.add_digest_algorithm(sha256).map_err(|e| cms_err(&e))?;
        for c in &self.chain {
            data.add_certificate(CertificateChoices::Certificate(c.clone())).map_err(|e| cms_err(&e))?;
        }
        data.add_signer_info::<_, rsa::pkcs1v15::Signature>(signer).map_err(|e| cms_err(&e))?;
        let info: ContentInfo = data.build().map_err(|e| cms_err(&e))?;
        info.to_der().map_err(|e| cms_err(&e))
    }
}

/// ESS `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }`, one ESSCertIDv2
/// with the certificate's SHA-256 (the default algorithm, so omitted).
fn signing_certificate_v2(cert: &Certificate) -> Result<x509_cert::attr::Attribute, SignError> {
    let der = cert.to_der().map_err(|e| SignError::Cms(e.to_string()))?;
    let hash = OctetString::new(Sha256::digest(&der).to_vec()).map_err(|e| SignError::Cms(e.to_string()))?;
    let hash = hash.to_der().map_err(|e| SignError::Cms(e.to_string()))?;
    let seq = |inner: Vec<u8>| -> Vec<u8> {
        let mut out = vec![0x30];
        // Every part here is shorter than 128 bytes: a one-byte length.
        out.push(inner.len() as u8);
        out.extend(inner);
        out
    };
    let value = seq(seq(seq(hash)));
    let any = Any::from_der(&value).map_err(|e| SignError::Cms(e.to_string()))?;
    let mut values = SetOfVec::new();
    values.insert(any).map_err(|e| SignError::Cms(e.to_string()))?;
    Ok(x509_cert::attr::Attribute { oid: SIGNING_CERTIFICATE_V2, values })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_ca_issues_an_agency_key_once_and_signs() {
        let dir = std::env::temp_dir().join(format!("portal-pki-{}", uuid::Uuid::new_v4()));
        let keys = Keys::demo(dir.clone()).unwrap();
        let a = keys.agency("000.00.01.H48", "Sở Tư pháp").unwrap();
        assert!(a.subject().contains("Sở Tư pháp"), "{}", a.subject());
        let again = Keys::demo(dir.clone()).unwrap().agency("000.00.01.H48", "ignored").unwrap();
        assert_eq!(a.chain[0], again.chain[0], "the agency's certificate is made once and kept");
        let der = a.sign_detached(&Sha256::digest(b"document")).unwrap();
        let info = ContentInfo::from_der(&der).unwrap();
        assert_eq!(info.content_type, const_oid_signed_data());
        assert!(matches!(keys.agency("../etc", "x"), Err(SignError::NoKey(_))));
        assert!(matches!(Keys::configured(dir.clone()).agency("nope", "x"), Err(SignError::NoKey(_))));
        let _ = std::fs::remove_dir_all(dir);
    }

    fn const_oid_signed_data() -> ObjectIdentifier {
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2")
    }
}
