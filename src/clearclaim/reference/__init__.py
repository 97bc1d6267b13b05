"""The code reference: one rich page per code, curated content as data, renderers."""
