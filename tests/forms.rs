//! Forms that say what is wrong in time, in headless Chromium: input past a field's limit is kept
//! and said at the field, every field's problem at once; a picked file or folder is the one the
//! input holds, and one too large is refused when picked; a version path another function
//! already answers at is said before the upload.

mod support;

use serde_json::Value;
use support::{Browser, Stack, TempDir, browser, start_stack};

async fn texts(browser: &Browser, css: &str) -> Vec<String> {
    let script = "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent);";
    let found = browser
        .script(script, vec![Value::String(css.into())])
        .await;
    serde_json::from_value(found).expect("texts")
}

/// The names of the files the input `css` holds.
async fn held(browser: &Browser, css: &str) -> Vec<String> {
    let script = "return [...document.querySelector(arguments[0]).files].map(f => f.name);";
    let found = browser
        .script(script, vec![Value::String(css.into())])
        .await;
    serde_json::from_value(found).expect("file names")
}

fn temp_file(dir: &TempDir, name: &str, contents: &[u8]) -> std::path::PathBuf {
    let path = dir.0.join(name);
    std::fs::write(&path, contents).expect("write");
    path
}

/// A 60-character unique name used to become 50 without a word (`maxlength`), and the next
/// error was about another field; a 40-character domain suffix became 16, and the environment
/// was created at the cut domain. Now what is typed is kept, the length is said at the field
/// (as it is typed, past the first page), and every field's problem at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_past_a_limit_is_kept_and_every_problem_is_said_at_once() {
    let stack = start_stack().await;
    let browser = browser().await;
    browser.open(&stack.relay_url, "/services").await;
    let long = "a".repeat(60);
    browser
        .fill("#create-service input[name=UniqueName]", &long)
        .await;
    assert_eq!(
        browser
            .value("#create-service input[name=UniqueName]")
            .await,
        long,
        "the name was cut"
    );
    browser.click("#create-service button[type=submit]").await;
    browser
        .wait_for_text_containing("#create-service", "Friendly name is required")
        .await;
    let said = texts(&browser, "#create-service .field-error").await;
    assert_eq!(
        said,
        [
            "Unique name must be at most 50 characters long (60 now)",
            "Friendly name is required"
        ],
        "both fields' problems, each once"
    );
    assert!(
        browser
            .focused("#create-service input[name=UniqueName]")
            .await,
        "the first field to fix has the focus"
    );
    let (_, services) = stack.emulator_get("/v1/Services").await;
    assert_eq!(services["services"].as_array().map(Vec::len), Some(0));

    // The environment form: the suffix is kept whole, said at the field, and nothing is created.
    let sid = stack.service("limits").await;
    browser
        .open(&stack.relay_url, &format!("/services/{sid}/environments"))
        .await;
    let suffix = "s".repeat(40);
    browser
        .fill("#create-environment input[name=UniqueName]", "stage")
        .await;
    browser
        .fill("#create-environment input[name=DomainSuffix]", &suffix)
        .await;
    assert_eq!(
        browser
            .value("#create-environment input[name=DomainSuffix]")
            .await,
        suffix
    );
    // Said at the field as it is typed, before any submit (on the forms past the first page).
    browser
        .wait_for_text_containing(
            "#create-environment .field-error",
            "Domain suffix must be at most 16 characters long (40 now)",
        )
        .await;
    assert_eq!(
        browser
            .count("#create-environment [aria-invalid=true]")
            .await,
        1
    );
    browser
        .click("#create-environment button[type=submit]")
        .await;
    browser
        .wait_for_focus("#create-environment input[name=DomainSuffix]")
        .await;
    let (_, environments) = stack
        .emulator_get(&format!("/v1/Services/{sid}/Environments"))
        .await;
    assert_eq!(
        environments["environments"].as_array().map(Vec::len),
        Some(0),
        "created at a cut domain: {environments}"
    );
    browser.close().await;
}

/// After a pick, the drop zone named the file while the input beside it said "No file chosen"
/// (it was emptied); a dropped file left it empty too. The same on the Deploy page's folder
/// picker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_picked_file_or_folder_is_the_one_the_input_holds() {
    let stack = start_stack().await;
    let sid = stack.service("pickers").await;
    let function = stack.function(&sid, "hello").await;
    let dir = TempDir::new();
    let picked = temp_file(&dir, "hello.js", b"exports.handler = () => {};");
    let dropped = temp_file(&dir, "dropped.js", b"exports.handler = () => {};");
    let browser = browser().await;
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{sid}/functions/{function}"),
        )
        .await;
    let input = "#upload-version input[type=file]";
    browser
        .wait_for(input)
        .await
        .send_keys(&picked.display().to_string())
        .await
        .expect("pick");
    browser
        .wait_for_text_containing("#upload-version .dropzone label", "hello.js")
        .await;
    assert_eq!(held(&browser, input).await, ["hello.js"]);

    browser
        .drop_folder("#upload-version .dropzone", &dropped)
        .await;
    browser
        .wait_for_text_containing("#upload-version .dropzone label", "dropped.js")
        .await;
    assert_eq!(held(&browser, input).await, ["dropped.js"]);

    // The Deploy page: a picked folder, then a dropped one.
    let project = TempDir::new();
    std::fs::create_dir_all(project.0.join("functions")).expect("functions/");
    temp_file(&project, "functions/hi.js", b"exports.handler = () => {};");
    temp_file(&project, "package.json", b"{\"dependencies\": {}}");
    browser
        .open(&stack.relay_url, &format!("/services/{sid}/deploy"))
        .await;
    browser
        .wait_for("#project-folder")
        .await
        .send_keys(&project.0.display().to_string())
        .await
        .expect("pick the folder");
    browser.wait_for("#picked-project").await;
    let mut names = held(&browser, "#project-folder").await;
    names.sort();
    assert_eq!(
        names,
        ["hi.js", "package.json"],
        "the folder input holds the pick"
    );

    let other = TempDir::new();
    std::fs::create_dir_all(other.0.join("assets")).expect("assets/");
    temp_file(&other, "assets/a.css", b"body {}");
    browser.drop_folder("#project-drop", &other.0).await;
    browser
        .wait_for_text_containing("#picked-project", "(1 file)")
        .await;
    assert_eq!(
        held(&browser, "#project-folder").await,
        ["a.css"],
        "the folder input holds the dropped folder's files"
    );
    browser.close().await;
}

/// A file over the limit was refused only after Upload was pressed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_over_the_limit_is_refused_when_picked() {
    let stack = start_stack().await;
    let sid = stack.service("big-files").await;
    let asset = stack.asset(&sid, "data").await;
    let dir = TempDir::new();
    let big = temp_file(&dir, "data.private.json", &vec![b' '; 11 * 1024 * 1024]);
    let browser = browser().await;
    browser
        .open(&stack.relay_url, &format!("/services/{sid}/assets/{asset}"))
        .await;
    browser
        .wait_for("#upload-version input[type=file]")
        .await
        .send_keys(&big.display().to_string())
        .await
        .expect("pick");
    browser
        .wait_for_text_containing(
            "#upload-version .field-error",
            "data.private.json is 11.0 MB; private files may be at most 10.0 MB",
        )
        .await;
    assert!(
        browser.focused("#upload-version input[name=Content]").await,
        "the picker has the focus, to pick another file"
    );
    browser.close().await;
}

/// A version at a path another function already answers at was uploaded without a word; only
/// the build composer objected later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_path_another_function_uses_is_said_before_the_upload() {
    let stack = start_stack().await;
    let (sid, functions, hello) = hello_is_taken(&stack, "paths").await;
    let dir = TempDir::new();
    let file = temp_file(&dir, "hello.js", b"exports.handler = () => {};");
    let browser = browser().await;
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{sid}/functions/{hello}"),
        )
        .await;
    browser.wait_for("#versions-empty").await;
    browser
        .wait_for("#upload-version input[type=file]")
        .await
        .send_keys(&file.display().to_string())
        .await
        .expect("pick");
    assert_eq!(
        browser.value("#upload-version input[name=Path]").await,
        "/hello"
    );
    let versions = format!("{functions}/{hello}/Versions");
    let upload = "#upload-version button[type=submit]";
    let sent = "#versions-table tbody tr[data-sid]";
    clash_said_once(
        &browser,
        &stack,
        ("#upload-version", upload),
        &versions,
        sent,
    )
    .await;
    browser.close().await;
}

/// The editor saved a version at a path another function answers at without a word, where the
/// upload form says so first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_path_another_function_uses_is_said_before_the_editor_saves() {
    let stack = start_stack().await;
    let (sid, functions, hello) = hello_is_taken(&stack, "editor-paths").await;
    let browser = browser().await;
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{sid}/functions/{hello}?edit=new"),
        )
        .await;
    browser.wait_for("#editor textarea").await;
    // A first version's path starts from the function's name: the other function's path.
    assert_eq!(browser.value("#editor input[name=Path]").await, "/hello");
    let versions = format!("{functions}/{hello}/Versions");
    let save = ("#editor", "#editor .save-version");
    clash_said_once(&browser, &stack, save, &versions, "#saved-version").await;
    browser.close().await;
}

/// A service named `name` where the function greeting answers at /hello, and hello, a function
/// with no version yet: its service, its Functions path and hello's SID.
async fn hello_is_taken(stack: &Stack, name: &str) -> (String, String, String) {
    let sid = stack.service(name).await;
    let functions = format!("/v1/Services/{sid}/Functions");
    let greeting = stack
        .create(&functions, &[("FriendlyName", "greeting")])
        .await;
    stack
        .version(
            &format!("{functions}/{greeting}"),
            "exports.handler = () => {};",
            "/hello",
            "public",
        )
        .await;
    let hello = stack.create(&functions, &[("FriendlyName", "hello")]).await;
    (sid, functions, hello)
}

/// Sending `form` with its `submit` button says the clash with greeting's `/hello` at the
/// field and sends nothing; sending again sends it (said once, as every path check is), and
/// `sent` shows.
async fn clash_said_once(
    browser: &Browser,
    stack: &Stack,
    (form, submit): (&str, &str),
    versions: &str,
    sent: &str,
) {
    browser.click(submit).await;
    browser
        .wait_for_text_containing(
            &format!("{form} .field-error"),
            "/hello is already the path of the function greeting",
        )
        .await;
    let (_, list) = stack.emulator_get(versions).await;
    assert_eq!(
        list["function_versions"].as_array().map(Vec::len),
        Some(0),
        "sent before it was said: {list}"
    );
    browser.click(submit).await;
    browser.wait_for(sent).await;
    let (_, list) = stack.emulator_get(versions).await;
    assert_eq!(list["function_versions"].as_array().map(Vec::len), Some(1));
}
