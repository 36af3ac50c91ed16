//! The browser tab's title, so tabs, history entries and bookmarks say which page they are.

use leptos::prelude::*;

/// Keeps `document.title` at `title() · Switchboard` (or `· <the deployment's name>` from config.json)
/// while the calling view is shown.
pub fn use_title(title: impl Fn() -> String + 'static) {
    let name = crate::config::display_name().unwrap_or("Switchboard");
    // An effect: the document's title is outside the view tree.
    Effect::new(move |_| document().set_title(&format!("{} · {name}", title())));
}

/// The name of what a page below a service shows (an environment's unique name, a function's
/// friendly name), for its tab title: "dev · Environment · My service". Pages set it once their
/// item is loaded, tagged with the item's path: the title uses it only on that path.
#[derive(Clone, Copy)]
pub struct ItemName(RwSignal<Option<(String, String)>>);

impl ItemName {
    pub fn provide() -> ItemName {
        let item = ItemName(RwSignal::new(None));
        provide_context(item);
        item
    }

    /// The item's name when it is the one shown at `path`.
    pub fn at(self, path: &str) -> Option<String> {
        self.0.with(|item| {
            item.as_ref()
                .filter(|(shown_at, _)| shown_at == path)
                .map(|(_, name)| name.clone())
        })
    }
}

/// For a page below a service: names the item it shows in the tab title. Called with the
/// item's own page path (from its SIDs, not the address bar), so a page left before its item
/// loaded, or one the router reused for another item, never names the wrong page.
pub fn item_namer() -> impl Fn(String, String) + Copy + Send + Sync + 'static {
    let item = use_context::<ItemName>();
    move |path, name| {
        if let Some(ItemName(item)) = item {
            item.set(Some((path, name)));
        }
    }
}

/// What a page below a service is called in the title, from the path below
/// `/services/{sid}`: the tab's name, or the kind of thing a page shows ("Function"), or a
/// build's SID, which is all a build has for a name.
pub fn service_page(below: &str) -> String {
    let parts: Vec<&str> = below.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [] => "Overview".into(),
        ["environments"] => "Environments".into(),
        ["environments", _, "logs"] => "Logs".into(),
        ["environments", _] => "Environment".into(),
        ["functions"] => "Functions".into(),
        ["functions", _] => "Function".into(),
        ["assets"] => "Assets".into(),
        ["assets", _] => "Asset".into(),
        ["builds"] => "Builds".into(),
        ["builds", sid] => format!("Build {sid}"),
        ["deploy"] => "Deploy".into(),
        _ => "Not found".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::service_page;

    #[test]
    fn each_page_below_a_service_has_a_name() {
        assert_eq!(service_page(""), "Overview");
        assert_eq!(service_page("/"), "Overview");
        assert_eq!(service_page("/environments/ZE1"), "Environment");
        assert_eq!(service_page("/environments/ZE1/logs"), "Logs");
        assert_eq!(service_page("/functions"), "Functions");
        assert_eq!(service_page("/assets/ZH1"), "Asset");
        assert_eq!(service_page("/builds/ZB1"), "Build ZB1");
        assert_eq!(service_page("/deploy"), "Deploy");
        assert_eq!(service_page("/nope/1/2/3"), "Not found");
    }
}
