// The project's own tests use the checks it ships to generator authors.
@_exported import ParamShareTesting
