//! The browser bundle: hydrates the islands of the server-rendered pages, nothing else.

#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

pub use app::hydrate;
