"""The test suite (a package, so that ``tests.*`` imports resolve here and not to a
``tests`` package some dependency installs into site-packages, as ciw does)."""
