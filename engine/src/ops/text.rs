//! Element-wise operations on strings held as labels: comparison with one string, the only
//! arithmetic xarray users do on season names and `strftime` output.

use std::sync::Arc;

use super::PlanError;
use crate::model::{Block, Data, DataArray, Labels, Variable};

impl DataArray {
    /// `self == text` (`self != text` with `negate`) for an array of strings: bool, with this
    /// array's name, dimensions, coordinates and attributes. The values must be in memory.
    pub fn equals_text(&self, text: &str, negate: bool) -> Result<DataArray, PlanError> {
        let op = if negate { "!=" } else { "==" };
        let bad = |dtype: String| PlanError::BadDtype {
            op: format!("'{op}' with a string"),
            dtype,
        };
        let Some(labels) = Labels::of(&self.variable) else {
            return Err(bad(crate::repr::dtype_name(&self.variable).to_owned()));
        };
        let Data::Memory(block) = &self.variable.data else {
            return Err(bad(format!(
                "{} values that are not loaded",
                labels.dtype_name()
            )));
        };
        let wanted = labels.code(text);
        let shape = block.shape().to_vec();
        let hits: Vec<bool> = block
            .iter_i64()
            .map(|c| (Some(c) == wanted) != negate)
            .collect();
        let values = ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&shape), hits)
            .map_err(|_| bad(labels.dtype_name().to_owned()))?;
        let mut variable = Variable::new(
            self.variable.dims.clone(),
            Data::Memory(Arc::new(Block::Bool(values))),
        );
        variable.attrs.clone_from(&self.variable.attrs);
        Ok(self.with_variable(variable))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_strings_not_codes() -> Result<(), PlanError> {
        let (labels, codes) = Labels::encode(&["DJF", "JJA", "DJF"], true);
        let block = Block::I64(
            ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&[3]), codes)
                .map_err(|_| PlanError::Unnamed)?,
        );
        let mut variable = Variable::new(vec!["time".into()], Data::Memory(Arc::new(block)));
        labels.mark(&mut variable.encoding);
        let a = DataArray {
            name: Some("season".into()),
            variable,
            coords: indexmap::IndexMap::new(),
        };
        let eq = a.equals_text("DJF", false)?;
        let Data::Memory(b) = &eq.variable.data else {
            return Err(PlanError::Unnamed);
        };
        assert_eq!(b.iter_i64().collect::<Vec<_>>(), [1, 0, 1]);
        let ne = a.equals_text("MAM", true)?;
        let Data::Memory(b) = &ne.variable.data else {
            return Err(PlanError::Unnamed);
        };
        assert_eq!(b.iter_i64().collect::<Vec<_>>(), [1, 1, 1]);
        Ok(())
    }
}
