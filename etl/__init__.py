"""Extract-transform-load: the nightly batch job and the per-source connectors."""
