"""Content addressing as kubo does it, offline: ``cid`` (the CID and its strings), ``unixfs`` (the importer),
``dagpb`` (the block format), ``car`` (CAR files), ``blockstore`` (verified blocks and UnixFS paths), ``salvage``
(damaged CAR files read for what they still hold); at the edge, ``gateway`` (HTTP), ``fetch`` (files by
``ipfs://`` URI, from blocks or a gateway, checked against their CID) and ``pinning`` (the publication
backends). No chain and no Ape here (import-linter
checks it)."""
