"""One file per schema change (docs/development.md, "Adding a table or column")."""
