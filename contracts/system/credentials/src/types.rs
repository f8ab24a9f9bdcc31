//! The registry of credential types: registration by the committee, schema versions published
//! by each type's owner (the history is kept), and the type queries.

use crate::access::require_committee;
use crate::event::{self, SchemaUpdated, TypeRegistered};
use crate::index::{Key, page_size, scan};
use crate::record::{SchemaVersion, TypeRecord};
use crate::response::{TypeResponse, TypesResponse};
use crate::state::{SCHEMAS, TYPES};
use crate::validate::{self, MAX_DESCRIPTION_LEN, MAX_NAME_LEN, MAX_URI_LEN};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use bayledger_contract_sdk::{Error, env};

/// Most schema versions one type may have (keeps the `type` response bounded).
pub const MAX_SCHEMA_VERSIONS: u32 = 64;

/// `register_type` fields.
#[derive(Debug)]
pub(crate) struct NewType {
    pub id: String,
    pub name: String,
    pub description: String,
    pub schema_hash: String,
    pub schema_uri: String,
    pub owner: String,
}

fn schema_key(id: &str, version: u32) -> Vec<u8> {
    Key::new().str(id).u32(version).into_vec()
}

/// The type `id`; `not found: …` if it is not registered.
pub(crate) fn load(id: &str) -> Result<TypeRecord, Error> {
    TYPES
        .get(&id.to_string())?
        .ok_or_else(|| Error::new(format!("not found: credential type {id:?}")))
}

/// Committee only: registers a type with schema version 1.
pub(crate) fn register(t: NewType) -> Result<(), Error> {
    require_committee("register credential types")?;
    validate::type_id("id", &t.id)?;
    validate::text("name", &t.name, 1, MAX_NAME_LEN)?;
    validate::text("description", &t.description, 0, MAX_DESCRIPTION_LEN)?;
    validate::hash("schema_hash", &t.schema_hash)?;
    validate::uri("schema_uri", &t.schema_uri, MAX_URI_LEN)?;
    validate::address("owner", &t.owner)?;
    if TYPES.has(&t.id) {
        return Err(Error::new(format!("already exists: credential type {:?}", t.id)));
    }
    let (at_ms, height) = (env::block_time_ms(), env::block_height());
    let record = TypeRecord {
        id: t.id,
        name: t.name,
        description: t.description,
        owner: t.owner,
        registered_at_ms: at_ms,
        registered_height: height,
        schema_version: 1,
        schema_hash: t.schema_hash,
        schema_uri: t.schema_uri,
    };
    TYPES.set(&record.id, &record);
    SCHEMAS.set(
        &schema_key(&record.id, 1),
        &SchemaVersion {
            version: 1,
            schema_hash: record.schema_hash.clone(),
            schema_uri: record.schema_uri.clone(),
            at_ms,
            height,
        },
    );
    event::emit(
        event::TYPE_REGISTERED,
        &TypeRegistered {
            id: &record.id,
            name: &record.name,
            description: &record.description,
            owner: &record.owner,
            schema_version: 1,
            schema_hash: &record.schema_hash,
            schema_uri: &record.schema_uri,
        },
    )
}

/// Type owner only: publishes the next schema version.
pub(crate) fn update_schema(
    credential_type: &str,
    schema_hash: String,
    schema_uri: String,
) -> Result<(), Error> {
    validate::type_id("credential_type", credential_type)?;
    let mut record = load(credential_type)?;
    let sender = env::caller().to_string();
    if sender != record.owner {
        return Err(Error::new(format!(
            "unauthorized: only the owner {} of credential type {credential_type:?} may publish its schema",
            record.owner
        )));
    }
    validate::hash("schema_hash", &schema_hash)?;
    validate::uri("schema_uri", &schema_uri, MAX_URI_LEN)?;
    if schema_hash == record.schema_hash {
        return Err(Error::new(format!(
            "conflict: schema {schema_hash} is already version {} of credential type {credential_type:?}",
            record.schema_version
        )));
    }
    if record.schema_version >= MAX_SCHEMA_VERSIONS {
        return Err(Error::new(format!(
            "limit: credential type {credential_type:?} already has {MAX_SCHEMA_VERSIONS} schema versions"
        )));
    }
    let version = SchemaVersion {
        version: record.schema_version + 1,
        schema_hash,
        schema_uri,
        at_ms: env::block_time_ms(),
        height: env::block_height(),
    };
    SCHEMAS.set(&schema_key(credential_type, version.version), &version);
    record.schema_version = version.version;
    record.schema_hash = version.schema_hash.clone();
    record.schema_uri = version.schema_uri.clone();
    TYPES.set(&record.id, &record);
    event::emit(
        event::SCHEMA_UPDATED,
        &SchemaUpdated {
            credential_type,
            schema_version: version.version,
            schema_hash: &version.schema_hash,
            schema_uri: &version.schema_uri,
        },
    )
}

/// `type`: the type and its schema history.
pub(crate) fn get(id: &str) -> Result<TypeResponse, Error> {
    validate::type_id("id", id)?;
    let record = load(id)?;
    let prefix = Key::new().str(id).into_vec();
    let schemas =
        scan(&SCHEMAS, &prefix, None).map(|e| e.map(|(_, v)| v)).collect::<Result<_, _>>()?;
    Ok(TypeResponse { credential_type: record, schemas })
}

/// `types`: a page in id order.
pub(crate) fn list(
    start_after: Option<String>,
    limit: Option<u32>,
) -> Result<TypesResponse, Error> {
    if let Some(after) = &start_after {
        validate::type_id("start_after", after)?;
    }
    let types = TYPES
        .range(start_after.as_ref())
        .take(page_size(limit))
        .map(|e| e.map(|(_, t)| t))
        .collect::<Result<_, _>>()?;
    Ok(TypesResponse { types })
}
