"""Web pages for standards: the browser (search, trees, a standard) and curriculum maps."""
