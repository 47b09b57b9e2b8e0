use app::Clock;
use omnitrack::{Application, Config, ServeArgs};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use std::path::PathBuf;
use store::StoreKind;

pub struct TestApp {
    pub base: String,
    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub browser: Client,
    /// An API client: no cookies.
    pub api: Client,
    pub clock: Clock,
    pub data_dir: PathBuf,
    pub kind: StoreKind,
    /// The running app's state, for driving background work directly.
    pub state: app::App,
}

pub async fn spawn_app(kind: StoreKind) -> Option<TestApp> {
    spawn_app_with(kind, |_| {}).await
}

/// Like [`spawn_app`], with a chance to adjust the configuration first (an analyzer
/// pointed at a fake, say) — never through process-wide environment variables.
pub async fn spawn_app_with(kind: StoreKind, adjust: impl FnOnce(&mut Config)) -> Option<TestApp> {
    let (store, _db) = store::testing::fresh(kind).await?;
    Some(spawn_on(kind, store, adjust).await)
}

/// Two instances of the app on one fresh database, each with its own listener, data dir
/// and background workers — how several servers share one PostgreSQL in production.
pub async fn spawn_pair_with(
    kind: StoreKind,
    adjust: impl Fn(&mut Config),
) -> Option<(TestApp, TestApp)> {
    let (store, db) = store::testing::fresh(kind).await?;
    let a = spawn_on(kind, store, &adjust).await;
    let b = spawn_on(kind, db.open().await, &adjust).await;
    Some((a, b))
}

/// Starts the real application on an opened store.
async fn spawn_on(
    kind: StoreKind,
    store: store::Store,
    adjust: impl FnOnce(&mut Config),
) -> TestApp {
    let data_dir =
        std::env::temp_dir().join(format!("omnitrack-app-{}", uuid::Uuid::new_v4().simple()));
    let config = Config::resolve(ServeArgs {
        bind: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(data_dir.clone()),
        base_url: Some("http://127.0.0.1:0".parse().unwrap()),
        ..Default::default()
    })
    .unwrap();
    let mut config = config;
    adjust(&mut config);
    let clock = Clock::system();
    let app = Application::build_with_store(config, store, clock.clone())
        .await
        .unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.app().clone();
    // The listener is bound before `run`, so requests wait in the backlog: no sleep needed.
    tokio::spawn(app.run());
    let browser = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let api = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        base,
        browser,
        api,
        clock,
        data_dir,
        kind,
        state,
    }
}

pub const PASSWORD: &str = "correct horse battery staple";

pub struct Company {
    pub token: String,
    pub company_id: String,
    pub user_id: String,
    pub email: String,
}

impl TestApp {
    /// Pins the app's clock at an RFC 3339 instant.
    pub fn set_clock(&self, at: &str) {
        self.clock.set(at.parse::<jiff::Timestamp>().unwrap());
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut r = self.api.post(self.url(path)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.unwrap()
    }

    /// A GET with a bearer token whose JSON body the test reads (any status).
    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        self.get_api(path, token).await.json().await.unwrap()
    }

    pub async fn get_api(&self, path: &str, token: &str) -> Response {
        self.api
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn signup(&self, email: &str) -> Company {
        let res = self
            .post_json("/api/v1/signup", None, &json!({"company_name": "Acme", "email": email, "password": PASSWORD, "timezone": "Europe/Berlin"}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let v: Value = res.json().await.unwrap();
        Company {
            token: v["token"].as_str().unwrap().into(),
            company_id: v["company_id"].as_str().unwrap().into(),
            user_id: v["user_id"].as_str().unwrap().into(),
            email: email.into(),
        }
    }

    /// Submits a form as the browser would (same-origin fetch metadata included).
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.browser
            .post(self.url(path))
            .header("sec-fetch-site", "same-origin")
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// A GET carrying a given session cookie (`omnitrack_session=…`), not the jar's.
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> Response {
        self.api
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
    }

    /// A same-origin form post carrying a given session cookie, not the jar's.
    pub async fn form_with_cookie(
        &self,
        path: &str,
        cookie: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        self.api
            .post(self.url(path))
            .header("cookie", cookie)
            .header("sec-fetch-site", "same-origin")
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let res = self.browser.get(self.url(path)).send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    }

    /// The CSRF token from a page's forms.
    pub async fn csrf(&self) -> String {
        let (_, html) = self.page("/settings").await;
        csrf_in(&html).expect("csrf token on the settings page")
    }

    pub async fn browser_login(&self, email: &str, password: &str) -> Response {
        self.form("/login", &[("email", email), ("password", password)])
            .await
    }

    /// Mail written to the outbox, oldest first.
    pub fn outbox(&self) -> Vec<String> {
        let dir = self.data_dir.join("outbox");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_string())
}

/// The first `http…` link in a mail whose path starts with `prefix`.
pub fn link_in(mail: &str, prefix: &str) -> Option<String> {
    mail.split_whitespace()
        .find(|w| w.starts_with("http") && w.contains(prefix))
        .map(|w| w.trim().to_string())
}

pub async fn error_of(res: Response) -> (StatusCode, String, String) {
    let status = res.status();
    let v: Value = res.json().await.unwrap();
    (
        status,
        v["error"]["code"].as_str().unwrap_or("").into(),
        v["error"]["message"].as_str().unwrap_or("").into(),
    )
}

/// The actions in the company's audit log, from the owner's export (`token` an owner's).
pub async fn audit_actions(app: &TestApp, token: &str) -> Vec<String> {
    let zip = app
        .get_api("/api/v1/export.zip", token)
        .await
        .bytes()
        .await
        .unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut audit = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("audit_log.json").unwrap(), &mut audit)
        .unwrap();
    let audit: Value = serde_json::from_str(&audit).unwrap();
    audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Invites `email` as `role` through the owner's browser (`csrf` its token) and accepts
/// the invitation in a new browser, which is returned signed in (after the redirect's
/// target is checked to be `landing`).
pub async fn join_as(app: &TestApp, csrf: &str, email: &str, role: &str, landing: &str) -> Client {
    let res = app
        .form(
            "/settings/invites",
            &[("csrf", csrf), ("email", email), ("role", role)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mail = app
        .outbox()
        .into_iter()
        .find(|m| m.contains(email))
        .unwrap();
    let link = link_in(&mail, "/invite/").unwrap();
    let token = link.split("/invite/").nth(1).unwrap();
    let browser = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = browser
        .post(app.url(&format!("/invite/{token}")))
        .form(&[("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], landing);
    browser
}
