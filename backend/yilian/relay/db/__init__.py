"""The relay's database: models, engine and migrations."""
