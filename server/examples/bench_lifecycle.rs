#![recursion_limit = "512"]
//! Lifecycle benchmark (`scripts/bench-lifecycle.sh`): concurrent clients drive dossiers over
//! HTTP through the whole of their life at Phường Đông Hà — the citizen submits (two small
//! files), reception accepts and hands on, the unit leader assigns, the specialist appraises
//! with a draft, the unit leader and the agency leader approve (the result is recorded), reception
//! delivers — against a running server whose database already holds a province's dossiers.
//! Then it checks that no dossier code was lost or given twice and that every history chain
//! verifies, and prints lifecycles per second, p50/p99 per step and the database's size.
//!
//! bench_lifecycle prepare sqlite|postgres DOSSIERS DIR   → prints DATABASE_URL=…
//! bench_lifecycle run BASE_URL DATABASE_URL CLIENTS SECONDS
//! bench_lifecycle drop DATABASE_URL                      (a PostgreSQL database)

use app::ports::stores::*;
use reqwest::multipart::{Form, Part};
use reqwest::{redirect, Client};
use server::storage::Db;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "common/fill.rs"]
mod fill;

const PASSWORD: &str = "canbo2026";
const RECEPTION: &str = "045185000101";
const VP_SPECIALIST: &str = "045085000102";
const VP_LEADER: &str = "045185000103";
const AGENCY_LEADER: &str = "045080000104";
const CITIZENS: [&str; 2] = ["045095001234", "045195004321"];
/// A delivered dossier's code and the time of each of its steps.
type Lifecycle = (String, [Duration; 8]);

const STEPS: [&str; 8] =
    ["submit", "accept", "transfer", "assign", "appraise", "approve (unit)", "approve (result)", "deliver"];

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    match arg(1).as_str() {
        "prepare" => prepare(&arg(2), arg(3).parse().unwrap_or(1_000_000), std::path::Path::new(&arg(4))).await,
        "run" => run(&arg(2), &arg(3), arg(4).parse().unwrap_or(8), arg(5).parse().unwrap_or(30)).await,
        "drop" => drop_pg(&arg(2)).await,
        _ => anyhow::bail!("usage: bench_lifecycle prepare|run|drop … (see the header of this file)"),
    }
}

async fn prepare(backend: &str, n: usize, dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let url = if backend == "postgres" {
        use sqlx::Connection;
        let admin =
            std::env::var("PORTAL_BENCH_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("portal_life_{}", std::process::id());
        let mut conn = sqlx::postgres::PgConnection::connect(&admin).await?;
        sqlx::query(&format!("create database {name}")).execute(&mut conn).await?;
        format!("{}/{name}", admin.rsplit_once('/').map(|(base, _)| base).unwrap_or(&admin))
    } else {
        format!("sqlite://{}/portal.db", dir.display())
    };
    let db = Db::connect(&url).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let files = server::files::LocalFileStore::new(dir.join("uploads"));
    let now = app::api::ctx::now_ms();
    let started = Instant::now();
    server::demo::load(&db, &files, now).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    fill::fill(&db, n, now).await?;
    eprintln!("{backend}: {n} dossiers generated in {:.1} s", started.elapsed().as_secs_f64());
    println!("DATABASE_URL={url}");
    Ok(())
}

async fn drop_pg(url: &str) -> anyhow::Result<()> {
    use sqlx::Connection;
    let Some((base, name)) = url.rsplit_once('/') else { return Ok(()) };
    let mut conn = sqlx::postgres::PgConnection::connect(&format!("{base}/postgres")).await?;
    sqlx::query(&format!("drop database if exists {name} with (force)")).execute(&mut conn).await?;
    Ok(())
}

/// Signs in as a browser does; the client keeps the session cookie.
async fn sign_in(base: &str, cccd: &str, password: &str) -> anyhow::Result<Client> {
    let c = Client::builder().cookie_store(true).redirect(redirect::Policy::none()).build()?;
    let res = c
        .post(format!("{base}/api/account/login"))
        .header("Accept", "text/html")
        .header("Referer", format!("{base}/dang-nhap"))
        .form(&[("cccd", cccd), ("password", password), ("next", "/")])
        .send()
        .await?;
    anyhow::ensure!(res.status() == 302, "sign-in of {cccd}: {}", res.status());
    let to = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    if to.starts_with("/dang-nhap/xac-thuc") {
        // Officers give the second factor: the demo officers' published secret (README).
        use app::domain::totp;
        let secret = totp::from_base32(server::demo::OFFICER_TOTP_SECRET).expect("a base32 secret");
        let code = totp::code_at(&secret, totp::step_of(app::api::ctx::now_ms()));
        let res = c
            .post(format!("{base}/api/account/second-factor"))
            .header("Accept", "text/html")
            .header("Referer", format!("{base}/dang-nhap/xac-thuc"))
            .form(&[("code", code.as_str())])
            .send()
            .await?;
        let to = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("");
        anyhow::ensure!(
            res.status() == 302 && !to.contains("__err"),
            "second factor of {cccd}: {} → {to}",
            res.status()
        );
    }
    Ok(c)
}

/// Where a post redirected to, failing on an error carried back in the URL.
fn moved_to(res: &reqwest::Response, what: &str) -> anyhow::Result<String> {
    let loc = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    anyhow::ensure!(res.status() == 302 && !loc.contains("__err"), "{what}: {} → {loc}", res.status());
    Ok(loc)
}

struct Desk {
    base: String,
    desk: Client,
    leader: Client,
    specialist: Client,
    head: Client,
    specialist_id: String,
    procedure: app::api::catalogue::ProcedureDetail,
}

impl Desk {
    async fn act(&self, who: &Client, path: &str, code: &str, fields: &[(&str, &str)]) -> anyhow::Result<()> {
        let mut all = vec![("code", code)];
        all.extend_from_slice(fields);
        let res = who
            .post(format!("{}{path}", self.base))
            .header("Accept", "text/html")
            .header("Referer", format!("{}/mot-cua/ho-so/{code}", self.base))
            .form(&all)
            .send()
            .await?;
        moved_to(&res, path).map(|_| ())
    }

    fn dossier(&self, key: &str) -> Form {
        let p = &self.procedure;
        let mut form =
            Form::new().text("key", key.to_string()).text("procedure", p.code.clone()).text("intent", "submit");
        for f in &p.form_fields {
            form = form.text(f.input_name(), server::demo::sample_answer(f));
        }
        for c in p.components.iter().filter(|c| c.required) {
            let part = Part::bytes(server::demo::demo_pdf(&c.name))
                .file_name("giay-to.pdf")
                .mime_str("application/pdf")
                .expect("a MIME type");
            form = form.part(format!("file_{}", c.id), part);
        }
        form
    }

    /// One dossier's whole life; the time of each step.
    async fn lifecycle(&self, citizen: &Client, key: &str) -> anyhow::Result<Lifecycle> {
        let mut t = [Duration::ZERO; 8];
        let started = Instant::now();
        let res = citizen
            .post(format!("{}/api/dossiers/save", self.base))
            .header("Accept", "text/html")
            .header("Referer", format!("{}/thu-tuc/{}/nop", self.base, self.procedure.code))
            .multipart(self.dossier(key))
            .send()
            .await?;
        let loc = moved_to(&res, "submit")?;
        let code = loc
            .strip_prefix("/ho-so/")
            .and_then(|r| r.strip_suffix("/xac-nhan"))
            .ok_or_else(|| anyhow::anyhow!("submit went to {loc}"))?
            .to_string();
        t[0] = started.elapsed();
        let mut step = |i: usize, since: Instant| t[i] = since.elapsed();
        let s = Instant::now();
        self.act(&self.desk, "/api/desk/accept", &code, &[]).await?;
        step(1, s);
        let s = Instant::now();
        self.act(&self.desk, "/api/desk/transfer", &code, &[]).await?;
        step(2, s);
        let s = Instant::now();
        self.act(&self.leader, "/api/desk/assign", &code, &[("specialist", &self.specialist_id)]).await?;
        step(3, s);
        let s = Instant::now();
        let draft = Part::bytes(server::demo::demo_pdf("Trich luc khai sinh"))
            .file_name("du-thao.pdf")
            .mime_str("application/pdf")?;
        let form = Form::new()
            .text("code", code.clone())
            .text("note", "Hồ sơ đầy đủ, thông tin khớp sổ hộ tịch; đủ điều kiện giải quyết.")
            .text("proposal", "result")
            .part("file_0", draft);
        let res = self
            .specialist
            .post(format!("{}/api/desk/appraise", self.base))
            .header("Accept", "text/html")
            .header("Referer", format!("{}/mot-cua/ho-so/{code}", self.base))
            .multipart(form)
            .send()
            .await?;
        moved_to(&res, "appraise")?;
        step(4, s);
        let s = Instant::now();
        self.act(&self.leader, "/api/desk/decide", &code, &[("decision", "approve")]).await?;
        step(5, s);
        let s = Instant::now();
        self.act(&self.head, "/api/desk/decide", &code, &[("decision", "approve")]).await?;
        step(6, s);
        let s = Instant::now();
        self.act(&self.desk, "/api/desk/deliver", &code, &[("delivery", "counter")]).await?;
        step(7, s);
        Ok((code, t))
    }
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1).min(sorted.len() - 1)]
}

async fn run(base: &str, url: &str, clients: usize, seconds: u64) -> anyhow::Result<()> {
    use sqlx::Row;
    let db = Db::connect(url).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let before: i64 = sqlx::query("select count(*) as n from dossiers").fetch_one(&db.pool).await?.get("n");
    let specialist_id: i64 =
        sqlx::query("select id from users where cccd = $1").bind(VP_SPECIALIST).fetch_one(&db.pool).await?.get("id");
    let procedure = db.procedure("1.001193").await.map_err(|e| anyhow::anyhow!("{e}"))?.expect("birth registration");
    let desk = Arc::new(Desk {
        base: base.to_string(),
        desk: sign_in(base, RECEPTION, PASSWORD).await?,
        leader: sign_in(base, VP_LEADER, PASSWORD).await?,
        specialist: sign_in(base, VP_SPECIALIST, PASSWORD).await?,
        head: sign_in(base, AGENCY_LEADER, PASSWORD).await?,
        specialist_id: specialist_id.to_string(),
        procedure,
    });
    let mut citizens = Vec::new();
    for cccd in CITIZENS {
        citizens.push(sign_in(base, cccd, "matkhau2026").await?);
    }
    let done: Arc<Mutex<Vec<Lifecycle>>> = Arc::default();
    let failures: Arc<Mutex<Vec<String>>> = Arc::default();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..clients {
        let (desk, done, failures) = (desk.clone(), done.clone(), failures.clone());
        let citizen = citizens[i % citizens.len()].clone();
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                // A draft's key as the form makes it: 128 random bits in hex.
                let key = {
                    use rand::RngCore;
                    let mut b = [0u8; 16];
                    rand::thread_rng().fill_bytes(&mut b);
                    hex::encode(b)
                };
                match desk.lifecycle(&citizen, &key).await {
                    Ok(r) => done.lock().expect("results").push(r),
                    Err(e) => failures.lock().expect("failures").push(e.to_string()),
                }
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let done = std::mem::take(&mut *done.lock().expect("results"));
    let failures = std::mem::take(&mut *failures.lock().expect("failures"));

    // Every acknowledged dossier is there once, delivered, with a history that verifies.
    let mut codes: Vec<&str> = done.iter().map(|(c, _)| c.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let after: i64 = sqlx::query("select count(*) as n from dossiers").fetch_one(&db.pool).await?.get("n");
    let mut broken = 0;
    for (code, _) in &done {
        let (events, n, last) = db.history(code).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let delivered = events.last().is_some_and(|e| e.action == "deliver");
        if app::domain::history::verify(&events, n, &last).is_err() || !delivered {
            broken += 1;
        }
    }
    let size_mb = if url.starts_with("postgres") {
        let bytes: i64 =
            sqlx::query("select pg_database_size(current_database()) as n").fetch_one(&db.pool).await?.get("n");
        bytes as f64 / 1e6
    } else {
        let path = url.trim_start_matches("sqlite://");
        ["", "-wal"]
            .iter()
            .filter_map(|s| std::fs::metadata(format!("{path}{s}")).ok())
            .map(|m| m.len() as f64)
            .sum::<f64>()
            / 1e6
    };

    println!(
        "{} lifecycles in {elapsed:.1} s by {clients} clients: {:.1} lifecycles/s ({} HTTP posts each); {} failed",
        done.len(),
        done.len() as f64 / elapsed,
        STEPS.len(),
        failures.len()
    );
    println!("{:<18} {:>8} {:>8}", "step", "p50 ms", "p99 ms");
    for (i, name) in STEPS.iter().enumerate() {
        let mut ms: Vec<f64> = done.iter().map(|(_, t)| t[i].as_secs_f64() * 1000.0).collect();
        ms.sort_by(|a, b| a.total_cmp(b));
        println!("{name:<18} {:>8.1} {:>8.1}", pct(&ms, 0.5), pct(&ms, 0.99));
    }
    println!(
        "dossiers: {before} before, {after} after (+{}); {} codes acknowledged, {} distinct; {broken} histories broken or undelivered; database {size_mb:.0} MB",
        after - before,
        done.len(),
        codes.len()
    );
    for f in failures.iter().take(5) {
        println!("failure: {f}");
    }
    let lost_or_extra = after - before != done.len() as i64;
    if codes.len() != done.len() || broken > 0 || lost_or_extra || !failures.is_empty() {
        anyhow::bail!("the lifecycle benchmark found lost, duplicated, failed or broken dossiers");
    }
    Ok(())
}
