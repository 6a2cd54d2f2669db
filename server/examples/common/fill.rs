//! The generated dossiers of the benchmarks (`bench_inbox`, `bench_lifecycle`): a province's
//! years of work written inside the database.

use server::storage::Db;

/// The busiest agency: Phường Đông Hà.
pub const DONG_HA: &str = "000.20.01.H45";

/// Inserts `n` dossiers for 3 000 applicants: 60 % at Phường Đông Hà, the rest over the other
/// agencies; statuses as in a working year (most delivered); due dates around now. The rows are
/// generated inside the database (`insert … select` over a series, 100 000 per statement, with
/// integer hashes of the row number for the random parts), so a million take about a minute
/// instead of the seven a client-side loop took.
pub async fn fill(db: &Db, n: usize, now: i64) -> anyhow::Result<()> {
    use sqlx::Row;
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
    // The procedures numbered: Đông Hà's first (0 .. d-1), then all of them (d .. d+p-1).
    let procs = sqlx::query("select id, current_version_id, receiving_agency from procedures order by id")
        .fetch_all(&db.pool)
        .await?;
    let procs: Vec<(i64, i64, String)> = procs.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    let dong_ha: Vec<_> = procs.iter().filter(|p| p.2 == DONG_HA).cloned().collect();
    sqlx::query("create table bench_procs (idx bigint primary key, proc_id bigint, version_id bigint, agency text)")
        .execute(&db.pool)
        .await?;
    for (idx, p) in dong_ha.iter().chain(procs.iter()).enumerate() {
        sqlx::query("insert into bench_procs (idx, proc_id, version_id, agency) values ($1, $2, $3, $4)")
            .bind(idx as i64)
            .bind(p.0)
            .bind(p.1)
            .bind(&p.2)
            .execute(&db.pool)
            .await?;
    }
    let (d, p) = (dong_ha.len(), procs.len());
    let postgres = db.backend == server::storage::Backend::Postgres;
    const DAY: i64 = 86_400_000;
    let chunk = 100_000usize;
    let mut start = 0usize;
    while start < n {
        let end = (start + chunk).min(n) - 1;
        let series = if postgres {
            format!("select generate_series({start}::bigint, {end}::bigint) as i")
        } else {
            format!(
                "with recursive s(i) as (select {start} union all select i + 1 from s where i < {end}) select i from s"
            )
        };
        let six = if postgres { "lpad(i::text, 6, '0')" } else { "printf('%06d', i)" };
        // h(k): the k-th hash of the row number, in 0 .. 2^31 - 2 (a multiplicative generator).
        let h = |k: i64| format!("(((i + {k}) * {}) % 2147483647)", 48271 + 7919 * k);
        let sql = format!(
            "insert into dossiers (code, idempotency_key, procedure_id, version_id, applicant_id, receiving_agency, current_agency, channel, status, \
             form_json, created_at, updated_at, submitted_at, due_at, resolved_at, holder_role, current_unit, step_position) \
             select p.agency || '-B' || y.six, 'bench-' || y.six, p.proc_id, p.version_id, {first_user} + y.h8 % 3000, p.agency, p.agency, \
               case y.h9 % 4 when 0 then 'online' when 1 then 'online' when 2 then 'counter' else 'postal' end, y.status, '{{}}', \
               y.submitted, y.submitted, y.submitted, \
               case when y.status in (1, 5) then null else y.submitted + (1 + y.h3 % 20) * {DAY} \
                 + case when y.status in (2, 4) then (y.h4 % 20) * {DAY} else 0 end end, \
               case when y.status in (3, 7, 8, 9, 10) then y.submitted + (y.h5 % 20 + 1) * {DAY} else null end, \
               case when y.status = 4 then case y.h6 % 3 when 0 then 'department-leader' when 1 then 'specialist' else 'agency-leader' end \
                 else 'reception' end, \
               case when y.status = 4 then case y.h7 % 3 when 0 then 'VP' when 1 then 'KT' else 'VHXH' end else '' end, \
               case when y.status = 4 then 2 when y.status in (2, 9) then 0 else null end \
             from (select x.*, {now} - (x.h2 % 525600) * 60000 as submitted, \
                     case when x.r < 68 then 10 when x.r < 71 then 3 when x.r < 73 then 7 when x.r < 74 then 8 \
                       when x.r < 77 then 9 when x.r < 88 then 4 when x.r < 91 then 2 when x.r < 94 then 5 else 1 end as status \
                   from (select i, {six} as six, {h1} % 100 as r, {h2} as h2, {h3} as h3, {h4} as h4, {h5} as h5, {h6} as h6, \
                           {h7} as h7, {h8} as h8, {h9} as h9, \
                           case when {h10} % 100 < 60 then {h11} % {d} else {d} + {h11} % {p} end as pidx \
                         from ({series}) s) x) y \
             join bench_procs p on p.idx = y.pidx",
            h1 = h(1),
            h2 = h(2),
            h3 = h(3),
            h4 = h(4),
            h5 = h(5),
            h6 = h(6),
            h7 = h(7),
            h8 = h(8),
            h9 = h(9),
            h10 = h(10),
            h11 = h(11),
        );
        sqlx::query(&sql).execute(&db.pool).await?;
        start = end + 1;
    }
    sqlx::query("drop table bench_procs").execute(&db.pool).await?;
    // Statistics as a running database keeps them (PostgreSQL's autovacuum also sets the
    // visibility map that index-only scans need).
    sqlx::query(if postgres { "vacuum analyze" } else { "analyze" }).execute(&db.pool).await?;
    Ok(())
}
