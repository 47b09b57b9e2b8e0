use clap::{Parser, Subcommand};
use omnitrack::{Application, Config, ServeArgs};
use secrecy::ExposeSecret;

#[derive(Parser)]
#[command(
    name = "omnitrack",
    version,
    about = "OmniTrack: employee time tracking that explains itself"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate(ServeArgs),
    /// Print the OpenAPI document.
    Openapi,
    /// Permanently delete companies whose 30 days after cancellation have passed (and send
    /// due purge reminders), once. The server does the same every few minutes.
    Purge(ServeArgs),
    /// Mail every company owner about a privacy-policy change and show it on the dashboard
    /// until it takes effect (at least 14 days ahead).
    AnnouncePolicyChange {
        /// When the new policy takes effect (YYYY-MM-DD, at least 14 days from today).
        #[arg(long)]
        effective: String,
        /// One line saying what changes.
        #[arg(long)]
        summary: String,
        #[command(flatten)]
        serve: ServeArgs,
    },
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("OMNITRACK_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let json = std::env::var("OMNITRACK_LOG_FORMAT").is_ok_and(|f| f == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logging();
    match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::Migrate(args)) => {
            let config = Config::resolve(args)?;
            let store = store::Store::connect(config.database_url.expose_secret()).await?;
            store.migrate().await?;
            println!("migrations applied");
            Ok(())
        }
        Some(Command::Purge(args)) => omnitrack::cli::purge(args).await,
        Some(Command::AnnouncePolicyChange {
            effective,
            summary,
            serve,
        }) => omnitrack::cli::announce_policy_change(serve, &effective, &summary).await,
        Some(Command::Openapi) => {
            println!("{}", web::api::openapi_json());
            Ok(())
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let config = Config::resolve(args)?;
    Application::build(config).await?.run().await
}
