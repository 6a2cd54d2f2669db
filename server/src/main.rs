#![recursion_limit = "512"]
//! `server`: runs the portal (`serve`, the default) and the operator's commands (`server --help`).
//! Configuration comes from the environment (README.md).

use server::cli::{self, Command};
use server::config::Config;
use server::storage::Db;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// At most two malloc arenas: glibc gives each thread that allocates under contention an arena
/// of its own (up to eight per core), which the server's worker, blocking and SQLite threads
/// filled and kept. Measured under the lifecycle benchmark: peak RSS 147 MB → 123 MB, the same
/// throughput. Set before the runtime starts any thread.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; no other thread exists yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

fn main() -> ExitCode {
    limit_malloc_arenas();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match cli::parse(&args) {
        Ok(Command::Help(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

async fn run(command: Command) -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    // The data directory holds the SQLite file and the uploads: every command may start it.
    std::fs::create_dir_all(&config.data_dir)?;
    let uploads = config.data_dir.join("uploads");
    let now = app::api::ctx::now_ms();
    match command {
        Command::Serve | Command::Help(_) => serve(config).await?,
        Command::Migrate => {
            let db = Db::connect(&config.database_url).await?;
            println!("the schema is at version {}", db.schema_version().await?);
        }
        Command::CreateAdmin(admin) => {
            let db = Db::connect(&config.database_url).await?;
            let link = server::setup::create_admin(&db, &config.public_url, &admin, now).await?;
            println!("Created. The administrator sets a password with this one-time link (24 hours):\n{link}");
        }
        Command::Backup { to } => {
            let db = Db::connect(&config.database_url).await?;
            let m = server::ops::backup(&db, &config.database_url, &uploads, &to, false).await?;
            println!(
                "backup written to {}: {} rows in {} tables, {} files",
                to.display(),
                m.counts.values().sum::<i64>(),
                m.counts.len(),
                m.files.len()
            );
        }
        Command::Restore { from } => {
            let (_, report) = server::ops::restore(&from, &config.database_url, &uploads, false).await?;
            return Ok(print_report("restored", &report));
        }
        Command::ImportCatalogue { file, check } => {
            return import_catalogue(&config, &file, !check, now).await;
        }
        Command::Verify => {
            let db = Db::connect(&config.database_url).await?;
            let report = server::ops::verify(&db, &uploads, false).await?;
            return Ok(print_report("verified", &report));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `import-catalogue`: every problem with its record and field, or what was (would be) done.
async fn import_catalogue(config: &Config, file: &std::path::Path, commit: bool, now: i64) -> anyhow::Result<ExitCode> {
    use app::i18n::{I18n, Lang};
    let bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    if bytes.len() > app::api::catalogue_admin::MAX_FILE_BYTES {
        anyhow::bail!("{}: larger than {} bytes", file.display(), app::api::catalogue_admin::MAX_FILE_BYTES);
    }
    let db = Db::connect(&config.database_url).await?;
    let forms = app::api::catalogue_admin::ssr::form_files(&format!("{}/forms", config.site_root));
    match app::api::catalogue_admin::ssr::import(&db, &bytes, forms, None, now, commit).await? {
        Err(problems) => {
            for p in &problems {
                let message = I18n { lang: Lang::En }.t_args(&p.key, &[("arg", p.arg.clone())]);
                println!("PROBLEM {} {}: {message}", if p.subject.is_empty() { "(file)" } else { &p.subject }, p.field);
            }
            println!("{} problem(s); nothing was imported", problems.len());
            Ok(ExitCode::from(1))
        }
        Ok(r) => {
            println!(
                "{}: {} new procedures, {} new versions ({} taking effect later), {} unchanged; {} agencies, {} units, {} sectors created or changed",
                if commit { "imported" } else { "checked, nothing written" },
                r.procedures_new,
                r.versions_new,
                r.pending,
                r.unchanged,
                r.agencies_changed,
                r.units_changed,
                r.sectors_changed
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Prints what `verify` (or a restore's check) found; 1 when anything is wrong.
fn print_report(done: &str, r: &server::ops::Report) -> ExitCode {
    for p in &r.problems {
        println!("PROBLEM {p}");
    }
    println!(
        "{done}: {} dossiers, {} events, {} files; {} problem(s)",
        r.dossiers,
        r.events,
        r.files,
        r.problems.len()
    );
    if r.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let json = std::env::var("LOG_FORMAT").is_ok_and(|v| v == "json");
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // One line per request is written by a thread of its own, in batches, so requests do not
    // wait on the terminal or the disk; never lossy (a full queue slows logging callers down
    // rather than dropping lines), and flushed when `_logs` is dropped at the end of `main`.
    let (writer, _logs) =
        tracing_appender::non_blocking::NonBlockingBuilder::default().lossy(false).finish(std::io::stdout());
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    if json {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer).json().init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer).with_ansi(ansi).init();
    }
    let (router, state) = server::build_app(&config).await?;
    if !config.demo_data {
        // The link is a secret: printed on the terminal for the operator, never logged.
        if let Some(link) =
            server::setup::setup_link_if_needed(&state.db, &config.public_url, app::api::ctx::now_ms()).await?
        {
            eprintln!("\n  No administrator yet. Set the province up with this one-time link (24 hours; a restart prints a new one):\n  {link}\n");
        }
    }
    let listener = tokio::net::TcpListener::bind(&config.site_addr).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    let live = state.live.clone();
    let stopping = async move {
        shutdown().await;
        // Open live streams never finish on their own: end them so the requests in flight can.
        live.stop();
    };
    server::serve::serve(listener, router, config.header_timeout, stopping).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Stops taking new connections on Ctrl-C or SIGTERM and lets requests in flight finish.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
