"""Shared test helpers: chain time, log decoding, constants."""
