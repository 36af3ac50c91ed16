//! What the user sees when the console hits a bug. A Rust panic in wasm stops the whole app:
//! without this, every link and button silently does nothing until the user thinks to reload.

/// Logs the panic to the browser console (as before) and puts a banner over the page that says
/// the console stopped and offers a reload. Built with plain DOM calls: the reactive system that
/// panicked cannot be trusted to render anything.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}

fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(root) = document.document_element() {
        // The browser tests fail on this mark, whatever they were waiting for.
        let _ = root.set_attribute("data-panicked", message);
    }
    if document.get_element_by_id("crashed").is_some() {
        return;
    }
    let element = |tag: &str, text: &str| -> Option<web_sys::Element> {
        let element = document.create_element(tag).ok()?;
        element.set_text_content(Some(text));
        Some(element)
    };
    let banner = (|| -> Option<web_sys::Element> {
        let banner = element("div", "")?;
        banner.set_id("crashed");
        banner.set_class_name("alert alert-error crashed");
        banner.set_attribute("role", "alert").ok()?;
        let title = element("strong", "Switchboard stopped because of a bug. ")?;
        // A plain link: the router's click handler lives in the stopped app, and `rel=external`
        // tells it to keep out. It reloads the page the user was on.
        let reload = element("a", "Reload")?;
        let here = web_sys::window()?.location().href().ok()?;
        reload.set_attribute("href", &here).ok()?;
        reload.set_attribute("rel", "external").ok()?;
        let details = element("details", "")?;
        let summary = element("summary", "Details for a bug report")?;
        let text = element("pre", message)?;
        details.append_child(&summary).ok()?;
        details.append_child(&text).ok()?;
        banner.append_child(&title).ok()?;
        banner.append_child(&reload).ok()?;
        banner.append_child(&details).ok()?;
        Some(banner)
    })();
    if let (Some(banner), Some(body)) = (banner, document.body()) {
        let _ = body.prepend_with_node_1(&banner);
    }
}
