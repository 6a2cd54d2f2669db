//! Upload progress for the forms that send files (the dossier form, the supplement answer online
//! and at the desk): an island, the only WASM of the portal. Without JavaScript the form posts as
//! plain multipart; with it, this island checks each file's size and type before sending, posts the same form to the same server function with XMLHttpRequest (the only
//! browser API that reports upload progress) and follows the server's redirect. Inside the desk
//! app it only checks the files: the app posts the form itself and keeps the document.

use leptos::prelude::*;

/// The island for the form `form_id`, with its strings translated.
pub fn upload_progress(i18n: crate::i18n::I18n, form_id: &str) -> impl IntoView {
    view! {
        <UploadProgress
            form_id=form_id.to_string()
            max_file_bytes=crate::domain::upload::MAX_FILE_BYTES
            text_uploading=i18n.t("upload-progress")
            text_too_large=i18n.t("error-file-too-large")
            text_wrong_type=i18n.t("error-file-type")
            text_failed=i18n.t("upload-failed")
        />
    }
}

/// Strings arrive translated from the server, so no catalogue is shipped to the browser. In the
/// desk's bundle it is a plain component of the desk's island (the desk never hydrates it on its
/// own), so that bundle carries no decoder for its props.
#[cfg_attr(not(feature = "desk"), island)]
#[cfg_attr(feature = "desk", component)]
pub fn UploadProgress(
    form_id: String,
    max_file_bytes: u64,
    text_uploading: String,
    text_too_large: String,
    text_wrong_type: String,
    text_failed: String,
) -> impl IntoView {
    let (percent, set_percent) = signal(None::<u32>);
    let (failed, set_failed) = signal(false);
    // The desk sends the form and counts its progress (a failure is the post's message).
    #[cfg(feature = "desk")]
    let percent = crate::desk_app::use_desk().map_or(percent, |d| d.upload.read_only());
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| {
            let refusals = hydrate::Refusals { too_large: text_too_large.clone(), wrong_type: text_wrong_type.clone() };
            hydrate::attach(&form_id, max_file_bytes, refusals, set_percent, set_failed)
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (form_id, max_file_bytes, text_too_large, text_wrong_type, set_percent, set_failed);
    view! {
        <div class="upload-progress" aria-live="polite">
            <Show when=move || percent.get().is_some()>
                <label for="upload-bar">{text_uploading.clone()}" "{move || percent.get().unwrap_or(0)}"%"</label>
                <progress id="upload-bar" max="100" value=move || percent.get().unwrap_or(0)></progress>
            </Show>
            <Show when=move || failed.get()>
                <p class="field-error" role="alert">{text_failed.clone()}</p>
            </Show>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod hydrate {
    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{FormData, HtmlFormElement, HtmlInputElement, SubmitEvent, XmlHttpRequest};

    fn show_field_error(input: &HtmlInputElement, message: &str) {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        let id = format!("{}-error", input.name());
        if let Some(el) = doc.get_element_by_id(&id) {
            el.set_text_content(Some(message));
        } else if let Ok(p) = doc.create_element("p") {
            p.set_id(&id);
            p.set_class_name("field-error");
            p.set_text_content(Some(message));
            let _ = input.before_with_node_1(&p);
        }
        let _ = input.set_attribute("aria-invalid", "true");
        let _ = input.set_attribute("aria-describedby", &id);
        let _ = input.focus();
    }

    /// The messages shown at a file input the browser already knows the server would refuse.
    pub struct Refusals {
        pub too_large: String,
        pub wrong_type: String,
    }

    /// The types the server accepts (it decides by the first bytes; this only spares a slow
    /// line a file that cannot pass). Some phones give no type: the name's extension decides.
    fn accepted_type(file: &web_sys::File) -> bool {
        match file.type_().as_str() {
            "application/pdf" | "image/jpeg" | "image/png" => true,
            "" => {
                let name = file.name().to_lowercase();
                [".pdf", ".jpg", ".jpeg", ".png"].iter().any(|ext| name.ends_with(ext))
            }
            _ => false,
        }
    }

    pub fn attach(
        form_id: &str,
        max: u64,
        refusals: Refusals,
        set_percent: WriteSignal<Option<u32>>,
        set_failed: WriteSignal<bool>,
    ) {
        let Some(form) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(form_id))
            .and_then(|e| e.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        let form_for_submit = form.clone();
        let on_submit = Closure::<dyn FnMut(SubmitEvent)>::new(move |ev: SubmitEvent| {
            let form = &form_for_submit;
            // Check file sizes and types before sending anything.
            if let Ok(inputs) = form.query_selector_all("input[type=file]") {
                for i in 0..inputs.length() {
                    let Some(input) = inputs.item(i).and_then(|n| n.dyn_into::<HtmlInputElement>().ok()) else {
                        continue;
                    };
                    let Some(file) = input.files().and_then(|f| f.get(0)) else { continue };
                    let refusal = if file.size() > max as f64 {
                        Some(&refusals.too_large)
                    } else if !accepted_type(&file) {
                        Some(&refusals.wrong_type)
                    } else {
                        None
                    };
                    if let Some(message) = refusal {
                        ev.prevent_default();
                        show_field_error(&input, message);
                        return;
                    }
                }
            }
            // In the desk the app sends every form itself, in place, and shows this island's
            // progress from its own counter (`Desk::upload`): following the answer here would
            // load the whole document again.
            if cfg!(feature = "desk") {
                return;
            }
            let Ok(data) = FormData::new_with_form(form) else { return };
            // The button pressed says what to do (save or submit); disabled against double taps.
            let submitter = ev.submitter().and_then(|s| s.dyn_into::<web_sys::HtmlButtonElement>().ok());
            if let Some(b) = &submitter {
                let _ = data.append_with_str(&b.name(), &b.value());
                b.set_disabled(true);
            }
            let Ok(xhr) = XmlHttpRequest::new() else { return };
            ev.prevent_default();
            let action = form.get_attribute("action").unwrap_or_default();
            let _ = xhr.open("POST", &action);
            let _ = xhr.set_request_header("Accept", "text/html");
            if let Ok(upload) = xhr.upload() {
                let progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |p: web_sys::ProgressEvent| {
                    if p.length_computable() && p.total() > 0.0 {
                        set_percent.set(Some((p.loaded() / p.total() * 100.0).round() as u32));
                    }
                });
                upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
                progress.forget();
            }
            let xhr_done = xhr.clone();
            let enable_on_load = submitter.clone();
            let on_load = Closure::<dyn FnMut()>::new(move || {
                let url = xhr_done.response_url();
                if xhr_done.status().unwrap_or(0) < 400 && !url.is_empty() {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().assign(&url);
                    }
                } else {
                    set_failed.set(true);
                    set_percent.set(None);
                    if let Some(b) = &enable_on_load {
                        b.set_disabled(false);
                    }
                }
            });
            xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
            on_load.forget();
            let on_error = Closure::<dyn FnMut()>::new(move || {
                set_failed.set(true);
                set_percent.set(None);
                if let Some(b) = &submitter {
                    b.set_disabled(false);
                }
            });
            xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            on_error.forget();
            set_failed.set(false);
            set_percent.set(Some(0));
            let _ = xhr.send_with_opt_form_data(Some(&data));
        });
        let _ = form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
        on_submit.forget();
    }
}
