//! Writing a function's next version in the browser, the way Twilio's own Console edits
//! Functions: the source of a version (or a starter handler for the first version), edited in
//! place and saved as a new version. The draft is kept in the tab's sessionStorage until it is
//! saved or discarded, so a reload or a wrong click loses nothing, and closing the tab with
//! unsaved changes asks first. The form is `edit_form`, its draft `draft`.

use super::edit_form::{EditorForm, first_path};
use crate::api::code::{self, Version};
use crate::components::error_view::LoadError;
use crate::routing::param;
use leptos::prelude::*;

/// What a first version starts from: twilio-run's hello-world template.
const STARTER: &str = "exports.handler = function (context, event, callback) {
  const twiml = new Twilio.twiml.VoiceResponse();
  twiml.say('Hello World!');
  return callback(null, twiml);
};
";

/// The editor for the next version, starting from `base` (`None`: the function's first version).
/// `on_saved` gets the new version's SID.
#[component]
pub fn Editor(
    base: Option<Version>,
    /// The function's newest version now: an editor opened from an older one (an old link, a
    /// bookmark, history) says so before anything is saved, since saving would drop its changes.
    #[prop(into)]
    newest: Signal<Option<Version>>,
    /// The function's friendly name: a first version's path starts from it.
    name: String,
    on_saved: impl Fn(String) + Copy + Send + Sync + 'static,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
    /// Opens the editor on the newest version instead.
    on_edit_newest: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    // Read once: the editor belongs to this function. Following the route would load another
    // function's source into it while it is still on screen during a navigation.
    let (service, function) = (
        param("service").get_untracked(),
        param("resource").get_untracked(),
    );
    let base_sid = base.as_ref().map(|v| v.sid.clone());
    let source = LocalResource::new({
        let base_sid = base_sid.clone();
        move || {
            let (service, function, base_sid) =
                (service.clone(), function.clone(), base_sid.clone());
            async move {
                match base_sid {
                    Some(sid) => code::content(&service, &function, &sid).await,
                    None => Ok(STARTER.to_owned()),
                }
            }
        }
    });
    // The newer version, when this editor does not start from the newest.
    let newer = {
        let base_sid = base_sid.clone();
        Signal::derive(move || newest.get().filter(|n| Some(&n.sid) != base_sid.as_ref()))
    };
    let title = match &base_sid {
        Some(sid) => view! { "New version from " <code>{sid.clone()}</code> }.into_any(),
        None => view! { "Write the first version" }.into_any(),
    };
    view! {
        <form class="form editor" id="editor" novalidate on:submit=|ev| ev.prevent_default()>
            <div class="panel-head">
                <h3>{title}</h3>
                <button type="button" class="close-panel" aria-label="Close the editor" on:click=move |_| on_close()>"Close"</button>
            </div>
            {move || newer.get().map(|newer| {
                let from = match &base_sid {
                    Some(sid) => view! { "This edit starts from " <code>{sid.clone()}</code> ", " }.into_any(),
                    None => view! { "This edit starts from the starter handler, " }.into_any(),
                };
                view! {
                    <div class="alert alert-warning" id="editor-stale" role="alert">
                        <strong>"Not the newest version."</strong> " " {from} "but "
                        <code class="newer-version">{newer.sid.clone()}</code> {format!(" (at {}) was saved after it. ", newer.path)}
                        "Saving here makes a new version without its changes. "
                        <button type="button" class="link-button edit-newest-instead" on:click=move |_| on_edit_newest()>
                            {format!("Edit {} instead", newer.sid)}
                        </button>
                    </div>
                }
            })}
            // Rendered once, when the source arrives: the form below owns what is typed.
            {move || match source.get() {
                Some(Ok(text)) => view! {
                    <EditorForm base=base.clone() stale=Signal::derive(move || newer.with(Option::is_some)) first_path=first_path(&name) original=text on_saved/>
                }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry=move || source.refetch()/> }.into_any(),
                None => view! { <div class="skeleton" aria-busy="true">"Loading source…"</div> }.into_any(),
            }}
        </form>
    }
}
