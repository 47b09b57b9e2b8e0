//! Configuration from flags, environment variables and an optional TOML file, in that
//! order of precedence. Parsed once at start-up into a plain value passed down — no global
//! config statics, so tests can run many differently configured apps in one process.

use clap::Args;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use web::middleware::client_ip::TrustedProxies;

#[derive(Debug, Clone, Args, Default)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "OMNITRACK_BIND")]
    pub bind: Option<SocketAddr>,
    /// Where the SQLite database, outbox and other files live.
    #[arg(long, env = "OMNITRACK_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// `postgres://…` for PostgreSQL; default: SQLite under the data dir.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<SecretString>,
    /// Public URL of the service (links in mail, cookie `Secure` flag, Origin check).
    #[arg(long, env = "OMNITRACK_BASE_URL")]
    pub base_url: Option<url::Url>,
    /// Trust X-Forwarded-For from the peer, whatever its address: one proxy hop. Prefer
    /// --trusted-proxies.
    #[arg(long, env = "OMNITRACK_TRUST_PROXY")]
    pub trust_proxy: Option<bool>,
    /// Your reverse proxies' addresses (comma-separated CIDRs or IPs): X-Forwarded-For is
    /// read only from them, and the client is its right-most address not in this list.
    #[arg(long, env = "OMNITRACK_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Option<Vec<String>>,
    /// PEM certificate chain: serve HTTPS directly.
    #[arg(long, env = "OMNITRACK_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, env = "OMNITRACK_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Optional TOML file with the same settings (snake_case keys).
    #[arg(long, env = "OMNITRACK_CONFIG")]
    pub config: Option<PathBuf>,
    /// Stripe secret key (`sk_…`): turns billing on. Without it billing is off.
    #[arg(long, env = "STRIPE_SECRET_KEY", hide_env_values = true)]
    pub stripe_secret_key: Option<SecretString>,
    /// Stripe webhook signing secret (`whsec_…`); required with billing.
    #[arg(long, env = "STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    pub stripe_webhook_secret: Option<SecretString>,
    /// The per-seat recurring Price (`price_…`); required with billing.
    #[arg(long, env = "STRIPE_PRICE_ID")]
    pub stripe_price_id: Option<String>,
    /// Stripe API base URL (tests point it at a fake).
    #[arg(long, env = "STRIPE_API_BASE")]
    pub stripe_api_base: Option<String>,
    /// `smtp://user:pass@host:587?tls=required` or `smtps://…`: deliver mail over SMTP.
    /// Without it mail is written to `<data-dir>/outbox/*.eml`.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<SecretString>,
    /// The From address of outgoing mail.
    #[arg(long, env = "OMNITRACK_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// The address the privacy policy names for questions and data-protection requests
    /// (default: the address of --mail-from).
    #[arg(long, env = "OMNITRACK_PRIVACY_CONTACT")]
    pub privacy_contact: Option<String>,
    /// How long a clock request waits for its analysis (ms; default 3000). 0: the request
    /// does not try it; the background worker does.
    #[arg(long, env = "OMNITRACK_ANALYSIS_WAIT_MS")]
    pub analysis_wait_ms: Option<u64>,
    /// How long a computed live board or team timesheet may be served from memory (ms;
    /// default 1500). Writes on this instance invalidate it at once. 0: off.
    #[arg(long, env = "OMNITRACK_READ_CACHE_MS")]
    pub read_cache_ms: Option<u64>,
    /// CSV and zip exports running at once (default: two per core); one more is answered
    /// 429 with Retry-After.
    #[arg(long, env = "OMNITRACK_MAX_EXPORTS")]
    pub max_exports: Option<usize>,
}

/// The TOML file's shape; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    base_url: Option<url::Url>,
    trust_proxy: Option<bool>,
    trusted_proxies: Option<Vec<String>>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    stripe_secret_key: Option<String>,
    stripe_webhook_secret: Option<String>,
    stripe_price_id: Option<String>,
    stripe_api_base: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    privacy_contact: Option<String>,
    analysis_wait_ms: Option<u64>,
    read_cache_ms: Option<u64>,
    max_exports: Option<usize>,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: SecretString,
    pub base_url: url::Url,
    /// Whose `X-Forwarded-For` is believed.
    pub proxies: TrustedProxies,
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Stripe, when `STRIPE_SECRET_KEY` is set; `None`: billing off.
    pub billing: Option<billing::StripeConfig>,
    /// SMTP server for mail; `None`: `.eml` files under `<data-dir>/outbox/`.
    pub smtp_url: Option<SecretString>,
    pub mail_from: String,
    /// Named on the privacy page as the operator's contact.
    pub privacy_contact: domain::Email,
    /// Claude when `ANTHROPIC_API_KEY` is set, an OpenAI-compatible server when
    /// `OPENAI_BASE_URL` is, else the built-in local analyzer.
    pub analyzer: analysis::AnalyzerConfig,
    /// How long a clock request waits for its analysis; `None`: the web default.
    pub analysis_wait: Option<std::time::Duration>,
    /// How long computed boards and timesheets are served from memory; zero: not at all.
    pub read_cache_ttl: std::time::Duration,
    /// Exports running at once.
    pub max_exports: usize,
}

impl Config {
    pub fn resolve(args: ServeArgs) -> anyhow::Result<Self> {
        let file: FileConfig = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    anyhow::anyhow!("cannot read config file {}: {e}", path.display())
                })?;
                toml::from_str(&text)
                    .map_err(|e| anyhow::anyhow!("config file {}: {e}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let bind = args
            .bind
            .or(file.bind)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let data_dir = args
            .data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("data"));
        let database_url = args
            .database_url
            .or(file.database_url.map(SecretString::from))
            .unwrap_or_else(|| {
                SecretString::from(data_dir.join("omnitrack.db").display().to_string())
            });
        let base_url = match args.base_url.or(file.base_url) {
            Some(u) => u,
            None => {
                let host = if bind.ip().is_unspecified() {
                    "localhost".to_string()
                } else {
                    bind.ip().to_string()
                };
                let scheme = if args.tls_cert.is_some() || file.tls_cert.is_some() {
                    "https"
                } else {
                    "http"
                };
                url::Url::parse(&format!("{scheme}://{host}:{}", bind.port()))?
            }
        };
        let tls = match (
            args.tls_cert.or(file.tls_cert),
            args.tls_key.or(file.tls_key),
        ) {
            (Some(c), Some(k)) => Some((c, k)),
            (None, None) => None,
            _ => anyhow::bail!("TLS needs both a certificate and a key"),
        };
        let mail_from = args
            .mail_from
            .or(file.mail_from)
            .unwrap_or_else(|| "OmniTrack <no-reply@omnitrack.local>".to_string());
        let privacy_contact = match args.privacy_contact.or(file.privacy_contact) {
            Some(c) => domain::Email::parse(&c)
                .map_err(|e| anyhow::anyhow!("privacy contact {c:?}: {}", e.message))?,
            None => {
                let address = mail_address(&mail_from);
                tracing::warn!(
                    %address,
                    "no OMNITRACK_PRIVACY_CONTACT: the privacy policy names the From address of mail"
                );
                domain::Email::parse(address)
                    .map_err(|e| anyhow::anyhow!("mail from {mail_from:?}: {}", e.message))?
            }
        };
        Ok(Self {
            bind,
            data_dir,
            database_url,
            base_url,
            proxies: TrustedProxies {
                nets: TrustedProxies::parse_list(
                    &args
                        .trusted_proxies
                        .or(file.trusted_proxies)
                        .unwrap_or_default(),
                )
                .map_err(|e| anyhow::anyhow!("trusted_proxies: {e}"))?,
                trust_peer: args.trust_proxy.or(file.trust_proxy).unwrap_or(false),
            },
            tls,
            billing: billing::StripeConfig::from_env_values(
                args.stripe_secret_key
                    .map(|s| s.expose_secret().to_string())
                    .or(file.stripe_secret_key),
                args.stripe_webhook_secret
                    .map(|s| s.expose_secret().to_string())
                    .or(file.stripe_webhook_secret),
                args.stripe_price_id.or(file.stripe_price_id),
                args.stripe_api_base.or(file.stripe_api_base),
            )?,
            smtp_url: args
                .smtp_url
                .or(file.smtp_url.map(SecretString::from))
                .filter(|s| !s.expose_secret().trim().is_empty()),
            mail_from,
            privacy_contact,
            analyzer: analysis::AnalyzerConfig::from_env_values(|k| {
                std::env::var(k).ok().filter(|v| !v.is_empty())
            })?,
            analysis_wait: args
                .analysis_wait_ms
                .or(file.analysis_wait_ms)
                .map(std::time::Duration::from_millis),
            read_cache_ttl: args
                .read_cache_ms
                .or(file.read_cache_ms)
                .map(std::time::Duration::from_millis)
                .unwrap_or(app::read_cache::DEFAULT_TTL),
            max_exports: args
                .max_exports
                .or(file.max_exports)
                .unwrap_or_else(app::exports::ExportSlots::default_max),
        })
    }
}

/// The address in a From value: `Name <a@b.c>` or `a@b.c`.
fn mail_address(from: &str) -> &str {
    from.rsplit_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map_or(from, |(address, _)| address)
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn defaults_are_the_embedded_setup() {
        let c = Config::resolve(ServeArgs::default()).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url.expose_secret(), "data/omnitrack.db");
        assert_eq!(c.base_url.as_str(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn flags_beat_the_file_and_the_file_beats_defaults() {
        let dir = std::env::temp_dir().join(format!("ot-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("c.toml");
        std::fs::write(&path, "bind = \"0.0.0.0:9000\"\ndata_dir = \"/srv/ot\"\n").unwrap();
        let c = Config::resolve(ServeArgs {
            config: Some(path.clone()),
            data_dir: Some("/flag".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.bind.port(), 9000);
        assert_eq!(c.data_dir, PathBuf::from("/flag"));
        std::fs::write(&path, "bnd = 1\n").unwrap();
        let err = Config::resolve(ServeArgs {
            config: Some(path),
            ..Default::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
    }

    #[test]
    fn analysis_wait_is_optional_milliseconds() {
        let c = Config::resolve(ServeArgs::default()).unwrap();
        assert_eq!(c.analysis_wait, None, "unset: the web default applies");
        let c = Config::resolve(ServeArgs {
            analysis_wait_ms: Some(0),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.analysis_wait, Some(std::time::Duration::ZERO));
    }

    #[test]
    fn read_cache_defaults_to_the_web_ttl_and_zero_turns_it_off() {
        let c = Config::resolve(ServeArgs::default()).unwrap();
        assert_eq!(c.read_cache_ttl, app::read_cache::DEFAULT_TTL);
        let c = Config::resolve(ServeArgs {
            read_cache_ms: Some(0),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.read_cache_ttl, std::time::Duration::ZERO);
    }

    #[test]
    fn privacy_contact_is_configured_or_the_mail_from_address() {
        let c = Config::resolve(ServeArgs::default()).unwrap();
        assert_eq!(c.privacy_contact.as_str(), "no-reply@omnitrack.local");
        let c = Config::resolve(ServeArgs {
            mail_from: Some("Acme Time <time@acme.example>".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.privacy_contact.as_str(), "time@acme.example");
        let c = Config::resolve(ServeArgs {
            privacy_contact: Some("Privacy@Acme.example".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.privacy_contact.as_str(), "privacy@acme.example");
        let err = Config::resolve(ServeArgs {
            privacy_contact: Some("nobody".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("privacy contact"), "{err}");
    }

    #[test]
    fn trusted_proxies_come_from_a_comma_list_or_the_file() {
        let c = Config::resolve(ServeArgs::default()).unwrap();
        assert_eq!(c.proxies, TrustedProxies::none());
        let c = Config::resolve(ServeArgs {
            trusted_proxies: Some(vec!["10.0.0.0/8".into(), "::1".into()]),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.proxies.nets.len(), 2);
        assert!(!c.proxies.trust_peer);
        let dir = std::env::temp_dir().join(format!("ot-cfg-tp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("c.toml");
        std::fs::write(&path, "trusted_proxies = [\"192.168.0.0/16\", \"nope\"]\n").unwrap();
        let err = Config::resolve(ServeArgs {
            config: Some(path),
            ..Default::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("nope"), "{err}");
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let c = Config::resolve(ServeArgs {
            database_url: Some(SecretString::from("postgres://u:hunter2@db/x".to_string())),
            ..Default::default()
        })
        .unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
