//! Server functions grouped by resource, with their input and output types. They are the one
//! boundary between the UI and the server; each has a stable endpoint under `/api/`.

pub mod account;
pub mod admin;
pub mod calendar;
pub mod catalogue;
pub mod catalogue_admin;
pub mod claim;
pub mod clock;
pub mod consultations;
pub mod content;
pub mod credentials;
pub mod desk;
pub mod dossiers;
pub mod handling;
pub mod index766;
pub mod intake;
pub mod lang;
pub mod lookup;
pub mod organisations;
pub mod payments;
pub mod personal_data;
pub mod ratings;
pub mod register;
pub mod results;
pub mod second_factor;
pub mod setup;
pub mod statistics;
pub mod supplements;

#[cfg(feature = "ssr")]
pub mod ctx;

/// JSON answers for the server functions the desk app reads its pages with, decoded in the
/// browser by its own `JSON.parse` and `serde-wasm-bindgen` — as the desk's resources decode the
/// data serialized into the first page (`JsonSerdeWasmCodec`). One decoder per read model, and a
/// small one, instead of serde_json's parser inlined into each twice.
pub struct JsonTextEncoding;

impl leptos::server_fn::ContentType for JsonTextEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl leptos::server_fn::FormatType for JsonTextEncoding {
    const FORMAT_TYPE: leptos::server_fn::Format = leptos::server_fn::Format::Text;
}

impl<T: serde::Serialize> leptos::server_fn::Encodes<T> for JsonTextEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<leptos::server_fn::Bytes, Self::Error> {
        serde_json::to_vec(output).map(leptos::server_fn::Bytes::from)
    }
}

impl<T: serde::de::DeserializeOwned> leptos::server_fn::Decodes<T> for JsonTextEncoding {
    type Error = serde_json::Error;

    #[cfg(feature = "desk")]
    fn decode(bytes: leptos::server_fn::Bytes) -> Result<T, Self::Error> {
        use serde::de::Error;
        let parsed = js_sys::JSON::parse(&String::from_utf8_lossy(&bytes))
            .map_err(|_| serde_json::Error::custom("the answer is not JSON"))?;
        serde_wasm_bindgen::from_value(parsed).map_err(|e| serde_json::Error::custom(e.to_string()))
    }

    #[cfg(not(feature = "desk"))]
    fn decode(bytes: leptos::server_fn::Bytes) -> Result<T, Self::Error> {
        serde_json::from_slice(&bytes)
    }
}

/// The output of the desk's page reads (see [`JsonTextEncoding`]).
pub type JsonText = leptos::server_fn::codec::Post<JsonTextEncoding>;
