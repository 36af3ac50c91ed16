fn main() {
    switchboard_console::crash::install();
    // config.json first: it says where the API is, which the first page already calls.
    wasm_bindgen_futures::spawn_local(async {
        if switchboard_console::config::load().await {
            leptos::mount::mount_to_body(switchboard_console::app::App);
        }
    });
}
