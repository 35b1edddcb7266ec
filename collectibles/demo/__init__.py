"""The main job, ``make demo``: the Spring Festival story on a local chain, the HTML gallery, sample members."""
