"""Content addressing as kubo does it, offline: CIDs, the UnixFS importer, CAR files, a block store; at the edge,
a local gateway and the pinning backends. No chain and no Ape here (import-linter checks it)."""
