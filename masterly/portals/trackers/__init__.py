"""The tracker pages: the tracker list, the grid, a cell's explanation, reteach groups, CSV."""
