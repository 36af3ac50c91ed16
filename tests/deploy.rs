//! Deploying a whole twilio-run project from the browser: the fixture in tests/fixtures/project is
//! picked with the directory input, planned, deployed to the emulator, checked through the
//! emulator's API, then deployed again after one file changed, which uploads only that file.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use support::steps::copy_dir;
use support::{Browser, Stack, TempDir, browser, start_stack};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project")
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {value}"))
}

/// A service named `name` with environments whose unique names are also their domain suffixes.
async fn service_with<const N: usize>(
    stack: &Stack,
    name: &str,
    environments: [&str; N],
) -> (String, [String; N]) {
    let service = stack.service(name).await;
    let mut sids = Vec::new();
    for environment in environments {
        sids.push(stack.environment(&service, environment).await);
    }
    let sids = sids.try_into().expect("one SID per environment");
    (service, sids)
}

/// Picks `dir` with the page's directory input (ChromeDriver accepts a folder path there, and
/// adds to what a `multiple` input already holds unless it is cleared first).
async fn pick(browser: &Browser, dir: &Path) {
    let input = browser.wait_for("#project-folder").await;
    input.clear().await.expect("clear the folder input");
    input
        .send_keys(&dir.display().to_string())
        .await
        .expect("pick the project folder");
}

/// Path → (visibility, version SID) of a build's functions or assets.
fn versions(build: &Value, field: &str) -> Vec<(String, String, String)> {
    let mut list: Vec<(String, String, String)> = build[field]
        .as_array()
        .unwrap_or_else(|| panic!("no {field} in {build}"))
        .iter()
        .map(|v| {
            (
                str_of(v, "path").to_owned(),
                str_of(v, "visibility").to_lowercase(),
                str_of(v, "sid").to_owned(),
            )
        })
        .collect();
    list.sort();
    list
}

/// How many versions each Function or Asset has, by FriendlyName.
async fn version_counts(stack: &Stack, service: &str, collection: &str) -> Vec<(String, usize)> {
    let (_, list) = stack
        .emulator_get(&format!("/v1/Services/{service}/{collection}?PageSize=100"))
        .await;
    let key = collection.to_lowercase();
    let mut counts = Vec::new();
    for resource in list[&key].as_array().expect("resources") {
        let sid = str_of(resource, "sid");
        let (_, versions) = stack
            .emulator_get(&format!(
                "/v1/Services/{service}/{collection}/{sid}/Versions?PageSize=100"
            ))
            .await;
        let count = versions[if key == "functions" {
            "function_versions"
        } else {
            "asset_versions"
        }]
        .as_array()
        .map_or(0, Vec::len);
        counts.push((str_of(resource, "friendly_name").to_owned(), count));
    }
    counts.sort();
    counts
}

async fn wait_for_change(browser: &Browser, key: &str, change: &str) {
    browser
        .wait_for(&format!(
            "#plan-code tr[data-key=\"{key}\"][data-change=\"{change}\"]"
        ))
        .await;
}

/// Opens a service's deploy page (its first environment) and waits until it asks for a project.
async fn open_deploy_page(stack: &Stack, browser: &Browser, service: &str) {
    browser
        .open(&stack.relay_url, &format!("/services/{service}/deploy"))
        .await;
    browser.wait_for("#deploy-no-project").await;
}

/// Waits for the plan row of `key` to say it reuses a version an unfinished deploy uploaded.
async fn wait_for_reuse(browser: &Browser, key: &str) {
    let row = format!("#plan-code tr[data-key=\"{key}\"]");
    let mut text = String::new();
    for _ in 0..150 {
        // The row is re-rendered when the new plan arrives: a stale element is read again.
        if let Ok(element) = browser.client.find(fantoccini::Locator::Css(&row)).await {
            text = element.text().await.unwrap_or_default();
        }
        if text.contains("already uploaded by an unfinished deploy") {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{row} never offered to reuse an upload: {text}");
}

/// A project copy whose package.json names `lodash` at `version` (not a version: the build fails).
fn project_with_lodash(dir: &Path, version: &str) -> PathBuf {
    let project = dir.join(format!("lodash-{version}"));
    copy_dir(&fixture(), &project);
    let package = format!(
        "{{\"name\": \"fixture-project\", \"dependencies\": {{\"lodash\": \"{version}\"}}}}\n"
    );
    std::fs::write(project.join("package.json"), package).expect("package.json");
    project
}

#[tokio::test(flavor = "multi_thread")]
async fn deploys_a_project_then_uploads_only_what_changed() {
    let stack = start_stack().await;
    let browser = browser().await;
    let (service, [dev]) = service_with(&stack, "fixture-app", ["dev"]).await;

    open_deploy_page(&stack, &browser, &service).await;
    pick(&browser, &fixture()).await;

    the_first_plan_says_what_is_new_and_what_stays_local(&stack, &browser, &service, &dev).await;
    let (build, assets_before) =
        deploy_and_see_what_is_live(&stack, &browser, &service, &dev).await;
    an_edited_function_is_the_only_upload(
        &stack,
        &browser,
        (&service, &dev),
        &build,
        &assets_before,
    )
    .await;

    // Promote (the environment page's form, reused) and export are on the same page.
    browser.wait_for("#promote-form").await;
    browser.click("#export-button").await;
    browser
        .wait_for_text("#export-done", "Downloaded fixture-app-dev.zip.")
        .await;

    browser.close().await;
}

/// The first plan: six new files, two variables, lodash and node20; node_modules, dotfiles,
/// ignored patterns, the credentials and an empty value stay local, and the plan says why.
async fn the_first_plan_says_what_is_new_and_what_stays_local(
    stack: &Stack,
    browser: &Browser,
    service: &str,
    dev: &str,
) {
    // The plan: six new files; node_modules, dotfiles and ignored patterns are skipped.
    wait_for_change(browser, "function:/hello", "new").await;
    for key in [
        "function:/api/sms/reply",
        "function:/lib/util",
        "asset:/style.css",
        "asset:/data.json",
        "asset:/img/logo.svg",
    ] {
        wait_for_change(browser, key, "new").await;
    }
    assert_eq!(browser.count("#plan-code tbody tr").await, 6);
    // The picked folder is named, with every file in it (skipped ones too).
    let files = walk(&fixture()).len();
    assert_eq!(
        browser.text("#picked-project").await,
        format!("Project: project ({files} files)")
    );
    assert_eq!(
        browser
            .count("#plan-variables tr[data-change=\"new\"]")
            .await,
        2
    );
    // The credentials and the empty value stay local, and the plan says why.
    for key in ["ACCOUNT_SID", "AUTH_TOKEN", "TODO_LATER"] {
        let row = format!("#plan-variables tr[data-key=\"{key}\"][data-change=\"left-out\"]");
        assert!(browser.text(&row).await.contains("not uploaded"), "{key}");
    }
    browser
        .wait_for("#plan-dependencies tr[data-name=\"lodash\"][data-change=\"new\"]")
        .await;
    assert!(browser.text("#plan-runtime").await.contains("node20"));
    assert_eq!(
        browser.text("#plan-ignored summary").await,
        "4 files skipped",
        "node_modules/lodash/index.js, assets/.DS_Store, assets/NOTES.md and .env.stage (stage's)"
    );
    // Nothing has changed yet.
    let (_, env) = stack
        .emulator_get(&format!("/v1/Services/{service}/Environments/{dev}"))
        .await;
    assert!(env["build_sid"].is_null(), "{env}");
}

/// Deploys the plan; what is live is what the project holds. The build, and each asset's count
/// of versions.
async fn deploy_and_see_what_is_live(
    stack: &Stack,
    browser: &Browser,
    service: &str,
    dev: &str,
) -> (Value, Vec<(String, usize)>) {
    browser.click("#apply-plan").await;
    browser.wait_for_text("#deploy-phase", "Deployed").await;
    // The environment and the folder could not change during the deploy; now they can.
    for css in ["#deploy-environment", "#project-folder"] {
        let disabled = browser
            .wait_for(css)
            .await
            .prop("disabled")
            .await
            .expect("disabled");
        assert_eq!(disabled.as_deref(), Some("false"), "{css}");
    }

    let build = stack.live_build(service, dev).await;
    // The result names the build and lists what is live, with URLs for all but private files.
    let sid = build["sid"].as_str().expect("sid");
    assert_eq!(browser.text("#deploy-done .build-link").await, sid);
    browser.wait_for_text("#live-urls .build-link", sid).await;
    browser
        .wait_for("#live-urls tr[data-path='/hello'] a.live-url")
        .await;
    assert_eq!(browser.count("#live-urls tbody tr").await, 6);
    assert_eq!(
        browser
            .count("#live-urls tr[data-path='/lib/util'] a.live-url")
            .await,
        0
    );
    let paths = |field| {
        versions(&build, field)
            .into_iter()
            .map(|(path, visibility, _)| (path, visibility))
            .collect::<Vec<_>>()
    };
    let pair = |p: &str, v: &str| (p.to_owned(), v.to_owned());
    assert_eq!(
        paths("function_versions"),
        vec![
            pair("/api/sms/reply", "protected"),
            pair("/hello", "public"),
            pair("/lib/util", "private"),
        ]
    );
    assert_eq!(
        paths("asset_versions"),
        vec![
            pair("/data.json", "private"),
            pair("/img/logo.svg", "public"),
            pair("/style.css", "public"),
        ]
    );
    assert_eq!(build["runtime"], "node20", "{build}");
    assert_eq!(
        build["dependencies"],
        serde_json::json!([{"name": "lodash", "version": "4.17.21"}])
    );
    let vars = stack.variables_of(service, dev).await;
    assert_eq!(
        vars,
        vec![
            pair("API_KEY", "not a real secret"),
            pair("GREETING", "Hello"),
        ]
    );
    let functions_before = version_counts(stack, service, "Functions").await;
    assert!(
        functions_before.iter().all(|(_, n)| *n == 1),
        "{functions_before:?}"
    );
    let assets_before = version_counts(stack, service, "Assets").await;
    assert!(
        assets_before.iter().all(|(_, n)| *n == 1),
        "{assets_before:?}"
    );
    (build, assets_before)
}

async fn an_edited_function_is_the_only_upload(
    stack: &Stack,
    browser: &Browser,
    (service, dev): (&str, &str),
    build: &Value,
    assets_before: &[(String, usize)],
) {
    // One function edited: only it is changed and only it is uploaded.
    let edited = TempDir::new();
    let copy = edited.0.join("project");
    copy_dir(&fixture(), &copy);
    std::fs::write(
        copy.join("functions/hello.js"),
        "exports.handler = (context, event, callback) => callback(null, 'edited');\n",
    )
    .expect("edit");
    pick(browser, &copy).await;
    wait_for_change(browser, "function:/hello", "changed").await;
    assert_eq!(
        browser
            .count("#plan-code tbody tr[data-change=\"unchanged\"]")
            .await,
        5
    );
    assert_eq!(browser.text("#apply-plan").await, "Deploy (1 change)");
    browser.click("#apply-plan").await;
    browser.wait_for_text("#deploy-phase", "Deployed").await;
    // Planned again, nothing differs: there is nothing to deploy.
    browser.click("#plan-again").await;
    browser
        .wait_for_text("#apply-plan", "Nothing to deploy")
        .await;
    assert!(
        !browser
            .wait_for("#apply-plan")
            .await
            .is_enabled()
            .await
            .expect("enabled")
    );

    let functions_after = version_counts(stack, service, "Functions").await;
    for (name, count) in &functions_after {
        assert_eq!(
            *count,
            if name == "/hello" { 2 } else { 1 },
            "{functions_after:?}"
        );
    }
    assert_eq!(
        version_counts(stack, service, "Assets").await,
        assets_before
    );
    let rebuilt = stack.live_build(service, dev).await;
    assert_ne!(rebuilt["sid"], build["sid"]);
    let old_assets = versions(build, "asset_versions");
    assert_eq!(
        versions(&rebuilt, "asset_versions"),
        old_assets,
        "assets reused"
    );
}

/// A deploy stopped by a failed build keeps its uploads: after the fix, the plan reuses them and
/// the second deploy uploads nothing.
#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_deploy_continues_without_uploading_again() {
    let stack = start_stack().await;
    let browser = browser().await;
    let (service, [dev]) = service_with(&stack, "resumed-app", ["dev"]).await;
    let dir = TempDir::new();
    let broken = project_with_lodash(&dir.0, "not-a-version");

    open_deploy_page(&stack, &browser, &service).await;
    pick(&browser, &broken).await;
    wait_for_change(&browser, "function:/hello", "new").await;
    // The plan warns that npm cannot install it (the deploy may still go ahead, as on Twilio).
    browser
        .wait_for("#plan-dependencies tr[data-name=\"lodash\"] .dependency-warning")
        .await;
    browser.click("#apply-plan").await;
    // The phase it stopped in stays on screen.
    browser
        .wait_for_text("#deploy-phase", "Stopped during: Building")
        .await;
    assert!(
        browser
            .text(".deploy-apply .alert-error")
            .await
            .contains("failed")
    );
    let uploaded = version_counts(&stack, &service, "Functions").await;
    assert_eq!(uploaded.len(), 3, "{uploaded:?}");

    pick(&browser, &project_with_lodash(&dir.0, "4.17.21")).await;
    // The new plan replaces the old one once the project is read and the environment reloaded.
    wait_for_reuse(&browser, "function:/hello").await;
    assert_eq!(browser.text("#apply-plan").await, "Deploy (10 changes)");
    assert_eq!(browser.count(".dependency-warning").await, 0);
    browser.click("#apply-plan").await;
    browser.wait_for_text("#deploy-phase", "Deployed").await;
    assert_eq!(
        version_counts(&stack, &service, "Functions").await,
        uploaded
    );
    let (_, env) = stack
        .emulator_get(&format!("/v1/Services/{service}/Environments/{dev}"))
        .await;
    assert!(env["build_sid"].is_string(), "{env}");
    browser.close().await;
}

/// A version an unfinished deploy left behind can be deleted (with its function) before the
/// next deploy: the refused build makes the console forget those uploads, and planning again
/// uploads afresh.
#[tokio::test(flavor = "multi_thread")]
async fn uploads_deleted_since_an_unfinished_deploy_are_made_again() {
    let stack = start_stack().await;
    let browser = browser().await;
    let (service, [dev]) = service_with(&stack, "stale-app", ["dev"]).await;
    let dir = TempDir::new();
    open_deploy_page(&stack, &browser, &service).await;
    pick(&browser, &project_with_lodash(&dir.0, "not-a-version")).await;
    wait_for_change(&browser, "function:/hello", "new").await;
    browser.click("#apply-plan").await;
    browser
        .wait_for_text("#deploy-phase", "Stopped during: Building")
        .await;

    let (_, functions) = stack
        .emulator_get(&format!("/v1/Services/{service}/Functions"))
        .await;
    let hello = functions["functions"]
        .as_array()
        .expect("functions")
        .iter()
        .find(|f| f["friendly_name"] == "/hello")
        .map(|f| str_of(f, "sid").to_owned())
        .expect("/hello was created");
    let status = stack
        .emulator_delete(&format!("/v1/Services/{service}/Functions/{hello}"))
        .await;
    assert_eq!(status, 204);

    pick(&browser, &project_with_lodash(&dir.0, "4.17.21")).await;
    wait_for_reuse(&browser, "function:/hello").await;
    browser.click("#apply-plan").await;
    browser
        .wait_for_text("#deploy-phase", "Stopped during: Building")
        .await;
    browser.click("#plan-again").await;
    wait_for_change(&browser, "function:/hello", "new").await;
    browser
        .wait_for("#apply-plan:not([disabled])")
        .await
        .click()
        .await
        .expect("apply");
    browser.wait_for_text("#deploy-phase", "Deployed").await;
    let (_, env) = stack
        .emulator_get(&format!("/v1/Services/{service}/Environments/{dev}"))
        .await;
    assert!(env["build_sid"].is_string(), "{env}");
    browser.close().await;
}

/// The chosen environment is in the URL: a reload, or the link, opens the same one.
#[tokio::test(flavor = "multi_thread")]
async fn the_chosen_environment_survives_a_reload() {
    let stack = start_stack().await;
    let browser = browser().await;
    let (service, [dev, stage]) = service_with(&stack, "linked-app", ["dev", "stage"]).await;

    let page = format!("{}/services/{service}/deploy", stack.relay_url);
    browser.goto(&page).await;
    browser.wait_for("#deploy-no-project").await;
    // Without ?environment=, the first one.
    assert_eq!(browser.value("#deploy-environment").await, dev);
    browser
        .wait_for("#deploy-environment")
        .await
        .select_by_value(&stage)
        .await
        .expect("select stage");
    let mut url = String::new();
    for _ in 0..50 {
        url = browser.client.current_url().await.expect("url").to_string();
        if url.ends_with(&format!("?environment={stage}")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(url.ends_with(&format!("?environment={stage}")), "{url}");

    browser.goto(&url).await;
    browser.wait_for("#deploy-no-project").await;
    assert_eq!(browser.value("#deploy-environment").await, stage);
    // And the page works on that environment.
    browser.click("#export-button").await;
    browser
        .wait_for_text("#export-done", "Downloaded linked-app-stage.zip.")
        .await;
    browser.close().await;
}

/// `.twilioserverlessrc` scopes settings by environment, as twilio-run does: the fixture's stage
/// environment takes its variables from `.env.stage` and builds with another runtime.
#[tokio::test(flavor = "multi_thread")]
async fn environment_settings_follow_the_chosen_environment() {
    let stack = start_stack().await;
    let browser = browser().await;
    let (service, [_dev, stage]) = service_with(&stack, "scoped-app", ["dev", "stage"]).await;

    browser
        .open(
            &stack.relay_url,
            &format!("/services/{service}/deploy?environment={stage}"),
        )
        .await;
    browser.wait_for("#deploy-no-project").await;
    pick(&browser, &fixture()).await;
    browser
        .wait_for("#plan-variables tr[data-key=\"STAGE_ONLY\"][data-change=\"new\"]")
        .await;
    assert_eq!(browser.count("#plan-variables tbody tr").await, 2);
    assert!(browser.text("#plan-runtime").await.contains("node22"));
    assert_eq!(
        browser.text("#plan-ignored summary").await,
        "3 files skipped"
    );
    browser.click("#apply-plan").await;
    browser.wait_for_text("#deploy-phase", "Deployed").await;
    let pairs = stack.variables_of(&service, &stage).await;
    assert_eq!(
        pairs,
        [
            ("GREETING".to_owned(), "Hello from stage".to_owned()),
            ("STAGE_ONLY".to_owned(), "1".to_owned())
        ]
    );

    // The same folder planned for dev: .env and the top-level runtime.
    browser
        .wait_for("#deploy-environment")
        .await
        .select_by_label("dev")
        .await
        .expect("select dev");
    browser
        .wait_for("#plan-variables tr[data-key=\"API_KEY\"][data-change=\"new\"]")
        .await;
    assert_eq!(
        browser
            .count("#plan-variables tr[data-key=\"STAGE_ONLY\"]")
            .await,
        0
    );
    assert!(browser.text("#plan-runtime").await.contains("node20"));
    browser.close().await;
}

/// The promote form follows the deploy made on the page: it appears once the environment has a
/// live build, and promotes the build that is live now.
#[tokio::test(flavor = "multi_thread")]
async fn promoting_right_after_a_deploy_sends_the_new_build() {
    let stack = start_stack().await;
    let browser = browser().await;
    let (service, [dev, prod]) = service_with(&stack, "promoted-app", ["dev", "prod"]).await;
    browser
        .open(&stack.relay_url, &format!("/services/{service}/deploy"))
        .await;
    browser.wait_for("#promote-unavailable").await;
    pick(&browser, &fixture()).await;
    wait_for_change(&browser, "function:/hello", "new").await;
    browser.click("#apply-plan").await;
    browser.wait_for_text("#deploy-phase", "Deployed").await;
    browser.click("#promote-form button[type=submit]").await;
    browser
        .click("#confirm-deploy .confirm-deploy-button")
        .await;
    browser.wait_for("#promote-result").await;
    let deployed = stack.live_build(&service, &dev).await;
    assert_eq!(stack.live_build(&service, &prod).await, deployed);
    browser.close().await;
}

/// Dropping the folder reads it through the drop's directory entries: the same plan as picking.
#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_folder_is_planned_like_a_picked_one() {
    let stack = start_stack().await;
    let browser = browser().await;
    let (service, [_dev]) = service_with(&stack, "dropped-app", ["dev"]).await;
    open_deploy_page(&stack, &browser, &service).await;
    browser.drop_folder("#project-drop", &fixture()).await;
    for key in [
        "function:/hello",
        "function:/api/sms/reply",
        "function:/lib/util",
        "asset:/style.css",
        "asset:/data.json",
        "asset:/img/logo.svg",
    ] {
        wait_for_change(&browser, key, "new").await;
    }
    assert_eq!(browser.count("#plan-code tbody tr").await, 6);
    assert!(browser.text("#plan-runtime").await.contains("node20"));
    browser
        .wait_for("#plan-variables tr[data-key=\"API_KEY\"][data-change=\"new\"]")
        .await;
    browser.close().await;
}

/// A file larger than Twilio accepts is flagged in the plan, and the deploy does not start.
#[tokio::test(flavor = "multi_thread")]
async fn an_oversized_file_blocks_the_deploy() {
    let stack = start_stack().await;
    let browser = browser().await;
    let (service, [_dev]) = service_with(&stack, "big-app", ["dev"]).await;
    let dir = TempDir::new();
    let project = dir.0.join("project");
    copy_dir(&fixture(), &project);
    let private_max = switchboard_models::limits::MAX_PRIVATE_ASSET_BYTES as usize;
    std::fs::write(
        project.join("assets/huge.private.bin"),
        vec![0u8; private_max + 1],
    )
    .expect("big asset");

    open_deploy_page(&stack, &browser, &service).await;
    pick(&browser, &project).await;
    browser
        .wait_for("#plan-code tr[data-key=\"asset:/huge.bin\"][data-oversized=\"true\"]")
        .await;
    assert_eq!(
        browser
            .count("#plan-code tr[data-oversized=\"true\"]")
            .await,
        1
    );
    assert!(
        browser.text("#plan-too-large").await.contains("/huge.bin"),
        "the message names the file"
    );
    let disabled = browser
        .wait_for("#apply-plan")
        .await
        .prop("disabled")
        .await
        .expect("disabled");
    assert_eq!(disabled.as_deref(), Some("true"));
    assert!(
        version_counts(&stack, &service, "Assets").await.is_empty(),
        "nothing uploaded"
    );
    browser.close().await;
}

/// Every file below `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// A service without environments offers to create `dev`, as twilio-run does, and the project
/// picked meanwhile is planned against it: nothing to pick again.
#[tokio::test(flavor = "multi_thread")]
async fn a_service_without_environments_gets_dev_in_one_click() {
    let stack = start_stack().await;
    let browser = browser().await;
    let (service, []) = service_with(&stack, "no-env-app", []).await;
    browser
        .open(&stack.relay_url, &format!("/services/{service}/deploy"))
        .await;
    browser.wait_for("#create-dev").await;
    pick(&browser, &fixture()).await;
    browser.click("#create-dev").await;
    wait_for_change(&browser, "function:/hello", "new").await;
    let (_, list) = stack
        .emulator_get(&format!("/v1/Services/{service}/Environments"))
        .await;
    let environments = list["environments"].as_array().expect("environments");
    assert_eq!(environments.len(), 1, "{list}");
    assert_eq!(environments[0]["unique_name"], "dev");
    assert_eq!(environments[0]["domain_suffix"], "dev");
    browser.close().await;
}

/// While the environments cannot be listed (still loading, or failed), the page must not offer
/// to create dev: one click would have added it beside the service's real environments.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_environment_list_does_not_offer_to_create_dev() {
    let stack = start_stack().await;
    let browser = browser().await;
    let (service, [_prod]) = service_with(&stack, "has-prod", ["prod"]).await;
    browser.cdp("Network.enable", serde_json::json!({})).await;
    browser
        .cdp(
            "Network.setBlockedURLs",
            serde_json::json!({ "urls": ["*/Environments?PageSize*"] }),
        )
        .await;
    browser
        .open(&stack.relay_url, &format!("/services/{service}/deploy"))
        .await;
    browser.wait_for(".load-error").await;
    assert_eq!(browser.count("#create-dev").await, 0);
    browser
        .cdp("Network.setBlockedURLs", serde_json::json!({ "urls": [] }))
        .await;
    browser.click(".load-error .retry-load").await;
    browser.wait_for("#deploy-no-project").await;
    assert_eq!(browser.count("#create-dev").await, 0);
    browser.close().await;
}
