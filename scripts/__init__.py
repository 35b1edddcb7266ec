"""The ops commands, run with ``ape run <name>``: thin click commands over the ``collectibles`` package.

A package (rather than a bare folder) so that ``scripts._cli`` has one module name for Ape, pytest and mypy
alike; Ape's ``ape run`` skips this file, like every module whose name starts with ``_``.
"""
