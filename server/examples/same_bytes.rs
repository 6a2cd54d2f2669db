//! The ceiling for `scripts/bench-pages.sh`: a plain axum server that answers each captured URL
//! with the very bytes and headers the portal answered it with, from memory, doing nothing else.
//! What the portal does per request beyond this (sessions, rendering, the database, logging) is
//! the difference the benchmark's ratio shows.
//!
//! `same_bytes ADDR MANIFEST` — each line of MANIFEST is
//! `PATH_AND_QUERY<TAB>CONTENT_TYPE<TAB>CONTENT_ENCODING<TAB>BODY_FILE` (an empty encoding is none);
//! any other URL answers 404.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use std::collections::HashMap;
use std::sync::Arc;

type Pages = Arc<HashMap<String, (HeaderMap, Bytes)>>;

async fn answer(State(pages): State<Pages>, req: Request) -> Response {
    let key = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    match pages.get(key) {
        Some((headers, body)) => {
            let mut res = Response::new(Body::from(body.clone()));
            *res.headers_mut() = headers.clone();
            res
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn load(manifest: &str) -> anyhow::Result<HashMap<String, (HeaderMap, Bytes)>> {
    let mut pages = HashMap::new();
    for line in std::fs::read_to_string(manifest)?.lines().filter(|l| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split('\t').collect();
        let [path, content_type, encoding, file] = parts[..] else {
            anyhow::bail!("manifest line {line:?}: expected four tab-separated fields");
        };
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(content_type)?);
        if !encoding.is_empty() {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_str(encoding)?);
        }
        pages.insert(path.to_string(), (headers, Bytes::from(std::fs::read(file)?)));
    }
    Ok(pages)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(addr), Some(manifest)) = (args.get(1), args.get(2)) else {
        anyhow::bail!("usage: same_bytes ADDR MANIFEST");
    };
    let pages: Pages = Arc::new(load(manifest)?);
    let app = axum::Router::new().fallback(answer).with_state(pages);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
