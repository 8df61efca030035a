"""The ``ftm`` command groups, one module each."""
