//! CreateVariable and UpdateVariable.

use super::{FormPairs, Params};
use crate::validate::{self, FieldResult};

/// A variable to create.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewVariable {
    pub key: String,
    pub value: String,
}

impl NewVariable {
    pub fn encode(&self) -> FormPairs {
        vec![("Key", self.key.clone()), ("Value", self.value.clone())]
    }

    pub fn decode(params: &Params) -> FieldResult<NewVariable> {
        validate::variable_key(params.get("Key"))?;
        validate::variable_value(params.get("Value"))?;
        Ok(NewVariable {
            key: params.owned("Key").unwrap_or_default(),
            value: params.owned("Value").unwrap_or_default(),
        })
    }
}

/// What an update changes; `None` leaves it as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VariableChanges {
    pub key: Option<String>,
    pub value: Option<String>,
}

impl From<NewVariable> for VariableChanges {
    /// Both fields, as the console's editor sends them.
    fn from(variable: NewVariable) -> VariableChanges {
        VariableChanges {
            key: Some(variable.key),
            value: Some(variable.value),
        }
    }
}

impl VariableChanges {
    pub fn encode(&self) -> FormPairs {
        let mut fields = Vec::new();
        if let Some(key) = &self.key {
            fields.push(("Key", key.clone()));
        }
        if let Some(value) = &self.value {
            fields.push(("Value", value.clone()));
        }
        fields
    }

    /// Each field present is checked like on create; an absent one is not required.
    pub fn decode(params: &Params) -> FieldResult<VariableChanges> {
        if params.get("Key").is_some() {
            validate::variable_key(params.get("Key"))?;
        }
        if params.get("Value").is_some() {
            validate::variable_value(params.get("Value"))?;
        }
        Ok(VariableChanges {
            key: params.owned("Key"),
            value: params.owned("Value"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variable_round_trips_and_an_empty_value_is_a_value() {
        let new = NewVariable {
            key: "GREETING".into(),
            value: String::new(),
        };
        assert_eq!(
            NewVariable::decode(&new.encode().into_iter().collect()),
            Ok(new.clone())
        );
        let changes = VariableChanges::from(new);
        assert_eq!(
            VariableChanges::decode(&changes.encode().into_iter().collect()),
            Ok(changes)
        );
    }

    #[test]
    fn create_requires_both_and_update_neither() {
        let missing_value = [("Key", "A")].into_iter().collect();
        assert_eq!(
            NewVariable::decode(&missing_value).unwrap_err().message,
            "Missing required parameter Value in the post body"
        );
        assert_eq!(
            VariableChanges::decode(&missing_value),
            Ok(VariableChanges {
                key: Some("A".into()),
                value: None
            })
        );
        let empty_key = [("Key", "")].into_iter().collect();
        assert_eq!(
            VariableChanges::decode(&empty_key).unwrap_err().field,
            "Key"
        );
    }
}
