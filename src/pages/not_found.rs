use crate::components::title::use_title;
use crate::routing::A;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    use_title(|| "Page not found".into());
    view! {
        <section class="empty">
            <h1>"Page not found"</h1>
            <p>"Nothing lives at this address. " <A href="/services">"Go to your services"</A></p>
        </section>
    }
}
