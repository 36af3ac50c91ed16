//! One function's or asset's page: its facts, renaming, uploads, versions and deletion (the
//! lists are in `code_list`; each part is a module of its own beside this one).

use crate::api::code::{self, Kind, Version};
use crate::components::copy::CopySid;
use crate::components::loaded::Loaded;
use crate::components::poller::refetch_when_shown;
use crate::components::time::Time;
use crate::components::title::item_namer;
use crate::components::upload::UploadForm;
use crate::pages::code::delete::DeleteCode;
use crate::pages::code::live::{self as code_live, LiveNow, live_words};
use crate::pages::code::rename::RenameForm;
use crate::pages::code::test::FunctionTest;
use crate::pages::code::versions::VersionsPanel;
use crate::routing::param;
use leptos::prelude::*;

/// The newest version. The list is newest first as the API gave it, an order Twilio does not
/// promise, so it goes by date; among versions of the same second (dates have no finer
/// resolution) the one listed first wins.
pub(super) fn newest(list: &[Version]) -> Option<&Version> {
    list.iter()
        .rev()
        .max_by(|a, b| a.date_created.cmp(&b.date_created))
}

/// One function or asset.
#[component]
pub fn CodePage(kind: Kind) -> impl IntoView {
    let namer = item_namer();
    let service = param("service");
    let sid = param("resource");
    let resource =
        LocalResource::new(
            move || async move { code::fetch(&service.get(), kind, &sid.get()).await },
        );
    let versions = LocalResource::new(move || async move {
        code::versions(&service.get(), kind, &sid.get()).await
    });
    // Which of its versions each environment serves; read again when the tab is shown (a
    // deploy elsewhere) and after "Deploy this version".
    let serving =
        LocalResource::new(move || async move { code_live::serving(&service.get(), kind).await });
    refetch_when_shown(move || serving.refetch());
    provide_context(LiveNow(serving));
    let live_here = move || {
        let versions = versions.get()?.ok()?;
        Some(match serving.get()? {
            Ok(serving) => {
                live_words(&serving, &versions).unwrap_or_else(|| "no environment".into())
            }
            // Not knowing is said, rather than letting silence pass for "not live".
            Err(_) => "could not be read".into(),
        })
    };
    view! {
        <Loaded resource=resource loading="Loading…" page=true show={move |item| {
                        // A rename updates the title in place: refetching would rebuild the page
                        // and lose the upload form and the open source or diff.
                        let title = RwSignal::new(item.friendly_name.clone());
                        let path = format!("/services/{}/{}/{}", item.service_sid, kind.route(), item.sid);
                        namer(path.clone(), item.friendly_name.clone());
                        view! {
                        <section class="code-page">
                            <h1 class="friendly-name">{move || title.get()}</h1>
                            <dl class="facts">
                                <dt>"SID"</dt><dd><CopySid sid=item.sid.clone()/></dd>
                                <dt>"Created"</dt><dd><Time iso=item.date_created.clone()/></dd>
                                <dt>"Live in"</dt><dd id="live-versions">{live_here}</dd>
                            </dl>
                            <RenameForm kind item=item.clone() on_renamed=move |name: String| { namer(path.clone(), name.clone()); title.set(name) }/>
                            <UploadForm kind service=service.get_untracked() resource=item.sid.clone() on_uploaded=move || versions.refetch()
                                latest=Signal::derive(move || versions.get().and_then(Result::ok).and_then(|list| newest(&list).map(|v| (v.path.clone(), v.visibility))))/>
                            <VersionsPanel kind versions name=title/>
                            {(kind == Kind::Function).then(|| view! { <FunctionTest service=service.get_untracked() function=item.sid.clone()/> })}
                            <DeleteCode kind item name=title versions/>
                        </section>
                    }.into_any()
                    }}/>
    }
}

#[cfg(test)]
mod tests {
    use super::{Version, newest};

    fn version(sid: &str, date: &str) -> Version {
        Version {
            sid: sid.into(),
            date_created: date.into(),
            ..Version::default()
        }
    }

    #[test]
    fn the_newest_goes_by_date_and_ties_go_to_the_first_listed() {
        let list = [
            version("ZN3", "2026-11-26T10:00:01Z"),
            version("ZN2", "2026-11-26T10:00:01Z"),
            version("ZN1", "2026-11-26T10:00:00Z"),
        ];
        assert_eq!(newest(&list).map(|v| v.sid.as_str()), Some("ZN3"));
        let shuffled = [list[2].clone(), list[0].clone(), list[1].clone()];
        assert_eq!(newest(&shuffled).map(|v| v.sid.as_str()), Some("ZN3"));
        assert!(newest(&[]).is_none());
    }
}
