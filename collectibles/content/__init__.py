"""What a series publishes: card artwork, OpenSea metadata checked by JSON Schema, the series folder and its CAR.
Files only: no chain and no Ape here (import-linter checks it)."""
