//! Which engine repr a value shows with: the text of a variable mapping (`ds.data_vars`,
//! `.coords`) and the display hook's HTML, from `nereus_engine::repr`.

use super::dict::{Dict, DictKind};
use super::value::Value;
use nereus_engine::model::Variable;
use nereus_engine::repr::{html as repr_html, text, DisplayOptions};

/// The DataArrays of a `data_vars` or `coords` dict, by name.
fn variables(d: &Dict) -> Vec<(String, &Variable)> {
    d.items
        .iter()
        .filter_map(|(k, v)| match v {
            Value::DataArray(a) => Some((k.to_str(), &a.variable)),
            _ => None,
        })
        .collect()
}

/// `ds.data_vars` / `.coords`: the one section, from a dict of DataArrays, never elided.
pub(crate) fn mapping(d: &Dict) -> String {
    let entries = variables(d);
    let refs: Vec<(&str, &Variable)> = entries.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    if d.kind == DictKind::DataVars {
        text::data_vars(&refs)
    } else {
        text::coords(&refs, &d.owner_dims)
    }
}

/// The `text/html` of a value that has one (datasets, arrays and their variable mappings),
/// with `text` (its text repr) as the fallback, under xarray's display options `opts`.
pub(crate) fn html(v: &Value, text: &str, opts: &DisplayOptions) -> Option<String> {
    match v {
        Value::Dataset(ds) => Some(repr_html::dataset(ds, text, opts)),
        Value::DataArray(a) => Some(repr_html::dataarray(a, text, opts)),
        Value::Dict(d) if matches!(d.kind, DictKind::DataVars | DictKind::Coords) => {
            let vars = variables(d)
                .into_iter()
                .map(|(k, v)| (k, v.clone()))
                .collect();
            let title = if d.kind == DictKind::DataVars {
                "Data variables"
            } else {
                "Coordinates"
            };
            Some(repr_html::variables(title, &vars, text, opts))
        }
        _ => None,
    }
}
