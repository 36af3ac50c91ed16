//! Builds, deployments and logs in headless Chromium, against the relay and the emulator (whose
//! builds take 500 ms in the harness).

mod support;

use serde_json::Value;
use std::time::Duration;
use support::steps::short;
use support::{Browser, Stack, browser, start_stack, start_stack_with_build_time};

/// A service with two versions of `/hello`, one of `/other`, an asset version, and the
/// environments dev and prod, made through the emulator's API.
struct Fixture {
    service: String,
    hello: String,
    hello_v1: String,
    hello_v2: String,
    other: String,
    other_v1: String,
    asset: String,
    dev: String,
    prod: String,
}

async fn fixture(stack: &Stack, name: &str) -> Fixture {
    let service = stack.service(name).await;
    let functions = format!("/v1/Services/{service}/Functions");
    let handler = "exports.handler = (context, event, callback) => { console.log('hello'); callback(null, 'hi'); };";
    let hello = stack.function(&service, "/hello").await;
    let hello_path = format!("{functions}/{hello}");
    let hello_v1 = stack
        .version(&hello_path, handler, "/hello", "public")
        .await;
    let hello_v2 = stack
        .version(&hello_path, handler, "/hello", "public")
        .await;
    let other = stack.function(&service, "/other").await;
    let other_path = format!("{functions}/{other}");
    let other_v1 = stack
        .version(&other_path, handler, "/other", "public")
        .await;
    let asset = stack.asset(&service, "/style.css").await;
    let asset_path = format!("/v1/Services/{service}/Assets/{asset}");
    let css = "body { color: red; }";
    stack
        .version(&asset_path, css, "/style.css", "public")
        .await;
    Fixture {
        hello,
        hello_v1,
        hello_v2,
        other,
        other_v1,
        asset,
        dev: stack.environment(&service, "dev").await,
        prod: stack.environment(&service, "prod").await,
        service,
    }
}

/// Two completed builds: of /hello's first version, then of its second.
async fn two_builds(stack: &Stack, f: &Fixture) -> (String, String) {
    let first = stack.completed_build(&f.service, &[&f.hello_v1]).await;
    let second = stack.completed_build(&f.service, &[&f.hello_v2]).await;
    (first, second)
}

async fn open_builds(stack: &Stack, browser: &Browser, f: &Fixture) {
    browser
        .open(&stack.relay_url, &format!("/services/{}/builds", f.service))
        .await;
}

async fn open_dev_environment(stack: &Stack, browser: &Browser, f: &Fixture) {
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{}/environments/{}", f.service, f.dev),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_live_function_says_where_it_is_live_first() {
    let stack = start_stack().await;
    let f = fixture(&stack, "delete-live").await;
    let build = stack
        .completed_build(&f.service, &[&f.hello_v1, &f.other_v1])
        .await;
    stack.deploy(&f.service, &f.dev, &build).await;
    stack.deploy(&f.service, &f.prod, &build).await;
    let later = stack.completed_build(&f.service, &[&f.other_v1]).await;
    stack.deploy(&f.service, &f.prod, &later).await;
    let browser = browser().await;
    let open_delete_prompt = async |collection: &str, sid: &str| {
        browser
            .open(
                &stack.relay_url,
                &format!("/services/{}/{collection}/{sid}", f.service),
            )
            .await;
        browser.click(".danger-zone button.danger").await;
    };

    // /hello is in the build dev serves, not in prod's.
    open_delete_prompt("functions", &f.hello).await;
    browser
        .wait_for_text_containing("#delete-live-in", "Live in dev.")
        .await;
    browser.fill(".confirm-input", "/hello").await;
    browser.click(".confirm-button").await;
    browser.wait_for("#code-table").await;
    // The list says what was deleted.
    browser
        .wait_for_text("#deleted-note", "Deleted the function /hello.")
        .await;

    // /other is in both; an asset in neither says nothing.
    open_delete_prompt("functions", &f.other).await;
    browser
        .wait_for_text_containing("#delete-live-in", "Live in dev, prod.")
        .await;
    browser.fill(".confirm-input", "/other").await;
    browser.click(".confirm-button").await;
    browser.wait_for("#code-empty").await;
    // The next build starts from the last, and says what it can no longer include.
    open_builds(&stack, &browser, &f).await;
    browser
        .wait_for_text_containing(
            "#compose-gone",
            &format!("Deleted since {later}, so not in this build: /other."),
        )
        .await;
    open_delete_prompt("assets", &f.asset).await;
    browser
        .wait_for_text("#delete-live-in", "No environment serves it.")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_versions_at_one_path_are_refused_before_a_build_is_made() {
    let stack = start_stack().await;
    let f = fixture(&stack, "same-path").await;
    // /other's newest version is at /hello too.
    let other = format!("/v1/Services/{}/Functions/{}", f.service, f.other);
    stack
        .version(&other, "exports.handler = () => {};", "/hello", "public")
        .await;
    let browser = browser().await;
    open_builds(&stack, &browser, &f).await;
    browser.wait_for("#version-picker").await;
    browser.click("#compose-build button[type=submit]").await;
    browser
        .wait_for_text(
            "#compose-build .field-error",
            "/hello and /other are both at /hello, and the environment can serve only one: leave one out, or upload one at another path.",
        )
        .await;
    let (_, builds) = stack
        .emulator_get(&format!("/v1/Services/{}/Builds", f.service))
        .await;
    assert_eq!(builds["builds"].as_array().map(Vec::len), Some(0));
    browser.close().await;
}

async fn is_disabled(browser: &Browser, css: &str) -> bool {
    browser
        .wait_for(css)
        .await
        .prop("disabled")
        .await
        .expect("disabled")
        .as_deref()
        == Some("true")
}

/// A build still building when an environment's page opens joins its "Deploy build" list once it
/// completes, without a reload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_build_completing_while_the_environment_page_is_open_joins_the_deploy_list() {
    // Long enough for the page to open first even on a loaded CI machine (4 s once was not).
    let stack = start_stack_with_build_time(Duration::from_secs(10)).await;
    let f = fixture(&stack, "late-build").await;
    // The browser first: getting one can wait for other tests to give theirs back, and the
    // build's clock must not run meanwhile.
    let browser = browser().await;
    let build = stack
        .create(
            &format!("/v1/Services/{}/Builds", f.service),
            &[("FunctionVersions", f.hello_v1.as_str())],
        )
        .await;
    open_dev_environment(&stack, &browser, &f).await;
    browser.wait_for("#deploy-form").await;
    let option = format!("#deploy-form option[value='{build}']");
    let (_, status) = stack
        .emulator_get(&format!("/v1/Services/{}/Builds/{build}/Status", f.service))
        .await;
    assert_eq!(
        status["status"], "building",
        "the page must open before the build is done"
    );
    assert_eq!(browser.count(&option).await, 0, "not deployable yet");
    browser.wait_for(&option).await;
    assert_eq!(browser.value("#deploy-form select").await, build);
    browser.close().await;
}

/// A build made elsewhere (the CLI, another tab) while an environment's page is open joins its
/// "Deploy build" list when the user comes back to the tab, and the list keeps working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_build_made_elsewhere_joins_the_deploy_list_when_the_tab_is_shown_again() {
    let stack = start_stack().await;
    let f = fixture(&stack, "elsewhere").await;
    let first = stack
        .completed_build(&f.service, &[f.hello_v1.as_str()])
        .await;
    let browser = browser().await;
    open_dev_environment(&stack, &browser, &f).await;
    browser
        .wait_for(&format!("#deploy-form option[value='{first}']"))
        .await;

    set_visibility(&browser, "hidden").await;
    let second = stack
        .completed_build(&f.service, &[f.hello_v2.as_str()])
        .await;
    set_visibility(&browser, "visible").await;
    browser
        .wait_for(&format!("#deploy-form option[value='{second}']"))
        .await;
    assert_eq!(browser.count("#deploy-form option").await, 2);

    // Refreshed twice more (each refetch seen landing), the form still deploys what is picked.
    for _ in 0..2 {
        let before = builds_fetched(&browser).await;
        set_visibility(&browser, "hidden").await;
        set_visibility(&browser, "visible").await;
        for _ in 0..100 {
            if builds_fetched(&browser).await > before {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(builds_fetched(&browser).await > before, "no refetch");
    }
    browser
        .select("#deploy-form select[name=BuildSid]", &second)
        .await;
    browser.click("#deploy-form button[type=submit]").await;
    browser
        .click("#confirm-deploy .confirm-deploy-button")
        .await;
    browser
        .wait_for(&format!("#deployments-table tr[data-build='{second}']"))
        .await;
    browser.close().await;
}

/// Composing a build on a service that already has one adds it to the list, which keeps
/// working: the list's refetch once disposed the old rows' status signals while they were still
/// on screen, and the console panicked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_build_joins_the_list_and_the_console_keeps_working() {
    let stack = start_stack().await;
    let f = fixture(&stack, "second-build").await;
    let first = stack
        .completed_build(&f.service, &[f.hello_v1.as_str()])
        .await;
    let browser = browser().await;
    open_builds(&stack, &browser, &f).await;
    browser
        .wait_for(&format!("#builds-table tr[data-sid='{first}']"))
        .await;
    browser.wait_for("#version-picker").await;
    browser.click("#compose-build button[type=submit]").await;
    let second = browser.text("#compose-result .build-link").await;
    browser
        .wait_for_text(
            &format!("#builds-table tr[data-sid='{second}'] .status-badge"),
            "completed",
        )
        .await;
    assert_eq!(browser.count("#builds-table tbody tr").await, 2);
    browser
        .click(&format!("#builds-table tr[data-sid='{first}'] a"))
        .await;
    browser
        .wait_for(&format!("#build[data-sid='{first}']"))
        .await;
    browser.close().await;
}

/// Back and forward between two builds' pages reuse the page for the other build (same route,
/// another SID): it shows that build, and the console keeps working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_between_two_builds_pages_shows_each_build() {
    let stack = start_stack().await;
    let f = fixture(&stack, "two-builds").await;
    let first = stack
        .completed_build(&f.service, &[f.hello_v1.as_str()])
        .await;
    let second = stack
        .completed_build(&f.service, &[f.hello_v2.as_str()])
        .await;
    let browser = browser().await;
    let page = |build: &str| format!("/services/{}/builds/{build}", f.service);
    browser
        .goto(&format!("{}{}", stack.relay_url, page(&first)))
        .await;
    browser
        .wait_for(&format!("#build[data-sid='{first}']"))
        .await;
    for build in [&second, &first, &second] {
        history_to(&browser, &page(build)).await;
        browser
            .wait_for(&format!("#build[data-sid='{build}']"))
            .await;
        assert_eq!(browser.count("#build").await, 1);
        // The tab's title follows, so history entries can be told apart.
        wait_for_title(
            &browser,
            &format!("Build {build} · two-builds · Switchboard"),
        )
        .await;
    }
    browser.close().await;
}

/// The same between two environments' pages, whose deploy form watches build statuses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_between_two_environments_pages_shows_each_environment() {
    let stack = start_stack().await;
    let f = fixture(&stack, "two-environments").await;
    stack
        .completed_build(&f.service, &[f.hello_v1.as_str()])
        .await;
    let browser = browser().await;
    let page = |env: &str| format!("/services/{}/environments/{env}", f.service);
    open_dev_environment(&stack, &browser, &f).await;
    browser.wait_for("#deploy-form option").await;
    for (env, name) in [(&f.prod, "prod"), (&f.dev, "dev"), (&f.prod, "prod")] {
        history_to(&browser, &page(env)).await;
        browser.wait_for_text(".environment h1", name).await;
        browser.wait_for("#deploy-form option").await;
        wait_for_title(
            &browser,
            &format!("{name} · Environment · two-environments · Switchboard"),
        )
        .await;
    }
    browser.close().await;
}

async fn wait_for_title(browser: &Browser, expected: &str) {
    let mut title = String::new();
    for _ in 0..100 {
        title = browser.client.title().await.expect("title");
        if title == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the title is {title:?}, not {expected:?}");
}

/// What the router sees on Back or Forward: the URL changed, then `popstate`.
async fn history_to(browser: &Browser, path: &str) {
    let script = "history.pushState(null, '', arguments[0]); \
                  dispatchEvent(new PopStateEvent('popstate')); return null;";
    browser
        .client
        .execute(script, vec![Value::String(path.to_owned())])
        .await
        .expect("history");
}

/// How many times the page has fetched the service's build list (Resource Timing).
async fn builds_fetched(browser: &Browser) -> u64 {
    let script = "return performance.getEntriesByType('resource')\
                  .filter(e => new URL(e.name).pathname.endsWith('/Builds')).length;";
    browser
        .client
        .execute(script, vec![])
        .await
        .expect("resource timing")
        .as_u64()
        .expect("a count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compose_watch_it_complete_deploy_roll_back_and_promote() {
    let stack = start_stack().await;
    let f = fixture(&stack, "builds-e2e").await;
    let browser = browser().await;
    open_builds(&stack, &browser, &f).await;

    let build = compose_the_default_build(&browser, &f).await;
    the_build_holds_the_latest_versions(&stack, &f, &build).await;
    deploy_from_the_build_page(&stack, &browser, &f, &build).await;
    roll_back_from_a_newer_build(&stack, &browser, &f, &build).await;
    deploying_the_live_build_again_sends_nothing(&stack, &browser, &f, &build).await;
    promote_to_prod_twice(&stack, &browser, &f, &build).await;
    browser.close().await;
}

/// Composes a build of what the picker offers by default (the latest version of each function
/// and the node22 runtime) and watches its badge go from building to completed without a reload.
async fn compose_the_default_build(browser: &Browser, f: &Fixture) -> String {
    // The latest version of each function is picked by default.
    let hello_select = format!(
        "#version-picker tr[data-resource='{}'] .version-select",
        f.hello
    );
    assert_eq!(browser.value(&hello_select).await, f.hello_v2);
    assert_eq!(
        browser.value("#compose-build select[name=Runtime]").await,
        "node22"
    );
    browser
        .client
        .execute("window.__sameDocument = true; return null;", vec![])
        .await
        .expect("marker");
    browser.click("#compose-build button[type=submit]").await;
    let build = browser.text("#compose-result .build-link").await;
    assert!(build.starts_with("ZB") && build.len() == 34, "{build}");

    // The badge goes from building to completed without a reload.
    let badge = format!("#builds-table tr[data-sid='{build}'] .status-badge");
    let seen = browser.wait_for_text(&badge, "completed").await;
    assert_eq!(
        seen.first().map(String::as_str),
        Some("building"),
        "{seen:?}"
    );
    // One live region sums the list up; the badges in its rows stay quiet.
    browser
        .wait_for_text("#builds-building[role=status]", "No build is building")
        .await;
    assert_eq!(browser.count("#builds-table [role=status]").await, 0);
    let same = browser
        .client
        .execute("return window.__sameDocument === true;", vec![])
        .await
        .expect("marker");
    assert_eq!(same, Value::Bool(true), "the page reloaded");
    build
}

/// The build holds the latest version of each function, the asset and the runtime.
async fn the_build_holds_the_latest_versions(stack: &Stack, f: &Fixture, build: &str) {
    let (_, created) = stack
        .emulator_get(&format!("/v1/Services/{}/Builds/{build}", f.service))
        .await;
    let function_versions: Vec<&str> = created["function_versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| {
            v["sid"]
                .as_str()
                .unwrap_or_else(|| v.as_str().unwrap_or_default())
        })
        .collect();
    assert_eq!(function_versions.len(), 2, "{created}");
    assert!(
        function_versions.contains(&f.hello_v2.as_str())
            && function_versions.contains(&f.other_v1.as_str()),
        "{created}"
    );
    assert_eq!(
        created["asset_versions"].as_array().map(Vec::len),
        Some(1),
        "{created}"
    );
    assert_eq!(created["runtime"], "node22");
}

/// Deploys `build` to dev from its page, and the environments list links to it.
async fn deploy_from_the_build_page(stack: &Stack, browser: &Browser, f: &Fixture, build: &str) {
    // Deploy it from its page.
    browser
        .click(&format!("#builds-table tr[data-sid='{build}'] a"))
        .await;
    browser
        .wait_for_text("#build .status-badge", "completed")
        .await;
    // Each version names its function, linked to that version's source.
    let owner = format!("#function-versions a.owner[data-sid='{}']", f.hello);
    browser.wait_for_text(&owner, "/hello").await;
    let href = browser
        .wait_for(&owner)
        .await
        .attr("href")
        .await
        .expect("href")
        .unwrap_or_default();
    assert!(
        href.ends_with(&format!("/functions/{}?version={}", f.hello, f.hello_v2)),
        "{href}"
    );
    browser
        .select("#deploy-form select[name=Environment]", &f.dev)
        .await;
    browser.click("#deploy-form button[type=submit]").await;
    // It asks first, with what dev serves now: nothing.
    browser
        .wait_for_text_containing("#confirm-deploy-what", "and serves nothing now")
        .await;
    browser
        .click("#confirm-deploy .confirm-deploy-button")
        .await;
    browser.wait_for("#deploy-result").await;
    browser
        .wait_for_text_containing("#deploy-result", "dev served nothing before.")
        .await;
    assert_eq!(stack.live_build_sid(&f.service, &f.dev).await, build);
    // The environments list links each live build to its page.
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{}/environments", f.service),
        )
        .await;
    let link = browser
        .wait_for(&format!(
            "#environments-table tr[data-sid='{}'] .live-build a",
            f.dev
        ))
        .await;
    let href = link.attr("href").await.expect("href").unwrap_or_default();
    assert!(href.ends_with(&format!("/builds/{build}")), "{href}");
}

/// A newer build goes live elsewhere; one click on dev's page rolls back to `build`.
async fn roll_back_from_a_newer_build(stack: &Stack, browser: &Browser, f: &Fixture, build: &str) {
    // A newer build goes live, then one click rolls back to the first.
    let newer = stack.completed_build(&f.service, &[&f.hello_v1]).await;
    stack.deploy(&f.service, &f.dev, &newer).await;
    open_dev_environment(stack, browser, f).await;
    browser
        .wait_for(&format!(
            "#deployments-table tr[data-build='{newer}'] .live-badge"
        ))
        .await;
    assert_eq!(browser.text(".facts .live-build").await, newer);
    // The live build is marked, and the newest other one is preselected.
    let option = browser
        .text(&format!("#deploy-form option[value='{newer}']"))
        .await;
    assert!(option.ends_with("· live"), "{option}");
    browser
        .wait_for(&format!("#deploy-form option[value='{build}']:checked"))
        .await;
    browser
        .click(&format!(
            "#deployments-table tr[data-build='{build}'] .rollback"
        ))
        .await;
    browser
        .click("#confirm-deploy .confirm-deploy-button")
        .await;
    browser.wait_for_text(".facts .live-build", build).await;
    // What dev serves now follows the rollback: each function and asset at its URL.
    browser.wait_for_text("#live-urls .build-link", build).await;
    let (_, dev) = stack
        .emulator_get(&format!(
            "/v1/Services/{}/Environments/{}",
            f.service, f.dev
        ))
        .await;
    let domain = dev["domain_name"].as_str().expect("domain");
    let hello = browser
        .wait_for("#live-urls tr[data-path='/hello'] a.live-url")
        .await;
    // In emulator mode the Live URLs are the emulator's own (docs/EMULATOR.md).
    let port = stack.emulator_url.rsplit(':').next().expect("port");
    let local = domain.strip_suffix(".twil.io").expect(".twil.io");
    assert_eq!(
        hello.attr("href").await.expect("href").as_deref(),
        Some(format!("http://{local}.localhost:{port}/hello").as_str())
    );
    assert_eq!(browser.count("#live-urls tbody tr").await, 3);
    browser
        .wait_for(&format!(
            "#deployments-table tr[data-build='{build}'] .live-badge"
        ))
        .await;
    assert_eq!(stack.live_build_sid(&f.service, &f.dev).await, build);
    // The live build's earlier deployment offers no rollback: deploying the live build again
    // is refused. The newer build is ahead of the live one: going back to it rolls forward.
    browser
        .wait_for_text(
            &format!("#deployments-table tr[data-build='{newer}'] .rollback"),
            "Roll forward to this build",
        )
        .await;
    assert_eq!(
        browser
            .count(&format!(
                "#deployments-table tr[data-build='{build}'] .rollback"
            ))
            .await,
        0
    );
    let (_, history) = stack
        .emulator_get(&format!(
            "/v1/Services/{}/Environments/{}/Deployments",
            f.service, f.dev
        ))
        .await;
    assert_eq!(
        history["deployments"].as_array().map(Vec::len),
        Some(3),
        "{history}"
    );
}

async fn deploying_the_live_build_again_sends_nothing(
    stack: &Stack,
    browser: &Browser,
    f: &Fixture,
    build: &str,
) {
    // Deploying the live build again would be refused by the API (20409): the console says so
    // and sends nothing.
    browser
        .select("#deploy-form select[name=BuildSid]", build)
        .await;
    browser.wait_for("#deploy-already-live").await;
    browser.click("#deploy-form button[type=submit]").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(browser.count("#deployments .alert-error").await, 0);
    let (_, history) = stack
        .emulator_get(&format!(
            "/v1/Services/{}/Environments/{}/Deployments",
            f.service, f.dev
        ))
        .await;
    assert_eq!(history["deployments"].as_array().map(Vec::len), Some(3));
}

/// Promotes dev's live build to prod, then asks again and is told there is nothing to change.
async fn promote_to_prod_twice(stack: &Stack, browser: &Browser, f: &Fixture, build: &str) {
    // Promote dev's live build to prod.
    browser
        .select("#promote-form select[name=Target]", &f.prod)
        .await;
    browser.click("#promote-form button[type=submit]").await;
    browser
        .click("#confirm-deploy .confirm-deploy-button")
        .await;
    browser.wait_for("#promote-result.saved").await;
    assert_eq!(stack.live_build_sid(&f.service, &f.prod).await, build);
    // Again: prod already serves it, which the question says in place of Twilio's 20409, with
    // nothing to confirm.
    browser.click("#promote-form button[type=submit]").await;
    browser
        .wait_for_text_containing(
            "#confirm-deploy-what",
            &format!("prod already serves {}: nothing to change.", short(build)),
        )
        .await;
    assert_eq!(
        browser
            .count("#confirm-deploy .confirm-deploy-button")
            .await,
        0
    );
    browser.click("#confirm-deploy .cancel-deploy").await;
    browser
        .wait_for_focus("#promote-form button[type=submit]")
        .await;
}

/// A page opened before the environment's live build changed elsewhere (another tab, the CLI)
/// must not promote the build it still shows: the promote is refused and names the build that
/// is live now. It used to promote the stale build.
/// A rollback from a page older than the environment (the build was deployed elsewhere since)
/// is refused by the API; the page then catches up with what is live instead of staying wrong.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_rollback_from_a_stale_page_shows_what_is_live() {
    let stack = start_stack().await;
    let f = fixture(&stack, "stale-rollback").await;
    let (first, second) = two_builds(&stack, &f).await;
    stack.deploy(&f.service, &f.dev, &first).await;
    stack.deploy(&f.service, &f.dev, &second).await;
    let browser = browser().await;
    open_dev_environment(&stack, &browser, &f).await;
    browser.wait_for_text(".facts .live-build", &second).await;
    let rollback = format!("#deployments-table tr[data-build='{first}'] .rollback");
    browser.wait_for(&rollback).await;

    stack.deploy(&f.service, &f.dev, &first).await;
    browser.click(&rollback).await;
    browser
        .click("#confirm-deploy .confirm-deploy-button")
        .await;
    let error = browser.text("#deployments .alert-error").await;
    assert!(error.contains("20409"), "{error}");
    browser.wait_for_text(".facts .live-build", &first).await;
    browser
        .wait_for(&format!(
            "#deployments-table tr[data-build='{first}'] .live-badge"
        ))
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_promote_from_a_stale_page_is_refused_and_names_the_live_build() {
    let stack = start_stack().await;
    let f = fixture(&stack, "stale-promote").await;
    let (first, second) = two_builds(&stack, &f).await;
    stack.deploy(&f.service, &f.dev, &first).await;
    let browser = browser().await;
    open_dev_environment(&stack, &browser, &f).await;
    browser.wait_for_text(".facts .live-build", &first).await;
    browser.wait_for("#promote-form select[name=Target]").await;

    stack.deploy(&f.service, &f.dev, &second).await;
    browser
        .select("#promote-form select[name=Target]", &f.prod)
        .await;
    browser.click("#promote-form button[type=submit]").await;
    browser
        .click("#confirm-deploy .confirm-deploy-button")
        .await;
    let refused = browser.text("#promote-form .alert-error").await;
    assert!(refused.contains(&second), "{refused}");
    assert!(stack.live_build_sid(&f.service, &f.prod).await.is_null());

    // After a reload the page shows the live build, and promoting it names it.
    browser.client.refresh().await.unwrap();
    browser.wait_for_text(".facts .live-build", &second).await;
    browser
        .select("#promote-form select[name=Target]", &f.prod)
        .await;
    browser.click("#promote-form button[type=submit]").await;
    browser
        .click("#confirm-deploy .confirm-deploy-button")
        .await;
    let promoted = browser.text("#promote-result").await;
    assert!(promoted.contains(&second), "{promoted}");
    assert_eq!(
        stack.live_build_sid(&f.service, &f.prod).await,
        second.as_str()
    );

    // The builds list says where each build is live.
    open_builds(&stack, &browser, &f).await;
    browser
        .wait_for_text(
            &format!("#builds-table tr[data-sid='{second}'] .live-envs"),
            "dev prod",
        )
        .await;
    assert_eq!(
        browser
            .text(&format!("#builds-table tr[data-sid='{first}'] .live-envs"))
            .await,
        ""
    );
    browser.close().await;
}

/// A rollback and a promote used to happen at the click, and nothing said what had changed.
/// Now each asks first, saying which build the environment will serve instead of which (with
/// their ages) and comparing the two, and says afterwards what changed with the way back. The
/// build page compares a build with the one made before it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_and_a_promote_say_what_changes_first_and_offer_the_way_back() {
    let stack = start_stack().await;
    let f = fixture(&stack, "confirm-rollback").await;
    let first = stack.completed_build(&f.service, &[&f.hello_v1]).await;
    let second = stack
        .completed_build(&f.service, &[&f.hello_v2, &f.other_v1])
        .await;
    stack.deploy(&f.service, &f.dev, &first).await;
    stack.deploy(&f.service, &f.dev, &second).await;
    stack.deploy(&f.service, &f.prod, &first).await;
    let browser = browser().await;
    open_dev_environment(&stack, &browser, &f).await;
    let rollback = format!("#deployments-table tr[data-build='{first}'] .rollback");
    a_rollback_asks_first_and_cancel_sends_nothing(
        &stack,
        &browser,
        &f,
        (&first, &second),
        &rollback,
    )
    .await;
    a_rollback_says_what_changed_and_goes_back_in_one_click(
        &stack,
        &browser,
        &f,
        (&first, &second),
        &rollback,
    )
    .await;
    a_promote_asks_with_what_changes_and_goes_back_in_one_click(
        &stack,
        &browser,
        &f,
        (&first, &second),
    )
    .await;
    the_build_page_compares_with_the_build_before(&stack, &browser, &f, (&first, &second)).await;
    browser.close().await;
}

/// Rolling dev back asks first, with both builds and what changes; Cancel sends nothing and
/// goes back to the button that asked.
async fn a_rollback_asks_first_and_cancel_sends_nothing(
    stack: &Stack,
    browser: &Browser,
    f: &Fixture,
    (first, second): (&str, &str),
    rollback: &str,
) {
    browser.click(rollback).await;
    browser
        .wait_for_text_containing(
            "#confirm-deploy-what",
            &format!("dev will serve {} (", short(first)),
        )
        .await;
    browser
        .wait_for_text_containing(
            "#confirm-deploy-what",
            &format!("instead of {} (", short(second)),
        )
        .await;
    browser
        .wait_for_text_containing(
            "#confirm-deploy-what",
            "; /hello changes, /other is removed.",
        )
        .await;
    browser
        .wait_for("#confirm-deploy tr[data-path='/other'][data-change=removed]")
        .await;
    browser
        .wait_for_focus("#confirm-deploy .confirm-deploy-button")
        .await;
    // Asking sends nothing; Cancel goes back to the button that asked.
    assert_eq!(stack.live_build_sid(&f.service, &f.dev).await, second);
    browser.click("#confirm-deploy .cancel-deploy").await;
    browser.wait_for_focus(rollback).await;
    assert_eq!(browser.count("#confirm-deploy").await, 0);
    assert_eq!(stack.live_build_sid(&f.service, &f.dev).await, second);
}

/// Confirmed, the rollback says what dev serves now, and the way back is one click.
async fn a_rollback_says_what_changed_and_goes_back_in_one_click(
    stack: &Stack,
    browser: &Browser,
    f: &Fixture,
    (first, second): (&str, &str),
    rollback: &str,
) {
    browser.click(rollback).await;
    browser
        .click("#confirm-deploy .confirm-deploy-button")
        .await;
    stack.wait_for_live(&f.service, &f.dev, Some(first)).await;
    browser
        .wait_for_text(
            "#deploy-notice",
            &format!(
                "dev serves {} now, instead of {}. Go back to {}",
                short(first),
                short(second),
                short(second)
            ),
        )
        .await;
    // The way back is one click, and says so in turn.
    browser.click("#deploy-notice .undo-deploy").await;
    stack.wait_for_live(&f.service, &f.dev, Some(second)).await;
    browser
        .wait_for_text_containing(
            "#deploy-notice",
            &format!(
                "dev serves {} now, instead of {}.",
                short(second),
                short(first)
            ),
        )
        .await;
}

async fn a_promote_asks_with_what_changes_and_goes_back_in_one_click(
    stack: &Stack,
    browser: &Browser,
    f: &Fixture,
    (first, second): (&str, &str),
) {
    // Promoting dev's live build to prod asks with what changes there.
    browser
        .select("#promote-form select[name=Target]", &f.prod)
        .await;
    browser.click("#promote-form button[type=submit]").await;
    browser
        .wait_for_text_containing(
            "#confirm-deploy-what",
            &format!("prod will serve {} (", short(second)),
        )
        .await;
    browser
        .wait_for_text_containing(
            "#confirm-deploy-what",
            &format!("instead of {} (", short(first)),
        )
        .await;
    browser
        .wait_for_text_containing("#confirm-deploy-what", "; /hello changes, /other is added.")
        .await;
    assert_eq!(stack.live_build_sid(&f.service, &f.prod).await, first);
    browser
        .click("#confirm-deploy .confirm-deploy-button")
        .await;
    stack.wait_for_live(&f.service, &f.prod, Some(second)).await;
    browser
        .wait_for_text_containing(
            "#promote-result",
            &format!("to prod, which served {} before.", short(first)),
        )
        .await;
    browser.click("#promote-result .undo-promote").await;
    stack.wait_for_live(&f.service, &f.prod, Some(first)).await;
    browser
        .wait_for_text_containing(
            "#promote-undone",
            &format!("it serves {} again", short(first)),
        )
        .await;
}

async fn the_build_page_compares_with_the_build_before(
    stack: &Stack,
    browser: &Browser,
    f: &Fixture,
    (first, second): (&str, &str),
) {
    // The build page compares a build with the one made before it.
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{}/builds/{second}", f.service),
        )
        .await;
    browser
        .wait_for_text_containing(
            "#build-compare-summary",
            &format!("From {} (", short(first)),
        )
        .await;
    browser
        .wait_for_text_containing(
            "#build-compare-summary",
            "to this build: /hello changes, /other is added.",
        )
        .await;
    browser
        .wait_for("#build-compare tr[data-path='/other'][data-change=new]")
        .await;
}

/// An earlier deployment of the build that is live again had a grey "live build" label, read
/// as the green "live": it is named for what it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earlier_deployment_of_the_live_build_is_named_previously_live() {
    let stack = start_stack().await;
    let f = fixture(&stack, "previously-live").await;
    let (first, second) = two_builds(&stack, &f).await;
    stack.deploy(&f.service, &f.dev, &first).await;
    stack.deploy(&f.service, &f.dev, &second).await;
    stack.deploy(&f.service, &f.dev, &first).await;
    let browser = browser().await;
    open_dev_environment(&stack, &browser, &f).await;
    // Newest first: the live deployment, the second build's, the first build's first.
    browser
        .wait_for("#deployments-table tbody tr:nth-child(1) .live-badge")
        .await;
    assert_eq!(
        browser
            .text("#deployments-table tbody tr:nth-child(3) td.actions")
            .await,
        "previously live · same build as live"
    );
    assert_eq!(
        browser
            .text("#deployments-table tbody tr:nth-child(1) td.actions")
            .await,
        "live"
    );
    browser.close().await;
}

/// A new build starts from the dependencies and runtime of the last completed one: the composer
/// used to start empty, and "Create build" dropped every dependency and moved to the default
/// runtime.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_build_keeps_the_dependencies_and_runtime_of_the_last() {
    let stack = start_stack().await;
    let f = fixture(&stack, "keeps-deps").await;
    let first = stack
        .create(
            &format!("/v1/Services/{}/Builds", f.service),
            &[
                ("FunctionVersions", f.hello_v1.as_str()),
                ("Dependencies", r#"[{"name":"lodash","version":"4.17.21"}]"#),
                ("Runtime", "node20"),
            ],
        )
        .await;
    let browser = browser().await;
    open_builds(&stack, &browser, &f).await;
    let hint = browser.text("#compose-started-from").await;
    assert!(hint.contains(&first), "{hint}");
    assert_eq!(
        browser.value("#dependencies .dependency-name").await,
        "lodash"
    );
    assert_eq!(
        browser.value("#dependencies .dependency-version").await,
        "4.17.21"
    );
    assert_eq!(
        browser.value("#compose-build select[name=Runtime]").await,
        "node20"
    );

    browser.click("#compose-build button[type=submit]").await;
    let started = browser.text("#compose-result").await;
    let (_, list) = stack
        .emulator_get(&format!("/v1/Services/{}/Builds", f.service))
        .await;
    let newest = list["builds"]
        .as_array()
        .expect("builds")
        .iter()
        .find(|b| b["sid"] != first.as_str())
        .unwrap_or_else(|| panic!("no second build: {list}"));
    assert!(
        started.contains(newest["sid"].as_str().expect("sid")),
        "{started}"
    );
    assert_eq!(newest["runtime"], "node20", "{newest}");
    assert_eq!(
        newest["dependencies"],
        serde_json::json!([{"name": "lodash", "version": "4.17.21"}])
    );

    // A refused check replaces the last outcome instead of standing beside it.
    browser.click("#add-dependency").await;
    // The new row's name has the focus; Enter moves on to its version, and Enter there adds a
    // row instead of starting a build.
    let row = |n: usize, field: &str| {
        format!("#dependencies div.dependency-row:nth-of-type({n}) .dependency-{field}")
    };
    browser.wait_for_focus(&row(2, "name")).await;
    // Enter in a row's version goes on to the next row's name.
    browser
        .wait_for(&row(1, "version"))
        .await
        .send_keys("\u{E007}")
        .await
        .expect("Enter");
    browser.wait_for_focus(&row(2, "name")).await;
    assert_eq!(browser.count("div.dependency-row").await, 2);
    let typing = browser.client.active_element().await.expect("focus");
    typing.send_keys("axios\u{E007}").await.expect("keys");
    browser.wait_for_focus(&row(2, "version")).await;
    let typing = browser.client.active_element().await.expect("focus");
    typing.send_keys("\u{E007}").await.expect("Enter");
    browser.wait_for_focus(&row(3, "name")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (_, after) = stack
        .emulator_get(&format!("/v1/Services/{}/Builds", f.service))
        .await;
    let sids = |list: &Value| -> Vec<Value> {
        list["builds"]
            .as_array()
            .expect("builds")
            .iter()
            .map(|b| b["sid"].clone())
            .collect()
    };
    assert_eq!(sids(&after), sids(&list), "Enter started a build");
    browser.click("#compose-build button[type=submit]").await;
    browser.wait_for("#compose-build .field-error").await;
    assert_eq!(browser.count("#compose-result").await, 0);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_dependency_fails_the_build_and_the_badge_says_so() {
    let stack = start_stack().await;
    let f = fixture(&stack, "failing-e2e").await;
    let browser = browser().await;
    open_builds(&stack, &browser, &f).await;

    compose_an_older_build_with_a_bad_dependency(&browser, &f).await;
    let build = a_bad_dependency_is_sent_only_when_asked_twice(&browser).await;
    the_build_fails_with_what_was_composed(&stack, &browser, &f, &build).await;
    its_page_says_why_and_offers_no_deploy(&stack, &browser, &f, &build).await;
    browser.close().await;
}

/// Picks an older version of /hello, leaves /other and the asset out, node20, and takes the
/// dependencies from a package.json whose one version npm could not install.
async fn compose_an_older_build_with_a_bad_dependency(browser: &Browser, f: &Fixture) {
    // An older version, no /other, no asset, node20, and dependencies from a package.json.
    browser
        .select(
            &format!(
                "#version-picker tr[data-resource='{}'] .version-select",
                f.hello
            ),
            &f.hello_v1,
        )
        .await;
    browser
        .click(&format!(
            "#version-picker tr[data-resource='{}'] .include",
            f.other
        ))
        .await;
    browser
        .click(&format!(
            "#version-picker tr[data-resource='{}'] .include",
            f.asset
        ))
        .await;
    browser
        .select("#compose-build select[name=Runtime]", "node20")
        .await;
    let package = support::TempDir::new();
    let package_json = package.0.join("package.json");
    std::fs::write(
        &package_json,
        r#"{"name":"x","dependencies":{"x":"not-a-version"}}"#,
    )
    .expect("package.json");
    browser
        .wait_for("#import-package-json")
        .await
        .send_keys(&package_json.display().to_string())
        .await
        .expect("pick file");
    browser.wait_for(".dependency-row .dependency-name").await;
    assert_eq!(browser.value(".dependency-row .dependency-name").await, "x");
    assert_eq!(
        browser.value(".dependency-row .dependency-version").await,
        "not-a-version"
    );
}

async fn a_bad_dependency_is_sent_only_when_asked_twice(browser: &Browser) -> String {
    // The console warns, and sends it only when asked twice: Twilio takes such a build and
    // fails it. A range npm understands is fine.
    browser
        .wait_for(".dependency-row .dependency-warning")
        .await;
    browser
        .fill(".dependency-row .dependency-version", "^4.17.0")
        .await;
    for _ in 0..50 {
        if browser.count(".dependency-warning").await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(browser.count(".dependency-warning").await, 0);
    browser
        .fill(".dependency-row .dependency-version", "not-a-version")
        .await;
    browser
        .wait_for(".dependency-row .dependency-warning")
        .await;
    browser.click("#compose-build button[type=submit]").await;
    browser
        .wait_for_text(
            "#compose-build .field-error",
            "npm would fail to install x@not-a-version, and the build with it. Fix the dependency, or press Create build again to create the build anyway.",
        )
        .await;
    assert_eq!(browser.count("#compose-result").await, 0);
    browser.click("#compose-build button[type=submit]").await;
    let build = browser.text("#compose-result .build-link").await;
    // The next build with the same dependency is asked about again.
    browser.click("#compose-build button[type=submit]").await;
    browser
        .wait_for_text(
            "#compose-build .field-error",
            "npm would fail to install x@not-a-version, and the build with it. Fix the dependency, or press Create build again to create the build anyway.",
        )
        .await;
    build
}

/// The build fails, and holds what was composed.
async fn the_build_fails_with_what_was_composed(
    stack: &Stack,
    browser: &Browser,
    f: &Fixture,
    build: &str,
) {
    let seen = browser
        .wait_for_text(
            &format!("#builds-table tr[data-sid='{build}'] .status-badge"),
            "failed",
        )
        .await;
    assert_eq!(
        seen.first().map(String::as_str),
        Some("building"),
        "{seen:?}"
    );
    let (_, created) = stack
        .emulator_get(&format!("/v1/Services/{}/Builds/{build}", f.service))
        .await;
    assert_eq!(
        created["function_versions"].as_array().map(Vec::len),
        Some(1),
        "{created}"
    );
    let version = &created["function_versions"][0];
    assert_eq!(
        version["sid"].as_str().or(version.as_str()),
        Some(f.hello_v1.as_str())
    );
    assert_eq!(
        created["asset_versions"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0),
        0,
        "{created}"
    );
    assert_eq!(
        created["dependencies"],
        serde_json::json!([{"name": "x", "version": "not-a-version"}])
    );
    assert_eq!(created["runtime"], "node20");
}

async fn its_page_says_why_and_offers_no_deploy(
    stack: &Stack,
    browser: &Browser,
    f: &Fixture,
    build: &str,
) {
    // Its page shows the failure, and it cannot be deployed.
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{}/builds/{build}", f.service),
        )
        .await;
    browser
        .wait_for_text("#build .status-badge", "failed")
        .await;
    // The emulator keeps npm's reason (here the version rule's), shown in place of the hint
    // that Twilio does not say why.
    let reason = browser.text("#build .build-failure").await;
    assert!(reason.contains("not-a-version"), "{reason}");
    assert_eq!(browser.count("#build-failed-hint").await, 0);
    assert!(is_disabled(browser, "#deploy-form button[type=submit]").await);
}

/// Runs a deployed function through the emulator, which logs "Execution started", the lines
/// given (here a warning and an error, spelled as Twilio sometimes does), and "Execution ended".
async fn invoke(stack: &Stack, f: &Fixture, path: &str) {
    let body = serde_json::json!({"logs": [
        {"level": "WARNING", "message": format!("{path} is slow")},
        {"level": "Error", "message": format!("{path} failed")},
    ]});
    let response = stack
        .http
        .post(format!(
            "{}/__emulator/invoke/{}/{}{path}",
            stack.emulator_url, f.service, f.dev
        ))
        .basic_auth(
            &stack.credentials.account_sid,
            Some(&stack.credentials.auth_token),
        )
        .json(&body)
        .send()
        .await
        .expect("invoke");
    let status = response.status();
    assert!(
        status.is_success(),
        "invoke {path}: {status} {}",
        response.text().await.unwrap_or_default()
    );
}

/// Makes the page believe the tab was hidden or shown, as switching tabs does.
async fn set_visibility(browser: &Browser, state: &str) {
    let script = "Object.defineProperty(document, 'visibilityState', { value: arguments[0], configurable: true }); \
                  document.dispatchEvent(new Event('visibilitychange', { bubbles: true })); return null;";
    browser
        .client
        .execute(script, vec![Value::String(state.to_owned())])
        .await
        .expect("visibility");
}

async fn emulator_logs(stack: &Stack, f: &Fixture, query: &str) -> Vec<String> {
    let (_, page) = stack
        .emulator_get(&format!(
            "/v1/Services/{}/Environments/{}/Logs?PageSize=1000{query}",
            f.service, f.dev
        ))
        .await;
    page["logs"]
        .as_array()
        .expect("logs")
        .iter()
        .map(|entry| entry["sid"].as_str().expect("sid").to_owned())
        .collect()
}

async fn row_sids(browser: &Browser) -> Vec<String> {
    // Read in one script: the live tail re-renders rows, and an element found a moment before
    // can be gone by the time its attribute is asked for.
    let sids = browser
        .client
        .execute(
            "return [...document.querySelectorAll('#logs-table tr[data-sid]')].map(r => r.dataset.sid);",
            vec![],
        )
        .await
        .expect("row sids");
    serde_json::from_value(sids).unwrap_or_default()
}

async fn wait_for_rows(browser: &Browser, want: &[String]) {
    let mut want = want.to_vec();
    want.sort();
    let mut got = Vec::new();
    for _ in 0..100 {
        got = row_sids(browser).await;
        got.sort();
        if got == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("log rows {got:?}, expected {want:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_filter_by_function_and_date_and_the_tail_follows_new_entries() {
    let stack = start_stack().await;
    let f = fixture(&stack, "logs-e2e").await;
    let build = stack
        .completed_build(&f.service, &[&f.hello_v2, &f.other_v1])
        .await;
    stack.deploy(&f.service, &f.dev, &build).await;
    invoke(&stack, &f, "/hello").await;
    invoke(&stack, &f, "/other").await;
    let all = emulator_logs(&stack, &f, "").await;
    assert!(all.len() >= 2, "{all:?}");
    let other_only = emulator_logs(&stack, &f, &format!("&FunctionSid={}", f.other)).await;
    assert!(
        !other_only.is_empty() && other_only.len() < all.len(),
        "{other_only:?}"
    );

    let browser = browser().await;
    let page = format!(
        "{}/services/{}/environments/{}/logs",
        stack.relay_url, f.service, f.dev
    );
    open_the_logs(&stack, &browser, &f, &all).await;
    level_and_text_narrow_in_the_page(&browser, &all).await;
    the_function_filter_is_kept_in_the_url(&browser, &f, &other_only).await;
    dates_are_checked_before_they_are_sent(&browser).await;
    the_tail_follows_new_entries_once_each(&stack, &browser, &f, &page, &all).await;

    // A link naming a function that is not there says so in the select.
    browser.goto(&format!("{page}?FunctionSid=ZHnope")).await;
    browser
        .wait_for_text(
            "#log-filters select[name=FunctionSid] option:checked",
            "ZHnope (no such function)",
        )
        .await;
    browser.close().await;
}

/// Opens dev's logs from its page: every entry, each level marked, the environment named.
async fn open_the_logs(stack: &Stack, browser: &Browser, f: &Fixture, all: &[String]) {
    open_dev_environment(stack, browser, f).await;
    browser.click("#logs-link").await;
    wait_for_rows(browser, all).await;
    // Which environment's logs these are: dev's and prod's pages look alike otherwise.
    browser.wait_for_text("#logs-environment", "dev").await;
    wait_for_title(browser, "dev · Logs · logs-e2e · Switchboard").await;
    // One script, for the same reason as `row_sids`.
    let classes = browser
        .client
        .execute(
            "return [...document.querySelectorAll('#logs-table .level')].map(l => l.className);",
            vec![],
        )
        .await
        .expect("levels");
    let classes: Vec<String> = serde_json::from_value(classes).unwrap_or_default();
    for wanted in ["level-info", "level-warn", "level-error"] {
        assert!(
            classes.iter().any(|c| c.contains(wanted)),
            "{wanted} not in {classes:?}"
        );
    }
}

/// Level and text narrow what is loaded, in the page, say so, and are kept in the URL.
async fn level_and_text_narrow_in_the_page(browser: &Browser, all: &[String]) {
    // Level and text narrow what is loaded, in the page, and say so.
    browser.select("#log-level", "error").await;
    for _ in 0..50 {
        if browser.count("#logs-table tbody tr").await == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        browser.count("#logs-table tbody tr").await,
        2,
        "the two errors"
    );
    browser.fill("#log-search", "OTHER").await;
    // Enter puts it in the URL (typing narrows at once, without rewriting the URL each key).
    browser
        .wait_for("#log-search")
        .await
        .send_keys("\u{E007}")
        .await
        .expect("Enter");
    browser
        .wait_for_text(
            "#log-narrowed",
            &format!("Showing 1 of the {} entries loaded.", all.len()),
        )
        .await;
    assert!(
        browser
            .text("#logs-table tbody")
            .await
            .contains("/other failed")
    );
    // Kept in the URL: a reload (or a shared link) shows the same.
    let url = browser.client.current_url().await.expect("url");
    assert!(url.as_str().contains("level=error&q=OTHER"), "{url}");
    browser.client.refresh().await.expect("reload");
    browser
        .wait_for_text(
            "#log-narrowed",
            &format!("Showing 1 of the {} entries loaded.", all.len()),
        )
        .await;
    assert_eq!(browser.value("#log-search").await, "OTHER");
    // Nothing left to show is said, rather than an empty table.
    browser.fill("#log-search", "nothing like this").await;
    browser
        .wait_for_text(
            "#log-narrowed",
            &format!("None of the {} entries loaded matches.", all.len()),
        )
        .await;
    assert!(
        !browser
            .wait_for("#logs-table")
            .await
            .is_displayed()
            .await
            .expect("shown")
    );
    browser.select("#log-level", "all").await;
    browser.fill("#log-search", "").await;
    wait_for_rows(browser, all).await;
}

/// The function filter is sent, kept in the URL, and a fresh load of that URL shows the same.
async fn the_function_filter_is_kept_in_the_url(
    browser: &Browser,
    f: &Fixture,
    other_only: &[String],
) {
    // Function filter, kept in the URL.
    browser
        .select("#log-filters select[name=FunctionSid]", &f.other)
        .await;
    browser.click("#log-filters button[type=submit]").await;
    wait_for_rows(browser, other_only).await;
    let url = browser.client.current_url().await.expect("url");
    assert!(
        url.as_str().contains(&format!("FunctionSid={}", f.other)),
        "{url}"
    );

    // The link is shareable: a fresh load shows the same filter.
    browser.goto(url.as_str()).await;
    wait_for_rows(browser, other_only).await;
    assert_eq!(
        browser.value("#log-filters select[name=FunctionSid]").await,
        f.other
    );
}

/// Dates are checked in the form before they are sent.
async fn dates_are_checked_before_they_are_sent(browser: &Browser) {
    // A start date in the future leaves nothing; a date not on the calendar is explained, not
    // sent (the API's 20001 used to replace the list).
    browser
        .fill("#log-filters input[name=StartDate]", "2026-13-45T99:99:99Z")
        .await;
    browser.click("#log-filters button[type=submit]").await;
    browser
        .wait_for_text(
            "#log-filters .field-error",
            "The start date must be a day such as 2024-05-01, or a time such as 2024-05-01T10:30:00Z (UTC)",
        )
        .await;
    browser
        .wait_for_focus("#log-filters input[name=StartDate][aria-invalid=true]")
        .await;
    browser
        .fill("#log-filters input[name=StartDate]", "2999-01-01T00:00:00Z")
        .await;
    browser.click("#log-filters button[type=submit]").await;
    browser
        .wait_for_text("#logs-empty", "No log entries match these filters.")
        .await;
    let url = browser.client.current_url().await.expect("url");
    assert!(
        url.as_str().contains("StartDate=2999-01-01T00%3A00%3A00Z"),
        "{url}"
    );
    // An end before the start is refused, not sent.
    browser
        .fill("#log-filters input[name=EndDate]", "2998-01-01T00:00:00Z")
        .await;
    browser.click("#log-filters button[type=submit]").await;
    browser
        .wait_for_text(
            "#log-filters .field-error",
            "The start date is after the end date.",
        )
        .await;
    browser.fill("#log-filters input[name=EndDate]", "").await;
}

/// A live tail shows each new entry once, pauses while the tab is hidden, and stops when asked.
async fn the_tail_follows_new_entries_once_each(
    stack: &Stack,
    browser: &Browser,
    f: &Fixture,
    page: &str,
    all: &[String],
) {
    // Cleared filters and a live tail: new entries appear once each; paused, none do.
    browser.goto(page).await;
    wait_for_rows(browser, all).await;
    browser.click("#tail-toggle").await;
    invoke(stack, f, "/hello").await;
    let grown = emulator_logs(stack, f, "").await;
    assert!(grown.len() > all.len());
    wait_for_rows(browser, &grown).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        row_sids(browser).await.len(),
        grown.len(),
        "the tail duplicated entries"
    );

    // A hidden tab pauses the tail; showing it again resumes.
    set_visibility(browser, "hidden").await;
    browser
        .wait_for_text(".tail-status", "Paused while the tab is hidden")
        .await;
    invoke(stack, f, "/hello").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        row_sids(browser).await.len(),
        grown.len(),
        "the tail polled while the tab was hidden"
    );
    set_visibility(browser, "visible").await;
    let resumed = emulator_logs(stack, f, "").await;
    wait_for_rows(browser, &resumed).await;
    let grown = resumed;

    browser.click("#tail-toggle").await;
    assert_eq!(browser.text("#tail-toggle").await, "Start live tail");
    invoke(stack, f, "/other").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        row_sids(browser).await.len(),
        grown.len(),
        "the paused tail still polled"
    );
}

/// A date the form refuses used to leave the entries of the filter before on screen, as if they
/// matched the one typed: they are marked as stale until a filter is applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_of_the_last_filter_are_marked_stale_after_a_refused_date() {
    let stack = start_stack().await;
    let f = fixture(&stack, "stale-logs").await;
    let build = stack.completed_build(&f.service, &[&f.hello_v2]).await;
    stack.deploy(&f.service, &f.dev, &build).await;
    invoke(&stack, &f, "/hello").await;
    let all = emulator_logs(&stack, &f, "").await;
    let browser = browser().await;
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{}/environments/{}/logs", f.service, f.dev),
        )
        .await;
    wait_for_rows(&browser, &all).await;
    assert_eq!(browser.count("#logs-stale").await, 0);
    browser
        .fill("#log-filters input[name=StartDate]", "last tuesday")
        .await;
    browser.click("#log-filters button[type=submit]").await;
    browser
        .wait_for_text_containing("#log-filters .field-error", "The start date must be")
        .await;
    browser
        .wait_for_text_containing("#logs-stale", "for the filter applied before")
        .await;
    assert_eq!(browser.count(".logs-results.stale #logs-table").await, 1);
    // A filter that applies makes them current again.
    browser
        .fill("#log-filters input[name=StartDate]", "2000-01-01")
        .await;
    browser.click("#log-filters button[type=submit]").await;
    for _ in 0..50 {
        if browser.count("#logs-stale").await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(browser.count("#logs-stale").await, 0);
    assert_eq!(browser.count(".logs-results.stale").await, 0);
    wait_for_rows(&browser, &all).await;
    browser.close().await;
}
