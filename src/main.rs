fn main() {
    switchboard_console::crash::install();
    leptos::mount::mount_to_body(switchboard_console::app::App);
}
