#![recursion_limit = "512"]
//! Inbox benchmark: fills a throwaway database with N generated dossiers (default 100 000) and
//! times the desk inbox — every tab with its counts, a filtered tab, a late page, and searches
//! by name and by CCCD — as the officers of the busiest agency see it.
//!
//! `cargo run --release -p server --example bench_inbox -- [sqlite|postgres] [dossiers] [budget-ms]`
//! Prints p50 / p95 / max per query and exits 1 when any p95 is over the budget (100 ms).
//! The dossiers are inserted in bulk, not through the workflow: this measures the read path.

use app::api::desk::{InboxFilter, InboxViewer, TABS};
use app::ports::stores::*;
use server::storage::Db;
use std::time::Instant;

const DONG_HA: &str = "000.20.01.H45";
const ROUNDS: usize = 25;

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let backend = args.get(1).map(String::as_str).unwrap_or("sqlite");
    let n: usize = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let budget: f64 = args.get(3).and_then(|v| v.parse().ok()).unwrap_or(100.0);
    let dir = std::env::temp_dir().join(format!("portal-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let pg_admin =
        std::env::var("PORTAL_BENCH_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let pg_name = format!("portal_bench_{}", std::process::id());
    let url = if backend == "postgres" {
        use sqlx::Connection;
        let mut admin = sqlx::postgres::PgConnection::connect(&pg_admin).await?;
        sqlx::query(&format!("create database {pg_name}")).execute(&mut admin).await?;
        format!("{}/{pg_name}", pg_admin.rsplit_once('/').map(|(base, _)| base).unwrap_or(&pg_admin))
    } else {
        format!("sqlite://{}/bench.db", dir.display())
    };
    let result = run(&url, backend, n, budget, &dir).await;
    if backend == "postgres" {
        use sqlx::Connection;
        let mut admin = sqlx::postgres::PgConnection::connect(&pg_admin).await?;
        sqlx::query(&format!("drop database if exists {pg_name} with (force)")).execute(&mut admin).await?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let over = result?;
    if over {
        std::process::exit(1);
    }
    Ok(())
}

async fn run(url: &str, backend: &str, n: usize, budget: f64, dir: &std::path::Path) -> anyhow::Result<bool> {
    let db = Db::connect(url).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let files = server::files::LocalFileStore::new(dir.join("uploads"));
    let now = app::api::ctx::now_ms();
    server::demo::load(&db, &files, now).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let started = Instant::now();
    fill(&db, n, now).await?;
    let filled = started.elapsed();
    let cal = db.calendar(DONG_HA).await.map_err(|e| anyhow::anyhow!("{e}"))?.expect("calendar");
    let soon =
        app::domain::clock::due(&cal, cal.counting_start(now, false), app::domain::clock::Allowance::WorkingDays(2000));
    let officer = |role: &str, unit: &str| InboxViewer {
        agency: DONG_HA.into(),
        user_id: 3,
        role: app::domain::role::Role::parse(role).expect("a role"),
        unit: unit.into(),
        now_ms: now,
        soon_ms: soon,
    };
    let mut cases: Vec<(String, InboxViewer, InboxFilter)> = Vec::new();
    for tab in TABS {
        let role =
            if matches!(tab, "receive" | "waiting" | "deliver" | "done") { "reception" } else { "department-leader" };
        cases.push((
            format!("tab {tab}"),
            officer(role, "VP"),
            InboxFilter { tab: tab.into(), page: 1, ..Default::default() },
        ));
    }
    let f = |tab: &str| InboxFilter { tab: tab.into(), page: 1, ..Default::default() };
    cases.push((
        "done, filtered (procedure, channel, 30 days)".into(),
        officer("reception", ""),
        InboxFilter {
            procedure: "1.001193".into(),
            channel: "online".into(),
            from: "2026-10-01".into(),
            to: "2026-10-31".into(),
            ..f("done")
        },
    ));
    cases.push(("done, page 100".into(), officer("reception", ""), InboxFilter { page: 100, ..f("done") }));
    cases.push((
        "search by name".into(),
        officer("reception", ""),
        InboxFilter { q: "nguyen thi lan".into(), ..f("receive") },
    ));
    cases.push((
        "search by CCCD".into(),
        officer("reception", ""),
        InboxFilter { q: "045299000777".into(), ..f("receive") },
    ));
    cases.push((
        "search by code".into(),
        officer("reception", ""),
        InboxFilter { q: "000.20.01.H45-B004242".into(), ..f("receive") },
    ));
    println!(
        "{backend}: {n} dossiers generated in {:.1} s; {ROUNDS} rounds per query; budget p95 ≤ {budget} ms",
        filled.as_secs_f64()
    );
    println!(
        "{:<46} {:>8} {:>8} {:>8} {:>8}",
        "query (counts of 7 tabs + page + total)", "rows", "p50 ms", "p95 ms", "max ms"
    );
    let mut over = false;
    for (name, viewer, filter) in &cases {
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..ROUNDS {
            let t = Instant::now();
            let view = db.desk_inbox(viewer, filter).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            rows = view.total;
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).saturating_sub(1).min(times.len() - 1)];
        let p95 = pct(0.95);
        over |= p95 > budget;
        println!(
            "{name:<46} {rows:>8} {:>8.1} {p95:>8.1} {:>8.1}{}",
            pct(0.5),
            times[times.len() - 1],
            if p95 > budget { "  OVER BUDGET" } else { "" }
        );
    }
    Ok(over)
}

/// Inserts `n` dossiers for 3 000 applicants: 60 % at Phường Đông Hà, the rest over the other
/// agencies; statuses as in a working year (most delivered); due dates around now.
async fn fill(db: &Db, n: usize, now: i64) -> anyhow::Result<()> {
    use sqlx::Row;
    let mut rng = Rng(7);
    let family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Phan", "Đặng"];
    let given = ["Thị Lan", "Văn An", "Minh Khoa", "Thị Hương", "Quốc Bảo", "Ngọc Anh", "Văn Hải", "Thị Mai"];
    let mut tx = db.pool.begin().await?;
    for i in 0..3000u64 {
        let name = format!("{} {}", family[(i % 8) as usize], given[((i / 8) % 8) as usize]);
        sqlx::query(
            "insert into users (full_name, cccd, phone, email, password_hash, role, created_at, search_name) values ($1, $2, '0912000000', null, 'x', 'citizen', $3, $4)",
        )
        .bind(&name)
        .bind(format!("0452990{:05}", i))
        .bind(now)
        .bind(app::domain::text::fold(&name))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    let first_user: i64 =
        sqlx::query("select min(id) as m from users where cccd like '0452990%'").fetch_one(&db.pool).await?.get("m");
    let procs =
        sqlx::query("select id, current_version_id, receiving_agency from procedures").fetch_all(&db.pool).await?;
    let procs: Vec<(i64, i64, String)> = procs.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    let dong_ha: Vec<_> = procs.iter().filter(|p| p.2 == DONG_HA).cloned().collect();
    let statuses: [(i64, u64); 9] = [(10, 68), (3, 3), (7, 2), (8, 1), (9, 3), (4, 11), (2, 3), (5, 3), (1, 6)];
    let channels = ["online", "online", "counter", "postal"];
    let units = ["VP", "KT", "VHXH"];
    let batch = 500;
    let mut done = 0;
    while done < n {
        let mut tx = db.pool.begin().await?;
        let size = batch.min(n - done);
        let mut sql = String::from(
            "insert into dossiers (code, idempotency_key, procedure_id, version_id, applicant_id, receiving_agency, current_agency, channel, status, \
             form_json, created_at, updated_at, submitted_at, due_at, resolved_at, holder_role, current_unit, step_position) values ",
        );
        let mut rows = Vec::new();
        for j in 0..size {
            let i = done + j;
            let p = if rng.below(100) < 60 {
                &dong_ha[rng.below(dong_ha.len() as u64) as usize]
            } else {
                &procs[rng.below(procs.len() as u64) as usize]
            };
            let mut pick = rng.below(100);
            let status = statuses
                .iter()
                .find(|(_, w)| {
                    if pick < *w {
                        true
                    } else {
                        pick -= w;
                        false
                    }
                })
                .map(|s| s.0)
                .unwrap_or(10);
            let age = (rng.below(365 * 24 * 60) as i64) * 60_000;
            let submitted = now - age;
            let due = submitted
                + (1 + rng.below(20) as i64) * 86_400_000
                + if matches!(status, 2 | 4) { (rng.below(20) as i64) * 86_400_000 } else { 0 };
            let resolved =
                matches!(status, 3 | 7 | 8 | 9 | 10).then(|| submitted + (rng.below(20) as i64 + 1) * 86_400_000);
            let (role, unit, step) = match status {
                4 => (
                    ["department-leader", "specialist", "agency-leader"][rng.below(3) as usize],
                    units[rng.below(3) as usize],
                    Some(2),
                ),
                2 | 9 => ("reception", "", Some(0)),
                _ => ("reception", "", None),
            };
            sql.push_str(if j == 0 { "(" } else { ", (" });
            let placeholders: Vec<String> = (1..=18).map(|k| format!("${}", j * 18 + k)).collect();
            sql.push_str(&placeholders.join(", "));
            sql.push(')');
            rows.push((
                format!("{}-B{:06}", p.2, i),
                format!("bench-{i}"),
                p.0,
                p.1,
                first_user + rng.below(3000) as i64,
                p.2.clone(),
                channels[rng.below(4) as usize],
                status,
                submitted,
                (status != 1 && status != 5).then_some(due),
                resolved,
                role,
                unit,
                step,
            ));
        }
        let mut q = sqlx::query(&sql);
        for r in rows {
            q = q
                .bind(r.0)
                .bind(r.1)
                .bind(r.2)
                .bind(r.3)
                .bind(r.4)
                .bind(r.5.clone())
                .bind(r.5)
                .bind(r.6)
                .bind(r.7)
                .bind("{}")
                .bind(r.8)
                .bind(r.8)
                .bind(r.8)
                .bind(r.9)
                .bind(r.10)
                .bind(r.11)
                .bind(r.12)
                .bind(r.13);
        }
        q.execute(&mut *tx).await?;
        tx.commit().await?;
        done += size;
    }
    sqlx::query("analyze").execute(&db.pool).await?;
    Ok(())
}
