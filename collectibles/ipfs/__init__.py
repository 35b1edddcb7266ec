"""Content addressing as kubo does it, offline: ``cid`` (the CID and its strings), ``unixfs`` (the importer),
``dagpb`` (the block format), ``car`` (CAR files), ``blockstore`` (verified blocks and UnixFS paths); at the
edge, ``gateway`` (HTTP) and ``pinning`` (the publication backends). No chain and no Ape here (import-linter
checks it)."""
