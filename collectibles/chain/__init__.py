"""Everything that reads or writes the chain through Ape: deployments and their registry, series, mints,
claims, reveals, the audit, custom errors, and the journaled airdrop."""
