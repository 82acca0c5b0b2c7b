"""OneRoster 1.1 and 1.2 CSV bulk import: from files (a .zip or a folder) to the roster.

- ``source`` / ``csvreader`` / ``manifest`` / ``rows``: the edge. Bytes become typed rows;
  every problem becomes a ``RosterImportError`` naming file, line and column.
- ``steps/``: one step per file, streamed in chunks, writing through ``masterly.roster.services``.
- ``importer.roster_import``: the whole set in one transaction (the service everything calls).
- ``services`` / ``tasks`` / ``views`` / ``management/commands/import_oneroster``: import runs
  from the web (a background task) and from the command line, with their history.
"""
