//! Services, environments, variables, functions and assets in headless Chromium: create, rename
//! and delete of each; uploads; source view and diff; masked variables; deep links.

mod support;

use support::{Browser, Stack, browser, start_stack};

/// The Enter and Escape keys, as WebDriver spells them.
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";
/// Control (held for the rest of a `send_keys`) and the key that releases it.
const CONTROL: &str = "\u{E009}";
const NULL_KEY: &str = "\u{E000}";
const BACKSPACE: &str = "\u{E003}";

/// `opened` has the focus; Escape closes it and the focus goes back to `opener`.
async fn escape_returns_focus(browser: &Browser, opened: &str, opener: &str) {
    browser.wait_for_focus(opened).await;
    browser.press(ESCAPE).await;
    browser.wait_for_focus(opener).await;
}

/// Waits until nothing matches `css`.
async fn wait_gone(browser: &Browser, css: &str) {
    for _ in 0..150 {
        if browser.count(css).await == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{css} is still there");
}

/// Reveals a variable until it shows `value`: the list re-renders after a save, which can hide
/// a value revealed a moment before.
async fn reveal_until(browser: &Browser, key: &str, value: &str) {
    let css = format!("tr[data-key={key}] .variable-value");
    for _ in 0..50 {
        if let Ok(element) = browser.client.find(fantoccini::Locator::Css(&css)).await
            && let Ok(shown) = element.text().await
        {
            if shown.contains(value) {
                return;
            }
            if shown.chars().all(|c| c == '•') {
                browser.click(&format!("tr[data-key={key}] .reveal")).await;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("{key} never showed {value:?}");
}

/// Picks `file` in the upload form, sends it, and waits for the versions table to hold `rows`.
async fn upload_version(browser: &Browser, file: &std::path::Path, rows: usize) {
    browser
        .wait_for("#upload-version input[type=file]")
        .await
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    browser.click("#upload-version button[type=submit]").await;
    for _ in 0..100 {
        let shown = browser
            .client
            .find_all(fantoccini::Locator::Css(
                "#versions-table tbody tr[data-sid]",
            ))
            .await
            .unwrap();
        if shown.len() == rows {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the versions table never held {rows} rows");
}

fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "switchboard-upload-{}-{}",
        std::process::id(),
        name.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_and_delete_a_service() {
    let stack = start_stack().await;
    let sid = stack.service("rename-me").await;
    let browser = browser().await;
    browser.open(&stack.relay_url, "/services").await;
    browser
        .click(&format!("#services-table tr[data-sid='{sid}'] a"))
        .await;
    browser
        .fill(
            "#service-settings input[name=FriendlyName]",
            "Renamed Service",
        )
        .await;
    browser.click("#service-settings button[type=submit]").await;
    browser.wait_for("#service-settings .saved").await;
    browser
        .wait_for_text_containing(".breadcrumbs", "Renamed Service")
        .await;
    browser
        .wait_for_text_containing(".overview h1", "Renamed Service")
        .await;
    let (_, service) = stack.emulator_get(&format!("/v1/Services/{sid}")).await;
    assert_eq!(service["friendly_name"], "Renamed Service");

    // Renamed elsewhere while the page is open: saving a checkbox here sends only the checkbox,
    // and does not put the name the page shows back. It used to.
    let (status, _) = stack
        .emulator_post_form(
            &format!("/v1/Services/{sid}"),
            &[("FriendlyName", "Named Elsewhere")],
        )
        .await;
    assert_eq!(status, 200);
    let ui_editable = service["ui_editable"].as_bool().expect("ui_editable");
    browser
        .click("#service-settings input[name=UiEditable]")
        .await;
    browser.click("#service-settings button[type=submit]").await;
    browser
        .wait_for_text_containing(".overview h1", "Named Elsewhere")
        .await;
    let (_, service) = stack.emulator_get(&format!("/v1/Services/{sid}")).await;
    assert_eq!(service["friendly_name"], "Named Elsewhere");
    assert_eq!(service["ui_editable"], !ui_editable);
    // The form now shows the name as saved, so a second save does not put the old one back.
    assert_eq!(
        browser
            .value("#service-settings input[name=FriendlyName]")
            .await,
        "Named Elsewhere"
    );
    browser
        .click("#service-settings input[name=UiEditable]")
        .await;
    browser.click("#service-settings button[type=submit]").await;
    for _ in 0..50 {
        let (_, now) = stack.emulator_get(&format!("/v1/Services/{sid}")).await;
        if now["ui_editable"] == ui_editable {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (_, service) = stack.emulator_get(&format!("/v1/Services/{sid}")).await;
    assert_eq!(service["ui_editable"], ui_editable);
    assert_eq!(service["friendly_name"], "Named Elsewhere");

    // The prompt takes the focus; Escape closes it and gives the focus back to its button.
    browser.click(".danger-zone button.danger").await;
    escape_returns_focus(&browser, ".confirm-input", ".danger-zone button.danger").await;
    browser.click(".danger-zone button.danger").await;
    let confirm = browser.wait_for(".confirm-button").await;
    assert!(
        !confirm.is_enabled().await.unwrap(),
        "disabled until the name is typed"
    );
    // Typing the name and pressing Enter confirms.
    browser.fill(".confirm-input", "rename-me").await;
    browser
        .wait_for(".confirm-input")
        .await
        .send_keys(ENTER)
        .await
        .expect("Enter");
    browser.wait_for("#services-empty").await;
    assert_eq!(
        stack.emulator_get(&format!("/v1/Services/{sid}")).await.0,
        404
    );
    // The deleted service's page left the history: Back goes to the list it was opened from.
    browser.client.back().await.expect("back");
    browser.wait_for("#services-empty").await;
    let path = browser.client.current_url().await.expect("url");
    assert_eq!(path.path(), "/services");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn environments_and_masked_variables() {
    let stack = start_stack().await;
    let service = stack.service("env-test").await;
    let browser = browser().await;
    create_staging_with_checked_suffixes(&stack, &browser, &service).await;
    add_a_masked_variable_then_set_it_again(&browser).await;
    edit_a_variable_with_the_keyboard(&browser).await;
    import_a_dotenv_file(&stack, &browser, &service).await;
    saving_one_variable_keeps_another_draft(&browser).await;
    a_key_given_twice_is_set_once(&browser).await;
    delete_a_variable_then_the_environment(&browser).await;
    browser.close().await;
}

/// Creates staging on the environments page: a bad suffix is said in the form's words and
/// the input kept, and a suffix staging already has is refused with its name. Opens staging.
async fn create_staging_with_checked_suffixes(stack: &Stack, browser: &Browser, service: &str) {
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{service}/environments"),
        )
        .await;
    browser.wait_for("#environments-empty").await;
    browser
        .fill("#create-environment input[name=UniqueName]", "staging")
        .await;
    browser
        .fill("#create-environment input[name=DomainSuffix]", "Stage!")
        .await;
    browser
        .click("#create-environment button[type=submit]")
        .await;
    let error = browser.text("#create-environment .field-error").await;
    // In the form's words: the label, not the API's parameter name.
    assert!(
        error.starts_with("Domain suffix may contain only"),
        "{error}"
    );
    assert_eq!(
        browser
            .value("#create-environment input[name=UniqueName]")
            .await,
        "staging"
    );
    browser
        .fill("#create-environment input[name=DomainSuffix]", "stage")
        .await;
    browser
        .click("#create-environment button[type=submit]")
        .await;
    browser.wait_for("#environments-table tbody a").await;
    // A suffix another environment has is refused with that environment's name (the API's 409
    // says only "UniqueName or DomainSuffix").
    browser
        .fill("#create-environment input[name=UniqueName]", "qa")
        .await;
    browser
        .fill("#create-environment input[name=DomainSuffix]", "stage")
        .await;
    browser
        .click("#create-environment button[type=submit]")
        .await;
    browser
        .wait_for_text_containing(
            "#create-environment label:has(input[name=DomainSuffix]) + .field-error",
            "staging already uses the domain suffix stage",
        )
        .await;
    browser
        .wait_for_focus("#create-environment input[name=DomainSuffix][aria-invalid=true]")
        .await;
    browser.click("#environments-table tbody a").await;
}

/// Adds API_SECRET, masked, then sets it again by key (an update, not a duplicate).
async fn add_a_masked_variable_then_set_it_again(browser: &Browser) {
    browser
        .fill("#add-variable input[name=Key]", "API_SECRET")
        .await;
    browser
        .fill("#add-variable input[name=Value]", "hunter2-value")
        .await;
    browser.click("#add-variable button[type=submit]").await;
    browser
        .wait_for("#variables-table tr[data-key=API_SECRET]")
        .await;
    // Ready for the next variable.
    browser
        .wait_for_focus("#add-variable input[name=Key]")
        .await;
    let masked = browser
        .text("tr[data-key=API_SECRET] .variable-value")
        .await;
    assert!(
        !masked.contains("hunter2"),
        "masked until revealed: {masked}"
    );
    // The mask does not tell the value's length.
    assert_eq!(masked, "••••••••");
    // Adding a key that is set updates it (like env:set) instead of failing as a duplicate.
    browser
        .fill("#add-variable input[name=Key]", "API_SECRET")
        .await;
    browser
        .wait_for_text_containing("#add-variable button[type=submit]", "Update variable")
        .await;
    browser
        .fill("#add-variable input[name=Value]", "hunter3-value")
        .await;
    browser.click("#add-variable button[type=submit]").await;
    browser
        .wait_for_text_containing("#add-variable button[type=submit]", "Add variable")
        .await;
    assert_eq!(browser.count("#add-variable .alert-error").await, 0);
    assert_eq!(browser.count("#variables-table tbody tr").await, 1);
    reveal_until(browser, "API_SECRET", "hunter3-value").await;
}

async fn edit_a_variable_with_the_keyboard(browser: &Browser) {
    browser.click("tr[data-key=API_SECRET] .edit").await;
    // Editing puts the focus in the value box; Escape backs out to Edit, Enter saves.
    escape_returns_focus(
        browser,
        "tr[data-key=API_SECRET] .variable-edit",
        "tr[data-key=API_SECRET] .edit",
    )
    .await;
    browser.click("tr[data-key=API_SECRET] .edit").await;
    browser
        .fill("tr[data-key=API_SECRET] .variable-edit", "changed-value")
        .await;
    browser
        .wait_for("tr[data-key=API_SECRET] .variable-edit")
        .await
        .send_keys(ENTER)
        .await
        .expect("Enter");
    // The saved row is rebuilt: the focus goes to its new Edit button, not to the page.
    browser
        .wait_for_focus("tr[data-key=API_SECRET] .edit")
        .await;
    reveal_until(browser, "API_SECRET", "changed-value").await;
}

/// Imports a .env file; the auth token and an empty value are left out, and said.
async fn import_a_dotenv_file(stack: &Stack, browser: &Browser, service: &str) {
    let dotenv = temp_file(
        ".env",
        b"# imported\nAPI_SECRET=from-file\nNEW_KEY=\"two words\"\nAUTH_TOKEN=local-only\nLATER=\n",
    );
    let input = browser.wait_for("#import-dotenv").await;
    input
        .send_keys(&dotenv.display().to_string())
        .await
        .unwrap();
    browser.click("#import-apply").await;
    browser
        .wait_for_text_containing(".import .saved", "1 created, 1 updated")
        .await;
    // As in a deploy, the auth token and the empty value are left out, and the outcome says so.
    browser
        .wait_for_text_containing(".import .saved", "AUTH_TOKEN: not uploaded")
        .await;
    browser
        .wait_for_text_containing(".import .saved", "LATER: not uploaded: the value is empty")
        .await;
    browser.wait_for("tr[data-key=NEW_KEY]").await;
    assert_eq!(browser.count("tr[data-key=AUTH_TOKEN]").await, 0);

    let environment_path = browser
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .to_owned();
    let environment = environment_path.rsplit('/').next().unwrap().to_owned();
    let values = stack.variables_of(service, &environment).await;
    assert!(
        values.contains(&("API_SECRET".into(), "from-file".into())),
        "{values:?}"
    );
    assert!(
        values.contains(&("NEW_KEY".into(), "two words".into())),
        "{values:?}"
    );
}

async fn saving_one_variable_keeps_another_draft(browser: &Browser) {
    // Saving one variable keeps what is being typed in another.
    browser.click("tr[data-key=NEW_KEY] .edit").await;
    browser
        .fill("tr[data-key=NEW_KEY] .variable-edit", "draft in progress")
        .await;
    browser.click("tr[data-key=API_SECRET] .edit").await;
    browser
        .fill("tr[data-key=API_SECRET] .variable-edit", "saved-again")
        .await;
    browser.click("tr[data-key=API_SECRET] .save").await;
    reveal_until(browser, "API_SECRET", "saved-again").await;
    assert_eq!(
        browser.value("tr[data-key=NEW_KEY] .variable-edit").await,
        "draft in progress"
    );
    browser.click("tr[data-key=NEW_KEY] .cancel").await;
}

async fn a_key_given_twice_is_set_once(browser: &Browser) {
    // A key given twice in a .env file is set once, to its last value, as dotenv does; a line
    // that is not KEY=value is skipped, as dotenv skips it, and said (it used to stop the import).
    let twice = temp_file(".env", b"TWICE=first\nnot a pair\nTWICE=second\n");
    let input = browser.wait_for("#import-dotenv").await;
    input.send_keys(&twice.display().to_string()).await.unwrap();
    browser
        .wait_for_text_containing("#import-skipped", "Line 2 is not imported: not KEY=value.")
        .await;
    browser.click("#import-apply").await;
    browser
        .wait_for_text_containing(".import .saved", "1 created, 0 updated")
        .await;
    browser
        .wait_for_text_containing(".import .saved", "Skipped line 2.")
        .await;
    reveal_until(browser, "TWICE", "second").await;
}

/// Deletes NEW_KEY (the focus moves to the next row), then the environment, which is said once.
async fn delete_a_variable_then_the_environment(browser: &Browser) {
    browser
        .click("tr[data-key=NEW_KEY] .confirm-delete button.danger")
        .await;
    browser
        .fill("tr[data-key=NEW_KEY] .confirm-input", "NEW_KEY")
        .await;
    browser.click("tr[data-key=NEW_KEY] .confirm-button").await;
    // The row that takes the deleted one's place has the focus.
    browser.wait_for_focus("tr[data-key=TWICE] .edit").await;
    for _ in 0..50 {
        if browser
            .client
            .find(fantoccini::Locator::Css("tr[data-key=NEW_KEY]"))
            .await
            .is_err()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css("tr[data-key=NEW_KEY]"))
            .await
            .is_err()
    );

    browser.delete_in_the_danger_zone("staging").await;
    browser.wait_for("#environments-empty").await;
    browser
        .wait_for_text("#deleted-note", "Deleted the environment staging.")
        .await;
    // Said once: the next list opened by a link does not repeat it.
    browser.click(".tabs a[href$='/functions']").await;
    browser.wait_for("#create-code").await;
    assert_eq!(browser.count("#deleted-note").await, 0);
}

/// Twilio applies variable changes to running functions at once: a `.env` import shows what it
/// would add, change and leave before sending anything, reads the file as dotenv does (a key
/// with a space and an unclosed quote are refused, not created or stored with the quote), and
/// refuses a file that is not text in one sentence. It used to send the file as soon as it was
/// picked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dotenv_import_is_previewed_before_anything_is_sent() {
    let stack = start_stack().await;
    let service = stack.service("import-preview").await;
    let environment = stack
        .create(
            &format!("/v1/Services/{service}/Environments"),
            &[("UniqueName", "staging"), ("DomainSuffix", "stage")],
        )
        .await;
    let variables = format!("/v1/Services/{service}/Environments/{environment}/Variables");
    stack
        .create(&variables, &[("Key", "EXISTING"), ("Value", "old")])
        .await;
    stack
        .create(&variables, &[("Key", "KEPT"), ("Value", "x")])
        .await;
    let before = stack.variables_of(&service, &environment).await;
    let browser = browser().await;
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{service}/environments/{environment}"),
        )
        .await;
    browser.wait_for("tr[data-key=KEPT]").await;
    // The dialect is said where the file is picked.
    browser
        .wait_for_text_containing("#import-dotenv-dialect", "as dotenv reads it")
        .await;

    a_picked_file_is_planned_and_nothing_is_sent(
        &stack,
        &browser,
        (&service, &environment),
        &before,
    )
    .await;
    the_import_sets_what_the_plan_said(&stack, &browser, (&service, &environment)).await;
    a_file_that_is_not_text_is_refused_in_one_sentence(&stack, &browser, (&service, &environment))
        .await;
    browser.close().await;
}

/// Picks a .env file: the plan says what it adds, changes and leaves, and which lines it
/// skips and why, and nothing is sent.
async fn a_picked_file_is_planned_and_nothing_is_sent(
    stack: &Stack,
    browser: &Browser,
    (service, environment): (&str, &str),
    before: &[(String, String)],
) {
    let file = temp_file(
        "preview.env",
        b"# a comment\nEXISTING=new\nADDED=\"two words\"\nKEY WITH SPACE=1\nQUOTED=\"unterminated\nexport EXPORTED='single # kept'\n",
    );
    browser
        .wait_for("#import-dotenv")
        .await
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    browser
        .wait_for("#import-plan tr[data-key=ADDED][data-change=new]")
        .await;
    browser
        .wait_for("#import-plan tr[data-key=EXPORTED][data-change=new]")
        .await;
    browser
        .wait_for("#import-plan tr[data-key=EXISTING][data-change=changed]")
        .await;
    browser
        .wait_for_text_containing(
            "#import-plan tr[data-key=KEPT][data-change=removed]",
            "not in the file: stays as it is",
        )
        .await;
    browser
        .wait_for_text_containing("#import-skipped", "Line 4 is not imported")
        .await;
    browser
        .wait_for_text_containing("#import-skipped", "KEY WITH SPACE")
        .await;
    browser
        .wait_for_text_containing("#import-skipped", "Line 5 is not imported: QUOTED")
        .await;
    browser
        .wait_for_text_containing(
            "#import-summary",
            "creates 2 variables and updates 1 variable",
        )
        .await;
    // Nothing was sent yet.
    assert_eq!(stack.variables_of(service, environment).await, before);
}

async fn the_import_sets_what_the_plan_said(
    stack: &Stack,
    browser: &Browser,
    (service, environment): (&str, &str),
) {
    browser.click("#import-apply").await;
    browser
        .wait_for_text_containing(".import .saved", "Imported: 2 created, 1 updated.")
        .await;
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(
        stack.variables_of(service, environment).await,
        [
            pair("ADDED", "two words"),
            pair("EXISTING", "new"),
            pair("EXPORTED", "single # kept"),
            pair("KEPT", "x"),
        ]
    );
}

async fn a_file_that_is_not_text_is_refused_in_one_sentence(
    stack: &Stack,
    browser: &Browser,
    (service, environment): (&str, &str),
) {
    // A file that is not text is refused in one short sentence, with no preview.
    let binary = temp_file(
        "photo.jpg",
        &[0xff, 0xd8, 0xff, 0xe0, 0, 0x10, b'J', b'F', 0xfe, 0x00],
    );
    browser
        .wait_for("#import-dotenv")
        .await
        .send_keys(&binary.display().to_string())
        .await
        .unwrap();
    browser
        .wait_for_text_containing(".import .field-error", "is not a text file")
        .await;
    let said = browser.text(".import .field-error").await;
    assert!(
        said.len() < 80 && said.ends_with('.') && !said.contains(". "),
        "{said}"
    );
    assert_eq!(browser.count("#import-preview").await, 0);
    assert_eq!(stack.variables_of(service, environment).await.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn functions_upload_versions_view_and_diff_then_reload_a_deep_link() {
    let stack = start_stack().await;
    let service = stack.service("code-test").await;
    let browser = browser().await;
    browser
        .open(&stack.relay_url, &format!("/services/{service}/functions"))
        .await;
    browser
        .fill("#create-code input[name=FriendlyName]", "/hello")
        .await;
    browser.click("#create-code button[type=submit]").await;
    browser.click("#code-table tbody a").await;
    browser.wait_for("#versions-empty").await;

    upload_three_versions(&browser).await;
    view_a_versions_source(&browser).await;
    compare_two_versions(&browser).await;
    rename_then_reload(&browser).await;
    delete_the_function(&browser).await;
    browser.close().await;
}

/// Uploads three versions of /hello (the first after a refused empty upload, the last the
/// same file again); the list shows the newest, and Back returns to the versions.
async fn upload_three_versions(browser: &Browser) {
    // Upload with no file says what is missing; picking one clears that.
    browser.click("#upload-version button[type=submit]").await;
    browser
        .wait_for_text_containing("#upload-version .field-error", "Choose a file first")
        .await;
    let first = temp_file(
        "hello.js",
        b"exports.handler = (c, e, cb) => {\n  cb(null, 'one');\n};\n",
    );
    browser
        .wait_for("#upload-version input[type=file]")
        .await
        .send_keys(&first.display().to_string())
        .await
        .unwrap();
    assert_eq!(
        browser.value("#upload-version input[name=Path]").await,
        "/hello"
    );
    assert_eq!(browser.count("#upload-version .field-error").await, 0);
    browser.click("#upload-version button[type=submit]").await;
    browser.wait_for("#versions-table tbody tr[data-sid]").await;

    let second = temp_file(
        "hello.protected.js",
        b"exports.handler = (c, e, cb) => {\n  cb(null, 'two');\n};\n",
    );
    upload_version(browser, &second, 2).await;
    // The same file again (edit, upload again): the input was reset, so picking it still works.
    upload_version(browser, &second, 3).await;
    // The list shows each function's newest version once it has loaded; Back returns here.
    browser.click(".tabs a[href$='/functions']").await;
    browser
        .wait_for_text_containing("#code-table .latest-path", "/hello")
        .await;
    browser.wait_for("#code-table .visibility-protected").await;
    browser.client.back().await.unwrap();
    browser.wait_for("#versions-table tbody tr[data-sid]").await;
}

/// The newest version's source opens, marked, and closes.
async fn view_a_versions_source(browser: &Browser) {
    browser
        .click("#versions-table tbody tr:first-child .view-source")
        .await;
    browser
        .wait_for_text_containing("#code-view .code", "cb(null, 'two');")
        .await;
    // The version shown is marked, and its panel closes.
    browser
        .wait_for("#versions-table tbody tr:first-child.viewing .view-source[aria-pressed=true]")
        .await;
    browser.click("#code-view .close-panel").await;
    wait_gone(browser, "#code-view").await;
    assert_eq!(browser.count("#versions-table tr.viewing").await, 0);
}

async fn compare_two_versions(browser: &Browser) {
    // Half a pair says what the next click does; the pair shows the diff.
    browser
        .click("#versions-table tbody tr:nth-child(3) .diff-a")
        .await;
    browser
        .wait_for_text_containing("#compare-hint", "now pick the version to compare it to")
        .await;
    browser
        .wait_for("#versions-table tbody tr:nth-child(3).compare-old")
        .await;
    browser
        .click("#versions-table tbody tr:first-child .diff-b")
        .await;
    browser
        .wait_for_text_containing("#diff-view li.removed", "cb(null, 'one');")
        .await;
    browser
        .wait_for_text_containing("#diff-view li.added", "cb(null, 'two');")
        .await;
    assert_eq!(browser.count("#compare-hint").await, 0);
}

/// A rename updates the page in place, and a reload of its deep link keeps the name and diff.
async fn rename_then_reload(browser: &Browser) {
    browser
        .fill("#rename input[name=FriendlyName]", "/hello-renamed")
        .await;
    browser.click("#rename button[type=submit]").await;
    browser
        .wait_for_text_containing(".friendly-name", "/hello-renamed")
        .await;
    // Renaming updates the page in place: the open diff is still there.
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css("#diff-view li.added"))
            .await
            .is_ok(),
        "a rename must not rebuild the page"
    );

    // A deep link survives a reload.
    browser.client.refresh().await.unwrap();
    browser
        .wait_for_text_containing(".friendly-name", "/hello-renamed")
        .await;
    browser
        .wait_for_text_containing(".breadcrumbs", "code-test")
        .await;
    // The diff is in the URL, so it survives the reload too.
    browser.wait_for("#diff-view li.added").await;
}

async fn delete_the_function(browser: &Browser) {
    browser.delete_in_the_danger_zone("/hello-renamed").await;
    browser.wait_for("#code-empty").await;
}

/// A function is written and edited in the browser: the first version starts from a starter
/// handler, each save is a new version, a reload keeps unsaved changes, and a failed save keeps
/// them for a retry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_is_written_and_edited_in_the_browser() {
    let stack = start_stack().await;
    let service = stack.service("editor-test").await;
    let function = stack.function(&service, "greet").await;
    let versions = format!("/v1/Services/{service}/Functions/{function}/Versions");
    let dev = stack.environment(&service, "dev").await;
    let browser = browser().await;
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{service}/functions/{function}"),
        )
        .await;
    browser.wait_for("#versions-empty").await;

    the_first_version_starts_from_the_starter(&browser).await;
    let (sid, first) = save_the_first_version(&stack, &browser, &versions).await;
    the_version_goes_live_in_one_step(&stack, &browser, (&service, &dev), &sid).await;
    edit_it_and_reload(&browser, first).await;
    a_failed_save_keeps_the_source_and_a_delete_of_the_gone_is_done(
        &stack,
        &browser,
        (&service, &function),
    )
    .await;
    browser.close().await;
}

/// The first version starts from the starter handler, protected, at the function's name; without
/// a path the save asks for one.
async fn the_first_version_starts_from_the_starter(browser: &Browser) {
    // The first version starts from the starter, and needs a path.
    browser.click("#versions .edit-newest").await;
    wait_for_value_containing(browser, "#editor textarea", "Hello World!").await;
    assert_eq!(
        browser.value("#editor select[name=Visibility]").await,
        "protected"
    );
    // Its path starts from the function's name; without one, the save asks for it.
    assert_eq!(browser.value("#editor input[name=Path]").await, "/greet");
    browser
        .wait_for("#editor input[name=Path]")
        .await
        .send_keys(&format!("{CONTROL}a{NULL_KEY}{BACKSPACE}"))
        .await
        .unwrap();
    browser.click("#editor .save-version").await;
    browser
        .wait_for_text_containing("#editor .field-error", "Give the version a path")
        .await;
}

/// Saves the first version; the editor gives way to its source. Its SID and source.
async fn save_the_first_version(
    stack: &Stack,
    browser: &Browser,
    versions: &str,
) -> (String, &'static str) {
    let first = "exports.handler = (context, event, callback) => {\n  callback(null, 'one');\n};";
    browser.fill("#editor textarea", first).await;
    browser.fill("#editor input[name=Path]", "/greet").await;
    browser.click("#editor .save-version").await;
    browser
        .wait_for_text_containing("#saved-version", "create a build")
        .await;
    // The editor is gone; the focus is on what comes next, not on the page.
    browser.wait_for_focus("#saved-version a").await;
    browser
        .wait_for_text_containing("#code-view .code", "callback(null, 'one');")
        .await;
    assert_eq!(browser.count("#editor").await, 0);
    let (_, list) = stack.emulator_get(versions).await;
    let saved = &list["function_versions"][0];
    assert_eq!(saved["path"], "/greet", "{list}");
    assert_eq!(saved["visibility"], "protected", "{list}");
    let sid = saved["sid"].as_str().expect("sid").to_owned();
    let (_, content) = stack
        .emulator_get(&format!("{versions}/{sid}/Content"))
        .await;
    assert_eq!(content["content"], first, "{content}");
    (sid, first)
}

async fn the_version_goes_live_in_one_step(
    stack: &Stack,
    browser: &Browser,
    (service, dev): (&str, &str),
    sid: &str,
) {
    // The version on screen goes live in one step, with what the environment served, once the
    // question every deploy asks is answered. Cancel deploys nothing.
    let environment = format!("/v1/Services/{service}/Environments/{dev}");
    browser.click("#deploy-version button[type=submit]").await;
    browser
        .wait_for_text_containing("#confirm-deploy", "dev will serve a new build")
        .await;
    browser
        .wait_for_focus("#confirm-deploy .confirm-deploy-button")
        .await;
    browser.click("#confirm-deploy .cancel-deploy").await;
    browser
        .wait_for_focus("#deploy-version button[type=submit]")
        .await;
    let (_, env) = stack.emulator_get(&environment).await;
    assert!(env["build_sid"].is_null(), "deployed without asking: {env}");
    browser.click("#deploy-version button[type=submit]").await;
    browser
        .click("#confirm-deploy .confirm-deploy-button")
        .await;
    browser
        .wait_for_text_containing("#deploy-version-result", "Live in dev")
        .await;
    let (_, env) = stack.emulator_get(&environment).await;
    let build = env["build_sid"].as_str().expect("live build");
    let (_, build) = stack
        .emulator_get(&format!("/v1/Services/{service}/Builds/{build}"))
        .await;
    assert_eq!(build["function_versions"][0]["sid"], sid, "{build}");
}

/// Editing the version shown starts from its source, refuses a save of no change, and keeps
/// what was typed across a reload.
async fn edit_it_and_reload(browser: &Browser, first: &str) {
    // Editing the version shown starts from its source; Ctrl+S saves.
    browser.click("#code-view .edit-version").await;
    wait_for_value_containing(browser, "#editor textarea", "callback(null, 'one');").await;
    assert_eq!(browser.value("#editor input[name=Path]").await, "/greet");
    // Saving what the version already is would only add a copy.
    browser.click("#editor .save-version").await;
    browser
        .wait_for_text_containing("#editor .field-error", "Nothing has changed")
        .await;
    let second = first.replace("'one'", "'two'");
    browser.fill("#editor textarea", &second).await;
    // A reload keeps what was typed, and says so.
    browser.client.refresh().await.unwrap();
    wait_for_value_containing(browser, "#editor textarea", "callback(null, 'two');").await;
    browser.wait_for("#draft-restored").await;
}

async fn a_failed_save_keeps_the_source_and_a_delete_of_the_gone_is_done(
    stack: &Stack,
    browser: &Browser,
    (service, function): (&str, &str),
) {
    // The function goes away behind the console's back: the save fails with Twilio's error and
    // keeps the source for a retry.
    assert_eq!(
        stack
            .emulator_delete(&format!("/v1/Services/{service}/Functions/{function}"))
            .await,
        204
    );
    browser
        .wait_for("#editor textarea")
        .await
        .send_keys(&format!("{CONTROL}s{NULL_KEY}"))
        .await
        .unwrap();
    browser
        .wait_for_text_containing("#editor .alert-error", "20404")
        .await;
    browser
        .wait_for_text_containing("#editor .save-version", "Retry save")
        .await;
    assert!(
        browser
            .value("#editor textarea")
            .await
            .contains("callback(null, 'two');")
    );
    // Deleting what is already gone counts as done: the page goes to the list, not to an error.
    browser.delete_in_the_danger_zone("greet").await;
    browser.wait_for("#code-empty").await;
}

/// After "Save as a new version" the address names the new version: the address of the editor
/// it replaced, opened again (a bookmark, another tab, history), would start from the older
/// source, and a save from there would drop the changes just saved. Such an editor, and a draft
/// restored into it, now say that a newer version exists and name it before anything is saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_save_the_address_names_the_new_version_and_an_older_editor_says_so() {
    let stack = start_stack().await;
    let service = stack.service("stale-editor").await;
    let function = stack.function(&service, "greet").await;
    let versions = format!("/v1/Services/{service}/Functions/{function}/Versions");
    let one = "exports.handler = (context, event, callback) => callback(null, 'one');";
    let (status, first) = stack
        .emulator_upload(&versions, one, "/greet", "public")
        .await;
    assert_eq!(status, 201, "{first}");
    let first = first["sid"].as_str().expect("sid").to_owned();
    let page = format!(
        "{}/services/{service}/functions/{function}",
        stack.relay_url
    );
    let browser = browser().await;
    let second =
        save_and_see_the_address_name_it(&stack, &browser, (&page, &versions), &first, one).await;
    back_leaves_the_page_as_before_the_editor(&browser, &second).await;
    the_old_editors_address_says_a_newer_version_exists(
        &stack,
        &browser,
        (&page, &versions),
        (&first, &second),
        one,
    )
    .await;
    browser.close().await;
}

/// Edits the newest version and saves it; the address names the saved version. Its SID.
async fn save_and_see_the_address_name_it(
    stack: &Stack,
    browser: &Browser,
    (page, versions): (&str, &str),
    first: &str,
    one: &str,
) -> String {
    browser.goto(page).await;
    browser.wait_for("#versions-table tbody tr[data-sid]").await;
    browser.click("#versions .edit-newest").await;
    wait_for_value_containing(browser, "#editor textarea", "'one'").await;
    // It starts from the newest: nothing to warn about.
    assert_eq!(browser.count("#editor-stale").await, 0);
    browser
        .fill("#editor textarea", &one.replace("'one'", "'two'"))
        .await;
    browser.click("#editor .save-version").await;
    browser
        .wait_for_text_containing("#saved-version", "create a build")
        .await;
    let (_, list) = stack.emulator_get(versions).await;
    let second = list["function_versions"]
        .as_array()
        .expect("versions")
        .iter()
        .filter_map(|v| v["sid"].as_str())
        .find(|sid| *sid != first)
        .expect("the saved version")
        .to_owned();
    let mut query = String::new();
    for _ in 0..50 {
        query = browser
            .client
            .current_url()
            .await
            .expect("url")
            .query()
            .unwrap_or_default()
            .to_owned();
        if query.contains(&second) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(query, format!("version={second}"));
    second
}

async fn back_leaves_the_page_as_before_the_editor(browser: &Browser, second: &str) {
    // The editor's entry in the history was replaced: Back leaves the page as it was before
    // the editor opened, rather than opening it again on the older source.
    browser.client.back().await.expect("back");
    let mut url = browser.client.current_url().await.expect("url");
    for _ in 0..50 {
        if !url.as_str().contains(second) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        url = browser.client.current_url().await.expect("url");
    }
    assert_eq!(url.query(), None, "{url}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(browser.count("#editor").await, 0);
}

async fn the_old_editors_address_says_a_newer_version_exists(
    stack: &Stack,
    browser: &Browser,
    (page, versions): (&str, &str),
    (first, second): (&str, &str),
    one: &str,
) {
    // The old editor's address, opened again: it says a newer version exists, and which.
    browser.goto(&format!("{page}?edit={first}")).await;
    wait_for_value_containing(browser, "#editor textarea", "'one'").await;
    browser
        .wait_for_text_containing("#editor-stale", "Not the newest version")
        .await;
    browser
        .wait_for_text_containing("#editor-stale .newer-version", second)
        .await;
    browser
        .wait_for_text_containing("#editor .save-version", "Save anyway")
        .await;
    // A draft typed there comes back after a reload, and still says so.
    browser
        .fill("#editor textarea", &one.replace("'one'", "'draft'"))
        .await;
    browser.client.refresh().await.unwrap();
    wait_for_value_containing(browser, "#editor textarea", "'draft'").await;
    browser
        .wait_for_text_containing("#draft-restored", "made on the older version")
        .await;
    browser
        .wait_for_text_containing("#editor-stale .newer-version", second)
        .await;
    // Editing the newest instead starts from its source.
    browser.click("#editor-stale .edit-newest-instead").await;
    wait_for_value_containing(browser, "#editor textarea", "'two'").await;
    assert_eq!(browser.count("#editor-stale").await, 0);
    // Nothing was saved on the way.
    let (_, list) = stack.emulator_get(versions).await;
    assert_eq!(list["function_versions"].as_array().map(Vec::len), Some(2));
}

/// A list that failed to load (the network dropped) has a Try again that fetches it anew and
/// keeps what was typed elsewhere on the page; before, only a reload, which lost it, helped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_that_failed_to_load_can_be_fetched_again() {
    let stack = start_stack().await;
    let service = stack.service("retry-test").await;
    stack.function(&service, "kept").await;
    let browser = browser().await;
    browser.cdp("Network.enable", serde_json::json!({})).await;
    browser
        .cdp(
            "Network.setBlockedURLs",
            serde_json::json!({ "urls": ["*/Functions?PageSize*"] }),
        )
        .await;
    browser
        .open(&stack.relay_url, &format!("/services/{service}/functions"))
        .await;
    browser
        .wait_for_text_containing(".load-error", "No answer from the relay")
        .await;
    browser
        .fill("#create-code input[name=FriendlyName]", "typed meanwhile")
        .await;

    browser
        .cdp("Network.setBlockedURLs", serde_json::json!({ "urls": [] }))
        .await;
    browser.click(".load-error .retry-load").await;
    browser
        .wait_for_text_containing("#code-table", "kept")
        .await;
    assert_eq!(browser.count(".load-error").await, 0);
    assert_eq!(
        browser.value("#create-code input[name=FriendlyName]").await,
        "typed meanwhile"
    );
    browser.close().await;
}

/// Waits until the input or textarea matching `css` holds a value containing `part`.
async fn wait_for_value_containing(browser: &Browser, css: &str, part: &str) {
    let mut seen = String::new();
    for _ in 0..100 {
        seen = browser.value(css).await;
        if seen.contains(part) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{css} holds {seen:?}, without {part:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asset_uploads_check_size_first_and_show_progress() {
    let stack = start_stack().await;
    let service = stack.service("asset-test").await;
    let asset = stack.asset(&service, "big").await;
    let browser = browser().await;
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{service}/assets/{asset}"),
        )
        .await;

    let too_big = temp_file("data.private.bin", &vec![7u8; 11 * 1024 * 1024]);
    browser
        .wait_for("#upload-version input[type=file]")
        .await
        .send_keys(&too_big.display().to_string())
        .await
        .unwrap();
    assert_eq!(
        browser.value("#upload-version input[name=Path]").await,
        "/data.bin"
    );
    browser.click("#upload-version button[type=submit]").await;
    let error = browser.text("#upload-version .field-error").await;
    assert!(
        error.contains("private files may be at most 10.0 MB"),
        "{error}"
    );
    let (_, versions) = stack
        .emulator_get(&format!("/v1/Services/{service}/Assets/{asset}/Versions"))
        .await;
    assert_eq!(
        versions["asset_versions"].as_array().map(Vec::len),
        Some(0),
        "nothing was sent"
    );

    // Public allows 25 MB: the same file goes through, with a progress bar while it does.
    let select = browser
        .wait_for("#upload-version select[name=Visibility]")
        .await;
    select.select_by_value("public").await.unwrap();
    browser.click("#upload-version button[type=submit]").await;
    browser.wait_for("#upload-version .progress").await;
    browser.wait_for("#versions-table tbody tr[data-sid]").await;
    let (_, versions) = stack
        .emulator_get(&format!("/v1/Services/{service}/Assets/{asset}/Versions"))
        .await;
    assert_eq!(versions["asset_versions"][0]["visibility"], "public");
    browser.close().await;
}

/// In a window 800 px wide, every column of a table can still be reached (a wide table scrolls
/// sideways on its own) and a long name wraps instead of pushing the page sideways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_narrow_window_keeps_every_column_and_long_names_wrap() {
    let stack = start_stack().await;
    let service = stack.service("narrow").await;
    let long = format!("/{}", "a".repeat(200));
    let function = stack.function(&service, &long).await;
    let (status, version) = stack
        .emulator_upload(
            &format!("/v1/Services/{service}/Functions/{function}/Versions"),
            "exports.handler = (c, e, cb) => cb(null, 'hi');",
            &long,
            "public",
        )
        .await;
    assert_eq!(status, 201);
    let version = version["sid"].as_str().expect("sid").to_owned();
    let browser = browser().await;
    for width in [1280, 800] {
        browser
            .client
            .set_window_size(width, 900)
            .await
            .expect("window size");
        browser
            .open(&stack.relay_url, &format!("/services/{service}/functions"))
            .await;
        browser
            .wait_for(&format!(
                "#code-table tr[data-sid='{function}'] .latest-path"
            ))
            .await;
        assert!(
            !browser.scrolls_sideways().await,
            "the functions list is too wide at {width} px"
        );
    }

    browser
        .open(
            &stack.relay_url,
            &format!("/services/{service}/functions/{function}"),
        )
        .await;
    let view = browser.wait_for("#versions-table .view-source").await;
    assert!(
        view.is_displayed().await.expect("displayed"),
        "no View button"
    );
    browser.click("#versions-table .view-source").await;
    browser
        .wait_for_text_containing("#code-view", "cb(null, 'hi')")
        .await;
    assert!(
        !browser.scrolls_sideways().await,
        "the function page is too wide"
    );

    // A phone: the deploy form's build select (SID, runtime and date in each option) made the
    // whole environment page scroll sideways.
    let environment = stack.environment(&service, "dev").await;
    stack
        .create(
            &format!("/v1/Services/{service}/Builds"),
            &[("FunctionVersions", &version)],
        )
        .await;
    browser
        .client
        .set_window_size(420, 900)
        .await
        .expect("window size");
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{service}/environments/{environment}"),
        )
        .await;
    browser.wait_for("#deploy-form select option").await;
    assert!(
        !browser.scrolls_sideways().await,
        "the environment page is too wide at 420 px"
    );
    browser.close().await;
}

/// A new version of a private asset stays private unless the user says otherwise: the upload
/// form starts from the newest version's path and visibility (it used to start at public, and a
/// file picked without `.private.` in its name went up public).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_version_keeps_the_path_and_visibility_of_the_last() {
    let stack = start_stack().await;
    let service = stack.service("keeps-private").await;
    let asset = stack.asset(&service, "hours").await;
    let versions = format!("/v1/Services/{service}/Assets/{asset}/Versions");
    let (status, _) = stack
        .emulator_upload(&versions, "{\"open\": 9}", "/hours.json", "private")
        .await;
    assert_eq!(status, 201);
    let browser = browser().await;
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{service}/assets/{asset}"),
        )
        .await;
    browser.wait_for("#versions-table tbody tr[data-sid]").await;
    wait_for_value(&browser, "#upload-version input[name=Path]", "/hours.json").await;
    assert_eq!(
        browser
            .value("#upload-version select[name=Visibility]")
            .await,
        "private"
    );
    // A file named without a visibility keeps both.
    let file = temp_file("hours.json", b"{\"open\": 10}");
    browser
        .wait_for("#upload-version input[type=file]")
        .await
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    browser.click("#upload-version button[type=submit]").await;
    browser
        .wait_for("#versions-table tbody tr:nth-child(2)")
        .await;
    let (_, list) = stack.emulator_get(&versions).await;
    let both = list["asset_versions"].as_array().expect("versions");
    assert_eq!(both.len(), 2, "{list}");
    for version in both {
        assert_eq!(version["visibility"], "private", "{list}");
        assert_eq!(version["path"], "/hours.json", "{list}");
    }
    browser.close().await;
}

/// Waits until the input matching `css` holds `value`.
async fn wait_for_value(browser: &Browser, css: &str, value: &str) {
    let mut seen = String::new();
    for _ in 0..100 {
        seen = browser.value(css).await;
        if seen == value {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{css} holds {seen:?}, not {value:?}");
}
