"""Pure rules of the collection: token ids and transfer policies, the catalogue, member files, Merkle trees,
settings and errors. Nothing here talks to a chain, a network or Ape (import-linter checks it)."""
