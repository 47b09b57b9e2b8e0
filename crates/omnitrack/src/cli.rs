//! One-shot commands that use the full application wiring without serving HTTP.

use crate::{Application, Config, ServeArgs};

/// The application wired as for serving, but bound to a throwaway port and never run.
async fn offline(args: ServeArgs) -> anyhow::Result<Application> {
    let mut config = Config::resolve(args)?;
    config.bind.set_port(0);
    Application::build(config).await
}

/// `omnitrack purge`: one retention round (reminders, due purges), then mail delivery.
pub async fn purge(args: ServeArgs) -> anyhow::Result<()> {
    let app = offline(args).await?;
    let r = crate::workers::retention_once(app.app()).await?;
    crate::workers::mail_once(app.app()).await;
    println!(
        "purged {} {}, sent {} purge {}, {} failed",
        r.purged,
        if r.purged == 1 {
            "company"
        } else {
            "companies"
        },
        r.reminded,
        if r.reminded == 1 {
            "reminder"
        } else {
            "reminders"
        },
        r.failed
    );
    app.app().store.close().await;
    if r.failed > 0 {
        anyhow::bail!("{} purges failed; see the log and run again", r.failed);
    }
    Ok(())
}

/// `omnitrack announce-policy-change --effective YYYY-MM-DD --summary "…"`.
pub async fn announce_policy_change(
    args: ServeArgs,
    effective: &str,
    summary: &str,
) -> anyhow::Result<()> {
    let date: jiff::civil::Date = effective.parse().map_err(|_| {
        anyhow::anyhow!("--effective must be a date like 2026-03-01, not {effective:?}")
    })?;
    let app = offline(args).await?;
    let n = app
        .app()
        .announce_policy_change(date, summary)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::workers::mail_once(app.app()).await;
    println!("announced the policy change effective {date} to {n} company owners; the dashboard shows it until then");
    app.app().store.close().await;
    Ok(())
}

/// `omnitrack summaries --week YYYY-MM-DD`: summarises the week containing that day for
/// every active company (each in its own zone and week start), once.
pub async fn summaries_command(args: crate::ServeArgs, week: &str) -> anyhow::Result<()> {
    let day: jiff::civil::Date = week
        .parse()
        .map_err(|_| anyhow::anyhow!("--week must be a date like 2026-03-02, not {week:?}"))?;
    let application = offline(args).await?;
    let state = application.app();
    let n = app::summaries::run_for(state, Some(day)).await?;
    crate::workers::mail_once(state).await;
    println!("wrote {n} weekly {} for the week containing {day} (weeks already summarised, not finished yet, or before a company existed are skipped)",
        if n == 1 { "summary" } else { "summaries" });
    state.store.close().await;
    Ok(())
}

/// `omnitrack demo`: seeds the demo company and prints how to log in.
pub async fn demo_command(args: crate::ServeArgs) -> anyhow::Result<()> {
    let application = offline(args).await?;
    let state = application.app();
    let o = crate::demo::SeedOptions::demo();
    let r = crate::demo::seed(state, &o).await?;
    crate::workers::mail_once(state).await;
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
    let application = offline(args).await?;
    let state = application.app();
    let o = crate::demo::SeedOptions {
        email,
        company: "Bench Corp".into(),
        employees,
        shifts,
        summaries: false,
        ..crate::demo::SeedOptions::demo()
    };
    let r = crate::demo::seed(state, &o).await?;
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
