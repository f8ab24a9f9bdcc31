//! Upload validation: [`validate_code`] is the one check run by the node when code
//! is uploaded (and again when it is loaded for execution) and by
//! `bayledger contract check FILE`. Its error messages are written for the contract
//! author and name the rule that was broken.

use crate::abi::{self, Sig};
use crate::config::{CodeLimits, allowed_features};
use bayledger_types::Hash;
use wasmtime::wasmparser::{
    ExternalKind, FuncType, FuncValidatorAllocations, Parser, Payload, TypeRef, ValidPayload,
    Validator, WasmFeatures,
};

/// Why uploaded code was refused. Each variant names the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    /// The module is larger than `max_code_bytes`.
    #[error("code is {size} bytes; the limit is {limit} bytes")]
    TooLarge {
        /// Size of the module.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The bytes are not a valid WebAssembly module.
    #[error("not a valid WebAssembly module: {0}")]
    Invalid(String),
    /// The module uses a WebAssembly feature outside the allowed set.
    #[error(
        "uses the WebAssembly feature `{feature}`, which contracts may not use (allowed: MVP, \
         mutable-global, saturating-float-to-int, sign-extension; build for wasm32v1-none): {detail}"
    )]
    ForbiddenFeature {
        /// The feature, e.g. `simd` or `bulk-memory`.
        feature: String,
        /// The validator's message, with the offset.
        detail: String,
    },
    /// The module has a start function.
    #[error(
        "has a start function (function {0}); contracts must not run code when instantiated \
         (use the `instantiate` export)"
    )]
    StartFunction(u32),
    /// An import that is not a `bl` host function of ABI v1.
    #[error(
        "imports `{module}.{name}`, which is not part of the bayledger_abi_v1 host API (only the \
         functions of module `bl` listed in ADR 0006 may be imported)"
    )]
    ForbiddenImport {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// An import of a memory, table or global.
    #[error("imports a {kind} `{module}.{name}`; contracts may import only `bl` functions")]
    ForbiddenImportKind {
        /// `memory`, `table`, `global` or `tag`.
        kind: &'static str,
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// A host function imported with the wrong signature.
    #[error("import `bl.{name}` has signature {found}; bayledger_abi_v1 defines it as {expected}")]
    ImportSignature {
        /// Import name.
        name: String,
        /// The ABI's signature.
        expected: String,
        /// The module's signature.
        found: String,
    },
    /// More imports than allowed.
    #[error("has {count} imports; the limit is {limit}")]
    TooManyImports {
        /// Imports in the module.
        count: u64,
        /// The limit.
        limit: u32,
    },
    /// More functions than allowed.
    #[error("defines {count} functions; the limit is {limit}")]
    TooManyFunctions {
        /// Functions defined by the module.
        count: u64,
        /// The limit.
        limit: u32,
    },
    /// A function with too many locals.
    #[error("function {index} has {count} locals (parameters included); the limit is {limit}")]
    TooManyLocals {
        /// Function index (imports first, as in the name section).
        index: u32,
        /// Its locals.
        count: u64,
        /// The limit.
        limit: u32,
    },
    /// More than one memory or table.
    #[error("declares {count} {kind}s; a contract may have at most one")]
    TooMany {
        /// `memory` or `table`.
        kind: &'static str,
        /// How many.
        count: u64,
    },
    /// The memory's declared minimum is above the limit.
    #[error("memory declares a minimum of {pages} pages; the limit is {limit} pages ({} KiB)", u64::from(*.limit) * 64)]
    MemoryTooLarge {
        /// Declared minimum, in 64 KiB pages.
        pages: u64,
        /// The limit.
        limit: u32,
    },
    /// The table's initial size is above the limit.
    #[error("table declares {elements} initial elements; the limit is {limit}")]
    TableTooLarge {
        /// Declared initial size.
        elements: u64,
        /// The limit.
        limit: u32,
    },
    /// The ABI version marker export is missing.
    #[error(
        "missing export `bayledger_abi_v1`: the module was not built for the Bayledger contract \
         ABI v1 (build it with the Bayledger contract SDK)"
    )]
    MissingAbiMarker,
    /// A required export is missing.
    #[error("missing required export `{0}` (see ADR 0006, \"Exports\")")]
    MissingExport(&'static str),
    /// An export of the wrong kind, e.g. `call` exported as a global.
    #[error("export `{name}` must be a {expected}")]
    ExportKind {
        /// Export name.
        name: &'static str,
        /// `function` or `memory`.
        expected: &'static str,
    },
    /// An ABI export with the wrong signature.
    #[error("export `{name}` has signature {found}; bayledger_abi_v1 requires {expected}")]
    ExportSignature {
        /// Export name.
        name: &'static str,
        /// The ABI's signature.
        expected: String,
        /// The module's signature.
        found: String,
    },
}

/// Optional entry points a module exports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodeExports {
    /// `instantiate`.
    pub instantiate: bool,
    /// `query`.
    pub query: bool,
    /// `migrate`.
    pub migrate: bool,
}

/// What validation learned about accepted code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeInfo {
    /// SHA3-256 of the module: its code hash (state key `code/<hash>`).
    pub hash: Hash,
    /// Size in bytes.
    pub size: usize,
    /// Optional entry points present.
    pub exports: CodeExports,
    /// Host functions imported (names in module `bl`), sorted, without duplicates.
    pub imports: Vec<String>,
}

/// Everything the rules look at, gathered while the validator runs.
#[derive(Default)]
struct Facts {
    types: Vec<FuncType>,
    imported_funcs: Vec<u32>,
    defined_funcs: Vec<u32>,
    imports: Vec<String>,
    import_count: u64,
    memories: Vec<u64>,
    tables: Vec<u64>,
    exports: Vec<(String, ExternalKind, u32)>,
    /// First function over the locals limit: (index, locals).
    too_many_locals: Option<(u32, u64)>,
}

/// Checks `wasm` against every upload rule of ADR 0006 and returns what the node
/// needs to know about it. Never panics, whatever the input.
pub fn validate_code(wasm: &[u8], limits: &CodeLimits) -> Result<CodeInfo, ValidationError> {
    if wasm.len() > limits.max_code_bytes {
        return Err(ValidationError::TooLarge { size: wasm.len(), limit: limits.max_code_bytes });
    }
    let facts = gather(wasm, limits)?;
    check_imports(&facts, limits)?;
    check_definitions(&facts, limits)?;
    let exports = check_exports(&facts)?;
    let mut imports = facts.imports;
    imports.sort();
    imports.dedup();
    Ok(CodeInfo { hash: Hash::sha3(wasm), size: wasm.len(), exports, imports })
}

/// Runs the wasmparser validator with exactly the allowed features and collects facts.
fn gather(wasm: &[u8], limits: &CodeLimits) -> Result<Facts, ValidationError> {
    let mut validator = Validator::new_with_features(allowed_features());
    let mut facts = Facts::default();
    let mut allocs = FuncValidatorAllocations::default();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(refusal)?;
        let valid = validator.payload(&payload).map_err(refusal)?;
        if let ValidPayload::Func(func, body) = valid {
            let mut fv = func.into_validator(std::mem::take(&mut allocs));
            fv.validate(&body).map_err(refusal)?;
            let index = fv.index();
            allocs = fv.into_allocations();
            if facts.too_many_locals.is_none() {
                let mut locals = body.get_locals_reader().map_err(refusal)?;
                let mut count = facts.func_type(index).map_or(0, |ty| ty.params().len() as u64);
                for _ in 0..locals.get_count() {
                    let (n, _) = locals.read().map_err(refusal)?;
                    count = count.saturating_add(u64::from(n));
                }
                if count > u64::from(limits.max_locals_per_function) {
                    facts.too_many_locals = Some((index, count));
                }
            }
        }
        match payload {
            Payload::StartSection { func, .. } => return Err(ValidationError::StartFunction(func)),
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    facts.types.push(ty.map_err(refusal)?);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(refusal)?;
                    facts.import_count += 1;
                    let kind = match import.ty {
                        TypeRef::Func(ty) | TypeRef::FuncExact(ty) => {
                            if import.module != abi::IMPORT_MODULE
                                || abi::import(import.name).is_none()
                            {
                                return Err(ValidationError::ForbiddenImport {
                                    module: import.module.to_string(),
                                    name: import.name.to_string(),
                                });
                            }
                            facts.imported_funcs.push(ty);
                            facts.imports.push(import.name.to_string());
                            continue;
                        }
                        TypeRef::Memory(_) => "memory",
                        TypeRef::Table(_) => "table",
                        TypeRef::Global(_) => "global",
                        TypeRef::Tag(_) => "tag",
                    };
                    return Err(ValidationError::ForbiddenImportKind {
                        kind,
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    facts.defined_funcs.push(ty.map_err(refusal)?);
                }
            }
            Payload::MemorySection(reader) => {
                for mem in reader {
                    facts.memories.push(mem.map_err(refusal)?.initial);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    facts.tables.push(table.map_err(refusal)?.ty.initial);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(refusal)?;
                    facts.exports.push((export.name.to_string(), export.kind, export.index));
                }
            }
            _ => {}
        }
    }
    Ok(facts)
}

impl Facts {
    /// Type of function `index` (imports first).
    fn func_type(&self, index: u32) -> Option<&FuncType> {
        let index = usize::try_from(index).ok()?;
        let ty = match index.checked_sub(self.imported_funcs.len()) {
            None => self.imported_funcs.get(index)?,
            Some(defined) => self.defined_funcs.get(defined)?,
        };
        self.types.get(usize::try_from(*ty).ok()?)
    }
}

/// Turns a validator error into the user-facing refusal, naming the feature if the
/// module needs one that contracts may not use.
fn refusal(err: wasmtime::wasmparser::BinaryReaderError) -> ValidationError {
    // A few feature checks in wasmparser carry no feature tag; name them here.
    let untagged = || match err.message() {
        m if m.starts_with("multiple memories") => Some("multi-memory".to_string()),
        m if m.starts_with("multiple tables") => Some("reference-types".to_string()),
        _ => None,
    };
    match err.missing_wasm_feature().and_then(feature_name).or_else(untagged) {
        Some(feature) => ValidationError::ForbiddenFeature { feature, detail: err.to_string() },
        None => ValidationError::Invalid(err.to_string()),
    }
}

/// The proposal name of the first feature flag in `missing`, e.g. `bulk-memory`.
fn feature_name(missing: WasmFeatures) -> Option<String> {
    let (flag, _) = missing.iter_names().next()?;
    let name = match flag {
        // Sub-features of a proposal are reported as the proposal.
        "BULK_MEMORY_OPT" => "bulk-memory".to_string(),
        "CALL_INDIRECT_OVERLONG" => "reference-types".to_string(),
        "GC_TYPES" => "gc".to_string(),
        other => other.to_ascii_lowercase().replace('_', "-"),
    };
    Some(name)
}

/// Import rules: count, and each host function's signature.
fn check_imports(facts: &Facts, limits: &CodeLimits) -> Result<(), ValidationError> {
    if facts.import_count > u64::from(limits.max_imports) {
        return Err(ValidationError::TooManyImports {
            count: facts.import_count,
            limit: limits.max_imports,
        });
    }
    for (name, ty) in facts.imports.iter().zip(&facts.imported_funcs) {
        let Some(expected) = abi::import(name) else {
            // `gather` only records names the ABI has.
            continue;
        };
        let found = usize::try_from(*ty).ok().and_then(|t| facts.types.get(t));
        if let Some(found) = found
            && !expected.matches(found.params(), found.results())
        {
            return Err(ValidationError::ImportSignature {
                name: name.clone(),
                expected: expected.to_string(),
                found: abi::render_sig(found.params(), found.results()),
            });
        }
    }
    Ok(())
}

/// Functions, memory and table limits.
fn check_definitions(facts: &Facts, limits: &CodeLimits) -> Result<(), ValidationError> {
    let functions = facts.defined_funcs.len() as u64;
    if functions > u64::from(limits.max_functions) {
        return Err(ValidationError::TooManyFunctions {
            count: functions,
            limit: limits.max_functions,
        });
    }
    if let Some((index, count)) = facts.too_many_locals {
        return Err(ValidationError::TooManyLocals {
            index,
            count,
            limit: limits.max_locals_per_function,
        });
    }
    if facts.memories.len() > 1 {
        return Err(ValidationError::TooMany {
            kind: "memory",
            count: facts.memories.len() as u64,
        });
    }
    if let Some(&pages) = facts.memories.first()
        && pages > u64::from(limits.max_memory_pages)
    {
        return Err(ValidationError::MemoryTooLarge { pages, limit: limits.max_memory_pages });
    }
    if facts.tables.len() > 1 {
        return Err(ValidationError::TooMany { kind: "table", count: facts.tables.len() as u64 });
    }
    if let Some(&elements) = facts.tables.first()
        && elements > u64::from(limits.max_table_elements)
    {
        return Err(ValidationError::TableTooLarge { elements, limit: limits.max_table_elements });
    }
    Ok(())
}

/// Required exports present with the ABI's kinds and signatures.
fn check_exports(facts: &Facts) -> Result<CodeExports, ValidationError> {
    let find =
        |name: &str| facts.exports.iter().find(|(n, _, _)| n == name).map(|(_, k, i)| (*k, *i));

    match find(abi::EXPORT_MEMORY) {
        None => return Err(ValidationError::MissingExport(abi::EXPORT_MEMORY)),
        Some((ExternalKind::Memory, _)) => {}
        Some(_) => {
            return Err(ValidationError::ExportKind {
                name: abi::EXPORT_MEMORY,
                expected: "memory",
            });
        }
    }
    let mut present = CodeExports::default();
    for &(name, sig, required) in abi::FUNC_EXPORTS {
        let Some((kind, index)) = find(name) else {
            if !required {
                continue;
            }
            return Err(if name == abi::ABI_MARKER {
                ValidationError::MissingAbiMarker
            } else {
                ValidationError::MissingExport(name)
            });
        };
        if kind != ExternalKind::Func {
            return Err(ValidationError::ExportKind { name, expected: "function" });
        }
        check_export_sig(facts, name, index, sig)?;
        match name {
            abi::EXPORT_INSTANTIATE => present.instantiate = true,
            abi::EXPORT_QUERY => present.query = true,
            abi::EXPORT_MIGRATE => present.migrate = true,
            _ => {}
        }
    }
    Ok(present)
}

fn check_export_sig(
    facts: &Facts,
    name: &'static str,
    index: u32,
    sig: Sig,
) -> Result<(), ValidationError> {
    match facts.func_type(index) {
        Some(ty) if sig.matches(ty.params(), ty.results()) => Ok(()),
        Some(ty) => Err(ValidationError::ExportSignature {
            name,
            expected: sig.to_string(),
            found: abi::render_sig(ty.params(), ty.results()),
        }),
        // The validator has checked every export index.
        None => {
            Err(ValidationError::Invalid(format!("export `{name}` refers to an unknown function")))
        }
    }
}
