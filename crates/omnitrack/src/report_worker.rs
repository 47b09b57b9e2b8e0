//! The weekly-summary job: every hour, each active company's last finished week (in its
//! own zone and week start) is summarised unless it already is. Idempotent per (company,
//! week) through a unique index, so several instances may run it.

use std::time::Duration;
use tokio::task::JoinHandle;
use web::AppState;

pub const SUMMARY_EVERY: Duration = Duration::from_secs(3600);

pub fn spawn(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SUMMARY_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match web::summaries::run_due(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(created = n, "weekly summaries written"),
                Err(e) => tracing::error!(error = %e, "weekly summary round failed"),
            }
        }
    })
}

/// Builds the app's state for a one-off command (no listener is served).
async fn command_state(args: crate::ServeArgs) -> anyhow::Result<AppState> {
    let mut config = crate::Config::resolve(args)?;
    config.bind.set_port(0);
    Ok(crate::Application::build(config).await?.state().clone())
}

/// `omnitrack summaries --week YYYY-MM-DD`: summarises the week containing that day for
/// every active company (each in its own zone and week start), once.
pub async fn summaries_command(args: crate::ServeArgs, week: &str) -> anyhow::Result<()> {
    let day: jiff::civil::Date = week
        .parse()
        .map_err(|_| anyhow::anyhow!("--week must be a date like 2026-03-02, not {week:?}"))?;
    let state = command_state(args).await?;
    let n = web::summaries::run_for(&state, Some(day)).await?;
    crate::workers::mail_once(&state).await;
    println!("wrote {n} weekly {} for the week containing {day} (weeks already summarised, not finished yet, or before a company existed are skipped)",
        if n == 1 { "summary" } else { "summaries" });
    state.store.close().await;
    Ok(())
}

/// `omnitrack demo`: seeds the demo company and prints how to log in.
pub async fn demo_command(args: crate::ServeArgs) -> anyhow::Result<()> {
    let state = command_state(args).await?;
    let o = crate::demo::SeedOptions::demo();
    let r = crate::demo::seed(&state, &o).await?;
    crate::workers::mail_once(&state).await;
    state.store.close().await;
    println!(
        "Seeded {} with {} employees, {} shifts and {} weekly summaries in {:.1} s.\n\nStart the server (`omnitrack serve`), open {}login and sign in with\n  email:    {}\n  password: {}",
        o.company,
        r.employees,
        r.shifts,
        r.summaries,
        r.elapsed.as_secs_f64(),
        state.config.base_url,
        o.email,
        o.password
    );
    Ok(())
}

/// `omnitrack bench-seed --employees N --shifts M`: a large company for measurements.
pub async fn bench_seed_command(
    args: crate::ServeArgs,
    employees: usize,
    shifts: usize,
    email: String,
) -> anyhow::Result<()> {
    let state = command_state(args).await?;
    let o = crate::demo::SeedOptions {
        email,
        company: "Bench Corp".into(),
        employees,
        shifts,
        summaries: false,
        ..crate::demo::SeedOptions::demo()
    };
    let r = crate::demo::seed(&state, &o).await?;
    state.store.close().await;
    println!(
        "seeded {} employees and {} shifts in {:.1} s ({:.0} shifts/s); log in as {} / {}",
        r.employees,
        r.shifts,
        r.elapsed.as_secs_f64(),
        r.shifts as f64 / r.elapsed.as_secs_f64().max(0.001),
        o.email,
        o.password
    );
    Ok(())
}
