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

#[path = "common/fill.rs"]
mod fill;
use fill::{fill, DONG_HA};

const ROUNDS: usize = 25;

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
    // PORTAL_BENCH_KEEP=1 keeps the database for a look at its plans (and a later run with
    // PORTAL_BENCH_DB=<url> reuses it without generating again).
    let keep = std::env::var("PORTAL_BENCH_KEEP").is_ok_and(|v| v == "1");
    let reuse = std::env::var("PORTAL_BENCH_DB").ok().filter(|v| !v.is_empty());
    if let Some(url) = reuse {
        return match run(&url, backend, n, budget, &dir).await? {
            true => std::process::exit(1),
            false => Ok(()),
        };
    }
    let result = run(&url, backend, n, budget, &dir).await;
    if keep {
        println!("kept: {url}");
        return result.map(|_| ());
    }
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
    let started = Instant::now();
    if db.is_empty().await.map_err(|e| anyhow::anyhow!("{e}"))? {
        server::demo::load(&db, &files, now).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        fill(&db, n, now).await?;
    }
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
    cases.push(("done, page 10 000".into(), officer("reception", ""), InboxFilter { page: 10_000, ..f("done") }));
    cases.push((
        "overdue, page 1 000".into(),
        officer("department-leader", ""),
        InboxFilter { page: 1_000, ..f("overdue") },
    ));
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
        let mut capped = false;
        for _ in 0..ROUNDS {
            let t = Instant::now();
            let view = db.desk_inbox(viewer, filter).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            rows = view.total;
            capped = view.total_capped;
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).saturating_sub(1).min(times.len() - 1)];
        let p95 = pct(0.95);
        over |= p95 > budget;
        println!(
            "{name:<46} {:>8} {:>8.1} {p95:>8.1} {:>8.1}{}",
            format!("{rows}{}", if capped { "+" } else { "" }),
            pct(0.5),
            times[times.len() - 1],
            if p95 > budget { "  OVER BUDGET" } else { "" }
        );
    }
    Ok(over)
}
