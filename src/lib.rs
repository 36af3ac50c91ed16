//! Switchboard's console: a Leptos client-side app that talks only to `/api` on its own origin.

pub mod api;
pub mod app;
pub mod chunks;
pub mod components;
pub mod config;
pub mod crash;
pub mod diff;
pub mod flows;
pub mod pages;
pub mod project;
pub mod routing;
