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
    /// Score an analyzer on a labelled JSONL set (e.g. ../shared/eval/dev.jsonl).
    Eval {
        file: std::path::PathBuf,
        #[arg(long, value_enum, default_value = "local")]
        analyzer: omnitrack::eval_cmd::Which,
        /// Print exactly one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Write the weekly summary of the week containing --week for every company, once.
    Summaries {
        /// Any day of the week to summarise (YYYY-MM-DD).
        #[arg(long)]
        week: String,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Seed a demo company (40 employees, 8 weeks of shifts) and print how to log in.
    Demo(ServeArgs),
    /// Seed a large company for benchmarks (see bench/README.md).
    BenchSeed {
        #[arg(long, default_value_t = 1000)]
        employees: usize,
        #[arg(long, default_value_t = 1_000_000)]
        shifts: usize,
        #[arg(long, default_value = "bench@bench.omnitrack.example")]
        email: String,
        #[command(flatten)]
        serve: ServeArgs,
    },
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
        .with_target(true)
        // Logs go to stderr so command output (eval --json, openapi) stays clean on stdout.
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, not in log files (or `NO_COLOR`).
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none(),
        );
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
        Some(Command::Summaries { week, serve }) => {
            omnitrack::cli::summaries_command(serve, &week).await
        }
        Some(Command::Demo(args)) => omnitrack::cli::demo_command(args).await,
        Some(Command::BenchSeed {
            employees,
            shifts,
            email,
            serve,
        }) => omnitrack::cli::bench_seed_command(serve, employees, shifts, email).await,
        Some(Command::AnnouncePolicyChange {
            effective,
            summary,
            serve,
        }) => omnitrack::cli::announce_policy_change(serve, &effective, &summary).await,
        Some(Command::Eval {
            file,
            analyzer,
            json,
        }) => omnitrack::eval_cmd::run(&file, analyzer, json).await,
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
