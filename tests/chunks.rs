//! The console split into per-page wasm chunks (xtask/src/split.rs), in headless Chromium: a first
//! visit to the Services list fetches no page's chunk, other pages fetch theirs when opened, and a
//! chunk that fails to arrive is an error with a retry instead of a dead console.

mod support;

use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use std::path::{Path, PathBuf};
use support::steps::copy_dir;
use support::{Stack, TempDir, browser, start_stack, start_stack_with};

/// Every URL path the page has fetched so far.
async fn fetched(browser: &support::Browser) -> Vec<String> {
    let paths = browser
        .client
        .execute(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname);",
            vec![],
        )
        .await
        .expect("resource timing");
    serde_json::from_value(paths).expect("paths")
}

fn chunks(paths: &[String]) -> Vec<&String> {
    paths
        .iter()
        .filter(|p| p.contains("/chunks-") && p.ends_with(".wasm"))
        .collect()
}

/// A relay serving its own copy of the console build, so a test can take files away.
async fn stack_on_a_copy(copy: &Path) -> Stack {
    copy_dir(&support::dist(), copy);
    let dist = copy.to_path_buf();
    start_stack_with(move |config| config.dist = dist).await
}

async fn service(stack: &Stack) -> String {
    stack
        .create(
            "/v1/Services",
            &[("UniqueName", "split"), ("FriendlyName", "Split")],
        )
        .await
}

fn chunks_folder(dist: &Path) -> PathBuf {
    std::fs::read_dir(dist)
        .expect("read dist")
        .map(|e| e.expect("entry").path())
        .find(|p| p.is_dir() && p.to_string_lossy().contains("chunks-"))
        .expect("a chunks folder")
}

/// The deploy page's chunk files (and their precompressed copies), which no other page needs.
fn deploy_chunk_files(dist: &Path) -> Vec<PathBuf> {
    let folder = chunks_folder(dist);
    let files: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("read chunks")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("split_deploy"))
        })
        .collect();
    assert!(!files.is_empty(), "no split_deploy chunk in the build");
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_services_list_loads_no_page_chunk_and_a_service_loads_its_own() {
    let copy = TempDir::new();
    let stack = stack_on_a_copy(&copy.0).await;
    let sid = service(&stack).await;
    let browser = browser().await;

    browser.open(&stack.relay_url, "/services").await;
    browser.wait_for("#services-table tbody tr[data-sid]").await;
    let first = fetched(&browser).await;
    assert!(
        first.iter().any(|p| p.ends_with("/loader.js")),
        "the chunk loader comes with the main module: {first:?}"
    );
    assert_eq!(
        chunks(&first),
        Vec::<&String>::new(),
        "fetched for the list"
    );
    assert_eq!(
        browser
            .count("link[rel=modulepreload][href*='/chunks-'][href$='/loader.js']")
            .await,
        1,
        "index.html preloads the loader beside the main module"
    );

    browser.click(&format!("tr[data-sid=\"{sid}\"] a")).await;
    browser.wait_for("#service-settings").await;
    let after = fetched(&browser).await;
    assert!(
        chunks(&after).iter().any(|p| p.contains("/split_service")),
        "the service pages' chunk: {after:?}"
    );
    assert!(
        !chunks(&after).iter().any(|p| p.contains("/split_code")),
        "a function page's chunk before any function page: {after:?}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunk_that_fails_to_arrive_is_an_error_with_a_retry() {
    let copy = TempDir::new();
    let stack = stack_on_a_copy(&copy.0).await;
    let sid = service(&stack).await;
    let hidden = TempDir::new();
    let moved: Vec<(PathBuf, PathBuf)> = deploy_chunk_files(&copy.0)
        .into_iter()
        .map(|file| {
            let away = hidden.0.join(file.file_name().expect("name"));
            std::fs::rename(&file, &away).expect("hide the chunk");
            (file, away)
        })
        .collect();

    let browser = browser().await;
    browser
        .open(&stack.relay_url, &format!("/services/{sid}"))
        .await;
    browser.wait_for("#service-settings").await;
    // In-app navigation, as a user would: the console is running when the chunk fails.
    browser.click("nav.tabs a[href$=\"/deploy\"]").await;
    let error = browser.wait_for("#chunk-error").await;
    assert!(
        error
            .text()
            .await
            .expect("text")
            .contains("could not be loaded"),
        "the error says what failed"
    );
    assert_eq!(
        browser.count("nav.tabs a").await,
        6,
        "the service's navigation stays"
    );

    for (file, away) in &moved {
        std::fs::rename(away, file).expect("restore the chunk");
    }
    browser.click("#chunk-error button").await;
    browser.wait_for("section.deploy #project-drop").await;
    assert_eq!(browser.count("#chunk-error").await, 0);

    // The console still works after the failure: another page loads normally.
    browser.click("nav.tabs a[href$=\"/builds\"]").await;
    browser.wait_for("#builds-empty, #builds-table").await;
    browser.close().await;
}

/// After a redeploy the tab's build is gone from the server: retrying cannot help, so the error
/// says what happened and offers a reload instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tab_older_than_the_build_on_the_server_is_told_to_reload() {
    let copy = TempDir::new();
    let stack = stack_on_a_copy(&copy.0).await;
    let sid = service(&stack).await;
    let browser = browser().await;
    browser
        .open(&stack.relay_url, &format!("/services/{sid}"))
        .await;
    browser.wait_for("#service-settings").await;

    // A new build replaces this one: its main module and chunks are gone.
    let replaced = TempDir::new();
    let folder = chunks_folder(&copy.0);
    std::fs::rename(&folder, replaced.0.join("chunks")).expect("remove the chunks");
    for entry in std::fs::read_dir(&copy.0).expect("read dist") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if name.starts_with("switchboard-console-") {
            std::fs::rename(&path, replaced.0.join(&name)).expect("remove the main module");
        }
    }

    browser.click("nav.tabs a[href$=\"/deploy\"]").await;
    browser
        .wait_for_text(
            "#chunk-error strong",
            "Switchboard was updated since this tab was opened.",
        )
        .await;
    assert_eq!(browser.text("#chunk-error button").await, "Reload");
    browser.close().await;
}

/// Pointing at the services list fetches the service pages' chunk, so the click finds it there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pointing_at_a_service_fetches_its_pages_before_the_click() {
    let stack = start_stack().await;
    let sid = service(&stack).await;
    let browser = browser().await;
    browser.open(&stack.relay_url, "/services").await;
    let link = browser.wait_for(&format!("tr[data-sid=\"{sid}\"] a")).await;
    assert_eq!(chunks(&fetched(&browser).await), Vec::<&String>::new());

    let hover = MouseActions::new("mouse".into()).then(PointerAction::MoveToElement {
        element: link,
        duration: None,
        x: 0,
        y: 0,
    });
    browser.client.perform_actions(hover).await.expect("hover");
    let mut paths = Vec::new();
    for _ in 0..100 {
        paths = fetched(&browser).await;
        if chunks(&paths).iter().any(|p| p.contains("/split_service")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        chunks(&paths).iter().any(|p| p.contains("/split_service")),
        "no prefetch: {paths:?}"
    );
    let url = browser.client.current_url().await.expect("url");
    assert!(
        url.path().ends_with("/services"),
        "still on the list: {url}"
    );

    browser.click(&format!("tr[data-sid=\"{sid}\"] a")).await;
    browser.wait_for("#service-settings").await;
    let after = fetched(&browser).await;
    let service_fetches = after
        .iter()
        .filter(|p| p.contains("/split_service"))
        .count();
    assert_eq!(service_fetches, 1, "the click fetched it again: {after:?}");
    browser.close().await;
}

/// A deep link to a page outside the service layout's chunk fetches both chunks at once, not
/// the page's only after the layout's has arrived.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deep_link_fetches_the_layout_and_the_page_chunks_together() {
    let stack = start_stack().await;
    let sid = service(&stack).await;
    let browser = browser().await;
    browser
        .open(&stack.relay_url, &format!("/services/{sid}/deploy"))
        .await;
    browser.wait_for("section.deploy #project-drop").await;
    let timing = browser
        .client
        .execute(
            "const at = (name) => performance.getEntriesByType('resource')\
                 .find(e => new URL(e.name).pathname.endsWith(name));\
             return [at('/split_deploy.wasm').startTime, at('/split_service.wasm').responseEnd];",
            vec![],
        )
        .await
        .expect("resource timing");
    let (deploy_start, service_end) = (timing[0].as_f64().unwrap(), timing[1].as_f64().unwrap());
    assert!(
        deploy_start <= service_end,
        "the deploy chunk was asked for at {deploy_start} ms, after the layout's arrived at {service_end} ms"
    );
    browser.close().await;
}

/// The service layout comes from a chunk but stays on screen, the same DOM, while its service is
/// renamed (which refetches it) and while its tabs change pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_layout_stays_in_place_across_a_rename_and_tab_changes() {
    let stack = start_stack().await;
    let sid = service(&stack).await;
    let browser = browser().await;
    browser
        .open(&stack.relay_url, &format!("/services/{sid}"))
        .await;
    browser.wait_for("#service-settings").await;
    browser
        .client
        .execute(
            "window.__tabs = document.querySelector('nav.tabs'); window.__tabsRemoved = false;\
             new MutationObserver(records => { for (const r of records) for (const n of r.removedNodes)\
                 if (n === window.__tabs || (n.contains && n.contains(window.__tabs))) window.__tabsRemoved = true; })\
                 .observe(document.querySelector('main'), { subtree: true, childList: true });\
             return null;",
            vec![],
        )
        .await
        .expect("observer");

    browser
        .fill("#service-settings input[name=FriendlyName]", "Renamed")
        .await;
    browser.click("#service-settings button[type=submit]").await;
    browser.wait_for("#service-settings .saved").await;
    let mut breadcrumb = String::new();
    for _ in 0..100 {
        breadcrumb = browser.text(".breadcrumbs").await;
        if breadcrumb.contains("Renamed") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(breadcrumb.contains("Renamed"), "{breadcrumb}");
    browser.click("nav.tabs a[href$=\"/builds\"]").await;
    browser.wait_for("#builds-empty, #builds-table").await;
    browser.click("nav.tabs a[href$=\"/environments\"]").await;
    browser
        .wait_for("#environments-table, #environments-empty")
        .await;

    let kept = browser
        .client
        .execute(
            "return !window.__tabsRemoved && document.querySelector('nav.tabs') === window.__tabs;",
            vec![],
        )
        .await
        .expect("check");
    assert_eq!(
        kept,
        serde_json::Value::Bool(true),
        "the layout was re-rendered"
    );
    browser.close().await;
}
