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
    let r = crate::workers::retention_once(app.state()).await?;
    crate::workers::mail_once(app.state()).await;
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
    app.state().store.close().await;
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
        .state()
        .announce_policy_change(date, summary)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::workers::mail_once(app.state()).await;
    println!("announced the policy change effective {date} to {n} company owners; the dashboard shows it until then");
    app.state().store.close().await;
    Ok(())
}
