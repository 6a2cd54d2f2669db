#![recursion_limit = "512"]
//! `server`: runs the portal. Configuration comes from the environment (README.md).

use server::config::Config;
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

fn main() -> anyhow::Result<()> {
    limit_malloc_arenas();
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(run())
}

async fn run() -> anyhow::Result<()> {
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
    let config = Config::from_env()?;
    let (router, state) = server::build_app(&config).await?;
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
