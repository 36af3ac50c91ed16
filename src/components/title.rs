//! The browser tab's title, so tabs, history entries and bookmarks say which page they are.

use leptos::prelude::*;

/// Keeps `document.title` at `title() · Switchboard` while the calling view is shown.
pub fn use_title(title: impl Fn() -> String + 'static) {
    Effect::new(move |_| document().set_title(&format!("{} · Switchboard", title())));
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
