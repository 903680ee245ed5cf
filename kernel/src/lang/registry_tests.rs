//! Walks the whole registry: every callable has a docstring and a signature under its own name
//! that parses, and a call accepts exactly the keywords that signature names (any further one
//! iff it has `**`), refusing others with Python's message.

use super::builtins::{BUILTINS, DICT, MODULES};
use super::registry::{Builtin, Class};
use super::signature::Kind;
use super::value::Value;
use super::xarray::{
    COARSEN, DATAARRAY, DATASET, DATASET_COARSEN, DATASET_GROUPBY, DATASET_ROLLING,
    DATASET_WEIGHTED, GROUPBY, NDARRAY, ROLLING, WEIGHTED,
};

/// Every class with methods.
const CLASSES: [&Class; 14] = [
    &DICT,
    &super::xarray::DT,
    &super::strings::STR,
    &DATAARRAY,
    &DATASET,
    &NDARRAY,
    &GROUPBY,
    &DATASET_GROUPBY,
    &ROLLING,
    &DATASET_ROLLING,
    &COARSEN,
    &DATASET_COARSEN,
    &WEIGHTED,
    &DATASET_WEIGHTED,
];

/// Every callable: builtins, module functions, class methods, with where it lives.
fn every_callable() -> Vec<(String, &'static Builtin)> {
    let mut all: Vec<(String, &Builtin)> = BUILTINS.iter().map(|b| (String::new(), b)).collect();
    for m in MODULES {
        all.extend(m.functions.iter().map(|b| (m.name.to_owned(), b)));
    }
    for c in CLASSES {
        all.extend(c.methods.iter().map(|b| (c.name.to_owned(), b)));
    }
    all
}

#[test]
fn every_callable_accepts_exactly_the_keywords_its_signature_names() {
    let mut wrong = Vec::new();
    for (owner, b) in every_callable() {
        let at = if owner.is_empty() {
            b.name.to_owned()
        } else {
            format!("{owner}.{}", b.name)
        };
        if b.doc.trim().is_empty() {
            wrong.push(format!("{at}: no docstring"));
        }
        if !b.signature.starts_with(&format!("{}(", b.name)) || !b.signature.ends_with(')') {
            wrong.push(format!(
                "{at}: signature {:?} is not {}(...)",
                b.signature, b.name
            ));
        }
        let sig = b.parsed_signature();
        let names: Vec<&str> = sig.params.iter().map(|p| p.name.as_str()).collect();
        if names
            .iter()
            .any(|n| !n.chars().all(|c| c.is_alphanumeric() || c == '_'))
        {
            wrong.push(format!(
                "{at}: {:?} has a parameter that is not a name",
                b.signature
            ));
        }
        if sig
            .params
            .iter()
            .filter(|p| p.kind == Kind::VarKeyword)
            .count()
            > 1
        {
            wrong.push(format!("{at}: two ** parameters"));
        }
        let call = |k: &str| sig.check_keywords(b, &[(k.to_owned(), Value::None)]);
        for k in sig.keywords() {
            if let Err(e) = call(k) {
                wrong.push(format!("{at}: refuses its own keyword {k:?}: {}", e.msg));
            }
        }
        match (call("nereus_not_a_parameter"), sig.free_keywords()) {
            (Ok(()), false) => wrong.push(format!("{at}: accepts a keyword it does not name")),
            (Err(e), false)
                if !(e.msg.contains("'nereus_not_a_parameter'")
                    || e.msg.ends_with("() takes no keyword arguments")) =>
            {
                wrong.push(format!("{at}: refuses with {:?}", e.msg));
            }
            (Err(e), true) => wrong.push(format!("{at}: takes ** but refuses: {}", e.msg)),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn positional_only_parameters_are_not_keywords() {
    let get = DICT.method("get").expect("dict.get");
    let refused = get
        .parsed_signature()
        .check_keywords(get, &[("key".to_owned(), Value::None)]);
    assert_eq!(
        refused.map_err(|e| e.msg),
        Err("dict.get() takes no keyword arguments".to_owned())
    );
}

#[test]
fn unknown_keywords_are_refused_in_pythons_words() {
    // What Python 3.11 with xarray says (C builtins, Python methods, module functions).
    let refusal = |b: &Builtin, k: &str| {
        b.parsed_signature()
            .check_keywords(b, &[(k.to_owned(), Value::None)])
            .map_err(|e| e.msg)
    };
    let print = BUILTINS.iter().find(|b| b.name == "print").expect("print");
    assert_eq!(
        refusal(print, "sepp"),
        Err("'sepp' is an invalid keyword argument for print(). Did you mean: 'sep'?".to_owned())
    );
    let len = BUILTINS.iter().find(|b| b.name == "len").expect("len");
    assert_eq!(
        refusal(len, "obj"),
        Err("len() takes no keyword arguments".to_owned())
    );
    let transpose = DATAARRAY.method("transpose").expect("transpose");
    assert_eq!(
        refusal(transpose, "foo"),
        Err("DataArray.transpose() got an unexpected keyword argument 'foo'".to_owned())
    );
    let concat = MODULES
        .iter()
        .find(|m| m.name == "xarray")
        .and_then(|m| m.functions.iter().find(|b| b.name == "concat"))
        .expect("xr.concat");
    assert_eq!(
        refusal(concat, "foo"),
        Err("concat() got an unexpected keyword argument 'foo'".to_owned())
    );
}
