//! Keyboard and small screens, in headless Chromium: the focus follows navigation to the new
//! page's heading, a skip link leads past the header, long pages are a few keys from their
//! parts; at 390 px a table row keeps its name beside its actions and a log message is readable.
//!
//! With `SWITCHBOARD_SCREENS=<dir>` set, the phone test also saves full-page screenshots of the
//! environment, logs and builds pages there (docs/screens holds the last ones looked at).

mod support;

use serde_json::{Value, json};
use support::{Browser, Stack, browser, start_stack};

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const HANDLER: &str = "exports.handler = (c, e, cb) => cb(null, 'hi');";

/// A service with a function (three versions, the last at a long path), dev and prod
/// environments, two builds, dev serving the newest, and a few variables on dev.
struct Fixture {
    service: String,
    dev: String,
}

async fn fixture(stack: &Stack, name: &str) -> Fixture {
    let service = stack.service(name).await;
    let functions = format!("/v1/Services/{service}/Functions");
    let mut versions = Vec::new();
    for function in ["hello", "goodbye"] {
        let sid = stack
            .create(&functions, &[("FriendlyName", function)])
            .await;
        let resource = format!("{functions}/{sid}");
        let path = format!("/{function}/with/a/rather/long/path/that/goes/on/and-on");
        versions.push(stack.version(&resource, HANDLER, &path, "public").await);
    }
    let environments = format!("/v1/Services/{service}/Environments");
    let dev = stack.environment(&service, "dev").await;
    let refs: Vec<&str> = versions.iter().map(String::as_str).collect();
    let first = stack.completed_build(&service, &refs[..1]).await;
    stack.deploy(&service, &dev, &first).await;
    let second = stack.completed_build(&service, &refs).await;
    stack.deploy(&service, &dev, &second).await;
    let variables = format!("{environments}/{dev}/Variables");
    let long_key = format!("A_RATHER_LONG_KEY_{}", "X".repeat(40));
    for (key, value) in [
        ("GREETING", "hello"),
        (
            long_key.as_str(),
            "a value long enough to need more than one line on a phone",
        ),
        ("API_URL", "https://api.example.com/v1/things"),
        ("MODE", "test"),
        ("RETRIES", "3"),
    ] {
        stack
            .create(&variables, &[("Key", key), ("Value", value)])
            .await;
    }
    Fixture { service, dev }
}

/// Presses Tab until `css` has the focus, at most `max` times; how many presses it took.
async fn tab_until(browser: &Browser, css: &str, max: usize) -> usize {
    for pressed in 1..=max {
        browser.press(TAB).await;
        if browser.focused(css).await {
            return pressed;
        }
    }
    panic!(
        "{css} not reached in {max} Tabs; the focus is on {}",
        active(browser).await
    );
}

/// The start of the focused element's HTML, for a failure message.
async fn active(browser: &Browser) -> Value {
    let script = "const a = document.activeElement; return a ? a.outerHTML.slice(0, 200) : null;";
    browser.script(script, vec![]).await
}

/// From the top of a page just loaded: the first Tab reaches the skip link, which leads to the
/// page's heading.
async fn skip_to_content(browser: &Browser, heading: &str) {
    browser.press(TAB).await;
    assert!(
        browser.focused(".skip-link").await,
        "the first Tab reached {}, not the skip link",
        active(browser).await
    );
    browser.press(ENTER).await;
    heading_focused(browser, heading).await;
}

/// The page's heading once it has the focus: after a navigation, the focus was left on the
/// link clicked or dropped to the page.
async fn heading_focused(browser: &Browser, expected: &str) {
    browser.wait_for_focus("main h1").await;
    browser.wait_for_text("main h1", expected).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_focus_follows_navigation_and_a_skip_link_leads_past_the_header() {
    let stack = start_stack().await;
    let f = fixture(&stack, "focus-moves").await;
    let browser = browser().await;
    browser.open(&stack.relay_url, "/services").await;
    browser.wait_for("#services-table").await;
    skip_to_content(&browser, "Services").await;

    // A link followed: the new page's heading, not the link or the page.
    browser
        .click(&format!("#services-table tr[data-sid='{}'] a", f.service))
        .await;
    heading_focused(&browser, "focus-moves").await;
    // A tab of the service: the tabs stay, but the focus goes to what they opened.
    browser.click(".tabs a[href$='/environments']").await;
    heading_focused(&browser, "Environments").await;
    browser
        .click(&format!("#environments-table tr[data-sid='{}'] a", f.dev))
        .await;
    heading_focused(&browser, "dev").await;
    // Back too.
    browser.client.back().await.expect("back");
    heading_focused(&browser, "Environments").await;
    browser.close().await;
}

/// An environment took about 60 Tabs to reach "Add variable", and builds 31 Tabs to the first
/// build link. Both are a few keys from the heading now, and their parts are landmarks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_pages_are_a_few_keys_from_their_parts() {
    let stack = start_stack().await;
    let f = fixture(&stack, "few-keys").await;
    let browser = browser().await;
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{}/environments/{}", f.service, f.dev),
        )
        .await;
    browser.wait_for("#variables-table tbody tr").await;
    browser.wait_for("#deployments-table tbody tr").await;
    skip_to_content(&browser, "dev").await;
    let to_jump = tab_until(&browser, ".jumps a[href='#add-variable']", 5).await;
    browser.press(ENTER).await;
    assert!(
        browser.focused("#add-variable input[name=Key]").await,
        "the jump did not lead to the new variable's key"
    );
    let to_button = tab_until(&browser, "#add-variable button[type=submit]", 3).await;
    let presses = 2 + to_jump + 1 + to_button;
    assert!(presses <= 10, "{presses} key presses to Add variable");
    let script = "return [...document.querySelectorAll('main section[aria-labelledby]')] \
                  .map(s => document.getElementById(s.getAttribute('aria-labelledby')).textContent);";
    assert_eq!(
        browser.script(script, vec![]).await,
        json!(["Deployments", "Variables", "Delete environment"]),
        "the environment's parts are named regions"
    );

    browser
        .open(&stack.relay_url, &format!("/services/{}/builds", f.service))
        .await;
    browser.wait_for("#builds-table tbody tr a").await;
    browser.wait_for("#version-picker").await;
    skip_to_content(&browser, "Builds").await;
    let to_jump = tab_until(&browser, ".jumps a[href='#builds-list']", 4).await;
    browser.press(ENTER).await;
    let to_link = tab_until(&browser, "#builds-table tbody tr:first-child a", 2).await;
    let presses = 2 + to_jump + 1 + to_link;
    assert!(presses <= 8, "{presses} key presses to the first build");
    browser.close().await;
}

/// Makes the page a phone's: 390 CSS pixels wide, `height` high (844, or a whole page for a
/// screenshot).
async fn phone(browser: &Browser, height: u64) {
    browser
        .cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 390, "height": height, "deviceScaleFactor": 1, "mobile": true}),
        )
        .await;
}

/// Saves the whole page as `name`.png where SWITCHBOARD_SCREENS says, if it does: the phone's
/// screen made as tall as the page for the shot.
async fn screenshot(browser: &Browser, name: &str) {
    let Some(dir) = std::env::var_os("SWITCHBOARD_SCREENS") else {
        return;
    };
    let height = browser
        .script("return document.documentElement.scrollHeight;", vec![])
        .await
        .as_u64()
        .expect("page height");
    phone(browser, height).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let png = browser.client.screenshot().await.expect("screenshot");
    phone(browser, 844).await;
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("screens dir");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}

/// Where `css`'s first match is, and whether it is what the page shows at its centre (not
/// scrolled away inside its table, not under something else): left, right, shown.
async fn placed(browser: &Browser, css: &str) -> (f64, f64, bool) {
    let script = "const e = document.querySelector(arguments[0]); e.scrollIntoView({block: 'center'}); \
                  const r = e.getBoundingClientRect(); \
                  const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2); \
                  return [r.left, r.right, !!hit && (e === hit || e.contains(hit))];";
    let found = browser
        .script(script, vec![Value::String(css.into())])
        .await;
    (
        found[0].as_f64().expect("left"),
        found[1].as_f64().expect("right"),
        found[2].as_bool().expect("shown"),
    )
}

/// The phone's width in CSS pixels (`phone` sets it).
const PHONE_WIDTH: f64 = 390.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_keeps_each_rows_name_beside_its_actions() {
    let stack = start_stack().await;
    let f = fixture(&stack, "phone").await;
    log_a_long_warning(&stack, &f).await;
    let browser = browser().await;
    phone(&browser, 844).await;
    the_environment_page_fits(&stack, &browser, &f, PHONE_WIDTH).await;
    the_logs_page_fits(&stack, &browser, &f).await;
    the_builds_page_fits(&stack, &browser, &f, PHONE_WIDTH).await;
    browser.close().await;
}

/// A log entry with a long message, from an invocation of the long-path function on dev.
async fn log_a_long_warning(stack: &Stack, f: &Fixture) {
    let response = stack
        .http
        .post(format!(
            "{}/__emulator/invoke/{}/{}/hello/with/a/rather/long/path/that/goes/on/and-on",
            stack.emulator_url, f.service, f.dev
        ))
        .basic_auth(
            &stack.credentials.account_sid,
            Some(&stack.credentials.auth_token),
        )
        .json(&json!({"logs": [{"level": "warn", "message": "The upstream answered slowly: 2300 ms for GET /v1/things, over the 2000 ms budget"}]}))
        .send()
        .await
        .expect("invoke");
    assert!(
        response.status().is_success(),
        "invoke: {}",
        response.status()
    );
}

/// On a 390 px phone, each variable's key and Delete stay in view.
async fn the_environment_page_fits(stack: &Stack, browser: &Browser, f: &Fixture, width: f64) {
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{}/environments/{}", f.service, f.dev),
        )
        .await;
    browser.wait_for("#variables-table tbody tr").await;
    browser.wait_for("#deployments-table tbody tr").await;
    screenshot(browser, "390-environment").await;
    assert!(
        !browser.scrolls_sideways().await,
        "the environment page scrolls sideways"
    );
    for row in 1..=5 {
        let row = format!("#variables-table tbody tr:nth-child({row})");
        let key = placed(browser, &format!("{row} td:first-child")).await;
        let delete = placed(browser, &format!("{row} button.danger")).await;
        for (what, (left, right, shown)) in [("key", key), ("Delete", delete)] {
            assert!(
                left >= 0.0 && right <= width && shown,
                "{row}: its {what} is at {left}..{right}, shown: {shown}"
            );
        }
    }
}

/// The logs page fits, and a message keeps most of the width.
async fn the_logs_page_fits(stack: &Stack, browser: &Browser, f: &Fixture) {
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{}/environments/{}/logs", f.service, f.dev),
        )
        .await;
    browser.wait_for("#logs-table tbody tr td.message").await;
    screenshot(browser, "390-logs").await;
    assert!(
        !browser.scrolls_sideways().await,
        "the logs page scrolls sideways"
    );
    let script = "return Math.min(...[...document.querySelectorAll('#logs-table td.message')] \
                  .map(m => m.getBoundingClientRect().width));";
    let narrowest = browser
        .script(script, vec![])
        .await
        .as_f64()
        .expect("width");
    assert!(narrowest >= 300.0, "a log message is {narrowest} px wide");
}

/// The builds page fits: the version selects and the first build's link stay in view.
async fn the_builds_page_fits(stack: &Stack, browser: &Browser, f: &Fixture, width: f64) {
    browser
        .open(&stack.relay_url, &format!("/services/{}/builds", f.service))
        .await;
    browser.wait_for("#version-picker .version-select").await;
    browser.wait_for("#builds-table tbody tr").await;
    screenshot(browser, "390-builds").await;
    assert!(
        !browser.scrolls_sideways().await,
        "the builds page scrolls sideways"
    );
    let script = "return Math.max(...[...document.querySelectorAll('#version-picker .version-select')] \
                  .map(s => s.getBoundingClientRect().right));";
    let right = browser
        .script(script, vec![])
        .await
        .as_f64()
        .expect("right");
    assert!(right <= width, "a version select reaches {right} px");
    let (left, right, shown) = placed(browser, "#builds-table tbody tr:first-child a").await;
    assert!(
        left >= 0.0 && right <= width && shown,
        "the first build link is at {left}..{right}"
    );
}
