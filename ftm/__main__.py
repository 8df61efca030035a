"""``python -m ftm`` is the ``ftm`` command."""

from ftm.cli import main

main()
