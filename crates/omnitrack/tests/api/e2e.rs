//! Browser end-to-end: the real app in a real headless Chromium, driven over WebDriver
//! (`chromedriver` + `fantoccini`) the way a person uses it — sign-up, employees and tasks,
//! a second browser enrolled as the kiosk, standup and report at the kiosk, the score and
//! its reasons, the board, a CSV export and the account cancellation.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without `/usr/bin/chromedriver` the
//! tests print `SKIPPING` and pass, unless `CI` or `OMNITRACK_REQUIRE_BROWSER` is set.
//! `OMNITRACK_SCREENSHOTS=1` also writes the README screenshots to `docs/screenshots/`.
//! (Long: one browser story, step after step, is easier to follow in one file.)

use crate::helpers::{spawn_app, TestApp, PASSWORD};
use axum::http::Method;
use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use store::StoreKind;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// Upper bound for any single wait; the whole journey takes a few seconds.
pub(crate) const WAIT: Duration = Duration::from_secs(15);

const OWNER: &str = "owner@acme.test";
const ADA_TASK_1: &str = "Fix login redirect loop";
const ADA_TASK_2: &str = "Write onboarding guide";
const GRACE_TASK: &str = "Count the inventory";

/// The browser window a session gets.
#[derive(Clone, Copy)]
pub(crate) struct Screen {
    pub width: u32,
    pub height: u32,
    /// Emulates a phone (touch, device metrics) instead of a desktop window.
    pub phone: bool,
}

pub(crate) const DESKTOP: Screen = Screen {
    width: 1280,
    height: 900,
    phone: false,
};

/// A `chromedriver` child process on a free port, plus the browser profiles it handed out.
/// Dropping it kills chromedriver (and any Chromium it started) and removes the profiles.
pub(crate) struct Driver {
    child: Child,
    url: String,
    dir: PathBuf,
    sessions: usize,
}

impl Driver {
    /// `None` (after a loud SKIPPING line) when chromedriver is not installed and no
    /// browser is required here.
    pub(crate) async fn start(test: &str) -> Option<Driver> {
        if !Path::new(CHROMEDRIVER).exists() {
            let required = std::env::var_os("CI").is_some()
                || std::env::var_os("OMNITRACK_REQUIRE_BROWSER").is_some();
            assert!(
                !required,
                "{CHROMEDRIVER} is missing but CI / OMNITRACK_REQUIRE_BROWSER requires the browser \
                 tests: apt-get install chromium chromium-driver"
            );
            eprintln!(
                "\n!!!!! SKIPPING browser test {test}: {CHROMEDRIVER} not found \
                 (apt-get install chromium chromium-driver) !!!!!\n"
            );
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir =
            std::env::temp_dir().join(format!("omnitrack-e2e-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = std::fs::File::create(dir.join("chromedriver.log")).unwrap();
        let mut cmd = Command::new(CHROMEDRIVER);
        cmd.arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        // Its own process group, so that dropping the driver also ends the Chromium
        // processes it started, even when a test panics before closing its sessions.
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().expect("start chromedriver");
        // Poll until the port accepts connections (or chromedriver died).
        let deadline = Instant::now() + WAIT;
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!(
                    "chromedriver exited with {status}: {}",
                    std::fs::read_to_string(dir.join("chromedriver.log")).unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Some(Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            dir,
            sessions: 0,
        })
    }

    /// A new desktop browser session (its own Chromium, its own fresh profile: no shared
    /// cookies).
    pub(crate) async fn session(&mut self) -> Client {
        self.session_on(DESKTOP).await
    }

    /// A new browser session on `screen`.
    pub(crate) async fn session_on(&mut self, screen: Screen) -> Client {
        self.sessions += 1;
        let profile = self.dir.join(format!("profile-{}", self.sessions));
        let mut caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run",
                    format!("--window-size={},{}", screen.width, screen.height),
                    // style.css scrolls smoothly unless motion is reduced; WebDriver clicks
                    // would land mid-scroll ("element click intercepted").
                    "--force-prefers-reduced-motion",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let options = &mut caps["goog:chromeOptions"];
        if screen.phone {
            options["mobileEmulation"] = json!({"deviceMetrics": {
                "width": screen.width, "height": screen.height, "pixelRatio": 3.0, "touch": true}});
        }
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a WebDriver session (is chromium installed?)")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group id is chromedriver's pid (see `process_group(0)` above).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Chromedriver's (non-W3C but long-standing) console log endpoint; reading clears it.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (Method, Option<String>) {
        (Method::POST, Some(r#"{"type":"browser"}"#.into()))
    }
}

/// Console messages of level SEVERE (JS errors, CSP violations, failed loads) since the
/// last call; `None` when this chromedriver does not offer the log.
async fn console_errors(c: &Client) -> Option<Vec<String>> {
    let v = c.issue_cmd(BrowserLog).await.ok()?;
    Some(
        v.as_array()?
            .iter()
            .filter(|e| e["level"] == "SEVERE")
            // The app serves no favicon; the browser's automatic request is not the page's.
            .filter(|e| {
                !e["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("/favicon.ico")
            })
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect(),
    )
}

pub(crate) async fn assert_no_console_errors(c: &Client, who: &str) {
    match console_errors(c).await {
        Some(errors) => assert!(errors.is_empty(), "console errors in {who}: {errors:#?}"),
        None => eprintln!("note: chromedriver offers no console log; not checked for {who}"),
    }
}

// ---- small helpers: act like a person, wait like a machine ---------------------------------

pub(crate) async fn wait_for(c: &Client, css: &str) -> Element {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("waiting for {css}: {e}"))
}

/// Waits for an element of `tag` whose text contains `text` (XPath; `text` has no quotes).
pub(crate) async fn wait_for_text(c: &Client, tag: &str, text: &str) -> Element {
    let xpath = format!("//{tag}[contains(normalize-space(.), '{text}')]");
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("waiting for <{tag}> with {text:?}: {e}"))
}

pub(crate) async fn type_into(c: &Client, css: &str, text: &str) {
    let field = wait_for(c, css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

pub(crate) async fn click(c: &Client, css: &str) {
    wait_for(c, css).await.click().await.unwrap();
}

/// Accepts the `data-confirm` dialog the last click opened and returns its text.
pub(crate) async fn confirm_dialog(c: &Client) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        match c.get_alert_text().await {
            Ok(text) => {
                c.accept_alert().await.unwrap();
                return text;
            }
            Err(e) => assert!(Instant::now() < deadline, "no confirm dialog: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(crate) async fn text_of(c: &Client, css: &str) -> String {
    wait_for(c, css).await.text().await.unwrap()
}

pub(crate) async fn path_of(c: &Client) -> String {
    c.current_url().await.unwrap().path().to_string()
}

/// Saves the viewport as `docs/screenshots/{name}.png` when `OMNITRACK_SCREENSHOTS=1`.
pub(crate) async fn screenshot(c: &Client, name: &str) {
    if std::env::var("OMNITRACK_SCREENSHOTS").as_deref() != Ok("1") {
        return;
    }
    let png = c.screenshot().await.unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

async fn scroll_to(c: &Client, css: &str) {
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'start'}); window.scrollBy(0, -16);",
        vec![json!(css)],
    )
    .await
    .unwrap();
}

/// Fetches `path` with the browser's own session (cookies included) and returns
/// `(status, content type, body)`.
async fn fetch_in_browser(c: &Client, path: &str) -> (u64, String, String) {
    let v = c
        .execute_async(
            "const [url, done] = arguments;
             fetch(url, {credentials: 'same-origin'})
               .then(r => r.text().then(body => done({status: r.status, type: r.headers.get('content-type') || '', body})))
               .catch(e => done({status: 0, type: '', body: String(e)}));",
            vec![json!(path)],
        )
        .await
        .unwrap();
    (
        v["status"].as_u64().unwrap_or_default(),
        v["type"].as_str().unwrap_or_default().to_string(),
        v["body"].as_str().unwrap_or_default().to_string(),
    )
}

/// Exactly one cookie, the HttpOnly session cookie — nothing else is ever set.
async fn assert_only_the_session_cookie(c: &Client, who: &str) {
    let cookies = c.get_all_cookies().await.unwrap();
    let names: Vec<_> = cookies.iter().map(|k| k.name().to_string()).collect();
    assert_eq!(names, ["omnitrack_session"], "cookies in {who}");
    assert_eq!(
        cookies[0].http_only(),
        Some(true),
        "the session cookie is HttpOnly ({who})"
    );
}

// ---- the journey ----------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_journey_from_signup_to_cancellation() {
    let Some(mut driver) = Driver::start("browser_journey_from_signup_to_cancellation").await
    else {
        return;
    };
    let Some(app) = spawn_app(StoreKind::Sqlite).await else {
        return;
    };
    let started = Instant::now();
    let boss = driver.session().await;
    let kiosk = driver.session().await;

    supervisor_sets_up(&app, &boss).await;
    let score = kiosk_clocks(&app, &kiosk).await;
    supervisor_reviews(&boss, score).await;
    supervisor_approves_the_week(&boss).await;
    export_and_cancel(&boss).await;

    assert_only_the_session_cookie(&boss, "the supervisor's browser").await;
    assert_only_the_session_cookie(&kiosk, "the kiosk").await;
    assert_no_console_errors(&boss, "the supervisor's browser").await;
    assert_no_console_errors(&kiosk, "the kiosk").await;
    boss.close().await.unwrap();
    kiosk.close().await.unwrap();
    eprintln!("browser journey took {:.1?}", started.elapsed());
}

/// Sign-up, two employees (one with a PIN) and their tasks, all through the forms.
async fn supervisor_sets_up(app: &TestApp, b: &Client) {
    b.goto(&app.url("/signup")).await.unwrap();
    type_into(b, "#company_name", "Acme Bakery").await;
    type_into(b, "#email", OWNER).await;
    type_into(b, "#password", PASSWORD).await;
    type_into(b, "#timezone", "Europe/Berlin").await;
    screenshot(b, "signup").await;
    click(b, "form[action='/signup'] button[type=submit]").await;
    // Signed in: the main navigation appears and the sign-up lands on the board.
    wait_for(b, "nav.site-nav a[href='/employees']").await;
    assert_eq!(path_of(b).await, "/dashboard");

    click(b, "nav.site-nav a[href='/employees']").await;
    wait_for(b, "#add-h").await;
    assert!(text_of(b, "main").await.contains("No employees yet"));
    let ada = add_employee(b, "Ada Lovelace", "ADA-100", Some("4321")).await;
    add_task(b, ADA_TASK_1).await;
    add_task(b, ADA_TASK_2).await;
    screenshot(b, "employee").await;

    click(b, "a.button[href='/employees']").await;
    wait_for(b, "#add-h").await;
    add_employee(b, "Grace Hopper", "GRACE-7", None).await;
    add_task(b, GRACE_TASK).await;

    click(b, "nav.site-nav a[href='/employees']").await;
    let table = wait_for(b, "table.table").await.text().await.unwrap();
    for expected in ["Ada Lovelace", "ADA-100", "PIN", "Grace Hopper", "GRACE-7"] {
        assert!(table.contains(expected), "{expected} in {table}");
    }
    screenshot(b, "employees").await;
    // Back to Ada for later.
    b.goto(&app.url(&format!("/employees/{ada}")))
        .await
        .unwrap();
    wait_for_text(b, "h1", "Ada Lovelace").await;
}

/// Fills the "Add an employee" form; returns the new employee's id (from the redirect).
async fn add_employee(b: &Client, name: &str, code: &str, pin: Option<&str>) -> String {
    type_into(b, "form[action='/employees'] #name", name).await;
    type_into(b, "form[action='/employees'] #id_code", code).await;
    if let Some(pin) = pin {
        type_into(b, "form[action='/employees'] #pin", pin).await;
    }
    click(b, "form[action='/employees'] button[type=submit]").await;
    wait_for_text(b, "h1", name).await;
    wait_for(b, "#tasks-h").await;
    let path = path_of(b).await;
    path.strip_prefix("/employees/")
        .unwrap_or_else(|| panic!("on {path} after adding {name}"))
        .to_string()
}

async fn add_task(b: &Client, title: &str) {
    type_into(b, "#title", title).await;
    click(b, "form[action$='/tasks'] button[type=submit]").await;
    wait_for_text(b, "li/strong", title).await;
}

/// The second browser: logs in as the supervisor, becomes a kiosk, and both employees
/// clock at it. Returns Ada's score as the kiosk showed it.
async fn kiosk_clocks(app: &TestApp, k: &Client) -> u32 {
    k.goto(&app.url("/login")).await.unwrap();
    type_into(k, "#email", OWNER).await;
    type_into(k, "#password", PASSWORD).await;
    click(k, "form[action='/login'] button[type=submit]").await;
    click(k, "nav.site-nav a[href='/kiosks']").await;
    wait_for(k, "#enrol-h").await;
    type_into(k, "form[action='/kiosks/enrol'] #name", "Front door").await;
    click(k, "form[action='/kiosks/enrol'] button[type=submit]").await;
    let question = confirm_dialog(k).await;
    assert!(question.contains("kiosk"), "{question}");
    wait_for(k, "form[action='/kiosk/identify'] #id_code").await;
    assert_eq!(path_of(k).await, "/kiosk");
    let screen = text_of(k, "body").await;
    assert!(
        !screen.contains("Ada") && !screen.contains("Grace"),
        "no employee list on the kiosk: {screen}"
    );
    screenshot(k, "kiosk-code").await;

    // Ada: code and PIN, her open tasks, a standup that mentions only one of them.
    identify(k, "ada-100", Some("4321"), "Hello, Ada").await;
    let tasks = text_of(k, "ul.task-list").await;
    assert!(
        tasks.contains(ADA_TASK_1) && tasks.contains(ADA_TASK_2),
        "{tasks}"
    );
    assert!(!tasks.contains(GRACE_TASK), "only her own tasks: {tasks}");
    type_into(k, "#text", "Today I will fix the login redirect loop.").await;
    screenshot(k, "kiosk-standup").await;
    click(k, "button[value='clock-in']").await;
    let result = wait_for(k, ".kiosk-result").await;
    let text = result.text().await.unwrap();
    assert!(text.contains("You are clocked in, Ada"), "{text}");
    assert!(
        text.contains("You did not mention:") && text.contains(ADA_TASK_2),
        "the check names the missed task: {text}"
    );
    assert!(
        !text.contains(ADA_TASK_1),
        "the mentioned task is not listed: {text}"
    );
    let class = result.attr("class").await.unwrap().unwrap_or_default();
    assert!(
        class.contains("warn"),
        "a missed task is a warning: {class}"
    );
    screenshot(k, "kiosk-clocked-in").await;
    click(k, "a.button[href='/kiosk']").await;

    // Ada again: now the end-of-day report, and the score with its reasons.
    identify(k, "ADA-100", Some("4321"), "Hello, Ada").await;
    wait_for_text(k, "p", "You are clocked in since").await;
    type_into(k, "#text", "Fixed the login redirect loop, merged.").await;
    click(k, "button[value='clock-out']").await;
    let text = wait_for_text(
        k,
        "div[contains(@class, 'kiosk-result')]/h1",
        "See you, Ada",
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(text.contains("You are clocked out"), "{text}");
    let reasons = text_of(k, ".kiosk-result ul.reasons").await;
    assert!(
        reasons.contains("1 of 2 assigned tasks done"),
        "the reasons: {reasons}"
    );
    let score = reasons
        .split("Today's score: ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or_else(|| panic!("a score in {reasons}"));
    assert!(score <= 100);
    screenshot(k, "kiosk-clocked-out").await;
    click(k, "a.button[href='/kiosk']").await;

    // Grace has no PIN; she stays clocked in for the board.
    identify(k, "GRACE-7", None, "Hello, Grace").await;
    type_into(k, "#text", "I will count the inventory in the back store.").await;
    click(k, "button[value='clock-in']").await;
    let text = text_of(k, ".kiosk-result").await;
    assert!(text.contains("clocked in"), "{text}");
    click(k, "a.button[href='/kiosk']").await;
    wait_for(k, "#id_code").await;
    score
}

async fn identify(k: &Client, code: &str, pin: Option<&str>, hello: &str) {
    type_into(k, "#id_code", code).await;
    if let Some(pin) = pin {
        type_into(k, "#pin", pin).await;
    }
    click(k, "form[action='/kiosk/identify'] button[type=submit]").await;
    wait_for_text(k, "h1", hello).await;
}

/// The supervisor's view afterwards: the board, the shift and why it scored what it did.
async fn supervisor_reviews(b: &Client, score: u32) {
    click(b, "nav.site-nav a[href='/dashboard']").await;
    wait_for(b, "nav.site-nav a[href='/dashboard'][aria-current='page']").await;
    let board = text_of(b, "main").await;
    assert!(
        board.contains("Grace Hopper"),
        "Grace is in now, on the board: {board}"
    );
    assert!(
        board.contains("Ada Lovelace") && board.contains(ADA_TASK_2),
        "Ada's standup missed a task, on the board: {board}"
    );
    screenshot(b, "dashboard").await;

    // Ada's shift, from her page, with the score and "Why this score".
    open_adas_shift(b).await;
    let why = wait_for(b, "section[aria-labelledby='why-h']")
        .await
        .text()
        .await
        .unwrap();
    assert!(why.contains("Why this score"), "{why}");
    assert!(why.contains("1 of 2 assigned tasks done"), "{why}");
    let stats = text_of(b, ".grid").await;
    assert!(
        stats.contains(&score.to_string()),
        "the shift shows the kiosk's score {score}: {stats}"
    );
    let page = text_of(b, "main").await;
    assert!(
        page.contains("not mentioned") && page.contains(ADA_TASK_2),
        "the standup check on the shift: {page}"
    );
    // Each decision explained: the sentence that matched, or why nothing did.
    assert!(page.contains("Matched: “"), "{page}");
    assert!(page.contains("No sentence names this task"), "{page}");
    scroll_to(b, "section[aria-labelledby='why-h']").await;
    screenshot(b, "shift-score").await;
}

/// Employees → Ada → her latest shift.
async fn open_adas_shift(b: &Client) {
    click(b, "nav.site-nav a[href='/employees']").await;
    wait_for_text(b, "a", "Ada Lovelace")
        .await
        .click()
        .await
        .unwrap();
    wait_for(b, "#shifts-h").await;
    click(b, "a[href^='/shifts/']").await;
}

/// Approves Ada's week from the team timesheet, then unlocks it from her shift's page
/// (which promises as much when a shift is locked).
async fn supervisor_approves_the_week(b: &Client) {
    click(b, "nav.site-nav a[href='/timesheets']").await;
    wait_for(b, "#appr-h").await;
    wait_for(b, "#approve-employee")
        .await
        .select_by_label("Ada Lovelace")
        .await
        .unwrap();
    click(b, "#approve-form button[type=submit]").await;
    let ada_approved = "tr[contains(normalize-space(.), 'Ada Lovelace')]//span[@class='badge ok']";
    wait_for_text(b, ada_approved, "approved").await;
    screenshot(b, "week-approved").await;

    open_adas_shift(b).await;
    wait_for_text(b, "p", "Unlock the week to correct it").await;
    click(b, "form[action='/timesheets/unlock'] button[type=submit]").await;
    wait_for_text(b, "button", "Save correction").await;
}

/// The CSV export through the browser's own session, then Settings → Account → cancel.
async fn export_and_cancel(b: &Client) {
    click(b, "nav.site-nav a[href='/dashboard']").await;
    click(b, "main a[href='/exports']").await;
    let link = wait_for(b, "a[href^='/exports/shifts.csv']").await;
    let href = link.attr("href").await.unwrap().unwrap();
    let (status, content_type, csv) = fetch_in_browser(b, &href).await;
    assert_eq!(status, 200, "{csv}");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let csv = csv.trim_start_matches('\u{feff}');
    let header = csv.lines().next().unwrap_or_default();
    assert_eq!(header, app::exports::SHIFT_HEADER.join(","));
    assert!(
        csv.contains("Ada Lovelace") && csv.contains("Grace Hopper"),
        "{csv}"
    );

    click(b, "nav.site-nav a[href='/settings']").await;
    wait_for(b, "a[href='/settings/account']").await;
    click(b, "a[href='/settings/account']").await;
    wait_for(b, "#cancel-h").await;
    let before = jiff::Timestamp::now();
    click(
        b,
        "form[action='/settings/account/cancel'] button[type=submit]",
    )
    .await;
    let question = confirm_dialog(b).await;
    assert!(question.contains("30 days"), "{question}");
    let canceled = wait_for(b, "section[aria-labelledby='re-h']")
        .await
        .text()
        .await
        .unwrap();
    let after = jiff::Timestamp::now();
    let purge = text_of(b, "section[aria-labelledby='re-h'] strong").await;
    let day = |t: jiff::Timestamp| {
        (t + app::lifecycle::RETENTION)
            .strftime("%Y-%m-%d")
            .to_string()
    };
    assert!(
        purge == day(before) || purge == day(after),
        "purge date {purge} is 30 days ahead"
    );
    assert!(
        canceled.contains("permanently deleted"),
        "the page says when: {canceled}"
    );
    assert!(text_of(b, "main").await.contains("The account is canceled"));
    screenshot(b, "settings-account").await;
}
