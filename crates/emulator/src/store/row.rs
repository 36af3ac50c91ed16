//! Reads a row into the type whose fields its columns name. The wire types' fields are the
//! store's column names, so one reader serves every resource where each table had a mapper
//! that listed its fields again. The store's encodings are decoded here, once:
//! - a NULL column is left out, so the field keeps its default (the wire types are
//!   `#[serde(default)]`; an optional field stays `None`, a text field empty);
//! - `date_*` columns hold Unix seconds and read as Twilio's ISO 8601 text;
//! - an INTEGER read as a `bool` is SQLite's 0 or 1;
//! - a TEXT column read as a list holds JSON (a build's dependencies).

use crate::clock;
use rusqlite::Row;
use rusqlite::types::{Type, ValueRef};
use serde::de::value::{Error, StringDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::forward_to_deserialize_any;

/// The row as a `T`; a row that does not fit `T` is the store's bug, reported as a conversion
/// failure of the column being read.
pub fn read<T: DeserializeOwned>(row: &Row<'_>) -> rusqlite::Result<T> {
    let mut columns = Columns { row, next: 0 };
    T::deserialize(&mut columns).map_err(|error| {
        let column = columns.next.saturating_sub(1);
        let kind = row
            .get_ref(column)
            .map_or(Type::Null, |value| value.data_type());
        rusqlite::Error::FromSqlConversionFailure(column, kind, Box::new(error))
    })
}

/// The row as a map from column name to value, walked once.
struct Columns<'a, 'r> {
    row: &'a Row<'r>,
    next: usize,
}

impl<'de> de::Deserializer<'de> for &mut Columns<'_, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de> MapAccess<'de> for &mut Columns<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let statement = self.row.as_ref();
        while self.next < statement.column_count() {
            let index = self.next;
            let null = matches!(self.row.get_ref(index), Ok(ValueRef::Null));
            if !null {
                let name = statement.column_name(index).map_err(de::Error::custom)?;
                return seed.deserialize(name.into_deserializer()).map(Some);
            }
            self.next += 1;
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let index = self.next;
        self.next += 1;
        let name = self
            .row
            .as_ref()
            .column_name(index)
            .map_err(de::Error::custom)?;
        let value = self.row.get_ref(index).map_err(de::Error::custom)?;
        let cell = match value {
            ValueRef::Integer(seconds) if name.starts_with("date_") => {
                Cell::Text(clock::format(seconds))
            }
            ValueRef::Integer(number) => Cell::Integer(number),
            ValueRef::Real(number) => Cell::Real(number),
            ValueRef::Text(text) => Cell::Text(String::from_utf8_lossy(text).into_owned()),
            ValueRef::Blob(bytes) => Cell::Blob(bytes.to_vec()),
            // `next_key_seed` passes NULL columns over.
            ValueRef::Null => return Err(de::Error::custom("a NULL column was read")),
        };
        seed.deserialize(cell)
    }
}

/// One non-NULL value, decoded as its field asks.
enum Cell {
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl<'de> de::Deserializer<'de> for Cell {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Cell::Integer(number) => visitor.visit_i64(number),
            Cell::Real(number) => visitor.visit_f64(number),
            Cell::Text(text) => visitor.visit_string(text),
            Cell::Blob(bytes) => visitor.visit_byte_buf(bytes),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Cell::Integer(number) => visitor.visit_bool(number != 0),
            other => other.deserialize_any(visitor),
        }
    }

    /// NULL columns are left out, so a value that is there is `Some`.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self {
            Cell::Text(text) => {
                let variant: StringDeserializer<Error> = text.into_deserializer();
                visitor.visit_enum(variant)
            }
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Cell::Text(json) => serde_json::from_str::<serde_json::Value>(&json)
                .map_err(de::Error::custom)?
                .deserialize_seq(visitor)
                .map_err(de::Error::custom),
            other => other.deserialize_any(visitor),
        }
    }

    forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct tuple tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::read;
    use rusqlite::Connection;
    use serde::Deserialize;
    use switchboard_models::{BuildStatus, Dependency};

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default)]
    struct Decoded {
        flag: bool,
        missing: Option<String>,
        empty: String,
        date_created: String,
        status: BuildStatus,
        dependencies: Vec<Dependency>,
        count: i64,
    }

    fn decode(sql: &str) -> rusqlite::Result<Decoded> {
        Connection::open_in_memory()?.query_row(sql, [], read)
    }

    #[test]
    fn every_encoding_of_the_store_is_decoded() {
        let decoded = decode(
            "SELECT 1 AS flag, NULL AS missing, NULL AS empty, 0 AS date_created, \
             'failed' AS status, '[{\"name\":\"axios\",\"version\":\"1.7.0\"}]' AS dependencies, \
             7 AS count, 'ignored' AS unknown_column",
        )
        .unwrap();
        let dependency = Dependency {
            name: "axios".into(),
            version: "1.7.0".into(),
        };
        let expected = Decoded {
            flag: true,
            missing: None,
            empty: String::new(),
            date_created: "1970-01-01T00:00:00Z".into(),
            status: BuildStatus::Failed,
            dependencies: vec![dependency],
            count: 7,
        };
        assert_eq!(decoded, expected);
    }

    #[test]
    fn a_row_that_does_not_fit_its_type_is_an_error_not_a_default() {
        let error = decode("SELECT 'lost' AS status").unwrap_err();
        assert!(
            matches!(error, rusqlite::Error::FromSqlConversionFailure(0, _, _)),
            "{error}"
        );
        assert!(decode("SELECT 'not json' AS dependencies").is_err());
    }
}
