//! Rendered catalogue pages, kept for anonymous readers.
//!
//! The home page, the procedure list (with its filters and searches) and each procedure's page
//! change only when the catalogue does, and look the same to every reader without a session in
//! one language. The first such request renders as usual; its compressed bytes are kept under
//! (path and query, language, `Accept-Encoding`) with an `ETag`, and later requests are answered
//! from memory without touching the session layer, the renderer or the database; a browser that
//! already holds the page gets `304 Not Modified`.
//!
//! What it never keeps: a request with any cookie but `lang` (a session, kept form values), a
//! method other than GET, an answer other than a plain 200, an answer that sets a cookie or says
//! `no-store`. Every catalogue write calls [`PageCache::invalidate`]; a page is also dropped after
//! [`TTL`], which bounds how stale another server process can be. Memory is bounded: two
//! generations of at most [`MAX_ENTRIES`] each (the younger fills, then becomes the older and
//! the oldest is dropped), so random queries cannot grow it or push the popular pages out for
//! long.

use axum::body::Body;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A kept page is rendered again after this long.
pub const TTL: Duration = Duration::from_secs(60);
/// Pages per generation.
pub const MAX_ENTRIES: usize = 2_000;
/// A page bigger than this is not kept.
const MAX_BODY: usize = 512 * 1024;
/// Longer paths, queries or `Accept-Encoding` values are not kept.
const MAX_KEY: usize = 300;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    path_and_query: String,
    lang: app::i18n::Lang,
    accept_encoding: String,
}

struct Page {
    headers: HeaderMap,
    body: Bytes,
    etag: HeaderValue,
    stored: Instant,
    generation: u64,
}

#[derive(Default)]
struct Generations {
    young: HashMap<Key, Arc<Page>>,
    old: HashMap<Key, Arc<Page>>,
}

/// The pages kept for anonymous readers; cheap to clone (shared).
#[derive(Clone, Default)]
pub struct PageCache {
    pages: Arc<Mutex<Generations>>,
    generation: Arc<AtomicU64>,
}

/// The catalogue's public pages: `/`, `/thu-tuc` and `/thu-tuc/{code}`.
pub fn is_catalogue_page(path: &str) -> bool {
    match path.strip_prefix("/thu-tuc") {
        Some("") => true,
        Some(rest) => rest.strip_prefix('/').is_some_and(|code| !code.is_empty() && !code.contains('/')),
        None => path == "/",
    }
}

/// The reader's language when the request carries no cookie but `lang`; `None` otherwise.
fn anonymous_lang(headers: &HeaderMap) -> Option<app::i18n::Lang> {
    let mut lang = app::i18n::Lang::default();
    for value in headers.get_all(header::COOKIE) {
        let value = value.to_str().ok()?;
        for pair in value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, v) = pair.split_once('=')?;
            if name.trim() != "lang" {
                return None;
            }
            lang = app::i18n::Lang::parse(v.trim()).unwrap_or_default();
        }
    }
    Some(lang)
}

fn key_of(req: &Request) -> Option<Key> {
    if req.method() != Method::GET || !is_catalogue_page(req.uri().path()) {
        return None;
    }
    let path_and_query = req.uri().path_and_query()?.as_str();
    let accept_encoding = match req.headers().get(header::ACCEPT_ENCODING) {
        Some(v) => v.to_str().ok()?,
        None => "",
    };
    if path_and_query.len() > MAX_KEY || accept_encoding.len() > MAX_KEY {
        return None;
    }
    Some(Key {
        path_and_query: path_and_query.to_string(),
        lang: anonymous_lang(req.headers())?,
        accept_encoding: accept_encoding.to_string(),
    })
}

/// Whether `if_none_match` (the request's header) names `etag`.
fn matches_etag(if_none_match: Option<&HeaderValue>, etag: &HeaderValue) -> bool {
    let Some(v) = if_none_match.and_then(|v| v.to_str().ok()) else { return false };
    let etag = etag.to_str().unwrap_or("");
    v.split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// The answer to a conditional request the browser's copy satisfies.
fn not_modified(page: &Page) -> Response {
    let mut res = StatusCode::NOT_MODIFIED.into_response();
    let h = res.headers_mut();
    h.insert(header::ETAG, page.etag.clone());
    for name in [header::CACHE_CONTROL, header::VARY] {
        if let Some(v) = page.headers.get(&name) {
            h.insert(name, v.clone());
        }
    }
    res
}

fn answer(page: &Page, if_none_match: Option<&HeaderValue>) -> Response {
    if matches_etag(if_none_match, &page.etag) {
        return not_modified(page);
    }
    let mut res = Response::new(Body::from(page.body.clone()));
    *res.headers_mut() = page.headers.clone();
    res
}

impl PageCache {
    /// Drops every kept page: the catalogue changed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut g) = self.pages.lock() {
            *g = Generations::default();
        }
    }

    /// Pages kept now (both generations).
    pub fn len(&self) -> usize {
        self.pages.lock().map(|g| g.young.len() + g.old.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn get(&self, key: &Key) -> Option<Arc<Page>> {
        let generation = self.generation.load(Ordering::SeqCst);
        let mut g = self.pages.lock().ok()?;
        let fresh = |p: &Arc<Page>| p.generation == generation && p.stored.elapsed() < TTL;
        if let Some(p) = g.young.get(key) {
            return fresh(p).then(|| p.clone());
        }
        let p = g.old.remove(key).filter(fresh)?;
        Self::put_young(&mut g, key.clone(), p.clone());
        Some(p)
    }

    fn put_young(g: &mut Generations, key: Key, page: Arc<Page>) {
        if g.young.len() >= MAX_ENTRIES {
            g.old = std::mem::take(&mut g.young);
        }
        g.young.insert(key, page);
    }

    fn put(&self, key: Key, page: Page) {
        if let Ok(mut g) = self.pages.lock() {
            Self::put_young(&mut g, key, Arc::new(page));
        }
    }
}

fn etag_of(generation: u64, headers: &HeaderMap, body: &[u8]) -> Option<HeaderValue> {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    if let Some(enc) = headers.get(header::CONTENT_ENCODING) {
        h.update(enc.as_bytes());
    }
    h.update(body);
    let digest = h.finalize();
    HeaderValue::from_str(&format!("\"{generation}-{}\"", hex::encode(&digest[..12]))).ok()
}

/// The middleware: answers kept pages, keeps what may be kept.
pub async fn serve_kept_pages(State(cache): State<PageCache>, req: Request, next: Next) -> Response {
    let Some(key) = key_of(&req) else { return next.run(req).await };
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    if let Some(page) = cache.get(&key) {
        return answer(&page, if_none_match.as_ref());
    }
    let generation = cache.generation.load(Ordering::SeqCst);
    let res = next.run(req).await;
    let keepable = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && !res
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("no-store") || v.contains("private"));
    if !keepable {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            // The renderer failed mid-way: nothing sensible was sent yet.
            tracing::error!("page body failed: {e}");
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        }
    };
    if body.len() > MAX_BODY {
        return Response::from_parts(parts, Body::from(body));
    }
    let Some(etag) = etag_of(generation, &parts.headers, &body) else {
        return Response::from_parts(parts, Body::from(body));
    };
    let h = &mut parts.headers;
    h.insert(header::ETAG, etag.clone());
    // Browsers may keep the page but must ask first; the ETag makes asking cheap.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding, cookie"));
    h.remove(header::CONTENT_LENGTH);
    let page = Page { headers: parts.headers.clone(), body: body.clone(), etag, stored: Instant::now(), generation };
    let res = answer(&page, if_none_match.as_ref());
    cache.put(key, page);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_catalogue_pages_are_kept() {
        for path in ["/", "/thu-tuc", "/thu-tuc/1.001193"] {
            assert!(is_catalogue_page(path), "{path}");
        }
        for path in ["/thu-tuc/1.001193/nop", "/thu-tuc/", "/ho-so", "/mot-cua", "/tra-cuu", "/api/lookup", "//"] {
            assert!(!is_catalogue_page(path), "{path}");
        }
    }

    #[test]
    fn a_request_with_any_cookie_but_lang_is_not_anonymous() {
        let mut h = HeaderMap::new();
        assert_eq!(anonymous_lang(&h), Some(app::i18n::Lang::Vi));
        h.insert(header::COOKIE, HeaderValue::from_static("lang=en"));
        assert_eq!(anonymous_lang(&h), Some(app::i18n::Lang::En));
        h.insert(header::COOKIE, HeaderValue::from_static("lang=en; sid=abc"));
        assert_eq!(anonymous_lang(&h), None);
        h.insert(header::COOKIE, HeaderValue::from_static("garbage"));
        assert_eq!(anonymous_lang(&h), None);
    }

    #[test]
    fn if_none_match_accepts_lists_weak_tags_and_star() {
        let etag = HeaderValue::from_static("\"3-abc\"");
        let m = |v: &'static str| matches_etag(Some(&HeaderValue::from_static(v)), &etag);
        assert!(m("\"3-abc\""));
        assert!(m("\"x\", W/\"3-abc\""));
        assert!(m("*"));
        assert!(!m("\"2-abc\""));
        assert!(!matches_etag(None, &etag));
    }

    #[test]
    fn the_cache_keeps_two_generations_of_bounded_size() {
        let cache = PageCache::default();
        let page = || Page {
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"x"),
            etag: HeaderValue::from_static("\"0-x\""),
            stored: Instant::now(),
            generation: 0,
        };
        let key = |i: usize| Key {
            path_and_query: format!("/thu-tuc?q={i}"),
            lang: Default::default(),
            accept_encoding: String::new(),
        };
        for i in 0..MAX_ENTRIES * 3 {
            cache.put(key(i), page());
        }
        assert!(cache.len() <= 2 * MAX_ENTRIES);
        assert!(cache.get(&key(MAX_ENTRIES * 3 - 1)).is_some());
        assert!(cache.get(&key(0)).is_none());
        cache.invalidate();
        assert!(cache.is_empty());
        cache.put(key(1), page());
        assert!(cache.get(&key(1)).is_none(), "a page of an older catalogue is never answered");
    }
}
