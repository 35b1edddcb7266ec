"""The exactly-once airdrop: a plan from a member file, a journal on disk, the runner that signs and sends, the
report."""
