//! The console hosted elsewhere than at its relay's root: `dist/` under `/sb/` on a plain static
//! host that calls a relay on another origin (config.json, CORS), inside a portal's frame, and,
//! without config.json, the console as it always was.

mod support;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use fantoccini::Locator;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::Browser;
use switchboard::RelayConfig;
use switchboard::csp::{Deployment, content_security_policy, inline_script_hashes};
use switchboard_emulator::Seed;
use tower_http::services::{ServeDir, ServeFile};

/// The emulator with the demo service, and a relay in front of it configured by `configure`.
/// The stack is returned to keep it running.
async fn demo_relay(configure: impl FnOnce(&mut RelayConfig)) -> (SocketAddr, support::Stack) {
    let stack = support::start_seeded_stack(Some(Seed::Demo), configure).await;
    let relay = stack
        .relay_url
        .trim_start_matches("http://")
        .parse()
        .expect("relay address");
    (relay, stack)
}

async fn bind() -> tokio::net::TcpListener {
    tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()
}

/// A listener for another origin than the relay's, and that origin, for the relay to name.
async fn bind_origin() -> (tokio::net::TcpListener, String) {
    let listener = bind().await;
    let origin = format!("http://{}", listener.local_addr().unwrap());
    (listener, origin)
}

fn serve_on(listener: tokio::net::TcpListener, router: Router) -> SocketAddr {
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

/// Every path a static host was asked for, in order.
type Requests = Arc<Mutex<Vec<String>>>;

/// A plain static host, as docs/hosting/ configures nginx or Caddy: `dist/` under `prefix`
/// (`/sb`, or `""` for the site's root) with the SPA fallback to its index.html, `config.json`
/// beside it when given, nothing elsewhere, and on every answer the Content-Security-Policy
/// `switchboard csp` prints for that deployment. It logs the path of every request.
fn static_host(
    listener: tokio::net::TcpListener,
    dist: &Path,
    prefix: &str,
    config_json: Option<String>,
    api_origin: Option<String>,
) -> (SocketAddr, Requests) {
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap();
    let deployment = Deployment {
        api_origin,
        frame_ancestors: Vec::new(),
    };
    let csp = content_security_policy(&inline_script_hashes(&index), &deployment);
    let csp = HeaderValue::from_str(&csp).unwrap();
    let files = ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html")));
    let mut console = Router::new();
    if let Some(config) = config_json {
        console = console.route(
            "/config.json",
            axum::routing::get(move || async move {
                ([(header::CONTENT_TYPE, "application/json")], config)
            }),
        );
    }
    let console = console.fallback_service(files);
    let site = if prefix.is_empty() {
        console
    } else {
        Router::new().nest_service(prefix, console)
    };
    let requests = Requests::default();
    let log = requests.clone();
    let site = site
        .layer(axum::middleware::map_request(
            move |request: axum::extract::Request| {
                log.lock().unwrap().push(request.uri().path().to_owned());
                async move { request }
            },
        ))
        .layer(axum::middleware::map_response(
            move |mut response: Response| {
                let csp = csp.clone();
                async move {
                    response
                        .headers_mut()
                        .insert(header::CONTENT_SECURITY_POLICY, csp);
                    response
                }
            },
        ));
    (serve_on(listener, site), requests)
}

/// Waits (up to 15 s) for a link whose text is `text`: pages in other chunks load lazily.
async fn link(browser: &Browser, text: &str) -> fantoccini::elements::Element {
    let found = browser.wait_for_located(Locator::LinkText(text)).await;
    found.unwrap_or_else(|e| panic!("no link {text:?}: {e}"))
}

async fn path_of(browser: &Browser) -> String {
    let url = browser.client.current_url().await.expect("url");
    url.path().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dist_under_a_sub_path_calls_a_relay_on_another_origin() {
    // The static host's address comes first: the relay names its origin.
    let (host_listener, console_origin) = bind_origin().await;
    let (relay, _emulator) =
        demo_relay(|config| config.allow_origin = vec![console_origin.clone()]).await;
    let relay_origin = format!("http://{relay}");
    let config = serde_json::json!({
        "apiBaseUrl": format!("{relay_origin}/api"),
        "displayName": "Acme staging",
    });
    let (host, _) = static_host(
        host_listener,
        &support::dist(),
        "/sb",
        Some(config.to_string()),
        Some(relay_origin),
    );

    let browser = support::browser().await;
    browser.goto(&format!("http://{host}/sb/")).await;
    let service = browser.wait_for("#services-table a").await;
    assert_eq!(service.text().await.unwrap(), "Demo Hotline");
    let href = service.attr("href").await.unwrap().unwrap_or_default();
    assert!(href.starts_with("/sb/services/ZS"), "{href}");
    assert_eq!(path_of(&browser).await, "/sb/services");
    assert_eq!(browser.text("#deployment").await, "Acme staging");
    let title = browser.script("return document.title;", vec![]).await;
    assert!(
        title.as_str().unwrap().ends_with(" · Acme staging"),
        "{title}"
    );

    // Through the console's own links, then a reload of the deep link it reached.
    service.click().await.unwrap();
    link(&browser, "Environments").await.click().await.unwrap();
    browser.click("#environments-table tbody a").await;
    browser.wait_for("#add-variable").await;
    let deep = path_of(&browser).await;
    assert!(
        deep.starts_with("/sb/services/ZS") && deep.contains("/environments/ZE"),
        "{deep}"
    );
    browser.client.refresh().await.unwrap();
    browser.wait_for("#variables-table").await;
    assert_eq!(path_of(&browser).await, deep);

    // A write, across origins: CORS lets the CSRF header through and the relay lets it in.
    browser
        .fill("#add-variable input[name=Key]", "HOSTED_ELSEWHERE")
        .await;
    browser.fill("#add-variable input[name=Value]", "yes").await;
    browser.click("#add-variable button[type=submit]").await;
    browser
        .wait_for("#variables-table tr[data-key=HOSTED_ELSEWHERE]")
        .await;

    // A deep link opened fresh, as from a bookmark.
    let services = deep.split("/environments/").next().unwrap().to_owned();
    browser
        .goto(&format!("http://{host}{services}/environments"))
        .await;
    browser.wait_for("#environments-table tbody a").await;
    browser.close().await;
}

/// A cold deep link asks for nothing but the page, config.json and files of the build, at a
/// site's root as under `/sb/`. Chromium's preload scanner reads index.html's links before its
/// first script has set the `<base>`, and relative URLs there were fetched below the deep link's
/// path (`/services/main-….css`, `/services/chunks-…/loader.js`): five wasted requests, each
/// answered with index.html by the SPA fallback.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deep_link_asks_for_nothing_outside_the_build() {
    let dist = support::dist();
    for prefix in ["", "/sb"] {
        let (listener, console_origin) = bind_origin().await;
        let (relay, _emulator) =
            demo_relay(|config| config.allow_origin = vec![console_origin.clone()]).await;
        let relay_origin = format!("http://{relay}");
        let deep = an_environment_page(&relay_origin).await;
        let config = serde_json::json!({ "apiBaseUrl": format!("{relay_origin}/api") });
        let (host, requests) = static_host(
            listener,
            &dist,
            prefix,
            Some(config.to_string()),
            Some(relay_origin),
        );

        let browser = support::browser().await;
        let page = format!("{prefix}{deep}");
        browser.goto(&format!("http://{host}{page}")).await;
        browser.wait_for("#variables-table").await;
        // The browser's own account too, in case a request was answered from its cache.
        let seen = browser
            .script(
                "return performance.getEntriesByType('resource')\
                 .filter(e => e.name.startsWith(location.origin))\
                 .map(e => new URL(e.name).pathname);",
                vec![],
            )
            .await;
        browser.close().await;
        let seen: Vec<String> = serde_json::from_value(seen).unwrap();
        let asked = requests.lock().unwrap().clone();
        let config_json = format!("{prefix}/config.json");
        let strays: std::collections::BTreeSet<&String> = asked
            .iter()
            .chain(&seen)
            .filter(|path| **path != page && **path != config_json)
            .filter(|path| {
                let file = path.strip_prefix(&format!("{prefix}/"));
                !file.is_some_and(|file| dist.join(file).is_file())
            })
            .collect();
        assert!(
            strays.is_empty(),
            "under {prefix:?}, {page} asked for paths that are not files of dist/: {strays:?} (all: {asked:?})"
        );
        assert!(
            asked.iter().any(|path| path.ends_with(".wasm")),
            "the log missed the wasm: {asked:?}"
        );
    }
}

/// The path of the demo service's first environment page, `/services/ZS…/environments/ZE…`.
async fn an_environment_page(relay_origin: &str) -> String {
    let get = |path: String| async move {
        let response = reqwest::get(format!("{relay_origin}/api/serverless/v1/{path}"))
            .await
            .expect("the relay");
        assert!(response.status().is_success(), "{path}: {response:?}");
        response.json::<serde_json::Value>().await.expect("json")
    };
    let services = get("Services".into()).await;
    let service = services["services"][0]["sid"].as_str().expect("a service");
    let environments = get(format!("Services/{service}/Environments")).await;
    let environment = environments["environments"][0]["sid"]
        .as_str()
        .expect("an environment");
    format!("/services/{service}/environments/{environment}")
}

/// A config.json that is there but wrong stops the console with a message that names what is
/// wrong, rather than letting it call another API than the one meant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_config_json_is_reported_not_guessed_around() {
    let browser = support::browser().await;
    for (config, named) in [
        (
            r#"{"apiBaseURL": "https://relay.example.com/api"}"#,
            "apiBaseURL",
        ),
        (
            r#"{"apiBaseUrl": "relay.example.com/api"}"#,
            "relay.example.com/api",
        ),
        (
            r#"{"apiBaseUrl": "//relay.example.com/api"}"#,
            "//relay.example.com/api",
        ),
        (
            r#"{"apiBaseUrl": "javascript:alert(1)"}"#,
            "javascript:alert(1)",
        ),
        (r#"{"displayName": ["Acme"]}"#, "displayName"),
        (r#"["https://relay.example.com/api"]"#, "not a JSON object"),
        ("apiBaseUrl: /api", "SyntaxError"),
    ] {
        let (host, _) = static_host(
            bind().await,
            &support::dist(),
            "/sb",
            Some(config.to_owned()),
            None,
        );
        browser.goto(&format!("http://{host}/sb/services")).await;
        let mut text = String::new();
        for _ in 0..150 {
            text = browser
                .script("return document.body.innerText;", vec![])
                .await
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if text.contains("config.json") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            text.contains("config.json is not valid"),
            "{config}: {text}"
        );
        assert!(
            text.contains(named),
            "{config}: what is wrong is named: {text}"
        );
        assert_eq!(
            browser.count(".topbar").await,
            0,
            "{config}: the console started"
        );
    }
    browser.close().await;
}

/// A portal on a third origin frames the console: it renders when `--frame-ancestors` names the
/// portal, and the browser refuses to show it when it does not (the default).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portal_frames_the_console_only_when_named() {
    let (portal_listener, portal_origin) = bind_origin().await;
    let (allowed, _emulator) =
        demo_relay(|config| config.frame_ancestors = vec![portal_origin.clone()]).await;
    let (refused, _other) = demo_relay(|_| {}).await;
    let framed = std::sync::Arc::new(std::sync::Mutex::new(format!("http://{allowed}/services")));
    let page = framed.clone();
    let router = Router::new().route(
        "/",
        axum::routing::get(move || {
            let src = page.lock().unwrap().clone();
            async move {
                axum::response::Html(format!(
                    "<!DOCTYPE html><html><body><h1 id=\"portal\">Portal</h1>\
                     <iframe id=\"console\" src=\"{src}\" width=\"1200\" height=\"800\"></iframe>\
                     </body></html>"
                ))
            }
        }),
    );
    let portal = serve_on(portal_listener, router);

    let browser = support::browser().await;
    enter_portal(&browser, portal, Duration::ZERO).await;
    let service = browser.wait_for("#services-table a").await;
    assert_eq!(service.text().await.unwrap(), "Demo Hotline");
    browser.client.clone().enter_parent_frame().await.unwrap();

    *framed.lock().unwrap() = format!("http://{refused}/services");
    // Long enough for the console to have rendered, had the browser let it load.
    enter_portal(&browser, portal, Duration::from_secs(3)).await;
    let shown = browser.count("#services-table, .topbar").await;
    assert_eq!(
        shown, 0,
        "the console rendered inside a portal nobody named"
    );
    browser.client.clone().enter_parent_frame().await.unwrap();
    browser.close().await;
}

/// Served by the relay at the root without config.json, everything is where it always was: the
/// product's name, `/api` on the same origin, and a not-found page for a deep unknown address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_config_json_the_console_is_as_before() {
    let (relay, _emulator) = demo_relay(|_| {}).await;
    let browser = support::browser().await;
    // First thing in a new profile: nothing remembered says where the console is.
    browser
        .goto(&format!("http://{relay}/nowhere/deeper/still"))
        .await;
    link(&browser, "Go to your services").await;
    browser.goto(&format!("http://{relay}/")).await;
    let service = browser.wait_for("#services-table a").await;
    let href = service.attr("href").await.unwrap().unwrap_or_default();
    assert!(href.starts_with("/services/ZS"), "{href}");
    assert_eq!(path_of(&browser).await, "/services");
    assert_eq!(browser.count("#deployment").await, 0);
    let title = browser.script("return document.title;", vec![]).await;
    assert!(
        title.as_str().unwrap().ends_with(" · Switchboard"),
        "{title}"
    );
    browser.close().await;
}

/// Under a sub-path, leptos_router's own `<A>` leaves `/services/…` as it is, out of the
/// console, and the address bar's path includes the base, which `navigate` adds again: pages
/// link with `routing::A` and read the path with `routing::use_path`. New pages must too.
#[test]
fn pages_link_and_read_paths_under_the_base() {
    let mut offenders = Vec::new();
    let mut pending = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.ends_with("routing.rs") || path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let squeezed: String = text.split_whitespace().collect();
            let leptos_link = squeezed.contains("leptos_router::components::A;")
                || squeezed.contains("leptos_router::components::A>")
                || squeezed.contains("leptos_router::components::{A,")
                || squeezed.contains(",A}") && squeezed.contains("leptos_router::components::{");
            let raw_path = squeezed.contains("use_location().pathname")
                || squeezed.contains("location.pathname");
            if leptos_link || raw_path {
                offenders.push(path.display().to_string());
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "use routing::A and routing::use_path in {offenders:?}"
    );
}

/// Opens the portal's page and, `settle` later, enters its frame.
async fn enter_portal(browser: &Browser, portal: SocketAddr, settle: Duration) {
    browser.goto(&format!("http://{portal}/")).await;
    browser.wait_for("#portal").await;
    tokio::time::sleep(settle).await;
    browser
        .client
        .clone()
        .enter_frame(Some(0))
        .await
        .expect("the frame");
}
