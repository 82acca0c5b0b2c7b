"""``python -m masterly.mastery``: see :mod:`masterly.mastery.cli`."""

from masterly.mastery.cli import main

raise SystemExit(main())
